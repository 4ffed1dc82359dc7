"""The `assistant` command as a user runs it: real store, real embedding and language models."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import CORPUS


def run_cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "reports"
    f.mkdir()
    shutil.copy(CORPUS / "china-internet-development-report-2024.md", f)
    shutil.copy(CORPUS / "eu-ai-act-2024.pdf", f)
    return f


def test_errors_are_one_line_messages_not_tracebacks(tmp_path: Path) -> None:
    result = run_cli("ask", "How many patents?", data=tmp_path / "empty")
    assert result.returncode == 2
    assert "nothing is indexed yet" in result.stderr and "Traceback" not in result.stderr
    down = run_cli(
        "--backend",
        "ollama",
        "--ollama-url",
        "http://127.0.0.1:9",
        "ask",
        "x",
        data=tmp_path / "empty",
    )
    assert down.returncode == 2 and "Traceback" not in down.stderr
    server = run_cli("--chroma-url", "http://127.0.0.1:9", "sources", data=tmp_path / "empty")
    assert server.returncode == 2 and "cannot reach the Chroma server" in server.stderr


def test_ingest_json_twice_then_sources(folder: Path, capsys: pytest.CaptureFixture) -> None:
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    assert main(["ingest", str(folder), "--json"]) == 1
    first = json.loads(capsys.readouterr().out)
    assert first["added"] == 2 and first["chunks_added"] > 0
    assert [Path(f["path"]).name for f in first["failed"]] == ["broken.pdf"]
    assert "corrupt" in first["failed"][0]["reason"]
    (folder / "broken.pdf").unlink()
    assert main(["ingest", str(folder), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["added"], second["skipped"], second["chunks_added"]) == (0, 2, 0)
    assert main(["sources"]) == 0
    listing = capsys.readouterr().out
    assert "eu-ai-act-2024.pdf" in listing and "3 pages" in listing and "2 documents" in listing


def test_ask_json_gives_a_verified_cited_figure(folder: Path, capsys) -> None:
    main(["ingest", str(folder), "--json"])
    capsys.readouterr()
    q = "What is the maximum fixed fine for prohibited AI practices under the EU AI Act?"
    assert main(["--backend", "llamacpp", "ask", q, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "35 million euros" in out["answer"]
    assert out["backend"] == "llamacpp" and out["model"] == "qwen2.5-coder-0.5b"
    assert {c["source"] for c in out["citations"]} == {"eu-ai-act-2024.pdf"}
    assert all(c["page"] == 3 for c in out["citations"])
    assert out["numbers"] and all(n["verified"] for n in out["numbers"])
    assert "first_token_s" in out["timings"]


def test_ask_streams_then_lists_sources_and_checks(folder: Path, capsys) -> None:
    main(["ingest", str(folder), "--json"])
    capsys.readouterr()
    assert (
        main(
            [
                "--backend",
                "llamacpp",
                "ask",
                "How many valid AI invention patents did China hold at the end of 2023?",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "378,000" in out
    assert "Sources:" in out and "china-internet-development-report-2024.md" in out
    assert "Number check:" in out and "378,000: verified" in out


def test_config_shows_effective_settings(tmp_path: Path, capsys, monkeypatch) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text("top_k = 7\n")
    monkeypatch.setenv("ASSISTANT_RELEVANCE_FLOOR", "0.4")
    assert main(["--config", str(toml), "config", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["top_k"] == "7" and shown["relevance_floor"] == "0.4"
    assert shown["data_dir"] == os.environ["ASSISTANT_DATA_DIR"]
