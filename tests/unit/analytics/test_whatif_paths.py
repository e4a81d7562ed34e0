"""What-if deltas, warm-introduction paths and single points of failure."""

from __future__ import annotations

import pytest

from graphcrm.analytics import (
    AddInfluence,
    AddRepKnows,
    RemoveContact,
    RemoveInfluence,
    RemoveRepKnows,
    RiskCode,
    build_network,
    single_points_of_failure,
    warm_paths,
    what_if,
)
from graphcrm.domain import ContactId, Influence, InfluenceKind, RepId, RepKnows
from graphcrm.errors import InvalidError, NotFoundError
from tests.unit.analytics.conftest import GraphBuilder

C = RiskCode


def test_champion_leaves(six: GraphBuilder) -> None:
    w = what_if(six.build(), "D1", [RemoveContact(contact_id="ayse")])
    assert w.before.score == 0
    deltas = {d.code: d.delta for d in w.factors}
    assert deltas[C.CHAMPION_LEFT] == 30  # she keeps her role but has left
    assert deltas[C.STAKEHOLDER_CHURN] == 5  # the implied departure
    assert w.delta == pytest.approx(sum(deltas.values())) == 35
    assert w.after.score == pytest.approx(w.delta)


def test_add_and_remove_an_opposing_tie(six: GraphBuilder) -> None:
    tie = Influence(
        influencer_id=ContactId("deniz"),
        influenced_id=ContactId("ayse"),
        kind=InfluenceKind.OPPOSES,
        strength=0.7,
    )
    w = what_if(six.build(), "D1", [AddInfluence(influence=tie)])
    assert [(d.code, d.before, d.after, d.delta) for d in w.factors] == [
        (C.OPPONENT, 0, 20, 20),
        (C.GRIDLOCK, 0, 10, 10),
    ]
    assert w.delta == 30
    with_tie = six.influence("deniz", "ayse", 0.7, InfluenceKind.OPPOSES).build()
    back = what_if(
        with_tie,
        "D1",
        [RemoveInfluence(influencer_id="deniz", influenced_id="ayse", kind=InfluenceKind.OPPOSES)],
    )
    assert back.delta == -30


def test_rep_ties_edits(six: GraphBuilder) -> None:
    # without R1's ties, Selin (health 52.7 -> 34.7) drops out of the covered top 3
    w = what_if(six.build(), "D1", [RemoveRepKnows(rep_id="R1", contact_id="selin")])
    assert {d.code: d.delta for d in w.factors} == {C.DECISION_MAKERS_UNCOVERED: 5}
    again = what_if(
        six.build(),
        "D1",
        [
            RemoveRepKnows(rep_id="R1", contact_id="selin"),
            AddRepKnows(
                tie=RepKnows(rep_id=RepId("R2"), contact_id=ContactId("selin"), strength=0.6)
            ),
        ],
    )
    assert again.delta == 0
    assert again.factors == ()


def test_what_if_guards(six: GraphBuilder) -> None:
    sg = six.build()
    with pytest.raises(InvalidError, match="edit"):
        what_if(sg, "D1", [])
    with pytest.raises(NotFoundError):
        what_if(sg, "D1", [RemoveContact(contact_id="nobody")])
    with pytest.raises(NotFoundError):
        what_if(
            sg,
            "D1",
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
