"""The win-probability panel: facts in both languages, points that add up, outcomes, the model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graphcrm.analytics.winprob import GRAPH_FEATURES, apportion
from graphcrm.domain import AccountId, Deal, DealId, PageRequest, Stage, TouchpointKind
from graphcrm.domain.base import as_of_instant
from graphcrm.domain.winmodel import ModelSource
from graphcrm.generator import demo_portfolio
from graphcrm.services.deals import read_account
from graphcrm.services.evidence import named_touchpoints
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.training import current_card
from graphcrm.services.winprob import DealWin, ModelSummary, win_of
from graphcrm.store import GraphStore, open_store
from graphcrm.viz import render_win, win_panel
from graphcrm.viz.i18n import Lang, Messages
from graphcrm.viz.win import GROUP_FACTS, WinPanel, model_text, whole_points
from tests.viz.sample import ACCOUNT, DEAL, XSS_NAME, batches

PARAMS = AnalyticsParams()
INSTANTS = (as_of_instant("2026-08-01"), as_of_instant("2026-11-01"))
NUMBER = re.compile(r"[+\-]?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    path: Path = tmp_path_factory.mktemp("win") / "win.sqlite3"
    s = open_store(f"sqlite://{path}")
    for batch in demo_portfolio():
        s.apply(batch, actor="tests")
    for changes, at in batches():
        s.apply(changes, actor="tests", at=at)
    yield s
    s.close()


def _open_wins(store: GraphStore, at: datetime) -> Iterator[tuple[DealWin, WinPanel, WinPanel]]:
    """Every deal open at ``at``: its win and its panel in English and Turkish."""
    card = current_card(store, as_of=at)
    accounts = {d.account_id for d in store.list_deals(PageRequest(limit=1000)).items}
    for account in sorted(accounts):
        snap = read_account(store, AccountId(account), at=at, params=PARAMS)
        for deal in sorted(snap.net.deals.values(), key=lambda d: d.id):
            if deal.stage.is_closed or deal.account_id != account:
                continue
            view = store.get_deal(DealId(deal.id))
            win = win_of(snap, view, card, params=PARAMS)
            panels = (win_panel(win, snap, view, params=PARAMS, lang=lang) for lang in ("en", "tr"))
            yield win, next(panels), next(panels)


def _numbers(text: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(text.replace("−", "-"))]


def test_english_facts_carry_the_analytics_numbers_and_names(store: GraphStore) -> None:
    seen = 0
    for at in INSTANTS:
        names = {n for a in ("A000008", ACCOUNT) for n in _names(store, a, at)}
        for win, en, _ in _open_wins(store, at):
            by_group = {c.group: c for c in win.contributions}
            assert sorted(by_group) == sorted(item.group for item in en.items)
            for item in en.items:  # in the waterfall's order (graphcrm.viz.win.waterfall_order)
                c = by_group[item.group]
                assert _numbers(item.facts) == _numbers(c.facts), (c.group, c.facts, item.facts)
                for name in names:
                    assert (name in c.facts) == (name in item.facts), (c.facts, item.facts)
                seen += 1
    assert seen > 50


def _names(store: GraphStore, account: str, at: datetime) -> list[str]:
    snap = read_account(store, AccountId(account), at=at, params=PARAMS)
    return sorted(set(snap.net.names.values()))


def test_turkish_facts_are_turkish_with_turkish_numbers(store: GraphStore) -> None:
    english = [
        "committee members",
        "champion",
        "economic buyer",
        "days",
        "backward",
        "churn window",
        "opposed by",
    ]
    for win, _, tr in _open_wins(store, INSTANTS[1]):
        assert tr.probability_text == f"%{round(100 * (win.probability or 0))}"
        assert tr.stage_text.startswith("Yalnızca ")
        for item in tr.items:
            assert item.label == Messages("tr").group(item.group) != item.group
            assert not any(word in item.facts for word in english), item.facts
            assert not re.search(r"\d\.\d", item.facts), item.facts  # 0,42 not 0.42
            assert item.points_text.endswith(" puan")


def test_shown_points_add_up_to_the_shown_difference(store: GraphStore) -> None:
    for at in INSTANTS:
        for win, en, tr in _open_wins(store, at):
            assert win.probability is not None
            assert win.stage_probability is not None
            total = whole_points(win.probability) - whole_points(win.stage_probability)
            for panel in (en, tr):
                assert sum(i.shown for i in panel.items) == total
                for i in panel.items:
                    assert abs(i.shown - 100 * i.points) <= 1.0
                # the exact values add up to P - P0 and the bars run from P0 to P
                exact = sum(i.points for i in panel.items)
                assert exact == pytest.approx(win.probability - win.stage_probability, abs=1e-5)
                if panel.items:
                    assert panel.items[0].start == pytest.approx(100 * win.stage_probability)
                    assert panel.items[-1].end == pytest.approx(100 * win.probability, abs=1e-3)
                lo, hi = panel.axis
                assert 0 <= lo < hi <= 100
                assert hi - lo >= 20


@pytest.mark.parametrize(
    ("total", "values"),
    [
        (0, []),
        (3, [1.4, 1.4, 1.4]),
        (-18, [-15.2, 5.4, -4.4, -4.2, -0.8, 0.4, 0.3, 0.2]),
        (1, [0.5]),
    ],
)
def test_apportion(total: int, values: list[float]) -> None:
    shown = apportion(total, values)
    assert len(shown) == len(values)
    if values:
        assert sum(shown) == total
    assert all(abs(s - v) <= 1.0 for s, v in zip(shown, values, strict=True))


def test_a_closed_deal_shows_its_outcome_and_loss_reason(store: GraphStore) -> None:
    at = INSTANTS[1]
    card = current_card(store, as_of=at)
    deals = [d for d in store.list_deals(PageRequest(limit=1000)).items if d.stage.is_closed]
    lost = next(d for d in deals if d.stage is Stage.CLOSED_LOST and d.loss_reason)
    won = next(d for d in deals if d.stage is Stage.CLOSED_WON)
    cases: list[tuple[Deal, Lang, str]] = [
        (lost, "en", "Lost"),
        (lost, "tr", "Kaybedildi"),
        (won, "tr", "Kazanıldı"),
    ]
    for deal, lang, word in cases:
        snap = read_account(store, deal.account_id, at=at, params=PARAMS)
        win = win_of(snap, store.get_deal(DealId(deal.id)), card, params=PARAMS)
        panel = win_panel(win, lang=lang)
        assert panel.closed
        assert panel.outcome is deal.stage
        assert panel.outcome_text == word
        assert panel.probability is None
        assert panel.items == ()
        html = render_win(panel)
        assert 'id="win-probability"' not in html
        assert "gw-waterfall" not in html
        assert f'id="deal-outcome">{word}<' in html
        if deal.stage is Stage.CLOSED_LOST:
            assert panel.loss_reason == deal.loss_reason
            assert 'id="loss-reason"' in html
        else:
            assert panel.loss_reason is None
            assert 'id="loss-reason"' not in html


def test_the_model_line_says_prior_or_store() -> None:
    fitted = datetime(2026, 10, 1, tzinfo=UTC)
    prior = ModelSummary(source=ModelSource.PRIOR, fitted_at=fitted, deals=589, cv_auc=0.82)
    own = ModelSummary(source=ModelSource.STORE, fitted_at=fitted, deals=123, cv_auc=0.7391)
    assert "shipped prior" in model_text(prior, Messages("en"))
    assert "graphcrm train" in model_text(prior, Messages("en"))
    assert "önsel model" in model_text(prior, Messages("tr"))
    assert "graphcrm train" in model_text(prior, Messages("tr"))
    assert model_text(own, Messages("en")) == (
        "Model: fitted on this store's 123 closed deals (2026-10-01); cross-validated AUC 0.74."
    )
    assert "123 kapanmış fırsat" in model_text(own, Messages("tr"))
    assert "AUC 0,74" in model_text(own, Messages("tr"))
    no_auc = own.model_copy(update={"cv_auc": None})
    assert "AUC" not in model_text(no_auc, Messages("en"))


def test_every_group_has_a_name_in_both_languages_and_its_facts_written() -> None:
    # a new group in the analytics needs a name here and its facts in win_facts
    assert set(GRAPH_FEATURES.values()) == set(GROUP_FACTS)
    for group in set(GRAPH_FEATURES.values()):
        en, tr = Messages("en").group(group), Messages("tr").group(group)
        assert en != group
        assert tr != group
        assert en != tr
    assert Messages("tr").group("some_new_feature") == "some_new_feature"
    for kind in TouchpointKind:
        assert Messages("en").touch(kind)
        assert Messages("tr").touch(kind)


def test_percent_and_numbers_by_locale() -> None:
    en, tr = Messages("en"), Messages("tr")
    assert (en.percent(0.424), tr.percent(0.424)) == ("42%", "%42")
    assert (en.number(0.42), tr.number(0.42), tr.number(-1.5, 1)) == ("0.42", "0,42", "−1,5")
    assert (en.points(-3), tr.points(5), en.points(0)) == ("−3 pts", "+5 puan", "0 pts")


def test_people_are_buttons_on_the_graph_and_names_are_text(store: GraphStore) -> None:
    at = INSTANTS[1]
    snap = read_account(store, ACCOUNT, at=at, params=PARAMS)
    view = store.get_deal(DEAL)
    win = win_of(snap, view, current_card(store, as_of=at), params=PARAMS)
    named = {c for r in win.contributions for c in r.evidence.contact_ids}
    assert named, "the sample deal's evidence names people"
    on_graph = {sorted(named)[0]}
    panel = win_panel(win, snap, view, params=PARAMS, on_graph=on_graph)
    html = render_win(panel)
    assert XSS_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    buttons = set(
        re.findall(
            r'<button type="button" class="person" data-view="deal" data-focus="([^"]+)"', html
        )
    )
    assert buttons == on_graph


def test_touchpoints_are_named_with_kind_date_and_people(store: GraphStore) -> None:
    at = INSTANTS[1]
    snap = read_account(store, AccountId("A000008"), at=at, params=PARAMS)
    card = current_card(store, as_of=at)
    shown = 0
    for deal in sorted(snap.net.deals):
        if snap.net.deals[deal].stage.is_closed or snap.net.deals[deal].account_id != "A000008":
            continue
        view = store.get_deal(DealId(deal))
        win = win_of(snap, view, card, params=PARAMS)
        ids = [t for c in win.contributions for t in c.evidence.touchpoint_ids]
        found = named_touchpoints(store, snap, ids)
        assert set(found) == set(ids)
        panel = win_panel(win, snap, view, params=PARAMS, touchpoints=found, lang="tr")
        for item in panel.items:
            for text in item.touchpoints:
                kind, day, people = text.split(" · ")
                assert kind in {Messages("tr").touch(t.kind) for t in found.values()}
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
                assert people
                shown += 1
    assert shown > 0
