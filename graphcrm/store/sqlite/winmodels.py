"""Win-model cards in SQLite: derived data written by training (``graphcrm train``).

One table, ``win_models`` (schema version 5): one row per card, keyed by
``fitted_at`` (:func:`~graphcrm.store.codec.ts` text, so text order is time
order), the card whole as JSON. Storing a card again for the same instant
replaces it. Nothing here touches the change log.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from graphcrm.domain import Page, PageRequest, WinModelCard
from graphcrm.errors import StoreUnavailableError
from graphcrm.store.codec import FAR_FUTURE, decode_win_model, ts, win_model_not_found
from graphcrm.store.sqlite import codec
from graphcrm.store.sqlite.reads import Filters, paginate

_PUT = (
    "INSERT INTO win_models (fitted_at, card) VALUES (?, ?) "
    "ON CONFLICT (fitted_at) DO UPDATE SET card = excluded.card"
)


def put_win_model(conn: sqlite3.Connection, row: tuple[str, str], *, where: Path) -> None:
    """Store one card, encoded by :func:`~graphcrm.store.codec.encode_win_model`, in a
    ``BEGIN IMMEDIATE`` transaction of its own: the write lock is held for one upsert."""
    committed = False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(_PUT, row)
        conn.execute("COMMIT")
        committed = True
    except sqlite3.Error as e:
        raise StoreUnavailableError(f"sqlite store {where}: {e}") from e
    finally:
        if not committed and conn.in_transaction:
            conn.execute("ROLLBACK")


def get_win_model(conn: sqlite3.Connection, *, as_of: datetime | None) -> WinModelCard:
    """The card with the latest ``fitted_at`` at or before the bound."""
    bound = FAR_FUTURE if as_of is None else ts(as_of)
    row = conn.execute(
        "SELECT card FROM win_models WHERE fitted_at <= ? ORDER BY fitted_at DESC LIMIT 1",
        (bound,),
    ).fetchone()
    if row is None:
        raise win_model_not_found(as_of)
    return decode_win_model(row[0])


def _decode(row: codec.Row) -> WinModelCard:
    return decode_win_model(row[0])


def list_win_models(conn: sqlite3.Connection, page: PageRequest) -> Page[WinModelCard]:
    """Every card, newest ``fitted_at`` first."""
    return paginate(
        conn,
        select="card",
        source="win_models",
        filters=Filters(),
        order="fitted_at DESC",
        page=page,
        decode=_decode,
    )
