"""Ties: reporting lines, influence edges, deal roles and our reps' ties, written one at a
time. (Read them under their account or deal; write many at once with ``/v1/batch``.)

Time-stamped ties are never overwritten: a changed tie closes the interval in
force at the new row's ``valid_from``; send ``valid_to`` to end one.

One deal role and one influence tie in force can be read with an ``ETag``; a
deal role is changed with ``PATCH`` and an influence tie ended with ``DELETE``,
both with ``If-Match`` (412 when stale, 428 when missing) and merged under the
store's write lock. Neither erases history: the changed role holds from the
time of the write, and the ended tie's interval is closed then.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from graphcrm.auth import Principal
from graphcrm.domain import (
    AccountId,
    ChangeSet,
    DealRole,
    Influence,
    InfluenceKind,
    RepKnows,
    ReportsTo,
)
from graphcrm.errors import NotFoundError
from graphcrm.services.clock import utc_now
from graphcrm.store.port import GraphStore

from ..deps import AppState, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, UPDATE, WRITE, responses
from ..schemas import DealRoleUpdate, WriteResult
from ..territory import visible_contact, visible_deal
from ..writes import PartialUpdate, apply_changes, check_if_match, set_etag

router = APIRouter(prefix="/v1", tags=["ties"])


@router.post("/reporting-lines", summary="Upsert a reporting line", responses=responses(WRITE))
def put_reporting_line(state: StateDep, who: WriterDep, body: ReportsTo) -> WriteResult:
    return apply_changes(state, who, ChangeSet(reports_to=(body,)))


@router.post("/influences", summary="Upsert an influence tie", responses=responses(WRITE))
def put_influence(state: StateDep, who: WriterDep, body: Influence) -> WriteResult:
    return apply_changes(state, who, ChangeSet(influences=(body,)))


@router.post("/deal-roles", summary="Upsert a deal role", responses=responses(WRITE))
def put_deal_role(state: StateDep, who: WriterDep, body: DealRole) -> WriteResult:
    return apply_changes(state, who, ChangeSet(deal_roles=(body,)))


@router.post("/rep-knows", summary="Upsert a rep's tie to a contact", responses=responses(WRITE))
def put_rep_knows(state: StateDep, who: WriterDep, body: RepKnows) -> WriteResult:
    return apply_changes(state, who, ChangeSet(rep_knows=(body,)))


Id = Annotated[str, Path(max_length=128)]
IfMatch = Annotated[
    str | None, Header(description="The ETag from the last GET (required for changes).")
]


def deal_role_now(store: GraphStore, who: Principal, deal_id: str, contact_id: str) -> DealRole:
    """The role of ``contact_id`` on ``deal_id`` in force now; NotFoundError when there is
    none, or the deal is outside ``who``'s territories."""
    deal = visible_deal(store, who, deal_id).deal
    graph = store.stakeholder_graphs([AccountId(deal.account_id)], committee_only=True)[0]
    for role in graph.deal_roles:
        if role.deal_id == deal_id and role.contact_id == contact_id:
            return role
    raise NotFoundError("deal role", f"{deal_id}/{contact_id}")


def influence_now(
    store: GraphStore, who: Principal, influencer_id: str, influenced_id: str, kind: InfluenceKind
) -> Influence:
    """The influence tie in force now; NotFoundError when there is none, or the
    influencer is outside ``who``'s territories."""
    account = visible_contact(store, who, influencer_id).account_id
    for tie in store.stakeholder_graph(AccountId(account)).influences:
        if (tie.influencer_id, tie.influenced_id, tie.kind) == (
            influencer_id,
            influenced_id,
            kind,
        ):
            return tie
    raise NotFoundError("influence", f"{influencer_id}/{influenced_id}/{kind.value}")


def update_deal_role(
    state: AppState,
    who: Principal,
    deal_id: str,
    contact_id: str,
    body: DealRoleUpdate,
    if_match: str | None,
) -> DealRole:
    """Merge ``body`` into the role in force, under the write lock, if ``if_match`` is
    its ETag; the changed role holds from the time of the write. Returns the role now."""
    changes: dict[str, object] = {**body.model_dump(exclude_unset=True), "valid_from": None}
    update = PartialUpdate(
        DealRole,
        "deal_roles",
        lambda: deal_role_now(state.store, who, deal_id, contact_id),
        changes,
        if_match,
    )
    apply_changes(state, who, update)
    return deal_role_now(state.store, who, deal_id, contact_id)


def end_influence(
    state: AppState,
    who: Principal,
    influencer_id: str,
    influenced_id: str,
    kind: InfluenceKind,
    if_match: str | None,
) -> Influence:
    """Close the tie in force at the time of the write, under the write lock, if
    ``if_match`` is its ETag. Returns the closed tie (its history stays)."""
    ended: list[Influence] = []

    def close() -> ChangeSet:
        current = influence_now(state.store, who, influencer_id, influenced_id, kind)
        check_if_match(if_match, current)
        ended.append(Influence.model_validate({**current.model_dump(), "valid_to": utc_now()}))
        return ChangeSet(influences=(ended[0],))

    apply_changes(state, who, close)
    return ended[0]


@router.get(
    "/deals/{deal_id}/roles/{contact_id}",
    summary="Get a deal role",
    responses=responses(NOT_FOUND),
)
def get_deal_role(
    store: StoreDep, who: ReaderDep, deal_id: Id, contact_id: Id, response: Response
) -> DealRole:
    """The contact's role on the deal in force now, with its ``ETag``."""
    role = deal_role_now(store, who, deal_id, contact_id)
    set_etag(response, role)
    return role


@router.patch(
    "/deals/{deal_id}/roles/{contact_id}",
    summary="Change a deal role",
    responses=responses(NOT_FOUND, WRITE, UPDATE),
)
def patch_deal_role(
    state: StateDep,
    who: WriterDep,
    deal_id: Id,
    contact_id: Id,
    body: DealRoleUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> DealRole:
    """Change ``stance``, ``roles`` or ``is_primary``. Needs ``If-Match`` (412 when stale,
    428 when missing). The changed role holds from the time of the write; the one it
    replaces is closed then, so the deal's history keeps it."""
    role = update_deal_role(state, who, deal_id, contact_id, body, if_match)
    set_etag(response, role)
    return role


@router.get(
    "/influences/{influencer_id}/{influenced_id}/{kind}",
    summary="Get an influence tie",
    responses=responses(NOT_FOUND),
)
def get_influence_tie(
    store: StoreDep,
    who: ReaderDep,
    influencer_id: Id,
    influenced_id: Id,
    kind: InfluenceKind,
    response: Response,
) -> Influence:
    """The influence tie in force now, with its ``ETag``."""
    tie = influence_now(store, who, influencer_id, influenced_id, kind)
    set_etag(response, tie)
    return tie


@router.delete(
    "/influences/{influencer_id}/{influenced_id}/{kind}",
    summary="End an influence tie",
    responses=responses(NOT_FOUND, WRITE, UPDATE),
)
def end_influence_tie(
    state: StateDep,
    who: WriterDep,
    influencer_id: Id,
    influenced_id: Id,
    kind: InfluenceKind,
    if_match: IfMatch = None,
) -> Influence:
    """End the tie at the time of the write: its interval gets ``valid_to`` and stays in
    the history (reads as of earlier instants still see it). Needs ``If-Match`` (412
    when stale, 428 when missing). Returns the ended tie."""
    return end_influence(state, who, influencer_id, influenced_id, kind, if_match)
