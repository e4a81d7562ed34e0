"""Import Salesforce CSV exports (Data Loader / Data Export / reports saved as CSV).

A directory (or a set of uploaded files) holds up to four files, named as
Salesforce names the objects (matched case-insensitively); each is optional,
so accounts can be loaded first and contacts later. Required columns, then
optional ones:

- ``Account.csv``: ``Id, Name``; optional ``ParentId, Industry, BillingCountry, OwnerId``
- ``Contact.csv``: ``Id, AccountId, LastName``; optional ``FirstName, Title,
  Department, Email, Phone, ReportsToId``
- ``Opportunity.csv``: ``Id, AccountId, Name, StageName``; optional ``Amount,
  CloseDate, IsClosed, IsWon, CurrencyIsoCode, OwnerId``
- ``OpportunityContactRole.csv``: ``OpportunityId, ContactId, Role``; optional ``IsPrimary``

Other columns are ignored. The mapping onto graphcrm (see also
``docs/import-export.md``):

- ``Account``: ``Industry`` -> ``sector`` (:func:`~graphcrm.io.values.sector_from_industry`),
  ``BillingCountry`` (name or code) -> ISO alpha-2 ``country`` (unknown
  values are left empty, with a warning), ``OwnerId`` -> ``owner_id`` plus a
  :class:`~graphcrm.domain.Rep` named after the id when no such rep is stored.
- ``Contact``: ``name`` is ``FirstName LastName``; ``seniority`` is guessed
  from ``Title`` (:func:`~graphcrm.io.values.seniority_from_title`);
  ``ReportsToId`` becomes a solid reporting line.
- ``Opportunity``: ``StageName`` through :data:`SALESFORCE_STAGES`; a stage not
  in the table is accepted only when ``IsClosed`` is true (won or lost by
  ``IsWon``); ``Amount`` is an exact decimal; ``currency`` is
  ``CurrencyIsoCode`` when that column is there (multi-currency orgs), else
  the import's default (TRY).
- ``OpportunityContactRole``: ``Role`` through
  :data:`graphcrm.domain.roles.SALESFORCE_ROLES` (an empty role is
  ``other``); several rows for one contact on one opportunity are merged
  into one deal role holding all their roles (primary if any row is).
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
    LineKind,
    ReportsTo,
    Role,
    Stage,
)
from graphcrm.domain.roles import from_salesforce
from graphcrm.errors import InvalidError, Problem
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
from graphcrm.io.sources import CsvRow, Files, Origin, Rejected
from graphcrm.io.values import (
    country_code,
    parse_amount,
    parse_bool,
    parse_date,
    sector_from_industry,
    seniority_from_title,
    stage_key,
)
from graphcrm.store.port import GraphStore

S = Stage
SALESFORCE_STAGES: Final[dict[str, Stage]] = {
    "Prospecting": S.PROSPECTING,
    "Qualification": S.PROSPECTING,
    "Needs Analysis": S.NEEDS_ANALYSIS,
    "Value Proposition": S.PROPOSAL,
    "Id. Decision Makers": S.PROPOSAL,
    "Perception Analysis": S.PRESENTATION,
    "Proposal/Price Quote": S.NEGOTIATION,
    "Negotiation/Review": S.NEGOTIATION,
    "Closed Won": S.CLOSED_WON,
    "Closed Lost": S.CLOSED_LOST,
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

_STAGES: Final[dict[str, Stage]] = {stage_key(s.value): s for s in Stage} | {
    stage_key(k): v for k, v in SALESFORCE_STAGES.items()
}

FILES: Final[dict[str, TableSpec]] = {
    "account": TableSpec(
        "Account.csv", ("Id", "Name"), ("ParentId", "Industry", "BillingCountry", "OwnerId")
    ),
    "contact": TableSpec(
        "Contact.csv",
        ("Id", "AccountId", "LastName"),
        ("FirstName", "Title", "Department", "Email", "Phone", "ReportsToId"),
    ),
    "opportunity": TableSpec(
        "Opportunity.csv",
        ("Id", "AccountId", "Name", "StageName"),
        ("Amount", "CloseDate", "IsClosed", "IsWon", "CurrencyIsoCode", "OwnerId"),
    ),
    "role": TableSpec(
        "OpportunityContactRole.csv", ("OpportunityId", "ContactId", "Role"), ("IsPrimary",)
    ),
}
"""The files of a Salesforce import, by kind, in import order."""

_ACCOUNT_COLUMNS: Final = {
    "id": "Id",
    "name": "Name",
    "parent_id": "ParentId",
    "sector": "Industry",
    "country": "BillingCountry",
    "owner_id": "OwnerId",
}
_CONTACT_COLUMNS: Final = {
    "id": "Id",
    "account_id": "AccountId",
    "name": "LastName",
    "title": "Title",
    "department": "Department",
    "email": "Email",
    "phone": "Phone",
}
_LINE_COLUMNS: Final = {"contact_id": "Id", "manager_id": "ReportsToId"}
_DEAL_COLUMNS: Final = {
    "id": "Id",
    "account_id": "AccountId",
    "name": "Name",
    "amount": "Amount",
    "currency": "CurrencyIsoCode",
    "stage": "StageName",
    "expected_close": "CloseDate",
    "owner_id": "OwnerId",
}
_ROLE_COLUMNS: Final = {
    "deal_id": "OpportunityId",
    "contact_id": "ContactId",
    "roles": "Role",
    "is_primary": "IsPrimary",
}


@dataclass(slots=True)
class _Source:
    tables: dict[str, OpenTable]
    reps: RepMaker
    log: ImportLog
    currency: str

    def rows(self, kind: str, *, count: bool = True) -> Iterator[CsvRow | Rejected]:
        table = self.tables[kind]
        for row in table.table.rows():
            if count:
                self.log.rows_read[table.name] += 1
            yield row

    # --- Account.csv ---------------------------------------------------------

    def accounts(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        items: list[Item] = []
        for row in self.rows("account"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Id")
            fresh = seen.check(r, "Id", ident) if ident else False
            country_text = r.text("BillingCountry")
            country = country_code(country_text)
            if country_text and country is None:
                self.log.warn(
                    row.origin, "BillingCountry", f"unknown country {country_text!r}; left empty"
                )
            owner = r.optional("OwnerId")
            account = r.build(
                Account,
                _ACCOUNT_COLUMNS,
                id=ident,
                name=r.required("Name"),
                parent_id=r.optional("ParentId"),
                sector=sector_from_industry(r.text("Industry")),
                country=country,
                owner_id=owner,
            )
            if r.problems or account is None:
                yield r.rejected((EntityKind.ACCOUNT, ident) if fresh else None)
                continue
            if owner is not None:
                rep = self.reps.rep(owner, row.origin, "OwnerId")
                if rep is not None:
                    items.append(rep)
            items.append(Item("accounts", account, row.origin, _ACCOUNT_COLUMNS))
        yield from parents_first(items)

    # --- Contact.csv ---------------------------------------------------------

    def contacts(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for row in self.rows("contact"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Id")
            fresh = seen.check(r, "Id", ident) if ident else False
            title = r.text("Title")
            contact = r.build(
                Contact,
                _CONTACT_COLUMNS,
                id=ident,
                account_id=r.required("AccountId"),
                name=f"{r.text('FirstName')} {r.required('LastName')}".strip(),
                title=title,
                department=r.text("Department"),
                seniority=seniority_from_title(title),
                email=r.optional("Email"),
                phone=r.optional("Phone"),
            )
            if r.problems or contact is None:
                yield r.rejected((EntityKind.CONTACT, ident) if fresh else None)
                continue
            yield Item("contacts", contact, row.origin, _CONTACT_COLUMNS)

    def reporting_lines(self) -> Iterator[Item | Rejected]:
        """Second pass over Contact.csv: ``ReportsToId`` -> solid lines.

        Rows rejected in the first pass are skipped by the driver (same line).
        """
        for row in self.rows("contact", count=False):
            if isinstance(row, Rejected):
                continue  # reported by the first pass
            manager = row.values["ReportsToId"]
            ident = row.values["Id"]
            if not manager or not ident:
                continue
            r = RowReader(row)
            line = r.build(
                ReportsTo,
                _LINE_COLUMNS,
                contact_id=ContactId(ident),
                manager_id=ContactId(manager),
                kind=LineKind.SOLID,
            )
            if line is None:
                # model-level errors (reporting to oneself) concern ReportsToId
                yield Rejected(
                    row.origin,
                    tuple(
                        p if p.field else Problem(p.where, "ReportsToId", p.message)
                        for p in r.problems
                    ),
                )
                continue
            yield Item("reports_to", line, row.origin, _LINE_COLUMNS)

    # --- Opportunity.csv -----------------------------------------------------

    def _stage(self, r: RowReader) -> Stage | None:
        text = r.required("StageName")
        closed = r.parse("IsClosed", parse_bool) if r.text("IsClosed") else None
        won = r.parse("IsWon", parse_bool) if r.text("IsWon") else None
        stage = _STAGES.get(stage_key(text))
        if stage is None:
            if closed:
                return S.CLOSED_WON if won else S.CLOSED_LOST
            if text:
                r.problem(
                    "StageName",
                    f"unknown stage {text!r}; one of: {', '.join(SALESFORCE_STAGES)} "
                    "(or any stage with IsClosed true)",
                )
            return None
        if closed is not None and closed != stage.is_closed:
            r.problem("IsClosed", f"{closed} disagrees with stage {text!r}")
        if won is not None and stage.is_closed and won != (stage is S.CLOSED_WON):
            r.problem("IsWon", f"{won} disagrees with stage {text!r}")
        return stage

    def deals(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for row in self.rows("opportunity"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            ident = r.required("Id")
            fresh = seen.check(r, "Id", ident) if ident else False
            owner = r.optional("OwnerId")
            deal = r.build(
                Deal,
                _DEAL_COLUMNS,
                id=ident,
                account_id=r.required("AccountId"),
                name=r.required("Name"),
                amount=r.parse("Amount", parse_amount),
                currency=r.text("CurrencyIsoCode") or self.currency,
                stage=self._stage(r),
                expected_close=r.parse("CloseDate", parse_date),
                owner_id=owner,
            )
            if r.problems or deal is None:
                yield r.rejected((EntityKind.DEAL, ident) if fresh else None)
                continue
            if owner is not None:
                rep = self.reps.rep(owner, row.origin, "OwnerId")
                if rep is not None:
                    yield rep
            yield Item("deals", deal, row.origin, _DEAL_COLUMNS)

    # --- OpportunityContactRole.csv --------------------------------------------

    def deal_roles(self) -> Iterator[Item | Rejected]:
        merged: dict[tuple[str, str], tuple[set[Role], bool, Origin]] = {}
        for row in self.rows("role"):
            if isinstance(row, Rejected):
                yield row
                continue
            r = RowReader(row)
            deal, contact = r.required("OpportunityId"), r.required("ContactId")
            primary = r.parse("IsPrimary", parse_bool)
            text = r.text("Role")
            roles: frozenset[Role] = frozenset({Role.OTHER})
            if text:
                try:
                    roles = from_salesforce(text)
                except InvalidError as e:
                    for p in e.problems:
                        r.problem("Role", p.message)
            if r.problems:
                yield r.rejected(None)
                continue
            key = (deal, contact)
            held = merged.get(key)
            if held is None:
                merged[key] = (set(roles), bool(primary), row.origin)
            else:
                held[0].update(roles)
                merged[key] = (held[0], held[1] or bool(primary), held[2])
        for (deal, contact), (roles_, primary_, origin) in merged.items():
            r = RowReader(CsvRow(origin, {}))
            role = r.build(
                DealRole,
                _ROLE_COLUMNS,
                deal_id=DealId(deal),
                contact_id=ContactId(contact),
                roles=frozenset(roles_),
                is_primary=primary_,
            )
            if role is None:
                yield r.rejected(None)
            else:
                yield Item("deal_roles", role, origin, _ROLE_COLUMNS)


def salesforce_phases(
    store: GraphStore, files: Files, *, log: ImportLog, currency: str = "TRY"
) -> list[Phase]:
    """The phases of a Salesforce import, in dependency order (headers checked now).

    Raises
    ------
    InvalidError
        No Salesforce file is present, or a file is not UTF-8 or lacks a
        required column.
    """
    tables = open_tables(files, FILES, fmt="Salesforce", log=log)
    src = _Source(tables, RepMaker(store), log, currency)
    steps = (
        ("account", "accounts", src.accounts),
        ("contact", "contacts", src.contacts),
        ("contact", "reporting lines", src.reporting_lines),
        ("opportunity", "deals", src.deals),
        ("role", "deal roles", src.deal_roles),
    )
    return [
        Phase(f"{tables[kind].name}: {what}", rows, tables[kind].total)
        for kind, what, rows in steps
        if kind in tables
    ]


def import_salesforce(
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    currency: str = "TRY",
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import Salesforce CSV exports into ``store``.

    Parameters
    ----------
    store
        Where the rows go.
    files
        A directory holding ``Account.csv``, ``Contact.csv``,
        ``Opportunity.csv`` and/or ``OpportunityContactRole.csv``, or the
        same files uploaded: a mapping from file name to bytes or a seekable
        binary file.
    all_or_nothing
        Commit nothing if any row is bad (see :mod:`graphcrm.io.importing`).
    actor, at
        Recorded in the change log.
    currency
        Currency of opportunities without a ``CurrencyIsoCode`` column.
    progress
        ``progress(phase, rows_done, rows_total)``.

    Raises
    ------
    InvalidError
        Before anything is written: no Salesforce file, a file not in UTF-8,
        or a missing required column. Bad rows do not raise: they are in the
        report's ``problems``.
    """
    log = ImportLog()
    phases = salesforce_phases(store, files, log=log, currency=currency)
    return run_import(
        store,
        phases,
        fmt="salesforce",
        log=log,
        all_or_nothing=all_or_nothing,
        actor=actor,
        at=at,
        progress=progress,
    )
