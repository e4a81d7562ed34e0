"""Schema version 6 (API keys in the store): a version-5 file gains the key tables on open."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from graphcrm.domain import Account, AccountId, ChangeSet
from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.store.sqlite import SqliteStore
from graphcrm.store.sqlite.schema import migrate, schema_version


def test_a_version_5_file_gains_the_key_tables_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    store = SqliteStore.open(path)
    store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Eski"),)), actor="t")
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE api_keys")
    conn.execute("DROP TABLE counters")
    conn.execute("DROP TABLE account_territory")  # version 7's, made again on open
    conn.execute("ALTER TABLE accounts DROP COLUMN city")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN employees")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN revenue_minor")  # version 8's
    conn.execute("DROP TABLE score_runs")  # version 9's
    conn.execute("PRAGMA user_version = 5")
    conn.close()

    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=6) == 5
    assert schema_version(conn) == 6
    conn.close()
    store = SqliteStore.open(path)
    try:
        assert store.get_account(AccountId("A-1")).name == "Eski"
        key = KeyRecord(
            id="0123456789ab",
            name="göç",
            secret_hash="0" * 64,
            scopes=("read",),
            territories=("*",),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        store.put_key(key)
        assert store.list_keys() == (key,)
        assert store.watermark() == Watermark(changes=1, keys=1)
    finally:
        store.close()
