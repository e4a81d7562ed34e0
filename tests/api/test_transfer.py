"""Import and export through HTTP: the io functions the CLI uses, under the territory rule."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.api.conftest import Env

SALESFORCE = Path(__file__).resolve().parents[1] / "data" / "salesforce"


def _files(directory: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(directory.glob("*.csv"))
    ]


def test_salesforce_import_then_reimport_changes_nothing(env: Env) -> None:
    h = env.h("admin")
    first = env.client.post(
        "/v1/imports", headers=h, files=_files(SALESFORCE), data={"format": "salesforce"}
    )
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["changed"] is True
    assert report["committed"]["accounts"] >= 2
    again = env.client.post(
        "/v1/imports", headers=h, files=_files(SALESFORCE), data={"format": "salesforce"}
    ).json()
    assert again["changed"] is False
    deals = env.client.get("/v1/deals?limit=100", headers=h).json()["data"]
    imported = [d for d in deals if d["id"].startswith("0065")]
    assert imported
    risk = env.client.get(f"/v1/deals/{imported[0]['id']}/risk", headers=h)
    assert risk.status_code in (200, 422), risk.text


def test_import_with_a_mapping_part(env: Env) -> None:
    org = SALESFORCE.parent / "salesforce-org"
    files = [
        *_files(org / "older"),
        ("mapping", ("mapping.toml", (org / "mapping.toml").read_bytes(), "application/toml")),
    ]
    r = env.client.post(
        "/v1/imports", headers=env.h("admin"), files=files, data={"format": "salesforce"}
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["committed"]["touchpoints"] == 6
    assert report["skipped"]["Task.csv"] == 1
    assert not any("Teknik" in p["message"] for p in report["problems"])
    bad = [
        *_files(org / "older"),
        ("mapping", ("m.toml", b"[stages]\nX = 'nope'\n", "application/toml")),
    ]
    r = env.client.post(
        "/v1/imports", headers=env.h("admin"), files=bad, data={"format": "salesforce"}
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "stages.X" in r.text


def test_bad_rows_name_file_line_field_and_reason(env: Env) -> None:
    bad = b"Id,Name,ParentId,Industry,BillingCountry,OwnerId\nA-1,,,,,\nA-2,Fine,,,,\n"
    r = env.client.post(
        "/v1/imports",
        headers=env.h("admin"),
        files=[("files", ("Account.csv", bad, "text/csv"))],
        data={"format": "salesforce"},
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rejected_rows"] == 1
    problem = report["problems"][0]
    assert problem["where"] == "Account.csv line 2"
    assert problem["field"] == "Name"
    atomic = env.client.post(
        "/v1/imports",
        headers=env.h("admin"),
        files=[("files", ("Account.csv", bad.replace(b"A-2", b"A-3"), "text/csv"))],
        data={"format": "salesforce", "all_or_nothing": "true"},
    )
    assert atomic.status_code == 422
    assert atomic.json()["errors"][0]["field"] == "Account.csv line 2.Name"
    assert env.client.get("/v1/accounts/A-3", headers=env.h("admin")).status_code == 404


def test_import_cannot_write_into_another_territory(env: Env) -> None:
    rows = (
        b"Id,AccountId,FirstName,LastName,Title,Department,Email,ReportsToId\n"
        b"X-1,M1,Ok,Person,,,,\n"
        b"X-2,E1,Sneaky,Person,,,,\n"
    )
    r = env.client.post(
        "/v1/imports",
        headers=env.h("marmara"),
        files=[("files", ("Contact.csv", rows, "text/csv"))],
        data={"format": "salesforce"},
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rejected_rows"] == 1
    assert report["problems"][0]["where"] == "Contact.csv line 3"
    assert "unknown account 'E1'" in report["problems"][0]["message"]
    assert env.client.get("/v1/contacts/X-1", headers=env.h("marmara")).status_code == 200
    assert env.client.get("/v1/contacts/X-2", headers=env.h("ege")).status_code == 404


def test_export_holds_only_the_keys_territories_and_round_trips(env: Env) -> None:
    r = env.client.get("/v1/exports?format=json", headers=env.h("marmara"))
    assert r.status_code == 200, r.text
    text = r.text
    assert '"M1"' in text
    assert "E1" not in text
    for fmt in ("graphml", "gexf"):
        g = env.client.get(f"/v1/exports?format={fmt}", headers=env.h("marmara"))
        assert g.status_code == 200
        assert b"E1-C1" not in g.content
        assert b"M1-C1" in g.content
    z = env.client.get("/v1/exports?format=csv", headers=env.h("ege"))
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert any(n.startswith("accounts") for n in names)
    assert env.client.get("/v1/exports?account_id=E1", headers=env.h("marmara")).status_code == 404
    back = env.client.post(
        "/v1/imports",
        headers=env.h("marmara"),
        files=[("files", ("export.jsonl", r.content, "application/x-ndjson"))],
        data={"format": "json"},
    )
    assert back.status_code == 200, back.text
    assert back.json()["changed"] is False


def test_a_territory_key_imports_new_accounts_into_its_territory(env: Env) -> None:
    """Salesforce exports carry no territory: the key's one territory is the default."""
    rows = b"Id,Name,ParentId,Industry,BillingCountry,OwnerId\nSF-1,Yeni Tekstil A.\xc5\x9e.,,,,\n"
    files = [("files", ("Account.csv", rows, "text/csv"))]
    r = env.client.post(
        "/v1/imports", headers=env.h("marmara"), files=files, data={"format": "salesforce"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["rejected_rows"] == 0
    account = env.client.get("/v1/accounts/SF-1", headers=env.h("marmara"))
    assert account.status_code == 200
    assert account.json()["account"]["territory"] == "Marmara"
    assert env.client.get("/v1/accounts/SF-1", headers=env.h("ege")).status_code == 404


def test_import_territory_must_be_one_of_the_keys(env: Env) -> None:
    rows = b"Id,Name,ParentId,Industry,BillingCountry,OwnerId\nSF-2,Sahte,,,,\n"
    files = [("files", ("Account.csv", rows, "text/csv"))]
    r = env.client.post(
        "/v1/imports",
        headers=env.h("marmara"),
        files=files,
        data={"format": "salesforce", "territory": "Ege"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "body.territory"
    assert env.client.get("/v1/accounts/SF-2", headers=env.h("admin")).status_code == 404
    # an all-territory key names any territory
    r = env.client.post(
        "/v1/imports",
        headers=env.h("admin"),
        files=files,
        data={"format": "salesforce", "territory": "Ege"},
    )
    assert r.status_code == 200, r.text
    assert (
        env.client.get("/v1/accounts/SF-2", headers=env.h("ege")).json()["account"]["territory"]
        == "Ege"
    )
