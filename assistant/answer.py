"""Question → retrieval → evidence → generation → checks → Answer: the `Answerer`.

The promise is that no figure reaches the user unless a retrieved source states it. The
pipeline: questions the library does not cover get "The reports do not say." without
generation (scope.py); the model sees a few numbered evidence sentences (evidence.py,
prompt.py); its reply is streamed through the checks (checks.py); a reply that fails them is
replaced by the best evidence sentence, quoted and cited, and the answer says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from assistant import numbers
from assistant.checks import (
    REFUSAL,
    CheckedStream,
    check_quantity,
    citations_last,
    cited_numbers,
    drop_invalid_citations,
    focus_of,
    review,
    review_figure,
)
from assistant.embed import Embedder
from assistant.evidence import (
    Evidence,
    names,
    select,
    wanted_kind,
)
from assistant.lexical import tokenize
from assistant.llm import Generator
from assistant.prompt import NOT_COVERED, Source, build_messages, build_sources
from assistant.retrieve import HybridRetriever, Retrieval
from assistant.scope import missing_cell, uncovered_terms
from assistant.types import Answer, Citation, Filters, Hit, Quantity

FALLBACK_LEAD = "The source says:"
STRONG_OVERLAP = 0.5  # a refusal is overridden when a source holds this share of the terms


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
        "form": "refusal",
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
                form="refusal",
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
        answer = self._finish(checker.text, standalone, kind, sources, evidence, hits)
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
        kind: str,
        sources: list[Source],
        evidence: list[Evidence],
        hits: tuple[Hit, ...],
    ) -> dict:
        """The Answer's content: the model's reply if it passes review, else the fallback."""
        valid = {s.n for s in sources}
        text = citations_last(drop_invalid_citations(draft.strip(), valid))
        include_time = kind == "time"
        if REFUSAL.search(text) and not numbers.checkable(text, include_time):
            best = _best(evidence, kind)
            if best is None or best.overlap < STRONG_OVERLAP:
                return {
                    "text": NOT_COVERED,
                    "citations": (),
                    "numbers": (),
                    "refused": True,
                    "form": "refusal",
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
                "form": "refusal",
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
            "form": "quote",
            "fallback": reason,
            "draft": draft,
        }


def _best(evidence: list[Evidence], kind: str) -> Evidence | None:
    """The best evidence sentence holding a figure of the kind asked for."""
    return next(iter(focus_of(evidence, kind)), None)


def _citations(sources: list[Source], used: list[int]) -> tuple[Citation, ...]:
    by_n = {s.n: s for s in sources}
    return tuple(Citation(n, by_n[n].hit.chunk, by_n[n].snippet) for n in used if n in by_n)


def _round(timings: dict[str, float], t0: float) -> dict[str, float]:
    out = {k: round(v, 3) for k, v in timings.items()}
    out["total_s"] = round(time.perf_counter() - t0, 3)
    return out
