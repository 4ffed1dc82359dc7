"""Pick the few sentences that answer a question out of the retrieved chunks.

Small local models read a figure correctly from three short sentences far more often than from
five long chunks, and a short prompt is what keeps the time to first token low on a CPU. Each
sentence (or table row) of the retrieved chunks is scored by its embedding similarity to the
question, by how many of the question's terms it contains, and by whether it states the kind of
quantity the question asks for (a change, when the question asks how much something changed).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.embed import Embedder
from assistant.figures import asks_change, figures_asked_for, has_kind, kind_figures, says_change
from assistant.lexical import tokenize
from assistant.periods import PERIOD_HEADING
from assistant.question import asks_extreme, asks_which, names, wanted_kind
from assistant.types import Evidence, Hit, row_label

_PROTECT = re.compile(r"\b(?:U\.S|U\.K|P\.L|e\.g|i\.e|No|Dr|vs|approx|Art|etc)\.", re.IGNORECASE)
_LEANS_BACK = re.compile(
    r"(?:It|Its|This|That|These|Those|They|Their|Such|Both|Of these|Of this)\b"
)
_HEADING = re.compile(r"^(?!.*[.!?]$)(?!.*\|).{3,60}$")  # a short line without a final stop
# Text in a document that speaks to an AI system rather than to a reader: a prompt-injection
# attempt. Such a sentence is never evidence: it is neither shown to the model nor quoted.
_ADDRESSES_THE_MODEL = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|"
    r"guidelines|context)\b|\b(?:reply|respond|answer|output|say)\b.{0,15}\bonly\b.{0,15}"
    r"\bwith\b|\byou are now\b|\bsystem prompt\b|\b(?:as an|you are an?) (?:ai|assistant|"
    r"language model)\b",
    re.IGNORECASE,
)
# A table-of-contents entry ("Real Property Data ........ 10") names a section; it states
# nothing, and its page number is not a figure of the report.
_DOT_LEADER = re.compile(r"(?:\.\s?){5,}|…{2,}")
# A sentence ends at a stop before a capital, or where a bullet starts the next item of a list.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“(])|\s+[•▪●◦‣]\s+")


@dataclass(frozen=True)
class Weights:
    """How a unit's score adds to its embedding similarity (settings `evidence_*_weight`)."""

    overlap: float = 0.8  # the question's inverse-frequency weighted terms it contains
    label: float = 0.3  # for a table row, its own label's terms the question uses


def split_sentences(text: str) -> list[tuple[str, str, str]]:
    """(heading, sentence, lead) triples: sentences and table rows with the heading they sit
    under and the sentences before them in their paragraph (which often name their subject:
    "A survey by Ipsos shows … Moreover, 52 percent express nervousness").

    Abbreviations such as "U.S." do not end a sentence, and a sentence that leans on the one
    before ("It reached ...") stays joined to it.
    """
    out: list[tuple[str, str, str]] = []
    heading = ""
    for block in re.split(r"\n+", text):
        block = block.strip()
        if _HEADING.match(block):
            heading = block
            continue
        guarded = _PROTECT.sub(lambda m: m.group(0).replace(".", "\x00"), block)
        start = len(out)
        for sentence in _SENTENCE_END.split(guarded):
            sentence = sentence.replace("\x00", ".").strip().lstrip("•▪●◦‣ ")
            if not sentence:
                continue
            if len(out) > start and _LEANS_BACK.match(sentence):
                out[-1] = (heading, f"{out[-1][1]} {sentence}", out[-1][2])
            else:
                lead = " ".join(sentence for _, sentence, _ in out[start:])
                out.append((heading, sentence, lead))
    return out


def leans_back(sentence: str) -> bool:
    """Does the sentence refer to the one before it ("It reached …", "This figure …")?"""
    return bool(_LEANS_BACK.match(sentence))


def addresses_the_model(text: str) -> bool:
    """Does the text give orders to an AI system (a prompt-injection attempt)?"""
    return bool(_ADDRESSES_THE_MODEL.search(text))


