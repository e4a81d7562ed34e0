"""Territory management: moving accounts by hand or by an ordered rules file.

A move rewrites the account with its new territory in one change-log batch;
the store closes the old :class:`~graphcrm.domain.TerritorySpan` at the
batch's instant and opens the new one, so as-of reads and the forecast by
territory keep the history (docs/territories.md).

A rules file (TOML) is an ordered list of ``[[rule]]`` tables; the first rule
whose conditions all hold gives the account its territory::

    [[rule]]
    name = "Koç group"            # shown as the reason of a move (default: rule 1, 2, ...)
    territory = "Marmara"
    parent = ["A-KOC"]            # the account or any account under it

    [[rule]]
    name = "Public sector"
    territory = "Kamu"
    country = "TR"
    sector = ["public", "government"]

A condition left out matches every account; a list matches any of its values;
sectors compare folded (:func:`match_key`). An account no rule matches keeps
its territory.

>>> rules = TerritoryRules.from_toml('[[rule]]\\nterritory = "Ege"\\ncountry = "TR"')
>>> acc = Account(id=AccountId("A-1"), name="İzmir Liman", country="TR", territory="Marmara")
>>> [(m.account_id, m.before, m.after, m.rule) for m in plan_assignment(rules, [acc])]
[('A-1', 'Marmara', 'Ege', 'rule 1')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, partial
from pathlib import Path
from typing import Annotated, Final, Self, TypeVar

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from graphcrm.domain import (
    Account,
    AccountId,
    ApplyResult,
    ChangeSet,
    Deal,
    Model,
    Rep,
    RepId,
    TerritorySpan,
    Touchpoint,
)
from graphcrm.domain.org import City, Country, Employees, Label
from graphcrm.domain.sales import Amount
from graphcrm.domain.text import read_toml, tr_fold
from graphcrm.domain.views import every_item
from graphcrm.errors import InvalidError, NotFoundError, Problem, TerritoryConflictError
from graphcrm.services.clock import instant, utc_now
from graphcrm.store.intervals import territories_at
from graphcrm.store.port import GraphStore

T = TypeVar("T")

MAX_RULES_BYTES: Final = 1_000_000


def match_key(text: str) -> str:
    """``text`` folded for matching labels and names typed by hand: Turkish lower case
    (``İ`` -> ``i``, ``I`` -> ``ı``), then dotless ``ı`` as ``i`` (so ``PUBLIC``, typed
    on an English keyboard, matches ``Public``, and ``ISTANBUL`` ``İstanbul``), spaces
    collapsed.

    >>> match_key("  ISTANBUL  Işık ") == match_key("İstanbul ışık")
    True
    """
    return " ".join(tr_fold(text).replace("ı", "i").split())


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


Territory = Annotated[str, Field(min_length=1, max_length=200)]
AccountRef = Annotated[str, Field(min_length=1, max_length=128)]
RegionName = Annotated[str, Field(min_length=1, max_length=200)]
OneOrMore = Annotated[tuple[T, ...], BeforeValidator(_as_list), Field(min_length=1)]


class Rule(Model):
    """One rule: the territory, and the conditions an account must meet (all of them).

    A size band (``employees_min`` ... ``revenue_max``, bounds included) matches only
    accounts whose figure is known; so does ``city`` or ``region`` (``region`` names
    a list of cities in the file's ``[regions]`` table).
    """

    name: Annotated[str, Field(max_length=200)] = ""
    territory: Territory
    country: (
        Annotated[tuple[Country, ...], BeforeValidator(_as_list), Field(min_length=1)] | None
    ) = None
    sector: Annotated[tuple[Label, ...], BeforeValidator(_as_list), Field(min_length=1)] | None = (
        None
    )
    parent: (
        Annotated[tuple[AccountRef, ...], BeforeValidator(_as_list), Field(min_length=1)] | None
    ) = None
    city: Annotated[tuple[City, ...], BeforeValidator(_as_list), Field(min_length=1)] | None = None
    region: (
        Annotated[tuple[RegionName, ...], BeforeValidator(_as_list), Field(min_length=1)] | None
    ) = None
    employees_min: Employees | None = None
    employees_max: Employees | None = None
    revenue_min: Amount | None = None
    revenue_max: Amount | None = None

    @model_validator(mode="after")
    def _bands_in_order(self) -> Self:
        for low, high in (("employees_min", "employees_max"), ("revenue_min", "revenue_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{low} ({lo}) is above {high} ({hi})")
        return self

    def matches(
        self,
        account: Account,
        ancestors: Sequence[str],
        regions: Mapping[str, frozenset[str]] | None = None,
    ) -> bool:
        """Whether every condition holds for ``account`` (``ancestors``: its parent,
        grandparent, ... ids; ``regions``: each region's cities, folded by
        :func:`match_key`)."""
        if self.country is not None and account.country not in self.country:
            return False
        if self.sector is not None and match_key(account.sector) not in {
            match_key(s) for s in self.sector
        }:
            return False
        if self.parent is not None:
            group = {account.id, *ancestors}
            if not group.intersection(self.parent):
                return False
        city = None if account.city is None else match_key(account.city)
        if self.city is not None and city not in {match_key(c) for c in self.city}:
            return False
        if self.region is not None:
            known = regions or {}
            if city is None or not any(city in known.get(r, frozenset()) for r in self.region):
                return False
        return _within(account.employees, self.employees_min, self.employees_max) and _within(
            account.annual_revenue, self.revenue_min, self.revenue_max
        )


N = TypeVar("N", int, Decimal)


def _within(value: N | None, low: N | None, high: N | None) -> bool:
    """Whether ``value`` lies in ``[low, high]`` (no bound: always; unknown value: only
    when there is no bound)."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


class TerritoryRules(Model):
    """An ordered rules file (see the module docstring)."""

    rule: tuple[Rule, ...] = Field(min_length=1)
    regions: dict[RegionName, Annotated[tuple[City, ...], Field(min_length=1)]] = Field(
        default_factory=dict
    )

    @cached_property
    def folded_regions(self) -> dict[str, frozenset[str]]:
        """Each region's cities folded by :func:`match_key`."""
        return {
            name: frozenset(match_key(c) for c in cities) for name, cities in self.regions.items()
        }

    def unknown_regions(self) -> list[tuple[int, str]]:
        """``(rule index, region)`` for each region a rule names and ``[regions]`` lacks."""
        return [
            (i, r)
            for i, rule in enumerate(self.rule)
            for r in rule.region or ()
            if r not in self.regions
        ]

    def label(self, index: int) -> str:
        """The name a move shows for the rule at ``index`` (0-based)."""
        return self.rule[index].name or f"rule {index + 1}"

    @classmethod
    def from_toml(cls, text: str | bytes, *, source: str = "rules") -> TerritoryRules:
        """Parse a rules file.

        Raises
        ------
        InvalidError
            Not TOML, no rule, an unknown key, or a value of the wrong shape; each
            problem names the file and the key (``rule.2.country``, 1-based).
        """
        data = read_toml(text, source=source, max_bytes=MAX_RULES_BYTES)
        try:
            rules = cls.model_validate(data)
        except ValidationError as e:
            problems = []
            for err in e.errors(include_url=False):
                parts = [
                    p + 1 if isinstance(p, int) and i == 1 else p for i, p in enumerate(err["loc"])
                ]
                key = ".".join(str(p) for p in parts)
                message = err["msg"]
                if err["type"] == "extra_forbidden":
                    message = (
                        "unknown key; a [[rule]] has name, territory, country, sector, "
                        "parent, city, region, employees_min, employees_max, revenue_min, "
                        "revenue_max"
                        if parts[:1] == ["rule"]
                        else "unknown key; a rules file has [[rule]] tables and [regions]"
                    )
                problems.append(Problem(source, key, message))
            raise InvalidError(problems) from None
        unknown = rules.unknown_regions()
        if unknown:
            raise InvalidError(
                [
                    Problem(source, f"rule.{i + 1}.region", f"{r!r} is not in [regions]")
                    for i, r in unknown
                ]
            )
        return rules

    @classmethod
    def load(cls, path: Path) -> TerritoryRules:
        """:meth:`from_toml` of a file on disk."""
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InvalidError([Problem(str(path), "", f"cannot read: {e.strerror}")]) from None
        return cls.from_toml(data, source=path.name)


@dataclass(frozen=True, slots=True)
class Move:
    """One account changing territory, and why (the rule's name; ``by hand``)."""

    account_id: AccountId
    name: str
    before: str | None
    after: str | None
    rule: str


def _ancestors(accounts: Mapping[str, Account], account: Account) -> list[str]:
    chain: list[str] = []
    parent = account.parent_id
    while parent is not None and parent not in chain:
        chain.append(parent)
        above = accounts.get(parent)
        parent = above.parent_id if above is not None else None
    return chain


def plan_assignment(rules: TerritoryRules, accounts: Iterable[Account]) -> list[Move]:
    """The moves the rules make among ``accounts`` (those whose territory changes), in
    the order given. An account's ancestors are looked up among ``accounts``."""
    by_id: dict[str, Account] = {a.id: a for a in accounts}
    give = rules_assigner(rules)
    moves = []
    for account in by_id.values():
        given = give(account, _ancestors(by_id, account))
        if given is not None and given[0] != account.territory:
            moves.append(Move(account.id, account.name, account.territory, *given))
    return moves


def rules_assigner(
    rules: TerritoryRules,
) -> Callable[[Account, Sequence[str]], tuple[str, str] | None]:
    """The territory and rule name the first matching rule gives an account (None when
    no rule matches): what an import gives its new accounts
    (:class:`graphcrm.io.importing.TerritoryAssigner`).

    >>> rules = TerritoryRules.from_toml('[[rule]]\\nterritory = "Ege"\\ncity = "İzmir"')
    >>> give = rules_assigner(rules)
    >>> give(Account(id=AccountId("A-1"), name="Liman", city="IZMIR"), [])
    ('Ege', 'rule 1')
    """

    def give(account: Account, ancestors: Sequence[str]) -> tuple[str, str] | None:
        for i, rule in enumerate(rules.rule):
            if rule.matches(account, ancestors, rules.folded_regions):
                return rule.territory, rules.label(i)
        return None

    return give


def assignment(store: GraphStore, rules: TerritoryRules) -> list[Move]:
    """What :func:`plan_assignment` would move among every stored account (by name)."""
    return plan_assignment(rules, every_item(store.list_accounts))


def hand_moves(store: GraphStore, account_ids: Iterable[str], territory: str | None) -> list[Move]:
    """Moves of the named accounts into ``territory`` (None: no territory); accounts
    already there are left out. Raises NotFoundError for an unknown account."""
    if territory is not None and not 0 < len(territory) <= 200:
        raise InvalidError([Problem("territory", "", "must be 1 to 200 characters")])
    moves = []
    for account_id in dict.fromkeys(account_ids):
        account = store.get_account(AccountId(account_id))
        if account.territory != territory:
            moves.append(Move(account.id, account.name, account.territory, territory, "by hand"))
    return moves


def apply_moves(
    store: GraphStore,
    moves: Sequence[Move],
    *,
    actor: str,
    at: datetime | None = None,
    block: Set[str] = frozenset(),
) -> ApplyResult:
    """Write ``moves`` as one batch at ``at`` (default: now) under the store's write lock.
    ``block``: conflict kinds the moves may not create (:func:`created_conflicts`).

    Raises
    ------
    InvalidError
        ``at`` lies in the future, or before an account's current territory began
        (a back-dated move); nothing is written.
        An account changed territory since the moves were planned.
    NotFoundError
        An account is gone.
    TerritoryConflictError
        The moves would create a conflict of a kind in ``block``; nothing is written.
    """
    when = instant(at)
    if when > utc_now():
        raise InvalidError([Problem("at", "", "a move cannot be dated in the future")])
    with store.exclusive():
        rows = []
        for move in moves:
            account = store.get_account(move.account_id)
            if account.territory != move.before:
                raise InvalidError(
                    [
                        Problem(
                            f"accounts[{move.account_id}]",
                            "territory",
                            f"is now {account.territory!r}, not {move.before!r} as planned; "
                            "plan the moves again",
                        )
                    ]
                )
            rows.append(account.model_copy(update={"territory": move.after}))
        changes = ChangeSet(accounts=tuple(rows))
        refuse_conflicts(created_conflicts(store, changes, block))
        return store.apply(changes, actor=actor, at=when)


# --- conflicts ----------------------------------------------------------------------


class ConflictKind(StrEnum):
    """What a conflict is (docs/territories.md#conflicts)."""

    SPLIT_GROUP = "split_group"
    """An account group (a root account and everything under it) spans territories."""
    DUPLICATE = "duplicate"
    """Accounts of one country whose names fold alike sit in different territories."""
    RIVAL_DEALS = "rival_deals"
    """Open deals on one account group are owned by reps of different territories."""
    TOUCHPOINT = "touchpoint"
    """A rep touched contacts of an account that was then in another territory."""


class TerritoryConflict(Model):
    """One conflict: the accounts and reps involved and the territories they span.

    ``accounts`` lists only what the reader may see; ``hidden_accounts`` counts the
    rest (accounts of territories outside a key's set).
    """

    kind: ConflictKind
    territories: tuple[str, ...]
    accounts: tuple[AccountId, ...]
    hidden_accounts: int = 0
    reps: tuple[RepId, ...] = ()
    detail: str


def _name_key(name: str) -> str:
    """A name folded for likely duplicates: :func:`match_key`, letters, digits and
    single spaces only (``KOÇ HOLDİNG A.Ş.`` and ``Koç Holding A.Ş`` fold alike)."""
    kept = "".join(ch if ch.isalnum() else " " for ch in match_key(name))
    return " ".join(kept.split())


def find_conflicts(
    accounts: Iterable[Account],
    deals: Iterable[Deal],
    reps: Iterable[Rep],
    touchpoints: Iterable[Touchpoint] = (),
    history: Iterable[TerritorySpan] = (),
) -> list[TerritoryConflict]:
    """Every conflict among ``accounts``, their open ``deals``, their ``touchpoints``
    and the ``reps`` owning or making them: split groups, likely duplicates, rival
    deals, touchpoints outside the rep's territory (in that order, each by its first
    account's id, then rep). A touchpoint counts under its account's territory at
    its instant (``history``; the present one when no interval covers it)."""
    by_id: dict[str, Account] = {a.id: a for a in accounts}
    groups: dict[str, list[Account]] = {}
    for account in by_id.values():
        root: str = account.id
        for above in _ancestors(by_id, account):
            if above in by_id:
                root = above
        groups.setdefault(root, []).append(account)
    found: list[TerritoryConflict] = []
    for top, members in sorted(groups.items()):
        spanned = sorted({a.territory for a in members if a.territory is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.SPLIT_GROUP,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in members)),
                    detail=f"the group of {by_id[top].name} spans {', '.join(spanned)}",
                )
            )
    alike: dict[tuple[str, str | None], list[Account]] = {}
    for account in by_id.values():
        alike.setdefault((_name_key(account.name), account.country), []).append(account)
    for (_, country), same in sorted(alike.items(), key=lambda kv: min(a.id for a in kv[1])):
        spanned = sorted({a.territory for a in same if a.territory is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.DUPLICATE,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in same)),
                    detail=f"{len(same)} accounts named like {same[0].name!r}"
                    + (f" in {country}" if country else "")
                    + f" in {', '.join(spanned)}",
                )
            )
    rep_by_id: dict[str, Rep] = {r.id: r for r in reps}
    territory_of: dict[str, str | None] = {r: rep.territory for r, rep in rep_by_id.items()}
    root_of = {a.id: top for top, members in groups.items() for a in members}
    owners: dict[str, set[str]] = {}
    for deal in deals:
        if deal.stage.is_closed or deal.owner_id is None or deal.account_id not in root_of:
            continue
        owners.setdefault(root_of[deal.account_id], set()).add(deal.owner_id)
    for top, rep_ids in sorted(owners.items()):
        spanned = sorted({t for r in rep_ids if (t := territory_of.get(r)) is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.RIVAL_DEALS,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in groups[top])),
                    reps=tuple(sorted(RepId(r) for r in rep_ids)),
                    detail=f"open deals on the group of {by_id[top].name} by reps of "
                    f"{', '.join(spanned)}",
                )
            )
    found.extend(_touchpoint_conflicts(by_id, rep_by_id, touchpoints, history))
    return found


