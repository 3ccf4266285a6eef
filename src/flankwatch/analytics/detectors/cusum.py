"""``cusum``: Page's one-sided CUSUM on standardised residuals from a trailing mean.

Model card: docs/detectors/cusum.md. At period ``t`` the in-control mean and standard
deviation are those of the ``window`` periods before ``t`` (the standard deviation never below
the Poisson one); ``z = (x - mean) / sd``; ``S = max(0, S + z - k)``; the period is flagged
when ``S > h`` and ``x >= floor``, and ``S`` restarts at 0 after each signal (``reset``), so a
lasting shift signals again each period it stays far enough out. No seasonality, no
robustness: the textbook peer the default detector is compared with.
"""

from __future__ import annotations

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
class CusumSettings(ControlChartSettings):
    """Settings of ``cusum`` (Montgomery's k = 0.5, h = 5: an in-control average run length
    of about 465 periods for normal data)."""

    k: float = 0.5  # reference value, in standard deviations
    h: float = 5.0  # decision interval, in standard deviations
    reset: bool = True  # restart the sum at 0 after each signal (the textbook practice)


class Cusum(Detector[CusumSettings]):
    NAME = "cusum"
    VERSION = "1.0"
    SUMMARY = "Page's one-sided CUSUM on residuals standardised by a trailing mean and sd"

    def default_settings(self, precision: str = "month") -> CusumSettings:
        return CusumSettings.for_precision(precision)

    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: CusumSettings,
             precision: str) -> Trace:
        out = Trace.empty(len(x), x.copy())
        stat = 0.0
        for t, xt, mean, sd in in_control(x, settings):
            stat = max(0.0, stat + (xt - mean) / sd - settings.k)
            reach = (settings.h + settings.k) * sd
            out.expected[t], out.lower[t], out.upper[t] = mean, max(0.0, mean - reach), mean + reach
            out.decided[t] = True
            if stat > settings.h and xt >= settings.floor:
                out.flagged[t] = True
                out.score[t] = squash((stat - settings.h) / settings.h)
                if settings.reset:
                    stat = 0.0
        return out
