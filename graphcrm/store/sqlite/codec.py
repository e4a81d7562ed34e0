"""Conversions between domain models and SQLite rows. No SQL runs here.

Each table has a column list (``*_COLUMNS``), an encoder producing the tuple
of parameters in that order and a decoder taking a row selected in that order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any

from graphcrm.domain import (
    Account,
    ChangeLogEntry,
    CloseDateChange,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    Influence,
    Rep,
    RepKnows,
    ReportsTo,
    Role,
    StageChange,
    TerritorySpan,
    Touchpoint,
)
from graphcrm.domain.construct import construct
from graphcrm.domain.text import tr_fold, tr_sort_key
from graphcrm.store.codec import (
    DIRECTION,
    INFLUENCE_KIND,
    INFLUENCE_SOURCE,
    LINE_KIND,
    SENIORITY,
    STAGE,
    STATUS,
    TOUCHPOINT_KIND,
    change_entry,
    date_or_none,
    deal_at,
    from_minor_units,
    iso_date_or_none,
    minor_units,
    parse_ts,
    parse_ts_or_none,
    role_values,
    roles_of,
    ts,
    ts_or_none,
)
from graphcrm.store.intervals import ContactStatusSpan

Row = Sequence[Any]


def ids_param(ids: object) -> str:
    """Many ids as one JSON array parameter, read in SQL with ``json_each(?)``."""
    return json.dumps(list(ids))  # type: ignore[call-overload]


def json_strings(values: Iterable[str]) -> str:
    """``json.dumps(list(values))`` for strings, byte for byte, without the encoder setup.

    >>> json_strings(["a", "Işık"]) == json.dumps(["a", "Işık"])
    True
    """
    return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"


@lru_cache(maxsize=4096)
def _strings(text: str) -> tuple[str, ...]:
    """A stored JSON array of strings as a tuple. Cached: few distinct values recur
    (competitor lists), and a tuple of strings is immutable, so rows may share it."""
    return tuple(json.loads(text))


@lru_cache(maxsize=1024)
def _roles(text: str) -> frozenset[Role]:
    """A deal role's stored roles (a JSON array of values). Cached like :func:`_strings`:
    there are only so many combinations, and a frozenset is immutable."""
    return roles_of(json.loads(text))


# --- accounts, reps, contacts -------------------------------------------------------

ACCOUNT_COLUMNS = (
    "id",
    "name",
    "name_fold",
    "name_key",
    "sector",
    "country",
    "territory",
    "owner_id",
    "parent_id",
    "city",
    "employees",
    "revenue_minor",
)


def encode_account(a: Account) -> tuple[Any, ...]:
    return (
        a.id,
        a.name,
        tr_fold(a.name),
        tr_sort_key(a.name),
        a.sector,
        a.country,
        a.territory,
        a.owner_id,
        a.parent_id,
        a.city,
        a.employees,
        None if a.annual_revenue is None else minor_units(a.annual_revenue),
    )


def decode_account(r: Row) -> Account:
    return construct(
        Account,
        {
            "id": r[0],
            "name": r[1],
            "sector": r[4],
            "country": r[5],
            "territory": r[6],
            "owner_id": r[7],
            "parent_id": r[8],
            "city": r[9],
            "employees": r[10],
            "annual_revenue": None if r[11] is None else from_minor_units(r[11]),
        },
    )


REP_COLUMNS = ("id", "name", "name_fold", "name_key", "email", "territory")


def encode_rep(r: Rep) -> tuple[Any, ...]:
    return (r.id, r.name, tr_fold(r.name), tr_sort_key(r.name), r.email, r.territory)


def decode_rep(r: Row) -> Rep:
    return construct(Rep, {"id": r[0], "name": r[1], "email": r[4], "territory": r[5]})


CONTACT_COLUMNS = (
    "id",
    "account_id",
    "name",
    "name_fold",
    "name_key",
    "title",
    "department",
    "seniority",
    "email",
    "phone",
    "linkedin_url",
)


def encode_contact(c: Contact) -> tuple[Any, ...]:
    return (
        c.id,
        c.account_id,
        c.name,
        tr_fold(c.name),
        tr_sort_key(c.name),
        c.title,
        c.department,
        c.seniority,
        c.email,
        c.phone,
        c.linkedin_url,
    )


def decode_contact(r: Row, status: str | None = None, status_from: str | None = None) -> Contact:
    """A contact; ``status`` and ``status_from`` come from its status interval."""
    return construct(
        Contact,
        {
            "id": r[0],
            "account_id": r[1],
            "name": r[2],
            "title": r[5],
            "department": r[6],
            "seniority": SENIORITY[r[7]],
            "email": r[8],
            "phone": r[9],
            "linkedin_url": r[10],
            "status": STATUS[status] if status is not None else ContactStatus.ACTIVE,
            "status_from": parse_ts_or_none(status_from),
        },
    )


# --- deals ------------------------------------------------------------------------

DEAL_COLUMNS = (
    "id",
    "account_id",
    "name",
    "name_fold",
    "name_key",
    "amount_minor",
    "currency",
    "stage",
    "expected_close",
    "competitors",
    "loss_reason",
    "owner_id",
)


def encode_deal(d: Deal) -> tuple[Any, ...]:
    return (
        d.id,
        d.account_id,
        d.name,
        tr_fold(d.name),
        tr_sort_key(d.name),
        minor_units(d.amount),
        d.currency,
        d.stage,
        iso_date_or_none(d.expected_close),
        json_strings(d.competitors),
        d.loss_reason,
        d.owner_id,
    )


def _deal_values(r: Row) -> dict[str, Any]:
    return {
        "id": r[0],
        "account_id": r[1],
        "name": r[2],
        "amount": from_minor_units(r[5]),
        "currency": r[6],
        "stage": STAGE[r[7]],
        "expected_close": date_or_none(r[8]),
        "competitors": _strings(r[9]),
        "loss_reason": r[10],
        "owner_id": r[11],
    }


def decode_deal(r: Row) -> Deal:
    """A deal as stored (the present)."""
    return construct(Deal, _deal_values(r))


def decode_deal_at(r: Row, stage: str, expected_close: str | None) -> Deal:
    """A deal as of an instant, with its ``stage`` and ``expected_close`` then
    (see :func:`graphcrm.store.codec.deal_at`)."""
    return deal_at(_deal_values(r), STAGE[stage], date_or_none(expected_close))


STAGE_CHANGE_COLUMNS = ("deal_id", "at", "from_stage", "to_stage")


def encode_stage_change(s: StageChange) -> tuple[Any, ...]:
    return (
        s.deal_id,
        ts(s.at),
        s.from_stage.value if s.from_stage is not None else None,
        s.to_stage,
    )


def decode_stage_change(r: Row) -> StageChange:
    return construct(
        StageChange,
        {
            "deal_id": r[0],
            "at": parse_ts(r[1]),
            "from_stage": STAGE[r[2]] if r[2] is not None else None,
            "to_stage": STAGE[r[3]],
        },
    )


CLOSE_DATE_CHANGE_COLUMNS = ("deal_id", "at", "from_date", "to_date")


def encode_close_date_change(c: CloseDateChange) -> tuple[Any, ...]:
    return (
        c.deal_id,
        ts(c.at),
        iso_date_or_none(c.from_date),
        iso_date_or_none(c.to_date),
    )


def decode_close_date_change(r: Row) -> CloseDateChange:
    return construct(
        CloseDateChange,
        {
            "deal_id": r[0],
            "at": parse_ts(r[1]),
            "from_date": date_or_none(r[2]),
            "to_date": date_or_none(r[3]),
        },
    )


# --- edges --------------------------------------------------------------------------

REP_KNOWS_COLUMNS = ("rep_id", "contact_id", "strength")


def encode_rep_knows(k: RepKnows) -> tuple[Any, ...]:
    return (k.rep_id, k.contact_id, k.strength)


def decode_rep_knows(r: Row) -> RepKnows:
    return construct(RepKnows, {"rep_id": r[0], "contact_id": r[1], "strength": r[2]})


TOUCHPOINT_COLUMNS = (
    "id",
    "account_id",
    "kind",
    "direction",
    "at",
    "contact_ids",
    "rep_ids",
    "deal_id",
    "sentiment",
    "summary",
)


def encode_touchpoint(t: Touchpoint) -> tuple[Any, ...]:
    return (
        t.id,
        t.account_id,
        t.kind,
        t.direction,
        ts(t.at),
        json_strings(t.contact_ids),
        json_strings(t.rep_ids),
        t.deal_id,
        t.sentiment,
        t.summary,
    )


def decode_touchpoint(r: Row) -> Touchpoint:
    return construct(
        Touchpoint,
        {
            "id": r[0],
            "account_id": r[1],
            "kind": TOUCHPOINT_KIND[r[2]],
            "direction": DIRECTION[r[3]],
            "at": parse_ts(r[4]),
            "contact_ids": tuple(json.loads(r[5])),
            "rep_ids": tuple(json.loads(r[6])),
            "deal_id": r[7],
            "sentiment": r[8],
            "summary": r[9],
        },
    )


# --- intervals: the id column first, then the fields, then valid_from/valid_to -------

REPORTS_TO_COLUMNS = ("contact_id", "manager_id", "kind", "valid_from", "valid_to")


def encode_reports_to(x: ReportsTo) -> tuple[Any, ...]:
    return (
        x.contact_id,
        x.manager_id,
        x.kind,
        ts_or_none(x.valid_from),
        ts_or_none(x.valid_to),
    )


def decode_reports_to(r: Row) -> ReportsTo:
    return construct(
        ReportsTo,
        {
            "valid_from": parse_ts(r[3]),
            "valid_to": parse_ts_or_none(r[4]),
            "contact_id": r[0],
            "manager_id": r[1],
            "kind": LINE_KIND[r[2]],
        },
    )


INFLUENCE_COLUMNS = (
    "influencer_id",
    "influenced_id",
    "kind",
    "strength",
    "source",
    "valid_from",
    "valid_to",
)


def encode_influence(x: Influence) -> tuple[Any, ...]:
    return (
        x.influencer_id,
        x.influenced_id,
        x.kind,
        x.strength,
        x.source,
        ts_or_none(x.valid_from),
        ts_or_none(x.valid_to),
    )


def decode_influence(r: Row) -> Influence:
    return construct(
        Influence,
        {
            "valid_from": parse_ts(r[5]),
            "valid_to": parse_ts_or_none(r[6]),
            "influencer_id": r[0],
            "influenced_id": r[1],
            "kind": INFLUENCE_KIND[r[2]],
            "strength": r[3],
            "source": INFLUENCE_SOURCE[r[4]],
        },
    )


DEAL_ROLE_COLUMNS = (
    "deal_id",
    "contact_id",
    "roles",
    "is_primary",
    "stance",
    "valid_from",
    "valid_to",
)


def encode_deal_role(x: DealRole) -> tuple[Any, ...]:
    return (
        x.deal_id,
        x.contact_id,
        json_strings(role_values(x.roles)),
        int(x.is_primary),
        x.stance,
        ts_or_none(x.valid_from),
        ts_or_none(x.valid_to),
    )


def decode_deal_role(r: Row) -> DealRole:
    return construct(
        DealRole,
        {
            "valid_from": parse_ts(r[5]),
            "valid_to": parse_ts_or_none(r[6]),
            "deal_id": r[0],
            "contact_id": r[1],
            "roles": _roles(r[2]),
            "is_primary": bool(r[3]),
            "stance": r[4],
        },
    )


STATUS_COLUMNS = ("contact_id", "status", "valid_from", "valid_to")


def encode_status(x: ContactStatusSpan) -> tuple[Any, ...]:
    return (x.contact_id, x.status, ts_or_none(x.valid_from), ts_or_none(x.valid_to))


def decode_status(r: Row) -> ContactStatusSpan:
    return construct(
        ContactStatusSpan,
        {
            "valid_from": parse_ts(r[2]),
            "valid_to": parse_ts_or_none(r[3]),
            "contact_id": r[0],
            "status": STATUS[r[1]],
        },
    )


TERRITORY_COLUMNS = ("account_id", "territory", "valid_from", "valid_to")


def encode_territory(x: TerritorySpan) -> tuple[Any, ...]:
    return (x.account_id, x.territory, ts_or_none(x.valid_from), ts_or_none(x.valid_to))


def decode_territory(r: Row) -> TerritorySpan:
    return construct(
        TerritorySpan,
        {
            "valid_from": parse_ts(r[2]),
            "valid_to": parse_ts_or_none(r[3]),
            "account_id": r[0],
            "territory": r[1],
        },
    )


# --- the change log -------------------------------------------------------------------

CHANGE_COLUMNS = ("seq", "at", "actor", "entity", "key", "op", "before", "after")


def decode_change(r: Row) -> ChangeLogEntry:
    return change_entry(*r)
