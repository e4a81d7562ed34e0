"""What the CRM CSV importers (:mod:`~graphcrm.io.salesforce`, :mod:`~graphcrm.io.hubspot`) share.

:class:`CrmSource` reads accounts, contacts and deals from a format's files
given only its column mappings (model field -> source column); a subclass
adds the format's files, stage rules, deal roles and anything else of its
own. :func:`import_crm` runs such a source through
:func:`~graphcrm.io.importing.run_import`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from graphcrm.domain import (
    Account,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    EntityKind,
    Model,
    Role,
    Stage,
)
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
)
from graphcrm.store.port import GraphStore

Columns = Mapping[str, str]
"""Model field -> the source's column holding it."""

Step = tuple[str, str, Callable[[], Iterator[Item | Rejected]]]
"""``(file kind, what it gives, rows)``: one phase of a source."""


def parse_roles(
    r: RowReader, column: str, text: str, parse: Callable[[str], frozenset[Role]]
) -> frozenset[Role]:
    """``parse(text)``; its problems go on ``r`` under ``column`` (and no roles are returned)."""
    try:
        return parse(text)
    except InvalidError as e:
        for p in e.problems:
            r.problem(column, p.message)
        return frozenset()


def deal_role(
    r: RowReader,
    columns: Columns,
    deal: str,
    contact: str,
    roles: frozenset[Role],
    **extra: object,
) -> Item | Rejected:
    """The deal role of ``contact`` on ``deal``, or the row's rejection."""
    role = r.build(
        DealRole,
        columns,
        deal_id=DealId(deal),
        contact_id=ContactId(contact),
        roles=roles,
        **extra,
    )
    if role is None:
        return r.rejected(None)
    return Item("deal_roles", role, r.origin, columns)


_MODELS: dict[EntityKind, type[Model]] = {
    EntityKind.ACCOUNT: Account,
    EntityKind.CONTACT: Contact,
    EntityKind.DEAL: Deal,
}
"""The model a CRM file of each kind of object fills in."""


