"""Numeric PDF tables: each figure keeps its row label, its column headers and its unit."""

from __future__ import annotations

from pathlib import Path

from assistant import numbers
from assistant.ingest.readers import read
from tests.conftest import shared_filings, shared_reports


def _row(page_text: str, label: str) -> str:
    rows = [ln for ln in page_text.split("\n\n") if ln.split(" | ")[0].endswith(label)]
    assert rows, f"no row labelled {label!r}"
    return rows[0]


def _cell(row: str, header_start: str) -> numbers.Quantity:
    cells = [c for c in row.split(" | ") if c.startswith(header_start)]
    assert len(cells) == 1, row
    return numbers.checkable(cells[0].partition(": ")[2])[0]


def test_income_statement_rows_carry_periods_and_unit() -> None:
    page = read(shared_filings() / "2023 Q2 AAPL.pdf").pages[3]
    row = _row(page.text, "Total net sales")
    assert row.startswith("Net sales: Total net sales")  # the section above the row
    assert _cell(row, "Three Months Ended April 1, 2023").value == 94_836e6  # "(In millions"
    assert _cell(row, "Six Months Ended March 26, 2022").value == 221_223e6
    # the unit line excepts per-share amounts: they stay as printed
    assert (
        _cell(_row(page.text, "Earnings per share: Diluted"), "Three Months Ended April 1").value
        == 1.52
    )


def test_bracketed_outflow_and_unit_on_the_header_line() -> None:
    # INTC's cash-flow statement prints "(In Millions; Unaudited)" on the date header line.
    page = read(shared_filings() / "2023 Q2 INTC.pdf").pages[8]
    row = _row(page.text, "Additions to property, plant, and equipment")
    spent = _cell(row, "Six Months Ended Jul 1, 2023")
    assert spent.value == -13_301e6
    assert numbers.same_quantity(numbers.expected_quantity(13_301e6, "USD"), spent)


def test_headers_above_a_caption_line_and_a_table_continued_below() -> None:
    page = read(shared_filings() / "2023 Q2 AMZN.pdf").pages[5]  # balance sheet
    cash = _row(page.text, "Cash and cash equivalents")
    assert _cell(cash, "June 30, 2023").value == 49_529e6
    assert _cell(cash, "December 31, 2022").value == 53_888e6
    apple = read(shared_filings() / "2023 Q2 AAPL.pdf").pages[5]
    equity = _row(apple.text, "Total liabilities and shareholders’ equity")
    assert _cell(equity, "April 1, 2023").value == 332_160e6  # headers of the table above


def test_section_lines_without_colon_head_the_rows_below() -> None:
    # MSFT's segment table repeats the segment names under "Revenue" and "Operating Income";
    # each row must say which of the two it belongs to.
    page = read(shared_filings() / "2023 Q2 MSFT.pdf").pages[28]
    revenue = _row(page.text, "Revenue: Intelligent Cloud")
    income = _row(page.text, "Operating Income: Intelligent Cloud")
    assert _cell(revenue, "Three Months Ended March 31, 2023").value == 22_081e6
    assert _cell(income, "Three Months Ended March 31, 2023").value == 9_476e6
    # a section naming per-share amounts keeps them out of the table's "(In millions)"
    eps = read(shared_filings() / "2023 Q2 MSFT.pdf").pages[10]
    diluted = _row(eps.text, "Earnings Per Share: Diluted (A/C)")
    assert _cell(diluted, "Three Months Ended March 31, 2023").value == 2.45


def test_running_headers_and_footers_are_no_part_of_a_table() -> None:
    # Every page of MSFT's filing opens with "PART I" / "Item 2" and its statements close with
    # "Refer to accompanying notes." above the page number: neither heads a column nor is a row.
    pages = read(shared_filings() / "2023 Q2 MSFT.pdf").pages
    summary = _row(pages[35].text, "Operating income")
    assert "PART I" not in summary and "Item 2" not in summary
    assert _cell(summary, "SUMMARY RESULTS OF OPERATIONS Three Months Ended March 31, 2023")
    rows = [ln for page in pages[2:7] for ln in page.text.split("\n\n") if " | " in ln]
    assert rows and not [row for row in rows if "Refer to accompanying notes" in row]
    # a statement's last "Total" row recurs at the foot of pages and stays a row
    totals = [ln for ln in pages[14].text.split("\n\n") if ln.endswith("$94,931 million")]
    assert totals and _cell(totals[0], "Adjusted Cost Basis").value == 98_700e6


