"""Point reads and paginated lists. Filters are fixed SQL fragments with ``?`` values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Sequence, Set
from datetime import datetime
from typing import Any, TypeVar

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeLogEntry,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealView,
    EntityKind,
    Model,
    Page,
    PageRequest,
    Rep,
    RepId,
    Stage,
    StoreStats,
    Touchpoint,
)
from graphcrm.domain.text import tr_fold
from graphcrm.errors import NotFoundError
from graphcrm.store.codec import as_of_param, ts
from graphcrm.store.sqlite import codec, tables
from graphcrm.store.sqlite.codec import ids_param
from graphcrm.store.sqlite.lookup import IN_IDS
from graphcrm.store.sqlite.territories import IN_FORCE

M = TypeVar("M")
H = TypeVar("H", bound=Model)

ACTIVE_AT = "s.valid_from <= ? AND (s.valid_to IS NULL OR s.valid_to > ?)"
"""Status interval ``s`` in force at the bound (twice)."""


def prefixed(alias: str, columns: Sequence[str]) -> str:
    """``a.c1, a.c2`` from constant column names."""
    return ", ".join(f"{alias}.{c}" for c in columns)


class Filters:
    """Accumulates ``AND``-ed constant fragments and their parameters."""

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.params: list[Any] = []

    def add(self, fragment: str, *params: Any) -> None:
        self.fragments.append(fragment)
        self.params.extend(params)

    def territories(self, column: str, territories: Set[str] | None) -> None:
        """``column`` (a constant) is one of ``territories`` (None: no condition), the
        set passed as one JSON parameter."""
        if territories is not None:
            fragment = f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 - constant
            self.add(fragment, json.dumps(sorted(territories)))

    @property
    def where(self) -> str:
        return " WHERE " + " AND ".join(self.fragments) if self.fragments else ""


def paginate(
    conn: sqlite3.Connection,
    *,
    select: str,
    source: str,
    filters: Filters,
    order: str,
    page: PageRequest,
    decode: Callable[[codec.Row], M],
    key: str | None = None,
) -> Page[M]:
    """One page of ``SELECT select FROM source WHERE ... ORDER BY order`` and its total.

    ``key``: a unique column of a one-table ``source`` whose index gives ``order``.
    The page's keys are then found in that index alone and only their rows read:
    the rows OFFSET skips are index entries, not table rows (the 100th page of
    100k accounts in 5 ms, not 160 ms).
    """
    count_sql = f"SELECT COUNT(*) FROM {source}{filters.where}"  # noqa: S608 - constant fragments
    total: int = conn.execute(count_sql, filters.params).fetchone()[0]
    sql = f"SELECT {key or select} FROM {source}{filters.where} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608 - constant fragments
    if key is not None:
        sql = f"SELECT {select} FROM {source} WHERE {key} IN ({sql}) ORDER BY {order}"  # noqa: S608 - constant fragments
    rows = conn.execute(sql, [*filters.params, page.limit, page.offset]).fetchall()
    return Page[M](
        items=tuple(decode(r) for r in rows), total=total, limit=page.limit, offset=page.offset
    )


def _one(conn: sqlite3.Connection, table: tables.Table[Any], key: str, kind: str) -> Any:
    sql = f"SELECT {table.select_list} FROM {table.name} WHERE id = ?"  # noqa: S608 - constants
    row = conn.execute(sql, (key,)).fetchone()
    if row is None:
        raise NotFoundError(kind, key)
    return table.decode(row)


# --- accounts and reps ------------------------------------------------------------


def get_account(conn: sqlite3.Connection, account_id: AccountId) -> Account:
    account: Account = _one(conn, tables.ACCOUNTS, account_id, "account")
    return account


def list_accounts(
    conn: sqlite3.Connection,
    page: PageRequest,
    *,
    territories: Set[str] | None,
    sector: str | None,
    owner_id: RepId | None,
    name_contains: str | None,
) -> Page[Account]:
    f = Filters()
    f.territories("territory", territories)
    if sector is not None:
        f.add("sector = ?", sector)
    if owner_id is not None:
        f.add("owner_id = ?", owner_id)
    if name_contains:
        f.add("instr(name_fold, ?) > 0", tr_fold(name_contains))
    return paginate(
        conn,
        select=tables.ACCOUNTS.select_list,
        source="accounts",
        filters=f,
        order="name_key, id",
        page=page,
        decode=codec.decode_account,
        key="id",
    )


def get_rep(conn: sqlite3.Connection, rep_id: RepId) -> Rep:
    rep: Rep = _one(conn, tables.REPS, rep_id, "rep")
    return rep


def list_reps(conn: sqlite3.Connection, page: PageRequest, *, territory: str | None) -> Page[Rep]:
    f = Filters()
    if territory is not None:
        f.add("territory = ?", territory)
    return paginate(
        conn,
        select=tables.REPS.select_list,
        source="reps",
        filters=f,
        order="name_key, id",
        page=page,
        decode=codec.decode_rep,
        key="id",
    )


# --- contacts -----------------------------------------------------------------------

CONTACT_SELECT = prefixed("c", codec.CONTACT_COLUMNS) + ", s.status, s.valid_from"
CONTACT_SOURCE = f"contacts c JOIN contact_status s ON s.contact_id = c.id AND {ACTIVE_AT}"


_CONTACT_WIDTH = len(codec.CONTACT_COLUMNS)


def decode_contact_with_status(r: codec.Row) -> Contact:
    n = _CONTACT_WIDTH
    return codec.decode_contact(r, r[n], r[n + 1])  # decode_contact reads r[:n] only


def get_contact(
    conn: sqlite3.Connection, contact_id: ContactId, *, as_of: datetime | None
) -> Contact:
    t = as_of_param(as_of)
    sql = f"SELECT {CONTACT_SELECT} FROM {CONTACT_SOURCE} WHERE c.id = ?"  # noqa: S608 - constants
    row = conn.execute(sql, (t, t, contact_id)).fetchone()
    if row is None:
        raise NotFoundError("contact", contact_id)
    return decode_contact_with_status(row)


def list_contacts(
    conn: sqlite3.Connection,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    name_contains: str | None,
    as_of: datetime | None,
    territories: Set[str] | None,
) -> Page[Contact]:
    t = as_of_param(as_of)
    f = Filters()
    f.params.extend((t, t))  # the join's bounds come first
    source = CONTACT_SOURCE
    if account_id is not None:
        f.add("c.account_id = ?", account_id)
    if name_contains:
        f.add("instr(c.name_fold, ?) > 0", tr_fold(name_contains))
    if territories is not None and as_of is not None:  # the territory then
        f.add(f"c.account_id IN ({IN_FORCE})", json.dumps(sorted(territories)), t, t)
    elif territories is not None:
        source = f"{CONTACT_SOURCE} JOIN accounts a ON a.id = c.account_id"
        f.territories("a.territory", territories)
    return paginate(
        conn,
        select=CONTACT_SELECT,
        source=source,
        filters=f,
        order="c.name_key, c.id",
        page=page,
        decode=decode_contact_with_status,
    )


# --- deals and touchpoints -------------------------------------------------------------


def get_deals(conn: sqlite3.Connection, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
    """See :meth:`graphcrm.store.port.GraphStore.get_deals`: three queries (deals, stage
    changes, close-date changes), whatever the number of deals."""
    ids = ids_param(dict.fromkeys(deal_ids))
    deals: dict[str, Deal] = {
        d.id: d
        for d in map(
            tables.DEALS.decode,
            conn.execute(
                f"SELECT {tables.DEALS.select_list} FROM deals WHERE id {IN_IDS}",  # noqa: S608 - constants
                (ids,),
            ),
        )
    }
    for deal_id in deal_ids:
        if deal_id not in deals:
            raise NotFoundError("deal", deal_id)
    stages = _histories(conn, tables.STAGE_CHANGES, ids, deals)
    closes = _histories(conn, tables.CLOSE_DATE_CHANGES, ids, deals)
    return tuple(
        DealView(deal=deals[d], stage_history=tuple(stages[d]), close_date_history=tuple(closes[d]))
        for d in deal_ids
    )


def _histories(
    conn: sqlite3.Connection, table: tables.Table[H], ids: str, deals: Collection[str]
) -> dict[str, list[H]]:
    """The rows of a deal history table (deal id first, then ``at``) of the deals in
    ``ids`` (one JSON parameter), by deal (every one of ``deals``), oldest first."""
    out: dict[str, list[H]] = {d: [] for d in deals}
    sql = (
        f"SELECT {table.select_list} FROM {table.name} WHERE deal_id {IN_IDS} ORDER BY deal_id, at"  # noqa: S608 - constants
    )
    for row in conn.execute(sql, (ids,)):
        out[row[0]].append(table.decode(row))
    return out


def list_deals(
    conn: sqlite3.Connection,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    stage: Stage | None,
    owner_id: RepId | None,
    territories: Set[str] | None,
) -> Page[Deal]:
    f = Filters()
    source = "deals d"
    if account_id is not None:
        f.add("d.account_id = ?", account_id)
    if stage is not None:
        f.add("d.stage = ?", stage.value)
    if owner_id is not None:
        f.add("d.owner_id = ?", owner_id)
    if territories is not None:
        source = "deals d JOIN accounts a ON a.id = d.account_id"
        f.territories("a.territory", territories)
    return paginate(
        conn,
        select=prefixed("d", codec.DEAL_COLUMNS),
        source=source,
        filters=f,
        order="d.name_key, d.id",
        page=page,
        decode=codec.decode_deal,
    )


def list_touchpoints(
    conn: sqlite3.Connection,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    contact_id: ContactId | None,
    deal_id: DealId | None,
    since: datetime | None,
    until: datetime | None,
) -> Page[Touchpoint]:
    f = Filters()
    if account_id is not None:
        f.add("account_id = ?", account_id)
    if contact_id is not None:
        f.add(
            "id IN (SELECT touchpoint_id FROM touchpoint_contacts WHERE contact_id = ?)",
            contact_id,
        )
    if deal_id is not None:
        f.add("deal_id = ?", deal_id)
    if since is not None:
        f.add("at >= ?", ts(since))
    if until is not None:
        f.add("at <= ?", ts(until))
    return paginate(
        conn,
        select=tables.TOUCHPOINTS.select_list,
        source="touchpoints",
        filters=f,
        order="at DESC, id",
        page=page,
        decode=codec.decode_touchpoint,
    )


# --- change log and stats ------------------------------------------------------------------


def change_log(
    conn: sqlite3.Connection,
    page: PageRequest,
    *,
    entity: EntityKind | None,
    key: str | None,
    since_seq: int | None,
) -> Page[ChangeLogEntry]:
    f = Filters()
    if entity is not None:
        f.add("entity = ?", entity.value)
    if key is not None:
        f.add("key = ?", key)
    if since_seq is not None:
        f.add("seq > ?", since_seq)
    return paginate(
        conn,
        select=", ".join(codec.CHANGE_COLUMNS),
        source="change_log",
        filters=f,
        order="seq",
        page=page,
        decode=codec.decode_change,
    )


def stats(conn: sqlite3.Connection) -> StoreStats:
    counts: dict[str, int] = {}
    for name, table in tables.STATS_TABLES:
        counts[name] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - constants
    return StoreStats(counts=counts)