def _touchpoint_conflicts(
    by_id: Mapping[str, Account],
    reps: Mapping[str, Rep],
    touchpoints: Iterable[Touchpoint],
    history: Iterable[TerritorySpan],
) -> list[TerritoryConflict]:
    spans: dict[str, list[TerritorySpan]] = {}
    for span in history:
        spans.setdefault(span.account_id, []).append(span)
    outside: dict[tuple[str, str], tuple[int, datetime, frozenset[str]]] = {}
    for tp in touchpoints:
        account = by_id.get(tp.account_id)
        if account is None or not tp.rep_ids:
            continue
        then = territories_at(spans.get(account.id, ()), tp.at).get(account.id, account.territory)
        if then is None:
            continue
        for rep_id in tp.rep_ids:
            rep = reps.get(rep_id)
            if rep is None or rep.territory is None or rep.territory == then:
                continue
            count, last, where = outside.get((account.id, rep_id), (0, tp.at, frozenset()))
            outside[account.id, rep_id] = (count + 1, max(last, tp.at), where | {then})
    found = []
    for (account_id, rep_key), (count, last, where) in sorted(outside.items()):
        rep = reps[rep_key]
        assert rep.territory is not None
        found.append(
            TerritoryConflict(
                kind=ConflictKind.TOUCHPOINT,
                territories=tuple(sorted(where | {rep.territory})),
                accounts=(AccountId(account_id),),
                reps=(rep.id,),
                detail=f"{count} touchpoint(s) by {rep.name} ({rep.territory}) on contacts of "
                f"{by_id[account_id].name} ({', '.join(sorted(where))}), the last on "
                f"{last.date().isoformat()}",
            )
        )
    return found


