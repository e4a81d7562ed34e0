"""Relationship health: per contact (0-100, band, trend) and per account.

Contact::

    tie(v)    = strongest rep tie of v (StakeholderNetwork.rep_ties weight; 0 if none)
    health(v) = 100 * (engagement_weight * engagement(v) + tie_weight * tie(v))
    band      = Good if health >= 60, Fair if >= 40, else Poor
    trend     = health(v) now against health(v) trend_days (30) earlier, each computed
                as of its own date from that date's aggregates and rep ties:
                improving if up by more than trend_points (1), declining if down
                by more, else steady; None without an earlier reading of v

Account (``HealthParams``)::

    scope          = the active members of the account's open buying committees
                     (every active contact when it has no open deal)
    coverage       = sum over scope of PageRank * health / 100 / sum over scope of PageRank
    multithreading = number of Fair-or-better contacts with a path (any direction,
                     contact ties only) to one of the top-k decision makers
    executive      = 1 if a rep has a tie >= executive_tie_min to a Fair-or-better
                     C-level, VP or economic buyer on an open deal, else 0
    score          = 100 * (coverage_weight * coverage
                     + multithreading_weight * min(1, multithreading / target)
                     + executive_weight * executive)
    band           = Good if score >= account_good_from (75), Fair if >= account_fair_from
                     (40), else Poor
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from enum import StrEnum

import networkx as nx

from graphcrm.analytics.graph import REP, StakeholderNetwork
from graphcrm.analytics.params import HealthParams
from graphcrm.domain import (
    Account,
    Model,
    Role,
    Seniority,
)
from graphcrm.domain.construct import construct
from graphcrm.errors import InvalidError, Problem


class HealthBand(StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @property
    def healthy(self) -> bool:
        """Fair or better."""
        return self is not HealthBand.POOR


class Trend(StrEnum):
    IMPROVING = "improving"
    STEADY = "steady"
    DECLINING = "declining"


class ContactHealth(Model):
    """One contact's relationship health.

    ``trend`` is None when the score was computed without the contact's health
    ``trend_days`` earlier (:func:`relationship_health`'s ``before``).
    """

    contact_id: str
    score: float
    band: HealthBand
    trend: Trend | None
    engagement: float
    tie: float
    rep_id: str | None


def band_of(score: float, params: HealthParams | None = None) -> HealthBand:
    """The band of a 0-100 health score.

    >>> band_of(60.0), band_of(59.9), band_of(39.99)
    (<HealthBand.GOOD: 'good'>, <HealthBand.FAIR: 'fair'>, <HealthBand.POOR: 'poor'>)
    """
    p = params or HealthParams()
    if score >= p.good_from:
        return HealthBand.GOOD
    return HealthBand.FAIR if score >= p.fair_from else HealthBand.POOR


def account_band_of(score: float, params: HealthParams | None = None) -> HealthBand:
    """The band of a 0-100 *account* health score (its own thresholds).

    >>> account_band_of(75.0), account_band_of(74.9), account_band_of(39.9)
    (<HealthBand.GOOD: 'good'>, <HealthBand.FAIR: 'fair'>, <HealthBand.POOR: 'poor'>)
    """
    p = params or HealthParams()
    if score >= p.account_good_from:
        return HealthBand.GOOD
    return HealthBand.FAIR if score >= p.account_fair_from else HealthBand.POOR


def trend_of(now: float, before: float | None, params: HealthParams | None = None) -> Trend | None:
    """A contact's trend: its health now against its health ``trend_days`` earlier.

    A move of at most ``trend_points`` is steady; None without an earlier health.

    >>> trend_of(45.0, 40.0), trend_of(40.5, 40.0), trend_of(31.4, 33.7), trend_of(31.4, None)
    (<Trend.IMPROVING: 'improving'>, <Trend.STEADY: 'steady'>, <Trend.DECLINING: 'declining'>, None)
    """
    if before is None:
        return None
    p = params or HealthParams()
    return _moved(now - before, p.trend_points)


def _moved(delta: float, tolerance: float) -> Trend:
    if delta > tolerance:
        return Trend.IMPROVING
    if delta < -tolerance:
        return Trend.DECLINING
    return Trend.STEADY


def score_trend(now: float, before: float, params: HealthParams | None = None) -> Trend:
    """The trend of an account's health score between an earlier date and now:
    a change within ``account_trend_points`` points is steady.

    >>> score_trend(62.0, 55.0), score_trend(55.0, 58.0), score_trend(40.0, 50.0)
    (<Trend.IMPROVING: 'improving'>, <Trend.STEADY: 'steady'>, <Trend.DECLINING: 'declining'>)
    """
    p = params or HealthParams()
    return _moved(now - before, p.account_trend_points)


def best_rep_ties(rep_ties: nx.Graph[str]) -> dict[str, tuple[str, float]]:
    """The strongest rep tie of each contact in a rep -- contact graph (ties: lowest rep id)."""
    best: dict[str, tuple[str, float]] = {}
    for u, v, w in rep_ties.edges(data="weight", default=0.0):
        rep, contact = (u, v) if rep_ties.nodes[u].get("kind") == REP else (v, u)
        if rep_ties.nodes[rep].get("kind") != REP or w <= 0.0:
            continue
        old = best.get(contact)
        if old is None or w > old[1] or (w == old[1] and rep < old[0]):
            best[contact] = (rep, float(w))
    return best


def health_score(engagement: float, tie: float, params: HealthParams | None = None) -> float:
    """``100 * (engagement_weight * engagement + tie_weight * tie)``.

    >>> round(health_score(0.5, 0.8), 9)
    59.0
    """
    p = params or HealthParams()
    return 100.0 * (p.engagement_weight * engagement + p.tie_weight * tie)


def relationship_health(
    rep_ties: nx.Graph[str],
    engagement: Mapping[str, float],
    *,
    before: Mapping[str, float] | None = None,
    params: HealthParams | None = None,
) -> dict[str, ContactHealth]:
    """Health 0-100, band and trend for every contact in ``engagement``.

    Parameters
    ----------
    rep_ties : networkx.Graph
        Rep -- contact ties with ``weight`` in ``[0, 1]`` (``StakeholderNetwork.rep_ties``).
    engagement : mapping
        Contact -> engagement in ``[0, 1]`` (:func:`.engagement.engagement_scores`).
    before : mapping, optional
        Contact -> health ``trend_days`` earlier, computed the same way as of that
        date (:func:`graphcrm.analytics.scoring.health_scores` of the network read
        then). Without it, or for a contact it lacks, the trend is None.

    Raises
    ------
    InvalidError
        An engagement outside ``[0, 1]``.

    Examples
    --------
    Engagement 0.5 and a 0.8 rep tie: ``100 * (0.7 * 0.5 + 0.3 * 0.8) = 59`` (Fair);
    it was 50 a month earlier:

    >>> import networkx as nx
    >>> G = nx.Graph([("rep", "c", {"weight": 0.8})])
    >>> G.nodes["rep"]["kind"] = "rep"
    >>> h = relationship_health(G, {"c": 0.5}, before={"c": 50.0})["c"]
    >>> round(h.score, 9), h.band.value, h.rep_id, h.trend.value
    (59.0, 'fair', 'rep', 'improving')
    """
    p = params or HealthParams()
    bad = [c for c, v in engagement.items() if not 0.0 <= v <= 1.0]
    if bad:
        raise InvalidError([Problem(f"engagement[{c}]", "", "must lie in [0, 1]") for c in bad])
    out: dict[str, ContactHealth] = {}
    best = best_rep_ties(rep_ties)
    earlier = before or {}
    for c, eng in engagement.items():
        rep, tie = best.get(c, (None, 0.0))
        score = health_score(eng, tie, p)
        # Trusted values (floats, the two enums, ids): built without validation.
        out[c] = construct(
            ContactHealth,
            {
                "contact_id": c,
                "score": float(score),
                "band": band_of(score, p),
                "trend": trend_of(score, earlier.get(c), p),
                "engagement": float(eng),
                "tie": float(tie),
                "rep_id": rep,
            },
        )
    return out


class ExecutiveTie(Model):
    rep_id: str
    contact_id: str
    strength: float


class AccountHealth(Model):
    """Relationship health of one account (see the module formulas)."""

    account_id: str
    contacts: int
    score: float
    band: HealthBand
    coverage: float
    multithreading: int
    threads: tuple[str, ...]
    top_decision_makers: tuple[str, ...]
    executive_access: bool
    executive_ties: tuple[ExecutiveTie, ...]


def top_by(scores: Mapping[str, float], k: int) -> list[str]:
    """The ``k`` highest-scoring keys, ties broken by id."""
    return sorted(scores, key=lambda c: (-scores[c], c))[:k]


def account_health(
    net: StakeholderNetwork,
    account_id: str,
    *,
    influence: Mapping[str, float],
    health: Mapping[str, ContactHealth],
    decision_maker: Mapping[str, float],
    params: HealthParams | None = None,
) -> AccountHealth:
    """Influence-weighted coverage, multithreading and executive access of an account.

    Only the active contacts of ``account_id`` count. Coverage is the
    influence-weighted health of the account's open buying committees (of every
    active contact when it has no open deal): the people the open deals turn on.
    ``influence`` is
    PageRank (:func:`.centrality.influence_rank`), ``decision_maker`` the
    account-wide score (:func:`.decision.decision_maker_score`
    without a deal).

    Raises
    ------
    InvalidError
        A score is missing for one of the account's active contacts.
    """
    p = params or HealthParams()
    members = sorted(c for c in net.active if net.contacts[c].account_id == account_id)
    for name, scores in (
        ("influence", influence),
        ("health", health),
        ("decision_maker", decision_maker),
    ):
        missing = [c for c in members if c not in scores]
        if missing:
            raise InvalidError([Problem(name, "", f"no score for {', '.join(missing[:5])}")])
    coverage = _coverage(net, account_id, members, influence, health)
    top = top_by({c: decision_maker[c] for c in members}, p.top_decision_makers)
    threads = _threads(net, members, top, {c for c in members if health[c].band.healthy})
    exec_ties = _executive_ties(net, members, health, p)
    score = 100.0 * (
        p.coverage_weight * coverage
        + p.multithreading_weight * min(1.0, len(threads) / p.multithreading_target)
        + p.executive_weight * (1.0 if exec_ties else 0.0)
    )
    return AccountHealth(
        account_id=account_id,
        contacts=len(members),
        score=score,
        band=account_band_of(score, p),
        coverage=coverage,
        multithreading=len(threads),
        threads=threads,
        top_decision_makers=tuple(top),
        executive_access=bool(exec_ties),
        executive_ties=tuple(exec_ties),
    )


def _coverage(
    net: StakeholderNetwork,
    account_id: str,
    members: Sequence[str],
    influence: Mapping[str, float],
    health: Mapping[str, ContactHealth],
) -> float:
    """The influence-weighted health of the open deals' committees among ``members``
    (of every member when the account has no open deal)."""
    in_account = set(members)
    committee = sorted(
        {
            c
            for d, seats in net.roles.items()
            if (deal := net.deals.get(d)) is not None
            and deal.account_id == account_id
            and not deal.stage.is_closed
            for c in seats
            if c in in_account
        }
    )
    scope = committee or members
    total = sum(influence[c] for c in scope)
    return sum(influence[c] * health[c].score / 100.0 for c in scope) / total if total > 0 else 0.0


def _threads(
    net: StakeholderNetwork, members: Sequence[str], top: Sequence[str], healthy: Set[str]
) -> tuple[str, ...]:
    """The healthy members the reach ties connect to one of the ``top`` decision makers."""
    # The components of the top decision makers in the reach ties among the members,
    # either way (``reach_weights``: the same edges as ``net.reach``, without building
    # it), by a search from them; networkx's UnionFind of every member costs more
    # (docs/benchmarks.md, #19).
    ties: dict[str, list[str]] = {c: [] for c in members}
    for u, v in net.reach_weights:
        if u in ties and v in ties:
            ties[u].append(v)
            ties[v].append(u)
    reach_top, todo = set(top), list(top)
    while todo:
        for v in ties[todo.pop()]:
            if v not in reach_top:
                reach_top.add(v)
                todo.append(v)
    return tuple(sorted(healthy & reach_top))


def _executive_ties(
    net: StakeholderNetwork,
    members: Sequence[str],
    health: Mapping[str, ContactHealth],
    p: HealthParams,
) -> list[ExecutiveTie]:
    """Our reps' ties of at least ``p.executive_tie_min`` to the healthy executives
    among ``members`` (C-level, VP, or economic buyer on an open deal)."""
    economic_buyers = {
        c
        for d, roles in net.roles.items()
        if not net.deals[d].stage.is_closed
        for c, r in roles.items()
        if Role.ECONOMIC_BUYER in r.roles
    }
    execs = [
        c
        for c in members
        if net.contacts[c].seniority in (Seniority.C_LEVEL, Seniority.VP) or c in economic_buyers
    ]
    exec_ties = []
    for c in execs:
        if not health[c].band.healthy:
            continue
        for r, data in sorted(net.rep_ties[c].items()):
            w = float(data["weight"])
            if net.rep_ties.nodes[r].get("kind") == REP and w >= p.executive_tie_min:
                exec_ties.append(ExecutiveTie(rep_id=r, contact_id=c, strength=w))
    return exec_ties


class AccountHealthRollup(Model):
    """An account's health together with all its descendants'.

    ``score`` and ``coverage`` are means weighted by active contacts;
    ``multithreading`` is a sum; ``executive_access`` holds if it holds anywhere.
    """

    account_id: str
    accounts: int
    contacts: int
    score: float
    band: HealthBand
    coverage: float
    multithreading: int
    executive_access: bool
    weakest_account_id: str | None


def rollup_account_health(
    results: Mapping[str, AccountHealth],
    accounts: Iterable[Account],
    *,
    params: HealthParams | None = None,
) -> dict[str, AccountHealthRollup]:
    """Roll per-account results up the account hierarchy (``Account.parent_id``).

    Every account in ``accounts`` gets a roll-up over itself and its
    descendants that have a result (accounts without a result add nothing).

    Raises
    ------
    InvalidError
        A result for an account not in ``accounts``, or a parent cycle.

    Examples
    --------
    See ``tests/unit/analytics/test_scores.py::test_rollup``.
    """
    p = params or HealthParams()
    accs = {a.id: a for a in accounts}
    unknown = sorted(set(results) - set(accs))
    if unknown:
        raise InvalidError(
            [Problem(f"results[{a}]", "", "account not in the hierarchy") for a in unknown]
        )
    tree: nx.DiGraph[str] = nx.DiGraph()
    tree.add_nodes_from(accs)
    tree.add_edges_from(
        (a.parent_id, a.id)
        for a in accs.values()
        if a.parent_id is not None and a.parent_id in accs
    )
    if not nx.is_directed_acyclic_graph(tree):
        raise InvalidError([Problem("accounts", "parent_id", "the hierarchy has a cycle")])
    out: dict[str, AccountHealthRollup] = {}
    for a in sorted(accs):
        group = sorted(({a} | nx.descendants(tree, a)) & set(results))
        rs = [results[g] for g in group]
        weight = sum(r.contacts for r in rs)

        def mean(values: list[float], rs: list[AccountHealth] = rs, weight: int = weight) -> float:
            if weight:
                return sum(v * r.contacts for v, r in zip(values, rs, strict=True)) / weight
            return sum(values) / len(values) if values else 0.0

        score = mean([r.score for r in rs])
        weakest = min(rs, key=lambda r: (r.score, r.account_id)).account_id if rs else None
        out[a] = AccountHealthRollup(
            account_id=a,
            accounts=len(rs),
            contacts=weight,
            score=score,
            band=account_band_of(score, p),
            coverage=mean([r.coverage for r in rs]),
            multithreading=sum(r.multithreading for r in rs),
            executive_access=any(r.executive_access for r in rs),
            weakest_account_id=weakest,
        )
    return out


__all__ = [
    "AccountHealth",
    "AccountHealthRollup",
    "ContactHealth",
    "ExecutiveTie",
    "HealthBand",
    "Trend",
    "account_band_of",
    "account_health",
    "band_of",
    "health_score",
    "relationship_health",
    "rollup_account_health",
    "trend_of",
]
