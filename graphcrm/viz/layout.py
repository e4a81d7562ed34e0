"""The org chart's layout: fixed positions computed here, no physics.

A manager's reports go in a row under them when some of those reports have
reports of their own shown, else in columns of at most :data:`MAX_ROWS` cards
under the manager's left edge (the compact form of org-chart tools: a team of
twelve takes two columns, not twelve). Each subtree takes the width of its
cards; the layout depends only on the tree, its order and which managers are
open, so the same chart lays out the same way at every as-of date where the
same people are in it.

``graphcrm-viz.js`` holds the same function (``treeLayout``) to lay the chart
out again when a manager is opened in the browser; a browser test checks the
two agree.

>>> pos = tree_layout(["ceo"], {"ceo": ["a", "b"]}, {"ceo"})
>>> pos["ceo"].attach, pos["a"].attach, pos["a"].y - pos["ceo"].y, pos["b"].y - pos["a"].y
('root', 'col', 112.0, 106.0)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

CARD_W: Final = 200.0
"""Card width in chart units (one unit is one CSS pixel at zoom 1)."""
CARD_H: Final = 92.0
GAP: Final = 24.0
"""Horizontal space between neighbouring subtrees."""
LEVEL: Final = 170.0
"""Vertical distance between a manager and a row of their reports."""
PITCH: Final = CARD_H + 14.0
"""Vertical distance between two cards of a column."""
COL_DROP: Final = CARD_H + 20.0
"""From a manager's centre to the centre of the first card of their columns."""
INDENT: Final = 28.0
"""Columns start this far right of the manager's left edge (the connector runs there)."""
MAX_ROWS: Final = 8

Attach = Literal["root", "row", "col"]


@dataclass(frozen=True, slots=True)
class Place:
    """A card's centre and how it hangs from its manager."""

    x: float
    y: float
    attach: Attach


def tree_layout(
    roots: Sequence[str],
    children: Mapping[str, Sequence[str]],
    open_: Collection[str],
) -> dict[str, Place]:
    """The centre of every shown card: the roots, and the reports of open managers.

    Roots sit side by side at ``y = 0``; ``children`` gives each manager's reports
    in chart order; only the reports of managers in ``open_`` are shown.
    """
    out: dict[str, Place] = {}

    def shown(node: str) -> Sequence[str]:
        return children.get(node, ()) if node in open_ else ()

    def place(node: str, left: float, y: float, attach: Attach) -> float:
        kids = shown(node)
        if not kids:
            out[node] = Place(left + CARD_W / 2, y, attach)
            return CARD_W
        if not any(shown(k) for k in kids):
            for i, k in enumerate(kids):
                col, row = divmod(i, MAX_ROWS)
                x = left + INDENT + col * (CARD_W + GAP) + CARD_W / 2
                out[k] = Place(x, y + COL_DROP + row * PITCH, "col")
            cols = (len(kids) + MAX_ROWS - 1) // MAX_ROWS
            out[node] = Place(left + CARD_W / 2, y, attach)
            return INDENT + cols * CARD_W + (cols - 1) * GAP
        x = left
        for k in kids:
            x += place(k, x, y + LEVEL, "row") + GAP
        first, last = out[kids[0]].x, out[kids[-1]].x
        out[node] = Place((first + last) / 2, y, attach)
        return x - GAP - left

    left = 0.0
    for r in roots:
        left += place(r, left, 0.0, "root") + GAP * 2
    return out
