"""Point reads, paginated lists, the account hierarchy, rollups and the stakeholder graph.

Every function runs inside one read transaction. Cypher does the matching and,
for paginated lists, the ordering (on the ``*_ord`` properties, see
:mod:`graphcrm.store.neo4j.codec`); small result sets are ordered and
aggregated here in Python, with the SQLite store's rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence, Set
from datetime import datetime
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from graphcrm.domain import (
    Account,
    AccountId,
    AccountRollup,
    Contact,
    ContactEngagement,
    ContactId,
    ContactStatus,
    ContactTie,
    Deal,
    DealId,
    DealRole,
    DealTouch,
    DealView,
    Direction,
    EntityKind,
    Page,
    PageRequest,
    Rep,
    RepId,
    RepTie,
    Stage,
    StakeholderGraph,
    StoreStats,
    Touchpoint,
)
from graphcrm.domain.text import tr_fold, tr_sort_key
from graphcrm.errors import NotFoundError
from graphcrm.store.codec import (
    TS_WIDTH,
    as_of_param,
    decode_rollup,
    parse_ts,
    touch_windows,
    ts_or_none,
)
from graphcrm.store.cypher import query
from graphcrm.store.neo4j import codec
from graphcrm.store.neo4j.queries import Runner, fetch_one, fetch_page, rows
from graphcrm.store.neo4j.territories import territories_at

X = TypeVar("X")

STATS_KEYS: tuple[str, ...] = (
    EntityKind.ACCOUNT.value,
    EntityKind.CONTACT.value,
    EntityKind.CONTACT_STATUS.value,
    EntityKind.REPORTS_TO.value,
    EntityKind.INFLUENCE.value,
    EntityKind.REP.value,
    EntityKind.REP_KNOWS.value,
    EntityKind.DEAL.value,
    EntityKind.STAGE_CHANGE.value,
    EntityKind.CLOSE_DATE_CHANGE.value,
    EntityKind.DEAL_ROLE.value,
    EntityKind.TOUCHPOINT.value,
    "change_log",
)
"""The keys of :class:`~graphcrm.domain.StoreStats`, in the SQLite store's order."""


def _fold(text: str | None) -> str | None:
    return tr_fold(text) if text else None


def _listed(territories: Set[str] | None) -> list[str] | None:
    """A territory set as a Cypher list parameter (sorted: one plan, stable logs)."""
    return None if territories is None else sorted(territories)


# --- accounts and reps ------------------------------------------------------------


def get_account(tx: Runner, account_id: AccountId) -> Account:
    record = fetch_one(tx, "accounts/read_account", id=account_id)
    if record is None:
        raise NotFoundError("account", account_id)
    return codec.decode_account(record["props"])


def list_accounts(
    tx: ManagedTransaction,
    page: PageRequest,
    *,
    territories: Set[str] | None,
    sector: str | None,
    owner_id: RepId | None,
    name_contains: str | None,
) -> Page[Account]:
    return fetch_page(
        tx,
        "accounts/list_accounts" if territories is None else "accounts/list_territory_accounts",
        page,
        codec.decode_account,
        territories=_listed(territories),
        sector=sector,
        owner_id=owner_id,
        name_fold=_fold(name_contains),
    )


def _ancestors(tx: Runner, account_id: str) -> list[Account]:
    found = rows(tx, "accounts/read_ancestors", id=account_id)
    return [codec.decode_account(r["props"]) for r in sorted(found, key=lambda r: r["depth"])]


def _descendants(tx: Runner, account_id: str) -> list[Account]:
    found = rows(tx, "accounts/read_descendants", id=account_id)
    found.sort(key=lambda r: (r["depth"], tr_sort_key(r["props"]["name"]), r["props"]["id"]))
    return [codec.decode_account(r["props"]) for r in found]


def ancestors(tx: ManagedTransaction, account_id: AccountId) -> tuple[Account, ...]:
    get_account(tx, account_id)
    return tuple(_ancestors(tx, account_id))


def descendants(tx: ManagedTransaction, account_id: AccountId) -> tuple[Account, ...]:
    get_account(tx, account_id)
    return tuple(_descendants(tx, account_id))


