"""The web UI: handlers called directly, then the real page in headless Chromium.

The browser test starts `assistant serve` as a user would (its own data directory, the embedded
model), uploads files through the page, asks a question and a follow-up, opens a citation, and
checks that a report containing <script> cannot run code in the page. It saves a screenshot to
docs/screenshot.png, the one the README shows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from assistant.types import Answer, Filters
from tests.conftest import CHROMIUM, CORPUS, ROOT, launch_chromium
from ui import handlers

SCRIPT_REPORT = (
    "Regional broadband note\n\n<script>window.__pwned = true</script> The Ministry of Examples "
    "reported that broadband reached 77 percent of rural homes in 2024.\n"
)


def test_safe_name_stays_in_the_upload_folder() -> None:
    assert handlers.safe_name("../../etc/passwd") == "passwd"
    assert handlers.safe_name("..\\..\\boot.ini") == "boot.ini"
    assert handlers.safe_name("<img onerror=x>.pdf").startswith("_img onerror_x_-")
    assert handlers.safe_name("...").startswith("upload")


def test_upload_names_rejected_files_and_indexes_the_rest(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path / "data", backend="llamacpp"))
    good = tmp_path / "itu.md"
    good.write_text((CORPUS / "itu-facts-and-figures-2023.md").read_text())
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    big = tmp_path / "big.txt"
    big.write_text("x" * 4096)
    message, rows = handlers.upload(
        assistant, [str(good), str(bad), str(big)], tmp_path / "uploads", max_bytes=2000
    )
    assert "Indexed 1 new" in message
    shown = message.replace("\\", "")  # the message is Markdown with its punctuation escaped
    assert "broken.pdf: not indexed, corrupt" in shown
    assert "big.txt: not indexed, larger than" in shown
    assert [r[1] for r in rows] == ["itu.md"]
    message, rows = handlers.remove(assistant, "itu.md")
    assert message == "Removed itu.md." and rows == []


def test_respond_streams_then_shows_sources(corpus_assistant) -> None:
    steps = list(
        handlers.respond(
            corpus_assistant,
            "How many valid AI invention patents did China hold at the end of 2023?",
            [],
            None,
            Filters(),
        )
    )
    history, conversation, sources, status = steps[-1]
    assert history[0]["role"] == "user" and "378\\,000" in history[1]["content"]
    assert "✓" in history[1]["content"]
    assert "china-internet-development-report-2024.md" in sources and "<mark>" in sources
    assert status.startswith("Answered") and conversation.turns


def test_the_status_line_says_how_the_question_was_read() -> None:
    """A follow-up rewritten to stand alone, or a fiscal quarter given its dates, is shown as
    read, escaped like everything else on the page."""
    from markdown_it import MarkdownIt

    from ui.render import status_line

    read = "What was *revenue* in the second quarter of fiscal 2024 (three months ended July 30)?"
    answer = Answer(
        "What was *revenue* in the second quarter of fiscal 2024?",
        read,
        "",
        (),
        (),
        "llamacpp",
        "m",
    )
    html = MarkdownIt("commonmark").render(status_line(answer))
    assert "read as: What was *revenue*" in html and "<em>" not in html
    assert "read as" not in status_line(replace(answer, standalone_question=answer.question))


def test_respond_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    empty = Assistant(Settings(data_dir=tmp_path / "empty", backend="llamacpp"))
    *_, (history, _, _, status) = handlers.respond(empty, "How many?", [], None, Filters())
    assert "nothing is indexed yet" in history[-1]["content"] and status.startswith("Error")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "--backend",
            "llamacpp",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_browser_upload_ask_follow_up_and_citation(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    script_report = tmp_path / "script-report.txt"
    script_report.write_text(SCRIPT_REPORT)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        page.get_by_role("tab", name="Library").click()
        page.set_input_files(
            "#upload input[type=file]",
            [str(CORPUS / "ai-index-report-2024.pdf"), str(script_report)],
        )
        page.click("#index")
        expect(page.locator("#library-message")).to_contain_text("Indexed 2 new", timeout=120_000)

        page.get_by_role("tab", name="Chat").click()
        ask(page, "How much private AI investment did the United States attract in 2023?")
        expect(page.locator("#chat")).to_contain_text("$67.2 billion")
        expect(page.locator("#sources")).to_contain_text("ai-index-report-2024.pdf, page 2")
        page.locator("#sources summary").first.click()
        expect(page.locator("#sources .chunk mark").first).to_be_visible()
        link = page.locator("#sources a", has_text="open the PDF at this page").first
        href = link.get_attribute("href")
        assert href.startswith("/document/") and href.endswith("#page=2")
        opened = page.request.get(server.rstrip("/") + href.split("#")[0])
        assert opened.ok and opened.headers["content-type"] == "application/pdf"

        ask(page, "And China?")
        expect(page.locator("#chat")).to_contain_text("$7.8 billion", timeout=120_000)

        ask(page, "What share of rural homes had broadband in 2024 according to the Ministry?")
        expect(page.locator("#chat")).to_contain_text("77 percent")
        expect(page.locator("#sources")).to_contain_text("<script>window.__pwned = true</script>")
        assert page.evaluate("window.__pwned") is None
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)
        browser.close()


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.fill("#question textarea", question)
    page.click("#ask")
    # The answer to this question is in when text follows its last mention in the chat (an
    # answer that needs no model call comes too fast to catch the "Answering…" status).
    page.wait_for_function(
        "q => { const t = document.querySelector('#chat').innerText; const i = t.lastIndexOf(q);"
        " return i >= 0 && t.slice(i + q.length).trim().length > 0; }",
        arg=question,
        polling=200,
        timeout=120_000,
    )
    expect(page.locator("#status")).to_contain_text("Answered", timeout=120_000)
