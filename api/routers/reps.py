"""Reps: our sellers. Any key with ``read`` lists them; writing one needs its territory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graphcrm.domain import ChangeSet, Rep, RepId

from ..deps import PageDep, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, WRITE, responses
from ..schemas import RepsPublic, WriteResult
from ..writes import apply_changes

router = APIRouter(prefix="/v1/reps", tags=["reps"])


@router.get("", summary="List reps", responses=responses())
def list_reps(
    store: StoreDep,
    who: ReaderDep,
    page: PageDep,
    territory: Annotated[str | None, Query(max_length=200)] = None,
) -> RepsPublic:
    """Reps by name (Turkish collation), then id."""
    result = store.list_reps(page, territory=territory)
    return RepsPublic(data=list(result.items), count=result.total)


@router.get("/{rep_id}", summary="Get a rep", responses=responses(NOT_FOUND))
def get_rep(store: StoreDep, who: ReaderDep, rep_id: Annotated[str, Path(max_length=128)]) -> Rep:
    return store.get_rep(RepId(rep_id))


@router.post("", summary="Upsert a rep", responses=responses(WRITE))
def put_rep(state: StateDep, who: WriterDep, body: Rep) -> WriteResult:
    return apply_changes(state, who, ChangeSet(reps=(body,)))
