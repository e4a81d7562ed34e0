"""The SQLite adapter's :class:`~graphcrm.store.maintenance.Maintenance`: dump and
restore (:mod:`.backup`) and erasure (:mod:`.erase`) on a :class:`SqliteStore`'s
connection, under its lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar, cast

from graphcrm.domain import ContactId
from graphcrm.domain.personal import Erasure
from graphcrm.errors import ConflictError, StoreUnavailableError
from graphcrm.store.codec import aware
from graphcrm.store.dump import StoreDump
from graphcrm.store.port import GraphStore
from graphcrm.store.sqlite import backup
from graphcrm.store.sqlite.erase import erase_contact
from graphcrm.store.sqlite.store import SqliteStore

R = TypeVar("R")


class SqliteMaintenance:
    """Dump, restore and erase on one :class:`SqliteStore`."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def dump(self) -> StoreDump:
        """Every row, in one read transaction: a snapshot while other processes write."""
        with self._store._read() as conn:
            return backup.dump(conn)

    def restore(self, dump: StoreDump, *, replace: bool = False) -> None:
        where = str(self._store.path)
        self._immediate(lambda conn: backup.restore(conn, dump, replace=replace, where=where))

    def erase_contact(
        self, contact_id: ContactId, *, actor: str, at: datetime | None = None
    ) -> Erasure:
        when = aware(at, "at") or datetime.now(UTC)
        return self._immediate(lambda conn: erase_contact(conn, contact_id, actor=actor, at=when))

    def _immediate(self, work: Callable[[sqlite3.Connection], R]) -> R:
        """``work`` in one ``BEGIN IMMEDIATE`` transaction, rolled back on any error."""
        store = self._store
        own_write = getattr(store, "_write", None)
        if own_write is not None:
            # The store's own write path, where it has one: a savepoint of the
            # transaction of its exclusive() when this thread holds it.
            with own_write() as conn:
                return cast(R, work(conn))
        with store._lock:
            conn = store._connection()
            committed = False
            try:
                conn.execute("BEGIN IMMEDIATE")
                result = work(conn)
                conn.execute("COMMIT")
                committed = True
            except sqlite3.IntegrityError as e:
                raise ConflictError(f"sqlite store {store.path}: {e}") from e
            except sqlite3.Error as e:
                raise StoreUnavailableError(f"sqlite store {store.path}: {e}") from e
            finally:
                if not committed and conn.in_transaction:
                    conn.execute("ROLLBACK")
        return result


def for_store(store: GraphStore) -> SqliteMaintenance:
    if not isinstance(store, SqliteStore):
        raise StoreUnavailableError(f"not a SQLite store: {type(store).__name__}")
    return SqliteMaintenance(store)
