"""``seasonal_robust``: a seasonality-aware robust baseline with a confirmed exceedance rule.

The default surge detector (model card: docs/detectors/seasonal_robust.md). At each period
``t``, from ``x[:t + 1]`` only:

1. **Seasonal index** of each calendar month: the median log ratio of past periods to their
   centred one-year moving average (2x12 months, 2x364 days; flagged periods left out of the
   average and of the ratios), usable once the whole window is in the past; shrunk toward 1 by
   ``years / (years + season_prior_years)``, blended with the neighbouring months, centred
   over the year and clipped to ``[1 / season_clip, season_clip]``.
2. **Level**: the median of the last ``level_window`` deseasonalised values that were not
   flagged (flagged ones older than ``flag_memory`` count again), within ``level_lookback``
   periods; with fewer than ``level_min`` of them, all recent values.
3. **Expected** = level x the seasonal index of ``t``'s calendar month.
4. **Band**: a negative-binomial quantile with mean = expected and overdispersion from the MAD
   of past log residuals (shrunk toward ``sigma_prior``), through the moment-matched
   log-normal, so that no statistics library is needed.
5. **Exceedance**: observed > upper, observed / expected >= ``ratio``, observed >= ``floor``.
6. **Firing**: an exceedance confirmed by a one-sided CUSUM on ``log((x + 1) / (expected +
   1))`` (reference ``log(cusum_k)``) at ``log(cusum_h)``, by a previous exceedance, or by a
   ratio of ``extreme_ratio``; or a sustained shift, the same CUSUM at ``log(shift_h)`` with
   the ratio and floor met. An episode continues while observed > upper (or the shift holds)
   and the floor is met; the CUSUM restarts when it ends.
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
    cusum_k: float = 1.25  # ratio per period the log-ratio CUSUM lets pass
    cusum_h: float = 2.0  # accumulated excess ratio that confirms a first exceedance
    shift_h: float = 4.0  # accumulated excess ratio that fires even inside the band
    level_window: int = 12  # unflagged values in the level's median
    level_lookback: int = 24  # how far back to look for them
    level_min: int = 6  # fewer than this: use all recent values
    flag_memory: int = 6  # flagged periods older than this count in the level again
    season_prior_years: float = 1.0  # shrinkage: weight = years / (years + this)
    season_smooth: bool = True  # blend each month's index with its neighbours'
    season_clip: float = 2.5  # indices stay within [1/clip, clip]
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
        return replace(monthly, smooth=7, min_history=35, level_window=28,
                       level_lookback=84, level_min=14, flag_memory=14,
                       dispersion_window=364)


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
        self.values = x
        self.flags = np.zeros(self.n, dtype=bool)
        self.weights = np.ones(2 * self.half + 1)
        self.weights[0] = self.weights[-1] = 0.5
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
            shift = cusum >= math.log(s.shift_h) and ratio >= s.ratio and xt >= s.floor
            if in_episode:
                flag = (xt > upper or shift) and xt >= s.floor
            else:
                flag = shift or (exceed and (cusum >= math.log(s.cusum_h) or prev_exceed
                                             or ratio >= s.extreme_ratio))
            if flag:
                self.flagged[t] = True
                self.flags[t] = True
                self.score[t] = squash(max(math.log(xt / upper) / math.log(2.0),
                                           cusum / math.log(s.shift_h) - 1.0))
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
        """Add period ``s_idx``'s seasonal ratio: its centred window ends at ``t - 1``."""
        if s_idx < 0 or self.flagged[s_idx] or math.isnan(self.x[s_idx]):
            return
        xs, ms = self.x[s_idx], self._centred_mean(s_idx)
        if math.isnan(ms) or ms <= 0:
            return
        self.ratios[self.months[s_idx]].append(
            (self.years[s_idx], math.log(min(max(xs / ms, 0.05), 20.0))))
        self._update_index()

    def _update_index(self) -> None:
        """Seasonal indices from the ratios learnt so far: per calendar month the median log
        ratio, shrunk toward 0 by the number of years behind it, smoothed with the two
        neighbouring months (1/4, 1/2, 1/4), centred so that a year's indices multiply to 1,
        and kept within [1/season_clip, season_clip]."""
        s = self.s
        shrunk = [0.0] * 12
        for m in range(1, 13):
            bucket = self.ratios[m]
            if not bucket:
                continue
            years = len({y for y, _ in bucket})
            weight = years / (years + max(s.season_prior_years, 0.0))
            shrunk[m - 1] = weight * _median([r for _, r in bucket])
        if s.season_smooth:
            shrunk = [0.25 * shrunk[i - 1] + 0.5 * shrunk[i] + 0.25 * shrunk[(i + 1) % 12]
                      for i in range(12)]
        centre = sum(shrunk) / 12.0
        bound = math.log(s.season_clip)
        for m in range(1, 13):
            self.index[m] = math.exp(min(bound, max(-bound, shrunk[m - 1] - centre)))

    def _centred_mean(self, s_idx: int) -> float:
        """The centred 2 x (2 * half) moving average around ``s_idx`` (ends weighted 1/2)
        over the periods that have data and were not flagged, so that a past surge does not
        deflate its neighbours' ratios; NaN when under two thirds of the window is usable."""
        lo, hi = s_idx - self.half, s_idx + self.half
        if lo < 0:
            return math.nan
        values = self.values[lo:hi + 1]
        usable = ~np.isnan(values) & ~self.flags[lo:hi + 1]
        weights = np.where(usable, self.weights, 0.0)
        total = float(weights.sum())
        if total < (2.0 / 3.0) * 2 * self.half:
            return math.nan
        return float(np.dot(weights, np.where(usable, values, 0.0)) / total)

    def _level(self, t: int) -> float | None:
        s = self.s
        picked: list[float] = []
        for j in range(t - 1, max(-1, t - 1 - s.level_lookback), -1):
            xj = self.x[j]
            if (not self.flagged[j] or t - j > s.flag_memory) and not math.isnan(xj):
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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])


def _arr(values: list[float]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)
