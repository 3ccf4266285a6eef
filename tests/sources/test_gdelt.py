"""GDELT adapters: the 9-column extract, the tab-separated event export (61/58 columns, plain
or zipped), the CAMEO code list and the monthly counts."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.model.country import is_known
from flankwatch.model.identity import record_id
from flankwatch.sources.base import read_head
from flankwatch.sources.gdelt import (
    FIPS_TO_ISO3,
    GdeltCameoCodes,
    GdeltEventsExport,
    GdeltEventsSubset,
    GdeltMonthlyCounts,
    cameo_code,
)
from flankwatch.sources.registry import adapters, detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, mutated_fields, parse_all, write, write_csv

SUBSET_HEADER = ("GlobalEventID,IsRootEvent,QuadClass,EventCode,EventRootCode,ActionGeo_Lat,"
                 "ActionGeo_Long,country_code_alpha,source_country_code")
SUBSET = SUBSET_HEADER + """
709953101,1,2,63,6,27.0,30.0,EGY,USA
709953102,1,4,190,19,31.0,33.0,EGY,INT
709953103,0,1,10,1,41.7,26.4,TUR,INT
709953104,1,3,10,10,51.5,10.5,DEU,INT
709953105,1,4,1823,18,,,,GBR
709960710,1,1,20,2,42.58,21.0,XKS,INT
709953106,1,4,195,21,31.0,33.0,EGY,INT
709953107,1,4,063,19,31.0,33.0,EGY,INT
709953108,1,4,190,19,north,33.0,EGY,INT
709953109,1,4,190,19,31.0,33.0,ZZZ,INT
abc,1,4,190,19,31.0,33.0,EGY,INT
"""
SUBSET_BAD = {
    8: "EventRootCode is not a CAMEO root code (01-20): '21'",
    9: "EventCode is not a CAMEO code under its root code (code, root): '063', '19'",
    10: "ActionGeo latitude/longitude not numbers or off the globe: 'north', '33.0'",
    11: "unknown country_code_alpha: 'ZZZ'",
    12: "GlobalEventID is not a number: 'abc'",
}


def test_fips_table_maps_to_known_iso3_codes() -> None:
    assert len(FIPS_TO_ISO3) == 265 and all(is_known(v) for v in FIPS_TO_ISO3.values())
    # the FIPS codes that differ from ISO alpha-2 are where a wrong table would show
    assert {f: FIPS_TO_ISO3[f] for f in ("GM", "SP", "UK", "IS", "LE", "SU", "OD", "NI", "NG",
                                         "TU", "EZ", "AG", "MO", "TS", "IZ", "RS", "UP")} == {
        "GM": "DEU", "SP": "ESP", "UK": "GBR", "IS": "ISR", "LE": "LBN", "SU": "SDN",
        "OD": "SSD", "NI": "NGA", "NG": "NER", "TU": "TUR", "EZ": "CZE", "AG": "DZA",
        "MO": "MAR", "TS": "TUN", "IZ": "IRQ", "RS": "RUS", "UP": "UKR"}


def test_cameo_codes_get_their_leading_zero_back() -> None:
    codes = pd.Series(["63", "10", "10", "1", "190", "0211", "211", "100", "x", "195"])
    roots = pd.Series(["6", "1", "10", "1", "19", "02", "2", "10", "1", "21"])
    root, full = cameo_code(codes, roots)
    assert root.tolist() == ["06", "01", "10", "01", "19", "02", "02", "10", "01", None]
    assert full.tolist() == ["063", "010", "10", "01", "190", "0211", "0211", "100", None, None]


def test_subset_layout(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "gdelt_events_2017-11-26_subset.csv", SUBSET)
    assert isinstance(detect(path), GdeltEventsSubset)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (11, 6, 5)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == SUBSET_BAD
    ev = store.reader().select(Query.build("events", order_by=["line"])).set_index(
        "source_record_id")
    first = ev.loc["709953101"]
    assert first["id"] == record_id("gdelt", "709953101")
    assert (first["code"], first["kind"], first["subkind"]) == ("063", "cooperation",
                                                                "ENGAGE IN MATERIAL COOPERATION")
    assert json.loads(first["original"]) == {"EventCode": "63"}
    assert first["time_start"] == pd.Timestamp("2017-11-26", tz="UTC")
    assert first["time_precision"] == "day" and first["country"] == "EGY"
    assert json.loads(first["attrs"]) == {"root_code": "06", "quad_class": 2,
                                          "is_root_event": True, "source_country": "USA"}
    assert (ev.loc["709953102", "kind"], ev.loc["709953102", "code"]) == ("armed_clash", "190")
    assert ev.loc["709953102", "original"] is None
    assert ev.loc["709953103", "code"] == "010" and ev.loc["709953103", "kind"] == "cooperation"
    assert ev.loc["709953104", "code"] == "10" and ev.loc["709953104", "kind"] == "demand"
    no_place = ev.loc["709953105"]
    assert (no_place["kind"], no_place["code"]) == ("assault", "1823")
    assert pd.isna(no_place["lon"]) and no_place["h3"] is None and no_place["country"] is None
    assert ev.loc["709960710", "country"] == "XKX"  # the extract's Kosovo code XKS

    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 6)


def test_truncated_row_is_quarantined_not_padded(tmp_path: Path, store: DuckDBStore) -> None:
    """A row cut short (a truncated download) must be quarantined, not stored with blank
    fields: this relies on ``read_csv_raw`` refusing rows with fewer fields than the header,
    also on its pandas fast path (which pads short rows with empty strings)."""
    path = write(tmp_path, "gdelt_2017-11-26.csv",
                 "\n".join(SUBSET.splitlines()[:3]) + "\n709953111,1,4,190,19,31.0\n")
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.quarantined) == (2, 1)
    q = store.reader().quarantine()
    assert q["reason"].tolist() == ["expected 9 fields (as in the header), found 6"]


def test_row_with_an_extra_field_is_quarantined(tmp_path: Path, store: DuckDBStore) -> None:
    """A row with one field too many (a stray comma) must be quarantined, not shifted: pandas
    reads such a file with the first column as an index, which ``read_csv_raw``'s fast path
    must refuse."""
    path = write(tmp_path, "gdelt_2017-11-26.csv",
                 SUBSET_HEADER + "\n709953101,1,2,63,6,27.0,30.0,EGY,USA,extra\n")
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.quarantined) == (0, 1)
    q = store.reader().quarantine()
    assert q["reason"].tolist() == ["expected 9 fields (as in the header), found 10"]


def test_subset_day_from_compact_name_or_sqldate(tmp_path: Path, store: DuckDBStore) -> None:
    rows = SUBSET.splitlines()[:3]
    compact = write(tmp_path, "20171126.csv", "\n".join(rows) + "\n")
    assert ingest_one(store, compact).tally.stored == 2
    with_date = write(tmp_path, "extract.csv", "SQLDATE," + rows[0] + "\n20171125," + rows[1]
                      + "\n2017112," + rows[2] + "\n")
    report = ingest_one(store, with_date)
    assert (report.tally.stored, report.tally.quarantined) == (1, 1)
    ev = store.reader().select(Query.build("events", where={"file": str(with_date)}))
    assert ev["time_start"].tolist() == [pd.Timestamp("2017-11-25", tz="UTC")]


def test_subset_without_any_date_fails_clearly(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "gdelt_subset.csv", SUBSET)
    report = ingest_one(store, path)
    assert report.status == "failed"
    assert "no SQLDATE column" in (report.error or "")


# The public GDELT 2.0 event export columns (GDELT-Event_Codebook-V2.0), in file order.
COLUMNS_61 = [
    "GlobalEventID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code",
    "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code", "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code",
    "Actor2Type2Code", "Actor2Type3Code", "IsRootEvent", "EventCode", "EventBaseCode",
    "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
    "AvgTone", "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long",
    "Actor1Geo_FeatureID", "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long",
    "Actor2Geo_FeatureID", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL",
]
COLUMNS_58 = [c for c in COLUMNS_61 if not c.endswith("ADM2Code")]

EXPORT_BASE: dict[str, str] = {
    "GlobalEventID": "709953102", "SQLDATE": "20171126", "MonthYear": "201711", "Year": "2017",
    "FractionDate": "2017.8986", "Actor1Code": "EGYMIL", "Actor1Name": "EGYPT",
    "Actor1CountryCode": "EGY", "Actor1Type1Code": "MIL", "Actor2Code": "REB",
    "Actor2Name": "MILITANT", "IsRootEvent": "1", "EventCode": "190", "EventBaseCode": "190",
    "EventRootCode": "19", "QuadClass": "4", "GoldsteinScale": "-10.0", "NumMentions": "10",
    "NumSources": "2", "NumArticles": "10", "AvgTone": "-5.5", "Actor1Geo_Type": "1",
    "Actor1Geo_FullName": "Egypt", "Actor1Geo_CountryCode": "EG", "ActionGeo_Type": "4",
    "ActionGeo_FullName": "Bir al-Abed, Shamal Sina', Egypt", "ActionGeo_CountryCode": "EG",
    "ActionGeo_ADM1Code": "EG27", "ActionGeo_ADM2Code": "EG27", "ActionGeo_Lat": "31.0167",
    "ActionGeo_Long": "33.0167", "ActionGeo_FeatureID": "-2960561",
    "DATEADDED": "20171126153000", "SOURCEURL": "https://example.org/sinai",
}


def export_line(columns: list[str] = COLUMNS_61, **values: str) -> str:
    row = {**EXPORT_BASE, **values}
    return "\t".join(row.get(c, "") for c in columns)


EXPORT_ROWS = [
    export_line(),
    export_line(GlobalEventID="709953201", EventCode="042", EventBaseCode="042",
                EventRootCode="04", QuadClass="1", ActionGeo_CountryCode="GM",
                ActionGeo_FullName="Berlin, Berlin, Germany", ActionGeo_Lat="52.5167",
                ActionGeo_Long="13.4"),
    export_line(GlobalEventID="709953202", ActionGeo_Type="0", ActionGeo_FullName="",
                ActionGeo_CountryCode="", ActionGeo_Lat="", ActionGeo_Long=""),
    export_line(GlobalEventID="709953203", ActionGeo_CountryCode="AX"),  # Akrotiri: no ISO
    export_line(GlobalEventID="709953204", SQLDATE="20171332"),
    export_line(GlobalEventID="709953205", ActionGeo_CountryCode="QQ"),
    "709953206\t20171126\tshort line",
]


def test_export_layout_61_columns(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "20171126153000.export.CSV", "\n".join(EXPORT_ROWS) + "\n")
    assert isinstance(detect(path), GdeltEventsExport)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (7, 4, 3)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        5: "SQLDATE is not a date (YYYYMMDD): '20171332'",
        6: "unknown ActionGeo_CountryCode: 'QQ'",
        7: "expected 61 tab-separated fields (as on the first line), found 3",
    }
    ev = store.reader().select(Query.build("events")).set_index("source_record_id")
    sinai = ev.loc["709953102"]
    assert sinai["id"] == record_id("gdelt", "709953102")  # the subset's id for this event
    assert (sinai["kind"], sinai["code"], sinai["country"]) == ("armed_clash", "190", "EGY")
    assert (sinai["actor1"], sinai["actor2"]) == ("EGYPT", "MILITANT")
    assert sinai["location"] == "Bir al-Abed, Shamal Sina', Egypt"
    assert sinai["location_precision"] == 4 and sinai["line"] == 1
    attrs = json.loads(sinai["attrs"])
    assert (attrs["goldstein"], attrs["num_mentions"], attrs["avg_tone"]) == (-10.0, 10, -5.5)
    assert attrs["source_url"] == "https://example.org/sinai"
    assert json.loads(sinai["original"]) == {"ActionGeo_CountryCode": "EG"}
    assert (ev.loc["709953201", "country"], ev.loc["709953201", "code"]) == ("DEU", "042")
    assert ev.loc["709953201", "kind"] == "cooperation"
    assert ev.loc["709953202", "country"] is None and pd.isna(ev.loc["709953202", "lat"])
    assert ev.loc["709953203", "country"] is None
    assert ingest_one(store, path).tally.duplicates == 4


def test_export_layout_58_columns_zipped(tmp_path: Path, store: DuckDBStore) -> None:
    lines = [export_line(COLUMNS_58), export_line(COLUMNS_58, GlobalEventID="5", SQLDATE="2017")]
    path = tmp_path / "20171126.export.CSV.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("20171126.export.CSV", "\n".join(lines) + "\n")
    assert isinstance(detect(path), GdeltEventsExport)
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.quarantined) == (1, 1)
    ev = store.reader().select(Query.build("events")).iloc[0]
    assert ev["country"] == "EGY" and "source_url" in json.loads(ev["attrs"])


def test_subset_and_export_share_ids(tmp_path: Path, store: DuckDBStore) -> None:
    subset = write(tmp_path, "gdelt_2017-11-26.csv", "\n".join(SUBSET.splitlines()[:3]) + "\n")
    export = write(tmp_path, "20171126.export.CSV", EXPORT_ROWS[0] + "\n")
    ingest_one(store, subset)
    ingest_one(store, export)  # the full record revises the extract's one
    ev = store.reader().select(Query.build("events", where={"source_record_id": "709953102"}))
    assert len(ev) == 1 and ev["actor1"].tolist() == ["EGYPT"]


CAMEO = ("CAMEOEVENTCODE\tEVENTDESCRIPTION\r\n1\tVerbal Cooperation\r\n01\tMAKE PUBLIC "
         "STATEMENT\r\n010\tMake statement, not specified below\r\n02\tAPPEAL\r\n0211\tAppeal "
         "for economic cooperation\r\n19\tFIGHT\r\n195\tEmploy aerial weapons\r\n215\tNo such "
         "root\r\n0x1\tJunk\r\n020\t\r\n")


def test_cameo_code_list(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "CAMEO.eventcodes.txt", CAMEO)
    assert isinstance(detect(path), GdeltCameoCodes)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (10, 7, 3)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        9: "CAMEO code outside roots 01-20: '215'",
        10: "not a CAMEO code (2-4 digits) or QuadClass (1-4): '0x1'",
        11: "empty description",
    }
    codes = store.reader().select(Query.build("codes")).set_index("code")
    assert codes.loc["1", "scheme"] == "gdelt_quadclass"
    assert codes.loc["0211", "parent"] == "02" and codes.loc["01", "parent"] is None
    assert json.loads(codes.loc["0211", "attrs"]) == {"quad_class": "1", "base_code": "021"}
    assert json.loads(codes.loc["195", "attrs"]) == {"quad_class": "4", "base_code": None}
    assert codes.loc["19", "label"] == "FIGHT"


MONTHLY = "MonthYear,EventCode,N_events\n201504,190,120\n201504,0211,3\n201513,190,1\n" \
    "201505,9x,4\n201505,190,-1\n"


def test_monthly_counts(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "gdelt_syria_monthly_counts.csv", MONTHLY)
    assert isinstance(detect(path), GdeltMonthlyCounts)
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.quarantined) == (2, 3)
    assert not report.warnings
    obs = store.reader().select(Query.build("observations")).set_index("category")
    assert obs.loc["0211", "value"] == 3 and obs.loc["190", "country"] == "SYR"
    assert (obs.loc["190", "metric"], obs.loc["190", "unit"], obs.loc["190", "precision"]) == (
        "gdelt_events", "events", "month")
    q = store.reader().quarantine()
    assert q["reason"].tolist() == [
        "MonthYear is not a month (YYYYMM): '201513'",
        "EventCode is not a CAMEO code (2-4 digits, root 01-20): '9x'",
        "N_events is not a count: '-1'",
    ]


def test_monthly_counts_without_a_country_in_the_name(tmp_path: Path,
                                                       store: DuckDBStore) -> None:
    path = write(tmp_path, "counts.csv", MONTHLY)
    report = ingest_one(store, path)
    assert report.tally.stored == 2 and any("no country" in w for w in report.warnings)
    assert store.reader().select(Query.build("observations"))["country"].isna().all()


# ---------------------------------------------------------------------------------------------
# Properties.


def _real_subset_rows() -> list[list[str]]:
    path = REAL_DATA / "gdelt" / "gdelt_events_2017-11-26_subset_europe_mena_sahel.csv"
    text = path.read_text(encoding="utf-8")[:20_000] if path.exists() else SUBSET
    return [r for r in csv.reader(io.StringIO(text))][1:40]


SUBSET_ROWS = [r for r in _real_subset_rows() if len(r) == 9]
FIELD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)




@settings(max_examples=80, deadline=None)
@given(st.lists(mutated_fields(SUBSET_ROWS), min_size=1, max_size=6))
def test_mutated_real_subset_rows(tmp_path_factory: pytest.TempPathFactory,
                                  rows: list[list[str]]) -> None:
    path = write_csv(tmp_path_factory.mktemp("gdelt") / "gdelt_2017-11-26.csv",
                     SUBSET_HEADER.split(","), rows)
    counted, ctx = parse_all(GdeltEventsSubset(), path)
    assert counted.get("events", 0) + ctx.quarantined == len(rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50),
                min_size=1, max_size=8))
def test_random_subset_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                         lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("gdelt") / "gdelt_2017-11-26.csv"
    path.write_text(SUBSET_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    counted, ctx = parse_all(GdeltEventsSubset(), path)
    assert counted.get("events", 0) + ctx.quarantined >= 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(EXPORT_BASE)), FIELD_TEXT), max_size=4),
       st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
                max_size=3))
def test_mutated_export_lines(tmp_path_factory: pytest.TempPathFactory,
                              changes: list[tuple[str, str]], junk: list[str]) -> None:
    values: dict[str, Any] = dict(changes)
    lines = [export_line(), export_line(**values), *junk]
    path = tmp_path_factory.mktemp("gdelt") / "x.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counted, ctx = parse_all(GdeltEventsExport(), path)
    assert counted.get("events", 0) + ctx.quarantined >= 1


# ---------------------------------------------------------------------------------------------
# The real files.

REAL = {
    "gdelt/gdelt_events_2017-11-26_subset_europe_mena_sahel.csv": "gdelt_events_subset_csv",
    "gdelt/CAMEO.eventcodes.txt": "gdelt_cameo_codes",
    "gdelt/gdelt_yemen_monthly_event_counts_by_cameo_2010_2016.csv":
        "gdelt_monthly_event_counts",
}


@pytest.mark.realdata
def test_sniffers_claim_exactly_the_gdelt_files(real_data: Path) -> None:
    ours = [a for a in adapters() if a.meta.source == "gdelt"]
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        rel = path.relative_to(real_data).as_posix()
        head = read_head(path)
        claims = {a.meta.name for a in ours if a.sniff(path, head) > 0}
        assert claims == ({REAL[rel]} if rel in REAL else set()), rel
        if rel in REAL:
            assert detect(path).meta.name == REAL[rel], rel


@pytest.mark.realdata
def test_real_subset(store: DuckDBStore) -> None:
    path = real_file("gdelt/gdelt_events_2017-11-26_subset_europe_mena_sahel.csv")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (34_064,
                                                                                  34_064, 0)
    assert report.tally.balanced and not report.warnings
    reader = store.reader()
    assert reader.count(Query.build("events", where={"country": "EGY"})) == 2_085
    day = reader.select(Query.build("events", columns=["time_start"]))["time_start"]
    assert set(day) == {pd.Timestamp("2017-11-26", tz="UTC")}
    first = reader.select(Query.build("events", where={"source_record_id": "709953101"})).iloc[0]
    assert (first["code"], first["kind"]) == ("063", "cooperation")
    assert reader.count(Query.build("events", kinds="armed_clash")) == 2_581
    assert ingest_one(store, path).tally.duplicates == 34_064


@pytest.mark.realdata
def test_real_cameo_codes_and_yemen_counts(store: DuckDBStore) -> None:
    codes = ingest_one(store, real_file("gdelt/CAMEO.eventcodes.txt"))
    assert (codes.tally.read, codes.tally.stored, codes.tally.quarantined) == (314, 314, 0)
    assert ingest_one(store, real_file("gdelt/CAMEO.eventcodes.txt")).tally.duplicates == 314
    table = store.reader().select(Query.build("codes", where={"scheme": "cameo"}))
    assert len(table) == 310
    assert table.set_index("code").loc["190", "label"] == \
        "Use conventional military force, not specified below"

    yemen = real_file("gdelt/gdelt_yemen_monthly_event_counts_by_cameo_2010_2016.csv")
    counts = ingest_one(store, yemen)
    assert (counts.tally.read, counts.tally.stored, counts.tally.quarantined) == (9_226, 9_226, 0)
    assert counts.tally.balanced and not counts.warnings
    assert ingest_one(store, yemen).tally.duplicates == 9_226
    april = store.reader().select(Query.build("observations", start="2015-04", end="2015-05"))
    assert april["value"].sum() == 34_459
    assert set(april["country"]) == {"YEM"} and "035" in set(
        store.reader().select(Query.build("observations"))["category"])
