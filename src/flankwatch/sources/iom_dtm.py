"""IOM Displacement Tracking Matrix (DTM): arrivals to Europe, migrant stock in Libya and flow
monitoring in West and Central Africa (the tables of IOM's gdidata package).

* ``t,geo,n`` and ``t,geo,nat,n``: monthly arrivals to Europe ("Mixed Migration Flows to
  Europe"), metric ``arrivals``; the country totals carry ``nationality='ALL'``. ``geo`` keeps
  DTM's split of Spain, ``ESP-WAAR`` (Canary Islands) and ``ESP-WMR`` (the rest).
* ``t,round,admin1,admin2,admin3,nat,n``: migrant stock in Libya per municipality, metric
  ``migrant_stock``, category ``round <n>``; ``...,arrival,n``: the same stock by time of
  arrival, metric ``migrant_stock_by_arrival_time``, category = the arrival band.
* ``t,fmp_country,fmp,from,to,n,n_conflict,...`` (gzip): daily individuals at flow monitoring
  points, metric ``flow_monitoring_individuals`` (``n``, route = ``FROM>TO``) and
  ``flow_monitoring_individuals_by_reason`` (``n_<reason>``, category = the reason; stored only
  when not zero, because four in five reason cells are zeros).

Negative counts occur in the published tables (DTM balances "unknown" residuals so that the
parts add up to a total); a negative number of people is not an observation, so they are
quarantined with the reason, where they can be inspected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from flankwatch.model.country import to_iso3
from flankwatch.model.period import strict_day, strict_month
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    ids_for,
    read_csv_raw,
)
from flankwatch.sources.checks import Check, changed_originals, counts, first_reason, resolve

SOURCE = "iom_dtm"
ARRIVALS = "arrivals"
STOCK = "migrant_stock"
STOCK_BY_ARRIVAL = "migrant_stock_by_arrival_time"
FMP = "flow_monitoring_individuals"
FMP_REASON = "flow_monitoring_individuals_by_reason"
ARRIVAL_BANDS = ("<1 month ago", "1-6 months ago", "6-12 months ago", "12+ months ago",
                 "unknown")
FMP_COLUMNS = ("t", "fmp_country", "fmp", "from", "to", "n", "n_conflict", "n_economic",
               "n_seasonal", "n_disaster")
#: The most rows one batch holds (the flow monitoring file yields 5 figures per row).
BATCH_ROWS = 500_000

_OUT = ["id", "line", "original", "metric", "period_start", "precision", "value", "unit",
        "route", "nationality", "country", "area", "category"]
_META = dict(
    source=SOURCE,
    publisher="International Organization for Migration (IOM), Displacement Tracking Matrix",
    licence="IOM DTM terms: reuse with attribution to IOM DTM (check the terms of each "
    "dataset before redistributing)",
    tables=("observations",),
)











def _country(code: str) -> str | None:
    return to_iso3(code)






def _finish(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame["id"] = ids_for(SOURCE, frame, key)
    frame["unit"] = "persons"
    for c in _OUT:
        if c not in frame.columns:
            frame[c] = None
    return frame[_OUT].reset_index(drop=True)


def _count_checks(raw: pd.DataFrame, col: str) -> list[Check]:
    raw["value"], blank = counts(raw[col])
    return [
        (blank, "count is blank", None),
        (raw["value"].isna(), "count is not a number", raw[col]),
        (raw["value"] < 0, "negative count (a balancing residual in DTM's table: a number "
         "of people cannot be negative)", raw[col]),
    ]


class _EuropeArrivals(Adapter):
    """Monthly arrivals to Europe; subclasses say whether there is a nationality column."""

    COLUMNS: tuple[str, ...] = ()

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == self.COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=list(self.COLUMNS))
        by_nat = "nat" in self.COLUMNS
        raw["period_start"] = resolve(raw["t"], strict_month)
        raw["country"] = resolve(raw["geo"], _country)
        raw["nationality"] = resolve(raw["nat"], _country) if by_nat else "ALL"
        checks: list[Check] = [
            (raw["period_start"].isna(), "t is not a month (YYYY-MM)", raw["t"]),
            (raw["country"].isna(), "unknown country", raw["geo"]),
        ]
        if by_nat:
            checks.append((raw["nationality"].isna(), "unknown nationality", raw["nat"]))
        reason = first_reason(raw.index, checks + _count_checks(raw, "n"))
        ctx.reject_rows(raw, reason != "", reason)
        good = raw.loc[reason == ""].rename(columns={"_line": "line"})
        good["metric"] = ARRIVALS
        good["precision"] = "month"
        good["original"] = changed_originals(good, {"geo": ("geo", "country")} | (
            {"nat": ("nat", "nationality")} if by_nat else {}))
        yield Batch("observations", _finish(
            good, ["metric", "country", "nationality", "period_start"]))


_EUROPE = dict(
    cadence="monthly",
    url="https://dtm.iom.int/europe/arrivals",
    count_assertions={"observations": (1, 200_000)},
    **_META,
)


class DtmEuropeArrivalsByCountry(_EuropeArrivals):
    COLUMNS = ("t", "geo", "n")
    meta = SourceMeta(
        name="iom_dtm_europe_arrivals_by_country",
        title="IOM DTM Europe: monthly arrivals by country of arrival",
        formats=("csv: t,geo,n",),
        **_EUROPE,  # type: ignore[arg-type]
    )


class DtmEuropeArrivalsByNationality(_EuropeArrivals):
    COLUMNS = ("t", "geo", "nat", "n")
    meta = SourceMeta(
        name="iom_dtm_europe_arrivals_by_nationality",
        title="IOM DTM Europe: monthly arrivals by country of arrival and nationality",
        formats=("csv: t,geo,nat,n",),
        **_EUROPE,  # type: ignore[arg-type]
    )


class _LibyaStock(Adapter):
    """DTM Libya mobility tracking: migrant stock per municipality and round."""

    BREAKDOWN = ""  # "nat" or "arrival"

    @property
    def columns(self) -> tuple[str, ...]:
        return ("t", "round", "admin1", "admin2", "admin3", self.BREAKDOWN, "n")

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == self.columns else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=list(self.columns))
        for c in self.columns[:-1]:
            raw[c] = resolve(raw[c], str.strip)  # few distinct values: strip each once
        raw["period_start"] = resolve(raw["t"], strict_month)
        admin = raw[["admin1", "admin2", "admin3"]]
        checks: list[Check] = [
            (raw["period_start"].isna(), "t is not a month (YYYY-MM)", raw["t"]),
            (~raw["round"].str.fullmatch(r"\d{1,4}"), "round is not a number", raw["round"]),
            ((admin == "").any(axis=1) | admin.apply(lambda s: s.str.contains("/")).any(axis=1),
             "admin1/admin2/admin3 must all be given, without '/'",
             raw["admin1"] + "/" + raw["admin2"] + "/" + raw["admin3"]),
        ]
        if self.BREAKDOWN == "nat":
            raw["nationality"] = resolve(raw["nat"], _country)
            raw["original"] = changed_originals(raw, {"nat": ("nat", "nationality")})
            checks.append((raw["nationality"].isna(), "unknown nationality", raw["nat"]))
        else:
            checks.append((~raw["arrival"].isin(ARRIVAL_BANDS), "unknown arrival-time band",
                           raw["arrival"]))
        reason = first_reason(raw.index, checks + _count_checks(raw, "n"))
        ctx.reject_rows(raw, reason != "", reason)
        good = raw.loc[reason == ""].rename(columns={"_line": "line"})
        good["area"] = good["admin1"] + "/" + good["admin2"] + "/" + good["admin3"]
        good["country"] = "LBY"
        good["precision"] = "month"
        good["_round"] = good["round"].astype(int).astype(str)
        if self.BREAKDOWN == "nat":
            good["metric"] = STOCK
            good["category"] = "round " + good["_round"]
            key = ["metric", "area", "nationality", "_round", "period_start"]
        else:
            # The arrival band is the category analysts filter on; the round is implied by
            # the month (DTM runs one round a month at most) but still keys the id.
            good["metric"] = STOCK_BY_ARRIVAL
            good["category"] = good["arrival"]
            key = ["metric", "area", "category", "_round", "period_start"]
        yield Batch("observations", _finish(good, key))


_LIBYA = dict(
    cadence="irregular (one mobility-tracking round every one to three months)",
    url="https://dtm.iom.int/libya",
    count_assertions={"observations": (1, 500_000)},
    **_META,
)


class DtmLibyaStockByNationality(_LibyaStock):
    BREAKDOWN = "nat"
    meta = SourceMeta(
        name="iom_dtm_libya_stock_by_nationality",
        title="IOM DTM Libya: migrant stock by municipality, nationality and round",
        formats=("csv: t,round,admin1,admin2,admin3,nat,n",),
        **_LIBYA,  # type: ignore[arg-type]
    )


class DtmLibyaStockByArrival(_LibyaStock):
    BREAKDOWN = "arrival"
    meta = SourceMeta(
        name="iom_dtm_libya_stock_by_arrival_time",
        title="IOM DTM Libya: migrant stock by municipality, time of arrival and round",
        formats=("csv: t,round,admin1,admin2,admin3,arrival,n",),
        **_LIBYA,  # type: ignore[arg-type]
    )


class DtmFlowMonitoringDaily(Adapter):
    """Daily flow monitoring point counts (West and Central Africa), gzip or plain."""

    meta = SourceMeta(
        name="iom_dtm_fmp_daily_flows",
        title="IOM DTM West and Central Africa: daily individuals at flow monitoring points, "
        "with travel reasons",
        cadence="monthly (daily figures)",
        url="https://dtm.iom.int/west-and-central-africa",
        formats=("csv or csv.gz: " + ",".join(FMP_COLUMNS),),
        count_assertions={"observations": (1, 5_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == FMP_COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=list(FMP_COLUMNS))
        for c in ("t", "fmp_country", "fmp", "from", "to"):
            raw[c] = resolve(raw[c], str.strip)
        raw["period_start"] = resolve(raw["t"], strict_day)
        raw["country"] = resolve(raw["fmp_country"], _country)
        raw["_from"] = origin = resolve(raw["from"], _country)
        raw["_to"] = dest = resolve(raw["to"], _country)
        reason = first_reason(raw.index, [
            (raw["period_start"].isna(), "t is not a date (YYYY-MM-DD)", raw["t"]),
            (raw["country"].isna(), "unknown country of the flow monitoring point",
             raw["fmp_country"]),
            (origin.isna(), "unknown origin country", raw["from"]),
            (dest.isna(), "unknown destination country", raw["to"]),
        ])
        ctx.reject_rows(raw, reason != "", reason)
        keep = reason == ""
        rows = raw.loc[keep].rename(columns={"_line": "line"})
        rows["route"] = [f"{o}>{d}" for o, d in zip(origin[keep], dest[keep], strict=True)]
        # DTM left the point's name blank for some Mali and Niger rows (early 2023): the count
        # is still the country's, so it is kept with no area rather than dropped.
        rows["area"] = rows["fmp"].where(rows["fmp"] != "", None)
        rows["original"] = changed_originals(rows, {"from": ("from", "_from"), "to": ("to", "_to"),
                                             "fmp_country": ("fmp_country", "country")})
        rows["precision"] = "day"
        # The parts of the id every measure of a row shares, hashed once per record below
        rows["_key"] = [f"{c}|{a}|{r}|{d}" for c, a, r, d in zip(
            rows["country"], rows["area"], rows["route"], rows["period_start"], strict=True)]
        for col in FMP_COLUMNS[5:]:
            # One batch per measure keeps each batch under BATCH_ROWS for files up to that
            # many rows; bigger files are cut further below.
            part = rows[["line", "_raw", "original", "period_start", "precision", "country",
                         "area", "route", "_key", col]]
            part = part.rename(columns={col: "_n"})
            part["value"], blank = counts(part["_n"])
            bad = ~blank & (part["value"].isna() | (part["value"] < 0))
            if bad.any():
                part.loc[bad, "_raw"] = [f"{r} [column {col}: {n!r}]" for r, n in zip(
                    part.loc[bad, "_raw"], part.loc[bad, "_n"], strict=True)]
                ctx.reject_rows(part.rename(columns={"line": "_line"}), bad, pd.Series(
                    ["negative count" if v < 0 else "count is not a number"
                     for v in part["value"]], index=part.index))
            # A blank measure cell is "no figure": not a record. The reason columns are sparse
            # flags (80 % zeros): a zero reason count is not a record either, so a reason
            # record exists where at least one person gave that reason, and its absence next
            # to an ``n`` record means zero. ``n`` itself is kept even when it is zero.
            sparse = (part["value"] == 0) if col != "n" else pd.Series(False, index=part.index)
            part = part.loc[~blank & ~bad & ~sparse].copy()
            if col == "n":
                part["metric"], part["category"] = FMP, None
            else:
                part["metric"], part["category"] = FMP_REASON, col.removeprefix("n_")
            for start in range(0, len(part), BATCH_ROWS):
                chunk = part.iloc[start:start + BATCH_ROWS].copy()
                yield Batch("observations", _finish(chunk, ["metric", "category", "_key"]))


ADAPTERS = [DtmEuropeArrivalsByCountry, DtmEuropeArrivalsByNationality,
            DtmLibyaStockByNationality, DtmLibyaStockByArrival, DtmFlowMonitoringDaily]
