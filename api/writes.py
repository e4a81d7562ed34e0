"""The one write path of the API: limits, the territory rule, apply, cache invalidation.

Every write (single objects, batches, imports) goes through :func:`apply_changes`
under the app's write lock (across workers and hosts: the store's,
:meth:`api.deps.AppState.writing`), so the territory check, the If-Match check,
the merge of a partial update and the write see the same stored state: two
clients changing different fields of one object both keep their change. This
worker's cache is invalidated once the write committed; the other workers and
hosts learn of it from the change log (:mod:`api.freshness`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel, ValidationError

from graphcrm.auth import Principal
from graphcrm.domain import ApplyResult, ChangeSet, Model
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.territories import created_conflicts, refuse_conflicts

from .deps import AppState
from .errors import precondition_failed, precondition_required, too_large
from .freshness import PORTFOLIO_TAG as PORTFOLIO
from .schemas import WriteResult
from .territory import (
    check_batch,
    family,
    keep_hidden_parents,
    listed_territories,
    touched_accounts,
)

D = TypeVar("D", bound=Model)

PORTFOLIO_TAG = PORTFOLIO


def etag(model: BaseModel) -> str:
    """A strong ETag: the hash of the object's JSON representation."""
    digest = hashlib.sha256(model.model_dump_json().encode("utf-8")).hexdigest()
    return f'"{digest[:32]}"'


def set_etag(response: Response, model: BaseModel) -> None:
    response.headers["ETag"] = etag(model)


def check_if_match(if_match: str | None, current: BaseModel) -> None:
    if if_match is None:
        raise precondition_required(
            "updates need If-Match with the ETag of the current representation (GET it first)"
        )
    tags = {t.strip() for t in if_match.split(",")}
    if "*" in tags or etag(current) in tags:
        return
    raise precondition_failed(
        "the object changed since you read it: If-Match does not match its current ETag"
    )


def revalidate(cls: type[D], current: D, changes: dict[str, object]) -> D:
    """``current`` with ``changes`` applied, through the model's own validation.

    Raises
    ------
    InvalidError
        Naming each offending field as ``body.<field>``.
    """
    try:
        return cls.model_validate({**current.model_dump(), **changes})
    except ValidationError as e:
        raise InvalidError(
            [
                Problem("body", ".".join(str(p) for p in err["loc"]), err["msg"])
                for err in e.errors(include_url=False)
            ]
        ) from None


def write_result(result: ApplyResult, rows: int) -> WriteResult:
    return WriteResult(rows=rows, changed=result.changed, counts=dict(result.counts))


def _check_size(state: AppState, rows: int) -> None:
    limit = state.settings.api_max_batch_rows
    if rows > limit:
        raise too_large(f"the batch has {rows:,} rows; the limit is {limit:,} rows per request")


def apply_changes(
    state: AppState,
    who: Principal,
    changes: ChangeSet | Callable[[], ChangeSet],
    *,
    precheck: Callable[[], None] | None = None,
) -> WriteResult:
    """Check the limits and the territory rule, then apply ``changes`` atomically.

    ``precheck`` runs under the write lock before anything else ("already
    exists" checks), so it sees the state the write will change. ``changes``
    may be a function, called under the write lock: a partial update reads the
    object, checks ``If-Match`` and merges there (:func:`merged`).
    """
    if isinstance(changes, ChangeSet):
        _check_size(state, changes.size())
    store = state.store
    with state.writing():
        if precheck is not None:
            precheck()
        batch = changes if isinstance(changes, ChangeSet) else changes()
        rows = batch.size()
        _check_size(state, rows)
        check_batch(store, who, batch)
        batch = keep_hidden_parents(store, who, batch)
        refuse_blocked(state, who, batch)
        touched = touched_accounts(store, batch)
        tags = write_tags(state, touched, everything=bool(batch.reps))
        result = store.apply(batch, actor=f"api:{who.name}")
    if result.changed:
        drop(state, tags)
    return write_result(result, rows)


def refuse_blocked(state: AppState, who: Principal, batch: ChangeSet) -> None:
    """Refuse ``batch`` with a 409 problem when it would create a territory conflict
    of a kind ``GRAPHCRM_TERRITORY_BLOCK_CONFLICTS`` blocks (under the write lock);
    accounts outside the key's territories are counted, not named."""
    kinds = state.settings.territory_block_conflicts
    if kinds:
        seen = listed_territories(who)
        refuse_conflicts(created_conflicts(state.store, batch, kinds, seen=seen))


class PartialUpdate(Generic[D]):
    """The partial update of one object, for :func:`apply_changes`: called under the
    write lock, it reads the object, checks ``If-Match`` against what it read and
    applies ``changes`` to it; :attr:`result` is then the object as written."""

    def __init__(
        self,
        cls: type[D],
        part: str,
        read: Callable[[], D],
        changes: dict[str, object],
        if_match: str | None,
    ) -> None:
        self._cls, self._part, self._read = cls, part, read
        self._changes, self._if_match = changes, if_match
        self._result: D | None = None

    def __call__(self) -> ChangeSet:
        current = self._read()
        check_if_match(self._if_match, current)
        self._result = revalidate(self._cls, current, self._changes)
        return ChangeSet.model_validate({self._part: (self._result,)})

    @property
    def result(self) -> D:
        if self._result is None:
            raise RuntimeError("the update has not run")
        return self._result


def drop(state: AppState, tags: set[str] | None) -> None:
    """After the write committed: drop this worker's results of ``tags`` (None: all)."""
    if tags is None:
        state.cache.clear()
    else:
        state.cache.invalidate(tags)


def write_tags(state: AppState, accounts: set[str], *, everything: bool) -> set[str] | None:
    """The cache tags of ``accounts``, their families and the portfolio lists (None
    for everything), read under the write lock before the write."""
    if everything:
        return None
    tags = {f"account:{a}" for a in family(state.store, accounts)}
    tags.add(PORTFOLIO_TAG)
    return tags
