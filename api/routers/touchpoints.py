"""Touchpoints: emails, calls, meetings, demos between our reps and an account's contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from graphcrm.domain import AccountId, ChangeSet, ContactId, DealId, Touchpoint
from graphcrm.errors import InvalidError, Problem

from ..deps import PageDep, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, WRITE, responses
from ..schemas import TouchpointsPublic, WriteResult
from ..territory import visible_account, visible_contact, visible_deal
from ..writes import apply_changes

router = APIRouter(prefix="/v1/touchpoints", tags=["touchpoints"])


@router.get("", summary="List touchpoints", responses=responses(NOT_FOUND))
def list_touchpoints(
    store: StoreDep,
    who: ReaderDep,
    page: PageDep,
    account_id: Annotated[str | None, Query(max_length=128)] = None,
    contact_id: Annotated[str | None, Query(max_length=128)] = None,
    deal_id: Annotated[str | None, Query(max_length=128)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> TouchpointsPublic:
    """Touchpoints of an account, a contact or a deal (give at least one), newest first."""
    if account_id is None and contact_id is None and deal_id is None:
        raise InvalidError(
            [Problem("query", "account_id", "give account_id, contact_id or deal_id")]
        )
    for when, name in ((since, "since"), (until, "until")):
        if when is not None and when.tzinfo is None:
            raise InvalidError([Problem("query", name, "give a time zone (e.g. Z)")])
    if account_id is not None:
        visible_account(store, who, account_id)
    if contact_id is not None:
        visible_contact(store, who, contact_id)
    if deal_id is not None:
        visible_deal(store, who, deal_id)
    result = store.list_touchpoints(
        page,
        account_id=AccountId(account_id) if account_id else None,
        contact_id=ContactId(contact_id) if contact_id else None,
        deal_id=DealId(deal_id) if deal_id else None,
        since=since,
        until=until,
    )
    return TouchpointsPublic(data=list(result.items), count=result.total)


@router.post(
    "",
    status_code=status.HTTP_200_OK,
    summary="Upsert a touchpoint",
    responses=responses(WRITE),
)
def put_touchpoint(state: StateDep, who: WriterDep, body: Touchpoint) -> WriteResult:
    return apply_changes(state, who, ChangeSet(touchpoints=(body,)))
