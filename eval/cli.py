"""`assistant eval`: argument parsing and printing around eval.runner."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import Settings


def add_eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score answers on a dataset against a corpus")
    p.add_argument("dataset", type=Path, nargs="+", help="JSONL cases (see eval/README.md)")
    p.add_argument("--corpus", type=Path, required=True, help="folder of source documents")
    p.add_argument("--out", type=Path, required=True, help="folder for the report files")
    # Also accepted after `eval`; SUPPRESS keeps the global flags' values when these are absent.
    p.add_argument("--backend", choices=["auto", "ollama", "llamacpp"], default=argparse.SUPPRESS)
    p.add_argument("--model", default=argparse.SUPPRESS, help="model name or GGUF path")
    p.add_argument("--top-k", type=int, default=argparse.SUPPRESS, help="chunks retrieved")
    p.add_argument("--compare", type=Path, help="an earlier report.json to compare with")
    p.add_argument(
        "--thresholds",
        type=Path,
        help="TOML of metric limits that fail the run (default for the bundled dataset: "
        "eval/floors/policy.toml; other datasets: none)",
    )
    p.add_argument(
        "--goals",
        type=Path,
        help="TOML of the product's goals, reported but not failing (default for the bundled "
        "dataset: eval/goals/policy.toml; other datasets: none)",
    )
    p.add_argument("--candidates", type=int, help="candidates per retriever")
    p.add_argument("--evidence-sentences", type=int, help="evidence sentences in the prompt")
    p.add_argument("--relevance-floor", type=float, help="minimum similarity to answer")


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from eval import dataset, report, runner

    tuned = {
        k: getattr(args, k)
        for k in ("candidates", "evidence_sentences", "relevance_floor")
        if getattr(args, k) is not None
    }
    settings = settings.model_copy(update=tuned)
    cases = dataset.load_all(args.dataset)
    with tqdm(total=len(cases), unit="question", file=sys.stderr) as bar:
        ingest, results = runner.run(cases, args.corpus, settings, lambda c, a: bar.update())
    if ingest.failed:
        for f in ingest.failed:
            print(f"corpus file not ingested: {f.path}: {f.reason}", file=sys.stderr)
    full = runner.build_report(settings, results)
    lines = [runner.answer_line(c, a) for c, a, _ in results]
    for path in report.write_all(args.out, full, lines):
        print(f"wrote {path}")
    print(json.dumps({"all": full["summary"], **full["splits"]}, indent=2))
    if args.compare:
        print("\n".join(runner.compare(full["summary"], json.loads(args.compare.read_text()))))
    goals = runner.limits_for(args.dataset, args.goals, runner.GOALS)
    thresholds = runner.limits_for(args.dataset, args.thresholds, runner.FLOORS)
    for line in runner.failures(full, goals) if goals else ():
        print(f"goal not met: {line}", file=sys.stderr)
    misses = runner.failures(full, thresholds) if thresholds else []
    for line in misses:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if misses else 0


def add_bench_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure ingestion, retrieval and answer speed")
    p.add_argument("--quick", action="store_true", help="a small workload (for CI)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def cmd_bench(args: argparse.Namespace) -> int:
    from eval import bench

    result = bench.run(args.quick, log=lambda m: print(f"bench: {m}", file=sys.stderr))
    print(json.dumps(result, indent=2) if args.json else bench.table(result))
    return 0
