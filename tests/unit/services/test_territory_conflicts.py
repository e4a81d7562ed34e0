"""Territory conflicts on a hand-made portfolio (answers worked out by hand).

========  ======================  =======  ========  ========
id        name                    country  parent    territory
========  ======================  =======  ========  ========
K-1       Koç Holding A.Ş.        TR       -         Marmara
K-2       Arçelik                 TR       K-1       Marmara
K-3       Beko                    TR       K-2       Ege        <- the Koç group is split
D-1       KOÇ HOLDİNG A.Ş         TR       -         Ege        <- folds like K-1: duplicate
D-2       Koç Holding A.Ş.        DE       -         Akdeniz    (another country: no)
I-1       Işık Tekstil            TR       -         Ege
I-2       ISIK TEKSTIL            TR       -         Ege        (same territory: no)
R-1       Ege Liman               TR       -         Ege
========  ======================  =======  ========  ========

Open deals: on K-2 by rep M (Marmara) and on K-3 by rep E (Ege): rival deals on the
Koç group; on R-1 by E and a closed one by M (closed: no rivalry).

Touchpoints (the last test) by rep M on R-1 (Ege) and on I-1 after it moved from
Marmara to Ege are outside M's territory; M's on I-1 while it was Marmara's is not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from graphcrm.domain import (
    Account,
    AccountId,
    ContactId,
    Deal,
    DealId,
    Direction,
    Rep,
    RepId,
    Stage,
    TerritorySpan,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.services.territories import ConflictKind, find_conflicts


def _a(i: str, name: str, country: str, territory: str, parent: str | None = None) -> Account:
    return Account(
        id=AccountId(i),
        name=name,
        country=country,
        territory=territory,
        parent_id=AccountId(parent) if parent else None,
    )


ACCOUNTS = [
    _a("K-1", "Koç Holding A.Ş.", "TR", "Marmara"),
    _a("K-2", "Arçelik", "TR", "Marmara", "K-1"),
    _a("K-3", "Beko", "TR", "Ege", "K-2"),
    _a("D-1", "KOÇ HOLDİNG A.Ş", "TR", "Ege"),
    _a("D-2", "Koç Holding A.Ş.", "DE", "Akdeniz"),
    _a("I-1", "Işık Tekstil", "TR", "Ege"),
    _a("I-2", "ISIK TEKSTIL", "TR", "Ege"),
    _a("R-1", "Ege Liman", "TR", "Ege"),
]
REPS = [
    Rep(id=RepId("M"), name="Marmara Rep", territory="Marmara"),
    Rep(id=RepId("E"), name="Ege Rep", territory="Ege"),
]


def _deal(i: str, account: str, owner: str, stage: Stage = Stage.PROPOSAL) -> Deal:
    return Deal(
        id=DealId(i),
        account_id=AccountId(account),
        name=i,
        amount=Decimal("100"),
        stage=stage,
        owner_id=RepId(owner),
    )


DEALS = [
    _deal("X-1", "K-2", "M"),
    _deal("X-2", "K-3", "E"),
    _deal("X-3", "R-1", "E"),
    _deal("X-4", "R-1", "M", Stage.CLOSED_LOST),
]


def test_every_kind_is_found_and_nothing_else() -> None:
    found = find_conflicts(ACCOUNTS, DEALS, REPS)
    assert [(c.kind, c.territories, c.accounts, c.reps) for c in found] == [
        (ConflictKind.SPLIT_GROUP, ("Ege", "Marmara"), ("K-1", "K-2", "K-3"), ()),
        (ConflictKind.DUPLICATE, ("Ege", "Marmara"), ("D-1", "K-1"), ()),
        (ConflictKind.RIVAL_DEALS, ("Ege", "Marmara"), ("K-1", "K-2", "K-3"), ("E", "M")),
    ]
    assert found[0].detail == "the group of Koç Holding A.Ş. spans Ege, Marmara"
    assert found[1].detail == "2 accounts named like 'Koç Holding A.Ş.' in TR in Ege, Marmara"


def test_a_group_in_one_territory_has_no_conflict() -> None:
    whole = [
        a.model_copy(update={"territory": "Marmara"}) if a.id == "K-3" else a for a in ACCOUNTS
    ]
    deals = [d for d in DEALS if d.id != "X-2"]
    kinds = [c.kind for c in find_conflicts(whole, deals, REPS)]
    assert kinds == [ConflictKind.DUPLICATE]
    assert find_conflicts([], [], []) == []


JAN, FEB = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
HISTORY = [  # I-1 was Marmara's in January, Ege's since February
    TerritorySpan(account_id=AccountId("I-1"), territory="Marmara", valid_from=JAN, valid_to=FEB),
    TerritorySpan(account_id=AccountId("I-1"), territory="Ege", valid_from=FEB),
]


def _tp(i: str, account: str, reps: tuple[str, ...], at: datetime) -> Touchpoint:
    return Touchpoint(
        id=TouchpointId(i),
        account_id=AccountId(account),
        kind=TouchpointKind.MEETING,
        direction=Direction.TWO_WAY,
        at=at,
        contact_ids=(ContactId(f"{account}-C1"),),
        rep_ids=tuple(RepId(r) for r in reps),
    )


TOUCHPOINTS = [
    _tp("T-1", "R-1", ("M",), datetime(2026, 3, 1, 9, tzinfo=UTC)),  # Marmara rep, Ege account
    _tp("T-2", "R-1", ("M", "E"), datetime(2026, 3, 10, 9, tzinfo=UTC)),  # M again; E is home
    _tp("T-3", "R-1", ("E",), datetime(2026, 3, 11, 9, tzinfo=UTC)),  # home
    _tp("T-4", "I-1", ("M",), datetime(2026, 1, 15, 9, tzinfo=UTC)),  # I-1 was Marmara's then
    _tp("T-5", "I-1", ("M",), datetime(2026, 2, 15, 9, tzinfo=UTC)),  # Ege's by then
    _tp("T-6", "D-2", (), datetime(2026, 2, 15, 9, tzinfo=UTC)),  # no rep
]


def test_touchpoints_outside_the_reps_territory_by_the_territory_then() -> None:
    found = [
        c
        for c in find_conflicts(ACCOUNTS, [], REPS, TOUCHPOINTS, HISTORY)
        if c.kind is ConflictKind.TOUCHPOINT
    ]
    assert [(c.territories, c.accounts, c.reps, c.detail) for c in found] == [
        (
            ("Ege", "Marmara"),
            ("I-1",),
            ("M",),
            "1 touchpoint(s) by Marmara Rep (Marmara) on contacts of Işık Tekstil (Ege), "
            "the last on 2026-02-15",
        ),
        (
            ("Ege", "Marmara"),
            ("R-1",),
            ("M",),
            "2 touchpoint(s) by Marmara Rep (Marmara) on contacts of Ege Liman (Ege), "
            "the last on 2026-03-10",
        ),
    ]
    # Without the history, T-4 counts under I-1's present territory too.
    plain = find_conflicts(ACCOUNTS, [], REPS, TOUCHPOINTS)
    assert [c.detail[:2] for c in plain if c.accounts == ("I-1",)] == ["2 "]
