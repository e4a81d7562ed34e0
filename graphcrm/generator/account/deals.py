"""Deals: one deal drawn end to end, from its committee to its rows.

The :class:`~graphcrm.generator.outcome.OutcomeOptions` act here: the outcome
draw, the stage history (``_outcome_stages`` or ``_committee_stages``) and the
stance each ``DealRole`` row records (``_recorded_stance``; with a delay, a
seat's interval splits where its stance becomes known). The account's own
stream draws exactly what it draws without options.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from graphcrm.domain import (
    CloseDateChange,
    Deal,
    DealId,
    DealRole,
    InfluenceKind,
    InfluenceSource,
    Stage,
    StageChange,
)
from graphcrm.domain.construct import construct
from graphcrm.generator import vocab
from graphcrm.generator.account.base import (
    DAY,
    NEVER,
    SENIORITY,
    Member,
    as_date,
    as_datetime,
    pick,
    seeded,
    weighted_index,
)
from graphcrm.generator.account.committee import CommitteeBuilder
from graphcrm.generator.account.history import HistoryBuilder
from graphcrm.generator.account.touches import TouchBuilder
from graphcrm.generator.oracle import DealTruth, SeatTruth
from graphcrm.generator.outcome import (
    DealFeatures,
    MemberFacts,
    deal_features,
    influence_score,
    sigmoid,
)
from graphcrm.generator.sectors import CONSTRUCTION_PROJECTS_EN, CONSTRUCTION_PROJECTS_TR


@dataclass(frozen=True, slots=True)
class DealSpan:
    """A deal's number, id and times (POSIX seconds): created, planned and actual length.

    ``end`` is the close of a closed deal, else ``now``.
    """

    k: int
    did: str
    t0: int
    planned: int
    duration: int
    end: int
    closed: bool


class DealHistory(NamedTuple):
    """What :meth:`DealBuilder._history` draws: rows, the stage and close date now, the truth."""

    stages: list[StageChange]
    current: Stage
    close_dates: list[CloseDateChange]
    expected: date
    loss_reason: str | None
    seats: tuple[SeatTruth, ...]


class DealBuilder(CommitteeBuilder, HistoryBuilder, TouchBuilder):
    """Draws the account's deals: committee, touchpoints, outcome, history, rows."""

    def _deal(self, k: int, t0: int) -> None:
        """Draw the account's deal ``k``, created at ``t0``, and append its rows."""
        rng, rnd, prof, ctx = self.rng, self.rnd, self.profile, self.ctx
        lo, hi = prof.cycle_days
        planned = int((lo + (hi - lo) * rnd()) * DAY)
        stale = rnd() < 0.25
        duration = int(planned * math.exp(rng.gauss(0.05, 0.18)))
        if stale:
            duration += int(40 * DAY * rnd())
        closed = t0 + duration < ctx.now - 3600
        span = DealSpan(
            k=k,
            did=f"{self.aid}-D{k:03d}",
            t0=t0,
            planned=planned,
            duration=duration,
            end=t0 + duration if closed else ctx.now,
            closed=closed,
        )
        members = self._committee(t0, span.end - t0)
        champion, blocker = self._stances(members)
        self._seat_changes(span, members, champion, blocker)
        self._engagement(members, champion)
        owner = self.owner if rnd() < 0.85 else pick(rng, self.reps)
        presales = [r for r in self.reps if r != owner]
        tps = self._touchpoints(span.did, members, t0, span.end, stale, not closed, owner, presales)
        hidden = self.hidden_rng.gauss() if self.hidden_rng is not None else 0.0
        features, won, documented = self._outcome(span, members, tps, hidden)
        history = self._history(span, members, tps, features, won=won, documented=documented)
        self._deal_row(span, history, owner)
        out = self.out
        out.stage_changes.extend(history.stages)
        out.close_date_changes.extend(history.close_dates)
        self._committee_rows(span, members)
        if closed and out.truths is not None:
            out.truths.append(
                DealTruth(
                    deal_id=DealId(span.did),
                    created=t0,
                    closed=span.end,
                    won=won,
                    hidden=hidden,
                    seats=history.seats,
                    touch_times=tuple(tps),
                    stage_times=tuple(int(r.at.timestamp()) for r in history.stages),
                    stages=tuple(r.to_stage for r in history.stages),
                )
            )
        # No RepKnows from the deal: its strength would count the deal's touches to
        # its end, which a read at an earlier date must not see. The owner is on
        # every touchpoint, so the store's rep ties carry the relationship, dated.
        if blocker is not None and champion is not None:
            self._edge(
                blocker.c,
                champion.c,
                InfluenceKind.OPPOSES,
                0.4 + 0.5 * rnd(),
                InfluenceSource.OBSERVED,
                t0,
            )

    def _seat_changes(
        self, span: DealSpan, members: list[Member], champion: Member | None, blocker: Member | None
    ) -> None:
        """The champion's departure and successor, other members' role changes, seat counts."""
        rnd, t0, end = self.rnd, span.t0, span.end
        # the champion may leave mid-deal (only someone on no other deal)
        if (
            champion is not None
            and rnd() < self.profile.champion_loss_rate
            and self.deal_count.get(champion.c, 0) == 0
            and self._can_leave(champion.c)
        ):
            t_leave = t0 + int((0.25 + 0.65 * rnd()) * (end - t0))
            if t_leave > champion.intervals[0][0] + DAY:
                self._leave(champion.c, t_leave)
        if champion is not None and self.left[champion.c] < end and rnd() < 0.5:
            self._successor(champion, members, end)
        self._role_events(members, end, (champion, blocker))
        for m in members:
            self.deal_count[m.c] = self.deal_count.get(m.c, 0) + 1

    def _engagement(self, members: list[Member], champion: Member | None) -> None:
        """Who the touchpoints reach: each member's weight (at least one is reached)."""
        rnd = self.rnd
        theta = 0.2 + 0.8 * rnd()
        for m in members:
            if m is champion:
                m.weight = 3.0 if rnd() < 0.65 else 0.15
            elif m.slot == 1:
                m.weight = 1.0 if rnd() < 0.6 else 0.0
            elif m.slot == 0:
                m.weight = 1.0 if rnd() < max(theta, 0.5) else 0.0
            else:
                m.weight = 1.0 if rnd() < theta else 0.0
        if not any(m.weight for m in members):
            members[0].weight = 1.0

    def _outcome(
        self, span: DealSpan, members: list[Member], tps: list[int], hidden: float
    ) -> tuple[DealFeatures | None, bool, bool]:
        """A closed deal's drivers, whether it is won, and whether the documented model wins it.

        One uniform draw against P(won) of the documented model; with options
        that change the outcome, the same draw against their P(won). An open
        deal: ``(None, False, False)``, nothing drawn.
        """
        if not span.closed:
            return None, False, False
        end, k_portfolio = span.end, self.ctx.coefficients
        facts = [
            MemberFacts(
                roles=m.roles,
                stance=m.stance,
                influence=influence_score(SENIORITY[self.level[m.c]], self.ties[m.c]),
                touches=m.touches,
                left_before_close=self.left[m.c] <= end,
            )
            for m in members
        ]
        features = deal_features(facts, tps, created=span.t0, closed=end)
        u = self.rnd()
        won = documented = u < features.win_probability()
        if self.ctx.options.changes_the_outcome:
            won = u < sigmoid(features.logit(k_portfolio) + k_portfolio.hidden * hidden)
        return features, won, documented

    def _history(
        self,
        span: DealSpan,
        members: list[Member],
        tps: list[int],
        features: DealFeatures | None,
        *,
        won: bool,
        documented: bool,
    ) -> DealHistory:
        """The deal's stage and close-date rows, its stage now, loss reason and seats' truth.

        The account's stream always draws the history of the documented outcome,
        so options leave every other row of the account as it was; the history
        the options call for comes from the deal's own stream.
        """
        rng, opts, did, t0, end = self.rng, self.ctx.options, span.did, span.t0, span.end
        end_full, closed = t0 + span.duration, span.closed
        stage_rows, current = self._outcome_stages(rng, did, t0, end, end_full, closed, documented)
        close_rows, expected = self._close_dates(
            did, t0, span.planned, span.duration, end if closed else None
        )
        loss_reason = self._loss_reason(rng, current, features)
        by_committee = opts.stages == "committee"
        seats = self._seats(members) if by_committee or self.out.truths is not None else ()
        if by_committee or won != documented:
            own = seeded(self.ctx.seed, f"{self.plan.index}:{span.k}:stages")
            if by_committee:
                stage_rows, current = self._committee_stages(
                    own, did, seats, tps, t0, end, end_full, closed, won
                )
            else:
                stage_rows, current = self._outcome_stages(own, did, t0, end, end_full, closed, won)
            if won != documented:
                loss_reason = self._loss_reason(own, current, features)
        return DealHistory(stage_rows, current, close_rows, expected, loss_reason, seats)

    def _deal_row(self, span: DealSpan, history: DealHistory, owner: str) -> None:
        """Append the deal's row: its name, amount and competitors drawn here."""
        rng, prof = self.rng, self.profile
        n_comp = weighted_index((0.3, 0.4, 0.2, 0.1), 1.0, self.rnd())
        competitors = tuple(rng.sample(prof.competitors, n_comp)) if n_comp else ()
        self.out.deals.append(
            construct(
                Deal,
                {
                    "id": span.did,
                    "account_id": self.aid,
                    "name": self._deal_name(span.t0 + span.planned),
                    "amount": self._amount(),
                    "currency": self.currency,
                    "stage": history.current,
                    "expected_close": history.expected,
                    "competitors": competitors,
                    "loss_reason": history.loss_reason,
                    "owner_id": owner,
                },
            )
        )

    def _committee_rows(self, span: DealSpan, members: list[Member]) -> None:
        """Append the committee's ``DealRole`` rows.

        Every seat closes at the member's departure; the stance the rows record
        may be noisy or late (OutcomeOptions), the outcome's is true.
        """
        delay = self.ctx.options.stance_delay_days * DAY
        did, end, add = span.did, span.end, self.out.deal_roles.append
        for m in members:
            c = m.c
            gone = self.left[c]
            cid = self.cids[c]
            stance = m.stance
            if self.stance_rng is not None:
                stance = self._recorded_stance(self.stance_rng, stance)
            known = m.intervals[0][0] + delay if stance and delay else None
            for start, stop, roles in m.intervals:
                if start >= gone:
                    break
                stop = min(stop, gone)
                pieces: tuple[tuple[int, int, int], ...]
                if known is None or known <= start:
                    pieces = ((start, stop, stance),)
                elif known >= min(stop, end):
                    pieces = ((start, stop, 0),)
                else:
                    pieces = ((start, known, 0), (known, stop, stance))
                for a, b, recorded in pieces:
                    add(
                        construct(
                            DealRole,
                            {
                                "valid_from": as_datetime(a),
                                "valid_to": None if b == NEVER else as_datetime(b),
                                "deal_id": did,
                                "contact_id": cid,
                                "roles": roles,
                                "is_primary": m.primary,
                                "stance": recorded,
                            },
                        )
                    )

    def _deal_name(self, close: int) -> str:
        rng, prof, tr = self.rng, self.profile, self.tr
        when = as_date(close)
        if when.month >= 9 or when.month <= 2:
            year = when.year + 1 if when.month >= 9 else when.year
            season = f"İlkbahar/Yaz {year}" if tr else f"Spring/Summer {year}"
        else:
            season = f"Sonbahar/Kış {when.year}" if tr else f"Autumn/Winter {when.year}"
        project = pick(rng, CONSTRUCTION_PROJECTS_TR if tr else CONSTRUCTION_PROJECTS_EN)
        template = pick(rng, prof.deal_titles_tr if tr else prof.deal_titles_en)
        title = template.format(tier=self.tier + 1, year=when.year, season=season, project=project)
        return f"{self.short} – {title}"

    def _amount(self) -> Decimal:
        lo, hi = self.profile.amount_tiers_try[self.tier]
        value = lo * (hi / lo) ** self.rnd() / vocab.TRY_PER_UNIT[self.currency]
        return Decimal(max(1000, int(round(value, -3))))
