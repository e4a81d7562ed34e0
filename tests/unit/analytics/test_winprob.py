"""Win-probability features, probability and contributions on small graphs."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from graphcrm.analytics import build_network, score_contacts
from graphcrm.analytics.signals import ChangeKind, StakeholderChange
from graphcrm.analytics.winprob import (
    FEATURES,
    GRAPH_FEATURES,
    STAGE_FEATURES,
    DealFeatures,
    contributions,
    deal_features,
    stage_probability,
    win_probability,
)
from graphcrm.domain import CloseDateChange, DealId, DealView, Role, Stage, StageChange
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError, NotFoundError
from tests.unit.analytics.conftest import AS_OF, GraphBuilder, committee


def _history(deal_id: str, *moves: tuple[int, Stage | None, Stage]) -> DealView:
    """A deal view whose stage changes happened ``days`` before AS_OF."""
    sg = committee().build()
    deal = next(d for d in sg.deals if d.id == deal_id)
    return DealView(
        deal=deal,
        stage_history=tuple(
            StageChange(
                deal_id=DealId(deal_id), at=AS_OF - timedelta(days=d), from_stage=a, to_stage=b
            )
            for d, a, b in moves
        ),
        close_date_history=(),
    )


HISTORY = _history(
    "D1",
    (120, None, Stage.PROSPECTING),
    (90, Stage.PROSPECTING, Stage.PROPOSAL),
    (60, Stage.PROPOSAL, Stage.NEEDS_ANALYSIS),
    (20, Stage.NEEDS_ANALYSIS, Stage.NEGOTIATION),
)


def _features(
    b: GraphBuilder, history: DealView = HISTORY, changes: tuple[StakeholderChange, ...] = ()
) -> DealFeatures:
    net = build_network(b.build(), as_of=AS_OF)
    return deal_features(net, "D1", scores=score_contacts(net), history=history, changes=changes)


def test_the_committee_of_the_worked_example() -> None:
    f = _features(committee())
    v = f.values
    assert set(v) == set(FEATURES)
    assert f.stage is Stage.NEGOTIATION
    assert [k for k in STAGE_FEATURES if v[k]] == ["stage_negotiation"]
    assert v["champion_strength"] > 0  # Ayşe, stance +2
    assert v["champion_left"] == 0
    assert f.evidence["champion"].contact_ids == ("ayse",)
    assert (v["economic_buyer_known"], v["economic_buyer_stance"]) == (1.0, 1.0)
    assert v["economic_buyer_touched"] == 1.0  # Mehmet: 4 touchpoints
    assert v["economic_buyer_engaged"] == 1.0  # ... and stance +1
    # five members have touchpoints (Emre has none), all five in the last 90 days
    assert (v["members_touched"], v["engaged_members"]) == (5.0, 5.0)
    assert (v["opposition"], v["opposition_seniority"]) == (0.0, 0.0)
    assert v["silence"] == pytest.approx(math.log1p(2))  # Ayşe, 2 days ago
    assert v["age"] == pytest.approx(math.log1p(120))
    assert v["time_in_stage"] == pytest.approx(math.log1p(20))
    assert v["backward_moves"] == 1.0  # proposal -> needs analysis
    assert v["close_slips"] == 0.0
    assert v["close_in"] == pytest.approx(math.log1p(60))  # 2025-06-01 -> 2025-07-31
    assert f.facts["history"] == (
        "1 backward stage move(s), 0 close-date slip(s), expected close in 60 days"
    )
    assert f.evidence["silence"].touchpoint_ids == ("tp-ayse",)
    assert f.facts["silence"] == "2 days since the deal's last touchpoint"
    assert f.facts["pace"] == "open 120 days, 20 in negotiation"


def _close(days_ago: int, old: date | None, new: date | None) -> CloseDateChange:
    return CloseDateChange(
        deal_id=DealId("D1"), at=AS_OF - timedelta(days=days_ago), from_date=old, to_date=new
    )


def test_days_to_the_expected_close_as_it_stood() -> None:
    # set to 2025-07-31 a month ago, then slipped to 2025-08-15: 75 days ahead of 2025-06-01
    slipped = HISTORY.model_copy(
        update={
            "close_date_history": (
                _close(30, None, date(2025, 7, 31)),
                _close(5, date(2025, 7, 31), date(2025, 8, 15)),
            )
        }
    )
    f = _features(committee(), history=slipped)
    assert f.values["close_slips"] == 1.0
    assert f.values["close_in"] == pytest.approx(math.log1p(75))
    # moved back to 2025-05-27: five days past it, negative
    past = HISTORY.model_copy(
        update={
            "close_date_history": (*slipped.close_date_history, _close(1, None, date(2025, 5, 27)))
        }
    )
    f = _features(committee(), history=past)
    assert f.values["close_in"] == pytest.approx(-math.log1p(5))
    assert f.facts["history"].endswith(", 5 days past the expected close")
    # more than a year ahead counts as a year; cleared: unknown (left out), and said so
    far = HISTORY.model_copy(update={"close_date_history": (_close(1, None, date(2027, 1, 1)),)})
    assert _features(committee(), history=far).values["close_in"] == pytest.approx(math.log1p(365))
    cleared = HISTORY.model_copy(
        update={"close_date_history": (_close(1, date(2025, 7, 31), None),)}
    )
    f = _features(committee(), history=cleared)
    assert "close_in" not in f.values
    assert set(f.values) == set(FEATURES) - {"close_in"}
    assert f.facts["history"].endswith(", no expected close")


def test_an_unknown_feature_counts_at_the_models_mean() -> None:
    model = MODEL.model_copy(
        update={
            "features": (*MODEL.features, "close_in"),
            "coefficients": (*MODEL.coefficients, 0.7),
            "means": (*MODEL.means, 4.0),
            "scales": (*MODEL.scales, 1.5),
        }
    )
    x = {"stage_negotiation": 1.0, "champion_strength": 0.3, "silence": 1.0, "opposition": 0.1}
    assert win_probability(model, x) == pytest.approx(win_probability(MODEL, x))
    assert win_probability(model, {**x, "close_in": 4.0}) == pytest.approx(
        win_probability(MODEL, x)
    )
    assert "history" not in contributions(model, x)
    # overdue by 20 days: 0.7 * (-log(21) - 4) / 1.5 on the logit, all of it the history's
    due = {**x, "close_in": -math.log1p(20)}
    assert contributions(model, due)["history"] < 0
    z = -0.4 + 1.2 + 1.2 + 0.6 + 0.7 * (-math.log1p(20) - 4.0) / 1.5
    assert win_probability(model, due) == pytest.approx(1 / (1 + math.exp(-z)))


def test_one_day_is_singular() -> None:
    b = committee()
    b.engage("ayse", days_ago=1, touchpoints=10, two_way=10, t90=9, deal="D1")
    assert _features(b).facts["silence"] == "1 day since the deal's last touchpoint"


def test_a_champion_who_left_and_an_opponent() -> None:
    b = committee()
    b.role("D1", "can", Role.BLOCKER, stance=-2)
    left = StakeholderChange(
        contact_id="ayse", at=AS_OF - timedelta(days=3), kind=ChangeKind.DEPARTED
    )
    f = _features(b, changes=(left,))
    assert f.values["champion_left"] == 1.0
    assert f.values["champion_strength"] == 0.0  # the only champion is gone
    assert f.values["opposition"] > 0.0
    assert f.evidence["opposition"].contact_ids == ("can",)
    assert f.values["opposition_seniority"] == 2.0  # a manager: 6 - level 4
    assert f.values["churn"] == 1.0
    assert "left: Ayşe Yılmaz" in f.facts["champion"]


def test_an_economic_buyer_against_us_is_not_engaged_and_the_senior_opponent_counts() -> None:
    """Mehmet (CFO, economic buyer, 4 touchpoints) turns against the deal, and Selin
    (VP) and Can (manager) oppose it: no engaged economic buyer; the most senior
    opponent is Mehmet, C-level (6 - 1 = 5)."""
    b = committee()
    b.role("D1", "mehmet", Role.ECONOMIC_BUYER, stance=-1)
    b.role("D1", "selin", Role.DECISION_MAKER, stance=-2)
    b.role("D1", "can", Role.INFLUENCER, stance=-1)
    f = _features(b)
    v = f.values
    assert (v["economic_buyer_touched"], v["economic_buyer_engaged"]) == (1.0, 0.0)
    assert v["opposition_seniority"] == 5.0
    assert f.facts["opposition"].endswith("most senior against: Mehmet Öz")
    assert set(f.evidence["opposition"].contact_ids) == {"mehmet", "selin", "can"}
    b.role("D1", "mehmet", Role.ECONOMIC_BUYER, stance=0)  # neutral again: engaged
    v = _features(b).values
    assert (v["economic_buyer_engaged"], v["opposition_seniority"]) == (1.0, 4.0)  # Selin


def test_no_touchpoint_counts_the_deal_s_age_as_silence() -> None:
    b = committee()
    b.engagement.clear()
    b.deal_touches.clear()
    f = _features(b)
    assert f.values["silence"] == pytest.approx(math.log1p(120))
    assert f.values["members_touched"] == 0.0
    assert f.facts["silence"] == "no touchpoint of the deal on record"


def test_only_the_touchpoints_that_concern_the_deal_count() -> None:
    """Mehmet (the economic buyer) and Ayşe (the champion) met us on another deal only,
    Deniz on this one and Selin on no deal: the deal's features see Deniz, Selin and Can."""
    b = committee().deal("D2", Stage.PROPOSAL)
    b.engage("ayse", days_ago=2, touchpoints=10, two_way=10, t90=9, deal="D2")
    b.engage("mehmet", days_ago=5, touchpoints=4, two_way=4, t90=3, deal="D2")
    b.engage("deniz", days_ago=3, touchpoints=6, two_way=6, t90=5, deal="D1")
    f = _features(b)
    v = f.values
    assert v["economic_buyer_touched"] == v["economic_buyer_engaged"] == 0.0
    assert v["champion_touches"] == 0.0
    # Selin (no deal, 6 days ago), Deniz (D1), Can (no deal, 20 days ago): three members
    assert (v["members_touched"], v["engaged_members"]) == (3.0, 3.0)
    assert v["silence"] == pytest.approx(math.log1p(3))  # Deniz, 3 days ago
    assert f.evidence["silence"].touchpoint_ids == ("tp-deniz",)
    # the account-wide engagement still counts every touchpoint (Ayşe's 10)
    net = build_network(b.build(), as_of=AS_OF)
    assert net.engagement["ayse"].touchpoints == 10
    assert net.deal_engagement("D2")["ayse"].touchpoints == 10


