"""Engagement, health, decision-maker score, champion strength, hidden influencers.

``test_worked_example`` pins every number quoted in docs/scoring.md.
"""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
import pytest

from graphcrm.analytics import (
    AccountHealth,
    EngagementParams,
    HealthBand,
    Trend,
    account_band_of,
    account_health,
    band_of,
    build_network,
    champion_strength,
    decision_maker_score,
    engagement_parts,
    engagement_scores,
    health_scores,
    hidden_influencers,
    percentiles,
    rollup_account_health,
    score_contacts,
    trend_of,
    with_inferred,
)
from graphcrm.domain import Account, AccountId, ContactEngagement, Role, Seniority, Stage
from graphcrm.errors import InvalidError
from tests.unit.analytics.conftest import AS_OF, GraphBuilder


def agg(b: GraphBuilder, cid: str) -> ContactEngagement:
    return b.engagement[cid]


def test_engagement_by_hand(builder: GraphBuilder) -> None:
    builder.contact("c").engage(
        "c",
        days_ago=15,
        touchpoints=10,
        two_way=4,
        inbound=2,
        outbound=4,
        sentiment=-0.2,
        t30=2,
        t90=6,
    )
    e = agg(builder, "c")
    parts = engagement_parts(e, as_of=AS_OF)
    assert parts.recency == pytest.approx(2**-0.5)  # 0.5 ** (15 / 30)
    # answered 4 + 0.5 * 2 = 5 of 10 touchpoints; the contact took part in 6
    assert parts.frequency == pytest.approx(0.25)  # 5/10 * (2 + 0.5 * 4) / 8
    assert parts.reciprocity == pytest.approx(5 / 6)
    assert parts.sentiment == pytest.approx(0.4)  # (-0.2 + 1) / 2
    # quality 0.4 * 0.25 + 0.3 * 5/6 + 0.3 * 0.4 = 0.47
    assert parts.engagement == pytest.approx(0.47 * 2**-0.5)
    # a half-life later, engagement halves
    later = engagement_scores({"c": e}, as_of=AS_OF + timedelta(days=30))
    assert later["c"] == pytest.approx(parts.engagement / 2)
    # half-life 15: recency 0.5, prior-60-day touches weigh 0.25 -> 5/10 * (2 + 1) / 8
    short = engagement_parts(e, as_of=AS_OF, params=EngagementParams(half_life_days=15))
    assert (short.recency, short.frequency) == pytest.approx((0.5, 3 / 16))


def test_engagement_edges(builder: GraphBuilder) -> None:
    builder.contact("c").engage(
        "c", days_ago=-1, touchpoints=30, two_way=30, t30=20, t90=25, sentiment=1.0
    )
    e = agg(builder, "c")
    assert engagement_scores({"c": e}, as_of=AS_OF)["c"] == pytest.approx(1.0)  # all capped
    assert engagement_scores({}, as_of=AS_OF, nodes=["x"]) == {"x": 0.0}
    with pytest.raises(InvalidError, match="touches_90d"):
        engagement_parts(e.model_copy(update={"touches_30d": 26}), as_of=AS_OF)
    with pytest.raises(InvalidError, match="aware"):
        engagement_scores({"c": e}, as_of=AS_OF.replace(tzinfo=None))
    with pytest.raises(ValueError, match="sum to 1"):
        EngagementParams(frequency_weight=0.5)


def _health(b: GraphBuilder, cid: str) -> float:
    return score_contacts(build_network(b.build())).health[cid].score


