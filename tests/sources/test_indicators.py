"""Country indicator adapters (World Bank WDI, Fragile States Index, IDMC displacements,
gdidata's country table), on small fixtures and on the real files."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.ingest import expand_paths
from flankwatch.sources.base import Adapter, read_head
from flankwatch.sources.indicators import (
    FragileStatesIndex,
    GdiCountryNames,
    IdmcFlows,
    WorldBankWdi,
)
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

WDI = """geo,var,t,v
SYR,pop,2020,21049430.999999996
SYR,polstb,2020,-2.7117576599121094
XKX,unem,2020,25.9
QQQ,pop,2020,170000
SYR,happiness,2020,3
SYR,gdp,20x0,1
SYR,inf,2021,
SYR,inf,2022,lots
FIN,inf,2009,-9.17360384430342e-07
"""

FSI = """geo,t,rank,total,code,indicator,v
SDN,2006,1,112.3,C1,security apparatus,9.8
SDN,2006,1,112.3,C2,factionalized elites,9.1
YEM,2019,1,113.5,Change from Previous Year,,0.8
YEM,2019,1,113.5,C1,security apparatus,10.0
SSD,2012,,108.4,C1,security apparatus,9.7
NOR,2023,179,14.5,C1,economy,1.1
NOR,2023,179,14.5,Z9,mystery,1.1
NOR,2023,178,14.6,C2,factionalized elites,1.1
NOR,2023,179,14.5,C3,group grievance,11.5
NOR,2023,179,14.5,P1,state legitimacy,1.0
"""


def _reasons(store: DuckDBStore) -> dict[int, str]:
    q = store.reader().quarantine()
    return dict(zip((int(x) for x in q["line"]), q["reason"], strict=True))


def test_wdi_rows_become_observations(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "wdi.csv", WDI)
    assert isinstance(detect(path), WorldBankWdi)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (9, 4, 5)
    assert _reasons(store) == {
        5: "unknown country code 'QQQ' (neither ISO 3166-1 alpha-3 nor a documented "
           "pseudo-code)",
        6: "unknown WDI variable 'happiness'",
        7: "year '20x0' is not a year",
        8: "the value is blank",
        9: "value 'lots' is not a number",
    }
    got = store.reader().select(Query.build("observations", order_by=["line"]))
    assert got["metric"].tolist() == ["wdi_pop", "wdi_polstb", "wdi_unem", "wdi_inf"]
    assert got["country"].tolist() == ["SYR", "SYR", "XKX", "FIN"]  # XKX is a known code
    assert got["unit"].tolist()[:3] == ["persons", "standard deviations (about -2.5 to 2.5)",
                                        "percent of labour force"]
    assert set(got["precision"]) == {"year"} and str(got["period_start"][0])[:10] == "2020-01-01"
    assert got["value"].iloc[3] == pytest.approx(-9.17360384430342e-07)
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 4, 5)


def test_fsi_rows_plus_one_total_and_rank_per_country_year(tmp_path: Path,
                                                           store: DuckDBStore) -> None:
    path = write(tmp_path, "fsi.csv", FSI)
    assert isinstance(detect(path), FragileStatesIndex)
    report = ingest_one(store, path)
    # 10 rows (3 bad) + totals of SDN 2006, YEM 2019, SSD 2012 and NOR 2023 + ranks of SDN,
    # YEM and NOR (SSD 2012 is unranked: no figure); NOR's rows disagree on both
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (17, 12, 5)
    assert report.tally.balanced
    assert any("SSD 2012" in w for w in report.warnings)
    q = store.reader().quarantine()
    assert sorted(zip(q["line"], q["reason"], strict=True)) == [
        (7, "indicator 'economy' does not match code C1 ('security apparatus')"),
        (7, "rank differs between the rows of NOR 2023: 178, 179"),  # the year's first line
        (7, "total differs between the rows of NOR 2023: 14.5, 14.6"),
        (8, "unknown FSI indicator code 'Z9'"),
        (10, "score outside 0-10"),
    ]
    got = store.reader().select(Query.build("observations", order_by=["line", "metric"]))
    sdn = got[got["country"] == "SDN"].set_index("metric")["value"].to_dict()
    assert sdn == {"fsi_c1": 9.8, "fsi_c2": 9.1, "fsi_total": 112.3, "fsi_rank": 1.0}
    yem = got[got["country"] == "YEM"].set_index("metric")["value"].to_dict()
    assert yem["fsi_total_change"] == 0.8
    nor = got[got["country"] == "NOR"]
    assert nor["metric"].tolist() == ["fsi_c2", "fsi_p1"]
    assert ingest_one(store, path).tally.duplicates == 12


def test_fsi_score_out_of_range_is_quarantined(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "fsi.csv", FSI.splitlines()[0] + "\n" + FSI.splitlines()[9] + "\n")
    report = ingest_one(store, path)
    assert _reasons(store) == {2: "score outside 0-10"}
    assert (report.tally.read, report.tally.stored) == (3, 2)  # the total and rank remain


def test_idmc_flows_keep_abyei_and_causes(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "idmc.csv", "geo,t,cause,n\nAB9,2018,conflict,150\n"
                 "AB9,2014,conflict,0\nSYR,2020,Conflict,1821973\nSYR,2020,,3\n"
                 "SYR,2021,flood,-4\nZZZ,2020,flood,1\n")
    assert isinstance(detect(path), IdmcFlows)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (6, 3, 3)
    assert _reasons(store) == {
        5: "the cause is blank", 6: "negative count",
        7: "unknown country code 'ZZZ' (neither ISO 3166-1 alpha-3 nor a documented "
           "pseudo-code)"}
    got = store.reader().select(Query.build("observations", order_by=["line"]))
    assert got["country"].tolist() == ["AB9", "AB9", "SYR"]
    assert got["category"].tolist() == ["conflict", "conflict", "conflict"]
    assert got["value"].tolist() == [150, 0, 1_821_973]  # zeros are values
    assert set(got["metric"]) == {"idp_new_displacements"}


def test_country_names_become_iso3166_codes(tmp_path: Path, store: DuckDBStore) -> None:
    header = ("m49,iso2,iso3,name,name_sort,name_text,with_the,region_code,region,"
              "subregion_code,subregion,intregion_code,intregion,iom_region,rdh,ldc,lldc,sids,"
              "eu,schengen,balkans,snapshot\n")
    path = write(tmp_path, "countrynames.csv", header
                 + "516.0,NA,NAM,Namibia,Namibia,Namibia,0.0,2.0,Africa,202.0,Sub-Saharan "
                 'Africa,18.0,Southern Africa,"East, Horn and Southern Africa",,0.0,0.0,0.0,'
                 "0.0,0.0,0.0,1.0\n"
                 ",,AB9,Abyei Area,Abyei Area,Abyei Area,0.0,2.0,Africa,202.0,Sub-Saharan "
                 'Africa,14.0,Eastern Africa,"East, Horn and Southern Africa",East and Horn of '
                 "Africa,1.0,1.0,0.0,0.0,0.0,0.0,0.0\n"
                 "830.0,XC,QQX,Channel Islands,Channel Islands,Channel Islands,0.0,150.0,"
                 "Europe,154.0,Northern Europe,,,Europe and Central Asia,,0.0,0.0,0.0,0.0,0.0,"
                 "0.0,0.0\n")
    assert isinstance(detect(path), GdiCountryNames)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (3, 2, 1)
    assert _reasons(store) == {4: "unknown country code 'QQX' (neither ISO 3166-1 alpha-3 "
                                  "nor a documented pseudo-code)"}
    codes = store.reader().select(Query.build("codes")).set_index("code")
    assert set(codes["scheme"]) == {"iso3166"}
    namibia = json.loads(codes.loc["NAM", "attrs"])
    assert namibia["iso2"] == "NA" and namibia["m49"] == 516 and namibia["snapshot"] == 1
    assert namibia["iom_region"] == "East, Horn and Southern Africa" and namibia["rdh"] is None
    assert codes.loc["AB9", "label"] == "Abyei Area"
    assert ingest_one(store, path).tally.duplicates == 2


# ---------------------------------------------------------------------------------------------
# Property tests: garbage and mutated real lines give records or quarantine, never an exception.

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_ODD = st.sampled_from(["", "NA", "-1", "0", "1e309", "nan", "inf", "20x0", "x", "2023.5",
                        "99999999999999999999", '"', "SYR", "XKX", "CHI", "\t", "C1",
                        "Change from Previous Year"])
_LAYOUTS: dict[str, tuple[Adapter, str]] = {
    "wdi": (WorldBankWdi(), "indicators/worldbank_wdi_selected_indicators.csv"),
    "fsi": (FragileStatesIndex(), "indicators/fund_for_peace_fsi_2006_2023.csv"),
    "idmc": (IdmcFlows(), "indicators/idmc_internal_displacement_flows.csv"),
    "names": (GdiCountryNames(), "indicators/countrynames_iso3_regions.csv"),
}
_HEADERS = {"wdi": "geo,var,t,v", "fsi": "geo,t,rank,total,code,indicator,v",
            "idmc": "geo,t,cause,n",
            "names": "m49,iso2,iso3,name,name_sort,name_text,with_the,region_code,region,"
                     "subregion_code,subregion,intregion_code,intregion,iom_region,rdh,ldc,"
                     "lldc,sids,eu,schengen,balkans,snapshot"}


@lru_cache(maxsize=8)
def _real_lines(relative: str, n: int = 60) -> tuple[str, ...]:
    path = REAL_DATA / relative
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as f:
        return tuple(line.rstrip("\n") for _, line in zip(range(n), f, strict=False))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(_LAYOUTS)), st.lists(_TEXT, min_size=1, max_size=8))
def test_garbage_lines_never_crash(tmp_path_factory: pytest.TempPathFactory, layout: str,
                                   lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"{layout}.csv"
    path.write_text(_HEADERS[layout] + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows, ctx = parse_all(_LAYOUTS[layout][0], path)
    assert sum(rows.values()) + ctx.quarantined >= 0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(_LAYOUTS)), st.data())
def test_mutated_real_lines_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, layout: str, data: st.DataObject) -> None:
    adapter, relative = _LAYOUTS[layout]
    lines = _real_lines(relative)
    if not lines:
        pytest.skip(f"{relative} absent")
    body = list(lines[1:])
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(body) - 1))
        fields = body[i].split(",")
        j = data.draw(st.integers(0, len(fields) - 1))
        fields[j] = data.draw(st.one_of(_ODD, _TEXT))
        if data.draw(st.booleans()):
            del fields[data.draw(st.integers(0, len(fields) - 1))]
        body[i] = ",".join(fields)
    path = tmp_path_factory.mktemp("mut") / f"{layout}.csv"
    path.write_text(lines[0] + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    rows, ctx = parse_all(adapter, path)
    assert sum(rows.values()) + ctx.quarantined >= 1


# ---------------------------------------------------------------------------------------------
# The real files (MANIFEST.md, indicators section).


@pytest.mark.realdata
def test_real_wdi(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("indicators/worldbank_wdi_selected_indicators.csv"))
    # 92,435 rows; ANT (Netherlands Antilles, 10 rows) and CHI (the World Bank's Channel
    # Islands, 159 rows) are documented pseudo-codes
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (92_435,
                                                                                  92_435, 0)
    assert report.tally.balanced
    assert store.reader().count(Query.build("observations", where={"country": "CHI"})) == 159
    syria = store.reader().select(Query.build("observations", start="2020", end="2021",
                                              where={"country": "SYR"})).set_index("metric")
    assert syria.loc["wdi_pop", "value"] == pytest.approx(21_049_431)
    assert syria.loc["wdi_birth", "value"] == pytest.approx(19.67)
    assert store.reader().count(Query.build("observations", kinds="wdi_pop")) == 17_538


@pytest.mark.realdata
def test_real_fsi(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("indicators/fund_for_peace_fsi_2006_2023.csv"))
    # 38,396 rows (3,170 country-years x 12 sub-indicators + 356 "Change from Previous
    # Year") + 3,170 totals + 3,169 ranks (South Sudan 2012 is unranked)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (44_735,
                                                                                  44_735, 0)
    assert report.tally.balanced
    sudan = store.reader().select(Query.build("observations", start="2006", end="2007",
                                              where={"country": "SDN"})).set_index("metric")
    assert (sudan.loc["fsi_total", "value"], sudan.loc["fsi_rank", "value"]) == (112.3, 1)
    assert sudan.loc["fsi_c1", "value"] == 9.8
    syria = store.reader().select(Query.build("observations", kinds="fsi_p1", start="2023",
                                              end="2024", where={"country": "SYR"}))
    assert syria["value"].tolist() == [10.0]


@pytest.mark.realdata
def test_real_idmc(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("indicators/idmc_internal_displacement_flows.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4_071,
                                                                                  4_071, 0)
    assert report.tally.balanced
    syria = store.reader().select(Query.build("observations", start="2020", end="2021",
                                              where={"country": "SYR", "category": "conflict"}))
    assert syria["value"].tolist() == [1_821_973]
    assert store.reader().count(Query.build("observations", where={"country": "AB9"})) > 0


@pytest.mark.realdata
def test_real_country_names(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("indicators/countrynames_iso3_regions.csv"))
    # 257 rows; ANT (withdrawn ISO code), TIB (Tibet) and XCX (Channel Islands) are
    # documented pseudo-codes
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (257, 257, 0)
    assert report.tally.balanced
    codes = store.reader().select(Query.build("codes")).set_index("code")
    assert codes.loc["XKX", "label"] == "Kosovo (SCR 2144)"
    assert json.loads(codes.loc["NAM", "attrs"])["iso2"] == "NA"
    assert json.loads(codes.loc["ITA", "attrs"])["schengen"] == 1


@pytest.mark.realdata
def test_only_these_adapters_claim_the_indicator_files(real_data: Path) -> None:
    ours = [a for a, _ in _LAYOUTS.values()]
    expected = {Path(rel).name: a.meta.name for a, rel in _LAYOUTS.values()}
    for path, _ in expand_paths([real_data]):
        head = read_head(path)
        claimed = [a.meta.name for a in ours if a.sniff(path, head) > 0]
        want = expected.get(path.name)
        assert claimed == ([want] if want else []), path
        if want:
            assert detect(path).meta.name == want
