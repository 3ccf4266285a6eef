"""Surge detectors: each a NAME, a VERSION, typed settings and an online ``run``.

``seasonal_robust`` is the default; ``cusum``, ``ewma`` and ``yoy`` are the classic peers the
backtest compares it with. ``DETECTORS`` maps each name to its detector object.
"""

from __future__ import annotations

from typing import Any

from flankwatch.analytics.detectors.base import BaseSettings, Configured, Detector, Trace
from flankwatch.analytics.detectors.cusum import Cusum, CusumSettings
from flankwatch.analytics.detectors.ewma import Ewma, EwmaSettings
from flankwatch.analytics.detectors.seasonal_robust import SeasonalRobust, SeasonalRobustSettings
from flankwatch.analytics.detectors.yoy import YearOnYear, YoySettings

#: The default detector's name.
DEFAULT_DETECTOR = SeasonalRobust.NAME

#: Every detector by name, the default first.
DETECTORS: dict[str, Detector[Any]] = {
    d.NAME: d for d in (SeasonalRobust(), Cusum(), Ewma(), YearOnYear())
}

__all__ = [
    "DEFAULT_DETECTOR",
    "DETECTORS",
    "BaseSettings",
    "Configured",
    "Cusum",
    "CusumSettings",
    "Detector",
    "Ewma",
    "EwmaSettings",
    "SeasonalRobust",
    "SeasonalRobustSettings",
    "Trace",
    "YearOnYear",
    "YoySettings",
]
