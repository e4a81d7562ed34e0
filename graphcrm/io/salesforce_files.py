"""The files of a Salesforce export: which columns each holds, which graphcrm reads, and
Salesforce's picklists as graphcrm reads them (:mod:`graphcrm.io.salesforce` imports them)."""

from __future__ import annotations

from typing import Final

from graphcrm.domain import Stage
from graphcrm.domain.roles import SALESFORCE_ROLES
from graphcrm.io.sources import TableSpec
from graphcrm.io.values import stage_key, stage_table

SALESFORCE_STAGES: Final[dict[str, Stage]] = {
    "Prospecting": Stage.PROSPECTING,
    "Qualification": Stage.PROSPECTING,
    "Needs Analysis": Stage.NEEDS_ANALYSIS,
    "Value Proposition": Stage.PROPOSAL,
    "Id. Decision Makers": Stage.PROPOSAL,
    "Perception Analysis": Stage.PRESENTATION,
    "Proposal/Price Quote": Stage.NEGOTIATION,
    "Negotiation/Review": Stage.NEGOTIATION,
    "Closed Won": Stage.CLOSED_WON,
    "Closed Lost": Stage.CLOSED_LOST,
}
"""Salesforce's default opportunity stages -> graphcrm stages.

The mapping keeps the order: a forward move in Salesforce is never a
backward move in graphcrm (the risk score counts those). graphcrm's
``proposal`` comes *before* the demo (``presentation``), so Salesforce's
late "Proposal/Price Quote" opens the commercial ``negotiation`` rather than
mapping to ``proposal``. Salesforce has no counterpart of ``decision`` and
``closing``. graphcrm's own stage names (``needs_analysis``, ...) are
accepted too.
"""

STAGE_TABLE: Final = stage_table(SALESFORCE_STAGES)
ROLE_TABLE: Final = {stage_key(k): v for k, v in SALESFORCE_ROLES.items()}
_DELETED: Final = ("IsDeleted",)

FILES: Final[dict[str, TableSpec]] = {
    "user": TableSpec("User.csv", ("Id", "Name"), ("Email",)),
    "account": TableSpec(
        "Account.csv",
        ("Id", "Name"),
        (
            "ParentId",
            "Industry",
            "BillingCountry",
            "BillingCity",
            "NumberOfEmployees",
            "AnnualRevenue",
            "OwnerId",
            *_DELETED,
        ),
    ),
    "contact": TableSpec(
        "Contact.csv",
        ("Id", "AccountId", "LastName"),
        (
            "FirstName",
            "Title",
            "Department",
            "Email",
            "Phone",
            "ReportsToId",
            "CreatedDate",
            "LastModifiedDate",
            "Left_Company__c",
            *_DELETED,
        ),
    ),
    "history": TableSpec(
        "OpportunityHistory.csv",
        ("OpportunityId", "StageName", "CreatedDate"),
        ("CloseDate", *_DELETED),
    ),
    "field_history": TableSpec(
        "OpportunityFieldHistory.csv",
        ("OpportunityId", "Field", "CreatedDate"),
        ("OldValue", "NewValue", *_DELETED),
    ),
    "opportunity": TableSpec(
        "Opportunity.csv",
        ("Id", "AccountId", "Name", "StageName"),
        (
            "Amount",
            "CloseDate",
            "IsClosed",
            "IsWon",
            "CurrencyIsoCode",
            "OwnerId",
            "CreatedDate",
            "LastModifiedDate",
            "Pipeline__c",
            "Loss_Reason__c",
            *_DELETED,
        ),
    ),
    "role": TableSpec(
        "OpportunityContactRole.csv",
        ("OpportunityId", "ContactId", "Role"),
        ("IsPrimary", "CreatedDate", "LastModifiedDate", "Stance__c", *_DELETED),
    ),
    "task": TableSpec(
        "Task.csv",
        ("Id",),
        (
            "WhoId",
            "WhatId",
            "AccountId",
            "OwnerId",
            "ActivityDate",
            "Subject",
            "Type",
            "TaskSubtype",
            "Status",
            "CallType",
            "Direction__c",
            "Sentiment__c",
            "CreatedDate",
            *_DELETED,
        ),
    ),
    "relation": TableSpec("EventRelation.csv", ("EventId", "RelationId"), ("IsInvitee", *_DELETED)),
    "event": TableSpec(
        "Event.csv",
        ("Id",),
        (
            "WhoId",
            "WhatId",
            "AccountId",
            "OwnerId",
            "StartDateTime",
            "ActivityDateTime",
            "Subject",
            "Type",
            "Direction__c",
            "Sentiment__c",
            "CreatedDate",
            *_DELETED,
        ),
    ),
}
"""The files of a Salesforce import, by kind, in import order."""

