"""Helpers for tests that use the real Neo4j server (the contract suite's adapter, too)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import groupby

import neo4j
from pydantic import BaseModel

from graphcrm.config import parse_store_url
from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ChangeLogEntry,
    ChangeSet,
    ContactId,
    DealId,
    EntityKind,
    PageRequest,
    RepId,
    Stage,
)
from graphcrm.store import GraphStore
from graphcrm.store.codec import ts
from graphcrm.store.cypher import query
from graphcrm.store.neo4j import Neo4jStore


def driver(uri: str) -> neo4j.Driver:
    """A raw driver to the test server (auth off), for setup and inspection."""
    return neo4j.GraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")


def wipe(uri: str) -> None:
    """Delete every node and relationship (the change-log counter too); keep the schema."""
    with driver(uri) as d, d.session() as session:
        session.run(query("admin/delete_everything")).consume()


def all_changes(store: GraphStore) -> list[ChangeLogEntry]:
    """The whole change log, read page by page."""
    out: list[ChangeLogEntry] = []
    while True:
        page = store.change_log(PageRequest(limit=7, offset=len(out)))
        out.extend(page.items)
        if len(out) >= page.total:
            return out


def rewrite_as_v1(uri: str, entries: Sequence[ChangeLogEntry]) -> None:
    """Make the server's database one that graphcrm wrote before schema version 2:
    empty but for ``entries``, as one ``(:ChangeLog)`` node each, under the version-1
    constraint and index, written by the version-1 statement a batch at a time (a
    batch: consecutive entries of one time and actor), and the version node at 1."""
    with driver(uri) as d, d.session() as session:
        session.run(query("admin/delete_everything")).consume()
        session.run(query("migrations/create_v1_constraint_changelog_seq")).consume()
        session.run(query("migrations/create_v1_index_changelog_key")).consume()
        session.run(query("schema/await_indexes"), {"seconds": 60}).consume()
        session.run(query("schema/write_schema_version"), {"version": 1}).consume()
        for _, batch in groupby(entries, key=lambda e: (e.at, e.actor)):
            rows = [
                {
                    "n": n,
                    "at": ts(e.at),
                    "actor": e.actor,
                    "entity": e.entity.value,
                    "key": e.key,
                    "op": e.op.value,
                    "before": json.dumps(e.before) if e.before is not None else None,
                    "after": json.dumps(e.after) if e.after is not None else None,
                }
                for n, e in enumerate(batch, start=1)
            ]
            session.run(query("migrations/append_v1_changes"), {"rows": rows}).consume()


def rewrite_scores_as_v2(uri: str, sets: Sequence[AccountScoreSet]) -> None:
    """Store the score sets ``sets`` (stored already) as schema version 2 did, a
    ``SCORED`` relationship per contact and a ``RISK`` one per deal, and set the
    version node to 2."""
    rows = [
        {
            "account_id": s.account_id,
            "as_of": ts(s.as_of),
            "contacts": [c.model_dump(mode="json") for c in s.contacts],
            "deals": [
                {"deal_id": d.deal_id, "score": d.score, "factors": json.dumps(d.factors)}
                for d in s.deals
            ],
        }
        for s in sets
    ]
    with driver(uri) as d, d.session() as session:
        session.run(query("migrations/write_v2_score_relationships"), {"rows": rows}).consume()
        session.run(query("schema/write_schema_version"), {"version": 2}).consume()


def fresh_store(uri: str) -> Neo4jStore:
    """An open store on the session server, emptied: each test starts from nothing."""
    store = Neo4jStore.open(parse_store_url(uri))
    wipe(uri)
    return store


# --- a scenario that takes every write path, and a read of everything -----------------

JAN = datetime(2025, 1, 1, 9, tzinfo=UTC)
FEB = datetime(2025, 2, 1, 9, tzinfo=UTC)
MAR = datetime(2025, 3, 1, 9, tzinfo=UTC)

NASTY = (
    "'\"`{}[]()\\ })-[:X]->( // c /* x */ '; MATCH (n) DETACH DELETE n // "
    "$rows İıŞşĞğ \U0001f600\ufffd"
)
"""A value full of Cypher syntax, Turkish letters, an emoji and a char above the surrogates."""

NASTY_WORD = "'});MATCH(n)DETACH/**/DELETE/n//$rowsİıŞşĞğ\U0001f600"
""":data:`NASTY` without spaces, for fields that forbid them (e-mail addresses)."""


def ident(prefix: str, payload: str) -> str:
    """An id carrying ``payload`` within the id grammar: no slash, no backslash (free
    text carries all of it)."""
    return prefix + payload.replace("/", "").replace("\\", "")


def scenario(payload: str = "") -> list[tuple[ChangeSet, datetime, str]]:
    """Batches ``(changes, at, actor)`` that create, update, close and re-apply every kind.

    Every free-text value and every id carries ``payload``.
    """
    p = payload

    def i(kind: str, n: int) -> str:
        return ident(f"{kind}-{n}", p)

    first = ChangeSet.model_validate(
        {
            "accounts": [
                {
                    "id": i("A", 1),
                    "name": f"İSTANBUL Lojistik {p}",
                    "sector": f"lojistik{p}",
                    "country": "TR",
                    "territory": f"marmara{p}",
                    "owner_id": i("R", 1),
                },
                {"id": i("A", 2), "name": f"Işık Depo {p}", "parent_id": i("A", 1)},
                {"id": i("A", 3), "name": f"çınar {p}", "parent_id": i("A", 2)},
                {"id": i("A", 4), "name": f"Zeytin {p}", "parent_id": i("A", 1)},
            ],
            "reps": [
                {
                    "id": i("R", 1),
                    "name": f"Çağrı {p}",
                    "email": f"r1{NASTY_WORD}@x.com",
                    "territory": f"marmara{p}",
                },
                {"id": i("R", 2), "name": f"Ümit {p}"},
                # Neo4j orders strings by UTF-16 unit, SQLite by code point: these two differ.
                {"id": ident("R-\U0001f600", p), "name": f"Ümit \ufffd{p}"},
                {"id": ident("R-\ufffd", p), "name": f"Ümit \U0001f600{p}"},
            ],
            "contacts": [
                {
                    "id": i("C", 1),
                    "account_id": i("A", 1),
                    "name": f"Ayşe {p}",
                    "title": f"CEO{p}",
                    "seniority": "c_level",
                    "department": f"yönetim{p}",
                    "email": f"c1{NASTY_WORD}@x.com",
                    "phone": "'}) //İ😀",
                    "linkedin_url": f"https://x/{p}",
                },
                {"id": i("C", 2), "account_id": i("A", 1), "name": f"İsmail {p}"},
                {"id": i("C", 3), "account_id": i("A", 1), "name": f"ılgaz {p}"},
                {"id": i("C", 4), "account_id": i("A", 1), "name": f"Şule {p}"},
                {"id": i("C", 5), "account_id": i("A", 1), "name": f"Ğ {p}"},
                {"id": i("C", 6), "account_id": i("A", 2), "name": f"Can {p}"},
            ],
            "reports_to": [
                {"contact_id": i("C", 2), "manager_id": i("C", 1)},
                {"contact_id": i("C", 3), "manager_id": i("C", 1)},
                {"contact_id": i("C", 4), "manager_id": i("C", 2)},
                {"contact_id": i("C", 5), "manager_id": i("C", 1), "kind": "dotted"},
                {"contact_id": i("C", 6), "manager_id": i("C", 1)},
            ],
            "influences": [
                {
                    "influencer_id": i("C", 2),
                    "influenced_id": i("C", 1),
                    "kind": "advises",
                    "strength": 0.8,
                },
                {
                    "influencer_id": i("C", 3),
                    "influenced_id": i("C", 2),
                    "kind": "opposes",
                    "strength": 0.3,
                    "source": "observed",
                },
            ],
            "rep_knows": [
                {"rep_id": i("R", 1), "contact_id": i("C", 1), "strength": 0.6},
                {"rep_id": i("R", 2), "contact_id": i("C", 3), "strength": 0.2},
            ],
            "deals": [
                {
                    "id": i("D", 1),
                    "account_id": i("A", 1),
                    "name": f"Depo {p}",
                    "amount": "1250000.50",
                    "currency": "USD",
                    "stage": "proposal",
                    "expected_close": "2025-06-30",
                    "owner_id": i("R", 1),
                    "competitors": [f"SAP{p}", f"Oracle{p}"],
                    "loss_reason": f"none{p}",
                },
                {"id": i("D", 2), "account_id": i("A", 2), "name": f"ERP {p}", "amount": "0.1"},
            ],
            "deal_roles": [
                {
                    "deal_id": i("D", 1),
                    "contact_id": i("C", 1),
                    "roles": ["economic_buyer", "decision_maker"],
                    "is_primary": True,
                },
                {"deal_id": i("D", 1), "contact_id": i("C", 2), "roles": ["champion"], "stance": 2},
            ],
            "touchpoints": [
                {
                    "id": i("T", 1),
                    "account_id": i("A", 1),
                    "kind": "meeting",
                    "direction": "two_way",
                    "at": JAN + timedelta(days=1),
                    "contact_ids": [i("C", 2), i("C", 1)],
                    "rep_ids": [i("R", 1)],
                    "deal_id": i("D", 1),
                    "sentiment": 0.25,
                    "summary": f"özet {p}",
                },
                {
                    "id": i("T", 2),
                    "account_id": i("A", 1),
                    "kind": "email",
                    "direction": "inbound",
                    "at": JAN + timedelta(days=2),
                    "contact_ids": [i("C", 2), i("C", 3), i("C", 1)],
                    "rep_ids": [i("R", 1), i("R", 2)],
                    "sentiment": -0.5,
                },
                {
                    "id": i("T", 3),
                    "account_id": i("A", 2),
                    "kind": "call",
                    "direction": "outbound",
                    "at": JAN + timedelta(days=2),
                    "contact_ids": [i("C", 6)],
                    "sentiment": 0.1,
                },
            ],
        }
    )
    second = ChangeSet.model_validate(
        {
            "accounts": [
                {"id": i("A", 3), "name": f"çınar {p}", "parent_id": i("A", 4)},
                {
                    "id": i("A", 2),
                    "name": f"Işık Depo {p}",
                    "parent_id": i("A", 1),
                    "sector": f"yeni{p}",
                },
            ],
            "contacts": [
                {
                    "id": i("C", 3),
                    "account_id": i("A", 1),
                    "name": f"ılgaz {p}",
                    "status": "left_company",
                    "status_from": FEB - timedelta(days=3),
                },
                {"id": i("C", 4), "account_id": i("A", 2), "name": f"Şule K {p}"},
            ],
            "reports_to": [{"contact_id": i("C", 4), "manager_id": i("C", 6)}],
            "influences": [
                {
                    "influencer_id": i("C", 2),
                    "influenced_id": i("C", 1),
                    "kind": "advises",
                    "strength": 0.5,
                },
                {
                    "influencer_id": i("C", 3),
                    "influenced_id": i("C", 2),
                    "kind": "opposes",
                    "strength": 0.3,
                    "source": "observed",
                    "valid_to": FEB,
                },
            ],
            "rep_knows": [{"rep_id": i("R", 1), "contact_id": i("C", 1), "strength": 0.9}],
            "deals": [
                {
                    "id": i("D", 1),
                    "account_id": i("A", 1),
                    "name": f"Depo {p}",
                    "amount": "1250000.5",
                    "currency": "USD",
                    "stage": "negotiation",
                    "expected_close": "2025-07-31",
                    "owner_id": i("R", 2),
                    "competitors": [f"SAP{p}"],
                    "loss_reason": f"none{p}",
                },
                {
                    "id": i("D", 2),
                    "account_id": i("A", 1),
                    "name": f"ERP {p}",
                    "amount": "0.1",
                    "stage": "closed_lost",
                },
            ],
            "stage_changes": [
                {
                    "deal_id": i("D", 2),
                    "at": FEB - timedelta(days=1),
                    "from_stage": "prospecting",
                    "to_stage": "closed_lost",
                },
            ],
            "deal_roles": [
                {
                    "deal_id": i("D", 1),
                    "contact_id": i("C", 2),
                    "roles": ["champion", "influencer"],
                    "stance": 1,
                },
            ],
            "touchpoints": [
                {
                    "id": i("T", 2),
                    "account_id": i("A", 1),
                    "kind": "email",
                    "direction": "inbound",
                    "at": JAN + timedelta(days=2),
                    "contact_ids": [i("C", 4), i("C", 2)],
                    "rep_ids": [i("R", 2)],
                    "sentiment": -0.5,
                },
            ],
        }
    )
    third = ChangeSet.model_validate(
        {  # rows about stored deals only: the deal-id lookup runs
            "reps": [{"id": i("R", 2), "name": f"Ümit B {p}"}],  # an updated rep
            "stage_changes": [  # an updated stage change (re-set by the last batch)
                {
                    "deal_id": i("D", 2),
                    "at": FEB - timedelta(days=1),
                    "from_stage": "needs_analysis",
                    "to_stage": "closed_lost",
                },
            ],
            "deal_roles": [
                {"deal_id": i("D", 2), "contact_id": i("C", 5), "roles": ["evaluator"]},
            ],
            "close_date_changes": [
                {
                    "deal_id": i("D", 1),
                    "at": FEB + timedelta(days=1),
                    "from_date": "2025-07-31",
                    "to_date": "2025-08-31",
                },
            ],
        }
    )
    fourth = ChangeSet.model_validate(
        {  # an updated close-date change
            "close_date_changes": [
                {
                    "deal_id": i("D", 1),
                    "at": FEB + timedelta(days=1),
                    "from_date": "2025-07-31",
                    "to_date": "2025-09-30",
                },
            ],
        }
    )
    return [
        (first, JAN, f"ayşe{p}"),
        (second, FEB, f"ali{p}"),
        (third, FEB + timedelta(days=1), f"ali{p}"),
        (fourth, FEB + timedelta(days=2), f"ali{p}"),
        (second, MAR, f"ali{p}"),
    ]


def _sorted_sets(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: sorted(v) if k == "roles" and isinstance(v, list) else _sorted_sets(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_sorted_sets(v) for v in value]
    return value


def canonical_json(value: BaseModel | tuple[BaseModel, ...]) -> str:
    """JSON text of a read result, exactly as pydantic writes it, except that set-valued
    fields (deal roles) are sorted: a frozenset's iteration order is not part of the data."""
    items = value if isinstance(value, tuple) else (value,)
    raw = [json.loads(v.model_dump_json()) for v in items]
    dumped = [json.dumps(_sorted_sets(v), ensure_ascii=False, separators=(",", ":")) for v in raw]
    return "[" + ",".join(dumped) + "]"


