"""What the web server exposes, and to whom.

- Files: one route of our own, `/document/{doc_id}`, serves the PDF of an indexed document and
  nothing else. The id is looked up in the catalogue; the file must still be a PDF (magic
  bytes), it is sent as `application/pdf` with `nosniff`, and no folder is handed to Gradio's
  `allowed_paths`, so no other file on the disk (a `.env` beside a report, the store, an
  uploaded HTML page) can be fetched through the app.
- Login: with `--auth`, the route checks the same session cookie Gradio's login sets; failed
  logins are rate-limited per user name (`LoginGuard`).
- Network: `assistant serve` refuses a non-loopback address without a login (cli.py).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections import deque
from pathlib import Path

import fastapi
from fastapi.responses import FileResponse, PlainTextResponse

from assistant.core import Assistant

DOCUMENT_ROUTE = "/document/"
_PDF_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


class LoginGuard:
    """Login checks for Gradio's `auth` (pass `guard.check`): compares in constant time, and
    after `attempts` failures for a user name within `window` seconds refuses that name (even
    the right password) until the window has passed, with a delay on every failure.

    `check` is a coroutine function, not an object with an async `__call__`: Gradio awaits
    the result only when `inspect.iscoroutinefunction(auth)` says so, and would otherwise take
    the (truthy) coroutine object as a successful login."""

    def __init__(
        self, user: str, password: str, attempts: int = 5, window: float = 60.0, delay: float = 1.0
    ) -> None:
        self.user, self.password = user, password
        self.attempts, self.window, self.delay = attempts, window, delay
        self._failures: dict[str, deque[float]] = {}

    def locked(self, user: str) -> bool:
        recent = self._failures.setdefault(user, deque())
        while recent and recent[0] < time.monotonic() - self.window:
            recent.popleft()
        return len(recent) >= self.attempts

    async def check(self, user: str, password: str) -> bool:
        if self.locked(user):
            await asyncio.sleep(self.delay)
            return False
        ok = hmac.compare_digest(user.encode(), self.user.encode()) and hmac.compare_digest(
            password.encode(), self.password.encode()
        )
        if not ok:
            self._failures[user].append(time.monotonic())
            await asyncio.sleep(self.delay)
        return ok


def logged_in(app: fastapi.FastAPI, request: fastapi.Request) -> bool:
    """Does the request carry a session of Gradio's login (or is there no login)?"""
    if getattr(app, "auth", None) is None:
        return True
    cookie = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie}") or request.cookies.get(
        f"access-token-unsecure-{cookie}"
    )
    return token is not None and token in getattr(app, "tokens", {})


def pdf_path(assistant: Assistant, doc_id: str) -> Path | None:
    """The file of an indexed PDF document, if it still is one."""
    record = next((r for r in assistant.documents() if r.doc_id == doc_id), None)
    if record is None or not record.source.lower().endswith(".pdf") or not record.path:
        return None
    path = Path(record.path)
    try:
        with path.open("rb") as fh:
            return path if fh.read(5) == b"%PDF-" else None
    except OSError:
        return None


def add_document_route(app: fastapi.FastAPI, assistant: Assistant) -> None:
    @app.get(DOCUMENT_ROUTE + "{doc_id}")
    def document(doc_id: str, request: fastapi.Request):  # type: ignore[no-untyped-def]
        if not logged_in(app, request):
            return PlainTextResponse("login required", status_code=401)
        path = pdf_path(assistant, doc_id)
        if path is None:
            return PlainTextResponse("no such document", status_code=404)
        return FileResponse(
            path,
            media_type="application/pdf",
            headers={**_PDF_HEADERS, "Content-Disposition": f'inline; filename="{doc_id}.pdf"'},
        )
