"""Which passages can answer: a question's names, its documents and its periods.

Made-up questions and passages; each test names the behaviour a user would notice.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.checks import about, focus_of
from assistant.documents import naming_terms, period_groups
from assistant.lexical import LexicalIndex, places
from assistant.periods import periods_missing
from assistant.question import initials, name_groups, wanted_kind
from assistant.types import Chunk, Evidence, Filters, Hit


def _unit(text: str, **fields: str) -> Evidence:
    return Evidence(hit=0, text=text, score=1.0, **fields)


def test_names_are_split_at_possessives_and_keep_their_acronym() -> None:
    groups = name_groups("What did Intel's Client Computing Group (CCG) earn in Q2 2023?")
    assert groups == [frozenset({"intel"}), frozenset({"client", "comput", "group", "ccg"})]


def test_a_word_with_an_inner_capital_is_a_name() -> None:
    unit = _unit(
        "Tablet | Three Months Ended May 3, 2025: 7,204 | Six Months Ended May 3, 2025: 9,110"
    )
    (phone,) = name_groups("How many eReader units did the company sell in the quarter?")
    assert not focus_of([unit], "count", subjects=(phone,))


def test_dates_and_periods_are_not_names() -> None:
    assert name_groups("What was revenue for the quarter ended July 1, 2023 (Q2, FY 2023)?") == []


def test_a_name_spelled_out_in_the_passage_matches_its_initials() -> None:
    unit = _unit("Placements of children referred by the Department of Homeland Security rose.")
    (dhs,) = name_groups("How fast does the agency place children referred by DHS?")
    assert dhs & about(unit)
    assert "whd" in initials("the Wage and Hour Division enforces the laws")


def test_a_passage_about_another_place_cannot_answer() -> None:
    question = "What was private investment in Texas in 2023?"
    subjects = tuple(name_groups(question))
    national = _unit("Private investment reached 67.2 billion US dollars in 2023.")
    state = _unit("Texas drew 3.1 billion US dollars of private investment in 2023.")
    assert focus_of([national], "amount", question, subjects) == []
    assert focus_of([national, state], "amount", question, subjects) == [state]


def test_a_table_row_measuring_something_else_cannot_answer() -> None:
    # One table lists the segments twice, under "Revenue" and under "Operating Income".
    question = "What was operating income for the Cloud segment in the quarter?"
    revenue = _unit("Revenue: Cloud | Three Months Ended March 31, 2023: 22,081 million")
    income = _unit("Operating Income: Cloud | Three Months Ended March 31, 2023: 9,476 million")
    assert focus_of([revenue, income], "amount", question) == [income]
    loss = _unit("Operating loss | Three Months Ended March 31, 2023: (895 million)")
    assert focus_of([loss], "amount", question) == [loss]  # a loss is a negative income
    sales = _unit("Net sales: Cloud | Three Months Ended March 31, 2023: 30,100 million")
    assert focus_of([sales], "amount", "What revenue did the Cloud segment report?") == [sales]


def test_a_passage_stating_only_the_other_end_of_a_range_cannot_answer() -> None:
    question = "What was the smallest grant any state received?"
    largest = _unit("Ohio received the largest grant, 3.3 billion US dollars.")
    floor = _unit("Every state received at least 107 million US dollars.")
    assert focus_of([largest, floor], "amount", question) == [floor]
    lowest = _unit("Vermont received the lowest grant, 107 million US dollars.")
    asked_high = "What was the highest grant any state received?"
    assert focus_of([lowest, largest], "amount", asked_high) == [largest]
    assert focus_of([floor], "amount", asked_high) == [floor]  # a floor is no low end


def test_a_demonym_names_the_place_the_library_writes() -> None:
    library = {"china", "japan", "canada", "amazon", "state"}.__contains__
    assert places(library, "chinese") == {"china"} == places(library, "chines")  # as stemmed
    assert places(library, "japanese") == {"japan"}
    assert places(library, "canadian") == {"canada"}
    assert places(library, "amazon") == set() and places(library, "states") == set()
    question = "How many patents did Chinese firms file?"
    subjects = (frozenset(name_groups(question)[0] | places(library, "chines")),)
    row = _unit("Region: China | Patents (2023): 15")
    sentence = _unit("Industry filed 51 patents in 2023.")
    assert focus_of([sentence, row], "count", question, subjects) == [row]


def test_a_subject_named_earlier_in_the_paragraph_or_as_a_country_alias_counts() -> None:
    question = "What share of the people Ipsos surveyed in America feel nervous?"
    subjects = tuple(name_groups(question))
    unit = _unit(
        "Moreover, 52 percent express nervousness.",
        lead="A survey by Ipsos of adults in the United States shows rising awareness.",
    )
    assert focus_of([unit], "percent", question, subjects) == [unit]


def test_only_whole_names_on_a_documents_first_page_name_it() -> None:
    bags = {"a.pdf": {"amazon", "com", "inc", "seattl", "north", "terri"}, "b.pdf": {"intel"}}
    groups = name_groups("What operating income did Amazon's North America segment report?")
    assert naming_terms(groups, bags, ("a.pdf",)) == frozenset({"amazon"})


def test_the_period_a_question_names_names_the_filing_for_that_period() -> None:
    bags = {"2023 Q2 ACME.pdf": {"acm", "2023", "q", "2", "quarter"}, "b.pdf": {"intel"}}
    groups = name_groups("What did Acme's segment earn in Q2 2023?") + period_groups(
        "What did Acme's segment earn in Q2 2023?"
    )
    assert naming_terms(groups, bags, ("2023 Q2 ACME.pdf",)) >= {"acm", "2023", "quarter"}
    assert period_groups("How large should Acme's industry be by 2023?") == []


def test_a_figure_for_another_length_of_period_does_not_answer() -> None:
    half = _unit("For the six months ended June 30, 2023, we recorded $260 million of charges.")
    both = _unit("Charges were $90 million in Q2 2023 and $260 million for the six months.")
    question = "What charges did the company record in Q2 2023?"
    assert periods_missing(question, half) == {"quarter"}
    assert periods_missing(question, both) == set()
    assert periods_missing("What were charges for the six months ended June 30, 2023?", half) == (
        set()
    )


def test_a_date_asked_with_its_length_needs_that_length_a_balance_does_not() -> None:
    """A unit under "Nine Months Ended March 31, 2023 …" gives that date, but not the quarter
    a question about "the quarter ended March 31, 2023" asks for; a balance asked for at a
    date ("at the end of its quarter, July 30, 2023") is the date's, whatever period the
    statement above it covers."""
    grew = _unit(
        "Azure revenue grew 31% driven by consumption-based services.",
        before="Nine Months Ended March 31, 2023 Compared with Nine Months Ended March 31, 2022",
    )
    flow = "How much did Azure revenue grow in the quarter ended March 31, 2023?"
    assert periods_missing(flow, grew) == {"quarter"}
    cash = _unit(
        "Cash and cash equivalents at end of period | July 30, 2023: 5,783 million",
        before="FOR THE SIX MONTHS ENDED JULY 30, 2023 AND JULY 31, 2022",
    )
    held = "How much cash did the company hold at the end of its quarter, July 30, 2023?"
    assert periods_missing(held, cash) == set()


def test_the_full_date_asked_for_settles_the_fiscal_year() -> None:
    row = _unit("Data Center | Three Months Ended July 30, 2023: $10,323 million")
    asked = (
        "What was Data Center revenue for the second quarter of fiscal 2024 "
        "(three months ended July 30, 2023)?"
    )
    assert not periods_missing(asked, row)
    assert periods_missing("What was Data Center revenue in fiscal 2024?", row) == {"2024"}


def test_rarity_is_measured_within_the_documents_searched() -> None:
    """ "fiscal 2024" is rare in the library but in every passage of the one filing that uses
    it, and "operating income" the reverse: within that filing, the row that names the segment
    and the measure ranks first."""
    prose = [
        Chunk(
            f"a:h:{i}", "a", "a.pdf", "A", i, f"Results for the second quarter of fiscal 2024 {w}."
        )
        for i, w in enumerate(["were strong", "beat plans", "grew", "held up", "improved"])
    ]
    row = Chunk(
        "a:h:9",
        "a",
        "a.pdf",
        "A",
        9,
        "Operating income by segment | Compute | Three Months Ended July 30, 2023: $6,728 million",
    )
    others = [
        Chunk(
            f"b:h:{i}", "b", "b.pdf", "B", i, f"Operating income of the Compute segment, note {i}."
        )
        for i in range(30)
    ]
    index = LexicalIndex.build([*prose, row, *others])
    query = (
        "What operating income did the Compute segment report in the second quarter of fiscal 2024?"
    )
    scoped = index.search(query, 3, Filters(sources=("a.pdf",)))
    assert scoped[0][0] == "a:h:9"


def test_a_table_row_is_found_by_its_label_not_drowned_by_its_column_headers() -> None:
    """A statement row repeats its column headers in every cell; BM25 over the whole text
    ranks prose sharing the question's words above it, BM25 over row labels does not."""
    headers = " | ".join(
        f"{span} Months Ended {day}: {v} million"
        for span, day, v in (("Three", "July 30, 2023", "6,728"), ("Six", "July 30, 2023", "8,887"))
    )
    rows = [
        Chunk(f"a:r:{i}", "a", "a.pdf", "A", 30, f"{title}\n\n{label} | {headers}")
        for i, (title, label) in enumerate(
            [
                ("Revenue by segment", "Compute"),
                ("Operating income by segment", "Graphics"),
                ("Operating income by segment", "Compute"),
            ]
        )
    ]
    prose = [
        Chunk(
            f"a:p:{i}",
            "a",
            "a.pdf",
            "A",
            i,
            f"Segment operating income reported for the second quarter of fiscal 2024 {w}.",
        )
        for i, w in enumerate(["grew", "beat plans", "rose", "held up", "improved"])
    ]
    index = LexicalIndex.build([*prose, *rows])
    query = "What operating income did the Compute segment report for the second quarter of 2024?"
    assert index.search(query, 1)[0][0].startswith("a:p:")  # the whole text: prose first
    assert index.search_rows(query, 1)[0][0] == "a:r:2"  # by row label: the row asked for


