"""Question → retrieval → evidence → generation → citation and number checks → Answer.

The promise is that no figure reaches the user unless a retrieved source states it. So:
- the model sees a few numbered evidence sentences and must cite them as [n];
- citations that do not name a shown source are dropped;
- every quantity in the reply is looked up in the chunks it cites, then in the other retrieved
  chunks; found ones are verified (with the chunk and the matching text), others are not;
- a reply with an unverified figure, or one that gives no figure when the question asks for one
  and the evidence has it, is replaced by the best evidence sentence, quoted and cited;
- streamed text is released only up to the next figure that is not yet verified, so an
  unverified figure is never shown, even for a moment;
- questions the library does not cover (nothing similar enough, or a name or year in the
  question that no retrieved chunk mentions) get the "not covered" answer without generation.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant import numbers
from assistant.embed import Embedder
from assistant.evidence import (
    Evidence,
    figures_asked_for,
    has_kind,
    names,
    select,
    wanted_kind,
)
from assistant.lexical import tokenize
from assistant.llm import Generator, Message
from assistant.retrieve import HybridRetriever, Retrieval
from assistant.types import Answer, Citation, Filters, Hit, NumberCheck, Quantity

NOT_COVERED = "The reports do not say."
SYSTEM_PROMPT = (
    "You are a careful research assistant for tech-policy reports. Answer the question using "
    "only the sources. Reply with one short sentence that states the figure exactly as the "
    "source writes it, with its unit, and end with the source number in brackets, like [1]. "
    f"If no source answers the question, reply exactly: {NOT_COVERED}"
)
FALLBACK_LEAD = "The source says:"
_REFUSAL = re.compile(
    r"do(?:es)? not (?:say|mention|state|contain|provide|specify)|not (?:mentioned|stated|found"
    r"|available|provided)|no information|cannot (?:find|answer|determine)|don't (?:say|know)",
    re.IGNORECASE,
)
_CITE = re.compile(r"\[\s*(?:source\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.IGNORECASE)
STRONG_OVERLAP = 0.5  # a refusal is overridden when a source holds this share of the terms
FOCUS = 2  # the reply's figures must come from this many best evidence sentences
_HOLD_CHARS = 24  # a figure's scale word or unit may still follow within this many characters


@dataclass(frozen=True)
class Source:
    n: int
    hit: Hit
    sentences: tuple[str, ...]
    shown: tuple[str, ...] = ()  # the sentences as the model sees them (with headings)

    @property
    def snippet(self) -> str:
        return " … ".join(self.sentences)

    def label(self) -> str:
        return f"Source [{self.n}]: {' '.join(self.shown or self.sentences)}"


def build_sources(evidence: list[Evidence], hits: tuple[Hit, ...]) -> list[Source]:
    """Group evidence by chunk; number the chunks in order of their best sentence."""
    order: list[int] = []
    grouped: dict[int, list[Evidence]] = {}
    for e in evidence:
        if e.hit not in grouped:
            order.append(e.hit)
            grouped[e.hit] = []
        grouped[e.hit].append(e)
    return [
        Source(
            n + 1,
            hits[i],
            tuple(e.text for e in grouped[i]),
            tuple(e.with_heading() for e in grouped[i]),
        )
        for n, i in enumerate(order)
    ]


def build_messages(question: str, sources: list[Source]) -> list[Message]:
    listing = "\n\n".join(s.label() for s in sources)
    user = f"Sources:\n{listing}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


# --- checking ---------------------------------------------------------------------------------


def _citations_last(text: str) -> str:
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
    start, end = max(0, match.start - width), min(len(text), match.end + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


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


# --- the pipeline -----------------------------------------------------------------------------

_QUESTION_WORDS = frozenset(
    "what how which when who whom whose where why did does do is are was were according the "
    "in by for of and or to a an at on as with from between across ai".split()
)
_ALIASES = {
    "eu": "european union",
    "us": "united states",
    "usa": "united states",
    "uk": "united kingdom",
    "america": "united states",
    "american": "united states",
}


def uncovered_terms(
    question: str, hits: tuple[Hit, ...], known: Callable[[str], bool]
) -> list[str]:
    """Names the library never mentions, years no retrieved chunk mentions, and multi-word
    names ("Online Safety Act") whose words no single retrieved chunk holds together."""
    retrieved = " ".join(f"{h.chunk.title} {h.chunk.text}" for h in hits)
    bags = [set(tokenize(f"{h.chunk.title} {h.chunk.text}")) for h in hits]
    for name in _multiword_names(question):
        terms = set(tokenize(name))
        if terms and not any(all(_has(t, bag) for t in terms) for bag in bags):
            return [name]
    years = set(re.findall(r"\b(?:19|20)\d\d\b", retrieved))
    missing = [y for y in re.findall(r"\b(?:19|20)\d\d\b", question) if y not in years]
    words = re.findall(r"[A-Za-z][\w'’.-]*", question)
    for i, word in enumerate(words):
        term = re.sub(r"['’]s$", "", word.rstrip(".'’")).lower()
        if i == 0 or not word[0].isupper() or term in _QUESTION_WORDS:
            continue
        if not (known(term) or known(_ALIASES.get(term, ""))):
            missing.append(word)
    return missing


def _has(term: str, bag: set[str]) -> bool:
    alias = _ALIASES.get(term)
    return term in bag or (alias is not None and set(tokenize(alias)) <= bag)


def _multiword_names(question: str) -> list[str]:
    """Runs of two or more capitalised words after the first word of the question."""
    body = question.split(" ", 1)[1] if " " in question else ""
    runs = re.findall(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+|and\s+|the\s+)?[A-Z][\w'’-]*)+", body)
    return [r for r in runs if not set(r.lower().split()) <= _QUESTION_WORDS]


_NOT_GIVEN = re.compile(r"^(?:n/?a|–|-|—|not available|no data|\.\.\.)$", re.IGNORECASE)


def missing_cell(question: str, row: str) -> bool:
    """Does the table row's cell that the question asks about hold no value (n/a)?"""
    if " | " not in row:
        return False
    terms = set(tokenize(question))
    cells = [c.partition(": ") for c in row.split(" | ")]
    scored = [(len(terms & set(tokenize(head))), value.strip()) for head, _, value in cells]
    best = max(score for score, _ in scored)
    return best > 0 and all(_NOT_GIVEN.match(v) for score, v in scored if score == best)


