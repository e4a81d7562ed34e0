"""What every phase of the account builder shares: the plan, the run's context, the rows' sink,
a committee seat, the builder's state, and the draws it makes.

:class:`BuilderState` holds the state of one account as plain lists indexed by a
local contact number (times are POSIX seconds); the phases (:mod:`.org`,
:mod:`.committee`, :mod:`.touches`, :mod:`.history`, :mod:`.deals`) add the
methods that fill it, and :class:`~graphcrm.generator.account.builder.AccountBuilder`
turns it into rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, TypeVar

from graphcrm.domain import (
    Account,
    CloseDateChange,
    Contact,
    Deal,
    DealRole,
    Influence,
    InfluenceKind,
    InfluenceSource,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    StageChange,
    Touchpoint,
)
from graphcrm.generator.oracle import DealTruth
from graphcrm.generator.outcome import Coefficients, OutcomeOptions
from graphcrm.generator.profiles import PROFILES
from graphcrm.generator.sectors import Department, Sector, SectorProfile

T = TypeVar("T")

DAY: Final = 86_400
WEEK: Final = 7 * DAY
NEVER: Final = 1 << 62
"""``left`` of a contact who never leaves."""

SENIORITY: Final = (
    Seniority.C_LEVEL,  # index 0 unused: levels run 1..5
    Seniority.C_LEVEL,
    Seniority.VP,
    Seniority.DIRECTOR,
    Seniority.MANAGER,
    Seniority.INDIVIDUAL_CONTRIBUTOR,
)


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """What the portfolio decides about an account before building it.

    ``family`` names the holding group the account belongs to (``member`` 0
    is the parent; ``family_repeat`` counts earlier groups of the same family
    name); ``country`` is fixed for group members and drawn by the builder
    otherwise.
    """

    index: int
    id: str
    sector: Sector
    size: int
    parent_id: str | None = None
    family: str | None = None
    family_repeat: int = 0
    member: int = 0
    is_parent: bool = False
    country: str | None = None


def seeded(seed: int, stream: str | int) -> random.Random:
    """The generator of one named stream of a run: ``random.Random(f"{seed}:{stream}")``."""
    return random.Random(f"{seed}:{stream}")  # noqa: S311 - a seeded simulation, not cryptography


@dataclass(frozen=True, slots=True)
class Context:
    """Run-wide settings and the reps, shared by every account.

    ``seed`` names the options' own streams; ``coefficients`` are the
    portfolio's outcome weights (drawn when ``options.random_coefficients``).
    """

    now: int
    history_days: int
    deals_per_account: float
    committee_mean: float
    international_share: float
    reps_by_territory: dict[str, tuple[str, ...]]
    name_offset: int
    seed: int
    options: OutcomeOptions
    coefficients: Coefficients


class Sink:
    """The rows of one chunk: ``base`` collections and the departures batch.

    ``truths``, when a list, collects the :class:`DealTruth` of every closed
    deal (for the oracle); ``None`` skips building them.
    """

    __slots__ = (
        "accounts",
        "close_date_changes",
        "contacts",
        "deal_roles",
        "deals",
        "departures",
        "influences",
        "rep_knows",
        "reports_to",
        "stage_changes",
        "touchpoints",
        "truths",
    )

    def __init__(self, truths: list[DealTruth] | None = None) -> None:
        self.accounts: list[Account] = []
        self.contacts: list[Contact] = []
        self.reports_to: list[ReportsTo] = []
        self.influences: list[Influence] = []
        self.rep_knows: list[RepKnows] = []
        self.deals: list[Deal] = []
        self.stage_changes: list[StageChange] = []
        self.close_date_changes: list[CloseDateChange] = []
        self.deal_roles: list[DealRole] = []
        self.touchpoints: list[Touchpoint] = []
        self.departures: list[Contact] = []
        self.truths = truths


def as_datetime(ts: int) -> datetime:
    """The instant of POSIX seconds ``ts``, in UTC."""
    return datetime.fromtimestamp(ts, UTC)


def as_date(ts: int) -> date:
    """The UTC day of POSIX seconds ``ts``."""
    return datetime.fromtimestamp(ts, UTC).date()


class Member:
    """One contact's seat on one deal: role intervals ``(start, end, roles)``."""

    __slots__ = ("c", "intervals", "primary", "slot", "stance", "touch_times", "touches", "weight")

    def __init__(self, c: int, slot: int, roles: frozenset[Role], start: int) -> None:
        self.c = c
        self.slot = slot
        self.intervals: list[tuple[int, int, frozenset[Role]]] = [(start, NEVER, roles)]
        self.primary = False
        self.stance = 0
        self.touches = 0
        self.touch_times: list[int] = []  # of the deal's touchpoints that reached the member
        self.weight = 0.0

    @property
    def roles(self) -> frozenset[Role]:
        return self.intervals[-1][2]

    def set_roles(self, roles: frozenset[Role]) -> None:
        start, end, _ = self.intervals[-1]
        self.intervals[-1] = (start, end, roles)


