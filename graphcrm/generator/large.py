"""One large account for the pages' benchmarks and browser tests: thousands of people,
thousands of influence ties, one open deal with its committee.

The tree is six-ary (everyone manages six people, breadth first), titles and
departments by level, influence ties between random pairs (mostly near each
other in the tree: same manager or manager and report, the rest across the
account), one rep who knows the committee, and a deal in negotiation whose
committee sits at depths 1 to 3. Deterministic for a seed.

>>> batch = large_account(50, ties=60)
>>> len(batch.contacts), len(batch.influences), len(batch.deal_roles)
(50, 60, 5)
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Final

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    Influence,
    InfluenceKind,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
)
from graphcrm.domain.sales import Rep

LARGE: Final = AccountId("BIG")
LARGE_DEAL: Final = DealId("BIG-D1")
LARGE_REP: Final = RepId("BIG-REP")
LARGE_FROM: Final = datetime(2026, 1, 1, tzinfo=UTC)
_DEPARTMENTS: Final = (
    "Finans",
    "Üretim",
    "Bilgi İşlem",
    "Satın Alma",
    "İnsan Kaynakları",
    "Lojistik",
)
_LEVELS: Final = (
    (Seniority.C_LEVEL, "Genel Müdür"),
    (Seniority.VP, "Genel Müdür Yardımcısı"),
    (Seniority.DIRECTOR, "Direktör"),
    (Seniority.MANAGER, "Müdür"),
    (Seniority.MANAGER, "Şef"),
    (Seniority.INDIVIDUAL_CONTRIBUTOR, "Uzman"),
)
_COMMITTEE: Final = (
    (1, frozenset({Role.ECONOMIC_BUYER, Role.DECISION_MAKER}), 1),
    (2, frozenset({Role.EXECUTIVE_SPONSOR}), 2),
    (9, frozenset({Role.CHAMPION}), 2),
    (10, frozenset({Role.TECHNICAL_BUYER}), 0),
    (15, frozenset({Role.BLOCKER}), -2),
    (57, frozenset({Role.EVALUATOR}), -1),
    (60, frozenset({Role.INFLUENCER}), 1),
    (100, frozenset({Role.BUSINESS_USER}), 0),
)


def _id(i: int) -> ContactId:
    return ContactId(f"BIG-{i:04d}")


def _depth(i: int) -> int:
    d = 0
    while i > 0:
        i = (i - 1) // 6
        d += 1
    return d


def large_account(n: int = 5000, *, ties: int = 6000, seed: int = 14) -> ChangeSet:
    """The account ``BIG`` with ``n`` people and ``ties`` influence ties (see the module)."""
    rng = random.Random(seed)  # noqa: S311 - a seeded simulation, not cryptography
    committee = [(i, roles, stance) for i, roles, stance in _COMMITTEE if i < n]
    return ChangeSet(
        accounts=(
            Account(id=LARGE, name="Büyük Holding", sector="manufacturing", territory="Marmara"),
        ),
        reps=(Rep(id=LARGE_REP, name="Selin Satış", territory="Marmara"),),
        contacts=_contacts(n),
        reports_to=tuple(
            ReportsTo(contact_id=_id(i), manager_id=_id((i - 1) // 6), valid_from=LARGE_FROM)
            for i in range(1, n)
        ),
        influences=_influences(rng, n, ties),
        rep_knows=tuple(
            RepKnows(rep_id=LARGE_REP, contact_id=_id(i), strength=0.6) for i, _, _ in committee[:3]
        ),
        deals=(
            Deal(
                id=LARGE_DEAL,
                account_id=LARGE,
                name="Büyük Holding ERP",
                amount=Decimal("5787000"),
                stage=Stage.NEGOTIATION,
                owner_id=LARGE_REP,
            ),
        ),
        deal_roles=tuple(
            DealRole(
                deal_id=LARGE_DEAL,
                contact_id=_id(i),
                roles=roles,
                stance=stance,
                is_primary=i == 9,
                valid_from=LARGE_FROM,
            )
            for i, roles, stance in committee
        ),
    )


def _contacts(n: int) -> tuple[Contact, ...]:
    """The tree's people, breadth first: titles by depth, departments by the branch
    under the top."""
    dept = {0: _DEPARTMENTS[0]}
    contacts = []
    for i in range(n):
        if i > 0:
            up = (i - 1) // 6
            dept[i] = _DEPARTMENTS[(i - 1) % 6] if up == 0 else dept[up]
        seniority, title = _LEVELS[min(_depth(i), len(_LEVELS) - 1)]
        contacts.append(
            Contact(
                id=_id(i),
                account_id=LARGE,
                name=f"Kişi {i:04d}",
                title=f"{title} · {dept[i]}" if i else title,
                department=dept[i],
                seniority=seniority,
            )
        )
    return tuple(contacts)


def _influences(rng: random.Random, n: int, ties: int) -> tuple[Influence, ...]:
    """``ties`` influence ties between random pairs, most to the manager or a peer,
    drawn from ``rng`` (each pair and kind once)."""
    kinds = (
        InfluenceKind.ADVISES,
        InfluenceKind.TRUSTS,
        InfluenceKind.SPONSORS,
        InfluenceKind.OPPOSES,
    )
    seen: set[tuple[int, int, InfluenceKind]] = set()
    influences: list[Influence] = []
    while len(influences) < ties:
        a = rng.randrange(1, n)
        roll = rng.random()
        if roll < 0.4:
            b = (a - 1) // 6  # the manager
        elif roll < 0.7:
            b = ((a - 1) // 6) * 6 + 1 + rng.randrange(6)  # a peer
        else:
            b = rng.randrange(n)
        kind = kinds[0 if roll < 0.5 else rng.choices(range(4), weights=(4, 3, 2, 1))[0]]
        if b >= n or a == b or (a, b, kind) in seen:
            continue
        seen.add((a, b, kind))
        influences.append(
            Influence(
                influencer_id=_id(a),
                influenced_id=_id(b),
                kind=kind,
                strength=round(rng.uniform(0.2, 0.95), 2),
                valid_from=LARGE_FROM,
            )
        )
    return tuple(influences)
