"""Hybrid retrieval: dense vectors from Chroma plus BM25, fused by reciprocal rank, within the
documents a question names (documents.py).

Dense search finds paraphrases ("chip subsidies" for "semiconductor manufacturing incentives");
BM25 finds exact figures and names ("378,000", "BEAD"). Reciprocal-rank fusion needs no score
calibration between the two; the best few of each ranking are added when fusion leaves them out.
The best dense similarity is kept so that the caller can refuse when nothing in the library is
close to the question (the relevance floor).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.documents import named_documents, naming_terms, period_groups
from assistant.embed import Embedder
from assistant.fiscal import dated, fiscal_quarter, quarter_end
from assistant.lexical import TOKENIZER_VERSION, LexicalIndex
from assistant.question import name_groups
from assistant.store import Store, fingerprint
from assistant.types import Chunk, DocumentRecord, Filters, Hit

OUTSIDE = 2  # chunks from outside the named documents kept after theirs
# How many following chunks may finish a table a retrieved chunk ends in. Not tuned: a bound
# on added text (three 200-token chunks hold the rest of a statement page's table).
TABLE_CHUNKS = 3


def chosen(order: list[str], rankings: tuple[list[str], ...], top_k: int, keep: int) -> list[str]:
    """The `top_k` best of the fused `order`, and the `keep` best of each ranking that fusion
    left out: a passage BM25 ranks first for a question full of dates ("… workforce … the
    quarter ended March 31, 2023") can sit far down the dense ranking, below table rows that
    share the dates, and fusion alone would drop it."""
    sure = {cid for ranking in rankings for cid in ranking[:keep]}
    best = set(order[:top_k])
    return [cid for cid in order if cid in best or cid in sure]


@dataclass(frozen=True)
class Retrieval:
    hits: tuple[Hit, ...]
    best_dense: float
    query_embedding: np.ndarray
    doc_terms: frozenset[str] = frozenset()  # the question's terms that named the documents


def next_chunk_id(chunk_id: str) -> str:
    """The id of the chunk after this one in its document ("doc:hash:7" → "doc:hash:8")."""
    stem, _, n = chunk_id.rpartition(":")
    return f"{stem}:{int(n) + 1}" if n.isdigit() else ""


def _ends_in_row(text: str) -> bool:
    return " | " in text.rstrip().rpartition("\n")[2]


def rows_after(text: str, following: str) -> tuple[str, bool]:
    """The table rows that open `following` and are not already in `text` (chunks overlap),
    up to the first line that is not a row; and whether the table ended there."""
    rows = []
    for line in filter(None, map(str.strip, following.splitlines())):
        if " | " not in line:
            return "\n\n".join(rows), True
        if line not in text:
            rows.append(line)
    return "\n\n".join(rows), False


class HybridRetriever:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        cache_dir: Path,
        candidates: int,
        rrf_k: int,
        doc_rare_share: float = 0.1,
        doc_margin: float = 0.8,
        scope_floor: float = 0.2,
        keep_best: int = 2,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.doc_rare_share = doc_rare_share
        self.doc_margin = doc_margin
        self.scope_floor = scope_floor
        self.keep_best = keep_best
        self._lexical: LexicalIndex | None = None
        self._fingerprint = ""
        self._records: dict[str, DocumentRecord] = {}

    def refresh(self) -> None:
        """Re-read the catalogue; rebuild or load the BM25 index only if the library changed."""
        records = self.store.records()
        self._records = {r.doc_id: r for r in records}
        fp = fingerprint(records)
        if fp == self._fingerprint and self._lexical is not None:
            return
        path = self.cache_dir / f"{self.store.index_name}-{fp}-t{TOKENIZER_VERSION}"
        if (path / "meta.json").is_file():
            self._lexical = LexicalIndex.load(path)
        else:
            chunks = [c for c in self.store.iter_chunks() if self.visible(c)]
            self._lexical = LexicalIndex.build(chunks)
            self._lexical.save(path)
            self._drop_stale(keep=path)
        self._fingerprint = fp

    def _drop_stale(self, keep: Path) -> None:
        import shutil

        for old in self.cache_dir.glob(f"{self.store.index_name}-*"):
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)

    def visible(self, chunk: Chunk) -> bool:
        """Only chunks of the committed version of a document count (see store.py)."""
        record = self._records.get(chunk.doc_id)
        return record is not None and chunk.chunk_id.split(":")[1] == record.content_hash[:12]

    def knows(self, term: str) -> bool:
        """Is `term` in the library's vocabulary?"""
        if self._lexical is None:
            self.refresh()
        return self._lexical is not None and self._lexical.knows(term)

    @property
    def records(self) -> dict[str, DocumentRecord]:
        return self._records

    def title_years(self) -> frozenset[str]:
        """Years printed on the documents' title pages (their periods and editions)."""
        if self._lexical is None:
            self.refresh()
        assert self._lexical is not None
        return self._lexical.title_years

    def profile_terms(self) -> dict[str, set[str]]:
        """Each document's profile (title, file name, first page) as terms."""
        if self._lexical is None:
            self.refresh()
        assert self._lexical is not None
        return self._lexical.profile_terms

    def named(self, query: str) -> tuple[str, ...]:
        """The documents (file names) the question names, if it names any."""
        if self._lexical is None:
            self.refresh()
        assert self._lexical is not None
        lexical = self._lexical
        return named_documents(
            query,
            lexical.profile_terms,
            lexical.meta.spread,
            self.doc_rare_share,
            self.doc_margin,
            lexical.cover_terms,
        )

    def dated(self, question: str) -> str:
        """The question with the end date of the fiscal quarter it names without one, when the
        filings it names give exactly one (fiscal.py)."""
        quarter = fiscal_quarter(question)
        named = self.named(question) if quarter is not None else ()
        if quarter is None or not named:
            return question
        docs = [r.doc_id for r in self._records.values() if r.source in named]
        texts = [c.text for doc_id in docs for c in self.store.chunks_of(doc_id)]
        end = quarter_end(quarter, texts)
        return dated(question, quarter, end) if end else question

    def retrieve(self, query: str, top_k: int, filters: Filters | None = None) -> Retrieval:
        """Hybrid search. When the question names documents (and the user has not chosen
        some), the best `top_k` chunks of those documents come first, followed by the best
        `OUTSIDE` chunks of the whole library: a wrongly named document then costs rank, not
        the answer."""
        if self._lexical is None:
            self.refresh()
        emb = self.embedder.embed([query])[0]
        everywhere = self._search(query, emb, top_k, filters)
        named = () if filters and filters.sources else self.named(query)
        if not named:
            return everywhere
        base = filters or Filters()
        lexical = self._lexical
        names = name_groups(query, with_initials=False) + period_groups(query)
        terms = naming_terms(names, lexical.profile_terms, named)
        scope = Filters(named, base.publishers, base.years)
        scoped = self._search(query, emb, top_k, scope, terms)
        if not scoped.hits or scoped.best_dense < self.scope_floor:
            return everywhere
        ids = {h.chunk.chunk_id for h in scoped.hits}
        extra = [h for h in everywhere.hits if h.chunk.chunk_id not in ids][:OUTSIDE]
        best = max(scoped.best_dense, everywhere.best_dense)
        return Retrieval(scoped.hits + tuple(extra), best, everywhere.query_embedding, terms)

    def _search(
        self,
        query: str,
        emb: np.ndarray,
        top_k: int,
        filters: Filters | None,
        ignore: frozenset[str] = frozenset(),
    ) -> Retrieval:
        assert self._lexical is not None
        found = self.store.query(emb, self.candidates, filters)
        common = self._lexical.boilerplate
        dense = [(c, s) for c, s in found if self.visible(c) and c.chunk_id not in common]
        lexical = self._lexical.search(query, self.candidates, filters, ignore)
        lexical = [(cid, s) for cid, s in lexical if cid not in common]
        rows = [cid for cid, _ in self._lexical.search_rows(query, self.keep_best, filters, ignore)]
        hits = self._fuse(dense, lexical, top_k, [cid for cid in rows if cid not in common])
        best = max((s for _, s in dense), default=0.0)
        return Retrieval(hits=tuple(hits), best_dense=best, query_embedding=emb)

    def _fuse(
        self,
        dense: list[tuple[Chunk, float]],
        lexical: list[tuple[str, float]],
        top_k: int,
        rows: list[str] | None = None,
    ) -> list[Hit]:
        """Reciprocal-rank fusion of the dense and BM25 rankings; the best of each, and the
        best chunks by row label (`rows`, which take no part in the fusion), are kept even
        when fusion leaves them out."""
        scores: dict[str, float] = {}
        for rank, (chunk, _) in enumerate(dense):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (self.rrf_k + rank)
        for rank, (cid, _) in enumerate(lexical):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (self.rrf_k + rank)
        order = sorted(scores, key=lambda cid: -scores[cid])
        firsts = [c.chunk_id for c, _ in dense], [cid for cid, _ in lexical], rows or []
        order += [cid for cid in rows or [] if cid not in scores]
        ranked = chosen(order, firsts, top_k, self.keep_best)
        by_id: dict[str, tuple[Chunk, float | None]] = {c.chunk_id: (c, s) for c, s in dense}
        for chunk in filter(self.visible, self._fetch([c for c in ranked if c not in by_id])):
            by_id[chunk.chunk_id] = (chunk, None)
        lex = dict(lexical)
        hits = [
            Hit(by_id[cid][0], scores.get(cid, 0.0), by_id[cid][1], lex.get(cid))
            for cid in ranked
            if cid in by_id
        ]
        return self._tables_finished(hits)

    def _tables_finished(self, hits: list[Hit]) -> list[Hit]:
        """Hits whose chunk ends inside a table get the rest of that table's rows from the
        chunks after it on the same page (up to TABLE_CHUNKS of them): a chunk holds a few
        rows of a long table, and the row that answers (often its "Total") may be past the
        cut. Same page, so the citation is unchanged; what is added is the page's own text."""
        texts = [h.chunk.text for h in hits]
        cursor = {i: h.chunk.chunk_id for i, h in enumerate(hits) if _ends_in_row(h.chunk.text)}
        for _ in range(TABLE_CHUNKS):
            wanted = {i: next_chunk_id(cid) for i, cid in cursor.items()}
            fetched = filter(self.visible, self._fetch([c for c in wanted.values() if c]))
            following = {c.chunk_id: c for c in fetched}
            for i, nid in wanted.items():
                after = following.get(nid)
                if after is None or after.page != hits[i].chunk.page:
                    del cursor[i]
                    continue
                rows, ended = rows_after(texts[i], after.text)
                texts[i] = f"{texts[i]}\n\n{rows}".rstrip()
                if ended:
                    del cursor[i]
                else:
                    cursor[i] = nid
        return [
            h if t == h.chunk.text else replace(h, chunk=replace(h.chunk, text=t))
            for h, t in zip(hits, texts, strict=True)
        ]

    def _fetch(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        from assistant.store import chunk_from

        got = self.store.chunks.get(ids=ids, include=["documents", "metadatas"])
        return [
            chunk_from(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
