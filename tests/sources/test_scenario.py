"""The exercise scenario generator: determinism, real-file layouts, ground truth that matches
the data, valid NMEA, ships at sea, speed, and (with the sibling adapters) a clean ingest."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import math
import re
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pyais import decode

from flankwatch.sources.scenario import FILES, generate
from flankwatch.sources.scenario.conflict import HEADER_LINE
from flankwatch.sources.scenario.fleet import imo_valid
from flankwatch.sources.scenario.maritime import WINDOW_S, build_fleet
from flankwatch.sources.scenario.news import COLUMNS
from flankwatch.sources.scenario.nmea import checksum
from flankwatch.sources.scenario.seaways import PORTS, distance_nm
from flankwatch.sources.scenario.tracks import transmit_times
from flankwatch.sources.scenario.truth import LAST_MONTH, add_months, draw_plan, month_index
from tests.conftest import real_file

SEED = 7


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One scenario (seed 7), with the CPU time it took to write."""
    out = tmp_path_factory.mktemp("scenario")
    started = time.process_time()
    written = generate(out, seed=SEED)
    cpu = time.process_time() - started
    truth = json.loads((out / FILES["ground_truth"]).read_text(encoding="utf-8"))
    return {"dir": out, "files": written, "cpu_s": cpu, "truth": truth}


def phenomenon(world: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in world["truth"]["phenomena"] if p["id"] == pid)


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- the package and its outputs --------------------------------------------------------------


def test_writes_every_file_and_registers_no_adapter(world: dict[str, Any]) -> None:
    import flankwatch.sources.scenario as pkg
    from flankwatch.sources.registry import adapters

    root: Path = world["dir"]
    assert [p.relative_to(root).as_posix() for p in world["files"]] == list(FILES.values())
    assert all(p.stat().st_size > 0 for p in world["files"])
    assert not (root / "data" / "ground_truth.json").exists()  # never ingested
    for name in ("", ".migration", ".news", ".conflict", ".incidents", ".maritime",
                 ".sanctions", ".truth"):
        module = importlib.import_module(pkg.__name__ + name)
        assert not hasattr(module, "ADAPTERS")
    assert not any(type(a).__module__.startswith(pkg.__name__) for a in adapters())


def test_is_fast_and_small(world: dict[str, Any]) -> None:
    assert world["cpu_s"] < 10.0
    assert sum(p.stat().st_size for p in world["files"]) < 8_000_000


def test_same_seed_same_bytes_other_seed_other_world(world: dict[str, Any],
                                                     tmp_path: Path) -> None:
    from flankwatch import pipeline

    pipeline.write_scenario(tmp_path / "again", SEED)  # the path `flankwatch scenario` takes
    assert digest(tmp_path / "again") == digest(world["dir"])
    generate(tmp_path / "other", seed=SEED + 1)
    other = digest(tmp_path / "other")
    assert all(other[k] != v for k, v in digest(world["dir"]).items())


def test_ground_truth_is_complete_and_marked_fictitious(world: dict[str, Any]) -> None:
    truth = world["truth"]
    assert truth["fictitious"] is True and "invented" in truth["notice"]
    assert truth["seed"] == SEED
    ids = [p["id"] for p in truth["phenomena"]]
    assert len(ids) == len(set(ids))
    for pid in ("migration-instrumentalised-ebr", "migration-organic-cmr",
                "migration-organic-war", "news-coercion-campaign", "conflict-escalation-hf",
                "conflict-spread-hf", "incidents-follow-cmr-surge", "ais-rendezvous-1",
                "ais-rendezvous-2", "ais-dark-1", "ais-dark-2", "ais-loitering-1",
                "ais-loitering-2", "ais-spoofing-1", "sanctions-listed-tanker"):
        assert pid in ids
    for p in truth["phenomena"]:
        assert {"id", "domain", "label", "file", "expected_detection"} <= set(p)
        assert p["expected_detection"] and (world["dir"] / p["file"]).exists()


# -- layouts: the real files' headers and quirks -----------------------------------------------


def first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return f.readline().rstrip("\r\n")


