"""Small synthetic series for the surge tests, written here (no data files)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def seasonal_months(years: int = 6, *, level: float = 1000.0, amplitude: float = 0.6,
                    noise: float = 0.08, seed: int = 1, start: str = "2014-01-01") -> pd.Series:
    """A monthly series with a summer peak (July about ``1 + amplitude`` times the level,
    January about ``1 - amplitude``) and multiplicative noise."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=12 * years, freq="MS")
    season = 1.0 + amplitude * np.cos(2 * math.pi * (index.month.to_numpy() - 7) / 12)
    values = level * season * np.exp(rng.normal(0.0, noise, len(index)))
    return pd.Series(np.round(values), index=index, dtype=float)


def plant(series: pd.Series, start: str, factors: Sequence[float]) -> pd.Series:
    """Multiply the periods from ``start`` by ``factors``."""
    out = series.copy()
    where = out.index.get_loc(pd.Timestamp(start))
    for i, f in enumerate(factors):
        out.iloc[where + i] = round(out.iloc[where + i] * f)
    return out


def daily(days: int = 900, *, level: float = 300.0, seed: int = 3,
          start: str = "2020-01-01") -> pd.Series:
    """A daily series around ``level`` a day with Poisson-like noise."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=days, freq="D")
    return pd.Series(rng.poisson(level, days).astype(float), index=index)
