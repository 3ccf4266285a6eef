"""The series surge detection judges, built from small observation and event frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from flankwatch.analytics.series import (
    ARRIVALS,
    ASYLUM,
    DEAD_AND_MISSING,
    IBC,
    SEA_ARRIVALS,
    build_series,
    to_series,
)
from flankwatch.model.signal import SeriesKey


def obs(rows: list[tuple[object, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame


FRONTEX_COLUMNS = ("metric", "source", "precision", "route", "border_type", "nationality",
                   "period_start", "value")


def frontex() -> pd.DataFrame:
    rows = [
        ("Eastern Borders Route", "Land", "IRQ", "2021-01-01", 10),
        ("Eastern Borders Route", "Land", "IRQ", "2021-04-01", 1500),  # Feb, Mar omitted
        ("Eastern Borders Route", "Land", "AFG", "2021-04-01", 20),
        ("Central Mediterranean Route", "Sea", "TUN", "2021-02-01", 900),
        ("Central Mediterranean Route", "Sea", "TUN", "2021-03-01", 300),
        ("Central Mediterranean Route", "Land", "TUN", "2021-03-01", 5),
    ]
    return obs([(IBC, "frontex", "month", *r) for r in rows], FRONTEX_COLUMNS)


def test_frontex_hierarchy_is_zero_filled_over_the_data_span() -> None:
    out = build_series(frontex(), min_nationality_total=1000)
    months = pd.date_range("2021-01-01", "2021-04-01", freq="MS")
    total = out[SeriesKey(IBC, "frontex")]
    assert list(total.index) == list(months)
    assert total.tolist() == [10.0, 900.0, 305.0, 1520.0]
    eb = out[SeriesKey(IBC, "frontex", route="Eastern Borders Route")]
    assert eb.tolist() == [10.0, 0.0, 0.0, 1520.0]
    cm = out[SeriesKey(IBC, "frontex", route="Central Mediterranean Route")]
    assert cm.tolist() == [0.0, 900.0, 305.0, 0.0]
    cm_land = out[SeriesKey(IBC, "frontex", route="Central Mediterranean Route",
                            border_type="Land")]
    assert cm_land.tolist() == [0.0, 0.0, 5.0, 0.0]
    irq = out[SeriesKey(IBC, "frontex", route="Eastern Borders Route", border_type="Land",
                        nationality="IRQ")]
    assert irq.tolist() == [10.0, 0.0, 0.0, 1500.0]
    # Nationalities under the volume threshold have no series of their own.
    nationalities = {k.nationality for k in out if k.metric == IBC}
    assert nationalities == {"ALL", "IRQ", "TUN"}
    assert all(s.dtype == float for s in out.values())
    assert len([k for k in out if k.nationality == "ALL"]) == 1 + 2 + 3


def test_revisions_count_once() -> None:
    frame = frontex()
    revised = frame.iloc[[1]].assign(value=1600, ingested_at=pd.Timestamp("2030-01-01"))
    frame = pd.concat([frame.assign(ingested_at=pd.Timestamp("2025-01-01")), revised])
    out = build_series(frame)
    eb = out[SeriesKey(IBC, "frontex", route="Eastern Borders Route")]
    assert eb.iloc[-1] == 1620.0


def test_country_series_keep_missing_months_missing() -> None:
    columns = ("metric", "source", "precision", "nationality", "country", "period_start",
               "value")
    rows = [
        (ASYLUM, "eurostat", "month", "ALL", "HUN", "2015-06-01", 16580),
        (ASYLUM, "eurostat", "month", "ALL", "HUN", "2015-08-01", 47095),  # July missing
        (ASYLUM, "eurostat", "month", "SYR", "HUN", "2015-08-01", 20000),  # by citizenship
        (ARRIVALS, "iom_dtm", "month", "ALL", "ESP-WAAR", "2020-10-01", 5328),
        (ARRIVALS, "iom_dtm", "month", "ALL", "ESP-WAAR", "2020-11-01", 8157),
        (ARRIVALS, "unhcr", "month", None, "GRC", "2015-10-01", 211663),
    ]
    out = build_series(obs(rows, columns))
    hun = out[SeriesKey(ASYLUM, "eurostat", reporting_country="HUN")]
    assert hun.iloc[0] == 16580 and math.isnan(hun.iloc[1]) and hun.iloc[2] == 47095
    canary = out[SeriesKey(ARRIVALS, "iom_dtm", reporting_country="ESP-WAAR")]
    assert canary.tolist() == [5328.0, 8157.0]
    assert not any(k.source == "unhcr" for k in out)
    assert len(out) == 2


def test_daily_sea_arrivals_and_their_complete_months() -> None:
    days = pd.date_range("2023-08-20", "2023-10-05", freq="D")
    frame = pd.DataFrame({
        "metric": SEA_ARRIVALS, "source": "italy_moi", "precision": "day", "country": "ITA",
        "border_type": "Sea", "period_start": days, "value": 100.0})
    frame = frame[frame["period_start"] != pd.Timestamp("2023-09-03")]  # one day missing
    out = build_series(frame)
    daily = out[SeriesKey(SEA_ARRIVALS, "italy_moi", reporting_country="ITA",
                          precision="day")]
    assert len(daily) == len(days) and math.isnan(daily["2023-09-03"])
    monthly = out[SeriesKey(SEA_ARRIVALS, "italy_moi", reporting_country="ITA")]
    # August starts on the 20th and September lacks a day: only complete months count.
    assert list(monthly.index.strftime("%Y-%m")) == ["2023-08", "2023-09", "2023-10"]
    assert monthly.isna().all()
    full = build_series(frame.assign(
        period_start=pd.date_range("2023-08-01", periods=len(frame), freq="D")))
    monthly = full[SeriesKey(SEA_ARRIVALS, "italy_moi", reporting_country="ITA")]
    assert monthly.iloc[0] == 3100.0


def test_dead_and_missing_by_route_count_each_incident_once() -> None:
    events = pd.DataFrame({
        "kind": ["migrant_death"] * 5 + ["armed_clash"],
        "source": "iom_mmp",
        "time_start": pd.to_datetime(["2016-05-26", "2016-05-27", "2016-05-26", "2016-07-01",
                                      "2016-05-02", "2016-05-02"], utc=True),
        "route": ["Central Mediterranean Route", "Central Mediterranean Route",
                  "Central Mediterranean Route", "Central Mediterranean Route", None,
                  "Central Mediterranean Route"],
        "fatalities_best": [550.0, 3.0, 550.0, float("nan"), 7.0, 99.0],
        "file": ["new.csv", "new.csv", "old.csv", "new.csv", "new.csv", "x.csv"],
    })
    out = build_series(pd.DataFrame(), events)
    cm = out[SeriesKey(DEAD_AND_MISSING, "iom_mmp", route="Central Mediterranean Route")]
    # May: the same wreck in two files counts once (553), June: 0, July: unknown count = 0.
    assert cm.tolist() == [553.0, 0.0, 0.0]
    assert len(out) == 1


def test_empty_inputs_give_no_series() -> None:
    assert build_series(pd.DataFrame()) == {}
    assert build_series(pd.DataFrame(columns=list(FRONTEX_COLUMNS)), pd.DataFrame()) == {}


@pytest.mark.parametrize("column", ["period_start"])
def test_tz_aware_periods_are_accepted(column: str) -> None:
    frame = frontex()
    frame[column] = frame[column].dt.tz_localize("UTC")
    out = build_series(frame)
    assert out[SeriesKey(IBC, "frontex")].index[0] == pd.Timestamp("2021-01-01")


def test_to_series_is_unchanged() -> None:
    frame = frontex().assign(country=None, area=None, category=None)
    long = to_series(frame, by=("route",))
    assert list(long.columns) == ["unique_id", "ds", "y", "route"]
    assert long["y"].sum() == frontex()["value"].sum()
