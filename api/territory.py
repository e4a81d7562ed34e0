"""The territory rule: a principal sees and changes only the accounts whose territory
is in its set, and everything under them (contacts, deals, roles, touchpoints,
reporting lines, influence ties).

An object outside answers exactly as a missing one: the same
:class:`~graphcrm.errors.NotFoundError` (hence the same 404 body), and in a
batch the same "unknown ... not in the batch and not stored" problem the store
gives for a missing reference. Only a row that would *overwrite* an object of
another territory under its own id is refused with a distinct problem, since
a missing id would simply be created.

Reps are our own sellers, not customer data: any key with ``read`` lists them;
writing a rep needs its territory (and the stored rep's) in the key's set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from graphcrm.auth import Principal
from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealView,
    EntityKind,
    PageRequest,
    RepId,
)
from graphcrm.errors import ConflictError, InvalidError, NotFoundError, Problem
from graphcrm.store.intervals import row_label, territories_at
from graphcrm.store.port import GraphStore


def id_taken(kind: str, object_id: str) -> ConflictError:
    """The refusal of a create whose id is stored, in the key's territories or not.

    Ids are global (a CRM's external ids: one object, one id, in every territory),
    so a create must refuse a stored id; the refusal is word for word the same
    whether the object is the key's or another territory's, so it tells no more
    than that the id is taken (see docs/api.md, "Ids are global").
    """
    return ConflictError(
        f"{kind} id {object_id!r} is taken (ids are unique across every territory): "
        "choose another id, or PATCH the object if it is yours"
    )


def territory_then(store: GraphStore, account: Account, as_of: datetime | None) -> str | None:
    """The account's territory in force at ``as_of`` (None: the present one); the
    stored one when no interval covers the instant (before the account existed)."""
    if as_of is None:
        return account.territory
    then = territories_at(store.territory_history([account.id]), as_of)
    return then.get(account.id, account.territory)


def _stored_visible(
    store: GraphStore, who: Principal, account_id: str, as_of: datetime | None = None
) -> Account:
    account = store.get_account(AccountId(account_id))
    territory = account.territory if who.all_territories else territory_then(store, account, as_of)
    if not who.sees(territory):
        raise NotFoundError("account", account_id)
    return account


def visible_account(
    store: GraphStore, who: Principal, account_id: str, *, as_of: datetime | None = None
) -> Account:
    """The account as ``who`` reads it (see :func:`shown`); NotFoundError when outside.
    A read as of an instant is allowed by the account's territory then: a key keeps
    the history of the accounts its territories held, and sees no earlier state of an
    account moved in since."""
    return shown(store, who, (_stored_visible(store, who, account_id, as_of),))[0]


def shown(store: GraphStore, who: Principal, accounts: Iterable[Account]) -> list[Account]:
    """Accounts as ``who`` reads them: a parent outside the key's territories is hidden
    (``parent_id`` None), so that a territory key learns no id of another territory
    and its exports re-import into an empty store. :func:`keep_hidden_parents` keeps
    the link when the key writes such an account back."""
    if who.all_territories:
        return list(accounts)
    seen: dict[str, bool] = {}
    out: list[Account] = []
    for a in accounts:
        parent = a.parent_id
        if parent is not None:
            if parent not in seen:
                seen[parent] = _sees_account(store, who, parent)
            if not seen[parent]:
                a = a.model_copy(update={"parent_id": None})
        out.append(a)
    return out


def _sees_account(store: GraphStore, who: Principal, account_id: str) -> bool:
    try:
        return who.sees(store.get_account(AccountId(account_id)).territory)
    except NotFoundError:
        return False


def keep_hidden_parents(store: GraphStore, who: Principal, cs: ChangeSet) -> ChangeSet:
    """``cs`` with each account row that has no parent given the stored parent ``who``
    cannot see: reading an account (its parent hidden), editing it and writing it back,
    or re-importing a territory's export, never cuts a link the key was not shown.
    Runs after :func:`check_batch`, under the write lock."""
    if who.all_territories or not any(a.parent_id is None for a in cs.accounts):
        return cs
    rows: list[Account] = []
    for a in cs.accounts:
        if a.parent_id is None:
            try:
                stored = store.get_account(a.id)
            except NotFoundError:
                stored = None
            if (
                stored is not None
                and stored.parent_id is not None
                and not _sees_account(store, who, stored.parent_id)
            ):
                a = a.model_copy(update={"parent_id": stored.parent_id})
        rows.append(a)
    return cs.model_copy(update={"accounts": tuple(rows)})


def visible_contact(
    store: GraphStore, who: Principal, contact_id: str, *, as_of: datetime | None = None
) -> Contact:
    contact = store.get_contact(ContactId(contact_id), as_of=as_of)
    try:
        _stored_visible(store, who, contact.account_id, as_of)
    except NotFoundError:
        raise NotFoundError("contact", contact_id) from None
    return contact


def visible_deal(
    store: GraphStore, who: Principal, deal_id: str, *, as_of: datetime | None = None
) -> DealView:
    view = store.get_deal(DealId(deal_id))
    try:
        _stored_visible(store, who, view.deal.account_id, as_of)
    except NotFoundError:
        raise NotFoundError("deal", deal_id) from None
    return view


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an object is: its account and that account's territory, as the store says.

    What the territory rule needs to answer for an object; the analytics
    endpoints cache it (:mod:`api.routers.analytics`) under the account's tag,
    so any write that touches the account drops it.
    """

    kind: str
    id: str
    account_id: str
    territory: str | None

    @property
    def tags(self) -> set[str]:
        return {f"account:{self.account_id}"}


def place_account(
    store: GraphStore, account_id: str, *, as_of: datetime | None = None
) -> Placement:
    """The account and its territory at ``as_of`` (None: now; :func:`territory_then`)."""
    account = store.get_account(AccountId(account_id))
    return Placement("account", account_id, account.id, territory_then(store, account, as_of))


def place_deal(store: GraphStore, deal_id: str, *, as_of: datetime | None = None) -> Placement:
    """The deal's account and that account's territory at ``as_of`` (None: now)."""
    view = store.get_deal(DealId(deal_id))
    try:
        account = store.get_account(view.deal.account_id)
    except NotFoundError:
        raise NotFoundError("deal", deal_id) from None
    return Placement("deal", deal_id, account.id, territory_then(store, account, as_of))


def require_visible(who: Principal, placement: Placement) -> None:
    """Raise exactly what a missing object raises when ``who`` may not see it."""
    if not who.sees(placement.territory):
        raise NotFoundError(placement.kind, placement.id)


def territories_of(who: Principal, asked: Iterable[str] | None = None) -> frozenset[str] | None:
    """The territories a portfolio-wide read (the forecast) covers for ``who``: those
    ``asked`` for, each visible (another raises what a missing territory raises), else
    the principal's own; None means every territory."""
    wanted = frozenset(asked or ())
    for t in sorted(wanted):
        if not who.sees(t):
            raise NotFoundError("territory", t)
    if wanted:
        return wanted
    return None if who.all_territories else frozenset(who.territories)


def family(store: GraphStore, account_ids: Iterable[str]) -> set[str]:
    """The accounts with their ancestors and descendants (ids that do not exist are kept)."""
    out: set[str] = set()
    for aid in account_ids:
        out.add(aid)
        try:
            out.update(a.id for a in store.account_ancestors(AccountId(aid)))
            out.update(a.id for a in store.account_descendants(AccountId(aid)))
        except NotFoundError:
            continue
    return out


def listed_territories(who: Principal, territory: str | None = None) -> frozenset[str] | None:
    """The territories a list read (accounts, contacts, deals) passes to the store for
    ``who``: the one asked for when visible, none when not (an empty list, as for a
    territory without accounts), else the principal's own; None means every territory."""
    if territory is not None:
        return frozenset({territory}) if who.sees(territory) else frozenset()
    return territories_of(who)


# --- batches -------------------------------------------------------------------


class _Owners:
    """Memoised "which account owns this stored object" lookups for one batch."""

    def __init__(self, store: GraphStore, who: Principal, cs: ChangeSet) -> None:
        self.store, self.who = store, who
        self.batch_accounts: dict[str, Account] = {a.id: a for a in cs.accounts}
        self.batch_contacts: dict[str, Contact] = {c.id: c for c in cs.contacts}
        self.batch_deals: dict[str, Deal] = {d.id: d for d in cs.deals}
        self._accounts: dict[str, Account | None] = {}
        self._contacts: dict[str, str | None] = {}
        self._deals: dict[str, str | None] = {}

    def stored_account(self, aid: str) -> Account | None:
        if aid not in self._accounts:
            try:
                self._accounts[aid] = self.store.get_account(AccountId(aid))
            except NotFoundError:
                self._accounts[aid] = None
        return self._accounts[aid]

    def stored_contact_account(self, cid: str) -> str | None:
        if cid not in self._contacts:
            try:
                self._contacts[cid] = self.store.get_contact(ContactId(cid)).account_id
            except NotFoundError:
                self._contacts[cid] = None
        return self._contacts[cid]

    def stored_deal_account(self, did: str) -> str | None:
        if did not in self._deals:
            try:
                self._deals[did] = self.store.get_deal(DealId(did)).deal.account_id
            except NotFoundError:
                self._deals[did] = None
        return self._deals[did]

    def account_ok(self, aid: str) -> bool:
        """False when the account exists (in the batch or stored) outside the key's set."""
        row = self.batch_accounts.get(aid)
        if row is not None and not self.who.sees(row.territory):
            return False
        stored = self.stored_account(aid)
        return stored is None or self.who.sees(stored.territory)

    def contact_ok(self, cid: str) -> bool:
        row = self.batch_contacts.get(cid)
        if row is not None and not self.account_ok(row.account_id):
            return False
        owner = self.stored_contact_account(cid)
        return owner is None or self.account_ok(owner)

    def deal_ok(self, did: str) -> bool:
        row = self.batch_deals.get(did)
        if row is not None and not self.account_ok(row.account_id):
            return False
        owner = self.stored_deal_account(did)
        return owner is None or self.account_ok(owner)


def _unknown(where: str, field: str, kind: str, ref: str) -> Problem:
    # Word for word what the store says about a missing reference.
    return Problem(where, field, f"unknown {kind} {ref!r}: not in the batch and not stored")


def _taken(where: str, kind: str) -> Problem:
    return Problem(where, "id", f"this {kind} id is not available to this key")


def check_batch(store: GraphStore, who: Principal, cs: ChangeSet) -> None:
    """Refuse a batch that reads or writes outside the key's territories, naming every row.

    Raises
    ------
    InvalidError
        One problem per offending row and field; nothing has been written.
    """
    if who.all_territories:
        return
    o = _Owners(store, who, cs)
    problems = [*_owned_rows(store, who, o, cs), *_referring_rows(store, o, cs)]
    if problems:
        raise InvalidError(problems)


def _owned_rows(store: GraphStore, who: Principal, o: _Owners, cs: ChangeSet) -> list[Problem]:
    """Accounts, reps, contacts and deals of the batch: each in (or, when stored, from)
    the key's territories, and naming accounts the key sees."""
    problems: list[Problem] = []
    for a in cs.accounts:
        where = f"accounts[{a.id}]"
        if not who.sees(a.territory):
            problems.append(
                Problem(where, "territory", f"{a.territory!r} is not a territory of this key")
            )
        stored = o.stored_account(a.id)
        if stored is not None and not who.sees(stored.territory):
            problems.append(_taken(where, "account"))
        if a.parent_id is not None and not o.account_ok(a.parent_id):
            problems.append(_unknown(where, "parent_id", "account", a.parent_id))
    for r in cs.reps:
        where = f"reps[{r.id}]"
        if not who.sees(r.territory):
            problems.append(
                Problem(where, "territory", f"{r.territory!r} is not a territory of this key")
            )
        try:
            stored_rep = store.get_rep(RepId(r.id))
        except NotFoundError:
            continue
        if not who.sees(stored_rep.territory):
            problems.append(_taken(where, "rep"))
    for c in cs.contacts:
        where = f"contacts[{c.id}]"
        owner = o.stored_contact_account(c.id)
        if owner is not None and not o.account_ok(owner):
            problems.append(_taken(where, "contact"))
        if not o.account_ok(c.account_id):
            problems.append(_unknown(where, "account_id", "account", c.account_id))
    for d in cs.deals:
        where = f"deals[{d.id}]"
        owner = o.stored_deal_account(d.id)
        if owner is not None and not o.account_ok(owner):
            problems.append(_taken(where, "deal"))
        if not o.account_ok(d.account_id):
            problems.append(_unknown(where, "account_id", "account", d.account_id))
    return problems


def _referring_rows(store: GraphStore, o: _Owners, cs: ChangeSet) -> list[Problem]:
    """Lines, influences, rep knowledge, histories, roles and touchpoints: each naming
    contacts, deals and accounts the key sees (a stored touchpoint from one too)."""
    problems: list[Problem] = []
    for line in cs.reports_to:
        for f in ("contact_id", "manager_id"):
            ref = str(getattr(line, f))
            if not o.contact_ok(ref):
                problems.append(_unknown(row_label(line), f, "contact", ref))
    for inf in cs.influences:
        for f in ("influencer_id", "influenced_id"):
            ref = str(getattr(inf, f))
            if not o.contact_ok(ref):
                problems.append(_unknown(row_label(inf), f, "contact", ref))
    for k in cs.rep_knows:
        if not o.contact_ok(k.contact_id):
            where = f"rep_knows[{k.rep_id} -> {k.contact_id}]"
            problems.append(_unknown(where, "contact_id", "contact", k.contact_id))
    dated = [("stage_changes", c.deal_id, c.at) for c in cs.stage_changes]
    dated += [("close_date_changes", c.deal_id, c.at) for c in cs.close_date_changes]
    for name, deal_id, at in dated:
        if not o.deal_ok(deal_id):
            where = f"{name}[{deal_id} @ {at.isoformat()}]"
            problems.append(_unknown(where, "deal_id", "deal", deal_id))
    for role in cs.deal_roles:
        if not o.deal_ok(role.deal_id):
            problems.append(_unknown(row_label(role), "deal_id", "deal", role.deal_id))
        if not o.contact_ok(role.contact_id):
            problems.append(_unknown(row_label(role), "contact_id", "contact", role.contact_id))
    for tp in cs.touchpoints:
        where = f"touchpoints[{tp.id}]"
        prior = _stored_touchpoint_account(store, tp.id)
        if prior is not None and not o.account_ok(prior):
            problems.append(_taken(where, "touchpoint"))
        if not o.account_ok(tp.account_id):
            problems.append(_unknown(where, "account_id", "account", tp.account_id))
        for cid in tp.contact_ids:
            if not o.contact_ok(cid):
                problems.append(_unknown(where, "contact_ids", "contact", cid))
        if tp.deal_id is not None and not o.deal_ok(tp.deal_id):
            problems.append(_unknown(where, "deal_id", "deal", tp.deal_id))
    return problems


def _stored_touchpoint_account(store: GraphStore, touchpoint_id: str) -> str | None:
    """The account a stored touchpoint belongs to, from its latest change-log entry."""
    first = store.change_log(PageRequest(limit=1), entity=EntityKind.TOUCHPOINT, key=touchpoint_id)
    if first.total == 0:
        return None
    last = store.change_log(
        PageRequest(limit=1, offset=first.total - 1),
        entity=EntityKind.TOUCHPOINT,
        key=touchpoint_id,
    ).items
    after = last[0].after if last else None
    value = after.get("account_id") if after else None
    return str(value) if value is not None else None


def touched_accounts(store: GraphStore, cs: ChangeSet) -> set[str]:
    """Every account a batch writes under (before it is applied: old owners included)."""
    o = _Owners(store, _NOBODY, cs)
    out: set[str] = {a.id for a in cs.accounts}
    out.update(a.parent_id for a in cs.accounts if a.parent_id)
    for aid in list(out):
        stored = o.stored_account(aid)
        if stored is not None and stored.parent_id:
            out.add(stored.parent_id)
    for c in cs.contacts:
        out.add(c.account_id)
    for d in cs.deals:
        out.add(d.account_id)
    for tp in cs.touchpoints:
        out.add(tp.account_id)
    contacts = {c.id for c in cs.contacts}
    contacts.update(x for r in cs.reports_to for x in (r.contact_id, r.manager_id))
    contacts.update(x for i in cs.influences for x in (i.influencer_id, i.influenced_id))
    contacts.update(k.contact_id for k in cs.rep_knows)
    contacts.update(r.contact_id for r in cs.deal_roles)
    for cid in contacts:
        owner = o.stored_contact_account(cid)
        if owner is not None:
            out.add(owner)
        elif cid in o.batch_contacts:
            out.add(o.batch_contacts[cid].account_id)
    deals = {d.id for d in cs.deals}
    deals.update(s.deal_id for s in cs.stage_changes)
    deals.update(s.deal_id for s in cs.close_date_changes)
    deals.update(r.deal_id for r in cs.deal_roles)
    for did in deals:
        owner = o.stored_deal_account(did)
        if owner is not None:
            out.add(owner)
    for rk in cs.rep_knows:  # a rep tie changes every account the rep's contacts are in
        owner = o.stored_contact_account(rk.contact_id)
        if owner is not None:
            out.add(owner)
    return out


_NOBODY = Principal(key_id="-", name="-", scopes=frozenset(), territories=frozenset({"*"}))
