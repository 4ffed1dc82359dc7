"""The eval's metrics can fail: a quote with the right figure somewhere is not a right answer,
the raw-page check does not share the assistant's normaliser, and splits are declared."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.types import Answer, Chunk, Citation, NumberCheck, Quantity
from eval.dataset import Case, load
from eval.metrics import score, summarise
from eval.rawcheck import on_page

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "dev"
CHUNK = Chunk("d:h:0", "d", "r.pdf", "R", 3, "text")
CASE = Case("c", "How many?", 421, "", "r.pdf", 3, "421 factories")


def answer(text: str, form: str = "model", numbers: tuple[NumberCheck, ...] = ()) -> Answer:
    cites = (Citation(1, CHUNK, "s"),)
    refused = form == "refusal"
    return Answer("q", "q", text, () if refused else cites, numbers, "b", "m", refused, form)


def pages(_source: str, _page: int | None) -> str:
    return "In total 421 factories; the table (in millions) shows $ 7,127 and $ 16,465."


def test_only_the_first_figure_counts_as_the_answer() -> None:
    quoted = score(CASE, answer("The source says: “10,000 factories, of which 421 …” [1]"), pages)
    assert quoted.correct is False and quoted.anywhere is True and quoted.false_number is True
    right = score(CASE, answer("421 factories carry the title [1]."), pages)
    assert right.correct is True and right.false_number is False


def test_years_are_skipped_unless_a_year_is_expected() -> None:
    assert score(CASE, answer("In 2023, 421 factories [1]."), pages).correct is True
    year_case = Case("y", "When?", 2003, "year", "r.pdf", 3, "in 2003")
    assert score(year_case, answer("Congress set it up in 2003 [1]."), pages).correct is True


def test_forms_and_refusal_kinds_are_reported() -> None:
    absent = Case("u", "How many in India?", None, absent="name")
    hard = Case("h", "How many in 2021?", None, absent="figure")
    scores = [
        score(CASE, answer("421 factories [1].", "composed"), pages),
        score(absent, answer("The reports do not say.", "refusal"), pages),
        score(hard, answer("The source says: “421” [1]", "quote"), pages),
    ]
    s = summarise(scores)
    assert (s["refusal_absent_name"], s["refusal_absent_figure"]) == (1.0, 0.0)
    assert s["form_composed"] == pytest.approx(1 / 3, abs=1e-3) and s["quote_share"] == 0.5


@pytest.mark.parametrize(
    ("figure", "found"),
    [
        ("421", True),
        ("$7.127 billion", True),  # a table in millions prints 7,127
        ("16.465 billion US dollars", True),
        ("$7.128 billion", False),
        ("42", False),
        ("4,210", False),
    ],
)
def test_raw_page_check_matches_plain_spellings_only(figure: str, found: bool) -> None:
    assert on_page(figure, pages("", 0)) is found


def test_raw_check_rate_counts_verified_figures_missing_from_the_page() -> None:
    q = Quantity("9,999", 9999.0, "number")
    wrong = answer("9,999 factories [1].", numbers=(NumberCheck(q, True, 1, "x"),))
    s = score(CASE, wrong, pages)
    assert (s.verified, s.raw_found) == (1, 0)


def test_external_datasets_get_their_split_from_the_rule_file() -> None:
    if not DEV.is_dir():
        pytest.skip("development sets not found beside the project")
    cases = {c.id: c for c in load(DEV / "federal-plans-dev.jsonl")}
    assert cases["fed-gsa-01"].split == "test" and cases["fed-dhs-01"].split == "tune"
    assert cases["fed-un-14"].split == "test" and cases["fed-un-14"].absent == "name"
    assert cases["fed-un-01"].absent == "figure"


def test_the_bundled_floors_gate_only_the_bundled_dataset() -> None:
    from eval.runner import BUNDLED, FLOORS, limits_for

    assert limits_for([BUNDLED], None, FLOORS) == FLOORS
    assert limits_for([Path("other.jsonl")], None, FLOORS) is None  # not judged by our floors
    assert limits_for([Path("other.jsonl")], Path("mine.toml"), FLOORS) == Path("mine.toml")
