"""Directions and strengths of the typed graphs, on small hand-made graphs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graphcrm.analytics import GraphParams, build_network
from graphcrm.domain import ContactId, Influence, InfluenceKind, LineKind, Seniority
from graphcrm.errors import InvalidError
from tests.unit.analytics.conftest import GraphBuilder


def small(b: GraphBuilder) -> GraphBuilder:
    b.contact("boss", seniority=Seniority.VP).contact("ann").contact("bob").contact("gone")
    b.reports("ann", "boss").reports("bob", "boss").reports("bob", "ann", LineKind.DOTTED)
    # ann advises (0.5) and is trusted by (0.5) bob: noisy-or 1 - 0.5 * 0.5 = 0.75
    b.influence("ann", "bob", 0.5).influence("ann", "bob", 0.5, InfluenceKind.TRUSTS)
    b.influence("bob", "ann", 0.4, InfluenceKind.OPPOSES)
    b.influence("gone", "boss", 0.9).leave("gone")
    b.rep("R").know("R", "ann", 0.2).rep_tie("R", "ann", 2)  # touch: 1 - 0.7^2 = 0.51
    b.tie("ann", "bob", 1)  # 1 - 0.7 = 0.3
    return b


def test_every_edge_keeps_its_stored_direction(builder: GraphBuilder) -> None:
    net = build_network(small(builder).build())
    g = net.graph
    assert g.has_edge("ann", "boss", key="reports_to")  # report -> manager
    assert not g.has_edge("boss", "ann", key="reports_to")
    assert g.has_edge("ann", "bob", key="advises")  # influencer -> influenced
    assert g.has_edge("ann", "bob", key="trusts")
    assert g.edges["bob", "ann", "opposes"]["sign"] == -1
    assert g.has_edge("R", "ann", key="knows")
    assert g.has_edge("R", "ann", key="touches")
    assert g.has_edge("ann", "bob", key="interacts")
    assert g.has_edge("bob", "ann", key="interacts")
    assert g.nodes["R"]["kind"] == "rep"
    assert g.nodes["ann"]["kind"] == "contact"
    assert g.nodes["gone"]["active"] is False


def test_views_direction_and_weights(builder: GraphBuilder) -> None:
    net = build_network(small(builder).build())
    # authority flows down: manager -> report; the solid line wins over a dotted one
    assert sorted(net.authority.edges(data="line")) == [
        ("ann", "bob", "dotted"),
        ("boss", "ann", "solid"),
        ("boss", "bob", "solid"),
    ]
    assert list(net.support.edges(data="weight")) == [("ann", "bob", pytest.approx(0.75))]
    # opposition is kept apart, negative, never folded into support
    assert list(net.opposition.edges(data="weight")) == [("bob", "ann", -0.4)]
    assert not net.support.has_edge("bob", "ann")
    assert net.interaction["ann"]["bob"]["weight"] == pytest.approx(0.3)
    assert net.rep_ties["R"]["ann"]["weight"] == pytest.approx(0.51)  # max(0.2, 0.51)
    # reach: support one way, lines and ties both ways, strongest relation wins
    assert net.reach["ann"]["bob"]["weight"] == pytest.approx(0.75)
    assert net.reach["bob"]["ann"]["weight"] == pytest.approx(0.3)  # dotted 0.3 = tie 0.3
    assert net.reach["boss"]["ann"]["weight"] == pytest.approx(0.6)
    assert net.reach["ann"]["R"]["weight"] == pytest.approx(0.51)


def test_departed_contacts_leave_the_views(builder: GraphBuilder) -> None:
    net = build_network(small(builder).build())
    assert "gone" not in net.support
    assert "gone" in net.graph
    assert "gone" not in net.active
    kept = build_network(small(GraphBuilder()).build(), params=GraphParams(include_departed=True))
    assert kept.support.has_edge("gone", "boss")


def test_facts_not_in_force_are_dropped(builder: GraphBuilder) -> None:
    sg = small(builder).build()
    old = Influence(
        influencer_id=ContactId("boss"),
        influenced_id=ContactId("bob"),
        kind=InfluenceKind.ADVISES,
        strength=1.0,
        valid_from=builder.as_of - timedelta(days=90),
        valid_to=builder.as_of - timedelta(days=30),
    )
    sg = sg.model_copy(update={"influences": (*sg.influences, old)})
    assert not build_network(sg).support.has_edge("boss", "bob")
    assert build_network(sg, as_of=builder.as_of - timedelta(days=60)).support.has_edge(
        "boss", "bob"
    )


def test_views_are_frozen(builder: GraphBuilder) -> None:
    net = build_network(small(builder).build())
    with pytest.raises(Exception, match="Frozen"):
        net.support.add_edge("x", "y")


def test_guards(builder: GraphBuilder) -> None:
    sg = small(builder).build()
    with pytest.raises(InvalidError, match="as_of"):
        build_network(sg.model_copy(update={"as_of": None}))
    bad = sg.model_copy(
        update={
            "influences": (
                *sg.influences,
                Influence(
                    influencer_id=ContactId("ann"),
                    influenced_id=ContactId("nobody"),
                    kind=InfluenceKind.ADVISES,
                    strength=1,
                ),
            )
        }
    )
    with pytest.raises(InvalidError, match="unknown contact 'nobody'"):
        build_network(bad)
    clash = GraphBuilder().contact("X").rep("X").build()
    with pytest.raises(InvalidError, match="also a contact id"):
        build_network(clash)
    with pytest.raises(ValueError, match="opposes"):
        GraphParams(kind_weight={InfluenceKind.OPPOSES: 1.0})
