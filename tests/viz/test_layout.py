"""The org chart's layout, worked out by hand (graphcrm.viz.layout), and the influence
map's (graphcrm.viz.influence.map_layout)."""

from __future__ import annotations

import math
from itertools import pairwise

from graphcrm.viz.influence import ASPECT, SPACING, map_layout
from graphcrm.viz.layout import CARD_W, COL_DROP, GAP, INDENT, LEVEL, MAX_ROWS, PITCH, tree_layout


def test_a_team_without_sub_teams_hangs_in_a_column_under_the_left_of_its_manager() -> None:
    pos = tree_layout(["m"], {"m": ["a", "b", "c"]}, {"m"})
    assert (pos["m"].x, pos["m"].y, pos["m"].attach) == (CARD_W / 2, 0.0, "root")
    for row, k in enumerate("abc"):
        assert (pos[k].x, pos[k].y, pos[k].attach) == (
            INDENT + CARD_W / 2,
            COL_DROP + row * PITCH,
            "col",
        )


def test_more_than_max_rows_start_a_second_column() -> None:
    kids = [f"k{i}" for i in range(MAX_ROWS + 1)]
    pos = tree_layout(["m"], {"m": kids}, {"m"})
    last = pos[kids[-1]]
    assert (last.x, last.y) == (INDENT + CARD_W + GAP + CARD_W / 2, COL_DROP)


def test_sub_teams_go_in_a_row_with_the_manager_centred_above() -> None:
    # m manages a (who manages a1) and b: a row; a's team is a column
    pos = tree_layout(["m"], {"m": ["a", "b"], "a": ["a1"]}, {"m", "a"})
    a_width = INDENT + CARD_W
    assert (pos["a"].x, pos["a"].y, pos["a"].attach) == (CARD_W / 2, LEVEL, "row")
    assert pos["b"].x == a_width + GAP + CARD_W / 2
    assert pos["m"].x == (pos["a"].x + pos["b"].x) / 2
    assert pos["a1"].y == LEVEL + COL_DROP


def test_closed_managers_hide_their_teams_and_the_layout_depends_only_on_the_tree() -> None:
    children = {"m": ["a", "b"], "a": ["a1", "a2"]}
    closed = tree_layout(["m"], children, {"m"})
    assert set(closed) == {"m", "a", "b"}
    assert tree_layout(["m"], children, {"m"}) == closed
    assert set(tree_layout(["m", "z"], children, set())) == {"m", "z"}


def test_the_map_is_laid_out_here_the_same_way_each_time() -> None:
    path = ["a", "b", "c", "d", "e"]
    ties = [(x, y, 0.5) for x, y in pairwise(path)]
    people = [*path, "pair1", "pair2", "alone"]
    pos = map_layout(people, [*ties, ("pair1", "pair2", 0.9)])
    assert pos == map_layout(people, [*ties, ("pair1", "pair2", 0.9)])
    assert set(pos) == set(people)

    def dist(p: str, q: str) -> float:
        return math.dist(pos[p], pos[q])

    # neighbours on the path stand nearer than its two ends
    assert dist("a", "b") < dist("a", "e")
    # the largest group is the map; the smaller group and the person alone stand below it
    bottom = max(pos[p][1] for p in path)
    assert all(pos[p][1] > bottom for p in ("pair1", "pair2", "alone"))
    assert pos["pair1"][0] < pos["pair2"][0] < pos["alone"][0]  # in the given order
    # the main group fills a box of about SPACING² a person, ASPECT times wider than high
    half_w = math.sqrt(5 * ASPECT) * SPACING / 2
    assert max(abs(pos[p][0]) for p in path) <= half_w + 0.1
    assert max(abs(pos[p][1]) for p in path) <= half_w / ASPECT + 0.1
    assert max(max(abs(pos[p][0]) / half_w, abs(pos[p][1]) * ASPECT / half_w) for p in path) > 0.99
