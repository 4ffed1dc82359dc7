"""The Ollama backend against a loopback server that replays Ollama's HTTP API.

Ollama itself cannot be installed here, so `OllamaReplay` serves the real protocol: GET /api/tags
(the installed models) and POST /api/chat answered as streamed NDJSON, with a 404 and Ollama's
error body for a model that is not pulled. The responses are shaped as a real Ollama 0.x sends
them; the test drives it through the official `ollama` client, unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assistant.config import Settings
from assistant.errors import BackendUnavailableError
from assistant.llm import LlamaCppGenerator, OllamaGenerator, select_backend

MODEL = "qwen2.5-coder:0.5b"
REPLY = ["China held ", "378,000 valid AI ", "invention patents at the end of 2023 [1]."]


class OllamaReplay(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path != "/api/tags":
            return self._json(404, {"error": "not found"})
        details = {
            "format": "gguf",
            "family": "qwen2",
            "parameter_size": "494.03M",
            "quantization_level": "Q4_K_M",
            "parent_model": "",
            "families": ["qwen2"],
        }
        self._json(
            200,
            {
                "models": [
                    {
                        "name": MODEL,
                        "model": MODEL,
                        "size": 397821319,
                        "modified_at": "2026-11-20T10:00:00.000000000Z",
                        "digest": "a" * 64,
                        "details": details,
                    }
                ]
            },
        )

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        OllamaReplay.requests.append(body)
        if self.path != "/api/chat":
            return self._json(404, {"error": "not found"})
        if body["model"] != MODEL:
            return self._json(
                404, {"error": f'model "{body["model"]}" not found, try pulling it first'}
            )
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for line in self._lines(body["model"]):
            data = (json.dumps(line) + "\n").encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def _lines(self, model: str) -> Iterator[dict]:
        stamp = "2026-11-26T12:00:00.000000000Z"
        for piece in REPLY:
            yield {
                "model": model,
                "created_at": stamp,
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
        yield {
            "model": model,
            "created_at": stamp,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "total_duration": 912000000,
            "load_duration": 21000000,
            "prompt_eval_count": 211,
            "prompt_eval_duration": 640000000,
            "eval_count": 19,
            "eval_duration": 250000000,
        }


@pytest.fixture
def ollama_url() -> Iterator[str]:
    OllamaReplay.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), OllamaReplay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_auto_prefers_a_running_ollama_with_the_model(ollama_url: str) -> None:
    gen = select_backend(Settings(backend="auto", ollama_url=ollama_url))
    assert isinstance(gen, OllamaGenerator) and gen.model == MODEL


def test_streams_and_sends_context_size(ollama_url: str) -> None:
    gen = select_backend(Settings(backend="ollama", ollama_url=ollama_url, num_ctx=4096))
    pieces = list(gen.stream([{"role": "user", "content": "hi"}], max_tokens=64))
    assert pieces == REPLY
    sent = OllamaReplay.requests[-1]
    assert sent["stream"] is True
    assert sent["options"]["num_ctx"] == 4096 and sent["options"]["num_predict"] == 64


def test_whole_answer_through_ollama_is_checked(ollama_url: str, corpus_assistant) -> None:
    from assistant.core import Assistant

    settings = corpus_assistant.settings.model_copy(
        update={"backend": "ollama", "ollama_url": ollama_url}
    )
    answer = Assistant(settings).ask("How many valid AI invention patents did China hold in 2023?")
    assert (answer.backend, answer.model) == ("ollama", MODEL)
    assert "378,000" in answer.text and answer.numbers[0].verified
    prompt = OllamaReplay.requests[-1]["messages"][-1]["content"]
    assert "378,000" in prompt and "Source [1]" in prompt


def test_missing_model_names_the_pull_command(ollama_url: str) -> None:
    with pytest.raises(BackendUnavailableError, match=r"ollama pull llama3\.2"):
        select_backend(Settings(backend="ollama", ollama_url=ollama_url, model="llama3.2"))


def test_ollama_down(monkeypatch: pytest.MonkeyPatch) -> None:
    down = "http://127.0.0.1:9"
    with pytest.raises(BackendUnavailableError, match="not reachable"):
        select_backend(Settings(backend="ollama", ollama_url=down))
    gen = select_backend(Settings(backend="auto", ollama_url=down))
    assert isinstance(gen, LlamaCppGenerator) and gen.model == "qwen2.5-coder-0.5b"
