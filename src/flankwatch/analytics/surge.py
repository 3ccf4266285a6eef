"""Migration surge detection: from a series to explained ``SurgeEpisode``s.

::

    from flankwatch.analytics.series import build_series
    from flankwatch.analytics.surge import DETECTORS, detect, scan

    series = build_series(observations, events)
    key = next(k for k in series if k.route == "Eastern Borders Route" and
               k.border_type is None and k.nationality == "ALL")
    episodes = detect(series[key], key)                       # the default detector
    episodes = detect(series[key], key, "cusum")              # or any in DETECTORS
    result = scan(series[key], key, components=nationality_components(key, series))
    result.notes                                              # what was done to the data

A detector flags periods online (detectors/base.py); here consecutive flagged periods,
allowing a gap of one, become one episode, with its onset (the start of the run-up: the
earliest of the consecutive periods at least 10 % above their expected value just before the
first flag),
peak, end, the values at the peak, a score, the last 36 points for a chart, the nationalities
driving it and a paragraph explaining it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from flankwatch.analytics.detectors import DEFAULT_DETECTOR, DETECTORS, Detector, Trace
from flankwatch.analytics.surge_drivers import DriverTable, drivers, nationality_components
from flankwatch.analytics.surge_explain import explain
from flankwatch.analytics.surge_input import PreparedSeries, prepare_series, unit_name
from flankwatch.model.signal import Point, SeriesKey, SurgeEpisode

__all__ = [
    "DEFAULT_DETECTOR",
    "DETECTORS",
    "ScanResult",
    "detect",
    "drivers",
    "flagged_runs",
    "get_detector",
    "nationality_components",
    "scan",
]

#: Points kept in an episode's history.
HISTORY_POINTS = 36
#: Periods after the last flag shown in the history, so a chart shows the way down.
HISTORY_AFTER = 3
#: A period is part of a run-up when it is at least this many times its expected value.
ONSET_MARGIN = 1.1


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Episodes, the detector's trace, and notes on the data and on what could be decided."""

    episodes: list[SurgeEpisode]
    notes: tuple[str, ...]
    trace: Trace | None
    periods: pd.DatetimeIndex
    decided: int  # periods with a decision


def get_detector(detector: Detector[Any] | str | None) -> Detector[Any]:
    """A detector object from itself, its name, or None (the default)."""
    if detector is None:
        return DETECTORS[DEFAULT_DETECTOR]
    if isinstance(detector, str):
        try:
            return DETECTORS[detector]
        except KeyError:
            raise ValueError(f"unknown detector {detector!r}; known: "
                             f"{', '.join(DETECTORS)}") from None
    return detector


def detect(series: pd.Series, key: SeriesKey, detector: Detector[Any] | str | None = None,
           settings: Any = None, *, components: Mapping[str, pd.Series] | None = None
           ) -> list[SurgeEpisode]:
    """The surge episodes of one series (``DatetimeIndex`` or dates -> counts).

    ``detector`` is a detector object or name (default ``seasonal_robust``); ``settings``
    its settings (default: the documented defaults for ``key.precision``); ``components``
    the nationality series below this one (``nationality_components``) for drivers. Never
    raises on bad data: ``scan`` gives the notes saying what was done or not decided."""
    return scan(series, key, detector, settings, components=components).episodes


def scan(series: pd.Series, key: SeriesKey, detector: Detector[Any] | str | None = None,
         settings: Any = None, *, components: Mapping[str, pd.Series] | None = None
         ) -> ScanResult:
    """``detect`` with the trace and the notes."""
    det = get_detector(detector)
    precision = "day" if key.precision == "day" else "month"
    chosen = settings if settings is not None else det.default_settings(precision)
    prepared = prepare_series(series, precision)
    notes = list(prepared.notes)
    needed = chosen.min_history + chosen.smooth
    if prepared.n_valid < needed:
        notes.append(f"not enough history: {prepared.n_valid} {unit_name(precision)} with "
                     f"data, {det.NAME} needs more than {needed - 1}; no decision was taken")
        return ScanResult([], tuple(notes), None, prepared.periods, 0)
    trace = det.run(prepared.values, prepared.periods, chosen, precision)
    decided = int(trace.decided.sum())
    if decided == 0:
        notes.append(f"{det.NAME} could not form a baseline (too few periods with data close "
                     "together): no decision was taken")
    table = (DriverTable(components, det, chosen, precision) if components else None)
    episodes = [
        _episode(det, key, prepared, trace, first, last, tuple(notes), table, chosen.smooth)
        for first, last in flagged_runs(trace.flagged)
    ]
    return ScanResult(episodes, tuple(notes), trace, prepared.periods, decided)


