"""The Gradio page: chat with the reports, see and check every source, manage the library.

`create_app(assistant)` builds the page around the same `Assistant` the CLI uses; `launch` serves
it (127.0.0.1 by default, optional login, upload size limit, a queue so a burst of users waits
instead of crashing the model). The events call ui.handlers; this module only lays things out.
Nothing about the library (document names, publishers) is written into the page itself: the
filters and the documents table are filled when a (logged-in) session loads the page. What
the server exposes is decided in ui/security.py.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.core import Assistant
from ui import handlers
from ui.security import LoginGuard, add_document_route

EXAMPLES = [
    "How many valid AI invention patents did China hold at the end of 2023?",
    "What share of the national demonstration factories use AI and digital twins?",
    "How much private AI investment did the United States attract in 2023?",
    "What is the maximum fine for prohibited AI practices under the EU AI Act?",
]
CSS = """
.sources mark { background: #ffe36e; }
.citation { border: 1px solid #ddd; border-radius: 6px; padding: 6px; margin: 6px 0; }
.citation summary { cursor: pointer; }
.citation .snippet { color: #555; font-size: 0.9em; }
.citation .chunk { white-space: pre-wrap; margin: 6px 0; font-size: 0.9em; }
.numbers tr.verified td:nth-child(2) { color: #1a7f37; }
.numbers tr.unverified td:nth-child(2) { color: #c62828; font-weight: bold; }
"""
FILE_TYPES = [".pdf", ".html", ".htm", ".md", ".markdown", ".txt", ".docx"]


def create_app(assistant: Assistant, max_upload_mb: int = 50) -> gr.Blocks:
    upload_dir = assistant.settings.data_dir / "uploads"
    # Gradio's own copies of uploads are deleted hourly once they are an hour old.
    with gr.Blocks(title="Policy Assistant", delete_cache=(3600, 3600)) as app:
        gr.Markdown(
            "## Policy Assistant\nAnswers from your reports; every figure is checked "
            "against the page it cites."
        )
        with gr.Tab("Chat"):
            filters = _chat_tab(assistant)
        with gr.Tab("Library"):
            table, target = _library_tab(assistant, upload_dir, max_upload_mb)
        app.load(lambda: _library_state(assistant), None, [*filters, table, target])
    return app


def _library_state(assistant: Assistant) -> list:  # type: ignore[type-arg]
    docs, publishers, years = handlers.choices(assistant)
    return [
        gr.update(choices=docs),
        gr.update(choices=publishers),
        gr.update(choices=years),
        handlers.library_rows(assistant),
        gr.update(choices=docs),
    ]


def _chat_tab(assistant: Assistant) -> tuple[gr.Dropdown, gr.Dropdown, gr.Dropdown]:
    conversation = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat")
            question = gr.Textbox(
                label="Question", placeholder="Ask about the reports…", elem_id="question"
            )
            with gr.Row():
                ask = gr.Button("Ask", variant="primary", elem_id="ask")
                clear = gr.Button("New conversation")
            gr.Examples(EXAMPLES, inputs=question, label="Try")
            with gr.Accordion("Filters", open=False):
                f_docs = gr.Dropdown([], multiselect=True, label="Documents")
                f_pubs = gr.Dropdown([], multiselect=True, label="Publishers")
                f_years = gr.Dropdown([], multiselect=True, label="Years")
        with gr.Column(scale=2):
            status = gr.Markdown(elem_id="status")
            sources = gr.HTML(elem_id="sources")

    def respond(q, history, conv, d, p, y):  # type: ignore[no-untyped-def]
        filters = handlers.filters_from(d, p, y)
        yield from handlers.respond(assistant, q, history or [], conv, filters)

    inputs = [question, chat, conversation, f_docs, f_pubs, f_years]
    outputs = [chat, conversation, sources, status]
    for trigger in (ask.click, question.submit):
        trigger(respond, inputs, outputs, concurrency_id="model", concurrency_limit=1).then(
            lambda: "", None, question
        )
    clear.click(lambda: ([], None, "", ""), None, outputs)
    return f_docs, f_pubs, f_years


def _library_tab(
    assistant: Assistant, upload_dir: Path, max_upload_mb: int
) -> tuple[gr.Dataframe, gr.Dropdown]:
    files = gr.File(
        label=f"Add reports (PDF, HTML, Markdown, text, DOCX; up to {max_upload_mb} MB each)",
        file_count="multiple",
        file_types=FILE_TYPES,
        elem_id="upload",
    )
    add = gr.Button("Index these files", variant="primary", elem_id="index")
    message = gr.Markdown(elem_id="library-message")
    table = gr.Dataframe(
        [],
        headers=handlers.LIBRARY_COLUMNS,
        label="Indexed documents",
        interactive=False,
    )
    with gr.Row():
        target = gr.Dropdown([], label="Document to remove")
        remove = gr.Button("Remove", variant="stop")
    max_bytes = max_upload_mb * 2**20

    def index(paths, progress=gr.Progress()):  # type: ignore[no-untyped-def]  # noqa: B008
        total = len(paths or [])
        done = iter(range(1, total + 1))
        progress(0, desc="Indexing…")
        on_file = lambda path: progress(next(done) / total, desc=f"Indexing {path.name}")  # noqa: E731
        return handlers.upload(assistant, paths, upload_dir, max_bytes, on_file)

    add.click(index, files, [message, table], concurrency_id="library", concurrency_limit=1).then(
        lambda: gr.update(choices=handlers.choices(assistant)[0]), None, target
    )
    remove.click(
        lambda s: handlers.remove(assistant, s),
        target,
        [message, table],
        concurrency_id="library",
        concurrency_limit=1,
    )
    return table, target


def launch(
    app: gr.Blocks,
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    max_upload_mb: int = 50,
    block: bool = True,
) -> None:
    app.queue(max_size=64, default_concurrency_limit=1).launch(
        server_name=host,
        server_port=port,
        auth=LoginGuard(*auth).check if auth else None,
        max_file_size=f"{max_upload_mb}mb",
        css=CSS,
        prevent_thread_lock=True,
        quiet=True,
        footer_links=[],
    )
    add_document_route(app.server_app, assistant)
    print(f"Serving on http://{host}:{port} (Ctrl-C stops)", flush=True)  # every route is up
    if block:
        app.block_thread()
