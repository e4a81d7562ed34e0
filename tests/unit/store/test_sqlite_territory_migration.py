"""Schema version 7 (account territories as intervals): a version-6 file gains one open
interval per account, from the account's first change-log entry (or the earliest
instant when the log has none), and as-of reads use it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from graphcrm.domain import Account, AccountId, ChangeSet, TerritorySpan
from graphcrm.store.dump import EARLIEST
from graphcrm.store.sqlite import SqliteStore
from graphcrm.store.sqlite.schema import migrate, schema_version

JAN = datetime(2026, 1, 5, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_version_6_file_gains_territory_intervals(tmp_path: Path) -> None:
    path = tmp_path / "v6.sqlite3"
    store = SqliteStore.open(path)
    store.apply(
        ChangeSet(accounts=(Account(id=AccountId("A-1"), name="İzmir Liman", territory="Ege"),)),
        actor="t",
        at=JAN,
    )
    # A later edit that leaves the territory as it was: the interval still starts at
    # the account's first entry.
    store.apply(
        ChangeSet(
            accounts=(
                Account(id=AccountId("A-1"), name="İzmir Limanı", territory="Ege"),
                Account(id=AccountId("A-2"), name="Kayseri Un"),
            )
        ),
        actor="t",
        at=MAR,
    )
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE account_territory")
    conn.execute(  # an account the log does not know (written by hand, or its log pruned)
        "INSERT INTO accounts (id, name, name_fold, name_key, sector, territory) "
        "VALUES ('A-3', 'Elle', 'elle', 'elle', 'other', 'Marmara')"
    )
    conn.execute("ALTER TABLE accounts DROP COLUMN city")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN employees")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN revenue_minor")  # version 8's
    conn.execute("DROP TABLE score_runs")  # version 9's
    conn.execute("PRAGMA user_version = 6")
    conn.close()

    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=7) == 6
    assert schema_version(conn) == 7
    conn.close()
    store = SqliteStore.open(path)
    try:
        assert store.territory_history() == (
            TerritorySpan(account_id=AccountId("A-1"), territory="Ege", valid_from=JAN),
            TerritorySpan(account_id=AccountId("A-2"), territory=None, valid_from=MAR),
            TerritorySpan(account_id=AccountId("A-3"), territory="Marmara", valid_from=EARLIEST),
        )
        # A move after the migration closes the migrated interval.
        apr = datetime(2026, 4, 1, tzinfo=UTC)
        store.apply(
            ChangeSet(
                accounts=(Account(id=AccountId("A-1"), name="İzmir Limanı", territory="Akdeniz"),)
            ),
            actor="t",
            at=apr,
        )
        assert store.territory_history([AccountId("A-1")]) == (
            TerritorySpan(
                account_id=AccountId("A-1"), territory="Ege", valid_from=JAN, valid_to=apr
            ),
            TerritorySpan(account_id=AccountId("A-1"), territory="Akdeniz", valid_from=apr),
        )
        [before] = store.stakeholder_graph(AccountId("A-1"), as_of=MAR).accounts
        assert before.territory == "Ege"
        assert store.get_account(AccountId("A-1")).territory == "Akdeniz"
    finally:
        store.close()
