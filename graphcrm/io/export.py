"""Export the stakeholder graphs of accounts: JSON lines, CSV, GraphML and GEXF.

Every format is written from one stream, :func:`snapshot`: the selected
accounts' stakeholder graphs as they stood at ``as_of`` (default: now), cut
into :class:`~graphcrm.domain.ChangeSet` batches in dependency order:

1. account rows (the selected accounts and their ancestors, parents first)
   with the reps who own them;
2. per account: its contacts, reporting lines, influence edges, the reps who
   know or work its contacts or own its deals, rep-knows ties, deals with
   their stage and close-date history (up to ``as_of``) and deal roles;
3. per account: its touchpoints up to ``as_of``.

So the JSON export, applied line by line, rebuilds the same graphs in another
store (see :mod:`graphcrm.io.jsonio`). What is not exported: edges between
contacts of different accounts (a stakeholder graph holds only edges whose
ends are both in it), closed intervals (past reporting lines, ended roles,
earlier statuses of a contact), and touchpoints naming a contact, deal or rep
outside the export (counted in ``ExportReport.skipped``).

Formats
    ``json``  one ChangeSet per line (:mod:`graphcrm.io.jsonio`).
    ``csv``   one file per collection (``accounts.csv``, ``contacts.csv``,
              ...), columns in the model's field order, header always
              written; lists are ``;``-joined. To a directory, or a zip
              archive when written to a binary stream.
    ``graphml`` / ``gexf``  one directed multigraph for Gephi and networkx
              (see :func:`build_graph` for nodes, edges and attributes).
"""

from __future__ import annotations

import csv
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Final

import networkx as nx
from pydantic import Field

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    Deal,
    Model,
    PageRequest,
    Rep,
    RepId,
    Touchpoint,
)
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.io.importing import COLLECTIONS, DEFAULT_BATCH_SIZE, ProgressFn
from graphcrm.store.port import GraphStore


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    GRAPHML = "graphml"
    GEXF = "gexf"


class ExportReport(Model):
    """What an export wrote: rows per collection, and touchpoints left out."""

    format: ExportFormat
    accounts: int
    rows: dict[str, int] = Field(default_factory=dict)
    skipped: dict[str, int] = Field(default_factory=dict)
    nodes: int | None = None
    edges: int | None = None


class _Tally:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.accounts = 0

    def count(self, cs: ChangeSet) -> ChangeSet:
        for name in COLLECTIONS:
            n = len(getattr(cs, name))
            if n:
                self.rows[name] += n
        return cs


# --- the snapshot stream ---------------------------------------------------------


def _pages(fetch: Callable[[PageRequest], Sequence[Any]]) -> Iterator[Any]:
    offset = 0
    while True:
        items = fetch(PageRequest(limit=MAX_PAGE_SIZE, offset=offset))
        yield from items
        if len(items) < MAX_PAGE_SIZE:
            return
        offset += len(items)


def _touchpoints(
    store: GraphStore, account_id: AccountId, as_of: datetime | None
) -> Iterator[Touchpoint]:
    def page(p: PageRequest) -> Sequence[Touchpoint]:
        return store.list_touchpoints(p, account_id=account_id, until=as_of).items

    yield from _pages(page)


def _parents_first(accounts: Iterable[Account]) -> list[Account]:
    """Accounts sorted by id, then reordered so that every parent precedes its children."""
    by_id = {a.id: a for a in sorted(accounts, key=lambda a: a.id)}
    children: dict[str, list[Account]] = {}
    roots: list[Account] = []
    for a in by_id.values():
        if a.parent_id is not None and a.parent_id in by_id:
            children.setdefault(a.parent_id, []).append(a)
        else:
            roots.append(a)
    ordered: list[Account] = []
    stack = list(reversed(roots))
    while stack:
        a = stack.pop()
        ordered.append(a)
        stack.extend(reversed(children.get(a.id, [])))
    return ordered


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def snapshot(
    store: GraphStore,
    *,
    account_ids: Sequence[AccountId] | None = None,
    as_of: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
) -> Iterator[ChangeSet]:
    """The selected accounts' stakeholder graphs as batches in dependency order.

    Parameters
    ----------
    account_ids
        The accounts whose graphs to export; ``None``: every account.
        Their ancestors' account rows are included so ``parent_id`` resolves.
    as_of
        The date the graphs are read at; ``None``: now.

    Raises
    ------
    graphcrm.errors.NotFoundError
        A selected account does not exist.
    """
    return _snapshot(
        store,
        account_ids=account_ids,
        as_of=as_of,
        batch_size=batch_size,
        progress=progress,
        tally=_Tally(),
    )


