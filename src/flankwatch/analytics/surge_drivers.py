"""Which nationalities drive a surge: their observed values and shares at the peak, and their
own expected values (each nationality's series judged by the same detector, online, so its
expected value at the peak is what the detector would have said then)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from flankwatch.analytics.detectors.base import Detector, Trace
from flankwatch.analytics.surge_input import prepare_series
from flankwatch.model.signal import Driver, SeriesKey


def nationality_components(key: SeriesKey,
                           series: Mapping[SeriesKey, pd.Series]) -> dict[str, pd.Series]:
    """The nationality series below ``key`` in a hierarchy from ``build_series``: the same
    metric, source and precision, within ``key``'s route and border type where it has them,
    summed per nationality (over border types or routes ``key`` leaves open). Only the
    nationalities with enough volume to have a series of their own are there."""
    if key.nationality != "ALL":
        return {}
    parts: dict[str, list[pd.Series]] = {}
    for k, s in series.items():
        if (k.nationality == "ALL" or k.metric != key.metric or k.source != key.source
                or k.precision != key.precision
                or k.reporting_country != key.reporting_country
                or (key.route is not None and k.route != key.route)
                or (key.border_type is not None and k.border_type != key.border_type)):
            continue
        parts.setdefault(k.nationality, []).append(s)
    out: dict[str, pd.Series] = {}
    for nationality, pieces in parts.items():
        total = pd.concat(pieces, axis=1).sum(axis=1, min_count=1)
        out[nationality] = total.sort_index()
    return out


@dataclass(frozen=True, slots=True)
class _Component:
    periods: pd.DatetimeIndex
    trace: Trace


class DriverTable:
    """Each nationality's trace, computed once; ``at`` gives the drivers of a peak."""

    def __init__(self, components: Mapping[str, pd.Series], detector: Detector[Any],
                 settings: Any, precision: str) -> None:
        self._parts: dict[str, _Component] = {}
        for nationality, s in components.items():
            prepared = prepare_series(s, precision)
            if len(prepared) == 0:
                continue
            trace = detector.run(prepared.values, prepared.periods, settings, precision)
            self._parts[nationality] = _Component(prepared.periods, trace)

    def at(self, peak: date, total: float, *, top: int = 5,
           min_share: float = 0.05) -> list[Driver]:
        """The nationalities with the largest excess over their own expected value at
        ``peak`` (``total`` = the series' value there), at least ``min_share`` of it."""
        if not total or not math.isfinite(total) or total <= 0:
            return []
        when = pd.Timestamp(peak)
        rows: list[tuple[float, Driver]] = []
        for nationality, part in self._parts.items():
            where = part.periods.get_indexer([when])[0]
            if where < 0:
                continue
            observed = float(part.trace.observed[where])
            if not math.isfinite(observed) or observed <= 0:
                continue
            share = observed / total
            if share < min_share:
                continue
            raw_expected = float(part.trace.expected[where])
            expected = raw_expected if math.isfinite(raw_expected) else None
            excess = observed - (expected if expected is not None else 0.0)
            rows.append((excess, Driver(nationality, observed, min(share, 1.0), expected)))
        rows.sort(key=lambda r: (-r[0], -r[1].observed))
        return [d for _, d in rows[:top]]


def drivers(peak: date, total: float, components: Mapping[str, pd.Series],
            detector: Detector[Any], settings: Any = None, precision: str = "month", *,
            top: int = 5, min_share: float = 0.05) -> list[Driver]:
    """The nationalities driving a surge that peaked at ``peak`` with ``total`` in the
    parent series, given the route's nationality series (``nationality -> series``)."""
    chosen = settings if settings is not None else detector.default_settings(precision)
    return DriverTable(components, detector, chosen, precision).at(
        peak, total, top=top, min_share=min_share)