def test_unanswered_outbound_adds_no_health(builder: GraphBuilder) -> None:
    # One outbound email today that nobody answered. It used to give engagement
    # 1 * (0.4 * 1/8 + 0 + 0.3 * 0.5) = 0.2 (14 points) and a rep tie 0.3 (9 points):
    # 23 points for our own sending.
    builder.contact("c").rep("R1")
    assert _health(builder, "c") == 0.0
    builder.engage("c", days_ago=0, touchpoints=1, outbound=1, t30=1, t90=1)
    builder.rep_tie("R1", "c", shared=1)
    assert _health(builder, "c") == 0.0
    # five of them: still nothing
    builder.engage("c", days_ago=0, touchpoints=5, outbound=5, t30=5, t90=5, sentiment=0.5)
    builder.rep_tie("R1", "c", shared=5)
    assert _health(builder, "c") == 0.0


def test_unanswered_outbound_keeps_a_poor_contact_poor(builder: GraphBuilder) -> None:
    # A rep knew her well (0.9: 27 points, Poor). Three unanswered emails this week
    # used to add 0.3 * (0.4 * 3/8 + 0.3 * 0.5) = 0.09 -> 21 points: Fair (48).
    builder.contact("c").rep("R1").know("R1", "c", 0.9)
    assert _health(builder, "c") == pytest.approx(27.0)
    builder.engage("c", days_ago=2, touchpoints=3, outbound=3, t30=3, t90=3)
    builder.rep_tie("R1", "c", shared=3)
    assert _health(builder, "c") == pytest.approx(27.0)
    assert score_contacts(build_network(builder.build())).health["c"].band is HealthBand.POOR


def test_answered_touches_drive_health(builder: GraphBuilder) -> None:
    # one two-way call today: engagement 0.4 * 1/8 + 0.3 * 1 + 0.3 * 0.5 = 0.5, rep tie
    # 1 - 0.7 = 0.3: health 100 * (0.7 * 0.5 + 0.3 * 0.3) = 44 (Fair)
    builder.contact("c").rep("R1")
    builder.engage("c", days_ago=0, touchpoints=1, two_way=1, t30=1, t90=1)
    builder.rep_tie("R1", "c", shared=1)
    assert _health(builder, "c") == pytest.approx(44.0)
    # an inbound email counts half a two-way touch, and is a message, not a conversation:
    # 0.4 * 0.5/8 + 0.3 * 0.5 + 0.3 * 0.5 = 0.325; the rep tie counts (the contact wrote)
    builder.engage("c", days_ago=0, touchpoints=1, inbound=1, t30=1, t90=1)
    assert _health(builder, "c") == pytest.approx(100 * (0.7 * 0.325 + 0.09))
    # the call and an unanswered email after it: the email neither adds nor takes away
    # (frequency 1/2 * 2/8, reciprocity 1/1; the tie counts 2 shared touchpoints * 1/2)
    builder.engage("c", days_ago=0, touchpoints=2, two_way=1, outbound=1, t30=2, t90=2)
    builder.rep_ties = []
    builder.rep_tie("R1", "c", shared=2)
    assert _health(builder, "c") == pytest.approx(44.0)


def test_bands_and_trend(builder: GraphBuilder) -> None:
    assert [band_of(x) for x in (100, 60, 59.99, 40, 39.99, 0)] == [
        HealthBand.GOOD,
        HealthBand.GOOD,
        HealthBand.FAIR,
        HealthBand.FAIR,
        HealthBand.POOR,
        HealthBand.POOR,
    ]


def _trend(now: GraphBuilder, before: GraphBuilder, cid: str = "c") -> Trend | None:
    """The contact's trend: health now against health from the reading ``trend_days``
    earlier (both computed as of their own dates, from their own aggregates)."""
    earlier = health_scores(build_network(before.build()))
    return score_contacts(build_network(now.build()), before=earlier).health[cid].trend


