"""The checks between the model and the user: citations, figures and the streamed text.

- a citation that names no shown source is dropped;
- every quantity in the reply is looked up in the chunks it cites, then in the other shown
  sources; found ones are verified (with the chunk and the matching text), others are not;
- `review` decides whether the reply may be shown as written; verified is necessary but not
  enough (see its docstring);
- `CheckedStream` releases streamed text only up to the next figure that has not passed, so
  an unverified figure is never shown, even for a moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant import numbers
from assistant.evidence import Evidence, figures_asked_for, has_kind, names
from assistant.lexical import tokenize
from assistant.prompt import Source
from assistant.types import NumberCheck, Quantity

REFUSAL = re.compile(
    r"do(?:es)? not (?:say|mention|state|contain|provide|specify)|not (?:mentioned|stated|found"
    r"|available|provided)|no information|cannot (?:find|answer|determine)|don't (?:say|know)",
    re.IGNORECASE,
)
_CITE = re.compile(r"\[\s*(?:source\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.IGNORECASE)
FOCUS = 2  # the reply's figures must come from at most this many best evidence sentences
FOCUS_MARGIN = 0.1  # ... of which the second counts only if it scores within this of the first
_HOLD_CHARS = 24  # a figure's scale word or unit may still follow within this many characters


def citations_last(text: str) -> str:
    """ "[1] China held …" reads better as "China held … [1]"."""
    lead = re.match(r"^((?:\[\d+(?:,\s*\d+)*\]\s*)+)([^\s\[].*)$", text, re.DOTALL)
    if not lead:
        return text
    return f"{lead.group(2).rstrip()} {lead.group(1).strip()}"


def cited_numbers(text: str, valid: set[int]) -> list[int]:
    found: list[int] = []
    for m in _CITE.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part)
            if n in valid and n not in found:
                found.append(n)
    return found


def drop_invalid_citations(text: str, valid: set[int]) -> str:
    def keep(m: re.Match[str]) -> str:
        ns = [int(p) for p in re.split(r"[,;]", m.group(1)) if int(p) in valid]
        return f"[{', '.join(map(str, ns))}]" if ns else ""

    return re.sub(r"\s+([.,;])", r"\1", _CITE.sub(keep, text)).strip()


def check_quantity(q: Quantity, sources: list[Source], cited: list[int]) -> NumberCheck:
    """Look the figure up in the cited chunks first, then in every other shown source."""
    ordered = sorted(sources, key=lambda s: (s.n not in cited, s.n))
    for source in ordered:
        match = numbers.find_in(q, source.hit.chunk.text)
        if match is not None:
            return NumberCheck(q, True, source.n, _context(source.hit.chunk.text, match))
    return NumberCheck(q, False)


def _context(text: str, match: Quantity, width: int = 80) -> str:
    """The matching text with some words around it, on one line."""
    start, end = max(0, match.start - width), min(len(text), match.end + width)
    snippet = re.sub(r"\s+", " ", text[start:end]).strip()
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


class CheckedStream:
    """Release streamed text only up to the next figure that has not passed its check.

    With `hold` set (the question asks for a figure), nothing is released before the first
    figure has passed: a reply that never states one will be replaced, so none of it is shown.
    """

    def __init__(
        self, verify: Callable[[Quantity], bool], include_time: bool, hold: bool = False
    ) -> None:
        self.verify = verify
        self.include_time = include_time
        self.hold = hold
        self.text = ""
        self.released = 0
        self.blocked = False
        self._verified: set[tuple[int, str]] = set()

    def feed(self, piece: str, final: bool = False) -> str:
        self.text += piece
        if self.blocked:
            return ""
        limit = len(self.text) if final else self._stable_end()
        for q in numbers.checkable(self.text, self.include_time):
            if q.start >= limit:
                break
            settled = final or q.end + _HOLD_CHARS <= len(self.text)
            if not settled:
                limit = min(limit, q.start)
                break
            if (q.start, q.text) not in self._verified:
                if not self.verify(q):
                    self.blocked = True
                    limit = min(limit, q.start)
                    break
                self._verified.add((q.start, q.text))
        if self.hold and not self._verified:
            return ""
        return self._release(limit)

    def _stable_end(self) -> int:
        """Text may still change at its tail: a word, a figure or a "[n]" marker in progress."""
        end = len(self.text)
        if not self.text[-1:].isspace():
            end = self.text.rfind(" ") + 1
        bracket = self.text.rfind("[")
        if bracket > self.text.rfind("]"):
            end = min(end, bracket)
        return end

    def _release(self, limit: int) -> str:
        if limit <= self.released:
            return ""
        out = self.text[self.released : limit]
        self.released = limit
        return out


def review(
    text: str, checks: list[NumberCheck], question: str, kind: str, evidence: list[Evidence]
) -> str:
    """Why the model's wording cannot be shown as it is, or "" when it can.

    Verified is necessary but not enough: a figure copied from a less relevant sentence, from
    the row of another country, or from the wrong clause of the right sentence is verified and
    still wrong. So when the question asks for a figure, the reply must state one of the kind
    asked for, taken from the best evidence sentences that hold such a figure, from a sentence
    about the question's subjects, and be the figure of that sentence that fits the question.
    """
    if not text:
        return "empty answer"
    if any(not c.verified for c in checks):
        return "unverified figure"
    focus = focus_of(evidence, kind)
    if not focus:
        return ""
    if not has_kind(text, kind):
        return "no figure of the kind asked for"
    for check in checks:
        reason = review_figure(check.quantity, question, kind, focus)
        if reason:
            return reason
    return ""


def review_figure(q: Quantity, question: str, kind: str, focus: list[Evidence]) -> str:
    """Why figure `q` is not the answer the focus sentences give, or "" when it may be."""
    home = [e for e in focus if numbers.find_in(q, e.text) is not None]
    if not home:
        return "figure not from the best evidence"
    about = {id(e): set(tokenize(f"{e.title} {e.with_heading()}")) for e in focus}
    covered = set().union(*about.values()) & names(question)
    if not any(covered <= about[id(e)] for e in home):
        return "figure from a sentence about another subject"
    asked = [a for e in home for a in figures_asked_for(question, e.text, kind)]
    if asked and not any(numbers.same_quantity(q, a) for a in asked):
        return "another figure in the sentence fits the question better"
    return ""


def focus_of(evidence: list[Evidence], kind: str) -> list[Evidence]:
    """The best evidence sentences that hold a figure of the kind asked for: the first, and
    the next only when it scores nearly as well (on the bundled eval, the sentence ranked
    second was right only where it trailed the first by less than 0.05, or by far more)."""
    holding = [e for e in evidence if kind != "none" and has_kind(e.text, kind)][:FOCUS]
    return [e for e in holding if e.score >= holding[0].score - FOCUS_MARGIN]
