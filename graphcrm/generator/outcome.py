"""The ground truth of generated data: the outcome model and the hidden influencers.

Analytics are judged against the rules below. Every quantity is measurable
from the generated rows alone; :func:`closed_deals` and
:func:`hidden_influencers` recompute them from batches, and the generator
decides every closed deal with the same :func:`deal_features` it exposes here.

Influence of a contact
    ``I(c) = max(w(seniority), min(1, k / 6))`` where ``k`` is the number of
    ``advises`` and ``trusts`` edges with ``c`` as ``influencer_id`` and
    ``w`` is 1.0 (C-level), 0.8 (VP), 0.6 (director), 0.4 (manager),
    0.2 (individual contributor).

Hidden influencers
    Contacts of seniority ``manager`` or ``individual_contributor`` that are
    the influencer on at least :data:`HIDDEN_MIN_TIES` (6) ``advises``/``trusts``
    edges: people many colleagues go to for advice or trust, although they
    rank low. The generator plants about one per 40 contacts (at least one per
    account), never lets another low-ranked contact reach six such edges, and
    never lets a hidden influencer leave the company.

Outcome of a closed deal
    Measured over the deal's committee (its ``DealRole`` rows, latest row per
    contact) and its touchpoints up to the closing stage change:

    - ``C`` champion strength: for the champion (role ``champion``, stance
      >= 1), ``I(champion) * min(1, touches / 4)``; 0 without a champion;
    - ``L`` champion left: the champion left the company (status
      ``left_company``) before the deal closed;
    - ``E`` economic buyer: +1 if an ``economic_buyer`` with stance >= 0 took
      part in a touchpoint, -1 if an economic buyer has stance < 0, else 0;
    - ``M`` multi-threading: ``clip((m - 2) / 4, 0, 1)`` where ``m`` is the
      number of committee members who took part in at least one touchpoint;
    - ``O`` opposition: the highest ``I(c)`` among members with stance <= -1
      (0 if none);
    - ``S`` staleness: 1 if the longest silence between the deal's creation,
      its touchpoints and its close exceeds :data:`STALE_GAP_DAYS` (45) days.

    ``z = -1.5 + 2.4 C + 0.8 E + 1.0 M - 1.8 O - 1.6 L - 1.0 S`` and
    ``P(won) = 1 / (1 + exp(-z))``; the deal is won when a uniform draw from
    the account's seeded generator falls below ``P(won)``.

Out-of-distribution options (:class:`OutcomeOptions`, all off by default)
    ``random_coefficients`` replaces the fixed weights above by
    :func:`draw_coefficients` of the portfolio's seed, and ``hidden_driver``
    adds ``hidden_driver * H`` to ``z``, with ``H`` a standard normal shock
    per deal that no row records. ``stance_noise`` and ``stance_delay_days``
    change only the stances the ``DealRole`` rows record: the outcome still
    uses the true ones. ``stages="committee"`` makes the open stages follow
    the committee instead of the outcome. The generator's truth of a closed
    deal, as of any instant of its life, is :mod:`graphcrm.generator.oracle`.
    With options on, :func:`closed_deals` still measures what the rows record,
    with the fixed weights: the truth is the oracle's.

>>> strong = DealFeatures(champion=1.0, champion_left=False, economic_buyer=1,
...                       threading=1.0, opposition=0.0, stale=False)
>>> weak = DealFeatures(champion=0.0, champion_left=False, economic_buyer=0,
...                     threading=0.0, opposition=0.8, stale=True)
>>> round(strong.win_probability(), 3), round(weak.win_probability(), 3)
(0.937, 0.019)
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from graphcrm.domain import (
    ChangeSet,
    ContactId,
    ContactStatus,
    DealId,
    InfluenceKind,
    Role,
    Seniority,
    Stage,
)

HIDDEN_MIN_TIES: Final = 6
"""Advises/trusts edges (as influencer) that make a low-ranked contact a hidden influencer."""

STALE_GAP_DAYS: Final = 45
"""A silence longer than this (in days) makes a deal stale."""

SENIORITY_WEIGHT: Final = {
    Seniority.C_LEVEL: 1.0,
    Seniority.VP: 0.8,
    Seniority.DIRECTOR: 0.6,
    Seniority.MANAGER: 0.4,
    Seniority.INDIVIDUAL_CONTRIBUTOR: 0.2,
}

INTERCEPT: Final = -1.5
COEFFICIENTS: Final = {
    "champion": 2.4,
    "economic_buyer": 0.8,
    "threading": 1.0,
    "opposition": -1.8,
    "champion_left": -1.6,
    "stale": -1.0,
}

COEFFICIENT_SPREAD: Final = 0.5
"""Standard deviation of :func:`draw_coefficients`' log-factors and intercept shift."""

