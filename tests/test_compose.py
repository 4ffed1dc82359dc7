"""Composed answers: the figure that answers is the first figure the reader meets."""

from __future__ import annotations

import pytest

from assistant import numbers
from assistant.compose import answer_figure, compose
from assistant.question import wanted_kind
from assistant.types import Evidence

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
    assert text == "Total net sales: 94,836 million in the three months ended April 1, 2023 [2]."
    assert numbers.same_quantity(numbers.checkable(text)[0], numbers.expected_quantity(94_836e6))


def test_a_row_answer_reads_as_a_sentence_with_its_period() -> None:
    """A row's value comes after its label and before the period it is for, and a balance-sheet
    column is a date the figure stands at."""
    row = _unit(
        "Net sales: Greater China | Three Months Ended April 1, 2023: 17,812 million | "
        "Three Months Ended March 26, 2022: 18,343 million"
    )
    question = "How much net sales did Greater China generate in the quarter ended April 1, 2023?"
    text = compose(question, row, "any", 1)
    assert text == "Greater China: 17,812 million in the three months ended April 1, 2023 [1]."
    row = _unit(
        "Cash and cash equivalents | April 1, 2023: $24,687 million | Sep 24, 2022: $23,646"
    )
    question = "What were cash and cash equivalents at April 1, 2023?"
    text = compose(question, row, "any", 1)
    assert text == "Cash and cash equivalents: $24,687 million as of April 1, 2023 [1]."


def test_a_row_dated_otherwise_does_not_give_the_period_asked() -> None:
    from assistant.periods import periods_missing

    row = _unit(
        "Revenue: Total revenue | Three Months Ended July 30, 2023: $13,507 million | "
        "Three Months Ended July 31, 2022: $6,704 million"
    )
    later = "What revenue was reported for the three months ended October 29, 2023?"
    assert periods_missing(later, row)  # a later quarter than the filing reports
    same = "What revenue was reported for the three months ended Jul 30, 2023?"
    assert not periods_missing(same, row)


def test_a_figure_the_question_states_is_not_its_answer() -> None:
    unit = _unit(
        "The agency will certify all 412 eligible depots (>5,000 square feet) by the end of the "
        "programme."
    )
    question = "How many depots over 5,000 square feet will the agency certify?"
    text = compose(question, unit, "count", 1)
    assert numbers.checkable(text)[0].value == 412


def test_a_count_answers_with_the_figure_of_the_counted_noun() -> None:
    unit = _unit("Applicants are assessed within the first six months (180 days) of enrolment.")
    question = "Within how many days of enrolment are applicants assessed?"
    text = compose(question, unit, "count", 1)
    assert text.startswith("180 days: ")
    assert numbers.checkable(text)[0].value == 180


def test_a_serial_list_is_not_cut_at_its_last_comma() -> None:
    unit = _unit("By 2027, fund the design, testing, and approval of rural clinics.")
    question = "By what year will the design, testing and approval of rural clinics be funded?"
    text = compose(question, unit, "time", 1)
    assert text == "By 2027, fund the design, testing, and approval of rural clinics [1]."


def test_questions_asking_for_a_year_want_a_time_even_when_they_name_money() -> None:
    assert wanted_kind("By what year will the funding pathway be established?") == "time"
    assert wanted_kind("What portion of the electricity must be clean?") == "percent"
    assert wanted_kind("How much funding did the programme receive?") == "amount"
    assert wanted_kind("How much did cloud revenue grow year over year?") == "any"


def test_a_question_naming_a_unit_or_a_measure_asks_for_a_figure() -> None:
    """Without a "how many" or "what share", the unit to answer in ("in miles") or a noun of
    magnitude ("what level of uptime") says a figure is asked for, so a sentence without one
    is no answer and the evidence is chosen for its figure."""
    assert wanted_kind("What length of coastline, in miles, does the plan cite?") == "any"
    assert wanted_kind("What level of network uptime does the office commit to?") == "any"
    assert wanted_kind("What monthly discount did the programme give households?") == "any"
    assert wanted_kind("What does the plan say about coastlines?") == "none"


