"""Batch upserts of every kind in one atomic ChangeSet."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import StateDep, WriterDep
from ..errors import WRITE, responses
from ..schemas import BatchCreate, WriteResult
from ..writes import apply_changes

router = APIRouter(prefix="/v1/batch", tags=["batch"])


@router.post("", summary="Upsert a batch of any kinds, atomically", responses=responses(WRITE))
def post_batch(state: StateDep, who: WriterDep, body: BatchCreate) -> WriteResult:
    """Every row is upserted by its key, or, on any problem, nothing is; 422 names every
    offending row and field. Re-sending the same batch changes nothing. Rows under an
    account outside the key's territories are refused like rows naming a missing one.
    At most ``GRAPHCRM_API_MAX_BATCH_ROWS`` rows (413 beyond)."""
    return apply_changes(state, who, body)
