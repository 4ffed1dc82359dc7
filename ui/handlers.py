"""What the web page's events do, as plain functions of plain values.

Kept apart from the layout in app.py so each can be tested without a browser. Every function
takes the shared Assistant explicitly; per-user state (the conversation) is passed in and out,
so two browser sessions never share a conversation.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.chat import Conversation
from assistant.core import Assistant
from assistant.errors import AssistantError
from assistant.types import Answer, Filters
from ui import render

Message = dict[str, str]
LIBRARY_COLUMNS = ["title", "file", "publisher", "year", "pages", "chunks", "added"]


MAX_NAME = 120


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder or hide itself, and that no other
    upload name maps to: when characters had to be replaced or the name shortened, a short
    hash of the original name is added, and the extension is always kept."""
    base = re.split(r"[\\/]", name)[-1]
    clean = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    if not clean.strip("_"):
        clean = "upload"
    stem, dot, ext = clean.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,8}", ext):
        stem, ext = clean, ""
    suffix = f".{ext}" if ext else ""
    if clean == base and len(clean) <= MAX_NAME:
        return clean
    tag = hashlib.sha256(base.encode()).hexdigest()[:8]
    return f"{stem[: MAX_NAME - len(suffix) - 9]}-{tag}{suffix}"


def filters_from(
    sources: list[str] | None, publishers: list[str] | None, years: list[str] | None
) -> Filters:
    return Filters(
        tuple(sources or ()), tuple(publishers or ()), tuple(int(y) for y in years or ())
    )


def respond(
    assistant: Assistant,
    question: str,
    history: list[Message],
    conversation: Conversation | None,
    filters: Filters,
) -> Iterator[tuple[list[Message], Conversation, str, str]]:
    """Stream (chat history, conversation, sources HTML, status) while the answer is made."""
    conversation = conversation if conversation is not None else Conversation()
    history = [
        *history,
        {"role": "user", "content": render.escape_markdown(question)},
        {"role": "assistant", "content": ""},
    ]
    if not question.strip():
        history[-1]["content"] = "Please type a question."
        yield history, conversation, "", ""
        return
    shown = ""
    yield history, conversation, "", "Answering…"
    try:
        for item in assistant.ask_stream(question, conversation, filters):
            if isinstance(item, Answer):
                history[-1]["content"] = final_message(item)
                yield history, conversation, sources_for(item), render.status_line(item)
                return
            shown += item
            history[-1]["content"] = render.escape_markdown(shown)
            yield history, conversation, "", "Answering…"
    except AssistantError as exc:
        history[-1]["content"] = f"⚠️ {render.escape_markdown(str(exc))}"
        yield history, conversation, "", f"Error: {exc}"


def final_message(answer: Answer) -> str:
    marks = render.figure_marks(answer)
    text = render.escape_markdown(answer.text)
    return f"{text}\n\n{marks}" if marks else text


def sources_for(answer: Answer) -> str:
    return render.sources_html(answer)


def library_rows(assistant: Assistant) -> list[list[object]]:
    return [
        [d.title, d.source, d.publisher, d.year or "", d.pages or "", d.chunks, d.added]
        for d in assistant.documents()
    ]


def choices(assistant: Assistant) -> tuple[list[str], list[str], list[str]]:
    docs = assistant.documents()
    return (
        sorted({d.source for d in docs}),
        sorted({d.publisher for d in docs if d.publisher}),
        sorted({str(d.year) for d in docs if d.year}),
    )


def upload(
    assistant: Assistant,
    files: list[str] | None,
    upload_dir: Path,
    max_bytes: int,
    on_file: Callable[[Path], object] | None = None,
) -> tuple[str, list[list[object]]]:
    """Copy uploads under safe names into the upload folder and ingest them."""
    if not files:
        return "Choose one or more files first.", library_rows(assistant)
    upload_dir.mkdir(parents=True, exist_ok=True)
    accepted, rejected = [], []
    for tmp in files:
        src = Path(tmp)
        name = safe_name(src.name)
        if src.stat().st_size > max_bytes:
            rejected.append(f"{name}: not indexed, larger than the {_size(max_bytes)} limit")
            continue
        dest = upload_dir / name
        shutil.copyfile(src, dest)
        src.unlink(missing_ok=True)  # Gradio's copy of the upload is not kept
        accepted.append(dest)
    report = assistant.ingest(accepted, progress=on_file) if accepted else None
    if report:
        rejected += [f"{Path(f.path).name}: not indexed, {f.reason}" for f in report.failed]
        indexed = {d.path for d in assistant.documents()}
        for f in report.failed:  # a file that cannot be indexed is not kept, unless an
            if str(Path(f.path).resolve()) not in indexed:  # earlier version is indexed
                Path(f.path).unlink(missing_ok=True)
        rejected += [f"{Path(f.path).name}: indexed, but {f.reason}" for f in report.warnings]
    return upload_message(report, rejected), library_rows(assistant)


def _size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 2**10:g} KB"


def upload_message(report, rejected: list[str]) -> str:  # type: ignore[no-untyped-def]
    lines = []
    if report:
        lines.append(
            f"Indexed {report.added} new and {report.updated} changed file(s) "
            f"({report.chunks_added} chunks); {report.skipped} unchanged."
        )
    lines += [f"- {render.escape_markdown(r)}" for r in rejected]
    return "\n".join(lines)


def remove(assistant: Assistant, source: str | None) -> tuple[str, list[list[object]]]:
    matches = [d for d in assistant.documents() if d.source == source]
    for d in matches:
        assistant.remove(d.doc_id)
    message = f"Removed {source}." if matches else "Choose a document to remove."
    return message, library_rows(assistant)