def test_trend_is_the_change_in_health() -> None:
    # Ten two-way touchpoints (sentiment 0.5), then silence; a rep shared all ten.
    # Quality 0.3 + 0.3 * 0.75 = 0.525; tie 1 - 0.7^10 = 0.971752 (29.15 points).
    def silent(days: float, at: timedelta = timedelta(0)) -> GraphBuilder:
        b = GraphBuilder(as_of=AS_OF - at).contact("c").rep("R1").rep_tie("R1", "c", 10)
        return b.engage("c", days_ago=days, touchpoints=10, two_way=10, sentiment=0.5)

    # Silent for 120 days: 30 days earlier it had been silent 90. Engagement
    # 0.5^3 * 0.525 -> 0.5^4 * 0.525: health 33.75 -> 31.45, down 2.30 points.
    # The activity rates (no touch in 30 days, none in the 60 before) called it steady.
    month = timedelta(days=30)
    now, before = silent(120), silent(90, month)
    h = score_contacts(build_network(now.build())).health["c"].score
    assert h == pytest.approx(70 * 0.5**4 * 0.525 + 30 * (1 - 0.7**10))
    assert health_scores(build_network(before.build()))["c"] == pytest.approx(
        70 * 0.5**3 * 0.525 + 30 * (1 - 0.7**10)
    )
    assert _trend(now, before) is Trend.DECLINING
    # Silent for 45 days: down 13.0 points (0.5^0.5 -> 0.5^1.5 of 36.75)
    assert _trend(silent(45), silent(15, month)) is Trend.DECLINING
    # Silent for 240 days: health sits on the rep tie; the month moved it 0.14 points
    assert _trend(silent(240), silent(210, month)) is Trend.STEADY
    # Two answered touches this month after two months' silence: 24.05 -> 62.9
    back = GraphBuilder(as_of=AS_OF - month).contact("c").rep("R1").rep_tie("R1", "c", 2)
    back.engage("c", days_ago=60, touchpoints=2, two_way=2, t90=2)
    again = GraphBuilder().contact("c").rep("R1").rep_tie("R1", "c", 4)
    again.engage("c", days_ago=2, touchpoints=4, two_way=4, t30=2, t90=4)
    assert _trend(again, back) is Trend.IMPROVING
    # no earlier reading, or a contact who was not there: no trend
    assert score_contacts(build_network(now.build())).health["c"].trend is None
    newcomer = silent(120).contact("d")
    assert _trend(newcomer, before, "d") is None
    # the tolerance: a move of at most trend_points (1) is steady
    assert trend_of(50.0, 49.0) is Trend.STEADY
    assert trend_of(50.0, 48.9) is Trend.IMPROVING
    assert trend_of(48.9, 50.0) is Trend.DECLINING
    assert trend_of(50.0, None) is None


