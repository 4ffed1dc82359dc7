"""Does an evidence unit speak of the period the question asks about?

A table row for the six months ended June 30 does not answer a question about the quarter,
nor does a sentence about 2021 answer one about 2022, even when both state a figure of the
kind asked for. The periods are read from the question's own words (years, full dates,
quarters) and from the unit, the headings above it in its chunk and its document's title.
Plain patterns rather than a date-parsing library: filings and plans write their periods in
a few fixed ways ("FY 2024", "Q2 2023", "the three months ended July 30, 2023"), and what
matters is whether two texts name the same period, not a calendar date.
"""

from __future__ import annotations

import re

from assistant import numbers
from assistant.figures import clause_words, kind_figures
from assistant.lexical import YEAR
from assistant.question import CHANGE, content_years_only
from assistant.types import Evidence, own_part

# A heading naming a reporting period: "Nine Months Ended March 31, 2023 Compared with Nine
# Months Ended March 31, 2022". The discussion under it runs on over the next pages, where the
# headings above a passage name only its segment ("Intelligent Cloud").
PERIOD_HEADING = re.compile(
    r"\b(?:(?:three|six|nine|twelve)\s+months|quarters?|(?:fiscal\s+)?years?)\s+ended\b",
    re.IGNORECASE,
)


def periods_missing(question: str, unit: Evidence) -> set[str]:
    """Years the question asks about that neither the evidence unit nor the headings above it
    in its chunk (the section it sits in, led by the reporting period in effect from earlier
    pages when none of them names one: evidence._with_period) mention.

    A year that the unit's document title carries names the document ("the FY 2022-2026
    plan"), not the period of the figure, so it is not required of the unit, nor is the
    document's own year where the question uses it to name a document ("under the 2017
    plan"); nor is any year
    when the unit carries the full date the question asks about ("the second quarter of fiscal
    2024 (three months ended July 30, 2023)"). In a follow-up that carries the question before
    it, only the follow-up's own years are required. A range in the
    question ("2020-2024") is covered by the unit mentioning any year of it. A question about
    a quarter is not answered by a unit that gives only six- or nine-month figures (its
    missing "period" is then the length asked for).
    """
    question = own_part(question)  # the earlier question's years are context
    text = f"{unit.before} {unit.heading} {unit.text}"
    spans = _span_missing(question, text)
    if _dates(question) & _dates(text):  # the full date asked for is the unit's: its other
        # years name the period, and its length matters where the question gives one ("the
        # quarter ended March 31, 2023" is not nine months; "at the end of the quarter, July
        # 30, 2023" asks for a balance on that date)
        return spans if _SPAN_ENDED.search(question) else set()
    in_title = set(YEAR.findall(unit.title))
    in_title |= {y for y in _DOCUMENT_YEAR.findall(question) if y == str(unit.year)}
    missing = _dates_missing(question, unit.text) if " | " in unit.text else set()
    missing |= spans
    for span in re.finditer(rf"{YEAR.pattern}(?:\s*[-–]\s*{YEAR.pattern})?", question):
        years = set(YEAR.findall(span.group(0)))
        if years & in_title or len(years) > 1:
            continue
        missing |= {y for y in years if y not in text}
    return missing


# How long a reporting period is: a quarter's figure is not the half-year's or nine months'.
_SPANS = {
    "quarter": re.compile(r"\b(?:q[1-4]|quarter(?:ly)?|three[- ]months?)\b", re.IGNORECASE),
    "six months": re.compile(r"\b(?:six[- ]months?|h[12]|half[- ]year)\b", re.IGNORECASE),
    "nine months": re.compile(r"\bnine[- ]months?\b", re.IGNORECASE),
}


