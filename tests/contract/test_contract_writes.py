"""Contract: writes are idempotent, atomic, never overwrite history, and log every change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeOp,
    ChangeSet,
    CloseDateChange,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    EntityKind,
    Influence,
    InfluenceKind,
    PageRequest,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointId,
)
from graphcrm.domain.enums import Direction, TouchpointKind
from graphcrm.errors import InvalidError
from graphcrm.store import GraphStore

Snap = Callable[[GraphStore], object]


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


JAN, FEB, MAR = utc(2025, 1, 1), utc(2025, 2, 1), utc(2025, 3, 1)
ALL = PageRequest(limit=1000)


def base() -> ChangeSet:
    return ChangeSet(
        accounts=(
            Account(id=AccountId("A-1"), name="İSTANBUL Lojistik", sector="lojistik", country="TR"),
        ),
        reps=(Rep(id=RepId("R-1"), name="Çağrı Öztürk", territory="marmara"),),
        contacts=(
            Contact(
                id=ContactId("C-1"), account_id=AccountId("A-1"), name="Ayşe Yılmaz", title="CEO"
            ),
            Contact(
                id=ContactId("C-2"), account_id=AccountId("A-1"), name="İsmail Işık", title="CFO"
            ),
            Contact(
                id=ContactId("C-3"), account_id=AccountId("A-1"), name="Çağrı Öztürk", title="CIO"
            ),
        ),
        reports_to=(
            ReportsTo(contact_id=ContactId("C-2"), manager_id=ContactId("C-1")),
            ReportsTo(contact_id=ContactId("C-3"), manager_id=ContactId("C-1")),
        ),
        influences=(
            Influence(
                influencer_id=ContactId("C-2"),
                influenced_id=ContactId("C-1"),
                kind=InfluenceKind.ADVISES,
                strength=0.8,
            ),
        ),
        rep_knows=(RepKnows(rep_id=RepId("R-1"), contact_id=ContactId("C-1"), strength=0.6),),
        deals=(
            Deal(
                id=DealId("D-1"),
                account_id=AccountId("A-1"),
                name="Depo otomasyonu",
                amount=Decimal("1250000.50"),
                stage=Stage.PROPOSAL,
                expected_close=date(2025, 6, 30),
                owner_id=RepId("R-1"),
            ),
        ),
        deal_roles=(
            DealRole(
                deal_id=DealId("D-1"),
                contact_id=ContactId("C-1"),
                roles=frozenset({Role.ECONOMIC_BUYER}),
                is_primary=True,
            ),
        ),
        touchpoints=(
            Touchpoint(
                id=TouchpointId("T-1"),
                account_id=AccountId("A-1"),
                kind=TouchpointKind.MEETING,
                direction=Direction.TWO_WAY,
                at=JAN,
                contact_ids=(ContactId("C-1"), ContactId("C-2")),
                rep_ids=(RepId("R-1"),),
                deal_id=DealId("D-1"),
            ),
        ),
    )


def test_apply_twice_changes_nothing_the_second_time(store: GraphStore, snap: Snap) -> None:
    first = store.apply(base(), actor="test", at=JAN)
    assert first.changed
    assert first.counts[EntityKind.CONTACT].created == 3
    assert first.counts[EntityKind.CONTACT_STATUS].created == 3
    before = snap(store)

    second = store.apply(base(), actor="test", at=FEB)

    assert second.changed is False
    assert second.counts[EntityKind.CONTACT].unchanged == 3
    assert second.counts[EntityKind.REPORTS_TO].unchanged == 2
    assert snap(store) == before


def test_every_created_row_is_logged_once_with_actor_and_time(store: GraphStore) -> None:
    store.apply(base(), actor="ayşe", at=JAN)
    log = store.change_log(ALL)
    # 1 account, 1 rep, 3 contacts, 3 statuses, 1 deal, 1 stage change, 1 close-date change,
    # 1 touchpoint, 2 lines, 1 influence, 1 rep_knows, 1 deal role
    assert log.total == 17
    assert [e.seq for e in log.items] == sorted(e.seq for e in log.items)
    assert {e.actor for e in log.items} == {"ayşe"}
    assert {e.at for e in log.items} == {JAN}
    assert {e.op for e in log.items} == {ChangeOp.CREATE}
    line = store.change_log(ALL, entity=EntityKind.REPORTS_TO, key="C-2 -> C-1").items
    assert len(line) == 1
    # a creation's entry carries no copy of the row (a touchpoint's aside): the row is stored
    assert (line[0].before, line[0].after) == (None, None)
    [tp] = store.change_log(ALL, entity=EntityKind.TOUCHPOINT).items
    assert tp.after is not None
    assert [e.key for e in log.items if e.after is not None] == [tp.key]


def test_plain_update_logs_before_and_after(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    renamed = Contact(
        id=ContactId("C-1"), account_id=AccountId("A-1"), name="Ayşe Yılmaz-Kaya", title="CEO"
    )
    result = store.apply(ChangeSet(contacts=(renamed,)), actor="t", at=FEB)
    assert result.counts[EntityKind.CONTACT].updated == 1
    [entry] = store.change_log(ALL, entity=EntityKind.CONTACT, key="C-1", since_seq=17).items
    assert entry.op is ChangeOp.UPDATE
    assert entry.before is not None
    assert entry.before["name"] == "Ayşe Yılmaz"
    assert entry.after is not None
    assert entry.after["name"] == "Ayşe Yılmaz-Kaya"
    assert store.get_contact(ContactId("C-1")).name == "Ayşe Yılmaz-Kaya"


def test_deal_role_roles_are_logged_sorted(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    every = DealRole(deal_id=DealId("D-1"), contact_id=ContactId("C-1"), roles=frozenset(Role))
    store.apply(ChangeSet(deal_roles=(every,)), actor="t", at=FEB)  # closes one, opens one
    store.apply(ChangeSet(deal_roles=(every.model_copy(update={"stance": 1}),)), actor="t", at=MAR)
    entries = store.change_log(ALL, entity=EntityKind.DEAL_ROLE, key="D-1 / C-1").items
    logged = [e.after for e in entries] + [e.before for e in entries if e.before is not None]
    roles = [v["roles"] for v in logged if v is not None]
    # created, closed, created, closed, created: the two closes log 4 payloads (before,
    # after), 2 with every role; a creation carries none
    assert len(roles) == 4
    every_sorted = sorted(r.value for r in Role)
    assert sum(r == every_sorted for r in roles) == 2


def test_new_manager_closes_old_line_and_keeps_history(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    moved = ReportsTo(contact_id=ContactId("C-3"), manager_id=ContactId("C-2"), valid_from=FEB)
    result = store.apply(ChangeSet(reports_to=(moved,)), actor="t", at=FEB)

    assert result.counts[EntityKind.REPORTS_TO].closed == 1
    assert result.counts[EntityKind.REPORTS_TO].created == 1
    ops = [
        (e.op, e.key)
        for e in store.change_log(ALL, entity=EntityKind.REPORTS_TO, since_seq=17).items
    ]
    assert ops == [(ChangeOp.CLOSE, "C-3 -> C-1"), (ChangeOp.CREATE, "C-3 -> C-2")]

    def managers(at: datetime | None) -> set[tuple[str, str]]:
        g = store.stakeholder_graph(AccountId("A-1"), as_of=at)
        return {(r.contact_id, r.manager_id) for r in g.reports_to}

    assert managers(utc(2025, 1, 15)) == {("C-2", "C-1"), ("C-3", "C-1")}
    assert managers(FEB) == {("C-2", "C-1"), ("C-3", "C-2")}
    assert managers(None) == {("C-2", "C-1"), ("C-3", "C-2")}
    jan_lines = store.stakeholder_graph(AccountId("A-1"), as_of=JAN).reports_to
    closed = [r for r in jan_lines if r.contact_id == "C-3"]
    assert closed[0].valid_to == FEB


def test_same_fact_with_valid_to_closes_it(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    end = Influence(
        influencer_id=ContactId("C-2"),
        influenced_id=ContactId("C-1"),
        kind=InfluenceKind.ADVISES,
        strength=0.8,
        valid_to=MAR,
    )
    result = store.apply(ChangeSet(influences=(end,)), actor="t", at=FEB)
    assert result.counts[EntityKind.INFLUENCE].closed == 1
    assert len(store.stakeholder_graph(AccountId("A-1"), as_of=utc(2025, 2, 15)).influences) == 1
    assert store.stakeholder_graph(AccountId("A-1"), as_of=MAR).influences == ()
    again = store.apply(ChangeSet(influences=(end,)), actor="t", at=MAR)
    assert again.changed is False


def test_changed_strength_closes_and_opens_influence(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    stronger = Influence(
        influencer_id=ContactId("C-2"),
        influenced_id=ContactId("C-1"),
        kind=InfluenceKind.ADVISES,
        strength=0.95,
    )
    store.apply(ChangeSet(influences=(stronger,)), actor="t", at=FEB)
    assert [
        i.strength for i in store.stakeholder_graph(AccountId("A-1"), as_of=JAN).influences
    ] == [0.8]
    assert [i.strength for i in store.stakeholder_graph(AccountId("A-1")).influences] == [0.95]
    assert store.stats().counts["influence"] == 2


def test_status_change_is_an_interval(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    left = Contact(
        id=ContactId("C-3"),
        account_id=AccountId("A-1"),
        name="Çağrı Öztürk",
        title="CIO",
        status=ContactStatus.LEFT_COMPANY,
        status_from=MAR,
    )
    store.apply(ChangeSet(contacts=(left,)), actor="t", at=MAR)
    assert store.get_contact(ContactId("C-3"), as_of=FEB).status is ContactStatus.ACTIVE
    now = store.get_contact(ContactId("C-3"))
    assert now.status is ContactStatus.LEFT_COMPANY
    assert now.status_from == MAR
    assert store.account_rollup(AccountId("A-1")).contacts == 2
    assert store.account_rollup(AccountId("A-1"), as_of=FEB).contacts == 3
    assert store.stats().counts["contact_status"] == 4


def test_deal_roles_as_of(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    new_primary = (
        DealRole(
            deal_id=DealId("D-1"),
            contact_id=ContactId("C-1"),
            roles=frozenset({Role.ECONOMIC_BUYER}),
            is_primary=False,
            valid_from=FEB,
        ),
        DealRole(
            deal_id=DealId("D-1"),
            contact_id=ContactId("C-2"),
            roles=frozenset({Role.CHAMPION, Role.INFLUENCER}),
            is_primary=True,
            stance=2,
            valid_from=FEB,
        ),
    )
    store.apply(ChangeSet(deal_roles=new_primary), actor="t", at=FEB)
    jan_roles = store.stakeholder_graph(AccountId("A-1"), as_of=JAN).deal_roles
    jan = {(r.contact_id, r.is_primary) for r in jan_roles}
    now = {
        (r.contact_id, r.is_primary) for r in store.stakeholder_graph(AccountId("A-1")).deal_roles
    }
    assert jan == {("C-1", True)}
    assert now == {("C-1", False), ("C-2", True)}
    [c2] = [
        r for r in store.stakeholder_graph(AccountId("A-1")).deal_roles if r.contact_id == "C-2"
    ]
    assert c2.roles == frozenset({Role.CHAMPION, Role.INFLUENCER})


def test_stage_history_records_forward_and_backward_moves(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    deal = base().deals[0]
    store.apply(
        ChangeSet(deals=(deal.model_copy(update={"stage": Stage.NEGOTIATION}),)), actor="t", at=FEB
    )
    store.apply(
        ChangeSet(deals=(deal.model_copy(update={"stage": Stage.NEEDS_ANALYSIS}),)),
        actor="t",
        at=MAR,
    )
    view = store.get_deal(DealId("D-1"))
    assert [(s.from_stage, s.to_stage, s.at) for s in view.stage_history] == [
        (None, Stage.PROPOSAL, JAN),
        (Stage.PROPOSAL, Stage.NEGOTIATION, FEB),
        (Stage.NEGOTIATION, Stage.NEEDS_ANALYSIS, MAR),
    ]
    assert view.stage_history[-1].is_backwards
    assert view.stage_at(utc(2025, 2, 15)) is Stage.NEGOTIATION
    assert [
        d.stage for d in store.stakeholder_graph(AccountId("A-1"), as_of=utc(2025, 2, 15)).deals
    ] == [Stage.NEGOTIATION]
    assert store.stakeholder_graph(AccountId("A-1"), as_of=utc(2024, 12, 1)).deals == ()


def test_explicit_stage_changes_replace_derived_ones_and_are_idempotent(
    store: GraphStore,
) -> None:
    store.apply(base(), actor="t", at=JAN)
    deal = base().deals[0].model_copy(update={"stage": Stage.CLOSED_LOST, "loss_reason": "fiyat"})
    history = ChangeSet(
        deals=(deal,),
        stage_changes=(
            StageChange(
                deal_id=DealId("D-1"), at=FEB, from_stage=Stage.PROPOSAL, to_stage=Stage.DECISION
            ),
            StageChange(
                deal_id=DealId("D-1"), at=MAR, from_stage=Stage.DECISION, to_stage=Stage.CLOSED_LOST
            ),
        ),
        close_date_changes=(
            CloseDateChange(
                deal_id=DealId("D-1"),
                at=FEB,
                from_date=date(2025, 6, 30),
                to_date=date(2025, 3, 31),
            ),
        ),
    )
    store.apply(history, actor="t", at=utc(2025, 3, 5))
    view = store.get_deal(DealId("D-1"))
    assert [s.at for s in view.stage_history] == [JAN, FEB, MAR]
    assert [c.to_date for c in view.close_date_history] == [date(2025, 6, 30), date(2025, 3, 31)]
    assert store.apply(history, actor="t", at=utc(2025, 4, 1)).changed is False
    assert store.account_rollup(AccountId("A-1")).open_deals == 0


def test_touchpoint_update_replaces_participants(store: GraphStore) -> None:
    store.apply(base(), actor="t", at=JAN)
    tp = base().touchpoints[0].model_copy(update={"contact_ids": ("C-3",), "summary": "güncel"})
    assert (
        store.apply(ChangeSet(touchpoints=(tp,)), actor="t", at=FEB)
        .counts[EntityKind.TOUCHPOINT]
        .updated
        == 1
    )
    assert store.list_touchpoints(ALL, contact_id=ContactId("C-1")).total == 0
    assert store.list_touchpoints(ALL, contact_id=ContactId("C-3")).items == (tp,)


ODD = (
    "O'Brien \"Çift\" }) -[:X]->( // comment /* x */ '; DROP TABLE contacts; -- "
    "\\n \t tab 🚀👩🏽‍💼 İıŞşĞğÜüÖöÇç  % _ ? :param $1"
)


def test_odd_text_round_trips_byte_for_byte(store: GraphStore) -> None:
    account = Account(id=AccountId("A-'; DROP"), name=ODD, sector=ODD[:200], territory="}) // x")
    contact = Contact(
        id=ContactId("C-{x}"), account_id=AccountId("A-'; DROP"), name=ODD, title=ODD[:200]
    )
    deal = Deal(
        id=DealId("D-`1`"),
        account_id=AccountId("A-'; DROP"),
        name=ODD,
        competitors=(ODD[:200], "Şok A.Ş."),
        loss_reason=ODD,
    )
    store.apply(ChangeSet(accounts=(account,), contacts=(contact,), deals=(deal,)), actor=ODD)
    assert store.get_account(AccountId("A-'; DROP")) == account
    got = store.get_contact(ContactId("C-{x}"))
    assert (got.name, got.title) == (ODD, ODD[:200])
    assert store.get_deal(DealId("D-`1`")).deal == deal
    assert store.change_log(ALL).items[0].actor == ODD
    assert store.list_accounts(ALL, name_contains="drop table").total == 1


def test_times_come_back_as_the_same_instant_in_utc(store: GraphStore) -> None:
    istanbul = timezone(timedelta(hours=3))
    local = datetime(2025, 1, 1, 12, 30, 15, 123456, tzinfo=istanbul)
    store.apply(base(), actor="t", at=local)
    tp = Touchpoint(
        id=TouchpointId("T-2"),
        account_id=AccountId("A-1"),
        kind=TouchpointKind.CALL,
        direction=Direction.INBOUND,
        at=local,
        contact_ids=(ContactId("C-1"),),
    )
    store.apply(ChangeSet(touchpoints=(tp,)), actor="t", at=local)
    [got] = store.list_touchpoints(ALL, until=local, since=local).items
    assert got.at == local
    assert got.at.utcoffset() == timedelta(0)
    assert got.at.hour == 9
    assert store.change_log(ALL).items[0].at == local
    assert store.get_contact(ContactId("C-1")).status_from == local


def test_amounts_are_exact(store: GraphStore) -> None:
    amounts = [Decimal("0.01"), Decimal("0.10"), Decimal("9999999999999999.99"), Decimal("0.3")]
    deals = tuple(
        Deal(
            id=DealId(f"D-{i}"),
            account_id=AccountId("A-1"),
            name=f"Fırsat {i}",
            amount=a,
            currency="USD",
        )
        for i, a in enumerate(amounts)
    )
    store.apply(ChangeSet(accounts=base().accounts, deals=deals), actor="t", at=JAN)
    assert [store.get_deal(DealId(f"D-{i}")).deal.amount for i in range(4)] == amounts
    [bucket] = store.account_rollup(AccountId("A-1")).pipeline
    assert bucket.amount == sum(amounts)
    assert str(bucket.amount) == "10000000000000000.40"


def test_a_failed_batch_leaves_no_trace(store: GraphStore, snap: Snap) -> None:
    store.apply(base(), actor="t", at=JAN)
    before = snap(store)
    bad = ChangeSet(
        contacts=(Contact(id=ContactId("C-9"), account_id=AccountId("A-1"), name="Yeni Kişi"),),
        reports_to=(ReportsTo(contact_id=ContactId("C-9"), manager_id=ContactId("C-404")),),
    )
    with pytest.raises(InvalidError, match="C-404"):
        store.apply(bad, actor="t", at=FEB)
    assert snap(store) == before
    assert store.list_contacts(ALL).total == 3