def conflicts(store: GraphStore, *, seen: Set[str] | None = None) -> list[TerritoryConflict]:
    """The store's conflicts (:func:`find_conflicts`). ``seen``: the territories a reader
    may see (None: every one); then only conflicts touching them are listed, and of
    their accounts only those in ``seen`` are named."""
    found = find_conflicts(
        list(every_item(store.list_accounts)),
        every_item(store.list_deals),
        every_item(store.list_reps),
        every_item(store.list_touchpoints),
        store.territory_history(),
    )
    if seen is None:
        return found
    territory = {a.id: a.territory for a in every_item(store.list_accounts)}
    shown = []
    for c in found:
        if not any(t in seen for t in c.territories):
            continue
        named = tuple(a for a in c.accounts if territory.get(a) in seen)
        shown.append(
            c.model_copy(
                update={"accounts": named, "hidden_accounts": len(c.accounts) - len(named)}
            )
        )
    return shown


# --- prevention -----------------------------------------------------------------------


def _top(account_id: str, parent_of: Callable[[str], str | None]) -> str:
    """The root of ``account_id``'s group, walking ``parent_of`` (a cycle stops it)."""
    seen = {account_id}
    current = account_id
    while (parent := parent_of(current)) is not None and parent not in seen:
        seen.add(parent)
        current = parent
    return current


