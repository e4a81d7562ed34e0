"""Account hierarchy, rollups and the stakeholder graph: the SQLite read side of the graph."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from graphcrm.domain import (
    Account,
    AccountId,
    AccountRollup,
    Contact,
    ContactEngagement,
    ContactTie,
    Deal,
    DealRole,
    DealTouch,
    Influence,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    RepTie,
    StakeholderGraph,
    Temporal,
)
from graphcrm.domain.construct import construct
from graphcrm.errors import NotFoundError
from graphcrm.store.codec import TS_WIDTH, as_of_param, decode_rollup, parse_ts, touch_windows
from graphcrm.store.sqlite import codec, tables, territories
from graphcrm.store.sqlite.codec import ids_param
from graphcrm.store.sqlite.lookup import IN_IDS
from graphcrm.store.sqlite.reads import (
    ACTIVE_AT,
    CONTACT_SOURCE,
    decode_contact_with_status,
    prefixed,
)

T = TypeVar("T")
Row = TypeVar("Row", bound=Temporal)
"""A row of an interval table (a reporting line, an influence, a deal role, ...)."""

MAX_DEPTH = 10_000
"""Guard for the recursive hierarchy queries (validation keeps parents acyclic)."""

_ACCOUNT_A = prefixed("a", codec.ACCOUNT_COLUMNS)

_ANCESTORS = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT parent_id, 1 FROM accounts WHERE id = ? AND parent_id IS NOT NULL
    UNION ALL
    SELECT a.parent_id, up.depth + 1 FROM accounts a JOIN up ON a.id = up.id
    WHERE a.parent_id IS NOT NULL AND up.depth < {MAX_DEPTH}
)
SELECT {_ACCOUNT_A} FROM accounts a JOIN up ON a.id = up.id ORDER BY up.depth
"""  # noqa: S608 - constants only

_DESCENDANTS = f"""
WITH RECURSIVE down(id, depth) AS (
    SELECT id, 1 FROM accounts WHERE parent_id = ?
    UNION ALL
    SELECT a.id, down.depth + 1 FROM accounts a JOIN down ON a.parent_id = down.id
    WHERE down.depth < {MAX_DEPTH}
)
SELECT {_ACCOUNT_A} FROM accounts a JOIN down ON a.id = down.id
ORDER BY down.depth, a.name_key, a.id
"""  # noqa: S608 - constants only

_SUBTREE = f"""
WITH RECURSIVE sub(id, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT a.id, sub.depth + 1 FROM accounts a JOIN sub ON a.parent_id = sub.id
    WHERE sub.depth < {MAX_DEPTH}
)"""  # noqa: S608 - constants only

# A deal's stage and expected close at :t (named parameters :present, :t);
# a NULL stage means the deal did not exist yet.
_DEAL_AT = """
    CASE WHEN :present THEN d.stage ELSE (
        SELECT sc.to_stage FROM stage_changes sc WHERE sc.deal_id = d.id AND sc.at <= :t
        ORDER BY sc.at DESC LIMIT 1) END AS stage_at,
    CASE WHEN :present THEN d.expected_close
        WHEN EXISTS (SELECT 1 FROM close_date_changes c WHERE c.deal_id = d.id AND c.at <= :t)
        THEN (SELECT c.to_date FROM close_date_changes c WHERE c.deal_id = d.id AND c.at <= :t
              ORDER BY c.at DESC LIMIT 1)
        WHEN EXISTS (SELECT 1 FROM close_date_changes c WHERE c.deal_id = d.id)
        THEN (SELECT c.from_date FROM close_date_changes c WHERE c.deal_id = d.id
              ORDER BY c.at LIMIT 1)
        ELSE d.expected_close END AS close_at
"""


def _require_account(conn: sqlite3.Connection, account_id: str) -> None:
    if conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone() is None:
        raise NotFoundError("account", account_id)


def ancestors(conn: sqlite3.Connection, account_id: AccountId) -> tuple[Account, ...]:
    _require_account(conn, account_id)
    return tuple(codec.decode_account(r) for r in conn.execute(_ANCESTORS, (account_id,)))


def descendants(conn: sqlite3.Connection, account_id: AccountId) -> tuple[Account, ...]:
    _require_account(conn, account_id)
    return tuple(codec.decode_account(r) for r in conn.execute(_DESCENDANTS, (account_id,)))


