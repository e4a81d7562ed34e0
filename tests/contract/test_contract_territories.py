"""Contract: an account's territory is time-stamped membership (worked by hand).

A-1 (İzmir Liman) is created in Ege on 5 January, moves to Akdeniz on 2 March
and loses its territory on 1 April; A-2 is in Marmara throughout. Present reads
show today's territory; reads as of a date show the one in force then.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    PageRequest,
    TerritorySpan,
)
from graphcrm.errors import InvalidError
from graphcrm.services.forecast import forecast
from graphcrm.store import GraphStore
from graphcrm.store.dump import fingerprint
from graphcrm.store.maintenance import maintenance
from graphcrm.store.sqlite import SqliteStore

JAN = datetime(2026, 1, 5, 9, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 2, 9, tzinfo=UTC)
MID_MAR = datetime(2026, 3, 15, tzinfo=UTC)
APR = datetime(2026, 4, 1, tzinfo=UTC)
MAY = datetime(2026, 5, 1, tzinfo=UTC)
ALL = PageRequest(limit=100)
A1, A2 = AccountId("A-1"), AccountId("A-2")


def _account(territory: str | None, name: str = "İzmir Liman") -> Account:
    return Account(id=A1, name=name, territory=territory)


@pytest.fixture
def moved(store: GraphStore) -> GraphStore:
    store.apply(
        ChangeSet(
            accounts=(_account("Ege"), Account(id=A2, name="Bursa Tekstil", territory="Marmara")),
            contacts=(
                Contact(id=ContactId("C-1"), account_id=A1, name="Şule Işık"),
                Contact(id=ContactId("C-2"), account_id=A2, name="Ömer Güneş"),
            ),
        ),
        actor="t",
        at=JAN,
    )
    store.apply(ChangeSet(accounts=(_account("Akdeniz"),)), actor="t", at=MAR)
    store.apply(ChangeSet(accounts=(_account(None),)), actor="t", at=APR)
    return store


def test_a_move_keeps_the_history(moved: GraphStore) -> None:
    assert moved.territory_history([A1]) == (
        TerritorySpan(account_id=A1, territory="Ege", valid_from=JAN, valid_to=MAR),
        TerritorySpan(account_id=A1, territory="Akdeniz", valid_from=MAR, valid_to=APR),
        TerritorySpan(account_id=A1, territory=None, valid_from=APR),
    )
    assert [(s.account_id, s.territory) for s in moved.territory_history()] == [
        ("A-1", "Ege"),
        ("A-1", "Akdeniz"),
        ("A-1", None),
        ("A-2", "Marmara"),
    ]
    assert moved.territory_history([AccountId("A-404")]) == ()


def test_present_reads_show_todays_territory(moved: GraphStore) -> None:
    assert moved.get_account(A1).territory is None
    assert moved.list_accounts(ALL, territories={"Ege", "Akdeniz"}).total == 0
    [graph_now] = moved.stakeholder_graphs([A1])
    assert graph_now.accounts[0].territory is None


@pytest.mark.parametrize(
    ("at", "territory"),
    [(FEB, "Ege"), (MAR, "Akdeniz"), (MID_MAR, "Akdeniz"), (APR, None), (MAY, None)],
)
def test_as_of_reads_use_the_territory_then(
    moved: GraphStore, at: datetime, territory: str | None
) -> None:
    assert moved.stakeholder_graph(A1, as_of=at).accounts[0].territory == territory
    [one, two] = moved.stakeholder_graphs([A1, A2], as_of=at)
    assert one.accounts[0].territory == territory
    assert two.accounts[0].territory == "Marmara"
    [committee] = moved.stakeholder_graphs([A1], as_of=at, committee_only=True)
    assert committee.accounts[0].territory == territory


def test_contacts_listed_by_territory_as_of(moved: GraphStore) -> None:
    def names(at: datetime | None, *territories: str) -> list[str]:
        page = moved.list_contacts(ALL, as_of=at, territories=set(territories))
        return [c.name for c in page.items]

    assert names(FEB, "Ege") == ["Şule Işık"]
    assert names(MID_MAR, "Ege") == []
    assert names(MID_MAR, "Akdeniz", "Marmara") == ["Ömer Güneş", "Şule Işık"]
    assert names(None, "Akdeniz") == []  # the present
    assert names(MAY, "Akdeniz") == []
    # One account's contacts, as of a date, within territories.
    page = moved.list_contacts(ALL, account_id=A1, as_of=FEB, territories={"Ege"})
    assert [c.id for c in page.items] == ["C-1"]
    page = moved.list_contacts(ALL, account_id=A1, as_of=MID_MAR, territories={"Ege"})
    assert page.total == 0


def test_an_unchanged_territory_writes_no_interval(moved: GraphStore) -> None:
    result = moved.apply(ChangeSet(accounts=(_account(None),)), actor="t", at=MAY)
    assert not result.changed
    renamed = moved.apply(ChangeSet(accounts=(_account(None, "İzmir Limanı"),)), actor="t", at=MAY)
    assert renamed.changed
    assert len(moved.territory_history([A1])) == 3


def test_a_back_dated_move_is_refused_and_nothing_written(moved: GraphStore) -> None:
    before = fingerprint(maintenance(moved).dump())
    with pytest.raises(InvalidError) as e:
        moved.apply(ChangeSet(accounts=(_account("Karadeniz"),)), actor="t", at=MID_MAR)
    [problem] = e.value.problems
    assert problem.where == "accounts[A-1]"
    assert "back-dated" in problem.message
    assert fingerprint(maintenance(moved).dump()) == before


def test_a_backup_carries_the_intervals(moved: GraphStore, tmp_path: Path) -> None:
    dump = maintenance(moved).dump()
    assert len(dump.account_territories) == 4
    maintenance(moved).restore(dump, replace=True)  # into the same kind of store
    assert fingerprint(maintenance(moved).dump()) == fingerprint(dump)
    copy = SqliteStore.open(tmp_path / "copy.sqlite3")  # and into the other kind
    try:
        maintenance(copy).restore(dump)
        assert copy.territory_history([A1]) == moved.territory_history([A1])
        assert copy.stakeholder_graph(A1, as_of=FEB).accounts[0].territory == "Ege"
    finally:
        copy.close()


# --- the forecast by territory before and after a realignment -------------------------


@pytest.fixture
def realigned(store: GraphStore) -> GraphStore:
    """A-1 (Ege) holds D-1, 1,000 TRY; A-2 (Marmara) holds D-2, 250 TRY; both close in
    2026-Q2 and stay open. On 2 March A-1 moves to Akdeniz."""
    store.apply(
        ChangeSet(
            accounts=(_account("Ege"), Account(id=A2, name="Bursa Tekstil", territory="Marmara")),
            deals=(
                Deal(
                    id=DealId("D-1"),
                    account_id=A1,
                    name="Liman ERP",
                    amount=Decimal("1000"),
                    expected_close=date(2026, 6, 15),
                ),
                Deal(
                    id=DealId("D-2"),
                    account_id=A2,
                    name="Dokuma MES",
                    amount=Decimal("250"),
                    expected_close=date(2026, 6, 30),
                ),
            ),
        ),
        actor="t",
        at=JAN,
    )
    store.apply(ChangeSet(accounts=(_account("Akdeniz"),)), actor="t", at=MAR)
    return store


def test_the_forecast_by_territory_before_and_after_a_realignment(realigned: GraphStore) -> None:
    def rows(at: datetime, **kw: object) -> dict[str, tuple[int, float]]:
        f = forecast(realigned, as_of=at, quarter="2026-Q2", by="territory", simulations=10, **kw)  # type: ignore[arg-type]
        return {r.key: (r.deals, r.pipeline) for r in f.rows}

    assert rows(FEB) == {"Ege": (1, 1000.0), "Marmara": (1, 250.0)}
    assert rows(MID_MAR) == {"Akdeniz": (1, 1000.0), "Marmara": (1, 250.0)}
    # One territory: the accounts it held then.
    assert rows(FEB, territories={"Ege"}) == {"Ege": (1, 1000.0)}
    assert rows(MID_MAR, territories={"Ege"}) == {}
    assert rows(FEB, territories={"Akdeniz"}) == {}
    assert rows(MID_MAR, territories={"Akdeniz"}) == {"Akdeniz": (1, 1000.0)}