@pytest.mark.realdata
@pytest.mark.parametrize(("key", "real"), [
    ("frontex", "frontex/frontex_ibc_monthly_route_nationality_long.csv"),
    ("ucdp", "conflict/GEDEvent_v23_1_CAF_482.csv"),
    ("iom_mmp", "missing_migrants/iom_mmp_incidents_2014_2025.csv"),
])
def test_csv_headers_equal_the_real_files(world: dict[str, Any], key: str, real: str) -> None:
    ours = world["dir"] / FILES[key]
    assert first_line(ours) == first_line(real_file(real))
    frame = pd.read_csv(ours, dtype=str, keep_default_na=False)
    assert list(frame.columns) == first_line(ours).split(",") and len(frame) > 100


def test_ged_layout(world: dict[str, Any]) -> None:
    ged = pd.read_csv(world["dir"] / FILES["ucdp"], dtype=str, keep_default_na=False)
    assert list(ged.columns) == HEADER_LINE.split(",") and len(ged.columns) == 49
    assert ged["date_start"].str.fullmatch(r"\d{4}-\d\d-\d\d 00:00:00\.000").all()
    prec = ged["date_prec"].value_counts()
    assert prec["1"] > 0.85 * len(ged) and prec.get("3", 0) > 0 and prec.get("5", 0) > 0
    deaths = ged[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].astype(int)
    best = ged["best"].astype(int)
    assert (deaths.sum(axis=1) == best).all() and (best >= 1).all()
    assert (ged["low"].astype(int) <= best).all() and (best <= ged["high"].astype(int)).all()


def test_gdelt_is_the_full_61_column_export(world: dict[str, Any]) -> None:
    lines = (world["dir"] / FILES["gdelt"]).read_text(encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in lines]
    assert len(COLUMNS) == 61 and {len(r) for r in rows} == {61}
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    assert frame["Day"].str.fullmatch(r"20\d{6}").all()
    assert (frame["MonthYear"] == frame["Day"].str[:6]).all()
    assert frame["DATEADDED"].str.fullmatch(r"20\d{10}00").all()
    assert (frame["EventRootCode"] == frame["EventCode"].str[:2]).all()
    assert frame["GlobalEventID"].astype(int).is_monotonic_increasing
    assert frame["SOURCEURL"].str.contains(r"\.example\.(?:com|org|net)/").all()


@pytest.mark.realdata
def test_gdelt_columns_include_the_real_subset_columns() -> None:
    subset = first_line(real_file(
        "gdelt/gdelt_events_2017-11-26_subset_europe_mena_sahel.csv")).split(",")
    assert set(subset) - set(COLUMNS) == {"country_code_alpha", "source_country_code"}


_TAG_LINE = re.compile(r"^\\(?:g:\d-\d-\d+,?)?(?:s:\w+,c:\d{10}(?:,t:\d+)?)?\*[0-9A-F]{2}"
                       r"\\!AIVDM,\d,\d,\d?,[AB]?,[0-9:;<=>?@A-W`a-w]+,\d\*[0-9A-F]{2}$")


def test_ais_lines_are_tag_blocked_sentences_with_crlf(world: dict[str, Any]) -> None:
    ours = (world["dir"] / FILES["ais"]).read_bytes()
    assert ours.endswith(b"\r\n") and b"\n" not in ours.replace(b"\r\n", b"")
    lines = ours.decode().split("\r\n")[:-1]
    assert all(_TAG_LINE.match(ln) for ln in lines)
    assert any(ln.startswith("\\g:1-2-") for ln in lines)


@pytest.mark.realdata
def test_the_real_tag_block_log_has_the_same_line_shape() -> None:
    real = real_file("ais/aisdb_tagblock_aivdm_2021-11-01.nm4").read_bytes()
    assert b"\r\n" in real
    real_lines = [ln for ln in real.decode().splitlines() if ln.strip()]
    assert sum(bool(_TAG_LINE.match(ln)) for ln in real_lines) > 0.9 * len(real_lines)
    assert any(ln.startswith("\\g:2-2-") for ln in real_lines)


def _children(e: etree._Element) -> list[str]:
    return [str(c.tag) for c in e]


