"""The files of a HubSpot export: which columns each holds, which graphcrm reads, and
HubSpot's picklists and stage columns as graphcrm reads them (:mod:`graphcrm.io.hubspot`
imports them)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Final

from graphcrm.domain import Stage
from graphcrm.domain.roles import HUBSPOT_ROLES
from graphcrm.io.sources import TableSpec
from graphcrm.io.values import stage_key, stage_table

HUBSPOT_STAGES: Final[dict[str, Stage]] = {
    "appointmentscheduled": Stage.PROSPECTING,
    "qualifiedtobuy": Stage.NEEDS_ANALYSIS,
    "presentationscheduled": Stage.PRESENTATION,
    "decisionmakerboughtin": Stage.DECISION,
    "contractsent": Stage.CLOSING,
    "closedwon": Stage.CLOSED_WON,
    "closedlost": Stage.CLOSED_LOST,
}
"""The stages of HubSpot's default sales pipeline -> graphcrm stages.

Keys are HubSpot's internal values; the labels ("Appointment Scheduled",
"Decision Maker Bought-In", ...) fold to the same keys. graphcrm's own stage
names are accepted too, so a custom pipeline can be exported with them.
"""

STAGE_TABLE: Final = stage_table(HUBSPOT_STAGES)
ROLE_TABLE: Final = {stage_key(k): v for k, v in HUBSPOT_ROLES.items()}

ENTERED, EXITED = "Date entered ", "Date exited "
"""Prefixes of the deal columns that date each stage (see the module docstring)."""

TIME_COLUMNS: Final = ("Create Date", "Last Modified Date")
OWNER_COLUMNS: Final = ("Activity assigned to", "HubSpot owner")
_ASSOCIATIONS: Final = ("Associated Company IDs", "Associated Deal IDs")
_ACTIVITY: Final = ("Record ID", "Associated Contact IDs")

FILES: Final[dict[str, TableSpec]] = {
    "companies": TableSpec(
        "companies.csv",
        ("Record ID", "Company name"),
        (
            "Parent Company ID",
            "Industry",
            "Country/Region",
            "City",
            "Number of Employees",
            "Annual Revenue",
            "Company owner",
        ),
    ),
    "contacts": TableSpec(
        "contacts.csv",
        ("Record ID", "First Name", "Last Name", "Associated Company IDs"),
        ("Job Title", "Email", "Phone Number", "Department", *TIME_COLUMNS),
    ),
    "deals": TableSpec(
        "deals.csv",
        ("Record ID", "Deal Name", "Deal Stage", "Associated Company IDs"),
        ("Amount", "Close Date", "Pipeline", "Deal owner", "Currency", *TIME_COLUMNS),
        prefixes=(ENTERED, EXITED),
    ),
    "buying_roles": TableSpec(
        "buying_roles.csv", ("Record ID", "Buying Role", "Associated Deal IDs"), TIME_COLUMNS
    ),
    "calls": TableSpec(
        "calls.csv",
        _ACTIVITY,
        (
            *_ASSOCIATIONS,
            "Activity date",
            *OWNER_COLUMNS,
            "Call Title",
            "Call notes",
            "Call direction",
            "Call outcome",
            "Call status",
            *TIME_COLUMNS,
        ),
    ),
    "meetings": TableSpec(
        "meetings.csv",
        _ACTIVITY,
        (
            *_ASSOCIATIONS,
            "Activity date",
            *OWNER_COLUMNS,
            "Meeting name",
            "Meeting title",
            "Meeting description",
            "Meeting start time",
            "Meeting outcome",
            *TIME_COLUMNS,
        ),
    ),
    "emails": TableSpec(
        "emails.csv",
        _ACTIVITY,
        (
            *_ASSOCIATIONS,
            "Activity date",
            *OWNER_COLUMNS,
            "Email subject",
            "Email direction",
            "Email status",
            *TIME_COLUMNS,
        ),
    ),
    "notes": TableSpec(
        "notes.csv",
        _ACTIVITY,
        (*_ASSOCIATIONS, "Activity date", *OWNER_COLUMNS, "Note body", *TIME_COLUMNS),
    ),
}
"""The files of a HubSpot import, by kind, in import order."""

COMPANY_COLUMNS: Final = {
    "id": "Record ID",
    "name": "Company name",
    "parent_id": "Parent Company ID",
    "sector": "Industry",
    "country": "Country/Region",
    "city": "City",
    "employees": "Number of Employees",
    "annual_revenue": "Annual Revenue",
    "owner_id": "Company owner",
}
CONTACT_COLUMNS: Final = {
    "id": "Record ID",
    "account_id": "Associated Company IDs",
    "name": "Last Name",
    "title": "Job Title",
    "department": "Department",
    "email": "Email",
    "phone": "Phone Number",
    "status_from": "Create Date",
    "created": "Create Date",
    "modified": "Last Modified Date",
}
DEAL_COLUMNS: Final = {
    "id": "Record ID",
    "account_id": "Associated Company IDs",
    "name": "Deal Name",
    "amount": "Amount",
    "currency": "Currency",
    "stage": "Deal Stage",
    "expected_close": "Close Date",
    "owner_id": "Deal owner",
    "created": "Create Date",
    "modified": "Last Modified Date",
}
ROLE_COLUMNS: Final = {
    "deal_id": "Associated Deal IDs",
    "contact_id": "Record ID",
    "roles": "Buying Role",
    "valid_from": "Last Modified Date",
}

NOT_REACHED: Final = frozenset({"noanswer", "busy", "wrongnumber"})
"""``Call outcome`` values (folded) of a call that reached nobody."""
NOT_HELD: Final = frozenset({"canceled", "cancelled", "noshow", "rescheduled"})
"""``Meeting outcome`` values (folded) of a meeting that did not take place."""
INBOUND_EMAIL: Final = ("incoming", "forwarded", "received", "inbound", "reply")
OUTBOUND_EMAIL: Final = ("email", "sent", "outgoing", "outbound")
"""Words (folded) of ``Email direction`` values, inbound ones looked for first."""

DIRECTION_COLUMNS: Final = {
    "calls": {"direction": "Call direction"},
    "emails": {"direction": "Email direction"},
}

_STAGE_COLUMN: Final = re.compile(
    r"""^date\s(?P<what>entered|exited)\s+["'“”‘’]?(?P<stage>.+?)\s*"""
    r"""\((?P<pipeline>[^()]*)\)["'“”‘’]?$""",
    re.IGNORECASE,
)
_TAG: Final = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class StageColumn:
    """A deal column dating one stage of one pipeline."""

    column: str
    entered: bool
    stage: str
    pipeline: str


def stage_column(column: str) -> StageColumn | None:
    """The stage and pipeline a ``Date entered``/``Date exited`` header dates; None
    for any other header.

    >>> c = stage_column('Date entered "Decision Maker Bought-In (Sales Pipeline)"')
    >>> c.entered, c.stage, c.pipeline
    (True, 'Decision Maker Bought-In', 'Sales Pipeline')
    >>> stage_column("Date exited 'Demo (remote) (Kurumsal)'").stage
    'Demo (remote)'
    >>> stage_column("Date entered current stage") is None
    True
    """
    m = _STAGE_COLUMN.match(column)
    if m is None:
        return None
    return StageColumn(
        column, m["what"].casefold() == "entered", m["stage"].strip(), m["pipeline"].strip()
    )


def plain_text(text: str) -> str:
    """A body as HubSpot exports it (HTML) as one line of text.

    >>> plain_text("<p>Keşif görüşmesi:</p>\\n<ul><li>bütçe &amp; takvim</li></ul>")
    'Keşif görüşmesi: bütçe & takvim'
    """
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())
