"""What-if deltas, warm-introduction paths and single points of failure."""

from __future__ import annotations

import math

import pytest

from graphcrm.analytics import (
    AddInfluence,
    AddRepKnows,
    Edit,
    RemoveContact,
    RemoveInfluence,
    RemoveRepKnows,
    SignalCode,
    WhatIf,
    build_network,
    percentiles,
    score_contacts,
    single_points_of_failure,
    warm_paths,
    what_if,
)
from graphcrm.domain import (
    ContactId,
    DealView,
    Influence,
    InfluenceKind,
    RepId,
    RepKnows,
    Role,
    StakeholderGraph,
)
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError, NotFoundError
from tests.unit.analytics.conftest import AS_OF, GraphBuilder, committee

C = SignalCode


def _history() -> DealView:
    deal = next(d for d in committee().build().deals if d.id == "D1")
    return DealView(deal=deal, stage_history=(), close_date_history=())


# logit = stage_negotiation + champion_strength + economic_buyer_engagement - opposition
MODEL = WinModel(
    features=(
        "stage_negotiation",
        "champion_strength",
        "economic_buyer_engagement",
        "opposition",
    ),
    coefficients=(1.0, 1.0, 1.0, -1.0),
    intercept=0.0,
    means=(0.0, 0.0, 0.0, 0.0),
    scales=(1.0, 1.0, 1.0, 1.0),
)


def _what_if(sg: StakeholderGraph, edits: list[Edit]) -> WhatIf:
    return what_if(sg, "D1", edits, model=MODEL, history=_history())


def test_an_opposing_tie_is_a_signal_not_points(six: GraphBuilder) -> None:
    # Deniz (off the committee) opposes Ayşe: the opponent and gridlock rules see it, but
    # no feature of the model moves (opposition counts hostile members), so neither
    # does the risk: signals explain, they add nothing
    tie = Influence(
        influencer_id=ContactId("deniz"),
        influenced_id=ContactId("ayse"),
        kind=InfluenceKind.OPPOSES,
        strength=0.7,
    )
    w = _what_if(six.build(), [AddInfluence(influence=tie)])
    assert (w.delta, w.probability_delta, w.factors) == (0, 0, ())
    assert w.after.score == w.before.score
    new = {s.code for s in w.after.signals} - {s.code for s in w.before.signals}
    assert new == {C.OPPONENT, C.GRIDLOCK}
    with_tie = six.influence("deniz", "ayse", 0.7, InfluenceKind.OPPOSES).build()
    back = _what_if(
        with_tie,
        [RemoveInfluence(influencer_id="deniz", influenced_id="ayse", kind=InfluenceKind.OPPOSES)],
    )
    assert {s.code for s in back.before.signals} - {s.code for s in back.after.signals} == new


def test_a_hostile_member_moves_the_model(six: GraphBuilder) -> None:
    # logit = stage_negotiation - opposition. Can turns blocker (stance -2): opposition
    # is his influence percentile p, so P = σ(1 - p); he leaves: no hostile member is
    # left, P = σ(1), and the risk falls by exactly the opposition's points
    six.role("D1", "can", Role.BLOCKER, stance=-2)
    sg = six.build()
    net = build_network(sg, as_of=AS_OF)
    pct = percentiles(score_contacts(net).influence, ties="min")["can"]
    assert pct > 0
    model = WinModel(
        features=("stage_negotiation", "opposition"),
        coefficients=(1.0, -1.0),
        intercept=0.0,
        means=(0.0, 0.0),
        scales=(1.0, 1.0),
    )
    w = what_if(sg, "D1", [RemoveContact(contact_id="can")], model=model, history=_history())
    assert w.before.probability == pytest.approx(1 / (1 + math.exp(-(1 - pct))))
    assert w.after.probability == pytest.approx(1 / (1 + math.exp(-1)))
    assert w.before.points("opposition") == pytest.approx(
        100 * (w.after.probability - w.before.probability), abs=0.01
    )
    assert [(d.group, d.after) for d in w.factors] == [("opposition", 0)]
    assert w.delta == w.factors[0].delta == round(w.after.score - w.before.score, 2) < 0


def test_rep_ties_edits_are_signals(six: GraphBuilder) -> None:
    # without R1's ties, Selin (health 52.7 -> 34.7) drops out of the covered top 3: a
    # signal; the model's features (touchpoints, stances, influence) do not move
    w = _what_if(six.build(), [RemoveRepKnows(rep_id="R1", contact_id="selin")])
    assert (w.delta, w.factors) == (0, ())
    gone = {s.code for s in w.after.signals} - {s.code for s in w.before.signals}
    assert gone == {C.DECISION_MAKERS_UNCOVERED}
    again = _what_if(
        six.build(),
        [
            RemoveRepKnows(rep_id="R1", contact_id="selin"),
            AddRepKnows(
                tie=RepKnows(rep_id=RepId("R2"), contact_id=ContactId("selin"), strength=0.6)
            ),
        ],
    )
    assert again.delta == 0
    assert again.factors == ()
    assert again.after.signals == again.before.signals


