"""The SQLite adapter's :class:`~graphcrm.store.maintenance.Maintenance`: dump and
restore (:mod:`.backup`) and erasure (:mod:`.erase`) on a :class:`SqliteStore`'s
connection, under its lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from graphcrm.domain import ContactId
from graphcrm.domain.personal import Erasure
from graphcrm.errors import StoreUnavailableError
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
        """``work`` as one all-or-nothing write through the store's own write path
        (``BEGIN IMMEDIATE``, or a savepoint of its held :meth:`~SqliteStore.exclusive`)."""
        with self._store._write() as conn:
            return work(conn)


def for_store(store: GraphStore) -> SqliteMaintenance:
    if not isinstance(store, SqliteStore):
        raise StoreUnavailableError(f"not a SQLite store: {type(store).__name__}")
    return SqliteMaintenance(store)
