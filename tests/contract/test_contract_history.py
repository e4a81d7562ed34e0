"""Contract: an object's full history is rebuilt from the change log and the stored row.

A creation's entry keeps who, when, what kind, which key and the operation, but
no copy of the row (docs/data-model.md, "The change log"): the version it wrote
is the ``before`` of the next update (or close, for an interval) of that key,
or the stored row when there is none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeLogEntry,
    ChangeOp,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    EntityKind,
    Model,
    PageRequest,
    Role,
)
from graphcrm.store import GraphStore
from graphcrm.store.codec import log_json

JAN, FEB, MAR = (datetime(2025, m, 1, tzinfo=UTC) for m in (1, 2, 3))
ALL = PageRequest(limit=1000)
A1, C1, D1 = AccountId("A-1"), ContactId("C-1"), DealId("D-1")


def image(row: Model) -> dict[str, Any]:
    """A row as the change log's payloads hold it."""
    out: dict[str, Any] = json.loads(log_json(row))
    return out


def rebuild(entries: Sequence[ChangeLogEntry], stored: dict[str, Any]) -> list[dict[str, Any]]:
    """Every version of one key, oldest first, from its entries and the stored row.

    A creation's version is the ``before`` of the next entry that replaces it (an
    update or a close), or ``stored`` when nothing replaced it; an update's is its
    ``after``; a close ends the version it replaced (no new version of its own).
    """
    versions: list[dict[str, Any] | None] = []
    for e in entries:
        if e.op is ChangeOp.CREATE:
            assert (e.before, e.after) == (None, None)  # no copy of the created row
            versions.append(None)
            continue
        assert e.before is not None
        assert e.after is not None
        if versions and versions[-1] is None:
            versions[-1] = e.before  # the created row, as the first replacement saw it
        assert versions[-1] == e.before
        if e.op is ChangeOp.UPDATE:
            versions.append(e.after)
        else:
            versions[-1] = e.after  # a close: the interval with its end
    if versions and versions[-1] is None:
        versions[-1] = stored
    assert all(v is not None for v in versions)
    return [v for v in versions if v is not None]


def _seed(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(Account(id=A1, name="Işık Tekstil"),),
            contacts=(Contact(id=C1, account_id=A1, name="Ayşe Yılmaz", title="CFO"),),
            deals=(Deal(id=D1, account_id=A1, name="ERP"),),
            deal_roles=(DealRole(deal_id=D1, contact_id=C1, roles=frozenset({Role.CHAMPION})),),
        ),
        actor="ayşe",
        at=JAN,
    )


def test_a_contact_created_and_updated_twice_is_rebuilt_from_the_log(store: GraphStore) -> None:
    _seed(store)
    v0 = Contact(id=C1, account_id=A1, name="Ayşe Yılmaz", title="CFO")
    v1 = v0.model_copy(update={"name": "Ayşe Yılmaz-Kaya"})
    v2 = v1.model_copy(update={"title": "CEO", "email": "ayse@işık.example"})
    store.apply(ChangeSet(contacts=(v1,)), actor="şule", at=FEB)
    store.apply(ChangeSet(contacts=(v2,)), actor="ığdır", at=MAR)

    entries = store.change_log(ALL, entity=EntityKind.CONTACT, key=C1).items
    assert [(e.op, e.actor, e.at) for e in entries] == [
        (ChangeOp.CREATE, "ayşe", JAN),
        (ChangeOp.UPDATE, "şule", FEB),
        (ChangeOp.UPDATE, "ığdır", MAR),
    ]
    stored = store.get_contact(C1)
    assert stored.email == "ayse@işık.example"
    assert rebuild(entries, image(stored)) == [image(v0), image(v1), image(v2)]


def test_a_contact_never_updated_is_its_stored_row(store: GraphStore) -> None:
    _seed(store)
    [entry] = store.change_log(ALL, entity=EntityKind.CONTACT, key=C1).items
    stored = store.get_contact(C1)
    assert rebuild([entry], image(stored)) == [
        image(Contact(id=C1, account_id=A1, name="Ayşe Yılmaz", title="CFO"))
    ]


def test_an_interval_changed_twice_is_rebuilt_from_the_log(store: GraphStore) -> None:
    _seed(store)
    for at, stance in ((FEB, 1), (MAR, 2)):
        role = DealRole(deal_id=D1, contact_id=C1, roles=frozenset({Role.CHAMPION}), stance=stance)
        store.apply(ChangeSet(deal_roles=(role,)), actor="t", at=at)

    entries = store.change_log(ALL, entity=EntityKind.DEAL_ROLE, key="D-1 / C-1").items
    assert [e.op for e in entries] == [ChangeOp.CREATE, ChangeOp.CLOSE] * 2 + [ChangeOp.CREATE]
    [open_role] = store.stakeholder_graph(A1).deal_roles
    versions = rebuild(entries, image(open_role))
    assert [(v["stance"], v["valid_from"], v["valid_to"]) for v in versions] == [
        (0, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"),
        (1, "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z"),
        (2, "2025-03-01T00:00:00Z", None),
    ]
    assert {tuple(v["roles"]) for v in versions} == {("champion",)}
