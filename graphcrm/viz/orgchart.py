"""The org chart view: a top-down hierarchy of solid lines, dotted lines dashed beside it."""

from __future__ import annotations

from typing import Final, Literal

from graphcrm.analytics import ContactScores, HiddenInfluencer, StakeholderNetwork
from graphcrm.domain import AccountId, ContactStatus, LineKind
from graphcrm.services.orgchart import OrgChart, OrgNode, build_org_chart
from graphcrm.viz.builder import Builder
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages
from graphcrm.viz.style import (
    DEPARTED_FILL,
    DOTTED_LINE,
    SOLID_LINE,
    STANCE_COLOURS,
    contact_node,
    date_text,
    view_labels,
)
from graphcrm.viz.view import GraphView, JsonObject, LegendItem

COLLAPSE_ABOVE: Final = 300
"""With ``collapse_depth="auto"``, charts with more people than this open collapsed."""
AUTO_DEPTH: Final = 2
"""The depth an automatically collapsed chart opens at (0: the roots only)."""


def _walk(chart: OrgChart) -> list[tuple[OrgNode, int, str | None]]:
    """Every node with its depth and solid manager, depth first, in chart order."""
    out: list[tuple[OrgNode, int, str | None]] = []
    stack: list[tuple[OrgNode, int, str | None]] = [(r, 0, None) for r in reversed(chart.roots)]
    while stack:
        node, depth, parent = stack.pop()
        out.append((node, depth, parent))
        stack.extend((c, depth + 1, node.contact.id) for c in reversed(node.reports))
    return out


def org_chart_view(
    net: StakeholderNetwork,
    account_id: str,
    *,
    scores: ContactScores | None = None,
    deal_id: str | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    collapse_depth: int | Literal["auto"] | None = "auto",
    lang: Lang = DEFAULT_LANG,
) -> GraphView:
    """The account's org chart as of ``net.as_of``.

    Solid lines run manager -> report and make the tree; dotted lines are
    dashed and purple. Node size is the normalised influence (``scores``);
    the colour is the stance on ``deal_id`` and the label carries the roles
    on it. People who left are grey. ``collapse_depth`` hides everyone
    deeper than it until their manager is clicked; ``"auto"`` collapses to
    :data:`AUTO_DEPTH` charts larger than :data:`COLLAPSE_ABOVE`.

    Raises
    ------
    KeyError
        ``deal_id`` is not a deal on the network.
    """
    m = Messages(lang)
    if deal_id is not None and deal_id not in net.deals:
        raise KeyError(f"deal {deal_id!r} is not on the account's graph at {net.as_of}")
    seats = net.roles.get(deal_id, {}) if deal_id is not None else {}
    marked = {h.contact_id for h in hidden}
    chart = build_org_chart(net.source, AccountId(account_id))
    walk = _walk(chart)
    if collapse_depth == "auto":
        collapse_depth = AUTO_DEPTH if len(walk) > COLLAPSE_ABOVE else None

    b = Builder()
    reports: dict[str, int] = {}
    for _node, _depth, parent in walk:
        if parent is not None:
            reports[parent] = reports.get(parent, 0) + 1
    for node, depth, parent in walk:
        c = node.contact
        b.add_node(
            contact_node(
                c,
                scores=scores,
                seat=seats.get(c.id),
                m=m,
                stance_colour=deal_id is not None,
                hidden=c.id in marked,
                extra={
                    "level": depth,
                    "depth": depth,
                    "parent": parent,
                    "reports": reports.get(c.id, 0),
                },
            )
        )
        if parent is not None:
            b.add_edge(solid_edge(parent, c.id))
    for line in net.source.reports_to:
        if line.kind is LineKind.DOTTED and line.contact_id in b and line.manager_id in b:
            b.add_edge(dotted_edge(line.manager_id, line.contact_id, m))

    account = next((a.name for a in net.source.accounts if a.id == account_id), account_id)
    departed = sum(1 for n, _, _ in walk if n.contact.status is ContactStatus.LEFT_COMPANY)
    legend = [
        LegendItem(m("solid_line"), SOLID_LINE, shape="line"),
        LegendItem(m("dotted_line"), DOTTED_LINE, dashed=True, shape="line"),
        LegendItem(m("left_company"), DEPARTED_FILL),
    ]
    if deal_id is not None:
        legend.extend(LegendItem(m.stance(s), STANCE_COLOURS[s]) for s in (2, 1, 0, -1, -2, None))
    notes = [f"{len(walk)} {m('people')} · {departed} {m('left_company')}"]
    if deal_id is not None:
        notes.append(f"{m('stance')}: {net.deals[deal_id].name}")
    return GraphView(
        kind="orgchart",
        title=f"{m('org_chart')} · {account} · {m('as_of')} {date_text(net.as_of)}",
        as_of=net.as_of,
        nodes=b.nodes,
        edges=b.edges,
        options=hierarchy_options(),
        labels=view_labels(m),
        lang=lang,
        collapse_depth=collapse_depth,
        legend=tuple(legend),
        notes=tuple(notes),
    )


def solid_edge(manager: str, report: str) -> JsonObject:
    return {
        "id": f"solid:{manager}>{report}",
        "from": manager,
        "to": report,
        "kind": "solid",
        "color": {"color": SOLID_LINE},
        "width": 1.6,
        "dashes": False,
        "arrows": "to",
    }


def dotted_edge(manager: str, report: str, m: Messages) -> JsonObject:
    return {
        "id": f"dotted:{manager}>{report}",
        "from": manager,
        "to": report,
        "kind": "dotted",
        "color": {"color": DOTTED_LINE},
        "width": 1.6,
        "dashes": [6, 6],
        "arrows": "to",
        "title": m("dotted_line"),
        "physics": False,
    }


def hierarchy_options() -> JsonObject:
    """Top-down tree, physics off; the levels come from the nodes."""
    return {
        "layout": {
            "hierarchical": {
                "enabled": True,
                "direction": "UD",
                "sortMethod": "directed",
                "shakeTowards": "roots",
                "levelSeparation": 120,
                "nodeSpacing": 115,
                "treeSpacing": 150,
                "parentCentralization": True,
            }
        },
        "physics": {"enabled": False},
        "edges": {"smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "vertical"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "nodes": {"font": {"face": "sans-serif", "multi": False}},
    }
