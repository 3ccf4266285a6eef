"""UCDP Georeferenced Event Dataset (GED): one row per event of organised violence.

UCDP distributes GED in three shapes that carry the same fields: the download CSV (GED 19.1
to 23.1 order, dates ``YYYY-MM-DD`` or ``YYYY-MM-DD 00:00:00.000``), the CSV written from the
UCDP API (``best_est``/``high_est``/``low_est``, dates ``MM/DD/YYYY hh:mm:ss``, ``active_year``
``True``/``False``) and GeoJSON (properties plus a point geometry). The three adapters here
reduce each shape to the same string columns and share one mapping to ``events``, so the id
(``record_id("ucdp", GED id)``) and every stored value of an event are the same whichever file
it came from: ingesting the CSV and the GeoJSON of one release stores each event once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.geo import h3_cell
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    ids_for,
    open_text,
    read_csv_raw,
)
from flankwatch.sources.checks import Reasons, strict_numbers

SOURCE = "ucdp"
BATCH_ROWS = 500_000

#: GED ``type_of_violence`` -> (kind, subkind).
VIOLENCE = {
    "1": ("armed_clash", "state-based"),
    "2": ("armed_clash", "non-state"),
    "3": ("violence_against_civilians", "one-sided"),
}

#: GED ``date_prec`` -> time precision. The codebook: 1 exact day; 2 a 2-6 day window; 3 only
#: the week is known; 4 an 8-30 day window or only the month; 5 a 31-365 day window or only
#: the year. The files agree (spans of 1-5, 6, 7-30 and 31-365 days).
DATE_PRECISION = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}

#: GED country names pycountry does not resolve: GED writes "current name (former name)".
GED_COUNTRIES = {
    "DR Congo (Zaire)": "COD",
    "Yemen (North Yemen)": "YEM",
    "Russia (Soviet Union)": "RUS",
    "Serbia (Yugoslavia)": "SRB",
    "Cambodia (Kampuchea)": "KHM",
    "Madagascar (Malagasy)": "MDG",
    "Myanmar (Burma)": "MMR",
    "Zimbabwe (Rhodesia)": "ZWE",
    "Kingdom of eSwatini (Swaziland)": "SWZ",
    "Vietnam (North Vietnam)": "VNM",
    "Bosnia-Herzegovina": "BIH",
    "Macedonia, FYR": "MKD",
}

#: The columns every layout must have (API names are renamed to these first).
REQUIRED = ("id", "type_of_violence", "date_prec", "date_start", "date_end", "latitude",
            "longitude", "country", "best")
#: Columns used when present; a layout without one gets blanks.
OPTIONAL = ("low", "high", "side_a", "side_b", "conflict_new_id", "conflict_name", "dyad_name",
            "dyad_new_id", "source_headline", "where_prec", "where_coordinates",
            "where_description", "adm_1", "adm_2", "priogrid_gid", "event_clarity",
            "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "active_year",
            "country_id")
_API_NAMES = {"best_est": "best", "low_est": "low", "high_est": "high"}

#: Integer fields that go to ``attrs`` (junk in them quarantines the event).
_ATTR_INTS = ("dyad_new_id", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
              "event_clarity", "priogrid_gid", "country_id")

EVENT_COLUMNS = ["id", "line", "original", "kind", "subkind", "time_start", "time_end",
                 "time_precision", "lon", "lat", "location_precision", "h3", "country",
                 "admin1", "admin2", "location", "actor1", "actor2", "fatalities_best",
                 "fatalities_low", "fatalities_high", "code", "description",
                 "source_record_id", "attrs"]

_META: dict[str, Any] = dict(
    source=SOURCE,
    publisher="Uppsala Conflict Data Program (UCDP), Department of Peace and Conflict "
    "Research, Uppsala University",
    licence="CC BY 4.0 (cite Sundberg & Melander 2013 and the GED codebook)",
    cadence="annual release each June (GED YY.1); monthly candidate events (GED Candidate)",
    tables=("events",),
    # A complete global release holds about 300,000-400,000 events.
    count_assertions={"events": (1, 500_000)},
)

_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?"
                      r"(?:\s*[AP]M)?)?\s*$")


# ---------------------------------------------------------------------------------------------
# Shared mapping: string columns in, events out.


def _dates(raw: pd.Series) -> pd.Series:
    """GED dates in any of the published spellings -> UTC midnight (NaT when not a date).

    Every GED time is midnight: the time part, when written, carries no information. Each
    distinct spelling is parsed once."""
    if raw.empty:
        return pd.Series(pd.to_datetime([], utc=True), index=raw.index)
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    text = pd.Series(uniques, dtype=object)
    iso = text.str.extract(_ISO_DATE, expand=False)
    us = text.str.extract(_US_DATE)
    us_text = us[2] + "-" + us[0].str.zfill(2) + "-" + us[1].str.zfill(2)
    parsed = pd.to_datetime(iso.where(iso.notna(), us_text), format="%Y-%m-%d",
                            errors="coerce", utc=True)
    return pd.Series(parsed.array.take(codes), index=raw.index)




def _country(name: str) -> str | None:
    return GED_COUNTRIES.get(name) or to_iso3(name)




def _ints(values: pd.Series) -> list[int | None]:
    return [None if v != v else int(v) for v in values]


def _per_distinct(fn: Callable[[Any], Any], values: pd.Series | np.ndarray) -> list[Any]:
    """``fn`` of each value, computed once per distinct value (GED repeats its countries,
    actors, places and dates thousands of times; hashing is much cheaper than ``fn``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    result: list[Any] = mapped[codes].tolist()
    return result


def _strip(v: str) -> str | None:
    return v.strip() or None


def _texts(values: pd.Series) -> list[str | None]:
    """Trimmed text, blank -> None."""
    return _per_distinct(_strip, values)


# JSON for ``attrs`` and ``original`` is assembled from columns of pre-encoded values: it is
# the same text ``json.dumps(dict, ensure_ascii=False)`` writes, at a fraction of the cost.
def _j_text(values: list[str | None]) -> list[str]:
    return ["null" if v is None else encode_basestring(v) for v in values]


def _j_int(values: list[int | None]) -> list[str]:
    return ["null" if v is None else str(v) for v in values]


def _json_rows(columns: dict[str, list[str]]) -> list[str]:
    heads = [encode_basestring(k) + ": " for k in columns]
    parts = [[h + v for v in col] for h, col in zip(heads, columns.values(), strict=True)]
    return ["{" + ", ".join(row) + "}" for row in zip(*parts, strict=True)]


def _events(ctx: ParseContext, raw: pd.DataFrame) -> pd.DataFrame:
    """Validate and map a frame of GED string columns (plus ``_line``, ``_raw``) to events;
    quarantine the rows that fail, each with its first failing check."""
    for c in OPTIONAL:
        if c not in raw.columns:
            raw[c] = ""
    r = Reasons(raw.index)
    # GeoJSON writers may turn integer ids into floats ("36210.0"): the id is the integer.
    ged_id = raw["id"].str.strip().str.replace(r"\.0+$", "", regex=True)
    r.add(~ged_id.str.fullmatch(r"\d+"), "GED id is missing or not a number", ged_id)
    tov = pd.Series(_per_distinct(lambda v: re.sub(r"\.0+$", "", v.strip()),
                                  raw["type_of_violence"]), index=raw.index, dtype=object)
    r.add(~tov.isin(list(VIOLENCE)), "type_of_violence is not 1, 2 or 3", tov)
    start, end = _dates(raw["date_start"]), _dates(raw["date_end"])
    r.add(start.isna(), "date_start is not a date", raw["date_start"])
    r.add(end.isna(), "date_end is not a date", raw["date_end"])
    r.add(end < start, "date_end is before date_start", raw["date_end"])
    prec, _ = strict_numbers(raw["date_prec"])
    r.add(~prec.isin(list(DATE_PRECISION)), "date_prec is not 1-5", raw["date_prec"])
    lat, _ = strict_numbers(raw["latitude"])
    lon, _ = strict_numbers(raw["longitude"])
    off = lat.isna() | lon.isna() | (lat.abs() > 90) | (lon.abs() > 180)
    r.add(off, "latitude/longitude missing or off the globe",
          raw["latitude"] + ", " + raw["longitude"])
    nums: dict[str, pd.Series] = {}
    for col in ("best", "low", "high", "where_prec", *_ATTR_INTS):
        values, junk = strict_numbers(raw[col])
        r.add(junk | (values < 0), f"{col} is not a non-negative number", raw[col])
        nums[col] = values
    r.add(nums["best"].isna(), "best (the best estimate of deaths) is blank")
    name = pd.Series(_texts(raw["country"]), index=raw.index, dtype=object)
    iso = pd.Series(_per_distinct(lambda n: _country(n) if n else None, name.fillna("")),
                    index=raw.index, dtype=object)
    r.add(iso.isna() & name.notna(), "unknown GED country name", name)
    ctx.reject_rows(raw, r.bad, r.reason)

    good = ~r.bad
    g = raw.loc[good]
    out = pd.DataFrame(index=g.index)
    out["source_record_id"] = ged_id[good]
    out["id"] = ids_for(SOURCE, out, ["source_record_id"])
    out["line"] = g["_line"].astype(int)
    kinds = tov[good].map(VIOLENCE)
    out["kind"] = [k[0] for k in kinds]
    out["subkind"] = [k[1] for k in kinds]
    out["time_start"] = start[good]
    out["time_end"] = end[good]
    out["time_precision"] = prec[good].astype(int).map(DATE_PRECISION)
    out["lon"], out["lat"] = lon[good], lat[good]
    out["location_precision"] = pd.array(_ints(nums["where_prec"][good]), dtype="Int64")
    points = out["lon"].to_numpy(dtype=float) + 1j * out["lat"].to_numpy(dtype=float)
    out["h3"] = _per_distinct(lambda z: h3_cell(z.real, z.imag), points)
    out["country"] = iso[good]
    for field, col in (("admin1", "adm_1"), ("admin2", "adm_2"), ("location", "where_coordinates"),
                       ("actor1", "side_a"), ("actor2", "side_b"), ("code", "conflict_new_id"),
                       ("description", "source_headline")):
        out[field] = _texts(g[col])
    out["fatalities_best"] = nums["best"][good]
    out["fatalities_low"] = nums["low"][good]
    out["fatalities_high"] = nums["high"][good]
    out["attrs"] = _attrs(g, {c: nums[c][good] for c in _ATTR_INTS}, prec[good])
    out["original"] = _originals(g, name[good])
    return out[EVENT_COLUMNS].reset_index(drop=True)


_ACTIVE = {"1": "true", "true": "true", "0": "false", "false": "false"}


def _attrs(g: pd.DataFrame, ints: dict[str, pd.Series], prec: pd.Series) -> list[str]:
    """JSON of the GED fields worth keeping beside the event columns, in a fixed key order
    (the same in every layout, so CSV and GeoJSON rows of one event compare equal)."""
    return _json_rows({
        "dyad": _j_text(_texts(g["dyad_name"])),
        "dyad_new_id": _j_int(_ints(ints["dyad_new_id"])),
        "conflict_name": _j_text(_texts(g["conflict_name"])),
        "deaths_a": _j_int(_ints(ints["deaths_a"])),
        "deaths_b": _j_int(_ints(ints["deaths_b"])),
        "deaths_civilians": _j_int(_ints(ints["deaths_civilians"])),
        "deaths_unknown": _j_int(_ints(ints["deaths_unknown"])),
        "event_clarity": _j_int(_ints(ints["event_clarity"])),
        "date_prec": _j_int(_ints(prec)),
        "priogrid_gid": _j_int(_ints(ints["priogrid_gid"])),
        "where_description": _j_text(_texts(g["where_description"])),
        "active_year": [_ACTIVE.get(v.strip().lower(), "null") for v in g["active_year"]],
        "gwno": _j_int(_ints(ints["country_id"])),
    })


def _originals(g: pd.DataFrame, names: pd.Series) -> list[str | None]:
    """The GED country name (always normalised to ISO-3) and the date texts that were not
    already plain ``YYYY-MM-DD``; one JSON text per distinct combination."""
    keys = (names.fillna("").to_numpy(dtype=object) + "\x1f" + g["date_start"].to_numpy(
        dtype=object) + "\x1f" + g["date_end"].to_numpy(dtype=object))
    return _per_distinct(_original, keys)


def _original(key: str) -> str | None:
    name, start, end = key.split("\x1f")
    parts = [f"{encode_basestring(k)}: {encode_basestring(v)}"
             for k, v, plain in (("country", name, not name), ("date_start", start,
                                                                 _PLAIN_DATE.fullmatch(start)),
                                 ("date_end", end, _PLAIN_DATE.fullmatch(end)))
             if not plain]
    return "{" + ", ".join(parts) + "}" if parts else None


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _in_batches(ctx: ParseContext, raw: pd.DataFrame) -> Iterator[Batch]:
    for lo in range(0, max(len(raw), 1), BATCH_ROWS):
        chunk = raw.iloc[lo:lo + BATCH_ROWS].copy()
        yield Batch("events", _events(ctx, chunk))


# ---------------------------------------------------------------------------------------------
# The three layouts.


class UcdpGedCsv(Adapter):
    """The GED download CSV (``ged<version>.csv``, ``GEDEvent_v<version>.csv``)."""

    meta = SourceMeta(
        name="ucdp_ged_csv",
        title="UCDP Georeferenced Event Dataset (download CSV)",
        url="https://ucdp.uu.se/downloads/#ged_global",
        formats=("csv: id,...,type_of_violence,...,date_prec,date_start,date_end,...,best,"
                 "high,low (GED 19.1-23.1 download layout)",),
        **_META,
    )
    _needed = frozenset({"id", "type_of_violence", "date_prec", "date_start", "where_prec",
                         "latitude", "longitude", "best"})

    def sniff(self, path: Path, head: str) -> int:
        fields = set(header_fields(head))
        return 90 if self._needed <= fields and "best_est" not in fields else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        # Positional index: the mapping aligns columns by index and must not depend on the
        # reader's.
        raw = read_csv_raw(ctx, expected=list(REQUIRED)).reset_index(drop=True)
        yield from _in_batches(ctx, raw)


class UcdpGedApiCsv(Adapter):
    """A CSV written from the UCDP API (``/api/gedevents/<version>``): API column names."""

    meta = SourceMeta(
        name="ucdp_ged_api_csv",
        title="UCDP Georeferenced Event Dataset (CSV of the UCDP API)",
        url="https://ucdp.uu.se/apidocs/",
        formats=("csv: id,relid,...,date_start (MM/DD/YYYY hh:mm:ss),...,best_est,high_est,"
                 "low_est",),
        **_META,
    )
    _needed = frozenset({"id", "type_of_violence", "date_prec", "date_start", "latitude",
                         "longitude", "best_est"})

    def sniff(self, path: Path, head: str) -> int:
        return 90 if self._needed <= set(header_fields(head)) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        expected = [next((k for k, v in _API_NAMES.items() if v == c), c) for c in REQUIRED]
        raw = read_csv_raw(ctx, expected=expected).rename(columns=_API_NAMES).reset_index(
            drop=True)
        yield from _in_batches(ctx, raw)


_FEATURES = re.compile(r'"features"\s*:\s*\[')
_FEATURE_START = re.compile(r'\{\s*"type"\s*:\s*"Feature"\s*[,}]')
_BETWEEN = re.compile(r"[\s,]*")


def _text(value: object) -> str:
    """A GeoJSON property as the CSV would spell it (so both layouts map identically)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class UcdpGedGeoJson(Adapter):
    """The GED GeoJSON (a FeatureCollection of points; GED properties, no latitude/longitude
    columns: the coordinates come from the geometry)."""

    meta = SourceMeta(
        name="ucdp_ged_geojson",
        title="UCDP Georeferenced Event Dataset (GeoJSON)",
        url="https://ucdp.uu.se/downloads/#ged_global",
        formats=("geojson: FeatureCollection of Point features with GED properties",),
        **_META,
    )

    def sniff(self, path: Path, head: str) -> int:
        if '"FeatureCollection"' in head and '"type_of_violence"' in head \
                and '"date_prec"' in head:
            return 90
        return 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        rows: list[dict[str, str]] = []
        for line, text, feature in self._features(ctx):
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict) or feature.get("type") != "Feature":
                ctx.reject(line, text, "not a GeoJSON Feature with properties")
                continue
            row = {k: _text(v) for k, v in props.items()}
            coords = (feature.get("geometry") or {}).get("coordinates")
            if isinstance(coords, list) and len(coords) >= 2:
                row["longitude"], row["latitude"] = _text(coords[0]), _text(coords[1])
            row["_line"], row["_raw"] = str(line), text
            rows.append(row)
            if len(rows) >= BATCH_ROWS:
                yield Batch("events", _events(ctx, self._frame(rows)))
                rows = []
        if rows:
            yield Batch("events", _events(ctx, self._frame(rows)))

    @staticmethod
    def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, dtype=object).fillna("")
        for c in REQUIRED:
            if c not in frame.columns:
                frame[c] = ""
        frame["_line"] = frame["_line"].astype(int)
        return frame

    @staticmethod
    def _features(ctx: ParseContext) -> Iterator[tuple[int, str, Any]]:
        """Each feature with the line it starts on and its text. A feature that is not valid
        JSON is quarantined up to the next feature start, and reading goes on from there."""
        with open_text(ctx.path) as f:
            text = f.read()
        m = _FEATURES.search(text)
        if m is None or '"FeatureCollection"' not in text[:m.start()]:
            raise SourceAbort(ctx.file, "not a GeoJSON FeatureCollection (no features array)")
        decoder = json.JSONDecoder()
        pos, line = m.end(), 1 + text.count("\n", 0, m.end())
        while True:
            gap = _BETWEEN.match(text, pos)
            end = gap.end() if gap else pos
            line, pos = line + text.count("\n", pos, end), end
            if pos >= len(text):
                ctx.warn(f"{ctx.file}: the features array is not closed (truncated file?)")
                return
            if text[pos] == "]":
                # Only the collection's other members may follow; a feature after the end of
                # the array (a stray "]") would otherwise be skipped without a word.
                stray = _FEATURE_START.search(text, pos + 1)
                if stray is not None:
                    ctx.reject(line + text.count("\n", pos, stray.start()),
                               text[stray.start():].strip(),
                               "features after the end of the features array")
                return
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                nxt = _FEATURE_START.search(text, pos + 1)
                stop = nxt.start() if nxt else len(text)
                ctx.reject(line, text[pos:stop].strip(), f"malformed JSON: {exc.msg}")
                line, pos = line + text.count("\n", pos, stop), stop
                if nxt is None:
                    return
                continue
            yield line, text[pos:end], obj
            line, pos = line + text.count("\n", pos, end), end


ADAPTERS = [UcdpGedCsv, UcdpGedApiCsv, UcdpGedGeoJson]
