"""Eurostat asylum applicants (``migr_asyappctzm``, ``migr_asyappctza`` and relatives).

Three layouts land in ``observations``:

* the label-wide CSV that extracts and dashboards pass around: optional ``CITIZEN`` column,
  a ``GEO`` column of English country names and one column per period (``Y2015M01``,
  ``2012M01``, ``2015``); an empty cell or ``:`` means "no figure" (not a record);
* the long annual first-time table of IOM's gdidata package (``geo,t,nat,sex,n``, ISO-3);
* Eurostat's own TSV download (``freq,unit,citizen,sex,applicant,age,geo\\TIME_PERIOD`` then one
  tab-separated column per period, values such as ``1 234 p`` or ``: c``).

A figure has the same id whatever layout it comes from (metric, receiving country, citizenship,
category, period and precision), so the same number ingested from a TSV and from a CSV extract
is stored once. Names are resolved with :func:`to_iso3` plus the Eurostat label map below;
a name that neither resolves is quarantined with the name in the reason, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.period import month_start, parse_month, strict_year
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    first_line,
    header_fields,
    ids_for,
    read_csv_raw,
)
from flankwatch.sources.checks import first_reason, resolve

SOURCE = "eurostat"
APPLICANTS = "asylum_applicants"
FIRST_TIME = "asylum_applicants_first_time"
SUBSEQUENT = "asylum_applicants_subsequent"

#: Eurostat's ``applicant`` (older datasets: ``asyl_app``) codes -> metric.
APPLICANT_METRICS = {"ASY_APP": APPLICANTS, "NASY_APP": FIRST_TIME, "SUBS_APP": SUBSEQUENT}
SEXES = {"T": None, "TOTAL": None, "M": "male", "F": "female", "UNK": "unknown",
         "male": "male", "female": "female", "unknown": "unknown", "total": None}

#: Eurostat geo/citizen codes that are not ISO 3166 alpha-2, and the aggregates. ``TOTAL``
#: means "all citizenships" in ``citizen`` and "all reporting countries" in ``geo``.
EUROSTAT_CODES = {
    "EL": "GRC", "UK": "GBR", "XK": "XKX",
    "EU27_2020": "EU27", "EU28": "EU28",
    "EXT_EU27_2020": "EXT_EU27", "EXT_EU28": "EXT_EU28",
    "STLS": "STL", "UNK": "OOO", "RNC": "RNC",
}
#: English labels in extracts that :func:`to_iso3` does not resolve (keys are lower-cased,
#: spaces collapsed). Aggregates get the pseudo-codes of model/country.py or the ones above.
EUROSTAT_NAMES = {
    "czech rep.": "CZE", "uk": "GBR", "uae": "ARE", "car": "CAF", "dominican rep.": "DOM",
    "bih": "BIH", "china (including hong kong)": "CHN",
    "european union (28 countries)": "EU28", "european union (27 countries)": "EU27",
    "european union - 27 countries (from 2020)": "EU27",
    "european union - 28 countries (2013-2020)": "EU28",
    "extra-eu28 (2013-2020)": "EXT_EU28", "extra-eu27 (from 2020)": "EXT_EU27",
    "recognised non-citizens": "RNC",
}

_META = dict(
    source=SOURCE,
    publisher="Eurostat (European Commission)",
    licence="CC BY 4.0 (Commission Decision 2011/833/EU reuse policy)",
    tables=("observations",),
)
_OUT = ["id", "line", "original", "metric", "period_start", "precision", "value", "unit",
        "nationality", "country", "category"]
_VALUE = r"^(?P<num>-?\d[\d ]*(?:\.\d+)?)\s*(?P<flags>[a-z]*)$"
_MISSING = re.compile(r"^:\s*[a-z]*$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


def period_of(label: str) -> tuple[date, str]:
    """A Eurostat period label -> (first day, precision): ``2021-01``/``2015M01``/``Y2015M01``
    (month), ``2021-Q1`` (quarter), ``2021`` (year)."""
    text = label.strip().upper()
    if re.fullmatch(r"\d{4}", text):
        return month_start(int(text), 1), "year"
    q = _QUARTER.match(text)
    if q:
        return month_start(int(q.group(1)), 3 * int(q.group(2)) - 2), "quarter"
    return parse_month(text), "month"


def _is_period(label: str) -> bool:
    try:
        period_of(label)
    except ValueError:
        return False
    return True


def name_to_code(name: str, *, citizen: bool) -> str | None:
    """A Eurostat English label -> ISO-3 or pseudo-code; ``None`` when unknown."""
    folded = " ".join(name.lower().split())
    if folded == "total":
        return "ALL" if citizen else "TOT"
    return EUROSTAT_NAMES.get(folded) or to_iso3(folded) or to_iso3(name)


def code_to_iso3(code: str, *, citizen: bool) -> str | None:
    """A Eurostat geo/citizen code (mostly ISO alpha-2) -> ISO-3 or pseudo-code."""
    c = code.strip()
    if c == "TOTAL":
        return "ALL" if citizen else "TOT"
    if c in EUROSTAT_CODES:
        return EUROSTAT_CODES[c]
    return to_iso3(c) if len(c) == 2 and c.isalpha() else None


def parse_values(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Eurostat cells -> (value, no-figure mask, junk mask). ``1 234 p`` is 1234 (flag p),
    ``:`` and ``: c`` (confidential) and blanks are "no figure"."""
    text = raw.fillna("").astype(str)
    # Most cells are plain numbers: convert them at C speed, use the regex on the rest only.
    try:
        value = text.astype(float)
    except ValueError:
        value = pd.to_numeric(text.str.strip(), errors="coerce").astype(float)
    rest = value.isna()
    missing = pd.Series(False, index=text.index)
    if rest.any():
        odd = text[rest].str.strip()
        missing[rest] = ((odd == "") | odd.str.match(_MISSING.pattern)).to_numpy(dtype=bool)
        parts = odd.str.extract(_VALUE)
        value[rest] = pd.to_numeric(parts["num"].str.replace(" ", "", regex=False),
                                    errors="coerce").astype(float)
    junk = value.isna() & ~missing
    # "inf", "1e400" and "nan" are numbers to pandas, not counts to Eurostat
    junk |= ~missing & ~value.isna() & ~value.abs().lt(float("inf"))
    value[junk] = float("nan")
    return value, missing, junk








