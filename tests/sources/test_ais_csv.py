"""Decoded AIS CSV adapters (MarineCadastre, VesselsValue tracks, generic) on fixtures written
here and on the real files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.model.identity import record_id
from flankwatch.sources.ais_csv import (
    GenericAisCsv,
    MarineCadastreCsv,
    VesselsValueTracksCsv,
    row_ids,
)
from flankwatch.sources.base import read_head
from flankwatch.sources.registry import adapters, detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

MC_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
             "Status,Length,Width,Draft,Cargo,TransceiverClass")
MC = MC_HEADER + "\n" + "\n".join([
    "247123456,2024-05-01T10:00:00,37.5,15.1,12.3,181.2,180.0,NAVE UNO,IMO9307839,IABC,70,0.0,"
    "200.0,30.0,9.5,70.0,A",                                                       # 2
    "247123456,2024-05-01T10:00:10,37.51,15.1,102.3,360.0,511.0,NAVE UNO,IMO9307839,IABC,70,"
    "0.0,200.0,30.0,9.5,70.0,A",                                                   # 3: same ship
    "636021061,2024-05-01T10:00:00,36.0,14.0,0.0,0.0,90.0,,IMO1234568,,0,,0.0,0.0,0.0,,B",  # 4
    "12AB,2024-05-01T10:00:00,36.0,14.0,0,0,0,X,,,,,,,,,A",                        # 5
    "247000001,01/05/2024 10:00,36.0,14.0,0,0,0,X,,,,,,,,,A",                      # 6
    "247000002,2024-05-01T10:00:00,91.0,181.0,0,0,0,X,,,,,,,,,A",                  # 7
    "247000003,2024-05-01T10:00:00,36.0,200.5,0,0,0,X,,,,,,,,,A",                  # 8
    "247000004,2024-05-01T10:00:00,,14.0,0,0,0,X,,,,,,,,,A",                       # 9
    "247000005,2024-05-01T10:00:00,36.0",                                          # 10
    "",                                                                            # 11: blank
    "211000006,2024-05-01T10:00:05,54.0,10.0,5.0,45.0,44.0,,,,,99.0,,,,,",         # 12
]) + "\n"


def test_marinecadastre_rows_and_quarantine(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "AIS_2024_05_01.csv", MC)
    assert isinstance(detect(path), MarineCadastreCsv)
    report = ingest_one(store, path)
    # 4 good rows -> 4 positions; 3 of them have static data -> 3 vessel rows, of which
    # line 3 repeats line 2 (a duplicate); 6 bad rows; the blank line is not read
    assert report.tables == {"positions": 4, "vessels": 3}
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (13, 6, 1, 6)
    q = store.reader().quarantine()
    reasons = dict(zip(q["line"], q["reason"], strict=True))
    assert reasons == {
        5: "invalid MMSI: '12AB'",
        6: "unreadable time: '01/05/2024 10:00'",
        7: "position not available",
        8: "position out of range: lon=200.5, lat=36.0",
        9: "missing or non-numeric position",
        10: "expected 17 fields (as in the header), found 3",
    }
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 7)


def test_marinecadastre_values(tmp_path: Path, store: DuckDBStore) -> None:
    ingest_one(store, write(tmp_path, "AIS_2024_05_01.csv", MC))
    pos = store.reader().select(Query.build("positions")).set_index("line")
    first = pos.loc[2]
    assert (first["mmsi"], first["time"], first["lon"], first["lat"], first["sog_kn"],
            first["cog_deg"], first["heading_deg"], first["nav_status"]) == (
        247123456, datetime(2024, 5, 1, 10, tzinfo=UTC), 15.1, 37.5, 12.3, 181.2, 180.0, 0)
    assert first["h3"] and first["original"] is None and pd.isna(first["vessel_ref"])
    na = pos.loc[3]  # SOG 102.3, COG 360, heading 511: "not available"
    assert pd.isna(na["sog_kn"]) and pd.isna(na["cog_deg"]) and pd.isna(na["heading_deg"])
    assert json.loads(na["original"]) == {"sog_kn": 102.3, "cog_deg": 360.0,
                                          "heading_deg": 511.0}
    assert pd.isna(pos.loc[12]["nav_status"])  # 99 is no navigational status
    assert json.loads(pos.loc[12]["original"]) == {"nav_status": 99.0}
    ves = store.reader().select(Query.build("vessels")).set_index("line")
    assert sorted(ves.index) == [3, 4]  # line 2: line 3's static data; line 12 has none
    ship = ves.loc[3]
    assert (ship["name"], ship["imo"], ship["call_sign"], ship["ship_type"],
            ship["ship_type_text"], ship["length_m"], ship["width_m"], ship["draught_m"],
            ship["flag"], ship["transceiver_class"]) == (
        "NAVE UNO", 9307839, "IABC", 70, "Cargo", 200.0, 30.0, 9.5, "ITA", "A")
    other = ves.loc[4]  # wrong IMO check digit and zero dimensions: nulls, raw kept
    assert pd.isna(other["imo"]) and pd.isna(other["length_m"]) and pd.isna(other["name"])
    assert json.loads(other["original"]) == {"imo": "IMO1234568", "length_m": 0.0,
                                             "width_m": 0.0, "draught_m": 0.0}
    assert (other["flag"], other["ship_type_text"]) == ("LBR", "Not available")


EVERGIVEN = ("\ufeffID,ais_pos_timestamp,longitude,latitude\n"
             "7,20/03/2021 00:22,32.32925,31.4386\n"
             "7,20/03/2021 00:22,32.32925,31.4386\n"       # exact repeat: a duplicate
             "7,20/03/2021 00:22,32.33,31.44\n"            # same minute, another fix
             "8,32/03/2021 00:22,32.3,31.4\n"
             ",20/03/2021 01:00,32.3,31.4\n"
             "9,21/03/2021 13:05,32.5,abc\n")


def test_vesselsvalue_tracks(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "boat-positions.csv", EVERGIVEN)
    assert isinstance(detect(path), VesselsValueTracksCsv)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (6, 2, 1, 3)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        5: "unreadable time: '32/03/2021 00:22'", 6: "empty vessel ID",
        7: "missing or non-numeric position"}
    pos = store.reader().select(Query.build("positions", order_by=["line"]))
    assert pos["vessel_ref"].tolist() == ["7", "7"]
    assert pos["mmsi"].isna().all()
    assert pos["time"].iloc[0] == datetime(2021, 3, 20, 0, 22, tzinfo=UTC)
    assert json.loads(pos["original"].iloc[0]) == {"ais_pos_timestamp": "20/03/2021 00:22"}
    assert (ingest_one(store, path).tally.duplicates) == 3


def test_generic_layout(tmp_path: Path, store: DuckDBStore) -> None:
    text = ("mmsi,timestamp,longitude,latitude,sog,cog,heading\n"
            "247123456,2024-05-01T10:00:00Z,15.1,37.5,12.3,181.2,180\n"
            "247123456,2024-05-01 10:00:30,15.2,37.6,12.3,181.2,511\n"
            "247123456,yesterday,15.2,37.6,12.3,181.2,511\n")
    path = write(tmp_path, "tracks.csv", text)
    assert isinstance(detect(path), GenericAisCsv)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (3, 2, 1)
    pos = store.reader().select(Query.build("positions", order_by=["line"]))
    assert pos["time"].tolist() == [datetime(2024, 5, 1, 10, tzinfo=UTC),
                                    datetime(2024, 5, 1, 10, 0, 30, tzinfo=UTC)]
    epoch = write(tmp_path, "epoch.csv", "MMSI,time,lon,lat\n247123456,1714557600,15.1,37.5\n"
                  "247123456,1714557600500,15.1,37.5\n")
    rows, ctx = parse_all(GenericAisCsv(), epoch)
    assert rows == {"positions": 2} and ctx.quarantined == 0


def test_sniffing_is_by_header(tmp_path: Path) -> None:
    mc = write(tmp_path, "a.txt", MC)
    generic = write(tmp_path, "b.txt", "MMSI,Time,Lon,Lat\n1,2,3,4\n")
    other = write(tmp_path, "c.csv", "id,name,lon,lat\n1,x,2,3\n")
    assert GenericAisCsv().sniff(mc, read_head(mc)) == 0
    assert MarineCadastreCsv().sniff(generic, read_head(generic)) == 0
    assert GenericAisCsv().sniff(generic, read_head(generic)) > 0
    for adapter in (MarineCadastreCsv(), VesselsValueTracksCsv(), GenericAisCsv()):
        assert adapter.sniff(other, read_head(other)) == 0


def test_row_ids_are_record_ids() -> None:
    frame = pd.DataFrame({"mmsi": pd.array([247123456, None], dtype="Int64"),
                          "ref": [None, "7"], "t": [1, 2], "lon": [15.1, -0.5]})
    ids = row_ids(frame["mmsi"], frame["ref"], frame["t"], frame["lon"])
    assert ids == [record_id("ais", 247123456, None, 1, 15.1),
                   record_id("ais", None, "7", 2, -0.5)]


_CELL = st.sampled_from(["", "0", "511.0", "102.3", "360.0", "abc", "IMO9307839", "91",
                         "2024-05-01T10:00:00", "-200", "247123456", '"x,y"', "1e400",
                         "nan", "A", " "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=0, max_size=19).map(",".join), min_size=1,
                max_size=8))
def test_random_marinecadastre_rows_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                                lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "ais.csv"
    path.write_text(MC_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows, ctx = parse_all(MarineCadastreCsv(), path)
    content = [ln for ln in lines if ln.strip()]
    assert rows.get("positions", 0) + ctx.quarantined == len(content)


def _real_rows(name: str) -> tuple[str, list[str]]:
    lines = real_file(name).read_text(encoding="utf-8-sig").splitlines()
    return lines[0], lines[1:80]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_real_rows_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                       data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["ais/noaa_marinecadastre_ais_2023-01-11_sample.csv",
                                      "ais/evergiven_suez_boat_positions.csv"]))
    header, pool = _real_rows(name)
    lines = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))
    mutated = []
    for line in lines:
        at = data.draw(st.integers(0, len(line)))
        char = data.draw(st.sampled_from(list(",.-/:x9\"")))
        what = data.draw(st.sampled_from(["drop", "replace", "insert"]))
        mutated.append({"drop": line[:at] + line[at + 1:],
                        "replace": line[:at] + char + line[at + 1:],
                        "insert": line[:at] + char + line[at:]}[what])
    path = tmp_path_factory.mktemp("mut") / "ais.csv"
    path.write_text(header + "\n" + "\n".join(mutated) + "\n", encoding="utf-8")
    adapter = detect(path)
    rows, ctx = parse_all(adapter, path)
    assert rows.get("positions", 0) + ctx.quarantined >= 1


# -- the real files ----------------------------------------------------------------------------

@pytest.mark.realdata
def test_real_marinecadastre_sample(store: DuckDBStore) -> None:
    path = real_file("ais/noaa_marinecadastre_ais_2023-01-11_sample.csv")
    report = ingest_one(store, path)
    assert report.tables == {"positions": 1000, "vessels": 1000}
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (2000, 2000, 0, 0)
    assert report.tally.balanced
    pos = store.reader().select(Query.build("positions", start="2023-01-11", end="2023-01-12"))
    # MANIFEST: 1,000 rows, one per MMSI, US waters, 2023-01-11
    assert len(pos) == 1000 and pos["mmsi"].nunique() == 1000
    assert pos["lon"].between(-180, -60).all() and pos["lat"].between(15, 50).all()
    ves = store.reader().select(Query.build("vessels", where={"mmsi": 636021061}))
    # the brief's example: IMO "IMO9307839" -> 9307839 (MMSI 636 = Liberia)
    assert (ves["imo"].iloc[0], ves["name"].iloc[0], ves["flag"].iloc[0]) == (
        9307839, "MSC NAISHA III", "LBR")
    assert ingest_one(store, path).tally.duplicates == 2000


@pytest.mark.realdata
def test_real_ever_given_tracks(store: DuckDBStore) -> None:
    path = real_file("ais/evergiven_suez_boat_positions.csv")
    report = ingest_one(store, path)
    # MANIFEST: 22,287 positions of 256 vessel IDs; 213 rows repeat another row exactly
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (22_287, 22_074, 213, 0)
    assert report.tally.balanced
    pos = store.reader().select(Query.build("positions", columns=["vessel_ref", "time"]))
    assert pos["vessel_ref"].nunique() == 256
    # MANIFEST: "2021-03-20 00:22 to 03-24 12:52"; 00:22 is the first row's time, three
    # rows (IDs 9, 119, 147) are at 00:00
    assert pos["time"].min() == datetime(2021, 3, 20, 0, 0, tzinfo=UTC)
    assert pos["time"].max() == datetime(2021, 3, 24, 12, 52, tzinfo=UTC)
    assert ingest_one(store, path).tally.duplicates == 22_287


@pytest.mark.realdata
def test_only_ais_adapters_claim_ais_files() -> None:
    if not REAL_DATA.is_dir():
        pytest.skip("real data folder is absent")
    ours = {"ais_nmea", "ais_marinecadastre_csv", "ais_vesselsvalue_tracks_csv",
            "ais_generic_csv"}
    expected = {"noaa_marinecadastre_ais_2023-01-11_sample.csv": "ais_marinecadastre_csv",
                "evergiven_suez_boat_positions.csv": "ais_vesselsvalue_tracks_csv"}
    for path in sorted(p for p in REAL_DATA.rglob("*") if p.is_file()):
        if path.name == "MANIFEST.md":
            continue
        head = read_head(path)
        claims = {a.meta.name for a in adapters() if a.sniff(path, head) > 0}
        if path.parent.name == "ais":
            assert claims == {expected.get(path.name, "ais_nmea")}, path
        else:
            assert not claims & ours, path


def test_a_first_row_with_an_extra_field_is_quarantined_alone(tmp_path: Path) -> None:
    good = "247123456,2024-05-01T10:00:00,37.5,15.1,1,1,1,X,,,,,,,,,A"
    path = write(tmp_path, "ais.csv", MC_HEADER + "\n" + "1," + good + "\n"
                 + "\n".join([good] * 3) + "\n")
    rows, ctx = parse_all(MarineCadastreCsv(), path)
    assert (rows["positions"], ctx.quarantined) == (3, 1)
