"""A seeded synthetic account for the performance tests."""

from __future__ import annotations

import random

from graphcrm.domain import InfluenceKind, Role, Seniority, Stage, StakeholderGraph
from tests.unit.analytics.conftest import GraphBuilder

_KINDS = (
    InfluenceKind.ADVISES,
    InfluenceKind.TRUSTS,
    InfluenceKind.SPONSORS,
    InfluenceKind.OPPOSES,
)


def synthetic_account(n: int, edges: int, *, seed: int = 0) -> StakeholderGraph:
    """``n`` contacts and about ``edges`` ties: n-1 reporting lines, 60% influence,
    the rest shared-touchpoint ties; 10 reps, 5 open deals with 8 roles each."""
    rng = random.Random(seed)
    b = GraphBuilder()
    levels = list(Seniority)
    for i in range(n):
        b.contact(f"c{i:06d}", seniority=levels[min(4, i.bit_length() // 3)])
    for i in range(1, n):
        b.reports(f"c{i:06d}", f"c{rng.randrange(max(1, i // 4)):06d}")
    rest = max(0, edges - (n - 1))
    seen: set[tuple[int, int, InfluenceKind]] = set()
    while len(seen) < int(rest * 0.6):
        u, v = rng.randrange(n), rng.randrange(n)
        kind = _KINDS[rng.randrange(4)] if rng.random() < 0.1 else InfluenceKind.ADVISES
        if u != v and (u, v, kind) not in seen:
            seen.add((u, v, kind))
            b.influence(f"c{u:06d}", f"c{v:06d}", round(rng.random(), 3), kind)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < rest - len(seen):
        u, v = sorted((rng.randrange(n), rng.randrange(n)))
        if u != v:
            pairs.add((u, v))
    for u, v in sorted(pairs):
        b.tie(f"c{u:06d}", f"c{v:06d}", rng.randint(1, 5))
    for r in range(10):
        b.rep(f"R{r}")
    for i in rng.sample(range(n), max(1, n // 5)):
        b.know(f"R{rng.randrange(10)}", f"c{i:06d}", round(rng.random(), 3))
    for i in rng.sample(range(n), int(n * 0.6)):
        t90 = rng.randint(0, 12)
        t30 = rng.randint(0, t90)
        total = t90 + rng.randint(1, 20)
        two = rng.randint(0, total)
        inbound = rng.randint(0, total - two)
        b.engage(
            f"c{i:06d}",
            days_ago=rng.uniform(0, 200),
            touchpoints=total,
            two_way=two,
            inbound=inbound,
            outbound=total - two - inbound,
            sentiment=rng.uniform(-1, 1),
            t30=t30,
            t90=t90,
        )
    roles = list(Role)
    for d in range(5):
        b.deal(f"D{d}", list(Stage)[d])
        for j, i in enumerate(rng.sample(range(n), 8)):
            b.role(f"D{d}", f"c{i:06d}", roles[j % len(roles)], stance=rng.randint(-2, 2))
    return b.build()
