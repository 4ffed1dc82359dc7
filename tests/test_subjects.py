"""Which passages can answer: a question's names, its documents and its periods.

Made-up questions and passages; each test names the behaviour a user would notice.
"""

from __future__ import annotations

from assistant.checks import about, focus_of
from assistant.documents import naming_terms
from assistant.evidence import Evidence, initials, name_groups, periods_missing
from assistant.lexical import LexicalIndex
from assistant.types import Chunk, Filters


def _unit(text: str, **fields: str) -> Evidence:
    return Evidence(hit=0, text=text, score=1.0, **fields)


def test_names_are_split_at_possessives_and_keep_their_acronym() -> None:
    groups = name_groups("What did Intel's Client Computing Group (CCG) earn in Q2 2023?")
    assert groups == [frozenset({"intel"}), frozenset({"client", "comput", "group", "ccg"})]


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


def test_a_follow_up_requires_its_own_years_not_those_of_the_question_before() -> None:
    from assistant.chat import rewrite

    unit = _unit("Private investment in Atlantis was about 8.7 times the amount in Lemuria.")
    follow_up = rewrite("How many times larger is it?", "How much went to Lemuria in 2023?")
    assert "2023" in follow_up and not periods_missing(follow_up, unit)
    assert periods_missing("How many times larger was it in 2023?", unit) == {"2023"}
