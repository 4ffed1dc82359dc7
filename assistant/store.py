"""The Chroma store: chunk vectors plus a catalogue of documents, embedded or on a server.

Two collections share one name derived from the embedding model and chunk settings:
`<index>` holds chunk vectors (cosine space) with their metadata; `<index>-docs` holds one
record per document (Chroma needs a vector for every record, so these carry a 1-dimensional
placeholder). Keeping the catalogue in Chroma means every client of a Chroma server sees the
same library.

Writes are ordered so that a document is never half present: the record is first marked
pending, new chunks are added, old chunks removed, then the record is committed. Readers only
trust committed records, and `recover()` removes whatever a crash left pending.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from assistant.errors import StoreUnavailableError
from assistant.types import Chunk, DocumentRecord, Filters

MAX_BATCH = 2000


def connect(data_dir: Path, chroma_url: str | None):  # type: ignore[no-untyped-def]
    """An embedded PersistentClient under data_dir, or an HttpClient to `chroma_url`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    quiet = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=quiet)
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    try:
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=quiet,
        )
        client.heartbeat()
    except Exception as exc:
        raise StoreUnavailableError(
            f"cannot reach the Chroma server at {chroma_url} ({type(exc).__name__}). "
            "Start it with `chroma run --path DIR --port 8000`, or drop --chroma-url to use "
            "the embedded store."
        ) from exc
    return client


def chunk_metadata(chunk: Chunk, content_hash: str) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "title": chunk.title,
        "publisher": chunk.publisher,
        "content_hash": content_hash,
        "page": chunk.page if chunk.page is not None else -1,
        "year": chunk.year if chunk.year is not None else -1,
        "section": chunk.section,
        "period": chunk.period,
    }
    return meta


def chunk_from(chunk_id: str, text: str, meta: dict) -> Chunk:
    page = int(meta.get("page", -1))
    year = int(meta.get("year", -1))
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        page=None if page < 0 else page,
        text=text,
        publisher=str(meta.get("publisher", "")),
        year=None if year < 0 else year,
        section=str(meta.get("section", "")),
        period=str(meta.get("period", "")),
    )


def where_clause(filters: Filters | None) -> dict | None:
    """Chroma `where` for the filters, or None."""
    if not filters:
        return None
    parts: list[dict] = []
    if filters.sources:
        parts.append({"source": {"$in": list(filters.sources)}})
    if filters.publishers:
        parts.append({"publisher": {"$in": list(filters.publishers)}})
    if filters.years:
        parts.append({"year": {"$in": list(filters.years)}})
    return parts[0] if len(parts) == 1 else {"$and": parts}