def test_a_follow_up_requires_its_own_years_not_those_of_the_question_before() -> None:
    from assistant.chat import rewrite

    unit = _unit("Private investment in Atlantis was about 8.7 times the amount in Lemuria.")
    follow_up = rewrite("How many times larger is it?", "How much went to Lemuria in 2023?")
    assert "2023" in follow_up and not periods_missing(follow_up, unit)
    assert periods_missing("How many times larger was it in 2023?", unit) == {"2023"}


def test_a_follow_up_asks_for_what_its_own_words_ask() -> None:
    from assistant.chat import rewrite
    from assistant.question import wanted_kind

    follow_up = rewrite(
        "And how many images will be described by then?",
        "What share of its holdings will the archive have processed by 2026?",
    )
    assert wanted_kind(follow_up) == "count"
    assert wanted_kind(rewrite("What about 2022?", "What share was processed in 2021?")) == (
        "percent"
    )


def test_a_year_that_names_the_document_is_not_asked_of_the_passage() -> None:
    unit = Evidence(hit=0, text="The core industry exceeds 1 trillion yuan by 2030.", score=1.0)
    question = "How large should the core industry be by 2030 under the 2017 plan?"
    assert not periods_missing(question, replace(unit, year=2017))
    assert periods_missing(question, replace(unit, year=2019)) == {"2017"}
    assert periods_missing("How large was the core industry in 2017?", replace(unit, year=2017))


