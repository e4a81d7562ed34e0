"""The maintenance port: dumping and restoring a whole store, and erasing a person.

Kept apart from :class:`~graphcrm.store.port.GraphStore`, whose methods every
request uses: these are operator tasks (``graphcrm backup``, ``restore``,
``migrate``, ``forget``, ``subject-access`` and the admin endpoints), and each
adapter implements them in its own ``maintenance`` module.

Contract (pinned on SQLite by ``tests/unit/test_cli_backup.py``, on Neo4j and across
both by ``tests/neo4j/test_backup.py``; erasure by ``tests/contract/test_contract_erasure.py``):

:meth:`Maintenance.dump`
    Every row (:class:`~graphcrm.store.dump.StoreDump`) as of one instant, while
    writers go on: SQLite reads in one read transaction (a WAL snapshot); Neo4j
    holds the change-log counter's lock for the read, so no batch commits
    meanwhile (score sets and win models stored meanwhile may or may not be in
    it).
:meth:`Maintenance.restore`
    Writes a dump into the store all or nothing, in one transaction: objects,
    intervals with their ends, stage and close-date histories, score sets, win
    models and the change log with its ``seq``; the next batch is numbered after
    the last. A store holding data is refused with
    :class:`~graphcrm.errors.ConflictError` unless ``replace``, which deletes its
    data in the same transaction. Afterwards the store dumps equal (same
    :func:`~graphcrm.store.dump.fingerprint`) to the dump it was given.
:meth:`Maintenance.erase_contact`
    Removes a person's personal data everywhere (:mod:`graphcrm.store.erasure`)
    in one transaction and logs the erasure (op ``erase``) without the values;
    raises :class:`~graphcrm.errors.NotFoundError` for an unknown contact.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Protocol, runtime_checkable

from graphcrm.domain import ContactId
from graphcrm.domain.personal import Erasure
from graphcrm.errors import StoreUnavailableError
from graphcrm.store.dump import StoreDump
from graphcrm.store.port import GraphStore


@runtime_checkable
class Maintenance(Protocol):
    """Operator tasks on one store (see the module docstring)."""

    def dump(self) -> StoreDump: ...

    def restore(self, dump: StoreDump, *, replace: bool = False) -> None: ...

    def erase_contact(
        self, contact_id: ContactId, *, actor: str, at: datetime | None = None
    ) -> Erasure: ...


_ADAPTERS = ("graphcrm.store.sqlite.maintenance", "graphcrm.store.neo4j.maintenance")


def maintenance(store: GraphStore) -> Maintenance:
    """The maintenance side of an adapter's store (the Neo4j module is imported only
    for a Neo4j store); raises :class:`StoreUnavailableError` for any other object."""
    package = type(store).__module__.rsplit(".", 1)[0]
    for name in _ADAPTERS:
        if name.rsplit(".", 1)[0] == package:
            module = importlib.import_module(name)
            found: Maintenance = module.for_store(store)
            return found
    raise StoreUnavailableError(
        f"{type(store).__name__} has no backup, restore or erasure (not a graphcrm store adapter)"
    )
