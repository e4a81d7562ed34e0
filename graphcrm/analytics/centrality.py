"""Influence (PageRank), brokerage (betweenness) and formal authority.

networkx is the model and the reference; for speed, :func:`influence_rank`
computes the same measure with numpy/scipy matrices, and :func:`brokerage`
with rustworkx (exact) or scipy sparse matrices (sampled). The tests pin every
one of them to networkx. ``method="networkx"`` runs networkx itself.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import networkx as nx
import numpy as np
import rustworkx as rx
import scipy.sparse as sp

from graphcrm.analytics.params import AuthorityParams, CentralityParams
from graphcrm.errors import InvalidError, Problem

N = TypeVar("N", bound=Hashable)
"""A graph's node type: the scores are keyed as its nodes are."""

Method = Literal["auto", "networkx", "sparse", "rustworkx"]
"""``rustworkx`` is for :func:`brokerage` only."""


def _check_method(method: str, known: tuple[str, ...] = ("auto", "networkx", "sparse")) -> None:
    if method not in known:
        raise InvalidError([Problem("centrality", "method", f"unknown method {method!r}")])


def _edge_arrays(
    G: Any, nodes: Sequence[Hashable], weight: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row index, column index and weight (1.0 when ``weight`` is None) of every edge."""
    index = {v: i for i, v in enumerate(nodes)}
    edges = list(G.edges(data=weight, default=1.0)) if weight is not None else list(G.edges())
    rows = np.fromiter((index[e[0]] for e in edges), dtype=np.int64, count=len(edges))
    cols = np.fromiter((index[e[1]] for e in edges), dtype=np.int64, count=len(edges))
    if weight is None:
        return rows, cols, np.ones(len(edges))
    return rows, cols, np.fromiter((e[2] for e in edges), dtype=float, count=len(edges))


def _adjacency(G: Any, nodes: Sequence[Hashable], weight: str | None) -> sp.csr_array:
    rows, cols, vals = _edge_arrays(G, nodes, weight)
    n = len(nodes)
    return sp.csr_array((vals, (rows, cols)), shape=(n, n))


DENSE_MAX_NODES = 100
"""Up to this many nodes PageRank's matrices are dense numpy arrays: for the typical
account (tens of contacts) scipy's per-call overhead costs more than the
arithmetic. Same update, same results (to rounding)."""


def influence_rank(
    G: nx.DiGraph[N],
    *,
    params: CentralityParams | None = None,
    weight: str = "weight",
    method: Method = "auto",
) -> dict[N, float]:
    """PageRank of each contact in the direction influence flows.

    ``G`` holds support ties **influencer -> influenced** (as
    :attr:`StakeholderNetwork.support`). PageRank rewards the *heads* of
    edges, so it runs on the reversed graph: each influenced person passes
    rank to the people who advise, are trusted by or sponsor them, in
    proportion to the tie's weight. A person many others go to for advice
    ranks high. Dangling nodes (people nobody influences) spread their rank
    evenly, exactly as :func:`networkx.pagerank` does.

    Parameters
    ----------
    G : networkx.DiGraph
        Positive influence ties, influencer -> influenced, non-negative ``weight``.
    params : CentralityParams, optional
        ``alpha``, ``tol``, ``max_iter``.
    weight : str
        The edge attribute holding the tie weight.
    method : {"auto", "networkx", "sparse"}
        ``networkx`` calls ``networkx.pagerank(G.reverse())``; ``sparse`` (and
        ``auto``) runs the same power iteration on a scipy sparse matrix.

    Returns
    -------
    dict
        Node -> PageRank; the values sum to 1.

    Raises
    ------
    InvalidError
        ``G`` is undirected, has a negative weight, or the iteration does not converge.

    Examples
    --------
    Ayşe advises Bora and Cem; the hub is the adviser, not the advised:

    >>> import networkx as nx
    >>> G = nx.DiGraph([("ayse", "bora"), ("ayse", "cem")])
    >>> r = influence_rank(G)
    >>> max(r, key=r.get), round(sum(r.values()), 6)
    ('ayse', 1.0)
    """
    p = params or CentralityParams()
    _check_method(method)
    if not G.is_directed():
        raise InvalidError([Problem("influence_rank", "G", "needs a directed graph")])
    n = G.number_of_nodes()
    if n == 0:
        return {}
    nodes = list(G)
    rows, cols, vals = _edge_arrays(G, nodes, weight)
    if (vals < 0).any():
        i = int(np.argmax(vals < 0))
        u, v = nodes[rows[i]], nodes[cols[i]]
        raise InvalidError([Problem(f"edge[{u} -> {v}]", weight, "negative weight")])
    if method == "networkx":
        return _networkx_pagerank(G, p, weight)
    MT, dangling, start = _reversed_transition(n, rows, cols, vals, p.alpha)
    x = np.full(n, 1.0 / n) if start is None else start
    for _ in range(p.max_iter):
        last = x
        x = p.alpha * (MT @ last + last[dangling].sum() / n) + (1.0 - p.alpha) / n
        if np.abs(x - last).sum() < n * p.tol:
            return dict(zip(nodes, x.tolist(), strict=True))
    raise InvalidError(
        [Problem("influence_rank", "max_iter", f"no convergence in {p.max_iter} iterations")]
    )


def _networkx_pagerank(G: nx.DiGraph[N], p: CentralityParams, weight: str) -> dict[N, float]:
    """:func:`influence_rank` by ``networkx.pagerank`` of the reversed graph."""
    try:
        return dict(
            nx.pagerank(
                G.reverse(copy=False),
                alpha=p.alpha,
                weight=weight,
                tol=p.tol,
                max_iter=p.max_iter,
            )
        )
    except nx.PowerIterationFailedConvergence as e:
        raise InvalidError([Problem("influence_rank", "max_iter", str(e))]) from e


def _reversed_transition(
    n: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, alpha: float
) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """The transposed transition matrix of the reversed graph of edges ``rows[i] ->
    cols[i]`` weighing ``vals[i]``, its dangling nodes, and the PageRank vector when
    the dense fixed point gives it (None: iterate from the uniform vector)."""
    MT: Any
    start: np.ndarray | None
    if n <= DENSE_MAX_NODES:
        # W[u, v] = weight of u -> v; the reversed graph's transition matrix,
        # transposed, is W with each column divided by its sum (the influenced
        # person's total incoming support).
        W = np.zeros((n, n))
        np.add.at(W, (rows, cols), vals)
        out = W.sum(axis=0)
        dangling = out == 0
        inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
        MT = W * inv[None, :]
        start = _pagerank_fixed_point(MT, dangling, alpha)
    else:
        # Reversed adjacency: row = influenced, column = influencer.
        A = sp.csr_array((vals, (cols, rows)), shape=(n, n))
        out = np.asarray(A.sum(axis=1)).ravel()
        dangling = out == 0
        inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
        M = sp.diags_array(inv) @ A  # row-stochastic except dangling rows
        MT = M.T.tocsr()
        start = None
    return MT, dangling, start


def _pagerank_fixed_point(MT: np.ndarray, dangling: np.ndarray, alpha: float) -> np.ndarray | None:
    """The fixed point of the PageRank update on a small dense graph, solved directly.

    The update ``x <- alpha * (MT @ x + x[dangling].sum() / n) + (1 - alpha) / n``
    is linear, so its fixed point solves ``(I - alpha * (MT + 1 d^T / n)) x =
    (1 - alpha) / n``. From ``tol = 1e-10`` the power iteration takes about 140
    updates to get there, which on the tens of contacts of a typical account
    cost more than one LU solve. :func:`influence_rank` still runs the same
    update from this start, with the same convergence test (it stops after one
    or two), so the result is the iteration's, a little closer to the exact
    fixed point than from the uniform start (``test_dense_pagerank_start``).
    None (start uniform) if the solve fails or gives no probability vector.
    """
    n = MT.shape[0]
    A = np.eye(n) - alpha * MT
    A[:, dangling] -= alpha / n
    try:
        x = np.linalg.solve(A, np.full(n, (1.0 - alpha) / n))
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(x).all() or (x < 0).any():
        return None
    return np.asarray(x / x.sum())


def _brandes_sparse(A: Any, sources: Sequence[int], batch: int = 64) -> np.ndarray:
    """Sum over ``sources`` of Brandes dependencies, BFS levels as sparse products.

    ``A`` is the symmetric 0/1 adjacency (scipy sparse). For a block of sources the path
    counts ``sigma`` grow level by level (``A @ frontier``); dependencies are
    accumulated back from the deepest level:
    ``delta[v] = sigma[v] * sum_{w child of v} (1 + delta[w]) / sigma[w]``.
    """
    n = A.shape[0]
    bc = np.zeros(n)
    for start in range(0, len(sources), batch):
        src = np.asarray(sources[start : start + batch], dtype=np.int64)
        b = len(src)
        cols = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[src, cols] = 1.0
        visited = sigma > 0
        levels = [visited.copy()]
        frontier = sigma.copy()
        while True:
            nxt = A @ frontier
            nxt[visited] = 0.0
            reached = nxt > 0
            if not reached.any():
                break
            visited |= reached
            levels.append(reached)
            sigma += nxt
            frontier = nxt
        inv = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=visited)
        delta = np.zeros((n, b))
        for d in range(len(levels) - 1, 0, -1):
            coef = (1.0 + delta) * inv
            coef[~levels[d]] = 0.0
            back = A @ coef
            back *= sigma
            back[~levels[d - 1]] = 0.0
            delta += back
        delta[src, cols] = 0.0
        bc += delta.sum(axis=1)
    return bc


RUSTWORKX_ONE_THREAD = 2**62
"""``parallel_threshold`` for rustworkx: never spread one graph over several threads.
The portfolio runs one worker process per core; a measure that took the other
core too would only slow the other worker down."""


def _rustworkx_betweenness(U: Any, nodes: Sequence[Hashable]) -> list[float]:
    """Exact normalised betweenness of the undirected ``U`` (self-loops ignored), by
    rustworkx's Brandes, in the order of ``nodes``."""
    index = {v: i for i, v in enumerate(nodes)}
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(len(nodes)))
    g.extend_from_edge_list([(index[u], index[v]) for u, v in U.edges() if u != v])
    # the PyGraph function itself, not the generic one that dispatches on the graph's type
    # (docs/benchmarks.md, the scoring profile)
    bc = rx.graph_betweenness_centrality(
        g, normalized=True, parallel_threshold=RUSTWORKX_ONE_THREAD
    )
    return [bc[i] for i in range(len(nodes))]