def rollup(
    conn: sqlite3.Connection, account_id: AccountId, *, as_of: datetime | None
) -> AccountRollup:
    _require_account(conn, account_id)
    t = as_of_param(as_of)
    present = as_of is None
    count_sql = f"{_SUBTREE} SELECT COUNT(*) FROM sub"  # noqa: S608 - constants
    accounts: int = conn.execute(count_sql, (account_id,)).fetchone()[0]
    contacts: int = conn.execute(
        f"{_SUBTREE} SELECT COUNT(*) FROM contacts c "  # noqa: S608 - constants
        f"JOIN contact_status s ON s.contact_id = c.id AND {ACTIVE_AT} "
        "WHERE c.account_id IN (SELECT id FROM sub) AND s.status = 'active'",
        (account_id, t, t),
    ).fetchone()[0]
    # The CTE's ? is parameter 1; the bound must not reuse ?1 here, so bind positionally.
    rows = conn.execute(
        f"{_SUBTREE} SELECT stage_at, currency, COUNT(*), SUM(amount_minor) FROM ("  # noqa: S608 - constants
        "  SELECT d.currency, d.amount_minor, "
        "  CASE WHEN ? THEN d.stage ELSE ("
        "    SELECT sc.to_stage FROM stage_changes sc WHERE sc.deal_id = d.id AND sc.at <= ?"
        "    ORDER BY sc.at DESC LIMIT 1) END AS stage_at "
        "  FROM deals d WHERE d.account_id IN (SELECT id FROM sub)) "
        "WHERE stage_at IS NOT NULL AND stage_at NOT IN ('closed_won', 'closed_lost') "
        "GROUP BY stage_at, currency",
        (account_id, present, t),
    ).fetchall()
    return decode_rollup(account_id, as_of, accounts=accounts, contacts=contacts, pipeline=rows)


# --- the stakeholder graph ----------------------------------------------------------


def _active(alias: str) -> str:
    return f"{alias}.valid_from <= ? AND ({alias}.valid_to IS NULL OR {alias}.valid_to > ?)"


def _deals_at(conn: sqlite3.Connection, account_ids: str, present: bool, t: str) -> list[Deal]:
    """The accounts' deals by id: as stored, or as of ``t`` (stage, expected close and
    the fields set at closing then; see :func:`graphcrm.store.codec.deal_at`)."""
    sql = (
        f"SELECT * FROM (SELECT {prefixed('d', codec.DEAL_COLUMNS)}, {_DEAL_AT} "  # noqa: S608 - constants
        "FROM deals d WHERE d.account_id IN (SELECT value FROM json_each(:ids))) "
        "WHERE stage_at IS NOT NULL ORDER BY id"
    )
    rows = conn.execute(sql, {"present": present, "t": t, "ids": account_ids})
    if present:
        return [codec.decode_deal(r) for r in rows]
    n = len(codec.DEAL_COLUMNS)
    return [codec.decode_deal_at(r, r[n], r[n + 1]) for r in rows]


def stakeholder_graph(
    conn: sqlite3.Connection,
    account_id: AccountId,
    *,
    as_of: datetime | None,
    include_family: bool,
) -> StakeholderGraph:
    """See :meth:`graphcrm.store.port.GraphStore.stakeholder_graph`.

    Reporting lines, influence edges and deal roles are included when both
    ends are in the graph; reps are those who know or touched its contacts or
    own its deals.
    """
    _require_account(conn, account_id)
    family: list[Account] = [
        codec.decode_account(
            conn.execute(
                f"SELECT {tables.ACCOUNTS.select_list} FROM accounts WHERE id = ?",  # noqa: S608 - constants
                (account_id,),
            ).fetchone()
        )
    ]
    if include_family:
        family += ancestors(conn, account_id) + descendants(conn, account_id)
    return _graphs(conn, [territories.as_of(conn, family, as_of)], as_of=as_of)[0]


def stakeholder_graphs(
    conn: sqlite3.Connection,
    account_ids: Sequence[AccountId],
    *,
    as_of: datetime | None,
    committee_only: bool = False,
) -> tuple[StakeholderGraph, ...]:
    """See :meth:`graphcrm.store.port.GraphStore.stakeholder_graphs`.

    One query per kind of row for all the accounts, split by account in
    Python; each graph is what :func:`stakeholder_graph` returns for its
    account alone (no family). ``committee_only`` skips the queries of the
    parts it leaves out (influences, rep knowledge, the touch aggregates, reps).
    """
    wanted = list(dict.fromkeys(account_ids))
    found = {
        a.id: a
        for a in (
            codec.decode_account(r)
            for r in conn.execute(
                f"SELECT {tables.ACCOUNTS.select_list} FROM accounts WHERE id {IN_IDS}",  # noqa: S608 - constants
                (ids_param(wanted),),
            )
        )
    }
    for account_id in wanted:
        if account_id not in found:
            raise NotFoundError("account", account_id)
    then = {a.id: a for a in territories.as_of(conn, list(found.values()), as_of)}
    graphs = _graphs(conn, [[then[a]] for a in wanted], as_of=as_of, committee_only=committee_only)
    by_id = dict(zip(wanted, graphs, strict=True))
    return tuple(by_id[a] for a in account_ids)


