"""Decoded AIS in CSV: MarineCadastre (NOAA/BOEM), the VesselsValue/MovingPandas track layout
and a generic ``mmsi,time,lon,lat,...`` layout.

Decoded files carry one position report per row, already unpacked from NMEA by the publisher;
MarineCadastre rows also repeat the vessel's static data, which becomes a ``vessels`` record
(one per distinct set of static values of an MMSI, so repeats are duplicates). AIS codes for
"not available" (SOG 102.3, COG 360, heading 511, position 181/91) are applied as in
:mod:`flankwatch.sources.ais_nmea`, whose ship-type names and IMO check this module shares.
"""

from __future__ import annotations

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
    blank,
    header_fields,
    ids_for,
    read_csv_raw,
    to_number,
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

_META = dict(
    source=SOURCE,
    tables=("positions", "vessels"),
)


def _column(raw: pd.DataFrame, name: str | None) -> pd.Series:
    """A raw column by (case-insensitive) name, or a column of blanks."""
    if name is None:
        return pd.Series("", index=raw.index, dtype=str)
    return raw[name].astype(str).str.strip()


def _lookup(raw: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    by_lower = {c.strip().lower(): c for c in raw.columns if not c.startswith("_")}
    return next((by_lower[n] for n in names if n in by_lower), None)


class _Rows:
    """A raw frame being validated: the first problem found for a row is its reason."""

    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.reason = pd.Series("", index=raw.index, dtype=object)

    def fail(self, mask: pd.Series, why: str | Callable[[pd.Series], pd.Series]) -> None:
        """Give rows of ``mask`` without a reason yet this one (``why`` may build it from
        the selected rows' index, so that reasons are formatted for bad rows only)."""
        new = mask.fillna(True).astype(bool) & (self.reason == "")
        if new.any():
            self.reason[new] = why if isinstance(why, str) else why(new).to_numpy()

    def quarantine(self, ctx: ParseContext) -> pd.DataFrame:
        bad = self.reason != ""
        ctx.reject_rows(self.raw, bad, self.reason)
        return self.raw.loc[~bad].copy()


def _mmsi(rows: _Rows, col: str) -> pd.Series:
    text = _column(rows.raw, col)
    ok = text.str.fullmatch(r"\d{1,9}")
    rows.fail(~ok, lambda m: "invalid MMSI: " + text[m].map(repr))
    return pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")


def _position(rows: _Rows, lon_col: str, lat_col: str) -> tuple[pd.Series, pd.Series]:
    lon = to_number(rows.raw[lon_col])
    lat = to_number(rows.raw[lat_col])
    rows.fail(lon.isna() | lat.isna(), "missing or non-numeric position")
    rows.fail((lon == 181) | (lat == 91), "position not available")
    out = ~lon.between(-180, 180) | ~lat.between(-90, 90)
    rows.fail(out, lambda m: "position out of range: lon=" + rows.raw.loc[m, lon_col].str.strip()
              + ", lat=" + rows.raw.loc[m, lat_col].str.strip())
    return lon, lat


def _time(rows: _Rows, col: str, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    text = _column(rows.raw, col)
    when = parse(text)
    rows.fail(when.isna(), lambda m: "unreadable time: " + text[m].map(repr))
    return when


def _generic_time(text: pd.Series) -> pd.Series:
    """Unix seconds (milliseconds when 13 digits) or ISO 8601; a time without a zone is UTC."""
    if len(text) and text.str.fullmatch(r"\d{9,10}(\.\d+)?|\d{13}").all():
        values = pd.to_numeric(text)
        seconds = values.where(text.str.len() < 13, values / 1000)
        return pd.to_datetime(seconds, unit="s", utc=True, errors="coerce").astype(
            "datetime64[ns, UTC]")
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    return parsed.astype("datetime64[ns, UTC]")


def _kinematics(frame: pd.DataFrame, sog: pd.Series, cog: pd.Series,
                heading: pd.Series, status: pd.Series) -> list[dict[str, object]]:
    """SOG/COG/heading/status with the AIS "not available" codes as nulls; the raw code of
    each nulled value is returned per row for ``original``."""
    notes: list[dict[str, object]] = [{} for _ in range(len(frame))]
    checks = (
        ("sog_kn", sog, sog >= 102.3),
        ("cog_deg", cog, cog >= 360),
        ("heading_deg", heading, heading >= 360),  # 511 = not available; 360-510 unused
        ("nav_status", status, ~status.between(0, 15) & status.notna()),
    )
    for name, values, na in checks:
        for i in np.flatnonzero(na.to_numpy(dtype=bool, na_value=False)):
            notes[i][name] = float(values.iloc[i])
        frame[name] = values.where(~na)
    frame["nav_status"] = frame["nav_status"].round().astype("Int64")
    return notes


def _finish_positions(frame: pd.DataFrame, notes: list[dict[str, object]]) -> pd.DataFrame:
    for col in ("mmsi", "vessel_ref", "msg_type", "station", "nav_status"):
        if col not in frame.columns:
            frame[col] = None
    for col in ("sog_kn", "cog_deg", "heading_deg"):
        if col not in frame.columns:
            frame[col] = np.nan
    frame["h3"] = [h3_cell(x, y) for x, y in zip(frame["lon"], frame["lat"], strict=True)]
    frame["id"] = ids_for(SOURCE, frame, ["mmsi", "vessel_ref", "time", "lon", "lat"])
    frame["original"] = [json.dumps(n, ensure_ascii=False) if n else None for n in notes]
    for col in ("mmsi", "msg_type", "nav_status"):
        frame[col] = frame[col].astype("Int64")
    return frame.rename(columns={"_line": "line"})[POSITION_COLUMNS]


def _decoded_positions(ctx: ParseContext, raw: pd.DataFrame, cols: dict[str, str | None],
                       parse_time: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """Validate and normalise the rows of an MMSI-keyed layout into a positions frame."""
    rows = _Rows(raw)
    assert cols["mmsi"] is not None and cols["time"] is not None  # checked by the caller
    mmsi = _mmsi(rows, cols["mmsi"])
    when = _time(rows, cols["time"], parse_time)
    lon, lat = _position(rows, str(cols["lon"]), str(cols["lat"]))
    frame = pd.DataFrame({"_line": raw["_line"], "mmsi": mmsi, "time": when, "lon": lon,
                          "lat": lat})
    good = rows.quarantine(ctx).index
    frame = frame.loc[good].copy()
    nums = {k: to_number(_column(raw, cols.get(k))).loc[good]
            for k in ("sog", "cog", "heading", "status")}
    notes = _kinematics(frame, nums["sog"], nums["cog"], nums["heading"], nums["status"])
    return _finish_positions(frame, notes)


def _vessels(raw: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """MarineCadastre static columns of the rows kept as positions, as vessel records."""
    src = raw.loc[raw["_line"].isin(positions["line"])]
    pos = positions.set_index("line")
    cols = {c.lower(): c for c in src.columns}

    cache: dict[str, pd.Series] = {}

    def text(name: str) -> pd.Series:
        if name not in cache:
            cache[name] = _column(src, cols.get(name))
        return cache[name]

    static = ["vesselname", "imo", "callsign", "vesseltype", "length", "width", "draft"]
    has_static = ~pd.concat([blank(text(c)) for c in static], axis=1).all(axis=1)
    src = src.loc[has_static]
    frame = pd.DataFrame({"line": src["_line"]}, index=src.index)
    looked = pos.reindex(frame["line"])
    frame["mmsi"] = looked["mmsi"].set_axis(frame.index)
    frame["time"] = looked["time"].set_axis(frame.index)
    frame["name"] = text("vesselname").where(~blank(text("vesselname")))
    frame["call_sign"] = text("callsign").where(~blank(text("callsign")))
    imo_raw = text("imo").str.upper().str.removeprefix("IMO")
    imo_num = pd.to_numeric(imo_raw.where(imo_raw.str.fullmatch(r"\d{1,7}")), errors="coerce")
    frame["imo"] = pd.array([imo_number(int(v)) if pd.notna(v) else None for v in imo_num],
                            dtype="Int64")
    ship_type = to_number(text("vesseltype"))
    frame["ship_type"] = ship_type.round().astype("Int64")
    frame["ship_type_text"] = [ship_type_text(int(v)) if pd.notna(v) else None
                               for v in frame["ship_type"]]
    notes: list[dict[str, object]] = [{} for _ in range(len(frame))]
    bad_imo = ~blank(text("imo")) & frame["imo"].isna()
    for i in np.flatnonzero(bad_imo.to_numpy()):
        notes[i]["imo"] = text("imo").iloc[i]
    for field, name in (("length_m", "length"), ("width_m", "width"), ("draught_m", "draft")):
        values = to_number(text(name))
        zero = values == 0  # AIS sends 0 for "not available"
        for i in np.flatnonzero(zero.to_numpy()):
            notes[i][field] = 0.0
        frame[field] = values.where(~zero)
    frame["flag"] = [flag_from_mmsi(int(m)) for m in frame["mmsi"]]
    frame["transceiver_class"] = text("transceiverclass").where(
        ~blank(text("transceiverclass")))
    frame["id"] = ids_for(SOURCE, frame, ["mmsi", "name", "imo", "call_sign", "ship_type",
                                          "length_m", "width_m", "draught_m",
                                          "transceiver_class"])
    frame["original"] = [json.dumps(n, ensure_ascii=False) if n else None for n in notes]
    return frame[VESSEL_COLUMNS]


def _chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), BATCH_ROWS):
        yield frame.iloc[start:start + BATCH_ROWS]


class MarineCadastreCsv(Adapter):
    meta = SourceMeta(
        name="ais_marinecadastre_csv",
        title="AIS vessel traffic data, MarineCadastre daily CSV (US waters)",
        publisher="NOAA Office for Coastal Management and BOEM (MarineCadastre.gov), from "
        "the US Coast Guard's Nationwide AIS",
        licence="US public domain",
        cadence="daily files, published yearly",
        url="https://hub.marinecadastre.gov/pages/vesseltraffic",
        formats=("csv: MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,"
                 "VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass",),
        count_assertions={"positions": (1, 20_000_000), "vessels": (0, 20_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 95 if header_fields(head)[:7] == MARINECADASTRE else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["MMSI", "BaseDateTime", "LAT", "LON"])
        cols: dict[str, str | None] = {"mmsi": "MMSI", "time": "BaseDateTime", "lon": "LON",
                                       "lat": "LAT", "sog": _lookup(raw, ("sog",)),
                                       "cog": _lookup(raw, ("cog",)),
                                       "heading": _lookup(raw, ("heading",)),
                                       "status": _lookup(raw, ("status",))}
        for part in _chunks(raw):
            positions = _decoded_positions(ctx, part, cols, _marinecadastre_time)
            yield Batch("positions", positions)
            vessels = _vessels(part, positions)
            if len(vessels):
                yield Batch("vessels", vessels)


def _marinecadastre_time(text: pd.Series) -> pd.Series:
    """``2023-01-11T00:00:00``: UTC, as MarineCadastre documents."""
    return pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S", utc=True,
                          errors="coerce").astype("datetime64[ns, UTC]")


class EverGivenTracksCsv(Adapter):
    meta = SourceMeta(
        name="ais_vesselsvalue_tracks_csv",
        title="AIS vessel tracks, VesselsValue export as used by the MovingPandas examples "
        "(ID, ais_pos_timestamp, longitude, latitude)",
        publisher="VesselsValue (AIS), redistributed in the MovingPandas examples",
        licence="unclear (VesselsValue's terms); the examples repository is BSD-3-Clause",
        cadence="one-off extract",
        url="https://github.com/movingpandas/movingpandas-examples",
        formats=("csv: ID,ais_pos_timestamp (DD/MM/YYYY HH:MM),longitude,latitude",),
        count_assertions={"positions": (1, 10_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == EVERGIVEN else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["ID", "ais_pos_timestamp", "longitude", "latitude"])
        for part in _chunks(raw):
            rows = _Rows(part)
            ref = _column(part, "ID")
            rows.fail(ref == "", "empty vessel ID")
            stamp = _column(part, "ais_pos_timestamp")
            when = _time(rows, "ais_pos_timestamp", lambda t: pd.to_datetime(
                t, format="%d/%m/%Y %H:%M", utc=True, errors="coerce").astype(
                "datetime64[ns, UTC]"))
            lon, lat = _position(rows, "longitude", "latitude")
            frame = pd.DataFrame({"_line": part["_line"], "vessel_ref": ref, "time": when,
                                  "lon": lon, "lat": lat})
            good = rows.quarantine(ctx).index
            frame = frame.loc[good].copy()
            # The source gives minutes: the raw stamp in ``original`` shows that precision.
            notes: list[dict[str, object]] = [{"ais_pos_timestamp": s} for s in stamp[good]]
            yield Batch("positions", _finish_positions(frame, notes))


class GenericAisCsv(Adapter):
    meta = SourceMeta(
        name="ais_generic_csv",
        title="Decoded AIS positions in a generic CSV (mmsi, time, lon, lat, sog, cog, "
        "heading)",
        publisher="any AIS provider or tool exporting decoded positions",
        licence="depends on the provider",
        cadence="irregular",
        url="https://gpsd.gitlab.io/gpsd/AIVDM.html",
        formats=("csv: mmsi, timestamp|time|datetime, lon|longitude, lat|latitude "
                 "[, sog, cog, heading, status]",),
        count_assertions={"positions": (1, 100_000_000)},
        **_META,  # type: ignore[arg-type]
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
        raw = read_csv_raw(ctx)
        cols = {k: (_lookup(raw, (v,)) if v else None)
                for k, v in self._columns([c.strip().lower() for c in raw.columns]).items()}
        missing = [k for k in ("mmsi", "time", "lon", "lat") if cols[k] is None]
        if missing:
            raise SourceAbort(ctx.file, f"header lacks column(s) for {missing}", line=1)
        for part in _chunks(raw):
            yield Batch("positions", _decoded_positions(ctx, part, cols, _generic_time))


ADAPTERS = [MarineCadastreCsv, EverGivenTracksCsv, GenericAisCsv]
