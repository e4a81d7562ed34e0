"""``GET /v1/changes``: the change log as a feed, for integrations that follow graphcrm.

Entries come in sequence order and each is shown once: sequence numbers are
given in commit order (:mod:`graphcrm.store.port`), so a client that pages
with ``after=<next_after>`` misses none and sees none twice. A territory key
sees only the entries whose accounts are all in its territories, before and
after the change; an entry whose account cannot be told is never shown to it
(:func:`graphcrm.services.feed.visible_changes`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from graphcrm.domain import ChangeLogEntry
from graphcrm.services.feed import visible_changes

from ..deps import ReaderDep, StoreDep
from ..errors import responses

router = APIRouter(prefix="/v1/changes", tags=["changes"])


class ChangesPublic(BaseModel):
    """One page of the change feed.

    ``next_after`` is the ``after`` of the next page (the last sequence number this
    page examined, shown or not); the feed is read to its end when ``next_after``
    is at least ``last_seq``, the store's latest sequence number when the page
    was read. A page may hold fewer than ``limit`` entries, even none, before
    the end: entries of other territories are skipped, at most 10,000 a page.
    """

    model_config = ConfigDict(extra="forbid")

    data: list[ChangeLogEntry]
    next_after: int
    last_seq: int


@router.get("", summary="The change log after a sequence number", responses=responses())
def list_changes(
    store: StoreDep,
    who: ReaderDep,
    after: Annotated[
        int,
        Query(ge=0, le=2**53, description="Entries with a sequence number above this one."),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Entries at most.")] = 100,
) -> ChangesPublic:
    """Changes in sequence order, those of the key's territories only."""
    page = visible_changes(
        store, who.sees, everything=who.all_territories, after=after, limit=limit
    )
    return ChangesPublic(
        data=list(page.entries), next_after=page.next_after, last_seq=page.last_seq
    )
