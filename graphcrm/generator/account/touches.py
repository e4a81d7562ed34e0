"""Touchpoints: when a deal's contacts are reached, how, by whom, and the account's own."""

from __future__ import annotations

from typing import Final

from graphcrm.domain import Direction, Touchpoint, TouchpointKind
from graphcrm.domain.construct import construct
from graphcrm.generator import vocab
from graphcrm.generator.account.base import (
    DAY,
    BuilderState,
    Member,
    as_datetime,
    pick,
    weighted,
    weighted_cum,
    weighted_index,
)
from graphcrm.generator.sectors import Sector

_DIRECTIONS: Final = {
    TouchpointKind.EMAIL: ((Direction.OUTBOUND, 0.6), (Direction.INBOUND, 1.0)),
    TouchpointKind.CALL: (
        (Direction.OUTBOUND, 0.5),
        (Direction.TWO_WAY, 0.9),
        (Direction.INBOUND, 1.0),
    ),
    TouchpointKind.LINKEDIN: ((Direction.OUTBOUND, 0.8), (Direction.INBOUND, 1.0)),
}
_GROUP_KINDS: Final = frozenset({TouchpointKind.MEETING, TouchpointKind.DEMO, TouchpointKind.POC})
_SUMMARIES_TR: Final = {TouchpointKind(k): v for k, v in vocab.SUMMARIES_TR.items()}
_SUMMARIES_EN: Final = {TouchpointKind(k): v for k, v in vocab.SUMMARIES_EN.items()}


class TouchBuilder(BuilderState):
    """Draws the touchpoints of a deal and of the account."""

    def _touch_times(self, t0: int, end: int, gap: float, stale: bool, is_open: bool) -> list[int]:
        rnd = self.rnd
        times: list[int] = []
        t = t0 + int(rnd() * 3 * DAY)
        silence = at = 0
        if stale:
            silence = int((50 + 60 * rnd()) * DAY)
            if is_open and rnd() < 0.4:
                at = end - silence  # went dark: nothing since
            else:
                at = t0 + int((0.15 + 0.6 * rnd()) * (end - t0))
        step = gap * DAY
        while t < end and len(times) < 120:
            if stale and t >= at:
                if is_open and at == end - silence:
                    break
                t += silence
                stale = False
                if t >= end:
                    break
            times.append(t)
            t += int((0.3 + 1.4 * rnd()) * step) + 3600
        return times

    def _touchpoints(
        self,
        did: str,
        members: list[Member],
        t0: int,
        end: int,
        stale: bool,
        is_open: bool,
        owner: str,
        presales: list[str],
    ) -> list[int]:
        rng, rnd, prof, tr = self.rng, self.rnd, self.profile, self.tr
        times = self._touch_times(t0, end, prof.touch_gap_days, stale, is_open)
        summaries = _SUMMARIES_TR if tr else _SUMMARIES_EN
        extra = prof.summaries_tr if tr else prof.summaries_en
        span = max(1, end - t0)
        kept: list[int] = []
        hired, left, cids = self.hired, self.left, self.cids
        # when each member can be reached: on the committee and still employed
        windows = [
            (m, [(max(a, hired[m.c]), min(b, left[m.c])) for a, b, _ in m.intervals])
            for m in members
        ]
        for t in times:
            pool: list[Member] = []
            backup: list[Member] = []
            for m, wins in windows:
                for a, b in wins:
                    if a <= t < b:
                        (pool if m.weight else backup).append(m)
                        break
            if not pool:
                pool = backup
                if not pool:
                    continue
            kind = self._touch_kind((t - t0) / span)
            want = (
                (2 + (rnd() < 0.4) + (rnd() < 0.2)) if kind in _GROUP_KINDS else 1 + (rnd() < 0.25)
            )
            chosen: list[Member] = []
            weights = [m.weight or 0.3 for m in pool]
            total = sum(weights)
            while pool and len(chosen) < want:
                j = weighted_index(weights, total, rnd())
                chosen.append(pool.pop(j))
                total -= weights.pop(j)
            stance = 0
            for m in chosen:
                m.touches += 1
                m.touch_times.append(t)
                stance += m.stance
            directions = _DIRECTIONS.get(kind)
            direction = Direction.TWO_WAY if directions is None else weighted_cum(directions, rnd())
            reps: tuple[str, ...] = (owner,)
            if kind in _GROUP_KINDS and presales and rnd() < 0.4:
                reps = (owner, pick(rng, presales))
            summary = pick(rng, extra) if rnd() < 0.35 else pick(rng, summaries[kind])
            sentiment = max(-1.0, min(1.0, 0.3 * stance / len(chosen) + 0.6 * (rnd() - 0.5)))
            self.tp_seq += 1
            self.out.touchpoints.append(
                construct(
                    Touchpoint,
                    {
                        "id": f"{self.aid}-T{self.tp_seq:05d}",
                        "account_id": self.aid,
                        "kind": kind,
                        "direction": direction,
                        "at": as_datetime(t),
                        "contact_ids": tuple([cids[m.c] for m in chosen]),
                        "rep_ids": reps,
                        "deal_id": did,
                        "sentiment": round(sentiment, 2),
                        "summary": summary,
                    },
                )
            )
            kept.append(t)
        return kept

    def _touch_kind(self, phase: float) -> TouchpointKind:
        """The kind of a deal's touchpoint at ``phase`` (0 to 1) of its life.

        Mid-deal, meetings (demos and proofs of concept in SaaS) are likelier.
        """
        rnd, prof = self.rnd, self.profile
        u = rnd()
        if 0.3 <= phase < 0.75 and u < 0.3:
            kind = (
                TouchpointKind.DEMO
                if prof.sector is Sector.SAAS and u < 0.18
                else TouchpointKind.MEETING
            )
            if kind is TouchpointKind.DEMO and u < 0.07:
                kind = TouchpointKind.POC
            return kind
        return weighted(prof.kind_weights, rnd())

    def _account_touches(self) -> None:
        rng, rnd, tr = self.rng, self.rnd, self.tr
        texts = vocab.ACCOUNT_TOUCH_TR if tr else vocab.ACCOUNT_TOUCH_EN
        n = len(self.cids)
        for _ in range(int(rnd() * 3)):
            t = self.since + int(rnd() * (self.ctx.now - self.since))
            c = int(rnd() * n)
            if not self._active(c, t):
                continue
            kind = TouchpointKind.EMAIL if rnd() < 0.6 else TouchpointKind.LINKEDIN
            self.tp_seq += 1
            self.out.touchpoints.append(
                construct(
                    Touchpoint,
                    {
                        "id": f"{self.aid}-T{self.tp_seq:05d}",
                        "account_id": self.aid,
                        "kind": kind,
                        "direction": Direction.OUTBOUND,
                        "at": as_datetime(t),
                        "contact_ids": (self.cids[c],),
                        "rep_ids": (self.owner,),
                        "deal_id": None,
                        "sentiment": round(0.5 * rnd(), 2),
                        "summary": pick(rng, texts),
                    },
                )
            )
