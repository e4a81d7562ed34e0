"""The account's people: its place and name, the org chart, informal ties, departures.

Invariants the store's validation relies on:

- a contact's solid manager always has a smaller local number, except a
  replacement's reports, which move to the replacement only after the
  departed manager's line has closed, so reporting lines never form a cycle;
- no two people in a direct reporting relation both leave, so a contact's
  solid line changes at most once (to the replacement of a departed manager);
- a contact who leaves has every reporting line, influence edge and deal role
  closed at the departure; the departure itself (``status=left_company``) is
  written in a later batch, because a batch holds each contact once.
"""

from __future__ import annotations

from typing import Final

from graphcrm.domain import InfluenceKind, InfluenceSource
from graphcrm.generator import vocab
from graphcrm.generator.account.base import (
    DAY,
    NEVER,
    BuilderState,
    pick,
    weighted,
    weighted_index,
)
from graphcrm.generator.outcome import HIDDEN_MIN_TIES
from graphcrm.generator.sectors import CEO_EN, CEO_TR, Department

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


class OrgBuilder(BuilderState):
    """Places the account, names it, and builds its people, their ties and departures."""

    def _choose_place(self) -> tuple[str, str]:
        """(country, territory): Turkish regions, or a territory abroad and one of its countries."""
        rnd, country = self.rnd, self.plan.country
        if country is None and rnd() >= self.ctx.international_share:
            country = "TR"
        if country == "TR":
            return "TR", weighted(vocab.TR_TERRITORIES, rnd())
        if country is not None:
            territory = next(
                t for t, _, cs in vocab.INTL_TERRITORIES if any(c == country for c, _ in cs)
            )
            return country, territory
        territory, _, countries = weighted([(e, e[1]) for e in vocab.INTL_TERRITORIES], rnd())
        return weighted(countries, rnd()), territory

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
            suffix = pick(rng, vocab.TR_SUFFIXES)
        else:
            words = prof.words_de if country in vocab.GERMAN_SPEAKING else prof.words_en
            suffix = pick(rng, vocab.INTL_SUFFIXES[country])
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
        self.depts = list(prof.departments[: prof.core]) + extra[: wanted - prof.core]
        self.dept_members = [[] for _ in self.depts]  # ordered by level
        self.dept_late = [[] for _ in self.depts]  # replacements
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
            counts[weighted_index(weights, total, rnd())] += 1
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
                b = pick(rng, seniors) if seniors and rnd() < 0.4 else int(rnd() * n)
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
            j, i = pick(rng, seniors), pick(rng, juniors)
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
                    t = pick(rng, seniors)
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
