"""Contract: moving accounts by hand and by rules (worked by hand, on every store).

The portfolio, created on 5 January 2026:

========  ============  =======  ==============  ========  ===========
id        name          country  sector          parent    territory
========  ============  =======  ==============  ========  ===========
G-1       Koç Holding   TR       manufacturing   -         Marmara
G-2       Arçelik       TR       manufacturing   G-1       Ege
G-5       Beko          TR       manufacturing   G-2       Ege
G-3       Ankara Kamu   TR       Public          -         -
G-4       Acme GmbH     DE       finance         -         Marmara
========  ============  =======  ==============  ========  ===========

The rules: 1 "Koç grubu" (under G-1: Marmara), 2 "Kamu" (TR, sector "PUBLIC":
İç Anadolu), 3 unnamed (DE or FR: Yurt dışı). G-2 and its child G-5 follow
rule 1, G-3 rule 2 (sectors fold), G-4 rule 3; G-1 matches rule 1 and stays.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    EntityKind,
    PageRequest,
    TerritorySpan,
)
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.services.territories import (
    Move,
    TerritoryRules,
    apply_moves,
    assignment,
    hand_moves,
)
from graphcrm.store import GraphStore
from graphcrm.store.dump import fingerprint
from graphcrm.store.maintenance import maintenance

JAN = datetime(2026, 1, 5, 9, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 2, tzinfo=UTC)

RULES = """
[[rule]]
name = "Koç grubu"
territory = "Marmara"
parent = "G-1"

[[rule]]
name = "Kamu"
territory = "İç Anadolu"
country = "TR"
sector = ["PUBLIC", "government"]

[[rule]]
territory = "Yurt dışı"
country = ["DE", "FR"]
"""


def _a(
    i: int, name: str, country: str, sector: str, territory: str | None, parent: int | None = None
) -> Account:
    return Account(
        id=AccountId(f"G-{i}"),
        name=name,
        country=country,
        sector=sector,
        territory=territory,
        parent_id=AccountId(f"G-{parent}") if parent else None,
    )


@pytest.fixture
def portfolio(store: GraphStore) -> GraphStore:
    store.apply(
        ChangeSet(
            accounts=(
                _a(1, "Koç Holding", "TR", "manufacturing", "Marmara"),
                _a(2, "Arçelik", "TR", "manufacturing", "Ege", parent=1),
                _a(5, "Beko", "TR", "manufacturing", "Ege", parent=2),
                _a(3, "Ankara Kamu", "TR", "Public", None),
                _a(4, "Acme GmbH", "DE", "finance", "Marmara"),
            )
        ),
        actor="t",
        at=JAN,
    )
    return store


def _last_seq(store: GraphStore) -> int:
    return store.change_log(PageRequest(limit=1), since_seq=None).total


def test_the_rules_plan_moves_with_their_reasons_and_write_nothing(portfolio: GraphStore) -> None:
    before = fingerprint(maintenance(portfolio).dump())
    moves = assignment(portfolio, TerritoryRules.from_toml(RULES))
    assert [(m.account_id, m.before, m.after, m.rule) for m in moves] == [
        # by Turkish collation of the name: Acme, Ankara, Arçelik, Beko
        ("G-4", "Marmara", "Yurt dışı", "rule 3"),
        ("G-3", None, "İç Anadolu", "Kamu"),
        ("G-2", "Ege", "Marmara", "Koç grubu"),
        ("G-5", "Ege", "Marmara", "Koç grubu"),
    ]
    assert fingerprint(maintenance(portfolio).dump()) == before


def test_applied_moves_are_one_batch_and_keep_the_history(portfolio: GraphStore) -> None:
    seen = _last_seq(portfolio)
    moves = assignment(portfolio, TerritoryRules.from_toml(RULES))
    result = apply_moves(portfolio, moves, actor="assign", at=FEB)
    assert result.counts[EntityKind.ACCOUNT].updated == 4
    entries = portfolio.change_log(PageRequest(limit=100), since_seq=seen).items
    assert {(e.key, e.actor, e.at) for e in entries if e.entity == EntityKind.ACCOUNT} == {
        (f"G-{i}", "assign", FEB) for i in (2, 3, 4, 5)
    }
    assert portfolio.territory_history([AccountId("G-2")]) == (
        TerritorySpan(account_id=AccountId("G-2"), territory="Ege", valid_from=JAN, valid_to=FEB),
        TerritorySpan(account_id=AccountId("G-2"), territory="Marmara", valid_from=FEB),
    )
    assert portfolio.get_account(AccountId("G-3")).territory == "İç Anadolu"
    assert portfolio.get_account(AccountId("G-5")).name == "Beko"  # the rest kept
    # Applied again, the rules move nothing.
    assert assignment(portfolio, TerritoryRules.from_toml(RULES)) == []


def test_a_move_by_hand(portfolio: GraphStore) -> None:
    moves = hand_moves(portfolio, ["G-1", "G-2", "G-1"], "Ege")
    assert moves == [Move(AccountId("G-1"), "Koç Holding", "Marmara", "Ege", "by hand")]
    apply_moves(portfolio, moves, actor="t", at=MAR)
    assert [s.territory for s in portfolio.territory_history([AccountId("G-1")])] == [
        "Marmara",
        "Ege",
    ]
    with pytest.raises(NotFoundError):
        hand_moves(portfolio, ["G-404"], "Ege")


def test_refused_moves_write_nothing(portfolio: GraphStore) -> None:
    before = fingerprint(maintenance(portfolio).dump())
    moves = hand_moves(portfolio, ["G-4"], "Ege")
    with pytest.raises(InvalidError) as future:
        apply_moves(portfolio, moves, actor="t", at=datetime.now(UTC) + timedelta(days=1))
    assert future.value.problems[0].where == "at"
    with pytest.raises(InvalidError) as back_dated:
        apply_moves(portfolio, moves, actor="t", at=datetime(2025, 12, 1, tzinfo=UTC))
    assert "back-dated" in back_dated.value.problems[0].message
    # Planned, then moved elsewhere before applying: the plan is stale.
    apply_moves(portfolio, hand_moves(portfolio, ["G-4"], "Akdeniz"), actor="t", at=FEB)
    stale = fingerprint(maintenance(portfolio).dump())
    with pytest.raises(InvalidError) as e:
        apply_moves(portfolio, moves, actor="t", at=MAR)
    assert e.value.problems[0].where == "accounts[G-4]"
    assert fingerprint(maintenance(portfolio).dump()) == stale != before
