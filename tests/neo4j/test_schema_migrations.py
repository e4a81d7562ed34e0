"""The Neo4j schema version and its migrations, on the real server."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from graphcrm.config import parse_store_url
from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ChangeLogEntry,
    ChangeSet,
    ContactId,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    EntityKind,
    PageRequest,
)
from graphcrm.errors import StoreUnavailableError
from graphcrm.store.cypher import query
from graphcrm.store.neo4j import Neo4jStore, schema
from graphcrm.store.neo4j.queries import rows
from tests.neo4j.support import (
    FEB,
    MAR,
    NASTY,
    all_changes,
    driver,
    fresh_store,
    ident,
    rewrite_as_v1,
    rewrite_scores_as_v2,
    scenario,
)

pytestmark = pytest.mark.neo4j

ALL = PageRequest(limit=1000)


def _version(uri: str) -> int:
    with driver(uri) as d, d.session() as session:
        return schema.read_version(session)


def _index_names(uri: str) -> set[str]:
    """Every index, those behind uniqueness constraints included (they share its name)."""
    with driver(uri) as d, d.session() as session:
        return {r["name"] for r in session.run(query("schema/read_indexes"))}


def _v1_entries_left(uri: str) -> int:
    with driver(uri) as d, d.session() as session:
        found = session.execute_read(lambda tx: rows(tx, "migrations/read_v1_changes", limit=9))
        return len(found)


def _logged(uri: str) -> list[ChangeLogEntry]:
    """The scenario's change log as the current store writes and reads it."""
    store = fresh_store(uri)
    try:
        for changes, at, actor in scenario(NASTY):
            store.apply(changes, actor=actor, at=at)
        return all_changes(store)
    finally:
        store.close()


def _reads(store: Neo4jStore, entries: list[ChangeLogEntry]) -> list[object]:
    """Every kind of change-log read: whole, paged, since a seq, by entity, by key."""
    keys = {e.key for e in entries}
    out: list[object] = [
        all_changes(store),
        store.change_log(PageRequest(limit=3, offset=5), since_seq=4),
        store.change_log(ALL, entity=EntityKind.INFLUENCE),
        store.change_log(PageRequest(limit=2, offset=1), entity=EntityKind.CONTACT, since_seq=3),
    ]
    out += [store.change_log(ALL, key=k) for k in sorted(keys)]
    return out


