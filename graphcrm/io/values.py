"""Cell values of CRM exports: numbers, dates, flags, countries, industries, titles.

Each ``parse_*`` function takes the stripped text of one cell and returns the
value or raises ``ValueError`` with a message fit for a :class:`~graphcrm.errors.Problem`.

>>> parse_amount("1250000.50")
Decimal('1250000.50')
>>> country_code("Türkiye"), country_code("TUR"), country_code("tr"), country_code("Narnia")
('TR', 'TR', 'TR', None)
>>> seniority_from_title("Genel Müdür Yardımcısı").value
'vp'
>>> sector_from_industry("Computer Software"), sector_from_industry("Banking")
('saas', 'banking')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from graphcrm.domain import Seniority, Stage
from graphcrm.domain.text import tr_fold


def parse_amount(text: str) -> Decimal:
    """An exact decimal amount with a dot as decimal separator; empty is 0."""
    if not text:
        return Decimal("0")
    if "," in text:
        raise ValueError(f"{text!r}: use a dot as the decimal separator and no thousands separator")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_optional_amount(text: str) -> Decimal | None:
    """:func:`parse_amount`, but empty is None (a figure not known)."""
    return parse_amount(text) if text else None


def parse_count(text: str) -> int | None:
    """A whole number of digits (``1200``; ``1200.0`` as some exports write it); empty
    is None."""
    if not text:
        return None
    whole = text[:-2] if text.endswith(".0") else text
    if not whole.isascii() or not whole.isdigit():
        raise ValueError(f"{text!r} is not a whole number")
    return int(whole)


def parse_date(text: str) -> date | None:
    """An ISO date (``2026-03-31``) or datetime (its date); empty is None."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 instant (``2026-03-01T09:30:00.000Z``, ``...+0300``, ``2026-03-01 09:30``)
    in UTC; a time without a zone is read as UTC, a date alone as its midnight; empty is None.

    >>> parse_time("2026-03-01T09:30:00.000+0300").isoformat()
    '2026-03-01T06:30:00+00:00'
    >>> parse_time("2026-03-01").isoformat()
    '2026-03-01T00:00:00+00:00'
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 time (e.g. 2026-03-01T09:30:00.000Z)"
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None


