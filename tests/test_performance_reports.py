"""A family of annual performance reports of one agency, one per fiscal year.

Each report's measure table repeats the years around its own (FY 2020's report also gives
the FY 2021 target, FY 2021's also the FY 2020 actual), so a question must be answered from
the right column (a target or what was achieved, for the year asked) and, when it names a
report ("the FY 2020 report", "the latest report"), from that report. The reports are written
here, not taken from the bundled corpus; the model is scripted to point at no figure ("[1]"),
so what is shown is the answer the checks compose from the evidence.
"""

from __future__ import annotations

import pytest

from assistant import numbers
from assistant.documents import dated_documents
from assistant.lexical import YEAR
from assistant.question import content_years_only, publication_years
from tests.test_answer import ask

HEADER = """# Annual Performance Report Fiscal Year {fy}

Agency for Benefit Services

## Strategic Goal 1: Deliver benefits on time

| Performance Measure | FY {a} Actual | FY {fy} Target | FY {fy} Actual | FY {b} Target |
|---|---|---|---|---|
"""
MEASURES = {  # fiscal year → (measure, its four figures)
    2020: (
        ("Average processing time for appeals (days)", "395", "385", "380", "350"),
        ("Customers served online (millions)", "13.4", "14.5", "15.0", "16.0"),
    ),
    2021: (
        ("Average processing time for appeals (days)", "380", "350", "362", "340"),
        ("Customers served online (millions)", "15.0", "16.0", "16.8", "17.5"),
    ),
}


@pytest.fixture(scope="module")
def reports_assistant(tmp_path_factory: pytest.TempPathFactory):
    from assistant.config import Settings
    from assistant.core import Assistant

    folder = tmp_path_factory.mktemp("reports")
    docs = folder / "docs"
    docs.mkdir()
    for fy, rows in MEASURES.items():
        table = "".join(f"| {' | '.join(row)} |\n" for row in rows)
        (docs / f"apr-{fy}.md").write_text(HEADER.format(fy=fy, a=fy - 1, b=fy + 1) + table)
    assistant = Assistant(Settings(data_dir=folder / "data", backend="llamacpp"))
    assert not assistant.ingest([docs]).failed
    return assistant


@pytest.mark.parametrize(
    ("question", "figure", "source"),
    [
        ("What was the average processing time for appeals in FY 2020?", 380, ""),
        ("What was the FY 2020 target for average processing time for appeals?", 385, ""),
        (
            "According to the FY 2020 report, what was the FY 2021 target for customers served "
            "online?",
            16.0e6,
            "apr-2020.md",
        ),
        (
            "In the latest annual performance report, what is the FY 2022 target for customers "
            "served online?",
            17.5e6,
            "apr-2021.md",
        ),
    ],
)
def test_a_measure_is_read_from_the_column_and_report_asked(
    reports_assistant, question: str, figure: float, source: str
) -> None:
    """What was achieved unless a target is asked for; the unit the row states ("(millions)");
    the report the question names."""
    _, answer, _ = ask(reports_assistant, "[1]", question)
    assert numbers.checkable(answer.text)[0].value == figure, answer.text
    if source:
        assert [c.chunk.source for c in answer.citations] == [source]


def test_the_model_is_shown_the_columns_of_the_year_asked(reports_assistant) -> None:
    """A measure's row holds four years' figures; the model reads only the asked year's
    cells (a shorter prompt, no other year's figure to copy), and the answer is unchanged."""
    question = "What was the FY 2020 target for average processing time for appeals?"
    _, answer, model = ask(reports_assistant, "[1]", question)
    prompt = model.messages[-1]["content"]
    assert "FY 2020 Target: 385" in prompt and "FY 2020 Actual: 380" in prompt
    assert "FY 2019" not in prompt and "FY 2021" not in prompt
    assert numbers.checkable(answer.text)[0].value == 385


def test_a_filing_row_is_shown_for_the_quarter_asked_and_both_years_for_a_change() -> None:
    from assistant.prompt import cells_asked

    row = (
        "Net sales | Three Months Ended June 30, 2022: 121,234 million | Three Months Ended "
        "June 30, 2023: 134,383 million | Six Months Ended June 30, 2022: 237,678 million | "
        "Six Months Ended June 30, 2023: 261,741 million"
    )
    shown = cells_asked("What were net sales in Q2 2023?", row)
    assert shown == "Net sales | Three Months Ended June 30, 2023: 134,383 million"
    shown = cells_asked("How much did net sales grow in the quarter ended June 30, 2023?", row)
    assert "121,234" in shown and "134,383" in shown and "Six Months" not in shown
    assert cells_asked("What were net sales?", row) == row


def test_a_report_is_dated_by_the_year_a_question_gives_it() -> None:
    titles = {"a.pdf": {"2020", "report"}, "b.pdf": {"2021", "report"}}
    assert dated_documents("What did the FY 2020 report say about appeals?", titles) == ("a.pdf",)
    assert dated_documents("In the report for fiscal year 2021, what …?", titles) == ("b.pdf",)
    assert dated_documents("What is the most recent report's target?", titles) == ("b.pdf",)
    assert dated_documents("What was the appeals time in FY 2020?", titles) == ()  # content
    question = "According to the FY 2020 report, what was the FY 2021 target?"
    assert "2020" not in content_years_only(question) and "2021" in content_years_only(question)
    question = "In Amazon's Q2 2023 10-Q, what were net sales?"  # the filing's is the period
    assert content_years_only(question) == question


def test_a_plan_dated_by_its_span_is_named_by_both_years_and_asks_about_neither() -> None:
    """ "The FY 2020-2024 plan" names the plan whose title spans those years; a question about
    its contents ("in what year was the department set up") is not about 2020 to 2024."""
    question = (
        "According to the FY 2020-2024 strategic plan, in what year was the department set up?"
    )
    assert publication_years(question) == {"2020", "2024"}
    titles = {"a.pdf": {"2020", "2024", "plan"}, "b.pdf": {"2022", "2026", "plan"}}
    assert dated_documents(question, titles) == ("a.pdf",)
    assert not {"2020", "2024"} & set(YEAR.findall(content_years_only(question)))


def test_a_plan_is_named_by_the_span_on_its_cover() -> None:
    """The plans' metadata titles are bare file names ("P2020"); the span a reader names one
    by ("the FY 2020-2024 plan") is printed on its first page, and every plan's text mentions
    the other years."""
    from assistant.config import Settings
    from assistant.documents import named_documents
    from assistant.lexical import LexicalIndex
    from assistant.types import Chunk

    spans = {"P2020": "2020-2024", "P2022": "2022-2026", "Q2022": "2022-2026", "R2018": "2018-2022"}
    chunks = [
        Chunk(
            f"{name}:h:{i}",
            name,
            f"{name}.pdf",
            name,
            1 + i,
            f"THE STRATEGIC PLAN Fiscal Years {span}\n\nOur mission."
            if i == 0
            else "Goals for 2018, 2020, 2022, 2024 and 2026 are set out below.",
        )
        for name, span in spans.items()
        for i in range(2)
    ]
    index = LexicalIndex.build(chunks)
    settings = Settings()
    question = "According to the FY 2020-2024 strategic plan, in what year was the agency set up?"
    named = named_documents(
        question,
        index.profile_terms,
        index.meta.spread,
        settings.doc_rare_share,
        settings.doc_margin,
        index.cover_terms,
    )
    assert named == ("P2020.pdf",)