def test_a_unit_counting_what_is_asked_rules_out_one_counting_something_else() -> None:
    question = "How many digital images will be described by FY 2026?"
    pages = _unit("By FY 2026, the archive will digitize 500 million pages of records.")
    images = replace(pages, text="By FY 2026, it will describe 364,000 digital images.", score=0.98)
    assert focus_of([pages, images], "count", question) == [images]


def test_bullets_are_separate_sentences() -> None:
    from assistant.evidence import split_sentences

    text = "Strategies: • Keep 85 percent processed at all times. • Describe 364,000 images."
    assert [s for _, s, _ in split_sentences(text)] == [
        "Strategies:",
        "Keep 85 percent processed at all times.",
        "Describe 364,000 images.",
    ]


def test_a_passage_giving_only_the_figures_the_question_states_cannot_answer() -> None:
    from assistant.answer import Context

    chunk = Chunk("c", "d", "a.pdf", "Plan", 5, "")
    from assistant.chat import rewrite

    question = rewrite("By what year was that page goal first due?", "How many pages by FY 2026?")
    restated = _unit("By FY 2026, the archive will digitize 500 million pages.")
    earlier = replace(restated, text="The previous plan's goal (500 million pages by 2024).")
    ctx = Context(question, "time", [restated, earlier], [], (Hit(chunk, 1.0),))
    assert ctx.focus == [earlier]


