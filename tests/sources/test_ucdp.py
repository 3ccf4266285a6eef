"""UCDP GED adapters: the download CSV, the API CSV and GeoJSON, on small fixtures written
here and on the real files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.model.identity import record_id
from flankwatch.sources.base import ParseContext, read_head
from flankwatch.sources.registry import adapters, detect
from flankwatch.sources.ucdp import UcdpGedApiCsv, UcdpGedCsv, UcdpGedGeoJson
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, mutated_fields, parse_all, write, write_csv

# The GED 23.1 download layout (49 columns, UCDP's order).
GED_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
]

BASE: dict[str, Any] = {
    "id": "1001", "relid": "SYR-2016-1-1", "year": "2016", "active_year": "1",
    "code_status": "Clear", "type_of_violence": "1", "conflict_dset_id": "299",
    "conflict_new_id": "299", "conflict_name": "Syria: Government", "dyad_dset_id": "11973",
    "dyad_new_id": "11973", "dyad_name": "Government of Syria - Syrian insurgents",
    "side_a_dset_id": "118", "side_a_new_id": "118", "side_a": "Government of Syria",
    "side_b_dset_id": "4456", "side_b_new_id": "4456", "side_b": "Syrian insurgents",
    "number_of_sources": "1", "source_article": "SOHR", "source_office": "SOHR",
    "source_date": "2016-02-03", "source_headline": "  Clashes near Aleppo  ",
    "source_original": "SOHR", "where_prec": "1", "where_coordinates": "Aleppo town",
    "where_description": "Aleppo", "adm_1": "Aleppo Governorate", "adm_2": "",
    "latitude": "36.2", "longitude": "37.15", "geom_wkt": "POINT (37.15 36.2)",
    "priogrid_gid": "181195", "country": "Syria", "country_id": "652",
    "region": "Middle East", "event_clarity": "1", "date_prec": "1",
    "date_start": "2016-02-03 00:00:00.000", "date_end": "2016-02-03 00:00:00.000",
    "deaths_a": "2", "deaths_b": "3", "deaths_civilians": "1", "deaths_unknown": "0",
    "best": "6", "high": "8", "low": "5", "gwnoa": "652", "gwnob": "",
}


def ged_csv(*rows: dict[str, Any], columns: list[str] = GED_COLUMNS) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        full = {**BASE, **row}
        w.writerow([full.get(c, "") for c in columns])
    return out.getvalue()


GOOD = [
    {},
    {"id": "1002", "type_of_violence": "2", "side_b": "IS", "date_prec": "2",
     "date_start": "2016-02-01", "date_end": "2016-02-05",
     # a quoted newline: the next record starts two lines further down
     "source_article": "SOHR\nsecond line"},
    {"id": "1003", "type_of_violence": "3", "side_b": "Civilians", "date_prec": "4",
     "date_start": "2016-03-01", "date_end": "2016-03-31", "adm_1": ""},
    {"id": "1004", "date_prec": "5", "date_start": "2016-01-01", "date_end": "2016-12-31"},
    {"id": "1005", "country": "DR Congo (Zaire)", "date_prec": "3",
     "date_start": "2016-04-01", "date_end": "2016-04-07"},
]
BAD = [  # (row, line it will be on, reason)
    ({"id": "2001", "type_of_violence": "4"}, 8, "type_of_violence is not 1, 2 or 3: '4'"),
    ({"id": "2002", "date_start": "2016-13-01"}, 9, "date_start is not a date: '2016-13-01'"),
    ({"id": "2003", "date_start": "2016-02-05", "date_end": "2016-02-01"}, 10,
     "date_end is before date_start: '2016-02-01'"),
    ({"id": "2004", "latitude": "95"}, 11,
     "latitude/longitude missing or off the globe: '95, 37.15'"),
    ({"id": "2005", "best": "many"}, 12, "best is not a non-negative number: 'many'"),
    ({"id": "2006", "country": "Atlantis"}, 13, "unknown GED country name: 'Atlantis'"),
    ({"id": "x7"}, 14, "GED id is missing or not a number: 'x7'"),
    ({"id": "2008", "date_prec": "9"}, 15, "date_prec is not 1-5: '9'"),
]


def test_download_layout_maps_fields_and_quarantines_bad_rows(tmp_path: Path,
                                                              store: DuckDBStore) -> None:
    path = write(tmp_path, "GEDEvent_v23_1.csv", ged_csv(*GOOD, *(b[0] for b in BAD)))
    assert isinstance(detect(path), UcdpGedCsv)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (13, 5, 8)
    assert report.tally.balanced
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {line: why for _, line, why in BAD}

    ev = store.reader().select(Query.build("events", order_by=["line"])).set_index(
        "source_record_id")
    assert list(ev["line"]) == [2, 3, 5, 6, 7]  # record 1002 spans lines 3-4
    first = ev.loc["1001"]
    assert first["id"] == record_id("ucdp", "1001")
    assert (first["kind"], first["subkind"]) == ("armed_clash", "state-based")
    assert (first["country"], first["admin1"], first["admin2"]) == ("SYR", "Aleppo Governorate",
                                                                     None)
    assert (first["actor1"], first["actor2"], first["code"]) == ("Government of Syria",
                                                                 "Syrian insurgents", "299")
    assert first["description"] == "Clashes near Aleppo"
    assert (first["fatalities_best"], first["fatalities_low"], first["fatalities_high"]) == (
        6, 5, 8)
    assert first["location"] == "Aleppo town" and first["location_precision"] == 1
    assert first["h3"] is not None and first["lon"] == 37.15
    attrs = json.loads(first["attrs"])
    assert attrs["dyad"] == "Government of Syria - Syrian insurgents"
    assert (attrs["deaths_a"], attrs["deaths_civilians"], attrs["priogrid_gid"]) == (2, 1, 181195)
    assert attrs["event_clarity"] == 1 and attrs["active_year"] is True
    assert json.loads(first["original"])["country"] == "Syria"
    assert ev.loc["1002", "subkind"] == "non-state"
    assert ev.loc["1003", "kind"] == "violence_against_civilians"
    assert ev.loc["1005", "country"] == "COD"

    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 5, 8)


def test_date_precision_keeps_the_window(tmp_path: Path) -> None:
    path = write(tmp_path, "ged.csv", ged_csv(*GOOD))
    ctx_rows, ctx = parse_all(UcdpGedCsv(), path)
    assert ctx_rows == {"events": 5} and ctx.quarantined == 0
    frame = next(iter(UcdpGedCsv().parse(ParseContext(path, UcdpGedCsv.meta)))).frame
    frame = frame.set_index("source_record_id")
    assert frame.loc["1001", "time_precision"] == "day"
    assert frame.loc["1002", "time_precision"] == "week"  # 2: a 2-6 day window
    assert frame.loc["1005", "time_precision"] == "week"  # 3: the week is known
    assert frame.loc["1003", "time_precision"] == "month"  # 4: 8-30 days or the month
    assert frame.loc["1004", "time_precision"] == "year"  # 5: 31-365 days or the year
    assert frame.loc["1004", "time_start"] == pd.Timestamp("2016-01-01", tz="UTC")
    assert frame.loc["1004", "time_end"] == pd.Timestamp("2016-12-31", tz="UTC")
    assert str(frame["time_start"].dtype) == "datetime64[ns, UTC]"


API_COLUMNS = [{"best": "best_est", "high": "high_est", "low": "low_est"}.get(c, c)
               for c in GED_COLUMNS if c not in ("gwnoa", "gwnob")]


def test_api_layout(tmp_path: Path, store: DuckDBStore) -> None:
    rows = [
        {"active_year": "True", "date_start": "02/03/2016 00:00:00",
         "date_end": "02/03/2016 00:00:00", "best_est": "6", "high_est": "8", "low_est": "5"},
        {"id": "1009", "active_year": "False", "date_start": "2/30/2016 00:00:00",
         "date_end": "02/03/2016 00:00:00", "best_est": "1"},
    ]
    path = write(tmp_path, "Sudan.csv", ged_csv(*rows, columns=API_COLUMNS))
    assert isinstance(detect(path), UcdpGedApiCsv)
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.quarantined) == (1, 1)
    q = store.reader().quarantine()
    assert q["reason"].tolist() == ["date_start is not a date: '2/30/2016 00:00:00'"]
    ev = store.reader().select(Query.build("events")).iloc[0]
    assert ev["time_start"] == pd.Timestamp("2016-02-03", tz="UTC")
    assert (ev["fatalities_best"], ev["fatalities_high"]) == (6, 8)
    assert json.loads(ev["attrs"])["active_year"] is True


def geojson_text(rows: list[dict[str, Any]], broken: bool = False) -> str:
    """A FeatureCollection laid out as GDAL writes it: one feature per line."""
    head = ('{\n"type": "FeatureCollection",\n"name": "GEDEvent_v23_1",\n'
            '"crs": { "type": "name", "properties": { "name": '
            '"urn:ogc:def:crs:OGC:1.3:CRS84" } },\n"features": [\n')
    features = []
    for row in rows:
        props = {k: v for k, v in {**BASE, **row}.items()
                 if k not in ("latitude", "longitude", "geom_wkt")}
        for k in ("id", "type_of_violence", "best", "high", "low", "date_prec", "where_prec",
                  "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
                  "priogrid_gid", "country_id", "event_clarity", "active_year",
                  "conflict_new_id", "dyad_new_id"):
            props[k] = int(props[k])
        props["date_start"] = props["date_start"][:10] + "T00:00:00"
        props["date_end"] = props["date_end"][:10] + "T00:00:00"
        geometry = {"type": "Point", "coordinates": [float(row.get("longitude", 37.15)),
                                                     float(row.get("latitude", 36.2))]}
        features.append(json.dumps({"type": "Feature", "properties": props,
                                    "geometry": geometry}))
    if broken:
        features.insert(1, '{ "type": "Feature", "properties": { "id": 77, "best": }')
    return head + ",\n".join(features) + "\n]\n}\n"


def test_geojson_shares_ids_and_values_with_the_csv(tmp_path: Path, store: DuckDBStore) -> None:
    rows = [{}, {"id": "1003", "type_of_violence": "3", "date_prec": "4",
                 "date_start": "2016-03-01", "date_end": "2016-03-31"}]
    csv_path = write(tmp_path, "ged.csv", ged_csv(*rows))
    geo_path = write(tmp_path, "ged.geojson", geojson_text(rows, broken=True))
    assert isinstance(detect(geo_path), UcdpGedGeoJson)
    ingest_one(store, csv_path)
    report = ingest_one(store, geo_path)
    # the broken feature is quarantined at its line; the two good ones are the CSV's events
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (3, 0, 2, 1)
    q = store.reader().quarantine()
    assert q["line"].tolist() == [7] and q["reason"].iloc[0].startswith("malformed JSON")
    files = store.reader().ingest_files()
    assert files["stored"].tolist() == [2, 0]


def test_geojson_that_is_not_a_feature_collection_fails(tmp_path: Path,
                                                         store: DuckDBStore) -> None:
    path = write(tmp_path, "x.geojson", '{"type": "FeatureCollection", "type_of_violence": '
                 '1, "date_prec": 1}')
    report = ingest_one(store, path)
    assert report.status == "failed" and "FeatureCollection" in (report.error or "")


def _real_records() -> tuple[list[str], list[list[str]]]:
    """Header and the first records of the real Syria file (the fixture when it is absent)."""
    path = REAL_DATA / "conflict" / "ucdp_ged191_syria_2016_2019.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            return header, [next(reader) for _ in range(60)]
    rows = list(csv.reader(io.StringIO(ged_csv(BASE, {"id": "1002"}))))
    return rows[0], rows[1:]


HEADER, RECORDS = _real_records()




@settings(max_examples=60, deadline=None)
@given(st.lists(mutated_fields(RECORDS, max_size=12), min_size=1, max_size=6))
def test_mutated_real_lines_give_records_or_quarantine(tmp_path_factory: pytest.TempPathFactory,
                                                       records: list[list[str]]) -> None:
    path = write_csv(tmp_path_factory.mktemp("ged") / "ged.csv", HEADER, records)
    rows, ctx = parse_all(UcdpGedCsv(), path)
    assert rows.get("events", 0) + ctx.quarantined == len(records)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
                min_size=1, max_size=8))
def test_random_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                  lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("ged") / "ged.csv"
    path.write_text(",".join(GED_COLUMNS) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows, ctx = parse_all(UcdpGedCsv(), path)
    assert rows.get("events", 0) + ctx.quarantined >= 0


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_random_geojson_features_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                             junk: str) -> None:
    text = geojson_text([{}]).replace('"features": [\n', '"features": [\n' + junk + ",\n", 1)
    path = tmp_path_factory.mktemp("geo") / "ged.geojson"
    path.write_text(text, encoding="utf-8")
    rows, ctx = parse_all(UcdpGedGeoJson(), path)
    assert rows.get("events", 0) + ctx.quarantined >= 1


# ---------------------------------------------------------------------------------------------
# The real files.

REAL = {
    "conflict/ucdp_ged191_syria_2016_2019.csv": ("ucdp_ged_csv", 16_566),
    "conflict/GEDEvent_v23_1_CAF_482.csv": ("ucdp_ged_csv", 1_848),
    "conflict/ucdp_ged231_central_african_republic.geojson": ("ucdp_ged_geojson", 1_848),
    "conflict/ucdp_ged_api_sudan_1989_2022.csv": ("ucdp_ged_api_csv", 3_475),
}


@pytest.mark.realdata
def test_sniffers_claim_exactly_the_ucdp_files(real_data: Path) -> None:
    ours = [a for a in adapters() if a.meta.source == "ucdp"]
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        rel = path.relative_to(real_data).as_posix()
        head = read_head(path)
        claims = {a.meta.name for a in ours if a.sniff(path, head) > 0}
        if rel in REAL:
            assert claims == {REAL[rel][0]}, rel
            assert detect(path).meta.name == REAL[rel][0], rel
        else:
            assert not claims, rel


def _monthly_best(store: DuckDBStore, max_prec: int) -> pd.Series:
    ev = store.reader().select(Query.build("events", sources="ucdp",
                                           columns=["time_start", "fatalities_best", "attrs"]))
    prec = ev["attrs"].map(lambda a: json.loads(a)["date_prec"])
    ev = ev[prec <= max_prec]
    return ev.groupby(ev["time_start"].dt.strftime("%Y-%m"))["fatalities_best"].sum()


@pytest.mark.realdata
def test_real_syria_file(store: DuckDBStore) -> None:
    path = real_file("conflict/ucdp_ged191_syria_2016_2019.csv")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (16_566,
                                                                                  16_566, 0)
    assert report.tally.balanced and not report.warnings
    monthly = _monthly_best(store, max_prec=2)
    assert monthly.idxmax() == "2016-02" and monthly["2016-02"] == 3_442
    assert monthly["2016-06"] == 3_176 and monthly["2018-03"] == 2_986
    # the four year-precision events keep their year-long window
    year = store.reader().select(Query.build("events", where={"time_precision": "year"}))
    assert (year["time_end"] - year["time_start"]).dt.days.max() == 365
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 16_566)


@pytest.mark.realdata
def test_real_caf_csv_and_geojson_are_the_same_events(store: DuckDBStore) -> None:
    first = ingest_one(store, real_file("conflict/GEDEvent_v23_1_CAF_482.csv"))
    assert (first.tally.read, first.tally.stored, first.tally.quarantined) == (1_848, 1_848, 0)
    second = ingest_one(store, real_file(
        "conflict/ucdp_ged231_central_african_republic.geojson"))
    assert (second.tally.read, second.tally.duplicates, second.tally.quarantined) == (1_848,
                                                                                      1_848, 0)
    assert second.tally.balanced
    ev = store.reader().select(Query.build("events", start="2017-01-01", end="2018-01-01"))
    assert ev["fatalities_best"].sum() == 1_848  # deaths in 2017 (MANIFEST)
    assert set(ev["country"]) == {"CAF"}
    wagner = store.reader().select(Query.build("events", start="2021-01-01", end="2022-01-01"))
    assert wagner["fatalities_best"].sum() == 1_080


@pytest.mark.realdata
def test_real_geojson_alone(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file("conflict/ucdp_ged231_central_african_republic.geojson"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (1_848, 1_848,
                                                                                  0)
    ev = store.reader().select(Query.build("events", where={"source_record_id": "36210"}))
    assert ev["line"].tolist() == [6]  # the line the feature starts on
    assert (ev["lon"].iloc[0], ev["lat"].iloc[0]) == (26.486881, 5.399784)


@pytest.mark.realdata
def test_real_sudan_api_file(store: DuckDBStore) -> None:
    path = real_file("conflict/ucdp_ged_api_sudan_1989_2022.csv")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (3_475, 3_475,
                                                                                  0)
    ev = store.reader().select(Query.build("events", columns=["subkind", "country",
                                                              "time_start"]))
    assert ev["subkind"].value_counts().to_dict() == {"state-based": 1_530, "one-sided": 1_405,
                                                      "non-state": 540}
    assert set(ev["country"]) == {"SDN"}
    assert ev["time_start"].min() == pd.Timestamp("1989-01-01", tz="UTC")
    assert ingest_one(store, path).tally.duplicates == 3_475
