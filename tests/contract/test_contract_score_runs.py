"""Score-run records in every store: stored whole and read back equal, replaced by
``scored_at``, the latest chosen by ``as_of`` then ``scored_at``, outside the change
log and the stats, and gone after a restore that replaces the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from graphcrm.domain import Account, AccountId, ChangeSet, ScoreRun
from graphcrm.store import GraphStore
from graphcrm.store.maintenance import maintenance
from tests.contract.conftest import Snapshot

T = datetime(2026, 3, 1, 2, 30, 15, 123456, tzinfo=UTC)


def _run(as_of: datetime, scored_at: datetime, *, changes: int = 7, full: bool = True) -> ScoreRun:
    return ScoreRun(
        as_of=as_of,
        scored_at=scored_at,
        changes=changes,
        accounts=3,
        full=full,
        oldest_as_of=as_of if full else as_of - timedelta(days=2),
        settings="sha256:ağ",
    )


def test_no_run_reads_as_none(store: GraphStore) -> None:
    assert store.latest_score_run() is None


def test_the_latest_is_by_as_of_then_scored_at_and_reads_back_equal(store: GraphStore) -> None:
    nightly = _run(T, T + timedelta(minutes=5), full=False)
    # scored later, but as of an earlier instant (a historical run): not the latest
    history = _run(T - timedelta(days=30), T + timedelta(hours=1))
    store.put_score_run(nightly)
    store.put_score_run(history)
    assert store.latest_score_run() == nightly
    again = _run(T, T + timedelta(minutes=9), changes=8)  # same as_of, scored later
    store.put_score_run(again)
    assert store.latest_score_run() == again


def test_a_run_of_the_same_scored_at_is_replaced(store: GraphStore) -> None:
    store.put_score_run(_run(T, T))
    replaced = _run(T - timedelta(days=1), T, changes=9)
    store.put_score_run(replaced)
    assert store.latest_score_run() == replaced  # the record of T + 0 is gone


def test_runs_are_not_in_the_change_log_or_the_stats(
    store: GraphStore, snap: Callable[[GraphStore], Snapshot]
) -> None:
    store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Ağ"),)), actor="t")
    before = snap(store)
    store.put_score_run(_run(T, T))
    assert snap(store) == before


def test_a_replacing_restore_deletes_the_runs(store: GraphStore) -> None:
    store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Ağ"),)), actor="t")
    backup = maintenance(store).dump()
    store.put_score_run(_run(T, T))
    maintenance(store).restore(backup, replace=True)
    assert store.latest_score_run() is None


def test_a_full_run_starts_where_it_is_scored() -> None:
    with pytest.raises(ValidationError, match="oldest_as_of"):
        ScoreRun(
            as_of=T,
            scored_at=T,
            changes=0,
            accounts=0,
            full=True,
            oldest_as_of=T - timedelta(days=1),
            settings="x",
        )
