"""Scoring one answer against one case, and the summary metrics over a run.

Definitions (also in eval/README.md):
- answer_accuracy (headline): of answerable numeric cases, the share whose answer's first
  stated figure is the expected one. Years and dates are skipped unless the expected answer is
  a year. A user reads the first figure as the answer, so a quote holding four figures counts
  only if the first is right.
- stated_anywhere: the same, counting an answer right when it states the expected figure
  anywhere (the older, weaker metric).
- false_number_rate: of answerable cases, the share whose first stated figure is not the
  expected one: the cost that matters most.
- answerable_refused: of answerable cases, the share answered "the reports do not say".
- refusal_accuracy: of unanswerable cases, the share refused with no figure; split into
  refusal_absent_name (the question names something no document covers) and
  refusal_absent_figure (the topic is there, the figure is not).
- form shares: how each answer was produced: `model` (the model's own wording, checked),
  `composed` (a sentence built from the verified evidence), `quote` (a source passage),
  `derived` (a comparison computed from two cited figures of earlier answers) or `refusal`;
  statement_share and quote_share are taken over the answers that are not refusals.
- citation_accuracy: of answerable cases, the share citing the expected file on the expected
  page, or on a page whose raw text holds the case's evidence.
- retrieval_recall: of answerable cases, the share whose expected page, stating the expected
  value, is among the retrieved chunks.
- raw_check_rate: of the figures the assistant marked verified, the share found by plain string
  matching on the raw text of the cited page (eval/rawcheck.py shares no code with the
  assistant's normaliser, so a normaliser bug cannot hide itself).
- grounded_rate: of all figures in all answers, the share the assistant's own normaliser finds
  in the cited chunks. Reported, not gated: it is true by construction.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from assistant import numbers
from assistant.types import Answer, Chunk, Quantity
from eval import rawcheck
from eval.dataset import Case

FORMS = ("model", "composed", "quote", "derived", "refusal")
PageText = Callable[[str, int | None], str]  # (source file name, page) → raw page text


@dataclass(frozen=True)
class CaseScore:
    id: str
    split: str
    answerable: bool
    numeric: bool
    absent: str
    form: str
    correct: bool | None  # first stated figure is the expected one
    anywhere: bool | None  # the expected figure is stated somewhere
    false_number: bool | None
    refused: bool
    numbers: int
    grounded: int
    verified: int
    raw_found: int
    cited_right: bool | None
    retrieved: bool | None
    refused_right: bool | None
    latency_s: float


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cites_right(case: Case, chunk: Chunk, page_text: PageText) -> bool:
    if chunk.source != case.source:
        return False
    if not case.page or chunk.page in (None, case.page):
        return True
    return bool(case.evidence) and _norm(case.evidence) in page_text(chunk.source, chunk.page)


def _expected(case: Case) -> Quantity:
    return numbers.expected_quantity(float(case.expected), case.unit)  # type: ignore[arg-type]


def first_figure(text: str, case: Case) -> Quantity | None:
    """The first figure a reader takes as the answer (years only when a year is expected)."""
    found = numbers.checkable(text, include_time=case.unit in ("year", "date"))
    return found[0] if found else None


def _states_expected(case: Case, text: str) -> bool:
    if case.numeric:
        return numbers.states(text, _expected(case), case.tolerance)
    return str(case.expected).lower() in text.lower()


def _first_right(case: Case, text: str) -> bool:
    if not case.numeric:
        return _states_expected(case, text)
    first = first_figure(text, case)
    return first is not None and numbers.same_quantity(first, _expected(case), case.tolerance)


def _raw_found(answer: Answer, page_text: PageText) -> tuple[int, int]:
    """(verified figures, of which found on the raw text of their cited page)."""
    by_n = {c.n: c.chunk for c in answer.citations}
    verified = [n for n in answer.numbers if n.verified and n.citation in by_n]
    found = 0
    for check in verified:
        chunk = by_n[check.citation]  # type: ignore[index]
        found += rawcheck.on_page(check.quantity.text, page_text(chunk.source, chunk.page))
    return len(verified), found


def score(case: Case, answer: Answer, page_text: PageText) -> CaseScore:
    stated = numbers.checkable(answer.text)
    cited_text = " ".join(c.chunk.text for c in answer.citations)
    verified, raw_found = _raw_found(answer, page_text)
    ok = case.answerable
    correct = _first_right(case, answer.text) if ok else None
    return CaseScore(
        id=case.id,
        split=case.split,
        answerable=ok,
        numeric=case.numeric,
        absent=case.absent,
        form=answer.form,
        correct=correct,
        anywhere=_states_expected(case, answer.text) if ok else None,
        false_number=(first_figure(answer.text, case) is not None and not correct) if ok else None,
        refused=answer.refused,
        numbers=len(stated),
        grounded=sum(1 for q in stated if numbers.find_in(q, cited_text) is not None),
        verified=verified,
        raw_found=raw_found,
        cited_right=any(_cites_right(case, c.chunk, page_text) for c in answer.citations)
        if ok
        else None,
        retrieved=any(
            _cites_right(case, h.chunk, page_text) and _states_expected(case, h.chunk.text)
            for h in answer.hits
        )
        if ok
        else None,
        refused_right=(answer.refused and not stated) if not ok else None,
        latency_s=answer.timings.get("total_s", 0.0),
    )


def _share(values: list[bool | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def _forms(scores: list[CaseScore]) -> dict[str, float | None]:
    answered = [s for s in scores if s.form != "refusal"]
    out: dict[str, float | None] = {
        f"form_{f}": _share([s.form == f for s in scores]) for f in FORMS
    }
    out["statement_share"] = _share([s.form != "quote" for s in answered])
    out["quote_share"] = _share([s.form == "quote" for s in answered])
    out["model_share"] = _share([s.form == "model" for s in answered])
    return out


def summarise(scores: list[CaseScore]) -> dict[str, float | int | None]:
    numeric = [s for s in scores if s.numeric]
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    latencies = [s.latency_s for s in scores]
    return {
        "n": len(scores),
        "answer_accuracy": _share([s.correct for s in numeric]),
        "stated_anywhere": _share([s.anywhere for s in numeric]),
        "false_number_rate": _share([s.false_number for s in answerable]),
        "answerable_refused": _share([s.refused for s in answerable]),
        "citation_accuracy": _share([s.cited_right for s in answerable]),
        "retrieval_recall": _share([s.retrieved for s in answerable]),
        "refusal_accuracy": _share([s.refused_right for s in unanswerable]),
        "refusal_absent_name": _share(
            [s.refused_right for s in unanswerable if s.absent == "name"]
        ),
        "refusal_absent_figure": _share(
            [s.refused_right for s in unanswerable if s.absent != "name"]
        ),
        **_forms(scores),
        "raw_check_rate": _ratio(sum(s.raw_found for s in scores), sum(s.verified for s in scores)),
        "grounded_rate": _ratio(sum(s.grounded for s in scores), sum(s.numbers for s in scores)),
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
    }


def by_split(scores: list[CaseScore]) -> dict[str, dict[str, float | int | None]]:
    """The summary over all cases and over each split present."""
    out = {"all": summarise(scores)}
    for split in ("tune", "test"):
        part = [s for s in scores if s.split == split]
        if part:
            out[split] = summarise(part)
    return out
