"""UNHCR: Refugee Data Finder stocks and the Mediterranean situation portal extracts.

* ``geo,t,from,group,n`` (IOM gdidata's copy of the Refugee Data Finder): people forcibly
  displaced at the end of year ``t`` by country of asylum and origin, one row per population
  group. Metric ``forcibly_displaced``, precision ``year`` (period_start = 1 January of ``t``; the
  value is the end-of-year stock), category = the population group.
* ``month,year,month-year,italy_all,greece_sea,...`` (data2.unhcr.org "Mediterranean situation"
  monthly arrivals): one record per reported cell, metric ``arrivals``, border type from the
  column suffix (``_sea`` Sea, ``_land`` Land, ``_all`` none: all arrivals). ``NA`` is no figure.
* ``geomaster_name,...,individuals,...`` (sea arrivals by place of disembarkation per year):
  metric ``sea_arrivals``, precision ``year``, area = the place, lon/lat = UNHCR's centroid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.geo import h3_cell
from flankwatch.model.period import strict_year
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    ids_for,
    read_csv_raw,
)
from flankwatch.sources.checks import changed_originals, counts, first_reason, melt_counts, resolve

SOURCE = "unhcr"
DISPLACED = "forcibly_displaced"
ARRIVALS = "arrivals"
SEA_ARRIVALS = "sea_arrivals"

#: UNHCR codes outside ISO 3166 that the Refugee Data Finder uses for origins. Kept as
#: published (a pseudo-code), like the pseudo-codes of model/country.py.
UNHCR_CODES = {"TIB": "Tibetan"}
GROUPS = ("refugee", "asylum", "refugee return", "idp", "idp return", "stateless", "other")
BORDER_TYPES = {"all": None, "sea": "Sea", "land": "Land"}
MED_GROUP = "Mediterranean Sea Arrivals"

_MEDCOL = re.compile(r"^([a-z][a-z ]*)_(all|sea|land)$")
_OUT = ["id", "line", "original", "metric", "period_start", "precision", "value", "unit",
        "border_type", "nationality", "country", "area", "category", "lon", "lat", "h3"]
_META_RDF = dict(
    source=SOURCE,
    publisher="UNHCR, the UN Refugee Agency",
    licence="CC BY 4.0 (UNHCR Refugee Data Finder terms of use)",
    cadence="annual (mid-year and end-year releases)",
    url="https://www.unhcr.org/refugee-statistics/download/",
    tables=("observations",),
)
_META_MED = dict(
    source=SOURCE,
    publisher="UNHCR, Operational Data Portal (Mediterranean situation)",
    licence="CC BY 3.0 IGO (UNHCR Operational Data Portal)",
    cadence="weekly to monthly",
    url="https://data.unhcr.org/en/situations/mediterranean",
    tables=("observations",),
)








def unhcr_country(code: str) -> str | None:
    """ISO-3 (or a documented pseudo-code); UNHCR's own codes are kept as published."""
    c = code.strip()
    return c if c in UNHCR_CODES else to_iso3(c)








