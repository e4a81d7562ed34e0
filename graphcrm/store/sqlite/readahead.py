"""Read a store's file into the operating system's page cache ahead of a full run.

A portfolio scoring run reads nearly every page of the file, in an order the
kernel's read-ahead does not foresee (index and table pages of each account
in turn). On a file that is not in the page cache, SQLite then waits for one
4 KiB page after another: scoring 2,000 accounts of the 100k-account bench
store took 60 % longer cold than warm (docs/benchmarks.md, "Read-ahead, what
a worker sends back, and the run's start"). Asking the kernel for the whole
file in large sequential steps (``posix_fadvise(WILLNEED)``, which starts the
reads and returns) fills the cache at the disk's sequential rate, in a
background thread that costs well under a second of CPU for a 13 GB file.

Only a file that fits in half the memory the kernel reports as available is
read: a larger one would push out pages other programs need, and its run
would evict its own early pages anyway.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

STEP = 8 << 20
"""Bytes asked for by one ``posix_fadvise`` call (the kernel reads at most about
this much per call)."""

MEMINFO = Path("/proc/meminfo")


def available_memory(meminfo: Path = MEMINFO) -> int | None:
    """``MemAvailable`` of ``meminfo`` in bytes (None where there is no such file or line)."""
    try:
        lines = meminfo.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name == "MemAvailable":
            return int(value.split()[0]) * 1024
    return None


def worth_reading(size: int, available: int | None) -> bool:
    """Whether a file of ``size`` bytes is read ahead: it fits in half of ``available``
    (None, unknown: never)."""
    return available is not None and 0 < size <= available // 2


def read_ahead(path: Path, *, meminfo: Path = MEMINFO) -> threading.Thread | None:
    """Start reading ``path`` and its write-ahead log into the page cache in a daemon
    thread, when :func:`worth_reading`; return the thread (None when nothing is read:
    too large, no such file, or no ``posix_fadvise`` on this system)."""
    if not hasattr(os, "posix_fadvise"):
        return None
    try:
        files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
        size = sum(p.stat().st_size for p in files)
    except OSError:  # gone or unreadable: nothing to read ahead
        return None
    if not files or not worth_reading(size, available_memory(meminfo)):
        return None
    thread = threading.Thread(target=_advise, args=(files,), name="graphcrm-readahead")
    thread.daemon = True
    thread.start()
    return thread


def _advise(files: list[Path]) -> None:
    """Ask for every page of ``files``; a file the system will not advise on (gone, or a
    file system without read-ahead) is skipped: this is a hint, never an error."""
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            size = os.fstat(fd).st_size
            for offset in range(0, size, STEP):
                os.posix_fadvise(fd, offset, STEP, os.POSIX_FADV_WILLNEED)
        except OSError:
            continue
        finally:
            os.close(fd)