class BuilderState:
    """The state of one account being built, and the seeded generator that draws it.

    Attributes set by :meth:`~graphcrm.generator.account.builder.AccountBuilder.build`
    (the place, the company, the reps) and by the org phase (the departments)
    are declared here; the phases read them.
    """

    out: Sink
    country: str
    territory: str
    tr: bool
    turkish_share: float
    name: str
    short: str
    domain: str
    currency: str
    phone_prefix: str
    tier: int
    reps: tuple[str, ...]
    owner: str
    since: int
    tp_seq: int
    depts: list[Department]
    dept_members: list[list[int]]
    """Each department's people, ordered by level."""
    dept_late: list[list[int]]
    """Each department's replacements, hired after the org was built."""
    dept_index: dict[str, int]

    def __init__(self, plan: AccountPlan, ctx: Context, rng: random.Random) -> None:
        self.plan = plan
        self.ctx = ctx
        self.rng = rng
        self.rnd = rng.random
        self.profile: SectorProfile = PROFILES[plan.sector]
        self.aid = plan.id
        # contacts, by local number
        self.cids: list[str] = []
        self.info: list[
            tuple[str, str | None, str | None, str | None]
        ] = []  # name, mail, phone, url
        self.level: list[int] = []
        self.dept: list[int] = []  # index into self.depts; -1 = executive management
        self.title: list[str] = []
        self.manager: list[int] = []
        self.reports: dict[int, list[int]] = {}  # direct reports of managers
        self.hired: list[int] = []
        self.left: list[int] = []
        self.ties: list[int] = []  # advises/trusts edges as influencer
        self.hidden: set[int] = set()
        self.stay: set[int] = set()  # may not leave
        self.replaced_by: dict[int, int] = {}
        self.deal_count: dict[int, int] = {}  # deals a contact sits on
        self.email_seen: set[str] = set()
        self.edges: list[tuple[int, int, InfluenceKind, float, InfluenceSource, int]] = []
        self.edge_keys: set[int] = set()
        self.dotted: list[tuple[int, int]] = []
        self.knows: dict[tuple[str, int], float] = {}
        # the options' own streams, only when the option is on
        opts = ctx.options
        self.stance_rng = seeded(ctx.seed, f"{plan.index}:stances") if opts.stance_noise else None
        self.hidden_rng = seeded(ctx.seed, f"{plan.index}:hidden") if opts.hidden_driver else None

    def _active(self, i: int, t: int) -> bool:
        return self.hired[i] <= t < self.left[i]


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def weighted(pairs: Sequence[tuple[T, float]], u: float) -> T:
    """The value whose weight interval holds ``u`` (weights summing to about 1)."""
    acc = 0.0
    for value, weight in pairs:
        acc += weight
        if u < acc:
            return value
    return pairs[-1][0]


def weighted_cum(pairs: Sequence[tuple[T, float]], u: float) -> T:
    """The first value whose cumulative threshold exceeds ``u``."""
    for value, upto in pairs:
        if u < upto:
            return value
    return pairs[-1][0]


def weighted_index(weights: Sequence[float], total: float, u: float) -> int:
    x = u * total
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if x < acc:
            return i
    return len(weights) - 1


def poisson(rnd: Callable[[], float], lam: float) -> int:
    limit = math.exp(-lam)
    k, p = 0, rnd()
    while p > limit:
        k += 1
        p *= rnd()
    return k