def test_what_if_guards(six: GraphBuilder) -> None:
    sg = six.build()
    with pytest.raises(InvalidError, match="edit"):
        _what_if(sg, [])
    with pytest.raises(NotFoundError):
        _what_if(sg, [RemoveContact(contact_id="nobody")])
    with pytest.raises(NotFoundError):
        _what_if(
            sg,
            [
                RemoveInfluence(
                    influencer_id="ayse", influenced_id="can", kind=InfluenceKind.ADVISES
                )
            ],
        )


def paths_graph(b: GraphBuilder) -> GraphBuilder:
    for c in ("a", "b", "t", "x", "lone"):
        b.contact(c)
    b.rep("R").rep("R2")
    b.know("R", "a", 0.9).know("R", "b", 0.6).know("R2", "x", 1.0).know("R2", "t", 1.0)
    b.influence("a", "t", 0.5).influence("b", "t", 0.6).influence("a", "b", 0.8)
    return b


def test_warm_paths_by_hand(builder: GraphBuilder) -> None:
    net = build_network(paths_graph(builder).build())
    # from R (R2 excluded): R-a-t 0.9*0.5 = 0.45; R-a-b-t 0.9*0.8*0.6 = 0.432; R-b-t 0.36
    got = warm_paths(net.reach, "t", sources=["R"], k=5)
    assert [(p.nodes, round(p.strength, 6)) for p in got] == [
        (("R", "a", "t"), 0.45),
        (("R", "a", "b", "t"), 0.432),
        (("R", "b", "t"), 0.36),
    ]
    assert got[1].strengths == pytest.approx((0.9, 0.8, 0.6))
    # from every rep: R2 knows t directly (1.0) and comes first
    assert warm_paths(net.reach, "t", k=1)[0].nodes == ("R2", "t")
    # from the champion a: a-t 0.5, a-b-t 0.48
    assert [round(p.strength, 6) for p in warm_paths(net.reach, "t", sources=["a"])] == [0.5, 0.48]


def test_paths_never_pass_through_a_rep(builder: GraphBuilder) -> None:
    net = build_network(paths_graph(builder).build())
    # x knows R2 who knows t, but x -> R2 -> t would go through our rep
    assert warm_paths(net.reach, "t", sources=["x"]) == []
    assert warm_paths(net.reach, "lone") == []
    assert warm_paths(net.reach, "a", sources=["a"])[0].strength == 1.0


def test_warm_path_guards(builder: GraphBuilder) -> None:
    net = build_network(paths_graph(builder).build())
    with pytest.raises(InvalidError, match="k"):
        warm_paths(net.reach, "t", k=0)
    with pytest.raises(InvalidError, match="k"):
        warm_paths(net.reach, "t", k=11)
    with pytest.raises(NotFoundError):
        warm_paths(net.reach, "nobody")


def test_single_points_of_failure(builder: GraphBuilder) -> None:
    for c in ("a", "b", "t1", "t2", "c", "z"):
        builder.contact(c)
    builder.rep("R").know("R", "a", 0.5)
    builder.influence("a", "b").influence("b", "t1").influence("b", "t2")
    builder.influence("t1", "t2").influence("c", "t1")
    net = build_network(builder.build())
    spof = single_points_of_failure(net.reach, ["t1", "t2", "z"])
    assert spof.cut_vertices == {"a": ("t1", "t2"), "b": ("t1", "t2")}
    assert spof.bridges == {("R", "a"): ("t1", "t2"), ("a", "b"): ("t1", "t2")}
    assert spof.unreachable == ("z",)
    # a second rep who knows t1 removes every single point of failure
    builder.rep("R9").know("R9", "t1", 0.5).know("R9", "a", 0.5)
    spof = single_points_of_failure(build_network(builder.build()).reach, ["t1", "t2"])
    assert spof.cut_vertices == {}
    assert spof.bridges == {}


def test_committee_has_no_single_point_of_failure(six: GraphBuilder) -> None:
    net = build_network(six.build())
    spof = single_points_of_failure(net.reach, ["mehmet", "selin", "deniz"])
    assert spof.cut_vertices == {}
    assert spof.unreachable == ()
