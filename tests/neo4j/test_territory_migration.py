"""Neo4j schema version 4 (account territories as intervals), on the real server: a
version-3 database gains one open interval per account, from the account's first
change-log entry (or the earliest instant when the log has none), in several
transactions, and as-of reads use it; as the SQLite store's version 7 does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graphcrm.config import parse_store_url
from graphcrm.domain import Account, AccountId, ChangeSet, TerritorySpan
from graphcrm.store.dump import EARLIEST
from graphcrm.store.neo4j import Neo4jStore, codec, schema
from graphcrm.store.neo4j.queries import write
from tests.neo4j.support import driver, fresh_store, rewrite_territories_as_v3

pytestmark = pytest.mark.neo4j

JAN = datetime(2026, 1, 5, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 2, 9, tzinfo=UTC)
APR = datetime(2026, 4, 1, tzinfo=UTC)
A1, A2, A3 = AccountId("A-1"), AccountId("A-2"), AccountId("A-3")


def test_a_v3_database_gains_territory_intervals(
    neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = fresh_store(neo4j_uri)
    try:
        store.apply(
            ChangeSet(accounts=(Account(id=A1, name="İzmir Liman", territory="Ege"),)),
            actor="t",
            at=JAN,
        )
        store.apply(
            ChangeSet(
                accounts=(
                    Account(id=A1, name="İzmir Limanı", territory="Ege"),
                    Account(id=A2, name="Kayseri Un"),
                )
            ),
            actor="t",
            at=MAR,
        )
    finally:
        store.close()
    rewrite_territories_as_v3(neo4j_uri)
    with driver(neo4j_uri) as d, d.session() as session:  # an account the log does not know
        hand = Account(id=A3, name="Elle", territory="Marmara")
        session.execute_write(
            lambda tx: write(tx, "accounts/create_accounts", [codec.encode_account(hand)])
        )
        assert schema.read_version(session) == 3
    monkeypatch.setattr(schema, "TERRITORY_BATCH", 2)  # several transactions
    migrated = Neo4jStore.open(parse_store_url(neo4j_uri))
    try:
        with driver(neo4j_uri) as d, d.session() as session:
            assert schema.read_version(session) == schema.VERSION == 4
        assert migrated.territory_history() == (
            TerritorySpan(account_id=A1, territory="Ege", valid_from=JAN),
            TerritorySpan(account_id=A2, territory=None, valid_from=MAR),
            TerritorySpan(account_id=A3, territory="Marmara", valid_from=EARLIEST),
        )
        migrated.apply(
            ChangeSet(accounts=(Account(id=A1, name="İzmir Limanı", territory="Akdeniz"),)),
            actor="t",
            at=APR,
        )
        assert migrated.territory_history([A1]) == (
            TerritorySpan(account_id=A1, territory="Ege", valid_from=JAN, valid_to=APR),
            TerritorySpan(account_id=A1, territory="Akdeniz", valid_from=APR),
        )
        assert migrated.stakeholder_graph(A1, as_of=MAR).accounts[0].territory == "Ege"
    finally:
        migrated.close()
    again = Neo4jStore.open(parse_store_url(neo4j_uri))  # opening again changes nothing
    try:
        assert len(again.territory_history()) == 4
    finally:
        again.close()