def get_rep(tx: ManagedTransaction, rep_id: RepId) -> Rep:
    record = fetch_one(tx, "reps/read_rep", id=rep_id)
    if record is None:
        raise NotFoundError("rep", rep_id)
    return codec.decode_rep(record["props"])


def list_reps(tx: ManagedTransaction, page: PageRequest, *, territory: str | None) -> Page[Rep]:
    return fetch_page(tx, "reps/list_reps", page, codec.decode_rep, territory=territory)


# --- contacts -----------------------------------------------------------------------


def _contact_with_status(item: Any) -> Contact:
    return codec.decode_contact(item["props"], item["status"], item["status_from"])


def get_contact(
    tx: ManagedTransaction, contact_id: ContactId, *, as_of: datetime | None
) -> Contact:
    record = fetch_one(tx, "contacts/read_contact", id=contact_id, t=as_of_param(as_of))
    if record is None:
        raise NotFoundError("contact", contact_id)
    return _contact_with_status(record)


def list_contacts(
    tx: ManagedTransaction,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    name_contains: str | None,
    as_of: datetime | None,
    territories: Set[str] | None,
) -> Page[Contact]:
    t = as_of_param(as_of)
    fold = _fold(name_contains)
    if account_id is not None and territories is not None and as_of is not None:
        then = territories_at(tx, [get_account(tx, account_id)], as_of)[0].territory
        if then not in territories:
            return Page(items=(), total=0, offset=page.offset, limit=page.limit)
        territories = None
    if account_id is not None:
        return fetch_page(
            tx,
            "contacts/list_account_contacts",
            page,
            _contact_with_status,
            account_id=account_id,
            name_fold=fold,
            t=t,
            territories=_listed(territories),
        )
    if territories is not None and as_of is not None:  # the territory then
        name = "contacts/list_territory_contacts_at"
    else:
        name = (
            "contacts/list_contacts" if territories is None else "contacts/list_territory_contacts"
        )
    return fetch_page(
        tx, name, page, _contact_with_status, name_fold=fold, t=t, territories=_listed(territories)
    )


# --- deals and touchpoints -------------------------------------------------------------


