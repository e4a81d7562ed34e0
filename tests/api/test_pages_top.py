"""The top of the account and deal pages (next actions, what changed), the alerts page,
and Turkish pages with no English sentence of the catalogue."""

from __future__ import annotations

import re
import time
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import Env, make_settings, seed
from tests.viz.catalogue import english_sentences, leaked

PAGES = (
    "/pages/accounts",
    "/pages/accounts/M1",
    "/pages/deals/M1-D1",
    "/pages/alerts",
    "/pages/territories/conflicts",
    "/pages/forecast",
)


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_a_turkish_page_holds_no_english_sentence_of_the_catalogue(env: Env) -> None:
    english = english_sentences()
    assert "never contacted" in english  # the check has teeth
    for path in PAGES:
        r = env.client.get(path, params={"lang": "tr"}, headers=env.h("marmara"))
        assert r.status_code == 200, (path, r.text)
        assert leaked(_text(r.text), english) == [], path
        en = env.client.get(path, params={"lang": "en"}, headers=env.h("marmara"))
        assert leaked(_text(en.text), english), path


def test_the_account_page_opens_with_next_actions_naming_people(env: Env) -> None:
    r = env.client.get("/pages/accounts/M1", headers=env.h("marmara"))
    html = r.text
    top = html.index('id="next-actions"')
    assert top < html.index('id="open-deals"')
    # the seed never touches the economic buyer, C1: a call, on the chart
    assert 'data-kind="call" data-contact="M1-C1"' in html
    assert 'data-view="orgchart" data-focus="M1-C1"' in html
    assert "Call Marmara Kişi 1" in html


def test_what_changed_keeps_its_date_and_the_language(env: Env) -> None:
    r = env.client.get(
        "/pages/deals/M1-D1", params={"since": "2024-06-01", "lang": "tr"}, headers=env.h("marmara")
    )
    assert r.status_code == 200
    form = r.text[r.text.index('id="what-changed"') :]
    assert 'value="2024-06-01"' in form
    assert '<input type="hidden" name="lang" value="tr">' in form
    # the deal did not exist on 2024-06-01 (the seed starts in 2025): it opened since
    assert 'data-change="win" data-deal="M1-D1"' in form
    assert "açıldı" in form
    bad = env.client.get(
        "/pages/deals/M1-D1", params={"since": "2999-01-01"}, headers=env.h("marmara")
    )
    assert bad.status_code == 422
    assert "since" in bad.text


def test_the_as_of_form_keeps_the_language(env: Env) -> None:
    r = env.client.get("/pages/accounts", params={"lang": "tr"}, headers=env.h("marmara"))
    header = r.text[r.text.index("<header>") : r.text.index("</header>")]
    assert '<input type="hidden" name="lang" value="tr">' in header


def test_the_alerts_page_lists_the_keys_territory_only(env: Env) -> None:
    r = env.client.get("/pages/alerts", headers=env.h("marmara"))
    assert r.status_code == 200
    rows = re.findall(r'<tr data-kind="([a-z_]+)" data-deal="([^"]+)"', r.text)
    assert rows == [("economic_buyer_silent", "M1-D1"), ("economic_buyer_silent", "M2-D1")]
    assert "Economic buyer Marmara Kişi 1 was never contacted" in r.text
    tr = env.client.get("/pages/alerts", params={"lang": "tr"}, headers=env.h("marmara"))
    assert "Bütçe sahibi Marmara Kişi 1 ile hiç temas kurulmadı" in tr.text
    assert (
        env.client.get(
            "/pages/alerts", params={"territory": "Ege"}, headers=env.h("marmara")
        ).status_code
        == 404
    )


def test_a_page_of_the_present_keeps_the_week_before_when_the_present_expires(
    tmp_path: Path,
) -> None:
    """The default "what changed since" is a day's end, not the present minus a week:
    when the present's cached reading expires, the account as it stood a week before
    is still in the cache (a moving instant read it again and kept every copy)."""
    settings = make_settings(tmp_path, api_cache_ttl_seconds=0.05)
    keys = seed(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        cache = client.app.state.graphcrm.cache  # type: ignore[attr-defined]
        headers = {"X-API-Key": keys["marmara"]}
        assert client.get("/pages/accounts/M1", headers=headers).status_code == 200
        held = len(cache)
        time.sleep(0.1)  # the present's entries expire; the week before's do not
        assert client.get("/pages/accounts/M1", headers=headers).status_code == 200
        assert len(cache) == held
