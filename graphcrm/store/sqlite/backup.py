"""Dumping and restoring a whole SQLite store (:class:`~graphcrm.store.dump.StoreDump`).

:func:`dump` reads every table inside the caller's read transaction: in WAL
mode that is one snapshot, and writers (the API, in its own process) go on
meanwhile. :func:`restore` writes the rows as they are, intervals with their
ends, histories and change log with their ``seq``, inside the caller's
``BEGIN IMMEDIATE`` transaction, so it is all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ContactId,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    Model,
)
from graphcrm.errors import ConflictError
from graphcrm.store.codec import parse_ts, ts
from graphcrm.store.dump import StoreDump, StoredWinModel, stored_change
from graphcrm.store.sqlite import codec, tables
from graphcrm.store.sqlite.schema import schema_version
from graphcrm.store.sqlite.tables import IntervalTable, Table

_PLAIN: tuple[tuple[str, Table[Any]], ...] = (
    ("accounts", tables.ACCOUNTS),
    ("reps", tables.REPS),
    ("contacts", tables.CONTACTS),
    ("deals", tables.DEALS),
    ("stage_changes", tables.STAGE_CHANGES),
    ("close_date_changes", tables.CLOSE_DATE_CHANGES),
    ("touchpoints", tables.TOUCHPOINTS),
    ("rep_knows", tables.REP_KNOWS),
)
_INTERVALS: tuple[tuple[str, IntervalTable[Any]], ...] = (
    ("contact_statuses", tables.CONTACT_STATUS),
    ("account_territories", tables.ACCOUNT_TERRITORY),
    ("reports_to", tables.REPORTS_TO),
    ("influences", tables.INFLUENCES),
    ("deal_roles", tables.DEAL_ROLES),
)

BACKED_UP_TABLES: tuple[str, ...] = (
    "accounts",
    "reps",
    "contacts",
    "contact_status",
    "account_territory",
    "reports_to",
    "influences",
    "rep_knows",
    "deals",
    "stage_changes",
    "close_date_changes",
    "deal_roles",
    "touchpoints",
    "touchpoint_contacts",
    "touchpoint_reps",
    "account_scores",
    "contact_scores",
    "deal_risks",
    "win_models",
    "change_log",
)
"""Every table a dump covers (the touchpoint participant tables are derived)."""

_SCORE_CONTACT_COLUMNS = (
    "account_id, as_of, contact_id, influence, brokerage, authority, engagement, health, "
    "band, decision_maker, champion"
)


def _all(conn: sqlite3.Connection, table: Table[Any] | IntervalTable[Any]) -> list[Any]:
    # Rows in the order of the table's key or handle: the order does not matter to a
    # restore, but a stable one makes dumps of one store comparable line by line.
    order = ", ".join(table.key_columns) if isinstance(table, Table) else "id"
    sql = f"SELECT {table.select_list} FROM {table.name} ORDER BY {order}"  # noqa: S608 - constants
    return [table.decode(r) for r in conn.execute(sql)]


def _score_sets(conn: sqlite3.Connection) -> tuple[AccountScoreSet, ...]:
    contacts: dict[tuple[str, str], list[ContactScoreRecord]] = {}
    for r in conn.execute(
        f"SELECT {_SCORE_CONTACT_COLUMNS} FROM contact_scores "  # noqa: S608 - constant columns
        "ORDER BY account_id, as_of, contact_id"
    ):
        contacts.setdefault((r[0], r[1]), []).append(
            ContactScoreRecord(
                contact_id=ContactId(r[2]),
                influence=r[3],
                brokerage=r[4],
                authority=r[5],
                engagement=r[6],
                health=r[7],
                band=r[8],
                decision_maker=r[9],
                champion=r[10],
            )
        )
    deals: dict[tuple[str, str], list[DealRiskRecord]] = {}
    for r in conn.execute(
        "SELECT account_id, as_of, deal_id, score, factors FROM deal_risks "
        "ORDER BY account_id, as_of, deal_id"
    ):
        deals.setdefault((r[0], r[1]), []).append(
            DealRiskRecord(deal_id=DealId(r[2]), score=r[3], factors=json.loads(r[4]))
        )
    return tuple(
        AccountScoreSet(
            account_id=AccountId(r[0]),
            as_of=parse_ts(r[1]),
            scored_at=parse_ts(r[2]),
            health=r[3],
            band=r[4],
            contacts=tuple(contacts.get((r[0], r[1]), ())),
            deals=tuple(deals.get((r[0], r[1]), ())),
        )
        for r in conn.execute(
            "SELECT account_id, as_of, scored_at, health, band FROM account_scores "
            "ORDER BY account_id, as_of"
        )
    )


def dump(conn: sqlite3.Connection) -> StoreDump:
    """Every row; the caller holds the read transaction that makes it one snapshot."""
    parts: dict[str, tuple[Model, ...]] = {}
    for kind, table in _PLAIN:
        parts[kind] = tuple(_all(conn, table))
    for kind, interval_table in _INTERVALS:
        parts[kind] = tuple(_all(conn, interval_table))
    win_models = tuple(
        StoredWinModel(fitted_at=r[0], card=r[1])
        for r in conn.execute("SELECT fitted_at, card FROM win_models ORDER BY fitted_at")
    )
    changes = tuple(
        stored_change(*r)
        for r in conn.execute(
            f"SELECT {', '.join(codec.CHANGE_COLUMNS)} FROM change_log ORDER BY seq"  # noqa: S608
        )
    )
    return StoreDump(
        source="sqlite",
        schema_version=schema_version(conn),
        score_sets=_score_sets(conn),
        win_models=win_models,
        changes=changes,
        **parts,  # type: ignore[arg-type]
    )


def is_empty(conn: sqlite3.Connection) -> bool:
    """Whether no table a dump covers holds a row."""
    return not any(
        conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()  # noqa: S608 - constant names
        for t in BACKED_UP_TABLES
    )


def restore(conn: sqlite3.Connection, d: StoreDump, *, replace: bool, where: str) -> None:
    """Write ``d`` into the store; the caller holds ``BEGIN IMMEDIATE`` and commits.

    Raises :class:`ConflictError` when the store holds data and ``replace`` is false;
    with ``replace`` the old rows are deleted first, in the same transaction.
    """
    if not is_empty(conn):
        if not replace:
            raise ConflictError(
                f"sqlite store {where} is not empty: restore into an empty store, "
                "or pass replace (graphcrm restore --replace) to delete its data first"
            )
        for t in BACKED_UP_TABLES:
            conn.execute(f"DELETE FROM {t}")  # noqa: S608 - constant names
        conn.execute("DELETE FROM score_runs")  # derived from the data replaced
    for kind, table in _PLAIN:
        conn.executemany(table.upsert_sql, [table.encode(r) for r in getattr(d, kind)])
    for kind, interval_table in _INTERVALS:
        conn.executemany(
            interval_table.insert_sql, [interval_table.encode(r) for r in getattr(d, kind)]
        )
    conn.executemany(
        "INSERT INTO touchpoint_contacts (contact_id, touchpoint_id, at, direction, sentiment) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (c, t.id, ts(t.at), t.direction, t.sentiment)
            for t in d.touchpoints
            for c in t.contact_ids
        ],
    )
    conn.executemany(
        "INSERT INTO touchpoint_reps (touchpoint_id, rep_id) VALUES (?, ?)",
        [(t.id, r) for t in d.touchpoints for r in t.rep_ids],
    )
    _restore_scores(conn, d.score_sets)
    conn.executemany(
        "INSERT INTO win_models (fitted_at, card) VALUES (?, ?)",
        [(w.fitted_at, w.card) for w in d.win_models],
    )
    conn.executemany(
        "INSERT INTO change_log (seq, at, actor, entity, key, op, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(c.seq, *c.record()) for c in d.changes],
    )


def _restore_scores(conn: sqlite3.Connection, sets: tuple[AccountScoreSet, ...]) -> None:
    conn.executemany(
        "INSERT INTO account_scores (account_id, as_of, scored_at, health, band) "
        "VALUES (?, ?, ?, ?, ?)",
        [(s.account_id, ts(s.as_of), ts(s.scored_at), s.health, s.band) for s in sets],
    )
    conn.executemany(
        f"INSERT INTO contact_scores ({_SCORE_CONTACT_COLUMNS}) "  # noqa: S608 - constant columns
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.account_id,
                ts(s.as_of),
                c.contact_id,
                c.influence,
                c.brokerage,
                c.authority,
                c.engagement,
                c.health,
                c.band,
                c.decision_maker,
                c.champion,
            )
            for s in sets
            for c in s.contacts
        ],
    )
    conn.executemany(
        "INSERT INTO deal_risks (account_id, as_of, deal_id, score, factors) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (s.account_id, ts(s.as_of), d.deal_id, d.score, json.dumps(d.factors, sort_keys=True))
            for s in sets
            for d in s.deals
        ],
    )