def test_a_word_of_a_compound_the_question_uses_does_not_pick_the_figure() -> None:
    """ "Border" of "its border-security objective" does not make "6,000 miles of land border"
    the coastline's length: with nothing else to tell the two figures apart, none is stated."""
    unit = _unit(
        "Smugglers evade enforcement along 6,000 miles of land border and 95,000 miles of coast."
    )
    question = (
        "What length of coastline, in miles, does the plan cite for its border-security objective?"
    )
    assert compose(question, unit, wanted_kind(question), 1) == ""
    question = "How many miles of land border does the plan cite for its border-security objective?"
    assert numbers.checkable(compose(question, unit, wanted_kind(question), 1))[0].value == 6000


def test_the_head_of_a_compound_the_question_uses_still_picks_the_figure() -> None:
    """ "AI-related industries" asks about the "related industries" of a sentence on AI: the
    compound's last word is what it names, so that figure is the answer, not the core one."""
    unit = _unit(
        "The core AI industry exceeds 400 billion yuan, and related industries exceed"
        " 5 trillion yuan."
    )
    question = "How large should AI-related industries be by 2025 under the plan?"
    answer = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(answer)[0].value == 5e12


def test_a_factor_behind_a_change_is_a_reason_not_a_multiplier() -> None:
    assert wanted_kind("What was the chief factor affecting the company's operating income?") == (
        "none"
    )
    assert wanted_kind("By what factor did sales grow?") == "multiplier"


def test_a_question_about_money_is_not_answered_with_a_share_of_it() -> None:
    row = _unit(
        "Net revenue: Net revenue | Three Months Ended Jul 1, 2023: $ 12,949 million | "
        "Three Months Ended Jul 1, 2023 % of Net Revenue: 100.0 %"
    )
    question = "What was the company's net revenue for the three months ended July 1, 2023?"
    text = compose(question, row, wanted_kind(question), 1)
    assert numbers.checkable(text)[0].value == 12_949e6


def test_a_figure_alone_before_a_comma_keeps_the_rest_of_its_clause() -> None:
    unit = _unit("By 2031, repair backlogs are likely to exceed $9 billion a year.")
    question = "By which year are repair backlogs expected to pass nine billion dollars a year?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert text == "By 2031, repair backlogs are likely to exceed $9 billion a year [1]."


def test_a_long_sentence_gives_the_phrase_between_commas_that_holds_the_figure() -> None:
    unit = _unit(
        "With roughly 40 percent of county depots closing in the next three years, together "
        "with falling demand for storage space across many regional offices, the agency will "
        "consolidate its remaining storage network into fewer, larger and better-run sites "
        "that serve several counties at once and cost less to operate over their lifetime."
    )
    question = "What share of county depots will close in the next three years?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert text == "With roughly 40 percent of county depots closing in the next three years [1]."
    assert wanted_kind("By which fiscal year will the review be done?") == "time"


def test_a_question_about_the_last_year_of_a_period_wants_a_time() -> None:
    assert wanted_kind("What is the final fiscal year covered by the parks plan?") == "time"
    assert wanted_kind("What was the growth rate year on year?") == "percent"


def test_a_year_answer_leads_when_another_year_comes_first() -> None:
    unit = _unit("For the period FY 2022 - 2026, the agency publishes its plan as a web page.")
    question = "What is the final fiscal year covered by the agency's 2022 plan?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(text, include_time=True)[0].value == 2026


def test_the_size_of_a_change_is_not_the_amount_asked_for() -> None:
    unit = _unit("Marketing expenses decreased by $426 million, to $1,340 million in the quarter.")
    question = "What were marketing expenses in the quarter?"
    assert numbers.checkable(compose(question, unit, wanted_kind(question), 1))[0].value == 1340e6
    alone = _unit("Changes in exchange rates reduced net sales by $180 million in the quarter.")
    assert compose("What were net sales in the quarter?", alone, "amount", 1) == ""