@pytest.mark.realdata
def test_sanctions_xml_follows_the_un_schema_order(world: dict[str, Any]) -> None:
    ours = etree.parse(str(world["dir"] / FILES["un_sanctions"])).getroot()
    real = etree.parse(str(real_file("sanctions/un_sc_consolidated_2020-11-30.xml"))).getroot()
    assert ours.tag == real.tag and _children(ours) == _children(real)
    assert set(ours.attrib) == set(real.attrib)
    for kind in ("INDIVIDUAL", "ENTITY"):
        seen: set[tuple[str, str]] = set()  # (tag, tag after it) in the real records
        for rec in real.iter(kind):
            tags = _children(rec)
            seen |= {(a, b) for i, a in enumerate(tags) for b in tags[i + 1:]}
        records = list(ours.iter(kind))
        assert records
        for rec in records:
            tags = _children(rec)
            assert all((a, b) in seen or a == b for a, b in itertools.pairwise(tags))
            assert "FICTITIOUS" in (rec.findtext("COMMENTS1") or "")
    assert len(list(ours.iter("INDIVIDUAL"))) + len(list(ours.iter("ENTITY"))) >= 18
    text = (world["dir"] / FILES["un_sanctions"]).read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST ')
    assert text.endswith("</CONSOLIDATED_LIST>")


@pytest.mark.realdata
def test_invented_names_are_not_on_the_real_list(world: dict[str, Any]) -> None:
    def names(root: etree._Element) -> set[str]:
        out = set()
        for rec in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
            parts = [rec.findtext(t) or "" for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
            out.add(" ".join(" ".join(parts).split()).upper())
        return out

    ours = names(etree.parse(str(world["dir"] / FILES["un_sanctions"])).getroot())
    real = names(etree.parse(str(real_file("sanctions/un_sc_consolidated_2020-11-30.xml")))
                 .getroot())
    assert ours and not ours & real


# -- ground truth against the data -------------------------------------------------------------


def test_migration_peaks_and_nationalities_match_the_truth(world: dict[str, Any]) -> None:
    ibc = pd.read_csv(world["dir"] / FILES["frontex"], keep_default_na=False)
    assert (ibc["n"] > 0).all() and ibc["t"].between("2016-01", "2025-12").all()
    assert ibc["route"].nunique() == 9
    for pid in ("migration-instrumentalised-ebr", "migration-organic-cmr",
                "migration-organic-war"):
        p = phenomenon(world, pid)
        series = ibc[(ibc["route"] == p["route"]) & (ibc["type"] == p["border_type"])]
        totals = series.groupby("t")["n"].sum()
        episode = totals[p["onset"]:p["end"]]
        assert episode.idxmax() == p["peak"] and episode.max() == p["peak_value"]
        drivers = series[series["nat"].isin(p["driving_nationalities"])]
        before = drivers[drivers["t"] < p["onset"]]["n"].sum()
        if p["label"] == "instrumentalised":
            assert before <= 5  # the campaign's nationalities were ~absent before
            assert p["peak_over_baseline"] >= 15 and p["onset_to_peak_months"] <= 2
            after = totals.get(next(iter(p["after_end"])), 0)
            assert after < 3 * p["baseline_mean_12m_before"]  # the end is abrupt
        else:
            assert before > 0 and p["peak_over_baseline"] >= 2
            assert p["drivers_share_at_peak"] > p["drivers_share_12m_before"]


def test_news_campaign_events_are_in_the_file(world: dict[str, Any]) -> None:
    p = phenomenon(world, "news-coercion-campaign")
    rows = [ln.split("\t") for ln in (world["dir"] / FILES["gdelt"]).read_text(
        encoding="utf-8").splitlines()]
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).set_index("GlobalEventID")
    planted = frame.loc[[str(i) for i in p["event_ids"]]]
    assert (planted["Actor1CountryCode"] == p["actor1_country"]).all()
    assert (planted["Actor2CountryCode"] == p["actor2_country"]).all()
    assert planted["EventCode"].isin(p["cameo_codes"]).all()
    assert planted["EventRootCode"].isin(["13", "16", "17"]).all()
    days = planted["Day"].str.replace(r"(\d{4})(\d\d)(\d\d)", r"\1-\2-\3", regex=True)
    assert days.between(p["start"], p["end"]).mean() > 0.9
    assert days.value_counts().to_dict() == p["daily_counts"]
    assert max(p["daily_counts"].values()) == p["daily_counts"][p["peak_day"]] >= 8


