"""Probes against a real `assistant serve`: what the server hands out, to whom.

A library folder holds a report, a secrets file beside it, private notes in a sub-folder, an
HTML page, and the data directory itself: the worst place a user could keep them. Only the
report's PDF may be served, only through /document/<id>, and with a login only after login.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import Settings
from assistant.core import Assistant
from tests.conftest import CORPUS

SECRET = "API_KEY=s3cr3t-do-not-leak"
HTML_PAGE = (
    "<html><body><p>Broadband reached 77 percent.</p><script>alert(1)</script></body></html>"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with a report and things that must never be served; its data dir inside."""
    folder = tmp_path / "home"
    (folder / "private").mkdir(parents=True)
    shutil.copy(CORPUS / "eu-ai-act-2024.pdf", folder / "report.pdf")
    (folder / ".env").write_text(SECRET)
    (folder / "private" / "notes.txt").write_text(SECRET)
    (folder / "page.html").write_text(HTML_PAGE)
    data = folder / "data"
    assistant = Assistant(Settings(data_dir=data))
    report = assistant.ingest([folder / "report.pdf", folder / "page.html"])
    assert report.added == 2
    return data, {d.source: d.doc_id for d in assistant.documents()}


@contextmanager
def serve(data: Path, *extra: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), *extra]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()
    deadline = time.time() + 120
    while True:  # the server says "Serving on" once every route, ours included, is up
        assert time.time() < deadline and proc.poll() is None, "the server did not start"
        try:
            if lines.get(timeout=1).startswith("Serving on"):
                break
        except queue.Empty:
            continue
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def server(library: tuple[Path, dict[str, str]]) -> Iterator[str]:
    with serve(library[0]) as url:
        yield url


@pytest.fixture
def locked_server(library: tuple[Path, dict[str, str]]) -> Iterator[str]:
    with serve(library[0], "--auth", "alice:correct-horse") as url:
        yield url


def file_route(base: str, path: Path | str) -> str:
    return f"{base}/gradio_api/file={urllib.parse.quote(str(path))}"


def test_nothing_but_the_cited_pdf_can_be_fetched(server: str, library, tmp_path: Path) -> None:
    data, ids = library
    home = data.parent
    for target in (
        home / ".env",
        home / "private" / "notes.txt",
        home / "page.html",
        home / "report.pdf",
        data / "chroma" / "chroma.sqlite3",
        "/etc/passwd",
    ):
        status, _, body = get(file_route(server, target))
        assert status != 200 or (SECRET.encode() not in body and b"root:" not in body), target
        assert b"SQLite format" not in body and b"<script>" not in body
    status, headers, body = get(f"{server}/document/{ids['report.pdf']}")
    assert status == 200 and body.startswith(b"%PDF")
    assert headers["content-type"] == "application/pdf"
    assert headers["x-content-type-options"] == "nosniff"
    for doc in (ids["page.html"], "..%2F..%2Fetc%2Fpasswd", "missing"):
        assert get(f"{server}/document/{doc}")[0] == 404


def test_with_a_login_nothing_about_the_library_shows_before_it(
    locked_server: str, library
) -> None:
    _, ids = library
    body = get(locked_server + "/")[2]
    assert b"report.pdf" not in body and b"European Union" not in body
    assert get(f"{locked_server}/document/{ids['report.pdf']}")[0] == 401
    assert get(f"{locked_server}/config")[0] == 401


def test_failed_logins_lock_the_user_name_for_a_while(locked_server: str) -> None:
    def login(password: str) -> int:
        form = urllib.parse.urlencode({"username": "alice", "password": password}).encode()
        return get(f"{locked_server}/login", form)[0]

    assert [login(f"guess-{i}") for i in range(5)] == [400] * 5
    assert login("correct-horse") == 400  # locked even with the right password


def test_listening_beyond_loopback_needs_a_login(tmp_path: Path, capsys) -> None:
    code = main(["--data-dir", str(tmp_path), "serve", "--host", "0.0.0.0"])
    assert code == 2
    assert "refusing to serve on 0.0.0.0 without a login" in capsys.readouterr().err