def test_a_figure_is_chosen_by_whose_and_what_kind_of_figure_it_is() -> None:
    from assistant.figures import figures_asked_for

    sentence = (
        "In 2022, China led global AI patent origins with 61.1 percent of the total, far "
        "ahead of the United States, which accounted for 20.9 percent."
    )
    question = "What was the United States' share of AI patent origins in 2022?"
    assert [q.value for q in figures_asked_for(question, sentence, "percent")] == [20.9]
    fell = "It reached 91.9 billion US dollars in 2022, a decrease of 26.7 percent from 2021."
    question = "By how much did global private AI investment fall in 2022?"
    assert [q.value for q in figures_asked_for(question, fell, "any")] == [26.7]
    row = (
        "Net sales: Total net sales | Three Months Ended April 1, 2023: 94,836 million | "
        "Six Months Ended April 1, 2023: 211,990 million"
    )
    question = "What were Apple's total net sales for the quarter ended April 1, 2023?"
    assert [q.value for q in figures_asked_for(question, row, "amount")] == [94_836e6]


def test_a_figure_the_question_states_in_words_is_not_its_answer() -> None:
    unit = _unit(
        "The fleet will run 100% on electric vehicles by 2035, including 40 percent "
        "of heavy trucks by 2030."
    )
    question = "Within the fleet's goal of fully electric vehicles, what portion is heavy trucks?"
    assert numbers.checkable(compose(question, unit, wanted_kind(question), 1))[0].value == 40


def test_a_question_naming_the_upper_limit_of_a_range_gets_its_upper_end() -> None:
    unit = _unit("Measure: Number of 3–17-year-old patients seen by school nurses | Type: Target")
    upper = "What is the upper age limit of the patients counted in the nurses' measure?"
    lower = "What is the youngest age counted in the nurses' measure?"
    assert numbers.checkable(compose(upper, unit, wanted_kind(upper), 1))[0].value == 17
    assert numbers.checkable(compose(lower, unit, wanted_kind(lower), 1))[0].value == 3


def test_a_follow_up_chooses_by_its_own_words_before_the_earlier_question() -> None:
    from assistant.types import FOLLOW_UP_MARK

    unit = _unit(
        "The roadmap sets out the steps to reach the Office's 2026 target for paperless filing "
        "in all of its many regional branches and field sites, on the way to the national 2032 "
        "target of records stored entirely in open digital formats."
    )
    question = (
        "And by when should its records be stored in open digital formats?"
        f"{FOLLOW_UP_MARK}By what year does the Office plan paperless filing in its branches?)"
    )
    text = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(text, include_time=True)[0].value == 2032


def test_a_follow_up_asking_for_another_year_gets_that_years_figure() -> None:
    from assistant.chat import rewrite

    unit = _unit(
        "Of the newly licensed wind farms, 58.2 percent were offshore, compared with 41.7 "
        "percent in 2021 and 30.5 percent in 2020."
    )
    question = rewrite("And in 2021?", "What share of wind farms licensed in 2022 were offshore?")
    text = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(text)[0].value == 41.7


def test_a_long_clause_without_commas_gives_the_phrase_its_preposition_opens() -> None:
    unit = _unit(
        "The Office will develop and publish a records modernization roadmap that will set out "
        "the steps needed to reach its 2026 target for paperless filing in all Office-run "
        "regional branches and field sites on the way to the national 2032 target of records "
        "stored in open digital formats, including 60 percent of maps."
    )
    question = "By when should records be stored in open digital formats?"
    assert compose(question, unit, wanted_kind(question), 1) == (
        "The national 2032 target of records stored in open digital formats [1]."
    )


def test_a_question_asking_why_asks_for_no_figure() -> None:
    assert wanted_kind("What was the main driver behind the change in the firm's net income?") == (
        "none"
    )
    assert wanted_kind("Why did revenue fall, and by how much?") == "any"


def test_a_question_about_an_aim_gets_the_figure_named_as_a_goal() -> None:
    from assistant.figures import figures_asked_for

    sentence = (
        "The rule requires that at least 40 percent of new hires come from local schools, "
        "with a goal of reaching 60 percent."
    )
    question = "What share of new hires is the eventual aim for drawing from local schools?"
    assert [q.value for q in figures_asked_for(question, sentence, "percent")] == [60]


def test_a_change_is_dated_by_its_year_not_the_year_it_is_measured_from() -> None:
    unit = _unit("Exports reached 40 billion euros in 2022, a decrease of 12.5 percent from 2021.")
    question = "By how much did exports fall in 2022?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(text)[0].value == 12.5


