"""The Neo4j store answers every read, result and error exactly as the SQLite store does.

The same scenario (every write path: creates, updates, interval closes, re-applies)
runs against both stores; every read of the port is then compared as JSON text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.domain import ChangeSet
from graphcrm.errors import InvalidError
from graphcrm.store import GraphStore
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.sqlite import SqliteStore
from tests.neo4j.support import FEB, JAN, NASTY, read_everything, scenario

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("payload", ["", NASTY], ids=["plain", "nasty"])
def test_every_write_and_read_matches_sqlite(
    neo_store: Neo4jStore, tmp_path: Path, payload: str
) -> None:
    lite = SqliteStore.open(tmp_path / "reference.sqlite3")
    try:
        for changes, at, actor in scenario(payload):
            want = lite.apply(changes, actor=actor, at=at)
            got = neo_store.apply(changes, actor=actor, at=at)
            assert got.model_dump_json() == want.model_dump_json()
        expected = read_everything(lite, payload)
        actual = read_everything(neo_store, payload)
    finally:
        lite.close()
    assert [what for what, _ in actual] == [what for what, _ in expected]
    for (what, got_json), (_, want_json) in zip(actual, expected, strict=True):
        assert got_json == want_json, what


def _problems(store: GraphStore, changes: ChangeSet) -> list[str]:
    with pytest.raises(InvalidError) as caught:
        store.apply(changes, actor="t", at=FEB)
    return [str(p) for p in caught.value.problems]


def test_invalid_batches_fail_with_the_same_problems(neo_store: Neo4jStore, tmp_path: Path) -> None:
    first, _, _ = scenario()[0]
    bad = ChangeSet.model_validate(
        {
            "accounts": [
                {"id": "A-1", "name": "x", "parent_id": "A-3"},
                {"id": "A-9", "name": "y", "owner_id": "R-404"},
                {"id": "A-9", "name": "dup"},
            ],
            "reports_to": [
                {"contact_id": "C-1", "manager_id": "C-4"},
                {"contact_id": "C-2", "manager_id": "C-404"},
                {"contact_id": "C-3", "manager_id": "C-2", "valid_from": JAN.replace(hour=0)},
            ],
            "deal_roles": [
                {"deal_id": "D-1", "contact_id": "C-3", "roles": ["blocker"], "is_primary": True}
            ],
            "touchpoints": [
                {
                    "id": "T-9",
                    "account_id": "A-404",
                    "kind": "call",
                    "direction": "inbound",
                    "at": FEB,
                    "contact_ids": ["C-1", "C-404"],
                }
            ],
        }
    )
    lite = SqliteStore.open(tmp_path / "reference.sqlite3")
    try:
        lite.apply(first, actor="t", at=JAN)
        neo_store.apply(first, actor="t", at=JAN)
        want = _problems(lite, bad)
        before = read_everything(neo_store)
        got = _problems(neo_store, bad)
    finally:
        lite.close()
    assert got == want
    assert read_everything(neo_store) == before
