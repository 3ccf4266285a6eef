"""``ewma``: an EWMA control chart on a trailing in-control mean and standard deviation.

Model card: docs/detectors/ewma.md. ``z_t = lambda x_t + (1 - lambda) z_{t-1}`` (started at
the first in-control mean); the period is flagged while ``z_t`` is above
``mean + L sd sqrt(lambda / (2 - lambda))`` and ``x_t >= floor``. The mean and sd are those of
the ``window`` periods before ``t``; the sd never goes below the Poisson one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from flankwatch.analytics.detectors.base import (
    ControlChartSettings,
    Detector,
    FloatArray,
    Trace,
    in_control,
    squash,
)


@dataclass(frozen=True, slots=True)
class EwmaSettings(ControlChartSettings):
    """Settings of ``ewma`` (lambda = 0.2 with L = 3, a common textbook pair)."""

    lam: float = 0.2  # smoothing weight of the newest value
    width: float = 3.0  # L: control limit width, in standard deviations of the statistic


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
        for t, xt, mean, sd in in_control(x, settings):
            stat = lam * xt + (1.0 - lam) * (mean if stat is None else stat)
            limit = mean + factor * sd
            reach = settings.width * sd
            out.expected[t], out.lower[t], out.upper[t] = mean, max(0.0, mean - reach), mean + reach
            out.decided[t] = True
            if stat > limit and xt >= settings.floor:
                out.flagged[t] = True
                out.score[t] = squash((stat - limit) / (factor * sd))
        return out
