"""The one write path of the API: limits, the territory rule, apply, cache invalidation.

Every write (single objects, batches, imports) goes through :func:`apply_changes`
under the app's write lock (across the workers: :meth:`api.deps.AppState.writing`),
so the territory check, the If-Match check and the write see the same stored
state, and the analytics cache of every worker is invalidated before the lock
is released.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from fastapi import Response
from pydantic import BaseModel, ValidationError

from api.deps import AppState
from api.errors import precondition_failed, precondition_required, too_large
from api.schemas import WriteResult
from api.territory import check_batch, family, touched_accounts
from graphcrm.auth import Principal
from graphcrm.domain import ApplyResult, ChangeSet, Model
from graphcrm.errors import InvalidError, Problem

D = TypeVar("D", bound=Model)

PORTFOLIO_TAG = "portfolio"


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


def apply_changes(
    state: AppState,
    who: Principal,
    changes: ChangeSet,
    *,
    precheck: Callable[[], None] | None = None,
) -> WriteResult:
    """Check the limits and the territory rule, then apply ``changes`` atomically.

    ``precheck`` runs under the write lock before anything else (If-Match,
    "already exists" checks), so it sees the state the write will change.
    """
    rows = changes.size()
    limit = state.settings.api_max_batch_rows
    if rows > limit:
        raise too_large(f"the batch has {rows:,} rows; the limit is {limit:,} rows per request")
    store = state.store
    with state.writing():
        if precheck is not None:
            precheck()
        check_batch(store, who, changes)
        touched = touched_accounts(store, changes)
        result = store.apply(changes, actor=f"api:{who.name}")
        if result.changed:
            invalidate(state, touched, everything=bool(changes.reps))
    return write_result(result, rows)


def invalidate(state: AppState, accounts: set[str], *, everything: bool = False) -> None:
    """Drop the cached results of ``accounts``, their families and the portfolio lists,
    in every worker; inside :meth:`AppState.writing`."""
    if everything:
        state.cache.clear()
        return
    tags = {f"account:{a}" for a in family(state.store, accounts)}
    tags.add(PORTFOLIO_TAG)
    state.cache.invalidate(tags)
