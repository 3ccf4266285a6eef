"""Series built from observation rows: the fixed long format ``unique_id, ds, y``
(statsforecast's) with ``to_series``, and the hierarchy of monthly (and daily) series surge
detection judges with ``build_series``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flankwatch.model.signal import SeriesKey

#: The dimensions that identify a series, in hierarchy order.
SERIES_KEYS = ("metric", "route", "border_type", "nationality", "country", "area", "category")


def to_series(frame: pd.DataFrame, by: Sequence[str] = SERIES_KEYS) -> pd.DataFrame:
    """Sum observations per series key and period. ``unique_id`` joins the key values with
    ``/`` (missing dimensions are left out of it); the key columns are kept beside it."""
    if frame.empty:
        return pd.DataFrame({"unique_id": pd.Series(dtype=str), "ds": pd.Series(dtype=str),
                             "y": pd.Series(dtype=float)})
    keys = [k for k in by if k in frame.columns and frame[k].notna().any()]
    work = frame.copy()
    for k in keys:
        work[k] = work[k].fillna("")
    grouped = work.groupby([*keys, "period_start"], sort=True)["value"].sum(min_count=1)
    out = grouped.reset_index().rename(columns={"period_start": "ds", "value": "y"})
    out["unique_id"] = out[keys].astype(str).agg(
        lambda r: "/".join(v for v in r if v), axis=1
    ) if keys else "all"
    return out[["unique_id", "ds", "y", *keys]]


# --- The series surge detection judges -------------------------------------------------------

#: Frontex detections of irregular border crossings.
IBC = "irregular_border_crossings"
#: Eurostat monthly asylum applicants.
ASYLUM = "asylum_applicants"
#: IOM DTM monthly arrivals by country.
ARRIVALS = "arrivals"
#: Italian Ministry of the Interior daily sea arrivals.
SEA_ARRIVALS = "sea_arrivals"
#: IOM Missing Migrants dead and missing (built from ``migrant_death`` events).
DEAD_AND_MISSING = "dead_and_missing"

#: A route x border type x nationality series is kept when its total over the whole span is
#: at least this many detections (the nationality's series is too sparse to judge below it).
MIN_NATIONALITY_TOTAL = 1000.0

_METRICS = (IBC, ASYLUM, ARRIVALS, SEA_ARRIVALS)
_OBS_KEY = ("metric", "source", "precision", "route", "border_type", "nationality", "country",
            "area", "category", "period_start")


def build_series(observations: pd.DataFrame, events: pd.DataFrame | None = None, *,
                 min_nationality_total: float = MIN_NATIONALITY_TOTAL
                 ) -> dict[SeriesKey, pd.Series]:
    """Every series surge detection judges, by ``SeriesKey``; each a float ``pd.Series`` on
    a regular ``DatetimeIndex`` (month starts, or days), oldest first.

    * Frontex IBC: the total over all routes, each route, each route x border type and each
      route x border type x nationality with at least ``min_nationality_total`` detections
      in all; months Frontex omits (zero months) are 0 from the first to the last month of
      the data.
    * Eurostat monthly asylum applicants per reporting country (nationality ALL rows only).
    * IOM DTM monthly arrivals per country (nationality ALL rows).
    * Italian daily sea arrivals, daily and summed per month (a month with a missing day is
      missing, so a partial last month does not look like a fall).
    * IOM Missing Migrants dead and missing per route and month, from ``migrant_death``
      events, 0 in months with no incident.

    Missing months of Eurostat and DTM series stay missing (NaN): there a missing month is
    not a zero. Where the frame holds several rows for one observation (revisions), the last
    one (by ``ingested_at`` where present) is used.
    """
    obs = _normalise(observations)
    out: dict[SeriesKey, pd.Series] = {}
    if not obs.empty:
        out.update(frontex_hierarchy(obs, min_nationality_total=min_nationality_total))
        out.update(_by_country(obs, ASYLUM, sources=None))
        out.update(_by_country(obs, ARRIVALS, sources=("iom_dtm",)))
        out.update(daily_sea_arrivals(obs))
    if events is not None and not events.empty:
        out.update(dead_and_missing_by_route(events))
    return out


def frontex_hierarchy(obs: pd.DataFrame, *,
                      min_nationality_total: float = MIN_NATIONALITY_TOTAL
                      ) -> dict[SeriesKey, pd.Series]:
    """The IBC hierarchy (total, route, route x border type, route x border type x
    nationality) from normalised observation rows, zero-filled."""
    rows = obs[(obs["metric"] == IBC) & (obs["precision"] == "month")]
    out: dict[SeriesKey, pd.Series] = {}
    if rows.empty:
        return out
    months = _month_range(rows["period"])
    for source, part in rows.groupby("source", sort=True):
        work = part.assign(route=part["route"].fillna(""),
                           border_type=part["border_type"].fillna(""),
                           nationality=part["nationality"].fillna(""))
        wide = (work.groupby(["route", "border_type", "nationality", "period"])["value"]
                .sum().unstack("period").reindex(columns=months).fillna(0.0))
        src = str(source)
        out[SeriesKey(IBC, src)] = _row(wide.sum(axis=0), months)
        for route, values in wide.groupby(level="route").sum().iterrows():
            out[SeriesKey(IBC, src, route=_none(route))] = _row(values, months)
        for (route, border), values in wide.groupby(level=["route", "border_type"]).sum(
                ).iterrows():
            out[SeriesKey(IBC, src, route=_none(route), border_type=_none(border))] = _row(
                values, months)
        totals = wide.sum(axis=1)
        for (route, border, nationality), values in wide[totals >= min_nationality_total
                                                         ].iterrows():
            if not nationality or nationality == "ALL":
                continue
            key = SeriesKey(IBC, src, route=_none(route), border_type=_none(border),
                            nationality=str(nationality))
            out[key] = _row(values, months)
    return out


def daily_sea_arrivals(obs: pd.DataFrame) -> dict[SeriesKey, pd.Series]:
    """Daily sea arrivals per country (days kept; missing days missing) and their monthly
    sums (a month with any missing day is missing)."""
    rows = obs[(obs["metric"] == SEA_ARRIVALS) & (obs["precision"] == "day")]
    out: dict[SeriesKey, pd.Series] = {}
    for (source, country), part in rows.groupby(["source", "country"], sort=True):
        days = part.groupby(part["period"].dt.normalize())["value"].sum(min_count=1)
        full = pd.date_range(days.index.min(), days.index.max(), freq="D")
        daily = days.reindex(full).astype(float)
        base = SeriesKey(SEA_ARRIVALS, str(source), reporting_country=str(country),
                         precision="day")
        out[base] = daily
        present = daily.notna().groupby(daily.index.to_period("M")).sum()
        sums = daily.groupby(daily.index.to_period("M")).sum(min_count=1)
        complete = present.to_numpy() == present.index.days_in_month
        monthly = pd.Series(np.where(complete, sums.to_numpy(), np.nan),
                            index=sums.index.to_timestamp(), dtype=float)
        out[SeriesKey(SEA_ARRIVALS, str(source), reporting_country=str(country))] = monthly
    return out


def dead_and_missing_by_route(events: pd.DataFrame) -> dict[SeriesKey, pd.Series]:
    """Monthly dead and missing per route from ``migrant_death`` events (``fatalities_best``).

    IOM publishes the Missing Migrants data in layouts whose files overlap (2014-2019) and
    disagree on some dates and counts, so an incident can be stored once per file under
    slightly different keys: for each route and month, the file with the largest total is
    used (a month covered by one file is that file's total)."""
    rows = events
    if "kind" in rows.columns:
        rows = rows[rows["kind"] == "migrant_death"]
    if rows.empty or "route" not in rows.columns:
        return {}
    rows = rows[rows["route"].notna() & (rows["route"].astype(str).str.strip() != "")]
    if rows.empty:
        return {}
    when = pd.to_datetime(rows["time_start"], utc=True).dt.tz_convert(None)
    work = pd.DataFrame({
        "period": when.dt.to_period("M").dt.to_timestamp(),
        "route": rows["route"].astype(str),
        "dead": pd.to_numeric(rows["fatalities_best"], errors="coerce").fillna(0.0),
        "source": rows["source"].astype(str) if "source" in rows.columns else "iom_mmp",
        "file": rows["file"].astype(str) if "file" in rows.columns else "",
    })
    per_file = work.groupby(["source", "route", "period", "file"])["dead"].sum()
    best = per_file.groupby(level=["source", "route", "period"]).max().reset_index()
    months = _month_range(best["period"])
    out: dict[SeriesKey, pd.Series] = {}
    for (source, route), part in best.groupby(["source", "route"], sort=True):
        monthly = part.set_index("period")["dead"].reindex(months, fill_value=0.0)
        out[SeriesKey(DEAD_AND_MISSING, str(source), route=str(route))] = monthly.astype(float)
    return out


def _by_country(obs: pd.DataFrame, metric: str,
                sources: tuple[str, ...] | None) -> dict[SeriesKey, pd.Series]:
    rows = obs[(obs["metric"] == metric) & (obs["precision"] == "month")
               & (obs["nationality"] == "ALL") & obs["country"].notna()]
    if sources is not None:
        rows = rows[rows["source"].isin(sources)]
    out: dict[SeriesKey, pd.Series] = {}
    for (source, country), part in rows.groupby(["source", "country"], sort=True):
        monthly = part.groupby("period")["value"].sum(min_count=1)
        months = _month_range(monthly.index.to_series())
        key = SeriesKey(metric, str(source), reporting_country=str(country))
        out[key] = monthly.reindex(months).astype(float)
    return out


def _normalise(observations: pd.DataFrame) -> pd.DataFrame:
    """Observation rows with the columns the builders use, ``period`` as a naive UTC
    timestamp, numeric values, and one row per observation (the last revision)."""
    frame = observations
    if "metric" in frame.columns:
        frame = frame[frame["metric"].isin(_METRICS)]
    frame = frame.copy()
    for column in _OBS_KEY:
        if column not in frame.columns:
            frame[column] = None
    if "value" not in frame.columns:
        frame["value"] = np.nan
    if frame.empty:
        return frame.assign(period=pd.Series(dtype="datetime64[ns]"))
    when = pd.to_datetime(frame["period_start"], errors="coerce", utc=True)
    frame["period"] = when.dt.tz_convert(None)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame[frame["period"].notna()]
    if "ingested_at" in frame.columns:
        frame = frame.sort_values("ingested_at", kind="stable")
    subset = [c for c in _OBS_KEY if c != "period_start"] + ["period"]
    frame = frame.drop_duplicates(subset=subset, keep="last")
    month = frame["precision"] == "month"
    frame.loc[month, "period"] = frame.loc[month, "period"].dt.to_period("M").dt.to_timestamp()
    return frame


def _month_range(periods: pd.Series) -> pd.DatetimeIndex:
    start = pd.Timestamp(periods.min()).to_period("M").to_timestamp()
    end = pd.Timestamp(periods.max()).to_period("M").to_timestamp()
    return pd.date_range(start, end, freq="MS")


def _row(values: pd.Series, months: pd.DatetimeIndex) -> pd.Series:
    return pd.Series(values.to_numpy(dtype=float), index=months, dtype=float)


def _none(value: object) -> str | None:
    text = str(value) if value is not None else ""
    return text or None
