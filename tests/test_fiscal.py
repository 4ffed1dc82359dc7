"""Fiscal quarters named in questions and dated by their filings' table titles."""

from __future__ import annotations

from assistant.fiscal import fiscal_quarter, quarter_end

SUMMARY = (
    "Second Quarter of Fiscal Year 2024 Summary\n\nThree Months Ended\n\n"
    "July 30, 2023 | April 30, 2023 | July 31, 2022"
)


def test_the_ways_a_question_names_a_fiscal_quarter() -> None:
    for question in (
        "What was revenue in the second quarter of fiscal 2024?",
        "What was revenue in Q2 of fiscal year 2024?",
        "What was fiscal 2024 Q2 revenue?",
    ):
        assert fiscal_quarter(question) == (2, "2024"), question
    assert fiscal_quarter("What was revenue in the first half of fiscal 2024?") is None
    dated = "What was revenue in the second quarter of fiscal 2024 (July 30, 2023)?"
    assert fiscal_quarter(dated) is None  # it gives its date already


def test_a_quarter_is_dated_by_a_table_title_not_by_a_nearby_sentence() -> None:
    assert quarter_end((2, "2024"), [SUMMARY]) == "July 30, 2023"
    assert quarter_end((2, "2023"), [SUMMARY]) is None
    prose = (
        "we reduced our workforce by approximately 10,000 jobs through the third quarter of"
        " fiscal year 2023. During the three months ended December 31, 2022, we recorded"
    )
    assert quarter_end((3, "2023"), [prose]) is None
