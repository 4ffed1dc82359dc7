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

from assistant.lexical import YEAR, tokenize
from assistant.question import asks_latest, publication_years


def named_documents(
    question: str,
    bags: dict[str, set[str]],
    spread: dict[str, int],
    rare_share: float,
    margin: float,
    titles: dict[str, set[str]] | None = None,
) -> tuple[str, ...]:
    """The sources the question names, or () when it names none (or too many). `bags`: each
    document's profile as terms (LexicalIndex.profile_terms); `titles`: each document's title,
    file name and cover heading as terms (LexicalIndex.cover_terms), which date it
    (dated_documents): of the documents named, or of all when none is, those the question
    dates."""
    if len(bags) < 2:
        return ()
    named = _by_terms(question, bags, spread, rare_share, margin)
    among = named or tuple(bags)
    dated = dated_documents(question, {s: (titles or {}).get(s, set()) for s in among})
    return dated if dated and len(dated) < len(among) else named


def _by_terms(
    question: str,
    bags: dict[str, set[str]],
    spread: dict[str, int],
    rare_share: float,
    margin: float,
) -> tuple[str, ...]:
    n = len(bags)
    df = {t: spread.get(t, 0) for t in set(tokenize(question))}
    weights = {t: math.log(n / d) for t, d in df.items() if 0 < d <= max(1, rare_share * n)}
    scores = {s: sum(w for t, w in weights.items() if t in bag) for s, bag in bags.items()}
    best = max(scores.values())
    if best <= 0:
        return ()
    named = tuple(sorted(s for s, v in scores.items() if v >= margin * best))
    return named if len(named) <= max(1, rare_share * n) else ()


def dated_documents(question: str, titles: dict[str, set[str]]) -> tuple[str, ...]:
    """The documents whose title or file name holds the year the question gives a publication
    ("the FY 2021 report"); for "the latest report", those whose title holds the latest year
    among `titles`. () when the question dates none. A year of the content ("by 2025", "in
    FY 2021") dates no document: the reports of other years print that column too."""
    years = publication_years(question)
    if years:
        return tuple(sorted(s for s, terms in titles.items() if years & terms))
    if not asks_latest(question):
        return ()
    newest = {
        s: max(map(int, filter(YEAR.fullmatch, terms)), default=0) for s, terms in titles.items()
    }
    top = max(newest.values(), default=0)
    return tuple(sorted(s for s, y in newest.items() if y == top)) if top else ()


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
