"""Warm-introduction paths to a contact, read from the store as of one instant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from graphcrm.analytics import WarmPath, warm_paths
from graphcrm.domain import ContactId, Model, UtcDatetime
from graphcrm.services.clock import instant
from graphcrm.services.network import account_network
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


class WarmPaths(Model):
    """The strongest introduction paths to ``target``, strongest first.

    ``names`` gives the display name of every rep and contact on a path.
    """

    target: ContactId
    as_of: UtcDatetime
    paths: tuple[WarmPath, ...]
    names: dict[str, str]


def warm_paths_to(
    store: GraphStore,
    contact_id: ContactId,
    *,
    sources: Sequence[str] | None = None,
    k: int = 3,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
) -> WarmPaths:
    """The ``k`` strongest paths from ``sources`` (default: every rep on the account's
    graph) to the contact, through its account's reach ties as of ``as_of`` (default: now).

    Raises
    ------
    NotFoundError
        No such contact, or a source is not on the account's graph.
    InvalidError
        ``k`` outside ``[1, params.paths.max_k]``.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    contact = store.get_contact(contact_id, as_of=at)
    sg = store.stakeholder_graph(contact.account_id, as_of=at)
    net = account_network(sg, at=at, params=p)
    found = warm_paths(net.reach, contact_id, sources=sources, k=k, params=p.paths)
    on_paths = sorted({v for path in found for v in path.nodes})
    return WarmPaths(
        target=contact_id,
        as_of=at,
        paths=tuple(found),
        names={v: net.name(v) for v in on_paths},
    )
