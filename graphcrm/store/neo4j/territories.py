"""Account territories as intervals on Neo4j: ``(:Account)-[:HAD_TERRITORY]->(:AccountTerritory)``.

``Account.territory`` holds the present territory (what present reads and
territory-scoped lists use); the ``AccountTerritory`` nodes hold every
interval, written with the batch (:mod:`graphcrm.store.neo4j.writer`), read
here for history and as-of reads.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from graphcrm.domain import Account, TerritorySpan
from graphcrm.store.codec import ts
from graphcrm.store.neo4j import codec
from graphcrm.store.neo4j.queries import READ_CHUNK, Runner, chunks, rows


def territory_history(tx: Runner, account_ids: Collection[str] | None) -> list[TerritorySpan]:
    """Every territory interval of the accounts (None: of every account), by account
    then start."""
    if account_ids is None:
        found = rows(tx, "accounts/list_territory_history")
    else:
        found = [
            r
            for part in chunks(sorted(set(account_ids)), READ_CHUNK)
            for r in rows(tx, "accounts/read_territory_history", ids=list(part))
        ]
    spans = [codec.decode_territory(r) for r in found]
    spans.sort(key=lambda s: (s.account_id, s.valid_from))
    return spans


def territories_at(tx: Runner, accounts: list[Account], at: datetime | None) -> list[Account]:
    """``accounts`` with the territory each had at ``at`` (None: as stored, the present);
    an account with no interval then keeps its stored one."""
    if at is None or not accounts:
        return accounts
    then = {
        r["account_id"]: r["territory"]
        for r in rows(tx, "accounts/read_territories_at", ids=[a.id for a in accounts], t=ts(at))
    }
    return [
        a
        if a.id not in then or then[a.id] == a.territory
        else a.model_copy(update={"territory": then[a.id]})
        for a in accounts
    ]
