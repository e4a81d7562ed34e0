"""graphcrm's JSON lines: export -> import round trips, and bad lines name line, row and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graphcrm.domain import AccountId, PageRequest
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.io.export import export
from graphcrm.io.jsonio import import_json
from graphcrm.store.port import GraphStore

State = tuple[dict[str, int], int]


@pytest.fixture
def portfolio(store: GraphStore) -> GraphStore:
    for batch in generate_portfolio(GeneratorConfig(accounts=3, seed=5)):
        store.apply(batch, actor="generator")
    return store


def _accounts(store: GraphStore) -> list[AccountId]:
    return [a.id for a in store.list_accounts(PageRequest(limit=100)).items]


def test_export_import_round_trip_is_equal(
    portfolio: GraphStore, other_store: GraphStore, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    exported = export(portfolio, "json", first)
    assert exported.accounts == 3
    assert exported.rows["touchpoints"] > 0
    report = import_json(other_store, first, actor="test")
    assert report.ok
    assert report.changed
    assert report.committed == exported.rows
    export(other_store, "json", second)
    assert first.read_bytes() == second.read_bytes()
    for account in _accounts(portfolio):
        assert portfolio.stakeholder_graph(account) == other_store.stakeholder_graph(account)


def test_importing_an_export_into_its_own_store_changes_nothing(
    portfolio: GraphStore, tmp_path: Path, store_state: Callable[[GraphStore], State]
) -> None:
    out = tmp_path / "a.jsonl"
    export(portfolio, "json", out)
    before = store_state(portfolio)
    report = import_json(portfolio, out, actor="test")
    assert report.ok
    assert report.changed is False
    assert store_state(portfolio) == before


def test_turkish_text_is_written_as_utf8_byte_for_byte(
    portfolio: GraphStore, tmp_path: Path
) -> None:
    out = tmp_path / "a.jsonl"
    export(portfolio, "json", out)
    names = [c.name for c in portfolio.list_contacts(PageRequest(limit=1000)).items]
    turkish = [n for n in names if set(n) & set("çğıöşüÇĞİÖŞÜ")]
    assert turkish
    data = out.read_bytes()
    assert b"\\u" not in data
    for name in turkish:
        assert name.encode("utf-8") in data


GOOD_ACCOUNT = {"id": "A-1", "name": "Ilıca Su Ürünleri A.Ş."}
GOOD_CONTACT = {"id": "C-1", "account_id": "A-1", "name": "Gökçe Işık"}


def _jsonl(*lines: object) -> bytes:
    return "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    ).encode("utf-8")


def test_bad_lines_and_rows_are_named(store: GraphStore) -> None:
    data = _jsonl(
        {"accounts": [GOOD_ACCOUNT, {"id": "A-2", "name": ""}]},
        {
            "contacts": [
                GOOD_CONTACT,
                {"id": "C-2", "account_id": "A-1", "name": "Ufuk", "email": "ufuk@"},
                {"id": "C-3", "account_id": "A-2", "name": "Umut"},
                {"id": "C-4", "account_id": "A-9", "name": "Ümran"},
            ]
        },
        "{not json",
        {"kontaklar": []},
        "[]",
    )
    report = import_json(store, data, name="yükleme.jsonl", actor="test")
    got = {(p.where, p.field) for p in report.problems}
    assert got == {
        ("yükleme.jsonl line 1 accounts[1]", "name"),
        ("yükleme.jsonl line 2 contacts[1]", "email"),
        ("yükleme.jsonl line 2 contacts[2]", "account_id"),  # its account was rejected
        ("yükleme.jsonl line 2 contacts[3]", "account_id"),  # unknown to the store
        ("yükleme.jsonl line 3", ""),
        ("yükleme.jsonl line 4", "kontaklar"),
        ("yükleme.jsonl line 5", ""),
    }
    assert report.committed == {"accounts": 1, "contacts": 1}
    assert report.rows_read == {"yükleme.jsonl": 5}
    assert store.get_contact(GOOD_CONTACT["id"]).name == "Gökçe Işık"  # type: ignore[arg-type]


def test_all_or_nothing_json_writes_nothing_on_error(
    store: GraphStore, store_state: Callable[[GraphStore], State]
) -> None:
    before = store_state(store)
    data = _jsonl(
        {"accounts": [GOOD_ACCOUNT]},
        {"contacts": [GOOD_CONTACT, {"id": "C-9", "account_id": "A-9", "name": "Yok"}]},
    )
    report = import_json(store, data, all_or_nothing=True, actor="test")
    assert [(p.where, p.field) for p in report.problems] == [
        ("upload.jsonl line 2 contacts[1]", "account_id")
    ]
    assert store_state(store) == before
    clean = _jsonl({"accounts": [GOOD_ACCOUNT]}, {"contacts": [GOOD_CONTACT]})
    assert import_json(store, clean, all_or_nothing=True, actor="test").ok
    assert store.stats().counts["contact"] == 1


@pytest.mark.parametrize("opening", ["[", '{"accounts":'])
def test_a_line_nested_too_deep_is_a_rejected_line_not_a_crash(
    store: GraphStore, opening: str
) -> None:
    data = _jsonl({"accounts": [GOOD_ACCOUNT]}, opening * 100_000, {"contacts": [GOOD_CONTACT]})
    report = import_json(store, data, actor="test")
    (problem,) = report.problems
    assert (problem.where, problem.field) == ("upload.jsonl line 2", "")
    assert "nested too deeply" in problem.message
    assert report.committed == {"accounts": 1, "contacts": 1}
    assert report.rejected_rows == 1


def test_a_line_nested_too_deep_stops_an_all_or_nothing_import(
    store: GraphStore, store_state: Callable[[GraphStore], State]
) -> None:
    before = store_state(store)
    data = _jsonl({"accounts": [GOOD_ACCOUNT]}, "[" * 100_000)
    report = import_json(store, data, all_or_nothing=True, actor="test")
    assert [p.where for p in report.problems] == ["upload.jsonl line 2"]
    assert store_state(store) == before


def test_a_boolean_is_no_stance_or_strength(store: GraphStore) -> None:
    other = {"id": "C-2", "account_id": "A-1", "name": "Ümit Er"}
    deal = {"id": "D-1", "account_id": "A-1", "name": "ERP"}
    role = {"deal_id": "D-1", "contact_id": "C-1", "roles": ["champion"]}
    tie = {"influencer_id": "C-1", "influenced_id": "C-2", "kind": "advises"}
    data = _jsonl(
        {"accounts": [GOOD_ACCOUNT], "contacts": [GOOD_CONTACT, other], "deals": [deal]},
        {"deal_roles": [{**role, "stance": True}], "influences": [{**tie, "strength": False}]},
    )
    report = import_json(store, data, actor="test")
    assert {(p.where, p.field) for p in report.problems} == {
        ("upload.jsonl line 2 deal_roles[0]", "stance"),
        ("upload.jsonl line 2 influences[0]", "strength"),
    }
    assert report.committed == {"accounts": 1, "contacts": 2, "deals": 1}


def test_an_id_outside_the_grammar_is_a_rejected_row_naming_the_field(store: GraphStore) -> None:
    data = _jsonl(
        {"accounts": [GOOD_ACCOUNT, {"id": "A/2", "name": "Eğik"}, {"id": ".", "name": "Nokta"}]}
    )
    report = import_json(store, data, actor="test")
    assert [(p.where, p.field) for p in report.problems] == [
        ("upload.jsonl line 1 accounts[1]", "id"),
        ("upload.jsonl line 1 accounts[2]", "id"),
    ]
    assert report.committed == {"accounts": 1}
