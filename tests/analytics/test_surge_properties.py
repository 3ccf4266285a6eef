"""Property tests: whatever series a caller gives (gaps, zeros, negatives, infinities,
duplicates and revisions, huge values, unsorted dates, a handful of points), every detector
returns well-formed episodes or none, with notes, and never raises."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flankwatch.analytics.detectors import DETECTORS
from flankwatch.analytics.surge import scan
from flankwatch.analytics.surge_chart import episode_svg
from flankwatch.model.signal import SeriesKey

MONTHLY = SeriesKey("irregular_border_crossings", "test", route="R")
DAILY = SeriesKey("sea_arrivals", "test", reporting_country="ITA", precision="day")

values = st.one_of(
    st.floats(min_value=0, max_value=5000),
    st.floats(min_value=0, max_value=1e12),
    st.sampled_from([0.0, math.nan, math.inf, -math.inf, -1.0, -300.0, 1e15]),
    st.integers(min_value=-10, max_value=100_000).map(float),
)


@st.composite
def series(draw: st.DrawFn, daily: bool = False) -> pd.Series:
    n = draw(st.integers(min_value=0, max_value=120 if not daily else 200))
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)))
    step = (lambda i: start + timedelta(days=i)) if daily else (
        lambda i: date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1,
                       1))
    shape = draw(st.sampled_from(["regular", "gappy", "shuffled", "duplicated"]))
    positions = list(range(n))
    if shape == "gappy" and n:
        positions = sorted(draw(st.sets(st.integers(0, 2 * n), min_size=1, max_size=n)))
    dates = [step(i) for i in positions]
    data = draw(st.lists(values, min_size=len(dates), max_size=len(dates)))
    out = pd.Series(data, index=pd.to_datetime(dates), dtype=float)
    if shape == "shuffled":
        out = out.sample(frac=1.0, random_state=draw(st.integers(0, 1000)))
    if shape == "duplicated" and n:
        out = pd.concat([out, out.iloc[: max(1, n // 5)] * 1.5])
    if draw(st.booleans()) and len(out) > 30:  # a burst, so that some episodes exist
        at = draw(st.integers(13, len(out) - 1))
        out.iloc[at] = 1e6
    return out


def _check(key: SeriesKey, s: pd.Series) -> None:
    for name in DETECTORS:
        result = scan(s, key, name)
        assert isinstance(result.notes, tuple)
        if result.trace is None:
            assert result.episodes == [] and result.notes
        for e in result.episodes:
            assert e.onset_period <= e.first_period <= e.peak_period <= e.last_period
            assert 0.0 <= e.score <= 1.0
            assert math.isfinite(e.observed) and e.observed >= 0
            assert math.isfinite(e.expected) and e.expected >= 0
            assert e.lower <= e.upper and math.isfinite(e.ratio)
            assert 0 < len(e.history) <= 36
            assert e.explanation
            assert episode_svg(e).startswith("<svg")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series())
def test_monthly_series_never_break_a_detector(s: pd.Series) -> None:
    _check(MONTHLY, s)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series(daily=True))
def test_daily_series_never_break_a_detector(s: pd.Series) -> None:
    _check(DAILY, s)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=5), st.floats()), max_size=30),
       st.lists(st.one_of(st.text(max_size=12), st.dates().map(str), st.none()), max_size=30))
def test_unreadable_dates_and_values_are_notes(raw: list[object], when: list[object]) -> None:
    n = min(len(raw), len(when))
    s = pd.Series(raw[:n], index=when[:n], dtype=object)
    for name in DETECTORS:
        result = scan(s, MONTHLY, name)
        assert result.episodes == [] or result.trace is not None
