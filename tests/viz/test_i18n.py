from __future__ import annotations

import pytest

from graphcrm.analytics import HealthBand, SignalCode
from graphcrm.domain import Role, Stage
from graphcrm.viz.i18n import LANGS, Messages, catalogue_keys, negotiate


def test_every_message_exists_in_every_language_and_is_not_blank() -> None:
    for lang in LANGS:
        m = Messages(lang)
        assert all(m(k).strip() for k in catalogue_keys())
        assert all(m.role(r) for r in Role)
        assert all(m.stage(s) for s in Stage)
        assert all(m.signal(c) for c in SignalCode)
        assert all(m.band(b) for b in HealthBand)
        assert all(m.stance(s) for s in (-2, -1, 0, 1, 2, None))


def test_turkish_is_turkish() -> None:
    assert Messages("tr").role(Role.ECONOMIC_BUYER) == "Bütçe Sahibi"
    assert Messages("tr")("accounts") == "Müşteriler"


def test_the_decision_maker_score_is_not_called_a_probability() -> None:
    # 0.4 x role + 0.35 x authority + 0.25 x influence ranks contacts; nothing calibrates
    # it to how often they decide, so it is a score, not a likelihood.
    assert Messages("en")("decision_maker") == "Decision-maker score"
    assert Messages("tr")("decision_maker") == "Karar verici puanı"
    import graphcrm.analytics as analytics

    assert hasattr(analytics, "decision_maker_score")
    assert not hasattr(analytics, "decision_maker_likelihood")


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        Messages("en")("no_such_message")


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "en"),
        ("tr", None, "tr"),
        ("TR", "en", "tr"),
        ("de", "tr", "tr"),
        (None, "tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7", "tr"),
        (None, "de-DE,en;q=0.5,tr;q=0.9", "tr"),
        (None, "de-DE,fr", "en"),
        (None, "tr;q=0,en;q=0.1", "en"),
        (None, "tr;q=abc", "en"),
    ],
)
def test_negotiate(explicit: str | None, header: str | None, expected: str) -> None:
    assert negotiate(explicit, header) == expected
