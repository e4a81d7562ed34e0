"""Schema version 9 (score runs): a version-8 file gains the ``score_runs`` table on
open, keeps its data, and stores and reads runs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from graphcrm.domain import Account, AccountId, ChangeSet, ScoreRun
from graphcrm.store.sqlite import SqliteStore
from graphcrm.store.sqlite.schema import migrate, schema_version


def test_a_version_8_file_gains_the_score_runs_table_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite3"
    store = SqliteStore.open(path)
    store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Eski"),)), actor="t")
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE score_runs")
    conn.execute("PRAGMA user_version = 8")
    conn.close()

    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=9) == 8
    assert schema_version(conn) == 9
    assert conn.execute("SELECT COUNT(*) FROM score_runs").fetchone() == (0,)
    conn.close()
    store = SqliteStore.open(path)
    try:
        assert store.get_account(AccountId("A-1")).name == "Eski"
        assert store.latest_score_run() is None
        at = datetime(2026, 1, 1, tzinfo=UTC)
        run = ScoreRun(
            as_of=at,
            scored_at=at,
            changes=1,
            accounts=1,
            full=True,
            oldest_as_of=at,
            settings="x",
        )
        store.put_score_run(run)
        assert store.latest_score_run() == run
    finally:
        store.close()
