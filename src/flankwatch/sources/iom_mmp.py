"""IOM Missing Migrants Project (MMP): incidents in which migrants died or went missing.

Two layouts:

* ``iom_mmp_tidy_csv``: IOM's own tidy layout from its ``gdidata`` R package (``t, m, type,
  route, geo, dead, cause, surv, nat, location, lon, lat``), 2014 onward. It has no incident
  id.
* ``iom_mmp_global_csv``: the MMP site's original export (``Web ID``, ``Reported Date`` such as
  "December 30, 2019", ``Total Dead and Missing``, ``Location Coordinates`` "lat, lon",
  ``Migration Route`` ...), as in the widely used 2014-2019 copy.

Every incident becomes one ``events`` row of kind ``migrant_death`` with the dead and missing in
``fatalities_best``. The id is the IOM Web ID where the file has one; otherwise the incident's
natural key (date, route, location, lon, lat, dead and missing). IOM lists separate incidents
with identical keys (bodies found the same day at the same place are separate records), so the
n-th repeat of a key within a file gets ``n`` added to its key: collapsing them would undercount
deaths.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.geo import h3_cell
from flankwatch.model.identity import record_id
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    read_csv_raw,
)
from flankwatch.sources.checks import Reasons, strict_numbers

SOURCE = "iom_mmp"
KIND = "migrant_death"

#: Route names of the original export -> the names IOM uses since (and in the tidy layout), so
#: one route filter finds both. Other routes are kept as published.
ROUTE_NAMES = {
    "Central Mediterranean": "Central Mediterranean Route",
    "Western Mediterranean": "Western Mediterranean Route",
    "Eastern Mediterranean": "Eastern Mediterranean Route",
    "Western African": "Western African Atlantic Route",
}

EVENT_COLUMNS = ["id", "line", "original", "kind", "subkind", "time_start", "time_precision",
                 "lon", "lat", "h3", "country", "location", "fatalities_best", "survivors",
                 "route", "source_record_id", "attrs"]

_META: dict[str, Any] = dict(
    source=SOURCE,
    publisher="International Organization for Migration (IOM), Missing Migrants Project",
    licence="Free to use with attribution to IOM's Missing Migrants Project",
    cadence="continuous (incidents are added and revised as they are reported)",
    tables=("events",),
)


# ---------------------------------------------------------------------------------------------
# Column helpers.




def _texts(values: pd.Series) -> list[str | None]:
    return [v.strip() or None for v in values]




def _required_count(r: Reasons, raw: pd.Series, name: str) -> pd.Series:
    """The dead and missing: without a usable count the incident is quarantined."""
    values, junk = strict_numbers(raw)
    r.add(junk | values.isna() | (values < 0), f"{name} is not a count", raw)
    return values


def _optional_count(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A secondary count (survivors, women, children ...): (values, mask of cells that were
    not a count). An incident is not thrown away over such a cell (its dead and missing are
    still good): the cell is stored as unknown and its text kept in ``original``."""
    values, junk = strict_numbers(raw)
    bad = junk | (values < 0)
    return values.where(~bad), bad


def _with_originals(base: list[dict[str, str]] | None, index: pd.Index, raw: pd.DataFrame,
                    bad: dict[str, pd.Series]) -> list[str | None]:
    """``original`` JSON for the rows ``index``: the ``base`` entries (normalised values, or
    nothing) plus the raw text of each unusable optional count."""
    out: list[str | None] = []
    masks = {c: m.loc[index].to_numpy() for c, m in bad.items()}
    cells = {c: raw.loc[index, c].tolist() for c in bad}
    for i in range(len(index)):
        o = dict(base[i]) if base else {}
        for c, m in masks.items():
            if m[i]:
                o[c] = cells[c][i]
        out.append(json.dumps(o, ensure_ascii=False) if o else None)
    return out


def _ids(frame: pd.DataFrame) -> list[str]:
    """Web ID where present, else the natural key plus the repeat number within the file."""
    date = frame["time_start"].dt.strftime("%Y-%m-%d")
    key = pd.DataFrame({
        "date": date, "route": frame["route"], "location": frame["location"],
        "lon": frame["lon"], "lat": frame["lat"], "dead": frame["fatalities_best"],
    })
    repeat = key.fillna("\x00").groupby(list(key.columns), sort=False).cumcount()
    out = []
    rows = zip(frame["source_record_id"], date, key["route"], key["location"], key["lon"],
               key["lat"], key["dead"], repeat, strict=True)
    for web, d, route, loc, lon, lat, dead, n in rows:
        if web:
            out.append(record_id(SOURCE, "web_id", web))
            continue
        parts: list[object] = [d, route, loc, None if lon != lon else lon,
                               None if lat != lat else lat, dead]
        if n:
            parts.append(int(n))
        out.append(record_id(SOURCE, *parts))
    return out


