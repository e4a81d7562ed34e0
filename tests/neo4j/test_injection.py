"""Values full of Cypher syntax are data: they come back byte for byte and touch nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graphcrm.domain import (
    AccountId,
    ChangeSet,
    ContactId,
    DealId,
    EntityKind,
    PageRequest,
    RepId,
    Stage,
    StoreStats,
)
from graphcrm.store.neo4j import Neo4jStore
from tests.neo4j.support import JAN, NASTY, ident, read_everything, scenario

pytestmark = pytest.mark.neo4j

ALL = PageRequest(limit=1000)

SENTINEL = ChangeSet.model_validate(
    {
        "accounts": [{"id": "SENTINEL", "name": "Nöbetçi"}],
        "contacts": [{"id": "SENTINEL-C", "account_id": "SENTINEL", "name": "Bekçi"}],
    }
)


def _counts_after_first_batch() -> dict[str, int]:
    return {
        "account": 4 + 1,
        "contact": 6 + 1,
        "contact_status": 6 + 1,
        "reports_to": 5,
        "influence": 2,
        "rep": 4,
        "rep_knows": 2,
        "deal": 2,
        "stage_change": 2,
        "close_date_change": 1,
        "deal_role": 2,
        "touchpoint": 3,
        "change_log": 39 + 3,
    }


def test_nasty_values_round_trip_byte_for_byte(neo_store: Neo4jStore) -> None:
    first, at, actor = scenario(NASTY)[0]
    neo_store.apply(first, actor=actor, at=at)

    for account in first.accounts:
        assert neo_store.get_account(account.id).model_dump_json() == account.model_dump_json()
    for rep in first.reps:
        assert neo_store.get_rep(rep.id).model_dump_json() == rep.model_dump_json()
    for contact in first.contacts:
        stored = neo_store.get_contact(contact.id)
        assert stored == contact.model_copy(update={"status_from": at})
    for deal in first.deals:
        # Amounts come back with two decimal places (as from SQLite): equal, not same text.
        assert neo_store.get_deal(deal.id).deal == deal
    touchpoints = neo_store.list_touchpoints(ALL).items
    assert sorted(t.model_dump_json() for t in touchpoints) == sorted(
        t.model_dump_json() for t in first.touchpoints
    )
    graph = neo_store.stakeholder_graph(AccountId(ident("A-1", NASTY)), include_family=True)
    filled = {"valid_from": at}
    assert set(graph.reports_to) == {r.model_copy(update=filled) for r in first.reports_to}
    assert set(graph.influences) == {r.model_copy(update=filled) for r in first.influences}
    assert set(graph.deal_roles) == {r.model_copy(update=filled) for r in first.deal_roles}
    assert set(graph.rep_knows) == set(first.rep_knows)
    log = neo_store.change_log(ALL).items
    assert {e.actor for e in log} == {actor}
    assert {e.key for e in log} >= {a.id for a in first.accounts}


def test_nasty_values_change_nothing_else(neo_store: Neo4jStore) -> None:
    neo_store.apply(SENTINEL, actor="t", at=JAN - timedelta(days=1))
    first, at, actor = scenario(NASTY)[0]
    neo_store.apply(first, actor=actor, at=at)
    expected = StoreStats(counts=_counts_after_first_batch())
    assert neo_store.stats() == expected

    # Reads with every filter set to the nasty value find nothing and delete nothing.
    assert (
        neo_store.list_accounts(
            ALL, territories={NASTY}, sector=NASTY, owner_id=RepId(NASTY), name_contains=NASTY
        ).total
        == 0
    )
    assert neo_store.list_contacts(ALL, account_id=AccountId(NASTY), name_contains=NASTY).total == 0
    assert neo_store.list_contacts(ALL, territories={NASTY}, name_contains=NASTY).total == 0
    assert neo_store.list_deals(ALL, territories={NASTY}, owner_id=RepId(NASTY)).total == 0
    assert neo_store.list_reps(ALL, territory=NASTY).total == 0
    assert (
        neo_store.list_deals(
            ALL,
            account_id=AccountId(NASTY),
            stage=Stage.PROPOSAL,
            owner_id=RepId(NASTY),
            territories={NASTY},
        ).total
        == 0
    )
    assert (
        neo_store.list_touchpoints(
            ALL, account_id=AccountId(NASTY), contact_id=ContactId(NASTY), deal_id=DealId(NASTY)
        ).total
        == 0
    )
    assert neo_store.change_log(ALL, entity=EntityKind.ACCOUNT, key=NASTY).total == 0
    read_everything(neo_store, NASTY)

    assert neo_store.stats() == expected
    assert neo_store.get_account(AccountId("SENTINEL")).name == "Nöbetçi"
    assert neo_store.get_contact(ContactId("SENTINEL-C")).name == "Bekçi"