def _originals(frame: pd.DataFrame, fields: dict[str, str]) -> list[str | None]:
    """JSON of the raw values (``fields``: stored field -> raw column) that differ from what
    was stored (a raw ``None`` means "nothing to keep"); ``None`` when nothing changed."""
    diff = {f: (frame[c].notna() & (frame[c] != frame[f])).to_numpy()
            for f, c in fields.items()}
    raws = {f: frame[c].to_numpy() for f, c in fields.items()}
    out: list[str | None] = [None] * len(frame)
    for i in np.flatnonzero(np.logical_or.reduce(list(diff.values()))):
        out[i] = json.dumps({f: raws[f][i] for f in fields if diff[f][i]}, ensure_ascii=False)
    return out




def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _finish(frame: pd.DataFrame, original: list[str | None]) -> pd.DataFrame:
    frame["id"] = ids_for(SOURCE, frame, ["metric", "country", "nationality", "category",
                                          "period_start", "precision"])
    frame["unit"] = "persons"
    frame["original"] = original
    return frame[_OUT].reset_index(drop=True)


def _melt_periods(ctx: ParseContext, wide: pd.DataFrame, id_vars: list[str],
                  periods: dict[str, tuple[date, str]]) -> pd.DataFrame:
    """Wide period columns -> one row per figure. Blank and ``:`` cells are no figure; junk
    and negative cells are quarantined with the column named."""
    long = wide.melt(id_vars=id_vars, value_vars=list(periods), var_name="_col",
                     value_name="_cell")
    long["value"], missing, junk = parse_values(long["_cell"])
    negative = long["value"] < 0
    bad = (junk | negative) & ~missing
    if bad.any():
        long.loc[bad, "_raw"] = [f"{r} [column {c}: {v!r}]" for r, c, v in
                                 zip(long.loc[bad, "_raw"], long.loc[bad, "_col"],
                                     long.loc[bad, "_cell"], strict=True)]
        ctx.reject_rows(long, bad, pd.Series(
            ["negative count" if n else "count is not a number" for n in negative],
            index=long.index))
    long = long.loc[~missing & ~bad].copy()
    long["period_start"] = [periods[c][0] for c in long["_col"]]
    long["precision"] = [periods[c][1] for c in long["_col"]]
    return long.rename(columns={"_line": "line"})


