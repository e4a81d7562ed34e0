"""Writes: the batch that a store applies atomically, its result, and the change log."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, JsonValue

from graphcrm.domain.base import Model, UtcDatetime
from graphcrm.domain.org import Account, Contact, Influence, ReportsTo
from graphcrm.domain.sales import (
    CloseDateChange,
    Deal,
    DealRole,
    Rep,
    RepKnows,
    StageChange,
    Touchpoint,
)


class EntityKind(StrEnum):
    ACCOUNT = "account"
    CONTACT = "contact"
    CONTACT_STATUS = "contact_status"
    REPORTS_TO = "reports_to"
    INFLUENCE = "influence"
    REP = "rep"
    REP_KNOWS = "rep_knows"
    DEAL = "deal"
    STAGE_CHANGE = "stage_change"
    CLOSE_DATE_CHANGE = "close_date_change"
    DEAL_ROLE = "deal_role"
    TOUCHPOINT = "touchpoint"


class ChangeSet(Model):
    """One batch of upserts, applied all-or-nothing.

    Rows are keyed by external ids; applying the same batch twice changes
    nothing the second time. Rows may refer to objects in the same batch or
    already stored.
    """

    accounts: tuple[Account, ...] = ()
    contacts: tuple[Contact, ...] = ()
    reps: tuple[Rep, ...] = ()
    reports_to: tuple[ReportsTo, ...] = ()
    influences: tuple[Influence, ...] = ()
    rep_knows: tuple[RepKnows, ...] = ()
    deals: tuple[Deal, ...] = ()
    stage_changes: tuple[StageChange, ...] = ()
    close_date_changes: tuple[CloseDateChange, ...] = ()
    deal_roles: tuple[DealRole, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()

    def size(self) -> int:
        """Number of rows in the batch."""
        return sum(len(getattr(self, name)) for name in type(self).model_fields)


class EntityCounts(Model):
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


class ApplyResult(Model):
    """What a batch did, per entity kind. ``changed`` is false for a re-applied batch."""

    counts: dict[EntityKind, EntityCounts] = Field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.closed for c in self.counts.values())


class ChangeOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    CLOSE = "close"
    ERASE = "erase"
    """A person's personal data erased (``graphcrm forget``); the entry names what
    went, never the values."""


class ChangeLogEntry(Model):
    """One change: who made it, when, to what, and the values before and after."""

    seq: int
    at: UtcDatetime
    actor: str
    entity: EntityKind
    key: str
    op: ChangeOp
    before: dict[str, JsonValue] | None = None
    after: dict[str, JsonValue] | None = None
