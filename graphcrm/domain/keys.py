"""API keys as the store keeps them, and the store's watermark.

A :class:`KeyRecord` is an API key without its secret: ``secret_hash`` is the
SHA-256 of the secret, in hex (:mod:`graphcrm.auth` makes and checks keys).
Scopes and territories are plain strings here; :mod:`graphcrm.auth` gives them
their meaning.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from graphcrm.domain.base import Model, UtcDatetime

KeyText = Annotated[str, Field(min_length=1, max_length=200)]


class KeyRecord(Model):
    """One stored API key (hash of the secret only)."""

    id: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]
    name: KeyText
    secret_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    scopes: tuple[KeyText, ...]
    """Sorted, without repeats."""
    territories: tuple[KeyText, ...]
    """Sorted, without repeats."""
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None


class Watermark(Model):
    """How far the store has got: what a process compares with what it saw last.

    ``changes`` is the sequence number of the latest change-log entry (0 when
    the log is empty); ``keys`` counts the writes to API keys (creations and
    revocations). Both only grow.
    """

    changes: Annotated[int, Field(ge=0)]
    keys: Annotated[int, Field(ge=0)]