def test_a_hyphenated_qualifier_of_the_question_picks_its_figure() -> None:
    unit = _unit(
        "In high-income regions 91 percent of schools have fibre, against 22 percent in "
        "low-income regions."
    )
    question = "What share of schools in low-income regions have fibre?"
    assert compose(question, unit, wanted_kind(question), 1) == (
        "22 percent in low-income regions [1]."
    )


def test_a_relative_clause_keeps_the_name_it_refers_to() -> None:
    unit = _unit(
        "In 2022, Lemuria led the region's patent filings with 48.5 percent of the total, far "
        "outpacing Atlantis, which accounted for 17.2 percent."
    )
    question = "What share of the region's patent filings did Atlantis account for in 2022?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert text == "Atlantis, which accounted for 17.2 percent [1]."


def test_a_figure_keeps_its_noun_when_a_conjunction_sits_inside_its_phrase() -> None:
    unit = _unit(
        "The office is the region's largest landlord, managing more than 6,400 owned and leased "
        "buildings and 210 million square feet of workspace."
    )
    question = "How many buildings does the office manage?"
    text = compose(question, unit, wanted_kind(question), 1)
    assert text.endswith("more than 6,400 owned and leased buildings [1].")


def test_a_question_asking_for_a_total_is_not_answered_with_a_multiple() -> None:
    from assistant.figures import kind_figures

    sentence = "Investment in Atlantis was about 8.7 times the amount invested in Lemuria."
    assert wanted_kind("What was the total across all countries?") == "any"
    assert kind_figures(sentence, "any") == []
    assert [q.value for q in kind_figures(sentence, "multiplier")] == [8.7]


def test_a_question_about_a_change_is_not_answered_with_a_share() -> None:
    from assistant.chat import rewrite
    from assistant.figures import states_change

    share = "In 2022, Atlantis held 61.1 percent of the region's patents."
    grew = "That stock grew by 40 percent in one year."
    question = "How fast did Atlantis's patent stock grow in 2022?"
    assert not states_change(question, share, "percent")
    assert states_change(question, grew, "percent")
    follow_up = rewrite("And the year before?", "How fast did the patent stock grow in 2023?")
    assert not states_change(follow_up, share, "percent")
    assert states_change("What share of the patents did Atlantis hold?", share, "percent")


def test_a_row_whose_header_holds_a_number_states_its_figure_first() -> None:
    # A running page header ("PART I Item 2") merged into the column header.
    unit = _unit(
        "Intelligent Cloud | PART I Item 2 SEGMENT RESULTS Three Months Ended March 31, 2023: "
        "9,476 million | PART I Item 2 SEGMENT RESULTS Three Months Ended March 31, 2022: "
        "8,391 million"
    )
    question = (
        "What was operating income for Intelligent Cloud for the three months ended March 31, 2023?"
    )
    text = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(text)[0].value == 9_476e6
    assert text.count("9,476") == 1  # stated once, first


def test_respectively_pairs_each_item_with_its_figure() -> None:
    unit = _unit(
        "Current year gross margin, operating income, net income, and diluted EPS were lowered "
        "by the charge, which resulted in decreases of $152 million, $1.2 billion, $946 million, "
        "and $0.13, respectively."
    )
    for question, value in (
        ("By how much did the charge lower operating income?", 1.2e9),
        ("By how much did the charge lower diluted EPS?", 0.13),
        ("By how much did the charge lower gross margin?", 152e6),
    ):
        figure = answer_figure(question, unit, wanted_kind(question))
        assert figure is not None and figure.value == value
    periods = _unit(
        "Provisions totaled $576 million and $709 million for the second quarter and first "
        "half of fiscal year 2024, respectively."
    )
    for question, value in (
        ("What were provisions in the first half of fiscal year 2024?", 709e6),
        ("What were provisions in the second quarter of fiscal year 2024?", 576e6),
    ):
        figure = answer_figure(question, periods, "any")
        assert figure is not None and figure.value == value


def test_a_figure_restated_between_commas_keeps_the_words_after_the_restatement() -> None:
    """ "2.6 billion people, 33 percent of the world's population, offline": "offline" is said
    of the 2.6 billion, so a question about those offline gets it (and the clause that says
    so), while one about those online gets the 5.4 billion; the year the first sentence names
    is the period of both."""
    unit = _unit(
        "An estimated 5.4 billion people, or 67 percent of the world's population, were using"
        " the internet in 2023. That leaves 2.6 billion people, 33 percent of the world's"
        " population, offline."
    )
    offline = "How many people remained offline in 2023?"
    answer = compose(offline, unit, wanted_kind(offline), 1)
    assert numbers.checkable(answer)[0].value == 2.6e9
    assert "offline" in answer
    online = "How many people were using the internet in 2023?"
    assert numbers.checkable(compose(online, unit, wanted_kind(online), 1))[0].value == 5.4e9