class EurostatWideLabels(Adapter):
    """English-label wide extracts: ``[CITIZEN,]GEO,<period>,<period>...``."""

    meta = SourceMeta(
        name="eurostat_asylum_wide_labels_csv",
        title="Eurostat asylum applicants, wide CSV extract with English labels",
        cadence="monthly",
        url="https://ec.europa.eu/eurostat/databrowser/view/migr_asyappctzm/default/table",
        formats=("csv: CITIZEN,GEO,Y2015M01,...", "csv: GEO,2012M01,..."),
        count_assertions={"observations": (1, 2_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        fields = header_fields(head)
        labels = 2 if fields[:2] == ["citizen", "geo"] else 1 if fields[:1] == ["geo"] else 0
        periods = fields[labels:]
        if labels and periods and all(_is_period(f) for f in periods):
            return 90
        return 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        wide = read_csv_raw(ctx)
        cols = [c for c in wide.columns if not c.startswith("_")]
        labels = [c for c in cols if c.upper() in ("CITIZEN", "GEO")]
        if not labels or labels[-1].upper() != "GEO" or cols[:len(labels)] != labels:
            raise SourceAbort(ctx.file, f"header is not [CITIZEN,]GEO,<periods>: {cols[:3]}",
                              line=1)
        periods: dict[str, tuple[date, str]] = {}
        for c in cols[len(labels):]:
            try:
                periods[c] = period_of(c)
            except ValueError as exc:
                raise SourceAbort(ctx.file, f"column {c!r} is not a period", line=1) from exc
        geo_col = labels[-1]
        cit_col = labels[0] if len(labels) == 2 else None
        wide["_geo"] = resolve(wide[geo_col], str.strip)
        wide["country"] = resolve(wide["_geo"], lambda v: name_to_code(v, citizen=False))
        if cit_col is not None:
            wide["_cit"] = resolve(wide[cit_col], str.strip)
            wide["nationality"] = resolve(wide["_cit"],
                                           lambda v: name_to_code(v, citizen=True))
        else:  # a GEO-only extract counts all citizenships together
            wide["_cit"], wide["nationality"] = "ALL", "ALL"
        reason = first_reason(wide.index, [
            (wide["country"].isna(),
             "unknown country name in GEO", wide["_geo"]),
            (wide["nationality"].isna(),
             "unknown citizenship name in CITIZEN", wide["_cit"]),
        ])
        ctx.reject_rows(wide, reason != "", reason)
        wide = wide.loc[reason == ""]
        long = _melt_periods(ctx, wide, ["_line", "_raw", "_geo", "_cit", "country",
                                         "nationality"], periods)
        long["metric"] = APPLICANTS
        long["category"] = None
        yield Batch("observations", _finish(long, _originals(
            long, {"country": "_geo", "nationality": "_cit"})))


class EurostatFirstTimeAnnual(Adapter):
    """IOM gdidata's ``eu_asyapp``: first-time applicants per year, ISO-3, by sex."""

    meta = SourceMeta(
        name="eurostat_asylum_first_time_annual_long",
        title="Eurostat first-time asylum applicants, annual, by country, citizenship and sex "
        "(long layout of IOM gdidata)",
        cadence="annual",
        url="https://ec.europa.eu/eurostat/databrowser/view/migr_asyappctza/default/table",
        formats=("csv: geo,t,nat,sex,n",),
        count_assertions={"observations": (1, 500_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == ["geo", "t", "nat", "sex", "n"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["geo", "t", "nat", "sex", "n"])
        for c in ("geo", "t", "nat", "sex"):
            raw[c] = resolve(raw[c], str.strip)  # few distinct values: strip each once
        raw["country"] = resolve(raw["geo"], lambda v: code_or_name(v, citizen=False))
        raw["nationality"] = resolve(raw["nat"], lambda v: code_or_name(v, citizen=True))
        year = resolve(raw["t"], strict_year)
        raw["value"], missing, junk = parse_values(raw["n"])
        reason = first_reason(raw.index, [
            (raw["country"].isna(), "unknown reporting country", raw["geo"]),
            (raw["nationality"].isna(), "unknown citizenship", raw["nat"]),
            (year.isna(), "year is not a year", raw["t"]),
            (~raw["sex"].isin(list(SEXES)), "unknown sex", raw["sex"]),
            (missing, "count is blank", None),
            (junk, "count is not a number", raw["n"]),
            (raw["value"] < 0, "negative count", None),
        ])
        keep = (reason == "").to_numpy()
        ctx.reject_rows(raw, ~keep, reason)
        good = raw.loc[keep].rename(columns={"_line": "line"})
        good["period_start"] = year[keep]
        good["precision"] = "year"
        good["metric"] = FIRST_TIME
        good["category"] = good["sex"].map(SEXES)
        yield Batch("observations", _finish(good, _originals(
            good, {"country": "geo", "nationality": "nat"})))


def code_or_name(value: str, *, citizen: bool) -> str | None:
    """ISO-3 and pseudo-codes pass; anything else is tried as a Eurostat code, then a label."""
    return (to_iso3(value) if len(value) == 3 else None) \
        or code_to_iso3(value, citizen=citizen) or name_to_code(value, citizen=citizen)


class EurostatTsv(Adapter):
    """Eurostat's own TSV (bulk download / SDMX API ``format=TSV``)."""

    meta = SourceMeta(
        name="eurostat_asylum_tsv",
        title="Eurostat asylum applicants, Eurostat TSV download (migr_asyappctzm, "
        "migr_asyappctza, migr_asyappctzq)",
        cadence="monthly",
        url="https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctzm"
        "?format=TSV",
        formats=("tsv: freq,unit,citizen,sex,applicant,age,geo\\TIME_PERIOD<TAB>2021-01 ...",),
        count_assertions={"observations": (1, 20_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    KNOWN_DIMENSIONS = ("freq", "unit", "citizen", "sex", "applicant", "asyl_app", "age", "geo")

    @staticmethod
    def _dimensions(head: str) -> list[str] | None:
        line = first_line(head)
        key = line.split("\t", 1)[0]
        if "\t" not in line or "\\" not in key:
            return None
        return [d.strip().lower() for d in key.split("\\", 1)[0].split(",")]

    def sniff(self, path: Path, head: str) -> int:
        dims = self._dimensions(head)
        if not dims or not {"citizen", "geo"} <= set(dims):
            return 0
        return 90 if {"applicant", "asyl_app"} & set(dims) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        wide = read_csv_raw(ctx, delimiter="\t")
        cols = [c for c in wide.columns if not c.startswith("_")]
        key_col = cols[0]
        dims = [d.strip().lower() for d in key_col.split("\\", 1)[0].split(",")]
        unknown = [d for d in dims if d not in self.KNOWN_DIMENSIONS]
        if "\\" not in key_col or unknown or not {"citizen", "geo"} <= set(dims) \
                or not {"applicant", "asyl_app"} & set(dims):
            raise SourceAbort(ctx.file, f"not an asylum-applicants TSV key {key_col!r}"
                              + (f" (unknown dimension(s) {unknown})" if unknown else ""),
                              line=1)
        periods: dict[str, tuple[date, str]] = {}
        for c in cols[1:]:
            try:
                periods[c] = period_of(c)
            except ValueError as exc:
                raise SourceAbort(ctx.file, f"column {c!r} is not a period", line=1) from exc
        parts = wide[key_col].str.split(",")
        width_ok = parts.str.len() == len(dims)
        for i, d in enumerate(dims):
            wide[f"_d_{d}"] = parts.str[i].fillna("").str.strip()
        app = wide["_d_applicant"] if "applicant" in dims else wide["_d_asyl_app"]
        wide["metric"] = app.map(APPLICANT_METRICS)
        wide["country"] = resolve(wide["_d_geo"], lambda v: code_to_iso3(v, citizen=False))
        wide["nationality"] = resolve(wide["_d_citizen"],
                                       lambda v: code_to_iso3(v, citizen=True))
        sex = wide["_d_sex"] if "sex" in dims else pd.Series("T", index=wide.index)
        age = wide["_d_age"] if "age" in dims else pd.Series("TOTAL", index=wide.index)
        unit = wide["_d_unit"] if "unit" in dims else pd.Series("PER", index=wide.index)
        reason = first_reason(wide.index, [
            (~width_ok, f"series key does not have the {len(dims)} codes the header names",
             None),
            (wide["metric"].isna(), "unknown applicant type", app),
            (unit != "PER", "unit is not persons (PER)", unit),
            (wide["country"].isna(), "unknown geo code", wide["_d_geo"]),
            (wide["nationality"].isna(),
             "unknown citizen code", wide["_d_citizen"]),
            (~sex.isin(list(SEXES)), "unknown sex code", sex),
            (age == "", "empty age code", None),
        ])
        ctx.reject_rows(wide, reason != "", reason)
        keep = reason == ""
        wide = wide.loc[keep].copy()
        parts_cat = [[p for p in (SEXES.get(s), None if a == "TOTAL" else f"age {a}") if p]
                     for s, a in zip(sex[keep], age[keep], strict=True)]
        wide["category"] = [", ".join(p) if p else None for p in parts_cat]
        wide["_geo"], wide["_cit"] = wide["_d_geo"], wide["_d_citizen"]
        long = _melt_periods(ctx, wide, ["_line", "_raw", "_geo", "_cit", "metric", "country",
                                         "nationality", "category"], periods)
        # Keep the published text of a value only when it carried flags ("1 234 p"): the
        # flag (p provisional, e estimated, ...) is information the float cannot hold.
        cell = long["_cell"].str.strip()
        long["_vraw"] = [c if c != _plain(v) else None
                         for c, v in zip(cell, long["value"], strict=True)]
        yield Batch("observations", _finish(long, _originals(
            long, {"country": "_geo", "nationality": "_cit", "value": "_vraw"})))


ADAPTERS = [EurostatWideLabels, EurostatFirstTimeAnnual, EurostatTsv]