def test_a_deal_s_touches_add_those_of_no_deal() -> None:
    b = committee()
    b.engage("ayse", days_ago=30, touchpoints=3, two_way=3, t90=3, deal="D1")
    b.deal_touches[("", "ayse")] = b.deal_touches[("D1", "ayse")].model_copy(
        update={"deal_id": None, "touchpoints": 2, "touches_90d": 1, "last_touchpoint_id": "tp-0"}
    )
    net = build_network(b.build(), as_of=AS_OF)
    t = net.deal_engagement("D1")["ayse"]
    assert (t.deal_id, t.touchpoints, t.touches_90d) == ("D1", 5, 4)
    assert t.last_touchpoint_id == "tp-ayse"  # the same instant: the greater id
    assert _features(b).values["champion_touches"] == pytest.approx(math.log1p(5))


def test_guards() -> None:
    net = build_network(committee().build(), as_of=AS_OF)
    s = score_contacts(net)
    with pytest.raises(NotFoundError):
        deal_features(net, "D9", scores=s, history=HISTORY)
    b = committee()
    b.deal("D1", Stage.CLOSED_WON)
    closed = build_network(b.build(), as_of=AS_OF)
    with pytest.raises(InvalidError, match="closed"):
        deal_features(closed, "D1", scores=score_contacts(closed), history=HISTORY)