def flagged_runs(flagged: np.ndarray, max_gap: int = 1) -> list[tuple[int, int]]:
    """(first, last) indices of runs of flagged periods, allowing ``max_gap`` unflagged
    periods inside a run."""
    runs: list[tuple[int, int]] = []
    for i in np.flatnonzero(flagged).tolist():
        if runs and i - runs[-1][1] <= max_gap + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _episode(det: Detector[Any], key: SeriesKey, prepared: PreparedSeries, trace: Trace,
             first: int, last: int, notes: tuple[str, ...], table: DriverTable | None,
             smooth: int) -> SurgeEpisode:
    periods = prepared.periods
    precision = prepared.precision
    obs = trace.observed
    window = obs[first:last + 1]
    peak = first + (int(np.nanargmax(window)) if np.isfinite(window).any() else 0)
    if not trace.decided[peak]:
        peak = first
    onset = _onset(trace, first, 12 if precision == "month" else 28)
    expected = float(trace.expected[peak])
    observed = float(obs[peak])
    ratio = observed / max(expected, 1.0)
    score = float(np.max(trace.score[first:last + 1]))
    day = _dates(periods)
    found = table.at(day[peak], observed) if table is not None else []
    episode = SurgeEpisode(
        detector=det.NAME, detector_version=det.VERSION, key=key,
        first_period=day[first], onset_period=day[onset], peak_period=day[peak],
        last_period=day[last], ongoing=last == len(obs) - 1,
        observed=observed, expected=expected, lower=float(trace.lower[peak]),
        upper=float(trace.upper[peak]), ratio=ratio, score=score, drivers=found,
        history=_history(trace, day, last),
    )
    episode.explanation = explain(
        key=key, detector=det.NAME, precision=precision, smooth=smooth, observed=observed,
        expected=expected, lower=episode.lower, upper=episode.upper, ratio=ratio,
        first_period=episode.first_period, first_observed=float(obs[first]),
        first_expected=float(trace.expected[first]), onset_period=episode.onset_period,
        peak_period=episode.peak_period, last_period=episode.last_period,
        ongoing=episode.ongoing, score=score, drivers=found, notes=notes)
    return episode


def _onset(trace: Trace, first: int, lookback: int) -> int:
    """The earliest of the consecutive periods just before ``first`` that were above their
    expected value by ``ONSET_MARGIN`` or more (and not flagged: a previous episode is not
    this one's run-up); ``first`` itself when the period before was not."""
    onset = first
    for j in range(first - 1, max(-1, first - 1 - lookback), -1):
        expected = trace.expected[j]
        if (not trace.decided[j] or trace.flagged[j] or not math.isfinite(expected)
                or not trace.observed[j] >= ONSET_MARGIN * max(expected, 1.0)):
            break
        onset = j
    return onset


def _history(trace: Trace, day: list[date], last: int) -> list[Point]:
    end = min(len(day) - 1, last + HISTORY_AFTER)
    out: list[Point] = []
    for i in range(max(0, end - HISTORY_POINTS + 1), end + 1):
        observed = float(trace.observed[i])
        if not math.isfinite(observed):
            continue
        decided = bool(trace.decided[i])
        out.append(Point(
            period=day[i], observed=observed,
            expected=float(trace.expected[i]) if decided else None,
            lower=float(trace.lower[i]) if decided else None,
            upper=float(trace.upper[i]) if decided else None,
            flagged=bool(trace.flagged[i])))
    return out


def _dates(periods: pd.DatetimeIndex) -> list[date]:
    return [ts.date() for ts in periods]
