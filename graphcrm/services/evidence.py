"""The touchpoints a piece of evidence names, read whole from the store.

Evidence (:class:`graphcrm.analytics.signals.Evidence`) names touchpoints by id;
a page that shows them wants their kind, date and people. Every touchpoint
the risk factors and the win probability name is some contact's last
touchpoint as of the instant (``ContactEngagement.last_touchpoint_id``), so
it is read by that contact at that instant, not by scanning the account.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphcrm.domain import ContactId, PageRequest, Touchpoint
from graphcrm.services.deals import AccountSnapshot
from graphcrm.store.port import GraphStore

SAME_INSTANT: int = 100
"""At most this many touchpoints of one contact at one instant are looked through."""


def named_touchpoints(
    store: GraphStore, snapshot: AccountSnapshot, ids: Iterable[str]
) -> dict[str, Touchpoint]:
    """The touchpoints among ``ids`` that are a contact's last one as of ``snapshot.at``.

    Ids that are no contact's last touchpoint are left out (the caller shows
    the bare id).
    """
    wanted = set(ids)
    found: dict[str, Touchpoint] = {}
    for e in sorted(snapshot.net.engagement.values(), key=lambda e: e.contact_id):
        tid = e.last_touchpoint_id
        if tid not in wanted or tid in found:
            continue
        page = store.list_touchpoints(
            PageRequest(limit=SAME_INSTANT),
            contact_id=ContactId(e.contact_id),
            since=e.last_at,
            until=e.last_at,
        )
        found.update((t.id, t) for t in page.items if t.id == tid)
    return found
