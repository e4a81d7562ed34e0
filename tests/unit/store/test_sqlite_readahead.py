"""Reading a store's file into the page cache ahead of a full scoring run."""

from __future__ import annotations

import ctypes
import mmap
import os
import threading
import time
from pathlib import Path

import pytest

from graphcrm.store.sqlite import readahead
from graphcrm.store.sqlite.readahead import available_memory, read_ahead, worth_reading

PAGE = mmap.PAGESIZE


def _meminfo(tmp_path: Path, available_kib: int) -> Path:
    p = tmp_path / "meminfo"
    p.write_text(f"MemTotal: 24000000 kB\nMemFree: 1000 kB\nMemAvailable: {available_kib} kB\n")
    return p


def _resident(path: Path) -> int:
    """Pages of ``path`` in the page cache (mincore on a private mapping of it, which
    ctypes can address; its pages are never touched)."""
    size = path.stat().st_size
    libc = ctypes.CDLL(None, use_errno=True)
    with path.open("rb") as f:
        mm = mmap.mmap(f.fileno(), size, flags=mmap.MAP_PRIVATE)
    try:
        anchor = ctypes.c_char.from_buffer(mm)
        vec = (ctypes.c_ubyte * ((size + PAGE - 1) // PAGE))()
        if libc.mincore(ctypes.c_void_p(ctypes.addressof(anchor)), ctypes.c_size_t(size), vec):
            raise OSError(ctypes.get_errno(), "mincore")
        del anchor
        return sum(v & 1 for v in vec)
    finally:
        mm.close()


def _evict(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def test_read_ahead_brings_the_whole_file_and_its_log_into_the_cache(tmp_path: Path) -> None:
    db, wal = tmp_path / "s.sqlite3", tmp_path / "s.sqlite3-wal"
    db.write_bytes(os.urandom(3 * readahead.STEP + 5 * PAGE))  # more than one step, ragged
    wal.write_bytes(os.urandom(7 * PAGE))
    for p in (db, wal):
        _evict(p)
    if _resident(db) > 0:  # pragma: no cover - a file system that keeps every page (tmpfs)
        pytest.skip("this file system keeps files in memory: nothing to read ahead")
    thread = read_ahead(db, meminfo=_meminfo(tmp_path, 10**8))
    assert thread is not None
    thread.join(30)
    # the thread has asked for every page; the kernel reads them in the background
    want = {db: (db.stat().st_size + PAGE - 1) // PAGE, wal: 7}
    deadline = time.monotonic() + 20
    while {p: _resident(p) for p in want} != want and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {p: _resident(p) for p in want} == want


def test_read_ahead_leaves_a_file_larger_than_half_the_available_memory(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    db.write_bytes(os.urandom(64 * PAGE))
    _evict(db)
    assert read_ahead(db, meminfo=_meminfo(tmp_path, (64 * PAGE) // 1024)) is None
    assert read_ahead(tmp_path / "missing.sqlite3", meminfo=_meminfo(tmp_path, 10**8)) is None


def test_available_memory_reads_memavailable(tmp_path: Path) -> None:
    assert available_memory(_meminfo(tmp_path, 2048)) == 2048 * 1024
    assert available_memory(tmp_path / "missing") is None
    (tmp_path / "other").write_text("MemTotal: 10 kB\n")
    assert available_memory(tmp_path / "other") is None


@pytest.mark.parametrize(
    ("size", "available", "expected"),
    [(100, 200, True), (101, 200, False), (0, 200, False), (1, None, False)],
)
def test_worth_reading_only_files_in_half_the_available_memory(
    size: int, available: int | None, expected: bool
) -> None:
    assert worth_reading(size, available) is expected


def test_a_file_system_that_refuses_advice_ends_the_thread_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite3"
    db.write_bytes(os.urandom(4 * PAGE))
    advised: list[int] = []

    def refuse(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append(offset)
        raise OSError(22, "Invalid argument")

    errors: list[BaseException] = []
    monkeypatch.setattr(os, "posix_fadvise", refuse)
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    thread = read_ahead(db, meminfo=_meminfo(tmp_path, 10**8))
    assert thread is not None
    thread.join(10)
    assert advised == [0]
    assert errors == []
