"""A rendered-to-be view: vis-network nodes, edges and options, and what goes beside them.

A :class:`GraphView` is plain data. :func:`graphcrm.viz.render_html` turns it
into a self-contained page, :func:`graphcrm.viz.render_fragment` into a block
for a server-rendered page. The browser side (``static/graphcrm-viz.js``)
reads the JSON of :meth:`GraphView.payload` from a
``<script type="application/json">`` element, never as code.

Text is never HTML here: labels are drawn on a canvas, tooltips are plain
strings (vis-network 9 shows a string ``title`` with ``innerText``) and the
details panel is filled with ``textContent``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ViewKind = Literal["orgchart", "influence", "deal"]
JsonObject = dict[str, Any]
"""One vis-network node or edge, or an options object (JSON-ready)."""


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One line of the legend: a swatch and its meaning."""

    label: str
    color: str
    dashed: bool = False
    shape: Literal["line", "dot"] = "dot"


@dataclass(frozen=True, slots=True)
class SignalItem:
    """One risk signal beside the deal view (what was seen, no points), with the people
    it names."""

    code: str
    label: str
    message: str
    people: tuple[tuple[str, str], ...]
    """``(contact id, display name)`` of every person the evidence names."""


@dataclass(frozen=True, slots=True)
class GraphView:
    """One graph to draw (see the module docs)."""

    kind: ViewKind
    title: str
    as_of: datetime
    nodes: list[JsonObject]
    edges: list[JsonObject]
    options: JsonObject
    labels: dict[str, str]
    """Messages the script needs (details panel field names), in the view's language."""
    lang: str = "en"
    collapse_depth: int | None = None
    """Org charts only: nodes deeper than this start hidden; a click shows a node's reports."""
    legend: tuple[LegendItem, ...] = ()
    signals: tuple[SignalItem, ...] = ()
    show_risk: bool = True
    """Deal views only: list the risk signals beside the graph (not for a closed deal,
    which has an outcome instead)."""
    notes: tuple[str, ...] = field(default=())
    """Short lines shown under the title (the warm path, counts)."""

    @property
    def initial_nodes(self) -> list[JsonObject]:
        """The nodes shown when the page opens (all unless collapsed)."""
        if self.collapse_depth is None:
            return self.nodes
        return [n for n in self.nodes if int(n.get("depth", 0)) <= self.collapse_depth]

    @property
    def initial_edges(self) -> list[JsonObject]:
        """The edges between initially shown nodes."""
        if self.collapse_depth is None:
            return self.edges
        shown = {n["id"] for n in self.initial_nodes}
        return [e for e in self.edges if e["from"] in shown and e["to"] in shown]

    def payload(self, container: str) -> JsonObject:
        """What the browser script reads: the data, options and labels for ``container``."""
        return {
            "kind": self.kind,
            "container": container,
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "collapseDepth": self.collapse_depth,
            "labels": self.labels,
        }


_SCRIPT_SAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</``, ``<!--`` or ``]]>`` can appear.

    >>> script_json({"name": "</script><!--"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    return json.dumps(value, ensure_ascii=False, allow_nan=False).translate(_SCRIPT_SAFE)
