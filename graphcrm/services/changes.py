"""Recent stakeholder changes of an account, from two as-of readings of its graph.

The churn and champion-left risk factors need the changes of the last
``RiskParams.churn_window_days``, which the as-of graph alone does not hold
(it is the state at one instant). We read the account's graph twice, at the
window's start ``since`` and at ``until`` (the as-of instant), and compare:

=================  ===================================================================
kind               when, and the instant reported
=================  ===================================================================
``departed``       active at ``since`` (or hired later), ``left_company`` at ``until``
                   with ``status_from`` in the window; at ``status_from``
``manager_changed`` in the company at ``since`` and not departed in the window; the solid
                   manager differs at the two instants; at the new line's
                   ``valid_from`` (or the old line's ``valid_to`` when no new line is
                   in force). A departure ends the leaver's own line: it counts once,
                   as ``departed``; their reports' moves are their own changes
``role_changed``   a seat on the deal at both instants with different roles; at the
                   new seat's ``valid_from``
``joined``         a seat at ``until`` but none at ``since``, on a deal that already
                   existed at ``since``; at the seat's ``valid_from``
=================  ===================================================================

A deal created inside the window has no baseline: its committee is being
formed, not churned, so nobody "joins" it. Changes are only reported with an
instant inside ``(since, until]``.

Why two graph reads and not the change log: the log is stamped with the time
of the *write* (a bulk import writes years of history at one instant), and it
is filtered by exact key, while a reporting line's key names the old manager,
which we do not know. The graph diff costs one extra ``stakeholder_graph``
read per account (shared by all its deals) and is exact for the state at the
two instants; what it cannot see is a change undone inside the window (a
seat that changed and changed back) or several changes of one kind to one
person (reported once, at the latest).

Departed seats
    Stores close a departing contact's deal seats at the departure (the
    generator does, and a CRM often does). The analytics, though, expect the
    departed champion to stay on the committee, so that ``champion_left``
    fires (as :func:`~graphcrm.analytics.what_if` does for ``RemoveContact``).
    :func:`with_departed_seats` puts back every seat that was open at
    ``since`` and held until its holder left inside the window (closed at the
    departure or later, with :data:`SEAT_CLOSE_SLACK`); a seat given up
    before the departure stays closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from graphcrm.analytics import ChangeKind, StakeholderChange
from graphcrm.domain import (
    Contact,
    ContactStatus,
    DealRole,
    LineKind,
    Model,
    ReportsTo,
    StakeholderGraph,
    UtcDatetime,
)

SEAT_CLOSE_SLACK = timedelta(days=1)
"""A seat closed at most this long before its holder left was held until the departure."""


class AccountChanges(Model):
    """The changes of one account between ``since`` and ``until``."""

    since: UtcDatetime
    until: UtcDatetime
    people: tuple[StakeholderChange, ...]
    """Departures and manager changes, by instant then contact."""
    seats: dict[str, tuple[StakeholderChange, ...]]
    """Deal id -> role changes and joins on that deal's committee."""
    departed_seats: tuple[DealRole, ...]
    """Seats closed by a departure in the window, reopened (``valid_to=None``)."""

    def for_deal(self, deal_id: str) -> tuple[StakeholderChange, ...]:
        """The changes that bear on one deal: every person's, and that deal's seats."""
        own = self.seats.get(deal_id, ())
        return tuple(sorted((*self.people, *own), key=_order))


def _order(c: StakeholderChange) -> tuple[datetime, str, str]:
    return (c.at, c.contact_id, c.kind.value)


def _in(at: datetime | None, since: datetime, until: datetime) -> bool:
    return at is not None and since < at <= until


def _solid_managers(sg: StakeholderGraph) -> dict[str, ReportsTo]:
    return {r.contact_id: r for r in sg.reports_to if r.kind is LineKind.SOLID}


def _seats(sg: StakeholderGraph) -> dict[tuple[str, str], DealRole]:
    return {(r.deal_id, r.contact_id): r for r in sg.deal_roles}


