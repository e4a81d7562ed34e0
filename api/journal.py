"""The invalidation journal: cache invalidations shared by every worker of one server.

``graphcrm serve --workers N`` runs N processes, each with its own analytics
cache (:mod:`api.cache`). A write through any of them appends the cache tags
it invalidated to this journal, one small SQLite file beside the keys file
(:func:`journal_path`); every worker, before it reads its cache, asks SQLite
whether another connection committed to the journal since it last looked
(``PRAGMA data_version``: a read of shared memory, no query) and, if so,
applies the new rows. The row is committed before the write's response is
sent, so a read that starts after that response sees the write, whichever
worker serves either. The store is the same for SQLite and Neo4j: only the
journal is shared, never the cached values.

The journal's write transaction (``BEGIN IMMEDIATE``) is also the write lock
across the workers: :meth:`InvalidationJournal.exclusive` is held around the
If-Match check, the territory check, the store write and the journal row, so
API writes run one at a time across all the workers as across the threads of
one. Writes made outside the API (the CLI) are not in the journal: cached
results about the present see them after ``GRAPHCRM_API_CACHE_TTL_SECONDS``.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from graphcrm.errors import StoreUnavailableError

EVERYTHING: Final = "*"
"""The tag that stands for every cached entry (a write that touched reps)."""

KEEP_ROWS: Final = 10_000
"""Rows kept; a worker that fell further behind than this clears its whole cache."""

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS invalidations (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    tags   TEXT NOT NULL,
    at     REAL NOT NULL
)
"""
_LOCK_WAIT_MS: Final = 600_000
"""How long a write waits for the other workers' writes (an import can take a while)."""


def journal_path(keys: Path) -> Path:
    """The journal beside the keys file: ``crm.keys.sqlite3`` -> ``crm.keys.journal.sqlite3``."""
    return keys.with_name(f"{keys.stem}.journal{keys.suffix}")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {_LOCK_WAIT_MS}")
    return conn


class InvalidationJournal:
    """Cache tags invalidated by the API's writes, shared through one SQLite file.

    Thread-safe. ``pull`` may be called from any thread; ``exclusive`` and
    ``publish`` by one thread at a time (the app's write lock).
    """

    def __init__(self, path: Path, reader: sqlite3.Connection, writer: sqlite3.Connection) -> None:
        self._path = path
        self._reader: sqlite3.Connection | None = reader
        self._writer: sqlite3.Connection | None = writer
        self._read_lock = threading.Lock()
        self.origin = secrets.token_hex(8)
        """This process's (this app's) rows, which ``pull`` skips: they are applied already."""
        self._seen = self._max_seq()
        self._version = self._data_version()

    @classmethod
    def open(cls, path: str | Path) -> InvalidationJournal:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = _connect(path)
            writer.execute("PRAGMA journal_mode = WAL")
            writer.execute("PRAGMA synchronous = NORMAL")
            writer.execute(_SCHEMA)
            reader = _connect(path)
        except (OSError, sqlite3.Error) as e:
            raise StoreUnavailableError(f"cannot open the cache journal {path}: {e}") from e
        return cls(path, reader, writer)

    @property
    def path(self) -> Path:
        return self._path

    def _r(self) -> sqlite3.Connection:
        if self._reader is None:
            raise StoreUnavailableError(f"cache journal {self._path} is closed")
        return self._reader

    def _w(self) -> sqlite3.Connection:
        if self._writer is None:
            raise StoreUnavailableError(f"cache journal {self._path} is closed")
        return self._writer

    def _data_version(self) -> int:
        return int(self._r().execute("PRAGMA data_version").fetchone()[0])

    def _max_seq(self) -> int:
        row = self._r().execute("SELECT coalesce(max(seq), 0) FROM invalidations").fetchone()
        return int(row[0])

    def pull(self) -> frozenset[str]:
        """The tags other workers invalidated since the last call (empty: nothing new).

        Holds :data:`EVERYTHING` when a row said so or when rows this worker
        had not seen were pruned.
        """
        try:
            with self._read_lock:
                version = self._data_version()
                if version == self._version:
                    return frozenset()
                self._version = version
                rows = (
                    self._r()
                    .execute(
                        "SELECT seq, origin, tags FROM invalidations WHERE seq > ? ORDER BY seq",
                        (self._seen,),
                    )
                    .fetchall()
                )
                if not rows:
                    return frozenset()
                gap = int(rows[0][0]) != self._seen + 1
                self._seen = int(rows[-1][0])
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cache journal {self._path}: {e}") from e
        tags: set[str] = {EVERYTHING} if gap else set()
        for _, origin, joined in rows:
            if origin != self.origin:
                tags.update(str(joined).split("\n"))
        return frozenset(tags)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the journal's write transaction: one API write at a time across workers.

        Rows :meth:`publish`\\ ed inside are committed when the block ends without
        an error, and rolled back (with nothing else to undo) when it raises.
        """
        conn = self._w()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cache journal {self._path}: {e}") from e
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cache journal {self._path}: {e}") from e

    def publish(self, tags: Iterable[str]) -> None:
        """Append one row of ``tags`` (inside :meth:`exclusive`); prunes old rows."""
        conn = self._w()
        if not conn.in_transaction:
            raise RuntimeError("publish() runs inside exclusive()")
        try:
            cur = conn.execute(
                "INSERT INTO invalidations (origin, tags, at) VALUES (?, ?, ?)",
                (self.origin, "\n".join(sorted(set(tags))), time.time()),
            )
            seq = int(cur.lastrowid or 0)
            if seq % 1000 == 0:
                conn.execute("DELETE FROM invalidations WHERE seq <= ?", (seq - KEEP_ROWS,))
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cache journal {self._path}: {e}") from e

    def close(self) -> None:
        with self._read_lock:
            for conn in (self._reader, self._writer):
                if conn is not None:
                    conn.close()
            self._reader = self._writer = None
