"""Deals: stages move forwards and backwards, and every move is kept in the history."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Query, Response, status

from graphcrm.domain import (
    AccountId,
    ChangeSet,
    Deal,
    DealId,
    DealView,
    RepId,
    Stage,
)
from graphcrm.errors import NotFoundError

from ..deps import AsOfDep, PageDep, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, UPDATE, WRITE, responses
from ..schemas import DealCreate, DealRolesPublic, DealsPublic, DealUpdate
from ..territory import id_taken, listed_territories, visible_account, visible_deal
from ..writes import PartialUpdate, apply_changes, set_etag

router = APIRouter(prefix="/v1/deals", tags=["deals"])

DealPath = Annotated[str, Path(description="The deal's external id.", max_length=128)]
IfMatch = Annotated[
    str | None, Header(description="The ETag from the last GET (required for updates).")
]


@router.get("", summary="List deals", responses=responses(NOT_FOUND))
def list_deals(
    store: StoreDep,
    who: ReaderDep,
    page: PageDep,
    account_id: Annotated[str | None, Query(max_length=128)] = None,
    stage: Stage | None = None,
    owner_id: Annotated[str | None, Query(max_length=128)] = None,
    territory: Annotated[str | None, Query(max_length=200)] = None,
) -> DealsPublic:
    """Deals (current stage) in the key's territories, by name (Turkish collation), then id."""
    if account_id is not None:
        visible_account(store, who, account_id)
    result = store.list_deals(
        page,
        account_id=AccountId(account_id) if account_id else None,
        stage=stage,
        owner_id=RepId(owner_id) if owner_id else None,
        territories=listed_territories(who, territory),
    )
    return DealsPublic(data=list(result.items), count=result.total)


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Create a deal", responses=responses(WRITE)
)
def create_deal(state: StateDep, who: WriterDep, body: DealCreate, response: Response) -> DealView:
    """Create one deal (its first stage is recorded); 409 if the id is taken."""

    def must_be_new() -> None:
        try:
            state.store.get_deal(body.id)
        except NotFoundError:
            return
        raise id_taken("deal", body.id)

    apply_changes(state, who, ChangeSet(deals=(body,)), precheck=must_be_new)
    view = state.store.get_deal(body.id)
    set_etag(response, view.deal)
    response.headers["Location"] = f"/v1/deals/{quote(body.id, safe='')}"
    return view


@router.get("/{deal_id}", summary="Get a deal with its history", responses=responses(NOT_FOUND))
def get_deal(
    store: StoreDep, who: ReaderDep, deal_id: DealPath, as_of: AsOfDep, response: Response
) -> DealView:
    """The deal with its stage and close-date history, oldest first.

    With ``as_of``: the history up to then and the stage the deal was in (404 if
    it did not exist yet). ``ETag`` (of ``deal``) when reading the present.
    """
    view = visible_deal(store, who, deal_id)
    if as_of is None:
        set_etag(response, view.deal)
        return view
    stage = view.stage_at(as_of)
    if stage is None:
        raise NotFoundError("deal", deal_id)
    return DealView(
        deal=view.deal.model_copy(update={"stage": stage}),
        stage_history=tuple(c for c in view.stage_history if c.at <= as_of),
        close_date_history=tuple(c for c in view.close_date_history if c.at <= as_of),
    )


@router.patch("/{deal_id}", summary="Update a deal", responses=responses(NOT_FOUND, WRITE, UPDATE))
def update_deal(
    state: StateDep,
    who: WriterDep,
    deal_id: DealPath,
    body: DealUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> DealView:
    """Change some fields; a new stage or close date is recorded in the history.
    Needs ``If-Match`` (412 when stale, 428 when missing)."""
    changes = body.model_dump(exclude_unset=True)
    update = PartialUpdate(
        Deal, "deals", lambda: visible_deal(state.store, who, deal_id).deal, changes, if_match
    )
    apply_changes(state, who, update)
    view = state.store.get_deal(DealId(deal_id))
    set_etag(response, view.deal)
    return view


@router.get(
    "/{deal_id}/roles", summary="The deal's buying committee", responses=responses(NOT_FOUND)
)
def deal_roles(
    store: StoreDep, who: ReaderDep, deal_id: DealPath, page: PageDep, as_of: AsOfDep
) -> DealRolesPublic:
    """Roles and stances on the deal in force at ``as_of``, by contact id."""
    view = visible_deal(store, who, deal_id)
    graph = store.stakeholder_graph(view.deal.account_id, as_of=as_of)
    rows = [r for r in graph.deal_roles if r.deal_id == deal_id]
    return DealRolesPublic(data=rows[page.offset : page.offset + page.limit], count=len(rows))