def test_worked_example(six: GraphBuilder) -> None:
    """The numbers of docs/scoring.md, section "Worked example"."""
    net = build_network(six.build())
    s = score_contacts(net)
    # influence: networkx.pagerank on the reversed support graph
    ref = nx.pagerank(net.support.reverse(), weight="weight", tol=1e-12)
    assert s.influence == pytest.approx(ref, abs=1e-9)
    assert {c: round(v, 4) for c, v in s.influence.items()} == {
        "ayse": 0.1509,
        "can": 0.1206,
        "deniz": 0.2906,
        "emre": 0.1966,
        "mehmet": 0.0940,
        "selin": 0.1473,
    }
    assert s.influence_norm["deniz"] == 1.0
    # authority: 0.5 / (1 + depth) + 0.5 * span / 5
    assert s.authority == pytest.approx(
        {
            "mehmet": 0.5 + 0.5,
            "selin": 0.25 + 0.5 * 2 / 5,
            "can": 0.25 + 0.5 / 5,
            "ayse": 0.5 / 3 + 0.5 / 5,
            "deniz": 0.125,
            "emre": 0.5 / 3,
        }
    )
    # Ayşe answered 8 + 0.5 * 2 = 9 of her 10 touchpoints and took part in all 10:
    # recency 0.5^(2/30) = 0.954842, quality 0.4 * 9/10 * 6.5/8 + 0.3 * 9/10 + 0.3 * 0.8
    # = 0.8025
    assert s.engagement["ayse"] == pytest.approx(0.5 ** (2 / 30) * 0.8025)
    # health 100 * (0.7 * 0.766261 + 0.3 * 0.9) = 80.64 -> Good
    assert s.health["ayse"].score == pytest.approx(100 * (0.7 * 0.5 ** (2 / 30) * 0.8025 + 0.27))
    assert round(s.health["ayse"].score, 2) == 80.64
    assert s.health["ayse"].band is HealthBand.GOOD
    # Mehmet answered 3 of 4 (one email of ours went unanswered) and took part in 3, all
    # two-way: 0.5^(5/30) * (0.4 * 3/4 * 2.5/8 + 0.3 * 1 + 0.3 * 0.6) = 0.890899 * 0.57375
    assert s.engagement["mehmet"] == pytest.approx(0.5 ** (5 / 30) * 0.57375)
    assert s.health["mehmet"].score == pytest.approx(100 * (0.7 * 0.5 ** (1 / 6) * 0.57375 + 0.21))
    assert s.health["mehmet"].band is HealthBand.FAIR
    # Deniz: 0.5^(3/30) * (0.4 * 5.5/6 * 4/8 + 0.3 * 5.5/6 + 0.3 * 0.75), tie 0.5: 59.63
    assert s.health["deniz"].score == pytest.approx(
        100 * (0.7 * 0.5**0.1 * (0.4 * 5.5 / 12 + 0.3 * 5.5 / 6 + 0.225) + 0.15)
    )
    assert s.health["deniz"].band is HealthBand.FAIR
    # Can: 2 outbound touches, never answered: engagement 0; his tie is Zeynep's RepKnows
    # (0.4), which no touchpoint made: 100 * 0.3 * 0.4 = 12 -> Poor
    assert s.engagement["can"] == 0.0
    assert s.health["can"].score == pytest.approx(12.0)
    assert s.health["can"].band is HealthBand.POOR
    assert s.health["emre"].score == 0.0
    # decision-maker score on D1: Mehmet 0.4 * 1 + 0.35 * 1 + 0.25 * 0.3235
    dm = decision_maker_score(
        net, authority=dict(s.authority), influence_norm=dict(s.influence_norm), deal_id="D1"
    )
    assert dm["mehmet"] == pytest.approx(0.75 + 0.25 * s.influence_norm["mehmet"])
    assert dm["selin"] == pytest.approx(0.4 + 0.35 * 0.45 + 0.25 * s.influence_norm["selin"])
    assert sorted(dm, key=lambda c: -dm[c])[:3] == ["mehmet", "selin", "deniz"]
    assert dm == pytest.approx(s.decision_maker)  # one open deal: the same roles
    # champion strength: Ayşe stance +2, PageRank 0.1509 = 0.9055 of the mean (1/6):
    # 1 * 0.9055 * 0.7663; Deniz (+1) is above the mean: 0.5 * 1 * 0.6376
    ch = champion_strength(
        net, "D1", influence_norm=dict(s.influence_norm), engagement=dict(s.engagement)
    )
    assert ch["ayse"] == pytest.approx(6 * s.influence["ayse"] * s.engagement["ayse"])
    assert round(ch["ayse"], 4) == 0.6938
    assert ch["deniz"] == pytest.approx(0.5 * s.engagement["deniz"])
    assert ch["can"] == 0.0  # stance 0
    # account health: all six sit on D1's committee; coverage = the PageRank-weighted
    # health of the six (PageRank sums to 1): 0.1509 * 0.8064 + ... + 0.1966 * 0 = 0.4412
    h = account_health(
        net, "ACC-1", influence=s.influence, health=s.health, decision_maker=s.decision_maker
    )
    cov = sum(s.influence[c] * s.health[c].score / 100 for c in s.influence)
    assert h.coverage == pytest.approx(cov)
    assert round(h.coverage, 4) == 0.4412
    assert h.threads == ("ayse", "deniz", "mehmet", "selin")
    assert h.executive_access
    assert [(t.rep_id, t.contact_id) for t in h.executive_ties] == [
        ("R1", "mehmet"),
        ("R1", "selin"),
    ]
    assert h.score == pytest.approx(100 * (0.5 * cov + 0.25 * 1 + 0.25 * 1))
    assert round(h.score, 2) == 72.06
    assert h.band is HealthBand.FAIR  # 40 <= 72.06 < 75: Emre, Can nobody answers
    # hidden influencers: Deniz (influence pct 1, formal pct 0), Emre (0.8 vs 0.2)
    hidden = hidden_influencers(s.influence, s.authority)
    assert [(x.contact_id, round(x.gap, 6)) for x in hidden] == [("deniz", 1.0), ("emre", 0.6)]


