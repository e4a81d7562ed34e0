"""The org chart's layout, worked out by hand (graphcrm.viz.layout)."""

from __future__ import annotations

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
