"""The eval dataset format (JSONL, one case per line), read into typed cases.

See eval/README.md for the format. A case with `"expected": null` is unanswerable: the corpus
does not contain the answer and the assistant must say so without inventing a figure.

Every case belongs to a split: `tune` (looked at while the pipeline's rules and constants were
chosen) or `test` (held out). A case may say so itself (`"split"`); datasets written outside
the project are used as they are, and a file in `eval/splits/` named after the dataset (or a
prefix of its name) declares their split by source document and id. A case with neither is
`test`: nobody tuned on it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError

SPLITS_DIR = Path(__file__).with_name("splits")
SPLITS = ("tune", "test")


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    expected: float | str | None
    unit: str = ""
    source: str = ""
    page: int = 0
    evidence: str = ""
    tolerance: float = 0.0
    history: tuple[str, ...] = field(default_factory=tuple)
    split: str = "test"
    absent: str = ""  # unanswerable cases: "name" (names something absent) or "figure"

    @property
    def answerable(self) -> bool:
        return self.expected is not None

    @property
    def numeric(self) -> bool:
        return isinstance(self.expected, int | float) and not isinstance(self.expected, bool)


@dataclass(frozen=True)
class SplitRule:
    """Which cases of a dataset written elsewhere are held out, and what the unanswerable ones
    lack."""

    test_sources: frozenset[str] = frozenset()
    test_ids: frozenset[str] = frozenset()
    absent_name_ids: frozenset[str] = frozenset()

    def split(self, raw: dict) -> str:
        held_out = raw.get("source") in self.test_sources or raw["id"] in self.test_ids
        return "test" if held_out else "tune"

    def absent(self, raw: dict) -> str:
        return "name" if raw["id"] in self.absent_name_ids else "figure"


def split_rule(dataset: Path) -> SplitRule | None:
    """The rule file whose name is the longest prefix of the dataset's name, if any."""
    if not SPLITS_DIR.is_dir():
        return None
    files = [p for p in SPLITS_DIR.glob("*.toml") if dataset.stem.startswith(p.stem)]
    if not files:
        return None
    raw = tomllib.loads(max(files, key=lambda p: len(p.stem)).read_text())
    return SplitRule(*(frozenset(raw.get(k, ())) for k in SplitRule.__dataclass_fields__))


def _case(raw: dict, rule: SplitRule | None) -> Case:
    expected = raw.get("expected")
    split = str(raw.get("split") or (rule.split(raw) if rule else "test"))
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    absent = str(raw.get("absent") or (rule.absent(raw) if rule else "figure"))
    return Case(
        id=str(raw["id"]),
        question=str(raw["question"]),
        expected=expected,
        unit=str(raw.get("unit") or ""),
        source=str(raw.get("source") or ""),
        page=int(raw.get("page") or 0),
        evidence=str(raw.get("evidence") or ""),
        tolerance=float(raw.get("tolerance") or 0.0),
        history=tuple(raw.get("history") or ()),
        split=split,
        absent=absent if expected is None else "",
    )


def load(path: Path) -> list[Case]:
    rule = split_rule(path)
    cases = []
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(_case(json.loads(line), rule))
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path}:{lineno}: not a valid case ({exc})") from exc
    if not cases:
        raise ConfigError(f"{path}: no cases")
    return cases


def load_all(paths: list[Path]) -> list[Case]:
    """The cases of several datasets over one corpus; ids must be unique across them."""
    cases = [c for path in paths for c in load(path)]
    seen: set[str] = set()
    for c in cases:
        if c.id in seen:
            raise ConfigError(f"case id {c.id!r} appears twice")
        seen.add(c.id)
    return cases
