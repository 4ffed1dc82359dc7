"""One writer at a time per data directory, across processes.

Two processes ingesting into the same store would interleave their pending markers and
catalogue updates. A writer takes an exclusive `flock` on `<data dir>/write.lock` for the whole
write; a second writer fails at once with a message naming the process that holds the lock.
Readers (questions, `sources`) never take it. The lock is advisory and local to this machine:
writers on other machines sharing a Chroma server are not seen.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import StoreBusyError


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "write.lock"
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise StoreBusyError(
                f"the library in {data_dir} is being written by {holder}; try again when it "
                "finishes"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
