"""Territories: the conflicts that touch the key's territories."""

from __future__ import annotations

from fastapi import APIRouter

from graphcrm.services.territories import conflicts

from ..deps import ReaderDep, StoreDep
from ..errors import responses
from ..schemas import TerritoryConflictsPublic

router = APIRouter(prefix="/v1/territories", tags=["territories"])


@router.get("/conflicts", summary="List territory conflicts", responses=responses())
def list_conflicts(store: StoreDep, who: ReaderDep) -> TerritoryConflictsPublic:
    """Account groups split across territories, likely duplicate accounts in different
    territories, and open deals on one account group by reps of different territories
    (docs/territories.md#conflicts). A key sees the conflicts touching its territories;
    accounts of other territories are counted in ``hidden_accounts``, not named."""
    found = conflicts(store, seen=None if who.all_territories else who.territories)
    return TerritoryConflictsPublic(data=found, count=len(found))
