"""Pick the few sentences that answer a question out of the retrieved chunks.

Small local models read a figure correctly from three short sentences far more often than from
five long chunks, and a short prompt is what keeps the time to first token low on a CPU. Each
sentence (or table row) of the retrieved chunks is scored by its embedding similarity to the
question, by how many of the question's terms it contains, and by whether it states the kind of
quantity the question asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant import numbers
from assistant.embed import Embedder
from assistant.lexical import tokenize
from assistant.types import Hit

_PROTECT = re.compile(r"\b(?:U\.S|U\.K|e\.g|i\.e|No|Dr|vs|approx|Art|etc)\.", re.IGNORECASE)
_LEANS_BACK = re.compile(
    r"(?:It|Its|This|That|These|Those|They|Their|Such|Both|Of these|Of this)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“(])")


@dataclass(frozen=True)
class Evidence:
    hit: int  # index into the hits
    text: str
    score: float


def split_sentences(text: str) -> list[str]:
    """Sentences and table rows; abbreviations such as "U.S." do not end a sentence, and a
    sentence that leans on the one before ("It reached ...") stays joined to it."""
    out: list[str] = []
    for block in re.split(r"\n+", text):
        guarded = _PROTECT.sub(lambda m: m.group(0).replace(".", "\x00"), block.strip())
        start = len(out)
        for sentence in _SENTENCE_END.split(guarded):
            sentence = sentence.replace("\x00", ".").strip()
            if not sentence:
                continue
            if len(out) > start and _LEANS_BACK.match(sentence):
                out[-1] = f"{out[-1]} {sentence}"
            else:
                out.append(sentence)
    return out


def wanted_kind(question: str) -> str:
    """The kind of quantity a question asks for: percent, multiplier, time, any or none."""
    q = question.lower()
    if re.search(r"\b(when|what year|which year|what date|by what date|deadline)\b", q):
        return "time"
    if re.search(r"\b(how many times|times (more|greater|larger|as)|fold|multiple of)\b", q):
        return "multiplier"
    if re.search(r"\b(share|percent|percentage|proportion|what fraction|%|rate of)\b", q):
        return "percent"
    if re.search(
        r"\b(how (many|much|large|big|fast|long)|amount|cost|budget|fine|funding|investment"
        r"|worth|value|total|number of|size|figure|allocation|threshold|votes?)\b",
        q,
    ):
        return "any"
    return "none"


def has_kind(text: str, kind: str) -> bool:
    if kind == "none":
        return True
    found = numbers.extract(text)
    if kind == "time":
        return any(q.kind in ("year", "date") for q in found)
    if kind == "any":
        return any(q.kind not in ("year", "date") for q in found)
    return any(q.kind == kind for q in found)


def select(
    question: str, q_emb: np.ndarray, hits: tuple[Hit, ...], embedder: Embedder, n: int
) -> list[Evidence]:
    """The `n` best sentences, best first."""
    candidates = [
        (i, s) for i, h in enumerate(hits) for s in split_sentences(h.chunk.text) if len(s) > 15
    ]
    if not candidates:
        return []
    vectors = embedder.embed([s for _, s in candidates])
    dense = vectors @ q_emb
    terms = set(tokenize(question))
    kind = wanted_kind(question)
    scored = []
    for (i, sentence), sim in zip(candidates, dense, strict=True):
        overlap = len(terms & set(tokenize(sentence))) / max(len(terms), 1)
        bonus = 0.15 if kind != "none" and has_kind(sentence, kind) else 0.0
        rank_prior = 0.02 * (len(hits) - i)
        scored.append(Evidence(i, sentence, float(sim) + 0.5 * overlap + bonus + rank_prior))
    scored.sort(key=lambda e: -e.score)
    return _dedupe(scored)[:n]


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """Overlapping chunks repeat sentences; keep the first of each."""
    seen: set[str] = set()
    out = []
    for e in items:
        if e.text not in seen:
            seen.add(e.text)
            out.append(e)
    return out
