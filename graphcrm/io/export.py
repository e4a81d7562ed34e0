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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import BinaryIO, Final

import networkx as nx
from pydantic import Field

from graphcrm.domain import Account, AccountId, ChangeSet, Contact, Deal, Model
from graphcrm.io.importing import COLLECTIONS, DEFAULT_BATCH_SIZE, ProgressFn
from graphcrm.io.snapshot import Tally, counted_snapshot
from graphcrm.io.snapshot import snapshot as snapshot  # callers import it here too
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


def build_graph(changesets: Iterable[ChangeSet]) -> nx.MultiDiGraph[str]:
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
    graph = _GraphBuilder()
    for cs in changesets:
        graph.add_people(cs)
        graph.add_ties_and_deals(cs)
    return graph.finish()


def _text(value: object) -> str:
    """A value as graph text (GraphML and GEXF have no null; no characters XML cannot hold)."""
    return xml_text(cell(value))


@dataclass(slots=True)
class _GraphBuilder:
    """:func:`build_graph`'s graph, grown one change set at a time."""

    g: nx.MultiDiGraph[str] = field(default_factory=nx.MultiDiGraph)
    territory: dict[str, str] = field(default_factory=dict)
    """Account id -> its territory (as text)."""
    accounts: list[Account] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)

    def node(self, kind: str, key: str, **attrs: object) -> str:
        n = node_id(kind, key)
        self.g.add_node(n, kind=kind, **attrs)
        return n

    def edge(self, u: str, v: str, relation: str, detail: str = "", **attrs: object) -> None:
        attrs.setdefault("weight", 1.0)
        self.g.add_edge(
            u, v, key=f"{relation}:{detail}" if detail else relation, relation=relation, **attrs
        )

    def contact_node(self, c: Contact) -> None:
        self.node(
            "contact",
            c.id,
            label=_text(c.name),
            name=_text(c.name),
            title=_text(c.title),
            department=_text(c.department),
            seniority=c.seniority.value,
            status=c.status.value,
            account_id=_text(c.account_id),
            territory=self.territory.get(c.account_id, ""),
        )

    def add_people(self, cs: ChangeSet) -> None:
        """Reps, accounts, contacts (working at their account) and reporting lines."""
        for rep in cs.reps:
            self.node(
                "rep",
                rep.id,
                label=_text(rep.name),
                name=_text(rep.name),
                territory=_text(rep.territory),
            )
        for a in cs.accounts:
            self.territory[a.id] = _text(a.territory)
            self.accounts.append(a)
            self.node(
                "account",
                a.id,
                label=_text(a.name),
                name=_text(a.name),
                sector=_text(a.sector),
                country=_text(a.country),
                territory=_text(a.territory),
            )
        for c in cs.contacts:
            self.contact_node(c)
            self.edge(node_id("contact", c.id), node_id("account", c.account_id), "works_at")
        for line in cs.reports_to:
            self.edge(
                node_id("contact", line.contact_id),
                node_id("contact", line.manager_id),
                "reports_to",
                line.kind.value,
                line=line.kind.value,
            )

    def add_ties_and_deals(self, cs: ChangeSet) -> None:
        """Influences, what reps know, deals (of their account) and deal roles."""
        for i in cs.influences:
            self.edge(
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
            self.edge(
                node_id("rep", k.rep_id),
                node_id("contact", k.contact_id),
                "rep_knows",
                strength=float(k.strength),
                weight=float(k.strength),
            )
        for d in cs.deals:
            self.deals.append(d)
            self.node(
                "deal",
                d.id,
                label=_text(d.name),
                name=_text(d.name),
                stage=d.stage.value,
                amount=float(d.amount),
                currency=d.currency,
                expected_close=_text(d.expected_close),
                account_id=_text(d.account_id),
            )
            self.edge(node_id("deal", d.id), node_id("account", d.account_id), "deal_of")
        for r in cs.deal_roles:
            self.edge(
                node_id("contact", r.contact_id),
                node_id("deal", r.deal_id),
                "deal_role",
                roles=cell(r.roles),
                is_primary=r.is_primary,
                stance=int(r.stance),
            )

    def finish(self) -> nx.MultiDiGraph[str]:
        """The graph, with the parent and owner edges of every account and deal added."""
        for a in self.accounts:
            if a.parent_id is not None:
                self.edge(node_id("account", a.id), node_id("account", a.parent_id), "parent")
            if a.owner_id is not None:
                self.edge(node_id("rep", a.owner_id), node_id("account", a.id), "owns")
        for d in self.deals:
            if d.owner_id is not None:
                self.edge(node_id("rep", d.owner_id), node_id("deal", d.id), "owns")
        return self.g


def write_graphml(graph: nx.MultiDiGraph[str], out: BinaryIO) -> None:
    """GraphML (UTF-8) that Gephi, yEd and ``networkx.read_graphml`` open."""
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)


def write_gexf(graph: nx.MultiDiGraph[str], out: BinaryIO) -> None:
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
    tally = Tally()
    stream = counted_snapshot(
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