class Store:
    def __init__(self, client, index_name: str) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.index_name = index_name
        try:
            self.chunks = client.get_or_create_collection(
                index_name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            self.docs = client.get_or_create_collection(
                f"{index_name}-docs", embedding_function=None
            )
        except Exception as exc:
            raise StoreUnavailableError(f"cannot open the Chroma collections ({exc})") from exc

    # --- documents ---------------------------------------------------------------------------

    def records(self) -> list[DocumentRecord]:
        """Committed documents (a new one still being written has no content hash yet)."""
        got = self.docs.get(include=["metadatas"])
        out = [_record_from(m) for m in got["metadatas"] or [] if m.get("content_hash")]
        return sorted(out, key=lambda r: r.source)

    def record(self, doc_id: str) -> DocumentRecord | None:
        return next(iter(self._records_by_id([doc_id])), None)

    def _records_by_id(self, ids: list[str]) -> list[DocumentRecord]:
        got = self.docs.get(ids=ids, include=["metadatas"])
        return [_record_from(m) for m in got["metadatas"] or [] if m.get("content_hash")]

    def _put_records(self, records: list[DocumentRecord], pending: list[str]) -> None:
        metas = []
        for record, pending_hash in zip(records, pending, strict=True):
            meta = {k: v for k, v in asdict(record).items() if v is not None}
            meta["pending_hash"] = pending_hash
            metas.append(meta)
        self.docs.upsert(
            ids=[r.doc_id for r in records], embeddings=[[0.0]] * len(records), metadatas=metas
        )

    # --- writes ------------------------------------------------------------------------------

    def write_documents(self, docs: list[tuple[DocumentRecord, list[Chunk], np.ndarray]]) -> None:
        """Add or replace documents so that readers see each one's old or new version, whole.

        One batch of writes for many documents: pending markers, all new chunks, removal of
        replaced chunks, then the committed records.
        """
        if not docs:
            return
        old = {r.doc_id: r for r in self._records_by_id([d[0].doc_id for d in docs])}
        markers = [old.get(r.doc_id) or replace(r, content_hash="") for r, _, _ in docs]
        self._put_records(markers, [r.content_hash for r, _, _ in docs])
        rows = [
            (c, r.content_hash, v)
            for r, chunks, vecs in docs
            for c, v in zip(chunks, vecs, strict=True)
        ]
        for start in range(0, len(rows), MAX_BATCH):
            batch = rows[start : start + MAX_BATCH]
            self.chunks.add(
                ids=[c.chunk_id for c, _, _ in batch],
                embeddings=[v.tolist() for _, _, v in batch],
                documents=[c.text for c, _, _ in batch],
                metadatas=[chunk_metadata(c, h) for c, h, _ in batch],
            )
        for record, _, _ in docs:
            if record.doc_id in old:
                self.chunks.delete(
                    where={
                        "$and": [
                            {"doc_id": record.doc_id},
                            {"content_hash": {"$ne": record.content_hash}},
                        ]
                    }
                )
        self._put_records([r for r, _, _ in docs], ["" for _ in docs])

    def write_document(
        self, record: DocumentRecord, chunks: list[Chunk], embeddings: np.ndarray
    ) -> None:
        self.write_documents([(record, chunks, embeddings)])

    def delete_document(self, doc_id: str) -> None:
        record = self.record(doc_id)
        if record is not None:
            self._put_records([record], ["deleting"])
        self.chunks.delete(where={"doc_id": doc_id})
        self.docs.delete(ids=[doc_id])

    def recover(self) -> list[str]:
        """Undo writes a crash interrupted; return the affected document ids."""
        got = self.docs.get(where={"pending_hash": {"$ne": ""}}, include=["metadatas"])
        ids = [str(m["doc_id"]) for m in got["metadatas"] or []]
        for doc_id in ids:
            self.chunks.delete(where={"doc_id": doc_id})
            self.docs.delete(ids=[doc_id])
        return ids

    # --- reads -------------------------------------------------------------------------------

    def count(self) -> int:
        return self.chunks.count()

    def query(
        self, embedding: np.ndarray, n: int, filters: Filters | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine similarity."""
        res = self.chunks.query(
            query_embeddings=[embedding.tolist()],
            n_results=n,
            where=where_clause(filters),
            include=["documents", "metadatas", "distances"],
        )
        ids, docs = res["ids"][0], res["documents"][0]  # type: ignore[index]
        metas, dists = res["metadatas"][0], res["distances"][0]  # type: ignore[index]
        return [
            (chunk_from(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(ids, docs, metas, dists, strict=True)
        ]

    def iter_chunks(self, page_size: int = 5000) -> Iterator[Chunk]:
        """Every stored chunk, in pages (for the lexical index)."""
        offset = 0
        while True:
            got = self.chunks.get(
                include=["documents", "metadatas"], limit=page_size, offset=offset
            )
            if not got["ids"]:
                return
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield chunk_from(i, d, m)
            offset += len(got["ids"])

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        got = self.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        return [
            chunk_from(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]


def _record_from(meta: dict) -> DocumentRecord:
    year = meta.get("year")
    return DocumentRecord(
        doc_id=str(meta["doc_id"]),
        source=str(meta.get("source", "")),
        path=str(meta.get("path", "")),
        title=str(meta.get("title", "")),
        publisher=str(meta.get("publisher", "")),
        year=int(year) if year not in (None, -1) else None,
        pages=int(meta.get("pages", 0)),
        chunks=int(meta.get("chunks", 0)),
        content_hash=str(meta.get("content_hash", "")),
        added=str(meta.get("added", "")),
    )


def fingerprint(records: list[DocumentRecord]) -> str:
    """Changes whenever a committed document is added, changed or removed."""
    import hashlib

    key = json.dumps(sorted((r.doc_id, r.content_hash) for r in records))
    return hashlib.sha256(key.encode()).hexdigest()[:16]
