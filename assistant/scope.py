"""Is a question within what the library covers? Decided before any generation.

A question is out of scope when no chunk is similar enough (the relevance floor, in
answer.py), when it names something the library never mentions ("India", "Claude"), when the
words of a multi-word name ("Online Safety Act") never occur together in one retrieved chunk,
or when it names a document period ("the FY 2018-2022 plan") that no document's title page
carries. A single year the question asks about is checked later, against the evidence unit
that would answer (periods.periods_missing), not against whole chunks. A table row whose cell
for the question is empty ("n/a") also answers "the reports do not say".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.lexical import ALIASES, known_or_alias, tokenize
from assistant.types import Hit

_QUESTION_WORDS = frozenset(
    "what how which when who whom whose where why did does do is are was were according the "
    "in by for of and or to a an at on as with from between across ai".split()
)


_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*(?:19|20)?\d\d\b")


def uncovered_terms(
    question: str,
    hits: tuple[Hit, ...],
    known: Callable[[str], bool],
    title_years: frozenset[str] = frozenset(),
) -> list[str]:
    """Names the library never mentions, multi-word names ("Online Safety Act") whose words
    no single retrieved chunk holds together, and year ranges ("FY 2018-2022", a document's
    period) that start in a year no document's title page carries (`title_years`)."""
    bags = [set(tokenize(f"{h.chunk.title} {h.chunk.text}")) for h in hits]
    for name in _multiword_names(question):
        terms = set(tokenize(name))
        if terms and not any(all(_has(t, bag) for t in terms) for bag in bags):
            return [name]
    missing = [m.group(0) for m in _RANGE.finditer(question) if m.group(1) not in title_years]
    words = re.findall(r"[A-Za-z][\w'’.-]*", question)
    for i, word in enumerate(words):
        term = re.sub(r"['’]s$", "", word.rstrip(".'’")).lower()
        if i == 0 or not word[0].isupper() or term in _QUESTION_WORDS or not tokenize(term):
            continue
        if not known_or_alias(known, term):
            missing.append(word)
    return missing


def _has(term: str, bag: set[str]) -> bool:
    alias = ALIASES.get(term)
    return term in bag or (alias is not None and set(tokenize(alias)) <= bag)


def _multiword_names(question: str) -> list[str]:
    """Runs of two or more capitalised words after the first word of the question; a
    possessive ends a run ("Labor Department's FY" → "Labor Department"), and short acronyms
    at its edges ("FY", "IT") are not part of the name."""
    body = question.split(" ", 1)[1] if " " in question else ""
    runs = re.findall(r"\b[A-Z][\w-]*(?:\s+(?:of\s+|and\s+|the\s+)?[A-Z][\w-]*)+", body)
    names = []
    for run in runs:
        words = [w for w in run.split() if not re.fullmatch(r"[A-Z]{1,3}", w)]
        if len(words) >= 2 and not {w.lower() for w in words} <= _QUESTION_WORDS:
            names.append(" ".join(words))
    return names


_NOT_GIVEN = re.compile(r"^(?:n/?a|–|-|—|not available|no data|\.\.\.)$", re.IGNORECASE)


def missing_cell(question: str, row: str) -> bool:
    """Does the table row's cell that the question asks about hold no value (n/a)?"""
    if " | " not in row:
        return False
    terms = set(tokenize(question))
    cells = [c.partition(": ") for c in row.split(" | ")]
    scored = [(len(terms & set(tokenize(head))), value.strip()) for head, _, value in cells]
    best = max(score for score, _ in scored)
    return best > 0 and all(_NOT_GIVEN.match(v) for score, v in scored if score == best)
