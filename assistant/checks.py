"""The checks between the model and the user: citations, figures and the reply's wording.

- a citation that names no shown source is dropped;
- every quantity in the reply is looked up in the chunks it cites, then in the other shown
  sources; found ones are verified (with the chunk and the matching text), others are not;
- `review` decides whether the reply may be shown as written; verified is necessary but not
  enough (see its docstring). A reply that is only markers, bullets or the question restated
  is no answer, and a reply with no figure must be made of the sources' own words (so an
  instruction smuggled into a document cannot speak through the model).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant import numbers
from assistant.evidence import label_terms
from assistant.figures import can_count, counted, figures_asked_for, has_kind
from assistant.lexical import ALIASES, tokenize
from assistant.periods import period_of_figure_fits, periods_missing
from assistant.prompt import Source
from assistant.question import (
    asks_which,
    extreme_conflicts,
    initials,
    measure_conflicts,
    names,
)
from assistant.types import Evidence, NumberCheck, Quantity

REFUSAL = re.compile(
    r"do(?:es)? not (?:say|mention|state|contain|provide|specify)|not (?:mentioned|stated|found"
    r"|available|provided)|no information|cannot (?:find|answer|determine)|don't (?:say|know)"
    r"|\b(?:no|none of the) sources? (?:answers?|says?|states?|gives?|mentions?)",
    re.IGNORECASE,
)
_CITE = re.compile(r"\[\s*(?:source\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.IGNORECASE)
FOCUS = 2  # the reply's figures must come from at most this many best evidence sentences
FOCUS_MARGIN = 0.1  # ... of which the second counts only if it scores within this of the first
MIN_WORDS = 3  # a reply with fewer words (a bare figure, a bullet) is not a sentence
GROUNDED_SHARE = 0.6  # of a figure-free reply's own words, the share the sources must contain


def citations_last(text: str) -> str:
    """ "[1] China held …" reads better as "China held … [1]"; a bracket the reply opens
    and never closes ("[China held … [1]"), or that wraps its sentence ("[China held …]. [1]"),
    is dropped."""
    if text.startswith("[") and _unclosed(text):
        text = text[1:].lstrip()
    text = re.sub(r"^\[([^\[\]]*[A-Za-z][^\[\]]*)\]", r"\1", text)
    lead = re.match(r"^((?:\[\d+(?:,\s*\d+)*\]\s*)+)([^\s\[].*)$", text, re.DOTALL)
    if not lead:
        return text
    return f"{lead.group(2).rstrip()} {lead.group(1).strip()}"


def _unclosed(text: str) -> bool:
    """Is the bracket that opens `text` closed only after another one opens, or never?"""
    close, reopen = text.find("]"), text.find("[", 1)
    return close < 0 or 0 <= reopen < close


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


def review(
    text: str,
    checks: list[NumberCheck],
    question: str,
    kind: str,
    evidence: list[Evidence],
    focus: list[Evidence] | None = None,
) -> str:
    """Why the model's wording cannot be shown as it is, or "" when it can.

    Verified is necessary but not enough: a figure copied from a less relevant sentence, from
    the row of another country, or from the wrong clause of the right sentence is verified and
    still wrong. So when the question asks for a figure, the reply must state one of the kind
    asked for, taken from the best evidence sentences that hold such a figure, from a sentence
    about the question's subjects, and be the figure of that sentence that fits the question.
    `focus`: those best units (focus_of), when the caller has them.
    """
    if not text:
        return "empty answer"
    if not _own_words(text, question):
        return "no answer in the reply"
    if len(re.findall(r"[A-Za-z]{2,}", _CITE.sub(" ", text))) < MIN_WORDS:
        return "not a sentence"
    if _REPEATED.search(text):
        return "the reply repeats itself"
    if " | " in text:
        return "a table row copied, not a sentence"
    if any(not c.verified for c in checks):
        return "unverified figure"
    focus = focus_of(evidence, kind, question) if focus is None else focus
    if not focus and kind != "none":
        return "no source gives a figure of this kind for the subject and period asked"
    if not focus:
        grounded = checks or _grounded_share(text, question, evidence) >= GROUNDED_SHARE
        return "" if grounded else "wording not found in the sources"
    if not has_kind(text, kind):
        return "no figure of the kind asked for"
    for check in checks:
        reason = review_figure(check.quantity, question, kind, focus)
        if reason:
            return reason
    if asks_which(question) and not _names_row(text, checks, focus):
        return "the reply does not say which one"
    return ""


def _names_row(text: str, checks: list[NumberCheck], focus: list[Evidence]) -> bool:
    """Does the reply name the table row its figure comes from? To "Which segment had the
    highest operating income?" the row's label (the segment) is the answer; the figure alone
    is none."""
    said = set(tokenize(text))
    labels = [
        label_terms(e.text)
        for e in focus
        for c in checks
        if label_terms(e.text) and numbers.find_in(c.quantity, e.text) is not None
    ]
    return not labels or any(label <= said for label in labels)


# A stretch of 20 or more characters said three times over: a model caught in a loop until
# its token limit ("OLMS prioritizes three performance measures: To monitor … OLMS
# prioritizes three performance measures: …"). Not tuned: no answer says a phrase thrice.
_REPEATED = re.compile(r"(.{20,}?)(?:\s*\1){2}", re.DOTALL)


_MARKER = re.compile(r"\[[^\[\]]*\]")  # anything in brackets: "[1]", "[17%]", "[NVIDIA]"


def settled(draft: str, include_time: bool) -> bool:
    """Has the reply, still being generated, said all it usefully will? Generation stops there.

    Two endings that the judge treats the same whole or cut: a refusal whose sentence has
    ended (the rest is the system prompt parroted: "The reports do not say. The sources are
    quoted …"), and a loop: markers only, one of them repeated ("[1] [2] [1] [2] …"), or a
    stretch said three times (_REPEATED). A small model runs such replies to its token
    limit, about 40 ms a token on two cores: up to two seconds spent on text never shown.
    """
    refusal = REFUSAL.search(draft)
    if refusal and re.search(r"[.!?](?:\s|$)", draft[refusal.end() :]):
        return not numbers.checkable(draft, include_time)
    markers = _MARKER.findall(draft)
    only_markers = not re.search(r"[A-Za-z]", _MARKER.sub(" ", draft))
    if only_markers and len(markers) > 2 and len(set(markers)) < len(markers):
        return True
    return bool(_REPEATED.search(draft))


def _own_words(text: str, question: str) -> set[str]:
    """The reply's terms that are not the question's (markers and bullets have none)."""
    return set(tokenize(_CITE.sub(" ", text))) - set(tokenize(question))


def _grounded_share(text: str, question: str, evidence: list[Evidence]) -> float:
    words = _own_words(text, question)
    found = set().union(*(set(tokenize(e.with_heading())) for e in evidence)) if evidence else set()
    return len(words & found) / len(words) if words else 1.0


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
    own = [(e, numbers.find_in(q, e.text)) for e in home]
    if not any(f is not None and period_of_figure_fits(question, e, f) for e, f in own):
        return "figure from another period"
    return ""


def about(unit: Evidence) -> set[str]:
    """The terms a unit is about: its own words, the paragraph before it, its headings and
    its document's title; the initials of the names they spell out in full; and the short
    forms of the country names they hold (aliases)."""
    text = f"{unit.title} {unit.before} {unit.lead} {unit.with_heading()}"
    terms = set(tokenize(text)) | initials(text)
    short = [tokenize(a) for a, full in ALIASES.items() if set(tokenize(full)) <= terms]
    return terms.union(*short)


def focus_of(
    evidence: list[Evidence],
    kind: str,
    question: str = "",
    subjects: tuple[frozenset[str], ...] = (),
    about_of: Callable[[Evidence], set[str]] = about,
) -> list[Evidence]:
    """The best evidence units that can answer: they hold a figure of the kind asked for (for
    "how many", a count that is not a length of time unless time is counted), mention the
    period the question asks about (periods_missing), are about each of its names
    (`subjects`, each a set of terms any of which will do, as `about_of` reads a unit), and,
    for a table row, measure what it asks (measure_conflicts: not revenue for income), and do
    not state only the other end of a range than the one asked (extreme_conflicts). The
    first, and the next only when it scores nearly as well (on the bundled eval's tune split,
    the unit ranked second was right only where it trailed the first by less than 0.05, or by
    far more). Of those two, a unit that counts what "how many" counts ("364,000 digital
    images") rules out one that counts something else ("500 million pages"), and a table row
    whose label the question spells out ("Additions to property, plant, and equipment") one
    whose label adds words the question does not use ("Net additions to …")."""
    holding = [
        e
        for e in evidence
        if kind != "none"
        and has_kind(e.text, kind)
        and not periods_missing(question, e)
        and all(name & about_of(e) for name in subjects)
        and not measure_conflicts(question, e.text)
        and not extreme_conflicts(question, e.text)
    ]
    if kind == "count":
        holding = can_count(question, holding)
    holding = holding[:FOCUS]
    near = [e for e in holding if e.score >= holding[0].score - FOCUS_MARGIN]
    counting = [e for e in near if counted(question, e.text)] if kind == "count" else []
    asked = set(tokenize(question))
    spelled = [e for e in near if set() < label_terms(e.text) <= asked]
    return counting or (spelled if len(spelled) < len(near) else []) or near
