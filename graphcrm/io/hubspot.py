"""Import HubSpot CRM exports ("Export all properties" of a view, saved as CSV).

A directory (or a set of uploaded files) holds up to four files, matched
case-insensitively; each is optional. Column names are HubSpot's export
labels, matched case-insensitively; other columns are ignored.

- ``companies.csv``: ``Record ID, Company name``; optional ``Parent Company ID,
  Industry, Country/Region, Company owner``
- ``contacts.csv``: ``Record ID, First Name, Last Name, Associated Company IDs``;
  optional ``Job Title, Email, Phone Number, Department``
- ``deals.csv``: ``Record ID, Deal Name, Deal Stage, Associated Company IDs``;
  optional ``Amount, Close Date, Pipeline, Deal owner, Currency``
- ``buying_roles.csv``: contacts exported with their deal associations:
  ``Record ID`` (the contact), ``Buying Role``, ``Associated Deal IDs``

The mapping onto graphcrm (see also ``docs/import-export.md``):

- ids are HubSpot's record ids, as they are (companies, contacts and deals
  are separate kinds, so the same number may name one of each);
- ``Associated Company IDs`` (``;``-separated) gives the contact's or deal's
  account: the first id, with a warning when there are several;
- ``Company owner`` / ``Deal owner`` hold an owner's *name* in exports; it
  becomes the ``owner_id`` and a :class:`~graphcrm.domain.Rep` with that id
  and name when no such rep is stored;
- ``Industry`` -> ``sector``, ``Country/Region`` -> ISO alpha-2 ``country``
  as for Salesforce; ``Job Title`` -> ``title`` and a guessed ``seniority``;
- ``Deal Stage`` through :data:`HUBSPOT_STAGES` (internal value or label);
- ``Buying Role`` holds ``;``-separated HubSpot values (``BLOCKER;CHAMPION``
  or labels such as ``Budget Holder``), mapped by
  :data:`graphcrm.domain.roles.HUBSPOT_ROLES`; the contact gets a deal role
  with those roles on every deal in ``Associated Deal IDs``. A row with no
  buying role is skipped.

HubSpot has no reporting lines and no parent company column in a plain
export of associations (``Associated Company IDs`` of a company mixes
parents and children), so ``Parent Company ID`` is the only source of
``parent_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Final

from graphcrm.domain import Stage
from graphcrm.domain.roles import HUBSPOT_ROLES
from graphcrm.io.crm import CrmSource, Step, deal_role, import_crm
from graphcrm.io.importing import (
    FirstSeen,
    ImportReport,
    Item,
    ProgressFn,
    RowReader,
    TableSpec,
)
from graphcrm.io.mapping import NO_MAPPING, CrmMapping
from graphcrm.io.sources import Files, Rejected
from graphcrm.io.values import split_ids, stage_key, stage_table
from graphcrm.store.port import GraphStore

S = Stage
HUBSPOT_STAGES: Final[dict[str, Stage]] = {
    "appointmentscheduled": S.PROSPECTING,
    "qualifiedtobuy": S.NEEDS_ANALYSIS,
    "presentationscheduled": S.PRESENTATION,
    "decisionmakerboughtin": S.DECISION,
    "contractsent": S.CLOSING,
    "closedwon": S.CLOSED_WON,
    "closedlost": S.CLOSED_LOST,
}
"""The stages of HubSpot's default sales pipeline -> graphcrm stages.

