"""Generation of one account: its people, their ties, our deals with it, and history.

The builder works on plain lists indexed by a local contact number and turns
them into domain rows at the end (:meth:`AccountBuilder.emit`). Times are
POSIX seconds until then. Invariants the store's validation relies on:

- a contact's solid manager always has a smaller local number, except a
  replacement's reports, which move to the replacement only after the
  departed manager's line has closed, so reporting lines never form a cycle;
- no two people in a direct reporting relation both leave, so a contact's
  solid line changes at most once (to the replacement of a departed manager);
- the primary contact of a deal never leaves and holds one open interval;
- a contact who leaves has every reporting line, influence edge and deal role
  closed at the departure; the departure itself (``status=left_company``) is
  written in a later batch, because a batch holds each contact once.

The :class:`~graphcrm.generator.outcome.OutcomeOptions` act in :meth:`AccountBuilder._deal`:
the outcome draw, the stage history (``_outcome_stages`` or ``_committee_stages``)
and the stance each ``DealRole`` row records (``_recorded_stance``; with a delay, a
seat's interval splits where its stance becomes known). The account's own stream
draws exactly what it draws without options.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final, TypeVar

from graphcrm.domain import (
    Account,
    CloseDateChange,
    Contact,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Direction,
    Influence,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointKind,
)
from graphcrm.domain.construct import construct
from graphcrm.generator import vocab
from graphcrm.generator.oracle import DealTruth, SeatTruth, features_as_of
from graphcrm.generator.outcome import (
    HIDDEN_MIN_TIES,
    Coefficients,
    DealFeatures,
    MemberFacts,
    OutcomeOptions,
    deal_features,
    influence_score,
    sigmoid,
)
from graphcrm.generator.sectors import (
    CEO_EN,
    CEO_TR,
    CONSTRUCTION_PROJECTS_EN,
    CONSTRUCTION_PROJECTS_TR,
    EXECUTIVE_DEPT_EN,
    EXECUTIVE_DEPT_TR,
    PROFILES,
    Department,
    Sector,
    SectorProfile,
    Slot,
)

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
_ADV, _TRU, _SPO, _OPP = (
    InfluenceKind.ADVISES,
    InfluenceKind.TRUSTS,
    InfluenceKind.SPONSORS,
    InfluenceKind.OPPOSES,
)
_KIND_BIT: Final = {_ADV: 0, _TRU: 1, _SPO: 2, _OPP: 3}
_MANUAL, _OBSERVED, _IMPORTED = (
    InfluenceSource.MANUAL,
    InfluenceSource.OBSERVED,
    InfluenceSource.IMPORTED,  # never ``inferred``: inferred ties are derived at read time
)
_TIE_CAP: Final = HIDDEN_MIN_TIES - 1
_CHANGE_ROLES: Final = (
    frozenset({Role.EVALUATOR}),
    frozenset({Role.INFLUENCER}),
    frozenset({Role.BUSINESS_USER}),
    frozenset({Role.TECHNICAL_BUYER}),
    frozenset({Role.EVALUATOR, Role.INFLUENCER}),
)
_LOST_AT_WEIGHTS: Final = (0.08, 0.17, 0.20, 0.17, 0.18, 0.13, 0.07)
_OPEN: Final = tuple(s for s in Stage if not s.is_closed)
_LAST_OPEN: Final = len(_OPEN) - 1
_DIRECTIONS: Final = {
    TouchpointKind.EMAIL: ((Direction.OUTBOUND, 0.6), (Direction.INBOUND, 1.0)),
    TouchpointKind.CALL: (
        (Direction.OUTBOUND, 0.5),
        (Direction.TWO_WAY, 0.9),
        (Direction.INBOUND, 1.0),
    ),
    TouchpointKind.LINKEDIN: ((Direction.OUTBOUND, 0.8), (Direction.INBOUND, 1.0)),
}
_GROUP_KINDS: Final = frozenset({TouchpointKind.MEETING, TouchpointKind.DEMO, TouchpointKind.POC})
_SUMMARIES_TR: Final = {TouchpointKind(k): v for k, v in vocab.SUMMARIES_TR.items()}
_SUMMARIES_EN: Final = {TouchpointKind(k): v for k, v in vocab.SUMMARIES_EN.items()}
_STANCES_TOP: Final = (-1, 0, 0, 0, 1, 1, 1, 1, 2, 2)
_STANCES_OTHER: Final = (-1, *(0,) * 10, *(1,) * 9, 2, 2, 2, 2)
_LEFT_TR, _LEFT_EN = "Şampiyon şirketten ayrıldı", "Champion left the company"
_OPP_TR, _OPP_EN = "İç muhalefet; rakip tercih edildi", "Internal opposition; competitor preferred"
_DARK_TR, _DARK_EN = "Müşteri yanıt vermedi, karar çıkmadı", "Went dark - no decision"
_BUDGET_TR, _BUDGET_EN = "Bütçe onayı alınamadı", "Budget not approved"


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


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _date(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


class _Member:
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


class AccountBuilder:
    """Builds one account from its plan with its own seeded generator."""

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

    # --- the account -------------------------------------------------------------

    def _choose_place(self) -> tuple[str, str]:
        """(country, territory): Turkish regions, or a territory abroad and one of its countries."""
        rnd, country = self.rnd, self.plan.country
        if country is None and rnd() >= self.ctx.international_share:
            country = "TR"
        if country == "TR":
            return "TR", _weighted(vocab.TR_TERRITORIES, rnd())
        if country is not None:
            territory = next(
                t for t, _, cs in vocab.INTL_TERRITORIES if any(c == country for c, _ in cs)
            )
            return country, territory
        territory, _, countries = _weighted([(e, e[1]) for e in vocab.INTL_TERRITORIES], rnd())
        return _weighted(countries, rnd()), territory

    def _company(self, country: str) -> tuple[str, str, str]:
        """(name, short name, e-mail domain).

        Stem and trade word come from a permutation of the account number, so
        accounts of one sector and language get distinct names unless their
        numbers differ by a multiple of the number of combinations (several
        hundred); the e-mail domain is always distinct.
        """
        plan, prof, rng = self.plan, self.profile, self.rng
        tr = country == "TR"
        if tr:
            words = prof.words_tr
            suffix = _pick(rng, vocab.TR_SUFFIXES)
        else:
            words = prof.words_de if country in vocab.GERMAN_SPEAKING else prof.words_en
            suffix = _pick(rng, vocab.INTL_SUFFIXES[country])
        stems = vocab.TR_COMPANY_STEMS if tr else vocab.INTL_COMPANY_STEMS
        if plan.family is None:
            combos = len(stems) * len(words)
            k = (plan.index * 7919 + self.ctx.name_offset) % combos
            stem, word = stems[k % len(stems)], words[k // len(stems)]
            repeat = plan.index // combos  # the same k comes back only in a later run of combos
        else:
            stem = plan.family
            word = words[plan.member % len(words)]
            repeat = plan.family_repeat * 10 + plan.member // len(words)
            if plan.is_parent:
                word = "Holding" if tr or country in vocab.GERMAN_SPEAKING else "Group"
                suffix = "A.Ş." if tr else suffix
        short = f"{stem} {word}"
        domain = f"{vocab.slug(short)}{repeat + 1 if repeat else ''}.{vocab.TLD[country]}"
        return f"{short} {suffix}", short, domain

    # --- people ----------------------------------------------------------------

    def _person(self, level: int, dept: int, title: str, manager: int, hired: int) -> int:
        rnd = self.rnd
        i = len(self.cids)
        if rnd() < self.turkish_share:
            firsts, lasts = vocab.TR_FIRST_F, vocab.TR_LAST_F
        else:
            firsts, lasts = vocab.INTL_FIRST_F, vocab.INTL_LAST_F
        first, fs = firsts[int(rnd() * len(firsts))]
        last, ls = lasts[int(rnd() * len(lasts))]
        email = phone = url = None
        if rnd() < 0.92:
            local = f"{fs}.{ls}"
            if local in self.email_seen:
                n = 2
                while f"{local}{n}" in self.email_seen:
                    n += 1
                local = f"{local}{n}"
            self.email_seen.add(local)
            email = f"{local}@{self.domain}"
        if rnd() < 0.45:
            if self.tr:
                phone = (
                    f"+90 5{30 + int(rnd() * 30)} {100 + int(rnd() * 900)} "
                    f"{10 + int(rnd() * 90)} {10 + int(rnd() * 90)}"
                )
            else:
                phone = f"{self.phone_prefix}{10_000_000 + int(rnd() * 90_000_000)}"
        if rnd() < 0.35:
            url = f"https://www.linkedin.com/in/{fs}-{ls}-{0x100000 + int(rnd() * 0xF00000):x}"
        self.cids.append(f"{self.aid}-C{i:04d}")
        self.info.append((f"{first} {last}", email, phone, url))
        self.level.append(level)
        self.dept.append(dept)
        self.title.append(title)
        self.manager.append(manager)
        if manager >= 0:
            reports = self.reports.get(manager)
            if reports is None:
                self.reports[manager] = [i]
            else:
                reports.append(i)
        self.hired.append(hired)
        self.left.append(NEVER)
        self.ties.append(0)
        return i

    def _build_org(self) -> None:
        rng, rnd, prof, n, tr = self.rng, self.rnd, self.profile, self.plan.size, self.tr
        since = self.since
        extra = list(prof.departments[prof.core :])
        rng.shuffle(extra)
        wanted = min(len(prof.departments), max(prof.core, 3 + n // 30))
        self.depts: list[Department] = (
            list(prof.departments[: prof.core]) + extra[: wanted - prof.core]
        )
        self.dept_members: list[list[int]] = [[] for _ in self.depts]  # ordered by level
        self.dept_late: list[list[int]] = [[] for _ in self.depts]  # replacements
        index = {d.key: k for k, d in enumerate(self.depts)}
        self.dept_index = index

        self._person(1, -1, CEO_TR if tr else CEO_EN, -1, since)
        n_exec = 1 + (n >= 60) + (n >= 300) + (n >= 1000)
        top: list[int] = [-1] * len(self.depts)
        for ex in prof.c_suite[:n_exec]:
            d = index.get(ex.dept)
            if d is not None:
                top[d] = self._person(1, d, ex.tr if tr else ex.en, 0, since)
                self.dept_members[d].append(top[d])
        head_level = 2 if n >= 150 else (3 if n >= 40 else 4)
        for d, dep in enumerate(self.depts):
            if top[d] < 0 and len(self.cids) < n:
                top[d] = self._person(head_level, d, dep.title(head_level, tr, 0), 0, since)
                self.dept_members[d].append(top[d])
        rest = n - len(self.cids)
        if rest <= 0:
            return
        weights = [dep.weight for dep in self.depts]
        total = sum(weights)
        counts = [int(rest * w / total) for w in weights]
        for _ in range(rest - sum(counts)):
            counts[_weighted_index(weights, total, rnd())] += 1
        for d, dep in enumerate(self.depts):
            self._fill_department(d, dep, top[d], counts[d])

    def _fill_department(self, d: int, dep: Department, head: int, m: int) -> None:
        if m <= 0:
            return
        rng, tr, since = self.rng, self.tr, self.since
        span = rng.randint(4, 8)
        layers: list[tuple[int, int]] = []
        below = m
        for lvl in range(4, self.level[head], -1):
            cnt = round(below / (span + 1)) if below > span else 0
            if cnt == 0:
                break
            layers.append((lvl, cnt))
            below = cnt
        layers.reverse()
        ics = m - sum(c for _, c in layers)
        layers.append((5, ics))
        parents = [head]
        members = self.dept_members[d]
        n_ic = len(dep.ic_tr)
        for lvl, cnt in layers:
            fresh = []
            title = dep.title(lvl, tr, 0) if lvl < 5 else ""
            np = len(parents)
            for j in range(cnt):
                if lvl == 5:
                    title = dep.title(5, tr, int(self.rnd() * n_ic))
                i = self._person(lvl, d, title, parents[j * np // cnt], since)
                fresh.append(i)
                members.append(i)
            parents = fresh

    # --- informal ties -----------------------------------------------------------

    def _edge(
        self,
        a: int,
        b: int,
        kind: InfluenceKind,
        strength: float,
        source: InfluenceSource,
        start: int,
    ) -> bool:
        if a == b:
            return False
        key = (((a << 20) | b) << 2) | _KIND_BIT[kind]
        if key in self.edge_keys:
            return False
        if kind is _ADV or kind is _TRU:
            if self.ties[a] >= _TIE_CAP and self.level[a] >= 4 and a not in self.hidden:
                return False
            self.ties[a] += 1
        self.edge_keys.add(key)
        self.edges.append((a, b, kind, round(strength, 2), source, start))
        return True

    def _build_ties(self) -> None:
        rng, rnd, since = self.rng, self.rnd, self.since
        n = len(self.cids)
        level = self.level
        # hidden influencers first: low rank, many colleagues advised or trusting them
        low = [i for i in range(1, n) if level[i] >= 4]
        seniors = [i for i in range(n) if level[i] <= 3]
        n_hidden = min(len(low), max(1, round(n * 0.025)))
        self.hidden.update(rng.sample(low, n_hidden))
        self.stay.update(self.hidden)
        self.stay.add(0)
        for h in sorted(self.hidden):
            want = rng.randint(HIDDEN_MIN_TIES, HIDDEN_MIN_TIES + 8)
            got = tries = 0
            while got < want and tries < 200:
                tries += 1
                b = _pick(rng, seniors) if seniors and rnd() < 0.4 else int(rnd() * n)
                kind = _ADV if rnd() < 0.6 else _TRU
                src = _MANUAL if rnd() < 0.5 else _OBSERVED
                got += self._edge(h, b, kind, 0.55 + 0.4 * rnd(), src, since)
        # along the hierarchy: managers advise (and are trusted by) some reports
        for m, reps in self.reports.items():
            for r in reps[:3] if len(reps) <= 3 else rng.sample(reps, 3):
                u = rnd()
                if u < 0.35:
                    src = _OBSERVED if rnd() < 0.5 else _MANUAL
                    self._edge(m, r, _ADV, 0.35 + 0.4 * rnd(), src, since)
                elif u < 0.45:
                    self._edge(m, r, _TRU, 0.35 + 0.4 * rnd(), _OBSERVED, since)
        # across it: peers trust each other, people seek advice in other departments
        dept, members = self.dept, self.dept_members
        for _ in range(int(n * 0.3)):
            i = 1 + int(rnd() * (n - 1))
            pool = members[dept[i]] if dept[i] >= 0 else seniors
            j = pool[int(rnd() * len(pool))]
            self._edge(
                j, i, _TRU, 0.2 + 0.5 * rnd(), _OBSERVED if rnd() < 0.6 else _IMPORTED, since
            )
        for _ in range(int(n * 0.2)):
            i, j = int(rnd() * n), int(rnd() * n)
            if dept[i] != dept[j]:
                self._edge(
                    j, i, _ADV, 0.2 + 0.4 * rnd(), _MANUAL if rnd() < 0.5 else _IMPORTED, since
                )
        juniors = low or [0]
        for _ in range(int(n * 0.06)):
            j, i = _pick(rng, seniors), _pick(rng, juniors)
            self._edge(j, i, _SPO, 0.4 + 0.5 * rnd(), _MANUAL, since)
        for _ in range(int(n * 0.05)):
            i, j = int(rnd() * n), int(rnd() * n)
            if dept[i] != dept[j]:
                self._edge(
                    j, i, _OPP, 0.3 + 0.5 * rnd(), _MANUAL if rnd() < 0.7 else _OBSERVED, since
                )
        # dotted lines to a senior elsewhere, always to an earlier contact (no cycles)
        for i in range(1, n):
            if level[i] in (3, 4) and rnd() < 0.06:
                for _ in range(4):
                    t = _pick(rng, seniors)
                    if t < i and dept[t] != dept[i] and t != self.manager[i]:
                        self.dotted.append((i, t))
                        break

    # --- departures ----------------------------------------------------------------

    def _can_leave(self, i: int) -> bool:
        left = self.left
        if i in self.stay or left[i] != NEVER or self.manager[i] < 0:
            return False
        if left[self.manager[i]] != NEVER:
            return False
        return all(left[r] == NEVER for r in self.reports.get(i, ()))

    def _leave(self, i: int, t: int) -> None:
        self.left[i] = t
        if i in self.reports or self.rnd() < 0.6:
            d = self.dept[i]
            x = self._person(self.level[i], d, self.title[i], self.manager[i], t)
            self.replaced_by[i] = x
            self.stay.add(x)
            if d >= 0:
                self.dept_late[d].append(x)
            self._edge(self.manager[i], x, _SPO, 0.5 + 0.3 * self.rnd(), _MANUAL, t)

    def _generic_departures(self) -> None:
        rnd, prof = self.rnd, self.profile
        n = len(self.cids)
        window = self.ctx.now - DAY - (self.since + 30 * DAY)
        rotation = {k for k, d in enumerate(self.depts) if d.key in prof.rotation_depts}
        for i in range(1, n):
            p = prof.departure_rate * (2.0 if self.dept[i] in rotation else 1.0)
            if rnd() < p:
                t = self.since + 30 * DAY + int(rnd() * window)
                if self._can_leave(i):
                    self._leave(i, t)

    def _active(self, i: int, t: int) -> bool:
        return self.hired[i] <= t < self.left[i]

    # --- deals -----------------------------------------------------------------------

    def _eligible(self, i: int, t: int, taken: set[int], primary: bool) -> bool:
        left = self.left[i]
        return i not in taken and self.hired[i] <= t < left and (not primary or left == NEVER)

    def _pick_for_slot(self, slot: Slot, t: int, taken: set[int], *, primary: bool) -> int:
        """A contact for ``slot``: in its departments and level range, active at ``t``.

        Department lists are ordered by level (replacements are kept apart), so
        the level range is a slice found by bisection, and a few random probes
        usually find someone without scanning a large department.
        """
        lo, hi = slot.levels
        rnd, ok, level_of = self.rnd, self._eligible, self.level.__getitem__
        ranges: list[tuple[list[int], int, int]] = []
        late: list[int] = []
        total = 0
        for key in slot.depts:
            d = self.dept_index.get(key)
            if d is None:
                continue
            mem = self.dept_members[d]
            a = bisect_left(mem, lo, key=level_of)
            b = bisect_right(mem, hi, key=level_of)
            if b > a:
                ranges.append((mem, a, b))
                total += b - a
            if self.dept_late[d]:
                late += [
                    i
                    for i in self.dept_late[d]
                    if lo <= level_of(i) <= hi and ok(i, t, taken, primary)
                ]
        if slot.most_senior:
            best: list[int] = []
            best_level = 9
            for mem, a, b in ranges:
                for k in range(a, b):
                    i = mem[k]
                    lvl = level_of(i)
                    if lvl > best_level or (best and lvl == best_level and len(best) >= 30):
                        break
                    if ok(i, t, taken, primary):
                        if lvl < best_level:
                            best, best_level = [], lvl
                        best.append(i)
            best += [i for i in late if level_of(i) == best_level]
            if best:
                return best[int(rnd() * len(best))]
        elif total:
            if late and rnd() * (total + len(late)) < len(late):
                return late[int(rnd() * len(late))]
            for _ in range(12):
                k = int(rnd() * total)
                for mem, a, b in ranges:
                    if k < b - a:
                        i = mem[a + k]
                        break
                    k -= b - a
                if ok(i, t, taken, primary):
                    return i
            cands = [
                mem[k] for mem, a, b in ranges for k in range(a, b) if ok(mem[k], t, taken, primary)
            ]
            cands += late
            if cands:
                return cands[int(rnd() * len(cands))]
        elif late:
            return late[int(rnd() * len(late))]
        # nobody fits: anyone active, preferring the level range
        n = len(self.cids)
        first = int(rnd() * n)
        fallback = -1
        for k in range(n):
            i = (first + k) % n
            if ok(i, t, taken, primary):
                if lo <= level_of(i) <= hi:
                    return i
                if fallback < 0:
                    fallback = i
        return fallback

    def _committee(self, t0: int, span: int) -> list[_Member]:
        rng, rnd, prof = self.rng, self.rnd, self.profile
        p = (self.ctx.committee_mean - 3.0) / 12.0
        size = 3 + sum(rnd() < p for _ in range(12))
        slots: list[Slot] = list(prof.committee[:size])
        for _ in range(size - len(slots)):
            slots.append(Slot(frozenset({_pick(rng, prof.extra_roles)}), prof.extra_depts, (3, 5)))
        taken: set[int] = set()
        members: list[_Member] = []
        for k, slot in enumerate(slots):
            start = t0 if k < 3 or rnd() < 0.75 else t0 + int(rnd() * 0.4 * span)
            c = self._pick_for_slot(slot, start, taken, primary=k == 0)
            if c < 0:
                if k == 0:
                    raise RuntimeError(
                        f"account {self.aid}: nobody can be a deal's primary contact"
                    )
                continue
            taken.add(c)
            m = _Member(c, k, slot.roles, start)
            members.append(m)
        members[0].primary = True
        self.stay.add(members[0].c)
        return members

    def _stances(self, members: list[_Member]) -> tuple[_Member | None, _Member | None]:
        rng, rnd, prof = self.rng, self.rnd, self.profile
        for m in members:
            m.stance = _pick(rng, _STANCES_TOP if m.slot < 2 else _STANCES_OTHER)
        champion: _Member | None = None
        others = [m for m in members if m.slot >= 2]
        if others and rnd() < 0.75:
            weights = [
                4.0 if m.c in self.hidden else (2.0 if self.level[m.c] in (3, 4) else 1.0)
                for m in others
            ]
            champion = others[_weighted_index(weights, sum(weights), rnd())]
            champion.set_roles(champion.roles | {Role.CHAMPION})
            champion.stance = 2 if rnd() < 0.8 else 1
        blocker: _Member | None = None
        rest = [m for m in others if m is not champion]
        if rest and rnd() < prof.blocker_rate:
            keys = set(prof.blocker_depts)
            weights = [
                3.0 if self.dept[m.c] >= 0 and self.depts[self.dept[m.c]].key in keys else 1.0
                for m in rest
            ]
            blocker = rest[_weighted_index(weights, sum(weights), rnd())]
            blocker.stance = -2 if rnd() < 0.6 else -1
            if rnd() < 0.5:
                blocker.set_roles(blocker.roles | {Role.BLOCKER})
        return champion, blocker

    def _role_events(
        self, members: list[_Member], end: int, skip: tuple[_Member | None, ...]
    ) -> None:
        rng, rnd = self.rng, self.rnd
        for m in members:
            if m.slot < 2 or m in skip or self.left[m.c] != NEVER:
                continue
            start = m.intervals[0][0]
            length = end - start
            if length < 30 * DAY:
                continue
            u = rnd()
            if u < self.profile.role_change_rate:
                t = start + int((0.2 + 0.7 * rnd()) * length)
                new = _pick(rng, _CHANGE_ROLES)
                if new == m.roles or Role.ECONOMIC_BUYER in m.roles:
                    continue
                m.intervals[-1] = (start, t, m.roles)
                m.intervals.append((t, NEVER, new))
                self.stay.add(m.c)
            elif u < self.profile.role_change_rate + 0.03:
                t1 = start + int((0.3 + 0.4 * rnd()) * length)
                m.intervals[-1] = (start, t1, m.roles)
                t2 = t1 + int((14 + 31 * rnd()) * DAY)
                if t2 < end - DAY and rnd() < 0.5:
                    m.intervals.append((t2, NEVER, m.roles))
                self.stay.add(m.c)

    def _touch_times(self, t0: int, end: int, gap: float, stale: bool, is_open: bool) -> list[int]:
        rnd = self.rnd
        times: list[int] = []
        t = t0 + int(rnd() * 3 * DAY)
        silence = at = 0
        if stale:
            silence = int((50 + 60 * rnd()) * DAY)
            if is_open and rnd() < 0.4:
                at = end - silence  # went dark: nothing since
            else:
                at = t0 + int((0.15 + 0.6 * rnd()) * (end - t0))
        step = gap * DAY
        while t < end and len(times) < 120:
            if stale and t >= at:
                if is_open and at == end - silence:
                    break
                t += silence
                stale = False
                if t >= end:
                    break
            times.append(t)
            t += int((0.3 + 1.4 * rnd()) * step) + 3600
        return times

    def _deal(self, k: int, t0: int) -> None:
        rng, rnd, prof, ctx = self.rng, self.rnd, self.profile, self.ctx
        now = ctx.now
        lo, hi = prof.cycle_days
        planned = int((lo + (hi - lo) * rnd()) * DAY)
        stale = rnd() < 0.25
        duration = int(planned * math.exp(rng.gauss(0.05, 0.18)))
        if stale:
            duration += int(40 * DAY * rnd())
        end_full = t0 + duration
        closed = end_full < now - 3600
        end = end_full if closed else now
        members = self._committee(t0, end - t0)
        champion, blocker = self._stances(members)

        # the champion may leave mid-deal (only someone on no other deal)
        if (
            champion is not None
            and rnd() < prof.champion_loss_rate
            and self.deal_count.get(champion.c, 0) == 0
            and self._can_leave(champion.c)
        ):
            t_leave = t0 + int((0.25 + 0.65 * rnd()) * (end - t0))
            if t_leave > champion.intervals[0][0] + DAY:
                self._leave(champion.c, t_leave)
        if champion is not None and self.left[champion.c] < end and rnd() < 0.5:
            self._successor(champion, members, end)
        self._role_events(members, end, (champion, blocker))
        for m in members:
            self.deal_count[m.c] = self.deal_count.get(m.c, 0) + 1

        # engagement: who the touchpoints reach
        theta = 0.2 + 0.8 * rnd()
        for m in members:
            if m is champion:
                m.weight = 3.0 if rnd() < 0.65 else 0.15
            elif m.slot == 1:
                m.weight = 1.0 if rnd() < 0.6 else 0.0
            elif m.slot == 0:
                m.weight = 1.0 if rnd() < max(theta, 0.5) else 0.0
            else:
                m.weight = 1.0 if rnd() < theta else 0.0
        if not any(m.weight for m in members):
            members[0].weight = 1.0

        owner = self.owner if rnd() < 0.85 else _pick(rng, self.reps)
        presales = [r for r in self.reps if r != owner]
        did = f"{self.aid}-D{k:03d}"
        tps = self._touchpoints(did, members, t0, end, stale, not closed, owner, presales)

        # outcome: one uniform draw against P(won) of the documented model; with
        # options that change the outcome, the same draw against their P(won)
        opts, k_portfolio = ctx.options, ctx.coefficients
        hidden = self.hidden_rng.gauss() if self.hidden_rng is not None else 0.0
        won = documented = False
        features: DealFeatures | None = None
        if closed:
            facts = [
                MemberFacts(
                    roles=m.roles,
                    stance=m.stance,
                    influence=influence_score(SENIORITY[self.level[m.c]], self.ties[m.c]),
                    touches=m.touches,
                    left_before_close=self.left[m.c] <= end,
                )
                for m in members
            ]
            features = deal_features(facts, tps, created=t0, closed=end)
            u = rnd()
            won = documented = u < features.win_probability()
            if opts.changes_the_outcome:
                won = u < sigmoid(features.logit(k_portfolio) + k_portfolio.hidden * hidden)

        # The account's stream always draws the history of the documented outcome,
        # so options leave every other row of the account as it was; the history
        # the options call for comes from the deal's own stream.
        stage_rows, current = self._outcome_stages(rng, did, t0, end, end_full, closed, documented)
        close_rows, expected = self._close_dates(
            did, t0, planned, duration, end if closed else None
        )
        loss_reason = self._loss_reason(rng, current, features)
        by_committee = opts.stages == "committee"
        seats = self._seats(members) if by_committee or self.out.truths is not None else ()
        if by_committee or won != documented:
            own = seeded(ctx.seed, f"{self.plan.index}:{k}:stages")
            if by_committee:
                stage_rows, current = self._committee_stages(
                    own, did, seats, tps, t0, end, end_full, closed, won
                )
            else:
                stage_rows, current = self._outcome_stages(own, did, t0, end, end_full, closed, won)
            if won != documented:
                loss_reason = self._loss_reason(own, current, features)

        # the deal row
        n_comp = _weighted_index((0.3, 0.4, 0.2, 0.1), 1.0, rnd())
        competitors = tuple(rng.sample(prof.competitors, n_comp)) if n_comp else ()
        out = self.out
        out.deals.append(
            construct(
                Deal,
                {
                    "id": did,
                    "account_id": self.aid,
                    "name": self._deal_name(t0 + planned),
                    "amount": self._amount(),
                    "currency": self.currency,
                    "stage": current,
                    "expected_close": expected,
                    "competitors": competitors,
                    "loss_reason": loss_reason,
                    "owner_id": owner,
                },
            )
        )
        out.stage_changes.extend(stage_rows)
        out.close_date_changes.extend(close_rows)

        # committee rows, closing every seat at the member's departure; the stance
        # they record may be noisy or late (OutcomeOptions), the outcome's is true
        delay = opts.stance_delay_days * DAY
        for m in members:
            c = m.c
            gone = self.left[c]
            cid = self.cids[c]
            stance = m.stance
            if self.stance_rng is not None:
                stance = self._recorded_stance(self.stance_rng, stance)
            known = m.intervals[0][0] + delay if stance and delay else None
            for start, stop, roles in m.intervals:
                if start >= gone:
                    break
                stop = min(stop, gone)
                pieces: tuple[tuple[int, int, int], ...]
                if known is None or known <= start:
                    pieces = ((start, stop, stance),)
                elif known >= min(stop, end):
                    pieces = ((start, stop, 0),)
                else:
                    pieces = ((start, known, 0), (known, stop, stance))
                for a, b, recorded in pieces:
                    out.deal_roles.append(
                        construct(
                            DealRole,
                            {
                                "valid_from": _dt(a),
                                "valid_to": None if b == NEVER else _dt(b),
                                "deal_id": did,
                                "contact_id": cid,
                                "roles": roles,
                                "is_primary": m.primary,
                                "stance": recorded,
                            },
                        )
                    )
        if closed and out.truths is not None:
            out.truths.append(
                DealTruth(
                    deal_id=DealId(did),
                    created=t0,
                    closed=end,
                    won=won,
                    hidden=hidden,
                    seats=seats,
                    touch_times=tuple(tps),
                    stage_times=tuple(int(r.at.timestamp()) for r in stage_rows),
                    stages=tuple(r.to_stage for r in stage_rows),
                )
            )
        # No RepKnows from the deal: its strength would count the deal's touches to
        # its end, which a read at an earlier date must not see. The owner is on
        # every touchpoint, so the store's rep ties carry the relationship, dated.
        if blocker is not None and champion is not None:
            self._edge(blocker.c, champion.c, _OPP, 0.4 + 0.5 * rnd(), _OBSERVED, t0)

    def _outcome_stages(
        self,
        rng: random.Random,
        did: str,
        t0: int,
        end: int,
        end_full: int,
        closed: bool,
        won: bool,
    ) -> tuple[list[StageChange], Stage]:
        """The stage history drawn after the outcome (``stages="outcome"``).

        A won deal (and an open one) heads for closing, a lost deal for a stage
        drawn from ``_LOST_AT_WEIGHTS``, with skips and setbacks on the way; the
        moves fall at random times over the deal's full life, and those after
        ``now`` are not written.
        """
        rnd = rng.random
        lost = closed and not won
        target = _weighted_index(_LOST_AT_WEIGHTS, 1.0, rnd()) if lost else _LAST_OPEN
        path = [0]
        s = 0
        while s < target and len(path) < 16:
            u = rnd()
            if s >= 2 and u < 0.1:
                s -= 1 + (rnd() < 0.3)
            elif u < 0.22 and s + 2 <= target:
                s += 2
            else:
                s += 1
            path.append(s)
        stages: list[Stage] = [_OPEN[x] for x in path]
        if closed:
            stages.append(Stage.CLOSED_WON if won else Stage.CLOSED_LOST)
        moves = len(stages) - 1
        times = sorted(t0 + 60 + int(rnd() * (end_full - t0 - 120)) for _ in range(moves))
        if closed:
            times[-1] = end
        times = [t0, *times]
        for j in range(1, len(times)):
            if times[j] <= times[j - 1]:
                times[j] = times[j - 1] + 1
        return self._stage_rows(did, times, stages)

    def _committee_stages(
        self,
        rng: random.Random,
        did: str,
        seats: Sequence[SeatTruth],
        touch_times: Sequence[int],
        t0: int,
        end: int,
        end_full: int,
        closed: bool,
        won: bool,
    ) -> tuple[list[StageChange], Stage]:
        """The stage history driven by the committee (``stages="committee"``).

        Every week after the creation the deal is reviewed. Its target stage is
        ``min(clock, ceiling)``: ``clock = floor(7 x)`` for the share ``x`` of
        its full life gone by (0 prospecting to 6 closing), and ``ceiling =
        min(6, 1 + floor(7 r))`` for the committee's readiness then,
        ``r = clip(0.5 min(1, 2C) + 0.25 [E = 1] + 0.25 M - 0.5 [E = -1] - 0.5 L, 0, 1)``
        over the true drivers as of the review (:func:`features_as_of`). Below
        its target the deal moves up with probability 0.6 (two stages at once
        with probability 0.25 when the target is that far), above it down one
        with probability 0.3. Two uniform draws per review, whatever happens,
        so the path is the same whether the deal is then won or lost. A closed
        deal closes at its end from the stage it stands in.
        """
        rnd = rng.random
        span = end_full - t0
        s = 0
        times, path = [t0], [0]
        t = t0 + WEEK
        while t < end:
            f = features_as_of(seats, touch_times, created=t0, at=t)
            readiness = (
                0.5 * min(1.0, 2.0 * f.champion)
                + 0.25 * (f.economic_buyer == 1)
                + 0.25 * f.threading
                - 0.5 * (f.economic_buyer == -1)
                - 0.5 * f.champion_left
            )
            ceiling = 1 + int(7 * max(0.0, readiness))
            target = min(_LAST_OPEN, 7 * (t - t0) // span, ceiling)
            u, v = rnd(), rnd()
            moved = s
            if target > s and u < 0.6:
                moved = s + (2 if target >= s + 2 and v < 0.25 else 1)
            elif target < s and u < 0.3:
                moved = s - 1
            if moved != s:
                s = moved
                times.append(t)
                path.append(s)
            t += WEEK
        stages = [_OPEN[x] for x in path]
        if closed:
            times.append(end)
            stages.append(Stage.CLOSED_WON if won else Stage.CLOSED_LOST)
        return self._stage_rows(did, times, stages)

    def _stage_rows(
        self, did: str, times: Sequence[int], stages: Sequence[Stage]
    ) -> tuple[list[StageChange], Stage]:
        """The ``StageChange`` rows of a path up to ``now``, and the stage at ``now``."""
        now = self.ctx.now
        rows: list[StageChange] = []
        prev: Stage | None = None
        for t, stage in zip(times, stages, strict=True):
            if t > now:
                break
            rows.append(
                construct(
                    StageChange,
                    {"deal_id": did, "at": _dt(t), "from_stage": prev, "to_stage": stage},
                )
            )
            prev = stage
        return rows, prev if prev is not None else Stage.PROSPECTING

    def _loss_reason(
        self, rng: random.Random, current: Stage, features: DealFeatures | None
    ) -> str | None:
        """Why a lost deal was lost, from its drivers (``None`` unless ``closed_lost``)."""
        if current is not Stage.CLOSED_LOST or features is None:
            return None
        tr, prof = self.tr, self.profile
        if features.champion_left:
            return _LEFT_TR if tr else _LEFT_EN
        if features.opposition >= 0.6:
            return _OPP_TR if tr else _OPP_EN
        if features.stale:
            return _DARK_TR if tr else _DARK_EN
        if features.economic_buyer <= 0 and rng.random() < 0.5:
            return _BUDGET_TR if tr else _BUDGET_EN
        return _pick(rng, prof.loss_reasons_tr if tr else prof.loss_reasons_en)

    def _seats(self, members: Sequence[_Member]) -> tuple[SeatTruth, ...]:
        """The committee as the oracle knows it: true stances, every touch, departures."""
        return tuple(
            SeatTruth(
                contact_id=self.cids[m.c],
                starts=tuple(a for a, _, _ in m.intervals),
                roles=tuple(r for _, _, r in m.intervals),
                stance=m.stance,
                influence=influence_score(SENIORITY[self.level[m.c]], self.ties[m.c]),
                touches=tuple(m.touch_times),
                left=self.left[m.c],
            )
            for m in members
        )

    def _recorded_stance(self, rng: random.Random, true: int) -> int:
        """The stance the CRM records: one step off the true one with probability ``stance_noise``.

        Two draws from the account's stance stream per seat, whatever happens.
        """
        flip, up = rng.random(), rng.random()
        if flip >= self.ctx.options.stance_noise:
            return true
        step = 1 if up < 0.5 else -1
        if not -2 <= true + step <= 2:
            step = -step
        return true + step

    def _close_dates(
        self, did: str, t0: int, planned: int, duration: int, closed_at: int | None
    ) -> tuple[list[CloseDateChange], date]:
        """The first estimate, the slips while the deal runs long, and the actual date."""
        now = self.ctx.now
        expected = _date(t0 + planned)
        rows = [
            construct(
                CloseDateChange,
                {"deal_id": did, "at": _dt(t0), "from_date": None, "to_date": expected},
            )
        ]
        last = t0
        overrun = duration - planned
        if overrun > planned * 0.05:
            slips = 1 + (overrun > 30 * DAY) + (overrun > 90 * DAY)
            first = t0 + int(planned * 0.6)
            stop = min(t0 + duration, now)
            for j in range(slips):
                at = first + int((j + self.rnd()) / slips * (stop - first))
                if at <= last or at >= stop:
                    continue
                new = _date(max(at + 7 * DAY, t0 + planned + (j + 1) * overrun // slips))
                if new != expected:
                    rows.append(
                        construct(
                            CloseDateChange,
                            {"deal_id": did, "at": _dt(at), "from_date": expected, "to_date": new},
                        )
                    )
                    expected, last = new, at
        if closed_at is not None and _date(closed_at) != expected:
            actual = _date(closed_at)
            rows.append(
                construct(
                    CloseDateChange,
                    {
                        "deal_id": did,
                        "at": _dt(closed_at),
                        "from_date": expected,
                        "to_date": actual,
                    },
                )
            )
            expected = actual
        return rows, expected

    def _successor(self, champion: _Member, members: list[_Member], end: int) -> None:
        """Someone takes the departed champion's seat two weeks later."""
        t = self.left[champion.c] + 14 * DAY
        if t >= end - DAY:
            return
        taken = {m.c for m in members}
        x = self.replaced_by.get(champion.c, -1)
        if x < 0 or x in taken:
            d = self.dept[champion.c]
            pool = self.dept_members[d] + self.dept_late[d] if d >= 0 else []
            cands = [
                i for i in pool if i not in taken and self._active(i, t) and self.left[i] == NEVER
            ]
            if not cands:
                return
            x = cands[int(self.rnd() * len(cands))]
        roles = frozenset({Role.EVALUATOR}) if self.rnd() < 0.5 else frozenset({Role.INFLUENCER})
        m = _Member(x, len(members) + 100, roles, t)
        m.stance = 0 if self.rnd() < 0.6 else 1
        members.append(m)
        self.stay.add(x)

    def _touchpoints(
        self,
        did: str,
        members: list[_Member],
        t0: int,
        end: int,
        stale: bool,
        is_open: bool,
        owner: str,
        presales: list[str],
    ) -> list[int]:
        rng, rnd, prof, tr = self.rng, self.rnd, self.profile, self.tr
        times = self._touch_times(t0, end, prof.touch_gap_days, stale, is_open)
        kinds = prof.kind_weights
        summaries = _SUMMARIES_TR if tr else _SUMMARIES_EN
        extra = prof.summaries_tr if tr else prof.summaries_en
        span = max(1, end - t0)
        kept: list[int] = []
        hired, left, cids = self.hired, self.left, self.cids
        # when each member can be reached: on the committee and still employed
        windows = [
            (m, [(max(a, hired[m.c]), min(b, left[m.c])) for a, b, _ in m.intervals])
            for m in members
        ]
        for t in times:
            pool: list[_Member] = []
            backup: list[_Member] = []
            for m, wins in windows:
                for a, b in wins:
                    if a <= t < b:
                        (pool if m.weight else backup).append(m)
                        break
            if not pool:
                pool = backup
                if not pool:
                    continue
            phase = (t - t0) / span
            u = rnd()
            if 0.3 <= phase < 0.75 and u < 0.3:
                kind = (
                    TouchpointKind.DEMO
                    if prof.sector is Sector.SAAS and u < 0.18
                    else TouchpointKind.MEETING
                )
                if kind is TouchpointKind.DEMO and u < 0.07:
                    kind = TouchpointKind.POC
            else:
                kind = _weighted(kinds, rnd())
            want = (
                (2 + (rnd() < 0.4) + (rnd() < 0.2)) if kind in _GROUP_KINDS else 1 + (rnd() < 0.25)
            )
            chosen: list[_Member] = []
            weights = [m.weight or 0.3 for m in pool]
            total = sum(weights)
            while pool and len(chosen) < want:
                j = _weighted_index(weights, total, rnd())
                chosen.append(pool.pop(j))
                total -= weights.pop(j)
            stance = 0
            for m in chosen:
                m.touches += 1
                m.touch_times.append(t)
                stance += m.stance
            directions = _DIRECTIONS.get(kind)
            direction = (
                Direction.TWO_WAY if directions is None else _weighted_cum(directions, rnd())
            )
            reps: tuple[str, ...] = (owner,)
            if kind in _GROUP_KINDS and presales and rnd() < 0.4:
                reps = (owner, _pick(rng, presales))
            summary = _pick(rng, extra) if rnd() < 0.35 else _pick(rng, summaries[kind])
            sentiment = max(-1.0, min(1.0, 0.3 * stance / len(chosen) + 0.6 * (rnd() - 0.5)))
            self.tp_seq += 1
            self.out.touchpoints.append(
                construct(
                    Touchpoint,
                    {
                        "id": f"{self.aid}-T{self.tp_seq:05d}",
                        "account_id": self.aid,
                        "kind": kind,
                        "direction": direction,
                        "at": _dt(t),
                        "contact_ids": tuple([cids[m.c] for m in chosen]),
                        "rep_ids": reps,
                        "deal_id": did,
                        "sentiment": round(sentiment, 2),
                        "summary": summary,
                    },
                )
            )
            kept.append(t)
        return kept

    def _deal_name(self, close: int) -> str:
        rng, prof, tr = self.rng, self.profile, self.tr
        when = _date(close)
        if when.month >= 9 or when.month <= 2:
            year = when.year + 1 if when.month >= 9 else when.year
            season = f"İlkbahar/Yaz {year}" if tr else f"Spring/Summer {year}"
        else:
            season = f"Sonbahar/Kış {when.year}" if tr else f"Autumn/Winter {when.year}"
        project = _pick(rng, CONSTRUCTION_PROJECTS_TR if tr else CONSTRUCTION_PROJECTS_EN)
        template = _pick(rng, prof.deal_titles_tr if tr else prof.deal_titles_en)
        title = template.format(tier=self.tier + 1, year=when.year, season=season, project=project)
        return f"{self.short} – {title}"

    def _amount(self) -> Decimal:
        lo, hi = self.profile.amount_tiers_try[self.tier]
        value = lo * (hi / lo) ** self.rnd() / vocab.TRY_PER_UNIT[self.currency]
        return Decimal(max(1000, int(round(value, -3))))

    # --- the whole account --------------------------------------------------------------

    def build(self, out: Sink) -> None:
        """Generate the account and append its rows to ``out``."""
        rng, rnd, plan, ctx = self.rng, self.rnd, self.plan, self.ctx
        self.out = out
        self.country, self.territory = self._choose_place()
        self.tr = self.country == "TR"
        self.turkish_share = (
            0.97 if self.tr else vocab.TURKISH_NAME_SHARE_ABROAD.get(self.country, 0.02)
        )
        self.name, self.short, self.domain = self._company(self.country)
        self.currency = vocab.CURRENCY[self.country]
        self.phone_prefix = vocab.PHONE_PREFIX[self.country]
        if self.plan.sector is Sector.MANUFACTURING and self.tr and rnd() < 0.15:
            self.currency = "EUR"  # exporters price in euros
        n = plan.size
        u = rnd()
        tier = (n >= 60) + (n >= 300) + (u < 0.12) - (0.12 <= u < 0.24)
        self.tier = min(2, max(0, tier))
        self.reps = ctx.reps_by_territory[self.territory]
        self.owner = _pick(rng, self.reps)
        self.since = ctx.now - int((550 + 900 * rnd()) * DAY)
        self.tp_seq = 0

        self._build_org()
        self._build_ties()
        self._generic_departures()

        lam = ctx.deals_per_account * (n / 50) ** 0.35 * (0.5 if plan.is_parent else 1.0)
        n_deals = min(40, _poisson(rnd, lam))
        first = max(self.since, ctx.now - ctx.history_days * DAY)
        starts = sorted(first + int(rnd() * (ctx.now - 3 * DAY - first)) for _ in range(n_deals))
        for k, t0 in enumerate(starts):
            self._deal(k, t0)
        self._account_touches()
        self.emit()

    def _account_touches(self) -> None:
        rng, rnd, tr = self.rng, self.rnd, self.tr
        texts = vocab.ACCOUNT_TOUCH_TR if tr else vocab.ACCOUNT_TOUCH_EN
        n = len(self.cids)
        for _ in range(int(rnd() * 3)):
            t = self.since + int(rnd() * (self.ctx.now - self.since))
            c = int(rnd() * n)
            if not self._active(c, t):
                continue
            kind = TouchpointKind.EMAIL if rnd() < 0.6 else TouchpointKind.LINKEDIN
            self.tp_seq += 1
            self.out.touchpoints.append(
                construct(
                    Touchpoint,
                    {
                        "id": f"{self.aid}-T{self.tp_seq:05d}",
                        "account_id": self.aid,
                        "kind": kind,
                        "direction": Direction.OUTBOUND,
                        "at": _dt(t),
                        "contact_ids": (self.cids[c],),
                        "rep_ids": (self.owner,),
                        "deal_id": None,
                        "sentiment": round(0.5 * rnd(), 2),
                        "summary": _pick(rng, texts),
                    },
                )
            )

    def emit(self) -> None:
        """Turn the account's state into rows."""
        out, plan, rnd = self.out, self.plan, self.rnd
        aid = self.aid
        out.accounts.append(
            construct(
                Account,
                {
                    "id": aid,
                    "name": self.name,
                    "sector": plan.sector.value,
                    "country": self.country,
                    "territory": self.territory,
                    "owner_id": self.owner,
                    "parent_id": plan.parent_id,
                },
            )
        )
        cids, left, hired = self.cids, self.left, self.hired
        since_dt = _dt(self.since)
        dept_names = [d.tr if self.tr else d.en for d in self.depts]
        exec_dept = EXECUTIVE_DEPT_TR if self.tr else EXECUTIVE_DEPT_EN
        active = ContactStatus.ACTIVE
        times: dict[int, datetime] = {self.since: since_dt}

        def at(ts: int) -> datetime:
            v = times.get(ts)
            if v is None:
                v = times[ts] = _dt(ts)
            return v

        add_contact, add_departure = out.contacts.append, out.departures.append
        left_status = ContactStatus.LEFT_COMPANY
        for cid, (name, email, phone, url), title, d, lvl, start, gone in zip(
            cids, self.info, self.title, self.dept, self.level, hired, left, strict=True
        ):
            row = {
                "id": cid,
                "account_id": aid,
                "name": name,
                "title": title,
                "department": exec_dept if d < 0 else dept_names[d],
                "seniority": SENIORITY[lvl],
                "email": email,
                "phone": phone,
                "linkedin_url": url,
                "status": active,
                "status_from": times.get(start) or at(start),
            }
            add_contact(construct(Contact, row))
            if gone != NEVER:
                row = dict(row)
                row["status"] = left_status
                row["status_from"] = at(gone)
                add_departure(construct(Contact, row))
        solid, dotted = LineKind.SOLID, LineKind.DOTTED
        successor_of = {x: i for i, x in self.replaced_by.items()}
        add_line = out.reports_to.append
        for i, (m, start, gone) in enumerate(zip(self.manager, hired, left, strict=True)):
            if m < 0:
                continue
            # a successor reports to the departed person's manager from the hire;
            # others until they or their manager leave, then to the manager's successor
            stop = NEVER if i in successor_of else min(gone, left[m])
            add_line(
                construct(
                    ReportsTo,
                    {
                        "valid_from": times.get(start) or at(start),
                        "valid_to": None if stop == NEVER else at(stop),
                        "contact_id": cids[i],
                        "manager_id": cids[m],
                        "kind": solid,
                    },
                )
            )
            if stop != gone and stop != NEVER:
                add_line(
                    construct(
                        ReportsTo,
                        {
                            "valid_from": at(stop),
                            "valid_to": None,
                            "contact_id": cids[i],
                            "manager_id": cids[self.replaced_by[m]],
                            "kind": solid,
                        },
                    )
                )
        for i, t in self.dotted:
            stop = min(left[i], left[t])
            add_line(
                construct(
                    ReportsTo,
                    {
                        "valid_from": since_dt,
                        "valid_to": None if stop == NEVER else at(stop),
                        "contact_id": cids[i],
                        "manager_id": cids[t],
                        "kind": dotted,
                    },
                )
            )
        add_edge = out.influences.append
        for a, b, kind, strength, source, start in self.edges:
            stop = min(left[a], left[b])
            add_edge(
                construct(
                    Influence,
                    {
                        "valid_from": times.get(start) or at(start),
                        "valid_to": None if stop == NEVER else at(stop),
                        "influencer_id": cids[a],
                        "influenced_id": cids[b],
                        "kind": kind,
                        "strength": strength,
                        "source": source,
                    },
                )
            )
        # RepKnows: relationships our reps had before any touchpoint on record (a
        # manual fact, undated), never one derived from the touchpoints.
        knows = self.knows
        if rnd() < 0.3:
            knows.setdefault((self.owner, 0), 0.6)
        for _ in range(len(cids) // 50):
            knows.setdefault((self.owner, int(rnd() * len(cids))), round(0.1 + 0.3 * rnd(), 2))
        for (rep, c), strength in knows.items():
            out.rep_knows.append(
                construct(
                    RepKnows, {"rep_id": rep, "contact_id": cids[c], "strength": round(strength, 2)}
                )
            )


# --- small helpers -------------------------------------------------------------------


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _weighted(pairs: Sequence[tuple[T, float]], u: float) -> T:
    """The value whose weight interval holds ``u`` (weights summing to about 1)."""
    acc = 0.0
    for value, weight in pairs:
        acc += weight
        if u < acc:
            return value
    return pairs[-1][0]


def _weighted_cum(pairs: Sequence[tuple[T, float]], u: float) -> T:
    """The first value whose cumulative threshold exceeds ``u``."""
    for value, upto in pairs:
        if u < upto:
            return value
    return pairs[-1][0]


def _weighted_index(weights: Sequence[float], total: float, u: float) -> int:
    x = u * total
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if x < acc:
            return i
    return len(weights) - 1


def _poisson(rnd: Callable[[], float], lam: float) -> int:
    limit = math.exp(-lam)
    k, p = 0, rnd()
    while p > limit:
        k += 1
        p *= rnd()
    return k
