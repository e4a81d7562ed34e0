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
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Final, Self, TypeVar

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from graphcrm.domain import Account, AccountId, ApplyResult, ChangeSet, Model
from graphcrm.domain.org import City, Country, Employees, Label
from graphcrm.domain.sales import Amount
from graphcrm.domain.text import match_key, read_toml
from graphcrm.domain.views import every_item
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant, utc_now
from graphcrm.services.territory_conflicts import ConflictKind as ConflictKind
from graphcrm.services.territory_conflicts import TerritoryConflict as TerritoryConflict
from graphcrm.services.territory_conflicts import conflicts as conflicts
from graphcrm.services.territory_conflicts import created_conflicts as created_conflicts
from graphcrm.services.territory_conflicts import find_conflicts as find_conflicts
from graphcrm.services.territory_conflicts import parent_chain
from graphcrm.services.territory_conflicts import refuse_conflicts as refuse_conflicts
from graphcrm.store.port import GraphStore

T = TypeVar("T")

MAX_RULES_BYTES: Final = 1_000_000


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


def plan_assignment(rules: TerritoryRules, accounts: Iterable[Account]) -> list[Move]:
    """The moves the rules make among ``accounts`` (those whose territory changes), in
    the order given. An account's ancestors are looked up among ``accounts``."""
    by_id: dict[str, Account] = {a.id: a for a in accounts}
    give = rules_assigner(rules)
    moves = []
    for account in by_id.values():
        given = give(account, parent_chain(by_id, account))
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