# The graph's contacts with their status at the bound (twice): ``CONTACT_SELECT`` with
# NULL for the folded and sort-key names, which ``decode_contact`` does not read, and
# unordered (:func:`_graphs` orders them by id).
_CONTACTS = (
    "SELECT "  # noqa: S608 - constants
    + ", ".join(
        "NULL" if col in ("name_fold", "name_key") else f"c.{col}" for col in codec.CONTACT_COLUMNS
    )
    + f", s.status, s.valid_from FROM {CONTACT_SOURCE} WHERE c.account_id {IN_IDS}"
)
_first = itemgetter(0)


def _graphs(
    conn: sqlite3.Connection,
    groups: Sequence[list[Account]],
    *,
    as_of: datetime | None,
    committee_only: bool = False,
) -> list[StakeholderGraph]:
    """One stakeholder graph per group of accounts (disjoint groups), read together.

    Every query reads the rows of all the groups at once, in the order one
    group's query would; a row goes to the group of its contact (or deal),
    and a tie only when both ends are in that group. With ``committee_only``
    the influences, rep knowledge, touch aggregates and reps are not read
    (their fields are empty).
    """
    t = as_of_param(as_of)
    present = as_of is None
    owner: dict[str, int] = {}
    for g, family in enumerate(groups):
        family.sort(key=lambda a: a.id)
        for a in family:
            owner[a.id] = g
    n = len(groups)

    contacts, home = _contacts_within(conn, owner, t, n)
    cids = ids_param(home)

    lines: list[list[ReportsTo]] = _in_force_within(
        conn, tables.REPORTS_TO, "contact_id, manager_id, kind", cids, t, home, home, n
    )
    influences: list[list[Influence]] = [[] for _ in range(n)]
    if not committee_only:
        influences = _in_force_within(
            conn, tables.INFLUENCES, "influencer_id, influenced_id, kind", cids, t, home, home, n
        )
    deals: list[list[Deal]] = [[] for _ in range(n)]
    deal_home: dict[str, int] = {}
    for d in _deals_at(conn, ids_param(owner), present, t):
        g = owner[d.account_id]
        deal_home[d.id] = g
        deals[g].append(d)
    roles: list[list[DealRole]] = _in_force_within(
        conn, tables.DEAL_ROLES, "deal_id, contact_id", ids_param(deal_home), t, deal_home, home, n
    )
    knows: list[list[RepKnows]] = [[] for _ in range(n)]
    touches = _Touches([], [], [], [])
    rep_ids: list[set[RepId]] = [set() for _ in range(n)]
    reps: list[Rep] = []
    if not committee_only:
        for r in conn.execute(
            f"SELECT {tables.REP_KNOWS.select_list} FROM rep_knows "  # noqa: S608 - constants
            f"WHERE contact_id {IN_IDS} ORDER BY rep_id, contact_id",
            (cids,),
        ):
            knows[home[r[1]]].append(codec.decode_rep_knows(r))
        touches = _touch_aggregates(conn, home, deal_home, n, as_of, t)
        rep_ids, reps = _reps_within(conn, knows, touches.rep_ties, deals)
    order = {r.id: i for i, r in enumerate(reps)}
    return [
        construct(
            StakeholderGraph,
            {  # as_of: aware UTC (the store normalised it)
                "as_of": as_of,
                "accounts": tuple(groups[g]),
                "contacts": tuple(contacts[g]),
                "reports_to": tuple(lines[g]),
                "influences": tuple(influences[g]),
                "deals": tuple(deals[g]),
                "deal_roles": tuple(roles[g]),
                "reps": tuple(reps[i] for i in sorted(order[r] for r in rep_ids[g] if r in order)),
                "rep_knows": tuple(knows[g]),
                **touches.of(g),
            },
        )
        for g in range(n)
    ]


def _contacts_within(
    conn: sqlite3.Connection, owner: Mapping[str, int], t: str, n: int
) -> tuple[list[list[Contact]], dict[str, int]]:
    """The contacts at ``t`` of each group's accounts (``owner``: account id -> group),
    by id, and the group of each contact."""
    contacts: list[list[Contact]] = [[] for _ in range(n)]
    home: dict[str, int] = {}
    rows = conn.execute(_CONTACTS, (t, t, ids_param(owner))).fetchall()
    rows.sort(key=_first)  # by id: text order is code point order, as in SQL
    for r in rows:
        c = decode_contact_with_status(r)
        g = owner[c.account_id]
        home[c.id] = g
        contacts[g].append(c)
    return contacts, home


