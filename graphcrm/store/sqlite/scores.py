"""Score sets in SQLite: derived data written back by the scoring use cases.

Three tables keyed by ``(account_id, as_of)`` (schema version 3): one row per
set in ``account_scores``, one per contact in ``contact_scores``, one per open
deal in ``deal_risks`` (the factors as a JSON object, code -> points). Storing
a set again deletes the old rows of its key first, so a re-score replaces it
whole. Nothing here touches the change log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path

from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ContactId,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    EntityKind,
    ScoreRun,
)
from graphcrm.domain.scores import score_set_problems
from graphcrm.errors import InvalidError, NotFoundError, StoreUnavailableError
from graphcrm.store.codec import FAR_FUTURE, decode_score_run, parse_ts, ts
from graphcrm.store.sqlite.lookup import SqliteLookup

_SET = (
    "INSERT INTO account_scores (account_id, as_of, scored_at, health, band) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, as_of) DO UPDATE SET "
    "scored_at = excluded.scored_at, health = excluded.health, band = excluded.band"
)
_CONTACT = (
    "INSERT INTO contact_scores (account_id, as_of, contact_id, influence, brokerage, "
    "authority, engagement, health, band, decision_maker, champion) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_DEAL = "INSERT INTO deal_risks (account_id, as_of, deal_id, score, factors) VALUES (?, ?, ?, ?, ?)"
_CONTACT_COLUMNS = (
    "contact_id, influence, brokerage, authority, engagement, health, band, "
    "decision_maker, champion"
)


def put_scores(conn: sqlite3.Connection, sets: Sequence[AccountScoreSet], *, where: Path) -> int:
    """Validate and store ``sets`` in one ``BEGIN IMMEDIATE`` transaction (all or nothing)."""
    committed = False
    try:
        conn.execute("BEGIN IMMEDIATE")
        lookup = SqliteLookup(conn)

        def existing(kind: EntityKind, ids: Collection[str]) -> set[str]:
            return lookup.existing_ids(kind, ids)

        problems = score_set_problems(sets, existing)
        if problems:
            raise InvalidError(problems)
        keys = [(s.account_id, ts(s.as_of)) for s in sets]
        conn.executemany("DELETE FROM contact_scores WHERE account_id = ? AND as_of = ?", keys)
        conn.executemany("DELETE FROM deal_risks WHERE account_id = ? AND as_of = ?", keys)
        conn.executemany(
            _SET,
            [
                (a, t, ts(s.scored_at), s.health, s.band)
                for (a, t), s in zip(keys, sets, strict=True)
            ],
        )
        conn.executemany(
            _CONTACT,
            [
                (
                    a,
                    t,
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
                for (a, t), s in zip(keys, sets, strict=True)
                for c in s.contacts
            ],
        )
        conn.executemany(
            _DEAL,
            [
                (a, t, d.deal_id, d.score, json.dumps(d.factors, sort_keys=True))
                for (a, t), s in zip(keys, sets, strict=True)
                for d in s.deals
            ],
        )
        conn.execute("COMMIT")
        committed = True
    except sqlite3.Error as e:
        raise StoreUnavailableError(f"sqlite store {where}: {e}") from e
    finally:
        if not committed and conn.in_transaction:
            conn.execute("ROLLBACK")
    return len(sets)


def get_scores(
    conn: sqlite3.Connection, account_id: AccountId, *, as_of: datetime | None
) -> AccountScoreSet:
    """The latest set of ``account_id`` with ``as_of`` at or before the bound."""
    bound = FAR_FUTURE if as_of is None else ts(as_of)
    head = conn.execute(
        "SELECT as_of, scored_at, health, band FROM account_scores "
        "WHERE account_id = ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
        (account_id, bound),
    ).fetchone()
    if head is None:
        raise NotFoundError("scores", account_id)
    at = head[0]
    contacts = tuple(
        ContactScoreRecord(
            contact_id=ContactId(r[0]),
            influence=r[1],
            brokerage=r[2],
            authority=r[3],
            engagement=r[4],
            health=r[5],
            band=r[6],
            decision_maker=r[7],
            champion=r[8],
        )
        for r in conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contact_scores "  # noqa: S608 - constant columns
            "WHERE account_id = ? AND as_of = ? ORDER BY contact_id",
            (account_id, at),
        )
    )
    deals = tuple(
        DealRiskRecord(deal_id=DealId(r[0]), score=r[1], factors=json.loads(r[2]))
        for r in conn.execute(
            "SELECT deal_id, score, factors FROM deal_risks "
            "WHERE account_id = ? AND as_of = ? ORDER BY deal_id",
            (account_id, at),
        )
    )
    return AccountScoreSet(
        account_id=account_id,
        as_of=parse_ts(at),
        scored_at=parse_ts(head[1]),
        health=head[2],
        band=head[3],
        contacts=contacts,
        deals=deals,
    )


def put_score_run(conn: sqlite3.Connection, row: tuple[str, str, str]) -> None:
    """Store one run's record, encoded by :func:`~graphcrm.store.codec.encode_score_run`
    (replacing a record of the same ``scored_at``), in the caller's transaction."""
    conn.execute(
        "INSERT INTO score_runs (scored_at, as_of, run) VALUES (?, ?, ?) "
        "ON CONFLICT (scored_at) DO UPDATE SET as_of = excluded.as_of, run = excluded.run",
        row,
    )


def latest_score_run(conn: sqlite3.Connection) -> ScoreRun | None:
    """The run with the latest ``as_of``, then the latest ``scored_at``; None when none."""
    row = conn.execute(
        "SELECT run FROM score_runs ORDER BY as_of DESC, scored_at DESC LIMIT 1"
    ).fetchone()
    return None if row is None else decode_score_run(row[0])
