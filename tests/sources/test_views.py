"""VIEWS adapters: cm_features CSV extracts, the country key, the challenge benchmarks and
actuals (Parquet), on small fixtures and on the real files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.ingest import expand_paths
from flankwatch.sources.base import ParseContext, read_head
from flankwatch.sources.registry import detect
from flankwatch.sources.views import (
    ViewsActuals,
    ViewsBenchmark,
    ViewsCountryKey,
    ViewsFeatures,
    month_of,
)
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

HEADER = "month_id,month,country_id,gleditsch_ward,ged_sb,ged_ns,ged_os,name,iso3\n"
FEATURES = HEADER + (
    "459,2018-03,220,652,2964,1472,13,Syria,SYR\n"      # 2: three cells
    "459,2018-03,232,347,0,0,0,Kosovo,\n"               # 3: blank iso3, name resolves: XKX
    "x,2018-03,1,110,0,0,0,Guyana,GUY\n"                # 4: month_id is junk
    "460,2018-03,1,110,0,0,0,Guyana,GUY\n"              # 5: month label disagrees
    "459,2018-03,9,99,0,0,0,Atlantis,ZZZ\n"             # 6: unknown code
    "459,2018-03,8,98,0,0,0,Atlantis,\n"                # 7: no code, unresolvable name
    "459,2018-03,2,115,many,-3,,Suriname,SUR\n"         # 8: junk, negative, blank cells
    "459,2018-03,3,52\n"                                # 9: too few fields
)
KEY = (
    "id,name,gwcode,isoname,isoab,isonum,in_africa,in_middle_east\n"
    "220,Syria,652,Syrian Arab Republic,SYR,760,0,1\n"
    "232,Kosovo,347,,,0,0,0\n"
    "254,USSR,365,Union of Soviet Socialist Republics,SUN,810,0,0\n"
    "abc,Nowhere,1,,,,0,0\n"
)


def test_features_keep_good_cells_and_quarantine_bad_rows(tmp_path: Path,
                                                          store: DuckDBStore) -> None:
    path = write(tmp_path, "cm.csv", FEATURES)
    assert isinstance(detect(path), ViewsFeatures)
    report = ingest_one(store, path)
    # rows 2 and 3: 3 cells each; rows 4-7 and 9 quarantined once each; row 8: two bad cells
    # and a blank one (no figure: neither read nor stored)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (13, 6, 7)
    assert report.tally.balanced
    assert any("1 blank cell" in w for w in report.warnings)
    reasons = {}
    for line, reason in zip(*(store.reader().quarantine()[c] for c in ("line", "reason")),
                            strict=True):
        reasons.setdefault(int(line), []).append(reason)
    assert reasons[4] == ["month_id 'x' is not a VIEWS month number (1 = 1980-01)"]
    assert reasons[5] == ["month '2018-03' does not match month_id '460' (2018-04)"]
    assert reasons[6] == ["unknown country code 'ZZZ'"]
    assert reasons[7] == ["iso3 is blank and the name 'Atlantis' does not resolve to a country"]
    assert sorted(reasons[8]) == ["ged_ns '-3' is negative", "ged_sb 'many' is not a number"]
    assert reasons[9] == ["expected 9 fields (as in the header), found 4"]
    rows = store.reader().select(Query.build("observations", order_by=["line", "metric"]))
    syria = rows[rows["country"] == "SYR"].set_index("metric")["value"].to_dict()
    assert syria == {"ged_sb": 2964, "ged_ns": 1472, "ged_os": 13}
    kosovo = rows[rows["country"] == "XKX"]
    assert len(kosovo) == 3 and json.loads(kosovo["original"].iloc[0]) == {
        "iso3": "", "name": "Kosovo"}
    assert set(rows["unit"]) == {"fatalities"} and set(rows["precision"]) == {"month"}
    assert str(rows["period_start"].iloc[0])[:10] == "2018-03-01"
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 6)


def test_selected_countries_layout_shares_ids_with_the_all_country_file(
        tmp_path: Path, store: DuckDBStore) -> None:
    ingest_one(store, write(tmp_path, "all.csv", HEADER + FEATURES.splitlines()[1] + "\n"))
    lagged = write(tmp_path, "syria.csv",
                   "month_id,month,country_id,gleditsch_ward,ged_sb,ged_os_tlag_1,name,iso3\n"
                   "459,2018-03,220,652,2964,20.0,Syria,SYR\n")
    report = ingest_one(store, lagged)
    assert (report.tally.read, report.tally.stored, report.tally.duplicates) == (2, 1, 1)
    lag = store.reader().select(Query.build("observations", kinds="ged_os_tlag_1"))
    assert lag["value"].tolist() == [20.0]


def test_transition_months_keep_both_views_units(tmp_path: Path, store: DuckDBStore) -> None:
    # VIEWS has two Sudan units in 2011-07 (before and after South Sudan's independence).
    path = write(tmp_path, "sdn.csv",
                 "month_id,month,country_id,gleditsch_ward,ged_sb,ged_os_tlag_1,name,iso3\n"
                 "379,2011-07,59,625,0,97.0,Sudan,SDN\n379,2011-07,245,625,5,0.0,Sudan,SDN\n")
    report = ingest_one(store, path)
    assert (report.tally.stored, report.tally.duplicates) == (4, 0)


def test_country_key_becomes_codes(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "views_country_key.csv", KEY)
    assert isinstance(detect(path), ViewsCountryKey)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 3, 1)
    assert store.reader().quarantine()["reason"].tolist() == [
        "country_id 'abc' is not a VIEWS country id"]
    codes = store.reader().select(Query.build("codes")).set_index("code")
    assert set(codes["scheme"]) == {"views_country"}
    kosovo = json.loads(codes.loc["232", "attrs"])
    assert kosovo == {"gwcode": 347, "isoname": None, "isoab": None, "isonum": 0,
                      "in_africa": 0, "in_middle_east": 0, "iso3": "XKX"}
    assert json.loads(codes.loc["254", "attrs"])["iso3"] is None  # the USSR is no ISO country
    assert codes.loc["220", "label"] == "Syria"
    assert ingest_one(store, path).tally.duplicates == 3


def _benchmark(folder: Path, rows: Sequence[tuple[object, ...]], name: str = (
        "views_challenge_benchmark_cm_bootstrap_2018_2023.parquet")) -> Path:
    window, month, country, draw, outcome = (list(c) for c in zip(*rows, strict=True))
    table = pa.table({"window": pa.array(window, pa.string()),
                      "month_id": pa.array(month, pa.int32()),
                      "country_id": pa.array(country, pa.int32()),
                      "draw": pa.array(draw, pa.int64()),
                      "outcome": pa.array(outcome, pa.int32())})
    path = folder / name
    pq.write_table(table, path)
    return path


def test_benchmark_groups_draws_into_one_forecast(tmp_path: Path, store: DuckDBStore) -> None:
    write(tmp_path, "views_country_key.csv", KEY)
    rows: list[tuple[object, ...]] = [
        ("Y2018", 459, 220, 2, 30), ("Y2018", 459, 220, 0, 10), ("Y2018", 459, 220, 1, 20),
        ("Y2018", 457, 232, 0, 0), ("Y2018", 457, 232, 1, 0), ("Y2018", 457, 232, 2, 1),
        ("Y2018", 458, 254, 0, 5), ("Y2018", 458, 254, 0, 6), ("Y2018", 458, 254, 2, 7),
        ("Y2018", 460, 220, 0, 1), ("Y2018", 460, 220, 1, None), ("Y2018", 460, 220, 2, 1),
        ("Y2019", 0, 220, 0, 1), ("Y2019", 0, 220, 1, 1), ("Y2019", 0, 220, 2, 1),
        ("Y2019", 469, 220, 0, -1), ("Y2019", 469, 220, 1, 1), ("Y2019", 469, 220, 2, 1),
    ]
    path = _benchmark(tmp_path, rows)
    assert isinstance(detect(path), ViewsBenchmark)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (6, 2, 4)
    q = store.reader().quarantine().set_index("line")["reason"].to_dict()
    assert q == {7: "draw numbers are not 0..2: repeated or missing draws",
                 10: "1 of 3 draws have no outcome",
                 13: "month_id 0.0 is not a VIEWS month number (1 = 1980-01)",
                 16: "negative outcome (fatalities cannot be negative)"}
    got = store.reader().select(Query.build("forecasts", order_by=["line"]))
    assert got["line"].tolist() == [1, 4]
    assert [list(d) for d in got["draws"]] == [[10.0, 20.0, 30.0], [0.0, 0.0, 1.0]]
    assert got["country"].tolist() == ["SYR", "XKX"]
    assert got["country_id"].tolist() == [220, 232]
    assert set(got["model"]) == {"views_benchmark_bootstrap"}
    assert set(got["target"]) == {"ged_sb"} and set(got["window"]) == {"Y2018"}
    assert {str(c)[:10] for c in got["cutoff"]} == {"2017-12-01"}  # Y2018 starts at 457
    assert str(got["period_start"].iloc[0])[:10] == "2018-03-01"
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 2, 4)


def test_benchmark_without_key_keeps_views_id_only(tmp_path: Path) -> None:
    path = _benchmark(tmp_path, [("Y2018", 457, 220, 0, 3)],
                      name="views_challenge_benchmark_cm_conflictology_2018_2023.parquet")
    adapter = ViewsBenchmark()
    ctx = ParseContext(path, adapter.meta, "t")
    frame = next(iter(adapter.parse(ctx))).frame
    assert frame["country"].tolist() == [None] and frame["country_id"].tolist() == [220]
    assert frame["model"].tolist() == ["views_benchmark_conflictology"]
    assert any("no VIEWS country key" in w for w in ctx.warnings)


def test_benchmark_with_an_unknown_model_name_is_a_file_error(tmp_path: Path,
                                                              store: DuckDBStore) -> None:
    path = _benchmark(tmp_path, [("Y2018", 457, 220, 0, 3)], name="benchmark_mystery.parquet")
    report = ingest_one(store, path)
    assert report.status == "failed" and "which VIEWS benchmark" in (report.error or "")


@pytest.mark.parametrize("name", ["views_challenge_benchmark_cm_bootstrap_2018_2023.parquet",
                                  "views_challenge_actuals_cm_2018_2023.parquet"])
def test_truncated_parquet_is_a_clear_file_error(tmp_path: Path, store: DuckDBStore,
                                                 name: str) -> None:
    rows = [("Y2018", 457 + i % 12, 1 + i % 50, i % 3, i % 7) for i in range(3_000)]
    if "actuals" in name:
        table = pa.table({"window": [r[0] for r in rows], "month_id": [r[1] for r in rows],
                          "country_id": [r[2] for r in rows], "outcome": [r[4] for r in rows]})
        full = tmp_path / ("full_" + name)
        pq.write_table(table, full)
    else:
        full = _benchmark(tmp_path, rows, name="full_" + name)
    broken = tmp_path / name
    broken.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    report = ingest_one(store, broken)
    assert report.status == "failed"
    assert "Parquet" in (report.error or "") and "truncated" in (report.error or "")
    assert store.reader().status()["forecasts"] == 0


def test_actuals_become_observations_per_window(tmp_path: Path, store: DuckDBStore) -> None:
    write(tmp_path, "views_country_key.csv", KEY)
    path = tmp_path / "views_challenge_actuals_cm_2018_2023.parquet"
    pq.write_table(pa.table({
        "window": ["Y2018", "Y2018", "Y2018", None],
        "month_id": pa.array([459, 459, 459, 459], pa.int64()),
        "country_id": pa.array([220, 232, 999, 220], pa.int64()),
        "outcome": pa.array([2964, None, 0, 1], pa.int64())}), path)
    assert isinstance(detect(path), ViewsActuals)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (4, 2, 2)
    q = store.reader().quarantine().set_index("line")["reason"].to_dict()
    assert q == {2: "outcome None is not a number", 4: "window is missing"}
    got = store.reader().select(Query.build("observations", order_by=["line"]))
    assert got["value"].tolist() == [2964.0, 0.0]
    assert got["country"].tolist() == ["SYR", None]  # 999 is not in the key
    assert got["area"].tolist() == ["views_country:220", "views_country:999"]
    assert set(got["category"]) == {"Y2018"} and set(got["metric"]) == {"ged_sb"}
    assert set(got["source"]) == {"views_challenge"}


def test_month_ids_count_from_january_1980() -> None:
    assert str(month_of(1)) == "1980-01-01"
    assert str(month_of(457)) == "2018-01-01"
    assert str(month_of(528)) == "2023-12-01"


# ---------------------------------------------------------------------------------------------
# Property tests: garbage and mutated real rows give records or quarantine, never an exception.

V = "views/"
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_ODD_FIELDS = st.sampled_from(["", "NA", "-1", "0", "1e309", "nan", "inf", "2018-13", "x",
                               "457.5", "99999999999999999999", '"', "SYR", "\t"])


@lru_cache(maxsize=4)
def _real_lines(relative: str, n: int = 60) -> tuple[str, ...]:
    path = REAL_DATA / relative
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as f:
        return tuple(line.rstrip("\n") for _, line in zip(range(n), f, strict=False))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["features", "key"]), st.lists(_TEXT, min_size=1, max_size=8))
def test_csv_layouts_never_crash_on_garbage_lines(tmp_path_factory: pytest.TempPathFactory,
                                                  layout: str, lines: list[str]) -> None:
    header, adapter = (HEADER, ViewsFeatures()) if layout == "features" else (
        KEY.splitlines()[0] + "\n", ViewsCountryKey())
    path = tmp_path_factory.mktemp("fuzz") / f"{layout}.csv"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    rows, ctx = parse_all(adapter, path)
    assert sum(rows.values()) + ctx.quarantined >= 0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_real_feature_lines_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    lines = _real_lines("views/views_cm_ged_fatalities_2018-01_2023-12.csv")
    if not lines:
        pytest.skip("real VIEWS file absent")
    body = list(lines[1:])
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(body) - 1))
        fields = body[i].split(",")
        j = data.draw(st.integers(0, len(fields) - 1))
        fields[j] = data.draw(st.one_of(_ODD_FIELDS, _TEXT))
        if data.draw(st.booleans()):
            del fields[data.draw(st.integers(0, len(fields) - 1))]
        body[i] = ",".join(fields)
    path = tmp_path_factory.mktemp("mut") / "cm.csv"
    path.write_text(lines[0] + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    rows, ctx = parse_all(ViewsFeatures(), path)
    assert rows.get("observations", 0) + ctx.quarantined >= 1


_MAYBE_INT = st.one_of(st.none(), st.integers(-3, 700), st.integers(-2**31, 2**31 - 1))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Y2018", "Y2019", "", None, "2018"]), _MAYBE_INT,
                          _MAYBE_INT, st.one_of(st.none(), st.integers(-1, 4)),
                          st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))),
                min_size=1, max_size=25))
def test_benchmark_and_actuals_never_crash_on_random_rows(
        tmp_path_factory: pytest.TempPathFactory,
        rows: list[tuple[object, object, object, object, object]]) -> None:
    folder = tmp_path_factory.mktemp("pq")
    cols = list(zip(*rows, strict=True))
    bench = pa.table({"window": pa.array(cols[0], pa.string()),
                      "month_id": pa.array(cols[1], pa.int64()),
                      "country_id": pa.array(cols[2], pa.int64()),
                      "draw": pa.array(cols[3], pa.int64()),
                      "outcome": pa.array(cols[4], pa.float64())})
    pq.write_table(bench, folder / "views_benchmark_last_historical_poisson.parquet")
    pq.write_table(bench.drop_columns(["draw"]), folder / "views_actuals.parquet")
    groups = {(r[0], r[1], r[2]) for r in rows}
    out, ctx = parse_all(ViewsBenchmark(), folder / "views_benchmark_last_historical_poisson"
                         ".parquet")
    assert out.get("forecasts", 0) + ctx.quarantined == len(groups)
    out, ctx = parse_all(ViewsActuals(), folder / "views_actuals.parquet")
    assert out.get("observations", 0) + ctx.quarantined == len(rows)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_mutated_real_actuals_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = REAL_DATA / V / "views_challenge_actuals_cm_2018_2023.parquet"
    if not path.exists():
        pytest.skip("real VIEWS file absent")
    table = pq.read_table(path).slice(0, 40).to_pylist()
    for _ in range(data.draw(st.integers(1, 6))):
        row = table[data.draw(st.integers(0, len(table) - 1))]
        column = data.draw(st.sampled_from(sorted(row)))
        row[column] = data.draw(st.sampled_from([None, -1, 0, 10**12])) \
            if column != "window" else data.draw(st.sampled_from([None, "", "Y2018"]))
    target = tmp_path_factory.mktemp("mut") / "views_challenge_actuals.parquet"
    pq.write_table(pa.Table.from_pylist(table), target)
    rows, ctx = parse_all(ViewsActuals(), target)
    assert rows.get("observations", 0) + ctx.quarantined == 40


# ---------------------------------------------------------------------------------------------
# The real files (MANIFEST.md, views section; the folder is cut at 2023-12).

@pytest.mark.realdata
def test_real_fatalities_file(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(V + "views_cm_ged_fatalities_2018-01_2023-12.csv"))
    # 13,752 rows (191 countries x 72 months) x 3 metrics; Kosovo's blank iso3 resolves
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (41_256,
                                                                                  41_256, 0)
    assert report.tally.balanced and report.warnings == []
    syria = store.reader().select(Query.build("observations", start="2018-03", end="2018-04",
                                              where={"country": "SYR"}))
    assert syria["value"].sum() == 4_449  # MANIFEST: SYR peak month 2018-03, 4,449
    mali = store.reader().select(Query.build("observations", start="2022-03", end="2022-04",
                                             where={"country": "MLI"}))
    assert mali["value"].sum() == 1_357
    yemen = store.reader().select(Query.build("observations", kinds="ged_sb", start="2021-11",
                                              end="2021-12", where={"country": "YEM"}))
    assert yemen["value"].tolist() == [11_246]
    assert store.reader().count(Query.build("observations", where={"country": "XKX"})) == 216


@pytest.mark.realdata
def test_real_selected_countries_file_agrees_with_the_all_country_file(
        store: DuckDBStore) -> None:
    ingest_one(store, real_file(V + "views_cm_ged_fatalities_2018-01_2023-12.csv"))
    report = ingest_one(store, real_file(
        V + "views_cm_ged_sb_selected_countries_1990_2023.csv"))
    # 4,491 rows x (ged_sb, ged_os_tlag_1); 11 countries x 72 months of ged_sb overlap
    assert (report.tally.read, report.tally.duplicates, report.tally.quarantined) == (8_982,
                                                                                      792, 0)
    assert report.tally.balanced
    sudan = store.reader().select(Query.build("observations", kinds="ged_sb", start="2011-07",
                                              end="2011-08", where={"country": "SDN"}))
    assert sorted(sudan["value"]) == [0, 5]  # two VIEWS units in the month of the split


@pytest.mark.realdata
def test_real_country_key(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(V + "views_country_key.csv"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (220, 220, 0)
    codes = store.reader().select(Query.build("codes")).set_index("code")
    assert json.loads(codes.loc["220", "attrs"])["iso3"] == "SYR"
    assert json.loads(codes.loc["232", "attrs"])["iso3"] == "XKX"


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("model, draws", [("bootstrap", 1_000),
                                          ("last_historical_poisson", 1_000),
                                          ("conflictology", 12)])
def test_real_benchmarks(store: DuckDBStore, model: str, draws: int) -> None:
    path = real_file(V + f"views_challenge_benchmark_cm_{model}_2018_2023.parquet")
    report = ingest_one(store, path)
    # windows Y2018-Y2023 x 12 months x 191 countries (Y2024 was cut from the folder)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (13_752,
                                                                                  13_752, 0)
    assert report.tally.balanced and report.warnings == []
    assert report.tally.read * draws == pq.ParquetFile(path).metadata.num_rows
    syria = store.reader().select(Query.build("forecasts", start="2018-03", end="2018-04",
                                              where={"country": "SYR"}))
    assert len(syria) == 1 and len(syria["draws"].iloc[0]) == draws
    assert syria["model"].iloc[0] == f"views_benchmark_{model}"
    assert (syria["window"].iloc[0], str(syria["cutoff"].iloc[0])[:10]) == ("Y2018",
                                                                            "2017-12-01")
    expected = pq.read_table(path, filters=[("country_id", "=", 220), ("month_id", "=", 459)])
    by_draw = sorted(zip(expected["draw"].to_pylist(), expected["outcome"].to_pylist(),
                         strict=True))
    assert list(syria["draws"].iloc[0]) == [float(o) for _, o in by_draw]
    if model == "conflictology":
        assert list(syria["draws"].iloc[0])[:3] == [2967, 17412, 1714]


@pytest.mark.realdata
def test_real_actuals_equal_the_fatalities_file(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(V + "views_challenge_actuals_cm_2018_2023.parquet"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (13_752,
                                                                                  13_752, 0)
    assert report.tally.balanced
    ingest_one(store, real_file(V + "views_cm_ged_fatalities_2018-01_2023-12.csv"))
    actual = store.reader().select(Query.build("observations", sources="views_challenge"))
    assert actual["country"].notna().all() and actual["value"].sum() == 781_664
    features = store.reader().select(Query.build("observations", sources="views",
                                                 kinds="ged_sb"))
    assert features["value"].sum() == 781_664  # MANIFEST: equal in 100 % of rows
    syria = actual[(actual["country"] == "SYR") & (actual["category"] == "Y2018")]
    assert syria["value"].max() == 2_964


@pytest.mark.realdata
def test_only_these_adapters_claim_the_views_files(real_data: Path) -> None:
    ours = [ViewsFeatures(), ViewsCountryKey(), ViewsBenchmark(), ViewsActuals()]
    expected = {
        "views_cm_ged_fatalities_2018-01_2023-12.csv": "views_cm_features_csv",
        "views_cm_ged_sb_selected_countries_1990_2023.csv": "views_cm_features_csv",
        "views_country_key.csv": "views_country_key_csv",
        "views_challenge_actuals_cm_2018_2023.parquet": "views_challenge_actuals_parquet",
    }
    for path, _ in expand_paths([real_data]):
        head = read_head(path)
        claimed = [a.meta.name for a in ours if a.sniff(path, head) > 0]
        want = expected.get(path.name, "views_challenge_benchmark_parquet"
                            if "benchmark" in path.name else None)
        assert claimed == ([want] if want else []), path
        if want:
            assert detect(path).meta.name == want