def _finish(frame: pd.DataFrame, attrs: list[str]) -> pd.DataFrame:
    """The columns both layouts share, from ``time_start, lon, lat, route, location,
    fatalities_best, source_record_id`` already in ``frame``."""
    frame["kind"] = KIND
    frame["time_precision"] = "day"
    points = frame["lon"].to_numpy(dtype=float) + 1j * frame["lat"].to_numpy(dtype=float)
    codes, uniques = pd.factorize(points, use_na_sentinel=False)
    cells = np.array([h3_cell(z.real, z.imag) for z in uniques] + [None], dtype=object)
    frame["h3"] = cells[codes].tolist() if len(frame) else []
    frame["attrs"] = attrs
    frame["id"] = _ids(frame)
    return frame[EVENT_COLUMNS].reset_index(drop=True)


def _attrs(columns: dict[str, list[Any]]) -> list[str]:
    keys = list(columns)
    return [json.dumps(dict(zip(keys, vals, strict=True)), ensure_ascii=False)
            for vals in zip(*columns.values(), strict=True)]


def _ints(values: pd.Series) -> list[int | None]:
    return [None if v != v else int(v) for v in values]


# ---------------------------------------------------------------------------------------------
# The tidy layout (gdidata).


class IomMmpTidy(Adapter):
    meta = SourceMeta(
        name="iom_mmp_tidy_csv",
        title="IOM Missing Migrants Project incidents (IOM gdidata tidy layout)",
        url="https://github.com/iom/gdidata",
        formats=("csv: t,m,type,route,geo,dead,cause,surv,nat,location,lon,lat",),
        # The complete 2014-2025 table holds about 20,000 incidents.
        count_assertions={"events": (5_000, 100_000)},
        **_META,
    )
    _needed = frozenset({"t", "route", "geo", "dead", "cause", "location", "lon", "lat"})

    def sniff(self, path: Path, head: str) -> int:
        return 90 if self._needed <= set(header_fields(head)) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        # Positional index: the mapping aligns columns by index and must not depend on the
        # reader's.
        raw = read_csv_raw(ctx, expected=sorted(self._needed)).reset_index(drop=True)
        for c in ("type", "surv", "nat"):
            if c not in raw:
                raw[c] = ""
        r = Reasons(raw.index)
        day = pd.to_datetime(raw["t"].str.strip(), format="%Y-%m-%d", errors="coerce",
                             utc=True)
        r.add(day.isna(), "t is not a date (YYYY-MM-DD)", raw["t"])
        dead = _required_count(r, raw["dead"], "dead (dead and missing)")
        surv, surv_bad = _optional_count(raw["surv"])
        lon, lon_junk = strict_numbers(raw["lon"])
        lat, lat_junk = strict_numbers(raw["lat"])
        off = lon_junk | lat_junk | (lon.isna() != lat.isna()) | (lat.abs() > 90) | \
            (lon.abs() > 180)
        r.add(off, "lon/lat not numbers or off the globe (lon, lat)", raw["lon"], raw["lat"])
        geo = raw["geo"].str.strip()
        iso = _per_distinct(lambda g: to_iso3(g) if g else None, geo)
        r.add(iso.isna() & (geo != ""), "unknown country code (geo)", geo)
        ctx.reject_rows(raw, r.bad, r.reason)

        good = ~r.bad
        g = raw.loc[good]
        out = pd.DataFrame(index=g.index)
        out["line"] = g["_line"].astype(int)
        out["original"] = _with_originals(None, g.index, raw, {"surv": surv_bad})
        out["subkind"] = _texts(g["cause"])
        out["time_start"] = day[good]
        out["lon"], out["lat"] = lon[good], lat[good]
        out["country"] = iso[good]
        out["location"] = _texts(g["location"])
        out["fatalities_best"] = dead[good]
        out["survivors"] = surv[good]
        out["route"] = _texts(g["route"])
        out["source_record_id"] = None
        attrs = _attrs({
            "incident_type": _texts(g["type"]),
            "nationalities": [[n.strip() for n in v.split(",") if n.strip()] or None
                              for v in g["nat"]],
        })
        yield Batch("events", _finish(out, attrs))