def test_conflict_escalation_and_spread_match_the_truth(world: dict[str, Any]) -> None:
    ged = pd.read_csv(world["dir"] / FILES["ucdp"], dtype=str, keep_default_na=False)
    esc, spread = (phenomenon(world, "conflict-escalation-hf"),
                   phenomenon(world, "conflict-spread-hf"))
    hf = ged[(ged["side_a"] == esc["actor"]) | (ged["side_b"] == esc["actor"])]
    monthly = hf.groupby(hf["date_start"].str[:7])["best"].apply(lambda s: s.astype(int).sum())
    assert monthly[monthly.index >= esc["onset"]].idxmax() == esc["peak"]
    assert esc["peak_fatalities"] > 4 * esc["baseline_monthly_fatalities"]
    new = hf[hf["adm_1"].isin(spread["new_admin1"])]
    assert new["date_start"].str[:7].min() >= spread["start"]
    for admin1, first in spread["first_event_in_new_admin1"].items():
        row = ged[ged["id"] == str(first["event_id"])].iloc[0]
        assert row["adm_1"] == admin1 and row["date_start"].startswith(first["date"])
    assert set(new["country"]) == {"Niger", "Burkina Faso"}


def test_mass_casualty_incidents_are_in_the_file(world: dict[str, Any]) -> None:
    mmp = pd.read_csv(world["dir"] / FILES["iom_mmp"], dtype=str, keep_default_na=False)
    assert mmp["dead"].str.fullmatch(r"\d+\.0").all()
    planted = [p for p in world["truth"]["phenomena"] if p["label"] == "mass_casualty"]
    assert len(planted) >= 3 and sum(p["during_surge"] is not None for p in planted) >= 2
    for p in planted:
        hit = mmp[(mmp["t"] == p["date"]) & (mmp["dead"] == f"{p['dead_and_missing']}.0")]
        assert len(hit) == 1 and hit.iloc[0]["route"] == p["route"]
    corr = phenomenon(world, "incidents-follow-cmr-surge")
    assert corr["pearson_r_monthly_incidents_vs_crossings"] > 0.5
    assert corr["incidents_during_surge"] > 2 * corr["incidents_same_months_year_before"]


# -- AIS: checksums, decoding, planted events, the sea ------------------------------------------


@pytest.fixture(scope="module")
def ais(world: dict[str, Any]) -> dict[str, Any]:
    """Every message decoded by pyais with checksums enforced; positions per MMSI."""
    text = (world["dir"] / FILES["ais"]).read_bytes().decode("ascii")
    positions: dict[int, list[tuple[int, float, float, float]]] = defaultdict(list)
    names: dict[int, str] = {}
    pending: list[str] = []
    unix = 0
    for line in text.split("\r\n")[:-1]:
        tag, sentence = line[1:].split("\\", 1)
        body, mark = tag.rsplit("*", 1)
        assert int(mark, 16) == checksum(body), line
        fields = dict(kv.split(":", 1) for kv in body.split(","))
        unix = int(fields.get("c", unix))
        pending.append(sentence)
        parts = sentence.split(",")
        if parts[1] != parts[2]:
            continue
        msg = decode(*pending, error_if_checksum_invalid=True).asdict()
        pending = []
        if msg["msg_type"] in (1, 3):
            positions[msg["mmsi"]].append((unix, msg["lat"], msg["lon"], msg["speed"]))
        elif msg["msg_type"] == 5:
            names[msg["mmsi"]] = msg["shipname"]
            assert msg["imo"] == 0 or imo_valid(msg["imo"])
    assert not pending
    return {"positions": positions, "names": names}


def _unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return distance_nm(a, b) * 1852


def test_every_sentence_decodes_and_counts_match(world: dict[str, Any],
                                                 ais: dict[str, Any]) -> None:
    context = world["truth"]["context"]["maritime"]
    n = sum(len(v) for v in ais["positions"].values())
    assert n == context["positions"] and 15_000 <= n <= 40_000
    assert len(ais["positions"]) == len(context["vessels"]) >= 35


def test_rendezvous_vessels_are_within_500_m(world: dict[str, Any],
                                             ais: dict[str, Any]) -> None:
    for pid in ("ais-rendezvous-1", "ais-rendezvous-2"):
        p = phenomenon(world, pid)
        s, e = _unix(p["start"]), _unix(p["end"])
        a, b = ([x for x in ais["positions"][m] if s <= x[0] <= e] for m in p["mmsi"])
        assert a and b and all(x[3] < 1.0 for x in a + b)
        for t, lat, lon, _ in a:
            other = min(b, key=lambda y: abs(y[0] - t))
            assert _metres((lat, lon), (other[1], other[2])) < 500
            assert _metres((lat, lon), (p["lat"], p["lon"])) < 1500


