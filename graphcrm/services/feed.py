"""What each change-log entry is about: the accounts and rep territories it concerns.

Both the API's change feed (``GET /v1/changes``) and the workers' cache
invalidation read the change log and need, for each entry, the accounts whose
data it changed. An entry names them directly (an account's id, the
``account_id`` of a contact, deal or touchpoint) or through a contact or deal
(a status, reporting line, influence, rep tie, stage or close-date change,
deal role), resolved to the account it belongs to *now*. Both sides of a change
count: a contact moved from one account to another concerns both, and an
account's parent, before and after, concerns the account's entry too (the
payload names it).

A creation's entry carries no copy of the row (docs/data-model.md, "The change
log"): it is placed by its key (:func:`~graphcrm.store.codec.key_refs`) and the
stored row, which is its own after-image (an account's parent, a contact's,
deal's or rep's present account or territory).

A rep's own entry concerns no account but the rep's territory (before and
after). An id that no longer resolves (the store keeps every object, so this
is only a defence) makes the entry *unplaced*: :attr:`Concern.known` is False.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graphcrm.domain import (
    AccountId,
    ChangeLogEntry,
    ChangeOp,
    ContactId,
    DealId,
    EntityKind,
    PageRequest,
    RepId,
)
from graphcrm.errors import NotFoundError
from graphcrm.store.codec import key_refs
from graphcrm.store.port import GraphStore

_ACCOUNT_FIELDS = ("account_id", "parent_id")
_CONTACT_FIELDS = ("contact_id", "manager_id", "influencer_id", "influenced_id")
_DEAL_FIELDS = ("deal_id",)


@dataclass(frozen=True, slots=True)
class Concern:
    """The accounts and rep territories one entry concerns (module docs)."""

    accounts: frozenset[str] = frozenset()
    rep_territories: frozenset[str | None] = frozenset()
    known: bool = True
    """False when an id of the entry could not be resolved."""

    @property
    def is_rep(self) -> bool:
        return bool(self.rep_territories)


@dataclass(slots=True)
class Resolver:
    """Contact and deal ids to the account each belongs to now (None: unknown), each
    read once."""

    store: GraphStore
    contacts: dict[str, str | None] = field(default_factory=dict)
    deals: dict[str, str | None] = field(default_factory=dict)

    def contact(self, cid: str) -> str | None:
        if cid not in self.contacts:
            try:
                self.contacts[cid] = self.store.get_contact(ContactId(cid)).account_id
            except NotFoundError:
                self.contacts[cid] = None
        return self.contacts[cid]

    def deal(self, did: str) -> str | None:
        if did not in self.deals:
            try:
                self.deals[did] = self.store.get_deal(DealId(did)).deal.account_id
            except NotFoundError:
                self.deals[did] = None
        return self.deals[did]


def _values(payloads: Iterable[Mapping[str, object] | None], names: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for p in payloads:
        if p is None:
            continue
        for name in names:
            v = p.get(name)
            if isinstance(v, str) and v:
                out.add(v)
    return out


def _owners(r: Resolver, payloads: Iterable[Mapping[str, object] | None]) -> set[str] | None:
    """The accounts of the contacts and deals the payloads name; None if one is unknown."""
    accounts: set[str] = set()
    known = True
    for cid in _values(payloads, _CONTACT_FIELDS):
        owner = r.contact(cid)
        known = known and owner is not None
        if owner is not None:
            accounts.add(owner)
    for did in _values(payloads, _DEAL_FIELDS):
        owner = r.deal(did)
        known = known and owner is not None
        if owner is not None:
            accounts.add(owner)
    return accounts if known else None


def _created(r: Resolver, e: ChangeLogEntry) -> Concern:
    """The concern of a creation logged without its row: from the key and the stored row."""
    if e.entity is EntityKind.REP:
        try:
            return Concern(rep_territories=frozenset({r.store.get_rep(RepId(e.key)).territory}))
        except NotFoundError:
            return Concern(rep_territories=frozenset({None}), known=False)
    if e.entity is EntityKind.ACCOUNT:
        try:
            parent = r.store.get_account(AccountId(e.key)).parent_id
        except NotFoundError:
            return Concern(accounts=frozenset({e.key}), known=False)
        return Concern(accounts=frozenset({e.key} | ({parent} if parent else set())))
    accounts: set[str] = set()
    placed = False
    for reading in key_refs(e.entity, e.key):
        owners = _owners(r, (reading,))
        if owners:
            accounts |= owners
            placed = True
    return Concern(accounts=frozenset(accounts), known=placed)


def concerns(
    store: GraphStore, entries: Sequence[ChangeLogEntry], *, resolver: Resolver | None = None
) -> list[Concern]:
    """The :class:`Concern` of each entry, in order (reads each contact and deal once;
    ``resolver``: one to share with the caller)."""
    r = resolver if resolver is not None else Resolver(store)
    out: list[Concern] = []
    for e in entries:
        if e.op is ChangeOp.CREATE and e.after is None:
            out.append(_created(r, e))
            continue
        payloads = (e.before, e.after)
        if e.entity is EntityKind.REP:
            terr: set[str | None] = set()
            for p in payloads:
                if p is not None:
                    t = p.get("territory")
                    terr.add(t if isinstance(t, str) else None)
            out.append(Concern(rep_territories=frozenset(terr or {None})))
            continue
        accounts = _values(payloads, _ACCOUNT_FIELDS)
        if e.entity is EntityKind.ACCOUNT:
            accounts.add(e.key)
        owners = _owners(r, payloads)
        accounts |= owners or set()
        out.append(
            Concern(accounts=frozenset(accounts), known=owners is not None and bool(accounts))
        )
    return out


def account_territories(store: GraphStore, accounts: Iterable[str]) -> dict[str, str | None]:
    """The territory of each account id that exists (unknown ids are left out)."""
    out: dict[str, str | None] = {}
    for aid in accounts:
        try:
            out[aid] = store.get_account(AccountId(aid)).territory
        except NotFoundError:
            continue
    return out


SCAN_MAX = 10_000
"""Entries read at most by one :func:`visible_changes` call, shown or not."""


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One page of the change feed."""

    entries: tuple[ChangeLogEntry, ...]
    next_after: int
    """The ``after`` of the next page: the last sequence number this page examined."""
    last_seq: int
    """The store's latest sequence number when the page was read."""


