"""IOM DTM adapters: Europe arrivals, Libya migrant stock, West/Central Africa flow monitoring."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.sources.base import Adapter
from flankwatch.sources.iom_dtm import (
    ADAPTERS,
    DtmEuropeArrivalsByCountry,
    DtmEuropeArrivalsByNationality,
    DtmFlowMonitoringDaily,
    DtmLibyaStockByArrival,
    DtmLibyaStockByNationality,
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

EUROPE = """t,geo,n
2020-11,ESP-WAAR,8157
2020-02,GRC,2844
2020-13,GRC,1
2020-03,XYZ,1
2020-03,GRC,lots
"""

EUROPE_NAT = """t,geo,nat,n
2020-02,GRC,AFG,1000
2020-02,GRC,OOO,-38
2020-02,GRC,QQQ,5
"""

LIBYA_NAT = """t,round,admin1,admin2,admin3,nat,n
2024-05,52,West,Tripoli,Hai Alandalus,EGY,4030.0
2024-05,52,West,Tripoli,Hai Alandalus,NER,1200.0
2024-05,5x,West,Tripoli,Hai Alandalus,SDN,1
2024-05,52,West,,Hai Alandalus,SDN,1
"""

LIBYA_ARR = """t,round,admin1,admin2,admin3,arrival,n
2018-02,17,East,Benghazi,Alabyar,<1 month ago,1458
2018-02,17,East,Benghazi,Alabyar,unknown,-29
2018-02,17,East,Benghazi,Alabyar,yesterday,3
"""

FMP = """t,fmp_country,fmp,from,to,n,n_conflict,n_economic,n_seasonal,n_disaster
2018-01-01,GIN,Boundoufourdou,GIN,GMB,20,8,12,0,0
2023-01-01,MLI,,BFA,MLI,102,0,,0,0
2018-01-02,NER,Arlit,ooo,NER,7,x,0,-1,0
2018-02-30,NER,Arlit,NER,DZA,1,0,0,0,0
2018-01-03,NER,Arlit,QQQ,DZA,1,0,0,0,0
"""


def _reasons(store: DuckDBStore) -> list[tuple[int, str]]:
    q = store.reader().quarantine(limit=1000)
    return sorted(zip(q["line"], q["reason"], strict=True))


def _obs(store: DuckDBStore, **kw: object) -> pd.DataFrame:
    return store.reader().select(Query.build("observations", **kw))  # type: ignore[arg-type]


NEG = ("negative count (a balancing residual in DTM's table: a number of people cannot be "
       "negative)")


def test_europe_arrivals(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "dtm.csv", EUROPE)
    assert isinstance(detect(path), DtmEuropeArrivalsByCountry)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5, 2, 3)
    assert _reasons(store) == [(4, "t is not a month (YYYY-MM): '2020-13'"),
                               (5, "unknown country: 'XYZ'"),
                               (6, "count is not a number: 'lots'")]
    waar = _obs(store, where={"country": "ESP-WAAR"})
    assert (waar["value"].tolist(), waar["nationality"].tolist()) == ([8157], ["ALL"])
    nat = write(tmp_path, "dtm_nat.csv", EUROPE_NAT)
    assert isinstance(detect(nat), DtmEuropeArrivalsByNationality)
    report = ingest_one(store, nat)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (3, 1, 2)
    assert (3, f"{NEG}: '-38'") in _reasons(store)
    assert (4, "unknown nationality: 'QQQ'") in _reasons(store)
    assert ingest_one(store, nat).tally.duplicates == 1


def test_libya_stock(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "libya.csv", LIBYA_NAT)
    assert isinstance(detect(path), DtmLibyaStockByNationality)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 2, 2)
    assert _reasons(store) == [
        (4, "round is not a number: '5x'"),
        (5, "admin1/admin2/admin3 must all be given, without '/': 'West//Hai Alandalus'")]
    frame = _obs(store, where={"metric": "migrant_stock"})
    assert set(frame["area"]) == {"West/Tripoli/Hai Alandalus"}
    assert set(frame["category"]) == {"round 52"} and set(frame["country"]) == {"LBY"}
    assert frame["value"].sum() == 5230
    arr = write(tmp_path, "arrival.csv", LIBYA_ARR)
    assert isinstance(detect(arr), DtmLibyaStockByArrival)
    report = ingest_one(store, arr)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (3, 1, 2)
    got = _obs(store, where={"metric": "migrant_stock_by_arrival_time"})
    assert (got["category"].tolist(), got["value"].tolist()) == (["<1 month ago"], [1458])


def test_flow_monitoring(tmp_path: Path, store: DuckDBStore) -> None:
    path = tmp_path / "fmp.csv.gz"
    path.write_bytes(gzip.compress(FMP.encode()))
    assert isinstance(detect(path), DtmFlowMonitoringDaily)
    report = ingest_one(store, path)
    # line 2: n + 2 non-zero reasons; line 3: n (blank and zero reasons are no record);
    # line 4: n + 2 rejected cells; lines 5 and 6: row rejects
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (9, 5, 4)
    assert _reasons(store) == [(4, "count is not a number"), (4, "negative count"),
                               (5, "t is not a date (YYYY-MM-DD): '2018-02-30'"),
                               (6, "unknown origin country: 'QQQ'")]
    n = _obs(store, where={"metric": "flow_monitoring_individuals"}, order_by=["line"])
    assert n["value"].tolist() == [20, 102, 7]
    assert n["route"].tolist() == ["GIN>GMB", "BFA>MLI", "OOO>NER"]
    assert n["area"].tolist()[:2] == ["Boundoufourdou", None]
    assert set(n["precision"]) == {"day"}
    assert n["original"].iloc[2] == '{"from": "ooo"}'
    why = _obs(store, where={"metric": "flow_monitoring_individuals_by_reason"})
    assert dict(zip(why["category"], why["value"], strict=True)) == {"conflict": 8,
                                                                    "economic": 12}
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 5)


_LAYOUTS: dict[str, tuple[str, str, Adapter]] = {
    "europe": ("iom_dtm/dtm_europe_arrivals_monthly_by_country_nationality_2015_2024.csv",
               EUROPE_NAT, DtmEuropeArrivalsByNationality()),
    "europe_country": ("iom_dtm/dtm_europe_arrivals_monthly_by_country_1997_2024.csv",
                       EUROPE, DtmEuropeArrivalsByCountry()),
    "libya": ("iom_dtm/dtm_libya_migrant_stock_by_admin3_arrival_time_round_2018_2024.csv",
              LIBYA_ARR, DtmLibyaStockByArrival()),
    "libya_nat": ("iom_dtm/dtm_libya_migrant_stock_by_admin3_nationality_round_2018_2024.csv",
                  LIBYA_NAT, DtmLibyaStockByNationality()),
    "fmp": ("iom_dtm/dtm_wca_fmp_daily_flows_2018_2024.csv.gz", FMP, DtmFlowMonitoringDaily()),
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
    "iom_dtm/dtm_europe_arrivals_monthly_by_country_1997_2024.csv":
        "iom_dtm_europe_arrivals_by_country",
    "iom_dtm/dtm_europe_arrivals_monthly_by_country_nationality_2015_2024.csv":
        "iom_dtm_europe_arrivals_by_nationality",
    "iom_dtm/dtm_libya_migrant_stock_by_admin3_nationality_round_2018_2024.csv":
        "iom_dtm_libya_stock_by_nationality",
    "iom_dtm/dtm_libya_migrant_stock_by_admin3_arrival_time_round_2018_2024.csv":
        "iom_dtm_libya_stock_by_arrival_time",
    "iom_dtm/dtm_wca_fmp_daily_flows_2018_2024.csv.gz": "iom_dtm_fmp_daily_flows",
}


@pytest.mark.realdata
def test_sniff_claims_exactly_our_real_files(real_data: Path) -> None:
    assert_claims_exactly(real_data, ADAPTERS, MINE)


@pytest.mark.realdata
def test_real_europe_arrivals(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "iom_dtm/dtm_europe_arrivals_monthly_by_country_1997_2024.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (928, 928, 0)
    nov = _obs(store, start="2020-11", end="2020-12", where={"country": "ESP-WAAR"})
    assert nov["value"].tolist() == [8157]
    grc = _obs(store, start="2020-02", end="2020-05", where={"country": "GRC"})
    assert grc["value"].tolist() == [2844, 2314, 77]
    report = ingest_one(store, real_file(
        "iom_dtm/dtm_europe_arrivals_monthly_by_country_nationality_2015_2024.csv"))
    # 75 negative balancing residuals (43 of them for OOO, "unknown") are quarantined
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        14609, 14534, 75)
    assert report.tally.balanced
    q = store.reader().quarantine(limit=1000)
    assert q["reason"].str.startswith("negative count").all()


@pytest.mark.realdata
def test_real_libya_stock(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "iom_dtm/dtm_libya_migrant_stock_by_admin3_nationality_round_2018_2024.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        33479, 33479, 0)
    last = _obs(store, start="2024-05", end="2024-06", where={"metric": "migrant_stock"})
    assert 720_000 < last["value"].sum() < 730_000  # MANIFEST: about 725,000 in 2024-05
    report = ingest_one(store, real_file(
        "iom_dtm/dtm_libya_migrant_stock_by_admin3_arrival_time_round_2018_2024.csv"))
    # 11 negative "unknown" residuals (rounds 17-20) are quarantined
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        17595, 17584, 11)
    arr = _obs(store, where={"metric": "migrant_stock_by_arrival_time"})
    stock = _obs(store, where={"metric": "migrant_stock"})
    # one round per month: the round number the id uses is implied by the period
    assert stock.groupby("period_start")["category"].nunique().max() == 1
    assert set(arr["period_start"]) == set(stock["period_start"])


@pytest.mark.realdata
def test_real_flow_monitoring(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("iom_dtm/dtm_wca_fmp_daily_flows_2018_2024.csv.gz"))
    # 120,475 rows: one n record each, plus 96,424 non-zero reason counts
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        216899, 216899, 0)
    assert report.tally.balanced
    n = _obs(store, where={"metric": "flow_monitoring_individuals"},
             columns=["value", "area"])
    assert len(n) == 120_475
    assert round(n["value"].sum() / 1e6, 2) == 18.75  # MANIFEST: 18.75 M individuals
    assert n["area"].isna().sum() == 1147  # Mali and Niger rows without a point name, 2023
