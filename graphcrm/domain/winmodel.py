"""The win-probability model as stored: a calibrated logistic regression and its card.

A store holds the models fitted on its own closed deals (``graphcrm train``),
keyed by ``fitted_at``; reads use the latest. The card says what the model was
fitted on and how well it validated, so that a probability shown anywhere can
name the model behind it. ``docs/scoring.md`` gives the formulas.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from graphcrm.domain.base import Model, UtcDatetime

Finite = Annotated[float, Field(allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class ModelSource(StrEnum):
    """``store``: fitted on the store's own closed deals; ``prior``: the shipped model,
    fitted on generated data, used while a store has too few closed deals."""

    STORE = "store"
    PRIOR = "prior"


class ReliabilityBin(Model):
    """One bin of a reliability diagram: predictions in ``[low, high)``."""

    low: Probability
    high: Probability
    count: Annotated[int, Field(ge=0)]
    mean_predicted: Probability
    observed: Probability


class WinModel(Model):
    """A calibrated logistic regression over named, standardised features.

    ``logit = intercept + Σ coefficients[i] * (x[i] - means[i]) / scales[i]``, then
    ``P(win) = 1 / (1 + exp(-(calibration_slope * logit + calibration_intercept)))``.
    """

    features: tuple[Annotated[str, Field(min_length=1, max_length=100)], ...]
    coefficients: tuple[Finite, ...]
    intercept: Finite
    means: tuple[Finite, ...]
    scales: tuple[Annotated[float, Field(gt=0.0, allow_inf_nan=False)], ...]
    calibration_slope: Finite = 1.0
    calibration_intercept: Finite = 0.0

    @model_validator(mode="after")
    def _aligned(self) -> Self:
        n = len(self.features)
        if not (len(self.coefficients) == len(self.means) == len(self.scales) == n):
            raise ValueError("features, coefficients, means and scales differ in length")
        if len(set(self.features)) != n:
            raise ValueError("a feature is named twice")
        return self


class WinModelCard(Model):
    """A fitted model with what it was fitted on and how it validated."""

    fitted_at: UtcDatetime
    source: ModelSource
    model: WinModel
    stage_model: WinModel
    """The stage-only model fitted on the same snapshots: what the stage alone gives."""
    training_from: UtcDatetime | None = None
    """The earliest close among the training deals."""
    training_to: UtcDatetime | None = None
    """The latest close among the training deals."""
    deals: Annotated[int, Field(ge=0)] = 0
    won: Annotated[int, Field(ge=0)] = 0
    snapshots: Annotated[int, Field(ge=0)] = 0
    snapshot_days: Annotated[int, Field(ge=1)] = 14
    regularization: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] = 1.0
    """Inverse L2 strength (scikit-learn's ``C``)."""
    cv_auc: Probability | None = None
    """Cross-validated ROC AUC (grouped by account, older closes train newer)."""
    cv_auc_stage: Probability | None = None
    """The same for the stage-only model."""
    brier: Probability | None = None
    ece: Probability | None = None
    """Expected calibration error over :attr:`reliability`."""
    reliability: tuple[ReliabilityBin, ...] = ()
    notes: tuple[Annotated[str, Field(max_length=500)], ...] = ()
