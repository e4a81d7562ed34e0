"""A seeded synthetic account, as a StakeholderGraph, for the analytics benchmark.

``n`` contacts and about ``edges`` ties --
``n - 1`` reporting lines, 60 % influence ties, the rest shared-touchpoint
ties -- 10 reps, 5 open deals with 8 roles each.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from graphcrm.domain import (
    AccountId,
    Contact,
    ContactEngagement,
    ContactId,
    ContactTie,
    Deal,
    DealId,
    DealRole,
    DealTouch,
    Influence,
    InfluenceKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    StakeholderGraph,
    TouchpointId,
)

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ACCOUNT = AccountId("SYN")
_KINDS = (
    InfluenceKind.ADVISES,
    InfluenceKind.TRUSTS,
    InfluenceKind.SPONSORS,
    InfluenceKind.OPPOSES,
)


def _cid(i: int) -> ContactId:
    return ContactId(f"c{i:06d}")


def synthetic_account(n: int, edges: int, *, seed: int = 0) -> StakeholderGraph:
    """``n`` contacts and about ``edges`` ties (module docs), as of :data:`AS_OF`."""
    rng = random.Random(seed)
    levels = list(Seniority)
    contacts = [
        Contact(
            id=_cid(i),
            account_id=ACCOUNT,
            name=f"Contact {i}",
            seniority=levels[min(4, i.bit_length() // 3)],
        )
        for i in range(n)
    ]
    old = AS_OF - timedelta(days=400)
    lines = [
        ReportsTo(
            contact_id=_cid(i), manager_id=_cid(rng.randrange(max(1, i // 4))), valid_from=old
        )
        for i in range(1, n)
    ]
    rest = max(0, edges - (n - 1))
    seen: dict[tuple[int, int, InfluenceKind], float] = {}
    while len(seen) < int(rest * 0.6):
        u, v = rng.randrange(n), rng.randrange(n)
        kind = _KINDS[rng.randrange(4)] if rng.random() < 0.1 else InfluenceKind.ADVISES
        if u != v and (u, v, kind) not in seen:
            seen[(u, v, kind)] = round(rng.random(), 3)
    influences = [
        Influence(influencer_id=_cid(u), influenced_id=_cid(v), kind=k, strength=s, valid_from=old)
        for (u, v, k), s in sorted(seen.items(), key=lambda x: (x[0][0], x[0][1], x[0][2].value))
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < rest - len(seen):
        a, b = sorted((rng.randrange(n), rng.randrange(n)))
        if a != b:
            pairs.add((a, b))
    ties = [
        ContactTie(contact_a=_cid(a), contact_b=_cid(b), shared=rng.randint(1, 5), last_at=AS_OF)
        for a, b in sorted(pairs)
    ]
    reps = [Rep(id=RepId(f"R{r}"), name=f"Rep {r}") for r in range(10)]
    knows: dict[tuple[str, str], RepKnows] = {}
    for i in rng.sample(range(n), max(1, n // 5)):
        r = RepId(f"R{rng.randrange(10)}")
        knows[(r, _cid(i))] = RepKnows(
            rep_id=r, contact_id=_cid(i), strength=round(rng.random(), 3)
        )
    engagement = _engagement(rng, n)
    deals, seats = _deals(rng, n)
    return StakeholderGraph(
        as_of=AS_OF,
        accounts=(),
        contacts=tuple(contacts),
        reports_to=tuple(sorted(lines, key=lambda r: (r.contact_id, r.manager_id))),
        influences=tuple(influences),
        deals=tuple(deals),
        deal_roles=tuple(seats[k] for k in sorted(seats)),
        reps=tuple(reps),
        rep_knows=tuple(knows[k] for k in sorted(knows)),
        engagement=tuple(sorted(engagement, key=lambda e: e.contact_id)),
        contact_ties=tuple(ties),
        rep_ties=(),
        deal_touches=tuple(  # every touchpoint linked to no deal: it concerns every deal
            DealTouch(
                deal_id=None,
                contact_id=e.contact_id,
                touchpoints=e.touchpoints,
                touches_90d=e.touches_90d,
                last_at=e.last_at,
                last_touchpoint_id=e.last_touchpoint_id,
            )
            for e in sorted(engagement, key=lambda e: e.contact_id)
        ),
    )


def _engagement(rng: random.Random, n: int) -> list[ContactEngagement]:
    """Touch aggregates of 60 % of the ``n`` contacts."""
    engagement = []
    for i in rng.sample(range(n), int(n * 0.6)):
        t90 = rng.randint(0, 12)
        t30 = rng.randint(0, t90)
        total = t90 + rng.randint(1, 20)
        two = rng.randint(0, total)
        inbound = rng.randint(0, total - two)
        last = AS_OF - timedelta(days=rng.uniform(0, 200))
        engagement.append(
            ContactEngagement(
                contact_id=_cid(i),
                touchpoints=total,
                inbound=inbound,
                outbound=total - two - inbound,
                two_way=two,
                first_at=last - timedelta(days=300),
                last_at=last,
                last_touchpoint_id=TouchpointId(f"tp-{i}"),
                sentiment_mean=rng.uniform(-1, 1),
                touches_30d=t30,
                touches_90d=t90,
            )
        )
    return engagement


def _deals(rng: random.Random, n: int) -> tuple[list[Deal], dict[tuple[DealId, str], DealRole]]:
    """Five deals, one per stage, each with eight of the ``n`` contacts in its committee."""
    roles = list(Role)
    deals: list[Deal] = []
    seats: dict[tuple[DealId, str], DealRole] = {}
    for d in range(5):
        did = DealId(f"D{d}")
        deals.append(
            Deal(
                id=did,
                account_id=ACCOUNT,
                name=f"Deal {d}",
                stage=list(Stage)[d],
                expected_close=date(2025, 7, 31),
            )
        )
        for j, i in enumerate(rng.sample(range(n), 8)):
            seats[(did, _cid(i))] = DealRole(
                deal_id=did,
                contact_id=_cid(i),
                roles=frozenset({roles[j % len(roles)]}),
                stance=rng.randint(-2, 2),
                valid_from=AS_OF - timedelta(days=100),
            )
    return deals, seats
