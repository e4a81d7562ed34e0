"""Erasing a person (KVKK, GDPR) and answering a subject-access request, on every store.

After the erasure, every table and column of SQLite, and every node and
relationship property of Neo4j (change-log pages and score sets included), is
searched for the erased values: none remains. Backups taken before the erasure
are out of scope (``docs/operations.md#erasure``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    AccountScoreSet,
    ChangeOp,
    ChangeSet,
    Contact,
    ContactId,
    ContactScoreRecord,
    Deal,
    DealId,
    DealRole,
    Direction,
    EntityKind,
    PageRequest,
    ReportsTo,
    Role,
    Stage,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.domain.text import tr_fold
from graphcrm.errors import NotFoundError
from graphcrm.services.personal import forget, subject_access
from graphcrm.store import GraphStore
from graphcrm.store.erasure import ERASED, anonymous_name
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.sqlite import SqliteStore
from tests.neo4j.support import driver

JAN = datetime(2025, 1, 10, 9, tzinfo=UTC)
FEB = datetime(2025, 2, 10, 9, tzinfo=UTC)
MAR = datetime(2025, 3, 10, 9, tzinfo=UTC)

NAME = "Ayşe Yılmaz-Öztürk"
EMAIL = "ayse.yilmaz@örnek.com.tr"
OLD_PHONE = "+90 532 111 22 33"
PHONE = "+90 532 999 88 77"
LINKEDIN = "https://www.linkedin.com/in/ayşe-yılmaz-ö"
OWN_NOTE = 'Bütçe onayı için İstanbul\'da görüştük; "gizli" not'
ERASED_VALUES = (NAME, EMAIL, OLD_PHONE, PHONE, LINKEDIN, OWN_NOTE)

A1, C1, C2, C3 = AccountId("A-1"), ContactId("C-ayşe"), ContactId("C-2"), ContactId("C-3")


def person(phone: str) -> Contact:
    return Contact(
        id=C1,
        account_id=A1,
        name=NAME,
        title="CFO",
        email=EMAIL,
        phone=phone,
        linkedin_url=LINKEDIN,
    )


def populate(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(Account(id=A1, name="Anadolu Çelik"),),
            contacts=(
                person(OLD_PHONE),
                Contact(id=C2, account_id=A1, name="Mehmet Kaya", title="CEO"),
                Contact(id=C3, account_id=A1, name="Zeynep Şahin", title="CIO"),
            ),
            reports_to=(ReportsTo(contact_id=C1, manager_id=C2),),
            deals=(
                Deal(
                    id=DealId("D-1"),
                    account_id=A1,
                    name="ERP",
                    stage=Stage.CLOSED_LOST,
                    loss_reason=f"lost when {NAME} ({EMAIL}) left",
                ),
            ),
            deal_roles=(
                DealRole(
                    deal_id=DealId("D-1"), contact_id=C1, roles=frozenset({Role.ECONOMIC_BUYER})
                ),
            ),
            touchpoints=(
                Touchpoint(
                    id=TouchpointId("T-own"),
                    account_id=A1,
                    kind=TouchpointKind.MEETING,
                    direction=Direction.OUTBOUND,
                    at=JAN,
                    contact_ids=(C1, C2),
                    summary=OWN_NOTE,
                ),
                Touchpoint(
                    id=TouchpointId("T-other"),
                    account_id=A1,
                    kind=TouchpointKind.CALL,
                    direction=Direction.INBOUND,
                    at=JAN,
                    contact_ids=(C3,),
                    summary=f"Zeynep says {NAME} will sign; call {PHONE}. Alişan agrees.",
                ),
            ),
        ),
        actor="seed",
        at=JAN,
    )
    store.apply(ChangeSet(contacts=(person(PHONE),)), actor="seed", at=FEB)
    store.put_scores(
        [
            AccountScoreSet(
                account_id=A1,
                as_of=FEB,
                scored_at=FEB,
                health=40.0,
                band="fair",
                contacts=(
                    ContactScoreRecord(
                        contact_id=C1,
                        influence=0.5,
                        brokerage=0.0,
                        authority=0.5,
                        engagement=0.25,
                        health=30.0,
                        band="poor",
                        decision_maker=0.5,
                        champion=0.25,
                    ),
                ),
            )
        ]
    )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def every_stored_text(store: GraphStore) -> list[str]:
    """Every text value the store's database holds: every column of every SQLite table,
    every property of every Neo4j node and relationship."""
    out: list[str] = []
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                for row in conn.execute(f'SELECT * FROM "{table}"'):
                    out.extend(v for v in row if isinstance(v, str))
        return out
    assert isinstance(store, Neo4jStore)
    with driver(store.url.server_uri) as d, d.session() as session:
        for record in session.run("MATCH (n) RETURN properties(n) AS p"):
            out.extend(_strings(record["p"]))
        for record in session.run("MATCH ()-[r]->() RETURN properties(r) AS p"):
            out.extend(_strings(record["p"]))
    return out


def found(texts: list[str], value: str) -> list[str]:
    # In JSON payloads a quote is escaped: look for both spellings; and Turkish-folded,
    # so that a name's search column (name_fold) counts too.
    needles = {tr_fold(value), tr_fold(value.replace('"', '\\"'))}
    return [t for t in texts if any(n in tr_fold(t) for n in needles)]


def test_erasure_leaves_no_erased_value_anywhere(store: GraphStore) -> None:
    populate(store)
    before = every_stored_text(store)
    for value in ERASED_VALUES:
        assert found(before, value), value  # the search sees them before

    result = forget(store, C1, actor="dpo@example.com")

    after = every_stored_text(store)
    for value in ERASED_VALUES:
        assert found(after, value) == [], value
    anonymous = anonymous_name(C1)
    assert result.name == anonymous
    assert (result.touchpoints, result.texts) == (1, 2)
    # the graph keeps an anonymous node, with its ties, roles and history
    contact = store.get_contact(C1)
    assert (contact.name, contact.email, contact.phone, contact.linkedin_url) == (
        anonymous,
        None,
        None,
        None,
    )
    assert contact.title == "CFO"
    graph = store.stakeholder_graph(A1)
    assert {(r.contact_id, r.manager_id) for r in graph.reports_to} == {(C1, C2)}
    assert {r.contact_id for r in graph.deal_roles} == {C1}
    assert store.get_scores(A1).contacts[0].contact_id == C1
    touchpoints = {t.id: t for t in store.list_touchpoints(PageRequest(), account_id=A1).items}
    assert touchpoints[TouchpointId("T-own")].summary == ""
    assert touchpoints[TouchpointId("T-other")].summary == (
        f"Zeynep says {ERASED} will sign; call {ERASED}. Alişan agrees."
    )
    assert store.get_deal(DealId("D-1")).deal.loss_reason == f"lost when {ERASED} ({ERASED}) left"
    # the history stays: the contact's entries, with the anonymous name and no values
    log = store.change_log(PageRequest(limit=1000), entity=EntityKind.CONTACT, key=C1).items
    assert [e.op for e in log] == [ChangeOp.CREATE, ChangeOp.UPDATE, ChangeOp.ERASE]
    # a creation's entry holds no copy of the row; the update's two images are scrubbed
    assert (log[0].before, log[0].after) == (None, None)
    assert log[1].before is not None
    assert log[1].after is not None
    assert (log[1].before["name"], log[1].after["name"]) == (anonymous, anonymous)
    assert (log[1].before["email"], log[1].after["phone"]) == (None, None)
    erasure = log[-1]
    assert (erasure.seq, erasure.actor, erasure.before) == (result.seq, "dpo@example.com", None)
    assert erasure.after == {
        "name": anonymous,
        "erased": ["name", "email", "phone", "linkedin_url"],
        "touchpoints": 1,
        "texts": 2,
        "changes": result.changes,
    }
    # the contact's update and both touchpoints (a creation's entry holds no row but a
    # touchpoint's)
    assert result.changes == 3


def test_subject_access_returns_everything_about_the_person(store: GraphStore) -> None:
    populate(store)
    report = subject_access(store, C1)
    assert report.contact.email == EMAIL
    assert [s.status for s in report.statuses] == ["active"]
    assert [(r.contact_id, r.manager_id) for r in report.reports_to] == [(C1, C2)]
    assert [r.deal_id for r in report.deal_roles] == [DealId("D-1")]
    assert [t.id for t in report.touchpoints] == [TouchpointId("T-own")]
    assert [s.scores.contact_id for s in report.scores] == [C1]
    kinds = sorted({(e.entity.value, e.key) for e in report.changes})
    assert kinds == sorted(
        {
            ("contact", C1),
            ("contact_status", C1),
            ("reports_to", f"{C1} -> {C2}"),
            ("deal_role", f"D-1 / {C1}"),
            ("touchpoint", "T-own"),
        }
    )
    # after the erasure the report holds none of the erased values
    forget(store, C1, actor="dpo")
    text = subject_access(store, C1).model_dump_json()
    for value in ERASED_VALUES:
        assert value not in text
        assert value.replace('"', '\\"') not in text


def test_erasing_an_unknown_contact_changes_nothing(store: GraphStore) -> None:
    populate(store)
    before = every_stored_text(store)
    with pytest.raises(NotFoundError):
        forget(store, ContactId("C-nobody"), actor="dpo")
    with pytest.raises(NotFoundError):
        subject_access(store, ContactId("C-nobody"))
    assert every_stored_text(store) == before
