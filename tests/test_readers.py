"""Every supported format parses to text, tables stay rows, and bad files say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.readers import read
from tests.conftest import CORPUS, shared_reports


def test_pdf_keeps_pages_and_table_rows() -> None:
    parsed = read(CORPUS / "ai-index-report-2024.pdf")
    assert [p.number for p in parsed.pages] == [1, 2, 3, 4]
    page2 = parsed.pages[1].text
    assert (
        "Region: China | Notable ML models (2023): 15 | Private AI investment (2023): $7.8 billion"
        in page2
    )
    assert "66 percent" in parsed.pages[3].text
    assert parsed.title == "AI Index Report 2024 - a digest"


def test_pdf_paragraph_lines_are_joined() -> None:
    text = read(CORPUS / "ai-index-report-2024.pdf").pages[0].text
    assert "OpenAI's GPT-4 used about 78 million US dollars' worth of compute" in text


def test_html_drops_scripts_and_keeps_tables() -> None:
    parsed = read(CORPUS / "gdpr-regulation-2016-679.html")
    text = parsed.pages[0].text
    assert "not later than 72 hours" in text
    assert "Infringement: Basic principles" in text and "Maximum fine: 20 million euros" in text
    script = read(CORPUS / "world-internet-development-report-2024.html").pages[0].text
    assert "__digest_loaded" not in script


def test_markdown_tables_become_rows_and_marks_go() -> None:
    parsed = read(CORPUS / "us-broadband-funding-iija.md")
    text = parsed.pages[0].text
    assert "Program: Affordable Connectivity Program (ACP) | Funding: $14.2 billion" in text
    assert "**" not in text and "# " not in text
    assert parsed.title.startswith("Closing the digital divide")


def test_text_and_docx() -> None:
    assert "26 times since 2012" in read(CORPUS / "ai-index-report-2023.txt").pages[0].text
    docx = read(CORPUS / "eu-digital-decade-2030-targets.docx")
    assert "at least 20 million ICT specialists" in docx.pages[0].text
    assert docx.pages[0].number is None


def test_real_multi_page_report() -> None:
    parsed = read(shared_reports() / "NARA2022.pdf")
    assert len(parsed.pages) > 10
    assert all(p.number == i + 1 for i, p in enumerate(parsed.pages))
    assert sum(len(p.text) for p in parsed.pages) > 20_000


def _encrypted_pdf(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret figures: 42 percent")
    doc.save(str(path), encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw")
    return path


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4\n garbage that is not a pdf", "corrupt or unreadable PDF"),
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"   \n\n ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        ("fake.pdf", b"just some text", "not a PDF"),
        ("latin1.txt", "caf\xe9 costs 5 euros".encode("latin-1"), "not valid UTF-8"),
        ("sheet.xlsx", b"PK\x03\x04 whatever", "unsupported file type '.xlsx'"),
        ("fake.docx", b"plain text pretending", "not a DOCX"),
    ],
)
def test_bad_files_have_reasons(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="encrypted PDF"):
        read(_encrypted_pdf(tmp_path / "locked.pdf"))
