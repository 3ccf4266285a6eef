"""Surge detection on the real public data: a temporary store is built from the few files
the series come from (skipped when the shared data folder is absent)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import flankwatch
from flankwatch.analytics.backtest import run_backtest
from flankwatch.analytics.series import ARRIVALS, ASYLUM, IBC, SEA_ARRIVALS, build_series
from flankwatch.analytics.surge import detect, nationality_components
from flankwatch.model.signal import SeriesKey, SurgeEpisode
from tests.conftest import real_file

pytestmark = pytest.mark.realdata

FILES = (
    "frontex/frontex_ibc_monthly_route_nationality_long.csv",
    "eurostat/asylum_applicants_monthly_total_by_geo_2012_2019_ebu.csv",
    "iom_dtm/dtm_europe_arrivals_monthly_by_country_1997_2024.csv",
    "italy/italy_sea_arrivals_daily_2019-09_2025-09.csv",
    "missing_migrants/iom_mmp_incidents_2014_2025.csv",
)


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[SeriesKey, pd.Series]]:
    paths = [real_file(f) for f in FILES]
    db = Path(tmp_path_factory.mktemp("surge")) / "real.duckdb"
    with flankwatch.open_store(db) as fw:
        report = fw.ingest(*paths)
        assert report.total.quarantined == 0
        obs = fw.observations([IBC, ASYLUM, ARRIVALS, SEA_ARRIVALS])
        events = fw.events(kinds="migrant_death")
    yield build_series(obs, events)


def route(name: str) -> SeriesKey:
    return SeriesKey(IBC, "frontex", route=name)


def around(episodes: list[SurgeEpisode], start: date, end: date) -> SurgeEpisode:
    hits = [e for e in episodes if e.first_period <= end and e.last_period >= start]
    assert hits, [(e.first_period, e.last_period) for e in episodes]
    return hits[0]


def test_the_hierarchy_is_complete(series: dict[SeriesKey, pd.Series]) -> None:
    routes = {k.route for k in series if k.metric == IBC and k.border_type is None
              and k.nationality == "ALL" and k.route}
    assert len(routes) == 9
    total = series[SeriesKey(IBC, "frontex")]
    assert total.index[0] == pd.Timestamp("2009-01-01") and total.index[-1] == pd.Timestamp(
        "2025-04-01")
    assert series[route("Eastern Mediterranean Route")]["2015-10-01"] == 216260
    assert series[route("Eastern Borders Route")]["2021-07-01"] == 3236
    assert SeriesKey(IBC, "frontex", route="Eastern Borders Route", border_type="Land",
                     nationality="IRQ") in series
    assert series[SeriesKey(ASYLUM, "eurostat", reporting_country="HUN")]["2015-08-01"] == 47095
    assert SeriesKey(SEA_ARRIVALS, "italy_moi", reporting_country="ITA",
                     precision="day") in series
    assert any(k.metric == "dead_and_missing" for k in series)


def test_belarus_2021_is_caught_before_its_peak(series: dict[SeriesKey, pd.Series]) -> None:
    key = route("Eastern Borders Route")
    e = around(detect(series[key], key, components=nationality_components(key, series)),
               date(2021, 6, 1), date(2021, 11, 1))
    assert date(2021, 4, 1) <= e.first_period <= date(2021, 6, 1)  # before the July peak
    assert e.peak_period == date(2021, 7, 1) and e.observed == 3236
    assert e.drivers and e.drivers[0].nationality == "IRQ"
    assert "Iraq" in e.explanation


def test_eastern_mediterranean_2015_is_caught_months_ahead(
        series: dict[SeriesKey, pd.Series]) -> None:
    key = route("Eastern Mediterranean Route")
    e = around(detect(series[key], key, components=nationality_components(key, series)),
               date(2015, 3, 1), date(2016, 3, 1))
    assert e.first_period <= date(2015, 6, 1)
    assert e.peak_period == date(2015, 10, 1)
    assert {d.nationality for d in e.drivers[:3]} >= {"SYR", "AFG"}


def test_lampedusa_2023_is_flagged_before_the_peak_day(
        series: dict[SeriesKey, pd.Series]) -> None:
    key = SeriesKey(SEA_ARRIVALS, "italy_moi", reporting_country="ITA", precision="day")
    episodes = detect(series[key], key)
    hits = [e for e in episodes if date(2023, 8, 1) <= e.first_period <= date(2023, 9, 12)]
    assert hits


def test_backtest_meets_its_targets_on_the_real_data(
        series: dict[SeriesKey, pd.Series]) -> None:
    result = run_backtest(series)
    default = result.summary("seasonal_robust")
    assert default.recall >= 0.9
    assert default.median_lead_to_peak is not None and default.median_lead_to_peak >= 1
    assert default.false_alarms_per_route_year <= 0.2
    assert result.online_checked > 0
    for peer in ("cusum", "ewma"):
        other = result.summary(peer)
        assert other.median_lead_to_peak is not None
        assert default.median_lead_to_peak > other.median_lead_to_peak
