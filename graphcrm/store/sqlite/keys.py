"""API keys, the watermark and the write lock of the SQLite store.

Keys live in the ``api_keys`` table (schema version 6), beside the graph: the
SHA-256 of each secret, never the secret. Every key write bumps the
``api_keys`` row of ``counters`` in the same transaction, so
:meth:`SqliteCoordination.watermark` tells a process that keys changed.

:class:`SqliteCoordination` gives the store two connections of its own, opened
on first use:

- the *lock* connection holds ``BEGIN IMMEDIATE`` for :meth:`exclusive`: the
  database's write lock, which every other connection's write (another API
  worker, the CLI) waits for. Writes of the holding thread run inside it as
  savepoints (:meth:`held`); reads go on through the store's own connection
  and see the committed state (WAL), which nobody else can change meanwhile.
- the *watch* connection answers :meth:`watermark`: ``PRAGMA data_version``
  (shared memory, no query) tells it whether any other connection committed
  since it last looked; only then does it read the latest change-log
  sequence and the key counter (two primary-key seeks).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Final

from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.errors import ConflictError, NotFoundError, StoreUnavailableError
from graphcrm.store.codec import ts

LOCK_WAIT_MS: Final = 600_000
"""How long :meth:`SqliteCoordination.exclusive` waits for other writers (an import
through another worker can take a while)."""

_COLUMNS: Final = "id, name, secret_hash, scopes, territories, created_at, revoked_at"
_BUMP: Final = (
    "INSERT INTO counters (name, value) VALUES ('api_keys', 1) "
    "ON CONFLICT (name) DO UPDATE SET value = value + 1"
)
_WATERMARK: Final = (
    "SELECT (SELECT coalesce(max(seq), 0) FROM change_log), "
    "(SELECT coalesce(max(value), 0) FROM counters WHERE name = 'api_keys')"
)


def _decode(row: tuple[object, ...]) -> KeyRecord:
    key_id, name, secret_hash, scopes, territories, created, revoked = row
    return KeyRecord(
        id=str(key_id),
        name=str(name),
        secret_hash=str(secret_hash),
        scopes=tuple(s for s in str(scopes).split("\n") if s),
        territories=tuple(t for t in str(territories).split("\n") if t),
        created_at=datetime.fromisoformat(str(created)),
        revoked_at=datetime.fromisoformat(str(revoked)) if revoked is not None else None,
    )


def put_key(conn: sqlite3.Connection, key: KeyRecord) -> None:
    """Insert a new key (inside a write transaction); ConflictError when the id is taken."""
    try:
        conn.execute(
            f"INSERT INTO api_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant
            (
                key.id,
                key.name,
                key.secret_hash,
                "\n".join(key.scopes),
                "\n".join(key.territories),
                ts(key.created_at),
                ts(key.revoked_at) if key.revoked_at is not None else None,
            ),
        )
    except sqlite3.IntegrityError as e:
        raise ConflictError(f"API key {key.id!r} exists already") from e
    conn.execute(_BUMP)


def get_key(conn: sqlite3.Connection, key_id: str) -> KeyRecord:
    row = conn.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", (key_id,)).fetchone()  # noqa: S608 - constant
    if row is None:
        raise NotFoundError("key", key_id)
    return _decode(row)


def list_keys(conn: sqlite3.Connection) -> tuple[KeyRecord, ...]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, id").fetchall()  # noqa: S608 - constant
    return tuple(_decode(r) for r in rows)


def revoke_key(conn: sqlite3.Connection, key_id: str, at: datetime) -> KeyRecord:
    """Revoke a key (inside a write transaction); an already revoked key is left as it is."""
    key = get_key(conn, key_id)
    if key.revoked_at is not None:
        return key
    conn.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (ts(at), key_id))
    conn.execute(_BUMP)
    return get_key(conn, key_id)


class SqliteCoordination:
    """The write lock across processes and the watermark of one SQLite file (module docs).

    Thread-safe.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._guard = threading.Lock()
        self._lock_conn: sqlite3.Connection | None = None
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self._holder: int | None = None
        self._version = -1
        self._mark = Watermark(changes=0, keys=0)
        self._closed = False

    def _connect(self, busy_ms: int) -> sqlite3.Connection:
        if self._closed:
            raise StoreUnavailableError(f"sqlite store {self._path} is closed")
        try:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cannot open sqlite store {self._path}: {e}") from e
        return conn

    def held(self) -> sqlite3.Connection | None:
        """The lock connection when the calling thread holds :meth:`exclusive`, else None."""
        if self._holder == threading.get_ident():
            return self._lock_conn
        return None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the database's write lock (``BEGIN IMMEDIATE``) for the block; commit
        when it ends, roll back when it raises. Not re-entrant."""
        if self.held() is not None:
            raise RuntimeError("exclusive() is not re-entrant")
        with self._guard:
            if self._lock_conn is None:
                self._lock_conn = self._connect(LOCK_WAIT_MS)
            conn = self._lock_conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise StoreUnavailableError(f"sqlite store {self._path}: {e}") from e
            self._holder = threading.get_ident()
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as e:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise StoreUnavailableError(f"sqlite store {self._path}: {e}") from e
            finally:
                self._holder = None

    @contextmanager
    def savepoint(self, conn: sqlite3.Connection) -> Iterator[None]:
        """A nested, all-or-nothing part of the held transaction."""
        conn.execute("SAVEPOINT graphcrm_write")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO graphcrm_write")
            conn.execute("RELEASE graphcrm_write")
            raise
        conn.execute("RELEASE graphcrm_write")

    def watermark(self) -> Watermark:
        """The latest change-log sequence and key counter; a query only after another
        connection committed (module docs)."""
        with self._watch_lock:
            try:
                if self._watch is None:
                    self._watch = self._connect(5000)
                version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
                if version != self._version:
                    changes, keys = self._watch.execute(_WATERMARK).fetchone()
                    self._mark = Watermark(changes=int(changes), keys=int(keys))
                    self._version = version
            except sqlite3.Error as e:
                raise StoreUnavailableError(f"sqlite store {self._path}: {e}") from e
            return self._mark

    def close(self) -> None:
        with self._watch_lock:
            self._closed = True
            for conn in (self._lock_conn, self._watch):
                if conn is not None:
                    conn.close()
            self._lock_conn = self._watch = None
