"""The SQLite adapter builds read models without re-validating them (``construct``)
and leaves foreign keys to batch validation. Both shortcuts are pinned here:

- every model a read returns equals, field by field and type by type, what
  ``model_validate`` makes of the same values (enum members, aware UTC
  datetimes, exact Decimals, tuples and frozensets, field order, fields set);
- after loads and updates ``PRAGMA foreign_key_check`` finds nothing, and an
  unknown reference is refused before anything is written.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Direction,
    Influence,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    Model,
    Page,
    PageRequest,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    Touchpoint,
    TouchpointId,
)
from graphcrm.domain.enums import TouchpointKind
from graphcrm.errors import InvalidError
from graphcrm.store.intervals import ContactStatusSpan
from graphcrm.store.sqlite import SqliteStore, tables
from graphcrm.store.sqlite.lookup import SqliteLookup

T0 = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
A1 = AccountId("A-1")
C1, C2, C3, C404 = (ContactId(c) for c in ("C-1", "C-2", "C-3", "C-404"))
R1, D1 = RepId("R-1"), DealId("D-1")
ISTANBUL = timezone(timedelta(hours=3))


def assert_as_validated(model: BaseModel) -> None:
    """``model`` is exactly what validation makes of its own values, recursively."""
    if isinstance(model, Page):  # built as Page[M] with M unbound: check the items
        for item in model.items:
            assert_as_validated(item)
        return
    again = type(model).model_validate(model.model_dump())
    assert model == again
    assert list(model.__dict__) == list(again.__dict__), type(model).__name__
    assert model.model_fields_set == again.model_fields_set, type(model).__name__
    for name, value in model.__dict__.items():
        _assert_same(value, again.__dict__[name], f"{type(model).__name__}.{name}")


def _assert_same(value: object, other: object, where: str) -> None:
    assert type(value) is type(other), where
    if isinstance(value, BaseModel):
        assert_as_validated(value)
    elif isinstance(value, tuple | frozenset) and isinstance(other, tuple | frozenset):
        for a, b in zip(sorted(value, key=repr), sorted(other, key=repr), strict=True):
            _assert_same(a, b, where)
    elif isinstance(value, datetime) and isinstance(other, datetime):
        assert value.tzinfo is UTC, where
        assert other.tzinfo is UTC, where
    elif isinstance(value, Decimal) and isinstance(other, Decimal):
        assert value.as_tuple() == other.as_tuple(), where


def _batch() -> ChangeSet:
    a, c1, c2, c3 = A1, C1, C2, C3
    return ChangeSet(
        reps=(Rep(id=R1, name="Işıl", email="isil@example.com", territory="Marmara"),),
        accounts=(Account(id=a, name="Çelik A.Ş.", sector="steel", country="TR", owner_id=R1),),
        contacts=(
            Contact(
                id=c1,
                account_id=a,
                name="İpek",
                seniority=Seniority.VP,
                email="ipek@celik.com.tr",
                linkedin_url="https://x.y/ipek",
            ),
            Contact(
                id=c2,
                account_id=a,
                name="Ilgaz",
                status=ContactStatus.LEFT_COMPANY,
                status_from=datetime(2025, 2, 1, 12, tzinfo=ISTANBUL),
            ),
            Contact(id=c3, account_id=a, name="Ümit"),
        ),
        reports_to=(
            ReportsTo(contact_id=c2, manager_id=c1, valid_from=T0 - timedelta(days=9)),
            ReportsTo(contact_id=c3, manager_id=c2, kind=LineKind.DOTTED),
        ),
        influences=(
            Influence(
                influencer_id=c1,
                influenced_id=c3,
                kind=InfluenceKind.SPONSORS,
                strength=0.1 + 0.2,
                source=InfluenceSource.OBSERVED,
            ),
        ),
        rep_knows=(RepKnows(rep_id=R1, contact_id=c1, strength=0.7),),
        deals=(
            Deal(
                id=D1,
                account_id=a,
                name="ERP",
                amount=Decimal("1234.5"),
                currency="EUR",
                stage=Stage.PROPOSAL,
                expected_close=date(2025, 9, 30),
                competitors=("SAP", "Logo"),
                owner_id=R1,
            ),
        ),
        deal_roles=(
            DealRole(
                deal_id=D1,
                contact_id=c1,
                roles=frozenset({Role.CHAMPION, Role.OTHER}),
                is_primary=True,
                stance=2,
            ),
        ),
        touchpoints=tuple(
            Touchpoint(
                id=TouchpointId(f"T-{i}"),
                account_id=a,
                kind=TouchpointKind.MEETING,
                direction=list(Direction)[i % 3],
                at=T0 - timedelta(days=i, hours=i),
                contact_ids=(c1, c3) if i % 2 else (c3,),
                rep_ids=(R1,),
                deal_id=D1 if i % 2 else None,
                sentiment=-0.25 * (i % 4),
            )
            for i in range(6)
        ),
    )


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore.open(tmp_path / "trusted.sqlite3")
    s.apply(_batch(), actor="test", at=T0)
    return s


def test_every_read_model_is_what_validation_would_make(store: SqliteStore) -> None:
    page = PageRequest(limit=100)
    a, c1 = A1, C1
    reads: list[BaseModel] = [
        store.get_account(a),
        store.list_accounts(page),
        store.get_rep(store.list_reps(page).items[0].id),
        store.list_reps(page),
        store.get_contact(c1),
        store.list_contacts(page),
        store.list_contacts(page, as_of=T0 - timedelta(days=30)),
        store.get_deal(D1),
        store.list_deals(page),
        store.list_touchpoints(page),
        store.change_log(page),
        store.account_rollup(a),
        store.stats(),
    ]
    for as_of in (None, T0 + timedelta(hours=1)):
        graph = store.stakeholder_graph(a, as_of=as_of, include_family=True)
        for part in (
            "engagement",
            "contact_ties",
            "rep_ties",
            "deal_roles",
            "reports_to",
            "influences",
            "deals",
            "rep_knows",
        ):
            assert getattr(graph, part), part
        reads.append(graph)
    reads.append(store.stakeholder_graph(a, as_of=T0 - timedelta(days=3)))  # before the load
    for model in reads:
        assert_as_validated(model)


def test_lookup_intervals_are_what_validation_would_make(store: SqliteStore) -> None:
    with store._read() as conn:
        lookup = SqliteLookup(conn)
        rows: list[BaseModel] = [
            *(s.row for s in lookup.reporting_lines([C2, C3])),
            *(s.row for s in lookup.influences([C1])),
            *(s.row for s in lookup.deal_roles([D1])),
            *(s.row for s in lookup.contact_statuses([C1, C2, C3])),
        ]
    assert {type(r) for r in rows} == {ReportsTo, Influence, DealRole, ContactStatusSpan}
    for row in rows:
        assert_as_validated(row)


@pytest.mark.parametrize(
    "table",
    [
        tables.ACCOUNTS,
        tables.REPS,
        tables.CONTACTS,
        tables.DEALS,
        tables.TOUCHPOINTS,
        tables.REP_KNOWS,
    ],
    ids=lambda t: t.name,
)
def test_plain_rows_decode_to_their_validated_input(table: tables.Table[Model]) -> None:
    rows = getattr(_batch(), table.name)
    for row in rows:
        decoded = table.decode(table.encode(row))
        assert_as_validated(decoded)
        if isinstance(row, Contact):  # status comes from its own table
            continue
        assert decoded == row


# --- foreign keys are validation's job ------------------------------------------------


def _fk_violations(store: SqliteStore) -> list[tuple[object, ...]]:
    with store._read() as conn:
        return conn.execute("PRAGMA foreign_key_check").fetchall()


def test_loads_and_updates_leave_no_dangling_reference(store: SqliteStore) -> None:
    later = T0 + timedelta(days=1)
    batch = _batch()
    store.apply(
        ChangeSet(
            contacts=(batch.contacts[0].model_copy(update={"status": ContactStatus.LEFT_COMPANY}),),
            reports_to=(ReportsTo(contact_id=C2, manager_id=C3),),
            deals=(batch.deals[0].model_copy(update={"stage": Stage.CLOSED_WON}),),
            touchpoints=(batch.touchpoints[1].model_copy(update={"contact_ids": ("C-2",)}),),
        ),
        actor="test",
        at=later,
    )
    assert _fk_violations(store) == []
    with store._read() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # the documented trade


def test_an_unknown_reference_is_refused_before_anything_is_written(store: SqliteStore) -> None:
    before = store.stats()
    with pytest.raises(InvalidError, match="unknown contact 'C-404'"):
        store.apply(
            ChangeSet(
                touchpoints=(
                    Touchpoint(
                        id=TouchpointId("T-new"),
                        account_id=A1,
                        kind=TouchpointKind.CALL,
                        direction=Direction.OUTBOUND,
                        at=T0,
                        contact_ids=(C1, C404),
                    ),
                ),
                rep_knows=(RepKnows(rep_id=R1, contact_id=C404, strength=0.5),),
            ),
            actor="test",
        )
    assert store.stats() == before
    assert _fk_violations(store) == []


def test_foreign_keys_are_still_declared(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "fk.sqlite3")
    with store._read() as conn:
        refs = conn.execute("SELECT * FROM pragma_foreign_key_list('touchpoint_contacts')")
        assert {r[2] for r in refs} == {"contacts", "touchpoints"}
    store.close()
    assert isinstance(sqlite3.sqlite_version, str)
