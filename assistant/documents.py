"""Which documents does a question name? ("Apple's 10-Q", "the labor department's plan").

Questions about a library of similar reports name their document: a company, an agency, a
report and a year. Retrieval that ignores this answers from another company's filing or another
year's report. Each document has a profile (its title, file name, publisher and the start of
its first page, where reports print their name and issuer: lexical.profiles_of). A question
term can name a document only if that document's profile holds it and few documents use it
anywhere in their text (lexical.spread_of): a term many documents share ("plan", "companies",
"quarterly") names none, a term one document owns ("apple", "homeland") names it. The
documents whose score is close to the best are the ones named; when the scores do not single
out a small part of the library, no document is named and retrieval searches everything.

Nothing here knows a name: the evidence is the documents' own first pages.
"""

from __future__ import annotations

import math
import re

from assistant.lexical import tokenize


def named_documents(
    question: str,
    bags: dict[str, set[str]],
    spread: dict[str, int],
    rare_share: float,
    margin: float,
) -> tuple[str, ...]:
    """The sources the question names, or () when it names none (or too many). `bags`: each
    document's profile as terms (LexicalIndex.profile_terms)."""
    if len(bags) < 2:
        return ()
    n = len(bags)
    df = {t: spread.get(t, 0) for t in set(tokenize(question))}
    weights = {t: math.log(n / d) for t, d in df.items() if 0 < d <= max(1, rare_share * n)}
    scores = {s: sum(w for t, w in weights.items() if t in bag) for s, bag in bags.items()}
    best = max(scores.values())
    if best <= 0:
        return ()
    named = tuple(sorted(s for s, v in scores.items() if v >= margin * best))
    return named if len(named) <= max(1, rare_share * n) else ()


_PERIOD = re.compile(
    r"\b(?:(?:Q[1-4]|H[12])(?:\s+(?:FY\s?)?(?:19|20)\d\d)?|(?:19|20)\d\d\s+(?:Q[1-4]|H[12])"
    r"|FY\s?\d{2,4})\b",
    re.IGNORECASE,
)


def period_groups(question: str) -> list[frozenset[str]]:
    """The question's reporting periods ("Q2 2023", "FY 2024"), each as its terms: when every
    named document's profile holds one (the filing for that quarter), it too names the
    document. A year alone ("by 2025") is a period of the content, not of a filing."""
    return [frozenset(tokenize(m.group(0))) for m in _PERIOD.finditer(question)]


def naming_terms(
    names: list[frozenset[str]], bags: dict[str, set[str]], named: tuple[str, ...]
) -> frozenset[str]:
    """Of the question's names (each as its terms), those every named document's profile holds
    whole ("Intel" in "Intel's net revenue", not "North America"): they say which document, and
    tell nothing about which passage of it answers. (Such a name counts however many other
    documents mention it: "Amazon" names Amazon's filing even where others mention Amazon.)"""
    if not named:
        return frozenset()
    whole = [n for n in names if all(n <= bags.get(s, set()) for s in named)]
    return frozenset().union(*whole)
