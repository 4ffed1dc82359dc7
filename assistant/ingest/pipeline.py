"""The ingestion pipeline: files → Documents → Chunks → vectors in the store.

Unchanged files (same content hash) are skipped without being parsed, changed files replace
their old chunks, and `prune` drops documents whose files are gone. Files are parsed and
chunked in a worker thread a few files ahead, while the main thread embeds batches of chunks
across files (small files would otherwise embed a handful of chunks per call). Nothing of a
file is written before it has been parsed, chunked and embedded, and each document is written
whole, so a file that fails is reported by name with its reason and leaves nothing behind,
while the files beside it are still ingested.
"""

from __future__ import annotations

import hashlib
import re
import time
import tomllib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from assistant.embed import Embedder
from assistant.errors import DocumentError
from assistant.ingest.chunking import Chunker
from assistant.ingest.readers import SUPPORTED, Limits
from assistant.ingest.sandbox import Ceiling, Sandbox
from assistant.store import Store
from assistant.types import (
    Chunk,
    Document,
    DocumentMeta,
    DocumentRecord,
    FileFailure,
    IngestReport,
)

MANIFEST = "manifest.toml"
Progress = Callable[[Path], object]
T = TypeVar("T")


BATCH_CHUNKS = 256  # chunks embedded in one call, across files
PREFETCH = 4  # files parsed ahead, in a thread, while the previous batch is embedded


@dataclass
class _Prepared:
    doc: Document
    chunks: list[Chunk]
    replaces: DocumentRecord | None
    warnings: list[str]


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    chunks_added: int = 0


def _prefetch(
    fn: Callable[[Path], T], items: list[Path], depth: int = PREFETCH
) -> Iterator[tuple[Path, T]]:
    """`fn` over `items` in a worker thread, at most `depth` ahead, results in order."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        queue: deque[tuple[Path, Future[T]]] = deque()
        for item in items:
            queue.append((item, pool.submit(fn, item)))
            if len(queue) > depth:
                path, future = queue.popleft()
                yield path, future.result()
        while queue:
            path, future = queue.popleft()
            yield path, future.result()


def _file_hash(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _record(doc: Document, chunks: int) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc.doc_id,
        source=doc.source,
        path=doc.path,
        title=doc.meta.title,
        publisher=doc.meta.publisher,
        year=doc.meta.year,
        pages=sum(1 for p in doc.pages if p.number is not None),
        chunks=chunks,
        content_hash=doc.content_hash,
        added=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def doc_id_for(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[FileFailure]]:
    """Files to ingest (folders walked recursively, hidden files and manifests left out)."""
    files: list[Path] = []
    failures: list[FileFailure] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.name != MANIFEST
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            failures.append(FileFailure(str(path), "no such file or folder"))
    return files, failures


def _manifest_for(path: Path, cache: dict[Path, dict]) -> dict:
    folder = path.parent
    if folder not in cache:
        manifest = folder / MANIFEST
        try:
            cache[folder] = tomllib.loads(manifest.read_text()).get("documents", {})
        except (OSError, tomllib.TOMLDecodeError):
            cache[folder] = {}
    return cache[folder].get(path.name, {})


def _year_from_name(name: str) -> int | None:
    m = re.search(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", name)
    return int(m.group(1)) if m else None


class Ingester:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        chunker: Chunker,
        limits: Limits | None = None,
        ceiling: Ceiling | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self._sandbox = Sandbox(limits or Limits(), ceiling or Ceiling())

    def run(
        self, paths: Iterable[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        self.store.recover()
        files, failures = expand(paths)
        records = {r.doc_id: r for r in self.store.records()}
        tally = _Tally()
        manifests: dict[Path, dict] = {}
        pending: list[_Prepared] = []
        warnings: list[FileFailure] = []
        prepare = lambda p: self._prepare(p, records, manifests)  # noqa: E731
        with self._sandbox:
            for path, outcome in _prefetch(prepare, files):
                if progress:
                    progress(path)
                if isinstance(outcome, FileFailure):
                    failures.append(outcome)
                elif outcome is None:
                    tally.skipped += 1
                else:
                    pending.append(outcome)
                    warnings += [FileFailure(str(path), w) for w in outcome.warnings]
                if sum(len(p.chunks) for p in pending) >= BATCH_CHUNKS:
                    self._write(pending, records, tally)
                    pending = []
        self._write(pending, records, tally)
        if prune:
            tally.removed = self._prune(records.values())
        return IngestReport(
            added=tally.added,
            updated=tally.updated,
            skipped=tally.skipped,
            removed=tally.removed,
            chunks_added=tally.chunks_added,
            failed=tuple(failures),
            warnings=tuple(warnings),
            seconds=round(time.perf_counter() - started, 3),
        )

    def _prepare(
        self, path: Path, records: dict[str, DocumentRecord], manifests: dict
    ) -> _Prepared | FileFailure | None:
        """Parse and chunk one file (None when unchanged), or say why it cannot be read."""
        try:
            return self._prepare_or_raise(path, records, manifests)
        except DocumentError as exc:
            return FileFailure(str(path), str(exc))
        except OSError as exc:
            return FileFailure(str(path), f"cannot read file ({exc.strerror})")

    def _prepare_or_raise(
        self, path: Path, records: dict[str, DocumentRecord], manifests: dict
    ) -> _Prepared | None:
        if path.suffix.lower() not in SUPPORTED:
            raise DocumentError(
                f"unsupported file type '{path.suffix or path.name}' "
                f"(supported: {', '.join(SUPPORTED)})"
            )
        content_hash = _file_hash(path)
        doc_id = doc_id_for(path)
        old = records.get(doc_id)
        if old is not None and old.content_hash == content_hash:
            return None
        doc, warnings = self._parse(path, doc_id, content_hash, _manifest_for(path, manifests))
        return _Prepared(doc, self.chunker.chunk(doc), old, warnings)

    def _write(
        self, batch: list[_Prepared], records: dict[str, DocumentRecord], tally: _Tally
    ) -> None:
        """Embed a batch of documents in one pass, then store them (each one whole)."""
        texts = [self.chunker.embedding_text(c) for p in batch for c in p.chunks]
        vectors = self.embedder.embed(texts)
        writes, offset = [], 0
        for prepared in batch:
            n = len(prepared.chunks)
            writes.append((_record(prepared.doc, n), prepared.chunks, vectors[offset : offset + n]))
            offset += n
        self.store.write_documents(writes)
        for (record, chunks, _), prepared in zip(writes, batch, strict=True):
            records[record.doc_id] = record
            tally.chunks_added += len(chunks)
            if prepared.replaces is None:
                tally.added += 1
            else:
                tally.updated += 1

    def _parse(
        self, path: Path, doc_id: str, content_hash: str, manifest: dict
    ) -> tuple[Document, list[str]]:
        parsed = self._sandbox.read(path)
        year = manifest.get("year") or _year_from_name(path.name)
        meta = DocumentMeta(
            title=str(manifest.get("title") or parsed.title or path.stem).strip(),
            publisher=str(manifest.get("publisher") or parsed.publisher or "").strip(),
            year=int(year) if year else None,
        )
        doc = Document(
            doc_id=doc_id,
            path=str(path.resolve()),
            source=path.name,
            content_hash=content_hash,
            meta=meta,
            pages=tuple(parsed.pages),
        )
        return doc, parsed.warnings

    def _prune(self, records: Iterable[DocumentRecord]) -> int:
        removed = 0
        for record in list(records):
            if record.path and not Path(record.path).exists():
                self.store.delete_document(record.doc_id)
                removed += 1
        return removed
