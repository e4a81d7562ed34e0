"""Every catalog query compiles on the real server, and the adapter runs each one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, LiteralString

import pytest

from graphcrm.auth import KeyStore, Scope
from graphcrm.config import parse_store_url
from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ChangeSet,
    ContactId,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    ModelSource,
    PageRequest,
    ScoreRun,
    WinModel,
    WinModelCard,
)
from graphcrm.store import cypher
from graphcrm.store.maintenance import maintenance
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.neo4j import keys as neo4j_keys
from graphcrm.store.neo4j import queries as neo4j_queries
from graphcrm.store.neo4j import reads as neo4j_reads
from graphcrm.store.neo4j import schema as neo4j_schema
from tests.neo4j import support
from tests.neo4j.support import (
    MAR,
    NASTY,
    all_changes,
    driver,
    fresh_store,
    ident,
    read_everything,
    rewrite_as_v1,
    rewrite_scores_as_v2,
    rewrite_territories_as_v3,
    scenario,
)

pytestmark = pytest.mark.neo4j

# Representative values for every parameter any query takes (unused ones are ignored).
PARAMS: dict[str, Any] = {
    "rows": [],
    "ids": ["A-1", NASTY],
    "id": NASTY,
    "t": "2025-01-01T00:00:00.000000Z",
    "account_ids": ["A-1"],
    "contact_ids": ["C-1"],
    "deal_ids": ["D-1"],
    "offset": 0,
    "limit": 10,
    "territory": None,
    "territories": ["marmara", NASTY],
    "sector": "x",
    "owner_id": None,
    "name_fold": "ış",
    "account_id": "A-1",
    "stage": None,
    "contact_id": None,
    "deal_id": "D-1",
    "since": None,
    "until": "2026-01-01T00:00:00.000000Z",
    "entity": None,
    "key": "A-1",
    "since_seq": -1,
    "status": "active",
    "seconds": 10,
    "count": 3,
    "bucket": 7,
    "now": "2025-01-01T00:00:00.000000Z",
    "version": 2,
    "values": ["x"],
    "last": 3,
}

# Schema commands cannot be EXPLAINed; they run on every open (see the next test).
EXPLAINABLE = [n for n in cypher.names() if not n.startswith("schema/")]


@pytest.mark.parametrize("name", EXPLAINABLE)
def test_every_query_compiles_on_the_server(neo4j_uri: str, name: str) -> None:
    text: LiteralString = "EXPLAIN " + cypher.query(name)
    with driver(neo4j_uri) as d, d.session() as session:
        summary = session.run(text, PARAMS).consume()
    assert summary.plan is not None


def test_the_adapter_runs_every_query(neo4j_uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: set[str] = set()

    def recording(load: Callable[[str], LiteralString]) -> Callable[[str], LiteralString]:
        def run(name: str) -> LiteralString:
            ran.add(name)
            return load(name)

        return run

    load = recording(cypher.query)
    for module in (neo4j_queries, neo4j_reads, neo4j_schema, neo4j_keys, support):
        monkeypatch.setattr(module, "query", load)

    store = fresh_store(neo4j_uri)
    try:
        for changes, at, actor in scenario(NASTY):
            store.apply(changes, actor=actor, at=at)
        a1 = store.get_account(AccountId(ident("A-1", NASTY)))  # a move closes an interval
        moved = a1.model_copy(update={"territory": f"ege{NASTY}"[:200]})
        store.apply(ChangeSet(accounts=(moved,)), actor="t", at=MAR + timedelta(days=1))
        read_everything(store, NASTY)
        scored = AccountScoreSet(
            account_id=AccountId(ident("A-1", NASTY)),
            as_of=MAR,
            scored_at=MAR,
            health=50.0,
            band="fair",
            contacts=(
                ContactScoreRecord(
                    contact_id=ContactId(ident("C-3", NASTY)),
                    influence=0.5,
                    brokerage=0.0,
                    authority=0.5,
                    engagement=0.25,
                    health=30.0,
                    band="poor",
                    decision_maker=0.5,
                    champion=-0.125,
                ),
            ),
            deals=(
                DealRiskRecord(
                    deal_id=DealId(ident("D-1", NASTY)), score=25.0, factors={"x": 25.0}
                ),
            ),
        )
        store.put_scores([scored])
        assert store.get_scores(scored.account_id) == scored
        model = WinModel(
            features=(NASTY,), coefficients=(0.5,), intercept=-0.25, means=(0.0,), scales=(1.0,)
        )
        card = WinModelCard(
            fitted_at=MAR, source=ModelSource.STORE, model=model, stage_model=model, notes=(NASTY,)
        )
        # API keys in the store (tests/contract/test_contract_keys.py), the write lock
        keys = KeyStore(store)
        made = keys.create(NASTY[:200], [Scope.READ], [NASTY[:100]])
        assert keys.authenticate(made.secret) is not None
        assert [k.id for k in keys.list()] == [made.key.id]
        keys.revoke(made.key.id, now=MAR)
        assert keys.authenticate(made.secret) is None
        assert store.watermark() is not None
        with store.exclusive():
            pass
        store.put_win_model(card)
        assert store.get_win_model(as_of=MAR) == card
        assert store.list_win_models(PageRequest()).items == (card,)
        assert store.latest_score_run() is None
        run = ScoreRun(
            as_of=MAR,
            scored_at=MAR,
            changes=1,
            accounts=1,
            full=True,
            oldest_as_of=MAR,
            settings=NASTY[:200],
        )
        store.put_score_run(run)
        assert store.latest_score_run() == run
        with driver(neo4j_uri) as d, d.session() as session:
            names = {r["name"] for r in session.run(load("schema/read_constraints"))}
            indexes = {r["name"] for r in session.run(load("schema/read_indexes"))}
        # the migrations (tests/neo4j/test_schema_migrations.py): score sets as version 2
        # stored them, then a version-1 change log
        rewrite_scores_as_v2(neo4j_uri, [scored])
        Neo4jStore.open(parse_store_url(neo4j_uri)).close()
        rewrite_territories_as_v3(neo4j_uri)  # tests/neo4j/test_territory_migration.py
        Neo4jStore.open(parse_store_url(neo4j_uri)).close()
        assert store.get_scores(scored.account_id) == scored
        # backup, restore and erasure (tests/neo4j/test_backup.py, test_erasure.py)
        kept = maintenance(store).dump()
        maintenance(store).restore(kept, replace=True)
        person = store.get_contact(kept.touchpoints[0].contact_ids[0])
        lost = kept.deals[0].model_copy(update={"loss_reason": f"{person.name} left"})
        store.apply(ChangeSet(deals=(lost,)), actor="t", at=MAR)
        maintenance(store).erase_contact(person.id, actor="t")
        entries = all_changes(store)
        rewrite_as_v1(neo4j_uri, entries)
        migrated = Neo4jStore.open(parse_store_url(neo4j_uri))
        assert all_changes(migrated) == entries
        migrated.close()
    finally:
        store.close()
    assert {"account_id", "contact_id", "change_page_seq", "win_model_fitted_at"} <= names
    assert "score_run_scored_at" in names
    assert "change_keys_bucket" in indexes
    assert sorted(set(cypher.names()) - ran) == []
