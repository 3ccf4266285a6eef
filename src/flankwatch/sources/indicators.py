"""Annual country indicators that give context to the event and flow sources.

Four publishers, each in the tidy long layout of IOM's gdidata R package (``geo`` = ISO-3,
``t`` = year):

* World Bank World Development Indicators (plus UN WPP population and the WGI political
  stability estimate): ``geo,var,t,v`` -> ``observations`` metric ``wdi_<var>``;
* the Fund for Peace Fragile States Index: ``geo,t,rank,total,code,indicator,v`` -> metric
  ``fsi_<code>`` per sub-indicator, plus ``fsi_total`` and ``fsi_rank`` once per
  country-year;
* IDMC's Global Internal Displacement Database, new displacements by cause:
  ``geo,t,cause,n`` -> metric ``idp_new_displacements``, ``category`` = cause;
* gdidata's country table (ISO-2/ISO-3/M49, names, regions, flags) -> ``codes`` scheme
  ``iso3166``.

Country codes that are neither ISO 3166-1 alpha-3 nor a pseudo-code FlankWatch documents
(:mod:`flankwatch.model.country`) are quarantined with the code in the reason, never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from flankwatch.model.country import is_known, to_iso3
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    blank,
    header_fields,
    ids_for,
    read_csv_raw,
)
from flankwatch.sources.checks import note

BATCH_ROWS = 500_000
GDIDATA = "https://github.com/iom/gdidata"

#: WDI variables of the gdidata extract: (meaning, unit, publisher's indicator code).
WDI_VARS: dict[str, tuple[str, str, str]] = {
    "birth": ("crude birth rate", "births per 1,000 population", "SP.DYN.CBRT.IN"),
    "depend": ("age dependency ratio", "dependents per 100 working-age persons",
               "SP.POP.DPND"),
    "fdiin": ("foreign direct investment, net inflows", "current USD", "BX.KLT.DINV.CD.WD"),
    "fdiout": ("foreign direct investment, net outflows", "current USD", "BM.KLT.DINV.CD.WD"),
    "gdp": ("GDP", "current USD", "NY.GDP.MKTP.CD"),
    "income": ("GDP per capita, PPP", "constant 2021 international USD per person",
               "NY.GDP.PCAP.PP.KD"),
    "inf": ("inflation, consumer prices", "percent per year", "FP.CPI.TOTL.ZG"),
    "nmig": ("net migration", "persons", "SM.POP.NETM"),
    "polstb": ("political stability and absence of violence/terrorism (WGI estimate)",
               "standard deviations (about -2.5 to 2.5)", "PV.EST"),
    "pop": ("population, mid-year (UN World Population Prospects 2024)", "persons",
            "SP.POP.TOTL"),
    "remin": ("personal remittances, received", "current USD", "BX.TRF.PWKR.CD.DT"),
    "remout": ("personal remittances, paid", "current USD", "BM.TRF.PWKR.CD.DT"),
    "unem": ("unemployment, total", "percent of labour force", "SL.UEM.TOTL.ZS"),
}
_WDI_API_CODES = ";".join(v[2] for k, v in WDI_VARS.items() if k not in ("polstb",))

#: FSI sub-indicators: code -> name as the Fund for Peace writes it (lower case in gdidata).
FSI_CODES: dict[str, str] = {
    "C1": "security apparatus", "C2": "factionalized elites", "C3": "group grievance",
    "E1": "economy", "E2": "economic inequality", "E3": "human flight and brain drain",
    "P1": "state legitimacy", "P2": "public services", "P3": "human rights",
    "S1": "demographic pressures", "S2": "refugees and idps", "X1": "external intervention",
}
FSI_CHANGE = "Change from Previous Year"  # a published row: the total's change, 2019-2020




def _years(values: pd.Series, reasons: pd.Series) -> pd.Series:
    """Years as 1 January dates (precision "year"); bad years get a reason."""
    lookup: dict[object, date | None] = {}
    for v in pd.unique(values):
        text = str(v).strip()
        ok = len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2200
        lookup[v] = date(int(text), 1, 1) if ok else None
    periods = values.map(lookup).astype(object)
    note(reasons, periods.isna(), "year {!r} is not a year", values)
    return periods


def _countries(values: pd.Series, reasons: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO-3 codes (pseudo-codes kept) and the JSON original where the code was rewritten."""
    codes: dict[object, str | None] = {}
    originals: dict[object, str | None] = {}
    for v in pd.unique(values):
        text = str(v).strip()
        codes[v] = text if is_known(text) else to_iso3(text)
        originals[v] = None if codes[v] in (None, v) else json.dumps({"country": str(v)},
                                                                      ensure_ascii=False)
    country = values.map(codes).astype(object)
    note(reasons, country.isna(), "unknown country code {!r} (neither ISO 3166-1 alpha-3 nor "
          "a documented pseudo-code)", values)
    return country, values.map(originals).astype(object)