def _snapshot(
    store: GraphStore,
    *,
    account_ids: Sequence[AccountId] | None,
    as_of: datetime | None,
    batch_size: int,
    progress: ProgressFn | None,
    tally: _Tally,
) -> Iterator[ChangeSet]:
    t = tally
    if account_ids is None:
        selected = list(_pages(lambda p: store.list_accounts(p).items))
        rows = selected
    else:
        selected = [store.get_account(a) for a in dict.fromkeys(account_ids)]
        family = {a.id: a for a in selected}
        for a in selected:
            for ancestor in store.account_ancestors(a.id):
                family.setdefault(ancestor.id, ancestor)
        rows = list(family.values())
    ordered = _parents_first(rows)
    graph_ids = [a.id for a in ordered if a.id in {s.id for s in selected}]
    t.accounts = len(graph_ids)

    emitted_reps: set[str] = set()

    def new_reps(ids: Iterable[str | None], known: Sequence[Rep] = ()) -> list[Rep]:
        have = {r.id: r for r in known}
        out: list[Rep] = []
        for rid in sorted({i for i in ids if i is not None} - emitted_reps):
            out.append(have[RepId(rid)] if rid in have else store.get_rep(RepId(rid)))
            emitted_reps.add(rid)
        return out

    for chunk in _chunks(ordered, batch_size):
        yield t.count(
            ChangeSet(reps=tuple(new_reps(a.owner_id for a in chunk)), accounts=tuple(chunk))
        )

    contacts: set[str] = set()
    deals: set[str] = set()
    total = 2 * len(graph_ids)
    for done, account_id in enumerate(graph_ids, 1):
        g = store.stakeholder_graph(account_id, as_of=as_of)
        contacts.update(c.id for c in g.contacts)
        deals.update(d.id for d in g.deals)
        stage_changes = []
        close_changes = []
        for deal in g.deals:
            view = store.get_deal(deal.id)
            stage_changes += [c for c in view.stage_history if as_of is None or c.at <= as_of]
            close_changes += [c for c in view.close_date_history if as_of is None or c.at <= as_of]
        reps = new_reps((r.id for r in g.reps), g.reps)
        cs = ChangeSet(
            contacts=g.contacts,
            reps=tuple(reps),
            reports_to=g.reports_to,
            influences=g.influences,
            rep_knows=g.rep_knows,
            deals=g.deals,
            stage_changes=tuple(stage_changes),
            close_date_changes=tuple(close_changes),
            deal_roles=g.deal_roles,
        )
        if cs.size():
            yield t.count(cs)
        if progress is not None:
            progress("accounts", done, total)

    for done, account_id in enumerate(graph_ids, len(graph_ids) + 1):
        kept: list[Touchpoint] = []
        for tp in _touchpoints(store, account_id, as_of):
            if not set(tp.contact_ids) <= contacts or (
                tp.deal_id is not None and tp.deal_id not in deals
            ):
                t.skipped["touchpoints"] += 1
                continue
            kept.append(tp)
        kept.sort(key=lambda tp: (tp.at, tp.id))
        for chunk in _chunks(kept, batch_size):
            reps = new_reps(r for tp in chunk for r in tp.rep_ids)
            yield t.count(ChangeSet(reps=tuple(reps), touchpoints=tuple(chunk)))
        if progress is not None:
            progress("touchpoints", done, total)


# --- CSV ---------------------------------------------------------------------------


def cell(value: object) -> str:
    """One value as CSV text: ISO dates, exact decimals, ``;``-joined lists (sets sorted).

    >>> cell(None), cell(True), cell(Decimal("10.50")), cell(frozenset({"b", "a"}))
    ('', 'true', '10.50', 'a;b')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset):
        return ";".join(sorted(cell(v) for v in value))
    if isinstance(value, tuple):
        return ";".join(cell(v) for v in value)
    return str(value)


def _model_of(name: str) -> type[Model]:
    annotation = ChangeSet.model_fields[name].annotation
    model: type[Model] = annotation.__args__[0]  # type: ignore[union-attr]
    return model


def write_csv_dir(changesets: Iterable[ChangeSet], directory: Path) -> list[Path]:
    """One ``<collection>.csv`` per ChangeSet collection in ``directory`` (created)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.csv" for name in COLLECTIONS]
    handles = [p.open("w", newline="", encoding="utf-8") for p in paths]
    try:
        writers = {}
        for name, handle in zip(COLLECTIONS, handles, strict=True):
            fields = list(_model_of(name).model_fields)
            w = csv.writer(handle)
            w.writerow(fields)
            writers[name] = (w, fields)
        for cs in changesets:
            for name in COLLECTIONS:
                w, fields = writers[name]
                for row in getattr(cs, name):
                    d = row.__dict__
                    w.writerow([cell(d[f]) for f in fields])
    finally:
        for handle in handles:
            handle.close()
    return paths


