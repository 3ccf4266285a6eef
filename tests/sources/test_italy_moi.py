"""Italian Ministry of the Interior bulletins (onData extraction): daily sea arrivals, the raw
overlapping bulletin tables, year-to-date nationalities and reception by region."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.sources.base import Adapter, read_head
from flankwatch.sources.italy_moi import (
    ADAPTERS,
    ItalyDailySeaArrivals,
    ItalyNationalityYtd,
    ItalyRawBulletins,
    ItalyReceptionByRegion,
)
from flankwatch.sources.registry import detect
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

N, F = "*I dati si riferiscono agli eventi di sbarco", "Fonte: Dipartimento della P.S."
RAW = f"""Data,Valore,Note,Fonte,Data_Report
2023-09-01,100,{N},{F},2023-09-15
2023-09-02,50,{N},{F},2023-09-15
2023-09-16,0,{N},{F},2023-09-15
2023-09-31,0,{N},{F},2023-09-15
2023-09-01,120,{N},{F},2023-09-30
2023-09-02,50,{N},{F},2023-09-30
2023-09-12,4998,{N},{F},2023-09-30
2023-09-17,,{N},{F},2023-09-30
2023-09-18,0[VALORE]0,{N},{F},2023-09-30
"""

DAILY = """date,sea_arrivals,report_date
2023-09-01,120,2023-09-30
2023-09-12,4998,2023-09-30
2023-09-13,1000,2023-09-30
2023-02-29,1,2023-03-15
"""

YTD = """Data_Report,Nazione,ISO_3166-1,Valore
2023-12-31,Guinea,GN,18211
2023-12-31,Costa d'Avorio,CI,16005
2023-12-31,altre,,45498
2023-12-31,Atlantide,QQ,5
2023-12-32,Tunisia,TN,17322
"""

REGIONS = """Regione,Data_Report,Migranti presenti negli hot spot,\
Migranti presenti nei centri di accoglienza,Migranti presenti nei centri SIPROIMI,\
Migranti presenti nei centri SAI,CodiceRegione,DenominazioneRegione
Sicilia,2019-09-30,487,5000,3000,,19,Sicilia
Abruzzo,2019-09-30,,1364,n/a,,13,Abruzzo
Lazio,2019-09-31,1,1,1,1,12,Lazio
"""


def _reasons(store: DuckDBStore) -> list[tuple[int, str]]:
    q = store.reader().quarantine(limit=5000)
    return sorted(zip(q["line"], q["reason"], strict=True))


def _obs(store: DuckDBStore, **kw: object) -> pd.DataFrame:
    return store.reader().select(Query.build("observations", **kw))  # type: ignore[arg-type]


PLACEHOLDER = ("day after the bulletin's date: a placeholder of the bulletin's 31-day grid, "
               "not a count")


def test_raw_bulletins_latest_bulletin_wins(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "sbarchi.csv", RAW)
    assert isinstance(detect(path), ItalyRawBulletins)
    report = ingest_one(store, path)
    # 5 good rows for 3 days: the earlier bulletin's 09-01 and 09-02 count as duplicates
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (9, 3, 2, 4)
    assert _reasons(store) == [
        (4, f"{PLACEHOLDER}: '2023-09-15'"),
        (5, "impossible or malformed day (the bulletins print a 31-day grid): '2023-09-31'"),
        (9, "count is blank"),
        (10, "count is not a number: '0[VALORE]0'"),
    ]
    frame = _obs(store)
    assert frame["value"].tolist() == [120, 50, 4998]  # 09-01 revised by the later bulletin
    assert frame["line"].tolist() == [6, 7, 8]
    assert set(frame["border_type"]) == {"Sea"} and set(frame["country"]) == {"ITA"}
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 5, 4)
    # the cleaned daily series has the same ids: only 2023-09-13 is new
    daily = ingest_one(store, write(tmp_path, "daily.csv", DAILY))
    assert (daily.tally.read, daily.tally.stored, daily.tally.duplicates,
            daily.tally.quarantined) == (4, 1, 2, 1)


def test_raw_bulletins_out_of_order_file(tmp_path: Path, store: DuckDBStore) -> None:
    lines = RAW.splitlines()
    path = write(tmp_path, "sbarchi.csv", "\n".join([lines[0], lines[5], lines[1]]) + "\n")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2, 1, 1)
    assert _reasons(store) == [(3, "superseded by the bulletin of 2023-09-30 (line 2), which "
                                "stands above it in the file")]
    assert _obs(store)["value"].tolist() == [120]


def test_daily_series(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "daily.csv", DAILY)
    assert isinstance(detect(path), ItalyDailySeaArrivals)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 3, 1)
    assert _reasons(store) == [(5, "impossible or malformed day: '2023-02-29'")]
    assert set(_obs(store)["precision"]) == {"day"}


def test_nationality_year_to_date(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "ytd.csv", YTD)
    assert isinstance(detect(path), ItalyNationalityYtd)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5, 3, 2)
    assert _reasons(store) == [(5, "unknown ISO 3166-1 alpha-2 code: 'Atlantide / QQ'"),
                               (6, "bulletin date is not a date: '2023-12-32'")]
    frame = _obs(store)
    assert dict(zip(frame["nationality"], frame["value"], strict=True)) == {
        "GIN": 18211, "CIV": 16005, "OTH": 45498}
    assert set(frame["metric"]) == {"sea_arrivals_ytd"}
    assert '"Costa d\'Avorio (CI)"' in frame.loc[frame["nationality"] == "CIV",
                                                 "original"].iloc[0]


def test_reception_by_region(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "reception.csv", REGIONS)
    assert isinstance(detect(path), ItalyReceptionByRegion)
    report = ingest_one(store, path)
    # Sicilia 3 figures, Abruzzo 1 figure + 1 junk cell, Lazio: bad date (one row reject)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (6, 4, 2)
    assert _reasons(store) == [(3, "count is not a number"),
                               (4, "bulletin date is not a date: '2019-09-31'")]
    sic = _obs(store, where={"area": "Sicilia"})
    assert dict(zip(sic["category"], sic["value"], strict=True)) == {
        "hotspot": 487, "reception_centre": 5000, "siproimi": 3000}
    assert ingest_one(store, path).tally.duplicates == 4


def test_reception_header_as_in_ondata_readme(tmp_path: Path, store: DuckDBStore) -> None:
    # onData's README names the columns "Immigrati presenti ..."; SAI only, no SIPROIMI
    path = write(tmp_path, "accoglienza.csv", "Regione,Data_Report,Immigrati presenti negli "
                 "hot spot,Immigrati presenti nei centri di accoglienza,Immigrati presenti nei "
                 "centri SAI,CodiceRegione,DenominazioneRegione\n"
                 "Sicilia,2023-09-15,1000,2000,300,19,Sicilia\n")
    assert isinstance(detect(path), ItalyReceptionByRegion)
    assert ingest_one(store, path).tally.stored == 3
    assert sorted(_obs(store)["category"]) == ["hotspot", "reception_centre", "sai"]
    odd = write(tmp_path, "other.csv", "Regione,Data_Report,Migranti presenti in albergo,"
                "CodiceRegione\nSicilia,2023-09-15,1,19\n")
    assert ItalyReceptionByRegion().sniff(odd, read_head(odd)) == 0


_LAYOUTS: dict[str, tuple[str, str, Adapter]] = {
    "raw": ("italy/italy_sbarchi_per_giorno_raw_ondata.csv", RAW, ItalyRawBulletins()),
    "daily": ("italy/italy_sea_arrivals_daily_2019-09_2025-09.csv", DAILY,
              ItalyDailySeaArrivals()),
    "ytd": ("italy/italy_sea_arrivals_nationality_ytd_by_bulletin.csv", YTD,
            ItalyNationalityYtd()),
    "reception": ("italy/italy_reception_by_region_by_bulletin.csv", REGIONS,
                  ItalyReceptionByRegion()),
}


_LINES = {k: real_lines(rel, fb) for k, (rel, fb, _) in _LAYOUTS.items()}


@settings(max_examples=120, deadline=None)
@given(layout=st.sampled_from(sorted(_LAYOUTS)),
       random_lines=st.lists(JUNK_TEXT, max_size=5), picks=MUTATION_PICKS)
def test_random_and_mutated_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                              layout: str, random_lines: list[str],
                                              picks: list[tuple[int, int, str]]) -> None:
    _, fixture, adapter = _LAYOUTS[layout]
    lines = _LINES[layout]
    name = "f.csv"
    path = mutated_file(tmp_path_factory.mktemp("fuzz") / name, fixture.splitlines()[0], lines,
                        picks, random_lines)
    rows, ctx = parse_all(adapter, path)
    assert rows.get("observations", 0) >= 0 and ctx.quarantined >= 0


MINE = {
    "italy/italy_sbarchi_per_giorno_raw_ondata.csv": "italy_moi_sea_arrivals_raw_bulletins",
    "italy/italy_sea_arrivals_daily_2019-09_2025-09.csv": "italy_moi_sea_arrivals_daily",
    "italy/italy_sea_arrivals_nationality_ytd_by_bulletin.csv":
        "italy_moi_sea_arrivals_nationality_ytd",
    "italy/italy_reception_by_region_by_bulletin.csv": "italy_moi_reception_by_region",
}


@pytest.mark.realdata
def test_sniff_claims_exactly_our_real_files(real_data: Path) -> None:
    assert_claims_exactly(real_data, ADAPTERS, MINE)


@pytest.mark.realdata
def test_real_daily_series(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("italy/italy_sea_arrivals_daily_2019-09_2025-09.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2207, 2207, 0)
    day = _obs(store, start="2023-09-12", end="2023-09-13")
    assert day["value"].tolist() == [4998]
    y2023 = _obs(store, start="2023-01-01", end="2024-01-01")
    assert y2023["value"].sum() == 155_515
    assert _obs(store, start="2022", end="2023")["value"].sum() == 102_427
    months = y2023.groupby(pd.to_datetime(y2023["period_start"]).dt.month)["value"].sum()
    assert (months[7], months[8], months[9]) == (23_355, 25_588, 19_009)


@pytest.mark.realdata
def test_real_raw_bulletins_match_the_daily_series(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("italy/italy_sbarchi_per_giorno_raw_ondata.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (4352, 2207, 1050, 1095)
    assert report.tally.balanced
    reasons = pd.Series([r for _, r in _reasons(store)])
    assert reasons.str.startswith("day after the bulletin's date").sum() == 1084
    assert reasons.str.startswith("impossible or malformed day").sum() == 7
    assert (reasons == "count is blank").sum() == 3
    assert (reasons == "count is not a number: '0[VALORE]0'").sum() == 1
    assert (3924, "impossible or malformed day (the bulletins print a 31-day grid): "
            "'2025-02-30'") in _reasons(store)
    # onData's cleaned series is the latest bulletin per day: every record is a duplicate
    daily = ingest_one(store, real_file("italy/italy_sea_arrivals_daily_2019-09_2025-09.csv"))
    assert (daily.tally.stored, daily.tally.duplicates) == (0, 2207)


@pytest.mark.realdata
def test_real_nationality_ytd(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "italy/italy_sea_arrivals_nationality_ytd_by_bulletin.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (1619, 1619, 0)
    end = _obs(store, start="2023-12-31", end="2024-01-01")
    by_nat = dict(zip(end["nationality"], end["value"], strict=True))
    assert (by_nat["GIN"], by_nat["TUN"], by_nat["CIV"]) == (18_211, 17_322, 16_005)
    assert len(_obs(store, where={"nationality": "OTH"})) == 144  # one "altre" per bulletin


@pytest.mark.realdata
def test_real_reception(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("italy/italy_reception_by_region_by_bulletin.csv"))
    # 2,800 rows x 4 facility columns, minus the blank cells (facility not reported)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5910, 5910, 0)
    sic = _obs(store, start="2019-09-30", end="2019-10-01",
               where={"area": "Sicilia", "category": "hotspot"})
    assert sic["value"].tolist() == [487]  # read from the file
    assert len(set(_obs(store)["area"])) == 20
