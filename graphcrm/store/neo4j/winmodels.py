"""Win-model cards in Neo4j: ``(:WinModel {fitted_at, card})``, unique on ``fitted_at``.

The key is :func:`~graphcrm.store.codec.ts` text (text order is time order) and
``card`` the whole card as JSON, as the SQLite store keeps it. Storing a card
again for the same instant replaces it. The node stands alone (no
relationships) and nothing here touches the change log.
"""

from __future__ import annotations

from datetime import datetime

from neo4j import ManagedTransaction

from graphcrm.domain import Page, PageRequest, WinModelCard
from graphcrm.store.codec import FAR_FUTURE, decode_win_model, ts, win_model_not_found
from graphcrm.store.neo4j.queries import Runner, fetch_one, fetch_page, write


def put_win_model(tx: ManagedTransaction, row: tuple[str, str]) -> None:
    """Store one card, encoded by :func:`~graphcrm.store.codec.encode_win_model`."""
    fitted_at, card = row
    write(tx, "models/upsert_win_models", [{"fitted_at": fitted_at, "card": card}])


def get_win_model(tx: Runner, *, as_of: datetime | None) -> WinModelCard:
    """The card with the latest ``fitted_at`` at or before the bound."""
    bound = FAR_FUTURE if as_of is None else ts(as_of)
    record = fetch_one(tx, "models/read_win_model", t=bound)
    if record is None:
        raise win_model_not_found(as_of)
    return decode_win_model(record["card"])


def list_win_models(tx: Runner, page: PageRequest) -> Page[WinModelCard]:
    """Every card, newest ``fitted_at`` first."""
    return fetch_page(tx, "models/list_win_models", page, decode_win_model)