def _org(b: GraphBuilder) -> GraphBuilder:
    """A CFO (the economic buyer on D1) with three VPs and, under the first VP, a
    champion and a technical buyer on D1; eight analysts report to the other VPs."""
    S, R = Seniority, Role
    b.contact("cfo", seniority=S.C_LEVEL)
    for vp in ("vp1", "vp2", "vp3"):
        b.contact(vp, seniority=S.VP).reports(vp, "cfo")
    b.contact("ch", seniority=S.DIRECTOR).reports("ch", "vp1")
    b.contact("tb", seniority=S.MANAGER).reports("tb", "vp1")
    for i in range(8):
        b.contact(f"an{i}").reports(f"an{i}", "vp2" if i % 2 else "vp3")
    b.deal("D1").role("D1", "cfo", R.ECONOMIC_BUYER, stance=1)
    b.role("D1", "ch", R.CHAMPION, stance=2).role("D1", "tb", R.TECHNICAL_BUYER, stance=1)
    return b.rep("R1")


def _healthy(b: GraphBuilder, *cids: str) -> GraphBuilder:
    for c in cids:
        b.know("R1", c, 0.9)
        b.engage(c, days_ago=1, touchpoints=10, two_way=10, sentiment=0.6, t30=6, t90=10)
    return b


def _account(b: GraphBuilder) -> AccountHealth:
    net = build_network(with_inferred(b.build(), as_of=AS_OF))
    s = score_contacts(net)
    return account_health(
        net, "ACC-1", influence=s.influence, health=s.health, decision_maker=s.decision_maker
    )


def test_account_health_covers_the_buying_committee(builder: GraphBuilder) -> None:
    # Each healthy contact: engagement 0.5^(1/30) * (0.4 * 1 + 0.3 + 0.3 * 0.8) = 0.918...,
    # health h = 70 * 0.918 + 27 = 91.3 (Good).
    eng = 0.5 ** (1 / 30) * 0.94
    h = 100 * (0.7 * eng + 0.3 * 0.9)
    # The committee (CFO, champion, technical buyer) is engaged; nobody else is. Coverage
    # is the influence-weighted health of the committee, h / 100 (all three alike); it
    # was the share of the whole account's PageRank held by healthy contacts.
    engaged = _account(_healthy(_org(builder), "cfo", "ch", "tb"))
    assert engaged.coverage == pytest.approx(h / 100)
    assert engaged.multithreading == 3  # the three, each a top decision maker or tied to one
    assert engaged.executive_access
    assert engaged.score == pytest.approx(50 * h / 100 + 25 + 25)
    assert engaged.band is HealthBand.GOOD  # 45.7 + 50 = 95.7 >= 75
    # The VPs are engaged, the committee is not: three threads and executive access, but
    # coverage 0. The account used to be Good (coverage = the VPs' share of PageRank);
    # a committee nobody talks to is not Good.
    bypassed = _account(_healthy(_org(GraphBuilder()), "vp1", "vp2", "vp3"))
    assert bypassed.coverage == 0.0
    assert (bypassed.multithreading, bypassed.executive_access) == (3, True)
    assert bypassed.score == pytest.approx(50.0)
    assert bypassed.band is HealthBand.FAIR  # 40 <= 50 < 75
    # Without an open deal, coverage runs over every active contact, as before
    no_deal = _healthy(_org(GraphBuilder()), "vp1", "vp2", "vp3")
    no_deal.deals["D1"] = no_deal.deals["D1"].model_copy(update={"stage": Stage.CLOSED_WON})
    assert _account(no_deal).coverage > 0.0


