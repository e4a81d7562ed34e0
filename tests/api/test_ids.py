"""Ids over HTTP: what the grammar refuses is a 422 naming the field at every entry point;
what it accepts is read back through the ``Location`` of its creation, on a real server
(the test client decodes a path twice, which would hide or fake a failure)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from graphcrm.domain.ids import ID_MAX_LENGTH, id_problem
from tests.api.conftest import Env, make_settings, seed, served
from tests.unit.domain.test_ids import ACCEPTED, REFUSED

URL_REFUSED = ("a/b", "x/", ".", "..", "a\\b", " a", "a\u200bb")


@pytest.mark.parametrize("bad", URL_REFUSED)
def test_a_refused_id_is_a_422_naming_the_field(env: Env, bad: str) -> None:
    account = {"id": bad, "name": "Kötü Kimlik", "territory": "Marmara"}
    r = env.client.post("/v1/accounts", json=account, headers=env.h("admin"))
    assert r.status_code == 422, r.text
    ((field, message),) = [(e["field"], e["message"]) for e in r.json()["errors"]]
    assert field == "body.id"
    assert message.startswith("an id "), message
    assert message[6:] == REFUSED[bad] or REFUSED[bad] in message


def test_a_batch_names_every_refused_id_and_writes_nothing(env: Env) -> None:
    body = {
        "contacts": [{"id": "M1/C9", "account_id": "M1", "name": "Eğik Çizgi"}],
        "deals": [{"id": "..", "account_id": "M1", "name": "Üst Klasör"}],
        "influences": [
            {"influencer_id": "M1-C1", "influenced_id": "M1-C2 ", "kind": "advises", "strength": 1}
        ],
    }
    r = env.client.post("/v1/batch", json=body, headers=env.h("admin"))
    assert r.status_code == 422, r.text
    assert sorted(e["field"] for e in r.json()["errors"]) == [
        "body.contacts[0].id",
        "body.deals[0].id",
        "body.influences[0].influenced_id",
    ]
    assert env.client.get("/v1/deals/..", headers=env.h("admin")).status_code == 404


SEEDED = frozenset({"M1", "M2", "E1"})
"""Accounts the seed made: creating one again is a 409."""


def _round_trip(http: httpx.Client, i: str) -> None:
    """Create a rep, an account, a contact and a deal named after ``i`` and read each back
    through its ``Location`` (a rep, which answers none, through ``/v1/reps/{id}``)."""
    rep = http.post("/v1/reps", json={"id": i, "name": i})
    assert rep.status_code == 200, (i, rep.text)
    account = {"id": i, "name": i, "territory": "Marmara", "owner_id": i}
    contact = {"id": f"{i}-C", "account_id": i, "name": i}
    deal = {"id": f"{i}-D", "account_id": i, "name": i, "owner_id": i}
    for kind, row in (("accounts", account), ("contacts", contact), ("deals", deal)):
        created = http.post(f"/v1/{kind}", json=row)
        assert created.status_code == 201, (kind, i, created.text)
        read = http.get(created.headers["Location"])
        assert read.status_code == 200, (kind, i, created.headers["Location"])
        body = read.json()
        got = body.get("id") or body.get("account", body.get("deal", {})).get("id")
        assert got == row["id"], (kind, i, body)
    read = http.get(f"/v1/reps/{quote(i, safe='')}")
    assert (read.status_code, read.json()["id"]) == (200, i)


def test_every_accepted_id_reads_back_through_its_location(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    keys = seed(settings)
    seen: set[str] = set(SEEDED)
    with served(settings) as base, httpx.Client(base_url=base) as http:
        http.headers["X-API-Key"] = keys["admin"]
        for i in ACCEPTED:
            if len(i) < ID_MAX_LENGTH - 1:  # room for the contact's and deal's suffix
                seen.add(i)
                _round_trip(http, i)

        # the grammar's character categories, and the space separators (it keeps U+0020)
        letters = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))

        @given(st.text(alphabet=letters, max_size=12))
        @settings_(max_examples=60, deadline=None, derandomize=True, database=None)
        def any_accepted(i: str) -> None:
            assume(id_problem(i) is None and i not in seen)
            seen.add(i)
            _round_trip(http, i)

        any_accepted()
