"""Deal committees: who sits on a deal, their stances, and how their seats change.

The primary contact of a deal never leaves and holds one open interval.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Final

from graphcrm.domain import Role
from graphcrm.generator.account.base import (
    DAY,
    NEVER,
    SENIORITY,
    Member,
    pick,
    weighted_index,
)
from graphcrm.generator.account.org import OrgBuilder
from graphcrm.generator.oracle import SeatTruth
from graphcrm.generator.outcome import influence_score
from graphcrm.generator.sectors import Slot

_CHANGE_ROLES: Final = (
    frozenset({Role.EVALUATOR}),
    frozenset({Role.INFLUENCER}),
    frozenset({Role.BUSINESS_USER}),
    frozenset({Role.TECHNICAL_BUYER}),
    frozenset({Role.EVALUATOR, Role.INFLUENCER}),
)
_STANCES_TOP: Final = (-1, 0, 0, 0, 1, 1, 1, 1, 2, 2)
_STANCES_OTHER: Final = (-1, *(0,) * 10, *(1,) * 9, 2, 2, 2, 2)


class CommitteeBuilder(OrgBuilder):
    """Seats a deal's committee from the org chart and draws its stances and changes."""

    def _eligible(self, i: int, t: int, taken: set[int], primary: bool) -> bool:
        left = self.left[i]
        return i not in taken and self.hired[i] <= t < left and (not primary or left == NEVER)

    def _pick_for_slot(self, slot: Slot, t: int, taken: set[int], *, primary: bool) -> int:
        """A contact for ``slot``: in its departments and level range, active at ``t``.

        Department lists are ordered by level (replacements are kept apart), so
        the level range is a slice found by bisection, and a few random probes
        usually find someone without scanning a large department.
        """
        lo, hi = slot.levels
        rnd, ok, level_of = self.rnd, self._eligible, self.level.__getitem__
        ranges: list[tuple[list[int], int, int]] = []
        late: list[int] = []
        total = 0
        for key in slot.depts:
            d = self.dept_index.get(key)
            if d is None:
                continue
            mem = self.dept_members[d]
            a = bisect_left(mem, lo, key=level_of)
            b = bisect_right(mem, hi, key=level_of)
            if b > a:
                ranges.append((mem, a, b))
                total += b - a
            if self.dept_late[d]:
                late += [
                    i
                    for i in self.dept_late[d]
                    if lo <= level_of(i) <= hi and ok(i, t, taken, primary)
                ]
        if slot.most_senior:
            best: list[int] = []
            best_level = 9
            for mem, a, b in ranges:
                for k in range(a, b):
                    i = mem[k]
                    lvl = level_of(i)
                    if lvl > best_level or (best and lvl == best_level and len(best) >= 30):
                        break
                    if ok(i, t, taken, primary):
                        if lvl < best_level:
                            best, best_level = [], lvl
                        best.append(i)
            best += [i for i in late if level_of(i) == best_level]
            if best:
                return best[int(rnd() * len(best))]
        elif total:
            if late and rnd() * (total + len(late)) < len(late):
                return late[int(rnd() * len(late))]
            for _ in range(12):
                k = int(rnd() * total)
                for mem, a, b in ranges:
                    if k < b - a:
                        i = mem[a + k]
                        break
                    k -= b - a
                if ok(i, t, taken, primary):
                    return i
            cands = [
                mem[k] for mem, a, b in ranges for k in range(a, b) if ok(mem[k], t, taken, primary)
            ]
            cands += late
            if cands:
                return cands[int(rnd() * len(cands))]
        elif late:
            return late[int(rnd() * len(late))]
        # nobody fits: anyone active, preferring the level range
        n = len(self.cids)
        first = int(rnd() * n)
        fallback = -1
        for k in range(n):
            i = (first + k) % n
            if ok(i, t, taken, primary):
                if lo <= level_of(i) <= hi:
                    return i
                if fallback < 0:
                    fallback = i
        return fallback

    def _committee(self, t0: int, span: int) -> list[Member]:
        rng, rnd, prof = self.rng, self.rnd, self.profile
        p = (self.ctx.committee_mean - 3.0) / 12.0
        size = 3 + sum(rnd() < p for _ in range(12))
        slots: list[Slot] = list(prof.committee[:size])
        for _ in range(size - len(slots)):
            slots.append(Slot(frozenset({pick(rng, prof.extra_roles)}), prof.extra_depts, (3, 5)))
        taken: set[int] = set()
        members: list[Member] = []
        for k, slot in enumerate(slots):
            start = t0 if k < 3 or rnd() < 0.75 else t0 + int(rnd() * 0.4 * span)
            c = self._pick_for_slot(slot, start, taken, primary=k == 0)
            if c < 0:
                if k == 0:
                    raise RuntimeError(
                        f"account {self.aid}: nobody can be a deal's primary contact"
                    )
                continue
            taken.add(c)
            m = Member(c, k, slot.roles, start)
            members.append(m)
        members[0].primary = True
        self.stay.add(members[0].c)
        return members

    def _stances(self, members: list[Member]) -> tuple[Member | None, Member | None]:
        rng, rnd, prof = self.rng, self.rnd, self.profile
        for m in members:
            m.stance = pick(rng, _STANCES_TOP if m.slot < 2 else _STANCES_OTHER)
        champion: Member | None = None
        others = [m for m in members if m.slot >= 2]
        if others and rnd() < 0.75:
            weights = [
                4.0 if m.c in self.hidden else (2.0 if self.level[m.c] in (3, 4) else 1.0)
                for m in others
            ]
            champion = others[weighted_index(weights, sum(weights), rnd())]
            champion.set_roles(champion.roles | {Role.CHAMPION})
            champion.stance = 2 if rnd() < 0.8 else 1
        blocker: Member | None = None
        rest = [m for m in others if m is not champion]
        if rest and rnd() < prof.blocker_rate:
            keys = set(prof.blocker_depts)
            weights = [
                3.0 if self.dept[m.c] >= 0 and self.depts[self.dept[m.c]].key in keys else 1.0
                for m in rest
            ]
            blocker = rest[weighted_index(weights, sum(weights), rnd())]
            blocker.stance = -2 if rnd() < 0.6 else -1
            if rnd() < 0.5:
                blocker.set_roles(blocker.roles | {Role.BLOCKER})
        return champion, blocker

    def _role_events(
        self, members: list[Member], end: int, skip: tuple[Member | None, ...]
    ) -> None:
        rng, rnd = self.rng, self.rnd
        for m in members:
            if m.slot < 2 or m in skip or self.left[m.c] != NEVER:
                continue
            start = m.intervals[0][0]
            length = end - start
            if length < 30 * DAY:
                continue
            u = rnd()
            if u < self.profile.role_change_rate:
                t = start + int((0.2 + 0.7 * rnd()) * length)
                new = pick(rng, _CHANGE_ROLES)
                if new == m.roles or Role.ECONOMIC_BUYER in m.roles:
                    continue
                m.intervals[-1] = (start, t, m.roles)
                m.intervals.append((t, NEVER, new))
                self.stay.add(m.c)
            elif u < self.profile.role_change_rate + 0.03:
                t1 = start + int((0.3 + 0.4 * rnd()) * length)
                m.intervals[-1] = (start, t1, m.roles)
                t2 = t1 + int((14 + 31 * rnd()) * DAY)
                if t2 < end - DAY and rnd() < 0.5:
                    m.intervals.append((t2, NEVER, m.roles))
                self.stay.add(m.c)

    def _successor(self, champion: Member, members: list[Member], end: int) -> None:
        """Someone takes the departed champion's seat two weeks later."""
        t = self.left[champion.c] + 14 * DAY
        if t >= end - DAY:
            return
        taken = {m.c for m in members}
        x = self.replaced_by.get(champion.c, -1)
        if x < 0 or x in taken:
            d = self.dept[champion.c]
            pool = self.dept_members[d] + self.dept_late[d] if d >= 0 else []
            cands = [
                i for i in pool if i not in taken and self._active(i, t) and self.left[i] == NEVER
            ]
            if not cands:
                return
            x = cands[int(self.rnd() * len(cands))]
        roles = frozenset({Role.EVALUATOR}) if self.rnd() < 0.5 else frozenset({Role.INFLUENCER})
        m = Member(x, len(members) + 100, roles, t)
        m.stance = 0 if self.rnd() < 0.6 else 1
        members.append(m)
        self.stay.add(x)

    def _seats(self, members: Sequence[Member]) -> tuple[SeatTruth, ...]:
        """The committee as the oracle knows it: true stances, every touch, departures."""
        return tuple(
            SeatTruth(
                contact_id=self.cids[m.c],
                starts=tuple(a for a, _, _ in m.intervals),
                roles=tuple(r for _, _, r in m.intervals),
                stance=m.stance,
                influence=influence_score(SENIORITY[self.level[m.c]], self.ties[m.c]),
                touches=tuple(m.touch_times),
                left=self.left[m.c],
            )
            for m in members
        )

    def _recorded_stance(self, rng: random.Random, true: int) -> int:
        """The stance the CRM records: one step off the true one with probability ``stance_noise``.

        Two draws from the account's stance stream per seat, whatever happens.
        """
        flip, up = rng.random(), rng.random()
        if flip >= self.ctx.options.stance_noise:
            return true
        step = 1 if up < 0.5 else -1
        if not -2 <= true + step <= 2:
            step = -step
        return true + step
