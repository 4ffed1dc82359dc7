"""The bundled eval dataset cannot drift from the corpus: every case is checked against it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import numbers
from assistant.ingest.readers import read
from eval.dataset import load
from tests.conftest import CORPUS, SHARED_REPORTS

DATASETS = Path(__file__).resolve().parent.parent / "eval" / "datasets"
CASES = load(DATASETS / "policy.jsonl")
# A second dataset over real federal strategic plans (read from ../shared/reports).
FEDERAL = load(DATASETS / "federal-plans.jsonl")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_dataset_shape() -> None:
    numeric = [c for c in CASES if c.numeric]
    assert len(CASES) >= 60 and len(numeric) >= 40
    assert sum(not c.answerable for c in CASES) >= 10
    assert sum(bool(c.history) for c in CASES) >= 5
    assert len({c.id for c in CASES}) == len(CASES)
    assert any(c.page >= 3 for c in numeric)  # a figure on a late page of a PDF
    assert any(" | " in c.evidence for c in numeric)  # a figure inside a table


ANSWERABLE = [(CORPUS, c) for c in CASES if c.answerable] + [
    (SHARED_REPORTS, c) for c in FEDERAL if c.answerable
]


@pytest.mark.parametrize(("corpus", "case"), ANSWERABLE, ids=lambda x: getattr(x, "id", ""))
def test_evidence_is_on_the_named_page_and_states_the_value(corpus: Path, case) -> None:
    if not corpus.is_dir():
        pytest.skip(f"corpus not found: {corpus}")
    parsed = read(corpus / case.source)
    pages = [p for p in parsed.pages if not case.page or p.number == case.page]
    assert pages, f"{case.source} has no page {case.page}"
    assert any(_norm(case.evidence) in _norm(p.text) for p in pages), case.evidence
    expected = numbers.expected_quantity(float(case.expected), case.unit)
    assert numbers.states(case.evidence, expected, case.tolerance)


@pytest.mark.parametrize(
    "case", [c for c in CASES + FEDERAL if not c.answerable], ids=lambda c: c.id
)
def test_unanswerable_cases_have_no_expected_source(case) -> None:
    assert case.source == "" and case.evidence == ""
