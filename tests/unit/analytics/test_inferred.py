"""Inferred influence ties, on tiny graphs worked out by hand (docs/scoring.md §1a).

With the defaults, co-attendance gives ``0.5 · (1 − e^(−shared/3)) · 2^(−days/180)``
each way as ``trusts``; a solid line in force, ``advises`` manager → report at 0.3
(dotted 0.15); nothing under 0.05.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from pydantic import ValidationError

from graphcrm.analytics import (
    InferenceParams,
    RemoveInfluence,
    RiskParams,
    SignalCode,
    build_network,
    deal_risk,
    infer_influences,
    what_if,
    with_inferred,
)
from graphcrm.domain import (
    ContactId,
    ContactTie,
    DealView,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    ReportsTo,
    Role,
    StakeholderGraph,
)
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError
from tests.unit.analytics.conftest import AS_OF, GraphBuilder

ADV, TRU = InfluenceKind.ADVISES, InfluenceKind.TRUSTS
PAIR = InferenceParams(scope="pair")
E1 = 1.0 - math.exp(-1.0)  # 0.632121: three shared touchpoints, k = 3


def _met(b: GraphBuilder, a: str, c: str, shared: int, days_ago: float) -> GraphBuilder:
    a, c = min(a, c), max(a, c)
    b.contact_ties.append(
        ContactTie(
            contact_a=ContactId(a),
            contact_b=ContactId(c),
            shared=shared,
            last_at=AS_OF - timedelta(days=days_ago),
        )
    )
    return b


def _ties(sg: StakeholderGraph, **kw: object) -> dict[tuple[str, str, str], float]:
    return {
        (i.influencer_id, i.influenced_id, i.kind.value): i.strength
        for i in infer_influences(sg, **kw)  # type: ignore[arg-type]
    }


def _pair(b: GraphBuilder) -> GraphBuilder:
    return b.contact("a").contact("b")


def test_co_attendance_decays_with_age() -> None:
    fresh = 0.5 * E1  # 0.316060
    for days, expected in ((0, fresh), (180, fresh / 2), (360, fresh / 4)):
        b = _met(_pair(GraphBuilder()), "a", "b", 3, days)
        ties = _ties(b.build())
        assert ties == {
            ("a", "b", "trusts"): pytest.approx(expected),
            ("b", "a", "trusts"): pytest.approx(expected),
        }
    assert fresh / 4 == pytest.approx(0.0790150699)


def test_more_shared_touchpoints_saturate(builder: GraphBuilder) -> None:
    one = _ties(_met(_pair(builder), "a", "b", 1, 0).build())
    assert one[("a", "b", "trusts")] == pytest.approx(0.5 * (1 - math.exp(-1 / 3)))  # 0.141734
    many = _ties(_met(_pair(GraphBuilder()), "a", "b", 30, 0).build())
    assert many[("a", "b", "trusts")] == pytest.approx(0.5 * (1 - math.exp(-10)))  # ~0.5


def test_no_tie_below_the_threshold(builder: GraphBuilder) -> None:
    # one shared touchpoint today: 0.141734
    sg = _met(_pair(builder), "a", "b", 1, 0).build()
    assert _ties(sg, params=InferenceParams(min_strength=0.15)) == {}
    assert len(_ties(sg, params=InferenceParams(min_strength=0.14))) == 2
    # three shared: 0.0790 after two half-lives (kept), 0.0395 after three (dropped)
    assert len(_ties(_met(_pair(GraphBuilder()), "a", "b", 3, 360).build())) == 2
    assert _ties(_met(_pair(GraphBuilder()), "a", "b", 3, 540).build()) == {}
    # a line weaker than the threshold is no tie either
    lined = _pair(GraphBuilder()).reports("b", "a", LineKind.DOTTED).build()
    assert _ties(lined, params=InferenceParams(min_strength=0.2)) == {}


def test_no_tie_from_nothing(builder: GraphBuilder) -> None:
    assert infer_influences(_pair(builder).build()) == ()
    silent = _met(_pair(GraphBuilder()), "a", "b", 0, 0).build()
    assert infer_influences(silent) == ()
    assert with_inferred(silent) is silent
    busy = _met(_pair(GraphBuilder()), "a", "b", 3, 0).reports("b", "a").build()
    assert infer_influences(busy, params=InferenceParams(enabled=False)) == ()


def test_reporting_lines_follow_their_interval(builder: GraphBuilder) -> None:
    start, end = AS_OF - timedelta(days=100), AS_OF + timedelta(days=10)
    builder.contact("boss").contact("me").contact("peer")
    builder.reports_to += [
        ReportsTo(
            contact_id=ContactId("me"), manager_id=ContactId("boss"), valid_from=start, valid_to=end
        ),
        ReportsTo(
            contact_id=ContactId("peer"),
            manager_id=ContactId("boss"),
            kind=LineKind.DOTTED,
            valid_from=start,
        ),
    ]
    sg = builder.build()
    solid, dotted = infer_influences(sg)
    assert (solid.influencer_id, solid.influenced_id, solid.kind) == ("boss", "me", ADV)
    assert solid.strength == pytest.approx(0.3)
    assert (solid.valid_from, solid.valid_to) == (start, end)
    assert solid.source is InfluenceSource.INFERRED
    assert dotted.influenced_id == "peer"
    assert dotted.strength == pytest.approx(0.15)
    # before the lines began nothing; after the solid one ended only the dotted one
    assert infer_influences(sg, as_of=start - timedelta(seconds=1)) == ()
    later = _ties(sg, as_of=end)
    assert later == {("boss", "peer", "advises"): pytest.approx(0.15)}
    # build_network keeps the tie over the same interval
    net = build_network(with_inferred(sg), as_of=AS_OF)
    assert net.support["boss"]["me"]["weight"] == pytest.approx(0.3)


def test_a_read_before_the_co_attendance_sees_no_tie(builder: GraphBuilder) -> None:
    sg = _met(_pair(builder), "a", "b", 3, 0).build()
    assert infer_influences(sg, as_of=AS_OF - timedelta(days=1)) == ()
    assert len(infer_influences(sg, as_of=AS_OF)) == 2
    assert _ties(sg, as_of=AS_OF + timedelta(days=180))[("a", "b", "trusts")] == pytest.approx(
        0.5 * E1 / 2
    )


def test_never_over_a_given_tie_of_the_pair_and_direction(builder: GraphBuilder) -> None:
    _met(_pair(builder), "a", "b", 3, 0).influence("a", "b", 0.9, ADV)
    sg = builder.build()
    # the default scope: the account has influence data, so nothing is inferred
    assert infer_influences(sg) == ()
    assert with_inferred(sg) is sg
    # pair scope: a -> b is taken (by a tie of another kind, too); b -> a is free
    assert _ties(sg, params=PAIR) == {("b", "a", "trusts"): pytest.approx(0.5 * E1)}
    merged = with_inferred(sg, params=PAIR)
    manual = [i for i in merged.influences if i.source is InfluenceSource.MANUAL]
    assert manual == list(sg.influences)
    assert len(merged.influences) == 2
    # a tie no longer in force gives the pair back
    ended = sg.model_copy(
        update={"influences": (sg.influences[0].model_copy(update={"valid_to": AS_OF}),)}
    )
    assert set(_ties(ended)) == {("a", "b", "trusts"), ("b", "a", "trusts")}


def test_account_scope_looks_at_each_account(builder: GraphBuilder) -> None:
    builder.contact("a").contact("b").contact("x", account="ACC-2").contact("y", account="ACC-2")
    _met(builder, "a", "b", 3, 0)
    _met(builder, "x", "y", 3, 0)
    builder.influence("a", "b", 0.9)
    assert set(_ties(builder.build())) == {("x", "y", "trusts"), ("y", "x", "trusts")}


def test_nobody_who_left(builder: GraphBuilder) -> None:
    _met(_pair(builder), "a", "b", 3, 0).reports("b", "a")
    builder.leave("b")
    assert infer_influences(builder.build()) == ()


def test_idempotent_and_sorted(builder: GraphBuilder) -> None:
    builder.contact("c").contact("b").contact("a").reports("c", "a").reports("b", "a")
    _met(builder, "c", "b", 2, 3)
    once = with_inferred(builder.build())
    keys = [(i.influencer_id, i.influenced_id, i.kind.value) for i in once.influences]
    assert keys == sorted(keys)
    assert with_inferred(once) == once
    assert with_inferred(once, params=PAIR) == once


def test_inferred_ties_feed_support_not_reach(builder: GraphBuilder) -> None:
    # a ceiling of 1 and k = 0.1: one shared touchpoint infers ~1.0, above interaction's 0.3
    strong = InferenceParams(co_attendance_strength=1.0, saturation=0.1)
    sg = with_inferred(_met(_pair(builder), "a", "b", 1, 0).build(), params=strong)
    net = build_network(sg)
    assert net.support["a"]["b"]["weight"] == pytest.approx(1 - math.exp(-10))
    assert net.interaction["a"]["b"]["weight"] == pytest.approx(0.3)
    assert net.reach_weights[("a", "b")] == pytest.approx(0.3)  # the interaction, not 1.0
    assert set(net.ties.edges()) == {("a", "b")}


def test_an_account_without_ties_gets_an_influence_ranking(builder: GraphBuilder) -> None:
    # boss leads two reports, who keep meeting each other; PageRank was uniform without
    builder.contact("boss").contact("r1").contact("r2")
    builder.reports("r1", "boss").reports("r2", "boss")
    _met(builder, "r1", "r2", 3, 0)
    net = build_network(with_inferred(builder.build()))
    assert sorted(net.support.edges()) == [
        ("boss", "r1"),
        ("boss", "r2"),
        ("r1", "r2"),
        ("r2", "r1"),
    ]
    before = build_network(builder.build())
    assert before.support.number_of_edges() == 0


def test_what_if_infers_again_after_the_edits(builder: GraphBuilder) -> None:
    # opp manages the other two; the only tie on record is eb advising champ, so
    # nothing is inferred. Removing it leaves the account silent: the lines' ties
    # make opp the most influential, and a hostile one (percentile 1 >= 0.6).
    builder.contact("opp").contact("eb").contact("champ").deal("D1")
    builder.reports("eb", "opp").reports("champ", "opp").influence("eb", "champ", 0.8)
    builder.role("D1", "eb", Role.ECONOMIC_BUYER, stance=1)
    builder.role("D1", "champ", Role.CHAMPION, stance=2)
    builder.role("D1", "opp", Role.EVALUATOR, stance=-2)
    sg = builder.build()
    params = RiskParams(opponent_influence_percentile=0.6)
    edit = RemoveInfluence(influencer_id="eb", influenced_id="champ", kind=ADV)
    # logit = -opposition: after the edit opp's percentile is 1, P = σ(-1)
    model = WinModel(
        features=("opposition",), coefficients=(-1.0,), intercept=0.0, means=(0.0,), scales=(1.0,)
    )
    deal = next(d for d in sg.deals if d.id == "D1")
    history = DealView(deal=deal, stage_history=(), close_date_history=())
    result = what_if(sg, "D1", [edit], model=model, history=history, params=params)
    assert infer_influences(sg) == ()
    kw = {"model": model, "history": history, "params": params}
    assert result.before == deal_risk(build_network(sg), "D1", **kw)  # type: ignore[arg-type]
    edited = with_inferred(sg.model_copy(update={"influences": ()}))
    assert [(i.influencer_id, i.influenced_id) for i in edited.influences] == [
        ("opp", "champ"),
        ("opp", "eb"),
    ]
    assert result.after == deal_risk(build_network(edited), "D1", **kw)  # type: ignore[arg-type]
    assert result.after.probability == pytest.approx(1 / (1 + math.e))
    assert SignalCode.OPPONENT in {s.code for s in result.after.signals}
    assert SignalCode.OPPONENT not in {s.code for s in result.before.signals}


def test_guards(builder: GraphBuilder) -> None:
    sg = _met(_pair(builder), "a", "b", 3, 0).build()
    with pytest.raises(InvalidError, match="as_of"):
        infer_influences(sg.model_copy(update={"as_of": None}))
    with pytest.raises(InvalidError, match="time-zone"):
        infer_influences(sg, as_of=AS_OF.replace(tzinfo=None))
    stray = sg.model_copy(
        update={
            "contact_ties": (
                ContactTie(contact_a="a", contact_b="zz", shared=1, last_at=AS_OF),  # type: ignore[arg-type]
            )
        }
    )
    with pytest.raises(InvalidError, match="unknown contact 'zz'"):
        infer_influences(stray)
    with pytest.raises(ValidationError):
        InferenceParams(min_strength=0.0)
    with pytest.raises(ValidationError):
        InferenceParams(scope="everything")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        InferenceParams(half_life_days=0)
