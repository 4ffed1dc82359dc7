"""Composed answers: the figure that answers is the first figure the reader meets."""

from __future__ import annotations

from assistant import numbers
from assistant.compose import compose
from assistant.evidence import Evidence

ROW = (
    "Description: Review and act on 90 percent of standard original Abbreviated New Drug "
    "Application (ANDA) submissions within 10 months of receipt | Type: Target Actual"
)


def _unit(text: str) -> Evidence:
    return Evidence(hit=0, text=text, score=1.0)


def test_prose_cell_gives_its_clause_with_the_answer_first() -> None:
    question = "Within how many months of receipt should ANDA submissions be acted on?"
    text = compose(question, _unit(ROW), "count", 1)
    assert text.startswith("10 months: Review and act on")
    assert numbers.checkable(text)[0].value == 10


def test_financial_row_states_label_period_and_scaled_value() -> None:
    row = (
        "Net sales: Total net sales | Three Months Ended April 1, 2023: 94,836 million | "
        "Six Months Ended April 1, 2023: 211,990 million"
    )
    question = "What were total net sales for the quarter ended April 1, 2023?"
    text = compose(question, _unit(row), "any", 2)
    assert text == "Total net sales, Three Months Ended April 1, 2023: 94,836 million [2]."
    assert numbers.same_quantity(numbers.checkable(text)[0], numbers.expected_quantity(94_836e6))


def test_a_row_dated_otherwise_does_not_give_the_period_asked() -> None:
    from assistant.evidence import periods_missing

    row = _unit(
        "Revenue: Total revenue | Three Months Ended July 30, 2023: $13,507 million | "
        "Three Months Ended July 31, 2022: $6,704 million"
    )
    later = "What revenue was reported for the three months ended October 29, 2023?"
    assert periods_missing(later, row)  # a later quarter than the filing reports
    same = "What revenue was reported for the three months ended Jul 30, 2023?"
    assert not periods_missing(same, row)
