"""A deal's history: its stage changes, close-date changes and loss reason."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Final

from graphcrm.domain import CloseDateChange, Stage, StageChange
from graphcrm.domain.construct import construct
from graphcrm.generator.account.base import (
    DAY,
    WEEK,
    BuilderState,
    as_date,
    as_datetime,
    pick,
    weighted_index,
)
from graphcrm.generator.oracle import SeatTruth, features_as_of
from graphcrm.generator.outcome import DealFeatures

_LOST_AT_WEIGHTS: Final = (0.08, 0.17, 0.20, 0.17, 0.18, 0.13, 0.07)
_OPEN: Final = tuple(s for s in Stage if not s.is_closed)
_LAST_OPEN: Final = len(_OPEN) - 1
_LEFT_TR, _LEFT_EN = "Şampiyon şirketten ayrıldı", "Champion left the company"
_OPP_TR, _OPP_EN = "İç muhalefet; rakip tercih edildi", "Internal opposition; competitor preferred"
_DARK_TR, _DARK_EN = "Müşteri yanıt vermedi, karar çıkmadı", "Went dark - no decision"
_BUDGET_TR, _BUDGET_EN = "Bütçe onayı alınamadı", "Budget not approved"


class HistoryBuilder(BuilderState):
    """Draws the stage and close-date history of a deal and why a lost one was lost."""

    def _outcome_stages(
        self,
        rng: random.Random,
        did: str,
        t0: int,
        end: int,
        end_full: int,
        closed: bool,
        won: bool,
    ) -> tuple[list[StageChange], Stage]:
        """The stage history drawn after the outcome (``stages="outcome"``).

        A won deal (and an open one) heads for closing, a lost deal for a stage
        drawn from ``_LOST_AT_WEIGHTS``, with skips and setbacks on the way; the
        moves fall at random times over the deal's full life, and those after
        ``now`` are not written.
        """
        rnd = rng.random
        lost = closed and not won
        target = weighted_index(_LOST_AT_WEIGHTS, 1.0, rnd()) if lost else _LAST_OPEN
        path = [0]
        s = 0
        while s < target and len(path) < 16:
            u = rnd()
            if s >= 2 and u < 0.1:
                s -= 1 + (rnd() < 0.3)
            elif u < 0.22 and s + 2 <= target:
                s += 2
            else:
                s += 1
            path.append(s)
        stages: list[Stage] = [_OPEN[x] for x in path]
        if closed:
            stages.append(Stage.CLOSED_WON if won else Stage.CLOSED_LOST)
        moves = len(stages) - 1
        times = sorted(t0 + 60 + int(rnd() * (end_full - t0 - 120)) for _ in range(moves))
        if closed:
            times[-1] = end
        times = [t0, *times]
        for j in range(1, len(times)):
            if times[j] <= times[j - 1]:
                times[j] = times[j - 1] + 1
        return self._stage_rows(did, times, stages)

    def _committee_stages(
        self,
        rng: random.Random,
        did: str,
        seats: Sequence[SeatTruth],
        touch_times: Sequence[int],
        t0: int,
        end: int,
        end_full: int,
        closed: bool,
        won: bool,
    ) -> tuple[list[StageChange], Stage]:
        """The stage history driven by the committee (``stages="committee"``).

        Every week after the creation the deal is reviewed. Its target stage is
        ``min(clock, ceiling)``: ``clock = floor(7 x)`` for the share ``x`` of
        its full life gone by (0 prospecting to 6 closing), and ``ceiling =
        min(6, 1 + floor(7 r))`` for the committee's readiness then,
        ``r = clip(0.5 min(1, 2C) + 0.25 [E = 1] + 0.25 M - 0.5 [E = -1] - 0.5 L, 0, 1)``
        over the true drivers as of the review (:func:`features_as_of`). Below
        its target the deal moves up with probability 0.6 (two stages at once
        with probability 0.25 when the target is that far), above it down one
        with probability 0.3. Two uniform draws per review, whatever happens,
        so the path is the same whether the deal is then won or lost. A closed
        deal closes at its end from the stage it stands in.
        """
        rnd = rng.random
        span = end_full - t0
        s = 0
        times, path = [t0], [0]
        t = t0 + WEEK
        while t < end:
            f = features_as_of(seats, touch_times, created=t0, at=t)
            readiness = (
                0.5 * min(1.0, 2.0 * f.champion)
                + 0.25 * (f.economic_buyer == 1)
                + 0.25 * f.threading
                - 0.5 * (f.economic_buyer == -1)
                - 0.5 * f.champion_left
            )
            ceiling = 1 + int(7 * max(0.0, readiness))
            target = min(_LAST_OPEN, 7 * (t - t0) // span, ceiling)
            u, v = rnd(), rnd()
            moved = s
            if target > s and u < 0.6:
                moved = s + (2 if target >= s + 2 and v < 0.25 else 1)
            elif target < s and u < 0.3:
                moved = s - 1
            if moved != s:
                s = moved
                times.append(t)
                path.append(s)
            t += WEEK
        stages = [_OPEN[x] for x in path]
        if closed:
            times.append(end)
            stages.append(Stage.CLOSED_WON if won else Stage.CLOSED_LOST)
        return self._stage_rows(did, times, stages)

    def _stage_rows(
        self, did: str, times: Sequence[int], stages: Sequence[Stage]
    ) -> tuple[list[StageChange], Stage]:
        """The ``StageChange`` rows of a path up to ``now``, and the stage at ``now``."""
        now = self.ctx.now
        rows: list[StageChange] = []
        prev: Stage | None = None
        for t, stage in zip(times, stages, strict=True):
            if t > now:
                break
            rows.append(
                construct(
                    StageChange,
                    {"deal_id": did, "at": as_datetime(t), "from_stage": prev, "to_stage": stage},
                )
            )
            prev = stage
        return rows, prev if prev is not None else Stage.PROSPECTING

    def _loss_reason(
        self, rng: random.Random, current: Stage, features: DealFeatures | None
    ) -> str | None:
        """Why a lost deal was lost, from its drivers (``None`` unless ``closed_lost``)."""
        if current is not Stage.CLOSED_LOST or features is None:
            return None
        tr, prof = self.tr, self.profile
        if features.champion_left:
            return _LEFT_TR if tr else _LEFT_EN
        if features.opposition >= 0.6:
            return _OPP_TR if tr else _OPP_EN
        if features.stale:
            return _DARK_TR if tr else _DARK_EN
        if features.economic_buyer <= 0 and rng.random() < 0.5:
            return _BUDGET_TR if tr else _BUDGET_EN
        return pick(rng, prof.loss_reasons_tr if tr else prof.loss_reasons_en)

    def _close_dates(
        self, did: str, t0: int, planned: int, duration: int, closed_at: int | None
    ) -> tuple[list[CloseDateChange], date]:
        """The first estimate, the slips while the deal runs long, and the actual date."""
        now = self.ctx.now
        expected = as_date(t0 + planned)
        rows = [
            construct(
                CloseDateChange,
                {"deal_id": did, "at": as_datetime(t0), "from_date": None, "to_date": expected},
            )
        ]
        last = t0
        overrun = duration - planned
        if overrun > planned * 0.05:
            slips = 1 + (overrun > 30 * DAY) + (overrun > 90 * DAY)
            first = t0 + int(planned * 0.6)
            stop = min(t0 + duration, now)
            for j in range(slips):
                at = first + int((j + self.rnd()) / slips * (stop - first))
                if at <= last or at >= stop:
                    continue
                new = as_date(max(at + 7 * DAY, t0 + planned + (j + 1) * overrun // slips))
                if new != expected:
                    rows.append(
                        construct(
                            CloseDateChange,
                            {
                                "deal_id": did,
                                "at": as_datetime(at),
                                "from_date": expected,
                                "to_date": new,
                            },
                        )
                    )
                    expected, last = new, at
        if closed_at is not None and as_date(closed_at) != expected:
            actual = as_date(closed_at)
            rows.append(
                construct(
                    CloseDateChange,
                    {
                        "deal_id": did,
                        "at": as_datetime(closed_at),
                        "from_date": expected,
                        "to_date": actual,
                    },
                )
            )
            expected = actual
        return rows, expected
