"""A fiscal quarter named without its dates, dated by the filing's own words.

Filings label their table columns by date ("Three Months Ended July 30, 2023"); readers name
the fiscal quarter ("the second quarter of fiscal 2024"). For a company whose fiscal year is
not the calendar year, the question's year is in no column, so no row can answer it. The
filing says which dates a fiscal quarter has where it titles a table by that quarter ("Second
Quarter of Fiscal Year 2024 Summary … Three Months Ended July 30, 2023"): that date is added
to the question, and retrieval and the period checks then read the columns of that date.
Plain patterns, as in periods.py: filings write these labels in a few fixed ways.
"""

from __future__ import annotations

import re

from assistant import numbers

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_NTH = r"first|second|third|fourth|q[1-4]"
_YEAR = r"(?:19|20)\d\d"
# "the second quarter of fiscal 2024", "Q2 of fiscal year 2024", "fiscal 2024 second quarter"
_QUARTER = re.compile(
    rf"\b(?:(?P<nth>{_NTH})\s+(?:fiscal\s+)?(?:quarter\s+)?(?:of\s+)?fiscal\s+(?:year\s+)?"
    rf"(?P<year>{_YEAR})|fiscal\s+(?:year\s+)?(?P<year2>{_YEAR})\s+(?P<nth2>{_NTH}))\b",
    re.IGNORECASE,
)
# a quarter's title and the heading of its first column: "Summary Three Months Ended July 30,
# 2023" (a few words, no sentence between them)
_ENDED = re.compile(
    rf"(?:\s+[A-Za-z]+){{0,3}}\s+(?:three\s+months|quarter)\s+ended\s+"
    rf"(?P<date>{numbers.MONTH_DAY_YEAR})",
    re.IGNORECASE,
)


def fiscal_quarter(text: str) -> tuple[int, str] | None:
    """The fiscal quarter a question names without a date, as (quarter, fiscal year)."""
    if numbers.FULL_DATE.search(text):
        return None
    m = _QUARTER.search(text)
    return _read(m) if m else None


def _read(m: re.Match[str]) -> tuple[int, str]:
    nth = (m.group("nth") or m.group("nth2")).lower()
    n = int(nth[1]) if nth.startswith("q") else _ORDINALS[nth]
    return n, m.group("year") or m.group("year2")


def quarter_end(quarter: tuple[int, str], texts: list[str]) -> str | None:
    """The end date the texts give the fiscal quarter where they title a table by it and its
    first column follows ("Second Quarter of Fiscal Year 2024 Summary Three Months Ended July
    30, 2023 …"); None unless exactly one date is found."""
    found = {
        " ".join(ended.group("date").split())
        for text in texts
        for m in _QUARTER.finditer(text)
        if _read(m) == quarter and (ended := _ENDED.match(text, m.end()))
    }
    return found.pop() if len(found) == 1 else None


def dated(question: str, quarter: tuple[int, str], end: str) -> str:
    """The question with the quarter's dates added: "… for the second quarter of fiscal 2024
    (three months ended July 30, 2023)?"."""
    m = _QUARTER.search(question)
    assert m is not None and _read(m) == quarter
    return f"{question[: m.end()]} (three months ended {end}){question[m.end() :]}"
