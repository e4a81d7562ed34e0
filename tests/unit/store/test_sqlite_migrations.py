"""The SQLite schema migrates forward on open and refuses a newer database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graphcrm.domain import Account, AccountId, ChangeSet, PageRequest
from graphcrm.errors import StoreUnavailableError
from graphcrm.store import open_store
from graphcrm.store.sqlite import SqliteStore
from graphcrm.store.sqlite.schema import LATEST_VERSION, MIGRATIONS, migrate, schema_version


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[-1].version == LATEST_VERSION


def test_a_v1_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    assert schema_version(conn) == 1
    assert "accounts_by_name" not in _indexes(conn)
    conn.execute(
        "INSERT INTO accounts (id, name, name_fold, name_key, sector) VALUES (?, ?, ?, ?, ?)",
        ("A-1", "Eski Hesap", "eski hesap", "eski hesap", "other"),
    )
    conn.close()

    store = SqliteStore.open(path)
    try:
        assert store.get_account(AccountId("A-1")).name == "Eski Hesap"
        assert store.list_accounts(PageRequest()).total == 1
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == LATEST_VERSION
    assert "accounts_by_name" in _indexes(conn)
    conn.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 7}")
    conn.close()
    with pytest.raises(StoreUnavailableError, match=f"schema version {LATEST_VERSION + 7}"):
        SqliteStore.open(path)


def test_open_store_creates_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.sqlite3"
    store = open_store(f"sqlite://{path}")
    try:
        assert path.exists()
        assert store.stats().counts["account"] == 0
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_v2_database_gains_the_score_tables_on_open(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from graphcrm.domain import AccountScoreSet

    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=2)
    assert schema_version(conn) == 2
    assert "account_scores" not in _tables(conn)
    conn.execute(
        "INSERT INTO accounts (id, name, name_fold, name_key, sector) VALUES (?, ?, ?, ?, ?)",
        ("A-1", "Eski Hesap", "eski hesap", "eski hesap", "other"),
    )
    conn.close()

    at = datetime(2026, 1, 1, tzinfo=UTC)
    store = SqliteStore.open(path)
    try:
        assert store.get_account(AccountId("A-1")).name == "Eski Hesap"
        scored = AccountScoreSet(
            account_id=AccountId("A-1"), as_of=at, scored_at=at, health=12.5, band="poor"
        )
        store.put_scores([scored])
        assert store.get_scores(AccountId("A-1")) == scored
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == LATEST_VERSION
    assert {"account_scores", "contact_scores", "deal_risks"} <= _tables(conn)
    conn.close()


def test_a_v3_database_gains_the_covering_indexes_and_reads_the_same_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from graphcrm.generator import GeneratorConfig, generate_portfolio

    path = tmp_path / "v3.sqlite3"
    config = GeneratorConfig(accounts=3, seed=7, size_min=8, size_max=30)
    instants = (config.now, config.now - timedelta(days=90), config.now - timedelta(days=400))
    old = SqliteStore.open(path)
    try:
        for batch in generate_portfolio(config):
            old.apply(batch, actor="gen")
        ids = [a.id for a in old.list_accounts(PageRequest(limit=100)).items]
        before = [old.stakeholder_graphs(ids, as_of=t) for t in instants]
    finally:
        old.close()
    # Back to what a graphcrm that knew version 3 only wrote (its writes cannot be
    # replayed: today's write the tables of later versions too).
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in (
        "DROP INDEX contact_status_covering",
        "DROP INDEX reports_to_covering",
        "DROP INDEX influences_covering",
        "CREATE INDEX contact_status_by_contact ON contact_status (contact_id, valid_from)",
        "CREATE INDEX reports_to_by_contact ON reports_to (contact_id, valid_from)",
        "CREATE INDEX influences_by_influencer ON influences (influencer_id, valid_from)",
        "DROP TABLE win_models",
        "DROP TABLE api_keys",
        "DROP TABLE counters",
        "DROP TABLE account_territory",
        "ALTER TABLE accounts DROP COLUMN city",
        "ALTER TABLE accounts DROP COLUMN employees",
        "ALTER TABLE accounts DROP COLUMN revenue_minor",
        "DROP TABLE score_runs",
        "PRAGMA user_version = 3",
    ):
        conn.execute(statement)
    conn.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == 3
    assert "reports_to_by_contact" in _indexes(conn)
    conn.close()

    store = SqliteStore.open(path)
    try:
        assert [store.stakeholder_graphs(ids, as_of=t) for t in instants] == before
        assert sum(len(g.reports_to) + len(g.influences) for g in before[0]) > 0
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == LATEST_VERSION
    indexes = _indexes(conn)
    assert {"contact_status_covering", "reports_to_covering", "influences_covering"} <= indexes
    assert not {"contact_status_by_contact", "reports_to_by_contact"} & indexes
    assert "influences_by_influencer" not in indexes
    conn.close()


def test_a_v4_database_gains_the_win_model_table_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from graphcrm.domain import AccountScoreSet, ModelSource, WinModel, WinModelCard
    from graphcrm.errors import NotFoundError

    path = tmp_path / "v4.sqlite3"
    at = datetime(2026, 1, 1, tzinfo=UTC)
    scored = AccountScoreSet(
        account_id=AccountId("A-1"), as_of=at, scored_at=at, health=12.5, band="poor"
    )
    old = SqliteStore.open(path)
    try:
        accounts = (Account(id=AccountId("A-1"), name="Eski Hesap"),)
        old.apply(ChangeSet(accounts=accounts), actor="old", at=at)
        old.put_scores([scored])
    finally:
        old.close()
    conn = sqlite3.connect(path, isolation_level=None)  # back to version 4's tables
    for table in ("win_models", "api_keys", "counters", "account_territory"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE accounts DROP COLUMN city")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN employees")  # version 8's
    conn.execute("ALTER TABLE accounts DROP COLUMN revenue_minor")  # version 8's
    conn.execute("DROP TABLE score_runs")  # version 9's
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == 4
    assert "win_models" not in _tables(conn)
    conn.close()

    model = WinModel(
        features=("stage",), coefficients=(0.1,), intercept=0.2, means=(0.3,), scales=(0.7,)
    )
    card = WinModelCard(
        fitted_at=at, source=ModelSource.STORE, model=model, stage_model=model, notes=("ılık",)
    )
    store = SqliteStore.open(path)
    try:
        assert store.get_account(AccountId("A-1")).name == "Eski Hesap"
        assert store.get_scores(AccountId("A-1")) == scored
        assert store.change_log(PageRequest()).total == 1
        with pytest.raises(NotFoundError):
            store.get_win_model()
        store.put_win_model(card)
        assert store.get_win_model() == card
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == LATEST_VERSION
    assert "win_models" in _tables(conn)
    assert conn.execute("SELECT fitted_at FROM win_models").fetchall() == [
        ("2026-01-01T00:00:00.000000Z",)
    ]
    conn.close()


def test_a_stale_version_read_skips_the_steps_another_process_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes open a new file at once: both read version 0 before either writes."""
    path = tmp_path / "raced.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    migrate(first)  # the other process wins the race
    first.close()

    from graphcrm.store.sqlite import schema

    real = schema.schema_version
    calls = {"n": 0}

    def stale_then_real(conn: sqlite3.Connection) -> int:
        calls["n"] += 1
        return 0 if calls["n"] == 1 else real(conn)

    monkeypatch.setattr(schema, "schema_version", stale_then_real)
    second = sqlite3.connect(path, isolation_level=None)
    assert migrate(second) == 0  # it saw version 0 ...
    assert real(second) == LATEST_VERSION  # ... and ran nothing twice
    second.close()


