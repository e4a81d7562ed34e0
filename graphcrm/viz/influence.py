"""The influence map: who influences whom, coloured by stance on the chosen deal.

Nodes are the account's people at either end of an influence tie (and, in
small accounts, everyone active) and our reps tied to them; edges are the
ties, influencer -> influenced, width by strength, colour by kind; inferred
ties dashed and lighter. Large accounts open on the chosen deal's committee
and the people a step or two away from it, or on the most influential people;
the script grows the map around a person on request and filters it by kind,
strength and department.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Final, Literal, NamedTuple

import networkx as nx

from graphcrm.analytics import ContactScores, HiddenInfluencer, StakeholderNetwork
from graphcrm.domain import (
    Contact,
    ContactStatus,
    DealRole,
    Influence,
    InfluenceKind,
    InfluenceSource,
)
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages
from graphcrm.viz.style import (
    DEPARTED_FILL,
    HIDDEN_BORDER,
    INFERRED_DASHES,
    INFERRED_LINE,
    KIND_COLOURS,
    KNOWS_LINE,
    REP_FILL,
    STANCE_COLOURS,
    contact_node,
    date_text,
    rep_node,
    view_labels,
)
from graphcrm.viz.view import GraphView, JsonObject, LegendItem

ISOLATED_UP_TO: Final = 300
"""Larger accounts leave people without any influence tie off the map by default."""
MAP_LIMIT: Final = 120
"""A map with more people than this opens on part of them (see :func:`opening_set`)."""
STEPS: Final = 2
"""How many ties away from the committee the first view of a large map reaches."""
SPACING: Final = 150.0
"""Chart units of width and height per person on the laid-out map (one unit is one CSS
pixel at zoom 1): the map of ``n`` people spans about ``n × SPACING²``."""
ASPECT: Final = 1.6
"""Width over height of the laid-out map (the map's box on the pages is wide)."""

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


def tie_sentence(i: Influence, m: Messages, name: Callable[[str], str]) -> str:
    """The tie in words: "Ayşe advises Mehmet (0.74)" (``trusts`` reads the other way:
    the influenced trusts the influencer).

    >>> from graphcrm.domain import ContactId
    >>> tie = Influence(influencer_id=ContactId("a"), influenced_id=ContactId("m"),
    ...                 kind=InfluenceKind.ADVISES, strength=0.74)
    >>> names = {"a": "Ayşe", "m": "Mehmet"}.__getitem__
    >>> tie_sentence(tie, Messages("en"), names), tie_sentence(tie, Messages("tr"), names)
    ('Ayşe advises Mehmet (0.74)', 'Ayşe, Mehmet kişisine danışmanlık yapıyor (0,74)')
    """
    return m.format(
        f"tie_{i.kind.value}",
        a=name(i.influencer_id),
        b=name(i.influenced_id),
        s=m.number(i.strength),
    )


def influence_edge(
    i: Influence, m: Messages, name: Callable[[str], str] | None = None
) -> JsonObject:
    """One influence tie, influencer -> influenced, width by strength, colour by kind.

    Its tooltip is the tie in words (:func:`tie_sentence`; with ``name`` the people's
    names, else their ids). An inferred tie (``source = inferred``,
    :mod:`graphcrm.analytics.inferred`) is drawn dashed and lighter, and its tooltip
    says "inferred".
    """
    inferred = i.source is InfluenceSource.INFERRED
    title = tie_sentence(i, m, name or str)
    return {
        "id": f"{i.kind.value}:{i.influencer_id}>{i.influenced_id}",
        "from": i.influencer_id,
        "to": i.influenced_id,
        "kind": i.kind.value,
        "strength": i.strength,
        "inferred": inferred,
        "width": width_of(i.strength),
        "color": {"color": KIND_COLOURS[i.kind], "opacity": 0.45 if inferred else 0.85},
        "arrows": "to",
        "dashes": list(INFERRED_DASHES) if inferred else False,
        "smooth": {"enabled": True, "type": "curvedCW", "roundness": _ROUNDNESS[i.kind]},
        "title": f"{m('inferred')} · {title}" if inferred else title,
    }


def rep_edge(
    rep: str, contact: str, weight: float, m: Messages, name: Callable[[str], str]
) -> JsonObject:
    """One of our reps' ties to a person (dashed grey, no arrow)."""
    return {
        "id": f"knows:{rep}>{contact}",
        "from": rep,
        "to": contact,
        "kind": "knows",
        "strength": weight,
        "color": {"color": KNOWS_LINE},
        "width": round(1.0 + 4.0 * weight, 2),
        "dashes": [3, 4],
        "arrows": "",
        "title": m.format("tie_rep", a=name(rep), b=name(contact), s=m.number(weight)),
    }


def inferred_legend(ties: Iterable[Influence], m: Messages) -> list[LegendItem]:
    """The legend line for inferred ties, when ``ties`` has any."""
    if any(i.source is InfluenceSource.INFERRED for i in ties):
        return [LegendItem(m("inferred_tie"), INFERRED_LINE, dashed=True, shape="line")]
    return []


def _map_extra(contact: Contact, seated: bool) -> JsonObject:
    """Map-only node options: the department (the filter reads it), larger labels, and a
    committee member at least mid-sized so its stance colour shows."""
    return {"department": contact.department or "", "seat": seated}


def _on_map(nodes: list[JsonObject]) -> list[JsonObject]:
    """Larger labels on the map, and committee members at least mid-sized."""
    for n in nodes:
        n["font"] = {**n["font"], "size": 16}
        if n.get("seat"):
            n["size"] = max(float(n["size"]), 18.0)
    return nodes


def _ties(net: StakeholderNetwork) -> list[Influence]:
    return [
        i
        for i in net.source.influences
        if i.influencer_id in net.contacts and i.influenced_id in net.contacts
    ]


def _rep_ties(net: StakeholderNetwork, people: Collection[str]) -> list[tuple[str, str, float]]:
    out: list[tuple[str, str, float]] = []
    for u, v, w in net.rep_ties.edges(data="weight", default=0.0):
        rep, contact = (u, v) if u in net.reps else (v, u)
        if rep in net.reps and contact in people and w > 0.0:
            out.append((rep, contact, float(w)))
    return sorted(out)


def opening_set(
    people: list[str],
    ties: list[Influence],
    *,
    committee: Collection[str],
    influence: Callable[[str], float],
    limit: int = MAP_LIMIT,
    steps: int = STEPS,
) -> tuple[list[str], str]:
    """Whom a map opens on: everyone if at most ``limit``; else the committee and the
    people up to ``steps`` ties from it (nearest first, then by influence) up to
    ``limit``; without a committee on the map, the ``limit`` most influential. Returns
    the people and which rule chose them (``all``, ``committee`` or ``top``).

    >>> tie = lambda a, b: Influence(influencer_id=a, influenced_id=b,
    ...                              kind=InfluenceKind.ADVISES, strength=0.5)
    >>> ties = [tie("a", "b"), tie("b", "c"), tie("c", "d")]
    >>> opening_set(list("abcde"), ties, committee={"a"}, influence=lambda c: 0, limit=3)
    (['a', 'b', 'c'], 'committee')
    >>> opening_set(list("abcde"), ties, committee=set(), influence="abcde".index, limit=2)
    (['e', 'd'], 'top')
    """
    if len(people) <= limit:
        return people, "all"
    known = set(people)
    seeds = [c for c in people if c in committee]
    if not seeds:
        return sorted(people, key=lambda c: (-influence(c), c))[:limit], "top"
    around: dict[str, list[str]] = {}
    for i in ties:
        around.setdefault(i.influencer_id, []).append(i.influenced_id)
        around.setdefault(i.influenced_id, []).append(i.influencer_id)
    dist = dict.fromkeys(seeds, 0)
    queue = deque(seeds)
    while queue:
        c = queue.popleft()
        if dist[c] >= steps:
            continue
        for n in around.get(c, ()):
            if n in known and n not in dist:
                dist[n] = dist[c] + 1
                queue.append(n)
    chosen = sorted(dist, key=lambda c: (dist[c], -influence(c), c))
    return chosen[: max(limit, len(seeds))], "committee"


def influence_map_view(
    net: StakeholderNetwork,
    account_id: str,
    *,
    scores: ContactScores | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    isolated: bool | None = None,
    deal_id: str | None = None,
    limit: int = MAP_LIMIT,
    steps: int = STEPS,
    embed: Literal["all", "shown"] = "all",
    endpoint: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> GraphView:
    """The account's influence ties in force at ``net.as_of``, in a force layout.

    Nodes: the account's active contacts and anyone at either end of a tie
    (people who left are grey), coloured by stance on ``deal_id`` when given,
    and our reps tied to them (blue boxes, their ties dashed grey). Edges: one
    per tie and kind, influencer -> influenced, width by strength, colour by
    kind (``opposes`` red), a tooltip that says it in words (:func:`tie_sentence`);
    inferred ties dashed and lighter. Hidden influencers are gold-bordered stars.
    The legend lists only what the first view draws.

    ``isolated``: whether to draw active people without any tie; by default
    only in accounts of at most :data:`ISOLATED_UP_TO` people. A map of more
    than ``limit`` people opens on part of them (:func:`opening_set`);
    ``embed="all"`` puts the rest in the page for the script to grow into,
    ``"shown"`` leaves it to the server at ``endpoint``.

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
    ties = _ties(net)
    o = _open_map(net, account_id, ties, set(seats), scores, isolated, limit=limit, steps=steps)
    first = set(o.opening)
    embedded = set(o.people) if embed == "all" else first
    d = _draw_map(net, o, embedded, ties, seats, marked, scores, deal_id is not None, m)
    account = next((a.name for a in net.source.accounts if a.id == account_id), account_id)
    departments = sorted({c.department for c in o.members if c.department})
    return GraphView(
        kind="influence",
        title=f"{m('influence_map')} · {account} · {m('as_of')} {date_text(net.as_of)}",
        as_of=net.as_of,
        nodes=d.nodes,
        edges=d.edges,
        options=still_options(),
        labels=view_labels(m),
        lang=lang,
        legend=_map_legend(d, first, seats if deal_id is not None else None, marked, m),
        notes=_map_notes(net, o, len(marked), deal_id, steps, m),
        initial=None if o.rule == "all" else (*o.opening, *sorted(d.first_reps)),
        focus=tuple(c for c in o.opening if c in seats),
        endpoint=endpoint,
        departments=tuple(departments),
    )


class _Opening(NamedTuple):
    """Whom a map holds and whom it opens on (:func:`opening_set`)."""

    members: list[Contact]
    people: list[str]
    omitted: int
    opening: list[str]
    rule: str


def _open_map(
    net: StakeholderNetwork,
    account_id: str,
    ties: list[Influence],
    committee: set[str],
    scores: ContactScores | None,
    isolated: bool | None,
    *,
    limit: int,
    steps: int,
) -> _Opening:
    """The account's people on the map (those without ties only when ``isolated``, by
    default in small accounts; the others counted as omitted) and the opening set."""
    ends = {x for i in ties for x in (i.influencer_id, i.influenced_id)}
    members = [c for c in net.source.contacts if c.account_id == account_id]
    if isolated is None:
        isolated = len(members) <= ISOLATED_UP_TO
    people: list[str] = []
    omitted = 0
    for c in net.source.contacts:
        if c.id not in ends:
            if c.account_id != account_id or c.status is ContactStatus.LEFT_COMPANY:
                continue
            if not isolated:
                omitted += 1
                continue
        people.append(c.id)

    def influence(c: str) -> float:
        return scores.influence_norm.get(c, 0.0) if scores is not None else 0.0

    opening, rule = opening_set(
        people, ties, committee=committee, influence=influence, limit=limit, steps=steps
    )
    return _Opening(members, people, omitted, opening, rule)


class _Drawn(NamedTuple):
    """The map's nodes and edges, with what its first view shows of them."""

    nodes: list[JsonObject]
    edges: list[JsonObject]
    contacts: dict[str, Contact]
    first_reps: set[str]
    drawn: list[Influence]


def _draw_map(
    net: StakeholderNetwork,
    o: _Opening,
    embedded: set[str],
    ties: Sequence[Influence],
    seats: Mapping[str, DealRole],
    marked: set[str],
    scores: ContactScores | None,
    stance_colour: bool,
    m: Messages,
) -> _Drawn:
    """The ``embedded`` people and the reps tied to them with their ties; the first
    view's people and reps laid out (:func:`map_layout`)."""
    first = set(o.opening)
    contacts: dict[str, Contact] = {c.id: c for c in net.source.contacts}
    nodes = _on_map(
        [
            contact_node(
                contacts[c],
                scores=scores,
                seat=seats.get(c),
                m=m,
                stance_colour=stance_colour,
                hidden=c in marked,
                extra=_map_extra(contacts[c], c in seats),
            )
            for c in o.people
            if c in embedded
        ]
    )
    edges = [
        influence_edge(i, m, net.name)
        for i in ties
        if i.influencer_id in embedded and i.influenced_id in embedded
    ]
    reps = _rep_ties(net, embedded)
    rep_ids = sorted({r for r, _, _ in reps})
    nodes += [rep_node(r, net.name(r), m) for r in rep_ids]
    edges += [rep_edge(r, c, w, m, net.name) for r, c, w in reps]
    first_reps = {r for r, c, _ in reps if c in first}

    drawn = [i for i in ties if i.influencer_id in first and i.influenced_id in first]
    pos = map_layout(
        [*o.opening, *sorted(first_reps)],
        [
            *((i.influencer_id, i.influenced_id, i.strength) for i in drawn),
            *((r, c, w) for r, c, w in reps if c in first),
        ],
    )
    for n in nodes:
        xy = pos.get(str(n["id"]))
        if xy is not None:
            n["x"], n["y"] = xy
    return _Drawn(nodes, edges, contacts, first_reps, drawn)


def _map_legend(
    d: _Drawn,
    first: set[str],
    seats: Mapping[str, DealRole] | None,
    marked: set[str],
    m: Messages,
) -> tuple[LegendItem, ...]:
    """What the first view draws: the stances (when ``seats`` of a deal are given), the
    kinds of ties, inferred ties, our reps, hidden influencers, people who left."""
    legend: list[LegendItem] = []
    if seats is not None:
        present = {seats[c].stance if c in seats else None for c in first}
        legend += [
            LegendItem(m.stance(s), STANCE_COLOURS[s])
            for s in (2, 1, 0, -1, -2, None)
            if s in present
        ]
    legend += [
        LegendItem(m("kind_" + k.value), KIND_COLOURS[k], shape="line")
        for k in InfluenceKind
        if any(i.kind is k for i in d.drawn)
    ]
    legend += inferred_legend(d.drawn, m)
    if d.first_reps:
        legend += [
            LegendItem(m("our_rep"), REP_FILL),
            LegendItem(m("rep_tie"), KNOWS_LINE, dashed=True, shape="line"),
        ]
    if marked & first:
        legend.append(LegendItem(m("hidden_influencer"), "#ffffff", border=HIDDEN_BORDER))
    if any(d.contacts[c].status is ContactStatus.LEFT_COMPANY for c in first):
        legend.append(LegendItem(m("left_company"), DEPARTED_FILL))
    return tuple(legend)


def _map_notes(
    net: StakeholderNetwork, o: _Opening, hidden: int, deal_id: str | None, steps: int, m: Messages
) -> tuple[str, ...]:
    """How many people and hidden influencers, how many left off, whom the map opens on."""
    notes = [f"{m.count('n_people', len(o.people))} · {m.count('n_hidden', hidden)}"]
    if o.omitted:
        notes.append(f"{m('no_ties_omitted')}: {o.omitted}")
    if o.rule == "committee" and deal_id is not None:
        notes.append(
            m.format(
                "map_committee",
                deal=net.deals[deal_id].name,
                steps=steps,
                n=len(o.opening),
                total=len(o.people),
            )
        )
    elif o.rule == "top":
        notes.append(m.format("map_top", n=len(o.opening), total=len(o.people)))
    if o.rule != "all":
        notes.append(m("map_grow_help"))
    return tuple(notes)


def around(
    net: StakeholderNetwork,
    account_id: str,
    contact_id: str,
    *,
    scores: ContactScores | None = None,
    hidden: tuple[HiddenInfluencer, ...] = (),
    deal_id: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> tuple[list[JsonObject], list[JsonObject]]:
    """The people tied to ``contact_id`` (and them), with every tie and rep tie that
    touches any of them: what the script adds when the map grows from that person.

    Raises
    ------
    KeyError
        ``contact_id`` is not on the network, or ``deal_id`` is not a deal on it.
    """
    if contact_id not in net.contacts:
        raise KeyError(f"contact {contact_id!r} is not on the account's graph at {net.as_of}")
    if deal_id is not None and deal_id not in net.deals:
        raise KeyError(f"deal {deal_id!r} is not on the account's graph at {net.as_of}")
    m = Messages(lang)
    seats = net.roles.get(deal_id, {}) if deal_id is not None else {}
    marked = {h.contact_id for h in hidden}
    ties = _ties(net)
    group = {contact_id}
    for i in ties:
        if contact_id in (i.influencer_id, i.influenced_id):
            group.update((i.influencer_id, i.influenced_id))
    contacts: dict[str, Contact] = {c.id: c for c in net.source.contacts}
    nodes = _on_map(
        [
            contact_node(
                contacts[c],
                scores=scores,
                seat=seats.get(c),
                m=m,
                stance_colour=deal_id is not None,
                hidden=c in marked,
                extra=_map_extra(contacts[c], c in seats),
            )
            for c in sorted(group)
        ]
    )
    edges = [
        influence_edge(i, m, net.name)
        for i in ties
        if i.influencer_id in group or i.influenced_id in group
    ]
    reps = _rep_ties(net, group)
    nodes += [rep_node(r, net.name(r), m) for r in sorted({r for r, _, _ in reps})]
    edges += [rep_edge(r, c, w, m, net.name) for r, c, w in reps]
    return nodes, edges


def map_layout(
    people: Sequence[str], ties: Iterable[tuple[str, str, float]], *, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Positions of the map's first view, in chart units, computed here. The largest
    group of people linked by ties: a seeded Fruchterman-Reingold force layout
    (:func:`networkx.spring_layout`, ties pulling by strength) stretched to
    :data:`ASPECT` over about :data:`SPACING` units a person; everyone else (smaller
    groups, one group after the other, then people without a tie) in rows below it.

    It replaces vis-network's Barnes-Hut stabilisation in the browser, which ran on the
    page's main thread after the page arrived and was the largest share of a large
    account's first view (``./dev bench pages``; docs/benchmarks.md, "Pages"). The
    browser draws these positions with physics off; people the script adds later are
    placed around the person the map grows from.

    >>> pos = map_layout(["a", "b", "c"], [("a", "b", 1.0)])
    >>> pos["c"][1] > max(pos["a"][1], pos["b"][1]), map_layout(["a"], [])
    (True, {'a': (0.0, 0.0)})
    """
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(people)
    g.add_weighted_edges_from((a, b, max(w, 0.05)) for a, b, w in ties if a in g and b in g)
    order = {p: i for i, p in enumerate(people)}
    groups = sorted(
        (sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
        key=lambda c: (-len(c), order[c[0]]),
    )
    out: dict[str, tuple[float, float]] = {}
    half_w = half_h = 0.0
    rest = [p for c in groups for p in c]
    if groups and len(groups[0]) > 1:
        main = groups[0]
        rest = rest[len(main) :]
        spread = nx.spring_layout(
            g.subgraph(main), k=2 / math.sqrt(len(main)), seed=seed, iterations=50
        )
        half_w = math.sqrt(len(main) * ASPECT) * SPACING / 2
        half_h = half_w / ASPECT
        out = {
            p: (round(float(x) * half_w, 1), round(float(y) * half_h, 1))
            for p, (x, y) in spread.items()
        }
    columns = max(int(2 * half_w // SPACING) + 1, math.ceil(math.sqrt(len(rest) * ASPECT)))
    top = max((y for _, y in out.values()), default=-SPACING) + SPACING
    left = -(min(columns, len(rest)) - 1) * SPACING / 2
    for i, p in enumerate(rest):
        out[p] = (left + (i % columns) * SPACING, top + (i // columns) * SPACING / 2)
    return out


def still_options() -> JsonObject:
    """Physics off: the nodes stand where :func:`map_layout` put them. The wheel scrolls
    the page (Ctrl + wheel zooms, through the script)."""
    return {
        "layout": {"improvedLayout": False},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "zoomView": False},
        "nodes": {"font": {"face": "sans-serif", "multi": False}},
    }
