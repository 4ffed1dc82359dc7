"""Document text is shown as text: no markup from a document reaches the page as markup, and the
page makes no request to any host but the app's. Real `assistant serve`, real Chromium.

Each document type carries a Markdown image, a bare URL and an HTML image pointing at a
tracking server on loopback; the answers and their sources show that text. The browser must
never fetch it, and the chat must hold no link or image built from it.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from tests.conftest import CHROMIUM, launch_chromium
from tests.security.test_server import _free_port, serve

SUBJECTS = {  # document type → (subject of its figure, question)
    "txt": ("rural homes", "What share of rural homes had broadband in 2024?"),
    "html": ("public schools", "What share of public schools had broadband in 2024?"),
    "docx": ("public libraries", "What share of public libraries had broadband in 2024?"),
    "pdf": ("health clinics", "What share of health clinics had broadband in 2024?"),
}


class Tracker(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Tracker.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tracker() -> Iterator[str]:
    Tracker.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", _free_port()), Tracker)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def sentence(kind: str, track: str) -> str:
    subject = SUBJECTS[kind][0]
    return (
        f"Broadband reached 7{len(kind)} percent of {subject} in 2024 ![t]({track}/{kind}.png) "
        f"see {track}/{kind}-link and <img src={track}/{kind}-img.png> for details."
    )


def write_documents(folder: Path, track: str) -> None:
    import docx
    from fpdf import FPDF

    folder.mkdir()
    (folder / "note.txt").write_text(f"Network note\n\n{sentence('txt', track)}\n")
    escaped = sentence("html", track).replace("<", "&lt;").replace(">", "&gt;")
    (folder / "page.html").write_text(f"<html><body><p>{escaped}</p></body></html>")
    document = docx.Document()
    document.add_paragraph(sentence("docx", track))
    document.save(str(folder / "memo.docx"))
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, sentence("pdf", track))
    pdf.output(str(folder / "brief.pdf"))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_document_markup_never_renders_and_the_page_calls_no_other_host(
    tmp_path: Path, tracker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import sync_playwright

    write_documents(tmp_path / "docs", tracker)
    data = tmp_path / "data"
    assert Assistant(Settings(data_dir=data)).ingest([tmp_path / "docs"]).added == 4
    monkeypatch.setenv("ASSISTANT_BACKEND", "llamacpp")
    outside: list[str] = []
    with serve(data) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        app_host = urllib.parse.urlparse(base).netloc

        def watch(request) -> None:  # type: ignore[no-untyped-def]
            if urllib.parse.urlparse(request.url).netloc not in (app_host, ""):
                outside.append(request.url)

        page.on("request", watch)
        page.goto(base)
        for kind, (_, question) in SUBJECTS.items():
            ask_and_check(page, question, f"7{len(kind)} percent", tracker)
        page.wait_for_timeout(1000)
        browser.close()
    assert not outside and not Tracker.hits, (outside, Tracker.hits)


def ask_and_check(page, question: str, figure: str, tracker: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.fill("#question textarea", question)
    page.click("#ask")
    expect(page.locator("#chat")).to_contain_text(figure, timeout=120_000)
    expect(page.locator("#status")).to_contain_text("Answered", timeout=120_000)
    page.locator("#sources summary").first.click()
    built = page.locator("#chat a, #chat img, #sources a, #sources img").evaluate_all(
        "els => els.map(e => (e.href || '') + ' ' + (e.src || ''))"
    )
    assert not any(tracker in b for b in built), built
