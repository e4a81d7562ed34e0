"""Score one account: its contacts, its relationship health, its hidden influencers
and what is due for follow-up, as the account stood at one instant."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field

from graphcrm.analytics import (
    AccountHealth,
    ContactHealth,
    ContactScores,
    FollowUp,
    HiddenInfluencer,
    StakeholderNetwork,
    account_health,
    follow_ups,
    health_scores,
    hidden_influencers,
    score_contacts,
)
from graphcrm.domain import AccountId, ContactId, Model, Seniority, UtcDatetime
from graphcrm.domain.construct import construct
from graphcrm.services.clock import instant
from graphcrm.services.network import account_network
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


class ContactScore(Model):
    """Every deal-independent score of one active contact (``docs/scoring.md`` §2)."""

    contact_id: ContactId
    name: str
    seniority: Seniority
    influence: float
    """PageRank over support ties, in the direction influence flows (sums to 1 per account)."""
    influence_norm: float
    brokerage: float
    authority: float
    engagement: float
    decision_maker: Annotated[
        float,
        Field(
            description=(
                "Decision-maker score in [0, 1]: 0.4 x role + 0.35 x authority + 0.25 x "
                "influence, the roles held on every open deal; it ranks who decides and is "
                "not a probability (docs/scoring.md)."
            )
        ),
    ]
    """Account-wide decision-maker score (roles on every open deal; a ranking, not a
    probability)."""
    health: ContactHealth


class AccountScores(Model):
    """One account scored as of ``as_of``.

    ``contacts`` holds the account's active contacts, highest decision-maker
    score first (ties by id); ``follow_ups`` is most urgent first.
    """

    account_id: AccountId
    as_of: UtcDatetime
    contacts: tuple[ContactScore, ...]
    health: AccountHealth
    hidden_influencers: tuple[HiddenInfluencer, ...]
    follow_ups: tuple[FollowUp, ...]

    def top(self, key: str, k: int = 5) -> tuple[ContactScore, ...]:
        """The ``k`` contacts with the highest score ``key`` (a float field), ties by id."""
        if key not in ContactScore.model_fields or key in ("contact_id", "name", "health"):
            raise ValueError(f"not a numeric contact score: {key!r}")
        ranked = sorted(self.contacts, key=lambda c: (-float(getattr(c, key)), c.contact_id))
        return tuple(ranked[:k])


def account_scores(
    net: StakeholderNetwork,
    account_id: AccountId,
    *,
    scores: ContactScores | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
    before: Mapping[str, float] | None = None,
) -> AccountScores:
    """Assemble :class:`AccountScores` from a built network (no store access).

    ``scores`` are computed when omitted (pass them to share them with deal
    risks), with the contacts' trends against ``before`` (their health
    ``trend_days`` earlier: :func:`earlier_health`).
    """
    p = params or AnalyticsParams()
    s = (
        scores
        if scores is not None
        else score_contacts(net, params=p.risk.scoring, seed=seed, before=before)
    )
    members = sorted(c for c in net.active if net.contacts[c].account_id == account_id)
    rows = [  # trusted values (the scores are floats): built without validation
        construct(
            ContactScore,
            {
                "contact_id": ContactId(c),
                "name": net.contacts[c].name,
                "seniority": net.contacts[c].seniority,
                "influence": float(s.influence[c]),
                "influence_norm": float(s.influence_norm[c]),
                "brokerage": float(s.brokerage[c]),
                "authority": float(s.authority[c]),
                "engagement": float(s.engagement[c]),
                "decision_maker": float(s.decision_maker[c]),
                "health": s.health[c],
            },
        )
        for c in members
    ]
    rows.sort(key=lambda r: (-r.decision_maker, r.contact_id))
    health = account_health(
        net,
        account_id,
        influence=s.influence,
        health=s.health,
        decision_maker=s.decision_maker,
        params=p.risk.scoring.health,
    )
    hidden = hidden_influencers(
        {c: s.influence[c] for c in members},
        {c: s.authority[c] for c in members},
        params=p.hidden,
    )
    return AccountScores(
        account_id=account_id,
        as_of=net.as_of,
        contacts=tuple(rows),
        health=health,
        hidden_influencers=tuple(hidden),
        follow_ups=tuple(follow_ups(net, params=p.risk.cadence)),
    )


def earlier_health(
    store: GraphStore, account_id: AccountId, *, at: datetime, params: AnalyticsParams
) -> dict[str, float]:
    """The health of the account's contacts ``trend_days`` before ``at``, as of then.

    The account is read again as of that instant, so its aggregates and rep ties
    are the ones known then (:func:`~graphcrm.analytics.health_scores`); a contact
    not yet active then has no entry, and so no trend.
    """
    then = at - timedelta(days=params.risk.scoring.health.trend_days)
    sg = store.stakeholder_graph(account_id, as_of=then)
    net = account_network(sg, at=then, params=params)
    return health_scores(net, params=params.risk.scoring)


def score_account(
    store: GraphStore,
    account_id: AccountId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> AccountScores:
    """Read the account's stakeholder graph as of ``as_of`` (default: now) and score it.

    The account is read a second time, ``trend_days`` earlier, for the contacts'
    health trends (:func:`earlier_health`).

    Raises
    ------
    NotFoundError
        No such account.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    sg = store.stakeholder_graph(account_id, as_of=at)
    net = account_network(sg, at=at, params=p)
    before = earlier_health(store, account_id, at=at, params=p)
    return account_scores(net, account_id, params=p, seed=seed, before=before)
