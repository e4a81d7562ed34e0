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
    border: str | None = None
    """The swatch's border colour (default: dark grey)."""


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
    roots: tuple[str, ...] = ()
    """Org charts: the people without a manager in the account, left to right."""
    open_ids: tuple[str, ...] | None = None
    """Org charts: the managers whose reports are shown when the page opens."""
    initial: tuple[str, ...] | None = None
    """Influence maps: the people drawn when the page opens (None: every node)."""
    focus: tuple[str, ...] = ()
    """Whom the first view centres on (the chosen deal's committee), when they are many."""
    directory: list[list[str | None]] | None = None
    """``[id, name, manager]`` of everyone, when :attr:`nodes` holds only part of them
    (search finds people whose cards are fetched on demand)."""
    endpoint: str | None = None
    """Where the script fetches more (reports of a manager, ties around a person)."""
    departments: tuple[str, ...] = ()
    """Influence maps: the departments to filter by."""
    edit: JsonObject | None = None
    """Influence maps on a server's page, for a key with ``write`` scope: where the
    script sends changes of stance, roles and ties (``docs/pages.md``); None: read only."""

    @property
    def initial_nodes(self) -> list[JsonObject]:
        """The nodes shown when the page opens."""
        if self.open_ids is not None:
            opened = set(self.open_ids)
            shown: set[str] = set()
            for n in self.nodes:  # managers come before their reports
                up = n.get("parent")
                if up is None or (up in shown and up in opened):
                    shown.add(n["id"])
            return [n for n in self.nodes if n["id"] in shown]
        if self.initial is not None:
            keep = set(self.initial)
            return [n for n in self.nodes if n["id"] in keep]
        return self.nodes

    @property
    def initial_edges(self) -> list[JsonObject]:
        """The edges between initially shown nodes."""
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
            "roots": list(self.roots),
            "open": None if self.open_ids is None else list(self.open_ids),
            "initial": None if self.initial is None else list(self.initial),
            "focus": list(self.focus),
            "directory": self.directory,
            "endpoint": self.endpoint,
            "departments": list(self.departments),
            "edit": self.edit,
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
