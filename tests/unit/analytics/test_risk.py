"""Deal risk as a display of the win model, and the what-if in the same model's terms,
on hand-written models whose probabilities and contributions are worked out by hand."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from graphcrm.analytics import (
    RemoveContact,
    build_network,
    deal_risk,
    deal_signals,
    risk_of,
    score_contacts,
    what_if,
)
from graphcrm.analytics.winprob import (
    DealFeatures,
    contributions,
    deal_features,
    win_probability,
)
from graphcrm.domain import DealId, DealView, Stage, StageChange
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError
from tests.unit.analytics.conftest import AS_OF, GraphBuilder, committee


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# logit = stage_negotiation + 2 × champion_strength - silence (means 0, scales 1)
TWO = WinModel(
    features=("stage_negotiation", "champion_strength", "silence"),
    coefficients=(1.0, 2.0, -1.0),
    intercept=0.0,
    means=(0.0, 0.0, 0.0),
    scales=(1.0, 1.0, 1.0),
)


def features(**values: float) -> DealFeatures:
    return DealFeatures("D1", Stage.NEGOTIATION, dict(values))


def test_risk_by_hand() -> None:
    # z0 = 1 (the stage), z = 1 + 2 × 0.5 - 2 = 0: P = σ(0) = 0.5, P0 = σ(1) = 0.731059.
    # risk 50.00, the stage's 26.89 (26.894142). dz = -1 and P - P0 = -0.231059:
    # champion +1/-1 of it -> +0.231059 of probability, -23.1059 points of risk;
    # silence -2/-1 of it -> -0.462117 of probability, +46.2117 points of risk.
    # In hundredths: -2311 + 4621 = 2310, one short of 5000 - 2689 = 2311; the unit
    # goes to the champion, whose rounding moved it furthest down (-2310.59 -> -2311).
    r = risk_of(TWO, features(stage_negotiation=1, champion_strength=0.5, silence=2), as_of=AS_OF)
    assert r.probability == pytest.approx(0.5)
    assert r.stage_probability == pytest.approx(sigmoid(1))
    assert (r.score, r.baseline) == (50.0, 26.89)
    assert [(f.group, f.points) for f in r.factors] == [("silence", 46.21), ("champion", -23.1)]
    assert round(100 * (r.baseline + sum(f.points for f in r.factors))) == round(100 * r.score)
    assert r.points("silence") == 46.21
    assert r.points("history") == 0
    assert r.deal_id == "D1"
    assert r.as_of == AS_OF
    assert r.signals == ()


def test_points_are_minus_100_times_the_contributions_within_a_hundredth() -> None:
    model = WinModel(
        features=("stage_proposal", "champion_strength", "silence", "opposition", "churn"),
        coefficients=(0.3, 1.7, -0.9, -1.3, -0.4),
        intercept=-0.2,
        means=(0.3, 0.2, 2.5, 0.1, 0.4),
        scales=(0.46, 0.15, 1.1, 0.25, 0.7),
    )
    for x in (
        {"stage_proposal": 1, "champion_strength": 0.37, "silence": 3.3, "opposition": 0.8},
        {"stage_proposal": 0, "champion_strength": 0.01, "silence": 0.7, "churn": 3},
        {"stage_proposal": 1, "champion_strength": 0.9, "silence": 5.9, "churn": 1},
    ):
        values = features(**x).values
        r = risk_of(model, features(**x), as_of=AS_OF)
        exact = contributions(model, values)
        assert r.score == round(100 * (1 - win_probability(model, values)), 2)
        assert {f.group for f in r.factors} == set(exact)
        for f in r.factors:
            assert f.points == pytest.approx(-100 * exact[f.group], abs=0.01)
        assert round(100 * (r.baseline + sum(f.points for f in r.factors))) == round(100 * r.score)
        assert [abs(f.points) for f in r.factors] == sorted(
            (abs(f.points) for f in r.factors), reverse=True
        )


def test_a_deal_at_the_means_is_its_stage_s_risk() -> None:
    # champion and silence at their means: no factor; P = P0 = σ(1)
    r = risk_of(TWO, features(stage_negotiation=1), as_of=AS_OF)
    assert r.factors == ()
    assert r.score == r.baseline == 26.89


def _history(deal_id: str = "D1") -> DealView:
    sg = committee().build()
    deal = next(d for d in sg.deals if d.id == deal_id)
    return DealView(
        deal=deal,
        stage_history=(
            StageChange(
                deal_id=DealId(deal_id),
                at=AS_OF - timedelta(days=30),
                from_stage=None,
                to_stage=Stage.NEGOTIATION,
            ),
        ),
        close_date_history=(),
    )


def test_deal_risk_reads_the_same_features_as_the_win_probability(six: GraphBuilder) -> None:
    net = build_network(six.build(), as_of=AS_OF)
    s = score_contacts(net)
    r = deal_risk(net, "D1", model=TWO, scores=s, history=_history())
    x = deal_features(net, "D1", scores=s, history=_history())
    assert r.score == round(100 * (1 - win_probability(TWO, x.values)), 2)
    assert r == risk_of(TWO, x, as_of=AS_OF, signals=r.signals)
    assert r.signals == deal_signals(net, "D1", scores=s, history=_history())
    # the factors keep the evidence of the win contributions: Ayşe is the champion,
    # and the last touchpoint (2 days ago) is hers
    champion = next(f for f in r.factors if f.group == "champion")
    assert champion.evidence.contact_ids == ("ayse",)
    assert champion.facts.startswith("champion Ayşe Yılmaz, strength")
    assert next(f for f in r.factors if f.group == "silence").evidence.touchpoint_ids == (
        "tp-ayse",
    )


def test_a_closed_deal_has_no_risk(six: GraphBuilder) -> None:
    six.deal("D1", Stage.CLOSED_LOST, "ERP Renewal")
    net = build_network(six.build(), as_of=AS_OF)
    with pytest.raises(InvalidError, match="closed"):
        deal_risk(net, "D1", model=TWO, history=_history())


# logit = stage_negotiation - 2 × champion_left - 0.5 × churn (means 0, scales 1)
LEAVING = WinModel(
    features=("stage_negotiation", "champion_left", "churn"),
    coefficients=(1.0, -2.0, -0.5),
    intercept=0.0,
    means=(0.0, 0.0, 0.0),
    scales=(1.0, 1.0, 1.0),
)


def test_what_if_the_champion_leaves_by_hand(six: GraphBuilder) -> None:
    # before: z = 1, P = σ(1) = 0.731059, risk 26.89 = the stage's, no factor.
    # Ayşe leaves: champion_left 1, churn 1 (the implied departure): z = 1 - 2 - 0.5 = -1.5,
    # P = σ(-1.5) = 0.182426, risk 81.76 (81.7574). P - P0 = -0.548633 over dz = -2.5:
    # champion 0.8 of it (+43.8906 points of risk), churn 0.2 (+10.9727); in hundredths
    # 4389 + 1097 = 5486, one short of 8176 - 2689 = 5487: churn (rounded down furthest)
    # gets it.
    w = what_if(
        six.build(),
        "D1",
        [RemoveContact(contact_id="ayse")],
        model=LEAVING,
        history=_history(),
    )
    assert (w.before.score, w.before.baseline, w.before.factors) == (26.89, 26.89, ())
    assert w.before.probability == pytest.approx(sigmoid(1))
    assert (w.after.score, w.after.baseline) == (81.76, 26.89)
    assert w.after.probability == pytest.approx(sigmoid(-1.5))
    assert [(f.group, f.points) for f in w.after.factors] == [
        ("champion", 43.89),
        ("churn", 10.98),
    ]
    assert w.delta == 54.87
    assert w.probability_delta == pytest.approx(sigmoid(-1.5) - sigmoid(1))
    assert [(d.group, d.before, d.after, d.delta) for d in w.factors] == [
        ("champion", 0, 43.89, 43.89),
        ("churn", 0, 10.98, 10.98),
    ]
    assert w.delta == pytest.approx(sum(d.delta for d in w.factors))
    # the signals say what changed: the champion left, one stakeholder change
    assert {s.code.value for s in w.after.signals} >= {"champion_left", "stakeholder_churn"}
    assert "champion_left" not in {s.code.value for s in w.before.signals}