def read_everything(store: GraphStore, payload: str = "") -> list[tuple[str, str]]:
    """``(what, JSON)`` of every read of the port over the scenario's data."""
    p = payload
    page = PageRequest(limit=1000)
    small = PageRequest(limit=2, offset=1)
    a1, a2, a3 = (AccountId(ident(f"A-{n}", p)) for n in (1, 2, 3))
    out: list[tuple[str, str]] = []

    def add(what: str, value: BaseModel | tuple[BaseModel, ...]) -> None:
        out.append((what, canonical_json(value)))

    moments: tuple[datetime | None, ...] = (
        None,
        JAN,
        JAN + timedelta(days=1, hours=1),
        FEB - timedelta(days=2),
        FEB,
        MAR,
    )
    for as_of in moments:
        for family in (False, True):
            for account in (a1, a2, a3):
                add(
                    f"stakeholder_graph({account}, {as_of}, {family})",
                    store.stakeholder_graph(account, as_of=as_of, include_family=family),
                )
        for committee in (False, True):
            add(
                f"stakeholder_graphs({as_of}, {committee})",
                store.stakeholder_graphs([a3, a1, a2], as_of=as_of, committee_only=committee),
            )
        add(f"rollup({as_of})", store.account_rollup(a1, as_of=as_of))
        add(f"list_contacts({as_of})", store.list_contacts(page, as_of=as_of))
        add(f"list_contacts(a1, {as_of})", store.list_contacts(page, account_id=a1, as_of=as_of))
        add(
            f"list_contacts(marmara, {as_of})",
            store.list_contacts(page, territories={f"marmara{p}"}, as_of=as_of),
        )
        add(f"get_contact({as_of})", store.get_contact(ContactId(ident("C-3", p)), as_of=as_of))
    add("get_account", store.get_account(a1))
    add("territory_history", store.territory_history())
    add("territory_history(a1, a2)", store.territory_history([a1, a2]))
    add("list_accounts", store.list_accounts(page))
    add("list_accounts small", store.list_accounts(small))
    add(
        "list_accounts filtered",
        store.list_accounts(
            page,
            territories={f"marmara{p}", f"ege{p}"},
            sector=f"lojistik{p}",
            owner_id=RepId(ident("R-1", p)),
        ),
    )
    add("list_accounts name", store.list_accounts(page, name_contains=f"ışık {p}".upper()))
    add("list_accounts nasty", store.list_accounts(page, name_contains=NASTY))
    add("ancestors", store.account_ancestors(a3))
    add("descendants", store.account_descendants(a1))
    add("list_contacts name", store.list_contacts(page, name_contains="AYŞE"))
    add("list_contacts small", store.list_contacts(small))
    add("get_rep", store.get_rep(RepId(ident("R-1", p))))
    add("list_reps", store.list_reps(page))
    add("list_reps territory", store.list_reps(page, territory=f"marmara{p}"))
    add("get_deal", store.get_deal(DealId(ident("D-1", p))))
    add("get_deal 2", store.get_deal(DealId(ident("D-2", p))))
    add(
        "get_deals",
        store.get_deals(
            [DealId(ident("D-2", p)), DealId(ident("D-1", p)), DealId(ident("D-2", p))]
        ),
    )
    add("list_deals", store.list_deals(page))
    add("list_deals filtered", store.list_deals(page, account_id=a1, stage=Stage.NEGOTIATION))
    add("list_deals owner", store.list_deals(page, owner_id=RepId(ident("R-2", p))))
    add("list_deals territory", store.list_deals(page, territories={f"marmara{p}"}))
    add(
        "list_deals territories",
        store.list_deals(page, territories={f"marmara{p}", f"ege{p}"}, stage=Stage.PROPOSAL),
    )
    add("list_deals account", store.list_deals(page, account_id=a1, territories=set()))
    add("list_touchpoints", store.list_touchpoints(page))
    add("list_touchpoints small", store.list_touchpoints(small))
    add(
        "list_touchpoints filtered",
        store.list_touchpoints(
            page, account_id=a1, contact_id=ContactId(ident("C-2", p)), since=JAN, until=FEB
        ),
    )
    add("list_touchpoints deal", store.list_touchpoints(page, deal_id=DealId(ident("D-1", p))))
    add("change_log", store.change_log(page))
    add("change_log small", store.change_log(small, since_seq=3))
    add("change_log entity", store.change_log(page, entity=EntityKind.INFLUENCE))
    add("change_log key", store.change_log(page, key=f"D-1{p}", entity=EntityKind.DEAL))
    add("stats", store.stats())
    return out


def rewrite_territories_as_v3(uri: str) -> None:
    """Take the account territory intervals away and mark the database version 3: what
    a graphcrm from before territories were intervals left."""
    with driver(uri) as d, d.session() as session:
        session.run(query("migrations/delete_v4_account_territories")).consume()
        session.run(query("schema/write_schema_version"), {"version": 3}).consume()
