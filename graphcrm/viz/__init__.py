"""Stakeholder graphs as self-contained HTML: org charts, influence maps, deal views,
and a deal's win probability (:mod:`graphcrm.viz.win`).

Build a view from a :class:`~graphcrm.analytics.StakeholderNetwork` (and its
scores), then render it::

    snap = read_account(store, account_id, at=at, params=AnalyticsParams())
    view = org_chart_view(snap.net, account_id, scores=snap.scores, deal_id=deal_id)
    write_html(Path("orgchart.html"), view)

Nodes and edges are assembled with pyvis and drawn by vis-network
(:mod:`graphcrm.viz.render` inlines it: the page loads nothing from the
network). Every view is as of ``net.as_of``. User text is never HTML: see
:mod:`graphcrm.viz.view`.
"""

from graphcrm.viz.deal import deal_view, path_target, strongest_path
from graphcrm.viz.i18n import LANGS, Lang, Messages, negotiate
from graphcrm.viz.influence import influence_map_view
from graphcrm.viz.notebook import show
from graphcrm.viz.orgchart import AUTO_DEPTH, COLLAPSE_ABOVE, org_chart_view
from graphcrm.viz.render import ASSETS, asset, render_fragment, render_html, write_html
from graphcrm.viz.view import GraphView, LegendItem, SignalItem, script_json
from graphcrm.viz.win import WinPanel, render_win, win_panel

__all__ = [
    "ASSETS",
    "AUTO_DEPTH",
    "COLLAPSE_ABOVE",
    "LANGS",
    "GraphView",
    "Lang",
    "LegendItem",
    "Messages",
    "SignalItem",
    "WinPanel",
    "asset",
    "deal_view",
    "influence_map_view",
    "negotiate",
    "org_chart_view",
    "path_target",
    "render_fragment",
    "render_html",
    "render_win",
    "script_json",
    "show",
    "strongest_path",
    "win_panel",
    "write_html",
]
