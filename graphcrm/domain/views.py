"""Read models returned by the store port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import Field

from graphcrm.domain.base import Model, UtcDatetime
from graphcrm.domain.enums import Stage
from graphcrm.domain.ids import AccountId, ContactId, DealId, RepId, TouchpointId
from graphcrm.domain.org import Account, Contact, Influence, ReportsTo
from graphcrm.domain.sales import (
    CloseDateChange,
    Deal,
    DealRole,
    Rep,
    RepKnows,
    StageChange,
)

MAX_PAGE_SIZE = 1000
T = TypeVar("T")


class PageRequest(Model):
    """Offset pagination. Every list has a documented, stable order."""

    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 50
    offset: Annotated[int, Field(ge=0)] = 0


class Page(Model, Generic[T]):
    """One page of a list, with the total number of items across all pages."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


def every_item(fetch: Callable[[PageRequest], Page[T]]) -> Iterator[T]:
    """Every item of a paged list, :data:`MAX_PAGE_SIZE` at a time."""
    offset = 0
    while True:
        page = fetch(PageRequest(limit=MAX_PAGE_SIZE, offset=offset))
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


class PipelineBucket(Model):
    """Open deals in one stage and currency."""

    stage: Stage
    currency: str
    deals: int
    amount: Decimal


class AccountRollup(Model):
    """Totals over an account and all its descendants, as of a date."""

    account_id: AccountId
    as_of: UtcDatetime | None
    accounts: int
    contacts: int
    open_deals: int
    pipeline: tuple[PipelineBucket, ...]


class ContactEngagement(Model):
    """Touchpoint aggregates for one contact, up to the as-of date.

    ``touches_30d`` and ``touches_90d`` count the touchpoints in the 30 and 90
    days before the as-of date (or before now when reading the present).
    """

    contact_id: ContactId
    touchpoints: int
    inbound: int
    outbound: int
    two_way: int
    first_at: UtcDatetime
    last_at: UtcDatetime
    last_touchpoint_id: TouchpointId
    sentiment_mean: float
    touches_30d: int
    touches_90d: int


class DealTouch(Model):
    """Touchpoint aggregates for one contact on one deal, up to the as-of date.

    ``deal_id`` is None for the contact's touchpoints linked to no deal (which
    concern every deal of the account). ``touches_90d`` counts those in the 90
    days before the as-of date (or before now when reading the present).
    """

    deal_id: DealId | None
    contact_id: ContactId
    touchpoints: int
    touches_90d: int
    last_at: UtcDatetime
    last_touchpoint_id: TouchpointId


class ContactTie(Model):
    """Two contacts took part in the same touchpoints. ``contact_a < contact_b``."""

    contact_a: ContactId
    contact_b: ContactId
    shared: int
    last_at: UtcDatetime


class RepTie(Model):
    """A rep took part in touchpoints with a contact."""

    rep_id: RepId
    contact_id: ContactId
    shared: int
    last_at: UtcDatetime


class StakeholderGraph(Model):
    """An account's stakeholders as they stood at ``as_of`` (None: now).

    ``accounts`` holds the account itself and, when asked for, its ancestors
    and descendants. Contacts carry their status as of the date; reporting
    lines, influence edges and deal roles are those in force at that date;
    deals carry their stage at that date and appear only once created.
    Every collection is sorted by its key.
    """

    as_of: UtcDatetime | None
    accounts: tuple[Account, ...]
    contacts: tuple[Contact, ...]
    reports_to: tuple[ReportsTo, ...]
    influences: tuple[Influence, ...]
    deals: tuple[Deal, ...]
    deal_roles: tuple[DealRole, ...]
    reps: tuple[Rep, ...]
    rep_knows: tuple[RepKnows, ...]
    engagement: tuple[ContactEngagement, ...]
    contact_ties: tuple[ContactTie, ...]
    rep_ties: tuple[RepTie, ...]
    deal_touches: tuple[DealTouch, ...] = ()
    """Per deal of the graph (and None: no deal) and contact, sorted by
    ``(deal_id or "", contact_id)``."""


class DealView(Model):
    """A deal with its full stage and close-date history, oldest first."""

    deal: Deal
    stage_history: tuple[StageChange, ...]
    close_date_history: tuple[CloseDateChange, ...]

    def stage_at(self, at: datetime) -> Stage | None:
        """The stage the deal was in at ``at``; None before it was created."""
        stage: Stage | None = None
        for change in self.stage_history:
            if change.at > at:
                break
            stage = change.to_stage
        return stage


class StoreStats(Model):
    """Row counts per kind (current rows; intervals count once each)."""

    counts: dict[str, int]