def brokerage(
    G: nx.Graph[N],
    *,
    params: CentralityParams | None = None,
    seed: int = 0,
    method: Method = "auto",
) -> dict[N, float]:
    """Normalised shortest-path betweenness: who sits between the others.

    Unweighted (hops), on ``G`` taken as undirected. Up to
    ``params.exact_betweenness_max_nodes`` nodes the result is exact; above,
    it is estimated from ``params.betweenness_samples`` source nodes drawn
    with ``random.Random(seed).sample(list(G), k)`` and rescaled exactly as
    :func:`networkx.betweenness_centrality` rescales a ``k``-sample (so both
    methods return the same numbers for the same seed).

    Accuracy of the sample: on a 2,000-node Barabási-Albert graph (m=3) with
    256 sources, over seeds 0-4, the Spearman rank correlation with exact
    betweenness is 0.91, 8-10 of the exact top 10 are in the estimated top 10,
    and the top-10 values are off by 6-11% on average
    (``tests/unit/analytics/test_centrality.py::test_sampled_betweenness_rank_error``).
    The brokers that matter (the top ranks) are stable; the order among
    low-betweenness contacts is noise.

    Parameters
    ----------
    G : networkx.Graph
        Any graph; direction and weights are ignored.
    params : CentralityParams, optional
        The exact/sampled threshold and sample size.
    seed : int
        Seed of the source sample (unused when exact).
    method : {"auto", "networkx", "sparse", "rustworkx"}
        ``networkx`` calls :func:`networkx.betweenness_centrality`;
        ``rustworkx`` calls :func:`rustworkx.betweenness_centrality` (Brandes in
        Rust, on one thread; exact only: a sampled estimate falls back to
        ``sparse``); ``sparse`` runs Brandes' algorithm level-synchronously on
        scipy sparse matrices, 64 sources at a time. ``auto`` is ``rustworkx``
        when exact and ``sparse`` when sampled (the same numbers as networkx
        for the same seed).

    Returns
    -------
    dict
        Node -> betweenness in ``[0, 1]``.

    Examples
    --------
    The middle of a path of three is on the one path between the ends:

    >>> import networkx as nx
    >>> brokerage(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    p = params or CentralityParams()
    _check_method(method, ("auto", "networkx", "sparse", "rustworkx"))
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    n = U.number_of_nodes()
    nodes = list(U)
    k: int | None = None
    sample: list[N] = nodes
    if n > p.exact_betweenness_max_nodes and p.betweenness_samples < n:
        k = p.betweenness_samples
        sample = random.Random(seed).sample(nodes, k)  # noqa: S311 - not cryptography
    if method == "networkx":
        simple: nx.Graph[N] = nx.Graph(U)
        return dict(nx.betweenness_centrality(simple, k=k, normalized=True, seed=seed))
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    if k is None and method in ("auto", "rustworkx"):
        return dict(zip(nodes, _rustworkx_betweenness(U, nodes), strict=True))
    return dict(zip(nodes, _sparse_betweenness(U, nodes, sample, k), strict=True))


def _sparse_betweenness(
    U: Any, nodes: Sequence[Hashable], sample: Sequence[Hashable], k: int | None
) -> list[float]:
    """Normalised betweenness of the undirected ``U`` (more than two nodes) by
    :func:`_brandes_sparse` from ``sample`` (every node when ``k`` is None), rescaled as
    networkx rescales a ``k``-sample, in the order of ``nodes``."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    A = _adjacency(U, nodes, None)
    A = ((A + A.T) > 0).astype(float).tocsr()
    A.setdiag(0.0)
    A.eliminate_zeros()
    raw = _brandes_sparse(A, [index[s] for s in sample])
    if k is None:
        scale = np.full(n, 1.0 / ((n - 1) * (n - 2)))
    else:
        scale = np.full(n, 1.0 / (k * (n - 2)))
        scale[[index[s] for s in sample]] = 1.0 / ((k - 1) * (n - 2))
    out: list[float] = (raw * scale).tolist()
    return out


