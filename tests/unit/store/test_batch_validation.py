"""Batch validation against an in-memory fake of the StoreLookup."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    DealId,
    DealRole,
    EntityKind,
    Influence,
    ReportsTo,
    Role,
    TerritorySpan,
)
from graphcrm.errors import InvalidError
from graphcrm.store.intervals import ContactStatusSpan, Stored
from graphcrm.store.validation import problems_from_validation_error, validate

JAN, FEB, MAR = (datetime(2025, m, 1, tzinfo=UTC) for m in (1, 2, 3))


class FakeLookup:
    """A stored world held in lists; counts calls to check batching."""

    def __init__(
        self,
        *,
        ids: dict[EntityKind, set[str]] | None = None,
        parents: dict[str, str | None] | None = None,
        lines: list[ReportsTo] | None = None,
        roles: list[DealRole] | None = None,
    ) -> None:
        self.ids = ids or {}
        self.parents = parents or {}
        self.lines = [Stored(i, r) for i, r in enumerate(lines or [])]
        self.roles = [Stored(i, r) for i, r in enumerate(roles or [])]
        self.calls: list[str] = []

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        self.calls.append(f"ids:{kind.value}")
        return set(ids) & self.ids.get(kind, set())

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        self.calls.append("parents")
        return {i: self.parents[i] for i in ids if i in self.parents}

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        self.calls.append("lines")
        return [s for s in self.lines if s.row.contact_id in contact_ids]

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        return []

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        return [s for s in self.roles if s.row.deal_id in deal_ids]

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        return []

    def account_territories(self, account_ids: Collection[str]) -> list[Stored[TerritorySpan]]:
        return []


def contacts(n: int) -> set[str]:
    return {f"C-{i}" for i in range(n)}


def test_valid_batch_returns_the_plan() -> None:
    lookup = FakeLookup(ids={EntityKind.ACCOUNT: {"A"}})
    plan = validate(
        ChangeSet(contacts=(Contact(id=ContactId("C-1"), account_id=AccountId("A"), name="Ayşe"),)),
        lookup,
        at=JAN,
    )
    assert [s.contact_id for s in plan.statuses.inserts] == ["C-1"]


def test_problems_are_all_collected() -> None:
    cs = ChangeSet(
        accounts=(Account(id=AccountId("A"), name="X", parent_id=AccountId("P")),),
        contacts=(Contact(id=ContactId("C-1"), account_id=AccountId("Q"), name="Ayşe"),),
    )
    with pytest.raises(InvalidError) as info:
        validate(cs, FakeLookup(), at=JAN)
    assert {(p.where, p.field) for p in info.value.problems} == {
        ("accounts[A]", "parent_id"),
        ("contacts[C-1]", "account_id"),
    }


def test_cycle_search_is_batched_per_level() -> None:
    # a stored chain C-1 -> C-0, C-2 -> C-1, ..., C-499 -> C-498; new line C-0 -> C-499
    chain = [
        ReportsTo(
            contact_id=ContactId(f"C-{i}"), manager_id=ContactId(f"C-{i - 1}"), valid_from=JAN
        )
        for i in range(1, 500)
    ]
    lookup = FakeLookup(ids={EntityKind.CONTACT: contacts(500)}, lines=chain)
    new = ReportsTo(contact_id=ContactId("C-0"), manager_id=ContactId("C-499"), valid_from=FEB)
    with pytest.raises(InvalidError, match="reporting cycle C-0 -> C-499 -> C-498"):
        validate(ChangeSet(reports_to=(new,)), lookup, at=FEB)
    # 500 new edges in a tree over stored contacts: one query per level, not per edge
    tree = tuple(
        ReportsTo(contact_id=ContactId(f"N-{i}"), manager_id=ContactId(f"N-{(i - 1) // 2}"))
        for i in range(1, 500)
    )
    tree_lookup = FakeLookup(ids={EntityKind.CONTACT: {f"N-{i}" for i in range(500)}})
    validate(ChangeSet(reports_to=tree), tree_lookup, at=FEB)
    assert 1 < tree_lookup.calls.count("lines") <= 11  # planning + one per tree level


def test_cycle_with_a_closed_stored_line_only_overlapping_the_past() -> None:
    stored = [
        ReportsTo(
            contact_id=ContactId("B"), manager_id=ContactId("A"), valid_from=JAN, valid_to=FEB
        )
    ]
    lookup = FakeLookup(ids={EntityKind.CONTACT: {"A", "B"}}, lines=stored)
    later = ReportsTo(contact_id=ContactId("A"), manager_id=ContactId("B"), valid_from=FEB)
    validate(ChangeSet(reports_to=(later,)), lookup, at=MAR)
    earlier = ReportsTo(
        contact_id=ContactId("A"), manager_id=ContactId("B"), valid_from=JAN, valid_to=MAR
    )
    with pytest.raises(InvalidError, match="during"):
        validate(ChangeSet(reports_to=(earlier,)), lookup, at=MAR)


def test_account_cycle_through_stored_parents() -> None:
    lookup = FakeLookup(
        ids={EntityKind.ACCOUNT: {"A", "B", "C"}}, parents={"B": "C", "C": "A", "A": None}
    )
    with pytest.raises(InvalidError, match="A -> B -> C -> A"):
        validate(
            ChangeSet(accounts=(Account(id=AccountId("A"), name="X", parent_id=AccountId("B")),)),
            lookup,
            at=JAN,
        )


def test_primary_overlap_against_stored() -> None:
    role = frozenset({Role.CHAMPION})
    stored = [
        DealRole(
            deal_id=DealId("D"),
            contact_id=ContactId("X"),
            roles=role,
            is_primary=True,
            valid_from=JAN,
            valid_to=MAR,
        )
    ]
    lookup = FakeLookup(ids={EntityKind.DEAL: {"D"}, EntityKind.CONTACT: {"X", "Y"}}, roles=stored)
    after = DealRole(
        deal_id=DealId("D"), contact_id=ContactId("Y"), roles=role, is_primary=True, valid_from=MAR
    )
    validate(ChangeSet(deal_roles=(after,)), lookup, at=MAR)
    during = DealRole(
        deal_id=DealId("D"), contact_id=ContactId("Y"), roles=role, is_primary=True, valid_from=FEB
    )
    with pytest.raises(InvalidError, match="primary contact 'X'"):
        validate(ChangeSet(deal_roles=(during,)), lookup, at=MAR)


def test_pydantic_errors_become_problems() -> None:
    with pytest.raises(ValidationError) as info:
        ReportsTo(contact_id=ContactId("C"), manager_id=ContactId("C"))
    [problem] = problems_from_validation_error(info.value, collection="reports_to", index=3)
    assert (problem.where, problem.field) == ("reports_to[3]", "")
    assert "themselves" in problem.message
