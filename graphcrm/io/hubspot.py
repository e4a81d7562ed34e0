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
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from graphcrm.domain import (
    Account,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    EntityKind,
    Stage,
)
from graphcrm.domain.roles import from_hubspot
from graphcrm.errors import InvalidError
from graphcrm.io.importing import (
    FirstSeen,
    ImportLog,
    ImportReport,
    Item,
    OpenTable,
    Phase,
    ProgressFn,
    RepMaker,
    RowReader,
    TableSpec,
    open_tables,
    parents_first,
    run_import,
)
from graphcrm.io.sources import CsvRow, Files, Rejected
from graphcrm.io.values import (
    country_code,
    parse_amount,
    parse_date,
    sector_from_industry,
    seniority_from_title,
    split_ids,
    stage_key,
)
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

_STAGES: Final[dict[str, Stage]] = {stage_key(s.value): s for s in Stage} | HUBSPOT_STAGES

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


def _role_value(text: str) -> str:
    """``Budget Holder`` -> ``BUDGET_HOLDER``; internal values pass through."""
    return "_".join(text.replace("-", " ").split()).upper()


@dataclass(slots=True)
class _Source:
    tables: dict[str, OpenTable]
    reps: RepMaker
    log: ImportLog
    currency: str

    def rows(self, kind: str) -> Iterator[CsvRow | Rejected]:
        table = self.tables[kind]
        for row in table.table.rows():
            self.log.rows_read[table.name] += 1
            yield row

    def _company(self, r: RowReader) -> str:
        ids = split_ids(r.text("Associated Company IDs"))
        if not ids:
            r.problem("Associated Company IDs", "required: the record's company")
            return ""
        if len(ids) > 1:
            self.log.warn(
                r.origin,
                "Associated Company IDs",
                f"{len(ids)} companies; the first, {ids[0]!r}, is used",
            )
        return ids[0]

    def companies(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        items: list[Item] = []
        for row in self.rows("companies"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Record ID")
            fresh = seen.check(r, "Record ID", ident) if ident else False
            country_text = r.text("Country/Region")
            country = country_code(country_text)
            if country_text and country is None:
                self.log.warn(
                    row.origin, "Country/Region", f"unknown country {country_text!r}; left empty"
                )
            owner = r.optional("Company owner")
            account = r.build(
                Account,
                _COMPANY_COLUMNS,
                id=ident,
                name=r.required("Company name"),
                parent_id=r.optional("Parent Company ID"),
                sector=sector_from_industry(r.text("Industry")),
                country=country,
                owner_id=owner,
            )
            if r.problems or account is None:
                yield r.rejected((EntityKind.ACCOUNT, ident) if fresh else None)
                continue
            if owner is not None:
                rep = self.reps.rep(owner, row.origin, "Company owner")
                if rep is not None:
                    items.append(rep)
            items.append(Item("accounts", account, row.origin, _COMPANY_COLUMNS))
        yield from parents_first(items)

    def contacts(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for row in self.rows("contacts"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Record ID")
            fresh = seen.check(r, "Record ID", ident) if ident else False
            title = r.text("Job Title")
            contact = r.build(
                Contact,
                _CONTACT_COLUMNS,
                id=ident,
                account_id=self._company(r),
                name=f"{r.text('First Name')} {r.text('Last Name')}".strip(),
                title=title,
                department=r.text("Department"),
                seniority=seniority_from_title(title),
                email=r.optional("Email"),
                phone=r.optional("Phone Number"),
            )
            if r.problems or contact is None:
                yield r.rejected((EntityKind.CONTACT, ident) if fresh else None)
                continue
            yield Item("contacts", contact, row.origin, _CONTACT_COLUMNS)

    def _stage(self, r: RowReader) -> Stage | None:
        text = r.required("Deal Stage")
        stage = _STAGES.get(stage_key(text))
        if stage is None and text:
            pipeline = r.text("Pipeline")
            of = f" of pipeline {pipeline!r}" if pipeline else ""
            r.problem(
                "Deal Stage",
                f"unknown stage {text!r}{of}; one of: {', '.join(HUBSPOT_STAGES)} "
                "or a graphcrm stage name",
            )
        return stage

    def deals(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for row in self.rows("deals"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Record ID")
            fresh = seen.check(r, "Record ID", ident) if ident else False
            owner = r.optional("Deal owner")
            deal = r.build(
                Deal,
                _DEAL_COLUMNS,
                id=ident,
                account_id=self._company(r),
                name=r.required("Deal Name"),
                amount=r.parse("Amount", parse_amount),
                currency=r.text("Currency") or self.currency,
                stage=self._stage(r),
                expected_close=r.parse("Close Date", parse_date),
                owner_id=owner,
            )
            if r.problems or deal is None:
                yield r.rejected((EntityKind.DEAL, ident) if fresh else None)
                continue
            if owner is not None:
                rep = self.reps.rep(owner, row.origin, "Deal owner")
                if rep is not None:
                    yield rep
            yield Item("deals", deal, row.origin, _DEAL_COLUMNS)

    def buying_roles(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for row in self.rows("buying_roles"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            contact = r.required("Record ID")
            if contact:
                seen.check(r, "Record ID", contact)
            text = r.text("Buying Role")
            if not text:
                continue
            deals = split_ids(r.text("Associated Deal IDs"))
            if not deals:
                self.log.warn(
                    row.origin, "Associated Deal IDs", "buying roles but no deal; skipped"
                )
                continue
            try:
                roles = from_hubspot(";".join(_role_value(v) for v in text.split(";")))
            except InvalidError as e:
                for p in e.problems:
                    r.problem("Buying Role", p.message)
                roles = frozenset()
            if r.problems:
                yield r.rejected(None)
                continue
            for deal in deals:
                role = r.build(
                    DealRole,
                    _ROLE_COLUMNS,
                    deal_id=DealId(deal),
                    contact_id=ContactId(contact),
                    roles=roles,
                )
                if role is None:
                    yield r.rejected(None)
                    break
                yield Item("deal_roles", role, row.origin, _ROLE_COLUMNS)


def hubspot_phases(
    store: GraphStore, files: Files, *, log: ImportLog, currency: str = "TRY"
) -> list[Phase]:
    """The phases of a HubSpot import, in dependency order (headers checked now).

    Raises
    ------
    InvalidError
        No HubSpot file is present, or a file is not UTF-8 or lacks a
        required column.
    """
    tables = open_tables(files, FILES, fmt="HubSpot", log=log)
    src = _Source(tables, RepMaker(store), log, currency)
    steps = (
        ("companies", "companies", src.companies),
        ("contacts", "contacts", src.contacts),
        ("deals", "deals", src.deals),
        ("buying_roles", "deal roles", src.buying_roles),
    )
    return [
        Phase(f"{tables[kind].name}: {what}", rows, tables[kind].total)
        for kind, what, rows in steps
        if kind in tables
    ]


def import_hubspot(
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    currency: str = "TRY",
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import HubSpot CSV exports into ``store``.

    ``files`` is a directory holding ``companies.csv``, ``contacts.csv``,
    ``deals.csv`` and/or ``buying_roles.csv``, or the same files uploaded
    (name -> bytes or seekable binary file). The other parameters, the
    report and the errors are those of
    :func:`~graphcrm.io.salesforce.import_salesforce`; ``currency`` applies
    to deals without a ``Currency`` column value.
    """
    log = ImportLog()
    phases = hubspot_phases(store, files, log=log, currency=currency)
    return run_import(
        store,
        phases,
        fmt="hubspot",
        log=log,
        all_or_nothing=all_or_nothing,
        actor=actor,
        at=at,
        progress=progress,
    )
