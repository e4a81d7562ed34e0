"""The SQLite writer logs a run of rowless creation entries with one ``INSERT ... SELECT``
over their keys (``writer._RunLog``). Against the plain version (every entry a bound
row, in the records' order) the change log comes out the same, ``seq`` for ``seq``,
over generated batches with creations, updates, closes and touchpoints (whose
creations keep their row), loaded twice and with keys that JSON escapes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graphcrm.domain import Account, AccountId, ChangeSet, Contact, ContactId, Rep, RepId
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store.codec import ChangeLog
from graphcrm.store.sqlite import SqliteStore, writer

AT = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


class _PlainLog(ChangeLog):
    """Every entry a record, inserted one bound row each."""

    def flush(self, conn: sqlite3.Connection) -> None:
        conn.executemany(writer._LOG_SQL, self.records)


def _batches() -> list[ChangeSet]:
    rep, account, contact = RepId('R-"q"'), AccountId("A-ü\U0001f600"), ContactId("C-é 1")
    odd = ChangeSet(
        reps=(Rep(id=rep, name="Işık"),),
        accounts=(Account(id=account, name="Ölçü", owner_id=rep),),
        contacts=(Contact(id=contact, account_id=account, name="Ayşe"),),
    )
    renamed = ChangeSet(contacts=(Contact(id=contact, account_id=account, name="Ayşe Kaya"),))
    generated = list(generate_portfolio(GeneratorConfig(accounts=12, seed=5, size_max=200)))
    return [odd, *generated, renamed, *generated]


def _log(path: Path) -> list[tuple[object, ...]]:
    store = SqliteStore.open(path)
    try:
        for i, batch in enumerate(_batches()):
            store.apply(batch, actor="t", at=AT + timedelta(minutes=i))
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM change_log ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_runs_log_what_the_plain_records_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _log(tmp_path / "runs.sqlite3")
    monkeypatch.setattr(writer, "_RunLog", _PlainLog)
    plain = _log(tmp_path / "plain.sqlite3")
    assert runs == plain
    assert {r[5] for r in runs} == {"create", "update", "close"}
    assert any(r[7] is not None for r in runs if r[5] == "create")  # touchpoints keep their row
