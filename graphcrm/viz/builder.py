"""Assembling nodes and edges with pyvis.

pyvis's :class:`~pyvis.network.Network` collects the vis-network node and
edge dictionaries; we use it for that only and render with our own template
(its template loads vis-network and Bootstrap from CDNs). Its membership
checks scan a list for every node and edge, quadratic on a 5,000-person org
chart, so :func:`new_network` swaps that list for one with a set beside it.

pyvis is imported on first use: it pulls IPython in, about a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphcrm.viz.view import JsonObject


class _IndexedIds(list[Any]):
    """A list of node ids with constant-time membership."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


class Builder:
    """A directed pyvis network; :meth:`add_node` and :meth:`add_edge` take vis options."""

    def __init__(self) -> None:
        from pyvis.network import Network

        self._net = Network(directed=True, cdn_resources="remote")
        self._net.node_ids = _IndexedIds()

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._net.node_ids

    def add_node(self, node: JsonObject) -> None:
        options = dict(node)
        node_id = options.pop("id")
        label = options.pop("label")
        shape = options.pop("shape", "dot")
        color = options.pop("color", "#97c2fc")
        self._net.add_node(node_id, label=label, shape=shape, color=color, **options)

    def add_nodes(self, nodes: Iterable[JsonObject]) -> None:
        for node in nodes:
            self.add_node(node)

    def add_edge(self, edge: JsonObject) -> None:
        options = dict(edge)
        self._net.add_edge(options.pop("from"), options.pop("to"), **options)

    @property
    def nodes(self) -> list[JsonObject]:
        nodes: list[JsonObject] = self._net.nodes
        return nodes

    @property
    def edges(self) -> list[JsonObject]:
        edges: list[JsonObject] = self._net.edges
        return edges