def test_a_row_whose_label_the_question_spells_out_rules_out_a_longer_label() -> None:
    question = "How much did the company spend on additions to property, plant, and equipment?"
    net = _unit("Investing: Net additions to property, plant, and equipment | H1: (12,418 million)")
    gross = replace(
        net,
        text="Investing: Additions to property, plant, and equipment | H1: (13,301 million)",
    )
    assert focus_of([net, gross], "amount", question) == [gross]


def test_a_question_counting_a_measure_is_answered_only_in_that_measure() -> None:
    feet = _unit("The archive receives about 90,000 cubic feet of paper records each year.")
    files = _unit("The archive receives about 90,000 boxes of paper records each year.")
    question = "How many terabytes of records does the archive receive each year?"
    assert focus_of([feet], "count", question) == []
    assert focus_of([feet], "count", "How many patients does the clinic see?") == []
    # a count that is no measure answers only where its paragraph names what is counted
    assert focus_of([files], "count", "How many patients does the clinic see?") == []
    visits = _unit("It sees about 90,000 a year.", lead="The clinic treats patients of 3 towns.")
    assert focus_of([visits], "count", "How many patients does the clinic see?") == [visits]
    # ... or where the count is followed by a word of the question
    votes = _unit("The parliament approved the act with 523 votes in favour.")
    assert focus_of([votes], "count", "How many members of parliament voted for it?") == [votes]


def test_a_follow_up_is_answered_in_its_own_words_or_beside_the_figure_just_given() -> None:
    from assistant.answer import Context
    from assistant.chat import rewrite
    from assistant.types import Quantity

    hits = (Hit(Chunk("c", "d", "a.pdf", "Index", 2, ""), 1.0),)
    given = Quantity("$3.8 billion", 3.8e9, "currency", "USD", 5e7)
    total = rewrite("What was the total across all countries?", "How much did Atlantis invest?")
    sibling = _unit("Region: Lemuria | Investment (2023): $7.8 billion")
    overall = _unit("Across all countries, investment came to $95 billion in 2023.")
    assert Context(total, "any", [sibling, overall], [], hits, (given,)).focus == [overall]
    assert Context(total, "any", [sibling], [], hits, (given,)).focus == []

    patents = Quantity("378,000", 378000.0, "number")
    growth = rewrite("How fast did it grow?", "How many patents did Atlantis hold in 2023?")
    beside = _unit("Atlantis held 378,000 patents. That stock grew by 40 percent in one year.")
    assert Context(growth, "percent", [beside], [], hits, (patents,)).focus == [beside]


def test_the_number_of_something_is_counted_as_how_many_of_it() -> None:
    question = "What target does the plan set for the average number of days to resolve complaints?"
    assert wanted_kind(question) == "count"
    measures = _unit("The office tracks three performance measures for complaints.")
    days = _unit("The office aims to resolve complaints within 90 days on average.")
    assert focus_of([measures, days], "count", question) == [days]
