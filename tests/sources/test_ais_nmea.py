"""AIS NMEA adapter: sentences built with pyais's encoder, and the real logs with pyais as the
decoding oracle."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais import decode
from pyais.encode import encode_dict

from flankwatch.model.identity import record_id
from flankwatch.sources.ais_nmea import (
    AisNmea,
    decode_payload,
    imo_number,
    nmea_checksum,
    read_messages,
    ship_type_text,
)
from flankwatch.sources.base import ParseContext
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import real_file
from tests.factories import ingest_one, parse_all, write


def enc(fields: dict[str, object], seq_id: int | None = None, channel: str = "A") -> list[str]:
    return encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel=channel,
                       seq_id=seq_id)


def tag(body: str) -> str:
    return f"\\{body}*{nmea_checksum(body):02X}\\"


def sealed(body: str, start: str = "!") -> str:
    """A sentence with the right checksum."""
    return f"{start}{body}*{nmea_checksum(body):02X}"


POS1 = enc({"msg_type": 1, "mmsi": 247123456, "lon": 12.5, "lat": 37.25, "speed": 10.5,
            "course": 90.0, "heading": 91, "status": 0})[0]
POS_NA = enc({"msg_type": 1, "mmsi": 247123457, "lon": 181, "lat": 91})[0]
POS18 = enc({"msg_type": 18, "mmsi": 227006760, "lon": 5.25, "lat": 43.1, "speed": 102.3,
             "course": 360, "heading": 511})[0]
POS3 = enc({"msg_type": 3, "mmsi": 636021061, "lon": -70.5, "lat": 42.5, "speed": 0.1,
            "course": 12.3, "heading": 10, "status": 5})[0]
STATIC5 = enc({"msg_type": 5, "mmsi": 247123456, "imo": 9307839, "callsign": "IABC",
               "shipname": "TEST SHIP", "ship_type": 70, "to_bow": 100, "to_stern": 20,
               "to_port": 10, "to_starboard": 12, "draught": 7.5, "destination": "PALERMO"},
              seq_id=3)
TYPE19 = enc({"msg_type": 19, "mmsi": 366764000, "lon": -70.7, "lat": 43.07, "speed": 3.2,
              "course": 45.0, "heading": 44, "shipname": "SMALL ONE", "ship_type": 37,
              "to_bow": 5, "to_stern": 5, "to_port": 2, "to_starboard": 2})[0]
BINARY8 = enc({"msg_type": 8, "mmsi": 366999999, "dac": 1, "fid": 1, "data": b"\x01\x02"})[0]
ORPHAN = enc({"msg_type": 5, "mmsi": 211000001, "shipname": "ORPHAN"}, seq_id=7)
LONELY = enc({"msg_type": 5, "mmsi": 211000002, "shipname": "LONELY"}, seq_id=8)
PGHP = sealed("PGHP,1,2024,1,2,3,4,5,678,211,2,,1,09", "$")


def corrupt(sentence: str) -> tuple[str, str, str]:
    """The sentence with a wrong checksum, and (expected, found)."""
    body, found = sentence[1:-3], sentence[-2:]
    wrong = f"{(int(found, 16) + 1) % 256:02X}"
    return sentence[:-2] + wrong, f"{nmea_checksum(body):02X}", wrong


BAD, BAD_EXPECTED, BAD_FOUND = corrupt(POS1)
BAD_TAG_BODY = "s:station1,c:1700000000"
LINES = [
    "# a comment: not a record",                                               # 1
    "",                                                                        # 2
    tag("s:station1,c:1700000000") + POS1,                                     # 3
    POS_NA,                                                                    # 4
    BAD,                                                                       # 5
    f"\\{BAD_TAG_BODY}*00\\" + POS3,                                           # 6
    PGHP,                                                                      # 7
    POS18,                                                                     # 8
    tag("g:1-2-42,s:station1,c:1700000100") + STATIC5[0],                      # 9
    tag("g:2-2-42") + STATIC5[1],                                              # 10
    ORPHAN[1],                                                                 # 11
    LONELY[0],                                                                 # 12
    BINARY8,                                                                   # 13
    sealed("AIVDM,1,1,,A,,0"),                                                 # 14
    sealed("GPGGA,120000.00,3815.000,N,01530.000,E,1,08,0.9,12.0,M,40.0,M,,", "$"),
    "garbage",                                                                 # 16
    POS3 + ",d-100,S1000,t120000.00,T00.0,r000000001,1700000200,1700000141",   # 17
    TYPE19,                                                                    # 18
    PGHP,                                                                      # 19
]


def test_fixture_lines_give_records_and_exact_quarantine(tmp_path: Path,
                                                          store: DuckDBStore) -> None:
    path = write(tmp_path, "log.nmea", "\n".join(LINES) + "\n")
    assert isinstance(detect(path), AisNmea)
    report = ingest_one(store, path)
    assert report.tables == {"positions": 4, "vessels": 2}
    # comments and blank lines are not read; lines 9-10 are one message
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (16, 6, 10)
    q = store.reader().quarantine()
    reasons = dict(zip(q["line"], q["reason"], strict=True))
    assert reasons == {
        4: "position not available",
        5: f"checksum mismatch: expected {BAD_EXPECTED}, found {BAD_FOUND}",
        6: f"tag block checksum mismatch: expected {nmea_checksum(BAD_TAG_BODY):02X}, "
           "found 00",
        11: "fragment 2 of 2 without the fragment(s) before it",
        12: "incomplete multi-part message: 1 of 2 fragments",
        13: "message type 8 not stored",
        14: "empty payload",
        15: "not an AIS sentence: GPGGA",
        16: "not an NMEA sentence",
        19: "Gatehouse $PGHP line not followed by an AIS sentence",
    }
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 6, 10)


def test_fixture_values(tmp_path: Path, store: DuckDBStore) -> None:
    ingest_one(store, write(tmp_path, "log.nmea", "\n".join(LINES) + "\n"))
    pos = store.reader().select(Query.build("positions")).set_index("line")
    assert sorted(pos.index) == [3, 8, 17, 18]
    first = pos.loc[3]
    assert (first["mmsi"], first["station"], first["msg_type"], first["nav_status"]) == (
        247123456, "station1", 1, 0)
    assert first["time"] == datetime.fromtimestamp(1_700_000_000, UTC)
    assert (first["lon"], first["lat"], first["sog_kn"], first["cog_deg"],
            first["heading_deg"]) == (12.5, 37.25, 10.5, 90.0, 91.0)
    assert first["h3"] and first["original"] is None
    gate = pos.loc[8]  # Gatehouse time; the "not available" codes become nulls
    assert gate["time"] == datetime(2024, 1, 2, 3, 4, 5, 678_000, UTC)
    assert pd.isna(gate["sog_kn"]) and pd.isna(gate["cog_deg"]) and pd.isna(gate["heading_deg"])
    assert '"heading_deg": 511' in gate["original"] and '"sog_kn": 102.3' in gate["original"]
    meta = pos.loc[17]  # receiver metadata after the checksum
    assert (meta["station"], meta["time"]) == (
        "r000000001", datetime.fromtimestamp(1_700_000_200, UTC))
    assert pd.isna(pos.loc[18]["time"])  # no tag block, no metadata, no wrapper: no time
    vessels = store.reader().select(Query.build("vessels")).set_index("line")
    ship = vessels.loc[9]
    assert (ship["name"], ship["imo"], ship["call_sign"], ship["ship_type"],
            ship["ship_type_text"], ship["destination"], ship["flag"]) == (
        "TEST SHIP", 9307839, "IABC", 70, "Cargo", "PALERMO", "ITA")
    assert (ship["length_m"], ship["width_m"], ship["draught_m"]) == (120.0, 22.0, 7.5)
    # the second fragment's tag block only names its group: time comes from the first
    assert ship["time"] == datetime.fromtimestamp(1_700_000_100, UTC)
    small = vessels.loc[18]
    assert (small["name"], small["transceiver_class"], small["flag"]) == (
        "SMALL ONE", "B", "USA")


def test_two_receptions_at_different_times_are_two_records(tmp_path: Path,
                                                           store: DuckDBStore) -> None:
    lines = [tag("s:a,c:1700000000") + POS1, tag("s:a,c:1700000000") + POS1,
             tag("s:a,c:1700000060") + POS1, tag("s:b,c:1700000060") + POS1]
    report = ingest_one(store, write(tmp_path, "r.nmea", "\n".join(lines)))
    assert (report.tally.read, report.tally.stored, report.tally.duplicates) == (4, 3, 1)
    assert report.tally.balanced


def test_ids_follow_station_time_and_sentences(tmp_path: Path) -> None:
    path = write(tmp_path, "one.nmea", tag("s:x,c:1700000000") + POS1 + "\n")
    ctx = ParseContext(path, AisNmea.meta, "t")
    (batch,) = list(AisNmea().parse(ctx))
    assert batch.frame["id"].iloc[0] == record_id("ais", "x", 1_700_000_000_000, POS1)


def test_short_and_corrupt_payloads_are_quarantined(tmp_path: Path) -> None:
    short = sealed("AIVDM,1,1,,A," + POS1[14:30] + ",0")  # 96 bits of a 168-bit report
    payload = POS1.split(",")[5]
    bad_char = sealed(f"AIVDM,1,1,,A,{payload[:10]}{{{payload[11:]},0")
    fill = sealed(f"AIVDM,1,1,,A,{payload},7")
    path = write(tmp_path, "bad.nmea", "\n".join([short, bad_char, fill]))
    rows, ctx = parse_all(AisNmea(), path)
    assert rows == {}
    reasons = [r.reason for r in ctx.drain_quarantine()]
    assert reasons == ["payload too short for message type 1: 96 bits, need at least 137",
                       "payload has characters outside the AIS 6-bit armouring",
                       "invalid fill bits '7'"]


def test_helpers() -> None:
    assert imo_number(9307839) == 9307839
    assert imo_number(9307838) is None  # wrong check digit
    assert imo_number(0) is None and imo_number(None) is None
    assert ship_type_text(71) == "Cargo, hazardous category A"
    assert ship_type_text(37) == "Pleasure craft"
    assert ship_type_text(0) == "Not available"
    assert ship_type_text(99) == "Other type, no additional information"
    fields = decode_payload(POS1.split(",")[5], 0)
    assert fields == decode(POS1).asdict(enum_as_int=True)


_NMEA_ALPHABET = st.sampled_from([*"!$\\*,:-0123456789ABCDEFabcdefsgcnVDMAIO@`w ",
                                  "!AIVDM,", "$PGHP,1,", "\\s:", "*", "\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_NMEA_ALPHABET, max_size=40).map("".join), min_size=1, max_size=8))
def test_random_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                  lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "log.nmea"
    path.write_text("\n".join(lines), encoding="utf-8")
    _assert_accounted(path)


def _assert_accounted(path: Path) -> None:
    """Parsing never raises, and a file with any line that is not blank or a comment gives
    records or quarantine entries (nothing vanishes)."""
    rows, ctx = parse_all(AisNmea(), path)
    content = [ln for ln in path.read_text(encoding="utf-8").splitlines()
               if ln.strip() and not ln.strip().startswith("#")]
    if content:
        assert sum(rows.values()) + ctx.quarantined >= 1


def _real_lines() -> list[str]:
    out: list[str] = []
    for name in ("ais/pyais_mixed.txt", "ais/aisdb_aivdm_2012-01-01.nmea",
                 "ais/pyais_nmea_data_sample.txt"):
        out += [ln for ln in real_file(name).read_text().splitlines()[:60] if ln.strip()]
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_real_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                        data: st.DataObject) -> None:
    pool = _real_lines()
    lines = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))
    mutated = []
    for line in lines:
        at = data.draw(st.integers(0, len(line)))
        what = data.draw(st.sampled_from(["drop", "replace", "insert", "keep"]))
        char = data.draw(st.sampled_from(list(",*!\\$0A9w@:")))
        mutated.append({"drop": line[:at] + line[at + 1:], "replace": line[:at] + char
                        + line[at + 1:], "insert": line[:at] + char + line[at:],
                        "keep": line}[what])
    path = tmp_path_factory.mktemp("mut") / "log.nmea"
    path.write_text("\n".join(mutated), encoding="utf-8")
    _assert_accounted(path)


# -- the real logs -----------------------------------------------------------------------------

EXPECTED = {  # read, stored, duplicates, quarantined, records per table, quarantine reasons
    "ais/pyais_nmea_data_sample.txt": (
        898, 766, 0, 132, {"positions": 764, "vessels": 2},
        {"empty payload": 100, "incomplete multi-part message": 20,
         "message type N not stored": 8, "position not available": 4}),
    "ais/aisdb_tagblock_aivdm_2021-11-01.nm4": (
        983, 977, 0, 6, {"positions": 931, "vessels": 46},
        {"message type N not stored": 4, "position not available": 2}),
    "ais/aisdb_aivdm_2012-01-01.nmea": (
        26, 6, 0, 20, {"positions": 4, "vessels": 2},
        {"message type N not stored": 17, "position out of range": 2,
         "position not available": 1}),
    "ais/pyais_sample.ais": (
        15, 9, 0, 6, {"positions": 8, "vessels": 1},
        {"tag block checksum mismatch": 4, "not an NMEA sentence": 1,
         "Gatehouse $PGHP checksum mismatch": 1}),
    "ais/pyais_mixed.txt": (
        20, 10, 0, 10, {"positions": 8, "vessels": 2},
        {"not an AIS sentence": 4, "not an NMEA sentence": 2,
         "tag block checksum mismatch": 3, "Gatehouse $PGHP checksum mismatch": 1}),
    "ais/pyais_gatehouse.nmea": (
        7, 4, 0, 3, {"positions": 4},
        {"Gatehouse $PGHP checksum mismatch": 1,
         "Gatehouse $PGHP line not followed by an AIS sentence": 2}),
    "ais/pyais_timestamped.ais": (
        7, 4, 0, 3, {"positions": 4},
        {"Gatehouse $PGHP checksum mismatch": 1,
         "Gatehouse $PGHP line not followed by an AIS sentence": 2}),
}


def _reason_kind(reason: str) -> str:
    if reason.startswith("message type ") and reason.endswith(" not stored"):
        return "message type N not stored"
    return reason.split(":")[0]


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_logs_counts(store: DuckDBStore, name: str) -> None:
    path = real_file(name)
    assert isinstance(detect(path), AisNmea)
    read, stored, dups, quarantined, tables, reasons = EXPECTED[name]
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.duplicates,
            report.tally.quarantined) == (read, stored, dups, quarantined)
    assert report.tally.balanced and report.tables == tables
    q = store.reader().quarantine(limit=10_000)
    assert dict(Counter(_reason_kind(r) for r in q["reason"])) == reasons
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, stored)


def _oracle_check(path: Path) -> int:
    """Decode every message of a log with pyais and compare with what the adapter stores."""
    ctx = ParseContext(path, AisNmea.meta, "t")
    frames: dict[str, pd.DataFrame] = {}
    for batch in AisNmea().parse(ctx):
        frames[batch.table] = pd.concat([frames.get(batch.table), batch.frame])
    pos = frames.get("positions", pd.DataFrame(columns=["id"])).set_index("id")
    ves = frames.get("vessels", pd.DataFrame(columns=["id"])).set_index("id")
    checked = 0
    with path.open(encoding="utf-8") as f:
        messages = list(read_messages(f, ParseContext(path, AisNmea.meta, "t")))
    for msg in messages:
        rid = record_id("ais", msg.station, msg.epoch_ms, "\n".join(msg.sentences))
        if rid not in pos.index and rid not in ves.index:
            continue  # quarantined (type not stored, position not available ...)
        d = decode(*msg.sentences).asdict(enum_as_int=True)
        if rid in pos.index:
            row = pos.loc[rid]
            assert (row["mmsi"], row["msg_type"]) == (d["mmsi"], d["msg_type"])
            assert (row["lon"], row["lat"]) == (d["lon"], d["lat"])
            speed, course, heading = d.get("speed"), d.get("course"), d.get("heading")
            na_speed, na_course = (63, 511) if d["msg_type"] == 27 else (102.3, 360)
            assert _same(row["sog_kn"], None if speed is None or speed >= na_speed else speed)
            assert _same(row["cog_deg"],
                         None if course is None or course >= na_course else course)
            assert _same(row["heading_deg"], None if heading is None or heading >= 360
                         else heading)
            assert _same(row["nav_status"], d.get("status"))
            checked += 1
        if rid in ves.index:
            row = ves.loc[rid]
            assert row["mmsi"] == d["mmsi"]
            assert _same(row["name"], (d.get("shipname") or "").strip() or None)
            assert _same(row["call_sign"], (d.get("callsign") or "").strip() or None)
            assert _same(row["imo"], imo_number(d.get("imo")))
            assert _same(row["ship_type"], d.get("ship_type"))
            if d.get("to_bow") is not None:
                assert _same(row["length_m"], (d["to_bow"] + d["to_stern"]) or None)
                assert _same(row["width_m"], (d["to_port"] + d["to_starboard"]) or None)
            assert _same(row["draught_m"], d.get("draught") or None)
            assert _same(row["destination"], (d.get("destination") or "").strip() or None)
            checked += 1
    assert checked == len(pos) + len(ves)
    return checked


def _same(stored: object, expected: object) -> bool:
    if expected is None:
        return bool(pd.isna(stored))
    return bool(stored == expected)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_logs_decode_like_pyais(name: str) -> None:
    tables = EXPECTED[name][4]
    assert _oracle_check(real_file(name)) == sum(tables.values())


@pytest.mark.realdata
def test_real_log_known_values(store: DuckDBStore) -> None:
    ingest_one(store, real_file("ais/aisdb_tagblock_aivdm_2021-11-01.nm4"))
    pos = store.reader().select(Query.build("positions"))
    # MANIFEST: 1,000 lines of 2021-11-01 with tag blocks (station s:, unix time c:)
    assert pos["time"].notna().all()
    assert (pos["time"].dt.strftime("%Y-%m-%d") == "2021-11-01").all()
    assert pos["station"].notna().all()
    ingest_one(store, real_file("ais/aisdb_aivdm_2012-01-01.nmea"))
    old = store.reader().select(Query.build("positions", start="2012-01-01", end="2012-02-01"))
    # MANIFEST: receiver metadata d/S/t/T/r and epochs after the checksum
    assert len(old) == 4 and old["station"].str.startswith("r").all()
    ingest_one(store, real_file("ais/pyais_gatehouse.nmea"))
    gate = store.reader().select(Query.build("positions", start="2008-05-09",
                                             end="2008-05-10"))
    assert len(gate) == 1 and gate["time"].iloc[0] == datetime(2008, 5, 9, 0, 0, 0, 10_000,
                                                                UTC)


def test_tag_block_times_own_ship_and_gzip(tmp_path: Path) -> None:
    own = POS1.replace("!AIVDM", "!AIVDO")
    own = sealed(own[1:-3])
    lines = [tag("s:x,c:1700000000123") + POS1,  # 13 digits: milliseconds
             tag("s:x,c:12415440354") + POS1,  # 11 digits: no plausible unix time
             "\\s:x,c:1700000000*00" + POS1,  # no closing backslash
             POS1 + "FFF",
             own]
    path = tmp_path / "log.nmea.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert isinstance(detect(path), AisNmea)
    ctx = ParseContext(path, AisNmea.meta, "t")
    frames = {b.table: b.frame for b in AisNmea().parse(ctx)}
    pos = frames["positions"].set_index("line")
    assert sorted(pos.index) == [1, 5]
    assert pos.loc[1, "time"] == datetime(2023, 11, 14, 22, 13, 20, 123_000, UTC)
    assert [(r.line, r.reason) for r in ctx.drain_quarantine()] == [
        (2, "tag block time c: '12415440354' is not a plausible unix time"),
        (3, "tag block is not closed by a backslash"),
        (4, "unexpected text after the checksum: 'FFF'"),
    ]
