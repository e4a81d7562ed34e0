"""The pages show the win probability and its risk (100 − P, the same model): the deal
page (English and Turkish), the account and accounts pages, closed deals' outcomes, and
which model gave it; the risk endpoint answers the same numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings
from graphcrm.domain import ChangeSet, Deal, DealId, Stage
from graphcrm.domain.base import as_of_instant
from graphcrm.domain.winmodel import ModelSource
from graphcrm.services.training import prior_card
from graphcrm.services.winprob import deal_win
from graphcrm.store import open_store
from graphcrm.viz.i18n import Messages
from tests.viz.sample import ACCOUNT, DEAL, REP, XSS_NAME, batches

AS_OF = "2026-11-01"
AT = as_of_instant(AS_OF)
LOST, WON = DealId("ACME-L1"), DealId("ACME-W1")
LOSS_REASON = "Bütçe <b>kesildi</b>"
CLOSED_AT = datetime(2026, 5, 1, tzinfo=UTC)


@dataclass
class Pages:
    client: TestClient
    key: str
    store_url: str

    def get(self, path: str, **params: str) -> str:
        r = self.client.get(
            path, params={"as_of": AS_OF, **params}, headers={"X-API-Key": self.key}
        )
        assert r.status_code == 200, r.text
        return str(r.text)


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Pages]:
    url = f"sqlite://{tmp_path / 'pages.sqlite3'}"
    store = open_store(url)
    try:
        for changes, at in batches():
            store.apply(changes, actor="tests", at=at)
        closed = ChangeSet(
            deals=(
                Deal(
                    id=LOST,
                    account_id=ACCOUNT,
                    name="Acme lost",
                    amount=Decimal("1000"),
                    stage=Stage.CLOSED_LOST,
                    loss_reason=LOSS_REASON,
                    owner_id=REP,
                ),
                Deal(
                    id=WON,
                    account_id=ACCOUNT,
                    name="Acme won",
                    amount=Decimal("2000"),
                    stage=Stage.CLOSED_WON,
                    owner_id=REP,
                ),
            )
        )
        store.apply(closed, actor="tests", at=CLOSED_AT)
        key = KeyStore(store).create("reader", [Scope.READ], ["*"]).secret
    finally:
        store.close()
    settings = Settings(store=SecretStr(url), keys_path=str(tmp_path / "keys.sqlite3"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Pages(client, key, url)


def _band(score: float) -> str:
    return "high" if score >= 50 else "mid" if score >= 25 else "low"


def _win_section(html: str) -> str:
    found = re.search(r'<section class="gw[^"]*" id="win".*?</section>', html, re.S)
    assert found is not None, "the page has no win section"
    return found.group(0)


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found is not None, element_id
    return found.group(1)


def _percent(text: str, lang: str) -> int:
    pattern = r"%(\d+)" if lang == "tr" else r"(\d+)%"
    found = re.fullmatch(pattern, text)
    assert found is not None, f"{text!r} is not a {lang} percentage"
    return int(found.group(1))


def _expected(pages: Pages, deal: DealId) -> tuple[float, float]:
    store = open_store(pages.store_url)
    try:
        win = deal_win(store, deal, as_of=AT)
    finally:
        store.close()
    assert win.probability is not None
    assert win.stage_probability is not None
    return win.probability, win.stage_probability


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_deal_page_shows_the_probability_and_contributions(pages: Pages, lang: str) -> None:
    html = pages.get(f"/pages/deals/{DEAL}", lang=lang)
    win = _win_section(html)
    m = Messages("tr" if lang == "tr" else "en")
    p, p0 = _expected(pages, DEAL)
    shown_p = _percent(_text(win, "win-probability"), lang)
    shown_p0 = _percent(_text(win, "stage-probability"), lang)
    assert (shown_p, shown_p0) == (round(100 * p), round(100 * p0))
    # the win section comes before the risk, which is 100 - P from the same model
    assert html.index('id="win"') < html.index('id="risk"')
    risk = re.search(r'<section class="card" id="risk".*?</section>', html, re.S)
    assert risk is not None
    score, baseline = round(100 * (1 - p), 2), round(100 * (1 - p0), 2)
    assert f'data-score="{score:.2f}" data-baseline="{baseline:.2f}"' in risk.group(0)
    assert f'<span class="risk {_band(score)}">{score:.0f}</span>' in risk.group(0)
    formula = m.format("risk_is", p=m.percent(p))
    stage = m.format("risk_baseline", stage=m.stage(Stage.PROPOSAL), n=f"{baseline:.0f}")
    assert f"{formula} {stage}" in risk.group(0)
    assert m("risk_signals") in risk.group(0)
    assert m("points") not in risk.group(0)  # signals carry no points
    # each contribution: its group's name, signed whole points that add up to P - P0
    rows = re.findall(
        r'<li class="gw-row" data-group="([a-z_]+)" data-points="([^"]+)" data-shown="(-?\d+)">'
        r'.*?<strong>([^<]*)</strong>.*?class="gw-pts[^"]*">([^<]*)<',
        win,
        re.S,
    )
    assert rows, "no contributions"
    total = 0
    for group, points, shown, label, text in rows:
        assert label == m.group(group)
        assert text == m.points(int(shown))
        assert abs(int(shown) - 100 * float(points)) <= 1.0
        total += int(shown)
    assert total == shown_p - shown_p0
    assert sum(float(x) for _, x, *_ in rows) == pytest.approx(p - p0, abs=1e-5)
    assert m.format("win_sum", points=m.points(total), p=m.percent(p), p0=m.percent(p0)) in win
    # the names are text, never markup
    assert XSS_NAME not in html
    if lang == "tr":
        assert "Kazanma olasılığı" in win
        assert "Yalnızca Teklif aşaması" in win
        assert "committee members" not in win
        assert "days since" not in win


def test_the_model_line_says_prior_then_store(pages: Pages) -> None:
    win = _win_section(pages.get(f"/pages/deals/{DEAL}"))
    assert 'data-source="prior"' in win
    assert "shipped prior" in win
    assert "graphcrm train" in win
    card = prior_card().model_copy(
        update={
            "source": ModelSource.STORE,
            "fitted_at": datetime(2026, 10, 1, tzinfo=UTC),
            "deals": 123,
            "cv_auc": 0.74,
        }
    )
    store = open_store(pages.store_url)
    try:
        store.put_win_model(card)
    finally:
        store.close()
    win = _win_section(pages.get(f"/pages/deals/{DEAL}"))
    assert 'data-source="store"' in win
    assert "fitted on this store&#39;s 123 closed deals (2026-10-01)" in win
    assert "cross-validated AUC 0.74" in win
    tr = _win_section(pages.get(f"/pages/deals/{DEAL}", lang="tr"))
    assert "123 kapanmış fırsatıyla" in tr
    assert "AUC 0,74" in tr
    # before the model was fitted, the prior answered
    before = _win_section(pages.get(f"/pages/deals/{DEAL}", as_of="2026-09-01"))
    assert 'data-source="prior"' in before


@pytest.mark.parametrize(("lang", "word"), [("en", "Lost"), ("tr", "Kaybedildi")])
def test_a_closed_deal_shows_its_outcome_and_loss_reason_not_a_probability(
    pages: Pages, lang: str, word: str
) -> None:
    html = pages.get(f"/pages/deals/{LOST}", lang=lang)
    win = _win_section(html)
    assert _text(win, "deal-outcome") == word
    assert "Bütçe &lt;b&gt;kesildi&lt;/b&gt;" in win
    assert 'id="win-probability"' not in html
    assert 'id="stage-probability"' not in html
    assert 'id="risk"' not in html
    assert 'id="what-if"' not in html
    assert Messages("tr" if lang == "tr" else "en")("risk_signals") not in html


def test_a_won_deal_shows_won_without_a_loss_reason(pages: Pages) -> None:
    html = pages.get(f"/pages/deals/{WON}")
    assert _text(_win_section(html), "deal-outcome") == "Won"
    assert 'id="loss-reason"' not in html
    assert 'id="win-probability"' not in html


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_account_and_accounts_pages_show_each_open_deals_probability(
    pages: Pages, lang: str
) -> None:
    p, _ = _expected(pages, DEAL)
    m = Messages("tr" if lang == "tr" else "en")
    badge = f'<span class="win-badge" title="{m("win_probability")}">{m.percent(p)}</span>'
    account = pages.get(f"/pages/accounts/{ACCOUNT}", lang=lang)
    row = re.search(rf'<tr data-deal="{DEAL}">.*?</tr>', account, re.S)
    assert row is not None
    assert badge in row.group(0)
    assert f'data-deal="{LOST}"' not in account  # closed deals are not open deals
    accounts = pages.get("/pages/accounts", lang=lang)
    line = re.search(rf'<div data-deal="{DEAL}">.*?</div>', accounts, re.S)
    assert line is not None
    assert badge in line.group(0)


def test_the_risk_endpoint_answers_the_win_models_risk(pages: Pages) -> None:
    h = {"X-API-Key": pages.key}
    p, p0 = _expected(pages, DEAL)
    r = pages.client.get(f"/v1/deals/{DEAL}/risk", params={"as_of": AS_OF}, headers=h)
    assert r.status_code == 200, r.text
    a = r.json()
    risk = a["risk"]
    assert (risk["score"], risk["baseline"]) == (round(100 * (1 - p), 2), round(100 * (1 - p0), 2))
    assert risk["probability"] == pytest.approx(p)
    total = risk["baseline"] + sum(f["points"] for f in risk["factors"])
    assert round(100 * total) == round(100 * risk["score"])
    assert all(set(f) == {"group", "points", "facts", "evidence"} for f in risk["factors"])
    assert all("points" not in s for s in risk["signals"])
    assert a["model"]["source"] == "prior"
    assert a["outcome"] is None


def test_a_closed_deals_risk_is_its_outcome_and_loss_reason(pages: Pages) -> None:
    h = {"X-API-Key": pages.key}
    r = pages.client.get(f"/v1/deals/{LOST}/risk", params={"as_of": AS_OF}, headers=h)
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["risk"], a["outcome"], a["loss_reason"]) == (None, "closed_lost", LOSS_REASON)
    win = pages.client.get(f"/v1/deals/{LOST}/win", params={"as_of": AS_OF}, headers=h).json()
    assert (win["outcome"], win["loss_reason"]) == (a["outcome"], a["loss_reason"])
