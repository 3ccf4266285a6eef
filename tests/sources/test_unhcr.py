"""UNHCR adapters: Refugee Data Finder stocks and the Mediterranean portal extracts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.sources.registry import detect
from flankwatch.sources.unhcr import (
    ADAPTERS,
    UnhcrDisplacedByOrigin,
    UnhcrMedDisembarkation,
    UnhcrMedMonthlyArrivals,
)
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import real_file
from tests.factories import (
    JUNK_TEXT,
    MUTATION_PICKS,
    assert_claims_exactly,
    ingest_one,
    mutated_file,
    parse_all,
    real_lines,
    write,
)

RDF = """geo,t,from,group,n
DEU,2023,SYR,refugee,705812
DEU,2023,SYR,asylum,72642
AUS,2008,TIB,refugee,5
DEU,2023,QQQ,refugee,5
DEU,23,SYR,refugee,5
DEU,2023,SYR,tourist,5
DEU,2023,SYR,refugee,-5
DEU,2023,IRQ,refugee,
"""

MED = """\ufeffmonth,year,month-year,italy_all,greece_all,greece_sea,greece_land
10,2015,Oct-2015,8916,211663,211663,0
11,2015,Nov-2015,3218,NA,NA,many
13,2015,Dec-2015,1,2,3,4
12,2015,Jan-2015,1,2,3,4
"""

PLACES = """geomaster_name,admin_level,centroid_lon,centroid_lat,month,year,\
population_groups_concat,individuals,country_name,last_update
Lesvos,Settlement,26.2766,39.2035,12,2015,Mediterranean Sea Arrivals,506919,Greece,2016-12-21
Crete,Province,25.0598,35.1827,11,2015,Mediterranean Sea Arrivals,896,Greece,2016-12-21
Atlantis,Settlement,1.0,1.0,12,2015,Mediterranean Sea Arrivals,5,Atlantis,2016-12-21
Nowhere,Settlement,200.0,1.0,12,2015,Mediterranean Sea Arrivals,5,Greece,2016-12-21
Kos,Settlement,27.1667,36.8333,12,2015,Land arrivals,5,Greece,2016-12-21
"""


def _reasons(store: DuckDBStore) -> dict[int, str]:
    q = store.reader().quarantine(limit=1000)
    return dict(zip(q["line"], q["reason"], strict=True))


def _obs(store: DuckDBStore, **kw: object) -> pd.DataFrame:
    return store.reader().select(Query.build("observations", **kw))  # type: ignore[arg-type]


def test_refugee_data_finder_long(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "unhcr.csv", RDF)
    assert isinstance(detect(path), UnhcrDisplacedByOrigin)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (8, 3, 5)
    assert _reasons(store) == {
        5: "unknown country of origin: 'QQQ'",
        6: "year is not a year: '23'",
        7: "unknown population group: 'tourist'",
        8: "negative count",
        9: "count is blank",
    }
    deu = _obs(store, where={"country": "DEU"})
    assert dict(zip(deu["category"], deu["value"], strict=True)) == {"refugee": 705812,
                                                                     "asylum": 72642}
    assert set(deu["precision"]) == {"year"} and str(deu["period_start"].iloc[0])[:10] \
        == "2023-01-01"
    assert _obs(store, where={"nationality": "TIB"})["value"].tolist() == [5]
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 3)


def test_med_monthly_wide(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "med.csv", MED)
    assert isinstance(detect(path), UnhcrMedMonthlyArrivals)
    report = ingest_one(store, path)
    # Oct: 4 cells; Nov: italy + 'many' (reject), NA cells are no figure; two bad rows
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (8, 5, 3)
    assert _reasons(store) == {
        3: "count is not a number",
        4: "month/year is not a month: '13/2015'",
        5: "month-year label disagrees with month and year: 'Jan-2015'",
    }
    grc = _obs(store, start="2015-10", end="2015-11", where={"country": "GRC"})
    assert dict(zip(grc["border_type"].fillna("all"), grc["value"], strict=True)) == {
        "all": 211663, "Sea": 211663, "Land": 0}
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 5)


def test_med_disembarkation_places(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "places.csv", PLACES)
    assert isinstance(detect(path), UnhcrMedDisembarkation)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5, 2, 3)
    reasons = _reasons(store)
    assert reasons[4] == "unknown country: 'Atlantis'"
    assert reasons[5] == "centroid is not a lon/lat pair: '200.0 1.0'"
    assert reasons[6].startswith("population group is not 'Mediterranean Sea Arrivals'")
    frame = _obs(store, where={"area": ["Lesvos", "Crete"]}, order_by=["area"])
    assert frame["category"].tolist() == ["months 1-11", None]
    lesvos = frame.iloc[1]
    assert (lesvos["value"], lesvos["country"], lesvos["border_type"]) == (506919, "GRC", "Sea")
    assert lesvos["h3"] and abs(lesvos["lon"] - 26.2766) < 1e-9


_HEADERS = {"rdf": RDF.splitlines()[0], "med": MED.splitlines()[0],
            "places": PLACES.splitlines()[0]}
_ADAPTERS = {"rdf": UnhcrDisplacedByOrigin(), "med": UnhcrMedMonthlyArrivals(),
             "places": UnhcrMedDisembarkation()}


_LINES = {
    "rdf": real_lines("unhcr/unhcr_forcibly_displaced_by_asylum_origin_year.csv", RDF),
    "med": real_lines("unhcr_med/unhcr_med_arrivals_monthly_it_gr_es_cy_mt_2014_2019.csv",
                       MED),
    "places": real_lines(
        "unhcr_med/unhcr_med_sea_arrivals_by_disembarkation_place_year_2014_2022.csv", PLACES),
}


@settings(max_examples=120, deadline=None)
@given(layout=st.sampled_from(["rdf", "med", "places"]),
       random_lines=st.lists(JUNK_TEXT, max_size=5), picks=MUTATION_PICKS)
def test_random_and_mutated_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                              layout: str, random_lines: list[str],
                                              picks: list[tuple[int, int, str]]) -> None:
    lines = _LINES[layout]
    name = "f.csv"
    path = mutated_file(tmp_path_factory.mktemp("fuzz") / name, _HEADERS[layout], lines,
                        picks, random_lines)
    rows, ctx = parse_all(_ADAPTERS[layout], path)
    assert rows.get("observations", 0) >= 0 and ctx.quarantined >= 0


MINE = {
    "unhcr/unhcr_forcibly_displaced_by_asylum_origin_year.csv": "unhcr_forcibly_displaced_long",
    "unhcr_med/unhcr_med_arrivals_monthly_it_gr_es_cy_mt_2014_2019.csv":
        "unhcr_med_arrivals_monthly_wide",
    "unhcr_med/unhcr_med_sea_arrivals_by_disembarkation_place_year_2014_2022.csv":
        "unhcr_med_sea_arrivals_by_place_year",
}


@pytest.mark.realdata
def test_sniff_claims_exactly_our_real_files(real_data: Path) -> None:
    assert_claims_exactly(real_data, ADAPTERS, MINE)


@pytest.mark.realdata
def test_real_refugee_data_finder(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "unhcr/unhcr_forcibly_displaced_by_asylum_origin_year.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        191857, 191857, 0)
    assert report.tally.balanced
    # values read from the file (lines 59253-59254 and 173667)
    deu = _obs(store, start="2023", end="2024", where={"country": "DEU", "nationality": "SYR"})
    assert dict(zip(deu["category"], deu["value"], strict=True)) == {"refugee": 705812,
                                                                     "asylum": 72642}
    tur = _obs(store, start="2023", end="2024", where={"country": "TUR", "nationality": "SYR",
                                                       "category": "refugee"})
    assert tur["value"].tolist() == [3214780]
    # UNHCR's own code for Tibetans is kept as a pseudo-code (128 rows)
    assert len(_obs(store, where={"nationality": "TIB"})) == 128


@pytest.mark.realdata
def test_real_med_monthly(store: DuckDBStore) -> None:
    path = real_file("unhcr_med/unhcr_med_arrivals_monthly_it_gr_es_cy_mt_2014_2019.csv")
    report = ingest_one(store, path)
    # 71 months x 9 measures, minus the NA cells
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (509, 509, 0)
    grc = _obs(store, start="2015-10", end="2015-11", where={"country": "GRC"})
    assert grc.loc[grc["border_type"].isna(), "value"].tolist() == [211663]
    assert ingest_one(store, path).tally.duplicates == 509


@pytest.mark.realdata
def test_real_med_disembarkation(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "unhcr_med/unhcr_med_sea_arrivals_by_disembarkation_place_year_2014_2022.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (211, 211, 0)
    lesvos = _obs(store, start="2015", end="2016", where={"area": "Lesvos"})
    assert lesvos["value"].tolist() == [506919]
    frame = _obs(store)
    assert frame["h3"].notna().all()
    # Crete and Tilos 2015, Kalymnos 2018, Melilla 2016: UNHCR's figure runs to Nov or Sep only
    assert (frame["category"].notna()).sum() == 4
