"""Batch validation shared by every store adapter. Pure: no driver imports.

An adapter opens its write transaction, wraps it in a :class:`StoreLookup`
and calls :func:`validate`. Validation checks the whole
:class:`~graphcrm.domain.ChangeSet` against itself and the stored data and
either raises :class:`~graphcrm.errors.InvalidError` listing every problem,
or returns a :class:`Plan`: the interval inserts and closes to write.

Checks
    - duplicate keys within the batch (ids; endpoint tuples for edges, with
      ``valid_from`` for time-stamped edges so a batch can carry history);
    - references to ids neither in the batch nor stored;
    - back-dated changes to intervals (see :mod:`graphcrm.store.intervals`);
    - a cycle of *solid* reporting lines at any instant, combining stored
      intervals, the intervals this batch closes and the new ones;
    - a cycle of account parents;
    - two primary roles on one deal overlapping in time;
    - a deal whose stage disagrees with the batch's latest explicit stage change.

Per-row errors (ranges, self-edges, ``valid_to < valid_from``) come from the
domain models; :func:`problems_from_validation_error` turns them into problems.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import attrgetter
from typing import Protocol

from pydantic import ValidationError

from graphcrm.domain import (
    ChangeSet,
    DealRole,
    EntityKind,
    Influence,
    Model,
    ReportsTo,
    TerritorySpan,
)
from graphcrm.domain.construct import construct
from graphcrm.errors import InvalidError, Problem
from graphcrm.store.cycles import check_account_cycles, check_reporting_cycles
from graphcrm.store.intervals import (
    ContactStatusSpan,
    IntervalPlan,
    Stored,
    end_of,
    fmt_time,
    interval_key,
    plan_intervals,
    row_label,
)

# --- what the adapter provides ---------------------------------------------


class StoreLookup(Protocol):
    """Read access to the stored data, inside the adapter's write transaction.

    Every method takes a collection of ids (possibly thousands) and must
    answer in a few round trips, not one per id. Intervals are returned at
    every date, open and closed, each with the adapter's handle (``ref``)
    that the adapter later uses to close it.
    """

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        """The subset of ``ids`` stored as ``kind`` (account, contact, rep or deal)."""
        ...

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        """The stored ``parent_id`` of each stored account among ``ids``."""
        ...

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        """Every reporting-line interval (solid and dotted) whose ``contact_id`` is given."""
        ...

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        """Every influence interval whose ``influencer_id`` is given."""
        ...

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        """Every deal-role interval, of any contact, on the given deals."""
        ...

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        """Every status interval of the given contacts."""
        ...

    def account_territories(self, account_ids: Collection[str]) -> list[Stored[TerritorySpan]]:
        """Every territory interval of the given accounts."""
        ...


@dataclass(slots=True)
class Plan:
    """The validated interval writes of one batch."""

    at: datetime
    statuses: IntervalPlan[ContactStatusSpan]
    reports_to: IntervalPlan[ReportsTo]
    influences: IntervalPlan[Influence]
    deal_roles: IntervalPlan[DealRole]
    territories: IntervalPlan[TerritorySpan]


# --- helpers for importers and the API --------------------------------------


def problems_from_validation_error(
    error: ValidationError, *, collection: str, index: int
) -> list[Problem]:
    """Turn pydantic's error for row ``index`` of ``collection`` into problems.

    >>> from graphcrm.domain import Influence
    >>> try:
    ...     Influence(influencer_id="A", influenced_id="B", kind="trusts", strength=2)
    ... except ValidationError as e:
    ...     [(p.where, p.field) for p in problems_from_validation_error(
    ...         e, collection="influences", index=3)]
    [('influences[3]', 'strength')]
    """
    where = f"{collection}[{index}]"
    return [
        Problem(where, ".".join(str(part) for part in err["loc"]), err["msg"])
        for err in error.errors(include_url=False)
    ]


def status_spans(changes: ChangeSet) -> list[ContactStatusSpan]:
    """The status interval each contact row asks for.

    Built unvalidated (:func:`~graphcrm.domain.construct.construct`): the values
    are the contact's own, validated with it, and an open interval has no
    bounds to check (a third of the load's validation of contacts otherwise).
    """
    return [
        construct(
            ContactStatusSpan,
            {"valid_from": c.status_from, "valid_to": None, "contact_id": c.id, "status": c.status},
        )
        for c in changes.contacts
    ]


def territory_spans(changes: ChangeSet) -> list[TerritorySpan]:
    """The territory interval each account row asks for, from the time of the write."""
    return [TerritorySpan(account_id=a.id, territory=a.territory) for a in changes.accounts]


# --- duplicates ---------------------------------------------------------------


def _temporal_key(row: ReportsTo | Influence | DealRole) -> Hashable:
    return (interval_key(row), row.valid_from)


_ID = attrgetter("id")
_PAIR = attrgetter("rep_id", "contact_id")
_CHANGE = attrgetter("deal_id", "at")


def _duplicates(
    collection: str,
    rows: Sequence[Model],
    key: Callable[[Model], Hashable],
    label: Callable[[Model], str],
) -> list[Problem]:
    keys = list(map(key, rows))
    if len(set(keys)) == len(keys):  # the usual case, settled in one set
        return []
    first: dict[Hashable, int] = {}
    problems: list[Problem] = []
    for i, (row, k) in enumerate(zip(rows, keys, strict=True)):
        j = first.setdefault(k, i)
        if j != i:
            problems.append(
                Problem(
                    f"{collection}[{label(row)}]",
                    "",
                    f"duplicate key in the batch: rows {collection}[{j}] and {collection}[{i}]",
                )
            )
    return problems


def _str_id(row: Model) -> str:
    return str(getattr(row, "id"))  # noqa: B009


def _temporal_label(row: Model) -> str:
    return row_label(row).split("[", 1)[1][:-1]  # type: ignore[arg-type]


def _pair_label(row: Model) -> str:
    d = row.__dict__
    return f"{d['rep_id']} -> {d['contact_id']}"


def _change_label(row: Model) -> str:
    d = row.__dict__
    return f"{d['deal_id']} @ {d['at'].isoformat()}"


def _check_duplicates(cs: ChangeSet) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("accounts", "contacts", "reps", "deals", "touchpoints"):
        problems += _duplicates(name, getattr(cs, name), _ID, _str_id)
    for name in ("reports_to", "influences", "deal_roles"):
        problems += _duplicates(
            name,
            getattr(cs, name),
            _temporal_key,  # type: ignore[arg-type]
            _temporal_label,
        )
    problems += _duplicates("rep_knows", cs.rep_knows, _PAIR, _pair_label)
    for name in ("stage_changes", "close_date_changes"):
        problems += _duplicates(name, getattr(cs, name), _CHANGE, _change_label)
    return problems


# --- references ---------------------------------------------------------------

_Getter = Callable[[Model], Iterable[str | None]]


def _one(name: str) -> _Getter:
    def get(row: Model) -> tuple[str | None]:
        value: str | None = row.__dict__[name]
        return (value,)

    return get


def _many(name: str) -> _Getter:
    def get(row: Model) -> tuple[str, ...]:
        values: tuple[str, ...] = row.__dict__[name]
        return values

    return get


_A, _C, _R, _D = EntityKind.ACCOUNT, EntityKind.CONTACT, EntityKind.REP, EntityKind.DEAL

# (collection, field, kind referred to, ids of the field, label of the row)
_REFERENCES: tuple[tuple[str, str, EntityKind, _Getter, Callable[[Model], str]], ...] = (
    ("accounts", "parent_id", _A, _one("parent_id"), _str_id),
    ("accounts", "owner_id", _R, _one("owner_id"), _str_id),
    ("contacts", "account_id", _A, _one("account_id"), _str_id),
    ("reports_to", "contact_id", _C, _one("contact_id"), _temporal_label),
    ("reports_to", "manager_id", _C, _one("manager_id"), _temporal_label),
    ("influences", "influencer_id", _C, _one("influencer_id"), _temporal_label),
    ("influences", "influenced_id", _C, _one("influenced_id"), _temporal_label),
    ("rep_knows", "rep_id", _R, _one("rep_id"), _pair_label),
    ("rep_knows", "contact_id", _C, _one("contact_id"), _pair_label),
    ("deals", "account_id", _A, _one("account_id"), _str_id),
    ("deals", "owner_id", _R, _one("owner_id"), _str_id),
    ("stage_changes", "deal_id", _D, _one("deal_id"), _change_label),
    ("close_date_changes", "deal_id", _D, _one("deal_id"), _change_label),
    ("deal_roles", "deal_id", _D, _one("deal_id"), _temporal_label),
    ("deal_roles", "contact_id", _C, _one("contact_id"), _temporal_label),
    ("touchpoints", "account_id", _A, _one("account_id"), _str_id),
    ("touchpoints", "contact_ids", _C, _many("contact_ids"), _str_id),
    ("touchpoints", "rep_ids", _R, _many("rep_ids"), _str_id),
    ("touchpoints", "deal_id", _D, _one("deal_id"), _str_id),
)

_OWN: dict[EntityKind, str] = {_A: "accounts", _C: "contacts", _R: "reps", _D: "deals"}
_MANY = frozenset({"contact_ids", "rep_ids"})
"""The referring fields of :data:`_REFERENCES` that hold a tuple of ids."""


def _check_references(cs: ChangeSet, lookup: StoreLookup) -> list[Problem]:
    """Every referred id neither in the batch nor stored, as one problem per reference.

    The ids are gathered per kind as sets (``map`` over the rows, no Python
    loop per row) and looked up with one query per kind; the rows are walked
    one by one only to name the referring rows when an id is missing.
    """
    in_batch = {kind: set(map(_ID, getattr(cs, name))) for kind, name in _OWN.items()}
    needed: dict[EntityKind, set[str | None]] = {kind: set() for kind in _OWN}
    for collection, field_name, kind, _get, _label in _REFERENCES:
        values = map(attrgetter(field_name), getattr(cs, collection))
        needed[kind].update(chain.from_iterable(values) if field_name in _MANY else values)
    missing: dict[EntityKind, set[str]] = {}
    for kind, maybe_ids in needed.items():
        ids = {i for i in maybe_ids if i is not None} - in_batch[kind]
        if ids:
            gone = ids - lookup.existing_ids(kind, ids)
            if gone:
                missing[kind] = gone
    problems: list[Problem] = []
    if not missing:
        return problems
    for collection, field_name, kind, get, label in _REFERENCES:
        unknown = missing.get(kind)
        if not unknown:
            continue
        for row in getattr(cs, collection):
            for ref in get(row):
                if ref in unknown:
                    problems.append(
                        Problem(
                            f"{collection}[{label(row)}]",
                            field_name,
                            f"unknown {kind.value} {ref!r}: not in the batch and not stored",
                        )
                    )
    return problems


def _check_shared_ids(cs: ChangeSet, lookup: StoreLookup) -> list[Problem]:
    """A rep and a contact never share an id: the stakeholder graph holds both as
    nodes of one graph (:func:`graphcrm.analytics.graph.build`), so a store that let
    them would answer every read of that account with an error."""
    contacts: set[str] = {c.id for c in cs.contacts}
    reps: set[str] = {r.id for r in cs.reps}
    clash = contacts & reps
    if reps:
        clash |= lookup.existing_ids(EntityKind.CONTACT, reps)
    if contacts:
        clash |= lookup.existing_ids(EntityKind.REP, contacts)
    return [
        Problem(
            f"reps[{i}]" if i in reps else f"contacts[{i}]",
            "id",
            f"{i!r} is the id of both a rep and a contact: give one another id",
        )
        for i in sorted(clash)
    ]


# --- primary roles and stage history ---------------------------------------------


def _check_primaries(
    plan: IntervalPlan[DealRole], stored: Sequence[Stored[DealRole]]
) -> list[Problem]:
    new = {id(r) for r in plan.inserts if r.is_primary}
    if not new:
        return []
    deals = {r.deal_id for r in plan.inserts if r.is_primary}
    by_deal: dict[str, list[DealRole]] = {d: [] for d in deals}
    for key, rows in plan.final.items():
        if key[0] in by_deal:
            by_deal[key[0]].extend(r for r in rows if r.is_primary)
    for s in stored:
        r = s.row
        if r.deal_id in by_deal and r.is_primary and interval_key(r) not in plan.final:
            by_deal[r.deal_id].append(r)
    start = plan.start
    problems: list[Problem] = []
    for rows in by_deal.values():
        rows.sort(key=start)
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if start(b) >= end_of(a):
                    break
                if a.contact_id == b.contact_id or (id(a) not in new and id(b) not in new):
                    continue
                offender, other = (b, a) if id(b) in new else (a, b)
                problems.append(
                    Problem(
                        row_label(offender),
                        "is_primary",
                        f"deal {offender.deal_id!r} already has primary contact "
                        f"{other.contact_id!r} during "
                        f"[{fmt_time(max(start(a), start(b)))}, "
                        f"{fmt_time(min(end_of(a), end_of(b)))})",
                    )
                )
    return problems


def _check_stage_history(cs: ChangeSet) -> list[Problem]:
    latest: dict[str, tuple[datetime, str]] = {}
    for ch in cs.stage_changes:
        seen = latest.get(ch.deal_id)
        if seen is None or ch.at > seen[0]:
            latest[ch.deal_id] = (ch.at, ch.to_stage.value)
    problems: list[Problem] = []
    for deal in cs.deals:
        last = latest.get(deal.id)
        if last is not None and last[1] != deal.stage.value:
            problems.append(
                Problem(
                    f"deals[{deal.id}]",
                    "stage",
                    f"stage {deal.stage.value!r} differs from the batch's latest stage "
                    f"change to {last[1]!r}",
                )
            )
    return problems


# --- entry point ------------------------------------------------------------------


def validate(changes: ChangeSet, lookup: StoreLookup, *, at: datetime) -> Plan:
    """Check ``changes`` against itself and the store; plan its interval writes.

    Parameters
    ----------
    changes
        The batch; each row already passed its model's own validation.
    lookup
        The adapter's view of the stored data, inside its write transaction.
    at
        The time of the write (UTC); fills missing ``valid_from``.

    Raises
    ------
    InvalidError
        With every problem found, before anything is written.
    """
    problems = _check_duplicates(changes)
    problems += _check_references(changes, lookup)
    problems += _check_shared_ids(changes, lookup)

    spans = status_spans(changes)
    statuses = plan_intervals(
        lookup.contact_statuses([s.contact_id for s in spans]) if spans else [], spans, at=at
    )
    lines = changes.reports_to
    reports_to = plan_intervals(
        lookup.reporting_lines({r.contact_id for r in lines}) if lines else [], lines, at=at
    )
    infl = changes.influences
    influences = plan_intervals(
        lookup.influences({r.influencer_id for r in infl}) if infl else [], infl, at=at
    )
    roles = changes.deal_roles
    stored_roles = lookup.deal_roles({r.deal_id for r in roles}) if roles else []
    deal_roles = plan_intervals(stored_roles, roles, at=at)
    tspans = territory_spans(changes)
    territories = plan_intervals(
        lookup.account_territories([t.account_id for t in tspans]) if tspans else [],
        tspans,
        at=at,
    )
    for p in (statuses, reports_to, influences, deal_roles, territories):
        problems += p.problems

    problems += check_reporting_cycles(reports_to, lookup)
    problems += check_account_cycles(changes, lookup)
    problems += _check_primaries(deal_roles, stored_roles)
    problems += _check_stage_history(changes)
    if problems:
        raise InvalidError(problems)
    return Plan(
        at=at,
        statuses=statuses,
        reports_to=reports_to,
        influences=influences,
        deal_roles=deal_roles,
        territories=territories,
    )
