"""The org chart view: one card a person, laid out here as a tree (no physics).

Each card shows the name, the title, the roles and stance on the chosen deal,
the health and the days since the last touch; its fill is the stance. Solid
lines are drawn by the browser script as straight elbow connectors from the
positions computed by :func:`graphcrm.viz.layout.tree_layout`; dotted lines are
purple dashed edges. Large charts open with some managers closed (their reports
are fetched or shown on a click, and the layout is computed again).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from graphcrm.analytics import ContactScores, HiddenInfluencer, StakeholderNetwork
from graphcrm.domain import AccountId, Contact, ContactStatus, DealRole, LineKind, ReportsTo
from graphcrm.services.orgchart import OrgChart, OrgNode, build_org_chart
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages
from graphcrm.viz.layout import CARD_H, CARD_W, tree_layout
from graphcrm.viz.style import (
    BORDER,
    DEPARTED_BORDER,
    DEPARTED_FILL,
    DEPARTED_FONT,
    DOTTED_LINE,
    FONT,
    HIDDEN_BORDER,
    SOLID_LINE,
    STANCE_COLOURS,
    STANCE_TINTS,
    contact_rows,
    date_text,
    role_badges,
    tooltip,
    view_labels,
)
from graphcrm.viz.view import GraphView, JsonObject, LegendItem

COLLAPSE_ABOVE: Final = 300
"""With ``collapse_depth="auto"``, charts with more people than this open collapsed."""
AUTO_DEPTH: Final = 2
"""The depth an automatically collapsed chart opens at (0: the roots only)."""
LINE_CHARS: Final = 26
"""A card line longer than this is cut with an ellipsis (the tooltip has it whole)."""


@dataclass(frozen=True, slots=True)
class Tree:
    """The chart as plain maps: roots, reports in order, solid manager, depth."""

    roots: tuple[str, ...]
    children: dict[str, tuple[str, ...]]
    parent: dict[str, str | None]
    depth: dict[str, int]
    contacts: dict[str, Contact]

    @classmethod
    def of(cls, chart: OrgChart) -> Tree:
        children: dict[str, tuple[str, ...]] = {}
        parent: dict[str, str | None] = {}
        depth: dict[str, int] = {}
        contacts: dict[str, Contact] = {}
        stack: list[tuple[OrgNode, int, str | None]] = [(r, 0, None) for r in reversed(chart.roots)]
        while stack:
            node, d, up = stack.pop()
            cid = node.contact.id
            contacts[cid] = node.contact
            parent[cid] = up
            depth[cid] = d
            if node.reports:
                children[cid] = tuple(k.contact.id for k in node.reports)
            stack.extend((k, d + 1, cid) for k in reversed(node.reports))
        return cls(tuple(r.contact.id for r in chart.roots), children, parent, depth, contacts)

    def ancestors(self, cid: str) -> list[str]:
        out: list[str] = []
        up = self.parent.get(cid)
        while up is not None:
            out.append(up)
            up = self.parent.get(up)
        return out

    def shown(self, open_: Collection[str]) -> list[str]:
        """The roots and the reports of open managers, depth first in chart order."""
        out: list[str] = []
        stack = list(reversed(self.roots))
        while stack:
            cid = stack.pop()
            out.append(cid)
            if cid in open_:
                stack.extend(reversed(self.children.get(cid, ())))
        return out


def _clip(text: str, n: int = LINE_CHARS) -> str:
    """``text`` on one card line.

    >>> _clip("Head of Procurement and Strategic Sourcing", 20)
    'Head of Procurement…'
    """
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def card_node(
    net: StakeholderNetwork,
    tree: Tree,
    cid: str,
    *,
    scores: ContactScores | None,
    seat: DealRole | None,
    with_deal: bool,
    hidden: bool,
    m: Messages,
) -> JsonObject:
    """One person's card (a vis-network box; positions are added by the view)."""
    c = tree.contacts[cid]
    departed = c.status is ContactStatus.LEFT_COMPANY
    rows = contact_rows(c, scores=scores, seat=seat, m=m, hidden=hidden)
    lines = [_clip(("★ " if hidden else "") + c.name)]
    lines.append(_clip(c.title or c.department or c.seniority.value.replace("_", " ")))
    if departed:
        lines.append(f"({m('left_company')})")
    elif with_deal:
        badges = role_badges(seat, m)
        stance = m.stance(seat.stance if seat is not None else None)
        lines.append(_clip(f"{badges} · {stance}" if badges else stance))
    elif c.department and c.title:
        lines.append(_clip(c.department))
    touch = net.engagement.get(cid)
    days = None if touch is None else max(0, (net.as_of - touch.last_at).days)
    last = m("no_touch") if days is None else m.format("days_ago", n=days)
    if scores is not None and cid in scores.health:
        lines.append(_clip(f"{m('health')} {scores.health[cid].score:.0f} · {last}"))
    else:
        lines.append(_clip(last))
    if days is not None:
        rows.append([m("days_since"), str(days)])
    stance_key = seat.stance if seat is not None else None
    fill = DEPARTED_FILL if departed else (STANCE_TINTS[stance_key] if with_deal else "#ffffff")
    border = (
        DEPARTED_BORDER
        if departed
        else HIDDEN_BORDER
        if hidden
        else (STANCE_COLOURS[stance_key] if with_deal and seat is not None else BORDER)
    )
    return {
        "id": cid,
        "label": "\n".join(lines),
        "title": tooltip(c.name, rows),
        "shape": "box",
        "margin": {"top": 6, "bottom": 6, "left": 8, "right": 8},
        "widthConstraint": {"minimum": CARD_W, "maximum": CARD_W},
        "heightConstraint": {"minimum": CARD_H, "valign": "middle"},
        "borderWidth": 4 if hidden else (2.5 if with_deal and seat is not None else 1),
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": "#fff3b0", "border": "#333333"},
            "hover": {"background": fill, "border": "#1f2933"},
        },
        "font": {"color": DEPARTED_FONT if departed else FONT, "size": 13, "align": "left"},
        "category": "departed" if departed else "contact",
        "stance": stance_key,
        "seat": seat is not None,
        "hiddenInfluencer": hidden,
        "depth": tree.depth[cid],
        "level": tree.depth[cid],
        "parent": tree.parent[cid],
        "reports": len(tree.children.get(cid, ())),
        "search": c.name,
        "info": {"name": c.name, "kind": "contact", "rows": rows},
    }


