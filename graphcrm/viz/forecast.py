"""The forecast page's numbers and trend chart (``/pages/forecast``, the notebooks).

:class:`Numbers` formats amounts and probabilities the way each language
writes them; :func:`trend_chart` lays the trend out as an inline SVG chart
(coordinates only: the page's template draws it, so no script and nothing
from the network is needed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from graphcrm.services.forecast import TrendPoint
from graphcrm.viz.i18n import Lang, Messages

_COMPACT: Final[dict[Lang, tuple[tuple[float, str], ...]]] = {
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "k")),
    "tr": ((1e9, " Mr"), (1e6, " Mn"), (1e3, " B")),
}
"""Thousand, million, billion: ``k``/``M``/``B`` in English; ``B`` (bin), ``Mn``
(milyon), ``Mr`` (milyar) in Turkish."""
MINUS: Final = "−"


class Numbers:
    """Amounts and probabilities as a reader of ``lang`` writes them.

    >>> en, tr = Numbers("en"), Numbers("tr")
    >>> en.amount(1234567.8), tr.amount(1234567.8), tr.amount(-5)
    ('1,234,568', '1.234.568', '−5')
    >>> en.compact(79349.0), tr.compact(114_620_000.0), en.compact(950.0)
    ('79.3k', '114,6 Mn', '950')
    >>> en.percent(0.424), tr.percent(0.424), tr.rate(37.1)
    ('42%', '%42', '37,1')
    """

    __slots__ = ("lang",)

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang

    def _local(self, text: str) -> str:
        """English separators (``,`` thousands, ``.`` decimals) in this language."""
        if self.lang == "tr":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text.replace("-", MINUS)

    def amount(self, x: float) -> str:
        """A whole amount with thousands separators."""
        return self._local(f"{x:,.0f}")

    def compact(self, x: float) -> str:
        """An amount in thousands, millions or billions, one decimal."""
        for size, suffix in _COMPACT[self.lang]:
            if abs(x) >= size:
                return self._local(f"{x / size:,.1f}") + suffix
        return self.amount(x)

    def rate(self, x: float) -> str:
        """An exchange rate, up to six significant digits (``37.1``, ``37,1``)."""
        return self._local(f"{x:,.6g}")

    def percent(self, p: float) -> str:
        """A probability as a whole percentage, as every page writes it
        (:meth:`graphcrm.viz.i18n.Messages.percent`: ``%42`` in Turkish)."""
        return Messages(self.lang).percent(p)

    def signed(self, x: float) -> str:
        """A compact amount with its sign (``+1.2M``, ``−300k``)."""
        return ("+" if x > 0 else "") + self.compact(x)


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    """Pixels along the axis."""
    label: str


@dataclass(frozen=True, slots=True)
class TrendChart:
    """A trend laid out in a ``width × height`` SVG: polylines as ``"x,y x,y ..."``."""

    width: int
    height: int
    left: int
    bottom: int
    """The y of the x axis."""
    top: int
    right: int
    band: str
    """The P10-P90 range of the outcome (won + the open deals' P10 and P90), a polygon."""
    expected: str
    """Won + expected value."""
    commit: str
    """Won + commit."""
    won: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    dots: tuple[tuple[float, float], ...]
    """The expected-value points, for a trend of one point (where no line shows)."""


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) that covers ``top`` in about ``ticks`` steps.

    >>> _nice_step(9.5e6), _nice_step(1.0), _nice_step(0.0)
    (2500000.0, 0.25, 1.0)
    """
    if top <= 0:
        return 1.0
    raw = top / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * magnitude >= raw:
            return m * magnitude
    return 10.0 * magnitude  # pragma: no cover - the loop ends at 10 x magnitude


def trend_chart(
    points: Sequence[TrendPoint],
    numbers: Numbers,
    *,
    width: int = 720,
    height: int = 240,
) -> TrendChart:
    """Lay out the trend: x is the points in order (evenly spaced), y the amount from 0
    to a round number above the largest ``won + P90``."""
    left, right, top, bottom = 64, width - 12, 12, height - 28
    top_value = max((p.won + max(p.p90, p.expected) for p in points), default=0.0)
    step = _nice_step(top_value)
    y_max = step * max(1, -(-top_value // step))
    n = len(points)

    def x(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + i * (right - left) / (n - 1)

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / y_max

    def line(values: Sequence[float]) -> str:
        return " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))

    upper = [p.won + p.p90 for p in points]
    lower = [p.won + p.p10 for p in points]
    band = " ".join(
        [line(upper)] + [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(lower)))]
    )
    every = max(1, -(-n // 8))  # at most about 8 date labels
    x_ticks = tuple(
        Tick(x(i), p.as_of.date().isoformat()[5:])
        for i, p in enumerate(points)
        if i % every == 0 or i == n - 1
    )
    y_ticks = tuple(
        Tick(y(k * step), numbers.compact(k * step)) for k in range(round(y_max / step) + 1)
    )
    return TrendChart(
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        top=top,
        right=right,
        band=band if n > 1 else "",
        expected=line([p.won + p.expected for p in points]),
        commit=line([p.won + p.commit for p in points]),
        won=line([p.won for p in points]),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        dots=tuple((x(i), y(p.won + p.expected)) for i, p in enumerate(points)) if n == 1 else (),
    )