def _empty_cell(
    question: str, evidence: list[Evidence], sources: list[Source], hits: tuple[Hit, ...]
) -> dict | None:
    """A refusal that cites the table row whose cell for the question is empty (n/a)."""
    if not evidence:
        return None
    top = evidence[0]
    subjects = names(question)
    if not (subjects <= set(tokenize(top.text)) and missing_cell(question, top.text)):
        return None
    source = next(s for s in sources if s.hit is hits[top.hit])
    text = f"{NOT_COVERED} The table in [{source.n}] gives no figure for it."
    return {
        "text": text,
        "citations": _citations(sources, [source.n]),
        "numbers": (),
        "refused": True,
        "fallback": "empty table cell",
    }


class Answerer:
    def __init__(
        self,
        retriever: HybridRetriever,
        embedder: Embedder,
        generator_factory: Callable[[], Generator],
        top_k: int,
        evidence_sentences: int,
        relevance_floor: float,
        max_tokens: int,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self._generator_factory = generator_factory
        self.top_k = top_k
        self.evidence_sentences = evidence_sentences
        self.relevance_floor = relevance_floor
        self.max_tokens = max_tokens

    def stream(
        self, question: str, standalone: str, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Yield checked text pieces, then the final Answer."""
        t0 = time.perf_counter()
        retrieval = self.retriever.retrieve(standalone, self.top_k, filters)
        timings = {"retrieval_s": time.perf_counter() - t0}
        generator = self._generator_factory()
        base = {
            "question": question,
            "standalone_question": standalone,
            "hits": retrieval.hits,
            "backend": generator.backend,
            "model": generator.model,
        }
        if not self._in_scope(standalone, retrieval):
            yield NOT_COVERED
            yield Answer(
                text=NOT_COVERED,
                citations=(),
                numbers=(),
                refused=True,
                timings=_round(timings, t0),
                **base,
            )
            return
        hits = retrieval.hits
        evidence = select(
            standalone, retrieval.query_embedding, hits, self.embedder, self.evidence_sentences
        )
        sources = build_sources(evidence, hits)
        empty = _empty_cell(standalone, evidence, sources, hits)
        if empty is not None:
            yield empty["text"]
            yield Answer(**empty, timings=_round(timings, t0), **base)
            return
        kind = wanted_kind(standalone)
        focus = focus_of(evidence, kind)

        def passes(q: Quantity) -> bool:
            if not check_quantity(q, sources, []).verified:
                return False
            return not focus or not review_figure(q, standalone, kind, focus)

        include_time = kind == "time"
        checker = CheckedStream(passes, include_time, hold=bool(focus))
        t1 = time.perf_counter()
        for piece in generator.stream(build_messages(standalone, sources), self.max_tokens):
            timings.setdefault("first_token_s", time.perf_counter() - t0)
            released = checker.feed(piece)
            if released:
                yield released
        tail = checker.feed("", final=True)
        if tail:
            yield tail
        timings["generation_s"] = time.perf_counter() - t1
        answer = self._finish(checker.text, standalone, sources, evidence, hits, include_time)
        yield Answer(**answer, timings=_round(timings, t0), **base)

    def _in_scope(self, question: str, retrieval: Retrieval) -> bool:
        return (
            bool(retrieval.hits)
            and retrieval.best_dense >= self.relevance_floor
            and not uncovered_terms(question, retrieval.hits, self.retriever.knows)
        )

    def _finish(
        self,
        draft: str,
        question: str,
        sources: list[Source],
        evidence: list[Evidence],
        hits: tuple[Hit, ...],
        include_time: bool,
    ) -> dict:
        valid = {s.n for s in sources}
        text = _citations_last(drop_invalid_citations(draft.strip(), valid))
        kind = wanted_kind(question)
        if _REFUSAL.search(text) and not numbers.checkable(text, include_time):
            best = _best(evidence, kind)
            if best is None or best.overlap < STRONG_OVERLAP:
                return {
                    "text": NOT_COVERED,
                    "citations": (),
                    "numbers": (),
                    "refused": True,
                    "draft": draft,
                }
            return self._fallback(
                draft,
                sources,
                evidence,
                hits,
                kind,
                "refused although a source answers",
                include_time,
            )
        cited = cited_numbers(text, valid)
        checks = [check_quantity(q, sources, cited) for q in numbers.checkable(text, include_time)]
        reason = review(text, checks, question, kind, evidence)
        if reason:
            return self._fallback(draft, sources, evidence, hits, kind, reason, include_time)
        used = sorted(set(cited) | {c.citation for c in checks if c.citation is not None})
        if used and not cited:
            text = f"{text.rstrip()} " + "".join(f"[{n}]" for n in used)
        return {
            "text": text,
            "citations": _citations(sources, used),
            "numbers": tuple(checks),
            "draft": draft,
        }

    def _fallback(
        self,
        draft: str,
        sources: list[Source],
        evidence: list[Evidence],
        hits: tuple[Hit, ...],
        kind: str,
        reason: str,
        include_time: bool,
    ) -> dict:
        best = _best(evidence, kind) or (evidence[0] if evidence else None)
        if best is None:
            return {
                "text": NOT_COVERED,
                "citations": (),
                "numbers": (),
                "refused": True,
                "fallback": reason,
                "draft": draft,
            }
        source = next(s for s in sources if s.hit is hits[best.hit])
        text = f"{FALLBACK_LEAD} “{best.text}” [{source.n}]"
        checks = tuple(
            check_quantity(q, sources, [source.n])
            for q in numbers.checkable(best.text, include_time)
        )
        return {
            "text": text,
            "citations": _citations(sources, [source.n]),
            "numbers": checks,
            "fallback": reason,
            "draft": draft,
        }


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
    """The best evidence sentences that hold a figure of the kind asked for."""
    return [e for e in evidence if kind != "none" and has_kind(e.text, kind)][:FOCUS]


def _best(evidence: list[Evidence], kind: str) -> Evidence | None:
    return next((e for e in evidence if kind != "none" and has_kind(e.text, kind)), None)


def _citations(sources: list[Source], used: list[int]) -> tuple[Citation, ...]:
    by_n = {s.n: s for s in sources}
    return tuple(Citation(n, by_n[n].hit.chunk, by_n[n].snippet) for n in used if n in by_n)


def _round(timings: dict[str, float], t0: float) -> dict[str, float]:
    out = {k: round(v, 3) for k, v in timings.items()}
    out["total_s"] = round(time.perf_counter() - t0, 3)
    return out
