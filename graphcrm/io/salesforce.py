"""Import Salesforce CSV exports (Data Export, Data Loader, or reports saved as CSV).

A directory (or a set of uploaded files) holds any of the files below, named
as Salesforce names the objects (matched case-insensitively); each is
optional, so accounts can be loaded first and activity later. Required
columns, then optional ones (other columns are ignored):

- ``User.csv``: ``Id, Name``; ``Email``
- ``Account.csv``: ``Id, Name``; ``ParentId, Industry, BillingCountry, BillingCity,
  NumberOfEmployees, AnnualRevenue, OwnerId, IsDeleted`` (``BillingCity``,
  ``NumberOfEmployees``, ``AnnualRevenue`` -> ``city``, ``employees``, ``annual_revenue``)
- ``Contact.csv``: ``Id, AccountId, LastName``; ``FirstName, Title,
  Department, Email, Phone, ReportsToId, CreatedDate, LastModifiedDate,
  Left_Company__c, IsDeleted``
- ``Opportunity.csv``: ``Id, AccountId, Name, StageName``; ``Amount,
  CloseDate, IsClosed, IsWon, CurrencyIsoCode, OwnerId, CreatedDate,
  LastModifiedDate, Pipeline__c, Loss_Reason__c, IsDeleted``
- ``OpportunityHistory.csv``: ``OpportunityId, StageName, CreatedDate``; ``CloseDate, IsDeleted``
- ``OpportunityFieldHistory.csv``: ``OpportunityId, Field, CreatedDate``;
  ``OldValue, NewValue, IsDeleted``
- ``OpportunityContactRole.csv``: ``OpportunityId, ContactId, Role``;
  ``IsPrimary, CreatedDate, LastModifiedDate, Stance__c, IsDeleted``
- ``Task.csv``: ``Id``; ``WhoId, WhatId, AccountId, OwnerId, ActivityDate,
  Subject, Type, TaskSubtype, Status, CallType, Direction__c, Sentiment__c,
  CreatedDate, IsDeleted``
- ``Event.csv``: ``Id``; ``WhoId, WhatId, AccountId, OwnerId,
  StartDateTime, ActivityDateTime, Subject, Type, Direction__c,
  Sentiment__c, CreatedDate, IsDeleted``
- ``EventRelation.csv``: ``EventId, RelationId``; ``IsInvitee, IsDeleted``

``docs/import-export.md`` gives every rule; in short:

- Ids: a 15-character Salesforce id is read as its 18-character form
  (:func:`~graphcrm.io.values.salesforce_id18`), so reports and Data Loader
  files name the same records. Rows with ``IsDeleted`` true are skipped and
  counted in the report's ``skipped``.
- Times come from the export, never from the import's clock where the
  export has one: a new contact is active from its ``CreatedDate``, its
  reporting line and its deal roles start then too; a change to a stored
  record takes effect at its ``LastModifiedDate``. A stored contact that is
  deleted, or whose ``AccountId`` changed, is recorded as having left at its
  ``LastModifiedDate`` (see :meth:`CrmSource.read_contacts`).
- A deal's stage history is ``OpportunityHistory`` and/or
  ``OpportunityFieldHistory`` (``StageName`` and ``CloseDate`` rows),
  backward moves included; without them see
  :func:`~graphcrm.io.crm_deals.stage_history`.
- Picklists: ``StageName`` through a mapping file's stages (of the deal's
  ``Pipeline__c``), then :data:`SALESFORCE_STAGES`; an unknown open stage is
  rejected, saying how to map it. ``Role`` through the mapping's roles, then
  ``Champion``/``Coach`` (champion), then Salesforce's standard roles; an
  unknown role is ``other``, with a warning counting its rows.
- ``Task`` (completed ones) and ``Event`` rows become touchpoints: the
  contact of ``WhoId`` plus the contacts of the event's ``EventRelation``
  rows, the rep of ``OwnerId`` plus the users among them, the deal of
  ``WhatId`` when it names an opportunity.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from functools import partial

from graphcrm.domain import ContactId, Deal, EntityKind, LineKind, Rep, ReportsTo, Role, Stage
from graphcrm.errors import Problem
from graphcrm.io.crm import CrmSource, Step, import_crm
from graphcrm.io.crm_activity import DIRECTION_WORDS, Activity, default_direction
from graphcrm.io.crm_deals import Snapshot, deal_role
from graphcrm.io.importing import ImportReport, Item, NewTerritory, ProgressFn
from graphcrm.io.mapping import NO_MAPPING, CrmMapping
from graphcrm.io.salesforce_files import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    DONE_STATUSES,
    EVENT_COLUMNS,
    FILES,
    HISTORY_COLUMNS,
    ID_COLUMNS,
    LEAD_PREFIX,
    LINE_COLUMNS,
    OPPORTUNITY_PREFIX,
    RELATION_COLUMNS,
    ROLE_COLUMNS,
    ROLE_TABLE,
    SALESFORCE_STAGES,
    STAGE_TABLE,
    TASK_COLUMNS,
    USER_COLUMNS,
    USER_PREFIX,
)
from graphcrm.io.sources import Columns, CsvRow, Files, FirstSeen, Origin, Rejected, RowReader
from graphcrm.io.values import parse_bool, parse_date, salesforce_id18, stage_key
from graphcrm.store.port import GraphStore

__all__ = ["SALESFORCE_STAGES", "import_salesforce"]


class _Source(CrmSource):
    NAME = "Salesforce"
    FILES = FILES
    ROLES = ROLE_TABLE
    STAGES = STAGE_TABLE

    def steps(self) -> tuple[Step, ...]:
        self.deal_ids: set[str] = set()
        self.user_ids: set[str] = set()
        self.snapshots: dict[str, list[Snapshot]] = {}
        self.history_rows: dict[str, list[tuple[str, datetime, str, str, Origin]]] = {}
        self.bad_history: list[Rejected] = []
        self.attendees: dict[str, list[tuple[str, Origin]]] = {}
        return (
            ("user", "reps", self.users),
            ("account", "accounts", partial(self.read_accounts, "account", ACCOUNT_COLUMNS)),
            ("contact", "contacts", partial(self.read_contacts, "contact", CONTACT_COLUMNS)),
            ("contact", "reporting lines", self.reporting_lines),
            ("contact", "departures", self.departures),
            ("history", "stage history", partial(self.read_history, "history")),
            ("field_history", "field history", partial(self.read_history, "field_history")),
            ("opportunity", "deals", self.deals),
            ("history", "history of unknown opportunities", self.orphan_history),
            ("field_history", "history of unknown opportunities", self.orphan_history),
            ("role", "deal roles", self.deal_roles),
            ("task", "touchpoints", self.tasks),
            ("relation", "attendees", self.relations),
            ("event", "touchpoints", self.events),
        )

    def rows(self, kind: str, *, count: bool = True) -> Iterator[CsvRow | Rejected]:
        """The file's rows with every 15-character record id in its 18-character form."""
        for row in super().rows(kind, count=count):
            if isinstance(row, CsvRow):
                values = row.values
                for column in ID_COLUMNS.intersection(values):
                    values[column] = salesforce_id18(values[column])
            yield row

    # --- User.csv ----------------------------------------------------------------

    def users(self) -> Iterator[Item | Rejected]:
        seen = FirstSeen()
        for r in self.readers("user"):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required("Id")
            if ident:
                seen.check(r, "Id", ident)
            rep = r.build(
                Rep, USER_COLUMNS, id=ident, name=r.required("Name"), email=r.optional("Email")
            )
            if rep is None:
                yield r.rejected(None)
                continue
            self.user_ids.add(ident)
            self.reps.known(ident)
            yield Item("reps", rep, r.origin, USER_COLUMNS, keep=frozenset({"territory"}))

    # --- Contact.csv ---------------------------------------------------------

    def contact_name(self, r: RowReader) -> str:
        return f"{r.text('FirstName')} {r.required('LastName')}".strip()

    def reporting_lines(self) -> Iterator[Item | Rejected]:
        """Second pass over Contact.csv: ``ReportsToId`` -> solid lines, from the
        contact's ``CreatedDate`` (a new contact) or ``LastModifiedDate``.

        Rows rejected in the first pass are skipped by the driver (same line).
        """
        for row in self.rows("contact", count=False):
            if isinstance(row, Rejected):
                continue  # reported by the first pass
            manager = row.values["ReportsToId"]
            ident = row.values["Id"]
            if not manager or not ident or row.values["IsDeleted"].casefold() == "true":
                continue
            r = RowReader(row)
            line = r.build(
                ReportsTo,
                LINE_COLUMNS,
                contact_id=ContactId(ident),
                manager_id=ContactId(manager),
                kind=LineKind.SOLID,
                valid_from=self.start_of(self.new_contacts, ident, r, LINE_COLUMNS),
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
            yield Item("reports_to", line, row.origin, LINE_COLUMNS)

    # --- Opportunity.csv and its history -------------------------------------

    def stage(self, r: RowReader) -> Stage | None:
        text = r.required("StageName")
        closed = r.parse("IsClosed", parse_bool) if r.text("IsClosed") else None
        won = r.parse("IsWon", parse_bool) if r.text("IsWon") else None
        pipeline = r.optional("Pipeline__c")
        stage = self.stage_value(text, pipeline=pipeline)
        if stage is None:
            if closed:
                return Stage.CLOSED_WON if won else Stage.CLOSED_LOST
            if text:
                self.unknown_stage(r, "StageName", text, pipeline)
            return None
        if closed is not None and closed != stage.is_closed:
            r.problem("IsClosed", f"{closed} disagrees with stage {text!r}")
        if won is not None and stage.is_closed and won != (stage is Stage.CLOSED_WON):
            r.problem("IsWon", f"{won} disagrees with stage {text!r}")
        return stage

    def read_history(self, kind: str) -> Iterator[Item | Rejected]:
        """Read a history file into memory, by opportunity; bad rows are rejected now.

        Rows are kept as text: stage values are read with the deal's pipeline.
        ``OpportunityFieldHistory`` rows other than ``StageName`` and
        ``CloseDate`` (``Amount``, ...) are ignored.
        """
        field_rows = kind == "field_history"
        for r in self.readers(kind):
            if isinstance(r, Rejected):
                yield r
                continue
            if self.deleted(r, HISTORY_COLUMNS):
                continue
            deal = r.required("OpportunityId")
            at = self.time(r, "CreatedDate") if r.required("CreatedDate") else None
            if field_rows:
                name = stage_key(r.text("Field"))
                if name not in ("stagename", "closedate"):
                    continue
                what, old, new = name, r.text("OldValue"), r.text("NewValue")
            else:
                what, old, new = "snapshot", r.text("StageName"), r.text("CloseDate")
            if r.problems or at is None:
                yield r.rejected(None)
                continue
            self.history_rows.setdefault(deal, []).append((what, at, old, new, r.origin))

    def history(self, deal: Deal, r: RowReader) -> list[Snapshot]:
        rows = self.history_rows.pop(deal.id, [])
        pipeline = r.optional("Pipeline__c")
        created = self.time(r, "CreatedDate")
        out: list[Snapshot] = []
        firsts: set[str] = set()
        for what, at, old, new, origin in sorted(rows, key=lambda x: x[1]):
            h = RowReader(CsvRow(origin, {}))
            if what == "snapshot":
                stage = self._history_stage(h, "StageName", old, pipeline)
                close = _date(h, "CloseDate", new)
                if not h.problems:
                    out.append(Snapshot(at, origin, stage, close, has_close=bool(new)))
            elif what == "stagename":
                if what not in firsts and old and created is not None:
                    first = self._history_stage(h, "OldValue", old, pipeline)
                    out.append(Snapshot(min(created, at), origin, first))
                stage = self._history_stage(h, "NewValue", new, pipeline)
                if not h.problems:
                    out.append(Snapshot(at, origin, stage))
            else:
                if what not in firsts and created is not None:
                    first_close = _date(h, "OldValue", old)
                    out.append(
                        Snapshot(min(created, at), origin, close=first_close, has_close=True)
                    )
                close = _date(h, "NewValue", new)
                if not h.problems:
                    out.append(Snapshot(at, origin, close=close, has_close=True))
            firsts.add(what)
            if h.problems:
                self.bad_history.append(h.rejected(None))
        return out

    def _history_stage(
        self, h: RowReader, column: str, text: str, pipeline: str | None
    ) -> Stage | None:
        stage = self.stage_value(text, pipeline=pipeline)
        if stage is None:
            self.unknown_stage(h, column, text, pipeline)
        return stage

    def deals(self) -> Iterator[Item | Rejected]:
        for entry in self.read_deals("opportunity", DEAL_COLUMNS):
            if isinstance(entry, Item) and entry.collection == "deals":
                self.deal_ids.add(entry.row.__dict__["id"])
            yield entry
        yield from self.bad_history
        self.bad_history.clear()

    def orphan_history(self) -> Iterator[Item | Rejected]:
        """History rows of opportunities that no row of Opportunity.csv gave (once)."""
        rows, self.history_rows = self.history_rows, {}
        for deal, entries in rows.items():
            for _, _, _, _, origin in entries:
                message = (
                    f"unknown opportunity {deal!r}: not in Opportunity.csv (a deal's "
                    "history is imported with its Opportunity.csv row)"
                )
                yield Rejected(origin, (Problem(str(origin), "OpportunityId", message),))

    # --- OpportunityContactRole.csv --------------------------------------------

    def deal_roles(self) -> Iterator[Item | Rejected]:
        """Roles merged per (opportunity, contact): all their roles, primary if any
        row is, the first stance given, from the earliest start."""
        c: Columns = ROLE_COLUMNS
        merged: dict[
            tuple[str, str], tuple[set[Role], bool, int | None, datetime | None, Origin]
        ] = {}
        for r in self.readers("role"):
            if isinstance(r, Rejected):
                yield r
                continue
            if self.deleted(r, c):
                continue
            deal, contact = r.required("OpportunityId"), r.required("ContactId")
            primary = r.parse("IsPrimary", parse_bool)
            stance = r.parse("Stance__c", _stance) if r.text("Stance__c") else None
            roles = self.roles(r, "Role", r.text("Role"))
            if deal in self.new_deals:
                start = self.time(r, "CreatedDate") or self.new_deals[deal]
            else:
                start = self.time(r, "LastModifiedDate")
            if r.problems:
                yield r.rejected(None)
                continue
            key = (deal, contact)
            held = merged.get(key)
            if held is None:
                merged[key] = (set(roles), bool(primary), stance, start, r.origin)
            else:
                held[0].update(roles)
                starts = [t for t in (held[3], start) if t is not None]
                merged[key] = (
                    held[0],
                    held[1] or bool(primary),
                    held[2] if held[2] is not None else stance,
                    min(starts) if starts else None,
                    held[4],
                )
        for (deal, contact), (roles_, primary_, stance_, start_, origin) in merged.items():
            extra: dict[str, object] = {"is_primary": primary_, "valid_from": start_}
            if stance_ is not None:
                extra["stance"] = stance_
            yield deal_role(
                RowReader(CsvRow(origin, {})), c, deal, contact, frozenset(roles_), **extra
            )

    # --- Task.csv, Event.csv, EventRelation.csv ------------------------------------

    def _activity(
        self, r: RowReader, c: Columns, at: datetime | None, kind_words: tuple[str, ...]
    ) -> Activity | None:
        """The activity of a Task or Event row; None (with problems on ``r``) if it is bad."""
        ident = r.required("Id")
        if at is None and not r.problems:
            r.problem(c["at"], "required: when the activity took place")
        kind = self.activity_kind(*kind_words)
        direction = default_direction(kind)
        for column in ("Direction__c", "CallType"):
            word = r.text(column) if column in r.row.values else ""
            if word:
                found = DIRECTION_WORDS.get(stage_key(word))
                if found is None and column == "Direction__c":
                    r.problem(
                        column, f"unknown direction {word!r}; one of Inbound, Outbound, Two-way"
                    )
                direction = found or direction
                break
        sentiment = r.parse("Sentiment__c", float) if r.text("Sentiment__c") else 0.0
        if r.problems or at is None:
            return None
        a = Activity(
            ident,
            r.origin,
            c,
            kind,
            direction,
            at,
            account=r.optional("AccountId"),
            sentiment=sentiment or 0.0,
            summary=r.text("Subject"),
        )
        self._participant(a, r.text("WhoId"), r)
        owner = r.text("OwnerId")
        if owner:
            a.reps.append(owner)
        what = r.text("WhatId")
        if what and (what in self.deal_ids or what.startswith(OPPORTUNITY_PREFIX)):
            a.deal = what
        return a

    def _participant(self, a: Activity, ident: str, r: RowReader) -> None:
        if not ident:
            return
        if ident in self.user_ids or ident.startswith(USER_PREFIX):
            a.reps.append(ident)
        elif ident.startswith(LEAD_PREFIX):
            self.log.tally(r.origin, "WhoId", "a lead, not a contact: not a participant")
        else:
            a.contacts.append(ident)

    def tasks(self) -> Iterator[Item | Rejected]:
        """Completed tasks -> touchpoints at their ``CreatedDate`` when it falls on the
        ``ActivityDate``, else at noon (UTC) of the ``ActivityDate``."""
        seen = FirstSeen()
        c: Columns = TASK_COLUMNS
        for r in self.readers("task"):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required("Id")
            fresh = seen.check(r, "Id", ident) if ident else False
            if self.deleted(r, c):
                continue
            status = r.text("Status")
            if status and stage_key(status) not in DONE_STATUSES:
                self.log.tally(r.origin, "Status", f"status {status!r}: a planned task, skipped")
                continue
            created = self.time(r, "CreatedDate")
            day = r.parse("ActivityDate", parse_date)
            at = created
            if day is not None and (created is None or created.date() != day):
                at = datetime.combine(day, time(12, tzinfo=UTC))
            a = self._activity(
                r, c, at, (r.text("TaskSubtype"), r.text("Type"), r.text("Subject").split(":")[0])
            )
            if a is None:
                yield r.rejected((EntityKind.TOUCHPOINT, ident) if fresh else None)
                continue
            yield from self.touchpoint(r, a)

    def relations(self) -> Iterator[Item | Rejected]:
        """Read EventRelation.csv into memory: the other attendees of each event."""
        for r in self.readers("relation"):
            if isinstance(r, Rejected):
                yield r
                continue
            if self.deleted(r, RELATION_COLUMNS):
                continue
            event, who = r.required("EventId"), r.required("RelationId")
            if r.problems:
                yield r.rejected(None)
                continue
            self.attendees.setdefault(event, []).append((who, r.origin))

    def events(self) -> Iterator[Item | Rejected]:
        """Events -> touchpoints at ``StartDateTime`` (else ``ActivityDateTime``, else
        ``CreatedDate``), with the attendees of their EventRelation rows."""
        seen = FirstSeen()
        c: Columns = EVENT_COLUMNS
        for r in self.readers("event"):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required("Id")
            fresh = seen.check(r, "Id", ident) if ident else False
            if self.deleted(r, c):
                self.attendees.pop(ident, None)
                continue
            at = (
                self.time(r, "StartDateTime")
                or self.time(r, "ActivityDateTime")
                or self.time(r, "CreatedDate")
            )
            a = self._activity(r, c, at, (r.text("Type"), "meeting"))
            if a is None:
                yield r.rejected((EntityKind.TOUCHPOINT, ident) if fresh else None)
                continue
            for who, _ in self.attendees.pop(ident, []):
                self._participant(a, who, r)
            yield from self.touchpoint(r, a)
        for event, rows in self.attendees.items():
            for _, origin in rows:
                self.log.tally(
                    origin, "EventId", f"no such event in Event.csv ({event!r}): ignored"
                )


def _date(h: RowReader, column: str, text: str) -> date | None:
    """A history row's date value (kept as text until its deal is read)."""
    try:
        return parse_date(text)
    except ValueError as e:
        h.problem(column, str(e))
        return None


def _stance(text: str) -> int:
    """A stance from -2 (opposes) to +2 (champions)."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number from -2 to 2") from None
    if not -2 <= value <= 2:
        raise ValueError(f"{value} is outside -2..2")
    return value


def import_salesforce(
    store: GraphStore,
    files: Files,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    currency: str = "TRY",
    progress: ProgressFn | None = None,
    territory: NewTerritory = None,
    mapping: CrmMapping = NO_MAPPING,
) -> ImportReport:
    """Import Salesforce CSV exports into ``store``.

    Parameters
    ----------
    store
        Where the rows go.
    files
        A directory holding any of the files of the module docstring, or
        the same files uploaded: a mapping from file name to bytes or a
        seekable binary file.
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
    mapping
        The org's custom roles, stages and pipelines (:mod:`graphcrm.io.mapping`).

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
        mapping=mapping,
    )
