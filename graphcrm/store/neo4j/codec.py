"""Conversions between domain models and Neo4j property maps. No Cypher runs here.

Values are encoded by :mod:`graphcrm.store.codec`, as the SQLite store's are, so
both order and compare alike. A missing ``valid_to`` marks an open interval;
``name_fold`` holds :func:`~graphcrm.domain.text.tr_fold` of the name.

Neo4j compares strings by UTF-16 code unit, SQLite and Python by code point;
they disagree when a character above U+FFFF meets one in U+E000-U+FFFF. Every
value a paginated list sorts on is therefore stored as ``*_ord``: its UTF-8
bytes as Latin-1 characters, whose order is the same under both rules. The
name's :func:`~graphcrm.domain.text.tr_sort_key` is stored only so
(``name_ord``); an id only when it is not ASCII (``id_ord``, see :func:`id_ord`).
Every stored property costs the server time on every write: nothing Python can
recompute from the others is stored twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphcrm.domain import (
    Account,
    CloseDateChange,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    Influence,
    Rep,
    RepKnows,
    ReportsTo,
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

Props = Mapping[str, Any]
"""A node's or relationship's properties, or one row of a query result."""


def ord_key(text: str) -> str:
    """``text`` re-spelt so that Neo4j's string order is its code-point order.

    >>> sorted(["\\ufffd", "\\U0001f600"]) == sorted(["\\ufffd", "\\U0001f600"], key=ord_key)
    True
    >>> ord_key("ş")
    'Å\\x9f'
    """
    return text.encode("utf-8").decode("latin-1")


DERIVED = frozenset({"id_ord", "name_fold", "name_ord"})
"""Properties computed from the id and the name: equal whenever those are."""


def id_ord(text: str) -> str | None:
    """``ord_key(text)`` where it differs from ``text`` (non-ASCII ids), else None: lists
    order by ``coalesce(n.id_ord, n.id)``, and an ASCII id is stored once.

    >>> id_ord("C-1") is None, id_ord("C-ş")
    (True, 'C-Å\x9f')
    """
    return None if text.isascii() else ord_key(text)


def _named(name: str) -> dict[str, str]:
    """The name, its fold (searched) and the code-point-safe form of its sort key
    (ordered by); Python recomputes the sort key itself where it needs it."""
    return {"name": name, "name_fold": tr_fold(name), "name_ord": ord_key(tr_sort_key(name))}


# --- accounts, reps, contacts -------------------------------------------------------


def encode_account(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "id_ord": id_ord(a.id),
        **_named(a.name),
        "sector": a.sector,
        "country": a.country,
        "territory": a.territory,
        "owner_id": a.owner_id,
        "parent_id": a.parent_id,
        "city": a.city,
        "employees": a.employees,
        "revenue_minor": None if a.annual_revenue is None else minor_units(a.annual_revenue),
    }


def decode_account(p: Props) -> Account:
    return construct(
        Account,
        {
            "id": p["id"],
            "name": p["name"],
            "sector": p["sector"],
            "country": p.get("country"),
            "territory": p.get("territory"),
            "owner_id": p.get("owner_id"),
            "parent_id": p.get("parent_id"),
            "city": p.get("city"),
            "employees": p.get("employees"),
            "annual_revenue": (
                None if p.get("revenue_minor") is None else from_minor_units(p["revenue_minor"])
            ),
        },
    )


def encode_rep(r: Rep) -> dict[str, Any]:
    return {
        "id": r.id,
        "id_ord": id_ord(r.id),
        **_named(r.name),
        "email": r.email,
        "territory": r.territory,
    }


def decode_rep(p: Props) -> Rep:
    return construct(
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
        "id_ord": id_ord(c.id),
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
    return construct(
        Contact,
        {
            "id": p["id"],
            "account_id": p["account_id"],
            "name": p["name"],
            "title": p["title"],
            "department": p["department"],
            "seniority": SENIORITY[p["seniority"]],
            "email": p.get("email"),
            "phone": p.get("phone"),
            "linkedin_url": p.get("linkedin_url"),
            "status": STATUS[status] if status is not None else ContactStatus.ACTIVE,
            "status_from": parse_ts_or_none(status_from),
        },
    )


def decode_contact_row(r: Sequence[Any]) -> Contact:
    """A contact from a graph read's compact row: ``[id, account_id, name, title,
    department, seniority, email, phone, linkedin_url, status, status_from]``."""
    return construct(
        Contact,
        {
            "id": r[0],
            "account_id": r[1],
            "name": r[2],
            "title": r[3],
            "department": r[4],
            "seniority": SENIORITY[r[5]],
            "email": r[6],
            "phone": r[7],
            "linkedin_url": r[8],
            "status": STATUS[r[9]],
            "status_from": parse_ts(r[10]),
        },
    )


# --- deals ------------------------------------------------------------------------


def encode_deal(d: Deal) -> dict[str, Any]:
    return {
        "id": d.id,
        "id_ord": id_ord(d.id),
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


def _deal_values(p: Props) -> dict[str, Any]:
    return {
        "id": p["id"],
        "account_id": p["account_id"],
        "name": p["name"],
        "amount": from_minor_units(p["amount_minor"]),
        "currency": p["currency"],
        "stage": STAGE[p["stage"]],
        "expected_close": date_or_none(p.get("expected_close")),
        "competitors": tuple(p["competitors"]),
        "loss_reason": p.get("loss_reason"),
        "owner_id": p.get("owner_id"),
    }


def decode_deal(p: Props) -> Deal:
    """A deal as stored (the present)."""
    return construct(Deal, _deal_values(p))


def decode_deal_at(p: Props, stage: str, expected_close: str | None) -> Deal:
    """A deal as of an instant, with its ``stage`` and ``expected_close`` then
    (see :func:`graphcrm.store.codec.deal_at`)."""
    return deal_at(_deal_values(p), STAGE[stage], date_or_none(expected_close))


def encode_stage_change(s: StageChange) -> dict[str, Any]:
    return {
        "deal_id": s.deal_id,
        "at": ts(s.at),
        "from_stage": s.from_stage.value if s.from_stage is not None else None,
        "to_stage": s.to_stage.value,
    }


def decode_stage_change(p: Props) -> StageChange:
    fs = p.get("from_stage")
    return construct(
        StageChange,
        {
            "deal_id": p["deal_id"],
            "at": parse_ts(p["at"]),
            "from_stage": STAGE[fs] if fs is not None else None,
            "to_stage": STAGE[p["to_stage"]],
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
    return construct(
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
    return construct(
        RepKnows,
        {
            "rep_id": p["rep_id"],
            "contact_id": p["contact_id"],
            "strength": p["strength"],
        },
    )


def decode_rep_knows_row(r: Sequence[Any]) -> RepKnows:
    """``[rep_id, contact_id, strength]``."""
    return construct(RepKnows, {"rep_id": r[0], "contact_id": r[1], "strength": r[2]})


def encode_touchpoint(t: Touchpoint) -> dict[str, Any]:
    return {
        "id": t.id,
        "id_ord": id_ord(t.id),
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
    return construct(
        Touchpoint,
        {
            "id": p["id"],
            "account_id": p["account_id"],
            "kind": TOUCHPOINT_KIND[p["kind"]],
            "direction": DIRECTION[p["direction"]],
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
    return construct(
        ReportsTo,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "contact_id": p["contact_id"],
            "manager_id": p["manager_id"],
            "kind": LINE_KIND[p["kind"]],
        },
    )


def decode_reports_to_row(r: Sequence[Any]) -> ReportsTo:
    """``[contact_id, manager_id, kind, valid_from, valid_to]``."""
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
    return construct(
        Influence,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "influencer_id": p["influencer_id"],
            "influenced_id": p["influenced_id"],
            "kind": INFLUENCE_KIND[p["kind"]],
            "strength": p["strength"],
            "source": INFLUENCE_SOURCE[p["source"]],
        },
    )


def decode_influence_row(r: Sequence[Any]) -> Influence:
    """``[influencer_id, influenced_id, kind, strength, source, valid_from, valid_to]``."""
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


def encode_deal_role(x: DealRole) -> dict[str, Any]:
    return {
        "deal_id": x.deal_id,
        "contact_id": x.contact_id,
        "roles": role_values(x.roles),
        "is_primary": x.is_primary,
        "stance": x.stance,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_deal_role(p: Props) -> DealRole:
    return construct(
        DealRole,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "deal_id": p["deal_id"],
            "contact_id": p["contact_id"],
            "roles": roles_of(p["roles"]),
            "is_primary": p["is_primary"],
            "stance": p["stance"],
        },
    )


def decode_deal_role_row(deal_id: str, r: Sequence[Any]) -> DealRole:
    """A role on ``deal_id`` from ``[contact_id, roles, is_primary, stance, valid_from,
    valid_to]``."""
    return construct(
        DealRole,
        {
            "valid_from": parse_ts(r[4]),
            "valid_to": parse_ts_or_none(r[5]),
            "deal_id": deal_id,
            "contact_id": r[0],
            "roles": roles_of(r[1]),
            "is_primary": r[2],
            "stance": r[3],
        },
    )


def encode_status(x: ContactStatusSpan) -> dict[str, Any]:
    return {
        "contact_id": x.contact_id,
        "status": x.status.value,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def encode_territory(x: TerritorySpan) -> dict[str, Any]:
    return {
        "account_id": x.account_id,
        "territory": x.territory,
        "valid_from": ts_or_none(x.valid_from),
        "valid_to": ts_or_none(x.valid_to),
    }


def decode_territory(p: Props) -> TerritorySpan:
    return construct(
        TerritorySpan,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "account_id": p["account_id"],
            "territory": p.get("territory"),
        },
    )


def decode_status(p: Props) -> ContactStatusSpan:
    return construct(
        ContactStatusSpan,
        {
            "valid_from": parse_ts(p["valid_from"]),
            "valid_to": parse_ts_or_none(p.get("valid_to")),
            "contact_id": p["contact_id"],
            "status": STATUS[p["status"]],
        },
    )