@pytest.mark.parametrize(
    ("text", "question", "value", "absent"),
    [
        (
            "The programme gave eligible households a discount of up to 30 US dollars a month on"
            " internet service, or up to 75 US dollars a month for households on Tribal lands,"
            " and a one-time discount of up to 100 US dollars on a laptop.",
            "What monthly discount on internet service did the programme give households?",
            30,
            "75",
        ),
        (
            "Despite annual spending of roughly $25 billion on mission-support services, 38% of"
            " agency leaders still report low satisfaction with services such as hiring, the"
            " survey found.",
            "How much is spent each year on mission-support services?",
            25e9,
            "38%",
        ),
    ],
)
def test_a_figure_between_commas_that_starts_a_clause_is_no_restatement(
    text: str, question: str, value: float, absent: str
) -> None:
    """ "30 dollars a month …, or up to 75 dollars a month for households on Tribal lands, …"
    offers a second amount, not the first one in other terms, and ", 38% of agency leaders
    still report …," is a clause of its own: the answer stops before either."""
    answer = compose(question, _unit(text), wanted_kind(question), 1)
    assert numbers.checkable(answer)[0].value == value and absent not in answer, answer


def test_how_many_gets_the_figure_followed_by_most_of_what_is_counted() -> None:
    """ "How many agency performance goals": "twenty Agency Performance goals", not "Four
    Strategic Goals", though both are goals; and the bracketed note after the sentence is not
    part of the answer."""
    unit = _unit(
        "Four Strategic Goals (Goal 1, etc.), one Management Goal, ten Strategic and Management"
        " Objectives (1.1, etc.), and twenty Agency Performance goals (ETA 1.1, etc.) support"
        " the Department's Mission. [Editor's note: the goals were revised in 2023.]"
    )
    question = "How many agency performance goals underpin the department's strategic plan?"
    answer = compose(question, unit, wanted_kind(question), 1)
    assert numbers.checkable(answer)[0].value == 20, answer
    assert "note" not in answer.lower()


def test_a_cause_is_another_subjects_figure() -> None:
    """ "increased 17% driven by Azure and other cloud services growth of 27%": the 17% is the
    server products' growth, Azure's is the 27% its cause states."""
    sentence = (
        "Server products and cloud services revenue increased 17% driven by Azure and other "
        "cloud services growth of 27%."
    )
    question = "How much did Azure and other cloud services revenue grow in the quarter?"
    text = compose(question, _unit(sentence), wanted_kind(question), 1)
    assert text == "Azure and other cloud services growth of 27% [1].", text


def test_a_bound_keeps_its_comparison_and_labels_are_no_figures() -> None:
    """ "(less than or equal to nine percent)" is one bound, not two clauses joined by "or", and
    the "1 or 2" of "type 1 or 2 diabetes" names kinds of the disease: the level asked for is
    the answer, stated whole."""
    row = (
        "Description: Share of clinic patients with type 1 or 2 diabetes whose HbA1c is under "
        "control (less than or equal to nine percent) | Type: Target Actual"
    )
    question = "At or below what HbA1c level is diabetes counted as under control?"
    text = compose(question, _unit(row), wanted_kind(question), 1)
    assert "less than or equal to nine percent" in text, text
    assert numbers.checkable(text)[0].text == "nine percent", text


def test_which_article_gets_the_phrase_its_number_ends() -> None:
    """Asked which article sets out a right, the answer is that right's phrase with its
    article's number, not the whole list of rights that names another article first."""
    sentence = (
        'People have the right of access to their data, the right to erasure (the "right to be '
        'forgotten", Article 17) and the right to data portability (Article 20).'
    )
    question = "Which article of the regulation sets out the right to data portability?"
    text = compose(question, _unit(sentence), wanted_kind(question), 1)
    assert text == "The right to data portability (Article 20) [1].", text