def _finish(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame["id"] = ids_for(SOURCE, frame, key)
    frame["unit"] = "persons"
    for c in _OUT:
        if c not in frame.columns:
            frame[c] = None
    return frame[_OUT].reset_index(drop=True)


class UnhcrDisplacedByOrigin(Adapter):
    """Refugee Data Finder year-end stocks, long layout ``geo,t,from,group,n``."""

    meta = SourceMeta(
        name="unhcr_forcibly_displaced_long",
        title="UNHCR forcibly displaced and stateless people by country of asylum, origin "
        "and year (Refugee Data Finder, long layout)",
        formats=("csv: geo,t,from,group,n",),
        count_assertions={"observations": (1, 1_000_000)},
        **_META_RDF,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == ["geo", "t", "from", "group", "n"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["geo", "t", "from", "group", "n"])
        for c in ("geo", "t", "from", "group"):
            raw[c] = resolve(raw[c], str.strip)  # few distinct values: strip each once
        raw["country"] = resolve(raw["geo"], unhcr_country)
        raw["nationality"] = resolve(raw["from"], unhcr_country)
        year = resolve(raw["t"], strict_year)
        raw["value"], blank = counts(raw["n"])
        reason = first_reason(raw.index, [
            (raw["country"].isna(), "unknown country of asylum", raw["geo"]),
            (raw["nationality"].isna(), "unknown country of origin", raw["from"]),
            (year.isna(), "year is not a year", raw["t"]),
            (~raw["group"].isin(GROUPS), "unknown population group", raw["group"]),
            (blank, "count is blank", None),
            (raw["value"].isna(), "count is not a number", raw["n"]),
            (raw["value"] < 0, "negative count", None),
        ])
        keep = (reason == "").to_numpy()
        ctx.reject_rows(raw, ~keep, reason)
        good = raw.loc[keep].rename(columns={"_line": "line"})
        good["period_start"] = year[keep]
        good["precision"] = "year"
        good["metric"] = DISPLACED
        good["category"] = good["group"]
        good["original"] = changed_originals(good, {"country": ("geo", "country"),
                                                    "nationality": ("from", "nationality")})
        yield Batch("observations", _finish(
            good, ["metric", "country", "nationality", "category", "period_start"]))


class UnhcrMedMonthlyArrivals(Adapter):
    """Mediterranean portal monthly arrivals, one column per country and border type."""

    meta = SourceMeta(
        name="unhcr_med_arrivals_monthly_wide",
        title="UNHCR Mediterranean situation: monthly sea and land arrivals by country "
        "(wide layout)",
        formats=("csv: month,year,month-year,<country>_<all|sea|land>,...",),
        count_assertions={"observations": (1, 100_000)},
        **_META_MED,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        fields = header_fields(head)
        if fields[:3] == ["month", "year", "month-year"] and len(fields) > 3 \
                and all(_MEDCOL.match(f) for f in fields[3:]):
            return 90
        return 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        wide = read_csv_raw(ctx, expected=["month", "year", "month-year"])
        measures: dict[str, tuple[str, str | None]] = {}
        for c in wide.columns:
            if c.startswith("_") or c in ("month", "year", "month-year"):
                continue
            m = _MEDCOL.match(c.lower())
            iso = to_iso3(m.group(1).replace("_", " ")) if m else None
            if m is None or iso is None:
                raise SourceAbort(ctx.file, f"column {c!r} is not <country>_<all|sea|land>",
                                  line=1)
            measures[c] = (iso, BORDER_TYPES[m.group(2)])
        month = pd.to_numeric(wide["month"].str.strip(), errors="coerce")
        year = pd.to_numeric(wide["year"].str.strip(), errors="coerce")
        ok = month.between(1, 12) & year.between(1900, 2200)
        start = pd.Series([date(int(y), int(m), 1) if o else None
                           for y, m, o in zip(year, month, ok, strict=True)], index=wide.index)
        label = pd.to_datetime(wide["month-year"].str.strip(), format="%b-%Y", errors="coerce")
        agrees = (label.dt.year == year) & (label.dt.month == month)
        reason = first_reason(wide.index, [
            (~ok, "month/year is not a month", wide["month"] + "/" + wide["year"]),
            (~agrees, "month-year label disagrees with month and year", wide["month-year"]),
        ])
        ctx.reject_rows(wide, reason != "", reason)
        wide = wide.loc[reason == ""].assign(period_start=start[reason == ""])
        # NA or blank: the portal did not report that country and border type that month
        long = melt_counts(ctx, wide, ["_line", "_raw", "period_start"], list(measures),
                           counts).rename(columns={"_line": "line"})
        long["country"] = long["_col"].map(lambda c: measures[c][0])
        long["border_type"] = long["_col"].map(lambda c: measures[c][1])
        long["metric"] = ARRIVALS
        long["precision"] = "month"
        long["original"] = None
        yield Batch("observations", _finish(
            long, ["metric", "country", "border_type", "period_start"]))


class UnhcrMedDisembarkation(Adapter):
    """Sea arrivals per year by place of disembarkation (island, province, country)."""

    COLUMNS = ("geomaster_name", "admin_level", "centroid_lon", "centroid_lat", "month", "year",
               "population_groups_concat", "individuals", "country_name", "last_update")
    meta = SourceMeta(
        name="unhcr_med_sea_arrivals_by_place_year",
        title="UNHCR Mediterranean situation: sea arrivals by place of disembarkation and "
        "year",
        formats=("csv: geomaster_name,admin_level,centroid_lon,centroid_lat,month,year,"
                 "population_groups_concat,individuals,country_name,last_update",),
        count_assertions={"observations": (1, 50_000)},
        **_META_MED,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == self.COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=self.COLUMNS)
        for c in self.COLUMNS:
            raw[c] = raw[c].str.strip()
        raw["country"] = resolve(raw["country_name"], to_iso3)
        lon = pd.to_numeric(raw["centroid_lon"], errors="coerce")
        lat = pd.to_numeric(raw["centroid_lat"], errors="coerce")
        month = pd.to_numeric(raw["month"].where(raw["month"].str.fullmatch(r"\d{1,2}")),
                              errors="coerce")
        year = pd.to_numeric(raw["year"].where(raw["year"].str.fullmatch(r"\d{4}")),
                             errors="coerce")
        raw["value"], blank = counts(raw["individuals"])
        reason = first_reason(raw.index, [
            (raw["geomaster_name"] == "", "empty place name", None),
            (raw["country"].isna(), "unknown country", raw["country_name"]),
            (~lon.between(-180, 180) | ~lat.between(-90, 90),
             "centroid is not a lon/lat pair", raw["centroid_lon"] + " " + raw["centroid_lat"]),
            (~month.between(1, 12), "month is not 1-12", raw["month"]),
            (~year.between(1900, 2200), "year is not a year", raw["year"]),
            (raw["population_groups_concat"] != MED_GROUP, "population group is not '"
             + MED_GROUP + "'", raw["population_groups_concat"]),
            (blank, "count is blank", None),
            (raw["value"].isna(), "count is not a number", raw["individuals"]),
            (raw["value"] < 0, "negative count", None),
        ])
        ctx.reject_rows(raw, reason != "", reason)
        keep = reason == ""
        good = raw.loc[keep].rename(columns={"_line": "line"})
        good["lon"], good["lat"] = lon[keep], lat[keep]
        good["h3"] = [h3_cell(x, y) for x, y in zip(good["lon"], good["lat"], strict=True)]
        good["period_start"] = [date(int(y), 1, 1) for y in year[keep]]
        # The figure is cumulative from January to ``month``: a year not complete when UNHCR
        # extracted it says so in the category, so nobody takes it for a full year.
        good["category"] = [None if m == 12 else f"months 1-{int(m)}" for m in month[keep]]
        good["area"] = good["geomaster_name"]
        good["metric"] = SEA_ARRIVALS
        good["border_type"] = "Sea"
        good["precision"] = "year"
        good["original"] = [json.dumps({"country": c}, ensure_ascii=False)
                            for c in good["country_name"]]
        yield Batch("observations", _finish(good, ["metric", "country", "area",
                                                   "period_start"]))


ADAPTERS = [UnhcrDisplacedByOrigin, UnhcrMedMonthlyArrivals, UnhcrMedDisembarkation]
