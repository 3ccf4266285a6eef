"""Natural Earth and watch-zone adapters: invented GeoJSON, a truncated file, fuzzing and the
real Natural Earth files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flankwatch.sources.base import read_head
from flankwatch.sources.natural_earth import (
    ADAPTERS,
    NaturalEarthCountries,
    NaturalEarthMarine,
    WatchZones,
)
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

SQUARE = {"type": "Polygon", "coordinates": [[[14.2, 35.8], [14.6, 35.8], [14.6, 36.1],
                                               [14.2, 36.1], [14.2, 35.8]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 42], [5, 47], [5, 42], [0, 47], [0, 42]]]}


def _feature(props: dict[str, Any], geometry: object = SQUARE) -> str:
    return json.dumps({"type": "Feature", "properties": props, "geometry": geometry},
                      ensure_ascii=False)


def _collection(lines: list[str], head: str = '{"type":"FeatureCollection","features":[') -> str:
    return head + "\n" + ",\n".join(lines) + "\n]}\n"


def _country(admin: str, iso: object, adm0: str, upper: bool = True) -> dict[str, Any]:
    props = {"featurecla": "Admin-0 country", "TYPE": "Sovereign country", "ADMIN": admin,
             "ADM0_A3": adm0, "ISO_A3": iso}
    return props if upper else {k.lower(): v for k, v in props.items()}


def _countries(upper: bool = True) -> list[str]:
    return [
        _feature(_country("Malta", "MLT", "MLT", upper)),                       # line 2
        _feature(_country("Kosovo", -99, "KOS", upper)),                        # line 3
        _feature(_country("France", -99, "FRA", upper), BOWTIE),               # line 4
        _feature(_country("Nowhere", "ITA", "ITA", upper), None),              # line 5
        _feature(_country("Brokenland", "ESP", "ESP", upper),
                 {"type": "Polygon", "coordinates": [[1, 2]]}),                 # line 6
        _feature(_country("Pointland", "GRC", "GRC", upper),
                 {"type": "Point", "coordinates": [1, 2]}),                     # line 7
        _feature(_country("Farland", "TUN", "TUN", upper),
                 {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1],
                                                      [200, 0]]]}),            # line 8
        _feature({"featurecla": "Admin-0 country", "ADM0_A3": "CYP"}),         # line 9
    ]


COUNTRY_REASONS = {
    5: "Nowhere: feature has no geometry",
    6: "Brokenland: unparseable geometry: TypeError: 'int' object is not iterable",
    7: "Pointland: geometry is a Point, not a polygon",
    8: "Farland: coordinates outside the WGS84 lon/lat range",
    9: "feature has no ADMIN or NAME",
}


def _areas(store: DuckDBStore, **kw: Any) -> dict[str, dict[str, Any]]:
    frame = store.reader().select(Query.build("areas", **kw))
    return {str(r["name"]): r for r in frame.to_dict("records")}


def test_countries_upper_case(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "ne_110m_admin_0_countries.geojson", _collection(_countries()))
    assert isinstance(detect(path), NaturalEarthCountries)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (8, 3, 5)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == COUNTRY_REASONS
    rows = _areas(store)
    malta = rows["Malta"]
    assert (malta["kind"], malta["iso3"], malta["category"], malta["line"]) == (
        "country", "MLT", "Sovereign country", 2)
    assert (malta["min_lon"], malta["min_lat"], malta["max_lon"], malta["max_lat"]) == (
        14.2, 35.8, 14.6, 36.1)
    assert malta["geometry_wkt"].startswith("POLYGON ((14.2 35.8")
    assert malta["original"] is None
    kosovo = rows["Kosovo"]
    assert kosovo["iso3"] == "XKX"
    assert json.loads(kosovo["original"]) == {"ISO_A3": -99}
    assert json.loads(kosovo["attrs"])["flankwatch:iso3_from"] == "ADM0_A3"
    assert json.loads(kosovo["attrs"])["flankwatch:scale"] == "110m"
    france = rows["France"]
    assert france["iso3"] == "FRA"
    assert france["geometry_wkt"].startswith("MULTIPOLYGON")  # the bow-tie, split in two
    assert json.loads(france["attrs"])["flankwatch:made_valid"].startswith("Self-intersection")
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 3, 5)


def test_countries_lower_case_at_another_scale(tmp_path: Path, store: DuckDBStore) -> None:
    upper = write(tmp_path, "ne_110m_admin_0_countries.geojson", _collection(_countries()))
    lower = write(tmp_path, "ne_50m_admin_0_countries.geojson",
                  _collection(_countries(upper=False)))
    assert isinstance(detect(lower), NaturalEarthCountries)
    ingest_one(store, upper)
    report = ingest_one(store, lower)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (8, 3, 5)
    frame = store.reader().select(Query.build("areas", where={"name": "Kosovo"}))
    assert sorted(frame["iso3"]) == ["XKX", "XKX"]  # one record per scale


def test_marine_and_repeated_names(tmp_path: Path, store: DuckDBStore) -> None:
    reef_2 = {"type": "Polygon", "coordinates": [[[153, -25], [153.5, -25], [153.5, -24.5],
                                                  [153, -25]]]}
    lines = [_feature({"name": "Test Sea", "qid": "Q1", "category": "sea"}),
             _feature({"name": "Test Reef", "qid": "Q2", "category": "reef"}),
             _feature({"name": "Test Reef", "qid": "Q2", "category": "reef"}, reef_2),
             _feature({"name": None, "qid": "Q3", "category": "bay"})]
    path = write(tmp_path, "ne_10m_geography_marine_polys.geojson", _collection(lines))
    assert isinstance(detect(path), NaturalEarthMarine)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 3, 1)
    q = store.reader().quarantine()
    assert (q["line"][0], q["reason"][0]) == (5, "marine feature has no name")
    frame = store.reader().select(Query.build("areas", kinds="marine"))
    assert sorted(frame["name"]) == ["Test Reef", "Test Reef", "Test Sea"]
    assert set(frame["category"]) == {"sea", "reef"}
    assert frame["iso3"].isna().all()


def test_marine_in_natural_earths_own_layout(tmp_path: Path, store: DuckDBStore) -> None:
    props = {"featurecla": "sea", "name": "Test Sea", "namealt": None, "scalerank": 1,
             "wikidataid": "Q1", "name_fr": "mer de Test"}
    head = ('{"type":"FeatureCollection","name":"ne_10m_geography_marine_polys","crs":'
            '{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[')
    path = write(tmp_path, "ne_10m_geography_marine_polys.geojson",
                 _collection([_feature(props)], head=head))
    assert isinstance(detect(path), NaturalEarthMarine)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored) == (1, 1)
    row = _areas(store)["Test Sea"]
    assert (row["kind"], row["category"]) == ("marine", "sea")
    assert json.loads(row["attrs"])["name_fr"] == "mer de Test"


def test_watch_zones(tmp_path: Path, store: DuckDBStore) -> None:
    zone = {"flankwatch:kind": "watch_zone", "name": "Zone A", "category": "sea",
            "country": "Malta"}
    lines = [_feature(zone),
             _feature({"name": "Unmarked"}),
             _feature({**zone, "name": "Zone B", "country": "Atlantis"}),
             _feature({"flankwatch:kind": "watch_zone", "name": " "})]
    path = write(tmp_path, "my_zones.geojson", _collection(lines))
    assert isinstance(detect(path), WatchZones)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 1, 3)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        3: "feature is not marked flankwatch:kind = watch_zone (found None)",
        4: "watch zone 'Zone B': unknown country 'Atlantis'",
        5: "watch zone has no name",
    }
    rows = _areas(store, kinds="watch_zone")
    assert (rows["Zone A"]["iso3"], rows["Zone A"]["source"]) == ("MLT", "watch_zones")
    assert store.reader().area_bbox("zone a") == (14.2, 35.8, 14.6, 36.1)
    # Redrawing a zone with the same name revises it.
    moved = write(tmp_path, "my_zones.geojson", _collection([_feature(zone, BOWTIE)]))
    again = ingest_one(store, moved)
    assert (again.tally.stored, again.tally.duplicates) == (1, 0)
    assert len(_areas(store, kinds="watch_zone")) == 1


def test_truncated_file_keeps_features_before_the_break(tmp_path: Path,
                                                       store: DuckDBStore) -> None:
    text = _collection(_countries())
    cut = text[: text.index('"Kosovo"')]  # ends inside the feature on line 3
    path = write(tmp_path, "ne_110m_admin_0_countries.geojson", cut)
    report = ingest_one(store, path)
    assert report.status == "done"
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2, 1, 1)
    q = store.reader().quarantine()
    assert q["line"][0] == 3
    assert q["reason"][0].startswith("the GeoJSON breaks at line 3, column ")
    assert "features after this point could not be read" in q["reason"][0]


def test_no_features_array_is_a_file_error(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "zones.geojson",
                 '{"type": "FeatureCollection", "note": "flankwatch:kind watch_zone",\n'
                 ' "flankwatch:kind": "watch_zone"}')
    report = ingest_one(store, path)
    assert report.status == "failed"
    assert report.error == "the document has no 'features' array"


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=120, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=5), st.integers(min_value=1, max_value=8))
def test_random_lines_give_records_or_quarantine(tmp_path_factory: pytest.TempPathFactory,
                                                 junk: list[str], at: int) -> None:
    lines = _countries()
    text = _collection(lines[:at] + junk + lines[at:])
    path = tmp_path_factory.mktemp("fuzz") / "ne_110m_admin_0_countries.geojson"
    path.write_text(text, encoding="utf-8")
    rows, ctx = parse_all(NaturalEarthCountries(), path)
    assert rows.get("areas", 0) >= 1  # Malta, on the line before any junk
    assert rows.get("areas", 0) + ctx.quarantined >= at


@pytest.fixture(scope="module")
def real_features() -> list[str]:
    out = []
    for name in ("ne_110m_admin_0_countries.geojson",
                 "ne_10m_geography_marine_polys_slim.geojson"):
        doc = json.loads(real_file(f"boundaries/{name}").read_text(encoding="utf-8"))
        out += [json.dumps(f, ensure_ascii=False) for f in doc["features"][:40]]
    return out


@pytest.mark.realdata
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_real_features_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, real_features: list[str],
        data: st.DataObject) -> None:
    feature = data.draw(st.sampled_from(real_features))
    start = data.draw(st.integers(0, min(len(feature), 2_000)))
    end = data.draw(st.integers(start, min(len(feature), start + 30)))
    mutated = feature[:start] + data.draw(_TEXT) + feature[end:]
    good = _feature(_country("Malta", "MLT", "MLT"))
    path = tmp_path_factory.mktemp("fuzz") / "ne_110m_admin_0_countries.geojson"
    path.write_text(_collection([good, mutated]), encoding="utf-8")
    rows, ctx = parse_all(NaturalEarthCountries(), path)
    assert rows.get("areas", 0) >= 1
    assert rows.get("areas", 0) + ctx.quarantined >= 2


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "count", "kind"), [
    ("ne_110m_admin_0_countries.geojson", 177, "country"),
    ("ne_50m_admin_0_countries.geojson", 241, "country"),
    ("ne_10m_geography_marine_polys_slim.geojson", 271, "marine"),
])
def test_real_files(store: DuckDBStore, name: str, count: int, kind: str) -> None:
    path = real_file(f"boundaries/{name}")
    report = ingest_one(store, path)
    assert report.status == "done"
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (
        count, count, 0)
    assert report.tally.balanced
    reader = store.reader()
    assert reader.count(Query.build("areas", kinds=kind, sources="natural_earth")) == count
    if kind == "marine":
        med = _areas(store, where={"name": "Mediterranean Sea"})["Mediterranean Sea"]
        assert med["category"] == "sea"
        # NE's Mediterranean stops where the Alboran, Aegean, ... seas (separate polygons) begin
        bbox = (med["min_lon"], med["min_lat"], med["max_lon"], med["max_lat"])
        assert bbox == pytest.approx((-2.0911, 30.8304, 36.1883, 43.8267), abs=1e-3)
        assert store.reader().area_bbox("mediterranean sea") == pytest.approx(bbox)
        repaired = reader.select(Query.build("areas", kinds="marine"))["attrs"]
        assert sum("flankwatch:made_valid" in a for a in repaired) == 14
    else:
        rows = _areas(store)
        assert (rows["France"]["iso3"], rows["Norway"]["iso3"], rows["Kosovo"]["iso3"]) == (
            "FRA", "NOR", "XKX")
        libya = rows["Libya"]
        assert libya["iso3"] == "LBY"
        bbox = (libya["min_lon"], libya["min_lat"], libya["max_lon"], libya["max_lat"])
        expected = (9.319411, 19.58047, 25.16482, 33.136996) if count == 177 else (
            9.31025390625, 19.496630859375, 25.150488281250006, 33.18193359375)
        assert bbox == pytest.approx(expected, abs=1e-6)
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, count)


@pytest.mark.realdata
def test_only_these_adapters_claim_the_boundaries(real_data: Path) -> None:
    ours = [cls() for cls in ADAPTERS]
    expected = {
        "ne_110m_admin_0_countries.geojson": "natural_earth_admin0_geojson",
        "ne_50m_admin_0_countries.geojson": "natural_earth_admin0_geojson",
        "ne_10m_geography_marine_polys_slim.geojson": "natural_earth_marine_geojson",
    }
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        head = read_head(path)
        claimed = [a.meta.name for a in ours if a.sniff(path, head) > 0]
        mine = path.parent == REAL_DATA / "boundaries"
        assert claimed == ([expected[path.name]] if mine else []), path
        if mine:
            assert detect(path).meta.name == expected[path.name]
