"""API keys, the watermark and the write lock in every store (graphcrm/store/port.py,
"API keys and coordination")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from graphcrm.domain import Account, AccountId, ChangeSet, Contact, ContactId, PageRequest
from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.errors import ConflictError, InvalidError, NotFoundError
from graphcrm.store import GraphStore
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.sqlite import SqliteStore
from tests.contract.conftest import Snapshot

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
HASH = "ab" * 32


def key(key_id: str = "0123456789ab", **changes: object) -> KeyRecord:
    values: dict[str, object] = {
        "id": key_id,
        "name": "İzmir entegrasyonu — ığüşöç",
        "secret_hash": HASH,
        "scopes": ("read", "write"),
        "territories": ("Ege", "İç Anadolu"),
        "created_at": T0,
        **changes,
    }
    return KeyRecord.model_validate(values)


def twin(store: GraphStore) -> GraphStore:
    """A second handle on the same database: another process, as far as locks go."""
    if isinstance(store, SqliteStore):
        return SqliteStore.open(store.path)
    assert isinstance(store, Neo4jStore)
    return Neo4jStore.open(store.url)


def one_account(name: str = "Ankara A.Ş.") -> ChangeSet:
    return ChangeSet(
        accounts=(Account(id=AccountId("A-1"), name=name, country="TR"),),
        contacts=(Contact(id=ContactId("C-1"), account_id=AccountId("A-1"), name="Ayşe"),),
    )


def test_a_key_reads_back_as_stored(store: GraphStore) -> None:
    store.put_key(key())
    store.put_key(key("0123456789ac", created_at=T0 - timedelta(days=1), scopes=("admin",)))
    assert store.get_key("0123456789ab") == key()
    assert [k.id for k in store.list_keys()] == ["0123456789ac", "0123456789ab"]
    assert store.list_keys()[1] == key()


def test_a_taken_key_id_is_a_conflict_and_changes_nothing(store: GraphStore) -> None:
    store.put_key(key())
    before = store.watermark()
    with pytest.raises(ConflictError):
        store.put_key(key(name="another"))
    assert store.get_key("0123456789ab").name == key().name
    assert store.watermark() == before


def test_revoking_stamps_once(store: GraphStore) -> None:
    store.put_key(key())
    first = store.revoke_key("0123456789ab", at=T0 + timedelta(hours=1))
    assert first == key(revoked_at=T0 + timedelta(hours=1))
    again = store.revoke_key("0123456789ab", at=T0 + timedelta(hours=2))
    assert again == first
    assert store.get_key("0123456789ab") == first


def test_unknown_keys_are_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_key("0123456789ab")
    with pytest.raises(NotFoundError):
        store.revoke_key("0123456789ab", at=T0)
    assert store.list_keys() == ()


def test_a_naive_revocation_time_is_refused(store: GraphStore) -> None:
    store.put_key(key())
    with pytest.raises(InvalidError):
        store.revoke_key("0123456789ab", at=datetime(2026, 3, 1))
    assert store.get_key("0123456789ab").revoked_at is None


def test_the_watermark_counts_key_writes_and_follows_the_change_log(
    store: GraphStore, snap: Callable[[GraphStore], Snapshot]
) -> None:
    assert store.watermark() == Watermark(changes=0, keys=0)
    store.put_key(key())
    assert store.watermark() == Watermark(changes=0, keys=1)
    store.revoke_key("0123456789ab", at=T0)
    store.revoke_key("0123456789ab", at=T0)  # already revoked: no write
    assert store.watermark() == Watermark(changes=0, keys=2)
    stats, log = snap(store)
    assert log == ()  # keys are not in the change log ...
    assert sum(stats.counts.values()) == 0  # ... nor in the stats
    store.apply(one_account(), actor="t", at=T0)
    entries = store.change_log(PageRequest(limit=100)).items
    assert store.watermark() == Watermark(changes=entries[-1].seq, keys=2)
    other = twin(store)
    try:
        other.apply(one_account("Ankara Holding"), actor="t", at=T0)
        other.put_key(key("0123456789ac"))
    finally:
        other.close()
    last = store.change_log(PageRequest(limit=100)).items[-1].seq
    assert store.watermark() == Watermark(changes=last, keys=3)  # another handle's writes


def test_writes_inside_exclusive_commit_at_its_end_or_not_at_all(store: GraphStore) -> None:
    with store.exclusive():
        store.apply(one_account(), actor="t", at=T0)
        store.put_key(key())
    assert store.get_account(AccountId("A-1")).name == "Ankara A.Ş."
    assert store.get_key("0123456789ab") == key()
    before = store.watermark()

    def change_then_fail() -> None:
        with store.exclusive():
            store.apply(one_account("Ankara Holding"), actor="t", at=T0)
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        change_then_fail()
    assert store.get_account(AccountId("A-1")).name == "Ankara A.Ş."
    assert store.watermark() == before


def test_a_failed_write_inside_exclusive_leaves_the_block_usable(store: GraphStore) -> None:
    bad = ChangeSet(
        contacts=(Contact(id=ContactId("C-9"), account_id=AccountId("NOPE"), name="x"),)
    )
    with store.exclusive():
        with pytest.raises(InvalidError):
            store.apply(bad, actor="t", at=T0)
        store.apply(one_account(), actor="t", at=T0)
    assert store.get_account(AccountId("A-1")).name == "Ankara A.Ş."
    with pytest.raises(NotFoundError):
        store.get_contact(ContactId("C-9"))


def test_exclusive_holds_off_another_handle_until_the_block_ends(store: GraphStore) -> None:
    store.apply(one_account(), actor="t", at=T0)
    other = twin(store)
    order: list[str] = []
    entered = threading.Event()

    def second() -> None:
        entered.wait(10)
        with other.exclusive():
            order.append("second in")
            order.append(other.get_account(AccountId("A-1")).name)

    t = threading.Thread(target=second)
    try:
        t.start()
        with store.exclusive():
            entered.set()
            time.sleep(0.5)
            order.append("first writes")
            store.apply(one_account("Ankara Holding"), actor="t", at=T0)
        t.join(30)
    finally:
        other.close()
    assert order == ["first writes", "second in", "Ankara Holding"]


def test_read_merge_write_under_exclusive_loses_nothing(store: GraphStore) -> None:
    """Two handles, each changing one field of one contact by reading it, merging its
    field and writing the whole contact back, inside exclusive: every write stays."""
    store.apply(one_account(), actor="t", at=T0)
    other = twin(store)
    rounds = 10

    def editor(s: GraphStore, field: str) -> None:
        for r in range(rounds):
            with s.exclusive():
                current = s.get_contact(ContactId("C-1"))
                s.apply(
                    ChangeSet(contacts=(current.model_copy(update={field: f"{field} {r}"}),)),
                    actor=field,
                )

    threads = [
        threading.Thread(target=editor, args=(store, "title")),
        threading.Thread(target=editor, args=(other, "department")),
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        other.close()
    final = store.get_contact(ContactId("C-1"))
    assert (final.title, final.department) == (f"title {rounds - 1}", f"department {rounds - 1}")