@dataclass(slots=True)
class CrmSource(ABC):
    """The rows of one CRM export; subclasses set the class variables and :meth:`steps`."""

    NAME: ClassVar[str]
    """The format as messages name it (``HubSpot``); lower-cased, the report's ``format``."""
    FILES: ClassVar[Mapping[str, TableSpec]]
    """The format's files, by kind, in import order."""

    tables: dict[str, OpenTable]
    reps: RepMaker
    log: ImportLog
    currency: str

    # --- what a format supplies ------------------------------------------------

    @abstractmethod
    def steps(self) -> tuple[Step, ...]:
        """The phases, in dependency order, over every kind of file."""

    @abstractmethod
    def stage(self, r: RowReader) -> Stage | None:
        """The deal's stage; problems go on ``r``."""

    @abstractmethod
    def contact_name(self, r: RowReader) -> str:
        """The contact's full name."""

    def account_of(self, r: RowReader, column: str) -> str:
        """The account id a contact or deal row names in ``column``."""
        return r.required(column)

    # --- shared reading ----------------------------------------------------------

    def rows(self, kind: str, *, count: bool = True) -> Iterator[CsvRow | Rejected]:
        table = self.tables[kind]
        for row in table.table.rows():
            if count:
                self.log.rows_read[table.name] += 1
            yield row

    def readers(self, kind: str) -> Iterator[RowReader | Rejected]:
        """The rows of ``kind``, each in a reader; rows the CSV layer rejected as they are."""
        for row in self.rows(kind):
            yield row if isinstance(row, Rejected) else RowReader(row)

    def records(
        self,
        kind: str,
        entity: EntityKind,
        collection: str,
        columns: Columns,
        build: Callable[[RowReader, str], Model | None],
    ) -> Iterator[Item | Rejected]:
        """One object per row, keyed by ``columns["id"]``; ``build(reader, id)`` makes it.

        A row whose id was seen before is rejected; an ``owner_id`` column
        gives the owner's rep (see :class:`~graphcrm.io.importing.RepMaker`)
        before the object.
        """
        seen = FirstSeen()
        id_column, owner_column = columns["id"], columns.get("owner_id")
        keep = self.missing_fields(kind, entity, columns)
        for r in self.readers(kind):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required(id_column)
            fresh = seen.check(r, id_column, ident) if ident else False
            obj = build(r, ident)
            if r.problems or obj is None:
                yield r.rejected((entity, ident) if fresh else None)
                continue
            owner = r.optional(owner_column) if owner_column else None
            if owner_column and owner is not None:
                rep = self.reps.rep(owner, r.origin, owner_column)
                if rep is not None:
                    yield rep
            yield Item(collection, obj, r.origin, columns, keep=keep)

    def missing_fields(self, kind: str, entity: EntityKind, columns: Columns) -> frozenset[str]:
        """The fields of ``entity`` that the file of ``kind`` has no column for.

        A contact's seniority comes from its title, so it goes with the title.
        """
        table = self.tables[kind].table
        given = {f for f, column in columns.items() if table.has(column)}
        if "title" in given:
            given.add("seniority")
        return frozenset(_MODELS[entity].model_fields) - given - {"id"}

    def read_accounts(self, kind: str, columns: Columns) -> Iterator[Item | Rejected]:
        """Accounts (after their owners' reps), parents before children."""
        c = columns

        def build(r: RowReader, ident: str) -> Account | None:
            country_text = r.text(c["country"])
            country = country_code(country_text)
            if country_text and country is None:
                self.log.warn(
                    r.origin, c["country"], f"unknown country {country_text!r}; left empty"
                )
            return r.build(
                Account,
                c,
                id=ident,
                name=r.required(c["name"]),
                parent_id=r.optional(c["parent_id"]),
                sector=sector_from_industry(r.text(c["sector"])),
                country=country,
                owner_id=r.optional(c["owner_id"]),
            )

        items: list[Item] = []
        for entry in self.records(kind, EntityKind.ACCOUNT, "accounts", c, build):
            if isinstance(entry, Rejected):
                yield entry
            else:
                items.append(entry)
        yield from parents_first(items)

    def read_contacts(self, kind: str, columns: Columns) -> Iterator[Item | Rejected]:
        c = columns

        def build(r: RowReader, ident: str) -> Contact | None:
            title = r.text(c["title"])
            return r.build(
                Contact,
                c,
                id=ident,
                account_id=self.account_of(r, c["account_id"]),
                name=self.contact_name(r),
                title=title,
                department=r.text(c["department"]),
                seniority=seniority_from_title(title),
                email=r.optional(c["email"]),
                phone=r.optional(c["phone"]),
            )

        return self.records(kind, EntityKind.CONTACT, "contacts", c, build)

    def read_deals(self, kind: str, columns: Columns) -> Iterator[Item | Rejected]:
        """Deals (after their owners' reps); a deal without currency gets the import's."""
        c = columns

        def build(r: RowReader, ident: str) -> Deal | None:
            return r.build(
                Deal,
                c,
                id=ident,
                account_id=self.account_of(r, c["account_id"]),
                name=r.required(c["name"]),
                amount=r.parse(c["amount"], parse_amount),
                currency=r.text(c["currency"]) or self.currency,
                stage=self.stage(r),
                expected_close=r.parse(c["expected_close"], parse_date),
                owner_id=r.optional(c["owner_id"]),
            )

        return self.records(kind, EntityKind.DEAL, "deals", c, build)

    # --- phases -------------------------------------------------------------------

    @classmethod
    def phases(
        cls, store: GraphStore, files: Files, *, log: ImportLog, currency: str
    ) -> list[Phase]:
        """The phases over the files present (headers checked now)."""
        tables = open_tables(files, cls.FILES, fmt=cls.NAME, log=log)
        src = cls(tables, RepMaker(store), log, currency)
        return [
            Phase(f"{tables[kind].name}: {what}", rows, tables[kind].total)
            for kind, what, rows in src.steps()
            if kind in tables
        ]


def import_crm(
    source: type[CrmSource],
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool,
    actor: str,
    at: datetime | None,
    currency: str,
    progress: ProgressFn | None,
    territory: str | None = None,
) -> ImportReport:
    """Import ``files`` of format ``source`` into ``store`` (see :func:`run_import`)."""
    log = ImportLog()
    phases = source.phases(store, files, log=log, currency=currency)
    return run_import(
        store,
        phases,
        fmt=source.NAME.lower(),
        log=log,
        all_or_nothing=all_or_nothing,
        actor=actor,
        at=at,
        progress=progress,
        territory=territory,
    )