def _departures(
    before: Mapping[str, Contact], after: Mapping[str, Contact], since: datetime, until: datetime
) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    for cid, c in after.items():
        old = before.get(cid)
        was_active = old is None or old.status is ContactStatus.ACTIVE
        if (
            was_active
            and c.status is ContactStatus.LEFT_COMPANY
            and c.status_from is not None
            and _in(c.status_from, since, until)
        ):
            out[cid] = c.status_from
    return out


def account_changes(before: StakeholderGraph, after: StakeholderGraph) -> AccountChanges:
    """Compare the graph at the window's start with the graph at its end (module docs).

    Both graphs must carry their instant (``as_of`` not None), ``before``'s first.

    Examples
    --------
    See ``tests/unit/services/test_changes.py``.
    """
    if before.as_of is None or after.as_of is None or not before.as_of < after.as_of:
        raise ValueError("account_changes needs two dated graphs, the earlier first")
    since, until = before.as_of, after.as_of
    old_contacts: dict[str, Contact] = {c.id: c for c in before.contacts}
    new_contacts: dict[str, Contact] = {c.id: c for c in after.contacts}
    left = _departures(old_contacts, new_contacts, since, until)
    people = [
        StakeholderChange(contact_id=c, at=at, kind=ChangeKind.DEPARTED) for c, at in left.items()
    ]

    old_lines, new_lines = _solid_managers(before), _solid_managers(after)
    for cid in sorted(new_contacts):
        if cid not in old_contacts or cid in left:
            # a departure ends the person's own reporting line: that is the departure,
            # counted once above, not a manager change too
            continue
        old, new = old_lines.get(cid), new_lines.get(cid)
        if (old.manager_id if old else None) == (new.manager_id if new else None):
            continue
        at = new.valid_from if new is not None else (old.valid_to if old is not None else None)
        if at is not None and _in(at, since, until):
            detail = f"{old.manager_id if old else '-'} -> {new.manager_id if new else '-'}"
            people.append(
                StakeholderChange(
                    contact_id=cid, at=at, kind=ChangeKind.MANAGER_CHANGED, detail=detail
                )
            )

    old_seats, new_seats = _seats(before), _seats(after)
    old_deals = {d.id for d in before.deals}
    seats: dict[str, list[StakeholderChange]] = {}
    for (deal_id, contact), seat in sorted(new_seats.items()):
        prior = old_seats.get((deal_id, contact))
        at = seat.valid_from
        if not _in(at, since, until) or at is None:
            continue
        if prior is None and deal_id in old_deals:
            kind, detail = ChangeKind.JOINED, "joined the committee"
        elif prior is not None and prior.roles != seat.roles:
            kind = ChangeKind.ROLE_CHANGED
            detail = (
                f"{'+'.join(sorted(r.value for r in prior.roles))} -> "
                f"{'+'.join(sorted(r.value for r in seat.roles))}"
            )
        else:
            continue
        seats.setdefault(deal_id, []).append(
            StakeholderChange(contact_id=contact, at=at, kind=kind, detail=detail)
        )

    reopened = [
        seat.model_copy(update={"valid_to": None})
        for key, seat in sorted(old_seats.items())
        if key not in new_seats
        and key[1] in left
        and seat.valid_to is not None
        and seat.valid_to >= left[key[1]] - SEAT_CLOSE_SLACK
    ]
    return AccountChanges(
        since=since,
        until=until,
        people=tuple(sorted(people, key=_order)),
        seats={d: tuple(sorted(cs, key=_order)) for d, cs in sorted(seats.items())},
        departed_seats=tuple(reopened),
    )


def with_departed_seats(sg: StakeholderGraph, changes: AccountChanges) -> StakeholderGraph:
    """``sg`` with the seats closed by a departure in the window put back (module docs)."""
    if not changes.departed_seats:
        return sg
    roles = sorted(
        (*sg.deal_roles, *changes.departed_seats), key=lambda r: (r.deal_id, r.contact_id)
    )
    return sg.model_copy(update={"deal_roles": tuple(roles)})