LOW_RANKS: Final = frozenset({Seniority.MANAGER, Seniority.INDIVIDUAL_CONTRIBUTOR})
_TIE_KINDS: Final = frozenset({InfluenceKind.ADVISES, InfluenceKind.TRUSTS})
_STALE_SECONDS: Final = STALE_GAP_DAYS * 86_400


class OutcomeOptions(BaseModel):
    """How far a generated portfolio departs from the documented outcome model.

    The defaults reproduce it exactly (and today's portfolios byte for byte).
    Each option changes only what it names; the rows it leaves alone are the
    same as without it. Options draw from their own seeded streams, never
    from the account's.

    Attributes
    ----------
    stages
        ``"outcome"``: a lost deal's open stages run to a stage drawn at
        random (prospecting to decision) and a won deal's run to closing, so
        the stage path is drawn *after* the outcome and gives it away.
        ``"committee"``: a weekly review moves the open stage towards a
        target set by the elapsed share of the deal's life and by the
        committee's true state then (champion strength, economic buyer,
        multi-threading, champion gone; see :mod:`graphcrm.generator.oracle`),
        never by the outcome; the deal then closes, won or lost, from
        wherever it stands. Outcomes are the same in both modes.
    stance_noise
        Probability that the stance recorded on a seat (every ``DealRole``
        row of one contact on one deal) differs from the true one by one
        step, up or down at random (towards the middle at -2 and +2).
    stance_delay_days
        A recorded stance other than 0 becomes known this many days after
        the seat began: until then the rows record 0, and the change is a
        new ``DealRole`` interval. A stance that would become known only
        after the seat ended, or after the deal closed (an open deal: after
        ``now``), is never recorded.
    random_coefficients
        Draw the outcome weights per portfolio (:func:`draw_coefficients`)
        instead of using the documented ones.
    hidden_driver
        Weight on the logit of a per-deal standard normal shock (a budget
        decision graphcrm cannot see) that no row records. 0 leaves it out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: Literal["outcome", "committee"] = "outcome"
    stance_noise: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    stance_delay_days: Annotated[int, Field(ge=0, le=365)] = 0
    random_coefficients: bool = False
    hidden_driver: Annotated[float, Field(ge=0.0, le=10.0)] = 0.0

    @property
    def changes_the_outcome(self) -> bool:
        """Whether outcomes may differ from those of the documented model."""
        return self.random_coefficients or self.hidden_driver > 0


@dataclass(frozen=True, slots=True)
class Coefficients:
    """The weights of the outcome's logit (defaults: the documented model).

    ``hidden`` weighs the per-deal hidden shock ``H`` (see
    :class:`OutcomeOptions`); it is 0 unless ``hidden_driver`` is set.
    """

    intercept: float = INTERCEPT
    champion: float = COEFFICIENTS["champion"]
    economic_buyer: float = COEFFICIENTS["economic_buyer"]
    threading: float = COEFFICIENTS["threading"]
    opposition: float = COEFFICIENTS["opposition"]
    champion_left: float = COEFFICIENTS["champion_left"]
    stale: float = COEFFICIENTS["stale"]
    hidden: float = 0.0


DEFAULT_COEFFICIENTS: Final = Coefficients()


def draw_coefficients(rng: random.Random, *, hidden: float = 0.0) -> Coefficients:
    """Outcome weights scattered around the documented ones.

    Each driver's weight is multiplied by ``exp(0.5 ε)`` and the intercept
    shifted by ``0.5 ε`` (:data:`COEFFICIENT_SPREAD`), with one independent
    standard normal ``ε`` each, in field order, clipped to [-2, 2]. Signs
    never change and the median is the documented weight; a weight lies
    between 0.37 and 2.72 times it (in 68 % of portfolios between 0.61 and
    1.65 times), and the intercept within ±1 of -1.5.

    >>> k = draw_coefficients(random.Random(0))
    >>> k.champion > 0 > k.opposition, k == draw_coefficients(random.Random(0))
    (True, True)
    """
    d = DEFAULT_COEFFICIENTS

    def shift() -> float:
        return COEFFICIENT_SPREAD * min(2.0, max(-2.0, rng.gauss()))

    return Coefficients(
        intercept=d.intercept + shift(),
        champion=d.champion * math.exp(shift()),
        economic_buyer=d.economic_buyer * math.exp(shift()),
        threading=d.threading * math.exp(shift()),
        opposition=d.opposition * math.exp(shift()),
        champion_left=d.champion_left * math.exp(shift()),
        stale=d.stale * math.exp(shift()),
        hidden=hidden,
    )


def sigmoid(z: float) -> float:
    """``1 / (1 + exp(-z))``, the probability of a logit."""
    return 1.0 / (1.0 + math.exp(-z))


def influence_score(seniority: Seniority, ties: int) -> float:
    """``I(c)`` from a contact's seniority and its advises/trusts edges as influencer.

    >>> influence_score(Seniority.INDIVIDUAL_CONTRIBUTOR, 9)
    1.0
    >>> influence_score(Seniority.VP, 0)
    0.8
    """
    return max(SENIORITY_WEIGHT[seniority], min(1.0, ties / HIDDEN_MIN_TIES))


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What the outcome model needs about one committee member."""

    roles: frozenset[Role]
    stance: int
    influence: float
    touches: int
    left_before_close: bool