def _offshore_runs(reports: list[tuple[int, float, float, float]]) -> list[tuple[int, int]]:
    """(start, end) of runs of reports at < 2 kn lasting >= 4 h away from every port."""
    out, run = [], []
    for r in [*reports, (0, 0.0, 0.0, 99.0)]:
        far = min(distance_nm((r[1], r[2]), p.berth) for p in PORTS.values()) > 20
        if r[3] < 2 and far and r[0]:
            run.append(r)
            continue
        if run and run[-1][0] - run[0][0] >= 4 * 3600:
            out.append((run[0][0], run[-1][0]))
        run = []
    return out


def test_simple_detectors_find_exactly_the_planted_events(world: dict[str, Any],
                                                          ais: dict[str, Any]) -> None:
    gaps, jumps, loiter = set(), set(), set()
    for mmsi, reps in ais["positions"].items():
        for x, y in itertools.pairwise(reps):
            if y[0] - x[0] >= 6 * 3600:
                gaps.add((mmsi, x[0], y[0]))
            if distance_nm(x[1:3], y[1:3]) / max(y[0] - x[0], 1) * 3600 > 50:
                jumps.add(mmsi)
        loiter |= {(mmsi, *run) for run in _offshore_runs(reps)}
    truth = world["truth"]["phenomena"]
    dark = {(p["mmsi"][0], _unix(p["start"]), _unix(p["end"])) for p in truth
            if p.get("type") == "dark_period"}
    assert gaps == dark and len(dark) == 2
    assert jumps == {p["mmsi"][0] for p in truth if p.get("type") == "spoofing"}
    planted = {p["mmsi"][0]: (_unix(p["start"]), _unix(p["end"])) for p in truth
               if p.get("type") == "loitering"}
    assert {m for m, _, _ in loiter} == set(planted)
    for m, s, e in loiter:
        assert planted[m][0] <= s and e <= planted[m][1] and e - s >= 5 * 3600


def test_listed_tanker_sails_under_its_listed_name(world: dict[str, Any],
                                                   ais: dict[str, Any]) -> None:
    p = phenomenon(world, "sanctions-listed-tanker")
    assert ais["names"][p["mmsi"]] == p["entity_name"]
    xml = etree.parse(str(world["dir"] / FILES["un_sanctions"])).getroot()
    entity = next(e for e in xml.iter("ENTITY") if e.findtext("FIRST_NAME") == p["entity_name"])
    assert str(p["imo"]) in (entity.findtext("COMMENTS1") or "")
    assert p["mmsi"] in phenomenon(world, "ais-rendezvous-1")["mmsi"]


@pytest.mark.realdata
def test_ships_stay_at_sea_and_events_are_far_offshore(world: dict[str, Any],
                                                       ais: dict[str, Any]) -> None:
    from shapely.affinity import scale
    from shapely.geometry import Point, box, shape
    from shapely.ops import unary_union
    from shapely.prepared import prep

    doc = json.loads(real_file("boundaries/ne_50m_admin_0_countries.geojson").read_text(
        encoding="utf-8"))
    area = box(5, 28, 26, 40)
    shapes = [shape(f["geometry"]) for f in doc["features"]]
    # Lampedusa and Linosa are too small for the 1:50m map
    islands = [box(12.52, 35.49, 12.63, 35.53), Point(12.862, 35.865).buffer(0.025)]
    land = unary_union([s.intersection(area) for s in shapes if s.intersects(area)] + islands)
    on_land = prep(land)
    k = math.cos(math.radians(35))
    land_nm = scale(land, xfact=60 * k, yfact=60, origin=(0, 0))
    berths = [p.berth for p in PORTS.values()]
    for reps in ais["positions"].values():
        for _, lat, lon, _ in reps:
            if on_land.contains(Point(lon, lat)):
                assert min(distance_nm((lat, lon), b) for b in berths) < 3  # alongside a quay
    for p in world["truth"]["phenomena"]:
        if p["domain"] != "maritime":
            continue
        for la, lo in (("lat", "lon"), ("start_lat", "start_lon"), ("end_lat", "end_lon"),
                       ("true_lat", "true_lon"), ("spoofed_lat", "spoofed_lon")):
            if la in p:
                assert land_nm.distance(Point(p[lo] * 60 * k, p[la] * 60)) > 20, p["id"]