def reporting_levels(G: nx.DiGraph[N]) -> tuple[dict[N, int], dict[N, int]]:
    """Depth and span of control of each node in the solid reporting forest.

    ``G`` holds edges **manager -> report** with ``line`` ``"solid"`` or
    ``"dotted"`` (as :attr:`StakeholderNetwork.authority`); only solid lines
    count. A root's depth is ``seniority_level - 1`` (node attribute; 0 when
    absent), so a Director with no manager on file sits at depth 2; each report
    is one deeper than its manager. Span is the number of solid descendants.

    Raises
    ------
    InvalidError
        A contact has two solid managers, or the solid lines form a cycle.

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.DiGraph([("ceo", "vp", {"line": "solid"}), ("vp", "ic", {"line": "solid"})])
    >>> reporting_levels(T)
    ({'ceo': 0, 'vp': 1, 'ic': 2}, {'ceo': 2, 'vp': 1, 'ic': 0})
    """
    # Plain dicts rather than a second networkx graph and a topological sort: this
    # runs once per account scored (same results, same errors).
    managers: dict[N, list[N]] = {}
    for u, v, line in G.edges(data="line", default="solid"):
        if line == "solid":
            managers.setdefault(v, []).append(u)
    problems = [
        Problem(f"reports_to[{v}]", "manager_id", "more than one solid manager")
        for v in G
        if len(managers.get(v, ())) > 1
    ]
    if problems:
        raise InvalidError(problems)
    depth: dict[N, int] = {}
    for v in G:
        path: list[N] = []
        on_path: set[N] = set()
        x = v
        while x not in depth:
            if x in on_path:
                raise InvalidError(
                    [Problem("reports_to", "", "solid reporting lines form a cycle")]
                )
            above = managers.get(x)
            if not above:
                depth[x] = max(0, int(G.nodes[x].get("seniority_level", 1)) - 1)
                break
            path.append(x)
            on_path.add(x)
            x = above[0]
        for y in reversed(path):
            depth[y] = depth[managers[y][0]] + 1
    span: dict[N, int] = dict.fromkeys(G, 0)
    for v in G:
        x = v
        while x in managers:
            x = managers[x][0]
            span[x] += 1
    return {v: depth[v] for v in G}, {v: span[v] for v in G}


