"""Parse files in a child process with a ceiling on its memory and on the time per file.

A decompression bomb, a crafted PDF or a parser bug then costs one file: the child is killed
(or dies), the file is reported with the reason, a fresh child takes the next file, and the
good files beside it are still indexed. The readers' own limits (readers.Limits) catch most
bombs cheaply before parsing; this is the backstop for what they cannot foresee.

Written here rather than with `concurrent.futures.ProcessPoolExecutor`: a pool whose worker
dies is broken for every later task, and a task that overruns cannot be stopped without
killing the pool's processes by hand. One child, one pipe, replaced when it fails, is simpler.
The child is started with the "forkserver" method so it never inherits the parent's threads
(the embedding runtime's thread pool) or its memory.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.readers import Limits, Parsed, read


@dataclass(frozen=True)
class Ceiling:
    memory_mb: int = 2048
    seconds: float = 120.0


def _child(conn: Connection, limits: Limits, memory_mb: int) -> None:
    """Parse paths sent over `conn` until it closes; answer ("ok", Parsed) or ("error", why).
    The parsers' libraries are loaded before the ceiling is set: mapping a native library
    under a tight address-space limit can fail, and that is not the file's fault."""
    import bs4  # noqa: F401
    import docx  # noqa: F401
    import pymupdf  # noqa: F401

    cap = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", read(Path(path), limits)))
        except DocumentError as exc:  # a parser that ran out of memory may say so in its words
            conn.send(
                ("error", _over_memory(memory_mb) if _OUT_OF_MEMORY.search(str(exc)) else str(exc))
            )
        except MemoryError:
            conn.send(("error", _over_memory(memory_mb)))
        except Exception as exc:  # a parser bug on one file must not stop the batch
            out_of_memory = _OUT_OF_MEMORY.search(str(exc))
            why = _over_memory(memory_mb) if out_of_memory else f"cannot be parsed ({exc})"
            conn.send(("error", why[:300]))


_OUT_OF_MEMORY = re.compile(r"bad_alloc|out of memory|[mc]alloc\b.*failed|cannot allocate", re.I)


def _over_memory(memory_mb: int) -> str:
    return f"parsing needs more than the {memory_mb} MB memory limit"


class Sandbox:
    """One parsing child at a time; `read` is called from one thread."""

    def __init__(self, limits: Limits, ceiling: Ceiling) -> None:
        self.limits = limits
        self.ceiling = ceiling
        self._proc: mp.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def read(self, path: Path) -> Parsed:
        conn = self._start()
        conn.send(str(path))
        if not conn.poll(self.ceiling.seconds):
            self.close()
            raise DocumentError(f"parsing took longer than the {self.ceiling.seconds:g} s limit")
        try:
            kind, payload = conn.recv()
        except (EOFError, ConnectionError):
            self.close()
            raise DocumentError(
                f"the parser stopped (out of its {self.ceiling.memory_mb} MB memory limit, or "
                "crashed on this file)"
            ) from None
        if kind == "error":
            if payload == _over_memory(self.ceiling.memory_mb):
                self.close()  # the next file gets a fresh child, not one short of memory
            raise DocumentError(payload)
        return payload

    def _start(self) -> Connection:
        if self._proc is None or not self._proc.is_alive() or self._conn is None:
            self.close()
            ctx = mp.get_context("forkserver")
            ours, theirs = ctx.Pipe()
            self._proc = ctx.Process(
                target=_child, args=(theirs, self.limits, self.ceiling.memory_mb), daemon=True
            )
            self._proc.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(timeout=5)
            self._proc = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