def _per_distinct(fn: Callable[[str], str | None], values: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(values)
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# The original MMP export.

_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*$")
#: Column names of IOM's current download -> the 2019 export's names.
_CURRENT_COLUMNS = {
    "Incident ID": "Web ID",
    "Incident Date": "Reported Date",
    "Total Number of Dead and Missing": "Total Dead and Missing",
    "Coordinates": "Location Coordinates",
    "Migration route": "Migration Route",
    "Number of Dead": "Number Dead",
    "Location of death": "Location Description",
}
_CURRENT_NAMES = {k.lower(): v.lower() for k, v in _CURRENT_COLUMNS.items()}

_GLOBAL_INTS = {
    "number_dead": "Number Dead",
    "minimum_missing": "Minimum Estimated Number of Missing",
    "females": "Number of Females",
    "males": "Number of Males",
    "children": "Number of Children",
    "source_quality": "Source Quality",
}
_GLOBAL_TEXTS = {
    "region": "Region of Incident",
    "unsd_grouping": "UNSD Geographical Grouping",
    "information_source": "Information Source",
    "url": "URL",
}


def _reported_dates(raw: pd.Series) -> pd.Series:
    """"December 30, 2019" (the export's spelling); "Dec 30, 2019" and ISO dates too."""
    text = raw.str.strip()
    out = pd.to_datetime(text, format="%B %d, %Y", errors="coerce", utc=True)
    for fmt in ("%b %d, %Y", "%Y-%m-%d"):
        missing = out.isna()
        if missing.any():
            out[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce", utc=True)
    return out


class IomMmpGlobal(Adapter):
    meta = SourceMeta(
        name="iom_mmp_global_csv",
        title="IOM Missing Migrants Project incidents (original MMP export)",
        url="https://missingmigrants.iom.int/downloads",
        formats=('csv: "Web ID","Region of Incident","Reported Date",...,"Total Dead and '
                 'Missing",...,"Location Coordinates","Migration Route",...',),
        count_assertions={"events": (1_000, 100_000)},
        **_META,
    )
    _needed = ("Web ID", "Reported Date", "Total Dead and Missing", "Location Coordinates")

    def sniff(self, path: Path, head: str) -> int:
        fields = {_CURRENT_NAMES.get(f, f) for f in header_fields(head)}
        return 90 if all(c.lower() in fields for c in self._needed) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx).reset_index(drop=True)
        # IOM's current download names the same columns differently: read it as the 2019
        # export (the name map is documented in docs/sources/iom_mmp.md).
        raw = raw.rename(columns={c: _CURRENT_COLUMNS[c] for c in raw.columns
                                  if c in _CURRENT_COLUMNS and _CURRENT_COLUMNS[c] not in raw})
        missing = [c for c in self._needed if c not in raw]
        if missing:
            raise SourceAbort(ctx.file, f"header lacks column(s) {missing}", line=1)
        for c in ("Number of Survivors", "Migration Route", "Cause of Death",
                  "Location Description", *_GLOBAL_INTS.values(), *_GLOBAL_TEXTS.values()):
            if c not in raw:
                raw[c] = ""
        r = Reasons(raw.index)
        day = _reported_dates(raw["Reported Date"])
        r.add(day.isna(), "Reported Date is not a date like 'December 30, 2019'",
              raw["Reported Date"])
        dead = _required_count(r, raw["Total Dead and Missing"], "Total Dead and Missing")
        surv, surv_bad = _optional_count(raw["Number of Survivors"])
        optional = {c: _optional_count(raw[c]) for c in _GLOBAL_INTS.values()}
        coords = raw["Location Coordinates"].str.extract(_COORDS).astype(float)
        lat, lon = coords[0], coords[1]
        blank = raw["Location Coordinates"].str.strip() == ""
        r.add(lat.isna() & ~blank, "Location Coordinates is not 'lat, lon'",
              raw["Location Coordinates"])
        r.add((lat.abs() > 90) | (lon.abs() > 180), "Location Coordinates off the globe",
              raw["Location Coordinates"])
        ctx.reject_rows(raw, r.bad, r.reason)

        good = ~r.bad
        g = raw.loc[good]
        out = pd.DataFrame(index=g.index)
        out["line"] = g["_line"].astype(int)
        route = _texts(g["Migration Route"])
        out["route"] = [ROUTE_NAMES.get(x, x) if x else None for x in route]
        renamed = [
            {"Reported Date": d.strip(), "Migration Route": x} if x in ROUTE_NAMES
            else {"Reported Date": d.strip()}
            for d, x in zip(g["Reported Date"], route, strict=True)
        ]
        out["original"] = _with_originals(
            renamed, g.index, raw, {"Number of Survivors": surv_bad,
                                    **{c: bad for c, (_, bad) in optional.items()}})
        out["subkind"] = _texts(g["Cause of Death"])
        out["time_start"] = day[good]
        out["lon"], out["lat"] = lon[good], lat[good]
        out["country"] = None  # the export names regions, not countries: see the docs
        out["location"] = _texts(g["Location Description"])
        out["fatalities_best"] = dead[good]
        out["survivors"] = surv[good]
        out["source_record_id"] = _texts(g["Web ID"])
        attrs = _attrs({
            **{k: _texts(g[c]) for k, c in _GLOBAL_TEXTS.items()},
            **{k: _ints(optional[c][0][good]) for k, c in _GLOBAL_INTS.items()},
        })
        yield Batch("events", _finish(out, attrs))


ADAPTERS = [IomMmpTidy, IomMmpGlobal]
