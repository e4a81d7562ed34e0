"""The message catalogue of the views and pages, English and Turkish: the messages
are the data of :mod:`graphcrm.viz.catalogue` (by area), read here by :class:`Messages`.

Every key exists in both languages (a test checks it). :func:`negotiate`
picks the language from an explicit choice (``?lang=``) or an
``Accept-Language`` header; English is the fallback.

>>> negotiate(None, "tr-TR,tr;q=0.9,en;q=0.8")
'tr'
>>> negotiate("en", "tr")
'en'
>>> Messages("tr")("org_chart")
'Organizasyon şeması'
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal, get_args

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from graphcrm.analytics import HealthBand, SignalCode
from graphcrm.domain import Role, Seniority, Stage, TouchpointKind
from graphcrm.viz.catalogue import MESSAGES
from graphcrm.viz.catalogue.terms import GROUP, ROLE, SECTOR, SENIORITY, SIGNAL, STAGE, TOUCH

Lang = Literal["en", "tr"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "en"

_M: Final = MESSAGES


def _index(lang: Lang) -> int:
    return LANGS.index(lang)


class Messages:
    """The catalogue in one language; call it with a key.

    Raises ``KeyError`` for an unknown key: a typo is a bug, not a blank label.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: Lang = DEFAULT_LANG) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str) -> str:
        return _M[key][_index(self.lang)]

    def role(self, role: Role) -> str:
        return ROLE[role][_index(self.lang)]

    def stage(self, stage: Stage) -> str:
        return STAGE[stage][_index(self.lang)]

    def signal(self, code: SignalCode) -> str:
        return SIGNAL[code][_index(self.lang)]

    def stance(self, stance: int | None) -> str:
        return self("stance_none" if stance is None else f"stance_{stance}")

    def band(self, band: HealthBand) -> str:
        return self(f"health_{band.value}")

    def group(self, group: str) -> str:
        """A win-probability feature group's name (an unknown group keeps its own)."""
        pair = GROUP.get(group)
        return pair[_index(self.lang)] if pair is not None else group

    def sector(self, sector: str) -> str:
        """A sector's name (a sector the catalogue does not know shows as written)."""
        pair = SECTOR.get(sector)
        return pair[_index(self.lang)] if pair is not None else sector

    def seniority(self, seniority: Seniority) -> str:
        return SENIORITY[seniority][_index(self.lang)]

    @property
    def locale(self) -> str:
        """The Babel locale of the language."""
        return "tr_TR" if self.lang == "tr" else "en_US"

    def money(self, amount: Decimal | float, currency: str) -> str:
        """An amount in its currency, whole units, the language's way (Babel).

        >>> Messages("en").money(5787000, "TRY"), Messages("tr").money(5787000, "TRY")
        ('TRY\xa05,787,000', '5.787.000\xa0₺')
        """
        return format_currency(
            amount,
            currency,
            locale=self.locale,
            format_type="standard",
            currency_digits=False,
            format="¤\xa0#,##0" if self.lang == "en" else "#,##0\xa0¤",
        )

    def integer(self, n: float) -> str:
        """A whole number with the language's grouping: ``5,787`` / ``5.787``."""
        return format_decimal(round(n), format="#,##0", locale=self.locale)

    def date(self, d: date | datetime) -> str:
        """A date the language's way: ``Nov 1, 2026`` / ``1 Kas 2026``."""
        day = d.date() if isinstance(d, datetime) else d
        return format_date(day, format="medium", locale=self.locale)

    def touch(self, kind: TouchpointKind) -> str:
        return TOUCH[kind][_index(self.lang)]

    def format(self, key: str, **values: object) -> str:
        """The message ``key`` with its ``{placeholders}`` filled in."""
        return self(key).format(**values)

    def count(self, key: str, n: int, **values: object) -> str:
        """``key_one`` or ``key_other`` by ``n`` (English plurals), filled with ``n``
        written the language's way.

        >>> Messages("en").count("n_people", 4501), Messages("tr").count("n_people", 1)
        ('4,501 people', '1 kişi')
        """
        return self.format(f"{key}_{'one' if n == 1 else 'other'}", n=self.integer(n), **values)

    def number(self, x: float, digits: int = 2) -> str:
        """``x`` with ``digits`` decimals: ``0.42`` in English, ``0,42`` in Turkish;
        a minus sign, not a hyphen.

        >>> Messages("tr").number(-0.5)
        '−0,50'
        """
        text = f"{x:.{digits}f}".replace("-", "−")
        return text.replace(".", ",") if self.lang == "tr" else text

    def signed(self, n: int) -> str:
        """A whole number with its sign (``+1``, ``−2``, ``0``)."""
        return f"{n:+d}".replace("-", "−") if n else "0"

    def percent(self, p: float) -> str:
        """A probability as a whole percentage: ``42%`` in English, ``%42`` in Turkish.

        >>> Messages("en").percent(0.424), Messages("tr").percent(0.424)
        ('42%', '%42')
        """
        n = round(100 * p)
        return f"%{n}" if self.lang == "tr" else f"{n}%"

    def points(self, n: int) -> str:
        """Whole points of probability with their sign: ``+5 pts``, ``−3 puan``."""
        return self.format("win_points", n=self.signed(n))

    def catalogue(self) -> dict[str, str]:
        """Every plain message in this language (for scripts that label things)."""
        return {key: pair[_index(self.lang)] for key, pair in _M.items()}


def catalogue_keys() -> frozenset[str]:
    """The keys of the plain messages."""
    return frozenset(_M)


def negotiate(explicit: str | None, accept_language: str | None) -> Lang:
    """The language to answer in: ``explicit`` if supported, else the best
    ``Accept-Language`` match (by q-value, then order), else English."""
    if explicit:
        choice = explicit.strip().lower()
        for lang in LANGS:
            if choice == lang:
                return lang
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for i, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            params = params.strip()
            if params.startswith("q="):
                try:
                    q = float(params[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, i, tag.strip().lower()))
        for neg_q, _, tag in sorted(ranked):
            primary = tag.split("-")[0]
            if neg_q < 0 and primary in LANGS:
                return LANGS[LANGS.index(primary)]
    return DEFAULT_LANG
