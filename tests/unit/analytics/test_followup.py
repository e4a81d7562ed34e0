"""The follow-up due-list: thresholds by stage and role, most urgent first."""

from __future__ import annotations

import pytest

from graphcrm.analytics import CadenceParams, FollowUpKind, build_network, follow_ups
from graphcrm.domain import Role, Stage
from tests.unit.analytics.conftest import GraphBuilder


def test_due_list_by_hand(builder: GraphBuilder) -> None:
    for c in ("ch", "eb", "u", "n", "p", "q"):
        builder.contact(c, c.upper())
    builder.deal("D", Stage.NEGOTIATION, "Deal D")  # norm 7 days
    builder.role("D", "ch", Role.CHAMPION, stance=2)  # 7 * 0.5 = 3.5 days
    builder.role("D", "eb", Role.ECONOMIC_BUYER)  # 7 * 0.75 = 5.25 days
    builder.role("D", "u", Role.BUSINESS_USER)  # 7 * 1.5 (default) = 10.5 days
    builder.role("D", "n", Role.EVALUATOR)  # never touched
    builder.deal("D2", Stage.PROSPECTING, "Deal D2")  # norm 21 days
    builder.role("D2", "p", Role.OTHER)  # 21 * 1.5 = 31.5 days
    builder.role("D2", "u", Role.BUSINESS_USER)  # 31.5 > 10.5: D's threshold wins
    builder.deal("D3", Stage.CLOSED_WON)
    builder.role("D3", "q", Role.CHAMPION)  # closed deal: never due
    builder.engage("ch", days_ago=7, touchpoints=3, two_way=3)  # 7 / 3.5 = 2.0
    builder.engage("eb", days_ago=5, touchpoints=3, two_way=3)  # 5 / 5.25 < 1: not due
    builder.engage("u", days_ago=15.75, touchpoints=3, two_way=3)  # 15.75 / 10.5 = 1.5
    builder.engage("p", days_ago=42, touchpoints=3, two_way=3)  # 42 / 31.5 = 1.333
    builder.engage("q", days_ago=300, touchpoints=3, two_way=3)
    due = follow_ups(build_network(builder.build()))
    # Deal D: last touch 5 days (eb) < 7: not due. Deal D2: last touch 15.75 days (u) < 21.
    assert [(f.kind.value, f.contact_id or f.deal_id) for f in due] == [
        ("contact", "n"),
        ("contact", "ch"),
        ("contact", "u"),
        ("contact", "p"),
    ]
    assert [f.overdue_ratio for f in due] == [
        None,
        pytest.approx(2.0),
        pytest.approx(1.5),
        pytest.approx(42 / 31.5),
    ]
    assert due[0].reason == "N (evaluator on Deal D, negotiation): never contacted"
    assert due[1].reason == (
        "CH (champion on Deal D, negotiation): 7 days since the last touchpoint, cadence 3.5 days"
    )
    assert due[2].deal_id == "D"
    assert due[2].threshold_days == pytest.approx(10.5)
    assert due[1].last_touchpoint_id == "tp-ch"


def test_stale_deals_are_due(builder: GraphBuilder) -> None:
    builder.contact("a", "Ali").contact("b", "Banu")
    builder.deal("D", Stage.CLOSING, "Deal D")  # norm 5
    builder.deal("E", Stage.PROPOSAL, "Deal E")  # norm 10, no committee: account contacts
    builder.role("D", "a", Role.DECISION_MAKER)
    builder.engage("a", days_ago=20, touchpoints=1, two_way=1)
    builder.engage("b", days_ago=12, touchpoints=1, two_way=1)
    due = follow_ups(build_network(builder.build()))
    deals = [f for f in due if f.kind is FollowUpKind.DEAL]
    # D: 20 / 5 = 4.0; E: last touch with the account 12 / 10 = 1.2
    assert [f.deal_id for f in deals] == ["D", "E"]
    assert [f.overdue_ratio for f in deals] == pytest.approx([4.0, 1.2])
    # Ali on D: 20 / (5 * 0.75) = 5.33, most urgent of all
    assert due[0].contact_id == "a"
    assert due[0].overdue_ratio == pytest.approx(20 / 3.75)
    relaxed = CadenceParams(stage_norm_days={s: 100.0 for s in Stage if not s.is_closed})
    assert follow_ups(build_network(builder.build()), params=relaxed) == []


def test_cadence_needs_every_open_stage() -> None:
    with pytest.raises(ValueError, match="closing"):
        CadenceParams(stage_norm_days={Stage.PROSPECTING: 1.0})


def test_deal_reasons_and_a_deal_never_touched(builder: GraphBuilder) -> None:
    builder.contact("a", "Ali").contact("b", "Banu")
    builder.deal("D", Stage.CLOSING, "Deal D")  # norm 5 days
    builder.deal("N", Stage.PROSPECTING, "Deal N")  # norm 21 days
    builder.role("D", "a", Role.DECISION_MAKER)
    builder.role("N", "b", Role.EVALUATOR)  # Banu never touched: N has no touchpoint
    builder.engage("a", days_ago=20, touchpoints=1, two_way=1)
    deals = {
        f.deal_id: f
        for f in follow_ups(build_network(builder.build()))
        if f.kind is FollowUpKind.DEAL
    }
    assert deals["D"].reason == (
        "Deal D (closing): 20 days since the last touchpoint, cadence 5 days"
    )
    assert (deals["D"].days_since, deals["D"].threshold_days) == pytest.approx((20.0, 5.0))
    assert deals["D"].last_touchpoint_id == "tp-a"
    assert deals["N"].reason == "Deal N (prospecting): no touchpoint on record"
    assert (deals["N"].days_since, deals["N"].overdue_ratio) == (None, None)
    assert deals["N"].last_touchpoint_id is None
