"""Ties: reporting lines, influence edges, deal roles and our reps' ties, written one at a
time. (Read them under their account or deal; write many at once with ``/v1/batch``.)

Time-stamped ties are never overwritten: a changed tie closes the interval in
force at the new row's ``valid_from``; send ``valid_to`` to end one.
"""

from __future__ import annotations

from fastapi import APIRouter

from graphcrm.domain import ChangeSet, DealRole, Influence, RepKnows, ReportsTo

from ..deps import StateDep, WriterDep
from ..errors import WRITE, responses
from ..schemas import WriteResult
from ..writes import apply_changes

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