def cells_of_period(question: str, headers: list[str]) -> list[bool]:
    """For each column header of a table row, does it name the period the question asks
    about: one of the question's years (unless it asks about a change, which needs the year
    before) and, when it asks for one length of period ("Q2", "the three months ended"), that
    length? A test applies only when every header can be read by it (each names a year; each
    names a length) and some but not all pass; otherwise it keeps them all."""
    years = set(YEAR.findall(content_years_only(question)))
    asked = _lengths(question)
    keep = [True] * len(headers)
    tests = [(lambda h: bool(YEAR.search(h)), lambda h: bool(set(YEAR.findall(h)) & years))]
    if CHANGE.search(question.lower()):  # "how much did it grow": the year before is asked too
        tests = []
    if len(asked) == 1:
        tests.append((lambda h: bool(_lengths(h)), lambda h: _lengths(h)[:1] == asked))
    for readable, fits in tests:
        passed = [k and fits(h) for h, k in zip(headers, keep, strict=True)]
        if all(map(readable, headers)) and 0 < sum(passed) < sum(keep):
            keep = passed
    return keep


def _lengths(text: str) -> list[str]:
    """The lengths of period a text names ("Q2" → quarter, "Six Months Ended …")."""
    return [name for name, span in _SPANS.items() if span.search(text)]


_SPAN_ENDED = re.compile(
    r"\b(?:q[1-4]|quarter|(?:three|six|nine|twelve)[- ]months?|half[- ]year|year)"
    r"\s+end(?:ed|ing)\b",
    re.IGNORECASE,
)


def _span_missing(question: str, text: str) -> set[str]:
    """The length of period the question asks for ("Q2 2023"), when the unit states its
    figures for another length only ("for the six months ended June 30, 2023")."""
    asked, given = _lengths(question), _lengths(text)
    return set(asked) if len(asked) == 1 and given and asked[0] not in given else set()


# A year naming a document: "the 2017 plan", "its 2022 strategic plan", "the 2023 annual report"
_DOCUMENT_YEAR = re.compile(
    r"\b((?:19|20)\d\d)(?:\s+[A-Za-z-]+){0,2}\s+(?:plan|report|strategy|filing|10-[QK]|act"
    r"|index|edition|review|budget|survey|programme|program|regulation|directive|law)s?\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({numbers.MONTHS})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE
)


def _dates(text: str) -> set[str]:
    """Full dates in `text`, written one way ("July 30, 2023", "Jul 30 2023" → "jul 30 2023")."""
    return {f"{m[:3].lower()} {int(d)} {y}" for m, d, y in _MONTH_DAY_YEAR.findall(text)}


def _dates_missing(question: str, row: str) -> set[str]:
    """Dates the question names ("the three months ended October 29, 2023") that a table row
    dated by its column headers does not have: the row reports other periods."""
    asked, given = _dates(question), _dates(row)
    return asked - given if given and not asked & given else set()


def period_of_figure_fits(question: str, unit: Evidence, figure: numbers.Quantity) -> bool:
    """A figure whose own words name a year, none of them the year asked about, belongs to
    another period: "149 in 2023 … 33.3 percent in 2021" never answers a question about 2021
    with 149. A figure whose words name no year takes its period from its sentence."""
    years = {y for y in YEAR.findall(question) if y not in YEAR.findall(unit.title)}
    in_unit = {y for y in years if y in unit.text}
    if not in_unit:
        return True
    figures = kind_figures(unit.text, "any") if " | " not in unit.text else []
    if len(figures) < 2:
        return True
    i = next((k for k, f in enumerate(figures) if f.start == figure.start), None)
    if i is None:
        return True
    words = _BASE_YEAR.sub(" ", clause_words(unit.text, figures, i))
    own = set(YEAR.findall(words))
    return not own or bool(own & in_unit)


# The year a change is measured from is not the period of the change ("a decrease of 26.7
# percent from 2021" is the change in 2022).
_BASE_YEAR = re.compile(
    r"\b(?:from|since|than|over|compared (?:with|to)|versus|vs\.?)\s+(?:in\s+)?(?:FY\s?)?"
    r"(?:19|20)\d\d\b",
    re.IGNORECASE,
)
