"""Personal data (KVKK, GDPR): what an erasure did, and what is stored about one person."""

from __future__ import annotations

from pydantic import Field

from graphcrm.domain.base import Model, UtcDatetime
from graphcrm.domain.changes import ChangeLogEntry
from graphcrm.domain.ids import ContactId
from graphcrm.domain.org import Contact, Influence, ReportsTo
from graphcrm.domain.sales import DealRole, RepKnows, Touchpoint
from graphcrm.domain.scores import ContactScoreRecord

ERASED_FIELDS: tuple[str, ...] = ("name", "email", "phone", "linkedin_url")
"""The contact's fields an erasure removes (the name becomes an anonymous one)."""


class Erasure(Model):
    """What :meth:`~graphcrm.store.port.MaintainedStore.erase_contact` did.

    ``touchpoints``: the contact's touchpoints whose summary was emptied;
    ``texts``: other free texts (touchpoint summaries, loss reasons) where an erased
    value was replaced by ``[erased]``; ``changes``: change-log entries whose
    payloads were rewritten; ``seq``: the entry logging the erasure itself.
    """

    contact_id: ContactId
    name: str
    erased: tuple[str, ...] = ERASED_FIELDS
    touchpoints: int = Field(ge=0)
    texts: int = Field(ge=0)
    changes: int = Field(ge=0)
    seq: int
    at: UtcDatetime


class StatusSpan(Model):
    """One interval of the person's status."""

    status: str
    valid_from: UtcDatetime
    valid_to: UtcDatetime | None = None


class ScoreOfPerson(Model):
    """The person's scores in one stored score set."""

    account_id: str
    as_of: UtcDatetime
    scores: ContactScoreRecord


class SubjectAccess(Model):
    """Everything graphcrm stores about one person (a subject-access request): the
    contact, the intervals and ties naming them, their touchpoints, their stored
    scores and every change-log entry about them (their own rows and the ties and
    touchpoints naming them)."""

    contact: Contact
    statuses: tuple[StatusSpan, ...]
    reports_to: tuple[ReportsTo, ...]
    influences: tuple[Influence, ...]
    deal_roles: tuple[DealRole, ...]
    rep_knows: tuple[RepKnows, ...]
    touchpoints: tuple[Touchpoint, ...]
    scores: tuple[ScoreOfPerson, ...]
    changes: tuple[ChangeLogEntry, ...]
