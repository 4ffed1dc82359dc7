"""The `assistant` command: parse arguments, call the Assistant, print. Nothing else lives here.

Library errors become one-line messages and exit status 2; a partly failed ingest exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.types import Answer, Filters, IngestReport

_GLOBAL_SETTINGS = ("data_dir", "library", "chroma_url", "backend", "model", "ollama_url", "top_k")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant",
        description="Ask questions about tech-policy reports; every figure is checked against "
        "its source page.",
    )
    p.add_argument("--data-dir", type=Path, help="where the store lives (ASSISTANT_DATA_DIR)")
    p.add_argument("--library", help="name of the library to use (ASSISTANT_LIBRARY)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument("--config", type=Path, help="a TOML settings file (ASSISTANT_CONFIG)")
    p.add_argument("--backend", choices=["auto", "ollama", "llamacpp"])
    p.add_argument("--model", help="model name (Ollama) or packaged name / GGUF path (llamacpp)")
    p.add_argument("--ollama-url", help="Ollama base URL (default http://127.0.0.1:11434)")
    p.add_argument("--top-k", type=int, help="chunks retrieved per question")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="add or update files and folders")
    ing.add_argument("paths", nargs="+", type=Path)
    ing.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    ing.add_argument("--json", action="store_true", help="print a JSON summary")

    ask = sub.add_parser("ask", help="ask one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _add_filters(ask)

    chat = sub.add_parser("chat", help="a conversation in the terminal, with follow-ups")
    _add_filters(chat)

    src = sub.add_parser("sources", help="list indexed documents")
    src.add_argument("--json", action="store_true")

    rm = sub.add_parser("remove", help="remove a document (file name or id) from the index")
    rm.add_argument("document")

    cfg = sub.add_parser("config", help="print the effective settings")
    cfg.add_argument("--json", action="store_true")

    srv = sub.add_parser("serve", help="the web UI (http://127.0.0.1:7860 by default)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    srv.add_argument("--port", type=int, default=7860)
    srv.add_argument("--auth", help="require a login, as user:password (ASSISTANT_UI_AUTH)")
    srv.add_argument("--max-upload-mb", type=int, help="largest upload accepted")
    srv.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow listening beyond this machine without a login (not recommended)",
    )

    from eval.cli import add_bench_parser, add_eval_parser

    add_eval_parser(sub)
    add_bench_parser(sub)
    return p


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", action="append", default=[], help="only this file (repeatable)")
    p.add_argument("--publisher", action="append", default=[], help="only this publisher")
    p.add_argument("--year", action="append", type=int, default=[], help="only this year")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(tuple(args.source), tuple(args.publisher), tuple(args.year))


def settings_from(args: argparse.Namespace) -> Settings:
    if args.config:
        import os

        os.environ["ASSISTANT_CONFIG"] = str(args.config)
    overrides = {
        k: getattr(args, k) for k in _GLOBAL_SETTINGS if getattr(args, k, None) is not None
    }
    return Settings(**overrides)


# --- commands ---------------------------------------------------------------------------------


def cmd_ingest(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    from assistant.ingest.pipeline import expand

    files, _ = expand(args.paths)
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=args.json) as bar:
        report = assistant.ingest(args.paths, prune=args.prune, progress=lambda _p: bar.update())
    if args.json:
        print(json.dumps(report_dict(report)))
    else:
        print(summary_line(report))
        for f in report.failed:
            print(f"  failed: {f.path}: {f.reason}", file=sys.stderr)
        for f in report.warnings:
            print(f"  warning: {f.path}: {f.reason}", file=sys.stderr)
    return 1 if report.failed else 0


def report_dict(report: IngestReport) -> dict:
    return {
        "added": report.added,
        "updated": report.updated,
        "skipped": report.skipped,
        "removed": report.removed,
        "chunks_added": report.chunks_added,
        "failed": [{"path": f.path, "reason": f.reason} for f in report.failed],
        "warnings": [{"path": f.path, "reason": f.reason} for f in report.warnings],
        "seconds": report.seconds,
    }


def summary_line(r: IngestReport) -> str:
    return (
        f"{r.added} added, {r.updated} updated, {r.skipped} unchanged, {r.removed} removed, "
        f"{len(r.failed)} failed; {r.chunks_added} chunks added in {r.seconds:.1f} s"
    )


def cmd_ask(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    if args.json:
        answer = assistant.ask(args.question, filters=filters_from(args))
        print(json.dumps(answer_dict(answer), ensure_ascii=False))
        return 0
    answer = stream_answer(assistant.ask_stream(args.question, filters=filters_from(args)))
    print_details(answer)
    return 0


def stream_answer(items) -> Answer:  # type: ignore[no-untyped-def]
    """Print checked pieces as they come; then whatever the final answer adds or replaces."""
    shown = ""
    for item in items:
        if isinstance(item, Answer):
            done = shown.strip()
            if done and item.text.startswith(done):
                print(item.text[len(done) :].rstrip(), flush=True)  # e.g. an added " [1]"
            else:
                print(f"{chr(10) * 2 if done else ''}{item.text}", flush=True)
            return item
        shown += item
        print(item, end="", flush=True)
    raise RuntimeError("no answer")


def print_details(answer: Answer) -> None:
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            page = f", page {c.chunk.page}" if c.chunk.page else ""
            print(f"  [{c.n}] {c.chunk.title} ({c.chunk.source}{page})")
            print(f"      “{c.snippet[:300]}”")
    if answer.numbers:
        print("\nNumber check:")
        for check in answer.numbers:
            mark = "verified" if check.verified else "NOT verified"
            mark = f"computed from {check.evidence}" if check.computed else mark
            where = f" in [{check.citation}]: “{check.evidence}”" if check.verified else ""
            print(f"  {check.quantity.text}: {mark}{where}")
    if answer.fallback:
        print(f"\n(The model's own wording was replaced: {answer.fallback}.)")
    t = answer.timings
    who = f"{answer.model} via {answer.backend}" if "generation_s" in t else "no model call"
    print(f"\n{who}; {t.get('total_s', 0):.1f} s")


def answer_dict(a: Answer) -> dict:
    return {
        "answer": a.text,
        "citations": [
            {
                "n": c.n,
                "source": c.chunk.source,
                "title": c.chunk.title,
                "page": c.chunk.page,
                "text": c.chunk.text,
                "snippet": c.snippet,
            }
            for c in a.citations
        ],
        "numbers": [
            {
                "text": n.quantity.text,
                "value": n.quantity.value,
                "kind": n.quantity.kind,
                "verified": n.verified,
                "citation": n.citation,
                "evidence": n.evidence,
                "computed": n.computed,
            }
            for n in a.numbers
        ],
        "refused": a.refused,
        "fallback": a.fallback or None,
        "standalone_question": a.standalone_question,
        "backend": a.backend,
        "model": a.model,
        "timings": a.timings,
    }


def cmd_chat(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from assistant.chat import Conversation

    conversation = Conversation()
    print("Ask about the indexed reports. An empty line or Ctrl-D ends the chat.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        answer = stream_answer(assistant.ask_stream(question, conversation, filters_from(args)))
        if answer.standalone_question != question:
            print(f"(read as: {answer.standalone_question})")
        print_details(answer)


def cmd_sources(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    docs = assistant.documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in docs]))
        return 0
    if not docs:
        print("Nothing indexed yet: run `assistant ingest PATH`.")
        return 0
    for d in docs:
        pages = f"{d.pages} pages, " if d.pages else ""
        year = f", {d.year}" if d.year else ""
        print(
            f"{d.source}: {d.title} ({d.publisher or 'publisher unknown'}{year}); "
            f"{pages}{d.chunks} chunks; added {d.added}"
        )
    print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks")
    return 0


def cmd_remove(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    matches = [d for d in assistant.documents() if args.document in (d.source, d.doc_id)]
    if not matches:
        raise AssistantError(f"no indexed document is called '{args.document}'")
    for d in matches:
        assistant.remove(d.doc_id)
        print(f"removed {d.source}")
    return 0


def cmd_config(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    rows = assistant.settings.describe()
    if args.json:
        print(json.dumps({name: value for name, value, _ in rows}))
        return 0
    for name, value, description in rows:
        print(f"{name} = {value}\n    {description}")
    return 0


def cmd_serve(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from ui.app import create_app, launch

    credentials = args.auth or assistant.settings.ui_auth
    auth = None
    if credentials:
        user, sep, password = credentials.partition(":")
        if not (sep and user and password):
            raise AssistantError("--auth must be user:password")
        auth = (user, password)
    if auth is None and not is_loopback(args.host) and not args.insecure_no_auth:
        raise AssistantError(
            f"refusing to serve on {args.host} without a login: anyone who can reach this "
            "machine could read the library. Add --auth user:password (or ASSISTANT_UI_AUTH), "
            "or --insecure-no-auth if the network is trusted"
        )
    limit = args.max_upload_mb or assistant.settings.max_upload_mb
    launch(create_app(assistant, limit), assistant, args.host, args.port, auth, limit)
    return 0


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


COMMANDS: dict[str, Callable] = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "sources": cmd_sources,
    "remove": cmd_remove,
    "config": cmd_config,
    "serve": cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from assistant.core import Assistant

        settings = settings_from(args)
        if args.command in ("eval", "bench"):
            from eval.cli import cmd_bench, cmd_eval

            return cmd_eval(settings, args) if args.command == "eval" else cmd_bench(args)
        return COMMANDS[args.command](Assistant(settings), args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # pydantic validation and the like: still no traceback
        if type(exc).__name__ == "ValidationError":
            print(f"error: invalid setting: {_one_line(exc)}", file=sys.stderr)
            return 2
        raise


def _one_line(exc: Exception) -> str:
    """A pydantic ValidationError as "name: problem; name: problem"."""
    errors = getattr(exc, "errors", lambda: [])()
    parts = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors]
    return "; ".join(parts) or str(exc).splitlines()[0]


if __name__ == "__main__":
    sys.exit(main())
