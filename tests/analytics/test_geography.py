"""Country adjacency and continents from Natural Earth polygons (analytics/geography.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import flankwatch
from flankwatch.analytics.geography import Geography, country_table, far_mask, land_borders
from flankwatch.analytics.instrumentalisation import TRANSIT_COUNTRIES
from tests.conftest import real_file


def square(x0: float, y0: float, size: float = 1.0) -> str:
    x1, y1 = x0 + size, y0 + size
    return f"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def areas(rows: list[tuple[str, str, str, str]], scale: str = "50m",
          upper: bool = False) -> pd.DataFrame:
    """An ``areas`` frame as the store gives it: (iso3, name, continent, wkt) per country."""
    key = "CONTINENT" if upper else "continent"
    return pd.DataFrame({
        "kind": ["country"] * len(rows),
        "iso3": [r[0] for r in rows],
        "name": [r[1] for r in rows],
        "geometry_wkt": [r[3] for r in rows],
        "attrs": [json.dumps({key: r[2], "flankwatch:scale": scale}) for r in rows],
    })


# A toy world: A and B share an edge, C is 0.005 degrees from B, D is an island far away.
TOY = [
    ("AAA", "Aland", "Europe", square(0, 0)),
    ("BBB", "Beeland", "Europe", square(1, 0)),
    ("CCC", "Ceeland", "Asia", square(2.005, 0)),
    ("DDD", "Deeland", "Africa", square(10, 10)),
]


def test_country_table_reads_continents_in_either_case_and_prefers_the_finest_scale() -> None:
    coarse = areas(TOY, scale="110m", upper=True)
    fine = areas(TOY[:2], scale="50m")
    fine["name"] = ["Aland (50m)", "Beeland (50m)"]
    marine = pd.DataFrame({"kind": ["marine"], "iso3": [None], "name": ["Sea"],
                           "geometry_wkt": [square(5, 5)], "attrs": ["{}"]})
    table = country_table(pd.concat([coarse, fine, marine], ignore_index=True))
    assert list(table["iso3"]) == ["AAA", "BBB", "CCC", "DDD"]
    assert list(table["continent"]) == ["Europe", "Europe", "Asia", "Africa"]
    assert list(table["scale"]) == ["50m", "50m", "110m", "110m"]
    assert table.loc[0, "name"] == "Aland (50m)"


def test_country_table_takes_attrs_as_json_or_mapping_and_survives_empty_input() -> None:
    frame = areas(TOY[:1])
    frame["attrs"] = [{"CONTINENT": "Europe"}]
    assert country_table(frame).loc[0, "continent"] == "Europe"
    assert country_table(pd.DataFrame()).empty
    assert land_borders(country_table(pd.DataFrame())).empty


def test_land_borders_touch_or_lie_within_the_tolerance() -> None:
    table = country_table(areas(TOY))
    pairs = {tuple(p) for p in land_borders(table, tolerance_deg=0.01).to_numpy()}
    assert pairs == {("AAA", "BBB"), ("BBB", "AAA"), ("BBB", "CCC"), ("CCC", "BBB")}
    strict = {tuple(p) for p in land_borders(table, tolerance_deg=0.0).to_numpy()}
    assert strict == {("AAA", "BBB"), ("BBB", "AAA")}


def test_far_means_no_land_border_and_another_continent() -> None:
    table = country_table(areas(TOY))
    geo = Geography.from_frames(table, land_borders(table))
    assert geo.is_far("DDD", ["AAA"]) is True  # other continent, no border
    assert geo.is_far("BBB", ["AAA"]) is False  # neighbour
    assert geo.is_far("CCC", ["BBB"]) is False  # other continent but a neighbour
    assert geo.is_far("CCC", ["AAA"]) is True
    assert geo.is_far("AAA", ["AAA"]) is False  # the transit country itself
    assert geo.is_far("DDD", ["AAA", "DDD"]) is False  # near one of several transit states
    assert geo.is_far("OOS", ["AAA"]) is True  # sub-Saharan Africa, no polygon
    assert geo.is_far("OOO", ["AAA"]) is None  # unknown: cannot be placed
    mask = far_mask(["DDD", "BBB", "OOO"], ["AAA"], geo)
    assert mask[0] == 1.0 and mask[1] == 0.0 and pd.isna(mask[2])
    assert not geo.empty and Geography().empty


@pytest.fixture(scope="module")
def natural_earth(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = real_file("boundaries/ne_50m_admin_0_countries.geojson")
    coarse = real_file("boundaries/ne_110m_admin_0_countries.geojson")
    fw = flankwatch.open_store(Path(tmp_path_factory.mktemp("ne")) / "fw.duckdb")
    fw.ingest(path, coarse)
    frame = fw.areas(kind="country")
    fw.close()
    return frame


@pytest.mark.realdata
def test_real_neighbours_and_continents(natural_earth: pd.DataFrame) -> None:
    table = country_table(natural_earth)
    assert set(table["scale"]) == {"50m"}  # 50m wins over 110m everywhere
    geo = Geography.from_frames(table, land_borders(table))
    assert geo.neighbours["BLR"] == {"LTU", "LVA", "POL", "RUS", "UKR"}
    assert {"GRC", "BGR", "SYR", "IRQ", "IRN", "GEO"} <= geo.neighbours["TUR"]
    assert geo.neighbours["LBY"] == {"DZA", "EGY", "NER", "SDN", "TCD", "TUN"}
    assert "FIN" in geo.neighbours["RUS"] and "XKX" in geo.neighbours["SRB"]
    assert geo.continent("TUR") == "Asia" and geo.continent("RUS") == "Europe"
    assert geo.continent("COG") == "Africa"
    # Belarus 2021: Iraqis, Afghans and Congolese came from far; Ukrainians and Georgians not.
    for origin in ("IRQ", "AFG", "COG", "CMR", "SYR"):
        assert geo.is_far(origin, ["BLR", "RUS"]) is True, origin
    for origin in ("UKR", "GEO", "KAZ", "POL"):
        assert geo.is_far(origin, ["BLR", "RUS"]) is False, origin
    # Turkey's Syrian and Iraqi neighbours, and Afghans (same continent), are not far.
    assert not any(geo.is_far(o, ["TUR"]) for o in ("SYR", "IRQ", "AFG", "IRN"))


@pytest.mark.realdata
def test_real_110m_polygons_give_the_same_borders_for_the_transit_states(
        natural_earth: pd.DataFrame) -> None:
    coarse = natural_earth[natural_earth["attrs"].str.contains('"110m"')]
    fine = natural_earth[natural_earth["attrs"].str.contains('"50m"')]
    g110 = Geography.from_frames(country_table(coarse), land_borders(country_table(coarse)))
    g50 = Geography.from_frames(country_table(fine), land_borders(country_table(fine)))
    for transit in sorted({t for ts in TRANSIT_COUNTRIES.values() for t in ts}):
        assert g110.neighbours[transit] == g50.neighbours[transit], transit
