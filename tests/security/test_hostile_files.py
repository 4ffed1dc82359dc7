"""Hostile and damaged files: each fails (or warns) by name with its reason, within memory and
time ceilings, and the good file beside it is still indexed. Real parsers, real store."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from assistant.errors import StoreBusyError
from assistant.lock import writer_lock
from tests.conftest import CORPUS, shared_reports
from tests.security.hostile import docx_bomb, pdf_stream_bomb, truncated

GOOD = "itu-facts-and-figures-2023.md"


def ingest_beside_good(tmp_path: Path, bad: Path, **settings: object):  # type: ignore[no-untyped-def]
    shutil.copy(CORPUS / GOOD, bad.parent / GOOD)
    assistant = Assistant(Settings(data_dir=tmp_path / "store", **settings))
    report = assistant.ingest([bad.parent])
    failed = {Path(f.path).name: f.reason for f in report.failed}
    indexed = {d.source for d in assistant.documents()}
    return report, failed, indexed


def folder(tmp_path: Path) -> Path:
    path = tmp_path / "drop"
    path.mkdir()
    return path


def test_docx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = docx_bomb(folder(tmp_path) / "bomb.docx", unpacked_mb=200)
    assert bomb.stat().st_size < 2 * 2**20
    started = time.perf_counter()
    _, failed, indexed = ingest_beside_good(tmp_path, bomb)
    assert "ZIP bomb" in failed["bomb.docx"] and GOOD in indexed
    assert time.perf_counter() - started < 60


def test_pdf_stream_bomb_is_stopped_by_the_parser_ceiling(tmp_path: Path) -> None:
    bomb = pdf_stream_bomb(folder(tmp_path) / "bomb.pdf", unpacked_mb=300)
    _, failed, indexed = ingest_beside_good(tmp_path, bomb, parse_memory_mb=512, parse_seconds=20)
    reason = failed["bomb.pdf"]
    assert "limit" in reason or "memory" in reason, reason
    assert GOOD in indexed


def test_deeply_nested_html_is_refused(tmp_path: Path) -> None:
    page = folder(tmp_path) / "deep.html"
    page.write_text("<div>" * 5000 + "deep" + "</div>" * 5000)
    _, failed, indexed = ingest_beside_good(tmp_path, page)
    assert "nested 5000 elements deep" in failed["deep.html"] and GOOD in indexed


def test_too_many_pages_and_too_large_files_are_refused(tmp_path: Path) -> None:
    drop = folder(tmp_path)
    shutil.copy(CORPUS / "eu-ai-act-2024.pdf", drop / "act.pdf")
    big = drop / "big.txt"
    big.write_text("word " * 400_000)  # about 2 MB
    _, failed, indexed = ingest_beside_good(tmp_path, big, max_pages=2, max_file_mb=1)
    assert "more than the 2-page limit" in failed["act.pdf"]
    assert "larger than the 1 MB limit" in failed["big.txt"] and GOOD in indexed


def test_truncated_pdf_is_indexed_with_a_warning_naming_what_is_lost(tmp_path: Path) -> None:
    original = shared_reports() / "NARA2022.pdf"
    cut = truncated(original, folder(tmp_path) / "cut.pdf", keep=0.5)
    report, failed, indexed = ingest_beside_good(tmp_path, cut)
    warned = {Path(w.path).name: w.reason for w in report.warnings}
    assert "cut.pdf" in failed or "damaged PDF" in warned.get("cut.pdf", ""), (failed, warned)
    assert GOOD in indexed


def test_invisible_characters_are_removed_at_ingest(tmp_path: Path) -> None:
    drop = folder(tmp_path)
    (drop / "hidden.txt").write_text(
        "Broadband\u200b reached 77\u2060 percent of rural homes.\u202e evil \u202c Done.\ufeff"
    )
    assistant = Assistant(Settings(data_dir=tmp_path / "store"))
    assistant.ingest([drop])
    text = " ".join(c.text for c in assistant.store.iter_chunks())
    assert "77 percent" in text
    assert not any(ch in text for ch in "\u200b\u2060\u202e\u202c\ufeff")


def test_a_second_writer_is_told_the_library_is_busy(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path / "store"))
    drop = folder(tmp_path)
    shutil.copy(CORPUS / GOOD, drop / GOOD)
    with writer_lock(tmp_path / "store"), pytest.raises(StoreBusyError, match="being written"):
        assistant.ingest([drop])
    assert assistant.ingest([drop]).added == 1  # once the other writer is done
