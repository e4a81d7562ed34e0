"""``interval_key`` looks a row's key function up by its exact class (``_KEY_OF``)
before the ``isinstance`` tests (pydantic's classes answer ``isinstance`` in Python:
the tests were half of planning a bulk load's intervals, docs/benchmarks.md). A
subclass takes the plain way; both give the same keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graphcrm.domain import (
    AccountId,
    ContactId,
    ContactStatus,
    DealId,
    DealRole,
    Influence,
    InfluenceKind,
    LineKind,
    ReportsTo,
    Role,
    Temporal,
    TerritorySpan,
)
from graphcrm.store.intervals import _KEY_OF, ContactStatusSpan, interval_key

T0 = datetime(2025, 1, 1, tzinfo=UTC)
C1, C2 = ContactId("C-1"), ContactId("C-2")


class _Line(ReportsTo):
    pass


class _Influence(Influence):
    pass


class _Role(DealRole):
    pass


class _Status(ContactStatusSpan):
    pass


class _Territory(TerritorySpan):
    pass


ROWS: list[tuple[Temporal, type[Temporal], tuple[str, ...]]] = [
    (ReportsTo(contact_id=C1, manager_id=C2), _Line, ("solid", "C-1")),
    (
        ReportsTo(contact_id=C1, manager_id=C2, kind=LineKind.DOTTED),
        _Line,
        ("dotted", "C-1", "C-2"),
    ),
    (
        Influence(influencer_id=C1, influenced_id=C2, kind=InfluenceKind.TRUSTS, strength=0.5),
        _Influence,
        ("C-1", "C-2", "trusts"),
    ),
    (
        DealRole(deal_id=DealId("D-1"), contact_id=C1, roles=frozenset({Role.CHAMPION})),
        _Role,
        ("D-1", "C-1"),
    ),
    (
        ContactStatusSpan(contact_id=C1, status=ContactStatus.ACTIVE, valid_from=T0),
        _Status,
        ("C-1",),
    ),
    (TerritorySpan(account_id=AccountId("A-1"), territory="Ege"), _Territory, ("territory", "A-1")),
]


def test_every_time_stamped_class_has_its_key_function() -> None:
    assert set(_KEY_OF) == {type(row) for row, _, _ in ROWS}


@pytest.mark.parametrize(("row", "subclass", "key"), ROWS)
def test_the_looked_up_key_is_the_isinstance_key(
    row: Temporal, subclass: type[Temporal], key: tuple[str, ...]
) -> None:
    plain = subclass.model_validate(row.model_dump())
    assert type(plain) not in _KEY_OF
    assert interval_key(row) == interval_key(plain) == key