def get_deals(tx: Runner, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
    """See :meth:`graphcrm.store.port.GraphStore.get_deals`: one statement
    (``deals/read_deal_views``), whatever the number of deals."""
    if not deal_ids:
        return ()
    out: list[DealView] = []
    for record in tx.run(query("deals/read_deal_views"), {"ids": list(deal_ids)}):
        if record["props"] is None:
            raise NotFoundError("deal", deal_ids[record["i"]])
        stages = sorted(record["stages"], key=lambda p: p["at"])
        closes = sorted(record["closes"], key=lambda p: p["at"])
        out.append(
            DealView(
                deal=codec.decode_deal(record["props"]),
                stage_history=tuple(codec.decode_stage_change(p) for p in stages),
                close_date_history=tuple(codec.decode_close_date_change(p) for p in closes),
            )
        )
    return tuple(out)


def list_deals(
    tx: ManagedTransaction,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    stage: Stage | None,
    owner_id: RepId | None,
    territories: Set[str] | None,
) -> Page[Deal]:
    if account_id is not None:
        name = "deals/list_account_deals"
    else:
        name = "deals/list_deals" if territories is None else "deals/list_territory_deals"
    return fetch_page(
        tx,
        name,
        page,
        codec.decode_deal,
        account_id=account_id,
        stage=stage.value if stage is not None else None,
        owner_id=owner_id,
        territories=_listed(territories),
    )


def list_touchpoints(
    tx: ManagedTransaction,
    page: PageRequest,
    *,
    account_id: AccountId | None,
    contact_id: ContactId | None,
    deal_id: DealId | None,
    since: datetime | None,
    until: datetime | None,
) -> Page[Touchpoint]:
    return fetch_page(
        tx,
        "touchpoints/list_touchpoints",
        page,
        codec.decode_touchpoint,
        account_id=account_id,
        contact_id=contact_id,
        deal_id=deal_id,
        since=ts_or_none(since),
        until=ts_or_none(until),
    )


# --- change log and stats ------------------------------------------------------------------


def stats(tx: ManagedTransaction) -> StoreStats:
    record = fetch_one(tx, "graph/read_stats")
    if record is None:  # pragma: no cover - an aggregation always returns one row
        raise RuntimeError("graph/read_stats returned no row")
    return StoreStats(counts={k: int(record[k]) for k in STATS_KEYS})


# --- deals as of a date ------------------------------------------------------------------


def _deal_at(
    props: codec.Props, stages: list[Any], closes: list[Any], present: bool, t: str
) -> Deal | None:
    """The deal with its stage and expected close at ``t``; None before it existed.

    ``stages`` are ``[at, to_stage]`` and ``closes`` ``[at, from_date, to_date]``.
    Mirrors the SQLite store: the present is the stored deal; otherwise the
    stage is that of the latest change at or before ``t``, the expected
    close that of the latest close-date change at or before ``t``, else the
    first change's old date, else the stored one, and the fields set at
    closing are None while the deal was open (:func:`graphcrm.store.codec.deal_at`).
    """
    if present:
        return codec.decode_deal(props)
    past_stages = [s for s in stages if s[0] <= t]
    if not past_stages:
        return None
    stage_at: str = max(past_stages, key=lambda s: s[0])[1]
    past = [c for c in closes if c[0] <= t]
    close_at: str | None
    if past:
        close_at = max(past, key=lambda c: c[0])[2]
    elif closes:
        close_at = min(closes, key=lambda c: c[0])[1]
    else:
        close_at = props.get("expected_close")
    return codec.decode_deal_at(props, stage_at, close_at)


def rollup(
    tx: ManagedTransaction, account_id: AccountId, *, as_of: datetime | None
) -> AccountRollup:
    get_account(tx, account_id)
    t = as_of_param(as_of)
    subtree = [account_id, *(a.id for a in _descendants(tx, account_id))]
    counted = fetch_one(
        tx,
        "graph/count_active_contacts",
        account_ids=subtree,
        t=t,
        status=ContactStatus.ACTIVE.value,
    )
    contacts = int(counted["contacts"]) if counted is not None else 0
    groups: dict[tuple[str, str], list[int]] = {}
    for record in rows(tx, "graph/read_account_deals", account_ids=subtree):
        props = record["props"]
        if as_of is None:
            stage: str | None = props["stage"]
        else:
            past = [s for s in record["stages"] if s[0] <= t]
            stage = max(past, key=lambda s: s[0])[1] if past else None
        if stage is None or Stage(stage).is_closed:
            continue
        bucket = groups.setdefault((stage, props["currency"]), [0, 0])
        bucket[0] += 1
        bucket[1] += props["amount_minor"]
    return decode_rollup(
        account_id,
        as_of,
        accounts=len(subtree),
        contacts=contacts,
        pipeline=((s, c, n, total) for (s, c), (n, total) in groups.items()),
    )


# --- the stakeholder graph ----------------------------------------------------------


def _graph_specs(account_ids: Collection[AccountId]) -> list[dict[str, Any]]:
    """The ``$graphs`` of one graph per account, each of that account alone."""
    return [{"id": a, "account_ids": [a]} for a in account_ids]


def stakeholder_graph(
    tx: Runner,
    account_id: AccountId,
    *,
    as_of: datetime | None,
    include_family: bool,
) -> StakeholderGraph:
    """See :meth:`graphcrm.store.port.GraphStore.stakeholder_graph`: one round trip
    (``graph/read_stakeholder_graphs``), or three with the family (which ``tx``
    must then be a transaction for)."""
    relatives: list[Account] = []
    spec: dict[str, Any] = {"id": account_id, "account_ids": [account_id]}
    if include_family:
        get_account(tx, account_id)
        relatives = territories_at(
            tx, _ancestors(tx, account_id) + _descendants(tx, account_id), as_of
        )
        spec["account_ids"] = sorted([account_id, *(a.id for a in relatives)])
    [graph] = stakeholder_graphs(tx, [spec], as_of=as_of, relatives=[relatives])
    return graph


def stakeholder_graphs(
    tx: Runner,
    specs: list[dict[str, Any]],
    *,
    as_of: datetime | None,
    committee_only: bool = False,
    relatives: list[list[Account]] | None = None,
) -> tuple[StakeholderGraph, ...]:
    """The graphs of ``specs`` (``{id, account_ids}``: the account and the accounts
    whose people and deals it holds), in order, read by one statement.

    The statement returns compact rows (lists, not maps) and leaves to this
    function what it does in the SQLite store's way: reporting lines, influence
    edges and deal roles kept when both ends are in the graph; reps kept when
    they know or touched its contacts or own its deals; the touchpoint
    aggregates. ``committee_only`` reads ``graph/read_committees`` (contacts,
    reporting lines, deals and roles) and leaves the other parts empty.
    """
    t = as_of_param(as_of)
    name = "graph/read_committees" if committee_only else "graph/read_stakeholder_graphs"
    out: list[StakeholderGraph] = []
    for i, record in enumerate(tx.run(query(name), {"graphs": specs, "t": t})):
        account = record["account"]
        if account is None:
            raise NotFoundError("account", specs[i]["id"])
        family = [codec.decode_account(account), *(relatives[i] if relatives else ())]
        out.append(_graph(record, family, as_of, t, committee_only))
    return tuple(out)


def _graph(
    record: Any, family: list[Account], as_of: datetime | None, t: str, committee_only: bool
) -> StakeholderGraph:
    """One graph from a row of ``graph/read_stakeholder_graphs`` (or ``read_committees``)."""
    family.sort(key=lambda a: a.id)
    rows_: list[Any] = record["contacts"]
    rows_.sort(key=lambda r: r[0])
    contacts = [codec.decode_contact_row(r) for r in rows_]
    members = {c.id for c in contacts}
    lines = [codec.decode_reports_to_row(r) for r in record["lines"] if r[1] in members]
    lines.sort(key=lambda x: (x.contact_id, x.manager_id, x.kind.value))

    deals: list[Deal] = []
    roles: list[DealRole] = []
    for props, stages, closes, deal_roles in record["deals"]:
        deal = _deal_at(props, stages, closes, as_of is None, t)
        if deal is not None:
            deals.append(deal)
            roles.extend(
                codec.decode_deal_role_row(deal.id, r) for r in deal_roles if r[0] in members
            )
    deals.sort(key=lambda d: d.id)
    roles.sort(key=lambda x: (x.deal_id, x.contact_id))
    if committee_only:
        return StakeholderGraph(  # the parts of NOT_COMMITTEE (graphcrm.store.port) empty
            as_of=as_of,
            accounts=tuple(family),
            contacts=tuple(contacts),
            reports_to=tuple(lines),
            influences=(),
            deals=tuple(deals),
            deal_roles=tuple(roles),
            reps=(),
            rep_knows=(),
            engagement=(),
            contact_ties=(),
            rep_ties=(),
        )

    influences = [codec.decode_influence_row(r) for r in record["influences"] if r[1] in members]
    influences.sort(key=lambda x: (x.influencer_id, x.influenced_id, x.kind.value))
    knows = [codec.decode_rep_knows_row(r) for r in record["knows"]]
    knows.sort(key=lambda x: (x.rep_id, x.contact_id))
    engagement, contact_ties, rep_ties = _touch_aggregates(record["touchpoints"], members, as_of)
    deal_touches = _deal_touches(record["touchpoints"], members, {d.id for d in deals}, as_of)
    rep_ids = (
        {k.rep_id for k in knows}
        | {r.rep_id for r in rep_ties}
        | {d.owner_id for d in deals if d.owner_id is not None}
    )
    reps = sorted(
        (codec.decode_rep(p) for p in record["reps"] if p["id"] in rep_ids),
        key=lambda r: r.id,
    )
    return StakeholderGraph(
        as_of=as_of,
        accounts=tuple(family),
        contacts=tuple(contacts),
        reports_to=tuple(lines),
        influences=tuple(influences),
        deals=tuple(deals),
        deal_roles=tuple(roles),
        reps=tuple(reps),
        rep_knows=tuple(knows),
        engagement=tuple(engagement),
        contact_ties=tuple(contact_ties),
        rep_ties=tuple(rep_ties),
        deal_touches=tuple(deal_touches),
    )


def _deal_touches(
    touchpoints: list[Any], members: Collection[str], deals: Collection[str], as_of: datetime | None
) -> list[DealTouch]:
    """Touches per deal of the graph (or None: no deal) and member contact, as the SQLite
    store's ``_DEAL_TOUCHES`` counts them. A touchpoint ends with its ``deal_id``."""
    end, _, d90 = touch_windows(as_of)
    per: dict[tuple[str, ContactId], list[Any]] = {}
    for tp in touchpoints:
        deal = tp[6]
        if deal is not None and deal not in deals:
            continue
        for c in tp[4]:
            if c in members:
                row = per.setdefault((deal or "", c), [0, 0, ""])
                row[0] += 1
                row[1] += d90 < tp[1] <= end
                row[2] = max(row[2], tp[1] + tp[0])
    return [
        DealTouch(
            deal_id=DealId(deal) if deal else None,
            contact_id=c,
            touchpoints=k,
            touches_90d=n90,
            last_at=parse_ts(last[:TS_WIDTH]),
            last_touchpoint_id=last[TS_WIDTH:],
        )
        for (deal, c), (k, n90, last) in sorted(per.items())
    ]


def _touch_aggregates(
    touchpoints: list[Any], members: Collection[str], as_of: datetime | None
) -> tuple[list[ContactEngagement], list[ContactTie], list[RepTie]]:
    """Engagement per contact and the contact-contact and rep-contact ties.

    Computed as the SQLite store's aggregates are: sentiments are summed in
    touchpoint-id order, and the last touchpoint is the greatest ``at || id``.
    A touchpoint is ``[id, at, direction, sentiment, contact_ids, rep_ids]``.
    """
    end, d30, d90 = touch_windows(as_of)
    per_contact: dict[ContactId, list[Any]] = defaultdict(list)
    pairs: dict[tuple[ContactId, ContactId], list[Any]] = {}
    reps: dict[tuple[RepId, ContactId], list[Any]] = {}
    for tp in sorted(touchpoints, key=lambda r: r[0]):
        at: str = tp[1]
        inside: list[ContactId] = sorted(c for c in tp[4] if c in members)
        for i, a in enumerate(inside):
            per_contact[a].append(tp)
            for b in inside[i + 1 :]:
                tie = pairs.setdefault((a, b), [0, at])
                tie[0] += 1
                tie[1] = max(tie[1], at)
            rep_id: RepId
            for rep_id in tp[5]:
                rt = reps.setdefault((rep_id, a), [0, at])
                rt[0] += 1
                rt[1] = max(rt[1], at)
    engagement: list[ContactEngagement] = []
    for cid in sorted(per_contact):
        tps = per_contact[cid]
        directions = [tp[2] for tp in tps]
        times: list[str] = [tp[1] for tp in tps]
        total = 0.0
        for tp in tps:
            total += tp[3]
        last = max(tp[1] + tp[0] for tp in tps)
        engagement.append(
            ContactEngagement(
                contact_id=cid,
                touchpoints=len(tps),
                inbound=directions.count(Direction.INBOUND.value),
                outbound=directions.count(Direction.OUTBOUND.value),
                two_way=directions.count(Direction.TWO_WAY.value),
                first_at=parse_ts(min(times)),
                last_at=parse_ts(max(times)),
                last_touchpoint_id=last[TS_WIDTH:],
                sentiment_mean=total / len(tps),
                touches_30d=sum(1 for x in times if d30 < x <= end),
                touches_90d=sum(1 for x in times if d90 < x <= end),
            )
        )
    contact_ties = [
        ContactTie(contact_a=a, contact_b=b, shared=n, last_at=parse_ts(last_at))
        for (a, b), (n, last_at) in sorted(pairs.items())
    ]
    rep_ties = [
        RepTie(rep_id=r, contact_id=c, shared=n, last_at=parse_ts(last_at))
        for (r, c), (n, last_at) in sorted(reps.items())
    ]
    return engagement, contact_ties, rep_ties
