"""API keys, for keys with the ``admin`` scope. A key can only hand out territories it has."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from graphcrm.errors import InvalidError, NotFoundError, Problem

from ..deps import AdminDep, StateDep
from ..errors import NOT_FOUND, responses
from ..schemas import KeyCreate, KeyCreatedPublic, KeyPublic, KeysPublic

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("", summary="List API keys", responses=responses())
def list_keys(state: StateDep, who: AdminDep) -> KeysPublic:
    """Keys whose territories are all the caller's, oldest first; never their secrets."""
    keys = [k for k in state.keys.list() if who.all_territories or k.territories <= who.territories]
    return KeysPublic(data=keys, count=len(keys))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key (the secret is shown once)",
    responses=responses(),
)
def create_key(state: StateDep, who: AdminDep, body: KeyCreate) -> KeyCreatedPublic:
    outside = sorted(
        t for t in body.territories if not who.sees(t) or (t == "*" and not who.all_territories)
    )
    if outside:
        raise InvalidError(
            [Problem("body", "territories", f"not a territory of this key: {t!r}") for t in outside]
        )
    created = state.keys.create(body.name, body.scopes, body.territories)
    return KeyCreatedPublic(key=created.key, secret=created.secret)


@router.delete("/{key_id}", summary="Revoke an API key", responses=responses(NOT_FOUND))
def revoke_key(
    state: StateDep, who: AdminDep, key_id: Annotated[str, Path(max_length=64)]
) -> KeyPublic:
    key = state.keys.get(key_id)
    if not (who.all_territories or key.territories <= who.territories):
        raise NotFoundError("key", key_id)
    return KeyPublic(key=state.keys.revoke(key_id))
