"""Write ChangeSets (a generated portfolio) as a Salesforce-shaped export.

The files are those of Salesforce's Data Export that graphcrm's Salesforce
import reads (``docs/import-export.md``, "Generated Salesforce export"), plus
``mapping.toml``, which maps the stage and role labels written here onto
graphcrm's vocabularies for that import.

| file | one row per |
| --- | --- |
| ``User.csv`` | rep |
| ``Account.csv`` | account |
| ``Contact.csv`` | contact; one who left has ``Left_Company__c=true`` |
| ``Opportunity.csv`` | deal, at its current stage |
| ``OpportunityHistory.csv`` | stage change |
| ``OpportunityFieldHistory.csv`` | close-date change (``Field=CloseDate``) |
| ``OpportunityContactRole.csv`` | role in force at the end (a deal role of two roles: two rows) |
| ``Event.csv`` | meeting, demo or POC |
| ``EventRelation.csv`` | further attendee of an event (contact or rep) |
| ``Task.csv`` | call, e-mail, LinkedIn message or other touchpoint |

Files are UTF-8 with a BOM, CRLF line ends, fields quoted only when they
must be; times are ``2026-03-01T09:30:00.000Z`` (UTC, to the millisecond),
dates ``2026-03-01``, booleans ``true``/``false``. graphcrm's ids are kept.

What Salesforce's objects cannot carry is left out and counted in
:attr:`ExportSummary.dropped`: influence ties, rep-knows ties, dotted and
past reporting lines, ended deal roles, the contacts and reps of a task
after the first, and deal competitors.

Streaming
    Rows are written as the batches arrive; what is held is one batch and
    the contacts of the batch before (their departure, ``status=left_company``,
    comes in the batch after them: see
    :func:`graphcrm.generator.generate_portfolio`). So the batches must keep
    together what one Salesforce row is made of, as the generator's do: a
    deal with its stage and close-date history, a contact with its open
    solid reporting line, a contact's later status in the next batch at the
    latest. An account's ``CreatedDate`` is the earliest time found in its
    own batch (its contacts, deals, deal roles and touchpoints).
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import Field

from graphcrm.domain import (
    AccountId,
    ChangeSet,
    CloseDateChange,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    LineKind,
    Model,
    Role,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointKind,
)
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.export import cell
from graphcrm.io.sfexport_values import (
    CALL_TYPES,
    COLUMNS,
    DIRECTIONS,
    EVENT_TYPES,
    MAPPING_FILE,
    ROLE_LABELS,
    STAGE_LABELS,
    TASK_TYPES,
    industry,
    mapping_toml,
    sf_date,
    sf_sentiment,
    sf_time,
    sf_time_or_empty,
    split_name,
)
from graphcrm.io.values import seniority_from_title

# --- the writer ------------------------------------------------------------------


class ExportSummary(Model):
    """What :func:`write_salesforce_export` wrote, and what it could not carry.

    ``rows``: data rows per CSV file (headers not counted; every file is
    there, 0 when empty). ``dropped``: rows with no Salesforce object, by
    kind (only kinds that occurred): ``influences``, ``rep_knows``,
    ``dotted_reports_to``, ``closed_reports_to`` (past solid lines),
    ``closed_deal_roles``, ``task_contacts`` and ``task_reps`` (the
    participants of a task after the first), ``competitors`` (names).
    """

    directory: Path
    files: tuple[str, ...]
    rows: dict[str, int] = Field(default_factory=dict)
    dropped: dict[str, int] = Field(default_factory=dict)


@dataclass(slots=True)
class _PendingContact:
    """A contact whose row waits for the next batch (which may hold its departure)."""

    contact: Contact
    created: datetime | None
    manager: ContactId | None = None
    line_from: datetime | None = None


def _problem(where: str, field: str, message: str) -> InvalidError:
    return InvalidError([Problem(where, field, message)])


class _Writer:
    """The open CSV files and the state carried from one batch to the next."""

    def __init__(self, directory: Path, stack: ExitStack) -> None:
        self.rows: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.pending: dict[ContactId, _PendingContact] = {}
        self.writers: dict[str, Callable[[Iterable[str]], object]] = {}
        for name, header in COLUMNS.items():
            handle = stack.enter_context(
                (directory / name).open("w", encoding="utf-8-sig", newline="")
            )
            w = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(header)
            self.writers[name] = w.writerow
            self.rows[name] = 0

    def write(self, name: str, *values: object) -> None:
        self.writers[name]([cell(v) for v in values])
        self.rows[name] += 1

    # --- one batch -------------------------------------------------------------

    def batch(self, cs: ChangeSet) -> None:
        for rep in cs.reps:
            self.write("User.csv", rep.id, rep.name, rep.email, None, True)
        earlier, self.pending = self.pending, {}
        for c in cs.contacts:
            held = self.pending.get(c.id) or earlier.get(c.id)
            if held is None:
                self.pending[c.id] = _PendingContact(c, c.status_from)
            else:
                held.contact = c
        self._reporting_lines(cs, earlier)
        for held in earlier.values():
            self._contact(held)
        self._accounts(cs)
        self._deals(cs)
        self._deal_roles(cs)
        for tp in cs.touchpoints:
            if tp.kind in EVENT_TYPES:
                self._event(tp)
            else:
                self._task(tp)
        self._drop("influences", len(cs.influences))
        self._drop("rep_knows", len(cs.rep_knows))

    def finish(self) -> None:
        for held in self.pending.values():
            self._contact(held)
        self.pending = {}

    def _drop(self, kind: str, n: int) -> None:
        if n:
            self.dropped[kind] += n

    # --- contacts --------------------------------------------------------------

    def _reporting_lines(self, cs: ChangeSet, earlier: dict[ContactId, _PendingContact]) -> None:
        for line in cs.reports_to:
            if line.kind is not LineKind.SOLID:
                self._drop("dotted_reports_to", 1)
                continue
            if line.valid_to is not None:
                self._drop("closed_reports_to", 1)
                continue
            held = self.pending.get(line.contact_id) or earlier.get(line.contact_id)
            if held is None:
                raise _problem(
                    f"reports_to[{line.contact_id} -> {line.manager_id}]",
                    "contact_id",
                    "the contact is not in this batch or the one before: a contact's open "
                    "reporting line must come with the contact (Contact.ReportsToId)",
                )
            held.manager, held.line_from = line.manager_id, line.valid_from

    def _contact(self, held: _PendingContact) -> None:
        c = held.contact
        first, last = split_name(c.name)
        left = c.status is ContactStatus.LEFT_COMPANY
        if left:
            modified = c.status_from
        else:
            known = [t for t in (held.created, c.status_from, held.line_from) if t is not None]
            modified = max(known, default=None)
        self.write(
            "Contact.csv",
            c.id,
            c.account_id,
            last,
            first,
            c.title,
            c.department,
            c.email,
            c.phone,
            None if left else held.manager,
            sf_time_or_empty(held.created),
            sf_time_or_empty(modified),
            left,
            False,
        )

    # --- accounts --------------------------------------------------------------

    def _accounts(self, cs: ChangeSet) -> None:
        if not cs.accounts:
            return
        first: dict[AccountId, datetime] = {}

        def seen(account_id: AccountId, at: datetime | None) -> None:
            if at is not None and (account_id not in first or at < first[account_id]):
                first[account_id] = at

        for c in cs.contacts:
            seen(c.account_id, c.status_from)
        account_of = {d.id: d.account_id for d in cs.deals}
        for changes in (cs.stage_changes, cs.close_date_changes):
            for ch in changes:
                if ch.deal_id in account_of:
                    seen(account_of[ch.deal_id], ch.at)
        for r in cs.deal_roles:
            if r.deal_id in account_of:
                seen(account_of[r.deal_id], r.valid_from)
        for tp in cs.touchpoints:
            seen(tp.account_id, tp.at)
        for a in cs.accounts:
            self.write(
                "Account.csv",
                a.id,
                a.name,
                a.parent_id,
                industry(a.sector),
                a.country,
                a.owner_id,
                sf_time_or_empty(first.get(a.id)),
                False,
            )

    # --- deals -----------------------------------------------------------------

    def _deals(self, cs: ChangeSet) -> None:
        deals = {d.id: d for d in cs.deals}
        stages: defaultdict[DealId, list[StageChange]] = defaultdict(list)
        closes: defaultdict[DealId, list[CloseDateChange]] = defaultdict(list)
        for s in cs.stage_changes:
            _check_in_batch("stage_changes", s.deal_id, s.at, deals)
            stages[s.deal_id].append(s)
        for c in cs.close_date_changes:
            _check_in_batch("close_date_changes", c.deal_id, c.at, deals)
            closes[c.deal_id].append(c)
        for deal in cs.deals:
            history = sorted(stages.get(deal.id, ()), key=lambda s: s.at)
            slips = sorted(closes.get(deal.id, ()), key=lambda c: c.at)
            self._opportunity(deal, history, slips)
            self._drop("competitors", len(deal.competitors))

    def _opportunity(
        self, deal: Deal, history: list[StageChange], slips: list[CloseDateChange]
    ) -> None:
        created = history[0].at if history else None
        modified = history[-1].at if history else None
        self.write(
            "Opportunity.csv",
            deal.id,
            deal.account_id,
            deal.name,
            STAGE_LABELS[deal.stage],
            deal.amount,
            sf_date(deal.expected_close),
            deal.stage.is_closed,
            deal.stage is Stage.CLOSED_WON,
            deal.currency,
            deal.owner_id,
            sf_time_or_empty(created),
            sf_time_or_empty(modified),
            None,
            deal.loss_reason,
            False,
        )
        slip_times = [c.at for c in slips]
        for change in history:
            self.write(
                "OpportunityHistory.csv",
                deal.id,
                STAGE_LABELS[change.to_stage],
                sf_time(change.at),
                None,
                sf_date(_close_date_at(change.at, slips, slip_times, deal.expected_close)),
                deal.amount,
                False,
            )
        for slip in slips:
            self.write(
                "OpportunityFieldHistory.csv",
                deal.id,
                "CloseDate",
                sf_time(slip.at),
                None,
                sf_date(slip.from_date),
                sf_date(slip.to_date),
                False,
            )

    def _deal_roles(self, cs: ChangeSet) -> None:
        for r in cs.deal_roles:
            if r.valid_to is not None:
                self._drop("closed_deal_roles", 1)
                continue
            for role in sorted(r.roles, key=list(Role).index):
                self.write(
                    "OpportunityContactRole.csv",
                    r.deal_id,
                    r.contact_id,
                    ROLE_LABELS[role],
                    None,
                    r.is_primary,
                    sf_time_or_empty(r.valid_from),
                    r.stance,
                    False,
                )

    # --- touchpoints -----------------------------------------------------------

    def _event(self, tp: Touchpoint) -> None:
        at = sf_time(tp.at)
        self.write(
            "Event.csv",
            tp.id,
            tp.contact_ids[0],
            tp.deal_id,
            tp.account_id,
            tp.rep_ids[0] if tp.rep_ids else None,
            at,
            at,
            tp.summary,
            EVENT_TYPES[tp.kind],
            DIRECTIONS[tp.direction],
            sf_sentiment(tp.sentiment),
            at,
            False,
        )
        for other in (*tp.contact_ids[1:], *tp.rep_ids[1:]):
            self.write("EventRelation.csv", tp.id, other, None, True, False)

    def _task(self, tp: Touchpoint) -> None:
        kind = TASK_TYPES[tp.kind]
        self.write(
            "Task.csv",
            tp.id,
            tp.contact_ids[0],
            tp.deal_id,
            tp.account_id,
            tp.rep_ids[0] if tp.rep_ids else None,
            sf_date(tp.at.astimezone(UTC).date()),
            tp.summary,
            kind,
            kind,
            "Completed",
            CALL_TYPES.get(tp.direction) if tp.kind is TouchpointKind.CALL else None,
            DIRECTIONS[tp.direction],
            sf_sentiment(tp.sentiment),
            sf_time(tp.at),
            False,
        )
        self._drop("task_contacts", len(tp.contact_ids) - 1)
        self._drop("task_reps", max(0, len(tp.rep_ids) - 1))


def _check_in_batch(kind: str, deal_id: DealId, at: datetime, deals: dict[DealId, Deal]) -> None:
    if deal_id not in deals:
        raise _problem(
            f"{kind}[{deal_id} at {at.isoformat()}]",
            "deal_id",
            "the deal is not in this batch: a deal's history must come with the deal "
            "(Opportunity.CreatedDate, OpportunityHistory.CloseDate)",
        )


def _close_date_at(
    at: datetime, slips: list[CloseDateChange], times: list[datetime], current: date | None
) -> date | None:
    """The expected close date in force at ``at``: set by the last change at or
    before it; before the first change, the value that change replaced; with
    no changes, the deal's."""
    i = bisect_right(times, at)
    if i:
        return slips[i - 1].to_date
    return slips[0].from_date if slips else current


