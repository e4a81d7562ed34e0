"""A small, hand-made portfolio for the API tests: two territories, two accounts each side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    Direction,
    Influence,
    InfluenceKind,
    LineKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)

START = datetime(2025, 1, 1, tzinfo=UTC)
"""Every seeded fact holds from this instant (so ``as_of=2024-12-31`` sees nothing)."""


def account_batch(prefix: str, territory: str, rep: str, *, now: datetime) -> ChangeSet:
    aid = AccountId(f"{prefix}")
    c = [ContactId(f"{prefix}-C{i}") for i in range(1, 7)]
    seniorities = [
        Seniority.C_LEVEL,
        Seniority.VP,
        Seniority.DIRECTOR,
        Seniority.MANAGER,
        Seniority.MANAGER,
        Seniority.INDIVIDUAL_CONTRIBUTOR,
    ]
    contacts = tuple(
        Contact(
            id=cid,
            account_id=aid,
            name=f"{territory} Kişi {i + 1}",
            title=s.value,
            seniority=s,
            status_from=START,
        )
        for i, (cid, s) in enumerate(zip(c, seniorities, strict=True))
    )
    lines = (
        ReportsTo(contact_id=c[1], manager_id=c[0], valid_from=START),
        ReportsTo(contact_id=c[2], manager_id=c[1], valid_from=START),
        ReportsTo(contact_id=c[3], manager_id=c[2], valid_from=START),
        ReportsTo(contact_id=c[4], manager_id=c[2], valid_from=START),
        ReportsTo(contact_id=c[5], manager_id=c[3], valid_from=START),
        ReportsTo(contact_id=c[5], manager_id=c[4], kind=LineKind.DOTTED, valid_from=START),
    )
    influences = (
        Influence(
            influencer_id=c[5],
            influenced_id=c[0],
            kind=InfluenceKind.ADVISES,
            strength=0.9,
            valid_from=START,
        ),
        Influence(
            influencer_id=c[3],
            influenced_id=c[1],
            kind=InfluenceKind.TRUSTS,
            strength=0.6,
            valid_from=START,
        ),
    )
    deal = Deal(
        id=DealId(f"{prefix}-D1"),
        account_id=aid,
        name=f"{territory} ERP",
        amount=Decimal("250000"),
        stage=Stage.PROPOSAL,
        owner_id=RepId(rep),
    )
    roles = (
        DealRole(
            deal_id=deal.id,
            contact_id=c[2],
            roles=frozenset({Role.CHAMPION}),
            stance=2,
            valid_from=START,
        ),
        DealRole(
            deal_id=deal.id,
            contact_id=c[0],
            roles=frozenset({Role.ECONOMIC_BUYER}),
            is_primary=True,
            valid_from=START,
        ),
    )
    touchpoints = tuple(
        Touchpoint(
            id=TouchpointId(f"{prefix}-T{i}"),
            account_id=aid,
            kind=TouchpointKind.MEETING,
            direction=Direction.TWO_WAY,
            at=now - timedelta(days=5 + 7 * i),
            contact_ids=(c[2], c[3]) if i % 2 else (c[2],),
            rep_ids=(RepId(rep),),
            deal_id=deal.id,
            sentiment=0.4,
        )
        for i in range(4)
    )
    return ChangeSet(
        accounts=(
            Account(
                id=aid,
                name=f"{territory} Holding A.Ş.",
                sector="manufacturing",
                country="TR",
                territory=territory,
                owner_id=RepId(rep),
            ),
        ),
        contacts=contacts,
        reports_to=lines,
        influences=influences,
        rep_knows=(RepKnows(rep_id=RepId(rep), contact_id=c[2], strength=0.8),),
        deals=(deal,),
        deal_roles=roles,
        touchpoints=touchpoints,
    )


def seed_batches(now: datetime) -> list[ChangeSet]:
    reps = ChangeSet(
        reps=(
            Rep(id=RepId("R-M"), name="Marmara Rep", territory="Marmara"),
            Rep(id=RepId("R-E"), name="Ege Rep", territory="Ege"),
        )
    )
    return [
        reps,
        account_batch("M1", "Marmara", "R-M", now=now),
        account_batch("M2", "Marmara", "R-M", now=now),
        account_batch("E1", "Ege", "R-E", now=now),
    ]
