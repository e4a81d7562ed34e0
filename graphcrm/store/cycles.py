"""The cycle checks of a batch (:func:`~graphcrm.store.validation.validate`): no solid
reporting line closes a loop at any instant, no account is its own ancestor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from graphcrm.domain import ChangeSet, LineKind, ReportsTo
from graphcrm.errors import Problem
from graphcrm.store.intervals import IntervalPlan, end_of, fmt_time, row_label, start_of

if TYPE_CHECKING:  # validation imports this module
    from graphcrm.store.validation import StoreLookup

_Span = tuple[str, datetime, datetime]  # (manager, start, end)


def _solid_graph(
    new_lines: Sequence[ReportsTo],
    plan: IntervalPlan[ReportsTo],
    lookup: StoreLookup,
) -> dict[str, list[_Span]]:
    """Solid lines after the batch, for every contact upward of the new lines' managers."""
    overlay: dict[str, list[_Span]] = {}
    for key, rows in plan.final.items():
        if key[0] == "solid":
            overlay[key[1]] = [(r.manager_id, plan.start(r), end_of(r)) for r in rows]
    graph: dict[str, list[_Span]] = {}
    frontier: set[str] = {str(r.manager_id) for r in new_lines}
    while frontier:
        need = [c for c in frontier if c not in overlay]
        stored: dict[str, list[_Span]] = {}
        if need:
            for s in lookup.reporting_lines(need):
                r = s.row
                if r.kind is LineKind.SOLID:
                    stored.setdefault(r.contact_id, []).append(
                        (r.manager_id, start_of(r), end_of(r))
                    )
        for c in frontier:
            graph[c] = overlay[c] if c in overlay else stored.get(c, [])
        frontier = {str(m) for c in frontier for m, _, _ in graph[c] if m not in graph}
    return graph


def _strongly_connected(graph: dict[str, list[_Span]]) -> dict[str, int]:
    """Tarjan's algorithm, iterative: node -> component number (nodes on no cycle get their own)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = [m for m, _, _ in graph.get(node, ())]
            recurse = False
            while i < len(succ):
                m = succ[i]
                i += 1
                if m not in index:
                    work.append((node, i))
                    work.append((m, 0))
                    recurse = True
                    break
                if m in on_stack:
                    low[node] = min(low[node], index[m])
            if recurse:
                continue
            if low[node] == index[node]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = index[node]
                    if w == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


def _timed_cycle(
    line: ReportsTo, start: datetime, graph: dict[str, list[_Span]], members: set[str]
) -> tuple[list[str], datetime, datetime] | None:
    """A path manager -> ... -> contact whose lines all hold at some common instant."""
    origin = line.contact_id
    todo: list[tuple[str, datetime, datetime, tuple[str, ...]]] = [
        (line.manager_id, start, end_of(line), (origin, line.manager_id))
    ]
    seen: set[tuple[str, datetime, datetime]] = set()
    while todo:
        node, lo, hi, path = todo.pop()
        for manager, start, end in graph.get(node, ()):
            if manager not in members:
                continue
            a, b = max(lo, start), min(hi, end)
            if a >= b:
                continue
            if manager == origin:
                return [*path, manager], a, b
            state = (manager, a, b)
            if state not in seen:
                seen.add(state)
                todo.append((manager, a, b, (*path, manager)))
    return None


def check_reporting_cycles(plan: IntervalPlan[ReportsTo], lookup: StoreLookup) -> list[Problem]:
    new_lines = [r for r in plan.inserts if r.kind is LineKind.SOLID]
    if not new_lines:
        return []
    graph = _solid_graph(new_lines, plan, lookup)
    comp = _strongly_connected(graph)
    members_of: dict[int, set[str]] = {}
    for node, c in comp.items():
        members_of.setdefault(c, set()).add(node)
    problems: list[Problem] = []
    for line in new_lines:
        component = comp.get(line.contact_id)
        if component is None or component != comp.get(line.manager_id):
            continue
        found = _timed_cycle(line, plan.start(line), graph, members_of[component])
        if found is not None:
            path, a, b = found
            problems.append(
                Problem(
                    row_label(line),
                    "manager_id",
                    f"reporting cycle {' -> '.join(path)} during [{fmt_time(a)}, {fmt_time(b)})",
                )
            )
    return problems


def check_account_cycles(cs: ChangeSet, lookup: StoreLookup) -> list[Problem]:
    parent: dict[str, str | None] = {a.id: a.parent_id for a in cs.accounts}
    frontier = {p for p in parent.values() if p is not None and p not in parent}
    while frontier:
        stored = lookup.account_parents(frontier)
        for a in frontier:
            parent[a] = stored.get(a)
        frontier = {p for a in frontier if (p := parent[a]) is not None and p not in parent}
    problems: list[Problem] = []
    for account in cs.accounts:
        path: list[str] = [account.id]
        node = parent.get(account.id)
        while node is not None and node != account.id and len(path) <= len(parent):
            path.append(node)
            node = parent.get(node)
        if node == account.id:
            problems.append(
                Problem(
                    f"accounts[{account.id}]",
                    "parent_id",
                    f"account parent cycle {' -> '.join([*path, account.id])}",
                )
            )
    return problems