ID_COLUMNS: Final = frozenset(
    {
        "Id",
        "AccountId",
        "ParentId",
        "OwnerId",
        "ReportsToId",
        "WhoId",
        "WhatId",
        "OpportunityId",
        "ContactId",
        "EventId",
        "RelationId",
    }
)
"""Columns holding record ids (15-character ids are read as their 18-character form)."""

USER_PREFIX, LEAD_PREFIX, OPPORTUNITY_PREFIX = "005", "00Q", "006"
"""Key prefixes of Salesforce ids: users, leads and opportunities."""

DONE_STATUSES: Final = frozenset({"completed", "closed", "done"})
"""Task ``Status`` values (folded) of a task that happened; other tasks are plans."""

USER_COLUMNS: Final = {"id": "Id", "name": "Name", "email": "Email"}
ACCOUNT_COLUMNS: Final = {
    "id": "Id",
    "name": "Name",
    "parent_id": "ParentId",
    "sector": "Industry",
    "country": "BillingCountry",
    "city": "BillingCity",
    "employees": "NumberOfEmployees",
    "annual_revenue": "AnnualRevenue",
    "owner_id": "OwnerId",
    "deleted": "IsDeleted",
}
CONTACT_COLUMNS: Final = {
    "id": "Id",
    "account_id": "AccountId",
    "name": "LastName",
    "title": "Title",
    "department": "Department",
    "email": "Email",
    "phone": "Phone",
    "status_from": "CreatedDate",
    "created": "CreatedDate",
    "modified": "LastModifiedDate",
    "left": "Left_Company__c",
    "deleted": "IsDeleted",
}
LINE_COLUMNS: Final = {
    "contact_id": "Id",
    "manager_id": "ReportsToId",
    "valid_from": "CreatedDate",
    "modified": "LastModifiedDate",
}
DEAL_COLUMNS: Final = {
    "id": "Id",
    "account_id": "AccountId",
    "name": "Name",
    "amount": "Amount",
    "currency": "CurrencyIsoCode",
    "stage": "StageName",
    "expected_close": "CloseDate",
    "owner_id": "OwnerId",
    "loss_reason": "Loss_Reason__c",
    "created": "CreatedDate",
    "modified": "LastModifiedDate",
    "deleted": "IsDeleted",
}
ROLE_COLUMNS: Final = {
    "deal_id": "OpportunityId",
    "contact_id": "ContactId",
    "roles": "Role",
    "is_primary": "IsPrimary",
    "stance": "Stance__c",
    "valid_from": "CreatedDate",
    "created": "CreatedDate",
    "modified": "LastModifiedDate",
    "deleted": "IsDeleted",
}
TASK_COLUMNS: Final = {
    "id": "Id",
    "contact_ids": "WhoId",
    "deal_id": "WhatId",
    "account_id": "AccountId",
    "rep_ids": "OwnerId",
    "at": "ActivityDate",
    "summary": "Subject",
    "kind": "Type",
    "direction": "Direction__c",
    "sentiment": "Sentiment__c",
    "deleted": "IsDeleted",
}
EVENT_COLUMNS: Final = TASK_COLUMNS | {"at": "StartDateTime"}
RELATION_COLUMNS: Final = {"deleted": "IsDeleted"}
HISTORY_COLUMNS: Final = {"deleted": "IsDeleted"}
