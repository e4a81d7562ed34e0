"""The Neo4j store answers every read, result and error exactly as the SQLite store does.

The same scenario (every write path: creates, updates, interval closes, re-applies)
runs against both stores; every read of the port is then compared as JSON text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphcrm.domain import AccountScoreSet, ChangeSet
from graphcrm.errors import InvalidError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.portfolio import CHUNK, AccountReport, score_portfolio
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


_COUNTED = ("stakeholder_graph", "stakeholder_graphs", "get_deal", "get_deals", "put_scores")


def _scored(
    store: GraphStore, config: GeneratorConfig, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[AccountReport], list[AccountScoreSet], Counter[str]]:
    """Load the portfolio, score it (one process, scores written), and read the sets
    back; with the calls of the store's reads and writes the scoring made, by name."""
    for batch in generate_portfolio(config):
        store.apply(batch, actor="gen", at=config.now)
    calls: Counter[str] = Counter()

    def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return method(*args, **kwargs)

        return call

    with monkeypatch.context() as m:
        for name in _COUNTED:
            m.setattr(store, name, counted(name, getattr(store, name)))
        reports = list(score_portfolio(store, as_of=config.now))
    sets = [store.get_scores(r.account.id, as_of=config.now) for r in reports]
    return reports, sets, calls


def test_a_portfolio_scores_the_same_as_on_sqlite_in_a_few_calls_per_chunk(
    neo_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = GeneratorConfig(accounts=40, seed=5, size_min=8, size_max=30)
    lite = SqliteStore.open(tmp_path / "reference.sqlite3")
    try:
        want, want_sets, lite_calls = _scored(lite, config, monkeypatch)
    finally:
        lite.close()
    got, got_sets, neo_calls = _scored(neo_store, config, monkeypatch)
    assert [r.model_dump_json() for r in got] == [r.model_dump_json() for r in want]
    # equal as values (a deal's factors are a mapping: the stores keep different key orders)
    assert [s.model_dump(exclude={"scored_at"}) for s in got_sets] == [
        s.model_dump(exclude={"scored_at"}) for s in want_sets
    ]
    # 40 accounts are 3 chunks (16, 16, 8). Each reads its graphs with one call, the
    # committees and the histories of its open deals with one call each when it has
    # open deals, and writes its scores with one: never a read per account or deal.
    assert len(want) == 40
    chunks = [want[i : i + CHUNK] for i in range(0, len(want), CHUNK)]
    dealing = sum(1 for c in chunks if any(r.open_deals for r in c))
    deals = sum(len(r.open_deals) for r in want)
    assert dealing == 3
    assert deals > 2 * dealing
    assert all(a.risk is not None for r in want for a in r.open_deals)
    expected = {"stakeholder_graphs": 3 + dealing, "get_deals": dealing, "put_scores": 3}
    assert lite_calls == neo_calls == expected
