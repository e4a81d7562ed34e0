"""The org chart of an account as of a date: a forest of solid reporting lines,
with dotted lines listed beside it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from graphcrm.domain import (
    AccountId,
    Contact,
    ContactId,
    LineKind,
    Model,
    StakeholderGraph,
)
from graphcrm.domain.text import tr_sort_key
from graphcrm.store.port import GraphStore


class OrgNode(Model):
    """A contact in the org chart with the people reporting to them (solid lines)."""

    contact: Contact
    reports: tuple[OrgNode, ...] = ()
    dotted_managers: tuple[ContactId, ...] = ()

    def size(self) -> int:
        """Number of people in this subtree, this one included."""
        return 1 + sum(child.size() for child in self.reports)


class OrgChart(Model):
    """Roots are contacts without a solid manager inside the account (CEO first)."""

    account_id: AccountId
    as_of: datetime | None
    roots: tuple[OrgNode, ...]

    def size(self) -> int:
        return sum(root.size() for root in self.roots)


def build_org_chart(graph: StakeholderGraph, account_id: AccountId) -> OrgChart:
    """Arrange the account's contacts into trees along solid lines.

    Children are ordered by seniority, then Turkish collation of the name, then id.
    A solid line to a manager outside the account (or not in the graph) makes
    the contact a root.
    """
    contacts = {c.id: c for c in graph.contacts if c.account_id == account_id}
    children: dict[ContactId, list[ContactId]] = defaultdict(list)
    dotted: dict[ContactId, list[ContactId]] = defaultdict(list)
    has_manager: set[ContactId] = set()
    for line in graph.reports_to:
        if line.contact_id not in contacts or line.manager_id not in contacts:
            continue
        if line.kind is LineKind.SOLID:
            children[line.manager_id].append(line.contact_id)
            has_manager.add(line.contact_id)
        else:
            dotted[line.contact_id].append(line.manager_id)

    def order(cid: ContactId) -> tuple[int, str, str]:
        c = contacts[cid]
        return (c.seniority.level, tr_sort_key(c.name), c.id)

    def node(cid: ContactId) -> OrgNode:
        # Iterative would be needed for pathological depth; the store forbids cycles
        # and real org charts are shallow, so recursion depth is the org depth.
        return OrgNode(
            contact=contacts[cid],
            reports=tuple(node(k) for k in sorted(children[cid], key=order)),
            dotted_managers=tuple(sorted(dotted[cid])),
        )

    roots = sorted((cid for cid in contacts if cid not in has_manager), key=order)
    return OrgChart(account_id=account_id, as_of=graph.as_of, roots=tuple(node(r) for r in roots))


def org_chart(
    store: GraphStore, account_id: AccountId, *, as_of: datetime | None = None
) -> OrgChart:
    """Read the account's stakeholder graph as of ``as_of`` and build its org chart."""
    graph = store.stakeholder_graph(account_id, as_of=as_of)
    return build_org_chart(graph, account_id)
