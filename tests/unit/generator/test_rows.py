"""Rows built without validation are exactly what validation would build."""

from __future__ import annotations

from collections.abc import Collection, Hashable
from datetime import datetime
from itertools import count
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel, ConfigDict, Field

from graphcrm.domain import (
    ChangeSet,
    ContactId,
    DealRole,
    EntityKind,
    Influence,
    Model,
    ReportsTo,
    Temporal,
    TerritorySpan,
)
from graphcrm.domain.construct import check_constructible, construct
from graphcrm.generator import GeneratorConfig, demo_portfolio, generate_portfolio
from graphcrm.store.intervals import ContactStatusSpan, IntervalPlan, Stored
from graphcrm.store.validation import status_spans, validate

from .conftest import Portfolio

T = TypeVar("T", bound=Temporal)

KINDS = list(ChangeSet.model_fields)


def _every_kind(batches: list[ChangeSet]) -> dict[str, list[Model]]:
    rows: dict[str, list[Model]] = {name: [] for name in KINDS}
    for b in batches:
        for name in KINDS:
            rows[name].extend(getattr(b, name))
    return rows


@pytest.fixture(scope="module")
def small() -> list[ChangeSet]:
    return list(generate_portfolio(GeneratorConfig(accounts=30, seed=7, chunk_accounts=10)))


def test_a_sample_of_every_kind_revalidates_to_the_same_row(small: list[ChangeSet]) -> None:
    rows = _every_kind(small)
    for name, items in rows.items():
        assert items, f"the sample has no {name}"
        for row in items:
            again = type(row).model_validate(row.model_dump())
            assert again == row, f"{name}: {row!r}"
            json_again = type(row).model_validate_json(row.model_dump_json())
            assert json_again == row, f"{name}: {row!r}"


def test_whole_batches_revalidate(small: list[ChangeSet]) -> None:
    for batch in small:
        assert ChangeSet.model_validate(batch.model_dump()) == batch


def test_construct_is_model_construct_with_every_field(small: list[ChangeSet]) -> None:
    for name, items in _every_kind(small).items():
        for row in items[:50]:
            reference = type(row).model_construct(**row.__dict__)
            assert reference == row, name
            assert reference.model_fields_set == row.model_fields_set, name
            assert reference.__pydantic_extra__ == row.__pydantic_extra__ is None
            assert reference.__pydantic_private__ == row.__pydantic_private__ is None


def test_construct_refuses_models_it_would_build_differently() -> None:
    class Aliased(BaseModel):
        model_config = ConfigDict(frozen=True)
        x: int = Field(alias="X")

    class Open(BaseModel):
        model_config = ConfigDict(extra="allow")
        x: int = 0

    for cls in (Aliased, Open):
        with pytest.raises(TypeError):
            check_constructible(cls)  # type: ignore[arg-type]
    a, b = ContactId("a"), ContactId("b")
    values = {"valid_from": None, "valid_to": None, "contact_id": a, "manager_id": b}
    row = construct(ReportsTo, {**values, "kind": ReportsTo.model_fields["kind"].default})
    assert row == ReportsTo(contact_id=a, manager_id=b)


# --- the store's own batch validation, against an in-memory store ---------------


class MemoryLookup:
    """What a store would hold after applying the earlier batches (the StoreLookup port)."""

    def __init__(self) -> None:
        self.ids: dict[EntityKind, set[str]] = {k: set() for k in EntityKind}
        self.parents: dict[str, str | None] = {}
        self.lines: dict[Hashable, ReportsTo] = {}
        self.edges: dict[Hashable, Influence] = {}
        self.roles: dict[Hashable, DealRole] = {}
        self.statuses: dict[Hashable, ContactStatusSpan] = {}
        self._refs = count()

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        return self.ids[kind] & set(ids)

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        return {i: self.parents[i] for i in ids if i in self.parents}

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        wanted = set(contact_ids)
        return [Stored(k, r) for k, r in self.lines.items() if r.contact_id in wanted]

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        wanted = set(influencer_ids)
        return [Stored(k, r) for k, r in self.edges.items() if r.influencer_id in wanted]

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        wanted = set(deal_ids)
        return [Stored(k, r) for k, r in self.roles.items() if r.deal_id in wanted]

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        wanted = set(contact_ids)
        return [Stored(k, r) for k, r in self.statuses.items() if r.contact_id in wanted]

    def account_territories(self, account_ids: Collection[str]) -> list[Stored[TerritorySpan]]:
        return []  # the generator never moves an account: nothing to close

    def _store(self, table: dict[Hashable, T], plan: IntervalPlan[T]) -> None:
        for close in plan.closes:
            table[close.ref] = close.after
        for row in plan.inserts:
            table[next(self._refs)] = row

    def apply(self, batch: ChangeSet) -> None:
        plan = validate(batch, self, at=GeneratorConfig(accounts=1).now)
        for kind, name in (
            (EntityKind.ACCOUNT, "accounts"),
            (EntityKind.CONTACT, "contacts"),
            (EntityKind.REP, "reps"),
            (EntityKind.DEAL, "deals"),
        ):
            self.ids[kind] |= {r.id for r in getattr(batch, name)}
        self.parents.update((a.id, a.parent_id) for a in batch.accounts)
        self._store(self.lines, plan.reports_to)
        self._store(self.edges, plan.influences)
        self._store(self.roles, plan.deal_roles)
        self._store(self.statuses, plan.statuses)


@pytest.mark.parametrize(
    "batches",
    [
        pytest.param(lambda: demo_portfolio(3), id="demo"),
        pytest.param(
            lambda: generate_portfolio(GeneratorConfig(accounts=40, seed=11, chunk_accounts=15)),
            id="portfolio",
        ),
    ],
)
def test_every_batch_passes_the_store_validation_in_order(batches: Any) -> None:
    store = MemoryLookup()
    applied = 0
    for batch in batches():
        store.apply(batch)
        applied += 1
    assert applied >= 3
    assert store.statuses, "contact statuses were planned"


def _ends_by(valid_to: datetime | None, gone: datetime) -> None:
    assert valid_to is not None
    assert valid_to <= gone


def test_departures_close_every_interval_of_the_people_who_left(sample: Portfolio) -> None:
    assert sample.left_at, "somebody leaves"
    for line in sample.reports_to:
        for who in (line.contact_id, line.manager_id):
            gone = sample.left_at.get(who)
            if gone is not None:
                _ends_by(line.valid_to, gone)
    for edge in sample.influences:
        for who in (edge.influencer_id, edge.influenced_id):
            gone = sample.left_at.get(who)
            if gone is not None:
                _ends_by(edge.valid_to, gone)
    for roles in sample.roles.values():
        for r in roles:
            gone = sample.left_at.get(r.contact_id)
            if gone is not None:
                _ends_by(r.valid_to, gone)


def test_status_spans_of_departures_start_after_the_hire(sample: Portfolio) -> None:
    for batch in sample.batches:
        if batch.accounts:
            continue
        for span, contact in zip(status_spans(batch), batch.contacts, strict=True):
            hired = sample.contacts[contact.id].status_from
            assert hired is not None
            assert span.valid_from is not None
            assert span.valid_from > hired