def write_csv_zip(changesets: Iterable[ChangeSet], out: BinaryIO) -> None:
    """The CSV files of :func:`write_csv_dir` as a zip archive written to ``out``."""
    with tempfile.TemporaryDirectory(prefix="graphcrm-export-") as tmp:
        paths = write_csv_dir(changesets, Path(tmp))
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for p in paths:
                z.write(p, arcname=p.name)


# --- graphs ------------------------------------------------------------------------

_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with the characters XML 1.0 cannot hold replaced by U+FFFD.

    Markup characters (``<``, ``&``, quotes) are kept: the XML writer escapes them.

    >>> xml_text("a\\x00b <c>")
    'a\\ufffdb <c>'
    """
    return _XML_INVALID.sub("\ufffd", value)


def node_id(kind: str, key: str) -> str:
    """The graph node of an object: ``contact:C-1``, ``account:A-1``, ``rep:R-1``, ``deal:D-1``."""
    return f"{kind}:{key}"


def build_graph(changesets: Iterable[ChangeSet]) -> nx.MultiDiGraph:
    """One directed multigraph of the exported stakeholder graphs.

    Nodes (``kind`` attribute; ``label`` is the name, for Gephi):

    - ``account:<id>``: name, sector, country, territory;
    - ``contact:<id>``: name, title, department, seniority, status,
      account_id, territory (the account's);
    - ``rep:<id>``: name, territory;
    - ``deal:<id>``: name, stage, amount (a float, for sizing; the exact
      value is in JSON/CSV), currency, expected_close, account_id.

    Edges (``relation`` attribute; ``weight`` 1 unless said otherwise; edge
    key ``<relation>:<detail>``):

    - ``reports_to``: contact -> manager, ``line`` solid/dotted;
    - ``influence``: influencer -> influenced, ``influence`` (advises,
      trusts, sponsors, opposes), ``strength``, ``source``; weight = strength;
    - ``rep_knows``: rep -> contact, ``strength``; weight = strength;
    - ``deal_role``: contact -> deal, ``roles`` (``;``-joined, sorted),
      ``is_primary``, ``stance``;
    - ``works_at``: contact -> account; ``deal_of``: deal -> account;
      ``parent``: account -> parent account; ``owns``: rep -> account or deal.

    Missing text values are empty strings (GraphML and GEXF have no null);
    characters XML cannot hold are replaced by U+FFFD. E-mail addresses and
    phone numbers are not exported to graphs.
    """
    g = nx.MultiDiGraph()
    territory: dict[str, str] = {}

    def s(value: object) -> str:
        return xml_text(cell(value))

    def node(kind: str, key: str, **attrs: object) -> str:
        n = node_id(kind, key)
        g.add_node(n, kind=kind, **attrs)
        return n

    def edge(u: str, v: str, relation: str, detail: str = "", **attrs: object) -> None:
        attrs.setdefault("weight", 1.0)
        g.add_edge(
            u, v, key=f"{relation}:{detail}" if detail else relation, relation=relation, **attrs
        )

    accounts: list[Account] = []
    deals: list[Deal] = []
    for cs in changesets:
        for rep in cs.reps:
            node("rep", rep.id, label=s(rep.name), name=s(rep.name), territory=s(rep.territory))
        for a in cs.accounts:
            territory[a.id] = s(a.territory)
            accounts.append(a)
            node(
                "account",
                a.id,
                label=s(a.name),
                name=s(a.name),
                sector=s(a.sector),
                country=s(a.country),
                territory=s(a.territory),
            )
        for c in cs.contacts:
            _contact_node(node, c, territory.get(c.account_id, ""), s)
            edge(node_id("contact", c.id), node_id("account", c.account_id), "works_at")
        for line in cs.reports_to:
            edge(
                node_id("contact", line.contact_id),
                node_id("contact", line.manager_id),
                "reports_to",
                line.kind.value,
                line=line.kind.value,
            )
        for i in cs.influences:
            edge(
                node_id("contact", i.influencer_id),
                node_id("contact", i.influenced_id),
                "influence",
                i.kind.value,
                influence=i.kind.value,
                strength=float(i.strength),
                source=i.source.value,
                weight=float(i.strength),
            )
        for k in cs.rep_knows:
            edge(
                node_id("rep", k.rep_id),
                node_id("contact", k.contact_id),
                "rep_knows",
                strength=float(k.strength),
                weight=float(k.strength),
            )
        for d in cs.deals:
            deals.append(d)
            node(
                "deal",
                d.id,
                label=s(d.name),
                name=s(d.name),
                stage=d.stage.value,
                amount=float(d.amount),
                currency=d.currency,
                expected_close=s(d.expected_close),
                account_id=s(d.account_id),
            )
            edge(node_id("deal", d.id), node_id("account", d.account_id), "deal_of")
        for r in cs.deal_roles:
            edge(
                node_id("contact", r.contact_id),
                node_id("deal", r.deal_id),
                "deal_role",
                roles=cell(r.roles),
                is_primary=r.is_primary,
                stance=int(r.stance),
            )
    for a in accounts:
        if a.parent_id is not None:
            edge(node_id("account", a.id), node_id("account", a.parent_id), "parent")
        if a.owner_id is not None:
            edge(node_id("rep", a.owner_id), node_id("account", a.id), "owns")
    for d in deals:
        if d.owner_id is not None:
            edge(node_id("rep", d.owner_id), node_id("deal", d.id), "owns")
    return g


def _contact_node(
    node: Callable[..., str], c: Contact, territory: str, s: Callable[[object], str]
) -> None:
    node(
        "contact",
        c.id,
        label=s(c.name),
        name=s(c.name),
        title=s(c.title),
        department=s(c.department),
        seniority=c.seniority.value,
        status=c.status.value,
        account_id=s(c.account_id),
        territory=territory,
    )


def write_graphml(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GraphML (UTF-8) that Gephi, yEd and ``networkx.read_graphml`` open."""
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)


