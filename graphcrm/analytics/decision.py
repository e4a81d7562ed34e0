"""Decision-maker score and champion strength (deal-specific scores).

::

    role(v)       = max(role_score[r] for r in v's roles on the deal)   (0 without a role)
    dm(v)         = role_weight * role(v) + authority_weight * authority(v)
                    + influence_weight * influence_norm(v)
    champion(v)   = stance(v) / 2 * relative(v) * engagement(v)        (in [-1, 1])
    relative(v)   = min(1, PR(v) / mean PR) = min(1, n * PR(v))

``dm`` is a score in ``[0, 1]`` that ranks who is likely to decide; it is not a
probability (its weights are priors, nothing calibrates it to how often a
contact decides). ``influence_norm`` is PageRank divided by the largest
PageRank. ``relative``
compares a contact with the average contact instead, so that champion
strength does not shrink as the account grows (the largest PageRank grows
with it): a champion at or above the average influence counts in full, one at
half the average counts half. Without a deal, a contact's roles on every
*open* deal count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.params import DecisionParams
from graphcrm.domain import DealRole, Role
from graphcrm.errors import InvalidError, NotFoundError, Problem


def deal_roles(net: StakeholderNetwork, deal_id: str | None) -> dict[str, list[DealRole]]:
    """Roles per contact on ``deal_id`` (or on every open deal when None)."""
    if deal_id is not None:
        if deal_id not in net.deals:
            raise NotFoundError("deal", deal_id)
        return {c: [r] for c, r in net.roles.get(deal_id, {}).items()}
    out: dict[str, list[DealRole]] = {}
    for d, roles in net.roles.items():
        deal = net.deals.get(d)
        if deal is None or deal.stage.is_closed:
            continue
        for c, r in roles.items():
            out.setdefault(c, []).append(r)
    return out


def _check_scores(name: str, scores: Mapping[str, float], nodes: Iterable[str]) -> None:
    missing = [c for c in nodes if c not in scores]
    if missing:
        raise InvalidError([Problem(name, "", f"no score for {', '.join(sorted(missing)[:5])}")])


def decision_maker_score(
    net: StakeholderNetwork,
    *,
    authority: Mapping[str, float],
    influence_norm: Mapping[str, float],
    deal_id: str | None = None,
    params: DecisionParams | None = None,
) -> dict[str, float]:
    """Each active contact's decision-maker score in ``[0, 1]`` (module formula): a
    ranking of who decides, not a probability.

    Raises
    ------
    NotFoundError
        ``deal_id`` is not in the network.
    InvalidError
        ``authority`` or ``influence_norm`` lacks an active contact.

    Examples
    --------
    A declared economic buyer (role 1) with authority 0.5 and the top
    influence (1): 0.4 * 1 + 0.35 * 0.5 + 0.25 * 1 = 0.825.

    >>> from datetime import UTC, datetime
    >>> from graphcrm.analytics.graph import build_network
    >>> from graphcrm.domain import Contact, Deal, DealRole, Role, StakeholderGraph
    >>> sg = StakeholderGraph(as_of=datetime(2025, 1, 1, tzinfo=UTC), accounts=(),
    ...     contacts=(Contact(id="eb", account_id="A", name="Eb"),), reports_to=(),
    ...     influences=(), deals=(Deal(id="D", account_id="A", name="D"),),
    ...     deal_roles=(DealRole(deal_id="D", contact_id="eb",
    ...                          roles=frozenset({Role.ECONOMIC_BUYER})),),
    ...     reps=(), rep_knows=(), engagement=(), contact_ties=(), rep_ties=())
    >>> decision_maker_score(build_network(sg), authority={"eb": 0.5},
    ...     influence_norm={"eb": 1.0}, deal_id="D")
    {'eb': 0.825}
    """
    p = params or DecisionParams()
    nodes = sorted(net.active)
    _check_scores("authority", authority, nodes)
    _check_scores("influence_norm", influence_norm, nodes)
    roles = deal_roles(net, deal_id)
    out: dict[str, float] = {}
    for c in nodes:
        seats = roles.get(c)
        role = 0.0  # most contacts hold no seat
        if seats:
            held: set[Role] = set()
            for r in seats:
                held |= r.roles
            role = max((p.role_score.get(r, 0.0) for r in held), default=0.0)
        out[c] = (
            p.role_weight * role
            + p.authority_weight * authority[c]
            + p.influence_weight * influence_norm[c]
        )
    return out


def relative_influence(influence: Mapping[str, float], nodes: Iterable[str]) -> dict[str, float]:
    """``min(1, x / mean x)`` over ``nodes``: influence against the average contact's.

    ``influence`` is PageRank in any scale (divided by the largest, as
    ``ContactScores.influence_norm``, or not): only its ratio to the mean
    counts. All zeros stay zero.

    >>> relative_influence({"a": 1.0, "b": 2.0, "c": 5.0, "d": 0.0}, "abcd")  # mean 2
    {'a': 0.5, 'b': 1.0, 'c': 1.0, 'd': 0.0}
    """
    keys = list(nodes)
    _check_scores("influence", influence, keys)
    mean = sum(influence[c] for c in keys) / len(keys) if keys else 0.0
    return {c: (min(1.0, influence[c] / mean) if mean > 0 else 0.0) for c in keys}


def champion_strength(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    influence_norm: Mapping[str, float],
    engagement: Mapping[str, float],
) -> dict[str, float]:
    """``stance / 2 * relative * engagement`` per active contact on a deal.

    ``relative`` is :func:`relative_influence` of ``influence_norm`` (PageRank
    in any scale) over the network's active contacts. Positive values champion
    us, negative ones oppose; contacts without a role on the deal have stance 0.

    Examples
    --------
    Stance +2, half the average influence, engagement 0.5: ``1 * 0.5 * 0.5 = 0.25``;
    at twice the average, ``1 * 1 * 0.5 = 0.5``.
    """
    nodes = sorted(net.active)
    _check_scores("engagement", engagement, nodes)
    rel = relative_influence(influence_norm, nodes)
    roles = deal_roles(net, deal_id)
    return {
        c: (roles[c][0].stance / 2.0 if c in roles else 0.0) * rel[c] * engagement[c] for c in nodes
    }


def account_champion_strength(
    net: StakeholderNetwork,
    account_id: str,
    *,
    influence_norm: Mapping[str, float],
    engagement: Mapping[str, float],
) -> dict[str, float]:
    """Each active contact's champion strength on the account's open deals.

    Per contact, the value of :func:`champion_strength` on the open deal of
    ``account_id`` where it is largest in size (its sign kept: a blocker stays
    negative; on a tie in size the positive one), 0 without a seat on an open deal.

    Examples
    --------
    Stance +2 on one deal and -1 on another, relative influence 0.8, engagement
    0.5: ``max(|0.4|, |-0.2|)`` keeps ``0.4``.
    """
    rel = relative_influence(influence_norm, sorted(net.active))
    best = dict.fromkeys((c for c in net.active if net.contacts[c].account_id == account_id), 0.0)
    for deal_id, seats in net.roles.items():
        deal = net.deals.get(deal_id)
        if deal is None or deal.account_id != account_id or deal.stage.is_closed:
            continue
        for c, role in seats.items():
            if c in best:
                v = role.stance / 2.0 * rel[c] * engagement[c]
                if (abs(v), v) > (abs(best[c]), best[c]):
                    best[c] = v
    return best
