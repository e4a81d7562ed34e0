"""What a Salesforce export written by graphcrm says: its files' columns, the labels of
stages, roles, industries and activity types, and how values are written
(:mod:`graphcrm.io.sfexport` writes the files)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Final

from graphcrm.domain import Direction, Role, Stage, TouchpointKind
from graphcrm.domain.roles import SALESFORCE_ROLES

# --- the vocabulary written -------------------------------------------------------

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "User.csv": ("Id", "Name", "Email", "UserRoleId", "IsActive"),
    "Account.csv": (
        "Id", "Name", "ParentId", "Industry", "BillingCountry", "OwnerId", "CreatedDate",
        "IsDeleted",
    ),
    "Contact.csv": (
        "Id", "AccountId", "LastName", "FirstName", "Title", "Department", "Email", "Phone",
        "ReportsToId", "CreatedDate", "LastModifiedDate", "Left_Company__c", "IsDeleted",
    ),
    "Opportunity.csv": (
        "Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon",
        "CurrencyIsoCode", "OwnerId", "CreatedDate", "LastModifiedDate", "Pipeline__c",
        "Loss_Reason__c", "IsDeleted",
    ),
    "OpportunityContactRole.csv": (
        "OpportunityId", "ContactId", "Role", "Id", "IsPrimary", "CreatedDate", "Stance__c",
        "IsDeleted",
    ),
    "OpportunityHistory.csv": (
        "OpportunityId", "StageName", "CreatedDate", "Id", "CloseDate", "Amount", "IsDeleted",
    ),
    "OpportunityFieldHistory.csv": (
        "OpportunityId", "Field", "CreatedDate", "Id", "OldValue", "NewValue", "IsDeleted",
    ),
    "Task.csv": (
        "Id", "WhoId", "WhatId", "AccountId", "OwnerId", "ActivityDate", "Subject", "Type",
        "TaskSubtype", "Status", "CallType", "Direction__c", "Sentiment__c", "CreatedDate",
        "IsDeleted",
    ),
    "Event.csv": (
        "Id", "WhoId", "WhatId", "AccountId", "OwnerId", "StartDateTime", "ActivityDateTime",
        "Subject", "Type", "Direction__c", "Sentiment__c", "CreatedDate", "IsDeleted",
    ),
    "EventRelation.csv": ("EventId", "RelationId", "Id", "IsInvitee", "IsDeleted"),
}  # fmt: skip
"""Every file written and its header: the spec's required columns, then its optional ones."""

MAPPING_FILE: Final = "mapping.toml"

STAGE_LABELS: Final[dict[Stage, str]] = {
    Stage.PROSPECTING: "Prospecting",
    Stage.NEEDS_ANALYSIS: "Needs Analysis",
    Stage.PROPOSAL: "Proposal",
    Stage.PRESENTATION: "Presentation",
    Stage.NEGOTIATION: "Negotiation",
    Stage.DECISION: "Decision",
    Stage.CLOSING: "Closing",
    Stage.CLOSED_WON: "Closed Won",
    Stage.CLOSED_LOST: "Closed Lost",
}
"""``StageName`` of each stage; ``mapping.toml`` maps every one back."""

CUSTOM_ROLE_LABELS: Final[dict[Role, str]] = {
    Role.CHAMPION: "Champion",
    Role.BLOCKER: "Blocker",
    Role.LEGAL_AND_COMPLIANCE: "Legal and Compliance",
}
"""``OpportunityContactRole.Role`` of the roles Salesforce has no standard value for."""

ROLE_LABELS: Final[dict[Role, str]] = {
    next(iter(roles)): label for label, roles in SALESFORCE_ROLES.items() if len(roles) == 1
} | CUSTOM_ROLE_LABELS
"""``OpportunityContactRole.Role`` of each role: Salesforce's standard value where there is one."""

INDUSTRIES: Final[dict[str, str]] = {
    "manufacturing": "Manufacturing",
    "textile_retail": "Apparel",
    "construction": "Construction",
    "saas": "Technology",
}
"""``Industry`` of the generator's sectors; other sectors are written as they are.
:func:`graphcrm.io.values.sector_from_industry` reads each back as its sector."""

EVENT_TYPES: Final = {
    TouchpointKind.MEETING: "Meeting",
    TouchpointKind.DEMO: "Demo",
    TouchpointKind.POC: "POC",
}
TASK_TYPES: Final = {
    TouchpointKind.CALL: "Call",
    TouchpointKind.EMAIL: "Email",
    TouchpointKind.LINKEDIN: "LinkedIn",
    TouchpointKind.OTHER: "Other",
}
DIRECTIONS: Final = {
    Direction.INBOUND: "Inbound",
    Direction.OUTBOUND: "Outbound",
    Direction.TWO_WAY: "Two-way",
}
CALL_TYPES: Final = {Direction.INBOUND: "Inbound", Direction.OUTBOUND: "Outbound"}


# --- values ----------------------------------------------------------------------


def sf_time(value: datetime) -> str:
    """A time as Salesforce's Data Export writes it: UTC, milliseconds, ``Z``.

    >>> from datetime import timedelta, timezone
    >>> sf_time(datetime(2026, 3, 1, 12, 30, 0, 123456, tzinfo=timezone(timedelta(hours=3))))
    '2026-03-01T09:30:00.123Z'
    """
    t = value.astimezone(UTC)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z"


def sf_time_or_empty(value: datetime | None) -> str:
    return "" if value is None else sf_time(value)


def sf_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def split_name(name: str) -> tuple[str, str]:
    """``(FirstName, LastName)``: the last word, with the lower-case particles
    before it, is the last name; ``FirstName + " " + LastName`` gives ``name``
    back (a one-word name is all last name).

    >>> split_name("Ayşe Nur Yılmaz"), split_name("Jan de Vries"), split_name("Cher")
    (('Ayşe Nur', 'Yılmaz'), ('Jan', 'de Vries'), ('', 'Cher'))
    """
    words = name.split(" ")
    cut = len(words) - 1
    while cut > 1 and words[cut - 1][:1].islower():
        cut -= 1
    first, last = " ".join(words[:cut]), " ".join(words[cut:])
    if not first.strip() or not last.strip():
        return "", name
    return first, last


def industry(sector: str) -> str:
    """The ``Industry`` of a sector (:data:`INDUSTRIES`, else the sector itself)."""
    return INDUSTRIES.get(sector, sector)


def sf_sentiment(value: float) -> str:
    return repr(float(value) + 0.0)  # + 0.0: no "-0.0"


def mapping_toml() -> str:
    """``mapping.toml``: every stage label and every custom role label written."""
    q = json.dumps  # a JSON string of these labels is a TOML basic string
    lines = [
        "# The labels of graphcrm's generated Salesforce export -> graphcrm's vocabularies.",
        "# Salesforce's standard contact roles are known to the import; the custom ones are here.",
        "",
        "[stages]",
        *(f"{q(label)} = {q(stage.value)}" for stage, label in STAGE_LABELS.items()),
        "",
        "[roles]",
        *(f"{q(label)} = [{q(role.value)}]" for role, label in CUSTOM_ROLE_LABELS.items()),
    ]
    return "\n".join(lines) + "\n"