def authority_scores(G: nx.DiGraph[N], *, params: AuthorityParams | None = None) -> dict[N, float]:
    """Formal authority in ``[0, 1]`` from the reporting forest.

    ``authority = w / (1 + depth) + (1 - w) * span / max_span`` with
    ``w = params.level_weight`` and depth and span from
    :func:`reporting_levels` (``span / max_span`` is 0 when nobody has reports).

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.DiGraph([("ceo", "vp", {"line": "solid"}), ("vp", "ic", {"line": "solid"})])
    >>> authority_scores(T)  # ceo: .5/1 + .5*2/2; vp: .5/2 + .5*1/2; ic: .5/3
    {'ceo': 1.0, 'vp': 0.5, 'ic': 0.16666666666666666}
    """
    p = params or AuthorityParams()
    depth, span = reporting_levels(G)
    top = max(span.values(), default=0)
    w = p.level_weight
    return {v: w / (1.0 + depth[v]) + ((1.0 - w) * span[v] / top if top else 0.0) for v in G}


def normalise_max(scores: Mapping[N, float]) -> dict[N, float]:
    """Divide by the largest value (all zeros stay zero).

    >>> normalise_max({"a": 0.2, "b": 0.4})
    {'a': 0.5, 'b': 1.0}
    """
    top = max(scores.values(), default=0.0)
    return {v: (s / top if top > 0 else 0.0) for v, s in scores.items()}