def carried_by_salesforce(cs: ChangeSet) -> ChangeSet:
    """The part of ``cs`` that its Salesforce export carries, as of its last instant.

    What :func:`write_salesforce_export` leaves out (:attr:`ExportSummary.dropped`)
    is left out here: influence and rep-knows ties, dotted reporting lines,
    deal roles that had ended, the contacts and reps of a task after the first,
    and competitors; a contact's seniority is what its title says
    (:func:`~graphcrm.io.values.seniority_from_title`, as the import guesses it:
    Salesforce has no seniority field). Loading this batch and importing the batch's export give
    the same scores as of the portfolio's ``now`` (``tests/unit/io/test_sf_roundtrip.py``):
    what differs is history before that (past reporting lines, earlier stances).
    """
    return cs.model_copy(
        update={
            "contacts": tuple(
                c.model_copy(update={"seniority": seniority_from_title(c.title)})
                for c in cs.contacts
            ),
            "influences": (),
            "rep_knows": (),
            "reports_to": tuple(r for r in cs.reports_to if r.kind is LineKind.SOLID),
            "deal_roles": tuple(r for r in cs.deal_roles if r.valid_to is None),
            "touchpoints": tuple(
                tp
                if tp.kind in EVENT_TYPES
                else tp.model_copy(
                    update={"contact_ids": tp.contact_ids[:1], "rep_ids": tp.rep_ids[:1]}
                )
                for tp in cs.touchpoints
            ),
            "deals": tuple(d.model_copy(update={"competitors": ()}) for d in cs.deals),
        }
    )


def write_salesforce_export(changesets: Iterable[ChangeSet], directory: Path) -> ExportSummary:
    """Write ``changesets`` into ``directory`` (created) as Salesforce CSV files
    and ``mapping.toml``; existing files of those names are replaced.

    Parameters
    ----------
    changesets
        Batches to apply in order, as :func:`graphcrm.generator.generate_portfolio`
        streams them; each is written as it arrives (see the module's
        docstring for what a batch must keep together).
    directory
        Where the files go.

    Returns
    -------
    ExportSummary
        Rows per file, and the rows Salesforce's objects could not carry.

    Raises
    ------
    graphcrm.errors.InvalidError
        A deal's stage or close-date history not in the deal's batch, or a
        contact's open solid reporting line in neither its batch nor the next.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        writer = _Writer(directory, stack)
        for cs in changesets:
            writer.batch(cs)
        writer.finish()
    (directory / MAPPING_FILE).write_text(mapping_toml(), encoding="utf-8")
    return ExportSummary(
        directory=directory,
        files=(*COLUMNS, MAPPING_FILE),
        rows=dict(writer.rows),
        dropped=dict(writer.dropped),
    )
