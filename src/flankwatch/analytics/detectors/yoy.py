"""``yoy``: the year-on-year rule analysts use by hand.

Model card: docs/detectors/yoy.md. A period is flagged when its value is more than ``factor``
times the same period a year earlier (12 months, or 364 days for daily data) and at least
``floor``. No decision where the year-ago value is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from flankwatch.analytics.detectors.base import (
    BaseSettings,
    Detector,
    FloatArray,
    Trace,
    season_length,
    squash,
)


@dataclass(frozen=True, slots=True)
class YoySettings(BaseSettings):
    """Settings of ``yoy``."""

    factor: float = 2.0  # observed must exceed factor x the year-ago value

    @classmethod
    def for_precision(cls, precision: str) -> YoySettings:
        monthly = cls()
        if precision != "day":
            return monthly
        return replace(monthly, smooth=7)


class YearOnYear(Detector[YoySettings]):
    NAME = "yoy"
    VERSION = "1.0"
    SUMMARY = "Observed above twice the same period a year earlier, and above a floor"

    def default_settings(self, precision: str = "month") -> YoySettings:
        return YoySettings.for_precision(precision)

    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: YoySettings,
             precision: str) -> Trace:
        out = Trace.empty(len(x), x.copy())
        lag = season_length(precision)
        for t in range(lag, len(x)):
            xt, before = float(x[t]), float(x[t - lag])
            if math.isnan(xt) or math.isnan(before):
                continue
            base = max(before, 0.0)
            threshold = settings.factor * base
            out.expected[t], out.lower[t], out.upper[t] = base, base / settings.factor, threshold
            out.decided[t] = True
            if xt > threshold and xt >= settings.floor:
                out.flagged[t] = True
                margin = math.log2(xt / threshold) if threshold > 0 else math.inf
                out.score[t] = squash(margin)
        return out
