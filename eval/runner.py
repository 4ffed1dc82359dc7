"""Run a dataset through the same `Assistant` the CLI and the web UI use, and score it.

The corpus is ingested into a store of its own under the data directory (keyed by the corpus
path), so an eval never mixes with the user's library, and a second run reuses the vectors.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from assistant.chat import Conversation
from assistant.config import Settings
from assistant.core import Assistant
from assistant.errors import ConfigError
from assistant.types import Answer, IngestReport
from eval.dataset import Case
from eval.metrics import CaseScore, PageText, by_split, score
from eval.rawcheck import page_text

BUNDLED = Path(__file__).with_name("datasets") / "policy.jsonl"
FLOORS = Path(__file__).with_name("floors") / "policy.toml"
GOALS = Path(__file__).with_name("goals") / "policy.toml"
CONFIG_KEYS = (
    "backend",
    "model",
    "top_k",
    "candidates",
    "evidence_sentences",
    "relevance_floor",
    "chunk_tokens",
    "chunk_overlap",
    "embedding_model",
    "chroma_url",
)


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
    store = settings.data_dir / "eval-stores" / key
    return settings.model_copy(update={"data_dir": store, "library": f"eval-{key}"})


def conversation_for(assistant: Assistant, case: Case) -> Conversation:
    """The conversation a follow-up question continues: the earlier turns asked and answered,
    as in a real chat (the follow-up sees the previous answer's figures)."""
    conversation = Conversation()
    for turn in case.history:
        assistant.ask(turn, conversation)
    return conversation


def raw_pages(assistant: Assistant) -> PageText:
    """Raw page text by (file name, page), read from the files the library was built from."""
    paths = {r.source: r.path for r in assistant.documents()}
    return lambda source, page: page_text(paths[source], page) if source in paths else ""


def run(
    cases: list[Case],
    corpus: Path,
    settings: Settings,
    on_case: Callable[[Case, Answer], None] | None = None,
) -> tuple[IngestReport, list[tuple[Case, Answer, CaseScore]]]:
    assistant = Assistant(eval_settings(settings, corpus))
    ingest = assistant.ingest([corpus], prune=True)
    pages = raw_pages(assistant)
    results = []
    for case in cases:
        answer = assistant.ask(case.question, conversation_for(assistant, case))
        results.append((case, answer, score(case, answer, pages)))
        if on_case:
            on_case(case, answer)
    return ingest, results


def config_of(settings: Settings, answers: list[Answer]) -> dict:
    config = {k: getattr(settings, k) for k in CONFIG_KEYS}
    if answers:
        config["backend_used"] = answers[0].backend
        config["model_used"] = answers[0].model
    return config


def case_record(case: Case, answer: Answer, s: CaseScore) -> dict:
    return {
        **asdict(s),
        "question": case.question,
        "history": list(case.history),
        "expected": case.expected,
        "unit": case.unit,
        "source": case.source,
        "page": case.page,
        "answer": answer.text,
        "form": answer.form,
        "standalone_question": answer.standalone_question,
        "fallback": answer.fallback,
        "draft": answer.draft,
        "numbers_checked": [
            {"text": n.quantity.text, "verified": n.verified, "citation": n.citation}
            for n in answer.numbers
        ],
        "retrieved": [{"source": h.chunk.source, "page": h.chunk.page} for h in answer.hits],
        "timings": answer.timings,
    }


def answer_line(case: Case, answer: Answer) -> dict:
    return {
        "id": case.id,
        "answer": answer.text,
        "form": answer.form,
        "citations": [
            {"source": c.chunk.source, "page": c.chunk.page, "text": c.chunk.text}
            for c in answer.citations
        ],
    }


def build_report(settings: Settings, results: list[tuple[Case, Answer, CaseScore]]) -> dict:
    splits = by_split([s for _, _, s in results])
    return {
        "summary": splits["all"],
        "splits": {k: v for k, v in splits.items() if k != "all"},
        "config": config_of(settings, [a for _, a, _ in results]),
        "cases": [case_record(c, a, s) for c, a, s in results],
    }


def gated_summary(report: dict, limits: dict) -> tuple[str, dict]:
    """The split the thresholds apply to (`gate_split`, default "test") and its summary."""
    split = limits.get("gate_split", "test")
    summary = report["summary"] if split == "all" else report["splits"].get(split)
    if summary is None:
        raise ConfigError(f"the dataset has no '{split}' split to check the thresholds against")
    return split, summary


def limits_for(datasets: list[Path], given: Path | None, default: Path) -> Path | None:
    """The limits file to check a run against: the one given, else the bundled dataset's own
    (`default`) when the run is on that dataset alone; another dataset gets none, since the
    bundled floors say nothing about it."""
    if given is not None:
        return given
    alone = [d.resolve() for d in datasets] == [BUNDLED.resolve()]
    return default if alone else None


def failures(report: dict, thresholds_path: Path = FLOORS) -> list[str]:
    """Metrics of the gated split that miss their threshold, as readable lines."""
    limits = tomllib.loads(thresholds_path.read_text())
    split, summary = gated_summary(report, limits)
    out = []
    for name, floor in limits.get("minimum", {}).items():
        value = summary.get(name)
        if value is not None and value < floor:
            out.append(f"{split} split: {name} = {value} is below the minimum {floor}")
    for name, ceiling in limits.get("maximum", {}).items():
        value = summary.get(name)
        if value is not None and value > ceiling:
            out.append(f"{split} split: {name} = {value} is above the maximum {ceiling}")
    return out


def compare(summary: dict, old: dict) -> list[str]:
    """One line per metric: old → new (change)."""
    lines = []
    for name, value in summary.items():
        before = old.get("summary", old).get(name)
        if isinstance(value, int | float) and isinstance(before, int | float):
            lines.append(f"{name}: {before} → {value} ({value - before:+.4g})")
    return lines
