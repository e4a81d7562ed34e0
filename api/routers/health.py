"""Liveness and readiness: no key needed."""

from __future__ import annotations

from fastapi import APIRouter

from graphcrm.domain import PageRequest

from ..deps import StateDep
from ..errors import ProblemModel
from ..schemas import HealthPublic, ReadyPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> HealthPublic:
    return HealthPublic(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the store answers",
    responses={503: {"model": ProblemModel, "description": "The store does not answer."}},
)
def readyz(state: StateDep) -> ReadyPublic:
    state.store.list_accounts(PageRequest(limit=1))
    return ReadyPublic(status="ready", store=type(state.store).__name__)
