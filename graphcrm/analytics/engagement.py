"""Engagement per contact, from the touchpoint aggregates of the store.

For a contact with aggregates ``e`` at instant ``as_of``::

    days        = (as_of - e.last_at) in days (0 if in the future)
    recency     = 0.5 ** (days / half_life_days)
    answered    = e.two_way + inbound_weight * e.inbound
    decayed     = e.touches_30d + 0.5 ** (30 / half_life_days) * (e.touches_90d - e.touches_30d)
    frequency   = min(1, answered / e.touchpoints * decayed / frequency_target)
    reciprocity = answered / (e.two_way + e.inbound)        (0 if the contact never answered)
    sentiment   = (e.sentiment_mean + 1) / 2                 (0 if the contact never answered)
    quality     = frequency_weight * frequency + reciprocity_weight * reciprocity
                  + sentiment_weight * sentiment
    engagement  = recency * quality            (in [0, 1])

Recency multiplies the rest, so a contact's engagement halves every
``half_life_days`` of silence. A contact without aggregates scores 0.

**Engagement is what the contact did.** Our outbound touchpoints that nobody
answered count for nothing, neither for the contact nor against them:

- ``frequency`` counts the window's touches in the share the contact answered
  (a two-way one in full, an inbound one by ``inbound_weight``): an unanswered
  email in the window adds a touch and lowers the share in step;
- ``reciprocity`` is how much of what the contact did was a conversation (a
  two-way touch) rather than a message (inbound), our own sends left out;
- sentiment counts only once the contact has answered.

A contact who never answered scores 0, however often we wrote. What the
aggregates cannot say: they count directions over the whole history, not per
window, and they date only the last touchpoint, of any direction. So an
unanswered email to a contact who answered *before* still refreshes
``recency`` (see ``docs/scoring.md`` §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from graphcrm.analytics.params import EngagementParams
from graphcrm.domain import ContactEngagement
from graphcrm.errors import InvalidError, Problem


@dataclass(frozen=True, slots=True)
class EngagementParts:
    """The factors of one contact's engagement (see the module formula)."""

    days_since: float
    recency: float
    frequency: float
    reciprocity: float
    sentiment: float
    engagement: float


def days_between(earlier: datetime, later: datetime) -> float:
    """Days from ``earlier`` to ``later`` (negative if reversed)."""
    return (later - earlier).total_seconds() / 86400.0


def _check(e: ContactEngagement) -> None:
    problems: list[Problem] = []
    where = f"engagement[{e.contact_id}]"
    if (
        e.inbound + e.outbound + e.two_way > e.touchpoints
        or min(e.touchpoints, e.inbound, e.outbound, e.two_way, e.touches_30d, e.touches_90d) < 0
    ):
        problems.append(Problem(where, "touchpoints", "direction counts exceed the total"))
    if not e.touches_30d <= e.touches_90d <= e.touchpoints:
        problems.append(Problem(where, "touches_90d", "needs touches_30d <= touches_90d <= total"))
    if not -1.0 <= e.sentiment_mean <= 1.0:
        problems.append(Problem(where, "sentiment_mean", "must lie in [-1, 1]"))
    if problems:
        raise InvalidError(problems)


def engagement_parts(
    e: ContactEngagement, *, as_of: datetime, params: EngagementParams | None = None
) -> EngagementParts:
    """The factors of :func:`engagement_scores` for one contact."""
    p = params or EngagementParams()
    _check(e)
    days = max(0.0, days_between(e.last_at, as_of))
    recency = 0.5 ** (days / p.half_life_days)
    prior = 0.5 ** (30.0 / p.half_life_days)
    decayed = e.touches_30d + prior * (e.touches_90d - e.touches_30d)
    answered = e.two_way + p.inbound_weight * e.inbound
    took_part = e.two_way + e.inbound  # touchpoints the contact took part in
    if took_part > 0:
        frequency = min(1.0, answered / e.touchpoints * decayed / p.frequency_target)
        reciprocity = answered / took_part
        sentiment = (e.sentiment_mean + 1.0) / 2.0
    else:  # only our own unanswered sends (or no touchpoint): nothing from the contact
        frequency = reciprocity = sentiment = 0.0
    quality = (
        p.frequency_weight * frequency
        + p.reciprocity_weight * reciprocity
        + p.sentiment_weight * sentiment
    )
    return EngagementParts(days, recency, frequency, reciprocity, sentiment, recency * quality)


def engagement_scores(
    engagement: Mapping[str, ContactEngagement],
    *,
    as_of: datetime,
    nodes: Iterable[str] | None = None,
    params: EngagementParams | None = None,
) -> dict[str, float]:
    """Engagement in ``[0, 1]`` per contact (formula in the module docstring).

    Parameters
    ----------
    engagement : mapping
        Contact id -> aggregates (``StakeholderNetwork.engagement``).
    as_of : datetime
        The instant the recency refers to (time-zone aware).
    nodes : iterable, optional
        The contacts to score (default: those in ``engagement``); a contact
        without aggregates scores 0.
    params : EngagementParams, optional

    Raises
    ------
    InvalidError
        Inconsistent aggregates or a naive ``as_of``.

    Examples
    --------
    Last touch 30 days ago (recency 0.5); 4 touches in 30 days and 4 more in
    the 60 before: decayed 4 + 0.5 * 4 = 6, frequency 6/8 = 0.75; all 8
    two-way: reciprocity 1; neutral sentiment 0.5. Quality
    0.4 * 0.75 + 0.3 * 1 + 0.3 * 0.5 = 0.75; engagement 0.5 * 0.75:

    >>> from datetime import UTC, datetime
    >>> e = ContactEngagement(contact_id="c", touchpoints=8, inbound=0, outbound=0,
    ...     two_way=8, first_at=datetime(2025, 1, 1, tzinfo=UTC),
    ...     last_at=datetime(2025, 3, 2, tzinfo=UTC), last_touchpoint_id="t8",
    ...     sentiment_mean=0.0, touches_30d=4, touches_90d=8)
    >>> s = engagement_scores({"c": e}, as_of=datetime(2025, 4, 1, tzinfo=UTC))
    >>> round(s["c"], 12)
    0.375
    """
    if as_of.tzinfo is None:
        raise InvalidError([Problem("engagement_scores", "as_of", "must be time-zone aware")])
    wanted = list(engagement) if nodes is None else list(nodes)
    out: dict[str, float] = {}
    for c in wanted:
        e = engagement.get(c)
        out[c] = 0.0 if e is None else engagement_parts(e, as_of=as_of, params=params).engagement
    return out
