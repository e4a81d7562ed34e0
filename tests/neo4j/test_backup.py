"""Backup, restore and migration across the two stores, on the real Neo4j server.

A SQLite store holding the scenario (every write path, hostile and Turkish text),
a generated portfolio, a score set and a win model is backed up to a file,
restored into Neo4j and back into a new SQLite store: every fingerprint (every
row, interval, score set, card and change-log entry) and every read of the port
are identical, and both copies go on numbering the change log alike.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    AccountScoreSet,
    ChangeSet,
    ContactId,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    ModelSource,
    PageRequest,
    WinModel,
    WinModelCard,
)
from graphcrm.errors import ConflictError, InvalidError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services import backup as backups
from graphcrm.store import GraphStore
from graphcrm.store.dump import fingerprint
from graphcrm.store.maintenance import maintenance
from graphcrm.store.sqlite import SqliteStore
from tests.neo4j.support import (
    MAR,
    NASTY,
    all_changes,
    fresh_store,
    ident,
    read_everything,
    scenario,
)

pytestmark = pytest.mark.neo4j

LATER = datetime(2025, 6, 1, 12, tzinfo=UTC)


def populate(store: GraphStore) -> None:
    """The scenario, a small generated portfolio, a score set and a win model."""
    for changes, at, actor in scenario(NASTY):
        store.apply(changes, actor=actor, at=at)
    for batch in generate_portfolio(GeneratorConfig(accounts=3, seed=11, size_min=8, size_max=12)):
        store.apply(batch, actor="generator", at=MAR)
    store.put_scores(
        [
            AccountScoreSet(
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
        ]
    )
    model = WinModel(
        features=(NASTY,), coefficients=(0.1 + 0.2,), intercept=-1e-7, means=(0.0,), scales=(1.0,)
    )
    store.put_win_model(
        WinModelCard(
            fitted_at=MAR, source=ModelSource.STORE, model=model, stage_model=model, notes=(NASTY,)
        )
    )


def reads(store: GraphStore) -> list[tuple[str, str]]:
    out = read_everything(store, NASTY)
    out.append(("changes", json.dumps([e.model_dump(mode="json") for e in all_changes(store)])))
    out.append(("stats", store.stats().model_dump_json()))
    out.append(("models", store.list_win_models(PageRequest()).model_dump_json()))
    return out


def test_backup_to_neo4j_and_back_is_identical(neo4j_uri: str, tmp_path: Path) -> None:
    source = SqliteStore.open(tmp_path / "source.sqlite3")
    neo4j = fresh_store(neo4j_uri)
    back = SqliteStore.open(tmp_path / "back.sqlite3")
    try:
        populate(source)
        expected = fingerprint(maintenance(source).dump())
        expected_reads = reads(source)

        # SQLite -> file -> Neo4j
        header = backups.backup(source, tmp_path / "sqlite.backup")
        assert (header.source, header.fingerprint) == ("sqlite", expected)
        backups.restore(neo4j, tmp_path / "sqlite.backup")
        assert fingerprint(maintenance(neo4j).dump()) == expected
        assert reads(neo4j) == expected_reads

        # Neo4j -> file -> SQLite
        header = backups.backup(neo4j, tmp_path / "neo4j.backup")
        assert (header.source, header.fingerprint) == ("neo4j", expected)
        backups.restore(back, tmp_path / "neo4j.backup")
        assert fingerprint(maintenance(back).dump()) == expected
        assert reads(back) == expected_reads

        # every copy numbers the next batch's entries after the restored ones
        nxt = ChangeSet(accounts=(Account(id=AccountId("A-after"), name="Sonraki Ağ"),))
        for s in (source, neo4j, back):
            s.apply(nxt, actor="after", at=LATER)
        assert all_changes(neo4j) == all_changes(source) == all_changes(back)
    finally:
        for s in (source, neo4j, back):
            s.close()


def test_migrate_both_ways_and_refuse_a_store_with_data(neo4j_uri: str, tmp_path: Path) -> None:
    source = SqliteStore.open(tmp_path / "source.sqlite3")
    neo4j = fresh_store(neo4j_uri)
    back = SqliteStore.open(tmp_path / "back.sqlite3")
    try:
        populate(source)
        expected = fingerprint(maintenance(source).dump())
        assert backups.migrate(source, neo4j).fingerprint == expected
        assert backups.migrate(neo4j, back).fingerprint == expected
        # a store with data is refused, and left as it was
        before = maintenance(neo4j).dump()
        with pytest.raises(ConflictError, match="not empty"):
            backups.migrate(back, neo4j)
        # replace: the old data goes, in the same transaction as the new comes
        small = SqliteStore.open(tmp_path / "small.sqlite3")
        small.apply(
            ChangeSet(accounts=(Account(id=AccountId("A-only"), name="Tek"),)), actor="t", at=MAR
        )
        small_fp = backups.migrate(small, neo4j, replace=True).fingerprint
        assert fingerprint(maintenance(neo4j).dump()) == small_fp != fingerprint(before)
        small.close()
    finally:
        for s in (source, neo4j, back):
            s.close()


def test_a_failed_restore_writes_nothing(neo4j_uri: str, tmp_path: Path) -> None:
    """A dump the server refuses midway (a touchpoint id twice: the second breaks the
    uniqueness constraint after the accounts, contacts and deals were written) leaves
    the store empty: one transaction."""
    source = SqliteStore.open(tmp_path / "source.sqlite3")
    neo4j = fresh_store(neo4j_uri)
    try:
        populate(source)
        dump = maintenance(source).dump()
        broken = type(dump)(
            source=dump.source,
            schema_version=dump.schema_version,
            **{k: getattr(dump, k) for k in ("accounts", "reps", "contacts", "deals")},
            touchpoints=dump.touchpoints + dump.touchpoints[:1],  # a duplicate id
        )
        with pytest.raises(ConflictError):
            maintenance(neo4j).restore(broken)
        assert maintenance(neo4j).dump().is_empty()
    finally:
        source.close()
        neo4j.close()


def test_bad_backup_files_are_named(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.sqlite3")
    try:
        populate(store)
        good = tmp_path / "good.backup"
        backups.backup(store, good)
        lines = gzip.decompress(good.read_bytes()).decode().splitlines(keepends=True)

        def written(name: str, body: list[str] | bytes) -> Path:
            path = tmp_path / name
            data = body if isinstance(body, bytes) else gzip.compress("".join(body).encode())
            path.write_bytes(data)
            return path

        target = SqliteStore.open(tmp_path / "t.sqlite3")
        cases: list[tuple[Path, str]] = [
            (written("plain.backup", b"{}\n"), "not a complete gzip file"),
            (written("empty.backup", []), "empty file"),
            (written("other.backup", ['{"format": "x"}\n']), "not a graphcrm backup"),
            (
                written(
                    "newer.backup", [lines[0].replace('"format_version":1', '"format_version":9')]
                ),
                "newer graphcrm",
            ),
            (written("cut.backup", lines[:-5]), "truncated"),
            (written("cut-gzip.backup", good.read_bytes()[:-40]), "not a complete gzip file"),
            (
                written(
                    "bad-row.backup",
                    [*lines[:3], '{"kind": "accounts", "row": {"id": ""}}\n', *lines[3:]],
                ),
                "line 4",
            ),
            (
                written(
                    "altered.backup",
                    [lines[0], lines[1].replace('"name":"', '"name":"X'), *lines[2:]],
                ),
                "fingerprint",
            ),
        ]
        for path, message in cases:
            with pytest.raises(InvalidError) as caught:
                backups.restore(target, path)
            assert message in str(caught.value) + " ".join(map(str, caught.value.problems)), path
            assert maintenance(target).dump().is_empty()
        # the good file restores, once: the store then holds data
        backups.restore(target, good)
        with pytest.raises(ConflictError, match="not empty"):
            backups.restore(target, good)
        backups.restore(target, good, replace=True)
        assert fingerprint(maintenance(target).dump()) == fingerprint(maintenance(store).dump())
        target.close()
    finally:
        store.close()