@dataclass(frozen=True, slots=True)
class DealFeatures:
    """The measured drivers of a deal's outcome (see the module docstring)."""

    champion: float
    champion_left: bool
    economic_buyer: int
    threading: float
    opposition: float
    stale: bool

    def logit(self, k: Coefficients = DEFAULT_COEFFICIENTS) -> float:
        """``z`` under the weights ``k`` (the hidden shock is not a feature: see the oracle)."""
        return (
            k.intercept
            + k.champion * self.champion
            + k.economic_buyer * self.economic_buyer
            + k.threading * self.threading
            + k.opposition * self.opposition
            + k.champion_left * self.champion_left
            + k.stale * self.stale
        )

    def win_probability(self, k: Coefficients = DEFAULT_COEFFICIENTS) -> float:
        """``P(won)`` under the weights ``k``."""
        return sigmoid(self.logit(k))


def deal_features(
    members: Sequence[MemberFacts],
    touch_times: Sequence[float],
    *,
    created: float,
    closed: float,
) -> DealFeatures:
    """Measure a deal's outcome drivers; times are POSIX seconds."""
    champion = 0.0
    champion_left = False
    eb_engaged = eb_against = False
    engaged = 0
    opposition = 0.0
    for m in members:
        if m.touches:
            engaged += 1
        if Role.CHAMPION in m.roles and m.stance >= 1:
            champion = max(champion, m.influence * min(1.0, m.touches / 4))
            champion_left = champion_left or m.left_before_close
        if Role.ECONOMIC_BUYER in m.roles:
            if m.stance < 0:
                eb_against = True
            elif m.touches:
                eb_engaged = True
        if m.stance <= -1:
            opposition = max(opposition, m.influence)
    points = [created, *sorted(touch_times), closed]
    longest = max(b - a for a, b in pairwise(points))
    return DealFeatures(
        champion=champion,
        champion_left=champion_left,
        economic_buyer=1 if eb_engaged else (-1 if eb_against else 0),
        threading=min(1.0, max(0.0, (engaged - 2) / 4)),
        opposition=opposition,
        stale=longest > _STALE_SECONDS,
    )