def _stored(store: GraphStore, account_id: str) -> Account | None:
    try:
        return store.get_account(AccountId(account_id))
    except NotFoundError:
        return None


def _conflict_keys(found: Iterable[TerritoryConflict]) -> set[tuple[object, ...]]:
    return {(c.kind, c.territories, c.reps, a) for c in found for a in c.accounts}


def created_conflicts(
    store: GraphStore, changes: ChangeSet, kinds: Set[str], *, seen: Set[str] | None = None
) -> list[TerritoryConflict]:
    """The conflicts of ``kinds`` that applying ``changes`` would create: found after
    and not before (a conflict already there, with the same territories and reps, is
    not new; one a write widens is). Only the account groups the batch touches are
    read (accounts in the batch, the accounts of its deals, those with open deals of
    its reps), and for likely duplicates the accounts whose name holds the longest
    word of a batch account's name. Call it under the write lock.

    ``seen``: the territories of the writer (None: every one); the accounts of
    others are counted in ``hidden_accounts``, not named, and then the detail
    names no account."""
    if not kinds or not (changes.accounts or changes.deals or changes.reps or changes.touchpoints):
        return []
    batch: dict[str, Account] = {a.id: a for a in changes.accounts}
    touched: set[str] = set(batch)
    for deal in changes.deals:
        touched.add(deal.account_id)
        with suppress(NotFoundError):
            touched.add(store.get_deal(deal.id).deal.account_id)
    touched.update(tp.account_id for tp in changes.touchpoints)
    for rep in changes.reps:
        for deal in every_item(partial(store.list_deals, owner_id=rep.id)):
            if not deal.stage.is_closed:
                touched.add(deal.account_id)
    stored: dict[str, Account | None] = {}

    def stored_account(account_id: str) -> Account | None:
        if account_id not in stored:
            stored[account_id] = _stored(store, account_id)
        return stored[account_id]

    def parent_before(account_id: str) -> str | None:
        a = stored_account(account_id)
        return a.parent_id if a is not None else None

    def parent_after(account_id: str) -> str | None:
        a = batch.get(account_id) or stored_account(account_id)
        return a.parent_id if a is not None else None

    roots = {_top(a, parent_before) for a in touched} | {_top(a, parent_after) for a in touched}
    before: dict[str, Account] = {}
    for root in sorted(roots):
        top = stored_account(root)
        if top is None:
            continue
        before[top.id] = top
        for below in store.account_descendants(top.id):
            before[below.id] = below
    if ConflictKind.DUPLICATE in kinds:
        for account in batch.values():
            words = _name_key(account.name).split()
            if words:
                longest = max(words, key=len)
                for alike in every_item(partial(store.list_accounts, name_contains=longest)):
                    before.setdefault(alike.id, alike)
    after: dict[str, Account] = {**before, **batch}
    deals_before: dict[str, Deal] = {}
    for account_id in sorted(set(after)):
        for deal in every_item(partial(store.list_deals, account_id=AccountId(account_id))):
            deals_before[deal.id] = deal
    deals_after: dict[str, Deal] = {**deals_before, **{d.id: d for d in changes.deals}}
    reps_before: dict[str, Rep] = {r.id: r for r in every_item(store.list_reps)}
    reps_after: dict[str, Rep] = {**reps_before, **{r.id: r for r in changes.reps}}
    tps_before: dict[str, Touchpoint] = {}
    history: tuple[TerritorySpan, ...] = ()
    if ConflictKind.TOUCHPOINT in kinds:
        for account_id in sorted(set(after)):
            for tp in every_item(partial(store.list_touchpoints, account_id=AccountId(account_id))):
                tps_before[tp.id] = tp
        history = store.territory_history([AccountId(a) for a in after])
    tps_after: dict[str, Touchpoint] = {**tps_before, **{t.id: t for t in changes.touchpoints}}
    old = _conflict_keys(
        find_conflicts(
            before.values(),
            deals_before.values(),
            reps_before.values(),
            tps_before.values(),
            history,
        )
    )
    new = [
        c
        for c in find_conflicts(
            after.values(), deals_after.values(), reps_after.values(), tps_after.values(), history
        )
        if c.kind in kinds and not _conflict_keys([c]) & old
    ]
    if seen is None:
        return new
    shown = []
    for c in new:
        named = tuple(a for a in c.accounts if after[a].territory in seen)
        hidden = len(c.accounts) - len(named)
        update: dict[str, object] = {"accounts": named, "hidden_accounts": hidden}
        if hidden:  # the detail names an account of another territory
            update["detail"] = f"{c.kind.value} across {', '.join(c.territories)}"
        shown.append(c.model_copy(update=update))
    return shown


def refuse_conflicts(found: Sequence[TerritoryConflict]) -> None:
    """Raise :class:`TerritoryConflictError` naming ``found`` (none: return)."""
    if not found:
        return
    parts = []
    for c in found:
        who = ", ".join(c.accounts)
        if c.hidden_accounts:
            who += f"{' and ' if who else ''}{c.hidden_accounts} of other territories"
        reps = f"; reps {', '.join(c.reps)}" if c.reps else ""
        parts.append(
            f"{c.kind.value}: {c.detail} (accounts {who}{reps}; territories "
            f"{', '.join(c.territories)})"
        )
    raise TerritoryConflictError(
        "the write would create a territory conflict that GRAPHCRM_TERRITORY_BLOCK_CONFLICTS "
        "blocks; nothing was written: " + "; ".join(parts)
    )
