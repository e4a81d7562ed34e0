"""The Neo4j adapter's :class:`~graphcrm.store.maintenance.Maintenance`: dump and
restore (:mod:`.backup`) and erasure (:mod:`.erase`), each one managed transaction
of a :class:`Neo4jStore`."""

from __future__ import annotations

from datetime import UTC, datetime

from graphcrm.domain import ContactId
from graphcrm.domain.personal import Erasure
from graphcrm.errors import StoreUnavailableError
from graphcrm.store.codec import aware
from graphcrm.store.dump import StoreDump
from graphcrm.store.neo4j import backup
from graphcrm.store.neo4j.erase import erase_contact
from graphcrm.store.neo4j.store import Neo4jStore
from graphcrm.store.port import GraphStore


class Neo4jMaintenance:
    """Dump, restore and erase on one :class:`Neo4jStore`."""

    def __init__(self, store: Neo4jStore) -> None:
        self._store = store

    def dump(self) -> StoreDump:
        return self._store._write(backup.dump)

    def restore(self, dump: StoreDump, *, replace: bool = False) -> None:
        where = self._store.url.redacted
        self._store._write(lambda tx: backup.restore(tx, dump, replace=replace, where=where))

    def erase_contact(
        self, contact_id: ContactId, *, actor: str, at: datetime | None = None
    ) -> Erasure:
        when = aware(at, "at") or datetime.now(UTC)
        return self._store._write(lambda tx: erase_contact(tx, contact_id, actor=actor, at=when))


def for_store(store: GraphStore) -> Neo4jMaintenance:
    if not isinstance(store, Neo4jStore):
        raise StoreUnavailableError(f"not a Neo4j store: {type(store).__name__}")
    return Neo4jMaintenance(store)
