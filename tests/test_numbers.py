"""The number normaliser shared by the answer check and the eval scorer."""

from __future__ import annotations

import pytest

from assistant import numbers
from assistant.types import Quantity


def one(text: str) -> Quantity:
    found = numbers.checkable(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("1.2 bn", 1.2e9, "number"),
        ("1,200 million", 1.2e9, "number"),
        ("40%", 40, "percent"),
        ("40 percent", 40, "percent"),
        ("40 per cent", 40, "percent"),
        ("a 13 percentage point rise", 13, "percent"),
        ("nearly 10,000 smart factories", 10_000, "number"),
        ("378,000 valid patents", 378_000, "number"),
        ("a 26-fold surge", 26, "multiplier"),
        ("1.4 times the global average", 1.4, "multiplier"),
        ("twentyfold", 20, "multiplier"),
        ("nearly eight times the amount", 8, "multiplier"),
        ("about 8.7x more", 8.7, "multiplier"),
        ("(134)", -134, "number"),
        ("Change: (4)%", -4, "percent"),
        ("-5% in real terms", -5, "percent"),
        ("minus 3 percent", -3, "percent"),
        ("$11.4 billion", 11.4e9, "currency"),
        ("US$3.8 billion", 3.8e9, "currency"),
        ("5.2 trillion yuan", 5.2e12, "currency"),
        ("€35 million", 35e6, "currency"),
        ("78 million US dollars", 78e6, "currency"),
        ("$5m", 5e6, "currency"),
        ("10^25 floating-point operations", 1e25, "number"),
        ("10²⁵ FLOPs", 1e25, "number"),
        ("one trillion yuan", 1e12, "currency"),
        ("twenty-six times", 26, "multiplier"),
        (".5 percent", 0.5, "percent"),
    ],
)
def test_reads_value_and_kind(text: str, value: float, kind: str) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.kind == kind


@pytest.mark.parametrize(
    ("text", "unit"),
    [("$1 billion", "USD"), ("€7.5 million", "EUR"), ("400 billion yuan", "CNY"), ("£2bn", "GBP")],
)
def test_reads_currency(text: str, unit: str) -> None:
    assert one(text).unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "In 2023 the report was released.",  # a year standing alone
        "GPT-4 and COVID-19",  # parts of names
        "5G networks and 3D printing",
        "as shown in [1] and [2, 3]",  # citation markers
        "one of the largest",  # "one" as a pronoun
        "on 25 May 2018",  # a date
        "Regulation (EU) 2024/1689",  # an identifier
        "Three Months Ended July 30, 2023",  # the name of a reporting period
        "Twelve Months Ending June 30",
        "for the three- and six-month periods ended April 1",
        "Report. (2) The information in the Report is fair",  # a list item's number
        "pursuant to 18 U.S.C. § 1350 and ¶ 12",  # a code's title, section, paragraph
        "under 29 CFR 1910",
        "Exhibit | 101 The following financial statements are filed",  # an exhibit's number
        "Signed.\n3 A copy of the plan is attached",
    ],
)
def test_not_quantities(text: str) -> None:
    assert numbers.checkable(text) == []


def test_a_number_inside_a_sentence_before_an_article_is_still_a_quantity() -> None:
    assert [q.value for q in numbers.extract("Net sales were 101. The rest grew")] == [101]
    assert [q.value for q in numbers.extract("The agency trained 12 A-level staff")] == [12]


def test_years_and_dates_are_kept_when_asked_for() -> None:
    kinds = [q.kind for q in numbers.checkable("on 25 May 2018", include_time=True)]
    assert kinds == ["date", "year"]


def test_year_range_is_two_years_not_a_negative() -> None:
    found = numbers.extract("from 2021-2022")
    assert [(q.value, q.kind) for q in found] == [(2021, "year"), (2022, "year")]