MODEL = WinModel(
    features=("stage_negotiation", "champion_strength", "silence", "opposition"),
    coefficients=(0.8, 1.2, -0.6, -1.0),
    intercept=-0.4,
    means=(0.25, 0.1, 2.0, 0.1),
    scales=(0.5, 0.2, 1.0, 0.3),
)


def test_probability_by_hand() -> None:
    x = {"stage_negotiation": 1.0, "champion_strength": 0.3, "silence": 1.0, "opposition": 0.1}
    # terms: 0.8*(0.75/0.5)=1.2, 1.2*(0.2/0.2)=1.2, -0.6*(-1/1)=0.6, -1.0*0=0
    z = -0.4 + 1.2 + 1.2 + 0.6
    assert win_probability(MODEL, x) == pytest.approx(1 / (1 + math.exp(-z)))
    assert stage_probability(MODEL, x) == pytest.approx(1 / (1 + math.exp(-(-0.4 + 1.2))))


def test_contributions_sum_to_the_difference_and_keep_their_sign() -> None:
    x = {"stage_negotiation": 1.0, "champion_strength": 0.3, "silence": 3.0, "opposition": 0.7}
    parts = contributions(MODEL, x)
    p, p0 = win_probability(MODEL, x), stage_probability(MODEL, x)
    assert sum(parts.values()) == pytest.approx(p - p0)
    assert parts["champion"] > 0  # a strong champion adds
    assert parts["silence"] < 0  # long silence takes away
    assert parts["opposition"] < 0
    # shares of the logit's move: champion 1.2, silence -0.6, opposition -2.0
    assert parts["champion"] / parts["silence"] == pytest.approx(1.2 / -0.6)
    assert set(parts) <= set(GRAPH_FEATURES.values())


def test_a_deal_at_the_means_has_no_contribution() -> None:
    x = {"stage_negotiation": 1.0, "champion_strength": 0.1, "silence": 2.0, "opposition": 0.1}
    assert contributions(MODEL, x) == {}
    assert win_probability(MODEL, x) == pytest.approx(stage_probability(MODEL, x))


def test_a_model_with_a_feature_this_code_does_not_know_is_refused() -> None:
    odd = MODEL.model_copy(update={"features": ("stage_negotiation", "x", "silence", "opposition")})
    with pytest.raises(InvalidError, match="unknown feature 'x'"):
        win_probability(odd, {})


def test_without_influence_ties_an_opponent_is_no_evidence_of_influence() -> None:
    b = committee()
    b.influences.clear()
    b.reports_to.clear()
    b.role("D1", "can", Role.BLOCKER, stance=-2)
    f = _features(b)
    # everyone has the same influence: the opponent ranks at the bottom, not the middle
    assert f.values["opposition"] == 0.0
