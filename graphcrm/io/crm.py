"""What the CRM CSV importers (:mod:`~graphcrm.io.salesforce`, :mod:`~graphcrm.io.hubspot`) share.

:class:`CrmSource` reads accounts, contacts and deals from a format's files
given only its column mappings (model field -> source column); a subclass
adds the format's files, stage rules, deal roles and anything else of its
own. :func:`import_crm` runs such a source through
:func:`~graphcrm.io.importing.run_import`.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from pydantic import ValidationError

from graphcrm.domain import (
    Account,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealView,
    EntityKind,
    Model,
    Rep,
    RepId,
    Role,
    Stage,
    Touchpoint,
    TouchpointKind,
)
from graphcrm.errors import NotFoundError
from graphcrm.io.crm_activity import KIND_WORDS, Activity
from graphcrm.io.crm_deals import Snapshot, stage_history
from graphcrm.io.importing import (
    ImportLog,
    ImportReport,
    Item,
    NewTerritory,
    Phase,
    ProgressFn,
    parents_first,
    run_import,
)
from graphcrm.io.mapping import NO_MAPPING, CrmMapping
from graphcrm.io.sources import (
    Columns,
    CsvRow,
    Files,
    FirstSeen,
    OpenTable,
    Origin,
    Rejected,
    RowReader,
    TableSpec,
    open_tables,
)
from graphcrm.io.values import (
    country_code,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_optional_amount,
    parse_time,
    sector_from_industry,
    seniority_from_title,
    stage_key,
)
from graphcrm.store.port import GraphStore

Step = tuple[str, str, Callable[[], Iterator[Item | Rejected]]]
"""``(file kind, what it gives, rows)``: one phase of a source."""


class RepMaker:
    """Rep rows for owner ids, created once each and only if not stored yet.

    CRM exports name a record's owner by an id (Salesforce ``OwnerId``) or a
    name (HubSpot ``Company owner``) and carry no table of owners. graphcrm
    validates ``owner_id`` as a rep reference, so the importer creates a
    :class:`~graphcrm.domain.Rep` with ``id`` and ``name`` both the owner
    value, unless a rep with that id is already stored (whose name is then
    left as it is).
    """

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._known: set[str] = set()

    def known(self, rep_id: str) -> None:
        """``rep_id`` comes with its own row (a user file): make none for it."""
        self._known.add(rep_id)

    def rep(self, owner: str, origin: Origin, column: str) -> Item | None:
        if owner in self._known:
            return None
        self._known.add(owner)
        try:
            self._store.get_rep(RepId(owner))
        except NotFoundError:
            pass
        else:
            return None
        try:
            rep = Rep(id=RepId(owner), name=owner)
        except ValidationError:
            return None  # the owning row reports the bad owner id itself
        return Item("reps", rep, origin, {"id": column, "name": column}, source_row=False)


_MODELS: dict[EntityKind, type[Model]] = {
    EntityKind.ACCOUNT: Account,
    EntityKind.CONTACT: Contact,
    EntityKind.DEAL: Deal,
}
"""The model a CRM file of each kind of object fills in."""


@dataclass(slots=True)
class CrmSource(ABC):
    """The rows of one CRM export; subclasses set the class variables and :meth:`steps`.

    Column mappings (model field -> source column) may also name, under keys
    that are not model fields, the columns this class reads itself:
    ``created`` and ``modified`` (the record's creation and last-change
    times) and ``deleted`` (a flag: the row is skipped and counted).
    """

    NAME: ClassVar[str]
    """The format as messages name it (``HubSpot``); lower-cased, the report's ``format``."""
    FILES: ClassVar[Mapping[str, TableSpec]]
    """The format's files, by kind, in import order."""
    ROLES: ClassVar[Mapping[str, frozenset[Role]]]
    """The format's standard role values, keyed by :func:`~graphcrm.io.values.stage_key`."""
    STAGES: ClassVar[Mapping[str, Stage]]
    """The format's standard stage values, keyed by :func:`~graphcrm.io.values.stage_key`."""

    tables: dict[str, OpenTable]
    reps: RepMaker
    log: ImportLog
    currency: str
    store: GraphStore
    mapping: CrmMapping = NO_MAPPING
    new_contacts: dict[str, datetime | None] = field(default_factory=dict)
    """Contacts this import creates, with their creation time (``created``)."""
    new_deals: dict[str, datetime | None] = field(default_factory=dict)
    """Deals this import creates, with their creation time."""
    contact_accounts: dict[str, str] = field(default_factory=dict)
    """Contacts of the contact file -> their accounts: the account of an activity that
    names none (read from here, as an all-or-nothing import has not stored them yet)."""
    departing: list[Item] = field(default_factory=list)
    """New contacts the export says have left: their second status (:meth:`departures`)."""

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

    def history(self, deal: Deal, r: RowReader) -> list[Snapshot]:
        """The history rows of ``deal`` the export holds (none by default)."""
        return []

    # --- picklists ---------------------------------------------------------------

    def roles(self, r: RowReader, column: str, text: str) -> frozenset[Role]:
        """The roles of a ``;``-separated role cell: the mapping file's, else the
        format's; an unknown value is ``other``, with a warning counting its rows."""
        roles: set[Role] = set()
        for part in text.split(";"):
            value = part.strip()
            if not value:
                continue
            found = self.mapping.roles_of(value) or self.ROLES.get(stage_key(value))
            if found is None:
                self.log.tally(
                    r.origin,
                    column,
                    f"unknown role {value!r} read as 'other'; map it in a mapping file "
                    f'([roles] "{value}" = ["champion"], see docs/import-export.md)',
                )
                found = frozenset({Role.OTHER})
            roles |= found
        return frozenset(roles) or frozenset({Role.OTHER})

    def stage_value(self, text: str, *, pipeline: str | None) -> Stage | None:
        """The stage a value names: the mapping file's, else the format's; None if unknown."""
        return self.mapping.stage_of(text, pipeline=pipeline) or self.STAGES.get(stage_key(text))

    def unknown_stage(self, r: RowReader, column: str, text: str, pipeline: str | None) -> None:
        """Reject an unknown open stage, saying how to map it."""
        of = f" of pipeline {pipeline!r}" if pipeline else ""
        known = ", ".join(sorted({s.value for s in self.STAGES.values()}))
        section = f'[pipelines."{pipeline}".stages]' if pipeline else "[stages]"
        r.problem(
            column,
            f"unknown stage {text!r}{of}; map it in a mapping file ({section} "
            f'"{text}" = "negotiation"; graphcrm stages: {known}; see docs/import-export.md)',
        )

    # --- times and deletions -----------------------------------------------------

    def time(self, r: RowReader, column: str | None) -> datetime | None:
        """The instant in ``column`` (None when the column is absent or empty)."""
        if column is None or not r.text(column):
            return None
        return r.parse(column, parse_time)

    def deleted(self, r: RowReader, columns: Columns) -> bool:
        """True (and the row counted as skipped) when the row's ``deleted`` flag is set."""
        column = columns.get("deleted")
        if column is None or not r.text(column):
            return False
        flag = r.parse(column, parse_bool)
        if flag:
            self.log.skip(r.origin)
        return bool(flag)

    def stored_contact(self, ident: str) -> Contact | None:
        try:
            return self.store.get_contact(ContactId(ident))
        except NotFoundError:
            return None

    def stored_deal(self, ident: str) -> DealView | None:
        try:
            return self.store.get_deal(DealId(ident))
        except NotFoundError:
            return None

    def start_of(
        self, new: Mapping[str, datetime | None], key: str, r: RowReader, c: Columns
    ) -> datetime | None:
        """When a time-stamped fact of ``key``'s object takes effect: the object's
        creation time when this import creates it, else the row's last change."""
        if key in new:
            return new[key]
        return self.time(r, c.get("modified"))

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
        *,
        decided: frozenset[str] = frozenset(),
        trailing: Callable[[RowReader, Model], list[Item]] | None = None,
        new: Mapping[str, object] | None = None,
    ) -> Iterator[Item | Rejected]:
        """One object per row, keyed by ``columns["id"]``; ``build(reader, id)`` makes it.

        A row whose id was seen before is rejected; a row flagged deleted is
        skipped (``build`` returns None for it with no problem); an
        ``owner_id`` column gives the owner's rep (see
        :class:`RepMaker`) before the object, and
        ``trailing(reader, object)`` the rows that follow it. ``decided``
        names fields ``build`` sets even without a column. Ids in ``new`` (once
        ``build`` and ``trailing`` ran) are objects the store does not hold:
        nothing stored is kept for them, so they are not read again.
        """
        seen = FirstSeen()
        id_column, owner_column = columns["id"], columns.get("owner_id")
        keep = self.missing_fields(kind, entity, columns) - decided
        for r in self.readers(kind):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required(id_column)
            fresh = seen.check(r, id_column, ident) if ident else False
            obj = build(r, ident)
            if obj is None and not r.problems:
                continue  # skipped on purpose
            if r.problems or obj is None:
                yield r.rejected((entity, ident) if fresh else None)
                continue
            owner = r.optional(owner_column) if owner_column else None
            if owner_column and owner is not None:
                rep = self.reps.rep(owner, r.origin, owner_column)
                if rep is not None:
                    yield rep
            after = trailing(r, obj) if trailing is not None else []
            if r.problems:
                yield r.rejected((entity, ident) if fresh else None)
                continue
            fresh_keep = frozenset() if new is not None and ident in new else keep
            yield Item(collection, obj, r.origin, columns, keep=fresh_keep)
            yield from after

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
            if self.deleted(r, c):
                return None
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
                city=r.optional(c["city"]),
                employees=r.parse(c["employees"], parse_count),
                annual_revenue=r.parse(c["annual_revenue"], parse_optional_amount),
            )

        items: list[Item] = []
        for entry in self.records(kind, EntityKind.ACCOUNT, "accounts", c, build):
            if isinstance(entry, Rejected):
                yield entry
            else:
                items.append(entry)
        yield from parents_first(items)

    def read_contacts(self, kind: str, columns: Columns) -> Iterator[Item | Rejected]:
        """Contacts, each with its status as the export dates it.

        A contact the store does not hold starts ``active`` at its ``created``
        time. A stored contact flagged deleted or ``left`` (a custom "has left
        the company" flag), or whose account changed, is recorded as having
        left at its ``modified`` time (and keeps its account: graphcrm never
        deletes a person); one recorded as gone stays gone. A deleted row of an
        unknown contact is skipped; a new contact flagged ``left`` is active
        from ``created`` and leaves at ``modified`` (:meth:`departures`).
        """
        c = columns
        left_column = c.get("left")

        def build(r: RowReader, ident: str) -> Contact | None:
            title = r.text(c["title"])
            account = self.account_of(r, c["account_id"])
            stored = self.stored_contact(ident) if ident else None
            deleted = self.deleted(r, c)
            left = bool(r.parse(left_column, parse_bool)) if left_column else False
            status, since = ContactStatus.ACTIVE, None
            if stored is None:
                if deleted:
                    return None
                since = self.time(r, c.get("created"))
                self.new_contacts[ident] = since
            elif stored.status is ContactStatus.LEFT_COMPANY:
                status, since = stored.status, stored.status_from
            elif deleted or left or (account and account != stored.account_id):
                if not deleted and not left:
                    self.log.warn(
                        r.origin,
                        c["account_id"],
                        f"contact {ident!r} moved from account {stored.account_id!r} to "
                        f"{account!r}: recorded as having left {stored.account_id!r}",
                    )
                status, since = ContactStatus.LEFT_COMPANY, self.time(r, c.get("modified"))
            if stored is not None:
                account = stored.account_id
            if account:  # one string per account, not one per contact row
                account = self.contact_accounts[ident] = sys.intern(account)
            contact = r.build(
                Contact,
                c,
                id=ident,
                account_id=account,
                name=self.contact_name(r),
                title=title,
                department=r.text(c["department"]),
                seniority=seniority_from_title(title),
                email=r.optional(c["email"]),
                phone=r.optional(c["phone"]),
                status=status,
                status_from=since,
            )
            if contact is not None and stored is None and left:
                gone = contact.model_copy(
                    update={
                        "status": ContactStatus.LEFT_COMPANY,
                        "status_from": self.time(r, c.get("modified")),
                    }
                )
                self.departing.append(Item("contacts", gone, r.origin, c, source_row=False))
            return contact

        decided = frozenset({"status", "status_from", "account_id"})
        return self.records(
            kind, EntityKind.CONTACT, "contacts", c, build, decided=decided, new=self.new_contacts
        )

    def departures(self) -> Iterator[Item | Rejected]:
        """The second status of the new contacts that the export says have left
        (after the contacts' batch, so that their active interval is stored)."""
        yield from self.departing
        self.departing.clear()

    def read_deals(self, kind: str, columns: Columns) -> Iterator[Item | Rejected]:
        """Deals (after their owners' reps), each followed by its stage and close-date
        history (:func:`stage_history`); a deal without currency gets the import's."""
        c = columns

        def build(r: RowReader, ident: str) -> Deal | None:
            if self.deleted(r, c):
                return None
            stage = self.stage(r)
            loss = r.optional(c["loss_reason"]) if "loss_reason" in c else None
            return r.build(
                Deal,
                c,
                id=ident,
                account_id=self.account_of(r, c["account_id"]),
                name=r.required(c["name"]),
                amount=r.parse(c["amount"], parse_amount),
                currency=r.text(c["currency"]) or self.currency,
                stage=stage,
                expected_close=r.parse(c["expected_close"], parse_date),
                owner_id=r.optional(c["owner_id"]),
                loss_reason=loss if stage is Stage.CLOSED_LOST else None,
            )

        def trailing(r: RowReader, deal: Model) -> list[Item]:
            assert isinstance(deal, Deal)
            stored = self.stored_deal(deal.id)
            created = self.time(r, c.get("created"))
            if stored is None:
                self.new_deals[deal.id] = created
            return stage_history(
                deal,
                origin=r.origin,
                created=created,
                modified=self.time(r, c.get("modified")),
                snapshots=self.history(deal, r),
                stored=stored,
            )

        return self.records(
            kind, EntityKind.DEAL, "deals", c, build, trailing=trailing, new=self.new_deals
        )

    # --- activities ----------------------------------------------------------------

    def activity_kind(self, *words: str) -> TouchpointKind:
        """The first of ``words`` (type columns, most specific first) that names a kind."""
        for word in words:
            kind = KIND_WORDS.get(stage_key(word))
            if kind is not None:
                return kind
        return TouchpointKind.OTHER

    def touchpoint(self, r: RowReader, a: Activity) -> Iterator[Item | Rejected]:
        """The touchpoint of an activity (after its reps), or the row's rejection.

        Its account is the row's, else its first contact's. An activity with
        no contact is skipped with a warning: graphcrm's touchpoints are with
        people.
        """
        c = a.columns
        contacts = list(dict.fromkeys(a.contacts))
        if not contacts:
            if r.problems:
                yield r.rejected(None)
            else:
                self.log.tally(
                    r.origin, c["contact_ids"], "no contact among the participants: skipped"
                )
            return
        account = a.account or self.contact_accounts.get(contacts[0])
        if account is None:
            stored = self.stored_contact(contacts[0])
            account = stored.account_id if stored is not None else None
        if account is None:
            r.problem(c["contact_ids"], f"unknown contact {contacts[0]!r}")
        tp = r.build(
            Touchpoint,
            c,
            id=a.id,
            account_id=account,
            kind=a.kind,
            direction=a.direction,
            at=a.at,
            contact_ids=tuple(contacts),
            rep_ids=tuple(dict.fromkeys(a.reps)),
            deal_id=a.deal or None,
            sentiment=a.sentiment,
            summary=a.summary[:500],
        )
        if tp is None or r.problems:
            yield r.rejected((EntityKind.TOUCHPOINT, a.id))
            return
        for rep in tp.rep_ids:
            made = self.reps.rep(rep, r.origin, c["rep_ids"])
            if made is not None:
                yield made
        yield Item("touchpoints", tp, r.origin, c)

    # --- phases -------------------------------------------------------------------

    @classmethod
    def phases(
        cls,
        store: GraphStore,
        files: Files,
        *,
        log: ImportLog,
        currency: str,
        mapping: CrmMapping = NO_MAPPING,
    ) -> list[Phase]:
        """The phases over the files present (headers checked now)."""
        tables = open_tables(files, cls.FILES, fmt=cls.NAME, warn=log.warn)
        src = cls(tables, RepMaker(store), log, currency, store, mapping)
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
    territory: NewTerritory = None,
    mapping: CrmMapping = NO_MAPPING,
) -> ImportReport:
    """Import ``files`` of format ``source`` into ``store`` (see :func:`run_import`)."""
    log = ImportLog()
    phases = source.phases(store, files, log=log, currency=currency, mapping=mapping)
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