def test_account_bands_have_their_own_thresholds() -> None:
    # Good from 75, Fair from 40 (docs/scoring.md §3, chosen on seed 101's back-test)
    assert [account_band_of(x) for x in (75.0, 74.9, 40.0, 39.9)] == [
        HealthBand.GOOD,
        HealthBand.FAIR,
        HealthBand.FAIR,
        HealthBand.POOR,
    ]
    assert band_of(60.0) is HealthBand.GOOD  # a contact's bands are unchanged


def test_account_health_without_executive_access(six: GraphBuilder) -> None:
    six.knows = {k: v for k, v in six.knows.items() if k[1] not in ("mehmet", "selin")}
    net = build_network(six.build())
    s = score_contacts(net)
    h = account_health(
        net, "ACC-1", influence=s.influence, health=s.health, decision_maker=s.decision_maker
    )
    assert not h.executive_access
    assert h.executive_ties == ()
    with pytest.raises(InvalidError, match="no score"):
        account_health(net, "ACC-1", influence={}, health=s.health, decision_maker=s.decision_maker)


def test_hidden_by_hand() -> None:
    infl = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}  # pct a 1, b 2/3, c 1/3, d 0
    formal = {"a": 0.1, "b": 0.9, "c": 0.5, "d": 0.7}  # pct a 0, b 1, c 1/3, d 2/3
    assert percentiles(formal) == pytest.approx({"a": 0, "b": 1, "c": 1 / 3, "d": 2 / 3})
    assert [h.contact_id for h in hidden_influencers(infl, formal)] == ["a"]
    with pytest.raises(InvalidError, match="differ"):
        hidden_influencers(infl, {"a": 1.0})


def _tieless(b: GraphBuilder) -> GraphBuilder:
    """Five contacts of distinct seniority, a blocker on D1, and no influence tie at all:
    no stored tie, no reporting line and no shared touchpoint to infer one from."""
    S = Seniority
    for cid, level in (
        ("ceo", S.C_LEVEL),
        ("vp", S.VP),
        ("dir", S.DIRECTOR),
        ("mgr", S.MANAGER),
        ("ic", S.INDIVIDUAL_CONTRIBUTOR),
    ):
        b.contact(cid, seniority=level)
    b.deal("D1").role("D1", "ic", Role.BLOCKER, stance=-2).role(
        "D1", "dir", Role.CHAMPION, stance=2
    )
    return b


def test_no_influence_ties_flag_no_hidden_influencer(builder: GraphBuilder) -> None:
    # PageRank is uniform (1/5 each). Ranked with ties averaged, everyone sat at the
    # 50th influence percentile, exactly the threshold, and "ic" (formal percentile 0)
    # was a hidden influencer with a gap of 0.5 on no evidence at all.
    sg = with_inferred(_tieless(builder).build(), as_of=AS_OF)
    assert sg.influences == ()
    s = score_contacts(build_network(sg))
    assert s.influence == pytest.approx(dict.fromkeys(("ceo", "vp", "dir", "mgr", "ic"), 0.2))
    assert set(percentiles(s.influence, ties="min").values()) == {0.0}
    assert hidden_influencers(s.influence, s.authority) == []