def _reps_within(
    conn: sqlite3.Connection,
    knows: Sequence[list[RepKnows]],
    rep_ties: Sequence[list[RepTie]],
    deals: Sequence[list[Deal]],
) -> tuple[list[set[RepId]], list[Rep]]:
    """The reps each group names (knowing or touching its contacts, owning its deals),
    and every one of them, read once, by id."""
    rep_ids = [
        {k.rep_id for k in knows[g]}
        | {r.rep_id for r in rep_ties[g]}
        | {d.owner_id for d in deals[g] if d.owner_id is not None}
        for g in range(len(deals))
    ]
    reps = [
        codec.decode_rep(r)
        for r in conn.execute(
            f"SELECT {tables.REPS.select_list} FROM reps WHERE id {IN_IDS} ORDER BY id",  # noqa: S608 - constants
            (ids_param(set().union(*rep_ids)),),
        )
    ]
    return rep_ids, reps


def _in_force_within(
    conn: sqlite3.Connection,
    table: tables.IntervalTable[Row],
    order_by: str,
    ids: str,
    t: str,
    first: Mapping[str, int],
    second: Mapping[str, int],
    n: int,
) -> list[list[Row]]:
    """The rows of ``table`` in force at ``t`` whose ``table.by`` is one of ``ids`` (the
    keys of ``first``, as :func:`ids_param`), split among the groups by :func:`_ties_within`."""
    sql = (
        f"SELECT {table.select_list} FROM {table.name} x "  # noqa: S608 - names from constants
        f"WHERE x.{table.by} {IN_IDS} AND {_active('x')} ORDER BY {order_by}"
    )
    return _ties_within(conn.execute(sql, (ids, t, t)), first, second, n, table.decode)


def _ties_within(
    rows: Iterable[Any],
    first: Mapping[str, int],
    second: Mapping[str, int],
    n: int,
    decode: Callable[[Any], T],
) -> list[list[T]]:
    """Rows split among ``n`` groups: a row whose first column is in group ``g`` (by
    ``first``) goes to ``g`` when its second column is too (by ``second``)."""
    out: list[list[T]] = [[] for _ in range(n)]
    for r in rows:
        g = first[r[0]]
        if second.get(r[1]) == g:
            out[g].append(decode(r))
    return out


# Engagement, contact ties and rep ties, aggregated in SQL over the member contacts'
# touches up to :t. ``at`` is fixed width, so ``MAX(at || touchpoint_id)`` is the
# latest touch with the greatest id among equal times; the 30/90-day windows end
# at :end (the as-of date, or now).
_ENGAGEMENT = """
SELECT contact_id, COUNT(*), SUM(direction = 'inbound'), SUM(direction = 'outbound'),
       TOTAL(sentiment), MIN(at), MAX(at || touchpoint_id),
       SUM(at > :d30 AND at <= :end), SUM(at > :d90 AND at <= :end)
FROM touchpoint_contacts
WHERE contact_id IN (SELECT value FROM json_each(:ids)) AND at <= :t
GROUP BY contact_id ORDER BY contact_id
"""

_CONTACT_TIES = """
SELECT a.contact_id, b.contact_id, COUNT(*), MAX(a.at)
FROM touchpoint_contacts a
JOIN touchpoint_contacts b ON b.touchpoint_id = a.touchpoint_id AND b.contact_id > a.contact_id
WHERE a.contact_id IN (SELECT value FROM json_each(:ids)) AND a.at <= :t
  AND b.contact_id IN (SELECT value FROM json_each(:ids))
GROUP BY a.contact_id, b.contact_id ORDER BY a.contact_id, b.contact_id
"""

# Per contact and deal (NULL: linked to no deal): the touches up to :t, the 90-day
# window, and the latest touch as in ``_ENGAGEMENT``.
_DEAL_TOUCHES = """
SELECT t.deal_id, c.contact_id, COUNT(*), SUM(c.at > :d90 AND c.at <= :end),
       MAX(c.at || c.touchpoint_id)
FROM touchpoint_contacts c JOIN touchpoints t ON t.id = c.touchpoint_id
WHERE c.contact_id IN (SELECT value FROM json_each(:ids)) AND c.at <= :t
GROUP BY t.deal_id, c.contact_id ORDER BY COALESCE(t.deal_id, ''), c.contact_id
"""