def test_stores_opened_at_once_on_a_new_file_all_work(tmp_path: Path) -> None:
    import threading

    for attempt in range(30):  # each attempt lost the WAL switch ~1 time in 12 before _wal
        path = tmp_path / f"new-{attempt}.sqlite3"
        errors: list[BaseException] = []
        start = threading.Barrier(3)

        def open_it(p: Path = path, errs: list[BaseException] = errors) -> None:
            start.wait()  # noqa: B023 - the barrier of this attempt
            try:
                SqliteStore.open(p).close()
            except BaseException as e:
                errs.append(e)

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        conn = sqlite3.connect(path)
        assert schema_version(conn) == LATEST_VERSION
        conn.close()


def test_a_v7_database_gains_account_city_and_size_on_open(tmp_path: Path) -> None:
    from decimal import Decimal

    path = tmp_path / "v7.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    conn.execute(
        "INSERT INTO accounts (id, name, name_fold, name_key, sector) VALUES (?, ?, ?, ?, ?)",
        ("A-1", "Eski Hesap", "eski hesap", "eski hesap", "other"),
    )
    conn.close()

    store = SqliteStore.open(path)
    try:
        old = store.get_account(AccountId("A-1"))
        assert (old.city, old.employees, old.annual_revenue) == (None, None, None)
        store.apply(
            ChangeSet(
                accounts=(
                    old.model_copy(
                        update={
                            "city": "İzmir",
                            "employees": 120,
                            "annual_revenue": Decimal("2500000.50"),
                        }
                    ),
                )
            ),
            actor="t",
        )
        new = store.get_account(AccountId("A-1"))
        assert (new.city, new.employees, new.annual_revenue) == (
            "İzmir",
            120,
            Decimal("2500000.50"),
        )
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert schema_version(conn) == LATEST_VERSION
    assert conn.execute("SELECT revenue_minor FROM accounts").fetchone() == (250000050,)
    conn.close()