def _values(text: pd.Series, what: str, reasons: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers of a value column; returns (values, blank mask). Junk gets a reason; blank
    cells are "no figure" and the caller decides what that means."""
    num = pd.to_numeric(text, errors="coerce").astype(float)
    empty = pd.Series(False, index=text.index, dtype=bool)
    retry = num.isna()
    if retry.any():  # the slow path only for cells the fast parse did not take
        raw = text[retry].astype(str).str.strip()
        gap = blank(raw).to_numpy(dtype=bool)
        empty[retry] = gap
        num[retry] = pd.to_numeric(raw.where(~gap, None), errors="coerce").to_numpy(float)
    junk = ~empty & (num.isna() | ~np.isfinite(num.fillna(0)))
    note(reasons, junk, what + " {!r} is not a number", text)
    return num, empty


def _observations(source: str, frame: pd.DataFrame, key: list[str]) -> Iterator[Batch]:
    """Finish an observations frame (columns already named as the table's) in batches."""
    frame = frame.copy()
    frame["id"] = ids_for(source, frame, key)
    frame["precision"] = "year"
    cols = ["id", "line", "original", "metric", "period_start", "precision", "value", "unit",
            "country", "category"]
    out = frame[[c for c in cols if c in frame.columns]]
    for start in range(0, len(out), BATCH_ROWS):
        yield Batch("observations", out.iloc[start:start + BATCH_ROWS])


class WorldBankWdi(Adapter):
    """World Bank WDI country-year values, one row per country, variable and year."""

    meta = SourceMeta(
        name="worldbank_wdi_long",
        source="worldbank_wdi",
        title="World Bank World Development Indicators (selected), with UN WPP population and "
        "the WGI political stability estimate",
        publisher="The World Bank (WDI, WGI); UN DESA Population Division (WPP)",
        licence="CC BY 4.0 (WDI, WGI); CC BY 3.0 IGO (UN WPP)",
        cadence="annual (WDI updates several times a year)",
        url="https://api.worldbank.org/v2/country/all/indicator/"
        f"{_WDI_API_CODES}?source=2&format=json&per_page=20000",
        formats=("csv: geo,var,t,v",),
        tables=("observations",),
        count_assertions={"observations": (10_000, 500_000)},
        notes="polstb comes from the WGI (World Bank source 3, PV.EST) and pop from UN WPP.",
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == ["geo", "var", "t", "v"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["geo", "var", "t", "v"])
        reasons = pd.Series("", index=raw.index, dtype=object)
        var = raw["var"].str.strip().str.lower()
        note(reasons, ~var.isin(list(WDI_VARS)), "unknown WDI variable {!r}", raw["var"])
        raw["country"], raw["original"] = _countries(raw["geo"], reasons)
        raw["period_start"] = _years(raw["t"], reasons)
        raw["value"], empty = _values(raw["v"], "value", reasons)
        note(reasons, empty, "the value is blank")
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad].rename(columns={"_line": "line"})
        good["metric"] = "wdi_" + var.loc[good.index]
        good["unit"] = var.loc[good.index].map({k: v[1] for k, v in WDI_VARS.items()})
        yield from _observations("worldbank_wdi", good, ["metric", "country", "period_start"])


class FragileStatesIndex(Adapter):
    """Fund for Peace Fragile States Index: one row per country, year and sub-indicator, with
    the year's total and rank repeated on every row."""

    meta = SourceMeta(
        name="fsi_long",
        source="fsi",
        title="Fragile States Index (total, rank and the 12 sub-indicators)",
        publisher="The Fund for Peace",
        licence="Free for non-commercial use with attribution; commercial use needs the Fund "
        "for Peace's permission",
        cadence="annual",
        url="https://fragilestatesindex.org/excel/",
        formats=("csv: geo,t,rank,total,code,indicator,v",),
        tables=("observations",),
        count_assertions={"observations": (10_000, 200_000)},
        notes="read counts every file row plus one fsi_total and one fsi_rank per country-year",
    )

    def sniff(self, path: Path, head: str) -> int:
        fields = header_fields(head)
        return 90 if fields == ["geo", "t", "rank", "total", "code", "indicator", "v"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["geo", "t", "rank", "total", "code", "v"])
        reasons = pd.Series("", index=raw.index, dtype=object)
        code = raw["code"].str.strip()
        indicator = raw["indicator"].str.strip().str.lower() if "indicator" in raw.columns \
            else pd.Series("", index=raw.index)
        known = code.isin(list(FSI_CODES)) | (code == FSI_CHANGE)
        note(reasons, ~known, "unknown FSI indicator code {!r}", code)
        expected = code.map(FSI_CODES).fillna("")
        clash = known & (code != FSI_CHANGE) & (indicator != "") & (indicator != expected)
        note(reasons, clash, "indicator {!r} does not match code {} ({!r})", indicator, code,
              expected)
        raw["country"], raw["original"] = _countries(raw["geo"], reasons)
        raw["period_start"] = _years(raw["t"], reasons)
        raw["value"], empty = _values(raw["v"], "value", reasons)
        note(reasons, empty, "the value is blank")
        score = code != FSI_CHANGE
        note(reasons, score & ~raw["value"].between(0, 10), "score outside 0-10")
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad].rename(columns={"_line": "line"})
        sub = code.loc[good.index]
        good["metric"] = np.where(sub == FSI_CHANGE, "fsi_total_change",
                                  "fsi_" + sub.str.lower())
        good["unit"] = np.where(sub == FSI_CHANGE, "score points", "score (0-10)")
        yield from _observations("fsi", good, ["metric", "country", "period_start"])
        # A bad sub-indicator row still carries a good total and rank: every row with a known
        # country and year counts towards them.
        keyed = raw.loc[raw["country"].notna() & raw["period_start"].notna()]
        yield from _observations("fsi", self._per_year(ctx, keyed.rename(
            columns={"_line": "line"})), ["metric", "country", "period_start"])

    def _per_year(self, ctx: ParseContext, good: pd.DataFrame) -> pd.DataFrame:
        """One fsi_total and one fsi_rank per country-year.

        The file repeats both on each of the year's rows: a year whose rows disagree is
        quarantined; a blank rank (an unranked country, e.g. South Sudan in 2012) is no figure.
        """
        out: list[pd.DataFrame] = []
        blanks: list[str] = []
        for column, metric, unit, low, high in (("total", "fsi_total", "score (0-120)", 0, 120),
                                                ("rank", "fsi_rank", "rank", 1, 1_000)):
            groups = pd.DataFrame({"country": good["country"], "period_start":
                                   good["period_start"], "line": good["line"],
                                   "text": good[column].astype(str).str.strip(),
                                   "original": good["original"], "raw": good["_raw"]})
            agg = groups.groupby(["country", "period_start"], sort=False).agg(
                line=("line", "min"), values=("text", lambda s: sorted(set(s))),
                original=("original", "first"), raw=("raw", "first"),
            ).reset_index()
            reasons = pd.Series("", index=agg.index, dtype=object)
            single = agg["values"].map(len) == 1
            note(reasons, ~single, column + " differs between the rows of {} {}: {}",
                  agg["country"], agg["period_start"].map(lambda p: p.year),
                  agg["values"].map(", ".join))
            first = agg["values"].map(lambda v: v[0])
            value, empty = _values(first, column, reasons)
            note(reasons, single & ~empty & ~value.between(low, high),
                  f"{column} outside {low}-{high}")
            blanks += [f"{c} {p.year}" for c, p in zip(agg.loc[empty & single, "country"],
                                                       agg.loc[empty & single, "period_start"],
                                                       strict=True)]
            agg["_line"], agg["_raw"] = agg["line"], agg["raw"]
            ctx.reject_rows(agg, reasons != "", reasons)
            keep = (reasons == "") & ~empty
            part = agg.loc[keep, ["line", "original", "country", "period_start"]].copy()
            part["metric"], part["unit"], part["value"] = metric, unit, value.loc[keep]
            out.append(part)
        if blanks:
            ctx.warn(f"{ctx.path.name}: blank total or rank (no figure) for "
                     f"{', '.join(blanks[:10])}{' ...' if len(blanks) > 10 else ''}")
        return pd.concat(out, ignore_index=True)


class IdmcFlows(Adapter):
    """IDMC GIDD new internal displacements per country, year and cause."""

    meta = SourceMeta(
        name="idmc_gidd_flows",
        source="idmc",
        title="IDMC Global Internal Displacement Database: new displacements by cause",
        publisher="Internal Displacement Monitoring Centre (IDMC)",
        licence="Free for non-commercial use with attribution (IDMC terms); check before "
        "redistributing",
        cadence="annual (GRID report, May)",
        url="https://www.internal-displacement.org/database/displacement-data/",
        formats=("csv: geo,t,cause,n",),
        tables=("observations",),
        count_assertions={"observations": (1_000, 100_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == ["geo", "t", "cause", "n"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["geo", "t", "cause", "n"])
        reasons = pd.Series("", index=raw.index, dtype=object)
        raw["category"] = raw["cause"].str.strip().str.lower()
        note(reasons, raw["category"] == "", "the cause is blank")
        raw["country"], raw["original"] = _countries(raw["geo"], reasons)
        raw["period_start"] = _years(raw["t"], reasons)
        raw["value"], empty = _values(raw["n"], "count", reasons)
        note(reasons, empty, "the count is blank")
        note(reasons, raw["value"] < 0, "negative count")
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad].rename(columns={"_line": "line"})
        good["metric"] = "idp_new_displacements"
        good["unit"] = "displacements"
        yield from _observations("idmc", good, ["metric", "country", "category", "period_start"])


_COUNTRY_HEADER = ["m49", "iso2", "iso3", "name"]
_FLAGS = ("with_the", "ldc", "lldc", "sids", "eu", "schengen", "balkans", "snapshot")
_NUMBERS = ("m49", "region_code", "subregion_code", "intregion_code")


def _attr(column: str, text: str) -> object:
    """An attribute as JSON wants it: R wrote codes and flags as floats ("4.0")."""
    if text == "" or (text == "NA" and column != "iso2"):  # "NA" is Namibia's ISO-2 code
        return None
    if column in _FLAGS or column in _NUMBERS:
        try:
            number = float(text)
        except ValueError:
            return text
        if not np.isfinite(number):  # JSON has no NaN or infinity
            return text
        return int(number) if number.is_integer() else number
    return text


class GdiCountryNames(Adapter):
    """gdidata's country table: ISO codes, names, UN and IOM regions, group flags."""

    meta = SourceMeta(
        name="gdi_countrynames",
        source="gdi_countrynames",
        title="Country names, ISO-2/ISO-3/M49 codes, UN and IOM regions (IOM gdidata)",
        publisher="IOM Global Data Institute (gdidata R package), from UN M49 and ISO 3166",
        licence="MIT (gdidata)",
        cadence="irregular",
        url=GDIDATA,
        formats=("csv: m49,iso2,iso3,name,name_sort,name_text,with_the,region_code,...",),
        tables=("codes",),
        count_assertions={"codes": (200, 400)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head)[:4] == _COUNTRY_HEADER else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["iso3", "name"])
        reasons = pd.Series("", index=raw.index, dtype=object)
        code = raw["iso3"].str.strip()
        note(reasons, ~code.map(is_known), "unknown country code {!r} (neither ISO 3166-1 "
              "alpha-3 nor a documented pseudo-code)", code)
        note(reasons, raw["name"].str.strip() == "", "the country has no name")
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad]
        others = [c for c in raw.columns if c not in ("iso3", "name") and not c.startswith("_")]
        attrs = [json.dumps({c: _attr(c, v.strip()) for c, v in zip(others, row, strict=True)},
                            ensure_ascii=False)
                 for row in zip(*(good[c] for c in others), strict=True)]
        frame = pd.DataFrame({
            "scheme": "iso3166",
            "code": code.loc[good.index].to_numpy(),
            "label": good["name"].str.strip().to_numpy(),
            "attrs": attrs,
            "line": good["_line"].to_numpy(),
        })
        frame["id"] = ids_for("gdi_countrynames", frame, ["scheme", "code"])
        yield Batch("codes", frame)


ADAPTERS = [WorldBankWdi, FragileStatesIndex, IdmcFlows, GdiCountryNames]
