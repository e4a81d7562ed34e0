"""Recent stakeholder changes from two readings of an account's graph (no store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from graphcrm.analytics import ChangeKind
from graphcrm.domain import (
    AccountId,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    ReportsTo,
    Role,
    Stage,
    StakeholderGraph,
)
from graphcrm.services.changes import account_changes, with_departed_seats

UNTIL = datetime(2026, 3, 1, 12, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=90)
OLD = SINCE - timedelta(days=200)
A = AccountId("A")


def days_ago(n: float) -> datetime:
    return UNTIL - timedelta(days=n)


def contact(cid: str, *, left: datetime | None = None) -> Contact:
    return Contact(
        id=ContactId(cid),
        account_id=A,
        name=cid.title(),
        status=ContactStatus.LEFT_COMPANY if left else ContactStatus.ACTIVE,
        status_from=left or OLD,
    )


def line(report: str, manager: str, start: datetime, end: datetime | None = None) -> ReportsTo:
    return ReportsTo(
        contact_id=ContactId(report), manager_id=ContactId(manager), valid_from=start, valid_to=end
    )


def seat(
    deal: str, cid: str, *roles: Role, start: datetime = OLD, end: datetime | None = None
) -> DealRole:
    return DealRole(
        deal_id=DealId(deal),
        contact_id=ContactId(cid),
        roles=frozenset(roles),
        valid_from=start,
        valid_to=end,
    )


def deal(did: str) -> Deal:
    return Deal(id=DealId(did), account_id=A, name=did, stage=Stage.PROPOSAL)


def graph(
    at: datetime,
    contacts: list[Contact],
    lines: Sequence[ReportsTo] = (),
    seats: Sequence[DealRole] = (),
    deals: Sequence[Deal] = (),
) -> StakeholderGraph:
    return StakeholderGraph(
        as_of=at,
        accounts=(),
        contacts=tuple(contacts),
        reports_to=tuple(lines),
        influences=(),
        deals=tuple(deals),
        deal_roles=tuple(seats),
        reps=(),
        rep_knows=(),
        engagement=(),
        contact_ties=(),
        rep_ties=(),
    )


def test_nothing_changed_gives_no_changes() -> None:
    people = [contact("ayse"), contact("can")]
    lines = [line("can", "ayse", OLD)]
    seats = [seat("D1", "ayse", Role.CHAMPION)]
    before = graph(SINCE, people, lines, seats, [deal("D1")])
    after = graph(UNTIL, people, lines, seats, [deal("D1")])
    changes = account_changes(before, after)
    assert changes.people == ()
    assert changes.seats == {}
    assert changes.departed_seats == ()
    assert changes.for_deal("D1") == ()


def test_departure_in_the_window_and_the_seat_it_closed() -> None:
    left = days_ago(10)
    before = graph(SINCE, [contact("ayse")], seats=[seat("D1", "ayse", Role.CHAMPION, end=left)])
    after = graph(UNTIL, [contact("ayse", left=left)], deals=[deal("D1")])
    changes = account_changes(before, after)
    assert [(c.contact_id, c.kind, c.at) for c in changes.people] == [
        ("ayse", ChangeKind.DEPARTED, left)
    ]
    # the champion's seat, closed by the departure, is put back open
    (reopened,) = changes.departed_seats
    assert (reopened.deal_id, reopened.contact_id, reopened.valid_to) == ("D1", "ayse", None)
    restored = with_departed_seats(after, changes)
    assert [r.contact_id for r in restored.deal_roles] == ["ayse"]


def test_without_departed_seats_the_graph_is_returned_as_is() -> None:
    g = graph(UNTIL, [contact("ayse")])
    assert with_departed_seats(g, account_changes(graph(SINCE, [contact("ayse")]), g)) is g


def test_a_departure_before_the_window_is_not_a_change_and_keeps_no_seat() -> None:
    left = SINCE - timedelta(days=1)
    before = graph(SINCE, [contact("ayse", left=left)])
    after = graph(UNTIL, [contact("ayse", left=left)])
    assert account_changes(before, after).people == ()


def test_a_seat_given_up_before_the_departure_is_not_put_back() -> None:
    left = days_ago(20)
    before = graph(
        SINCE, [contact("ayse")], seats=[seat("D1", "ayse", Role.CHAMPION, end=days_ago(40))]
    )
    after = graph(UNTIL, [contact("ayse", left=left)])
    assert account_changes(before, after).departed_seats == ()


def test_manager_change_reports_the_new_line_start() -> None:
    people = [contact("ayse"), contact("can"), contact("ece")]
    before = graph(SINCE, people, [line("can", "ayse", OLD, days_ago(15))])
    after = graph(UNTIL, people, [line("can", "ece", days_ago(15))])
    (change,) = account_changes(before, after).people
    assert (change.contact_id, change.kind, change.at) == (
        "can",
        ChangeKind.MANAGER_CHANGED,
        days_ago(15),
    )
    assert change.detail == "ayse -> ece"


def test_a_departure_counts_once_not_also_as_a_manager_change() -> None:
    # Can (the champion of D1) reports to Ayşe and Ece reports to Can. Can leaves
    # 10 days ago: his own line ends then, and Ece moves to Ayşe then. Two people
    # changed, so two changes: Can left, Ece changed manager. Can's ended line is his
    # departure, not a third change (it was counted as "ayse -> -" too: churn 3).
    left = days_ago(10)
    before = graph(
        SINCE,
        [contact("ayse"), contact("can"), contact("ece")],
        [line("can", "ayse", OLD, left), line("ece", "can", OLD, left)],
        [seat("D1", "can", Role.CHAMPION, end=left)],
        [deal("D1")],
    )
    after = graph(
        UNTIL,
        [contact("ayse"), contact("can", left=left), contact("ece")],
        [line("ece", "ayse", left)],
        deals=[deal("D1")],
    )
    changes = account_changes(before, after)
    got = [(c.contact_id, c.kind, c.at, c.detail) for c in changes.for_deal("D1")]
    assert got == [
        ("can", ChangeKind.DEPARTED, left, ""),
        ("ece", ChangeKind.MANAGER_CHANGED, left, "can -> ayse"),
    ]
    # the win model's churn feature is the number of these changes: 2, not 3
    assert len(changes.for_deal("D1")) == 2


def test_a_new_hire_with_a_manager_is_not_a_manager_change() -> None:
    before = graph(SINCE, [contact("ayse")])
    after = graph(UNTIL, [contact("ayse"), contact("can")], [line("can", "ayse", days_ago(5))])
    assert account_changes(before, after).people == ()


def test_role_change_and_join_on_a_deal_that_existed() -> None:
    people = [contact("ayse"), contact("can"), contact("ece")]
    before = graph(
        SINCE,
        people,
        seats=[
            seat("D1", "ayse", Role.INFLUENCER, end=days_ago(30)),
            seat("D1", "ece", Role.EVALUATOR),
        ],
        deals=[deal("D1")],
    )
    after = graph(
        UNTIL,
        people,
        seats=[
            seat("D1", "ayse", Role.CHAMPION, start=days_ago(30)),
            seat("D1", "can", Role.EVALUATOR, start=days_ago(20)),
            seat("D1", "ece", Role.EVALUATOR),
        ],
        deals=[deal("D1")],
    )
    changes = account_changes(before, after)
    got = [(c.contact_id, c.kind, c.at, c.detail) for c in changes.for_deal("D1")]
    assert got == [
        ("ayse", ChangeKind.ROLE_CHANGED, days_ago(30), "influencer -> champion"),
        ("can", ChangeKind.JOINED, days_ago(20), "joined the committee"),
    ]
    assert changes.for_deal("D2") == ()


def test_a_deal_created_in_the_window_has_no_joins() -> None:
    people = [contact("ayse")]
    before = graph(SINCE, people)
    after = graph(
        UNTIL,
        people,
        seats=[seat("D1", "ayse", Role.CHAMPION, start=days_ago(20))],
        deals=[deal("D1")],
    )
    assert account_changes(before, after).seats == {}


def test_the_graphs_must_be_dated_and_in_order() -> None:
    g = graph(UNTIL, [])
    with pytest.raises(ValueError, match="the earlier first"):
        account_changes(g, graph(SINCE, []))
    with pytest.raises(ValueError, match="two dated graphs"):
        account_changes(g.model_copy(update={"as_of": None}), g)
