"""The ingestion pipeline: files → Documents → Chunks → vectors in the store.

Unchanged files (same content hash) are skipped without being parsed, changed files replace
their old chunks, and `prune` drops documents whose files are gone. Each file is parsed,
chunked and embedded before anything is written, so a file that fails is reported by name with
its reason and leaves nothing behind, while the files beside it are still ingested.
"""

from __future__ import annotations

import hashlib
import re
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.embed import Embedder
from assistant.errors import DocumentError
from assistant.ingest.chunking import Chunker
from assistant.ingest.readers import SUPPORTED, read
from assistant.store import Store
from assistant.types import Document, DocumentMeta, DocumentRecord, FileFailure, IngestReport

MANIFEST = "manifest.toml"
Progress = Callable[[Path], None]


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    chunks_added: int = 0


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
    def __init__(self, store: Store, embedder: Embedder, chunker: Chunker) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker

    def run(
        self, paths: Iterable[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        self.store.recover()
        files, failures = expand(paths)
        records = {r.doc_id: r for r in self.store.records()}
        tally = _Tally()
        manifests: dict[Path, dict] = {}
        for path in files:
            if progress:
                progress(path)
            try:
                self._ingest_one(path, records, manifests, tally)
            except DocumentError as exc:
                failures.append(FileFailure(str(path), str(exc)))
            except OSError as exc:
                failures.append(FileFailure(str(path), f"cannot read file ({exc.strerror})"))
        if prune:
            tally.removed = self._prune(records.values())
        return IngestReport(
            added=tally.added,
            updated=tally.updated,
            skipped=tally.skipped,
            removed=tally.removed,
            chunks_added=tally.chunks_added,
            failed=tuple(failures),
            seconds=round(time.perf_counter() - started, 3),
        )

    def _ingest_one(
        self, path: Path, records: dict[str, DocumentRecord], manifests: dict, tally: _Tally
    ) -> None:
        if path.suffix.lower() not in SUPPORTED:
            raise DocumentError(
                f"unsupported file type '{path.suffix or path.name}' "
                f"(supported: {', '.join(SUPPORTED)})"
            )
        data = path.read_bytes()
        content_hash = hashlib.sha256(data).hexdigest()
        doc_id = doc_id_for(path)
        old = records.get(doc_id)
        if old is not None and old.content_hash == content_hash:
            tally.skipped += 1
            return
        doc = self._parse(path, doc_id, content_hash, _manifest_for(path, manifests))
        chunks = self.chunker.chunk(doc)
        vectors = self.embedder.embed([self.chunker.embedding_text(c) for c in chunks])
        record = DocumentRecord(
            doc_id=doc_id,
            source=path.name,
            path=str(path.resolve()),
            title=doc.meta.title,
            publisher=doc.meta.publisher,
            year=doc.meta.year,
            pages=sum(1 for p in doc.pages if p.number is not None) or 0,
            chunks=len(chunks),
            content_hash=content_hash,
            added=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.store.write_document(record, chunks, vectors)
        records[doc_id] = record
        tally.chunks_added += len(chunks)
        if old is None:
            tally.added += 1
        else:
            tally.updated += 1

    def _parse(self, path: Path, doc_id: str, content_hash: str, manifest: dict) -> Document:
        parsed = read(path)
        year = manifest.get("year") or _year_from_name(path.name)
        meta = DocumentMeta(
            title=str(manifest.get("title") or parsed.title or path.stem).strip(),
            publisher=str(manifest.get("publisher") or parsed.publisher or "").strip(),
            year=int(year) if year else None,
        )
        return Document(
            doc_id=doc_id,
            path=str(path.resolve()),
            source=path.name,
            content_hash=content_hash,
            meta=meta,
            pages=tuple(parsed.pages),
        )

    def _prune(self, records: Iterable[DocumentRecord]) -> int:
        removed = 0
        for record in list(records):
            if record.path and not Path(record.path).exists():
                self.store.delete_document(record.doc_id)
                removed += 1
        return removed
