"""The oracle: the generator's true drivers of a closed deal as of any instant of its life.

A benchmark that snapshots closed deals "as of" a date needs a reference no
model can beat: the stage then plus the drivers the outcome is drawn from,
measured from the generator's true values, only up to that date. This is it.

What "as of ``T``" measures
    The quantities of :mod:`graphcrm.generator.outcome` (``C``, ``L``, ``E``,
    ``M``, ``O``, ``S``), computed by the same :func:`deal_features`, over:

    - the committee members whose seat began at or before ``T``, each with
      the roles of their latest seat interval begun by ``T`` and their *true*
      stance (not the recorded one, which ``stance_noise`` and
      ``stance_delay_days`` may change);
    - the deal's touchpoints at or before ``T``;
    - departures at or before ``T`` (``L``);
    - the silences between the deal's creation, those touchpoints and ``T``
      (``S``).

    Influence ``I(c)`` counts a contact's advises/trusts edges, which the
    generator fixes before any deal. As of the close, the drivers are exactly
    the ones the generator decided the deal with. The hidden shock ``H`` (0
    unless ``hidden_driver`` is set) is the deal's from its creation on, and
    the stage is the one the deal's stage history holds at ``T``.

Use
    Build the index once per portfolio with
    :func:`~graphcrm.generator.portfolio.truth_index` (it regenerates the
    portfolio from its config, keeping the truth the rows may not carry),
    then ask :func:`drivers_as_of` for each snapshot: a bisection per
    committee member, so 10,000 snapshots take well under a second.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from graphcrm.domain import DealId, Role, Stage
from graphcrm.errors import NotFoundError
from graphcrm.generator.outcome import (
    Coefficients,
    DealFeatures,
    MemberFacts,
    deal_features,
    sigmoid,
)


@dataclass(frozen=True, slots=True)
class SeatTruth:
    """One committee member of one deal, as the generator knows them (times in POSIX seconds).

    ``starts[i]`` is when the seat's ``i``-th interval began, holding
    ``roles[i]``; ``touches`` are the times of the deal's touchpoints that
    reached the member, ascending; ``left`` is the departure (or a time
    beyond any date, for someone who stays).
    """

    contact_id: str
    starts: tuple[int, ...]
    roles: tuple[frozenset[Role], ...]
    stance: int
    influence: float
    touches: tuple[int, ...]
    left: int

    def facts_as_of(self, at: float) -> MemberFacts | None:
        """What the outcome model sees of this member at ``at`` (``None`` before the seat)."""
        i = bisect_right(self.starts, at)
        if i == 0:
            return None
        return MemberFacts(
            roles=self.roles[i - 1],
            stance=self.stance,
            influence=self.influence,
            touches=bisect_right(self.touches, at),
            left_before_close=self.left <= at,
        )


def features_as_of(
    seats: Sequence[SeatTruth], touch_times: Sequence[int], *, created: int, at: float
) -> DealFeatures:
    """:func:`deal_features` of a deal measured over its life up to ``at`` only."""
    facts = [f for f in (s.facts_as_of(at) for s in seats) if f is not None]
    seen = touch_times[: bisect_right(touch_times, at)]
    return deal_features(facts, seen, created=created, closed=at)


@dataclass(frozen=True, slots=True)
class DealTruth:
    """Everything the generator knew of one closed deal.

    ``stage_times`` and ``stages`` are its stage history (the rows carry it
    unchanged); ``hidden`` is its hidden shock ``H``.
    """

    deal_id: DealId
    created: int
    closed: int
    won: bool
    hidden: float
    seats: tuple[SeatTruth, ...]
    touch_times: tuple[int, ...]
    stage_times: tuple[int, ...]
    stages: tuple[Stage, ...]

    def features_as_of(self, at: float) -> DealFeatures:
        """The true drivers measured up to ``at``."""
        return features_as_of(self.seats, self.touch_times, created=self.created, at=at)

    def stage_as_of(self, at: float) -> Stage:
        """The stage the deal stood in at ``at``."""
        return self.stages[max(0, bisect_right(self.stage_times, at) - 1)]


@dataclass(frozen=True, slots=True)
class TrueDrivers:
    """The oracle's answer for one deal at one instant.

    ``features`` are the drivers as of ``at``; ``hidden`` is the shock ``H``
    no row records; ``stage`` is the stage at ``at``.
    """

    deal_id: DealId
    at: datetime
    stage: Stage
    features: DealFeatures
    hidden: float

    def logit(self, k: Coefficients) -> float:
        """``z`` under the portfolio's weights ``k``, hidden shock included."""
        return self.features.logit(k) + k.hidden * self.hidden

    def win_probability(self, k: Coefficients) -> float:
        """``P(won)`` if the deal closed at ``at`` with these drivers."""
        return sigmoid(self.logit(k))


@dataclass(frozen=True, slots=True)
class TruthIndex:
    """The truth of every closed deal of one portfolio, by deal id, and its outcome weights."""

    coefficients: Coefficients
    deals: Mapping[DealId, DealTruth]


def drivers_as_of(index: TruthIndex, deal_id: str, at: datetime) -> TrueDrivers:
    """The generator's true drivers of a closed deal and its stage, as of ``at``.

    Parameters
    ----------
    index
        The portfolio's truth, from :func:`~graphcrm.generator.portfolio.truth_index`.
    deal_id
        A closed deal of that portfolio.
    at
        A timezone-aware instant between the deal's creation and its close
        (both included).

    Raises
    ------
    NotFoundError
        ``deal_id`` is not a closed deal of the portfolio.
    ValueError
        ``at`` is naive or outside the deal's life.

    Examples
    --------
    >>> from datetime import timedelta
    >>> from graphcrm.generator import GeneratorConfig, closed_deals, generate_portfolio
    >>> from graphcrm.generator import truth_index
    >>> config = GeneratorConfig(accounts=6, seed=3)
    >>> index = truth_index(config)
    >>> deal = next(iter(index.deals.values()))
    >>> closed = datetime.fromtimestamp(deal.closed, UTC)
    >>> at_close = drivers_as_of(index, deal.deal_id, closed)
    >>> rows = {d.deal_id: d for d in closed_deals(generate_portfolio(config))}
    >>> at_close.features == rows[deal.deal_id].features, at_close.stage.is_closed
    (True, True)
    >>> drivers_as_of(index, deal.deal_id, closed - timedelta(days=1)).stage.is_closed
    False
    """
    truth = index.deals.get(DealId(deal_id))
    if truth is None:
        raise NotFoundError("closed deal", deal_id)
    if at.tzinfo is None:
        raise ValueError(f"at {at.isoformat()} has no time zone")
    t = at.timestamp()
    if not truth.created <= t <= truth.closed:
        raise ValueError(
            f"deal {deal_id} was open from {_iso(truth.created)} to {_iso(truth.closed)}, "
            f"not at {at.isoformat()}"
        )
    return TrueDrivers(
        deal_id=truth.deal_id,
        at=at,
        stage=truth.stage_as_of(t),
        features=truth.features_as_of(t),
        hidden=truth.hidden,
    )


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()
