"""Follow-up reminders: who and which deals have gone quiet for too long.

For each open deal and each active committee member ``v``::

    threshold(v, deal) = stage_norm_days[deal.stage] * min(role_factor[r] for r in v's roles)
    threshold(v)       = min over v's open deals (the deal giving it is the one reported)
    overdue_ratio(v)   = days since v's last touchpoint / threshold(v)

``v`` is due when the ratio exceeds 1, or when ``v`` has never been touched
(no ratio; these come first). A deal is due when the days since the last
touchpoint with any of its active committee members (all the account's
contacts when it has none) exceed ``stage_norm_days[stage]``. The due-list is
most urgent first: never-touched, then by overdue ratio, then by id.
"""

from __future__ import annotations

from enum import StrEnum

from graphcrm.analytics.engagement import days_between
from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.params import CadenceParams
from graphcrm.domain import Model


class FollowUpKind(StrEnum):
    CONTACT = "contact"
    DEAL = "deal"


class FollowUp(Model):
    kind: FollowUpKind
    deal_id: str
    contact_id: str | None
    days_since: float | None
    """None: never touched."""
    threshold_days: float
    overdue_ratio: float | None
    reason: str
    last_touchpoint_id: str | None


def _key(f: FollowUp) -> tuple[int, float, str, str]:
    ratio = f.overdue_ratio
    return (0 if ratio is None else 1, -(ratio or 0.0), f.kind.value, f.contact_id or f.deal_id)


def _due(
    kind: FollowUpKind,
    deal_id: str,
    contact_id: str | None,
    *,
    days: float | None,
    threshold: float,
    reason: str,
    last_touchpoint_id: str | None,
) -> FollowUp:
    """One due item; its overdue ratio is ``days / threshold`` (None when never touched)."""
    return FollowUp(
        kind=kind,
        deal_id=deal_id,
        contact_id=contact_id,
        days_since=days,
        threshold_days=threshold,
        overdue_ratio=None if days is None else days / threshold,
        reason=reason,
        last_touchpoint_id=last_touchpoint_id,
    )


def follow_ups(net: StakeholderNetwork, *, params: CadenceParams | None = None) -> list[FollowUp]:
    """The due-list of contacts and deals, most urgent first (module docs).

    Examples
    --------
    See ``tests/unit/analytics/test_followup.py``; a network without open
    deals has nothing due.
    """
    p = params or CadenceParams()
    best: dict[str, tuple[float, str, str]] = {}
    out: list[FollowUp] = []
    for deal_id in sorted(net.deals):
        deal = net.deals[deal_id]
        if deal.stage.is_closed:
            continue
        norm = p.stage_norm_days[deal.stage]
        roles = net.roles.get(deal_id, {})
        members = [c for c in sorted(roles) if c in net.active]
        for c in members:
            held = roles[c].roles
            factor = min(
                (p.role_factor.get(r, p.default_role_factor) for r in held),
                default=p.default_role_factor,
            )
            role_names = ", ".join(sorted(r.value.replace("_", " ") for r in held))
            cand = (norm * factor, deal_id, role_names)
            if c not in best or cand[:2] < best[c][:2]:
                best[c] = cand
        scope = members or [
            c for c in sorted(net.active) if net.contacts[c].account_id == deal.account_id
        ]
        due = _deal_due(net, deal_id, scope, norm)
        if due is not None:
            out.append(due)
    for c, (threshold, deal_id, role_names) in sorted(best.items()):
        due = _contact_due(net, c, deal_id, role_names, threshold)
        if due is not None:
            out.append(due)
    return sorted(out, key=_key)


def _deal_due(
    net: StakeholderNetwork, deal_id: str, scope: list[str], norm: float
) -> FollowUp | None:
    """The deal, if the last touch with anyone in ``scope`` is older than ``norm`` days."""
    deal = net.deals[deal_id]
    head = f"{deal.name} ({deal.stage.value})"
    aggs = [e for c in scope if (e := net.engagement.get(c))]
    if aggs:
        last = max(aggs, key=lambda e: (e.last_at, e.contact_id))
        days = days_between(last.last_at, net.as_of)
        if days <= norm:
            return None
        reason = f"{head}: {days:.0f} days since the last touchpoint, cadence {norm:.0f} days"
        return _due(
            FollowUpKind.DEAL,
            deal_id,
            None,
            days=days,
            threshold=norm,
            reason=reason,
            last_touchpoint_id=last.last_touchpoint_id,
        )
    if not scope:
        return None
    return _due(
        FollowUpKind.DEAL,
        deal_id,
        None,
        days=None,
        threshold=norm,
        reason=f"{head}: no touchpoint on record",
        last_touchpoint_id=None,
    )


def _contact_due(
    net: StakeholderNetwork, c: str, deal_id: str, role_names: str, threshold: float
) -> FollowUp | None:
    """Contact ``c``, if never touched or last touched more than ``threshold`` days ago."""
    deal = net.deals[deal_id]
    who = f"{net.name(c)} ({role_names} on {deal.name}, {deal.stage.value})"
    e = net.engagement.get(c)
    days = None if e is None else days_between(e.last_at, net.as_of)
    if days is not None and days <= threshold:
        return None
    reason = (
        f"{who}: never contacted"
        if days is None
        else f"{who}: {days:.0f} days since the last touchpoint, cadence {threshold:.1f} days"
    )
    return _due(
        FollowUpKind.CONTACT,
        deal_id,
        c,
        days=days,
        threshold=threshold,
        reason=reason,
        last_touchpoint_id=None if e is None else e.last_touchpoint_id,
    )
