"""Page numbers of running headers and footers are not figures of the report."""

from __future__ import annotations

from assistant.ingest.furniture import strip_page_numbers
from assistant.ingest.readers import read
from assistant.types import Page
from tests.conftest import shared_filings, shared_reports


def test_footer_keeps_its_words_and_loses_its_page_number() -> None:
    pages = read(shared_filings() / "2023 Q2 AAPL.pdf").pages
    footers = [p.text.split("\n\n")[-1] for p in pages[3:8]]
    assert all(f == "Apple Inc. | Q2 2023 Form 10-Q" for f in footers), footers


def test_section_footers_of_a_filing_hold_no_page_number() -> None:
    # INTC prints a footer per section ("Financial Statements | Notes to … | 11"), each on
    # fewer than half of the pages, with the page number counted from the cover.
    page = read(shared_filings() / "2023 Q2 INTC.pdf").pages[12]
    last = page.text.split("\n\n")[-1]
    assert last == "Financial Statements | Notes to Financial Statements", last
    assert "Total inventories" in page.text  # the page's own table is still there


def test_report_header_loses_page_word_and_number() -> None:
    page = read(shared_reports() / "NARA2022.pdf").pages[3]
    head = page.text.split("\n\n")[:2]
    assert head == ["National Archives and Records Administration", "Strategic Plan"], head


def test_numbers_that_do_not_keep_step_with_the_page_stay() -> None:
    # the same line on three pages, its number the same everywhere (a year) or jumping
    # about (a table's figure), is text of the report
    pages = [
        Page(n, f"Plan for 2024\n\nBody text.\n\nTotal | {v}")
        for n, v in ((1, 40), (2, 7), (3, 93))
    ]
    out = strip_page_numbers(pages)
    assert [p.text for p in out] == [p.text for p in pages]


def test_a_page_counter_is_removed_wherever_the_numbering_starts() -> None:
    pages = [Page(n, f"Intro.\n\nBody.\n\nReport title | {n + 4}") for n in (1, 2, 3)]
    out = strip_page_numbers(pages)
    assert [p.text.split("\n\n")[-1] for p in out] == ["Report title"] * 3
