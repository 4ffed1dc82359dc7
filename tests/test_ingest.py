"""Ingestion into a real embedded Chroma store: skip, replace, prune, bad files, no half writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from tests.conftest import CORPUS, shared_reports


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for name in (
        "itu-facts-and-figures-2023.md",
        "gdpr-regulation-2016-679.html",
        "eu-ai-act-2024.pdf",
        "eu-digital-decade-2030-targets.docx",
        "ai-index-report-2023.txt",
    ):
        shutil.copy(CORPUS / name, folder / name)
    return folder


def make(tmp_path: Path) -> Assistant:
    return Assistant(Settings(data_dir=tmp_path / "store"))


def test_every_format_is_ingested_and_a_second_run_adds_nothing(
    tmp_path: Path, library: Path
) -> None:
    assistant = make(tmp_path)
    first = assistant.ingest([library])
    assert (first.added, first.failed) == (5, ())
    assert first.chunks_added == sum(d.chunks for d in assistant.documents())
    pdf = next(d for d in assistant.documents() if d.source == "eu-ai-act-2024.pdf")
    assert pdf.pages == 3
    assert {c.page for c in assistant.store.chunks_of(pdf.doc_id)} == {1, 2, 3}
    second = make(tmp_path).ingest([library])
    assert (second.added, second.updated, second.skipped, second.chunks_added) == (0, 0, 5, 0)


def test_chunks_fit_the_embedding_window(tmp_path: Path, library: Path) -> None:
    assistant = make(tmp_path)
    assistant.ingest([library])
    limit = assistant.embedder.max_tokens
    for record in assistant.documents():
        for chunk in assistant.store.chunks_of(record.doc_id):
            embedded = assistant.chunker.embedding_text(chunk)
            assert len(assistant.embedder.count_tokens(embedded)) + 2 <= limit


def test_changed_file_replaces_its_chunks(tmp_path: Path, library: Path) -> None:
    assistant = make(tmp_path)
    assistant.ingest([library])
    target = library / "itu-facts-and-figures-2023.md"
    target.write_text(target.read_text().replace("5.4 billion", "5.5 billion"))
    report = assistant.ingest([library])
    assert (report.updated, report.skipped) == (1, 4)
    record = next(d for d in assistant.documents() if d.source == target.name)
    texts = " ".join(c.text for c in assistant.store.chunks_of(record.doc_id))
    assert "5.5 billion" in texts and "5.4 billion" not in texts
    assert len(assistant.store.chunks_of(record.doc_id)) == record.chunks


def test_prune_removes_documents_whose_files_are_gone(tmp_path: Path, library: Path) -> None:
    assistant = make(tmp_path)
    assistant.ingest([library])
    (library / "gdpr-regulation-2016-679.html").unlink()
    assert assistant.ingest([library]).removed == 0
    report = assistant.ingest([library], prune=True)
    assert report.removed == 1
    assert "gdpr-regulation-2016-679.html" not in {d.source for d in assistant.documents()}
    assert all(c.source != "gdpr-regulation-2016-679.html" for c in assistant.store.iter_chunks())


def test_bad_files_are_named_and_good_ones_still_ingested(tmp_path: Path, library: Path) -> None:
    (library / "corrupt.pdf").write_bytes(b"%PDF-1.7 this is not really a pdf")
    (library / "empty.txt").write_bytes(b"")
    (library / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (library / "data.xlsx").write_bytes(b"PK\x03\x04")
    report = make(tmp_path).ingest([library, tmp_path / "missing-folder"])
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"corrupt.pdf", "empty.txt", "photo.md", "data.xlsx", "missing-folder"}
    assert "corrupt" in failed["corrupt.pdf"] and "empty" in failed["empty.txt"]
    assert report.added == 5


def test_a_failed_write_leaves_no_half_document(
    tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = make(tmp_path)
    assistant.ingest([library])
    target = library / "ai-index-report-2023.txt"
    record = next(d for d in assistant.documents() if d.source == target.name)
    before = {c.chunk_id for c in assistant.store.chunks_of(record.doc_id)}
    target.write_text(target.read_text() + "\nA new paragraph with 12 new figures.\n")
    real_delete = assistant.store.chunks.delete

    def crash(*args, **kwargs):  # the process dies after the new chunks were added
        raise KeyboardInterrupt

    monkeypatch.setattr(assistant.store.chunks, "delete", crash)
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest([library])
    monkeypatch.setattr(assistant.store.chunks, "delete", real_delete)
    # Readers never see the pending version: only the committed chunks are visible.
    again = make(tmp_path)
    again.retriever.refresh()
    stored = again.store.chunks_of(record.doc_id)
    assert {c.chunk_id for c in stored if again.retriever.visible(c)} == before
    assert len(stored) > len(before)  # the interrupted write did add chunks
    report = again.ingest([library])  # recovery drops the pending write, then re-ingests
    assert report.added == 1
    record = next(d for d in again.documents() if d.source == target.name)
    chunks = again.store.chunks_of(record.doc_id)
    assert len(chunks) == record.chunks
    assert any("12 new figures" in c.text for c in chunks)


def test_real_reports_ingest_with_pages(tmp_path: Path) -> None:
    reports = shared_reports()
    assistant = make(tmp_path)
    report = assistant.ingest([reports / "NARA2022.pdf", reports / "DHS2020.pdf"])
    assert report.failed == () and report.added == 2
    for record in assistant.documents():
        pages = {c.page for c in assistant.store.chunks_of(record.doc_id)}
        assert None not in pages and max(pages) <= record.pages


def test_a_chunk_knows_the_heading_it_continues() -> None:
    from assistant.ingest.chunking import section_above

    page = (
        "Apple Inc.\n\nCONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS (Unaudited)\n\n"
        "(In millions)\n\nOperating activities: Net income | 2023: 54,158 million\n\n"
        "Cash generated by operating activities | 2023: 62,565 million"
    )
    later = "Cash generated by operating activities | 2023: 62,565 million"
    assert (
        section_above(page, later) == "CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS (Unaudited)"
    )
    assert section_above(page, page) == ""  # a chunk that starts the page has no heading above


def test_the_documents_own_title_is_no_section_heading() -> None:
    from assistant.ingest.chunking import section_above

    cover = "THE DHS STRATEGIC PLAN Fiscal Years 2020-2024\n\nTable of contents"
    page = f"{cover}\n\nGoal 1. Counter terrorism and homeland security threats .... 10"
    assert section_above(page, "Goal 1. Counter terrorism", cover) == ""
