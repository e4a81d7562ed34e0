"""Generated samples shared by the generator tests (generated once per session)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from graphcrm.domain import (
    Account,
    ChangeSet,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    Influence,
    ReportsTo,
    StageChange,
    Touchpoint,
)
from graphcrm.generator import GeneratorConfig, generate_portfolio

SAMPLE = GeneratorConfig(accounts=240, seed=2026, size_max=400, deals_per_account=3.0)
"""About 700 deals on smallish accounts: enough for the statistical tests."""


@dataclass
class Portfolio:
    """A generated portfolio, indexed for the tests."""

    batches: list[ChangeSet]
    accounts: dict[str, Account] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    left_at: dict[str, datetime] = field(default_factory=dict)
    reports_to: list[ReportsTo] = field(default_factory=list)
    influences: list[Influence] = field(default_factory=list)
    deals: dict[str, Deal] = field(default_factory=dict)
    stage_changes: dict[str, list[StageChange]] = field(default_factory=dict)
    roles: dict[str, list[DealRole]] = field(default_factory=dict)
    touchpoints: list[Touchpoint] = field(default_factory=list)

    @classmethod
    def of(cls, batches: Iterable[ChangeSet]) -> Portfolio:
        p = cls(list(batches))
        for b in p.batches:
            p.accounts.update((a.id, a) for a in b.accounts)
            for c in b.contacts:
                if c.status is ContactStatus.LEFT_COMPANY:
                    assert c.status_from is not None
                    p.left_at[c.id] = c.status_from
                else:
                    p.contacts[c.id] = c
            p.reports_to += b.reports_to
            p.influences += b.influences
            p.deals.update((d.id, d) for d in b.deals)
            for s in b.stage_changes:
                p.stage_changes.setdefault(s.deal_id, []).append(s)
            for r in b.deal_roles:
                p.roles.setdefault(r.deal_id, []).append(r)
            p.touchpoints += b.touchpoints
        return p

    def account_of(self, contact_id: str) -> Account:
        return self.accounts[self.contacts[contact_id].account_id]


@pytest.fixture(scope="session")
def sample() -> Portfolio:
    return Portfolio.of(generate_portfolio(SAMPLE))