def visible_changes(
    store: GraphStore,
    sees: Callable[[str | None], bool],
    *,
    everything: bool,
    after: int,
    limit: int,
) -> FeedPage:
    """The entries after ``after`` that a principal may see, in sequence order, at most
    ``limit`` of them, reading at most :data:`SCAN_MAX` entries.

    ``everything`` (a key of every territory) sees every entry. Otherwise an entry
    is shown only when it is placed (:attr:`Concern.known`) and ``sees`` accepts
    the territory of every account it concerns, before and after the change (a
    rep's: the rep's territories); entries that cannot be placed are never shown.
    """
    last = store.watermark().changes
    shown: list[ChangeLogEntry] = []
    cursor, scanned = after, 0
    while len(shown) < limit and scanned < SCAN_MAX:
        batch = store.change_log(
            PageRequest(limit=min(1000, max(limit - len(shown), 100))), since_seq=cursor
        ).items
        if not batch:
            break
        ok = [True] * len(batch) if everything else _visible(store, sees, batch)
        for entry, visible in zip(batch, ok, strict=True):
            if visible:
                if len(shown) == limit:
                    break
                shown.append(entry)
            cursor = entry.seq
            scanned += 1
        else:
            continue
        break
    return FeedPage(entries=tuple(shown), next_after=cursor, last_seq=max(last, cursor))


def _visible(
    store: GraphStore, sees: Callable[[str | None], bool], batch: Sequence[ChangeLogEntry]
) -> list[bool]:
    found = concerns(store, batch)
    territory = account_territories(store, {a for c in found for a in c.accounts})
    out: list[bool] = []
    for c in found:
        if c.is_rep:
            out.append(all(sees(t) for t in c.rep_territories))
        else:
            out.append(c.known and all(a in territory and sees(territory[a]) for a in c.accounts))
    return out
