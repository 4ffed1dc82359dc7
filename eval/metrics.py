"""Scoring one answer against one case, and the summary metrics over a run.

Definitions (also in eval/README.md):
- numeric_accuracy: of answerable numeric cases, the share whose answer states the expected
  quantity (normalised scale words, percent, currency, separators; equal within the case's
  relative tolerance or the precision the answer states).
- false_number_rate: of answerable cases, the share whose answer states numbers but not the
  expected one.
- grounded_rate: of all numbers in all answers, the share found in the text of that answer's
  citations.
- citation_accuracy: of answerable cases, the share citing the expected source (and page, when
  both the case and the citation have one).
- retrieval_recall: of answerable cases, the share whose expected source chunk (same file and
  page, stating the expected value) is among the retrieved chunks.
- refusal_accuracy: of unanswerable cases, the share answered with "the reports do not say" and
  no number.
Years and dates are not counted as numbers. The number normaliser is the assistant's own
(`assistant.numbers`), so "verified" and "right" mean the same thing.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from assistant import numbers
from assistant.types import Answer, Chunk
from eval.dataset import Case


@dataclass(frozen=True)
class CaseScore:
    id: str
    answerable: bool
    numeric: bool
    correct: bool | None
    false_number: bool | None
    numbers: int
    grounded: int
    cited_right: bool | None
    retrieved: bool | None
    refused_right: bool | None
    latency_s: float


def _matches_page(case: Case, chunk: Chunk) -> bool:
    return chunk.source == case.source and (not case.page or chunk.page in (None, case.page))


def _states_expected(case: Case, text: str) -> bool:
    if case.numeric:
        expected = numbers.expected_quantity(float(case.expected), case.unit)  # type: ignore[arg-type]
        return numbers.states(text, expected, case.tolerance)
    return str(case.expected).lower() in text.lower()


def score(case: Case, answer: Answer) -> CaseScore:
    stated = numbers.checkable(answer.text)
    cited_text = " ".join(c.chunk.text for c in answer.citations)
    grounded = sum(1 for q in stated if numbers.find_in(q, cited_text) is not None)
    correct = _states_expected(case, answer.text) if case.answerable else None
    return CaseScore(
        id=case.id,
        answerable=case.answerable,
        numeric=case.numeric,
        correct=correct,
        false_number=(bool(stated) and not correct) if case.answerable else None,
        numbers=len(stated),
        grounded=grounded,
        cited_right=any(_matches_page(case, c.chunk) for c in answer.citations)
        if case.answerable
        else None,
        retrieved=any(
            _matches_page(case, h.chunk) and _states_expected(case, h.chunk.text)
            for h in answer.hits
        )
        if case.answerable
        else None,
        refused_right=(answer.refused and not stated) if not case.answerable else None,
        latency_s=answer.timings.get("total_s", 0.0),
    )


def _share(values: list[bool | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def summarise(scores: list[CaseScore]) -> dict[str, float | int | None]:
    numbers_total = sum(s.numbers for s in scores)
    latencies = [s.latency_s for s in scores]
    return {
        "n": len(scores),
        "numeric_accuracy": _share([s.correct for s in scores if s.numeric]),
        "false_number_rate": _share([s.false_number for s in scores]),
        "grounded_rate": round(sum(s.grounded for s in scores) / numbers_total, 4)
        if numbers_total
        else 1.0,
        "citation_accuracy": _share([s.cited_right for s in scores]),
        "retrieval_recall": _share([s.retrieved for s in scores]),
        "refusal_accuracy": _share([s.refused_right for s in scores]),
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
    }
