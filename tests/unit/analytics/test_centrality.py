"""PageRank, betweenness and authority: hand-worked answers and networkx references."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from scipy.stats import spearmanr

from graphcrm.analytics import (
    AuthorityParams,
    CentralityParams,
    authority_scores,
    brokerage,
    influence_rank,
    reporting_levels,
)
from graphcrm.analytics.centrality import DENSE_MAX_NODES
from graphcrm.errors import InvalidError


def test_pagerank_by_hand_and_the_reversal() -> None:
    # a advises b and c. Reversed for PageRank: b -> a, c -> a; a is dangling.
    # x_b = x_c = y, x_a = 1 - 2y;  y = 0.85 * (1 - 2y) / 3 + 0.15 / 3
    # 60y = 17 - 34y + 3  =>  y = 20/94 = 10/47, x_a = 27/47
    G = nx.DiGraph([("a", "b"), ("a", "c")])
    r = influence_rank(G)
    assert r == pytest.approx({"a": 27 / 47, "b": 10 / 47, "c": 10 / 47}, abs=1e-9)
    # networkx.pagerank on the stored direction would rank the adviser *last*
    wrong = nx.pagerank(G)
    assert min(wrong, key=wrong.__getitem__) == "a"
    assert max(r, key=r.__getitem__) == "a"
    assert influence_rank(G, method="networkx") == pytest.approx(r, abs=1e-9)


def test_pagerank_weights_split_the_vote() -> None:
    # c is advised by a (0.75) and b (0.25): reversed, c gives 3/4 of its vote to a.
    # x_c = y (dangling in neither... c has out-edges reversed; a, b dangling)
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_weighted_edges_from([("a", "c", 0.75), ("b", "c", 0.25)])
    r = influence_rank(G)
    assert r["a"] > r["b"] > 0
    assert r == pytest.approx(nx.pagerank(G.reverse(), weight="weight", tol=1e-12), abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sparse_pagerank_matches_networkx(seed: int) -> None:
    G = nx.gnp_random_graph(300, 0.02, seed=seed, directed=True)
    rng = random.Random(seed)
    for u, v in G.edges():
        G[u][v]["weight"] = rng.random()
    G.add_nodes_from(range(300, 310))  # isolated, dangling
    fast = influence_rank(G, method="sparse")
    ref = nx.pagerank(G.reverse(), weight="weight", tol=1e-12, max_iter=1000)
    assert fast == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("n", [2, 7, 40, DENSE_MAX_NODES - 3])
def test_dense_pagerank_start(n: int) -> None:
    # Up to DENSE_MAX_NODES the iteration starts from the fixed point solved
    # directly: the same answers as networkx iterated to 1e-14, within 1e-12
    # (from the uniform start, tol 1e-10 alone would not get this close).
    from graphcrm.analytics.centrality import _pagerank_fixed_point

    G = nx.gnp_random_graph(n, 3.0 / n, seed=n, directed=True)
    rng = random.Random(n)
    for u, v in G.edges():
        G[u][v]["weight"] = rng.random()
    G.add_nodes_from(range(n, n + 3))  # isolated, dangling
    assert G.number_of_nodes() <= DENSE_MAX_NODES
    fast = influence_rank(G)
    ref = nx.pagerank(G.reverse(), weight="weight", tol=1e-14, max_iter=1000)
    assert fast == pytest.approx(ref, abs=1e-12)
    assert sum(fast.values()) == pytest.approx(1.0, abs=1e-12)
    # a graph with no ties at all: every node dangling, the uniform vector
    MT = np.zeros((4, 4))
    x = _pagerank_fixed_point(MT, np.ones(4, dtype=bool), 0.85)
    assert x is not None
    assert x.tolist() == pytest.approx([0.25] * 4, abs=1e-15)


def test_pagerank_guards() -> None:
    with pytest.raises(InvalidError, match="directed"):
        influence_rank(nx.Graph([(1, 2)]))  # type: ignore[arg-type]  # the guard for untyped callers
    G: nx.DiGraph[int] = nx.DiGraph()
    G.add_edge(1, 2, weight=-1.0)
    with pytest.raises(InvalidError, match="negative"):
        influence_rank(G)
    with pytest.raises(InvalidError, match="method"):
        influence_rank(nx.DiGraph([(1, 2)]), method="igraph")  # type: ignore[arg-type]
    with pytest.raises(InvalidError, match="method"):
        influence_rank(nx.DiGraph([(1, 2)]), method="rustworkx")  # betweenness only
    assert influence_rank(nx.DiGraph()) == {}


def test_betweenness_by_hand() -> None:
    # star: the hub is on all 3 leaf pairs; normalised by (n-1)(n-2)/2 = 3 pairs -> 1
    assert brokerage(nx.star_graph(3)) == {0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0}
    # path a-b-c-d: b is on (a,c), (a,d): 2 of 3 pairs not containing b
    r = brokerage(nx.path_graph("abcd"))
    assert r == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 2 / 3, "d": 0.0})
    # square a-b-c-d-a: two shortest a-c paths, b and d each carry half of (a,c)
    # -> 0.5 of 3 pairs = 1/6
    assert brokerage(nx.cycle_graph("abcd")) == pytest.approx(dict.fromkeys("abcd", 1 / 6))


@pytest.mark.parametrize("seed", [4, 5])
def test_sparse_betweenness_matches_networkx(seed: int) -> None:
    G = nx.gnp_random_graph(150, 0.03, seed=seed)  # not connected: several components
    G.add_edge(0, 0)  # a self-loop changes nothing
    ref = nx.betweenness_centrality(nx.Graph(G), normalized=True)
    assert brokerage(G, method="sparse") == pytest.approx(ref, abs=1e-12)
    assert brokerage(G, method="networkx") == pytest.approx(ref, abs=1e-12)
    assert brokerage(G, method="rustworkx") == pytest.approx(ref, abs=1e-12)
    assert brokerage(G) == brokerage(G, method="rustworkx")


def test_sampled_betweenness_is_networkx_with_the_same_seed() -> None:
    G = nx.barabasi_albert_graph(400, 2, seed=7)
    p = CentralityParams(exact_betweenness_max_nodes=100, betweenness_samples=50)
    fast = brokerage(G, params=p, seed=11, method="sparse")
    ref = brokerage(G, params=p, seed=11, method="networkx")
    assert fast == pytest.approx(ref, abs=1e-12)
    # rustworkx has no sampled betweenness: "auto" and "rustworkx" sample with scipy
    assert brokerage(G, params=p, seed=11) == fast
    assert brokerage(G, params=p, seed=11, method="rustworkx") == fast


def test_sampled_betweenness_rank_error() -> None:
    # 2,000 nodes, 256 sampled sources (the defaults' sample size). Measured over
    # seeds 0-4: Spearman rho 0.909-0.915 over all nodes, 8-10 of the exact top 10
    # in the estimated top 10, mean relative error of the top-10 values 6-11%.
    G = nx.barabasi_albert_graph(2000, 3, seed=1)
    exact = brokerage(G, params=CentralityParams(exact_betweenness_max_nodes=2000))
    approx = brokerage(G, params=CentralityParams(exact_betweenness_max_nodes=1000), seed=0)
    nodes = list(G)
    rho = spearmanr([exact[v] for v in nodes], [approx[v] for v in nodes]).statistic
    assert rho > 0.88
    top = set(sorted(nodes, key=lambda v: -exact[v])[:10])
    top_approx = set(sorted(nodes, key=lambda v: -approx[v])[:10])
    assert len(top & top_approx) >= 8
    rel = np.mean([abs(approx[v] - exact[v]) / exact[v] for v in top])
    assert rel < 0.15


def test_authority_by_hand() -> None:
    # ceo -> vp -> (dir -> ic1, ic2); dir -/-> ic3 dotted only; "solo" no lines, a Director
    T: nx.DiGraph[str] = nx.DiGraph()
    T.add_edges_from([("ceo", "vp"), ("vp", "dir"), ("dir", "ic1"), ("dir", "ic2")], line="solid")
    T.add_edge("dir", "ic3", line="dotted")
    T.add_node("ceo", seniority_level=1)
    T.add_node("ic3", seniority_level=5)
    T.add_node("solo", seniority_level=3)
    depth, span = reporting_levels(T)
    assert depth == {"ceo": 0, "vp": 1, "dir": 2, "ic1": 3, "ic2": 3, "ic3": 4, "solo": 2}
    assert span == {"ceo": 4, "vp": 3, "dir": 2, "ic1": 0, "ic2": 0, "ic3": 0, "solo": 0}
    # 0.5 / (1 + depth) + 0.5 * span / 4
    a = authority_scores(T)
    assert a == pytest.approx(
        {
            "ceo": 0.5 + 0.5,
            "vp": 0.25 + 0.375,
            "dir": 0.5 / 3 + 0.25,
            "ic1": 0.125,
            "ic2": 0.125,
            "ic3": 0.1,
            "solo": 0.5 / 3,
        }
    )
    only_level = authority_scores(T, params=AuthorityParams(level_weight=1.0))
    assert only_level["vp"] == pytest.approx(0.5)


def test_authority_guards() -> None:
    two = nx.DiGraph([("m1", "x"), ("m2", "x")])
    with pytest.raises(InvalidError, match="more than one solid manager"):
        reporting_levels(two)
    cyc = nx.DiGraph([("a", "b"), ("b", "a")])
    with pytest.raises(InvalidError):
        reporting_levels(cyc)


@pytest.mark.parametrize(("n", "seed"), [(3, 0), (12, 1), (40, 2), (DENSE_MAX_NODES, 3)])
def test_dense_small_graph_paths_match_networkx(n: int, seed: int) -> None:
    # Up to DENSE_MAX_NODES PageRank's matrices are dense numpy arrays (the typical
    # account): within 1e-9 of networkx; betweenness (rustworkx) within 1e-12.
    G = nx.gnp_random_graph(n, 4 / n, seed=seed, directed=True)
    rng = random.Random(seed)
    for u, v in G.edges():
        G[u][v]["weight"] = rng.random()
    pr_ref = nx.pagerank(G.reverse(), weight="weight", tol=1e-12, max_iter=1000)
    assert influence_rank(G) == pytest.approx(pr_ref, abs=1e-9)
    U = G.to_undirected()
    U.add_edge(0, 0)  # a self-loop changes nothing
    bc_ref = nx.betweenness_centrality(nx.Graph(U), normalized=True)
    assert brokerage(U) == pytest.approx(bc_ref, abs=1e-12)


def test_reporting_levels_by_hand_and_a_longer_cycle() -> None:
    # a dotted line does not count; a root's depth comes from its seniority
    T: nx.DiGraph[str] = nx.DiGraph()
    T.add_node("dir", seniority_level=3)
    T.add_edge("dir", "mgr", line="solid")
    T.add_edge("mgr", "ic1", line="solid")
    T.add_edge("mgr", "ic2", line="solid")
    T.add_edge("ic1", "ic2", line="dotted")
    depth, span = reporting_levels(T)
    assert depth == {"dir": 2, "mgr": 3, "ic1": 4, "ic2": 4}
    assert span == {"dir": 3, "mgr": 2, "ic1": 0, "ic2": 0}
    with pytest.raises(InvalidError, match="cycle"):
        reporting_levels(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("r", "x")]))
    with pytest.raises(InvalidError, match="cycle"):
        reporting_levels(nx.DiGraph([("a", "a")]))