def write_gexf(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GEXF 1.2 (UTF-8), Gephi's own format; ``networkx.read_gexf`` opens it."""
    nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True)


# --- the one entry point --------------------------------------------------------------


def export(
    store: GraphStore,
    fmt: ExportFormat | str,
    out: Path | BinaryIO,
    *,
    account_ids: Sequence[AccountId] | None = None,
    as_of: datetime | None = None,
    progress: ProgressFn | None = None,
) -> ExportReport:
    """Export the selected accounts' stakeholder graphs (default: all) as of a date.

    Parameters
    ----------
    fmt
        ``json``, ``csv``, ``graphml`` or ``gexf``.
    out
        A path, or a binary stream (the HTTP API). For ``csv`` a path is a
        directory that receives one file per collection, and a stream
        receives a zip archive of those files.

    Raises
    ------
    graphcrm.errors.NotFoundError
        A selected account does not exist.
    """
    from graphcrm.io.jsonio import write_json

    fmt = ExportFormat(fmt)
    tally = _Tally()
    stream = _snapshot(
        store,
        account_ids=account_ids,
        as_of=as_of,
        batch_size=DEFAULT_BATCH_SIZE,
        progress=progress,
        tally=tally,
    )
    nodes = edges = None
    if fmt is ExportFormat.CSV:
        if isinstance(out, Path):
            write_csv_dir(stream, out)
        else:
            write_csv_zip(stream, out)
    else:
        with _binary(out) as f:
            if fmt is ExportFormat.JSON:
                write_json(stream, f)
            else:
                graph = build_graph(stream)
                nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
                (write_graphml if fmt is ExportFormat.GRAPHML else write_gexf)(graph, f)
    return ExportReport(
        format=fmt,
        accounts=tally.accounts,
        rows=dict(tally.rows),
        skipped=dict(tally.skipped),
        nodes=nodes,
        edges=edges,
    )


@contextmanager
def _binary(out: Path | BinaryIO) -> Iterator[BinaryIO]:
    """Open a path for writing, or pass a stream through (left open for the caller)."""
    if isinstance(out, Path):
        with out.open("wb") as f:
            yield f
    else:
        yield out
