"""Surge detection on small synthetic series: planted surges are found where they were
planted, a seasonal rise is not a surge, no detector looks ahead, and episodes come with
drivers, a history, an explanation and a chart."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pandas as pd
import pytest

from flankwatch.analytics.detectors import (
    DEFAULT_DETECTOR,
    DETECTORS,
    Configured,
    Cusum,
    SeasonalRobustSettings,
)
from flankwatch.analytics.detectors.base import trailing_sum
from flankwatch.analytics.surge import (
    detect,
    flagged_runs,
    get_detector,
    nationality_components,
    scan,
)
from flankwatch.analytics.surge_chart import episode_svg, history_svg
from flankwatch.analytics.surge_drivers import drivers
from flankwatch.analytics.surge_input import prepare_series
from flankwatch.model.signal import Point, SeriesKey
from tests.analytics.surge_synthetic import daily, plant, seasonal_months

ROUTE = SeriesKey("irregular_border_crossings", "test", route="Test Route")
DAILY = SeriesKey("sea_arrivals", "test", reporting_country="ITA", precision="day")


def planted() -> pd.Series:
    """A mildly seasonal series with a surge from September 2018 peaking in November."""
    base = seasonal_months(6, amplitude=0.3, noise=0.03, seed=5)
    return plant(base, "2018-09-01", [1.6, 2.5, 4.0, 2.5, 1.5])


def test_planted_surge_is_found_with_its_onset_and_peak() -> None:
    episodes = detect(planted(), ROUTE)
    assert len(episodes) == 1
    e = episodes[0]
    assert e.detector == DEFAULT_DETECTOR and e.detector_version
    assert e.onset_period == date(2018, 9, 1)
    assert date(2018, 9, 1) <= e.first_period <= date(2018, 10, 1)
    assert e.peak_period == date(2018, 11, 1)
    assert e.first_period <= e.peak_period <= e.last_period <= date(2019, 2, 1)
    assert not e.ongoing
    assert e.observed == planted()["2018-11-01"]
    assert e.lower < e.expected < e.upper < e.observed
    assert e.ratio == pytest.approx(e.observed / e.expected)
    assert e.ratio > 3
    assert 0 < e.score <= 1


@pytest.mark.parametrize("name", list(DETECTORS))
def test_every_detector_finds_a_large_surge(name: str) -> None:
    series = plant(seasonal_months(6, amplitude=0.3, noise=0.03, seed=5), "2018-09-01",
                   [3.0, 6.0, 10.0, 6.0, 3.0])
    episodes = detect(series, ROUTE, name)
    assert episodes, name
    assert any(date(2018, 9, 1) <= e.first_period <= date(2018, 11, 1) for e in episodes)


def test_a_seasonal_rise_is_not_a_surge() -> None:
    # July is four times January every year: the default detector learns it.
    series = seasonal_months(6, amplitude=0.6, noise=0.08, seed=1)
    assert detect(series, ROUTE) == []


def test_a_seasonal_peak_in_a_surge_year_is_judged_against_its_own_month() -> None:
    base = seasonal_months(6, amplitude=0.6, noise=0.05, seed=2)
    # Twice the usual July: the same absolute level as other months' surges would be, but
    # judged against July's own expected value.
    surged = plant(base, "2019-06-01", [2.2, 2.4, 2.2])
    episodes = detect(surged, ROUTE)
    assert len(episodes) == 1
    assert date(2019, 6, 1) <= episodes[0].first_period <= date(2019, 7, 1)


@pytest.mark.parametrize("name", list(DETECTORS))
@pytest.mark.parametrize("precision", ["month", "day"])
def test_no_look_ahead(name: str, precision: str) -> None:
    """The decisions, expected values and bands at every period are the same whether the
    detector saw the rest of the series or not."""
    if precision == "month":
        series = plant(seasonal_months(8, seed=7), "2019-03-01", [1.8, 3.0, 5.0, 3.0])
    else:
        series = plant(daily(800), "2021-06-01", [1.5, 2.0, 3.0, 4.0, 3.0, 2.0, 1.5, 1.2])
    det = DETECTORS[name]
    prepared = prepare_series(series, precision)
    full = det.run(prepared.values, prepared.periods, precision=precision)
    assert full.flagged.any(), "the test series must make the detector decide something"
    for cut in (40, len(series) // 2, len(series) - 13, len(series) - 1):
        head = det.run(prepared.values[:cut], prepared.periods[:cut], precision=precision)
        short = full.head(cut)
        assert np.array_equal(head.flagged, short.flagged), cut
        assert np.array_equal(head.decided, short.decided), cut
        for a, b in ((head.expected, short.expected), (head.upper, short.upper),
                     (head.lower, short.lower), (head.score, short.score)):
            assert np.allclose(a, b, equal_nan=True), cut


def test_no_look_ahead_in_episodes() -> None:
    """An episode seen in a truncated series starts where the full series says it did."""
    series = planted()
    full = detect(series, ROUTE)[0]
    cut = series[: pd.Timestamp("2018-10-01")]
    partial = detect(cut, ROUTE)
    assert len(partial) == 1
    assert partial[0].first_period == full.first_period
    assert partial[0].ongoing
    assert "still flagged" in partial[0].explanation


def test_daily_series_are_judged_on_seven_day_totals() -> None:
    series = plant(daily(800, level=300), "2021-07-10", [3.0, 5.0, 6.0, 4.0, 3.0])
    episodes = detect(series, DAILY)
    hit = [e for e in episodes if date(2021, 7, 10) <= e.first_period <= date(2021, 7, 16)]
    assert hit
    assert "in the 7 days to" in hit[0].explanation
    peak = pd.Timestamp(hit[0].peak_period)
    assert hit[0].observed == series[peak - pd.Timedelta(days=6):peak].sum()


def test_episodes_carry_history_explanation_and_chart() -> None:
    e = detect(planted(), ROUTE)[0]
    assert 0 < len(e.history) <= 36
    assert e.history[-1].period >= e.last_period
    assert any(p.flagged for p in e.history)
    assert all(isinstance(p, Point) for p in e.history)
    text = e.explanation
    for fragment in ("Irregular border crossings, Test Route", "November 2018", "expected",
                     "normal range", "times the expected level", "first flagged it in",
                     "the rise began in September 2018", "last flagged"):
        assert fragment in text, fragment
    svg = episode_svg(e)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg.count("<circle") == sum(p.flagged for p in e.history)
    assert "onset" in svg and "first alert" in svg and "<polygon" in svg
    assert "href" not in svg and "<script" not in svg


def test_chart_escapes_titles_and_handles_no_data() -> None:
    svg = history_svg([Point(date(2020, 1, 1), 5.0)], title='A <b> & "c"')
    ET.fromstring(svg)
    assert "<b>" not in svg
    empty = history_svg([], title="nothing")
    assert "no data" in empty
    ET.fromstring(empty)


def test_drivers_name_the_nationalities_behind_a_surge() -> None:
    index = pd.date_range("2016-01-01", periods=60, freq="MS")
    rng = np.random.default_rng(4)
    steady = pd.Series(rng.normal(800, 30, 60).round(), index=index)
    small = pd.Series(rng.normal(200, 15, 60).round(), index=index)
    surging = pd.Series(rng.normal(100, 10, 60).round(), index=index)
    surging.loc["2020-06-01":"2020-08-01"] = [900, 2500, 1200]
    parts = {"SYR": steady, "IRQ": surging, "AFG": small}
    total = steady + small + surging
    episodes = detect(total, ROUTE, components=parts)
    assert episodes
    e = next(x for x in episodes if x.peak_period == date(2020, 7, 1))
    assert e.drivers[0].nationality == "IRQ"
    assert e.drivers[0].share == pytest.approx(2500 / total["2020-07-01"])
    assert e.drivers[0].expected is not None and e.drivers[0].expected < 200
    assert "Iraq" in e.explanation
    direct = drivers(date(2020, 7, 1), float(total["2020-07-01"]), parts,
                     DETECTORS[DEFAULT_DETECTOR])
    assert [d.nationality for d in direct] == [d.nationality for d in e.drivers]
    assert drivers(date(2020, 7, 1), 0.0, parts, DETECTORS[DEFAULT_DETECTOR]) == []


def test_nationality_components_sum_over_border_types() -> None:
    index = pd.date_range("2020-01-01", periods=3, freq="MS")
    one = pd.Series([1.0, 2.0, 3.0], index=index)
    series = {
        ROUTE: one * 3,
        SeriesKey(ROUTE.metric, "test", route="Test Route", border_type="Land",
                  nationality="IRQ"): one,
        SeriesKey(ROUTE.metric, "test", route="Test Route", border_type="Sea",
                  nationality="IRQ"): one,
        SeriesKey(ROUTE.metric, "test", route="Other Route", border_type="Sea",
                  nationality="IRQ"): one * 10,
        SeriesKey(ROUTE.metric, "test", route="Test Route", border_type="Sea",
                  nationality="SYR"): one,
    }
    parts = nationality_components(ROUTE, series)
    assert set(parts) == {"IRQ", "SYR"}
    assert parts["IRQ"].tolist() == [2.0, 4.0, 6.0]
    land = SeriesKey(ROUTE.metric, "test", route="Test Route", border_type="Land")
    assert set(nationality_components(land, series)) == {"IRQ"}
    assert nationality_components(
        SeriesKey(ROUTE.metric, "test", route="Test Route", nationality="IRQ"), series) == {}


def test_short_series_are_explained_not_decided() -> None:
    series = seasonal_months(1)[:8]
    result = scan(series, ROUTE)
    assert result.episodes == [] and result.decided == 0
    assert any("not enough history" in n and "no decision" in n for n in result.notes)


@pytest.mark.parametrize(("mangle", "note"), [
    (lambda s: s.where(~s.index.isin(s.index[30:33])), "had no value"),
    (lambda s: s.where(s.index != s.index[20], -5.0), "negative value"),
    (lambda s: s * 0.0, "zero throughout"),
    (lambda s: pd.concat([s, s.iloc[[10]] * 2]), "more than one value"),
    (lambda s: s.where(s.index != s.index[25], np.inf), "infinite"),
    (lambda s: s.astype(object).where(s.index != s.index[26], "n/a"), "not numbers"),
])
def test_bad_input_is_handled_and_explained(mangle, note) -> None:  # type: ignore[no-untyped-def]
    series = mangle(planted())
    for name in DETECTORS:
        result = scan(series, ROUTE, name)
        assert any(note in n for n in result.notes), (name, result.notes)
        for e in result.episodes:
            assert note in e.explanation


def test_revised_values_keep_the_last_one() -> None:
    series = planted()
    revised = pd.concat([series, pd.Series([0.0], index=[series.index[3]])])
    prepared = prepare_series(revised)
    assert prepared.values[3] == 0.0
    assert len(prepared) == len(series)


def test_missing_periods_get_no_decision_and_do_not_break_episodes() -> None:
    series = planted().drop(pd.to_datetime(["2017-03-01", "2017-04-01"]))
    result = scan(series, ROUTE)
    assert result.trace is not None
    where = list(result.periods).index(pd.Timestamp("2017-03-01"))
    assert not result.trace.decided[where] and math.isnan(result.trace.observed[where])
    assert [e.peak_period for e in result.episodes] == [date(2018, 11, 1)]


def test_runs_allow_a_gap_of_one() -> None:
    flags = np.array([0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1], dtype=bool)
    assert flagged_runs(flags) == [(1, 4), (7, 7), (11, 11)]
    assert flagged_runs(flags, max_gap=0) == [(1, 2), (4, 4), (7, 7), (11, 11)]
    assert flagged_runs(np.zeros(3, dtype=bool)) == []


def test_detector_lookup_and_configuration() -> None:
    assert get_detector(None).NAME == DEFAULT_DETECTOR
    assert get_detector("cusum").NAME == "cusum"
    with pytest.raises(ValueError, match="unknown detector"):
        get_detector("nope")
    strict = Configured(Cusum(), h=50.0)
    assert strict.NAME == "cusum[h=50.0]"
    assert strict.default_settings("day").smooth == 7
    assert detect(planted(), ROUTE, strict) == []
    with pytest.raises(TypeError):
        Configured(Cusum(), nonsense=1)
    assert SeasonalRobustSettings.for_precision("day").smooth == 7
    for det in DETECTORS.values():
        assert det.NAME and det.VERSION and det.SUMMARY
        monthly = det.default_settings("month")
        assert monthly.floor > 0 and monthly.smooth == 1


def test_trailing_sum_is_online() -> None:
    values = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
    out = trailing_sum(values, 2)
    assert np.isnan(out[0]) and out[1] == 3.0 and np.isnan(out[2]) and np.isnan(out[3])
    assert out[4] == 9.0 and out[5] == 11.0
    assert np.array_equal(trailing_sum(values, 1), values, equal_nan=True)


def test_indexes_of_every_kind_give_the_same_series() -> None:
    values = [1.0, 2.0, 3.0]
    months = pd.date_range("2020-01-01", periods=3, freq="MS")
    expected = prepare_series(pd.Series(values, index=months))
    for index in (pd.period_range("2020-01", periods=3, freq="M"),
                  ["2020-01", "2020-02", "2020-03"],
                  [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)],
                  pd.date_range("2020-01-01", periods=3, freq="MS", tz="Europe/Rome"),
                  pd.DatetimeIndex(["2020-01-15", "2020-02-15", "2020-03-15"], tz="UTC")):
        got = prepare_series(pd.Series(values, index=index))
        assert list(got.periods) == list(expected.periods), index
        assert got.values.tolist() == values and got.notes == ()
