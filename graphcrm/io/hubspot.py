"""Import HubSpot CRM exports ("Export all properties" of a view, saved as CSV).

A directory (or a set of uploaded files) holds any of the files below,
matched case-insensitively; each is optional. Column names are HubSpot's
export labels (English), matched case-insensitively; other columns are
ignored. Where HubSpot has labelled a property in more than one way, every
label listed is accepted (``Activity assigned to`` or ``HubSpot owner``).

- ``companies.csv``: ``Record ID, Company name``; ``Parent Company ID,
  Industry, Country/Region, City, Number of Employees, Annual Revenue,
  Company owner``
- ``contacts.csv``: ``Record ID, First Name, Last Name, Associated Company IDs``;
  ``Job Title, Email, Phone Number, Department, Create Date, Last Modified Date``
- ``deals.csv``: ``Record ID, Deal Name, Deal Stage, Associated Company IDs``;
  ``Amount, Close Date, Pipeline, Deal owner, Currency, Create Date, Last
  Modified Date`` and every ``Date entered "<stage> (<pipeline>)"`` and
  ``Date exited "<stage> (<pipeline>)"`` column
- ``buying_roles.csv``: contacts exported with their deal associations:
  ``Record ID`` (the contact), ``Buying Role``, ``Associated Deal IDs``;
  ``Create Date, Last Modified Date``
- ``calls.csv``, ``meetings.csv``, ``emails.csv``, ``notes.csv``: the
  activity views (one file per type), exported with their associated
  records: ``Record ID, Associated Contact IDs``; ``Associated Company IDs,
  Associated Deal IDs, Activity date, Activity assigned to | HubSpot owner,
  Create Date, Last Modified Date`` and, by type:

  - calls: ``Call Title, Call notes, Call direction, Call outcome, Call status``
  - meetings: ``Meeting name | Meeting title, Meeting description,
    Meeting start time, Meeting outcome``
  - emails: ``Email subject, Email direction, Email status``
  - notes: ``Note body``

The mapping onto graphcrm (see also ``docs/import-export.md``):

- ids are HubSpot's record ids, as they are (companies, contacts and deals
  are separate kinds, so the same number may name one of each; calls,
  meetings, emails and notes share one id space, HubSpot's engagements, so
  an id given by two activity files is rejected the second time);
- ``Associated Company IDs`` (``;``-separated) gives the contact's or deal's
  account: the first id, with a warning when there are several;
- ``Company owner`` / ``Deal owner`` / ``Activity assigned to`` hold an
  owner's *name* in exports; it becomes the ``owner_id`` (or the
  touchpoint's rep) and a :class:`~graphcrm.domain.Rep` with that id and
  name when no such rep is stored;
- ``City``, ``Number of Employees`` (a whole number), ``Annual Revenue`` (a
  decimal) -> ``city``, ``employees``, ``annual_revenue``;
- ``Industry`` -> ``sector``, ``Country/Region`` -> ISO alpha-2 ``country``
  as for Salesforce; ``Job Title`` -> ``title`` and a guessed ``seniority``;
- ``Deal Stage`` through a mapping file's stages (of the deal's
  ``Pipeline``), then :data:`HUBSPOT_STAGES` (internal value or label);
- ``Buying Role`` holds ``;``-separated HubSpot values (``BLOCKER;CHAMPION``
  or labels such as ``Budget Holder``), mapped through a mapping file's
  roles, then :data:`graphcrm.domain.roles.HUBSPOT_ROLES`; the contact gets
  a deal role with those roles on every deal in ``Associated Deal IDs``. A
  row with no buying role is skipped.

Times come from the export, never from the import's clock where the export
has one:

- a new contact is active from its ``Create Date``; a deal without stage
  columns opens at its ``Create Date``; a change to a stored record takes
  effect at its ``Last Modified Date``. HubSpot exports no deleted records
  (deleted records go to the recycle bin and are left out of every export)
  and no deleted or archived flag, so a deletion cannot be read from an
  export; a stored contact whose first ``Associated Company IDs`` changed is
  recorded as having left its account at its ``Last Modified Date`` (see
  :meth:`~graphcrm.io.crm.CrmSource.read_contacts`). ``Last Modified Date``
  moves with any change to the record, HubSpot's own included, so that date
  is the latest it can be, not the day of the move;
- a buying role starts when the later of its deal and contact was created
  when this import creates either, else at the row's ``Last Modified Date``
  (``Buying Role`` is a contact property: changing it changes that date);
- an activity happened at its ``Activity date`` (a meeting: ``Meeting start
  time`` first), else its ``Create Date``, else its ``Last Modified Date``;
- times without a zone (HubSpot writes ``2025-02-11 09:30`` in the
  account's time zone) are read as UTC, as every format's are; a time with
  a zone or an offset is converted.

Stage history. HubSpot keeps, for every stage of every pipeline, the time a
deal last entered it and last left it, exported as ``Date entered "Qualified
To Buy (Sales Pipeline)"`` (older portals: single quotes, or none) and
``Date exited ...``. Each filled ``Date entered`` cell is one snapshot: from
that time the deal was in that stage (read through the mapping file with the
column's own pipeline, so a deal moved between pipelines keeps both). Sorted
by time they give the deal's moves, backward ones included
(:func:`~graphcrm.io.crm_deals.stage_history`). HubSpot keeps no close-date
history: a new deal's close date is taken as known from its first snapshot, a
stored deal's changes at its ``Last Modified Date``. What HubSpot does not
keep is lost: a stage entered twice shows only its last entry, so a deal that
went A -> B -> A -> C reads as B -> A -> C, and one that went A -> B -> A -> B
reads as A -> B, its backward move gone. What an earlier import stored stays:
for a stored deal the stored moves join the export's (the export's win at
the same instant), so importing exports regularly keeps entries that HubSpot
has since overwritten, and each move's from-stage is the one stored before
it. ``Date exited``
is only checked: a stage the deal is no longer in must not be left before it
was entered (a warning names the column). A stage column whose stage is not
known (a custom pipeline without a mapping) is left out of the history, with
a warning counting its rows; a header ``Date entered ...`` without a
``(<pipeline>)`` (``Date entered current stage``) is not a stage column.

Activities become touchpoints with the contacts of ``Associated Contact IDs``
(all of them), the account of the first ``Associated Company IDs`` (else the
first contact's), the deal of the first ``Associated Deal IDs`` when this
import or the store has it (else the touchpoint is kept without a deal, with
a warning counting its rows), the rep named by the owner column, and the
title as summary (HTML tags of bodies dropped). Kinds and directions:

- calls -> ``call``, inbound or outbound by ``Call direction``; a call whose
  ``Call status`` is set and is not ``Completed``, or whose ``Call outcome``
  is ``No answer``, ``Busy`` or ``Wrong number``, reached nobody and is
  skipped (a left voicemail reached the contact one way and is kept);
- meetings -> ``meeting``, two-way; one whose ``Meeting outcome`` is
  ``Canceled``, ``No show`` or ``Rescheduled`` did not take place and is
  skipped (``Scheduled``, ``Completed`` and an empty outcome are kept: many
  teams never set it);
- emails -> ``email``, by ``Email direction``: ``INCOMING_EMAIL`` (a reply)
  and ``FORWARDED_EMAIL`` (an email a rep received and forwarded to HubSpot)
  are inbound, ``EMAIL`` (sent from or logged to HubSpot) outbound, labels
  and ``Inbound``/``Outbound`` too; one whose ``Email status`` is set and is
  not ``Sent`` (bounced, failed, scheduled) is skipped;
- notes -> ``other``, outbound. A note on a contact is, in most sales teams,
  the record of a conversation that has no other trace (a visit, a phone
  call from a mobile, a WhatsApp thread), so it counts as a touchpoint; a
  note on no contact (only a company or a deal) is an internal remark and is
  skipped like any activity without a contact. Leave ``notes.csv`` out to
  import no notes.

Skipped activities are counted in one warning per reason. HubSpot has no
reporting lines and no parent company column in a plain export of
associations (``Associated Company IDs`` of a company mixes parents and
children), so ``Parent Company ID`` is the only source of ``parent_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from functools import partial

from graphcrm.domain import Deal, DealId, Direction, EntityKind, Stage, TouchpointKind
from graphcrm.errors import NotFoundError
from graphcrm.io.crm import CrmSource, Step, import_crm
from graphcrm.io.crm_activity import DIRECTION_WORDS, Activity, default_direction
from graphcrm.io.crm_deals import Snapshot, deal_role
from graphcrm.io.hubspot_files import (
    COMPANY_COLUMNS,
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    DIRECTION_COLUMNS,
    FILES,
    HUBSPOT_STAGES,
    INBOUND_EMAIL,
    NOT_HELD,
    NOT_REACHED,
    OUTBOUND_EMAIL,
    OWNER_COLUMNS,
    ROLE_COLUMNS,
    ROLE_TABLE,
    STAGE_TABLE,
    TIME_COLUMNS,
    StageColumn,
    plain_text,
    stage_column,
)
from graphcrm.io.importing import ImportReport, Item, NewTerritory, ProgressFn
from graphcrm.io.mapping import NO_MAPPING, CrmMapping
from graphcrm.io.sources import Columns, Files, FirstSeen, Origin, Rejected, RowReader
from graphcrm.io.values import parse_time, split_ids, stage_key
from graphcrm.store.port import GraphStore

__all__ = ["HUBSPOT_STAGES", "import_hubspot"]


def _first_of(table_columns: Mapping[str, int | None], names: tuple[str, ...]) -> str:
    """The first of ``names`` the file has (the first when it has none)."""
    return next((n for n in names if table_columns.get(n) is not None), names[0])


class _Source(CrmSource):
    NAME = "HubSpot"
    FILES = FILES
    ROLES = ROLE_TABLE
    STAGES = STAGE_TABLE

    def steps(self) -> tuple[Step, ...]:
        deals = self.tables.get("deals")
        columns = deals.table.columns if deals is not None else {}
        self.stage_columns = [s for c in columns if (s := stage_column(c)) is not None]
        self.deal_ids: set[str] = set()
        self.unknown_deals: set[str] = set()
        self.activity_ids: dict[str, Origin] = {}
        return (
            ("companies", "companies", partial(self.read_accounts, "companies", COMPANY_COLUMNS)),
            ("contacts", "contacts", partial(self.read_contacts, "contacts", CONTACT_COLUMNS)),
            ("deals", "deals", self.deals),
            ("buying_roles", "deal roles", self.buying_roles),
            ("calls", "touchpoints", partial(self.activities, "calls", TouchpointKind.CALL)),
            (
                "meetings",
                "touchpoints",
                partial(self.activities, "meetings", TouchpointKind.MEETING),
            ),
            ("emails", "touchpoints", partial(self.activities, "emails", TouchpointKind.EMAIL)),
            ("notes", "touchpoints", partial(self.activities, "notes", TouchpointKind.OTHER)),
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

    # --- deals.csv ---------------------------------------------------------------

    def stage(self, r: RowReader) -> Stage | None:
        text = r.required("Deal Stage")
        pipeline = r.optional("Pipeline")
        stage = self.stage_value(text, pipeline=pipeline)
        if stage is None and text:
            self.unknown_stage(r, "Deal Stage", text, pipeline)
        return stage

    def deals(self) -> Iterator[Item | Rejected]:
        """Deals with their stage history; every id of the file is remembered (for the
        activities' ``Associated Deal IDs``), rejected ones too."""
        for entry in self.read_deals("deals", DEAL_COLUMNS):
            if isinstance(entry, Item) and entry.collection == "deals":
                self.deal_ids.add(entry.row.__dict__["id"])
            elif isinstance(entry, Rejected) and entry.entity is not None:
                self.deal_ids.add(entry.entity[1])
            yield entry

    def history(self, deal: Deal, r: RowReader) -> list[Snapshot]:
        """The deal's ``Date entered`` cells as snapshots (see the module docstring)."""
        entered: dict[tuple[str, str], tuple[datetime, Stage | None]] = {}
        exited: list[tuple[StageColumn, datetime]] = []
        for col in self.stage_columns:
            if not r.text(col.column):
                continue
            at = r.parse(col.column, parse_time)
            if at is None:
                continue
            key = (stage_key(col.stage), stage_key(col.pipeline))
            if not col.entered:
                exited.append((col, at))
                continue
            stage = self.stage_value(col.stage, pipeline=col.pipeline)
            if stage is None:
                self.log.tally(
                    r.origin,
                    col.column,
                    f"unknown stage {col.stage!r} of pipeline {col.pipeline!r}: left out of "
                    f'the history; map it in a mapping file ([pipelines."{col.pipeline}".'
                    f'stages] "{col.stage}" = "negotiation", see docs/import-export.md)',
                )
            entered[key] = (at, stage)
        for col, left in exited:
            came = entered.get((stage_key(col.stage), stage_key(col.pipeline)))
            if came is None:
                self.log.tally(
                    r.origin, col.column, "left a stage it never entered (no Date entered)"
                )
            elif left < came[0] and came[1] is not deal.stage:
                self.log.tally(
                    r.origin,
                    col.column,
                    "left a stage before entering it, and the deal is no longer in it: "
                    "the export contradicts itself; Date entered is used",
                )
        order = list(Stage)
        moves: dict[datetime, Stage] = {}
        for at, stage in entered.values():
            if stage is not None and (
                at not in moves or order.index(stage) > order.index(moves[at])
            ):
                moves[at] = stage  # entries at the same instant: the furthest stage
        if not moves or r.problems:
            return []
        out = [Snapshot(at, r.origin, stage) for at, stage in moves.items()]
        stored = self.stored_deal(deal.id)
        if stored is not None:
            # what earlier exports showed stays: an entry a newer export no longer has
            # (the stage was entered again since) is kept, so each move's from-stage
            # is the stage the store holds before it
            out += [
                Snapshot(c.at, r.origin, c.to_stage)
                for c in stored.stage_history
                if c.at not in moves
            ]
            out += [
                Snapshot(c.at, r.origin, close=c.to_date, has_close=True)
                for c in stored.close_date_history
            ]
        elif deal.expected_close is not None:
            created = self.time(r, DEAL_COLUMNS["created"])
            first = min(min(moves), created) if created is not None else min(moves)
            out.append(Snapshot(first, r.origin, close=deal.expected_close, has_close=True))
        return sorted(out, key=lambda s: s.at)

    # --- buying_roles.csv ------------------------------------------------------------

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
            modified = self.time(r, "Last Modified Date")
            created = self.time(r, "Create Date")
            if r.problems:
                yield r.rejected(None)
                continue
            for deal in deals:
                start = self._role_start(deal, contact, created, modified)
                entry = deal_role(r, ROLE_COLUMNS, deal, contact, roles, valid_from=start)
                yield entry
                if isinstance(entry, Rejected):
                    break

    def _role_start(
        self, deal: str, contact: str, created: datetime | None, modified: datetime | None
    ) -> datetime | None:
        """When a buying role starts: the later creation of its deal and its contact when
        this import creates either, else the row's last change."""
        if deal not in self.new_deals and contact not in self.new_contacts:
            return modified
        births = [
            self.new_deals.get(deal),
            self.new_contacts.get(contact, created),
        ]
        known = [t for t in births if t is not None]
        return max(known) if known else modified

    # --- calls.csv, meetings.csv, emails.csv, notes.csv --------------------------------

    def activities(self, kind: str, what: TouchpointKind) -> Iterator[Item | Rejected]:
        """One touchpoint per activity row that took place (see the module docstring)."""
        has = self.tables[kind].table.columns
        owner = _first_of(has, OWNER_COLUMNS)
        times: tuple[str, ...] = ("Activity date", *TIME_COLUMNS)
        if kind == "meetings":
            times = ("Meeting start time", *times)
        titles = {
            "calls": ("Call Title", "Call notes"),
            "meetings": ("Meeting name", "Meeting title", "Meeting description"),
            "emails": ("Email subject",),
            "notes": ("Note body",),
        }[kind]
        heard: Callable[[RowReader], Direction | None] = {
            "calls": self._call,
            "meetings": self._meeting,
            "emails": self._email,
            "notes": lambda r: default_direction(TouchpointKind.OTHER),
        }[kind]
        for r in self.readers(kind):
            if isinstance(r, Rejected):
                yield r
                continue
            ident = r.required("Record ID")
            fresh = bool(ident) and self._first_activity(r, ident)
            direction = heard(r)
            if direction is None and not r.problems:
                continue  # did not take place: counted by the check that said so
            when = next((c for c in times if r.text(c)), times[0])
            at = self.time(r, when)
            if at is None and not r.problems:
                r.problem(times[0], "required: when the activity took place")
            c: Columns = {
                "id": "Record ID",
                "contact_ids": "Associated Contact IDs",
                "account_id": "Associated Company IDs",
                "deal_id": "Associated Deal IDs",
                "rep_ids": owner,
                "at": when,
                "summary": _first_of(has, titles),
                **DIRECTION_COLUMNS.get(kind, {}),
            }
            if r.problems or direction is None or at is None:
                yield r.rejected((EntityKind.TOUCHPOINT, ident) if fresh else None)
                continue
            summary = next((r.text(t) for t in titles if r.text(t)), "")
            a = Activity(
                ident,
                r.origin,
                c,
                what,
                direction,
                at,
                contacts=split_ids(r.text("Associated Contact IDs")),
                account=next(iter(split_ids(r.text("Associated Company IDs"))), None),
                deal=self._activity_deal(r),
                summary=plain_text(summary),
            )
            rep = r.text(owner)
            if rep:
                a.reps.append(rep)
            yield from self.touchpoint(r, a)

    def _first_activity(self, r: RowReader, ident: str) -> bool:
        """True if no activity file gave ``ident`` before; else a problem naming the row
        that did (HubSpot's activities share one id space)."""
        first = self.activity_ids.setdefault(ident, r.origin)
        if first != r.origin:
            r.problem("Record ID", f"duplicate id {ident!r} (first at {first})")
            return False
        return True

    def _activity_deal(self, r: RowReader) -> str | None:
        """The first associated deal, when this import or the store has it."""
        deal = next(iter(split_ids(r.text("Associated Deal IDs"))), None)
        if deal is None or deal in self.deal_ids:
            return deal
        if deal not in self.unknown_deals:
            try:
                self.store.get_deal(DealId(deal))
            except NotFoundError:
                self.unknown_deals.add(deal)
            else:
                self.deal_ids.add(deal)
                return deal
        self.log.tally(
            r.origin,
            "Associated Deal IDs",
            "a deal neither in deals.csv nor stored: the touchpoint is kept without it",
        )
        return None

    def _call(self, r: RowReader) -> Direction | None:
        status, outcome = r.text("Call status"), r.text("Call outcome")
        if status and stage_key(status) != "completed":
            self.log.tally(r.origin, "Call status", f"call {status!r}: reached nobody, skipped")
            return None
        if stage_key(outcome) in NOT_REACHED:
            self.log.tally(r.origin, "Call outcome", f"call {outcome!r}: reached nobody, skipped")
            return None
        word = r.text("Call direction")
        if not word:
            return default_direction(TouchpointKind.CALL)
        found = DIRECTION_WORDS.get(stage_key(word))
        if found is None or found is Direction.TWO_WAY:
            r.problem(
                "Call direction", f"unknown call direction {word!r}; one of Inbound, Outbound"
            )
        return found

    def _meeting(self, r: RowReader) -> Direction | None:
        outcome = r.text("Meeting outcome")
        if stage_key(outcome) in NOT_HELD:
            self.log.tally(
                r.origin, "Meeting outcome", f"meeting {outcome!r}: did not take place, skipped"
            )
            return None
        return default_direction(TouchpointKind.MEETING)

    def _email(self, r: RowReader) -> Direction | None:
        status = r.text("Email status")
        if status and stage_key(status) != "sent":
            self.log.tally(r.origin, "Email status", f"email {status!r}: not delivered, skipped")
            return None
        word = r.text("Email direction")
        if not word:
            return default_direction(TouchpointKind.EMAIL)
        key = stage_key(word)
        if any(w in key for w in INBOUND_EMAIL):
            return Direction.INBOUND
        if any(w in key for w in OUTBOUND_EMAIL):
            return Direction.OUTBOUND
        r.problem(
            "Email direction",
            f"unknown email direction {word!r}; one of EMAIL (sent), INCOMING_EMAIL, "
            "FORWARDED_EMAIL, Inbound, Outbound",
        )
        return None


def import_hubspot(
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
    """Import HubSpot CSV exports into ``store``.

    ``files`` is a directory holding any of the files of the module
    docstring (``companies.csv``, ``contacts.csv``, ``deals.csv``,
    ``buying_roles.csv``, ``calls.csv``, ``meetings.csv``, ``emails.csv``,
    ``notes.csv``), or the same files uploaded (name -> bytes or seekable
    binary file). The other parameters, the report and the errors are those
    of :func:`~graphcrm.io.salesforce.import_salesforce`; ``currency``
    applies to deals without a ``Currency`` column value.
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