def test_a_v1_change_log_migrates_to_pages_with_the_same_entries(
    neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = _logged(neo4j_uri)
    assert len(entries) > 40
    assert len({(e.at, e.actor) for e in entries}) > 3  # several v1 batches
    rewrite_as_v1(neo4j_uri, entries)
    assert _version(neo4j_uri) == 1
    assert {"changelog_seq", "changelog_key"} <= _index_names(neo4j_uri)

    monkeypatch.setattr(schema, "MIGRATION_BATCH", 7)  # many transactions, runs split
    store = Neo4jStore.open(parse_store_url(neo4j_uri))
    try:
        assert _version(neo4j_uri) == schema.VERSION
        assert _v1_entries_left(neo4j_uri) == 0
        assert not {"changelog_seq", "changelog_key"} & _index_names(neo4j_uri)
        assert all_changes(store) == entries
        assert store.stats().counts["change_log"] == len(entries)
        for e in entries:  # every entry is found by its key, entity and seq
            found = store.change_log(ALL, key=e.key, entity=e.entity, since_seq=e.seq - 1)
            assert found.items[0] == e
        migrated = _reads(store, entries)

        # The sequence goes on after the migrated entries.
        later = ChangeSet.model_validate({"accounts": [{"id": "after-v1", "name": "Sonra"}]})
        store.apply(later, actor="t", at=MAR + timedelta(days=1))
        [added] = store.change_log(ALL, since_seq=len(entries)).items
        assert (added.seq, added.key) == (len(entries) + 1, "after-v1")
    finally:
        store.close()

    # The same reads of a database that was never at version 1 give the same answers.
    again = fresh_store(neo4j_uri)
    try:
        for changes, at, actor in scenario(NASTY):
            again.apply(changes, actor=actor, at=at)
        assert _reads(again, entries) == migrated
    finally:
        again.close()


def test_two_stores_opening_a_v1_database_at_once_migrate_it_once(
    neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = _logged(neo4j_uri)
    rewrite_as_v1(neo4j_uri, entries)
    monkeypatch.setattr(schema, "MIGRATION_BATCH", 5)
    opened: list[Neo4jStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(Neo4jStore.open(parse_store_url(neo4j_uri)))
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert _version(neo4j_uri) == schema.VERSION
        for store in opened:
            assert all_changes(store) == entries
    finally:
        for store in opened:
            store.close()


def test_opening_a_migrated_database_again_changes_nothing(neo4j_uri: str) -> None:
    entries = _logged(neo4j_uri)
    for _ in range(2):
        store = Neo4jStore.open(parse_store_url(neo4j_uri))
        try:
            assert all_changes(store) == entries
        finally:
            store.close()
    assert _version(neo4j_uri) == schema.VERSION


def _score_sets() -> list[AccountScoreSet]:
    """Sets over the scenario's objects: two instants of one account, one without deals,
    one with nothing scored."""
    a1, a2 = AccountId(ident("A-1", NASTY)), AccountId(ident("A-2", NASTY))

    def contact(n: int, x: float) -> ContactScoreRecord:
        return ContactScoreRecord(
            contact_id=ContactId(ident(f"C-{n}", NASTY)),
            influence=x,
            brokerage=0.0,
            authority=1.0 - x,
            engagement=x / 3,
            health=100 * x,
            band="good" if x > 0.5 else "poor",
            decision_maker=x,
            champion=-x,
        )

    def risk(n: int) -> DealRiskRecord:
        return DealRiskRecord(
            deal_id=DealId(ident(f"D-{n}", NASTY)), score=12.5 * n, factors={NASTY: 2.5, "b": 1.0}
        )

    def scored(a: AccountId, at: datetime, **parts: object) -> AccountScoreSet:
        return AccountScoreSet.model_validate(
            {"account_id": a, "as_of": at, "scored_at": at, "health": 61.25, "band": "fair"} | parts
        )

    return [
        scored(a1, FEB, contacts=(contact(1, 0.1), contact(2, 0.7)), deals=(risk(1), risk(2))),
        scored(a1, MAR, contacts=(contact(3, 1 / 3),), deals=(risk(1),)),
        scored(a2, MAR, contacts=(contact(6, 0.0),)),
        scored(AccountId(ident("A-3", NASTY)), MAR),
    ]


def test_v2_score_relationships_move_into_lists(
    neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sets = _score_sets()
    store = fresh_store(neo4j_uri)
    try:
        for changes, at, actor in scenario(NASTY):
            store.apply(changes, actor=actor, at=at)
        store.put_scores(sets)
        before = [store.get_scores(s.account_id, as_of=s.as_of) for s in sets]
        assert before == sets
        rewrite_scores_as_v2(neo4j_uri, sets)
    finally:
        store.close()
    assert _version(neo4j_uri) == 2
    monkeypatch.setattr(schema, "SCORE_SET_BATCH", 3)  # several transactions
    migrated = Neo4jStore.open(parse_store_url(neo4j_uri))
    try:
        assert _version(neo4j_uri) == schema.VERSION
        assert [migrated.get_scores(s.account_id, as_of=s.as_of) for s in sets] == sets
        assert migrated.get_scores(sets[0].account_id) == sets[1]  # the latest
        rescored = sets[1].model_copy(update={"health": 5.0, "deals": ()})
        migrated.put_scores([rescored])
        assert migrated.get_scores(sets[1].account_id) == rescored
    finally:
        migrated.close()


def test_a_database_of_a_newer_version_is_refused(neo4j_uri: str) -> None:
    fresh_store(neo4j_uri).close()
    with driver(neo4j_uri) as d, d.session() as session:
        session.run(query("schema/write_schema_version"), {"version": 99}).consume()
    try:
        newer = f"schema version 99, newer than the {schema.VERSION}"
        with pytest.raises(StoreUnavailableError, match=newer):
            Neo4jStore.open(parse_store_url(neo4j_uri))
    finally:
        with driver(neo4j_uri) as d, d.session() as session:
            session.run(query("schema/write_schema_version"), {"version": schema.VERSION}).consume()