def initial_open(
    tree: Tree, collapse_depth: int | None, focus: Iterable[str] = ()
) -> frozenset[str]:
    """The managers open when the chart opens: all (``collapse_depth`` None), else those
    above ``collapse_depth`` and every manager above a ``focus`` person."""
    managers = set(tree.children)
    if collapse_depth is None:
        return frozenset(managers)
    out = {c for c in managers if tree.depth[c] < collapse_depth}
    for f in focus:
        if f in tree.contacts:
            out.update(tree.ancestors(f))
    return frozenset(out)


def org_chart_view(
    net: StakeholderNetwork,
    account_id: str,
    *,
    scores: ContactScores | None = None,
    deal_id: str | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    collapse_depth: int | Literal["auto"] | None = "auto",
    embed: Literal["all", "shown"] = "all",
    endpoint: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> GraphView:
    """The account's org chart as of ``net.as_of``, one card a person.

    ``collapse_depth`` closes the managers at that depth and below (their
    reports appear on a click); ``"auto"`` closes at :data:`AUTO_DEPTH` charts
    larger than :data:`COLLAPSE_ABOVE`, keeping open every manager above a
    member of ``deal_id``'s committee. ``embed="shown"`` puts only the shown
    cards (and a name index for search) in the page, for a server that answers
    the script's requests for more at ``endpoint`` (see ``docs/pages.md``);
    ``"all"`` (files, notebooks) puts every card in.

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
    tree = Tree.of(build_org_chart(net.source, AccountId(account_id)))
    committee = [c for c in seats if c in tree.contacts]
    if collapse_depth == "auto":
        collapse_depth = AUTO_DEPTH if len(tree.contacts) > COLLAPSE_ABOVE else None
    opened = initial_open(tree, collapse_depth, committee)
    shown = tree.shown(opened)
    places = tree_layout(tree.roots, tree.children, opened)
    embedded = list(tree.contacts) if embed == "all" else shown
    nodes = cards(net, tree, embedded, scores=scores, deal_id=deal_id, hidden=marked, m=m)
    for n in nodes:
        p = places.get(n["id"])
        if p is not None:
            n.update(x=p.x, y=p.y, attach=p.attach)
    edges = [solid_edge(up, c) for c in embedded if (up := tree.parent[c]) is not None]
    dotted = _dotted_lines(net, tree)
    edges += [dotted_edge(line.manager_id, line.contact_id, m) for line in dotted]

    account = next((a.name for a in net.source.accounts if a.id == account_id), account_id)
    departed = sum(1 for c in tree.contacts.values() if c.status is ContactStatus.LEFT_COMPANY)
    notes = [f"{m.count('n_people', len(tree.contacts))} · {departed} {m('left_company')}"]
    if deal_id is not None:
        notes.append(f"{m('stance')}: {net.deals[deal_id].name}")
    if len(shown) < len(tree.contacts):
        notes.append(m("chart_open"))
    directory = (
        None
        if embed == "all"
        else [[c, tree.contacts[c].name, tree.parent[c]] for c in tree.contacts]
    )
    legend = _chart_legend(tree, dotted, seats if deal_id is not None else None, marked, m)
    return GraphView(
        kind="orgchart",
        title=f"{m('org_chart')} · {account} · {m('as_of')} {date_text(net.as_of)}",
        as_of=net.as_of,
        nodes=nodes,
        edges=edges,
        options=chart_options(),
        labels=view_labels(m),
        lang=lang,
        collapse_depth=collapse_depth,
        legend=legend,
        notes=tuple(notes),
        roots=tree.roots,
        open_ids=tuple(sorted(opened)),
        focus=tuple(committee),
        directory=directory,
        endpoint=endpoint,
    )


def _dotted_lines(net: StakeholderNetwork, tree: Tree) -> list[ReportsTo]:
    """The dotted reporting lines between people on the chart."""
    return [
        line
        for line in net.source.reports_to
        if line.kind is LineKind.DOTTED
        and line.contact_id in tree.contacts
        and line.manager_id in tree.contacts
    ]


def _chart_legend(
    tree: Tree,
    dotted: Sequence[ReportsTo],
    seats: Mapping[str, DealRole] | None,
    marked: set[str],
    m: Messages,
) -> tuple[LegendItem, ...]:
    """What the chart draws: solid and dotted lines, the stances on a deal (when its
    ``seats`` are given), hidden influencers, people who left."""
    departed = any(c.status is ContactStatus.LEFT_COMPANY for c in tree.contacts.values())
    legend: list[LegendItem] = []
    if tree.children:
        legend.append(LegendItem(m("solid_line"), SOLID_LINE, shape="line"))
    if dotted:
        legend.append(LegendItem(m("dotted_line"), DOTTED_LINE, dashed=True, shape="line"))
    if seats is not None:
        present = {seats[c].stance if c in seats else None for c in tree.contacts}
        legend.extend(
            LegendItem(m.stance(s), STANCE_TINTS[s], border=STANCE_COLOURS[s])
            for s in (2, 1, 0, -1, -2, None)
            if s in present
        )
    if marked & tree.contacts.keys():
        legend.append(LegendItem(m("hidden_star"), "#ffffff", border=HIDDEN_BORDER))
    if departed:
        legend.append(LegendItem(m("left_company"), DEPARTED_FILL, border=DEPARTED_BORDER))
    return tuple(legend)


def cards(
    net: StakeholderNetwork,
    tree: Tree,
    ids: Iterable[str],
    *,
    scores: ContactScores | None,
    deal_id: str | None,
    hidden: Collection[str],
    m: Messages,
) -> list[JsonObject]:
    """The cards of ``ids`` (no positions)."""
    seats: Mapping[str, DealRole] = net.roles.get(deal_id, {}) if deal_id is not None else {}
    return [
        card_node(
            net,
            tree,
            cid,
            scores=scores,
            seat=seats.get(cid),
            with_deal=deal_id is not None,
            hidden=cid in hidden,
            m=m,
        )
        for cid in ids
    ]


def reports_of(
    net: StakeholderNetwork,
    account_id: str,
    managers: Iterable[str],
    *,
    scores: ContactScores | None = None,
    deal_id: str | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    lang: Lang = DEFAULT_LANG,
) -> list[JsonObject]:
    """The cards of the direct reports of ``managers`` (the script asks for them when a
    manager is opened); unknown managers have none.

    Raises
    ------
    KeyError
        ``deal_id`` is not a deal on the network.
    """
    if deal_id is not None and deal_id not in net.deals:
        raise KeyError(f"deal {deal_id!r} is not on the account's graph at {net.as_of}")
    tree = Tree.of(build_org_chart(net.source, AccountId(account_id)))
    ids = [k for mgr in dict.fromkeys(managers) for k in tree.children.get(mgr, ())]
    marked = {h.contact_id for h in hidden}
    return cards(net, tree, ids, scores=scores, deal_id=deal_id, hidden=marked, m=Messages(lang))


def solid_edge(manager: str, report: str) -> JsonObject:
    """A reporting line; on the org chart the script draws it as an elbow connector."""
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
        "width": 2,
        "dashes": [4, 5],
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25},
        "title": m("dotted_line"),
        "physics": False,
    }


def chart_options() -> JsonObject:
    """Fixed positions (from :func:`graphcrm.viz.layout.tree_layout`), physics off; the
    wheel scrolls the page (the script zooms on Ctrl + wheel)."""
    return {
        "layout": {"hierarchical": {"enabled": False}, "improvedLayout": False},
        "physics": {"enabled": False},
        "edges": {"smooth": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "navigationButtons": False,
            "zoomView": False,
            "dragNodes": False,
        },
        "nodes": {"font": {"face": "sans-serif", "multi": False}, "fixed": True},
    }
