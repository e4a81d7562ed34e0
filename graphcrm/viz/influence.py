"""The influence map: a force layout of who influences whom."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from graphcrm.analytics import ContactScores, HiddenInfluencer, StakeholderNetwork
from graphcrm.domain import ContactStatus, Influence, InfluenceKind, InfluenceSource
from graphcrm.viz.builder import Builder
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages
from graphcrm.viz.style import (
    DEPARTED_FILL,
    HIDDEN_BORDER,
    INFERRED_DASHES,
    INFERRED_LINE,
    KIND_COLOURS,
    contact_node,
    date_text,
    view_labels,
)
from graphcrm.viz.view import GraphView, JsonObject, LegendItem

ISOLATED_UP_TO: Final = 300
"""Larger accounts leave people without any influence tie off the map by default."""

_ROUNDNESS = {
    InfluenceKind.ADVISES: 0.1,
    InfluenceKind.TRUSTS: 0.25,
    InfluenceKind.SPONSORS: 0.4,
    InfluenceKind.OPPOSES: 0.55,
}


def width_of(strength: float) -> float:
    """Edge width from a 0..1 strength.

    >>> width_of(0.0), width_of(1.0)
    (1.0, 7.0)
    """
    return round(1.0 + 6.0 * min(max(strength, 0.0), 1.0), 2)


def influence_edge(i: Influence, m: Messages) -> JsonObject:
    """One influence tie, influencer -> influenced, width by strength, colour by kind.

    An inferred tie (``source = inferred``, :mod:`graphcrm.analytics.inferred`) is
    drawn dashed and lighter, and its tooltip says "inferred".
    """
    inferred = i.source is InfluenceSource.INFERRED
    title = f"{m('kind_' + i.kind.value)} · {m('strength')} {i.strength:.2f}"
    return {
        "id": f"{i.kind.value}:{i.influencer_id}>{i.influenced_id}",
        "from": i.influencer_id,
        "to": i.influenced_id,
        "kind": i.kind.value,
        "inferred": inferred,
        "width": width_of(i.strength),
        "color": {"color": KIND_COLOURS[i.kind], "opacity": 0.45 if inferred else 0.85},
        "arrows": "to",
        "dashes": list(INFERRED_DASHES) if inferred else False,
        "smooth": {"enabled": True, "type": "curvedCW", "roundness": _ROUNDNESS[i.kind]},
        "title": f"{m('inferred')} · {title}" if inferred else title,
    }


def inferred_legend(ties: Iterable[Influence], m: Messages) -> list[LegendItem]:
    """The legend line for inferred ties, when ``ties`` has any."""
    if any(i.source is InfluenceSource.INFERRED for i in ties):
        return [LegendItem(m("inferred_tie"), INFERRED_LINE, dashed=True, shape="line")]
    return []


def influence_map_view(
    net: StakeholderNetwork,
    account_id: str,
    *,
    scores: ContactScores | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    isolated: bool | None = None,
    lang: Lang = DEFAULT_LANG,
) -> GraphView:
    """The account's influence ties in force at ``net.as_of``, in a force layout.

    Nodes: the account's active contacts and anyone at either end of a tie
    (people who left are grey). Edges: one per tie and kind, influencer ->
    influenced, width by strength, colour by kind (``opposes`` red); inferred
    ties dashed and lighter, named so in their tooltip and the legend. Hidden
    influencers are drawn as gold-bordered stars.

    ``isolated``: whether to draw active people without any tie; by default
    only in accounts of at most :data:`ISOLATED_UP_TO` people (a force layout
    of thousands of unconnected dots helps nobody and takes minutes).
    """
    m = Messages(lang)
    marked = {h.contact_id for h in hidden}
    ties = [
        i
        for i in net.source.influences
        if i.influencer_id in net.contacts and i.influenced_id in net.contacts
    ]
    ends = {x for i in ties for x in (i.influencer_id, i.influenced_id)}
    members = [c for c in net.source.contacts if c.account_id == account_id]
    if isolated is None:
        isolated = len(members) <= ISOLATED_UP_TO
    b = Builder()
    omitted = 0
    for c in net.source.contacts:
        if c.id not in ends:
            if c.account_id != account_id or c.status is ContactStatus.LEFT_COMPANY:
                continue
            if not isolated:
                omitted += 1
                continue
        b.add_node(
            contact_node(
                c, scores=scores, seat=None, m=m, stance_colour=False, hidden=c.id in marked
            )
        )
    for i in ties:
        b.add_edge(influence_edge(i, m))

    account = next((a.name for a in net.source.accounts if a.id == account_id), account_id)
    legend = [
        LegendItem(m("kind_" + k.value), KIND_COLOURS[k], shape="line") for k in InfluenceKind
    ]
    legend += inferred_legend(ties, m)
    legend += [
        LegendItem(m("hidden_influencer"), HIDDEN_BORDER),
        LegendItem(m("left_company"), DEPARTED_FILL),
    ]
    return GraphView(
        kind="influence",
        title=f"{m('influence_map')} · {account} · {m('as_of')} {date_text(net.as_of)}",
        as_of=net.as_of,
        nodes=b.nodes,
        edges=b.edges,
        options=force_options(len(b.nodes)),
        labels=view_labels(m),
        lang=lang,
        legend=tuple(legend),
        notes=tuple(
            [f"{len(b.nodes)} {m('people')} · {len(marked)} {m('hidden_influencer')}"]
            + ([f"{m('no_ties_omitted')}: {omitted}"] if omitted else [])
        ),
    )


def force_options(n: int) -> JsonObject:
    """A Barnes-Hut force layout that stabilises before it is shown; the script then
    turns physics off so the page stays still."""
    return {
        "layout": {"randomSeed": 7, "improvedLayout": n <= 150},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "springConstant": 0.03,
                "damping": 0.3,
                "avoidOverlap": 0.2,
            },
            "stabilization": {"enabled": True, "iterations": 300, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150},
        "nodes": {"font": {"face": "sans-serif", "multi": False}},
    }
