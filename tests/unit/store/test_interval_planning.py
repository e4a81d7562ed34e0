"""Interval planning rules, on hand-built histories."""

from __future__ import annotations

from datetime import UTC, datetime

from graphcrm.domain import (
    AccountId,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Influence,
    InfluenceKind,
    LineKind,
    ReportsTo,
    Role,
    Stage,
)
from graphcrm.store.intervals import (
    ContactStatusSpan,
    Stored,
    change_key,
    derive_deal_history,
    interval_key,
    plan_intervals,
)

JAN, FEB, MAR, APR = (datetime(2025, m, 1, tzinfo=UTC) for m in (1, 2, 3, 4))


def line(manager: str, **kw: datetime | None) -> ReportsTo:
    return ReportsTo(contact_id="C", manager_id=manager, **kw)  # type: ignore[arg-type]


def test_keys() -> None:
    assert interval_key(line("M")) == ("solid", "C")
    dotted = ReportsTo(contact_id=ContactId("C"), manager_id=ContactId("M"), kind=LineKind.DOTTED)
    assert interval_key(dotted) == ("dotted", "C", "M")
    infl = Influence(
        influencer_id=ContactId("A"),
        influenced_id=ContactId("B"),
        kind=InfluenceKind.OPPOSES,
        strength=1,
    )
    assert interval_key(infl) == ("A", "B", "opposes")
    role = DealRole(deal_id=DealId("D"), contact_id=ContactId("C"), roles=frozenset({Role.BLOCKER}))
    assert interval_key(role) == ("D", "C")
    assert interval_key(
        ContactStatusSpan(contact_id=ContactId("C"), status=ContactStatus.ACTIVE)
    ) == ("C",)
    assert change_key(dotted) == "C -> M (dotted)"
    assert change_key(infl) == "A -> B (opposes)"


def test_new_row_is_inserted_with_start_at_the_write() -> None:
    plan = plan_intervals([], [line("M")], at=JAN)
    assert plan.inserts == [line("M")]
    assert plan.start(plan.inserts[0]) == JAN
    assert plan.closes == []
    assert plan.problems == []


def test_identical_to_open_is_a_no_op() -> None:
    stored = [Stored(1, line("M", valid_from=JAN))]
    for row in (line("M"), line("M", valid_from=JAN), line("M", valid_from=FEB)):
        plan = plan_intervals(stored, [row], at=MAR)
        assert (plan.inserts, plan.closes, plan.unchanged) == ([], [], 1)


def test_identical_to_closed_is_a_no_op() -> None:
    stored = [Stored(1, line("M", valid_from=JAN, valid_to=FEB))]
    plan = plan_intervals(stored, [line("M", valid_from=JAN, valid_to=FEB)], at=MAR)
    assert plan.unchanged == 1
    assert not plan.inserts


def test_same_attributes_with_valid_to_closes() -> None:
    stored = [Stored(7, line("M", valid_from=JAN))]
    plan = plan_intervals(stored, [line("M", valid_to=MAR)], at=FEB)
    [close] = plan.closes
    assert (close.ref, close.before.valid_to, close.after.valid_to) == (7, None, MAR)
    assert plan.inserts == []
    # re-sent later: no-op
    again = plan_intervals([Stored(7, close.after)], [line("M", valid_to=MAR)], at=APR)
    assert again.unchanged == 1
    assert not again.inserts
    assert not again.problems


def test_different_attributes_close_and_insert() -> None:
    stored = [Stored(1, line("M", valid_from=JAN))]
    plan = plan_intervals(stored, [line("N", valid_from=FEB)], at=MAR)
    assert [c.after.valid_to for c in plan.closes] == [FEB]
    assert [r.manager_id for r in plan.inserts] == ["N"]
    assert [(r.manager_id, r.valid_from, r.valid_to) for r in plan.final[("solid", "C")]] == [
        ("M", JAN, FEB),
        ("N", FEB, None),
    ]


def test_back_dated_change_is_a_problem() -> None:
    stored = [Stored(1, line("M", valid_from=FEB))]
    plan = plan_intervals(stored, [line("N", valid_from=JAN)], at=MAR)
    [problem] = plan.problems
    assert (problem.where, problem.field) == ("reports_to[C -> N]", "valid_from")
    assert "back-dated" in problem.message
    assert not plan.inserts
    assert not plan.closes


def test_overlap_with_closed_interval_is_a_problem() -> None:
    stored = [Stored(1, line("M", valid_from=JAN, valid_to=MAR))]
    plan = plan_intervals(stored, [line("N", valid_from=FEB, valid_to=APR)], at=APR)
    assert [p.field for p in plan.problems] == ["valid_from"]


def test_history_that_touches_nothing_is_inserted() -> None:
    stored = [Stored(1, line("M", valid_from=MAR))]
    plan = plan_intervals(stored, [line("N", valid_from=JAN, valid_to=FEB)], at=APR)
    assert not plan.problems
    assert not plan.closes
    assert [r.manager_id for r in plan.inserts] == ["N"]


def test_several_rows_for_one_key_apply_in_time_order() -> None:
    rows = [line("O", valid_from=MAR), line("M", valid_from=JAN), line("N", valid_from=FEB)]
    plan = plan_intervals([], rows, at=APR)
    assert [(r.manager_id, r.valid_to) for r in plan.final[("solid", "C")]] == [
        ("M", FEB),
        ("N", MAR),
        ("O", None),
    ]
    assert len(plan.inserts) == 3
    assert plan.closes == []


def test_undated_row_ending_before_the_write_is_a_problem() -> None:
    plan = plan_intervals([], [line("M", valid_to=JAN)], at=FEB)
    assert [p.field for p in plan.problems] == ["valid_to"]


def test_deal_history_derivation() -> None:
    old = Deal(id=DealId("D"), account_id=AccountId("A"), name="X", stage=Stage.NEGOTIATION)
    new = old.model_copy(update={"stage": Stage.PROPOSAL})
    stage, close = derive_deal_history(new, old, at=JAN, explicit=False)
    assert stage is not None
    assert stage.is_backwards
    assert close is None
    assert derive_deal_history(new, old, at=JAN, explicit=True) == (None, None)
    assert derive_deal_history(old, old, at=JAN, explicit=False) == (None, None)


def test_replaying_an_older_open_ended_row_after_it_was_closed_is_a_no_op() -> None:
    # stored: M from JAN until MAR (closed by a later change), then N from MAR
    stored = [
        Stored(1, line("M", valid_from=JAN, valid_to=MAR)),
        Stored(2, line("N", valid_from=MAR)),
    ]
    plan = plan_intervals(stored, [line("M", valid_from=JAN)], at=APR)
    assert (plan.inserts, plan.closes, plan.problems, plan.unchanged) == ([], [], [], 1)
    # the same start with other fields is still a back-dated change
    plan = plan_intervals(stored, [line("X", valid_from=JAN)], at=APR)
    assert plan.problems
    assert "back-dated" in plan.problems[0].message
