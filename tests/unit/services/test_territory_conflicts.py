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
"""

from __future__ import annotations

from decimal import Decimal

from graphcrm.domain import Account, AccountId, Deal, DealId, Rep, RepId, Stage
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
