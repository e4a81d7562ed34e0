"""The account builder: the phases in order, then the account's state as rows."""

from __future__ import annotations

from datetime import datetime

from graphcrm.domain import (
    Account,
    Contact,
    ContactStatus,
    Influence,
    LineKind,
    RepKnows,
    ReportsTo,
)
from graphcrm.domain.construct import construct
from graphcrm.generator import vocab
from graphcrm.generator.account.base import (
    DAY,
    NEVER,
    SENIORITY,
    Sink,
    as_datetime,
    pick,
    poisson,
)
from graphcrm.generator.account.deals import DealBuilder
from graphcrm.generator.sectors import EXECUTIVE_DEPT_EN, EXECUTIVE_DEPT_TR, Sector


class AccountBuilder(DealBuilder):
    """Builds one account from its plan with its own seeded generator."""

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
        self.owner = pick(rng, self.reps)
        self.since = ctx.now - int((550 + 900 * rnd()) * DAY)
        self.tp_seq = 0

        self._build_org()
        self._build_ties()
        self._generic_departures()

        lam = ctx.deals_per_account * (n / 50) ** 0.35 * (0.5 if plan.is_parent else 1.0)
        n_deals = min(40, poisson(rnd, lam))
        first = max(self.since, ctx.now - ctx.history_days * DAY)
        starts = sorted(first + int(rnd() * (ctx.now - 3 * DAY - first)) for _ in range(n_deals))
        for k, t0 in enumerate(starts):
            self._deal(k, t0)
        self._account_touches()
        self.emit()

    def emit(self) -> None:
        """Turn the account's state into rows."""
        at = _Instants(self.since)
        self._emit_people(at)
        self._emit_lines(at)
        self._emit_influences(at)
        self._emit_rep_knows()

    def _emit_people(self, at: _Instants) -> None:
        """The account row, each contact's row, and the departures' rows."""
        out, plan, aid = self.out, self.plan, self.aid
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
                    "city": None,
                    "employees": None,
                    "annual_revenue": None,
                },
            )
        )
        dept_names = [d.tr if self.tr else d.en for d in self.depts]
        exec_dept = EXECUTIVE_DEPT_TR if self.tr else EXECUTIVE_DEPT_EN
        add_contact, add_departure = out.contacts.append, out.departures.append
        for cid, (name, email, phone, url), title, d, lvl, start, gone in zip(
            self.cids,
            self.info,
            self.title,
            self.dept,
            self.level,
            self.hired,
            self.left,
            strict=True,
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
                "status": ContactStatus.ACTIVE,
                "status_from": at(start),
            }
            add_contact(construct(Contact, row))
            if gone != NEVER:
                row = dict(row)
                row["status"] = ContactStatus.LEFT_COMPANY
                row["status_from"] = at(gone)
                add_departure(construct(Contact, row))

    def _emit_lines(self, at: _Instants) -> None:
        """Solid reporting lines (moved to a departed manager's successor) and dotted ones."""
        cids, left = self.cids, self.left
        successor_of = {x: i for i, x in self.replaced_by.items()}
        add_line = self.out.reports_to.append

        def line(i: int, m: int, start: int, stop: int, kind: LineKind) -> None:
            add_line(
                construct(
                    ReportsTo,
                    {
                        "valid_from": at(start),
                        "valid_to": None if stop == NEVER else at(stop),
                        "contact_id": cids[i],
                        "manager_id": cids[m],
                        "kind": kind,
                    },
                )
            )

        for i, (m, start, gone) in enumerate(zip(self.manager, self.hired, left, strict=True)):
            if m < 0:
                continue
            # a successor reports to the departed person's manager from the hire;
            # others until they or their manager leave, then to the manager's successor
            stop = NEVER if i in successor_of else min(gone, left[m])
            line(i, m, start, stop, LineKind.SOLID)
            if stop != gone and stop != NEVER:
                line(i, self.replaced_by[m], stop, NEVER, LineKind.SOLID)
        for i, t in self.dotted:
            line(i, t, self.since, min(left[i], left[t]), LineKind.DOTTED)

    def _emit_influences(self, at: _Instants) -> None:
        """The influence edges, each closed when either end leaves."""
        cids, left, add_edge = self.cids, self.left, self.out.influences.append
        for a, b, kind, strength, source, start in self.edges:
            stop = min(left[a], left[b])
            add_edge(
                construct(
                    Influence,
                    {
                        "valid_from": at(start),
                        "valid_to": None if stop == NEVER else at(stop),
                        "influencer_id": cids[a],
                        "influenced_id": cids[b],
                        "kind": kind,
                        "strength": strength,
                        "source": source,
                    },
                )
            )

    def _emit_rep_knows(self) -> None:
        """Relationships our reps had before any touchpoint on record.

        A manual fact, undated, never one derived from the touchpoints.
        """
        cids, rnd, knows = self.cids, self.rnd, self.knows
        if rnd() < 0.3:
            knows.setdefault((self.owner, 0), 0.6)
        for _ in range(len(cids) // 50):
            knows.setdefault((self.owner, int(rnd() * len(cids))), round(0.1 + 0.3 * rnd(), 2))
        for (rep, c), strength in knows.items():
            self.out.rep_knows.append(
                construct(
                    RepKnows, {"rep_id": rep, "contact_id": cids[c], "strength": round(strength, 2)}
                )
            )


class _Instants:
    """:func:`as_datetime`, each instant made once: most rows share a few times."""

    __slots__ = ("_made",)

    def __init__(self, since: int) -> None:
        self._made: dict[int, datetime] = {since: as_datetime(since)}

    def __call__(self, ts: int) -> datetime:
        made = self._made.get(ts)
        if made is None:
            made = self._made[ts] = as_datetime(ts)
        return made
