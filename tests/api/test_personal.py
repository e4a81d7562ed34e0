"""POST /v1/contacts/{id}/erase and GET /v1/contacts/{id}/subject-access: admin only."""

from __future__ import annotations

from urllib.parse import quote

from tests.api.conftest import Env


def test_erase_and_subject_access_need_the_admin_scope(env: Env) -> None:
    contact = env.client.get("/v1/contacts/M1-C2", headers=env.h("marmara")).json()
    name = contact["name"]
    for who in ("marmara", "reader"):
        assert env.client.post("/v1/contacts/M1-C2/erase", headers=env.h(who)).status_code == 403
        got = env.client.get("/v1/contacts/M1-C2/subject-access", headers=env.h(who))
        assert got.status_code == 403
    assert env.client.post("/v1/contacts/M1-C2/erase").status_code == 401

    report = env.client.get("/v1/contacts/M1-C2/subject-access", headers=env.h("admin"))
    assert report.status_code == 200
    body = report.json()
    assert body["contact"]["name"] == name
    assert {e["key"] for e in body["changes"]} >= {"M1-C2"}

    erased = env.client.post("/v1/contacts/M1-C2/erase", headers=env.h("admin"))
    assert erased.status_code == 200, erased.text
    result = erased.json()
    assert result["contact_id"] == "M1-C2"
    assert result["name"].startswith("erased contact ")
    after = env.client.get("/v1/contacts/M1-C2", headers=env.h("marmara")).json()
    assert after["name"] == result["name"]
    again = env.client.get("/v1/contacts/M1-C2/subject-access", headers=env.h("admin")).text
    assert name not in again


def test_erasing_an_unknown_contact_is_404(env: Env) -> None:
    for path in ("/v1/contacts/{}/erase", "/v1/contacts/{}/subject-access"):
        method = env.client.post if path.endswith("erase") else env.client.get
        answer = method(path.format(quote("C-nobody", safe="")), headers=env.h("admin"))
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
