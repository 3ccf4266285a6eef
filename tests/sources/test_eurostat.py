"""Eurostat asylum adapters: label-wide CSV, gdidata annual long, Eurostat TSV; fixtures and
the real files (numbers: Eurostat, via the extracts listed in MANIFEST.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.sources.eurostat import (
    ADAPTERS,
    EurostatFirstTimeAnnual,
    EurostatTsv,
    EurostatWideLabels,
    code_to_iso3,
    name_to_code,
    parse_values,
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

WIDE = """CITIZEN,GEO,Y2015M01,Y2015M02,Y2015M03
Afghanistan,Austria,635,420,
Syria,Germany (until 1990 former territory of the FRG),":",1 234,7
Czech Rep.,UK,5,0,x
Atlantis,Hungary,1,2,3
Kosovo (under United Nations Security Council Resolution 1244/99),Hungary,10,-3,4
"""

EBU = """GEO,2015M08,2015M09,2015M10
Total,153370,:,185375
European Union,147095,:,171895
Hungary,47095,:,615
Extra-EU28 (2013-2020),1,2,3
"""

ANNUAL = """geo,t,nat,sex,n
LTU,2021,IRQ,male,2000
LTU,2021,IRQ,female,370
LTU,2021,ZZZ,male,5
LTU,20x1,IRQ,male,5
LTU,2021,IRQ,other,5
LTU,2021,SYR,male,abc
LTU,2021,SYR,female,
EU27,2021,XKX,unknown,15
"""

# Eurostat's TSV layout (API "format=TSV" / bulk download): a comma-joined series key, a tab,
# then one column per period; each header period and each value carries a trailing space,
# values are "number flags" or ": flags" (no figure).
TSV = (
    "freq,unit,citizen,sex,applicant,age,geo\\TIME_PERIOD\t2015-08 \t2015-09 \t2015-10 \n"
    "M,PER,TOTAL,T,ASY_APP,TOTAL,HU\t47 095 \t30 795 p\t615 \n"
    "M,PER,AF,F,ASY_APP,Y14-17,EL\t1 234 p\t: \t: c\n"
    "M,PER,IQ,M,NASY_APP,TOTAL,EU27_2020\t12 \tn/a\t-5 \n"
    "M,PER,ZZ,T,ASY_APP,TOTAL,DE\t1 \t2 \t3 \n"
    "M,PER,SY,T,XYZ_APP,TOTAL,DE\t1 \t2 \t3 \n"
    "M,PER,SY,T,ASY_APP,TOTAL\t1 \t2 \t3 \n"
)


def _reasons(store: DuckDBStore) -> dict[int, str]:
    q = store.reader().quarantine(limit=1000)
    return dict(zip(q["line"], q["reason"], strict=True))


def _obs(store: DuckDBStore, **kw: object) -> pd.DataFrame:
    return store.reader().select(Query.build("observations", **kw))  # type: ignore[arg-type]


def test_codes_and_names() -> None:
    assert name_to_code("Total", citizen=True) == "ALL"
    assert name_to_code("Total", citizen=False) == "TOT"
    assert name_to_code("European Union (28 countries)", citizen=False) == "EU28"
    assert name_to_code("Extra-EU28 (2013-2020)", citizen=True) == "EXT_EU28"
    assert name_to_code("Poland  ", citizen=True) == "POL"
    assert name_to_code("Narnia", citizen=True) is None
    assert code_to_iso3("EL", citizen=False) == "GRC"
    assert code_to_iso3("UK", citizen=True) == "GBR"
    assert code_to_iso3("EU27_2020", citizen=False) == "EU27"
    assert code_to_iso3("TOTAL", citizen=True) == "ALL"
    assert code_to_iso3("ZZ", citizen=True) is None
    value, missing, junk = parse_values(pd.Series(["1 234 p", ": c", "", "12", "abc", "inf"]))
    assert value.tolist()[:1] == [1234.0] and value[3] == 12.0
    assert missing.tolist() == [False, True, True, False, False, False]
    assert junk.tolist() == [False, False, False, False, True, True]


def test_wide_labels_keeps_figures_and_quarantines_bad_names(tmp_path: Path,
                                                            store: DuckDBStore) -> None:
    path = write(tmp_path, "asy.csv", WIDE)
    assert isinstance(detect(path), EurostatWideLabels)
    report = ingest_one(store, path)
    # figures: 2 per good row (blank and ':' are no figure); rejects: x, the Atlantis row, -3
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (11, 8, 3)
    assert report.tally.balanced
    reasons = _reasons(store)
    assert reasons[4] == "count is not a number"
    assert reasons[5] == "unknown citizenship name in CITIZEN: 'Atlantis'"
    assert reasons[6] == "negative count"
    raw5 = store.reader().quarantine()
    assert any("[column Y2015M03: 'x']" in r for r in raw5["raw"])
    frame = _obs(store, where={"country": "DEU", "nationality": "SYR"})
    assert sorted(frame["value"]) == [7.0, 1234.0]
    assert set(frame["metric"]) == {"asylum_applicants"}
    assert '"Germany (until 1990' in frame["original"].iloc[0]
    assert set(_obs(store, where={"country": "GBR"})["nationality"]) == {"CZE"}
    assert set(_obs(store, where={"country": "HUN"})["nationality"]) == {"XKX"}
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 8)


def test_geo_only_extract_counts_all_citizenships(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "ebu.csv", EBU)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (9, 9, 0)
    frame = _obs(store, start="2015-10", end="2015-11")
    by_country = dict(zip(frame["country"], frame["value"], strict=True))
    assert by_country == {"TOT": 185375, "EUR": 171895, "HUN": 615, "EXT_EU28": 3}
    assert set(frame["nationality"]) == {"ALL"}


def test_annual_long_layout(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "eu_asyapp.csv", ANNUAL)
    assert isinstance(detect(path), EurostatFirstTimeAnnual)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (8, 3, 5)
    reasons = _reasons(store)
    assert reasons == {
        4: "unknown citizenship: 'ZZZ'",
        5: "year is not a year: '20x1'",
        6: "unknown sex: 'other'",
        7: "count is not a number: 'abc'",
        8: "count is blank",
    }
    frame = _obs(store, where={"country": "LTU"})
    assert frame["value"].sum() == 2370
    assert set(frame["precision"]) == {"year"} and set(frame["category"]) == {"male", "female"}
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 3, 5)


def test_eurostat_tsv_layout(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "migr_asyappctzm.tsv", TSV)
    assert isinstance(detect(path), EurostatTsv)
    report = ingest_one(store, path)
    # figures: HU 3, AF/EL 1 (": " and ": c" are no figure), IQ/EU27 1 good + 2 bad;
    # rows: ZZ citizen, XYZ_APP, a key with 6 codes -> 3 rejects
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (10, 5, 5)
    reasons = _reasons(store)
    assert reasons[5] == "unknown citizen code: 'ZZ'"
    assert reasons[6] == "unknown applicant type: 'XYZ_APP'"
    assert reasons[7] == "series key does not have the 7 codes the header names"
    q = store.reader().quarantine()
    assert sorted(q.loc[q["line"] == 4, "reason"]) == ["count is not a number", "negative count"]
    hu = _obs(store, where={"country": "HUN"})
    assert hu["value"].tolist() == [47095, 30795, 615]
    assert set(hu["nationality"]) == {"ALL"} and hu["category"].isna().all()
    assert '"value": "30 795 p"' in hu["original"].iloc[1]
    el = _obs(store, where={"country": "GRC"})
    assert (el["category"].tolist(), el["nationality"].tolist()) == (["female, age Y14-17"],
                                                                      ["AFG"])
    eu = _obs(store, where={"country": "EU27"})
    assert (eu["metric"].tolist(), eu["category"].tolist()) == (
        ["asylum_applicants_first_time"], ["male"])


def test_tsv_and_csv_extract_share_ids(tmp_path: Path, store: DuckDBStore) -> None:
    ingest_one(store, write(tmp_path, "ebu.csv", EBU))
    report = ingest_one(store, write(tmp_path, "t.tsv", TSV.splitlines()[0] + "\n"
                                     + TSV.splitlines()[1] + "\n"))
    # Hungary Aug and Oct 2015 are the CSV's figures again; Sep (':' in the CSV) is new
    assert (report.tally.read, report.tally.stored, report.tally.duplicates) == (3, 1, 2)


def test_whole_file_problems_abort(tmp_path: Path, store: DuckDBStore) -> None:
    bad_period = write(tmp_path, "x.tsv",
                       "citizen,geo,applicant\\time\t2015M13 \nAF,DE,ASY_APP\t1 \n")
    report = ingest_one(store, bad_period)
    assert report.status == "failed" and "not a period" in (report.error or "")
    odd_dim = write(tmp_path, "y.tsv", "citizen,geo,applicant,decision\\time\t2015 \n"
                    "AF,DE,ASY_APP,X\t1 \n")
    report = ingest_one(store, odd_dim)
    assert report.status == "failed" and "decision" in (report.error or "")


_LINES = {
    "wide": real_lines("eurostat/migr_asyappctzm_2015_citizen_geo_wide.csv", WIDE),
    "annual": real_lines("eurostat/eu_first_time_asylum_annual_geo_nat_sex_2011_2024.csv",
                          ANNUAL),
    "tsv": TSV.splitlines()[1:],
    "ebu": real_lines("eurostat/asylum_applicants_monthly_total_by_geo_2012_2019_ebu.csv", EBU),
}
_HEADERS = {"wide": WIDE.splitlines()[0], "annual": ANNUAL.splitlines()[0],
            "tsv": TSV.splitlines()[0], "ebu": EBU.splitlines()[0]}
_ADAPTERS = {"wide": EurostatWideLabels(), "annual": EurostatFirstTimeAnnual(),
             "tsv": EurostatTsv(), "ebu": EurostatWideLabels()}


@settings(max_examples=120, deadline=None)
@given(layout=st.sampled_from(["wide", "annual", "tsv", "ebu"]),
       random_lines=st.lists(JUNK_TEXT, max_size=5), picks=MUTATION_PICKS)
def test_random_and_mutated_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                              layout: str, random_lines: list[str],
                                              picks: list[tuple[int, int, str]]) -> None:
    lines = _LINES[layout]
    name = f"f.{'tsv' if layout == 'tsv' else 'csv'}"
    path = mutated_file(tmp_path_factory.mktemp("fuzz") / name, _HEADERS[layout], lines,
                        picks, random_lines)
    rows, ctx = parse_all(_ADAPTERS[layout], path)
    assert rows.get("observations", 0) >= 0 and ctx.quarantined >= 0


MINE = {
    "eurostat/migr_asyappctzm_2015_citizen_geo_wide.csv": "eurostat_asylum_wide_labels_csv",
    "eurostat/asylum_applicants_monthly_total_by_geo_2012_2019_ebu.csv":
        "eurostat_asylum_wide_labels_csv",
    "eurostat/eu_first_time_asylum_annual_geo_nat_sex_2011_2024.csv":
        "eurostat_asylum_first_time_annual_long",
}


@pytest.mark.realdata
def test_sniff_claims_exactly_our_real_files(real_data: Path) -> None:
    assert_claims_exactly(real_data, ADAPTERS, MINE)


@pytest.mark.realdata
def test_real_monthly_totals_ebu(store: DuckDBStore) -> None:
    path = real_file("eurostat/asylum_applicants_monthly_total_by_geo_2012_2019_ebu.csv")
    report = ingest_one(store, path)
    # 33 rows x 88 months, minus the ':' cells (no figure)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2980, 2980, 0)
    assert report.tally.balanced
    hu = _obs(store, start="2015-06", end="2015-11", where={"country": "HUN"})
    assert hu["value"].tolist() == [16580, 31285, 47095, 30795, 615]
    # "Total" (all reporting countries, EU28 + EFTA) peaked in Oct 2015
    tot = _obs(store, start="2015-10", end="2015-11", where={"country": "TOT"})
    assert tot["value"].tolist() == [185375]
    assert ingest_one(store, path).tally.duplicates == 2980


@pytest.mark.realdata
def test_real_monthly_by_citizenship_2015(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("eurostat/migr_asyappctzm_2015_citizen_geo_wide.csv"))
    # 4,557 rows x 12 months, minus the blank cells (months not yet reported in early 2016)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        48237, 48237, 0)
    afg = _obs(store, start="2015-01", end="2015-02", where={"country": "AUT",
                                                             "nationality": "AFG"})
    assert afg["value"].tolist() == [635]
    syr_deu = _obs(store, where={"country": "DEU", "nationality": "SYR"})
    assert len(syr_deu) > 0 and set(syr_deu["precision"]) == {"month"}


@pytest.mark.realdata
def test_real_first_time_annual(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(
        "eurostat/eu_first_time_asylum_annual_geo_nat_sex_2011_2024.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        43896, 43896, 0)
    # The file has no total rows: Lithuania 2021 is the sum over male, female and unknown
    ltu = _obs(store, start="2021", end="2022", where={"country": "LTU"})
    assert ltu["value"].sum() == 3915
    assert ltu.loc[ltu["nationality"] == "IRQ", "value"].sum() == 2370
    ltu20 = _obs(store, start="2020", end="2021", where={"country": "LTU"})
    assert ltu20["value"].sum() == 285
