"""Account territories as intervals on SQLite: the ``account_territory`` table.

``accounts.territory`` holds the present territory (what present reads and
territory-scoped lists use); ``account_territory`` holds every interval,
written with the batch (:mod:`graphcrm.store.sqlite.writer`), read here for
history and as-of reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime

from graphcrm.domain import Account, TerritorySpan
from graphcrm.store.codec import ts
from graphcrm.store.sqlite import tables
from graphcrm.store.sqlite.codec import ids_param
from graphcrm.store.sqlite.lookup import IN_IDS

_T = tables.ACCOUNT_TERRITORY

IN_FORCE = (
    "SELECT t.account_id FROM account_territory t "
    "WHERE t.territory IN (SELECT value FROM json_each(?)) "
    "AND t.valid_from <= ? AND (t.valid_to IS NULL OR t.valid_to > ?)"
)
"""Accounts whose territory at an instant (twice) is one of a JSON array."""


def history(conn: sqlite3.Connection, account_ids: Collection[str] | None) -> list[TerritorySpan]:
    """Every interval of the accounts (None: of every account), by account then start."""
    sql = f"SELECT {_T.select_list} FROM account_territory"  # noqa: S608 - constants
    params: tuple[str, ...] = ()
    if account_ids is not None:
        sql += f" WHERE account_id {IN_IDS}"
        params = (ids_param(account_ids),)
    return [_T.decode(r) for r in conn.execute(sql + " ORDER BY account_id, valid_from", params)]


def as_of(
    conn: sqlite3.Connection, accounts: Sequence[Account], at: datetime | None
) -> list[Account]:
    """``accounts`` with the territory each had at ``at`` (None: as stored, the present);
    an account with no interval then keeps its stored one."""
    if at is None or not accounts:
        return list(accounts)
    t = ts(at)
    then = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT account_id, territory FROM account_territory "  # noqa: S608 - constants
            f"WHERE account_id {IN_IDS} AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?)",
            (ids_param([a.id for a in accounts]), t, t),
        )
    }
    return [
        a
        if a.id not in then or then[a.id] == a.territory
        else a.model_copy(update={"territory": then[a.id]})
        for a in accounts
    ]
