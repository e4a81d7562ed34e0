"""Sentences built from codes and values through the catalogue (:mod:`graphcrm.viz.i18n`).

The analytics write their messages in English for the API and the CLI; the
pages write their own from the same codes and values, in the page's language:
risk signals (:func:`signal_sentence`), follow-ups (:func:`follow_up_sentence`),
next actions, what changed, and alerts.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphcrm.analytics import RiskSignal, SignalCode
from graphcrm.analytics.followup import FollowUp, FollowUpKind
from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.scoring import ContactScores
from graphcrm.services.actions import ActionKind, NextAction
from graphcrm.services.alerts import Alert, AlertKind
from graphcrm.viz.i18n import Messages


def _names(names: Mapping[str, str], ids: tuple[str, ...]) -> str:
    return ", ".join(names.get(c, c) for c in ids) or "—"


def signal_sentence(
    t: Messages,
    signal: RiskSignal,
    net: StakeholderNetwork,
    scores: ContactScores,
    params: RiskParams,
) -> str:
    """What a risk signal saw, in ``t``'s language, from its code and evidence."""
    ids = signal.evidence.contact_ids
    who = _names(net.names, ids)
    code = signal.code
    if code is SignalCode.ECONOMIC_BUYER_UNKNOWN:
        return (
            t.format("sig_economic_buyer_left", names=who)
            if ids
            else t("sig_economic_buyer_unknown")
        )
    if code is SignalCode.ECONOMIC_BUYER_NOT_ENGAGED and ids:
        health = scores.health[ids[0]].score if ids[0] in scores.health else 0.0
        return t.format("sig_economic_buyer_not_engaged", names=who, health=t.integer(health))
    if code is SignalCode.ECONOMIC_BUYER_HOSTILE and ids:
        roles = net.roles.get(signal_deal(signal, net), {})
        seat = roles.get(ids[0])
        return t.format(
            "sig_economic_buyer_hostile",
            names=who,
            stance=t.stance(seat.stance if seat is not None else -1),
        )
    if code is SignalCode.STALE_ENGAGEMENT:
        if not ids:
            return t("sig_stale_none")
        e = net.engagement.get(ids[0])
        days = (net.as_of - e.last_at).total_seconds() / 86400.0 if e is not None else 0.0
        return t.format("sig_stale_engagement", names=who, days=t.integer(days))
    if code is SignalCode.STAKEHOLDER_CHURN:
        return t.format(
            "sig_stakeholder_churn", names=who, window=t.integer(params.churn_window_days)
        )
    return t.format(f"sig_{code.value}", names=who)


def signal_deal(signal: RiskSignal, net: StakeholderNetwork) -> str:
    """The deal whose committee seats the signal's first person (for the stance)."""
    first = signal.evidence.contact_ids[:1]
    for deal_id, seats in sorted(net.roles.items()):
        if first and first[0] in seats and not net.deals[deal_id].stage.is_closed:
            return deal_id
    return ""


def follow_up_sentence(t: Messages, f: FollowUp, net: StakeholderNetwork) -> str:
    """Why a follow-up is due, in ``t``'s language."""
    deal = net.deals[f.deal_id]
    if f.kind is FollowUpKind.DEAL:
        values = {"deal": deal.name, "stage": t.stage(deal.stage)}
        if f.days_since is None:
            return t.format("fu_deal_never", **values)
        return t.format(
            "fu_deal", days=t.integer(f.days_since), cadence=t.integer(f.threshold_days), **values
        )
    cid = f.contact_id or ""
    seat = net.roles.get(f.deal_id, {}).get(cid)
    roles = ", ".join(sorted(t.role(r) for r in seat.roles)) if seat is not None else "—"
    values = {"name": net.name(cid), "roles": roles, "deal": deal.name}
    if f.days_since is None:
        return t.format("fu_contact_never", **values)
    return t.format(
        "fu_contact",
        days=t.integer(f.days_since),
        cadence=t.number(f.threshold_days, 1),
        **values,
    )


def action_sentence(t: Messages, a: NextAction, net: StakeholderNetwork) -> tuple[str, str]:
    """A next action as (what to do, why) in ``t``'s language."""
    name = net.name(a.contact_id)
    deal = net.deals.get(a.deal_id or "")
    on = t.format("act_on_deal", deal=deal.name) if deal is not None else ""
    if a.kind is ActionKind.INTRODUCTION:
        path = " → ".join(net.name(v) for v in a.path)
        why = t.format("act_intro_path", path=path, strength=t.number(a.strength or 0.0))
        what = t.format("act_intro", introducer=net.name(a.introducer_id or ""), name=name)
        return what, f"{on} · {why}" if on else why
    if a.kind is ActionKind.UNCOVERED:
        return t.format("act_uncovered", name=name), on
    key = "act_silent" if a.kind is ActionKind.SILENT else "act_call"
    if a.days_since is None:
        why = t("act_call_never")
    else:
        why = t.format(
            "act_call_days",
            days=t.integer(a.days_since),
            cadence=t.integer(a.threshold_days or 0.0),
        )
    return t.format(key, name=name), f"{on} · {why}" if on else why


def alert_sentence(t: Messages, a: Alert, since: str) -> str:
    """An alert in ``t``'s language (``since``: the drop's start, already formatted)."""
    who = _names(a.names, a.contact_ids)
    if a.kind is AlertKind.CHAMPION_LEFT:
        return t.format("al_champion_left", names=who)
    if a.kind is AlertKind.ECONOMIC_BUYER_SILENT:
        if a.days_silent is None:
            return t.format("al_economic_buyer_never", names=who)
        return t.format(
            "al_economic_buyer_silent",
            names=who,
            days=t.integer(a.days_silent),
            norm=t.integer(a.norm_days or 0.0),
        )
    return t.format(
        "al_win_dropped",
        before=t.percent(a.probability_before or 0.0),
        after=t.percent(a.probability_after or 0.0),
        since=since,
    )
