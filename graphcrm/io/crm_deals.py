"""What the CRM importers read about a deal beyond its own row: the contact roles of an
export's role rows (:func:`deal_role`) and the stage and close-date history of its history
rows (:func:`stage_history`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeVar

from graphcrm.domain import (
    CloseDateChange,
    ContactId,
    Deal,
    DealId,
    DealRole,
    DealView,
    Role,
    Stage,
    StageChange,
)
from graphcrm.io.importing import Item
from graphcrm.io.sources import Columns, Origin, Rejected, RowReader

T = TypeVar("T")


def stance_of(roles: frozenset[Role]) -> int:
    """The stance a role implies when the export gives none: a champion backs us (+1),
    a blocker works against us (-1), anyone else is neutral (0).

    >>> stance_of(frozenset({Role.CHAMPION})), stance_of(frozenset({Role.BLOCKER}))
    (1, -1)
    """
    if Role.CHAMPION in roles and Role.BLOCKER not in roles:
        return 1
    if Role.BLOCKER in roles and Role.CHAMPION not in roles:
        return -1
    return 0


def deal_role(
    r: RowReader,
    columns: Columns,
    deal: str,
    contact: str,
    roles: frozenset[Role],
    **extra: object,
) -> Item | Rejected:
    """The deal role of ``contact`` on ``deal``, or the row's rejection; its stance is
    :func:`stance_of` its roles unless ``extra`` gives one."""
    role = r.build(
        DealRole,
        columns,
        deal_id=DealId(deal),
        contact_id=ContactId(contact),
        roles=roles,
        **({"stance": stance_of(roles)} | extra),
    )
    if role is None:
        return r.rejected(None)
    return Item("deal_roles", role, r.origin, columns)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One row of a deal's history in an export: from ``at`` on, the deal was in
    ``stage`` (None: the row does not say) with expected close ``close`` (when
    ``has_close``)."""

    at: datetime
    origin: Origin
    stage: Stage | None = None
    close: date | None = None
    has_close: bool = False


CLOSED_AT_NOON: Final = time(12, tzinfo=UTC)
"""A closed deal without history is read as closed at noon (UTC) of its close date."""


def stage_history(
    deal: Deal,
    *,
    origin: Origin,
    created: datetime | None,
    modified: datetime | None,
    snapshots: Iterable[Snapshot],
    stored: DealView | None,
) -> list[Item]:
    """The explicit stage and close-date changes of ``deal``, as items that trail its row.

    - With history rows (``snapshots``): one change per move, forwards or
      backwards, at the row's time; when the last row's stage or close date
      is not the deal's, one more change to it at ``modified`` (or just after
      the last row).
    - Without, for a deal the store does not hold: it opens at ``created`` in
      its stage; a closed deal opens in ``prospecting`` (the export does not
      say more) and closes at noon of its close date (not before ``created``).
    - Without, for a stored deal: a stage or close date that differs changes
      at ``modified``.

    Nothing without a time: the store then stamps the change with the import's
    time, as for any write.
    """
    rows = sorted(snapshots, key=lambda s: s.at)
    stages: list[tuple[datetime, Stage, Origin]] = []
    closes: list[tuple[datetime, date | None, Origin]] = []
    if rows:
        for snap in rows:  # rows of one instant (two history files): the last one holds
            if snap.stage is not None:
                _move(stages, snap.at, snap.stage, snap.origin)
            if snap.has_close:
                _move(closes, snap.at, snap.close, snap.origin)
        after = modified if modified is not None and modified > rows[-1].at else None
        last = after or rows[-1].at + timedelta(seconds=1)
        if not stages or stages[-1][1] is not deal.stage:
            stages.append((last, deal.stage, origin))
        if closes and closes[-1][1] != deal.expected_close:
            closes.append((last, deal.expected_close, origin))
    elif stored is None:
        if created is None:
            return []
        if deal.stage.is_closed:
            stages.append((created, Stage.PROSPECTING, origin))
            if deal.expected_close is not None:
                end = datetime.combine(deal.expected_close, CLOSED_AT_NOON)
                stages.append((max(end, created + timedelta(seconds=1)), deal.stage, origin))
            else:
                stages.append((created + timedelta(seconds=1), deal.stage, origin))
        else:
            stages.append((created, deal.stage, origin))
        if deal.expected_close is not None:
            closes.append((created, deal.expected_close, origin))
    elif modified is not None:
        old = stored.deal
        if old.stage is not deal.stage:
            stages = [(modified, deal.stage, origin)]
        if old.expected_close != deal.expected_close:
            closes = [(modified, deal.expected_close, origin)]
        if stages or closes:  # explicit changes replace the derived ones: give both
            previous = stored.stage_history[-1].at if stored.stage_history else None
            if previous is not None and modified <= previous:
                return []  # an older export than the stored history: let the store decide
    items: list[Item] = []
    first_stage = stored.deal.stage if stored is not None and not rows else None
    for i, (at, stage, where) in enumerate(stages):
        before = stages[i - 1][1] if i else first_stage
        change = StageChange(deal_id=deal.id, at=at, from_stage=before, to_stage=stage)
        items.append(Item("stage_changes", change, where, _HISTORY_COLUMNS, source_row=False))
    first_close = stored.deal.expected_close if stored is not None and not rows else None
    for i, (at, close, where) in enumerate(closes):
        before_close = closes[i - 1][1] if i else first_close
        cd = CloseDateChange(deal_id=deal.id, at=at, from_date=before_close, to_date=close)
        items.append(Item("close_date_changes", cd, where, _HISTORY_COLUMNS, source_row=False))
    return items


def _move(moves: list[tuple[datetime, T, Origin]], at: datetime, value: T, origin: Origin) -> None:
    """Add a move to ``value`` at ``at`` to a history; a move at the same instant as the
    last one replaces it, and a move to the value already held is no move."""
    if moves and moves[-1][0] == at:
        moves.pop()
    if not moves or moves[-1][1] != value:
        moves.append((at, value, origin))


_HISTORY_COLUMNS: Final = {"deal_id": "OpportunityId", "at": "CreatedDate"}
