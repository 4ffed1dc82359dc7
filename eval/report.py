"""Write an eval run to disk: report.json, answers.jsonl, report.md and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path

_LABELS = {
    "answer_accuracy": "Right figure first",
    "stated_anywhere": "Right figure anywhere",
    "false_number_rate": "Wrong figure first",
    "citation_accuracy": "Right page cited",
    "retrieval_recall": "Retrieval recall",
    "refusal_accuracy": "Unanswerable refused",
    "statement_share": "Answers stating the figure",
    "quote_share": "Answers that are quotes",
    "raw_check_rate": "Verified figures on the raw page",
}


def write_all(out: Path, report: dict, answer_lines: list[dict]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "answers.jsonl", out / "report.md", out / "report.png"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False))
    paths[1].write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answer_lines))
    paths[2].write_text(markdown(report))
    chart(report, paths[3])
    return paths


def markdown(report: dict) -> str:
    columns = {"all": report["summary"], **report.get("splits", {})}
    lines = ["# Eval report", "", "| metric | " + " | ".join(columns) + " |"]
    lines.append("| --- |" + " --- |" * len(columns))
    for name in report["summary"]:
        values = " | ".join(str(c.get(name)) for c in columns.values())
        lines.append(f"| {name} | {values} |")
    lines += ["", "## Configuration", ""]
    lines += [f"- {k}: {v}" for k, v in report["config"].items()]
    lines += [
        "",
        "## Cases",
        "",
        "| id | split | expected | right first | form | answer |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in report["cases"]:
        verdict = {True: "yes", False: "**no**", None: "-"}[c["correct"]]
        if not c["answerable"]:
            verdict = "yes" if c["refused_right"] else "**no**"
        answer = c["answer"].replace("|", "\\|").replace("\n", " ")[:160]
        lines.append(
            f"| {c['id']} | {c['split']} | {c['expected']} {c['unit']} | {verdict} "
            f"| {c['form']} | {answer} |"
        )
    return "\n".join(lines) + "\n"


def chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = report["summary"]
    names = [k for k in _LABELS if s.get(k) is not None]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.barh([_LABELS[k] for k in names], [s[k] for k in names], color="#3b6ea5")
    left.set_xlim(0, 1)
    left.invert_yaxis()
    left.set_title(f"Metrics ({s['n']} cases)")
    for i, k in enumerate(names):
        left.text(min(s[k] + 0.01, 0.9), i, f"{s[k]:.2f}", va="center")
    latencies = [c["latency_s"] for c in report["cases"]]
    right.bar(range(len(latencies)), latencies, color="#7a9e4f")
    right.set_title(
        f"Latency per question (p50 {s['latency_p50_s']} s, p95 {s['latency_p95_s']} s)"
    )
    right.set_xlabel("case")
    right.set_ylabel("seconds")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
