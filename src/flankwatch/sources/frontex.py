"""Frontex monthly detections of irregular border crossings (IBC).

Frontex publishes an xlsx ("Monthly detections of IBC", sheet ``Detections_of_IBC``) with one
row per route x border type x nationality and one column per month (``JAN2009`` ...). The long
layout (``route,type,nat,t,n``) is the same data, one row per non-zero month. Both land in
``observations`` with metric ``irregular_border_crossings``; a cell of the wide layout and a
row of the long layout with the same route, border type, nationality and month get the same
id, so ingesting both layouts stores the data once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import is_known, to_iso3
from flankwatch.model.period import parse_month
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    ids_for,
    read_csv_raw,
    to_number,
)

SOURCE = "frontex"
METRIC = "irregular_border_crossings"
ROUTES = (
    "Central Mediterranean Route",
    "Eastern Mediterranean Route",
    "Western Mediterranean Route",
    "Western African Route",
    "Western Balkan Route",
    "Eastern Borders Route",
    "Circular Route from Albania to Greece",
    "Black Sea Route",
    "Other",
)
BORDER_TYPES = {"sea": "Sea", "land": "Land"}

_META = dict(
    source=SOURCE,
    publisher="Frontex, the European Border and Coast Guard Agency",
    licence="Reproduction is authorised provided the source (Frontex) is acknowledged",
    cadence="monthly (mid-month, for the month before)",
    url="https://www.frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/migratory-map/",
    tables=("observations",),
)


def _key_columns(frame: pd.DataFrame, ctx: ParseContext, route: str, btype: str,
                 nat: str) -> pd.Series:
    """Normalise route, border type and nationality in place; return the mask of bad rows
    (and quarantine them)."""
    frame["route"] = frame[route].str.strip()
    frame["border_type"] = frame[btype].str.strip().str.lower().map(BORDER_TYPES)
    raw_nat = frame[nat].str.strip()
    frame["nationality"] = [to_iso3(v) if not is_known(v) else v for v in raw_nat]
    frame["_nat_raw"] = raw_nat
    bad = pd.Series(False, index=frame.index)
    reasons = pd.Series("", index=frame.index)
    for mask, why in (
        (frame["route"] == "", "empty route"),
        (frame["border_type"].isna(), "border type is neither Sea nor Land"),
        (frame["nationality"].isna(), "unknown nationality"),
    ):
        new = mask & ~bad
        reasons[new] = [f"{why}: {v!r}" if why == "unknown nationality" else why
                        for v in raw_nat[new]]
        bad |= mask
    ctx.reject_rows(frame, bad, reasons)
    return bad


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame["id"] = ids_for(SOURCE, frame, ["route", "border_type", "nationality", "period_start"])
    frame["metric"] = METRIC
    frame["precision"] = "month"
    frame["unit"] = "persons"
    frame["original"] = [
        None if r == n else f'{{"nationality": "{r}"}}'
        for r, n in zip(frame["_nat_raw"].str.replace('"', "'"), frame["nationality"],
                        strict=True)
    ]
    return frame[["id", "line", "original", "metric", "period_start", "precision", "value",
                  "unit", "route", "border_type", "nationality"]]


class FrontexLong(Adapter):
    meta = SourceMeta(
        name="frontex_ibc_long",
        title="Frontex monthly detections of irregular border crossings (long layout)",
        formats=("csv: route,type,nat,t,n",),
        count_assertions={"observations": (1, 200_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head)[:5] == ["route", "type", "nat", "t", "n"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["route", "type", "nat", "t", "n"])
        bad = _key_columns(raw, ctx, "route", "type", "nat")
        good = raw.loc[~bad].copy()
        periods: list[object] = []
        problems: list[str] = []
        for t in good["t"]:
            try:
                periods.append(parse_month(t))
                problems.append("")
            except ValueError as exc:
                periods.append(None)
                problems.append(str(exc))
        good["period_start"] = periods
        good["value"] = to_number(good["n"])
        reason = pd.Series(problems, index=good.index)
        reason[(reason == "") & good["value"].isna()] = "count is not a number"
        reason[(reason == "") & (good["value"] < 0)] = "negative count"
        bad2 = reason != ""
        ctx.reject_rows(good, bad2, reason)
        good = good.loc[~bad2].rename(columns={"_line": "line"})
        yield Batch("observations", _finish(good))


class FrontexWide(Adapter):
    meta = SourceMeta(
        name="frontex_ibc_wide",
        title="Frontex monthly detections of irregular border crossings (official wide "
        "layout, xlsx or CSV)",
        formats=("xlsx: sheet Detections_of_IBC", "csv: Route,Border type or inland,"
                 "Nationality,JAN2009,..."),
        count_assertions={"observations": (1, 500_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        if head.startswith("PK"):
            return 80 if path.suffix.lower() in (".xlsx", ".xlsm") and "IBC" in path.name \
                else 0
        fields = header_fields(head)
        if fields[:3] == ["route", "border type or inland", "nationality"]:
            return 90
        return 0

    def _read(self, ctx: ParseContext) -> pd.DataFrame:
        if ctx.path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                sheets = pd.read_excel(ctx.path, sheet_name=None, dtype=str, engine="openpyxl")
            except Exception as exc:  # openpyxl raises many types on a damaged workbook
                raise SourceAbort(ctx.file, f"not a readable xlsx workbook ({exc})") from exc
            name = next((n for n in sheets if "ibc" in n.lower()), next(iter(sheets), None))
            if name is None:
                raise SourceAbort(ctx.file, "the workbook has no sheet")
            frame = sheets[name].fillna("")
            frame["_line"] = range(2, len(frame) + 2)  # spreadsheet row numbers
            frame["_raw"] = frame.drop(columns="_line").astype(str).agg(",".join, axis=1)
            return frame
        return read_csv_raw(ctx)

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        wide = self._read(ctx)
        cols = list(wide.columns)
        if len(cols) < 5 or [c.strip().lower() for c in cols[:3]] != [
            "route", "border type or inland", "nationality"
        ]:
            raise SourceAbort(ctx.file, "header is not Route, Border type or inland, "
                              f"Nationality, <months>: {cols[:4]}")
        months: dict[str, object] = {}
        for c in cols[3:]:
            if c.startswith("_"):
                continue
            try:
                months[c] = parse_month(c)
            except ValueError as exc:
                raise SourceAbort(ctx.file, f"column {c!r} is not a month", line=1) from exc
        bad = _key_columns(wide, ctx, cols[0], cols[1], cols[2])
        wide = wide.loc[~bad]
        long = wide.melt(
            id_vars=["_line", "_raw", "route", "border_type", "nationality", "_nat_raw"],
            value_vars=list(months), var_name="_month", value_name="_n",
        )
        long["period_start"] = long["_month"].map(months)
        long["value"] = to_number(long["_n"])
        empty = long["_n"].astype(str).str.strip().isin(["", "nan"])
        junk = long["value"].isna() & ~empty
        long.loc[junk, "_raw"] = [
            f"{r} [column {m}: {n!r}]" for r, m, n in
            zip(long.loc[junk, "_raw"], long.loc[junk, "_month"], long.loc[junk, "_n"],
                strict=True)
        ]
        ctx.reject_rows(long, junk, "count is not a number")
        # An empty cell is "no figure", not a record: it is neither read nor stored.
        long = long.loc[~junk & ~empty].rename(columns={"_line": "line"})
        yield Batch("observations", _finish(long))


ADAPTERS = [FrontexLong, FrontexWide]