def select(
    question: str,
    q_emb: np.ndarray,
    hits: tuple[Hit, ...],
    embedder: Embedder,
    n: int,
    weighting: Weights = Weights(),
    doc_terms: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """The `n` best sentences, best first. `doc_terms`: the question's names that named the
    documents searched; every passage of those documents is about them, so they do not rank
    one passage above another ("Net income attributable to Intel" is no better an answer to
    "Intel's net revenue" than the "Net revenue" row)."""
    candidates = [
        (i, head, s, lead)
        for i, h in enumerate(hits)
        for head, s, lead in split_sentences(h.chunk.text)
        if len(s) > 15 and not addresses_the_model(s) and not _DOT_LEADER.search(s)
    ]
    if not candidates:
        return []
    vectors = embedder.embed_recalled(
        [f"{head}: {s}" if head else s for _, head, s, _ in candidates]
    )
    dense = vectors @ q_emb
    bags = [set(tokenize(f"{head} {s}")) for _, head, s, _ in candidates]
    weights = _term_weights(set(tokenize(question)) - doc_terms, bags, names(question))
    total = sum(weights.values()) or 1.0
    kind = wanted_kind(question)
    change = asks_change(question, kind)
    scored = []
    for (i, head, sentence, lead), sim, bag in zip(candidates, dense, bags, strict=True):
        overlap = sum(w for t, w in weights.items() if t in bag) / total
        bonus = 0.15 if _can_answer(sentence, kind, change) else 0.0
        bonus += weighting.label * _label_match(sentence, weights)
        rank_prior = 0.02 * (len(hits) - i)
        score = float(sim) + weighting.overlap * overlap + bonus + rank_prior
        chunk = hits[i].chunk
        before = _with_period(_headings_before(chunk.text, sentence), head, chunk.period)
        scored.append(
            Evidence(i, sentence, score, overlap, head, chunk.title, before, lead, chunk.year)
        )
    in_order = list(scored)
    scored.sort(key=lambda e: -e.score)
    asked = set(tokenize(question)) - doc_terms
    best = [_total_for(e, in_order, asked) for e in _dedupe(scored)[:n]]
    best = [_extreme_row(e, in_order, question, hits) for e in best]
    return _dedupe(sorted(best, key=lambda e: -e.score))


def _can_answer(unit: str, kind: str, change: bool) -> bool:
    """Does the unit hold a figure of the kind asked for, and, to a question asking how much
    something changed (`change`), one that says it is a change ("grew 27%", not the quarter's
    revenue)?"""
    return kind != "none" and has_kind(unit, kind) and (not change or says_change(unit, kind))


def _extreme_row(
    unit: Evidence, in_order: list[Evidence], question: str, hits: tuple[Hit, ...]
) -> Evidence:
    """For a question asking which is the largest (or smallest), a table row gives way to the
    row of its table (same page, section and column headers, Total rows aside) whose figure
    for the question is the largest (smallest): "Which region attracted the most private AI
    investment?" is answered by comparing the rows, not by the row that scored best.

    A row the question names is its own answer ("the maximum fine for incorrect information"
    is that row's cap), unless the question asks which one: then the row naming the measure
    asked about ("Operating income", "Total net sales") is the sum of the answers, and the
    comparison is made in the best breakdown of that measure ("Operating Income: Intelligent
    Cloud | …") instead."""
    end = asks_extreme(question)
    if not end or " | " not in unit.text:
        return unit
    asked = set(tokenize(question))
    start: Evidence | None = unit
    if label_terms(unit.text) & asked:
        start = _breakdown_row(in_order, asked) if asks_which(question) else None
    if start is None:
        return unit
    table = [e for e in in_order if _same_table(e, start, hits) and not _is_total(e.text)]
    header = _asked_header(question, table)
    valued = [(e, _cell_value(e.text, header)) for e in table] if header else []
    valued = [(e, v) for e, v in valued if v is not None]
    if len(valued) < 2:
        return unit
    pick = max if end == "high" else min
    return pick(valued, key=lambda pair: pair[1])[0]


def _breakdown_row(in_order: list[Evidence], asked: set[str]) -> Evidence | None:
    """The best-scored table row under a section the question names whose own label it does
    not name: a line of the breakdown of the measure asked about."""
    rows = [
        e
        for e in in_order
        if " | " in e.text
        and not _is_total(e.text)
        and not label_terms(e.text) & asked
        and set(tokenize(row_label(e.text)[0])) & asked
    ]
    return max(rows, key=lambda e: e.score, default=None)


def _same_table(row: Evidence, other: Evidence, hits: tuple[Hit, ...]) -> bool:
    """Are two units rows of one table: the same page, section and column headers?"""
    a, b = hits[row.hit].chunk, hits[other.hit].chunk
    return (
        (a.source, a.page) == (b.source, b.page)
        and row_label(row.text)[0] == row_label(other.text)[0]
        and _columns(row.text) == _columns(other.text)
    )


def _asked_header(question: str, table: list[Evidence]) -> str:
    """The column header of the figure the question asks for, read off the first row where
    one figure answers it (figures_asked_for)."""
    kind = wanted_kind(question)
    for row in table:
        asked = figures_asked_for(question, row.text, kind if kind != "none" else "any")
        if len(asked) == 1:
            at = row.text.rfind(" | ", 0, asked[0].start)
            return _cells(row.text[at:])[0][0] if at >= 0 else ""
    return ""


def _cell_value(row: str, header: str) -> float | None:
    """The value of the row's figure under `header`, if the cell holds one."""
    for head, value in _cells(row):
        if head == header:
            figures = kind_figures(value, "any")
            return figures[0].value if len(figures) == 1 else None
    return None


def _total_for(unit: Evidence, in_order: list[Evidence], asked: set[str]) -> Evidence:
    """A table row whose own label the question does not use (none of its terms) is one line
    of a breakdown the question did not ask about; a question that names no line asks for the
    whole, so the first "Total" row below it in the same table (same chunk, section and column
    headers) takes its place, with its own score."""
    section, label = row_label(unit.text)
    if not label or _is_total(unit.text) or label_terms(unit.text) & asked:
        return unit
    below = in_order[in_order.index(unit) + 1 :]
    for other in below:
        if other.hit != unit.hit or _columns(other.text) != _columns(unit.text):
            return unit  # the table ended
        if row_label(other.text)[0] == section and _is_total(other.text):
            return other
    return unit


def _cells(unit: str) -> list[tuple[str, str]]:
    """A table row's cells after its label, each as (column header, value) ("Three Months
    Ended July 30, 2023", "$842 million"); [] for a sentence."""
    return [(head, value) for head, _, value in (c.rpartition(": ") for c in unit.split(" | ")[1:])]


def _columns(unit: str) -> tuple[str, ...]:
    """A table row's column headers; () for a sentence."""
    return tuple(head for head, _ in _cells(unit))


def _is_total(unit: str) -> bool:
    return row_label(unit)[1].lower().startswith("total")


def label_terms(unit: str) -> set[str]:
    """The terms of a table row's own label ("Additions to property, plant, and equipment");
    empty for a sentence."""
    return set(tokenize(row_label(unit)[1]))


def _label_match(unit: str, weights: dict[str, float]) -> float:
    """For a table row, the share of its own label's terms that the question uses: a row
    is about what its label says ("Cash and cash equivalents"), whatever its column headers
    and the section above it ("Adjustments to reconcile net income to …:") repeat."""
    label = label_terms(unit)
    return sum(t in weights for t in label) / len(label) if label else 0.0


def _term_weights(terms: set[str], bags: list[set[str]], subjects: set[str]) -> dict[str, float]:
    """Inverse frequency of each question term among the candidate sentences: a term that
    every sentence shares ("AI") tells less than one that few do ("prohibited"). The question's
    subjects (capitalised names) count double."""
    n = len(bags)
    return {
        t: math.log(1 + n / (1 + sum(t in bag for bag in bags))) * (2 if t in subjects else 1)
        for t in terms
    }


def _headings_before(text: str, sentence: str) -> str:
    """The heading lines of a chunk above a sentence (its section and sub-sections)."""
    above = text[: max(0, text.find(sentence[:40]))]
    return " ".join(ln.strip() for ln in above.splitlines() if _HEADING.match(ln.strip()))


def _with_period(before: str, heading: str, period: str) -> str:
    """The headings above a sentence, led by the reporting period in effect (Chunk.period) when
    none of them names one: "Azure … revenue grew 31%" two pages under "Nine Months Ended March
    31, 2023 Compared with …" is a nine-month figure."""
    named = PERIOD_HEADING.search(f"{before} {heading}")
    return before if named or not period else f"{period} {before}".strip()


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """Overlapping chunks repeat sentences; keep the first of each."""
    seen: set[str] = set()
    out = []
    for e in items:
        if e.text not in seen:
            seen.add(e.text)
            out.append(e)
    return out
