"""Decoded AIS in CSV: MarineCadastre (NOAA/BOEM), the VesselsValue/MovingPandas track layout
and a generic ``mmsi,time,lon,lat,...`` layout.

Decoded files carry one position report per row, already unpacked from NMEA by the publisher;
MarineCadastre rows also repeat the vessel's static data, which becomes a ``vessels`` record
(one per row, its id from the MMSI and the static values, so repeats are duplicates). AIS codes
for "not available" (SOG 102.3, COG 360, heading 511, position 181/91) are applied as in
:mod:`flankwatch.sources.ais_nmea`, whose ship-type names and IMO check this module shares.

AIS files are the largest FlankWatch reads (a MarineCadastre day is about 7 million rows), so
everything here works on whole columns; per-row Python is limited to hashing ids and H3 cells.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.geo import h3_cell
from flankwatch.model.mid import flag_from_mmsi
from flankwatch.sources.ais_nmea import imo_number, ship_type_text
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    read_csv_raw,
)

SOURCE = "ais"
BATCH_ROWS = 500_000

MARINECADASTRE = ["mmsi", "basedatetime", "lat", "lon", "sog", "cog", "heading"]
EVERGIVEN = ["id", "ais_pos_timestamp", "longitude", "latitude"]
#: Generic layout: accepted header names (lower case) for each field.
GENERIC = {
    "mmsi": ("mmsi",),
    "time": ("timestamp", "time", "datetime", "date_time", "basedatetime", "timestamp_utc"),
    "lon": ("lon", "longitude", "lng"),
    "lat": ("lat", "latitude"),
    "sog": ("sog", "speed", "speed_kn"),
    "cog": ("cog", "course"),
    "heading": ("heading", "true_heading", "hdg"),
    "status": ("status", "nav_status", "navigational_status"),
}

POSITION_COLUMNS = ["id", "line", "original", "mmsi", "vessel_ref", "time", "lon", "lat", "h3",
                    "sog_kn", "cog_deg", "heading_deg", "nav_status", "msg_type", "station"]
VESSEL_COLUMNS = ["id", "line", "original", "mmsi", "time", "name", "imo", "call_sign",
                  "ship_type", "ship_type_text", "length_m", "width_m", "draught_m", "flag",
                  "transceiver_class"]
_SEP = "\x1f"  # record_id's separator
_NONE = "\x00"  # record_id's marker for a missing part


def row_ids(*parts: pd.Series) -> list[str]:
    """``record_id(SOURCE, *row)`` for each row of these columns (values as ``str()`` writes
    them, missing ones as record_id writes ``None``), in one tight loop: ``ids_for`` costs as
    much as the rest of the parse on a large file."""
    # (not Series.fillna: a round trip through numpy strings would drop the NUL marker)
    columns = [[_NONE if missing else value for value, missing in
                zip(part.astype(object).tolist(), part.isna().tolist(), strict=True)]
               for part in parts]
    prefix = SOURCE + _SEP
    b2 = hashlib.blake2b
    return [b2((prefix + _SEP.join(map(str, row))).encode("utf-8"), digest_size=16).hexdigest()
            for row in zip(*columns, strict=True)]


def originals_json(index: pd.Index, notes: list[tuple[str, pd.Series]]) -> list[str | None]:
    """One JSON object per row of the raw values that were replaced, ``None`` for the others
    (``notes``: field name and the already JSON-encoded raw values of the rows concerned)."""
    out = pd.Series(None, index=index, dtype=object)
    if notes:
        noted = pd.concat([values.rename(name) for name, values in notes], axis=1)
        joined = pd.Series("", index=noted.index, dtype=object)
        for name in noted.columns:  # column by column, on the noted rows only
            value = noted[name]
            frag = (f'"{name}": ' + value).where(value.notna(), "")
            sep = pd.Series(", ", index=noted.index).where((joined != "") & (frag != ""), "")
            joined = joined + sep + frag
        out[noted.index] = ("{" + joined + "}").to_numpy()
    return [v if isinstance(v, str) else None for v in out.tolist()]


def _lookup(raw: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    by_lower = {c.strip().lower(): c for c in raw.columns if not c.startswith("_")}
    return next((by_lower[n] for n in names if n in by_lower), None)


def _num(raw: pd.DataFrame, col: str | None) -> pd.Series:
    """A column as floats (blank or junk: NaN)."""
    if col is None:
        return pd.Series(np.nan, index=raw.index)
    text = raw[col]
    try:  # the common case, clean numbers and blanks, in C; to_numeric is 2-3 times slower
        values = text.where(text != "", "nan").astype(float)
    except ValueError:
        values = pd.to_numeric(text, errors="coerce")
    return values.replace([np.inf, -np.inf], np.nan)


def _text(raw: pd.DataFrame, col: str | None) -> pd.Series:
    """A column stripped of blanks. Names, call signs and times repeat row after row, so the
    distinct values are stripped once."""
    if col is None:
        return pd.Series("", index=raw.index, dtype=object)
    codes, uniques = pd.factorize(raw[col])
    stripped = np.array([u.strip() for u in uniques] + [""], dtype=object)
    return pd.Series(stripped[codes], index=raw.index, dtype=object)


class _Rows:
    """A raw frame being validated: the first problem found for a row is its reason."""

    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.reason = pd.Series("", index=raw.index, dtype=object)

    def fail(self, mask: pd.Series, why: str | Callable[[pd.Series], pd.Series]) -> None:
        """Give rows of ``mask`` without a reason yet this one (``why`` may build it from
        the selected rows, so that reasons are formatted for bad rows only)."""
        new = mask.fillna(True).astype(bool) & (self.reason == "")
        if new.any():
            self.reason[new] = why if isinstance(why, str) else why(new).to_numpy()

    def quarantine(self, ctx: ParseContext) -> pd.Index:
        """Quarantine the failed rows; the index of the good ones."""
        bad = self.reason != ""
        if bad.any():
            ctx.reject_rows(self.raw, bad, self.reason)
        return self.raw.index[~bad.to_numpy()]


def _mmsi(rows: _Rows, col: str) -> pd.Series:
    value = pd.to_numeric(rows.raw[col], errors="coerce")
    ok = value.between(1, 999_999_999) & (value % 1 == 0)
    rows.fail(~ok, lambda m: "invalid MMSI: " + rows.raw.loc[m, col].map(repr))
    return value.where(ok).astype("Int64")


def _position(rows: _Rows, lon_col: str, lat_col: str) -> tuple[pd.Series, pd.Series]:
    lon, lat = _num(rows.raw, lon_col), _num(rows.raw, lat_col)
    rows.fail(lon.isna() | lat.isna(), "missing or non-numeric position")
    rows.fail((lon == 181) | (lat == 91), "position not available")
    rows.fail(~lon.between(-180, 180) | ~lat.between(-90, 90),
              lambda m: "position out of range: lon=" + rows.raw.loc[m, lon_col].str.strip()
              + ", lat=" + rows.raw.loc[m, lat_col].str.strip())
    return lon, lat


def _time(rows: _Rows, col: str, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    when = parse(_text(rows.raw, col))
    rows.fail(when.isna(), lambda m: "unreadable time: " + rows.raw.loc[m, col].map(repr))
    return when


def _utc(text: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(text, format=fmt, utc=True, errors="coerce").astype(
        "datetime64[ns, UTC]")


def _generic_time(text: pd.Series) -> pd.Series:
    """Unix seconds (milliseconds when 13 digits) or ISO 8601; a time without a zone is UTC."""
    if len(text) and text.str.fullmatch(r"\d{9,10}(\.\d+)?|\d{13}").all():
        values = pd.to_numeric(text)
        seconds = values.where(text.str.len() < 13, values / 1000)
        return pd.to_datetime(seconds, unit="s", utc=True, errors="coerce").astype(
            "datetime64[ns, UTC]")
    return _utc(text, "ISO8601")


def _kinematics(frame: pd.DataFrame, raw: pd.DataFrame,
                cols: dict[str, str | None]) -> list[tuple[str, pd.Series]]:
    """SOG/COG/heading/status with the AIS "not available" codes as nulls; returns the raw
    codes that were nulled, for ``original``."""
    notes: list[tuple[str, pd.Series]] = []
    for field, key in (("sog_kn", "sog"), ("cog_deg", "cog"), ("heading_deg", "heading"),
                       ("nav_status", "status")):
        values = _num(raw, cols.get(key)).loc[frame.index]
        if field == "nav_status":
            na = values.notna() & ~values.between(0, 15)
        else:  # SOG 102.3, COG 360, heading 511 (360-510 unused) mean "not available"
            na = values >= (102.3 if field == "sog_kn" else 360)
        if na.any():
            notes.append((field, values[na].astype(str)))
        frame[field] = values.where(~na)
    frame["nav_status"] = frame["nav_status"].round().astype("Int64")
    return notes


def _finish_positions(frame: pd.DataFrame, notes: list[tuple[str, pd.Series]]) -> pd.DataFrame:
    for col in ("mmsi", "vessel_ref", "msg_type", "station", "nav_status"):
        if col not in frame.columns:
            frame[col] = None
    for col in ("sog_kn", "cog_deg", "heading_deg"):
        if col not in frame.columns:
            frame[col] = np.nan
    for col in ("mmsi", "msg_type", "nav_status"):
        frame[col] = frame[col].astype("Int64")
    frame["h3"] = [h3_cell(x, y) for x, y in zip(frame["lon"].tolist(), frame["lat"].tolist(),
                                                  strict=True)]
    # id: (mmsi, vessel_ref, time in ns, lon, lat): a second report of the same fix is a
    # duplicate, two different fixes at the same second are two records.
    frame["id"] = row_ids(frame["mmsi"], frame["vessel_ref"], frame["time"].astype("int64"),
                          frame["lon"], frame["lat"])
    frame["original"] = originals_json(frame.index, notes)
    frame["time_precision"] = "second"  # decoded layouts give seconds (VesselsValue: minutes)
    return frame.rename(columns={"_line": "line"})[[*POSITION_COLUMNS, "time_precision"]]


def _decoded_positions(ctx: ParseContext, raw: pd.DataFrame, cols: dict[str, str | None],
                       parse_time: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """Validate and normalise the rows of an MMSI-keyed layout into a positions frame."""
    rows = _Rows(raw)
    mmsi = _mmsi(rows, str(cols["mmsi"]))
    when = _time(rows, str(cols["time"]), parse_time)
    lon, lat = _position(rows, str(cols["lon"]), str(cols["lat"]))
    good = rows.quarantine(ctx)
    frame = pd.DataFrame({"_line": raw["_line"], "mmsi": mmsi, "time": when, "lon": lon,
                          "lat": lat}).loc[good]
    return _finish_positions(frame, _kinematics(frame, raw, cols))


def _vessels(raw: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """MarineCadastre static columns of the rows kept as positions, as vessel records; a row
    without any static value gives none."""
    # positions keeps the raw frame's index: take only the columns needed, only if rows went
    src = raw if len(positions) == len(raw) else raw.loc[positions.index, :]
    col = {k: _lookup(src, (k,)) for k in ("vesselname", "imo", "callsign", "vesseltype",
                                           "length", "width", "draft", "transceiverclass")}
    name, imo_text = _text(src, col["vesselname"]), _text(src, col["imo"])
    call_sign, tclass = _text(src, col["callsign"]), _text(src, col["transceiverclass"])
    nums = {k: _num(src, col[k]) for k in ("vesseltype", "length", "width", "draft")}
    has_static = ((name != "") | (imo_text != "") | (call_sign != "")).to_numpy()
    for values in nums.values():
        has_static |= values.notna().to_numpy()
    keep = has_static
    frame = positions.loc[keep, ["line", "mmsi", "time"]].copy()
    frame["name"] = name[keep].replace("", None)
    frame["call_sign"] = call_sign[keep].replace("", None)
    frame["transceiver_class"] = tclass[keep].replace("", None)
    imo_text = imo_text[keep]
    # "IMO9307839" -> 9307839, when the check digit is right (see imo_number)
    checked = {t: _imo(t) for t in imo_text.unique()}
    frame["imo"] = imo_text.map(checked).astype("Int64")
    notes: list[tuple[str, pd.Series]] = []
    bad_imo = (imo_text != "") & frame["imo"].isna()
    if bad_imo.any():
        notes.append(("imo", imo_text[bad_imo].map(json.dumps)))
    ship_type = nums["vesseltype"][keep].round().astype("Int64")
    frame["ship_type"] = ship_type
    frame["ship_type_text"] = ship_type.map(
        {t: ship_type_text(int(t)) for t in ship_type.dropna().unique()})
    for field, key in (("length_m", "length"), ("width_m", "width"), ("draught_m", "draft")):
        values = nums[key][keep]
        zero = values == 0  # AIS sends 0 for "not available"
        if zero.any():
            notes.append((field, values[zero].astype(str)))
        frame[field] = values.where(~zero)
    frame["flag"] = frame["mmsi"].map({m: flag_from_mmsi(int(m))
                                       for m in frame["mmsi"].dropna().unique()})
    # Static data repeats on every report of a ship: hash each distinct set of values once.
    static = ["mmsi", "name", "imo", "call_sign", "ship_type", "length_m", "width_m",
              "draught_m", "transceiver_class"]
    group = frame.groupby(static, dropna=False, sort=False).ngroup().to_numpy()
    first = frame.iloc[np.unique(group, return_index=True)[1]]
    frame["id"] = np.asarray(row_ids(*(first[c] for c in static)), dtype=object)[group]
    frame["original"] = originals_json(frame.index, notes)
    frame["time_precision"] = "second"
    return frame[[*VESSEL_COLUMNS, "time_precision"]]


def _imo(text: str) -> int | None:
    digits = text.upper().removeprefix("IMO")
    return imo_number(int(digits)) if digits.isdigit() and len(digits) <= 7 else None


def _read(ctx: ParseContext, expected: list[str] | None) -> pd.DataFrame:
    """The raw rows, on a fresh 0..n-1 index: the code here selects rows by index labels."""
    return read_csv_raw(ctx, expected=expected).reset_index(drop=True)


def _chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), BATCH_ROWS):
        yield frame.iloc[start:start + BATCH_ROWS]


class MarineCadastreCsv(Adapter):
    meta = SourceMeta(
        name="ais_marinecadastre_csv",
        source=SOURCE,
        title="AIS vessel traffic data, MarineCadastre daily CSV (US waters)",
        publisher="NOAA Office for Coastal Management and BOEM (MarineCadastre.gov), from "
        "the US Coast Guard's Nationwide AIS",
        licence="US public domain",
        cadence="daily files, published yearly",
        url="https://hub.marinecadastre.gov/pages/vesseltraffic",
        formats=("csv: MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,"
                 "VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass",),
        tables=("positions", "vessels"),
        count_assertions={"positions": (1, 20_000_000), "vessels": (0, 20_000_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 95 if header_fields(head)[:7] == MARINECADASTRE else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = _read(ctx, ["MMSI", "BaseDateTime", "LAT", "LON"])
        cols: dict[str, str | None] = {"mmsi": "MMSI", "time": "BaseDateTime", "lon": "LON",
                                       "lat": "LAT"}
        cols.update({k: _lookup(raw, (k,)) for k in ("sog", "cog", "heading", "status")})
        for part in _chunks(raw):
            positions = _decoded_positions(
                ctx, part, cols, lambda t: _utc(t, "%Y-%m-%dT%H:%M:%S"))  # UTC, as documented
            yield Batch("positions", positions)
            vessels = _vessels(part, positions)
            if len(vessels):
                yield Batch("vessels", vessels)


class VesselsValueTracksCsv(Adapter):
    meta = SourceMeta(
        name="ais_vesselsvalue_tracks_csv",
        source=SOURCE,
        title="AIS vessel tracks, VesselsValue export as used by the MovingPandas examples "
        "(ID, ais_pos_timestamp, longitude, latitude)",
        publisher="VesselsValue (AIS), redistributed in the MovingPandas examples",
        licence="unclear (VesselsValue's terms); the examples repository is BSD-3-Clause",
        cadence="one-off extract",
        url="https://github.com/movingpandas/movingpandas-examples",
        formats=("csv: ID,ais_pos_timestamp (DD/MM/YYYY HH:MM),longitude,latitude",),
        tables=("positions",),
        count_assertions={"positions": (1, 10_000_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == EVERGIVEN else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = _read(ctx, ["ID", "ais_pos_timestamp", "longitude", "latitude"])
        for part in _chunks(raw):
            rows = _Rows(part)
            ref = _text(part, "ID")
            rows.fail(ref == "", "empty vessel ID")
            when = _time(rows, "ais_pos_timestamp", lambda t: _utc(t, "%d/%m/%Y %H:%M"))
            lon, lat = _position(rows, "longitude", "latitude")
            good = rows.quarantine(ctx)
            frame = pd.DataFrame({"_line": part["_line"], "vessel_ref": ref, "time": when,
                                  "lon": lon, "lat": lat}).loc[good]
            # Times are given to the minute: time_precision says so, and the raw stamp is in
            # ``original`` (it matched DD/MM/YYYY HH:MM, so it needs no JSON escaping).
            stamp = '"' + part.loc[good, "ais_pos_timestamp"].str.strip() + '"'
            finished = _finish_positions(frame, [("ais_pos_timestamp", stamp)])
            yield Batch("positions", finished.assign(time_precision="minute"))


class GenericAisCsv(Adapter):
    meta = SourceMeta(
        name="ais_generic_csv",
        source=SOURCE,
        title="Decoded AIS positions in a generic CSV (mmsi, time, lon, lat, sog, cog, "
        "heading)",
        publisher="any AIS provider or tool exporting decoded positions",
        licence="depends on the provider",
        cadence="irregular",
        url="https://gpsd.gitlab.io/gpsd/AIVDM.html",
        formats=("csv: mmsi, timestamp|time|datetime, lon|longitude, lat|latitude "
                 "[, sog, cog, heading, status]",),
        tables=("positions",),
        count_assertions={"positions": (1, 100_000_000)},
    )

    @staticmethod
    def _columns(fields: list[str]) -> dict[str, str | None]:
        return {k: next((n for n in names if n in fields), None) for k, names in GENERIC.items()}

    def sniff(self, path: Path, head: str) -> int:
        fields = header_fields(head)
        if fields[:7] == MARINECADASTRE:
            return 0  # MarineCadastre's own adapter reads its static columns too
        cols = self._columns(fields)
        return 60 if all(cols[k] for k in ("mmsi", "time", "lon", "lat")) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = _read(ctx, None)
        found = self._columns([c.strip().lower() for c in raw.columns])
        cols = {k: (_lookup(raw, (v,)) if v else None) for k, v in found.items()}
        missing = [k for k in ("mmsi", "time", "lon", "lat") if cols[k] is None]
        if missing:
            raise SourceAbort(ctx.file, f"header lacks column(s) for {missing}", line=1)
        for part in _chunks(raw):
            yield Batch("positions", _decoded_positions(ctx, part, cols, _generic_time))


ADAPTERS = [MarineCadastreCsv, VesselsValueTracksCsv, GenericAisCsv]
