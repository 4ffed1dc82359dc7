"""The lexical (BM25) side of retrieval, built with `bm25s` and kept between questions.

Figures and exact terms are what dense vectors blur, so the tokenizer keeps numbers whole and
normalised ("378,000" → "378000", "40%" → "40" "percent") and drops only a short stop list.

The index is built once per state of the library (the fingerprint of committed documents),
saved under the data directory, and loaded by later processes; it is never rebuilt per query.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import Stemmer

from assistant.boilerplate import boilerplate_chunks
from assistant.types import Chunk, Filters

# Part of the cache key: a saved index is only valid for its tokenizer and saved layout.
TOKENIZER_VERSION = "11"
# Of a document's first page: where reports print their title and issuer. 1200, not 600: the
# 10-Q covers of the dev filings name the registrant 350-900 characters in, after the form's
# header (looked at on all five covers, both splits; the federal plans' titles come earlier).
PROFILE_CHARS = 1200
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:['’](?!s\b)[a-z]+)?|%|€|\$")
_STEMMER = Stemmer.Stemmer("english")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
STOPWORDS = frozenset(
    "a an and are as at be by did do does for from had has have how in into is it its many "
    "much of on or that the their there these this to was were what when which who will with "
    "than then so such not no s".split()
)

# Short forms of country and union names that questions use for the full names documents
# print (general English, not any one corpus's vocabulary).
ALIASES = {
    "eu": "european union",
    "us": "united states",
    "usa": "united states",
    "uk": "united kingdom",
    "america": "united states",
    "american": "united states",
    "americans": "united states",
}


def known_or_alias(known: Callable[[str], bool], term: str) -> bool:
    """Does the library use the term (`known`), the full form of its short form ("UK" where
    the library writes "United Kingdom"), or the place a demonym names ("Chinese" where it
    writes "China")?"""
    return known(term) or known(ALIASES.get(term, "")) or bool(places(known, term))


def holds(terms: Container[str], text: str) -> bool:
    """Are all of `text`'s terms among `terms`? `text` may also be one term already stemmed
    (a question's names are): stemming twice can change it ("Chinese" → "chines" →
    "chine")."""
    tokens = tokenize(text)
    return bool(text) and (text in terms or (bool(tokens) and all(t in terms for t in tokens)))


# A demonym is its place's name with an English suffix, the name's last letter sometimes
# dropped: "Chinese" (China), "Japanese" (Japan), "Canadian" (Canada), "Korean" (Korea),
# "Israeli" (Israel). Word formation, not a list of places. "es" is "-ese" stemmed.
_DEMONYM_SUFFIXES = ("ese", "es", "ian", "an", "i", "n")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def places(known: Callable[[str], bool], term: str) -> set[str]:
    """The terms the library uses (`known`) for the place a demonym term may name: the term
    without its suffix, as is or with one letter back ("chines" → "china"), other than the
    term's own stem (a plural: "states" is no place called "state")."""
    own = {term, *tokenize(term)}
    found = set()
    for suffix in _DEMONYM_SUFFIXES:
        base = term.removesuffix(suffix)
        if base == term or len(base) < 3:
            continue
        forms = [base, *(base + c for c in _LETTERS)]
        found.update(f for f in forms if len(f) >= 4 and f not in own and known(f))
    return found


# Reporting periods are written two ways: a question says "the quarter", "Q2" or "the first
# half"; a financial table heads its columns "Three Months Ended", "Six Months Ended". Both are
# read as one term, so a question's period meets the column that reports it.
_PERIODS = (
    (re.compile(r"\b(?:three|3)[- ]months?\b|\bq[1-4]\b|\bquarter(?:ly)?\b"), " quarter "),
    (
        re.compile(r"\b(?:six|6)[- ]months?\b|\b(?:first|second) half\b|\bhalf[- ]year\b"),
        " halfyear ",
    ),
    (re.compile(r"\b(?:nine|9)[- ]months?\b"), " ninemonths "),
    (re.compile(r"\b(?:twelve|12)[- ]months?\b"), " twelvemonths "),
)


def _periods(text: str) -> str:
    for pattern, term in _PERIODS:
        text = pattern.sub(lambda m, t=term: _period_term(m.group(0), t), text)
    return text


def _period_term(found: str, term: str) -> str:
    return f"{found}{term}" if found[1:].isdigit() else term  # "Q2" keeps its number