_REP_TIES = """
SELECT r.rep_id, c.contact_id, COUNT(*), MAX(c.at)
FROM touchpoint_contacts c JOIN touchpoint_reps r ON r.touchpoint_id = c.touchpoint_id
WHERE c.contact_id IN (SELECT value FROM json_each(:ids)) AND c.at <= :t
GROUP BY r.rep_id, c.contact_id ORDER BY r.rep_id, c.contact_id
"""


@dataclass(frozen=True, slots=True)
class _Touches:
    """The touch aggregates of every group (empty lists: none read)."""

    engagement: list[list[ContactEngagement]]
    contact_ties: list[list[ContactTie]]
    rep_ties: list[list[RepTie]]
    deal_touches: list[list[DealTouch]]

    def of(self, g: int) -> dict[str, tuple[object, ...]]:
        """Group ``g``'s fields of a :class:`StakeholderGraph`."""
        return {
            name: tuple(rows[g]) if rows else ()
            for name, rows in (
                ("engagement", self.engagement),
                ("contact_ties", self.contact_ties),
                ("rep_ties", self.rep_ties),
                ("deal_touches", self.deal_touches),
            )
        }


def _touch_aggregates(
    conn: sqlite3.Connection,
    home: dict[str, int],
    deal_home: dict[str, int],
    n: int,
    as_of: datetime | None,
    t: str,
) -> _Touches:
    """Engagement per contact, contact/rep ties and touches per deal (see the queries
    above), per group.

    ``home`` maps each member contact to its group, ``deal_home`` each deal; a contact
    tie across groups is dropped, and so is a deal's touch of a contact of another group.

    Engagement is read first: its contacts are the ones touched by ``t``, and the
    other three queries look up only those (a touchpoint's rows share its ``at``, so
    both ends of a contact tie are among them): each contact looked up is one search
    of ``touchpoint_contacts`` per query, and most contacts of the generated
    portfolios have no touchpoint.
    """
    end, d30, d90 = touch_windows(as_of)
    params = {"ids": ids_param(home), "t": t, "end": end, "d30": d30, "d90": d90}
    parse, trusted = parse_ts, construct
    engagement: list[list[ContactEngagement]] = [[] for _ in range(n)]
    for c, k, inbound, outbound, sentiment, first, last, n30, n90 in conn.execute(
        _ENGAGEMENT, params
    ):
        engagement[home[c]].append(
            trusted(
                ContactEngagement,
                {
                    "contact_id": c,
                    "touchpoints": k,
                    "inbound": inbound,
                    "outbound": outbound,
                    "two_way": k - inbound - outbound,
                    "first_at": parse(first),
                    "last_at": parse(last[:TS_WIDTH]),
                    "last_touchpoint_id": last[TS_WIDTH:],
                    "sentiment_mean": sentiment / k,
                    "touches_30d": n30,
                    "touches_90d": n90,
                },
            )
        )
    params["ids"] = ids_param([e.contact_id for group in engagement for e in group])
    contact_ties: list[list[ContactTie]] = [[] for _ in range(n)]
    for a, b, k, at in conn.execute(_CONTACT_TIES, params):
        g = home[a]
        if home[b] == g:
            contact_ties[g].append(
                trusted(
                    ContactTie, {"contact_a": a, "contact_b": b, "shared": k, "last_at": parse(at)}
                )
            )
    rep_ties: list[list[RepTie]] = [[] for _ in range(n)]
    for r, c, k, at in conn.execute(_REP_TIES, params):
        rep_ties[home[c]].append(
            trusted(RepTie, {"rep_id": r, "contact_id": c, "shared": k, "last_at": parse(at)})
        )
    return _Touches(
        engagement, contact_ties, rep_ties, _deal_touches(conn, params, home, deal_home, n)
    )


def _deal_touches(
    conn: sqlite3.Connection,
    params: dict[str, str],
    home: dict[str, int],
    deal_home: dict[str, int],
    n: int,
) -> list[list[DealTouch]]:
    """:data:`_DEAL_TOUCHES`, per group: a deal's rows where the deal is in the contact's group."""
    out: list[list[DealTouch]] = [[] for _ in range(n)]
    for d, c, k, n90, last in conn.execute(_DEAL_TOUCHES, params):
        g = home[c]
        if d is None or deal_home.get(d) == g:
            out[g].append(
                construct(
                    DealTouch,
                    {
                        "deal_id": d,
                        "contact_id": c,
                        "touchpoints": k,
                        "touches_90d": n90,
                        "last_at": parse_ts(last[:TS_WIDTH]),
                        "last_touchpoint_id": last[TS_WIDTH:],
                    },
                )
            )
    return out
