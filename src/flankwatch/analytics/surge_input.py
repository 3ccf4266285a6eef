"""Turning whatever series a caller gives into one regular series a detector can judge, and
saying in plain words what had to be done to it.

Bad input is never an exception: dates that cannot be read are dropped, non-numbers and
infinities become missing values, negative counts become missing values (a count cannot be
negative: it is a data error, not a fall), several values for one period (a publisher's
revision, or a duplicate) keep the last one given, and missing periods inside the span become
missing values, on which no decision is taken. Each of these is reported in ``notes``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flankwatch.analytics.detectors.base import FloatArray

#: A series longer than this (in periods) is cut to its most recent part.
MAX_PERIODS = 20_000


@dataclass(frozen=True, slots=True)
class PreparedSeries:
    """A regular series: one value per period (NaN where missing), oldest first."""

    values: FloatArray
    periods: pd.DatetimeIndex
    precision: str
    notes: tuple[str, ...]

    @property
    def n_valid(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.values)))

    def __len__(self) -> int:
        return len(self.values)


def unit_name(precision: str, n: int = 2) -> str:
    word = "day" if precision == "day" else "month"
    return word if n == 1 else word + "s"


def prepare_series(series: pd.Series, precision: str = "month") -> PreparedSeries:
    """A regular series from ``series`` (a DatetimeIndex, dates or date strings -> numbers)."""
    notes: list[str] = []
    if not isinstance(series, pd.Series):
        series = pd.Series(series, dtype="float64")
    if series.empty:
        return _empty(precision, ("the series is empty",))
    index = _to_datetimes(series.index)
    raw = pd.Series(series.to_numpy(), dtype="object")
    values = pd.to_numeric(raw, errors="coerce")
    frame = pd.DataFrame({"when": index, "value": values.to_numpy(dtype=float),
                          "unreadable": (values.isna() & raw.notna()).to_numpy()})
    bad_dates = int(frame["when"].isna().sum())
    if bad_dates:
        notes.append(f"{bad_dates} value(s) had no readable date and were left out")
        frame = frame[frame["when"].notna()]
    if frame.empty:
        return _empty(precision, (*notes, "no value has a readable date"))
    unreadable = int(frame["unreadable"].sum())
    if unreadable:
        notes.append(f"{unreadable} value(s) were not numbers and were treated as missing")
    infinite = np.isinf(frame["value"].to_numpy())
    if infinite.any():
        notes.append(f"{int(infinite.sum())} infinite value(s) were treated as missing")
        frame.loc[infinite, "value"] = np.nan
    negative = frame["value"].to_numpy() < 0
    if negative.any():
        notes.append(f"{int(negative.sum())} negative value(s) are impossible counts and were "
                     "treated as missing")
        frame.loc[negative, "value"] = np.nan
    if precision == "day":
        frame["when"] = frame["when"].dt.normalize()
        freq = "D"
    else:
        frame["when"] = frame["when"].dt.to_period("M").dt.to_timestamp()
        freq = "MS"
    duplicated = frame["when"].duplicated(keep="last")
    if duplicated.any():
        periods = frame.loc[duplicated, "when"].nunique()
        notes.append(f"{periods} period(s) had more than one value (revisions or duplicates): "
                     "the last value given was used")
        frame = frame[~duplicated]
    frame = frame.sort_values("when")
    full = pd.date_range(frame["when"].iloc[0], frame["when"].iloc[-1], freq=freq)
    if len(full) > MAX_PERIODS:
        notes.append(f"the series spans {len(full):,} {unit_name(precision)}: only the last "
                     f"{MAX_PERIODS:,} were judged")
        full = full[-MAX_PERIODS:]
    regular = frame.set_index("when")["value"].reindex(full)
    gaps = int(regular.isna().sum())
    if gaps:
        notes.append(f"{gaps} {unit_name(precision, gaps)} had no value (gaps or missing "
                     "data): no decision is taken for a period without a value, and it does "
                     "not enter baselines")
    arr = regular.to_numpy(dtype=np.float64)
    present = arr[~np.isnan(arr)]
    if present.size and not present.any():
        notes.append("the series is zero throughout: there is nothing to detect")
    return PreparedSeries(arr, pd.DatetimeIndex(full), precision, tuple(notes))


def _to_datetimes(index: pd.Index) -> pd.DatetimeIndex:
    """Naive timestamps from dates, strings, periods or timestamps (NaT where unreadable).
    A time-zone-aware period start keeps its wall-clock date (a month that starts at
    midnight in Rome is that month, not the previous one in UTC)."""
    if isinstance(index, pd.PeriodIndex):
        return pd.DatetimeIndex(index.to_timestamp())
    with warnings.catch_warnings():  # mixed date formats: each is parsed on its own
        warnings.simplefilter("ignore", UserWarning)
        try:
            parsed = pd.to_datetime(pd.Index(index), errors="coerce")
        except (TypeError, ValueError):  # mixed time zones
            parsed = pd.to_datetime(pd.Index(index), errors="coerce", utc=True)
    if not isinstance(parsed, pd.DatetimeIndex):  # mixed offsets come back as objects
        parsed = pd.to_datetime(pd.Index(index), errors="coerce", utc=True)
    return parsed.tz_localize(None) if parsed.tz is not None else parsed


def _empty(precision: str, notes: tuple[str, ...]) -> PreparedSeries:
    return PreparedSeries(np.zeros(0), pd.DatetimeIndex([]), precision, notes)