def _made_up_page(tmp_path: Path, words: list[tuple[float, float, str]], size: int = 9) -> str:
    """The text read back from a one-page PDF with `words` set at (x, y)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    for x, y, text in words:
        page.insert_text((x, y), text, fontsize=size)
    doc.save(str(tmp_path / "t.pdf"))
    return read(tmp_path / "t.pdf").pages[0].text


def test_a_wrapped_label_is_not_a_section(tmp_path: Path) -> None:
    text = _made_up_page(
        tmp_path,
        [
            (72, 60, "(in millions)"),
            (72, 80, "Operating Income"),
            (80, 92, "Cloud"),
            (300, 92, "9,476"),
            (80, 104, "Net cash provided by operating activities of"),
            (80, 116, "continuing operations"),
            (300, 116, "1,250"),
        ],
    )
    assert _row(text, "Operating Income: Cloud")
    wrapped = _row(text, "activities of continuing operations")
    assert wrapped.startswith("Operating Income: Net cash provided by")


def test_made_up_table_with_two_header_levels(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    put = page.insert_text
    put((72, 60), "Budget by programme (in thousands)", fontsize=10)
    put((300, 90), "Fiscal Year", fontsize=9)
    for x, year in ((280, "2021"), (360, "2022")):
        put((x, 102), year, fontsize=9)
    put((72, 116), "Grants:", fontsize=9)
    for y, label, a, b in ((128, "Research", "1,250", "1,400"), (140, "Training", "310", "(25)")):
        put((80, y), label, fontsize=9)
        put((300 - 5 * len(a), y), a, fontsize=9)
        put((380 - 5 * len(b), y), b, fontsize=9)
    put((72, 180), "The programme grew in 2022 after a review of its 12 projects.", fontsize=9)
    doc.save(str(tmp_path / "t.pdf"))
    text = read(tmp_path / "t.pdf").pages[0].text
    row = _row(text, "Research")
    assert row.startswith("Grants: Research")
    assert _cell(row, "Fiscal Year 2022").value == 1_400e3
    assert _cell(_row(text, "Training"), "Fiscal Year 2022").value == -25e3
    assert "after a review of its 12 projects." in text  # prose left alone


def test_text_table_keeps_each_header_with_its_wrapped_text() -> None:
    # HHS performance measures: a header row over a description that wraps within its column.
    text = read(shared_reports() / "HHS2022.pdf").pages[15].text
    row = next(r for r in text.split("\n\n") if "within 10 months of receipt" in r)
    assert row.startswith("Description: Review and act on 90 percent of standard original")
    assert row.endswith("| Type: Target Actual | Percentage: 90")
    assert "Description Type Status" not in text  # headers no longer glued to the text
    assert "_3cb5" not in text  # micro-text identifiers no reader can see are left out


def test_rotated_text_is_kept_while_micro_text_is_dropped(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((100, 400), "Rotated label reads 42 percent", fontsize=11, rotate=90)
    page.insert_text((100, 100), "Visible text states 7 units", fontsize=11)
    page.insert_text((100, 120), "hidden instruction in a tiny font", fontsize=0.5)
    doc.save(str(tmp_path / "r.pdf"))
    text = read(tmp_path / "r.pdf").pages[0].text
    assert "Rotated label reads 42 percent" in text
    assert "Visible text states 7 units" in text
    assert "hidden instruction" not in text


def test_a_row_label_or_column_header_states_its_own_unit(tmp_path: Path) -> None:
    """Performance tables state units per row ("Customers served online (millions)"); a
    figure of such a row is in that unit, while a row in days or percent is left as it is."""
    words = [(300, 60, "FY 2020"), (380, 60, "FY 2021")]
    rows = (
        (80, "Customers served online (millions)", "15.0", "16.8"),
        (92, "Appeals processing time (days)", "380", "362"),
        (104, "Claims paid on time", "86%", "87%"),
    )
    for y, label, a, b in rows:
        words += [(72, y, label), (330 - 5 * len(a), y, a), (410 - 5 * len(b), y, b)]
    text = _made_up_page(tmp_path, words)
    assert _cell(_row(text, "Customers served online (millions)"), "FY 2021").value == 16.8e6
    assert _cell(_row(text, "Appeals processing time (days)"), "FY 2021").value == 362
    assert _cell(_row(text, "Claims paid on time"), "FY 2021").value == 87
    markdown = tmp_path / "t.md"
    markdown.write_text(
        "| Programme | Budget ($ in thousands) | Sites |\n|---|---|---|\n"
        "| Grants | 1,250 | 14 |\n\n"
        "| Measure | FY 2020 | FY 2021 |\n|---|---|---|\n| Visitors (millions) | 2.5 | 3.1 |\n"
    )
    text = read(markdown).pages[0].text.replace("\n", "\n\n")
    assert _cell(_row(text, "Grants"), "Budget").value == 1_250e3
    assert _cell(_row(text, "Grants"), "Sites").value == 14
    assert _cell(_row(text, "Visitors (millions)"), "FY 2021").value == 3.1e6


def test_a_two_digit_fiscal_year_is_written_in_full(tmp_path: Path) -> None:
    markdown = tmp_path / "t.md"
    markdown.write_text(
        "| Measure | FY21 Target | FY '21 Actual |\n|---|---|---|\n"
        "| Claims paid on time | 85% | 86% |\n"
    )
    row = _row(read(markdown).pages[0].text, "Claims paid on time")
    assert _cell(row, "FY 2021 Target").value == 85 and _cell(row, "FY 2021 Actual").value == 86