# -- properties over seeds ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_plan_is_consistent(seed: int) -> None:
    plan = draw_plan(seed, np.random.default_rng(seed))
    for s in (plan.campaign, plan.cmr, plan.war):
        assert s.onset < s.peak <= s.end <= LAST_MONTH
        assert 0 < s.factor(s.onset) <= s.factor(s.peak) == 1.0
    c = plan.campaign
    assert month_index(c.end) - month_index(c.onset) + 1 == len(plan.campaign_profile) in (4, 5)
    assert month_index(c.peak) - month_index(c.onset) in (1, 2)
    assert (plan.ais_start.year, plan.ais_start.month) == (plan.cmr.peak.year,
                                                           plan.cmr.peak.month)
    assert plan.escalation_onset < plan.spread_month < plan.escalation_peak
    assert add_months(plan.escalation_peak, 0) <= LAST_MONTH
    assert plan.ais_start.tzinfo is UTC


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_fleet_plants_its_events_inside_the_window(seed: int) -> None:
    rng = np.random.default_rng(seed)
    voyages, plans = build_fleet(rng)
    assert len({v.ship.mmsi for v in voyages}) == len(voyages) >= 35
    for p in plans.values():
        assert 0 < p.start < p.end < WINDOW_S
    for v in voyages:
        heard = transmit_times(v.track, rng, WINDOW_S, v.silent)
        assert heard or v.track.end < 0 or v.track.start > WINDOW_S
        for off, on in v.silent:
            assert any(t < off for t in heard) and any(t > on for t in heard)
        if v.spoof is not None:
            assert 0 < v.spoof[0] < v.spoof[1] < min(WINDOW_S, v.track.end)


# -- the whole scenario through the adapters ----------------------------------------------------

#: file key -> (adapter module, adapter name, source family)
ADAPTERS = {
    "frontex": ("frontex", "frontex_ibc_long", "frontex"),
    "gdelt": ("gdelt", "gdelt_events_export", "gdelt"),
    "ucdp": ("ucdp", "ucdp_ged_csv", "ucdp"),
    "iom_mmp": ("iom_mmp", "iom_mmp_tidy_csv", "iom_mmp"),
    "ais": ("ais_nmea", "ais_nmea", None),
    "un_sanctions": ("un_sanctions", "un_sc_consolidated_xml", "un_sanctions"),
}


def test_whole_scenario_ingests_with_zero_quarantine(world: dict[str, Any],
                                                     tmp_path: Path) -> None:
    missing = [m for m, _, _ in ADAPTERS.values()
               if importlib.util.find_spec(f"flankwatch.sources.{m}") is None]
    if missing:
        pytest.skip(f"sibling adapter module(s) not written yet: {', '.join(missing)}")
    from flankwatch.ingest import ingest
    from flankwatch.store.duckdb import DuckDBStore
    from flankwatch.store.query import Query

    with DuckDBStore(tmp_path / "scenario.duckdb") as store:
        report = ingest(store, [world["dir"] / "data"])
        by_file = {Path(f.path).name: f for f in report.files}
        assert len(by_file) == len(ADAPTERS)
        for key, (_, adapter, _) in ADAPTERS.items():
            fr = by_file[Path(FILES[key]).name]
            assert (fr.status, fr.adapter) == ("done", adapter), fr.error
            assert fr.tally.balanced and fr.tally.quarantined == 0 and fr.tally.read > 0
        assert store.reader().status().get("quarantine", 0) == 0
        again = ingest(store, [world["dir"] / FILES["ucdp"], world["dir"] / FILES["frontex"]])
        assert again.total.stored == 0 and again.total.duplicates == again.total.read > 0

        reader = store.reader()
        ebr = phenomenon(world, "migration-instrumentalised-ebr")
        after = add_months(date.fromisoformat(ebr["peak"] + "-01"), 1).isoformat()
        peak = reader.select(Query.build("observations", start=ebr["peak"], end=after,
                                         where={"route": ebr["route"]}))
        assert peak["value"].sum() == ebr["peak_value"]
        tanker = phenomenon(world, "sanctions-listed-tanker")
        vessels = reader.select(Query.build("vessels", where={"mmsi": tanker["mmsi"]}))
        assert set(vessels["name"]) == {tanker["entity_name"]}
        entities = reader.select(Query.build("entities", where={"name": tanker["entity_name"]}))
        assert len(entities) == 1
        news = phenomenon(world, "news-coercion-campaign")
        assert reader.count(Query.build("events", sources=["gdelt"])) == news["file_rows"]
