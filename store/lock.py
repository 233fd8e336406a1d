"""One crawl at a time per archive: an exclusive lock on `<archive>.crawl-lock`.

The kernel drops the lock when its holder dies (kill -9 included), so a crashed crawl never leaves
a stale lock, and a second crawl started while one runs refuses instead of crawling beside it on the
same frontier and database."""
from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; crawls are not guarded there
    fcntl = None  # type: ignore[assignment]

_HELD: dict[str, int] = {}


class ArchiveBusy(Exception):
    """Another process is crawling into this archive."""


def lock_path(db_path: str | os.PathLike) -> Path:
    """Where the crawl lock of an archive lives."""
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".crawl-lock")


def acquire(db_path: str | os.PathLike) -> Path:
    """Take the archive's crawl lock for this process (idempotent); raise ArchiveBusy if another
    process holds it. Returns the lock file's path."""
    path = lock_path(db_path)
    key = str(path)
    if key in _HELD or fcntl is None:
        return path
    fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise ArchiveBusy(f"another crawl is writing to {Path(db_path).resolve()} (lock {path})") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _HELD[key] = fd
    return path


def release(db_path: str | os.PathLike) -> None:
    """Give the lock back (the process ending does the same)."""
    fd = _HELD.pop(str(lock_path(db_path)), None)
    if fd is not None:
        os.close(fd)