# Past forms a stemmer cannot reach: "how much did revenue grow" asks what "revenue grew 27%"
# states. English verbs that report quantities, not any corpus's vocabulary.
_IRREGULAR = {
    "grew": "grow",
    "grown": "grow",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "spent": "spend",
    "sold": "sell",
    "paid": "pay",
    "bought": "buy",
    "lost": "lose",
    "held": "hold",
    "won": "win",
    "built": "build",
    "brought": "bring",
}


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem: "senators" and "Senate" meet at "senat"; "grew" and "grow"
    at "grow"."""
    return _STEMMER.stemWord(_IRREGULAR.get(word, word))


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed terms; numbers without thousands separators; % becomes "percent"."""
    out = []
    for tok in _TOKEN.findall(_periods(text.lower())):
        if tok[0].isdigit():
            tok = re.sub(r",(?=\d{3}\b)", "", tok).rstrip(".,")
        elif tok == "%":
            tok = "percent"
        elif tok in STOPWORDS:
            continue
        else:
            tok = _stem(tok)
        out.append(tok)
    return out


@dataclass
class _Meta:
    ids: list[str]
    sources: list[str]
    publishers: list[str]
    years: list[int]
    profiles: dict[str, str] = field(default_factory=dict)  # source → what names the document
    spread: dict[str, int] = field(default_factory=dict)  # profile term → documents using it
    boilerplate: list[str] = field(default_factory=list)  # ids of chunks many documents print


def spread_of(
    chunks: list[Chunk], texts: list[list[str]], profiles: dict[str, str]
) -> dict[str, int]:
    """For each term of the profiles, in how many documents' text (anywhere) it occurs;
    `texts` are the chunks' tokens, already made for the BM25 index."""
    vocab = {t for text in profiles.values() for t in tokenize(text)}
    seen: dict[str, set[str]] = {}
    for c, tokens in zip(chunks, texts, strict=True):
        for t in vocab.intersection(tokens):
            seen.setdefault(t, set()).add(c.source)
    return {t: len(seen.get(t, ())) for t in vocab}


def profiles_of(chunks: list[Chunk]) -> dict[str, str]:
    """For each document: its title, file name, publisher and the start of its first page
    (all chunks of that page, in order: a filing's cover names the company after its form
    header, past the first chunk)."""
    pages: dict[str, list[tuple[int, Chunk]]] = {}
    for c in chunks:
        pages.setdefault(c.source, []).append((int(c.chunk_id.rsplit(":", 1)[1]), c))
    profiles = {}
    for source, found in pages.items():
        found.sort(key=lambda pair: pair[0])
        first = found[0][1]
        text = "\n".join(c.text for _, c in found if c.page == first.page)
        head = f"{first.title}\n{Path(source).stem}\n{first.publisher}"
        profiles[source] = f"{head}\n{text[:PROFILE_CHARS]}"
    return profiles


def _first_line(profile: str) -> list[str]:
    """The first line of a profile's page text (after title, file name and publisher)."""
    lines = [ln for ln in profile.split("\n")[3:] if ln.strip()]
    return lines[:1]


ROW_LABEL_CHARS = 120  # a longer line is prose, not a row label or heading


def row_labels(chunk: Chunk) -> str:
    """What names a chunk's table rows: each row's label (the text before its first cell)
    and the heading lines above them; "" for a chunk without table rows. A row's cells repeat
    its column headers ("Three Months Ended July 30, 2023: …"), so in the chunk's own text its
    label is a few words among many; this is the text a row is looked up by."""
    lines = [ln.strip() for ln in chunk.text.splitlines() if ln.strip()]
    if not any(" | " in ln for ln in lines):
        return ""
    named = [ln.split(" | ")[0] if " | " in ln else ln for ln in lines]
    return " ".join([chunk.section, *(n for n in named if len(n) <= ROW_LABEL_CHARS)])