_ID18_SUFFIX: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id18(text: str) -> str:
    """The 18-character form of a 15-character Salesforce id; other text as it is.

    Salesforce ids are case-sensitive in their 15-character form; the 18-character
    form appends three characters that encode the case of each block of five, so
    that it survives case-insensitive tools. Reports export the first, the Data
    Loader the second: both must name the same record.

    >>> salesforce_id18("001A0000006Vm9r")
    '001A0000006Vm9rIAC'
    >>> salesforce_id18("001A0000006Vm9rIAC"), salesforce_id18("A-1")
    ('001A0000006Vm9rIAC', 'A-1')
    """
    if len(text) != 15 or not text.isascii() or not text.isalnum():
        return text
    suffix = ""
    for block in range(3):
        bits = 0
        for i, ch in enumerate(text[block * 5 : block * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        suffix += _ID18_SUFFIX[bits]
    return text + suffix


_TRUE: Final = frozenset({"true", "1", "yes", "y"})
_FALSE: Final = frozenset({"false", "0", "no", "n", ""})


def parse_bool(text: str) -> bool:
    """``true``/``false`` (Salesforce), ``1``/``0``, ``yes``/``no``; empty is false."""
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def split_ids(text: str) -> list[str]:
    """A ``;``-separated list of ids, as HubSpot exports associations."""
    return [part.strip() for part in text.split(";") if part.strip()]


def stage_key(text: str) -> str:
    """A stage name folded for lookup: lower case, letters and digits only.

    >>> stage_key("Proposal/Price Quote"), stage_key("closedwon"), stage_key("Closed Won")
    ('proposalpricequote', 'closedwon', 'closedwon')
    """
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def stage_table(source: Mapping[str, Stage]) -> dict[str, Stage]:
    """A source's stage names plus graphcrm's own, keyed by :func:`stage_key`.

    >>> stage_table({"Closed Won": Stage.CLOSED_WON})["closedwon"] is Stage.CLOSED_WON
    True
    """
    return {stage_key(s.value): s for s in Stage} | {stage_key(k): v for k, v in source.items()}


# --- countries ---------------------------------------------------------------

_ALPHA2: Final = """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY
    CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI
    GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
    JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD
    ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO
    NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC
    SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN
    TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
ISO_ALPHA2: Final = frozenset(_ALPHA2.split())
"""Every ISO 3166-1 alpha-2 code."""

_COUNTRY_NAMES: Final[dict[str, str]] = {
    # Turkey and its neighbours and main trading partners, in English and Turkish
    "turkey": "TR", "türkiye": "TR", "turkiye": "TR", "tur": "TR", "türkei": "TR",
    "germany": "DE", "almanya": "DE", "deutschland": "DE", "deu": "DE",
    "united states": "US", "united states of america": "US", "usa": "US",
    "amerika birleşik devletleri": "US", "abd": "US",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "birleşik krallık": "GB", "ingiltere": "GB", "gbr": "GB",
    "france": "FR", "fransa": "FR", "fra": "FR",
    "italy": "IT", "italya": "IT", "ita": "IT",
    "spain": "ES", "ispanya": "ES", "esp": "ES",
    "netherlands": "NL", "the netherlands": "NL", "hollanda": "NL", "nld": "NL",
    "belgium": "BE", "belçika": "BE", "switzerland": "CH", "isviçre": "CH",
    "austria": "AT", "avusturya": "AT", "poland": "PL", "polonya": "PL",
    "greece": "GR", "yunanistan": "GR", "bulgaria": "BG", "bulgaristan": "BG",
    "romania": "RO", "romanya": "RO", "georgia": "GE", "gürcistan": "GE",
    "azerbaijan": "AZ", "azerbaycan": "AZ", "kazakhstan": "KZ", "kazakistan": "KZ",
    "uzbekistan": "UZ", "özbekistan": "UZ", "turkmenistan": "TM", "türkmenistan": "TM",
    "russia": "RU", "russian federation": "RU", "rusya": "RU",
    "ukraine": "UA", "ukrayna": "UA", "iraq": "IQ", "irak": "IQ", "iran": "IR",
    "syria": "SY", "suriye": "SY", "egypt": "EG", "mısır": "EG",
    "united arab emirates": "AE", "uae": "AE", "birleşik arap emirlikleri": "AE",
    "saudi arabia": "SA", "suudi arabistan": "SA", "qatar": "QA", "katar": "QA",
    "israel": "IL", "israil": "IL", "cyprus": "CY", "kıbrıs": "CY",
    "china": "CN", "çin": "CN", "japan": "JP", "japonya": "JP",
    "south korea": "KR", "korea": "KR", "güney kore": "KR", "india": "IN", "hindistan": "IN",
    "sweden": "SE", "isveç": "SE", "norway": "NO", "norveç": "NO",
    "denmark": "DK", "danimarka": "DK", "finland": "FI", "finlandiya": "FI",
    "ireland": "IE", "irlanda": "IE", "portugal": "PT", "portekiz": "PT",
    "czech republic": "CZ", "czechia": "CZ", "çekya": "CZ", "hungary": "HU", "macaristan": "HU",
    "serbia": "RS", "sırbistan": "RS", "canada": "CA", "kanada": "CA",
    "brazil": "BR", "brezilya": "BR", "mexico": "MX", "meksika": "MX",
}  # fmt: skip
"""Country names and alpha-3 codes we recognise, folded with Turkish rules."""


def _folds(text: str) -> tuple[str, str]:
    """``text`` folded with Turkish rules and with Python's (for English in capitals)."""
    spaced = " ".join(text.split())
    return tr_fold(spaced), spaced.casefold()


@lru_cache(maxsize=4096)  # exports repeat the same few values
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a country name or code; None when unknown or empty."""
    for folded in _folds(text):
        code = _COUNTRY_NAMES.get(folded)
        if code is not None:
            return code
    upper = text.strip().upper()
    return upper if upper in ISO_ALPHA2 else None


# --- industries ------------------------------------------------------------------

_SECTORS: Final[dict[str, str]] = {
    "manufacturing": "manufacturing", "machinery": "manufacturing",
    "industrial automation": "manufacturing", "automotive": "manufacturing",
    "chemicals": "manufacturing", "electrical/electronic manufacturing": "manufacturing",
    "üretim": "manufacturing", "imalat": "manufacturing", "sanayi": "manufacturing",
    "apparel": "textile_retail", "apparel & fashion": "textile_retail",
    "textiles": "textile_retail", "retail": "textile_retail", "tekstil": "textile_retail",
    "perakende": "textile_retail",
    "construction": "construction", "engineering": "construction",
    "building materials": "construction", "civil engineering": "construction",
    "inşaat": "construction",
    "technology": "saas", "computer software": "saas", "software": "saas",
    "internet": "saas", "information technology and services": "saas",
    "information technology & services": "saas", "yazılım": "saas", "bilişim": "saas",
}  # fmt: skip


@lru_cache(maxsize=4096)  # exports repeat the same few values
def sector_from_industry(text: str) -> str:
    """graphcrm's sector for a CRM industry value.

    The four sectors graphcrm models (manufacturing, textile_retail,
    construction, saas) are recognised from common Salesforce and HubSpot
    industry values; any other industry is kept as a lower-case slug
    (``Banking`` -> ``banking``, ``COMPUTER_SOFTWARE`` -> ``saas``); empty is
    ``other``.
    """
    turkish, folded = _folds(text.replace("_", " "))
    if not folded:
        return "other"
    known = _SECTORS.get(turkish) or _SECTORS.get(folded)
    if known is not None:
        return known
    return re.sub(r"[^\w]+", "_", folded).strip("_")[:200] or "other"


# --- seniority ---------------------------------------------------------------------

_SENIORITY_RULES: Final[tuple[tuple[Seniority, re.Pattern[str]], ...]] = tuple(
    (level, re.compile(pattern))
    for level, pattern in (
        # vice presidents first: their titles contain the C-level words
        (
            Seniority.VP,
            r"\b(vp|svp|evp|vice president|genel müdür yardımcısı|gmy|"
            r"başkan yardımcısı|yönetim kurulu üyesi)\b",
        ),
        (
            Seniority.C_LEVEL,
            r"\b(ceo|cfo|cto|coo|cio|ciso|cmo|cco|cro|chro|chief|president|founder|"
            r"co-founder|owner|managing director|genel müdür|yönetim kurulu başkanı|"
            r"kurucu|kurucu ortak|patron|sahibi)\b",
        ),
        (Seniority.DIRECTOR, r"\b(director|head of|direktör|direktörü|direktor)\b"),
        (
            Seniority.MANAGER,
            r"\b(manager|müdür|müdürü|yönetici|yöneticisi|lead|team lead|supervisor|"
            r"şef|şefi|sorumlusu)\b",
        ),
    )
)


@lru_cache(maxsize=4096)  # exports repeat the same few values
def seniority_from_title(title: str) -> Seniority:
    """A guess at the seniority a job title implies (English and Turkish).

    CRM exports carry titles, not levels. The guess looks for words, most
    senior last-resort first: vice presidents, then C-level, director and
    manager words; anything else is an individual contributor.

    >>> [seniority_from_title(t).value for t in ("CFO", "Satınalma Müdürü", "Uzman")]
    ['c_level', 'manager', 'individual_contributor']
    """
    folds = _folds(title)
    for level, pattern in _SENIORITY_RULES:
        if any(pattern.search(folded) for folded in folds):
            return level
    return Seniority.INDIVIDUAL_CONTRIBUTOR