Keys are HubSpot's internal values; the labels ("Appointment Scheduled",
"Decision Maker Bought-In", ...) fold to the same keys. graphcrm's own stage
names are accepted too, so a custom pipeline can be exported with them.
"""

_STAGES: Final = stage_table(HUBSPOT_STAGES)
_ROLES: Final = {stage_key(k): v for k, v in HUBSPOT_ROLES.items()}

FILES: Final[dict[str, TableSpec]] = {
    "companies": TableSpec(
        "companies.csv",
        ("Record ID", "Company name"),
        ("Parent Company ID", "Industry", "Country/Region", "Company owner"),
    ),
    "contacts": TableSpec(
        "contacts.csv",
        ("Record ID", "First Name", "Last Name", "Associated Company IDs"),
        ("Job Title", "Email", "Phone Number", "Department"),
    ),
    "deals": TableSpec(
        "deals.csv",
        ("Record ID", "Deal Name", "Deal Stage", "Associated Company IDs"),
        ("Amount", "Close Date", "Pipeline", "Deal owner", "Currency"),
    ),
    "buying_roles": TableSpec(
        "buying_roles.csv", ("Record ID", "Buying Role", "Associated Deal IDs")
    ),
}
"""The files of a HubSpot import, by kind, in import order."""

_COMPANY_COLUMNS: Final = {
    "id": "Record ID",
    "name": "Company name",
    "parent_id": "Parent Company ID",
    "sector": "Industry",
    "country": "Country/Region",
    "owner_id": "Company owner",
}
_CONTACT_COLUMNS: Final = {
    "id": "Record ID",
    "account_id": "Associated Company IDs",
    "name": "Last Name",
    "title": "Job Title",
    "department": "Department",
    "email": "Email",
    "phone": "Phone Number",
}
_DEAL_COLUMNS: Final = {
    "id": "Record ID",
    "account_id": "Associated Company IDs",
    "name": "Deal Name",
    "amount": "Amount",
    "currency": "Currency",
    "stage": "Deal Stage",
    "expected_close": "Close Date",
    "owner_id": "Deal owner",
}
_ROLE_COLUMNS: Final = {
    "deal_id": "Associated Deal IDs",
    "contact_id": "Record ID",
    "roles": "Buying Role",
}


class _Source(CrmSource):
    NAME = "HubSpot"
    FILES = FILES
    ROLES = _ROLES
    STAGES = _STAGES

    def steps(self) -> tuple[Step, ...]:
        return (
            ("companies", "companies", partial(self.read_accounts, "companies", _COMPANY_COLUMNS)),
            ("contacts", "contacts", partial(self.read_contacts, "contacts", _CONTACT_COLUMNS)),
            ("deals", "deals", partial(self.read_deals, "deals", _DEAL_COLUMNS)),
            ("buying_roles", "deal roles", self.buying_roles),
        )

    def account_of(self, r: RowReader, column: str) -> str:
        """The first of the ``;``-separated company ids, with a warning if there are more."""
        ids = split_ids(r.text(column))
        if not ids:
            r.problem(column, "required: the record's company")
            return ""
        if len(ids) > 1:
            self.log.warn(r.origin, column, f"{len(ids)} companies; the first, {ids[0]!r}, is used")
        return ids[0]

    def contact_name(self, r: RowReader) -> str:
        return f"{r.text('First Name')} {r.text('Last Name')}".strip()

    def stage(self, r: RowReader) -> Stage | None:
        text = r.required("Deal Stage")
        pipeline = r.optional("Pipeline")
        stage = self.stage_value(text, pipeline=pipeline)
        if stage is None and text:
            self.unknown_stage(r, "Deal Stage", text, pipeline)
        return stage

    def buying_roles(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for r in self.readers("buying_roles"):
            if isinstance(r, Rejected):
                yield r
                continue
            contact = r.required("Record ID")
            if contact:
                seen.check(r, "Record ID", contact)
            text = r.text("Buying Role")
            if not text:
                continue
            deals = split_ids(r.text("Associated Deal IDs"))
            if not deals:
                self.log.warn(r.origin, "Associated Deal IDs", "buying roles but no deal; skipped")
                continue
            roles = self.roles(r, "Buying Role", text)
            if r.problems:
                yield r.rejected(None)
                continue
            for deal in deals:
                entry = deal_role(r, _ROLE_COLUMNS, deal, contact, roles)
                yield entry
                if isinstance(entry, Rejected):
                    break


def import_hubspot(
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    currency: str = "TRY",
    progress: ProgressFn | None = None,
    territory: str | None = None,
    mapping: CrmMapping = NO_MAPPING,
) -> ImportReport:
    """Import HubSpot CSV exports into ``store``.

    ``files`` is a directory holding ``companies.csv``, ``contacts.csv``,
    ``deals.csv`` and/or ``buying_roles.csv``, or the same files uploaded
    (name -> bytes or seekable binary file). The other parameters, the
    report and the errors are those of
    :func:`~graphcrm.io.salesforce.import_salesforce`; ``currency`` applies
    to deals without a ``Currency`` column value.
    """
    return import_crm(
        _Source,
        store,
        files,
        all_or_nothing=all_or_nothing,
        actor=actor,
        at=at,
        currency=currency,
        progress=progress,
        territory=territory,
        mapping=mapping,
    )