def test_equal_influence_never_passes_a_percentile_threshold() -> None:
    # "min": a tied group gets the share of the others strictly below it
    infl = {"a": 0.1, "b": 0.1, "c": 0.1, "d": 0.1, "e": 0.6}
    assert percentiles(infl, ties="min") == {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "e": 1.0}
    assert percentiles(infl, ties="max") == {"a": 0.75, "b": 0.75, "c": 0.75, "d": 0.75, "e": 1.0}
    assert percentiles(infl)["a"] == pytest.approx(0.375)  # average of ranks 1-4: 2.5
    # values equal in exact arithmetic that PageRank computes a few ulps apart are tied
    b, z = 0.18009247992212224, 0.1800924799221222
    assert b != z
    assert percentiles({"b": b, "z": z, "c": 0.0973}, ties="min") == {"b": 0.5, "z": 0.5, "c": 0.0}
    # the five leaves a hub advises hold the same position: the same percentile
    star = score_contacts(
        build_network(_leaves(GraphBuilder(), "hub", [f"l{i}" for i in range(5)]).build())
    ).influence
    pct = percentiles(star, ties="min")
    assert pct["hub"] == 1.0
    assert {pct[f"l{i}"] for i in range(5)} == {0.0}
    # a hidden influencer needs influence above the others': 2 tied leaders of 4 are not
    infl = {"a": 0.4, "b": 0.4, "c": 0.1, "d": 0.1}
    formal = {"a": 0.1, "b": 0.2, "c": 0.9, "d": 1.0}
    assert [h.contact_id for h in hidden_influencers(infl, formal)] == ["a"]
    # a: influence pct 2/3 (beats c, d), formal 0: gap 2/3; b: 2/3 - 1/3 = 1/3 < 0.4


def _leaves(b: GraphBuilder, hub: str, leaves: list[str]) -> GraphBuilder:
    b.contact(hub)
    for leaf in leaves:
        b.contact(leaf).influence(hub, leaf, 0.7)
    return b


def _result(
    aid: str, contacts: int, score: float, cov: float, mt: int, exec_: bool
) -> AccountHealth:
    return AccountHealth(
        account_id=aid,
        contacts=contacts,
        score=score,
        band=band_of(score),
        coverage=cov,
        multithreading=mt,
        threads=(),
        top_decision_makers=(),
        executive_access=exec_,
        executive_ties=(),
    )


def test_rollup() -> None:
    accounts = [
        Account(id=AccountId("P"), name="Holding"),
        Account(id=AccountId("C1"), name="A", parent_id=AccountId("P")),
        Account(id=AccountId("C2"), name="B", parent_id=AccountId("P")),
        Account(id=AccountId("G"), name="G", parent_id=AccountId("C1")),
    ]
    results = {
        "P": _result("P", 5, 50, 0.5, 1, False),
        "C1": _result("C1", 4, 80, 0.8, 2, False),
        "C2": _result("C2", 1, 30, 0.2, 0, True),
    }
    r = rollup_account_health(results, accounts)
    # P: contacts 10; score (5*50 + 4*80 + 1*30) / 10 = 60; coverage (2.5 + 3.2 + 0.2) / 10
    assert r["P"].contacts == 10
    assert r["P"].accounts == 3
    assert r["P"].score == pytest.approx(60.0)
    assert r["P"].band is HealthBand.FAIR  # an account's bands: Fair from 40, Good from 75
    assert r["P"].coverage == pytest.approx(0.59)
    assert (r["P"].multithreading, r["P"].executive_access) == (3, True)
    assert r["P"].weakest_account_id == "C2"
    assert r["C1"].score == 80
    assert r["G"].accounts == 0
    assert r["G"].weakest_account_id is None
    with pytest.raises(InvalidError, match="not in the hierarchy"):
        rollup_account_health({"X": results["P"]}, accounts)
    cyc = [
        Account(id=AccountId("A"), name="A", parent_id=AccountId("B")),
        Account(id=AccountId("B"), name="B", parent_id=AccountId("A")),
    ]
    with pytest.raises(InvalidError, match="cycle"):
        rollup_account_health({}, cyc)
