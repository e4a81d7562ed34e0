"""From a :class:`~graphcrm.domain.StakeholderGraph` to networkx graphs.

Directions
----------
The full model, :attr:`StakeholderNetwork.graph`, is a ``MultiDiGraph`` whose
edge keys name the relation; every edge keeps the direction in which it is
stored:

=================  =========================  ===================================
key                edge                       meaning
=================  =========================  ===================================
``reports_to``     report -> manager          authority flows the other way
``advises`` etc.   influencer -> influenced   influence flows along the edge
``interacts``      contact <-> contact        both arcs: shared touchpoints
``knows``          rep -> contact             our rep knows the contact
``touches``        rep -> contact             shared touchpoints
=================  =========================  ===================================

The derived views (frozen, active contacts only unless
``GraphParams.include_departed``) are what the scores read:

- :attr:`~StakeholderNetwork.authority` ``DiGraph`` **manager -> report**
  (authority flows down; ``line`` is ``solid`` or ``dotted``; each contact's
  ``seniority_level``, 1 for C-level to 5);
- :attr:`~StakeholderNetwork.support` ``DiGraph`` **influencer -> influenced**,
  ``weight`` in ``(0, 1]``: the noisy-or of the positive kinds,
  ``1 - prod(1 - kind_weight[k] * strength_k)``, inferred ties
  (:mod:`.inferred`) included;
- :attr:`~StakeholderNetwork.opposition` ``DiGraph`` **opposer -> opposed**,
  ``weight`` in ``[-1, 0)``: the negative tie, never folded into support;
- :attr:`~StakeholderNetwork.interaction` ``Graph`` contact -- contact,
  ``weight = 1 - (1 - touch_strength) ** shared``;
- :attr:`~StakeholderNetwork.rep_ties` ``Graph`` rep -- contact, ``weight`` the
  larger of ``RepKnows.strength`` and the touchpoint strength
  ``1 - (1 - touch_strength) ** (shared * answered)``, where ``answered`` is the
  share of the contact's touchpoints that were not our unanswered outbound ones
  (``(two_way + inbound) / touchpoints`` of their aggregates; 1 without them):
  emails nobody answered are no relationship. Each node's ``kind`` is
  ``"contact"`` or ``"rep"``;
- :attr:`~StakeholderNetwork.reach` ``DiGraph`` over reps and contacts: who can
  carry a message to whom, ``weight`` in ``(0, 1]`` the strongest of: support
  from the given (not inferred) ties (influencer -> influenced only), reporting
  lines (both ways, solid/dotted strength), interaction and rep ties (both ways).

>>> from datetime import UTC, datetime
>>> from graphcrm.domain import Contact, Influence, InfluenceKind, StakeholderGraph
>>> a, b = (Contact(id=i, account_id="A", name=i) for i in ("a", "b"))
>>> sg = StakeholderGraph(as_of=datetime(2025, 1, 1, tzinfo=UTC), accounts=(),
...     contacts=(a, b), reports_to=(), deals=(), deal_roles=(), reps=(), rep_knows=(),
...     engagement=(), contact_ties=(), rep_ties=(), influences=(
...     Influence(influencer_id="a", influenced_id="b", kind=InfluenceKind.ADVISES,
...               strength=0.5),))
>>> net = build_network(sg)
>>> list(net.support.edges(data="weight"))
[('a', 'b', 0.5)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, TypeVar

import networkx as nx

from graphcrm.analytics.params import GraphParams
from graphcrm.domain import (
    Contact,
    ContactEngagement,
    ContactStatus,
    Deal,
    DealRole,
    DealTouch,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    StakeholderGraph,
    Temporal,
)
from graphcrm.errors import InvalidError, Problem

CONTACT = "contact"
REP = "rep"

_G = TypeVar("_G", bound="nx.Graph[str]")


@dataclass(frozen=True)
class StakeholderNetwork:
    """The typed graphs of one stakeholder graph at one instant (see module docs).

    ``graph`` (the full ``MultiDiGraph``), ``opposition``, ``reach`` and ``ties`` are
    built on first use.
    """

    as_of: datetime
    authority: nx.DiGraph[str]
    """Manager -> report (frozen)."""
    support: nx.DiGraph[str]
    """Influencer -> influenced, ``weight > 0`` (frozen)."""
    interaction: nx.Graph[str]
    """Contact -- contact (frozen)."""
    rep_ties: nx.Graph[str]
    """Rep -- contact (frozen)."""
    opposition_weights: Mapping[tuple[str, str], float]
    """``(opposer, opposed) -> weight < 0``, in edge order; :attr:`opposition` is built
    from it on first use (only deal risk reads it)."""
    reach_weights: Mapping[tuple[str, str], float]
    """``(u, v) -> strength`` of every reach tie; :attr:`reach` is built from it on first use."""
    working_arcs: frozenset[tuple[str, str]]
    """The reach arcs between contacts that are working ties, not the org chart: stored
    influence (influencer -> influenced) and shared touchpoints (both ways)."""
    contacts: Mapping[str, Contact]
    active: frozenset[str]
    reps: frozenset[str]
    engagement: Mapping[str, ContactEngagement]
    deals: Mapping[str, Deal]
    roles: Mapping[str, Mapping[str, DealRole]]
    source: StakeholderGraph
    names: Mapping[str, str]

    def name(self, node: str) -> str:
        """The display name of a contact or rep (the id if unknown)."""
        return self.names.get(node, node)

    def is_active(self, contact_id: str) -> bool:
        return contact_id in self.active

    @cached_property
    def _deal_touches(self) -> dict[str | None, list[DealTouch]]:
        by_deal: dict[str | None, list[DealTouch]] = {}
        for t in self.source.deal_touches:
            by_deal.setdefault(t.deal_id, []).append(t)
        return by_deal

    def deal_engagement(self, deal_id: str) -> dict[str, DealTouch]:
        """Per contact, the touchpoints that concern ``deal_id``: those linked to it and
        those linked to no deal (a CRM that links no touchpoint to a deal gives the
        contact's every touchpoint). ``deal_id`` of each entry is ``deal_id``."""
        out: dict[str, DealTouch] = {}
        for t in (*self._deal_touches.get(deal_id, ()), *self._deal_touches.get(None, ())):
            seen = out.get(t.contact_id)
            if seen is None:
                out[t.contact_id] = t.model_copy(update={"deal_id": deal_id})
                continue
            latest = max(seen, t, key=lambda x: (x.last_at, x.last_touchpoint_id))
            out[t.contact_id] = seen.model_copy(
                update={
                    "touchpoints": seen.touchpoints + t.touchpoints,
                    "touches_90d": seen.touches_90d + t.touches_90d,
                    "last_at": latest.last_at,
                    "last_touchpoint_id": latest.last_touchpoint_id,
                }
            )
        return out

    @cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The full model: every relation as stored, keyed (nx.MultiDiGraph, frozen)."""
        return _frozen(_multigraph(self.source, self.as_of, self.active))

    @cached_property
    def opposition(self) -> nx.DiGraph[str]:
        """Opposer -> opposed, ``weight`` in ``[-1, 0)``, over the view's contacts
        (nx.DiGraph, frozen)."""
        G: nx.DiGraph[str] = nx.DiGraph()
        G.add_nodes_from(self.support)
        G.add_weighted_edges_from((u, v, w) for (u, v), w in self.opposition_weights.items())
        return _frozen(G)

    @cached_property
    def reach(self) -> nx.DiGraph[str]:
        """Who can carry a message to whom: reps and contacts (nx.DiGraph, frozen)."""
        G: nx.DiGraph[str] = nx.DiGraph()
        G.add_nodes_from(self.support, kind=CONTACT)
        G.add_nodes_from(sorted(self.reps), kind=REP)
        G.add_weighted_edges_from((u, v, w) for (u, v), w in self.reach_weights.items())
        return _frozen(G)

    def contact_reaches(self, source: str, target: str, *, lines: bool = True) -> bool:
        """Whether a reach path leads from ``source`` to ``target`` through contacts only.

        With ``lines=False`` the path may use :attr:`working_arcs` only: influence and
        shared touchpoints, not reporting lines (which join everyone in an account).
        """
        if source == target:
            return True
        succ: dict[str, list[str]] = {}
        arcs = self.reach_weights if lines else self.working_arcs
        for u, v in arcs:
            if u not in self.reps and v not in self.reps:
                succ.setdefault(u, []).append(v)
        seen, stack = {source}, [source]
        while stack:
            for v in succ.get(stack.pop(), ()):
                if v == target:
                    return True
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        return False

    @cached_property
    def ties(self) -> nx.Graph[str]:
        """Undirected contact graph of support, reporting and interaction ties (frozen).

        What betweenness runs on and what "near" means; opposition is not a
        channel and reps are left out (they would broker everything).
        """
        G: nx.Graph[str] = nx.Graph()
        G.add_nodes_from(self.support)
        for view in (self.support, self.authority, self.interaction):
            G.add_edges_from(view.edges())
        return _frozen(G)


def _in_force(fact: Temporal, at: datetime) -> bool:
    start, end = fact.valid_from, fact.valid_to
    return (start is None or start <= at) and (end is None or at < end)


def _touch(shared: float, t: float) -> float:
    return 1.0 - float((1.0 - t) ** shared)


def _answered(e: ContactEngagement | None) -> float:
    """The share of a contact's touchpoints that were not our unanswered outbound
    ones (1 when the store has no aggregates for them: nothing to discount)."""
    if e is None or e.touchpoints <= 0:
        return 1.0
    return min(1.0, (e.two_way + e.inbound) / e.touchpoints)


def _resolve_as_of(sg: StakeholderGraph, as_of: datetime | None) -> datetime:
    at = as_of if as_of is not None else sg.as_of
    if at is None:
        raise InvalidError(
            [Problem("stakeholder_graph", "as_of", "give as_of: scores decay with time")]
        )
    if at.tzinfo is None:
        raise InvalidError([Problem("stakeholder_graph", "as_of", "as_of must be time-zone aware")])
    return at.astimezone(UTC)


def _check_ids(sg: StakeholderGraph) -> None:
    contacts: set[str] = {c.id for c in sg.contacts}
    reps: set[str] = {r.id for r in sg.reps}
    problems = [
        Problem("reps", "id", f"rep id {i!r} is also a contact id") for i in sorted(contacts & reps)
    ]

    def need(known: set[str], what: str, ref: str, where: str) -> None:
        if ref not in known:
            problems.append(Problem(where, "", f"unknown {what} {ref!r}"))

    for r in sg.reports_to:
        if r.contact_id not in contacts or r.manager_id not in contacts:
            for x in (r.contact_id, r.manager_id):
                need(contacts, "contact", x, f"reports_to[{r.contact_id} -> {r.manager_id}]")
    for i in sg.influences:
        if i.influencer_id not in contacts or i.influenced_id not in contacts:
            for x in (i.influencer_id, i.influenced_id):
                need(contacts, "contact", x, f"influences[{i.influencer_id} -> {i.influenced_id}]")
    for t in sg.contact_ties:
        if t.contact_a not in contacts or t.contact_b not in contacts:
            for x in (t.contact_a, t.contact_b):
                need(contacts, "contact", x, f"contact_ties[{t.contact_a} -- {t.contact_b}]")
    for name, rows in (("rep_knows", sg.rep_knows), ("rep_ties", sg.rep_ties)):
        for k in rows:
            if k.rep_id not in reps or k.contact_id not in contacts:
                need(reps, "rep", k.rep_id, f"{name}[{k.rep_id} -> {k.contact_id}]")
                need(contacts, "contact", k.contact_id, f"{name}[{k.rep_id} -> {k.contact_id}]")
    for d in sg.deal_roles:
        need(contacts, "contact", d.contact_id, f"deal_roles[{d.deal_id}, {d.contact_id}]")
    for e in sg.engagement:
        need(contacts, "contact", e.contact_id, f"engagement[{e.contact_id}]")
    if problems:
        raise InvalidError(problems)


def build_network(
    sg: StakeholderGraph,
    *,
    as_of: datetime | None = None,
    params: GraphParams | None = None,
) -> StakeholderNetwork:
    """Build the typed graphs of ``sg`` as they stood at ``as_of``.

    Parameters
    ----------
    sg : StakeholderGraph
        What the store returned for an account.
    as_of : datetime, optional
        The instant the scores refer to; defaults to ``sg.as_of``. One of the
        two must be given (analytics never read the clock). Time-stamped facts
        not in force at ``as_of`` are dropped; engagement aggregates are taken
        as given.
    params : GraphParams, optional
        Edge strengths.

    Returns
    -------
    StakeholderNetwork
        The frozen graphs; see the module docstring for every direction.

    Raises
    ------
    InvalidError
        No instant, a naive instant, a rep id that is also a contact id, or a
        tie to an unknown contact or rep.
    """
    p = params or GraphParams()
    at = _resolve_as_of(sg, as_of)
    _check_ids(sg)

    contacts: dict[str, Contact] = {c.id: c for c in sg.contacts}
    departed = {c.id for c in sg.contacts if c.status is ContactStatus.LEFT_COMPANY}
    active = frozenset(c for c in contacts if c not in departed)
    view_nodes = set(contacts) if p.include_departed else set(active)

    ordered = [c.id for c in sg.contacts if c.id in view_nodes]
    # Node attributes only where a score reads them: the seniority on the
    # reporting view, contact/rep on the rep ties (names: ``StakeholderNetwork.name``).
    # They are set after the nodes are added: networkx's ``add_nodes_from((node,
    # attrs))`` pays for a caught TypeError per node.
    levels: dict[str, dict[str, Any]] = {
        c: {"seniority_level": contacts[c].seniority.level} for c in ordered
    }
    aggregates: dict[str, ContactEngagement] = {e.contact_id: e for e in sg.engagement}
    ties = _ties(sg, at, view_nodes, p, aggregates)

    authority: nx.DiGraph[str] = _nodes(nx.DiGraph(), ordered, levels)
    authority.add_edges_from((u, v, {"line": k}) for (u, v), k in sorted(ties.lines.items()))
    support: nx.DiGraph[str] = _nodes(nx.DiGraph(), ordered, {})
    support.add_weighted_edges_from(ties.support)
    interaction: nx.Graph[str] = _nodes(nx.Graph(), ordered, {})
    interaction.add_edges_from(ties.interaction)
    rep_ties: nx.Graph[str] = _nodes(nx.Graph(), ordered, {}, kind=CONTACT)
    rep_ties = _nodes(rep_ties, [r.id for r in sg.reps], {}, kind=REP)
    rep_ties.add_weighted_edges_from(ties.reps)

    return StakeholderNetwork(
        as_of=at,
        authority=_frozen(authority),
        support=_frozen(support),
        opposition_weights=dict(sorted(ties.against.items())),
        interaction=_frozen(interaction),
        rep_ties=_frozen(rep_ties),
        reach_weights=ties.reach,
        working_arcs=frozenset(ties.working),
        contacts=contacts,
        active=active,
        reps=frozenset(r.id for r in sg.reps),
        engagement=aggregates,
        deals={d.id: d for d in sg.deals},
        roles=_roles_at(sg, at),
        source=sg,
        names={**{c.id: c.name for c in sg.contacts}, **{r.id: r.name for r in sg.reps}},
    )


def _roles_at(sg: StakeholderGraph, at: datetime) -> dict[str, dict[str, DealRole]]:
    """The deal roles in force at ``at``: deal id -> contact id -> role."""
    roles: dict[str, dict[str, DealRole]] = {}
    for role in sg.deal_roles:
        if _in_force(role, at):
            roles.setdefault(role.deal_id, {})[role.contact_id] = role
    return roles


Arcs = dict[tuple[str, str], float]


@dataclass(slots=True)
class _Ties:
    """The ties of one network at an instant, before they become graphs."""

    lines: dict[tuple[str, str], str]
    support: list[tuple[str, str, float]]
    against: Arcs
    interaction: list[tuple[str, str, dict[str, Any]]]
    reps: list[tuple[str, str, float]]
    reach: Arcs
    """The strongest tie of any kind from one node to another (reach_weights)."""
    working: set[tuple[str, str]]


def _ties(
    sg: StakeholderGraph,
    at: datetime,
    view_nodes: Set[str],
    p: GraphParams,
    aggregates: Mapping[str, ContactEngagement],
) -> _Ties:
    """Every tie at ``at`` among the contacts in view and our reps, with how strongly
    each node reaches another."""
    reach_w: Arcs = {}

    def reach(u: str, v: str, w: float) -> None:
        if w > 0.0 and w > reach_w.get((u, v), 0.0):
            reach_w[(u, v)] = w

    lines = _reporting_lines(sg, at, view_nodes, p, reach)
    keep, given, against = _influence_weights(sg, at, view_nodes, p)
    support_rows = [(u, v, w) for (u, v), w in keep.items() if w > 0.0]
    # Inferred ties repeat the lines and the co-attendance, which reach has already.
    for (src, dst), w in given.items():
        reach(src, dst, w)

    working = {arc for arc, w in given.items() if w > 0.0}
    inter_rows: list[tuple[str, str, dict[str, Any]]] = []
    for tie in sg.contact_ties:
        a, b = tie.contact_a, tie.contact_b
        if a in view_nodes and b in view_nodes and tie.shared > 0:
            w = _touch(tie.shared, p.touch_strength)
            inter_rows.append((a, b, {"weight": w, "shared": tie.shared}))
            reach(a, b, w)
            reach(b, a, w)
            working |= {(a, b), (b, a)}

    rep_w = _rep_weights(sg, aggregates, p)
    rep_rows = [(r, c, w) for (r, c), w in rep_w.items() if c in view_nodes and w > 0.0]
    for r, c, w in rep_rows:
        reach(r, c, w)
        reach(c, r, w)
    return _Ties(lines, support_rows, against, inter_rows, rep_rows, reach_w, working)


def _reporting_lines(
    sg: StakeholderGraph,
    at: datetime,
    view_nodes: Set[str],
    p: GraphParams,
    reach: Callable[[str, str, float], None],
) -> dict[tuple[str, str], str]:
    """The reporting lines in force at ``at`` between contacts in view, (manager,
    report) -> kind (solid over dotted); each line reaches both ways."""
    lines: dict[tuple[str, str], str] = {}
    for line in sg.reports_to:
        u, v = line.manager_id, line.contact_id
        if not (_in_force(line, at) and u in view_nodes and v in view_nodes):
            continue
        solid = line.kind is LineKind.SOLID
        if solid or (u, v) not in lines:
            lines[(u, v)] = line.kind.value
        s = p.solid_line_strength if solid else p.dotted_line_strength
        reach(u, v, s)
        reach(v, u, s)
    return lines


def _influence_weights(
    sg: StakeholderGraph, at: datetime, view_nodes: Set[str], p: GraphParams
) -> tuple[Arcs, Arcs, Arcs]:
    """The influences in force at ``at`` between contacts in view, per arc: support
    (the ties of one arc combined as independent chances), the same without the
    inferred ties, and opposition (negative)."""
    keep: Arcs = {}
    given: Arcs = {}  # ``keep`` without the inferred ties
    against: Arcs = {}
    for inf in sg.influences:
        u, v = inf.influencer_id, inf.influenced_id
        if not (_in_force(inf, at) and u in view_nodes and v in view_nodes):
            continue
        if inf.kind is InfluenceKind.OPPOSES:
            against[(u, v)] = -inf.strength
        else:
            w = p.kind_weight.get(inf.kind, 0.0) * inf.strength
            keep[(u, v)] = 1.0 - (1.0 - keep.get((u, v), 0.0)) * (1.0 - w)
            if inf.source is not InfluenceSource.INFERRED:
                given[(u, v)] = 1.0 - (1.0 - given.get((u, v), 0.0)) * (1.0 - w)
    return keep, given, against


def _rep_weights(
    sg: StakeholderGraph, aggregates: Mapping[str, ContactEngagement], p: GraphParams
) -> Arcs:
    """(rep, contact) -> the stronger of what the rep knows of the contact and their
    shared touches (counted by how often the contact answers)."""
    rep_w: Arcs = {}
    for k in sg.rep_knows:
        key = (k.rep_id, k.contact_id)
        rep_w[key] = max(rep_w.get(key, 0.0), k.strength)
    for t in sg.rep_ties:
        key = (t.rep_id, t.contact_id)
        answered = _answered(aggregates.get(t.contact_id))
        rep_w[key] = max(rep_w.get(key, 0.0), _touch(t.shared * answered, p.touch_strength))
    return rep_w


def _nodes(
    G: _G, nodes: Sequence[str], attrs: Mapping[str, Mapping[str, Any]], **common: Any
) -> _G:
    """``G`` with ``nodes`` added in order, each with ``common`` and its ``attrs``."""
    G.add_nodes_from(nodes, **common)
    data = G.nodes
    for v, d in attrs.items():
        data[v].update(d)
    return G


def _frozen(G: _G) -> _G:
    """``G`` frozen in place (``nx.freeze``, whose stub returns ``Any``)."""
    nx.freeze(G)
    return G


def _multigraph(sg: StakeholderGraph, at: datetime, active: frozenset[str]) -> nx.MultiDiGraph[str]:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(as_of=at)
    g.add_nodes_from(
        (
            c.id,
            {
                "kind": CONTACT,
                "name": c.name,
                "title": c.title,
                "department": c.department,
                "seniority": c.seniority.value,
                "seniority_level": c.seniority.level,
                "account_id": c.account_id,
                "active": c.id in active,
            },
        )
        for c in sg.contacts
    )
    g.add_nodes_from((r.id, {"kind": REP, "name": r.name, "active": True}) for r in sg.reps)
    for r in sg.reports_to:
        if _in_force(r, at):
            g.add_edge(r.contact_id, r.manager_id, key="reports_to", line=r.kind.value)
    for i in sg.influences:
        if _in_force(i, at):
            sign = -1 if i.kind is InfluenceKind.OPPOSES else 1
            g.add_edge(
                i.influencer_id,
                i.influenced_id,
                key=i.kind.value,
                strength=i.strength,
                sign=sign,
                source=i.source.value,
            )
    for t in sg.contact_ties:
        attrs = {"shared": t.shared, "last_at": t.last_at}
        g.add_edge(t.contact_a, t.contact_b, key="interacts", **attrs)
        g.add_edge(t.contact_b, t.contact_a, key="interacts", **attrs)
    for k in sg.rep_knows:
        g.add_edge(k.rep_id, k.contact_id, key="knows", strength=k.strength)
    for rt in sg.rep_ties:
        g.add_edge(rt.rep_id, rt.contact_id, key="touches", shared=rt.shared, last_at=rt.last_at)
    return g
