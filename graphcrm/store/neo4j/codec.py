"""Conversions between domain models and Neo4j property maps. No Cypher runs here.

Conventions (the same as the SQLite store's, so both order and compare alike):
times are fixed-width UTC strings (``2025-01-31T09:30:00.000000Z``) whose text
order is time order; dates are ``YYYY-MM-DD``; amounts are integer minor units;
a missing ``valid_to`` marks an open interval; ``name_fold``/``name_key`` hold
:func:`~graphcrm.domain.text.tr_fold`/:func:`~graphcrm.domain.text.tr_sort_key`
of the name.

Neo4j compares strings by UTF-16 code unit, SQLite and Python by code point;
they disagree when a character above U+FFFF meets one in U+E000-U+FFFF. Every
value a paginated list sorts on is therefore also stored as ``*_ord``: its UTF-8
bytes as Latin-1 characters, whose order is the same under both rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

from graphcrm.domain import (
    Account,
    CloseDateChange,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    Direction,
    Influence,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    Model,
    Rep,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    StageChange,
    Touchpoint,
)
from graphcrm.domain.enums import TouchpointKind
from graphcrm.domain.text import tr_fold, tr_sort_key
from graphcrm.store.intervals import ContactStatusSpan

M = TypeVar("M", bound=Model)
E = TypeVar("E", bound=Enum)

Props = Mapping[str, Any]
"""A node's or relationship's properties, or one row of a query result."""

FAR_FUTURE = "9999-12-31T23:59:59.999999Z"
"""Stands for "the present": later than every stored time."""


# --- scalars ------------------------------------------------------------------


def ts(value: datetime) -> str:
    """A fixed-width UTC string whose text order is time order."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def ts_or_none(value: datetime | None) -> str | None:
    return None if value is None else ts(value)


@lru_cache(maxsize=65536)
def parse_ts(text: str) -> datetime:
    """An aware UTC datetime from :func:`ts` output."""
    return datetime.fromisoformat(text)


def parse_ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse_ts(text)


def as_of_param(as_of: datetime | None) -> str:
    """The bound used for "in force at": the instant, or :data:`FAR_FUTURE` for now."""
    return FAR_FUTURE if as_of is None else ts(as_of)


def minor_units(amount: Decimal) -> int:
    """Exact integer cents; the domain allows at most two decimal places."""
    return int(amount.scaleb(2))


