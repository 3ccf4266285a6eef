"""``seasonal_robust``: a seasonality-aware robust baseline with a confirmed exceedance rule.

The default surge detector (model card: docs/detectors/seasonal_robust.md). At each period
``t``, from ``x[:t]`` only:

1. **Seasonal index** of each calendar month: the median, over past years, of the ratio of a
   period to its centred one-year moving average (2x12 for months, 2x364 for days), a ratio
   becoming usable only once the whole moving-average window is in the past. Periods already
   flagged are left out. With fewer than ``season_years_full`` years the index is shrunk
   toward 1 (geometrically: ``index ** (years / season_years_full)``).
2. **Level**: the median of the last ``level_window`` deseasonalised values that were not
   flagged, looked for within ``level_lookback`` periods. When fewer than ``level_min`` such
   values exist (a surge has lasted most of that time) all recent values are used, so the
   baseline adopts a lasting new normal instead of calling it a surge for ever.
3. **Expected** = level x seasonal index of ``t``'s calendar month.
4. **Band**: a negative-binomial quantile with mean = expected, overdispersion from the MAD
   of the past log residuals (shrunk toward ``sigma_prior``), computed through the
   moment-matched log-normal so that no statistics library is needed.
5. **Exceedance**: observed > upper, observed / expected >= ``ratio`` and observed >=
   ``floor``.
6. **Confirmation** (a new episode only): a one-sided CUSUM on the log ratio
   ``log((x + 1) / (expected + 1))`` with reference ``log(cusum_k)`` must have reached
   ``log(cusum_h)``, or the previous period exceeded too, or the ratio is at least
   ``extreme_ratio``. An episode continues while observed > upper and >= ``floor``.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
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
class SeasonalRobustSettings(BaseSettings):
    """Settings of ``seasonal_robust`` (monthly defaults; ``for_precision("day")`` gives the
    daily ones). Every field is documented in docs/detectors/seasonal_robust.md."""

    quantile: float = 0.99  # one-sided quantile of the band's upper edge
    ratio: float = 1.5  # observed / expected needed to call an exceedance
    extreme_ratio: float = 3.0  # an exceedance this large needs no confirmation
    cusum_k: float = 1.2  # ratio per period the log-ratio CUSUM lets pass
    cusum_h: float = 2.0  # accumulated excess ratio that confirms a first exceedance
    level_window: int = 12  # unflagged values in the level's median
    level_lookback: int = 24  # how far back to look for them
    level_min: int = 6  # fewer than this: use all recent values
    season_years_full: int = 2  # years of seasonal ratios before the index is used fully
    season_years_max: int = 6  # only the most recent years of ratios are kept
    dispersion_window: int = 36  # past residuals in the dispersion estimate
    sigma_prior: float = 0.3  # prior log-scale dispersion (about 30 %)
    sigma_prior_weight: float = 6.0  # its weight, in residuals
    sigma_min: float = 0.1  # the dispersion never goes below this

    @classmethod
    def for_precision(cls, precision: str) -> SeasonalRobustSettings:
        monthly = cls()
        if precision != "day":
            return monthly
        return replace(monthly, smooth=7, floor=200.0, min_history=35, level_window=28,
                       level_lookback=84, level_min=14, dispersion_window=364)


class SeasonalRobust(Detector[SeasonalRobustSettings]):
    NAME = "seasonal_robust"
    VERSION = "1.0"
    SUMMARY = ("Seasonal robust baseline (median level x seasonal index), negative-binomial "
               "band, confirmed by a log-ratio CUSUM")

    def default_settings(self, precision: str = "month") -> SeasonalRobustSettings:
        return SeasonalRobustSettings.for_precision(precision)

    def _run(self, x: FloatArray, periods: pd.DatetimeIndex, settings: SeasonalRobustSettings,
             precision: str) -> Trace:
        return _SeasonalRun(x, periods, settings, precision).run()


class _SeasonalRun:
    """The state of one forward pass (kept apart so the pass reads top to bottom)."""

    def __init__(self, x: FloatArray, periods: pd.DatetimeIndex,
                 s: SeasonalRobustSettings, precision: str) -> None:
        self.s = s
        self.x: list[float] = x.tolist()
        self.n = len(self.x)
        self.months: list[int] = [int(m) for m in periods.month]
        self.years: list[int] = [int(y) for y in periods.year]
        self.half = season_length(precision) // 2
        self.centred = _centred_mean(x, self.half)
        per_key = s.season_years_max * (31 if precision == "day" else 1)
        self.ratios: dict[int, deque[tuple[int, float]]] = {
            m: deque(maxlen=per_key) for m in range(1, 13)}
        self.index: dict[int, float] = dict.fromkeys(range(1, 13), 1.0)
        self.residuals: deque[float] = deque(maxlen=s.dispersion_window)
        self.z = NormalDist().inv_cdf(s.quantile)
        self.expected = [math.nan] * self.n
        self.lower = [math.nan] * self.n
        self.upper = [math.nan] * self.n
        self.flagged = [False] * self.n
        self.score = [0.0] * self.n
        self.decided = [False] * self.n

    def run(self) -> Trace:
        s = self.s
        seen = 0  # periods with data before t
        cusum = 0.0
        in_episode = False
        prev_exceed = False
        for t in range(self.n):
            self._learn_season(t - self.half - 1)
            xt = self.x[t]
            if math.isnan(xt):
                continue
            if seen < s.min_history:
                seen += 1
                continue
            seen += 1
            level = self._level(t)
            if level is None:
                continue
            expected = level * self.index[self.months[t]]
            lower, upper = self._band(expected)
            self.expected[t], self.lower[t], self.upper[t] = expected, lower, upper
            self.decided[t] = True
            ratio = xt / max(expected, 1.0)
            exceed = xt > upper and ratio >= s.ratio and xt >= s.floor
            cusum = max(0.0, cusum + math.log((xt + 1.0) / (expected + 1.0))
                        - math.log(s.cusum_k))
            if in_episode:
                flag = xt > upper and xt >= s.floor
            else:
                flag = exceed and (cusum >= math.log(s.cusum_h) or prev_exceed
                                   or ratio >= s.extreme_ratio)
            if flag:
                self.flagged[t] = True
                self.score[t] = squash(math.log(xt / upper) / math.log(2.0))
            else:
                self.residuals.append(math.log((xt + 1.0) / (expected + 1.0)))
                if in_episode:
                    cusum = 0.0
            in_episode = flag
            prev_exceed = exceed
        return Trace(np.asarray(self.x, dtype=np.float64), _arr(self.expected),
                     _arr(self.lower), _arr(self.upper), np.asarray(self.flagged, dtype=bool),
                     _arr(self.score), np.asarray(self.decided, dtype=bool))

    def _learn_season(self, s_idx: int) -> None:
        """Add period ``s_idx``'s seasonal ratio: its centred mean ends at ``t - 1``."""
        if s_idx < 0 or self.flagged[s_idx]:
            return
        xs, ms = self.x[s_idx], self.centred[s_idx]
        if math.isnan(xs) or math.isnan(ms) or ms <= 0:
            return
        key = self.months[s_idx]
        bucket = self.ratios[key]
        bucket.append((self.years[s_idx], max(xs / ms, 1e-3)))
        years = {y for y, _ in bucket}
        raw = _median([r for _, r in bucket])
        weight = min(1.0, len(years) / max(self.s.season_years_full, 1))
        self.index[key] = min(4.0, max(0.25, raw ** weight))

    def _level(self, t: int) -> float | None:
        s = self.s
        picked: list[float] = []
        for j in range(t - 1, max(-1, t - 1 - s.level_lookback), -1):
            xj = self.x[j]
            if not self.flagged[j] and not math.isnan(xj):
                picked.append(xj / self.index[self.months[j]])
                if len(picked) == s.level_window:
                    break
        if len(picked) < s.level_min:
            picked = [self.x[j] / self.index[self.months[j]]
                      for j in range(max(0, t - s.level_window), t) if not math.isnan(self.x[j])]
        if len(picked) < s.level_min:
            return None
        return _median(picked)

    def _band(self, expected: float) -> tuple[float, float]:
        s = self.s
        res = list(self.residuals)
        n = len(res)
        if n:
            centre = _median(res)
            mad = 1.4826 * _median([abs(r - centre) for r in res])
        else:
            mad = 0.0
        sigma2 = (n * mad * mad + s.sigma_prior_weight * s.sigma_prior ** 2) / (
            n + s.sigma_prior_weight)
        sigma = max(math.sqrt(sigma2), s.sigma_min)
        mean = max(expected, 0.5)
        cv2 = 1.0 / mean + math.expm1(sigma * sigma)
        spread = math.sqrt(math.log1p(cv2))
        median = mean / math.sqrt(1.0 + cv2)
        return median * math.exp(-self.z * spread), median * math.exp(self.z * spread)


def _centred_mean(x: FloatArray, half: int) -> list[float]:
    """The centred 2 x (2 * half) moving average (ends weighted 1/2), NaN where any value of
    the window is missing or the window runs off the series. Computed for every period, but
    the pass only reads the value of period ``s`` once ``s + half`` is in the past."""
    n = len(x)
    out = [math.nan] * n
    width = 2 * half
    if n <= width:
        return out
    filled = np.where(np.isnan(x), 0.0, x)
    csum = np.concatenate([[0.0], np.cumsum(filled)])
    cmiss = np.concatenate([[0], np.cumsum(np.isnan(x).astype(np.int64))])
    for s_idx in range(half, n - half):
        lo, hi = s_idx - half, s_idx + half
        if cmiss[hi + 1] - cmiss[lo] > 0:
            continue
        total = csum[hi + 1] - csum[lo] - 0.5 * (filled[lo] + filled[hi])
        out[s_idx] = float(total / width)
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])


def _arr(values: list[float]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)
