"""Cell parsers of CRM exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from graphcrm.domain import Seniority
from graphcrm.io.values import (
    ISO_ALPHA2,
    country_code,
    parse_amount,
    parse_bool,
    parse_date,
    sector_from_industry,
    seniority_from_title,
    split_ids,
)


def test_every_iso_alpha2_code() -> None:
    assert len(ISO_ALPHA2) == 249


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Turkey", "TR"), ("Türkiye", "TR"), ("TÜRKİYE", "TR"), ("turkiye", "TR"),
        ("TUR", "TR"), ("tr", "TR"), ("ITALY", "IT"), ("İtalya", "IT"), ("Almanya", "DE"),
        ("United  States", "US"), ("DE", "DE"), ("", None), ("Narnia", None), ("XX", None),
    ],
)  # fmt: skip
def test_country_codes(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_amounts_are_exact_and_reject_locale_formats() -> None:
    assert parse_amount("1250000.50") == Decimal("1250000.50")
    assert parse_amount("") == Decimal("0")
    for bad in ("1.250.000,50", "12,5", "on bin", "NaN", "Infinity"):
        with pytest.raises(ValueError, match=r"separator|not a"):
            parse_amount(bad)


def test_dates_and_flags() -> None:
    assert parse_date("2026-06-30") == date(2026, 6, 30)
    assert parse_date("2026-06-30 13:45") == date(2026, 6, 30)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="ISO date"):
        parse_date("30.06.2026")
    assert [parse_bool(t) for t in ("true", "FALSE", "1", "0", "", "yes")] == [
        True, False, True, False, False, True,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="true or false"):
        parse_bool("evet")
    assert split_ids(" 12; 13 ;;14 ") == ["12", "13", "14"]


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Genel Müdür", Seniority.C_LEVEL),
        ("GENEL MÜDÜR YARDIMCISI", Seniority.VP),
        ("VICE PRESIDENT, SALES", Seniority.VP),
        ("Chief Financial Officer", Seniority.C_LEVEL),
        ("Managing Director", Seniority.C_LEVEL),
        ("Bilgi Teknolojileri Direktörü", Seniority.DIRECTOR),
        ("Head of Procurement", Seniority.DIRECTOR),
        ("Satınalma Müdürü", Seniority.MANAGER),
        ("Kalite Şefi", Seniority.MANAGER),
        ("Yazılım Uzmanı", Seniority.INDIVIDUAL_CONTRIBUTOR),
        ("", Seniority.INDIVIDUAL_CONTRIBUTOR),
    ],
)
def test_seniority_from_title(title: str, level: Seniority) -> None:
    assert seniority_from_title(title) is level


def test_sectors() -> None:
    assert sector_from_industry("Manufacturing") == "manufacturing"
    assert sector_from_industry("COMPUTER_SOFTWARE") == "saas"
    assert sector_from_industry("İnşaat") == "construction"
    assert sector_from_industry("Financial Services") == "financial_services"
    assert sector_from_industry("") == "other"
