"""``ewma``: an EWMA control chart on a trailing in-control mean and standard deviation.

Model card: docs/detectors/ewma.md. ``z_t = lambda x_t + (1 - lambda) z_{t-1}`` (started at
the first in-control mean); the period is flagged while ``z_t`` is above
``mean + L sd sqrt(lambda / (2 - lambda))`` and ``x_t >= floor``. The mean and sd are those of
the ``window`` periods before ``t``; the sd never goes below the Poisson one.
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
    poisson_floor_std,
    squash,
    trailing_stats,
)


@dataclass(frozen=True, slots=True)
class EwmaSettings(BaseSettings):
    """Settings of ``ewma`` (lambda = 0.2 with L = 3, a common textbook pair)."""

    window: int = 12  # trailing periods of the in-control mean and sd
    lam: float = 0.2  # smoothing weight of the newest value
    width: float = 3.0  # L: control limit width, in standard deviations of the statistic

    @classmethod
    def for_precision(cls, precision: str) -> EwmaSettings:
        monthly = cls()
        if precision != "day":
            return monthly
        return replace(monthly, smooth=7, window=28, min_history=35)


class Ewma(Detector[EwmaSettings]):
    NAME = "ewma"
    VERSION = "1.0"
    SUMMARY = "EWMA control chart on a trailing in-control mean and sd"

    def default_settings(self, precision: str = "month") -> EwmaSettings:
        return EwmaSettings.for_precision(precision)

    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: EwmaSettings,
             precision: str) -> Trace:
        out = Trace.empty(len(x), x.copy())
        lam = settings.lam
        factor = settings.width * math.sqrt(lam / (2.0 - lam))
        stat: float | None = None
        seen = 0
        for t in range(len(x)):
            xt = float(x[t])
            if math.isnan(xt):
                continue
            seen += 1
            if seen <= settings.min_history:
                continue
            mean, std, n = trailing_stats(x, t, settings.window)
            if n < 3:
                continue
            sd = poisson_floor_std(mean, std)
            stat = lam * xt + (1.0 - lam) * (mean if stat is None else stat)
            limit = mean + factor * sd
            reach = settings.width * sd
            out.expected[t], out.lower[t], out.upper[t] = mean, max(0.0, mean - reach), mean + reach
            out.decided[t] = True
            if stat > limit and xt >= settings.floor:
                out.flagged[t] = True
                out.score[t] = squash((stat - limit) / (factor * sd))
        return out
