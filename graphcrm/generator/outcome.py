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

>>> strong = DealFeatures(champion=1.0, champion_left=False, economic_buyer=1,
...                       threading=1.0, opposition=0.0, stale=False)
>>> weak = DealFeatures(champion=0.0, champion_left=False, economic_buyer=0,
...                     threading=0.0, opposition=0.8, stale=True)
>>> round(strong.win_probability(), 3), round(weak.win_probability(), 3)
(0.937, 0.019)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Final

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

LOW_RANKS: Final = frozenset({Seniority.MANAGER, Seniority.INDIVIDUAL_CONTRIBUTOR})
_TIE_KINDS: Final = frozenset({InfluenceKind.ADVISES, InfluenceKind.TRUSTS})
_STALE_SECONDS: Final = STALE_GAP_DAYS * 86_400


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

    def logit(self) -> float:
        k = COEFFICIENTS
        return (
            INTERCEPT
            + k["champion"] * self.champion
            + k["economic_buyer"] * self.economic_buyer
            + k["threading"] * self.threading
            + k["opposition"] * self.opposition
            + k["champion_left"] * self.champion_left
            + k["stale"] * self.stale
        )

    def win_probability(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit()))


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
