"""The change feed (graphcrm/services/feed.py) on every store: what each entry concerns,
what a territory sees, and paging by sequence number."""

from __future__ import annotations

from datetime import UTC, datetime

from graphcrm.domain import Account, AccountId, ChangeSet, Contact, ContactId, Rep, RepId
from graphcrm.services.feed import visible_changes
from graphcrm.store import GraphStore

T0 = datetime(2026, 2, 1, tzinfo=UTC)


def _seed(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(
                Account(id=AccountId("A"), name="Ankara", territory="İç Anadolu"),
                Account(id=AccountId("B"), name="Bursa", territory="Marmara"),
            ),
            reps=(Rep(id=RepId("R"), name="Işıl", territory="Marmara"),),
            contacts=(Contact(id=ContactId("C"), account_id=AccountId("A"), name="Çağla"),),
        ),
        actor="t",
        at=T0,
    )
    # C moves from A (İç Anadolu) to B (Marmara): that entry concerns both
    moved = Contact(id=ContactId("C"), account_id=AccountId("B"), name="Çağla")
    store.apply(ChangeSet(contacts=(moved,)), actor="t", at=T0)


def _keys(store: GraphStore, territories: set[str], *, limit: int = 100) -> list[str]:
    page = visible_changes(
        store, lambda t: t in territories, everything=False, after=0, limit=limit
    )
    return [f"{e.entity.value}:{e.key}" for e in page.entries]


def test_each_territory_sees_its_own_entries_and_a_move_needs_both(store: GraphStore) -> None:
    _seed(store)
    full = visible_changes(store, lambda t: False, everything=True, after=0, limit=100)
    assert [e.seq for e in full.entries] == list(range(1, 7))
    assert full.last_seq == 6
    # The contact's creation carries no row: like its status, it is placed by the
    # contact, whose account is B *now*; the move names A and B: only a key of both.
    assert _keys(store, {"İç Anadolu"}) == ["account:A"]
    assert _keys(store, {"Marmara"}) == ["account:B", "rep:R", "contact:C", "contact_status:C"]
    both = _keys(store, {"İç Anadolu", "Marmara"})
    assert both == [f"{e.entity.value}:{e.key}" for e in full.entries]


def test_pages_of_one_follow_on_by_next_after(store: GraphStore) -> None:
    _seed(store)
    seen: list[int] = []
    after = 0
    while True:
        page = visible_changes(
            store, lambda t: t == "Marmara", everything=False, after=after, limit=1
        )
        seen.extend(e.seq for e in page.entries)
        assert page.next_after >= after
        after = page.next_after
        if after >= page.last_seq:
            break
    full = visible_changes(store, lambda t: t == "Marmara", everything=False, after=0, limit=100)
    assert seen == [e.seq for e in full.entries]