@pytest.mark.parametrize(
    ("stated", "reference"),
    [
        ("1.2 bn", "1,200 million"),
        ("40%", "40 percent"),
        ("26-fold", "26 times"),
        ("about 1.2 million", "1,180,000"),
        ("nearly 10,000", "10,000"),
        ("$67.2 billion", "67.2 billion US dollars"),
        ("378 thousand", "378,000"),
        ("35 million euros", "€35 million"),
        ("61.1%", "61.1"),
    ],
)
def test_same_quantity(stated: str, reference: str) -> None:
    assert numbers.same_quantity(one(stated), one(reference))


@pytest.mark.parametrize(
    ("stated", "reference"),
    [
        ("12.5 percent", "125 percent"),  # separators are not stripped blindly
        ("1.2 billion", "1.2 million"),
        ("40 percent", "40 billion"),
        ("$35 million", "€35 million"),
        ("7 percent", "7 times"),
        ("378,000", "380,000"),  # a bare figure is exact
        ("2 billion", "1.5 billion"),
        ("32 percent", "32.3 percent"),
    ],
)
def test_different_quantities(stated: str, reference: str) -> None:
    assert not numbers.same_quantity(one(stated), one(reference))


def test_expected_quantity_with_tolerance() -> None:
    expected = numbers.expected_quantity(1_180_000)
    assert numbers.states("about 1.2 million people", expected)
    assert not numbers.states("1.2 million people", numbers.expected_quantity(1_100_000))
    assert numbers.states("1.15 million", expected, rel_tol=0.05)


def test_expected_currency_and_percent_units() -> None:
    assert numbers.states("it was $7.8 billion", numbers.expected_quantity(7.8e9, "USD"))
    assert not numbers.states("it was €7.8 billion", numbers.expected_quantity(7.8e9, "USD"))
    assert numbers.states("over 90 percent", numbers.expected_quantity(90, "percent"))


def test_a_number_inside_a_name_is_not_a_figure() -> None:
    from assistant.figures import kind_figures

    text = "Cloud revenue, which includes Azure, Office 365 Commercial and Form 10-Q filings, "
    text += "was $28.5 billion; approximately 221,000 people work there."
    assert [q.text for q in kind_figures(text, "amount")] == ["$28.5 billion", "221,000"]
    assert [q.text for q in kind_figures("Approximately 500 people", "count")] == ["500"]
    order = "under the Executive Order 13788 and our IDM 2.0 model"
    assert kind_figures(order, "any") == []
    quoted = 'For restructuring costs, refer to "Note 13: Restructuring" in the notes.'
    assert kind_figures(quoted, "amount") == []
    said = 'They met. "Approximately 500 people attended," the report says.'
    assert [q.text for q in kind_figures(said, "count")] == ["500"]


def test_a_number_a_noun_labels_is_not_a_figure() -> None:
    """ "type 1 or 2 diabetes" names two kinds of a disease; the level asked for is the only
    figure of the measure."""
    from assistant.figures import kind_figures

    measure = "Patients with type 1 or 2 diabetes whose HbA1c is under control, nine percent"
    assert [q.text for q in kind_figures(measure, "any")] == ["nine percent"]
    opening = "Phase 3 trials enrolled 40 sites; grade 8 students numbered 1,200."
    assert [q.text for q in kind_figures(opening, "count")] == ["40", "1,200"]


def test_a_day_of_a_date_is_not_a_percent_the_question_states() -> None:
    """The 31 of "the quarter ended March 31, 2023" is a day: "grew 31%" is not a figure the
    question already gives."""
    stated = numbers.stated_in("How much did revenue grow in the quarter ended March 31, 2023?")
    grew = numbers.checkable("revenue grew 31%")[0]
    assert not any(numbers.same_quantity(grew, s) for s in stated)
    assert numbers.same_quantity(numbers.checkable("31 agencies")[0], numbers.checkable("31")[0])


def test_a_forms_name_is_no_figure() -> None:
    """ "the Q2 2023 10-Q" names a filing: a reply that mentions it states no figure, and the
    10 is not read as one the question gives."""
    reply = "Yes, the company announced acquisitions in its Q2 2023 10-Q and an 8-K."
    assert numbers.checkable(reply) == []
    assert [q.text for q in numbers.checkable("a 10-15 percent range")] == ["10", "15 percent"]
