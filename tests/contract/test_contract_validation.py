"""Contract: a bad batch is refused whole, every problem is named, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

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
    LineKind,
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
from graphcrm.errors import InvalidError, Problem
from graphcrm.store import GraphStore

Snap = Callable[[GraphStore], object]


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


JAN, FEB, MAR = utc(2025, 1, 1), utc(2025, 2, 1), utc(2025, 3, 1)
ALL = PageRequest(limit=1000)
ROLE = frozenset({Role.DECISION_MAKER})


def people(*ids: str) -> tuple[Contact, ...]:
    return tuple(
        Contact(id=ContactId(i), account_id=AccountId("A-1"), name=f"Kişi {i}") for i in ids
    )


@pytest.fixture
def seeded(store: GraphStore) -> GraphStore:
    store.apply(
        ChangeSet(
            accounts=(
                Account(id=AccountId("A-1"), name="Yıldız Holding"),
                Account(id=AccountId("A-2"), name="Yıldız Lojistik", parent_id=AccountId("A-1")),
            ),
            reps=(Rep(id=RepId("R-1"), name="Zeynep Kaya"),),
            contacts=people("C-A", "C-B", "C-C", "C-D"),
            deals=(Deal(id=DealId("D-1"), account_id=AccountId("A-1"), name="ERP"),),
            reports_to=(
                ReportsTo(contact_id=ContactId("C-B"), manager_id=ContactId("C-A"), valid_from=JAN),
            ),
            deal_roles=(
                DealRole(
                    deal_id=DealId("D-1"),
                    contact_id=ContactId("C-A"),
                    roles=ROLE,
                    is_primary=True,
                    valid_from=JAN,
                ),
            ),
        ),
        actor="seed",
        at=JAN,
    )
    return store


def refused(store: GraphStore, snap: Snap, changes: ChangeSet, at: datetime = FEB) -> list[Problem]:
    """Apply ``changes``, expect InvalidError, check nothing changed; return the problems."""
    before = snap(store)
    org_chart = store.stakeholder_graph(AccountId("A-1"))
    with pytest.raises(InvalidError) as info:
        store.apply(changes, actor="bad", at=at)
    assert snap(store) == before
    assert store.stakeholder_graph(AccountId("A-1")) == org_chart
    return info.value.problems


def where_fields(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.where, p.field) for p in problems}


def test_duplicate_keys_in_one_batch(seeded: GraphStore, snap: Snap) -> None:
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            contacts=people("C-X", "C-X"),
            reports_to=(
                ReportsTo(contact_id=ContactId("C-C"), manager_id=ContactId("C-A")),
                ReportsTo(contact_id=ContactId("C-C"), manager_id=ContactId("C-B")),
            ),
            rep_knows=(
                RepKnows(rep_id=RepId("R-1"), contact_id=ContactId("C-A"), strength=0.1),
                RepKnows(rep_id=RepId("R-1"), contact_id=ContactId("C-A"), strength=0.2),
            ),
            stage_changes=(
                StageChange(
                    deal_id=DealId("D-1"), at=FEB, from_stage=None, to_stage=Stage.PROPOSAL
                ),
                StageChange(deal_id=DealId("D-1"), at=FEB, from_stage=None, to_stage=Stage.CLOSING),
            ),
        ),
    )
    assert {"contacts[C-X]", "reports_to[C-C -> C-B]", "rep_knows[R-1 -> C-A]"} <= {
        p.where for p in problems
    }
    assert any(p.where.startswith("stage_changes[D-1 @") for p in problems)
    assert all("duplicate" in p.message for p in problems)


def test_unknown_references_are_each_named(seeded: GraphStore, snap: Snap) -> None:
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            accounts=(
                Account(
                    id=AccountId("A-3"),
                    name="Yeni",
                    parent_id=AccountId("A-404"),
                    owner_id=RepId("R-404"),
                ),
            ),
            contacts=(
                Contact(id=ContactId("C-N"), account_id=AccountId("A-404"), name="Yeni Kişi"),
            ),
            reports_to=(ReportsTo(contact_id=ContactId("C-N"), manager_id=ContactId("C-404")),),
            influences=(
                Influence(
                    influencer_id=ContactId("C-404"),
                    influenced_id=ContactId("C-A"),
                    kind=InfluenceKind.TRUSTS,
                    strength=0.5,
                ),
            ),
            rep_knows=(RepKnows(rep_id=RepId("R-404"), contact_id=ContactId("C-A"), strength=0.5),),
            deals=(
                Deal(
                    id=DealId("D-2"),
                    account_id=AccountId("A-404"),
                    name="X",
                    owner_id=RepId("R-404"),
                ),
            ),
            stage_changes=(
                StageChange(
                    deal_id=DealId("D-404"), at=FEB, from_stage=None, to_stage=Stage.PROPOSAL
                ),
            ),
            deal_roles=(
                DealRole(deal_id=DealId("D-404"), contact_id=ContactId("C-404"), roles=ROLE),
            ),
            touchpoints=(
                Touchpoint(
                    id=TouchpointId("T-1"),
                    account_id=AccountId("A-404"),
                    kind=TouchpointKind.EMAIL,
                    direction=Direction.OUTBOUND,
                    at=FEB,
                    contact_ids=(ContactId("C-A"), ContactId("C-404")),
                    rep_ids=(RepId("R-404"),),
                    deal_id=DealId("D-404"),
                ),
            ),
        ),
    )
    assert where_fields(problems) >= {
        ("accounts[A-3]", "parent_id"),
        ("accounts[A-3]", "owner_id"),
        ("contacts[C-N]", "account_id"),
        ("reports_to[C-N -> C-404]", "manager_id"),
        ("influences[C-404 -> C-A (trusts)]", "influencer_id"),
        ("rep_knows[R-404 -> C-A]", "rep_id"),
        ("deals[D-2]", "account_id"),
        ("deals[D-2]", "owner_id"),
        ("deal_roles[D-404 / C-404]", "deal_id"),
        ("deal_roles[D-404 / C-404]", "contact_id"),
        ("touchpoints[T-1]", "account_id"),
        ("touchpoints[T-1]", "contact_ids"),
        ("touchpoints[T-1]", "rep_ids"),
        ("touchpoints[T-1]", "deal_id"),
    }
    assert any(p.where.startswith("stage_changes[D-404") for p in problems)
    assert all("404" in p.message for p in problems)


def test_reference_to_a_row_in_the_same_batch_is_fine(seeded: GraphStore) -> None:
    result = seeded.apply(
        ChangeSet(
            contacts=(Contact(id=ContactId("C-N"), account_id=AccountId("A-3"), name="Yeni"),),
            accounts=(Account(id=AccountId("A-3"), name="Yeni", parent_id=AccountId("A-2")),),
            reports_to=(ReportsTo(contact_id=ContactId("C-N"), manager_id=ContactId("C-A")),),
        ),
        actor="t",
        at=FEB,
    )
    assert result.changed


def test_reporting_cycle_now(seeded: GraphStore, snap: Snap) -> None:
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            reports_to=(
                ReportsTo(contact_id=ContactId("C-C"), manager_id=ContactId("C-B")),
                ReportsTo(contact_id=ContactId("C-A"), manager_id=ContactId("C-C")),
            )
        ),
    )
    assert ("reports_to[C-A -> C-C]", "manager_id") in where_fields(problems)
    assert any("C-A -> C-C -> C-B -> C-A" in p.message for p in problems)


def test_reporting_cycle_only_in_the_past_is_found(seeded: GraphStore, snap: Snap) -> None:
    # Stored: B -> A since January. A -> B during January overlaps it: a cycle then.
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            reports_to=(
                ReportsTo(
                    contact_id=ContactId("C-A"),
                    manager_id=ContactId("C-B"),
                    valid_from=JAN,
                    valid_to=FEB,
                ),
            )
        ),
        at=MAR,
    )
    assert where_fields(problems) == {("reports_to[C-A -> C-B]", "manager_id")}
    assert "2025-01-01" in problems[0].message


def test_reversed_lines_at_different_times_are_not_a_cycle(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(Account(id=AccountId("A-1"), name="X"),), contacts=people("C-A", "C-B")
        ),
        actor="t",
        at=JAN,
    )
    # A -> B during January, then B -> A from February: never both at once.
    store.apply(
        ChangeSet(
            reports_to=(
                ReportsTo(
                    contact_id=ContactId("C-A"),
                    manager_id=ContactId("C-B"),
                    valid_from=JAN,
                    valid_to=FEB,
                ),
                ReportsTo(contact_id=ContactId("C-B"), manager_id=ContactId("C-A"), valid_from=FEB),
            )
        ),
        actor="t",
        at=FEB,
    )
    assert {
        (r.contact_id, r.manager_id) for r in store.stakeholder_graph(AccountId("A-1")).reports_to
    } == {("C-B", "C-A")}
    # but B -> A during January would be a cycle
    with pytest.raises(InvalidError, match="reporting cycle"):
        store.apply(
            ChangeSet(
                reports_to=(
                    ReportsTo(
                        contact_id=ContactId("C-B"),
                        manager_id=ContactId("C-A"),
                        valid_from=JAN,
                        valid_to=utc(2025, 1, 20),
                    ),
                )
            ),
            actor="t",
            at=MAR,
        )


def test_closing_a_line_then_reversing_it_is_fine(seeded: GraphStore) -> None:
    # B -> A is open; making A report to B from March while B moves to D from March is fine.
    result = seeded.apply(
        ChangeSet(
            reports_to=(
                ReportsTo(contact_id=ContactId("C-B"), manager_id=ContactId("C-D"), valid_from=MAR),
                ReportsTo(contact_id=ContactId("C-A"), manager_id=ContactId("C-B"), valid_from=MAR),
            )
        ),
        actor="t",
        at=MAR,
    )
    assert result.changed


def test_dotted_lines_may_form_cycles(seeded: GraphStore) -> None:
    dotted = ReportsTo(
        contact_id=ContactId("C-A"), manager_id=ContactId("C-B"), kind=LineKind.DOTTED
    )
    assert seeded.apply(ChangeSet(reports_to=(dotted,)), actor="t", at=FEB).changed


def test_account_parent_cycle(seeded: GraphStore, snap: Snap) -> None:
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            accounts=(
                Account(id=AccountId("A-1"), name="Yıldız Holding", parent_id=AccountId("A-2")),
            )
        ),
    )
    assert where_fields(problems) == {("accounts[A-1]", "parent_id")}
    assert "A-1 -> A-2 -> A-1" in problems[0].message


def test_two_primary_roles_overlapping(seeded: GraphStore, snap: Snap) -> None:
    second = DealRole(
        deal_id=DealId("D-1"), contact_id=ContactId("C-B"), roles=ROLE, is_primary=True
    )
    problems = refused(seeded, snap, ChangeSet(deal_roles=(second,)))
    assert where_fields(problems) == {("deal_roles[D-1 / C-B]", "is_primary")}
    assert "C-A" in problems[0].message
    both = ChangeSet(
        deal_roles=(
            DealRole(
                deal_id=DealId("D-1"),
                contact_id=ContactId("C-C"),
                roles=ROLE,
                is_primary=True,
                valid_from=JAN,
            ),
            DealRole(
                deal_id=DealId("D-1"),
                contact_id=ContactId("C-D"),
                roles=ROLE,
                is_primary=True,
                valid_from=JAN,
            ),
        )
    )
    assert len(refused(seeded, snap, both)) >= 2


def test_primary_handover_in_one_batch_is_fine(seeded: GraphStore) -> None:
    handover = ChangeSet(
        deal_roles=(
            DealRole(
                deal_id=DealId("D-1"),
                contact_id=ContactId("C-A"),
                roles=ROLE,
                is_primary=False,
                valid_from=FEB,
            ),
            DealRole(
                deal_id=DealId("D-1"),
                contact_id=ContactId("C-B"),
                roles=ROLE,
                is_primary=True,
                valid_from=FEB,
            ),
        )
    )
    assert seeded.apply(handover, actor="t", at=FEB).changed


def test_back_dated_change_is_refused(seeded: GraphStore, snap: Snap) -> None:
    seeded.apply(
        ChangeSet(
            reports_to=(
                ReportsTo(contact_id=ContactId("C-C"), manager_id=ContactId("C-A"), valid_from=MAR),
            )
        ),
        actor="t",
        at=MAR,
    )
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            reports_to=(
                ReportsTo(contact_id=ContactId("C-C"), manager_id=ContactId("C-B"), valid_from=FEB),
            )
        ),
        at=MAR,
    )
    assert where_fields(problems) == {("reports_to[C-C -> C-B]", "valid_from")}
    assert "back-dated" in problems[0].message


def test_stage_must_match_the_latest_explicit_change(seeded: GraphStore, snap: Snap) -> None:
    problems = refused(
        seeded,
        snap,
        ChangeSet(
            deals=(
                Deal(
                    id=DealId("D-1"), account_id=AccountId("A-1"), name="ERP", stage=Stage.PROPOSAL
                ),
            ),
            stage_changes=(
                StageChange(
                    deal_id=DealId("D-1"),
                    at=FEB,
                    from_stage=Stage.PROSPECTING,
                    to_stage=Stage.CLOSING,
                ),
            ),
        ),
    )
    assert where_fields(problems) == {("deals[D-1]", "stage")}


def test_naive_times_are_refused(seeded: GraphStore) -> None:
    with pytest.raises(InvalidError):
        seeded.apply(ChangeSet(), actor="t", at=datetime(2025, 1, 1))
    with pytest.raises(InvalidError):
        seeded.get_contact(ContactId("C-A"), as_of=datetime(2025, 1, 1))


@pytest.mark.parametrize(
    "changes",
    [
        ChangeSet(reps=(Rep(id=RepId("C-A"), name="Aynı Kimlik"),)),
        ChangeSet(
            contacts=(Contact(id=ContactId("R-1"), account_id=AccountId("A-1"), name="Aynı"),)
        ),
        ChangeSet(
            reps=(Rep(id=RepId("X-1"), name="Şule"),),
            contacts=(Contact(id=ContactId("X-1"), account_id=AccountId("A-1"), name="Şule"),),
        ),
    ],
    ids=["rep-named-like-a-stored-contact", "contact-named-like-a-stored-rep", "both-in-the-batch"],
)
def test_a_rep_and_a_contact_never_share_an_id(
    seeded: GraphStore, snap: Snap, changes: ChangeSet
) -> None:
    """The stakeholder graph holds reps and contacts as nodes of one graph: a shared id
    would make every later read of the account fail, so the write is refused."""
    problems = refused(seeded, snap, changes)
    row = f"reps[{changes.reps[0].id}]" if changes.reps else f"contacts[{changes.contacts[0].id}]"
    assert where_fields(problems) == {(row, "id")}
    assert "both a rep and a contact" in problems[0].message