# --- recomputing the truth from rows --------------------------------------------


def hidden_influencers(batches: Iterable[ChangeSet]) -> frozenset[ContactId]:
    """Low-ranked contacts with at least :data:`HIDDEN_MIN_TIES` advises/trusts edges."""
    seniority: dict[str, Seniority] = {}
    ties: dict[str, set[tuple[str, InfluenceKind]]] = {}
    for batch in batches:
        for c in batch.contacts:
            seniority[c.id] = c.seniority
        for e in batch.influences:
            if e.kind in _TIE_KINDS:
                ties.setdefault(e.influencer_id, set()).add((e.influenced_id, e.kind))
    return frozenset(
        ContactId(c)
        for c, edges in ties.items()
        if len(edges) >= HIDDEN_MIN_TIES and seniority.get(c) in LOW_RANKS
    )


@dataclass(frozen=True, slots=True)
class ClosedDeal:
    """A closed deal, whether it was won, and its measured outcome drivers."""

    deal_id: DealId
    won: bool
    features: DealFeatures


def closed_deals(batches: Iterable[ChangeSet]) -> list[ClosedDeal]:
    """Recompute :class:`DealFeatures` of every closed deal in ``batches``, by deal id."""
    seniority: dict[str, Seniority] = {}
    left_at: dict[str, datetime] = {}
    ties: dict[str, set[tuple[str, InfluenceKind]]] = {}
    stages: dict[str, Stage] = {}
    created: dict[str, datetime] = {}
    closed: dict[str, datetime] = {}
    roles: dict[tuple[str, str], tuple[datetime, frozenset[Role], int]] = {}
    touches: dict[str, list[tuple[datetime, tuple[str, ...]]]] = {}
    for batch in batches:
        for c in batch.contacts:
            seniority[c.id] = c.seniority
            if c.status is ContactStatus.LEFT_COMPANY and c.status_from is not None:
                left_at[c.id] = c.status_from
        for e in batch.influences:
            if e.kind in _TIE_KINDS:
                ties.setdefault(e.influencer_id, set()).add((e.influenced_id, e.kind))
        for d in batch.deals:
            stages[d.id] = d.stage
        for s in batch.stage_changes:
            if s.from_stage is None:
                created[s.deal_id] = s.at
            if s.to_stage.is_closed:
                closed[s.deal_id] = s.at
        for r in batch.deal_roles:
            key = (r.deal_id, r.contact_id)
            start = r.valid_from
            if start is None:
                raise ValueError(f"deal role {key} has no valid_from")
            seen = roles.get(key)
            if seen is None or start > seen[0]:
                roles[key] = (start, r.roles, r.stance)
        for t in batch.touchpoints:
            if t.deal_id is not None:
                touches.setdefault(t.deal_id, []).append((t.at, t.contact_ids))
    members: dict[str, list[tuple[str, frozenset[Role], int]]] = {}
    for (deal, contact), (_, rs, stance) in roles.items():
        members.setdefault(deal, []).append((contact, rs, stance))
    out: list[ClosedDeal] = []
    for deal, stage in sorted(stages.items()):
        if not stage.is_closed:
            continue
        end = closed[deal]
        tps = [(at, ids) for at, ids in touches.get(deal, ()) if at <= end]
        facts = []
        for contact, rs, stance in members.get(deal, ()):
            gone = left_at.get(contact)
            facts.append(
                MemberFacts(
                    roles=rs,
                    stance=stance,
                    influence=influence_score(seniority[contact], len(ties.get(contact, ()))),
                    touches=sum(1 for _, ids in tps if contact in ids),
                    left_before_close=gone is not None and gone <= end,
                )
            )
        features = deal_features(
            facts,
            [at.timestamp() for at, _ in tps],
            created=created[deal].timestamp(),
            closed=end.timestamp(),
        )
        out.append(ClosedDeal(DealId(deal), stage is Stage.CLOSED_WON, features))
    return out