def from_minor_units(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def date_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def iso_date_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def ord_key(text: str) -> str:
    """``text`` re-spelt so that Neo4j's string order is its code-point order.

    >>> sorted(["\\ufffd", "\\U0001f600"]) == sorted(["\\ufffd", "\\U0001f600"], key=ord_key)
    True
    >>> ord_key("ş")
    'Å\\x9f'
    """
    return text.encode("utf-8").decode("latin-1")


_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` from values read back from this store, unvalidated.

    Every stored value passed the model's validation on the way in; the
    decoders hand over exactly what validation would produce (enum members,
    aware UTC datetimes, exact Decimals, tuples, frozensets), every field in
    field order. About twice as fast as validating; ``tests/neo4j/test_codec.py``
    checks each decoder against ``model_validate``.
    """
    m = _new(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", set(values))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


def _members(cls: type[E]) -> dict[str, E]:
    """Stored value -> enum member (a dict lookup is cheaper than ``cls(value)``)."""
    return {m.value: m for m in cls}


_SENIORITY = _members(Seniority)
_STATUS = _members(ContactStatus)
_STAGE = _members(Stage)
_TOUCHPOINT_KIND = _members(TouchpointKind)
_DIRECTION = _members(Direction)
_LINE_KIND = _members(LineKind)
_INFLUENCE_KIND = _members(InfluenceKind)
_INFLUENCE_SOURCE = _members(InfluenceSource)
_ROLE = _members(Role)


def _named(name: str) -> dict[str, str]:
    key = tr_sort_key(name)
    return {"name": name, "name_fold": tr_fold(name), "name_key": key, "name_ord": ord_key(key)}


# --- accounts, reps, contacts -------------------------------------------------------


def encode_account(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "id_ord": ord_key(a.id),
        **_named(a.name),
        "sector": a.sector,
        "country": a.country,
        "territory": a.territory,
        "owner_id": a.owner_id,
        "parent_id": a.parent_id,
    }


def decode_account(p: Props) -> Account:
    return trusted(
        Account,
        {
            "id": p["id"],
            "name": p["name"],
            "sector": p["sector"],
            "country": p.get("country"),
            "territory": p.get("territory"),
            "owner_id": p.get("owner_id"),
            "parent_id": p.get("parent_id"),
        },
    )


def encode_rep(r: Rep) -> dict[str, Any]:
    return {
        "id": r.id,
        "id_ord": ord_key(r.id),
        **_named(r.name),
        "email": r.email,
        "territory": r.territory,
    }


def decode_rep(p: Props) -> Rep:
    return trusted(
        Rep,
        {
            "id": p["id"],
            "name": p["name"],
            "email": p.get("email"),
            "territory": p.get("territory"),
        },
    )


def encode_contact(c: Contact) -> dict[str, Any]:
    """The contact's own properties; its status lives in status intervals."""
    return {
        "id": c.id,
        "id_ord": ord_key(c.id),
        "account_id": c.account_id,
        **_named(c.name),
        "title": c.title,
        "department": c.department,
        "seniority": c.seniority.value,
        "email": c.email,
        "phone": c.phone,
        "linkedin_url": c.linkedin_url,
    }


def decode_contact(p: Props, status: str | None = None, status_from: str | None = None) -> Contact:
    """A contact; ``status`` and ``status_from`` come from its status interval."""
    return trusted(
        Contact,
        {
            "id": p["id"],
            "account_id": p["account_id"],
            "name": p["name"],
            "title": p["title"],
            "department": p["department"],
            "seniority": _SENIORITY[p["seniority"]],
            "email": p.get("email"),
            "phone": p.get("phone"),
            "linkedin_url": p.get("linkedin_url"),
            "status": _STATUS[status] if status is not None else ContactStatus.ACTIVE,
            "status_from": parse_ts_or_none(status_from),
        },
    )


# --- deals ------------------------------------------------------------------------


def encode_deal(d: Deal) -> dict[str, Any]:
    return {
        "id": d.id,
        "id_ord": ord_key(d.id),
        "account_id": d.account_id,
        **_named(d.name),
        "amount_minor": minor_units(d.amount),
        "currency": d.currency,
        "stage": d.stage.value,
        "expected_close": iso_date_or_none(d.expected_close),
        "competitors": list(d.competitors),
        "loss_reason": d.loss_reason,
        "owner_id": d.owner_id,
    }


def decode_deal(p: Props) -> Deal:
    return trusted(
        Deal,
        {
            "id": p["id"],
            "account_id": p["account_id"],
            "name": p["name"],
            "amount": from_minor_units(p["amount_minor"]),
            "currency": p["currency"],
            "stage": _STAGE[p["stage"]],
            "expected_close": date_or_none(p.get("expected_close")),
            "competitors": tuple(p["competitors"]),
            "loss_reason": p.get("loss_reason"),
            "owner_id": p.get("owner_id"),
        },
    )


def encode_stage_change(s: StageChange) -> dict[str, Any]:
    return {
        "deal_id": s.deal_id,
        "at": ts(s.at),
        "from_stage": s.from_stage.value if s.from_stage is not None else None,
        "to_stage": s.to_stage.value,
    }


def decode_stage_change(p: Props) -> StageChange:
    fs = p.get("from_stage")
    return trusted(
        StageChange,
        {
            "deal_id": p["deal_id"],
            "at": parse_ts(p["at"]),
            "from_stage": _STAGE[fs] if fs is not None else None,
            "to_stage": _STAGE[p["to_stage"]],
        },
    )


def encode_close_date_change(c: CloseDateChange) -> dict[str, Any]:
    return {
        "deal_id": c.deal_id,
        "at": ts(c.at),
        "from_date": iso_date_or_none(c.from_date),
        "to_date": iso_date_or_none(c.to_date),
    }


def decode_close_date_change(p: Props) -> CloseDateChange:
    return trusted(
        CloseDateChange,
        {
            "deal_id": p["deal_id"],
            "at": parse_ts(p["at"]),
            "from_date": date_or_none(p.get("from_date")),
            "to_date": date_or_none(p.get("to_date")),
        },
    )


# --- edges --------------------------------------------------------------------------


def encode_rep_knows(k: RepKnows) -> dict[str, Any]:
    return {"rep_id": k.rep_id, "contact_id": k.contact_id, "strength": k.strength}


def decode_rep_knows(p: Props) -> RepKnows:
    return trusted(
        RepKnows,
        {
            "rep_id": p["rep_id"],
            "contact_id": p["contact_id"],
            "strength": p["strength"],
        },
    )


def encode_touchpoint(t: Touchpoint) -> dict[str, Any]:
    return {
        "id": t.id,
        "id_ord": ord_key(t.id),
        "account_id": t.account_id,
        "kind": t.kind.value,
        "direction": t.direction.value,
        "at": ts(t.at),
        "contact_ids": list(t.contact_ids),
        "rep_ids": list(t.rep_ids),
        "deal_id": t.deal_id,
        "sentiment": t.sentiment,
        "summary": t.summary,
    }


def decode_touchpoint(p: Props) -> Touchpoint:
    return trusted(
        Touchpoint,
        {
            "id": p["id"],
            "account_id": p["account_id"],
            "kind": _TOUCHPOINT_KIND[p["kind"]],
            "direction": _DIRECTION[p["direction"]],
            "at": parse_ts(p["at"]),
            "contact_ids": tuple(p["contact_ids"]),
            "rep_ids": tuple(p["rep_ids"]),
            "deal_id": p.get("deal_id"),
            "sentiment": p["sentiment"],
            "summary": p["summary"],
        },
    )


# --- intervals: endpoints, then the fields, then valid_from/valid_to ----------------


def encode_reports_to(x: ReportsTo) -> dict[str, Any]:
    return {
        "contact_id": x.contact_id,
        "manager_id": x.manager_id,
        "kind": x.kind.value,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_reports_to(p: Props) -> ReportsTo:
    return trusted(
        ReportsTo,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "contact_id": p["contact_id"],
            "manager_id": p["manager_id"],
            "kind": _LINE_KIND[p["kind"]],
        },
    )


def encode_influence(x: Influence) -> dict[str, Any]:
    return {
        "influencer_id": x.influencer_id,
        "influenced_id": x.influenced_id,
        "kind": x.kind.value,
        "strength": x.strength,
        "source": x.source.value,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_influence(p: Props) -> Influence:
    return trusted(
        Influence,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "influencer_id": p["influencer_id"],
            "influenced_id": p["influenced_id"],
            "kind": _INFLUENCE_KIND[p["kind"]],
            "strength": p["strength"],
            "source": _INFLUENCE_SOURCE[p["source"]],
        },
    )


def encode_deal_role(x: DealRole) -> dict[str, Any]:
    return {
        "deal_id": x.deal_id,
        "contact_id": x.contact_id,
        "roles": sorted(r.value for r in x.roles),
        "is_primary": x.is_primary,
        "stance": x.stance,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_deal_role(p: Props) -> DealRole:
    return trusted(
        DealRole,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "deal_id": p["deal_id"],
            "contact_id": p["contact_id"],
            "roles": frozenset(map(_ROLE.__getitem__, p["roles"])),
            "is_primary": p["is_primary"],
            "stance": p["stance"],
        },
    )


def encode_status(x: ContactStatusSpan) -> dict[str, Any]:
    return {
        "contact_id": x.contact_id,
        "status": x.status.value,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_status(p: Props) -> ContactStatusSpan:
    return trusted(
        ContactStatusSpan,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "contact_id": p["contact_id"],
            "status": _STATUS[p["status"]],
        },
    )
