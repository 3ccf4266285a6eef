"""The contract every surge detector keeps, and the small pieces they share.

A detector is a NAME, a VERSION, a typed frozen settings dataclass and one pure function
``run(values, periods, settings) -> Trace``. ``run`` is *online*: the decision, expected
value and band at period ``t`` are computed from ``values[:t + 1]`` only, in one forward
pass, so running it on a truncated series gives exactly the first periods of running it on the
whole series (tests/analytics/test_surge.py proves it for every detector). That is what makes
the backtest an honest replay.

Values are floats with ``NaN`` for a period with no data: no decision is taken for it and it
never enters a baseline. Daily series are judged on a trailing sum (``smooth`` periods, 7 for
daily data) to look through weather-driven day-to-day noise; the sum is itself online.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, Self, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Precisions the detectors know; anything else is judged as monthly data.
PRECISIONS = ("month", "day")


@dataclass(frozen=True, slots=True)
class BaseSettings:
    """Settings every detector has.

    * ``floor``: a period is never flagged below this volume (people per period judged), so
      that a series going from 2 to 9 is not a "surge".
    * ``smooth``: periods in the trailing sum judged (1 = the values themselves; 7 for daily
      data = the 7-day total ending that day).
    * ``min_history``: periods with data needed before the first decision.
    """

    floor: float = 300.0
    smooth: int = 1
    min_history: int = 12


@dataclass(frozen=True, slots=True)
class Trace:
    """What a detector saw and decided, period by period (arrays of one length).

    ``observed`` is the value judged (after ``smooth``); ``expected``, ``lower`` and
    ``upper`` are NaN where no decision was taken; ``upper`` is the value above which the
    period counts as beyond normal, ``lower`` its mirror below; ``score`` is 0 where not
    flagged, otherwise in (0, 1]: how far beyond the threshold, squashed."""

    observed: FloatArray
    expected: FloatArray
    lower: FloatArray
    upper: FloatArray
    flagged: BoolArray
    score: FloatArray
    decided: BoolArray

    def __len__(self) -> int:
        return len(self.observed)

    def head(self, n: int) -> Trace:
        """The first ``n`` periods (for comparing a truncated run with a full one)."""
        return Trace(self.observed[:n], self.expected[:n], self.lower[:n], self.upper[:n],
                     self.flagged[:n], self.score[:n], self.decided[:n])

    @staticmethod
    def empty(n: int, observed: FloatArray) -> Trace:
        nan = np.full(n, np.nan)
        return Trace(observed, nan.copy(), nan.copy(), nan.copy(), np.zeros(n, dtype=bool),
                     np.zeros(n), np.zeros(n, dtype=bool))


S = TypeVar("S", bound=BaseSettings)


class Detector(ABC, Generic[S]):
    """A surge detector. Subclasses set the class attributes and implement ``_run``."""

    NAME: str
    VERSION: str
    SUMMARY: str

    @abstractmethod
    def default_settings(self, precision: str = "month") -> S:
        """The documented defaults for monthly or daily data."""

    @abstractmethod
    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: S,
             precision: str) -> Trace:
        """One forward pass over the judged values ``x``."""

    def run(self, values: FloatArray, periods: pd.DatetimeIndex, settings: S | None = None,
            precision: str = "month") -> Trace:
        """Judge a regular series (one value per period, NaN where missing)."""
        chosen = settings if settings is not None else self.default_settings(precision)
        x = trailing_sum(np.asarray(values, dtype=np.float64), chosen.smooth)
        if len(x) == 0:
            return Trace.empty(0, x)
        return self._run(x, periods, chosen, precision)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.NAME} v{self.VERSION}>"


class Configured(Detector[S]):
    """A detector with some of its settings changed, for both precisions: for a user's
    choice or a threshold sweep. ``Configured(Cusum(), h=4.0)`` is named ``cusum[h=4.0]``."""

    def __init__(self, base: Detector[S], name: str | None = None, **overrides: Any) -> None:
        self.base = base
        self.overrides = overrides
        shown = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
        self.NAME = name or f"{base.NAME}[{shown}]"
        self.VERSION = base.VERSION
        self.SUMMARY = base.SUMMARY
        replace(base.default_settings(), **overrides)  # a misspelt setting fails here

    def default_settings(self, precision: str = "month") -> S:
        return replace(self.base.default_settings(precision), **self.overrides)

    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: S,
             precision: str) -> Trace:
        return self.base._run(x, periods, settings, precision)


def trailing_sum(values: FloatArray, window: int) -> FloatArray:
    """Sum of the last ``window`` values ending at each period (NaN unless all are present):
    online, since period ``t`` uses ``t - window + 1 .. t``."""
    if window <= 1:
        return values.astype(np.float64, copy=True)
    out = np.full(len(values), np.nan)
    if len(values) < window:
        return out
    filled = np.where(np.isnan(values), 0.0, values)
    missing = np.isnan(values).astype(np.int64)
    csum = np.concatenate([[0.0], np.cumsum(filled)])
    cmiss = np.concatenate([[0], np.cumsum(missing)])
    sums = csum[window:] - csum[:-window]
    gaps = cmiss[window:] - cmiss[:-window]
    out[window - 1:] = np.where(gaps == 0, sums, np.nan)
    return out


def squash(margin: float) -> float:
    """Map a margin beyond a threshold (0 at the threshold) to a score in [0, 1]."""
    if not math.isfinite(margin):
        return 1.0 if margin > 0 else 0.0
    return float(min(1.0, max(0.0, 1.0 - math.exp(-max(margin, 0.0)))))


def season_length(precision: str) -> int:
    """Periods in a year: 12 months, or 364 days (52 weeks, so a year-ago day is the same
    weekday)."""
    return 364 if precision == "day" else 12


def trailing_stats(x: FloatArray, t: int, window: int) -> tuple[float, float, int]:
    """Mean, standard deviation (ddof 1) and count of the non-missing values among the
    ``window`` periods before ``t`` (never ``t`` itself)."""
    past = x[max(0, t - window):t]
    past = past[~np.isnan(past)]
    n = len(past)
    if n == 0:
        return math.nan, math.nan, 0
    mean = float(past.mean())
    std = float(past.std(ddof=1)) if n > 1 else 0.0
    return mean, std, n


def poisson_floor_std(mean: float, std: float) -> float:
    """A standard deviation never below the Poisson one (nor below 1), so that a flat or
    all-zero history does not make every small count infinitely surprising."""
    return max(std, math.sqrt(max(mean, 0.0)), 1.0)


@dataclass(frozen=True, slots=True)
class ControlChartSettings(BaseSettings):
    """Settings of the textbook control charts: an in-control mean and sd from the trailing
    ``window`` periods."""

    window: int = 12  # trailing periods of the in-control mean and sd

    @classmethod
    def for_precision(cls, precision: str) -> Self:
        """Monthly defaults; daily data judge 7-day totals against a 4-week window."""
        monthly = cls()
        if precision != "day":
            return monthly
        return replace(monthly, smooth=7, window=28, min_history=35)


def in_control(x: FloatArray, settings: ControlChartSettings
               ) -> Iterator[tuple[int, float, float, float]]:
    """The periods a control chart decides on, as ``(t, x_t, mean, sd)``: values present,
    past the first ``min_history`` values, with at least 3 values in the trailing window
    (the sd never below the Poisson one)."""
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
        yield t, xt, mean, poisson_floor_std(mean, std)
