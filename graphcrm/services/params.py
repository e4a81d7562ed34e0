"""Every weight and threshold a use case passes on to the analytics, in one bundle."""

from __future__ import annotations

from graphcrm.analytics import HiddenParams, PathParams, RiskParams
from graphcrm.domain import Model


class AnalyticsParams(Model):
    """``risk`` holds the scoring and cadence parameters too (``RiskParams.scoring``,
    ``RiskParams.cadence``); see ``docs/scoring.md`` for every field."""

    risk: RiskParams = RiskParams()
    hidden: HiddenParams = HiddenParams()
    paths: PathParams = PathParams()
