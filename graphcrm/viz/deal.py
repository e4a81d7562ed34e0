"""The deal view: the buying committee with our reps, the strongest warm path, the risk
signals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphcrm.analytics import (
    ContactScores,
    DealRisk,
    PathParams,
    StakeholderNetwork,
    WarmPath,
    warm_paths,
)
from graphcrm.domain import ContactStatus, DealRole, Influence, InfluenceKind, LineKind, Role
from graphcrm.errors import NotFoundError
from graphcrm.services.risk import DealAssessment
from graphcrm.viz.builder import Builder
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages
from graphcrm.viz.influence import inferred_legend, influence_edge
from graphcrm.viz.orgchart import solid_edge
from graphcrm.viz.style import (
    KIND_COLOURS,
    KNOWS_LINE,
    PATH_LINE,
    REP_FILL,
    SOLID_LINE,
    STANCE_COLOURS,
    contact_node,
    date_text,
    rep_node,
    view_labels,
)
from graphcrm.viz.view import GraphView, JsonObject, LegendItem, SignalItem


def path_target(net: StakeholderNetwork, deal_id: str, scores: ContactScores | None) -> str | None:
    """Whom the warm path should reach: the active economic buyer (the most likely
    decision maker among several), else the primary contact, else the active
    member most likely to decide; None for an empty committee."""
    seats = net.roles.get(deal_id, {})
    active = [c for c in seats if net.is_active(c)]
    if not active:
        return None

    def dm(c: str) -> tuple[float, str]:
        dm = scores.decision_maker.get(c, 0.0) if scores is not None else 0.0
        return (-dm, c)

    buyers = sorted((c for c in active if Role.ECONOMIC_BUYER in seats[c].roles), key=dm)
    if buyers:
        return buyers[0]
    primary = [c for c in active if seats[c].is_primary]
    return primary[0] if primary else sorted(active, key=dm)[0]


def strongest_path(
    net: StakeholderNetwork, target: str | None, params: PathParams | None = None
) -> WarmPath | None:
    """The strongest introduction path from any of our reps to ``target``, if any."""
    if target is None:
        return None
    try:
        found = warm_paths(net.reach, target, k=1, params=params)
    except NotFoundError:
        return None  # the target is not on the reach graph: nobody can be introduced
    return found[0] if found else None


def deal_view(
    net: StakeholderNetwork,
    assessment: DealAssessment,
    *,
    scores: ContactScores | None = None,
    path_params: PathParams | None = None,
    lang: Lang = DEFAULT_LANG,
) -> GraphView:
    """The deal's buying committee as of ``net.as_of`` with the reps tied to it,
    and everyone the risk's factors and signals name (so each can point at them).

    Nodes are coloured by stance and labelled with their roles; the
    strongest warm path from our reps to the economic buyer
    (:func:`path_target`) is drawn thick and orange; the risk signals (what
    was seen, no points: the risk is the win model's, shown beside) go beside
    the graph, each with the people its evidence names (not for a deal closed
    at ``net.as_of``: it has an outcome, not a risk).
    """
    m = Messages(lang)
    deal = assessment.deal
    seats = net.roles.get(deal.id, {})
    path = strongest_path(net, path_target(net, deal.id, scores), path_params)
    on_path = set(path.nodes) if path is not None else set()

    b = Builder()
    risk = assessment.risk
    members = set(seats) | {v for v in (on_path | _named(risk)) if v in net.contacts}
    _add_people(b, net, members, seats, deal.owner_id, on_path, scores, m)
    drawn = _add_lines(b, net, path, m)
    return GraphView(
        kind="deal",
        title=f"{m('deal_view')} · {deal.name} · {m('as_of')} {date_text(net.as_of)}",
        as_of=net.as_of,
        nodes=b.nodes,
        edges=b.edges,
        options=deal_options(),
        labels=view_labels(m),
        lang=lang,
        legend=_legend(drawn, m),
        signals=_signal_items(net, assessment, m),
        show_risk=risk is not None,
        notes=_notes(net, seats, path, m),
    )


def _named(risk: DealRisk | None) -> set[str]:
    """Everyone the risk's factors and signals name, as people or as ends of ties."""
    evidence = [
        *(f.evidence for f in (risk.factors if risk is not None else ())),
        *(s.evidence for s in (risk.signals if risk is not None else ())),
    ]
    return {
        x
        for ev in evidence
        for x in (*ev.contact_ids, *(y for e in ev.edges for y in (e.source, e.target)))
    }


def _add_people(
    b: Builder,
    net: StakeholderNetwork,
    members: set[str],
    seats: Mapping[str, DealRole],
    owner_id: str | None,
    on_path: set[str],
    scores: ContactScores | None,
    m: Messages,
) -> None:
    """The ``members`` coloured by stance, then the reps on the path, the deal's owner
    and the reps who know a member, with their "knows" lines."""
    for c in net.source.contacts:
        if c.id in members:
            b.add_node(
                contact_node(c, scores=scores, seat=seats.get(c.id), m=m, stance_colour=True)
            )
    reps = set(on_path & net.reps)
    if owner_id is not None and owner_id in net.reps:
        reps.add(owner_id)
    knows: list[tuple[str, str, float]] = []
    for u, v, w in net.rep_ties.edges(data="weight", default=0.0):
        rep, contact = (u, v) if u in net.reps else (v, u)
        if rep in net.reps and contact in members and w > 0.0:
            reps.add(rep)
            knows.append((rep, contact, float(w)))
    for r in sorted(reps):
        b.add_node(rep_node(r, net.name(r), m))

    for rep, contact, w in sorted(knows):
        b.add_edge(
            {
                "id": f"knows:{rep}>{contact}",
                "from": rep,
                "to": contact,
                "kind": "knows",
                "color": {"color": KNOWS_LINE},
                "width": round(1.0 + 4.0 * w, 2),
                "dashes": [3, 4],
                "arrows": "",
                "title": f"{m('knows')} · {m('strength')} {w:.2f}",
            }
        )


def _add_lines(
    b: Builder, net: StakeholderNetwork, path: WarmPath | None, m: Messages
) -> list[Influence]:
    """The solid reporting lines and influence ties between the people drawn, then the
    warm path; the influence ties drawn."""
    for line in net.source.reports_to:
        if line.kind is LineKind.SOLID and line.contact_id in b and line.manager_id in b:
            b.add_edge(solid_edge(line.manager_id, line.contact_id))
    drawn = [i for i in net.source.influences if i.influencer_id in b and i.influenced_id in b]
    for i in drawn:
        b.add_edge(influence_edge(i, m, net.name))
    if path is not None:
        for n, (u, v) in enumerate(zip(path.nodes, path.nodes[1:], strict=False)):
            b.add_edge(
                {
                    "id": f"path:{n}",
                    "from": u,
                    "to": v,
                    "kind": "path",
                    "color": {"color": PATH_LINE},
                    "width": 7,
                    "arrows": "to",
                    "dashes": False,
                    "title": f"{m('warm_path')} · {m('strength')} {path.strengths[n]:.2f}",
                }
            )
    return drawn


def _signal_items(
    net: StakeholderNetwork, assessment: DealAssessment, m: Messages
) -> tuple[SignalItem, ...]:
    """The risk's signals, each with the people its evidence names."""
    risk = assessment.risk
    return tuple(
        SignalItem(
            code=f.code.value,
            label=m.signal(f.code),
            message=f.message,
            people=tuple(
                (c, assessment.names.get(c, net.name(c)))
                for c in dict.fromkeys(
                    [
                        *f.evidence.contact_ids,
                        *(x for e in f.evidence.edges for x in (e.source, e.target)),
                    ]
                )
            ),
        )
        for f in (risk.signals if risk is not None else ())
    )


def _notes(
    net: StakeholderNetwork, seats: Mapping[str, DealRole], path: WarmPath | None, m: Messages
) -> tuple[str, ...]:
    """The warm path (or its absence), the committee's size and how many left."""
    departed = sum(
        1
        for c in seats
        if c in net.contacts and net.contacts[c].status is ContactStatus.LEFT_COMPANY
    )
    if path is not None:
        hops = " → ".join(net.name(v) for v in path.nodes)
        notes = [f"{m('warm_path')}: {hops} ({path.strength:.2f})"]
    else:
        notes = [m("no_warm_path")]
    notes.append(f"{m.count('n_people', len(seats))} · {departed} {m('left_company')}")
    return tuple(notes)


def _legend(drawn: Sequence[Influence], m: Messages) -> tuple[LegendItem, ...]:
    legend = [LegendItem(m.stance(s), STANCE_COLOURS[s]) for s in (2, 1, 0, -1, -2)]
    legend += [
        LegendItem(m("our_rep"), REP_FILL),
        LegendItem(m("warm_path"), PATH_LINE, shape="line"),
        LegendItem(m("knows"), KNOWS_LINE, dashed=True, shape="line"),
        LegendItem(m("solid_line"), SOLID_LINE, shape="line"),
        LegendItem(m("kind_opposes"), KIND_COLOURS[InfluenceKind.OPPOSES], shape="line"),
        *inferred_legend(drawn, m),
    ]
    return tuple(legend)


def deal_options() -> JsonObject:
    """A force layout, stabilised before it is shown."""
    return {
        "layout": {"randomSeed": 11},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 120},
            "stabilization": {"enabled": True, "iterations": 250, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150},
        "nodes": {"font": {"face": "sans-serif", "multi": False}},
    }
