"""The eval dataset format (JSONL, one case per line), read into typed cases.

See eval/README.md for the format. A case with `"expected": null` is unanswerable: the corpus
does not contain the answer and the assistant must say so without inventing a figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError


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

    @property
    def answerable(self) -> bool:
        return self.expected is not None

    @property
    def numeric(self) -> bool:
        return isinstance(self.expected, int | float) and not isinstance(self.expected, bool)


def load(path: Path) -> list[Case]:
    cases = []
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cases.append(
                Case(
                    id=str(raw["id"]),
                    question=str(raw["question"]),
                    expected=raw.get("expected"),
                    unit=str(raw.get("unit") or ""),
                    source=str(raw.get("source") or ""),
                    page=int(raw.get("page") or 0),
                    evidence=str(raw.get("evidence") or ""),
                    tolerance=float(raw.get("tolerance") or 0.0),
                    history=tuple(raw.get("history") or ()),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path}:{lineno}: not a valid case ({exc})") from exc
    if not cases:
        raise ConfigError(f"{path}: no cases")
    return cases
