"""The surge backtest on synthetic series with a small labelled file, and the labelled file
shipped with FlankWatch."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flankwatch.analytics.backtest import (
    LABELS,
    load_labelled_episodes,
    parse_series_spec,
    run_backtest,
)
from flankwatch.analytics.detectors import DETECTORS
from flankwatch.model.signal import SeriesKey
from tests.analytics.surge_synthetic import daily, plant, seasonal_months

IBC = "irregular_border_crossings"
ROUTE = SeriesKey(IBC, "test", route="Test Route")
QUIET = SeriesKey(IBC, "test", route="Quiet Route")
DAILY = SeriesKey("sea_arrivals", "test", reporting_country="ITA", precision="day")

R = "metric=irregular_border_crossings; route="
LABELLED = "\n".join([
    "episode,series,start,peak,end,label,source",
    f"Test 2018,{R}Test Route,2018-09,2018-11,2019-01,surge,made up",
    f"Test 2016 blind,{R}Test Route,2016-03,2016-03,2016-03,blind_spot,made up",
    "Daily wave,metric=sea_arrivals; reporting_country=ITA; precision=day,"
    "2021-07-08,2021-07-14,2021-07-20,surge,made up",
    f"Not in data,{R}Nowhere,2018-01,2018-02,2018-03,surge,made up",
]) + "\n"


def series() -> dict[SeriesKey, object]:
    base = seasonal_months(6, amplitude=0.3, noise=0.03, seed=5)
    labelled = plant(base, "2018-09-01", [1.6, 2.5, 4.0, 2.5, 1.5])
    unlabelled = plant(seasonal_months(6, amplitude=0.3, noise=0.03, seed=6), "2017-05-01",
                       [3.0, 5.0, 3.0])
    wave = plant(daily(800, level=300), "2021-07-10", [3.0, 5.0, 6.0, 4.0, 3.0])
    return {ROUTE: labelled, QUIET: unlabelled, DAILY: wave}


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    path = tmp_path / "episodes.csv"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def test_backtest_scores_detection_lead_and_false_alarms(labels: Path) -> None:
    result = run_backtest(series(), labels)  # type: ignore[arg-type]
    assert [s.detector for s in result.summaries] == list(DETECTORS)
    assert result.series == 3 and result.online_checked > 0
    default = result.summary("seasonal_robust")
    assert default.labelled == 2 and default.recall == 1.0
    outcome = result.outcome("seasonal_robust", "Test 2018")
    assert outcome.detected and outcome.first_alert is not None
    assert date(2018, 9, 1) <= outcome.first_alert <= date(2018, 10, 1)
    assert outcome.lead_to_peak == (11 - outcome.first_alert.month)
    assert outcome.double_period == date(2018, 10, 1)  # 2.5x of the year before
    assert outcome.lead_to_double == 10 - outcome.first_alert.month
    wave = result.outcome("seasonal_robust", "Daily wave")
    assert wave.unit == "day" and wave.detected and wave.lead_to_peak is not None
    assert 0 <= wave.lead_to_peak <= 6
    # The planted surge on the quiet route is labelled nowhere: one false alarm in 12
    # route-years.
    assert default.false_alarms == 1 and default.route_years == 12.0
    assert default.false_alarms_per_route_year == pytest.approx(1 / 12)
    missing = result.outcome("seasonal_robust", "Not in data")
    assert not missing.in_data and not missing.detected
    blind = result.outcome("seasonal_robust", "Test 2016 blind")
    assert blind.label == "blind_spot" and not blind.detected


def test_backtest_result_renders(labels: Path) -> None:
    result = run_backtest(series(), labels, detectors=["seasonal_robust", "yoy"])  # type: ignore[arg-type]
    data = result.to_json()
    text = json.dumps(data)
    assert json.loads(text)["detectors"][0]["detector"] == "seasonal_robust"
    assert data["outcomes"][0]["first_alert"] is None or isinstance(
        data["outcomes"][0]["first_alert"], str)
    table = result.to_markdown()
    lines = table.strip().splitlines()
    assert lines[0] == "| | `seasonal_robust` | `yoy` |"
    assert any(line.startswith("| recall") for line in lines)
    assert any("Test 2018: lead to peak / to 2x, mo" in line for line in lines)
    assert any("Daily wave: lead to peak / to 2x, d" in line for line in lines)
    assert any("Test 2016 blind (blind spot)" in line for line in lines)
    assert any("Not in data: series not in data" in line for line in lines)
    assert all(line.count("|") == 4 for line in lines)


def test_shipped_labelled_episodes() -> None:
    episodes = load_labelled_episodes()
    assert len(episodes) >= 20
    assert {e.label for e in episodes} <= set(LABELS)
    names = " ".join(e.episode for e in episodes)
    required = [
        ("Eastern Mediterranean Route", 2015), ("Western Balkan Route", 2015),
        ("Central Mediterranean Route", 2014), ("Central Mediterranean Route", 2016),
        ("Eastern Borders Route", 2021), ("Western African Route", 2020),
        ("Eastern Mediterranean Route", 2019),
    ]
    for route, year in required:
        assert any(e.fields.get("route") == route and e.peak.year == year
                   and e.label == "surge" for e in episodes), (route, year)
    lampedusa = [e for e in episodes if e.precision == "day"]
    assert lampedusa and lampedusa[0].peak == date(2023, 9, 12)
    assert "Lampedusa" in names
    for blind in ("Evros", "Ceuta", "Finland"):
        assert any(blind in e.episode and e.label == "blind_spot" for e in episodes), blind
    for e in episodes:
        assert e.start <= e.peak <= e.end and e.source
        parse_series_spec(e.series)
    key = SeriesKey(IBC, "frontex", route="Eastern Borders Route")
    belarus = next(e for e in episodes if "Belarus" in e.episode)
    assert belarus.matches(key)
    assert not belarus.matches(SeriesKey(IBC, "frontex", route="Eastern Borders Route",
                                          border_type="Land"))


@pytest.mark.parametrize(("row", "message"), [
    ("x,metric=a; route,2020-01,2020-02,2020-03,surge,s", "bad series part"),
    ("x,route=R,2020-01,2020-02,2020-03,surge,s", "names no metric"),
    ("x,metric=a,2020-03,2020-02,2020-01,surge,s", "start <= peak <= end"),
    ("x,metric=a,2020-01,2020-02,2020-03,maybe,s", "is not one of"),
    ("x,metric=a,2020-01,2020-02,2020-03,surge,", "public source"),
    ("x,metric=a,20-1,2020-02,2020-03,surge,s", "Invalid isoformat"),
])
def test_bad_episode_files_say_where(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("episode,series,start,peak,end,label,source\n" + row + "\n")
    with pytest.raises(ValueError, match="line 2") as info:
        load_labelled_episodes(path)
    assert message in str(info.value)
