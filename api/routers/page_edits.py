"""What the pages' script changes: a person's stance and roles on a deal, influence ties.

The same operations as ``/v1/deals/{deal_id}/roles/{contact_id}``,
``/v1/deal-roles`` and ``/v1/influences`` (:mod:`api.routers.ties`), under
``/pages/edit`` so that the pages' session cookie (scoped to ``/pages``,
``HttpOnly``, ``SameSite=Strict``) authenticates them; a key without ``write``
scope gets 403 (and its pages show no edit controls). Answers are JSON and
errors problem documents, as in ``/v1``: 412 on a stale ``If-Match``, 428
without one. Not in the OpenAPI document: clients use ``/v1``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from graphcrm.auth import Principal, Scope
from graphcrm.domain import ChangeSet, DealRole, Influence, InfluenceKind

from ..deps import StateDep
from ..errors import forbidden
from ..schemas import DealRoleUpdate, WriteResult
from ..writes import apply_changes, set_etag
from .page_support import page_principal
from .ties import Id, IfMatch, deal_role_now, end_influence, influence_now, update_deal_role

router = APIRouter(prefix="/pages/edit", tags=["pages"], include_in_schema=False)


def page_writer(who: Annotated[Principal, Depends(page_principal)]) -> Principal:
    if Scope.WRITE not in who.scopes:
        raise forbidden("this key lacks the 'write' scope")
    return who


EditorDep = Annotated[Principal, Depends(page_writer)]
ViewerDep = Annotated[Principal, Depends(page_principal)]


@router.get("/deals/{deal_id}/roles/{contact_id}")
def read_role(
    state: StateDep, who: ViewerDep, deal_id: Id, contact_id: Id, response: Response
) -> DealRole:
    role = deal_role_now(state.store, who, deal_id, contact_id)
    set_etag(response, role)
    return role


@router.patch("/deals/{deal_id}/roles/{contact_id}")
def change_role(
    state: StateDep,
    who: EditorDep,
    deal_id: Id,
    contact_id: Id,
    body: DealRoleUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> DealRole:
    role = update_deal_role(state, who, deal_id, contact_id, body, if_match)
    set_etag(response, role)
    return role


@router.post("/deal-roles")
def add_role(state: StateDep, who: EditorDep, body: DealRole) -> WriteResult:
    """A person without a role on the deal joins its committee."""
    return apply_changes(state, who, ChangeSet(deal_roles=(body,)))


@router.post("/influences")
def add_tie(state: StateDep, who: EditorDep, body: Influence) -> WriteResult:
    return apply_changes(state, who, ChangeSet(influences=(body,)))


@router.get("/influences/{influencer_id}/{influenced_id}/{kind}")
def read_tie(
    state: StateDep,
    who: ViewerDep,
    influencer_id: Id,
    influenced_id: Id,
    kind: InfluenceKind,
    response: Response,
) -> Influence:
    tie = influence_now(state.store, who, influencer_id, influenced_id, kind)
    set_etag(response, tie)
    return tie


@router.delete("/influences/{influencer_id}/{influenced_id}/{kind}")
def remove_tie(
    state: StateDep,
    who: EditorDep,
    influencer_id: Id,
    influenced_id: Id,
    kind: InfluenceKind,
    if_match: IfMatch = None,
) -> Influence:
    return end_influence(state, who, influencer_id, influenced_id, kind, if_match)
