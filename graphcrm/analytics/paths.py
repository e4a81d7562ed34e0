"""Warm-introduction paths and single points of failure.

Paths run on :attr:`StakeholderNetwork.reach` (who can carry a message to
whom, ``weight`` in ``(0, 1]``). A path's strength is the product of its edge
strengths, so the strongest paths are the shortest under
``cost = -log(strength)``; Yen's algorithm
(:func:`networkx.shortest_simple_paths`) lists them strongest first. Reps only
ever start a path: no path passes *through* one of our reps.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from graphcrm.analytics.params import PathParams
from graphcrm.domain import Model
from graphcrm.errors import InvalidError, NotFoundError, Problem

_SOURCE = ("__warm_path_source__",)  # a tuple: never equal to a string id


class WarmPath(Model):
    """One introduction path, first node a source, last the target."""

    nodes: tuple[str, ...]
    strengths: tuple[float, ...]
    """Strength of each hop, ``len(nodes) - 1`` of them."""
    strength: float
    """The product of the hop strengths."""


def _is_rep(G: nx.Graph[Any], v: Hashable) -> bool:
    return bool(G.nodes[v].get("kind") == "rep")


def warm_paths(
    G: nx.DiGraph[str],
    target: str,
    *,
    sources: Iterable[str] | None = None,
    k: int = 3,
    params: PathParams | None = None,
) -> list[WarmPath]:
    """The ``k`` strongest introduction paths from ``sources`` to ``target``.

    Parameters
    ----------
    G : networkx.DiGraph
        Reach ties with ``weight`` in ``(0, 1]`` and node attribute ``kind``
        (``"rep"`` or ``"contact"``), as :attr:`StakeholderNetwork.reach`.
    target : str
        The contact to reach.
    sources : iterable of str, optional
        Where paths may start: default every rep (the contacts our reps know
        are then the first hop); pass ``[champion]`` to start from the champion.
    k : int
        How many paths, at most ``params.max_k``.

    Returns
    -------
    list of WarmPath
        Strongest first; fewer than ``k`` when fewer simple paths exist.

    Raises
    ------
    NotFoundError
        ``target`` or a source is not in ``G``.
    InvalidError
        ``k`` outside ``[1, params.max_k]`` or an edge weight outside ``(0, 1]``.

    Examples
    --------
    rep -> a (0.9) -> t (0.5) beats rep -> b (0.6) -> t (0.6): 0.45 > 0.36.

    >>> G = nx.DiGraph()
    >>> G.add_node("rep", kind="rep")
    >>> G.add_weighted_edges_from([("rep", "a", .9), ("a", "t", .5), ("rep", "b", .6),
    ...                            ("b", "t", .6)])
    >>> [(p.nodes, round(p.strength, 2)) for p in warm_paths(G, "t", k=2)]
    [(('rep', 'a', 't'), 0.45), (('rep', 'b', 't'), 0.36)]
    """
    p = params or PathParams()
    if not 1 <= k <= p.max_k:
        raise InvalidError([Problem("warm_paths", "k", f"must lie in [1, {p.max_k}]")])
    if target not in G:
        raise NotFoundError("contact", target)
    starts = sorted(v for v in G if _is_rep(G, v)) if sources is None else sorted(set(sources))
    for s in starts:
        if s not in G:
            raise NotFoundError("contact", s)
    if target in starts:
        return [WarmPath(nodes=(target,), strengths=(), strength=1.0)]
    # G's nodes and the _SOURCE tuple: Any, so the paths type as G's ids
    H: nx.DiGraph[Any] = nx.DiGraph()
    H.add_nodes_from(G)
    for u, v, w in G.edges(data="weight", default=1.0):
        if not 0.0 < w <= 1.0:
            raise InvalidError([Problem(f"edge[{u} -> {v}]", "weight", "must lie in (0, 1]")])
        if _is_rep(G, v):
            continue  # a path never passes through one of our reps
        H.add_edge(u, v, cost=-math.log(w), weight=w)
    H.add_node(_SOURCE)
    H.add_edges_from((_SOURCE, s, {"cost": 0.0, "weight": 1.0}) for s in starts)
    out: list[WarmPath] = []
    try:
        for path in islice(nx.shortest_simple_paths(H, _SOURCE, target, weight="cost"), k):
            hops = tuple(float(H[u][v]["weight"]) for u, v in pairwise(path[1:]))
            strength = math.prod(hops)
            if strength < p.min_strength:
                break
            out.append(WarmPath(nodes=tuple(path[1:]), strengths=hops, strength=strength))
    except nx.NetworkXNoPath:
        return []
    return out


class SinglePointsOfFailure(Model):
    """Contacts and ties whose loss cuts our reps off from a decision maker.

    ``cut_vertices[c]`` and ``bridges[(u, v)]`` list the targets they cut off.
    """

    cut_vertices: dict[str, tuple[str, ...]]
    bridges: dict[tuple[str, str], tuple[str, ...]]
    unreachable: tuple[str, ...]
    """Targets no rep reaches at all."""


def single_points_of_failure(
    G: nx.Graph[str], targets: Iterable[str], *, sources: Iterable[str] | None = None
) -> SinglePointsOfFailure:
    """Articulation points and bridges between ``sources`` (our reps) and ``targets``.

    ``G`` is taken as undirected (a tie carries a conversation either way).
    A virtual root joins every source; a contact is a single point of failure
    for target ``t`` if it dominates ``t`` from the root (every root-to-``t``
    path passes through it: :func:`networkx.immediate_dominators` on the
    symmetric digraph); a bridge (:func:`networkx.bridges`) is one if it lies on
    a root-to-``t`` path.

    Examples
    --------
    rep - a - b - t: ``a`` and ``b`` are cut vertices, every edge a bridge.

    >>> G = nx.Graph([("rep", "a"), ("a", "b"), ("b", "t")])
    >>> G.nodes["rep"]["kind"] = "rep"
    >>> spof = single_points_of_failure(G, ["t"])
    >>> spof.cut_vertices
    {'a': ('t',), 'b': ('t',)}
    >>> sorted(spof.bridges)
    [('a', 'b'), ('a', 'rep'), ('b', 't')]
    """
    # G's nodes and the _SOURCE tuple, as in warm_paths
    U: nx.Graph[Any] = nx.Graph(G.to_undirected(as_view=True)) if G.is_directed() else nx.Graph(G)
    starts = sorted(v for v in U if _is_rep(U, v)) if sources is None else sorted(set(sources))
    goals = sorted(set(targets))
    for v in [*starts, *goals]:
        if v not in U:
            raise NotFoundError("contact", v)
    U.add_node(_SOURCE)
    U.add_edges_from((_SOURCE, s) for s in starts)
    D = U.to_directed()
    idom = nx.immediate_dominators(D, _SOURCE)
    cut: dict[str, list[str]] = {}
    unreachable: list[str] = []
    for t in goals:
        if t not in idom:
            unreachable.append(t)
            continue
        d = idom[t]
        while d != _SOURCE and d != idom.get(d, _SOURCE):
            if d not in starts:
                cut.setdefault(d, []).append(t)
            d = idom[d]
    bridges = {tuple(sorted(e)) for e in nx.bridges(U) if _SOURCE not in e}
    br: dict[tuple[str, str], list[str]] = {}
    for t in goals:
        if t in unreachable or t in starts:
            continue
        path = nx.shortest_path(U, _SOURCE, t)
        for u, v in pairwise(path[1:]):
            e = (min(u, v), max(u, v))
            if e in bridges:
                br.setdefault(e, []).append(t)
    return SinglePointsOfFailure(
        cut_vertices={c: tuple(ts) for c, ts in sorted(cut.items())},
        bridges={e: tuple(ts) for e, ts in sorted(br.items())},
        unreachable=tuple(unreachable),
    )
