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
        aggs = [e for c in scope if (e := net.engagement.get(c))]
        if aggs:
            last = max(aggs, key=lambda e: (e.last_at, e.contact_id))
            days = days_between(last.last_at, net.as_of)
            if days > norm:
                out.append(
                    FollowUp(
                        kind=FollowUpKind.DEAL,
                        deal_id=deal_id,
                        contact_id=None,
                        days_since=days,
                        threshold_days=norm,
                        overdue_ratio=days / norm,
                        reason=(
                            f"{deal.name} ({deal.stage.value}): {days:.0f} days since the last "
                            f"touchpoint, cadence {norm:.0f} days"
                        ),
                        last_touchpoint_id=last.last_touchpoint_id,
                    )
                )
        elif scope:
            out.append(
                FollowUp(
                    kind=FollowUpKind.DEAL,
                    deal_id=deal_id,
                    contact_id=None,
                    days_since=None,
                    threshold_days=norm,
                    overdue_ratio=None,
                    reason=f"{deal.name} ({deal.stage.value}): no touchpoint on record",
                    last_touchpoint_id=None,
                )
            )
    for c, (threshold, deal_id, role_names) in sorted(best.items()):
        deal = net.deals[deal_id]
        who = f"{net.name(c)} ({role_names} on {deal.name}, {deal.stage.value})"
        e = net.engagement.get(c)
        if e is None:
            out.append(
                FollowUp(
                    kind=FollowUpKind.CONTACT,
                    deal_id=deal_id,
                    contact_id=c,
                    days_since=None,
                    threshold_days=threshold,
                    overdue_ratio=None,
                    reason=f"{who}: never contacted",
                    last_touchpoint_id=None,
                )
            )
            continue
        days = days_between(e.last_at, net.as_of)
        if days > threshold:
            out.append(
                FollowUp(
                    kind=FollowUpKind.CONTACT,
                    deal_id=deal_id,
                    contact_id=c,
                    days_since=days,
                    threshold_days=threshold,
                    overdue_ratio=days / threshold,
                    reason=(
                        f"{who}: {days:.0f} days since the last touchpoint, "
                        f"cadence {threshold:.1f} days"
                    ),
                    last_touchpoint_id=e.last_touchpoint_id,
                )
            )
    return sorted(out, key=_key)
