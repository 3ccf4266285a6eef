"""The Python API a notebook user works with."""

from __future__ import annotations

from pathlib import Path

import pytest

import flankwatch
from tests.factories import write

LONG = """route,type,nat,t,n
Eastern Borders Route,Land,IRQ,2021-06,352
Eastern Borders Route,Land,IRQ,2021-07,1903
Eastern Borders Route,Land,AFG,2021-07,308
Central Mediterranean Route,Sea,TUN,2021-07,900
"""
MMP = (
    "t,m,type,route,geo,dead,cause,surv,nat,location,lon,lat\n"
    "2023-06-14,2023-06,Incident,Central Mediterranean Route,GRC,646.0,Drowning,104,PAK,"
    "Off Pylos,21.2,36.9\n"
    "2016-05-26,2016-05,Incident,Central Mediterranean Route,LBY,550.0,Drowning,,UNK,"
    "Off Zuwara,12.1,33.2\n"
)


@pytest.fixture
def fw(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = flankwatch.open_store(tmp_path / "nb.duckdb")
    report = store.ingest(write(tmp_path, "ibc.csv", LONG), write(tmp_path, "mmp.csv", MMP))
    assert report.total.stored == 6
    yield store
    store.close()


def test_series_in_long_format(fw) -> None:  # type: ignore[no-untyped-def]
    total = fw.series("irregular_border_crossings", route="Eastern Borders Route")
    assert list(total.columns[:3]) == ["unique_id", "ds", "y"]
    assert total["y"].tolist() == [352, 2211]
    by_nat = fw.series("irregular_border_crossings", route="Eastern Borders Route",
                       by=("nationality",))
    assert set(by_nat["unique_id"]) == {"IRQ", "AFG"}


def test_events_by_area_and_time(fw) -> None:  # type: ignore[no-untyped-def]
    assert len(fw.events(bbox=(20, 35, 23, 38))) == 1
    assert len(fw.events(start="2020-01-01")) == 1
    assert fw.events(kinds="migrant_death")["fatalities_best"].sum() == 1196
    assert fw.status()["events"] == 2


def test_geo_frames(fw) -> None:  # type: ignore[no-untyped-def]
    gpd = pytest.importorskip("geopandas")
    frame = fw.events(geo=True)
    assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].x in (21.2, 12.1)


def test_parquet_export(fw, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = fw.export_parquet(tmp_path / "pq")
    assert (tmp_path / "pq" / "events.parquet") in paths