class LexicalIndex:
    """BM25 over all committed chunks, with metadata arrays for filtering; and a second BM25
    over the chunks' row labels (row_labels), so that a table row is found by what it is
    about, not drowned by its column headers."""

    def __init__(self, bm25, meta: _Meta, labels=None) -> None:  # type: ignore[no-untyped-def]
        self.bm25 = bm25
        self.labels = labels
        self.meta = meta
        self._sources = np.array(meta.sources, dtype=object)
        self._publishers = np.array(meta.publishers, dtype=object)
        self._years = np.array(meta.years)

    @classmethod
    def build(cls, chunks: list[Chunk]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25()
        titles = {c.title: tokenize(c.title) for c in chunks}
        texts = [tokenize(c.text) for c in chunks]
        corpus = [
            titles[c.title] + tokenize(c.section) + t or ["_empty_"]
            for c, t in zip(chunks, texts, strict=True)
        ]
        labels = bm25s.BM25()
        if corpus:
            bm25.index(corpus, show_progress=False)
            labels.index(
                [tokenize(row_labels(c)) or ["_empty_"] for c in chunks], show_progress=False
            )
        meta = _Meta(
            ids=[c.chunk_id for c in chunks],
            sources=[c.source for c in chunks],
            publishers=[c.publisher for c in chunks],
            years=[c.year if c.year is not None else -1 for c in chunks],
        )
        meta.profiles = profiles_of(chunks)
        meta.spread = spread_of(chunks, texts, meta.profiles)
        meta.boilerplate = sorted(boilerplate_chunks(chunks))
        return cls(bm25, meta, labels)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.meta.ids:
            self.bm25.save(str(tmp), show_progress=False)
            self.labels.save(str(tmp / "labels"), show_progress=False)
        (tmp / "meta.json").write_text(json.dumps(self.meta.__dict__))
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        meta = _Meta(**json.loads((path / "meta.json").read_text()))
        if not meta.ids:
            return cls(bm25s.BM25(), meta, bm25s.BM25())
        bm25 = bm25s.BM25.load(str(path), show_progress=False)
        return cls(bm25, meta, bm25s.BM25.load(str(path / "labels"), show_progress=False))

    @cached_property
    def profile_terms(self) -> dict[str, set[str]]:
        """Each document's profile as terms, made once per index, not once per question."""
        return {source: set(tokenize(text)) for source, text in self.meta.profiles.items()}

    @cached_property
    def cover_terms(self) -> dict[str, set[str]]:
        """Each document's title, file name and the first line of its first page (the cover's
        heading, "THE DHS STRATEGIC PLAN Fiscal Years 2020-2024") as terms: what dates the
        document when a question names it by its year or span ("the FY 2020-2024 plan")."""
        return {
            source: set(tokenize(" ".join(text.split("\n")[:2] + _first_line(text))))
            for source, text in self.meta.profiles.items()
        }

    @cached_property
    def boilerplate(self) -> frozenset[str]:
        """Ids of the chunks that many documents print word for word (boilerplate.py)."""
        return frozenset(self.meta.boilerplate)

    @cached_property
    def title_years(self) -> frozenset[str]:
        """Years printed on the documents' title pages (their periods and editions)."""
        return frozenset(YEAR.findall(" ".join(self.meta.profiles.values())))

    def knows(self, text: str) -> bool:
        """Does every term of `text` occur somewhere in the library (holds)?"""
        return holds(self.bm25.vocab_dict if self.meta.ids else {}, text)

    def search(
        self,
        query: str,
        n: int,
        filters: Filters | None = None,
        ignore: frozenset[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks with a positive score. `ignore`: terms
        that do not count (those that only named the documents searched)."""
        tokens = self._terms(self.bm25, query, ignore)
        if not tokens:
            return []
        mask = self._mask(filters) if filters else None
        scores = self.bm25.get_scores(tokens) if mask is None else self._scoped(tokens, mask)
        return self._best(scores, n)

    def search_rows(
        self,
        query: str,
        n: int,
        filters: Filters | None = None,
        ignore: frozenset[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks by their row labels (row_labels)."""
        tokens = self._terms(self.labels, query, ignore)
        if not tokens:
            return []
        scores = self.labels.get_scores(tokens)
        mask = self._mask(filters) if filters else None
        return self._best(scores if mask is None else np.where(mask, scores, 0.0), n)

    def _terms(self, index, query: str, ignore: frozenset[str]) -> list[str]:  # type: ignore[no-untyped-def]
        """The query's terms that `index` knows, less those to `ignore`."""
        vocab = index.vocab_dict if self.meta.ids else {}
        return [t for t in tokenize(query) if t in vocab and t not in ignore]

    def _best(self, scores: np.ndarray, n: int) -> list[tuple[str, float]]:
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.meta.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _scoped(self, tokens: list[str], mask: np.ndarray) -> np.ndarray:
        """BM25 within the chunks of `mask`, each term's rarity measured there: "fiscal 2024"
        is rare in a library of filings and common in the one filing that uses it, where it
        should not outweigh the words of the row that answers. (bm25s bakes the library's IDF
        into its scores; each term's score is rescaled by the ratio of the two IDFs.)"""
        total = np.zeros(len(self.meta.ids))
        inside = int(mask.sum())
        for t in tokens:
            scores = self.bm25.get_scores([t])
            scale = _idf(inside, int((scores[mask] > 0).sum())) / _idf(
                len(scores), int((scores > 0).sum())
            )
            total += scores * scale
        return np.where(mask, total, 0.0)

    def _mask(self, filters: Filters) -> np.ndarray | None:
        mask = None
        if filters.sources:
            mask = _and(mask, np.isin(self._sources, list(filters.sources)))
        if filters.publishers:
            mask = _and(mask, np.isin(self._publishers, list(filters.publishers)))
        if filters.years:
            mask = _and(mask, np.isin(self._years, list(filters.years)))
        return mask


def _idf(n: int, df: int) -> float:
    """BM25's (Lucene's) inverse document frequency."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _and(mask: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    return other if mask is None else mask & other
