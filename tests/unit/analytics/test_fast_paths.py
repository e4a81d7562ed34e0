"""The per-account shortcuts against their references: percentile ranks against
scipy's ranks of the tolerance-grouped scores and against plain rankdata, the
threads (a search from the top decision makers) against networkx's union-find and
by hand, and the account-wide champion strength against the per-deal one."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest
from networkx.utils import UnionFind
from scipy.stats import rankdata

from graphcrm.analytics import (
    account_champion_strength,
    account_health,
    build_network,
    champion_strength,
    percentiles,
    score_contacts,
)
from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.health import _threads
from graphcrm.analytics.hidden import TIE_RTOL, Ties
from graphcrm.domain import Role as R
from graphcrm.domain import Stage
from tests.unit.analytics.conftest import GraphBuilder


def _scipy_percentiles(scores: dict[str, float], ties: Ties) -> dict[str, float]:
    """The plain version: scipy's ranks of the tolerance groups' ids."""
    x = np.array(list(scores.values()))
    order = np.argsort(x, kind="stable")
    tol = TIE_RTOL * float(np.abs(x[order][[0, -1]]).max())
    group = np.empty(len(x), dtype=np.int64)
    group[order] = np.cumsum(np.concatenate(([0], np.diff(x[order]) > tol)))
    pct = (rankdata(group, method=ties) - 1.0) / (len(x) - 1)
    return dict(zip(scores, pct.tolist(), strict=True))


@pytest.mark.parametrize("ties", ["average", "min", "max"])
@pytest.mark.parametrize("seed", range(6))
def test_percentiles_equal_the_plain_version_bit_for_bit(seed: int, ties: Ties) -> None:
    rng = random.Random(seed)
    for n in (2, 3, 7, 25, 60, 400):
        ties_many = {f"c{i}": float(rng.randint(0, 6)) for i in range(n)}
        apart = {f"c{i}": rng.random() for i in range(n)}
        ulps = {f"c{i}": (1 / n) * (1 + 4e-16 * rng.randint(0, 3)) for i in range(n)}
        signed = {f"c{i}": rng.choice([-1.0, 0.0, 1e-12, 0.3]) for i in range(n)}
        for scores in (ties_many, apart, ulps, signed):
            got = percentiles(scores, ties=ties)
            assert list(got.items()) == list(_scipy_percentiles(scores, ties).items())


@pytest.mark.parametrize("ties", ["average", "min", "max"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_percentiles_are_scipy_ranks(seed: int, ties: Ties) -> None:
    rng = random.Random(seed)
    values = {f"c{i}": float(rng.randint(0, 6)) for i in range(25)}  # many ties
    ranks = rankdata(list(values.values()), method=ties)
    expected = {k: (r - 1) / 24 for k, r in zip(values, ranks, strict=True)}
    assert percentiles(values, ties=ties) == pytest.approx(expected, abs=1e-15)
    assert percentiles({"only": 2.0}, ties=ties) == {"only": 0.0}
    assert percentiles({}, ties=ties) == {}
    # a few ulps apart is a tie; a relative 1e-6 apart is not
    close = {k: v * (1 + 4e-16 * (i % 3)) for i, (k, v) in enumerate(values.items())}
    assert percentiles(close, ties=ties) == pytest.approx(expected, abs=1e-15)
    apart = {"a": 1.0, "b": 1.0 + 1e-6}
    assert percentiles(apart, ties=ties) == {"a": 0.0, "b": 1.0}
    assert percentiles({"a": -1.0, "b": -1.0, "c": 0.0}, ties="min") == {"a": 0, "b": 0, "c": 1}


def _union_find_threads(
    reach: list[tuple[str, str]], members: list[str], top: list[str], healthy: set[str]
) -> tuple[str, ...]:
    """The plain version: networkx's union-find of the members' reach ties."""
    components = UnionFind(members)
    for u, v in reach:
        if u in members and v in members:
            components.union(u, v)
    roots = {components[c] for c in top}
    return tuple(sorted(c for c in healthy if components[c] in roots))


@pytest.mark.parametrize("seed", range(20))
def test_threads_equal_the_union_find_components(seed: int) -> None:
    rng = random.Random(seed)
    members = [f"c{i}" for i in range(rng.randint(1, 60))]
    others = ["rep1", "rep2", "gone"]  # reps and contacts outside the account
    nodes = members + others
    reach = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(0, 80))]
    top = rng.sample(members, min(len(members), 3))
    healthy = {c for c in members if rng.random() < 0.6}
    net = cast(StakeholderNetwork, SimpleNamespace(reach_weights=dict.fromkeys(reach, 0.5)))
    got = _threads(net, members, top, healthy)
    assert got == _union_find_threads(reach, members, top, healthy)


def test_threads_are_the_components_reaching_a_top_decision_maker(six: GraphBuilder) -> None:
    # Emre's only tie is to Can; dropping Can's ties to the CFO cuts both off.
    six.drop_reports("can")
    six.drop_influence("can", "mehmet")
    net = build_network(six.build())
    s = score_contacts(net)
    h = account_health(
        net, "ACC-1", influence=s.influence, health=s.health, decision_maker=s.decision_maker
    )
    assert "can" not in h.threads
    assert h.threads == ("ayse", "deniz", "mehmet", "selin")


def test_account_champion_strength_keeps_the_largest_seat(six: GraphBuilder) -> None:
    # D2: Ayşe -1 (smaller in size than her +2 on D1), Can -2 (his only non-zero seat);
    # a closed deal counts for nothing.
    six.deal("D2", Stage.PROPOSAL)
    six.role("D2", "ayse", R.INFLUENCER, stance=-1)
    six.role("D2", "can", R.BLOCKER, stance=-2)
    # Can answered one of his two touchpoints (unanswered ones alone are no engagement)
    six.engage("can", days_ago=20, touchpoints=2, two_way=1, outbound=1, t30=1, t90=2)
    six.deal("D3", Stage.CLOSED_LOST)
    six.role("D3", "emre", R.CHAMPION, stance=2)
    net = build_network(six.build())
    s = score_contacts(net)
    kw = {"influence_norm": dict(s.influence_norm), "engagement": dict(s.engagement)}
    d1 = champion_strength(net, "D1", **kw)
    d2 = champion_strength(net, "D2", **kw)
    got = account_champion_strength(net, "ACC-1", **kw)
    assert got["ayse"] == pytest.approx(d1["ayse"])
    assert got["ayse"] > 0
    assert got["can"] == pytest.approx(d2["can"])
    assert got["can"] < 0
    assert got["emre"] == 0.0
    assert set(got) == set(net.active)
