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
from datetime import datetime
from functools import partial
from typing import Final

from graphcrm.domain import ContactId, LineKind, ReportsTo, Role, Stage
from graphcrm.domain.roles import from_salesforce
from graphcrm.errors import Problem
from graphcrm.io.crm import CrmSource, Step, deal_role, import_crm, parse_roles
from graphcrm.io.importing import (
    ImportReport,
    Item,
    ProgressFn,
    RowReader,
    TableSpec,
)
from graphcrm.io.sources import CsvRow, Files, Origin, Rejected
from graphcrm.io.values import parse_bool, stage_key, stage_table
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

_STAGES: Final = stage_table(SALESFORCE_STAGES)

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


class _Source(CrmSource):
    NAME = "Salesforce"
    FILES = FILES

    def steps(self) -> tuple[Step, ...]:
        return (
            ("account", "accounts", partial(self.read_accounts, "account", _ACCOUNT_COLUMNS)),
            ("contact", "contacts", partial(self.read_contacts, "contact", _CONTACT_COLUMNS)),
            ("contact", "reporting lines", self.reporting_lines),
            ("opportunity", "deals", partial(self.read_deals, "opportunity", _DEAL_COLUMNS)),
            ("role", "deal roles", self.deal_roles),
        )

    # --- Contact.csv ---------------------------------------------------------

    def contact_name(self, r: RowReader) -> str:
        return f"{r.text('FirstName')} {r.required('LastName')}".strip()

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

    def stage(self, r: RowReader) -> Stage | None:
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

    # --- OpportunityContactRole.csv --------------------------------------------

    def deal_roles(self) -> Iterator[Item | Rejected]:
        merged: dict[tuple[str, str], tuple[set[Role], bool, Origin]] = {}
        for r in self.readers("role"):
            if isinstance(r, Rejected):
                yield r
                continue
            deal, contact = r.required("OpportunityId"), r.required("ContactId")
            primary = r.parse("IsPrimary", parse_bool)
            text = r.text("Role")
            roles = (
                parse_roles(r, "Role", text, from_salesforce) if text else frozenset({Role.OTHER})
            )
            if r.problems:
                yield r.rejected(None)
                continue
            key = (deal, contact)
            held = merged.get(key)
            if held is None:
                merged[key] = (set(roles), bool(primary), r.origin)
            else:
                held[0].update(roles)
                merged[key] = (held[0], held[1] or bool(primary), held[2])
        for (deal, contact), (roles_, primary_, origin) in merged.items():
            yield deal_role(
                RowReader(CsvRow(origin, {})),
                _ROLE_COLUMNS,
                deal,
                contact,
                frozenset(roles_),
                is_primary=primary_,
            )


def import_salesforce(
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    currency: str = "TRY",
    progress: ProgressFn | None = None,
    territory: str | None = None,
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
    territory
        The territory of new accounts (Salesforce exports carry none). A row of
        an account already stored keeps its territory, and every stored object
        keeps the fields the files have no column for.

    Raises
    ------
    InvalidError
        Before anything is written: no Salesforce file, a file not in UTF-8,
        or a missing required column. Bad rows do not raise: they are in the
        report's ``problems``.
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
    )
