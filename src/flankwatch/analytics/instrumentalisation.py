"""Instrumentalisation assessment of a migration surge: how much a surge looks like one a
transit state engineered, in estimative language, never as an attribution.

``assess(episode, context)`` weighs six indicators, each a 0..1 score with a weight and a
plain reason (model card: docs/detectors/instrumentalisation.md):

================================  ======  ===================================================
indicator                         weight  what it measures
================================  ======  ===================================================
``abrupt_onset``                  0.20    log jump of the first flagged month over the trailing
                                          6-month median, and months from onset to peak
``new_nationalities``             0.20    share of the peak month from nationalities with ~no
                                          detections on the route in the trailing 24 months
``nationality_mix_shift``         0.10    Jensen-Shannon divergence, peak mix vs trailing 24
                                          months
``far_origin``                    0.20    share of the peak month from nationalities with no
                                          land border with the transit country and on another
                                          continent
``land_border``                   0.10    share of the surging volume detected at land borders
``transit_state_coercion``        0.20    threats, coercion, reduced relations, rejections and
                                          demands by the transit state around the onset (GDELT
                                          CAMEO 10-13, 16, 17) against its background rate
================================  ======  ===================================================

The score is the weighted mean of the computable indicators (weights renormalised over them);
an indicator the data cannot compute has value None and adds a caveat. The judgement is
:func:`flankwatch.model.signal.estimative` of the score.

Inputs are pure frames (:class:`AssessmentContext`, built by :func:`make_context` from what
the store gives): nothing here reads the store or the sources.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from flankwatch.analytics.geography import (
    Geography,
    attrs_dict,
    country_table,
    far_mask,
    land_borders,
)
from flankwatch.model.signal import Assessment, Indicator, SurgeEpisode, estimative

NAME = "instrumentalisation"
VERSION = "1.0.0"
METRIC = "irregular_border_crossings"

#: The state(s) a route's migrants cross from into the EU, by Frontex route name. For the
#: Eastern Borders Route Russia stands beside Belarus (the Finnish and Baltic borders).
TRANSIT_COUNTRIES: Mapping[str, tuple[str, ...]] = {
    "Eastern Borders Route": ("BLR", "RUS"),
    "Eastern Mediterranean Route": ("TUR",),
    "Central Mediterranean Route": ("LBY", "TUN"),
    "Western Mediterranean Route": ("MAR", "DZA"),
    "Western African Route": ("MAR", "MRT", "SEN"),
    "Western Balkan Route": ("SRB", "MKD", "BIH"),
    "Black Sea Route": ("TUR",),
    "Circular Route from Albania to Greece": ("ALB",),
}

#: Indicator weights (they sum to 1; the score renormalises over the computable ones).
WEIGHTS: Mapping[str, float] = {
    "abrupt_onset": 0.20,
    "new_nationalities": 0.20,
    "nationality_mix_shift": 0.10,
    "far_origin": 0.20,
    "land_border": 0.10,
    "transit_state_coercion": 0.20,
}

WHY: Mapping[str, str] = {
    "abrupt_onset": "A crossing opened on purpose (flights laid on, visas eased, people "
    "escorted to the border) starts within weeks; migration driven by conditions at home or "
    "on the way usually builds up over a season.",
    "new_nationalities": "Smuggling networks and diasporas change slowly: when most of a "
    "surge comes from nationalities the route had hardly seen, a new path has opened for them, "
    "and visas, flights and escorts a state controls are one way such a path opens.",
    "nationality_mix_shift": "A surge that keeps the route's usual nationalities is more "
    "likely the usual flow growing; a new mix points to a new channel.",
    "far_origin": "People from a neighbouring country or the same continent can reach a "
    "transit state on their own; people from far away usually need visas, flights or "
    "organised transport that a state can grant or withhold.",
    "land_border": "A state can bring people to a land border and push them across; at sea "
    "it has far less control of who arrives where.",
    "transit_state_coercion": "States that instrumentalise migration tend to announce or "
    "threaten it, and to quarrel with the target state, in the weeks around the onset.",
}

#: Nationality codes that say nothing about origin: left out of distributions and novelty.
UNKNOWN_NATIONALITIES = frozenset({"OOO", "UNK", "STL", "STA", "OTH", "ALL", "TOT"})

#: Marks a coercion background set from the window's own data (too little data outside it).
IN_SAMPLE = "in-sample background"

#: Codes of a region, not a nationality (Frontex ``OOS``, unidentified sub-Saharan African):
#: kept in the mix and placed for far origin, but never "new" (its use follows coding practice).
REGION_CODES = frozenset({"OOS"})

CROSSING_COLUMNS = ["route", "border_type", "nationality", "period", "value"]
EVENT_COLUMNS = ["day", "root", "code", "actor1_country", "actor2_country"]


@dataclass(frozen=True, slots=True)
class InstrumentalisationSettings:
    """Settings of the assessment model (all documented in the model card)."""

    NAME: ClassVar[str] = NAME
    VERSION: ClassVar[str] = VERSION

    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    transit: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(TRANSIT_COUNTRIES))
    #: abrupt onset: months of baseline before the first flagged month; the jump (first
    #: flagged / baseline median) that scores 1; months onset -> peak scoring 1 and 0.
    baseline_months: int = 6
    jump_saturation: float = 8.0
    peak_months_fast: int = 1
    peak_months_slow: int = 5
    #: novelty and mix: months before the onset compared with the peak; a nationality is new
    #: when its mean monthly count over them is below this fraction of its peak count.
    trailing_months: int = 24
    novelty_max_ratio: float = 0.01
    #: Jensen-Shannon divergence (base 2) that scores 1.
    jsd_saturation: float = 0.5
    #: above this share of unknown nationality at the peak, the nationality indicators
    #: (novelty, mix, far origin) are not computed.
    max_unknown_share: float = 0.5
    #: event window around the onset (first day of the onset month), in days.
    event_days_before: int = 90
    event_days_after: int = 30
    #: share of the window's days the event data must cover, covered days outside the window
    #: (within a year of the onset) needed for the state's own background, events needed for
    #: any score, and the rate ratio that scores 1.
    min_event_coverage: float = 0.25
    min_background_days: int = 28
    min_coercive_events: int = 5
    coercion_saturation: float = 10.0
    #: CAMEO root codes counted: demand, disapprove, reject, threaten, reduce relations, coerce.
    coercive_roots: tuple[str, ...] = ("10", "11", "12", "13", "16", "17")
    #: two country polygons closer than this (degrees) share a land border.
    border_tolerance_deg: float = 0.01


@dataclass(frozen=True)
class AssessmentContext:
    """What an assessment reads: pure frames, built by :func:`make_context`.

    * ``crossings``: IBC observations in long format (``route, border_type, nationality,
      period, value``; period = first day of the month);
    * ``countries``: one row per country (``iso3, name, continent, scale, geometry_wkt``) and
      ``borders``: land-neighbour pairs (``iso3, neighbour``);
    * ``events``: GDELT events (``day, root, code, actor1_country, actor2_country``); every day
      with any row counts as covered by the event data, so pass all GDELT events of the period
      (or at least all CAMEO 10-17 events), not only one state's;
    * ``settings``.
    """

    crossings: pd.DataFrame
    countries: pd.DataFrame
    borders: pd.DataFrame
    events: pd.DataFrame
    settings: InstrumentalisationSettings = field(default_factory=InstrumentalisationSettings)

    @cached_property
    def geography(self) -> Geography:
        return Geography.from_frames(self.countries, self.borders)

    @cached_property
    def event_days(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.events["day"].dropna().unique()).sort_values()


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _month(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True).dt.tz_localize(None)
    return stamps.dt.to_period("M").dt.to_timestamp()


def _crossings(observations: pd.DataFrame) -> pd.DataFrame:
    frame = observations
    period = "period_start" if "period_start" in frame.columns else "ds"
    if frame.empty or not {"route", "nationality", period, "value"} <= set(frame.columns):
        return _empty(CROSSING_COLUMNS)
    if "metric" in frame.columns:
        frame = frame[frame["metric"] == METRIC]
    if "border_type" not in frame.columns:
        frame = frame.assign(border_type="")
    out = pd.DataFrame({
        "route": frame["route"].fillna(""),
        "border_type": frame["border_type"].fillna(""),
        "nationality": frame["nationality"].fillna("OOO"),
        "period": _month(frame[period]),
        "value": pd.to_numeric(frame["value"], errors="coerce").fillna(0.0),
    })
    summed = out.groupby(CROSSING_COLUMNS[:4], as_index=False)["value"].sum()
    return summed[CROSSING_COLUMNS]


def _events(events: pd.DataFrame) -> pd.DataFrame:
    if events.empty or "code" not in events.columns or "time_start" not in events.columns:
        return _empty(EVENT_COLUMNS)
    frame = events
    if "source" in frame.columns:
        frame = frame[frame["source"].astype(str).str.startswith("gdelt")]
    frame = frame[frame["code"].notna()]
    attrs = (frame["attrs"] if "attrs" in frame.columns
             else pd.Series([None] * len(frame), index=frame.index)).map(attrs_dict)
    code = frame["code"].astype(str)
    out = pd.DataFrame({
        "day": pd.to_datetime(frame["time_start"], utc=True).dt.tz_localize(None).dt.floor("D"),
        "root": [a.get("root_code") or c[:2] for a, c in zip(attrs, code, strict=True)],
        "code": code,
        "actor1_country": attrs.map(lambda a: a.get("actor1_country")),
        "actor2_country": attrs.map(lambda a: a.get("actor2_country")),
    })
    return out.reset_index(drop=True)


def make_context(observations: pd.DataFrame, areas: pd.DataFrame, events: pd.DataFrame,
                 settings: InstrumentalisationSettings | None = None) -> AssessmentContext:
    """An :class:`AssessmentContext` from frames as the store gives them: observations (any
    metric; IBC rows are kept), areas (countries; other kinds are ignored) and events (GDELT
    rows are kept; may be empty)."""
    s = settings or InstrumentalisationSettings()
    countries = country_table(areas)
    return AssessmentContext(
        crossings=_crossings(observations),
        countries=countries,
        borders=land_borders(countries, s.border_tolerance_deg),
        events=_events(events),
        settings=s,
    )


# -- helpers ----------------------------------------------------------------------------------


def _ts(d: date) -> pd.Timestamp:
    return pd.Timestamp(d.year, d.month, 1)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _ym(t: pd.Timestamp | date) -> str:
    return f"{t.year:04d}-{t.month:02d}"


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def _route_rows(episode: SurgeEpisode, ctx: AssessmentContext,
                by_border: bool = True) -> pd.DataFrame:
    c = ctx.crossings
    rows = c[c["route"] == (episode.key.route or "")]
    if by_border and episode.key.border_type:
        rows = rows[rows["border_type"] == episode.key.border_type]
    return rows


def _by_nationality(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Sum per nationality over months start..end (inclusive)."""
    sel = rows[(rows["period"] >= start) & (rows["period"] <= end)]
    return sel.groupby("nationality")["value"].sum()


def _top(shares: pd.Series, n: int = 4) -> str:
    top = shares.sort_values(ascending=False).head(n)
    return ", ".join(f"{k} {v:.0%}" for k, v in top.items() if v > 0) or "none"


def _indicator(name: str, ctx: AssessmentContext, value: float | None, score: float | None,
               detail: str) -> Indicator:
    return Indicator(name=name, value=value, weight=float(ctx.settings.weights.get(name, 0.0)),
                     score=None if score is None else _clip(score), why=WHY[name],
                     detail=detail)


# -- the indicators ---------------------------------------------------------------------------


def abrupt_onset(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value: ln of the first flagged month over the median of the months before it (+1 on
    both to bear zeros). Score: that jump scaled to ``jump_saturation`` (0..1), times
    0.5 + 0.5 x the speed from onset to peak (1 at ``peak_months_fast`` or less, 0 at
    ``peak_months_slow``): no jump scores 0, a jump followed by a slow build-up half."""
    s = ctx.settings
    name = "abrupt_onset"
    rows = _route_rows(episode, ctx)
    if episode.key.nationality != "ALL":
        rows = rows[rows["nationality"] == episode.key.nationality]
    first = _ts(episode.first_period)
    start = first - pd.DateOffset(months=s.baseline_months)
    if rows.empty or rows["period"].min() > start:
        return _indicator(name, ctx, None, None, f"fewer than {s.baseline_months} months of "
                          f"data before the first flagged month {_ym(first)}")
    months = pd.date_range(start, first, freq="MS")
    series = rows.groupby("period")["value"].sum().reindex(months, fill_value=0.0)
    baseline = float(np.median(series.iloc[:-1]))
    first_value = float(series.iloc[-1])
    jump = math.log((first_value + 1.0) / (baseline + 1.0))
    to_peak = max(0, _months_between(episode.onset_period, episode.peak_period))
    speed = _clip((s.peak_months_slow - to_peak) / (s.peak_months_slow - s.peak_months_fast))
    jump_score = _clip(jump / math.log(s.jump_saturation))
    detail = (f"first flagged month {_ym(first)}: {first_value:,.0f} against a median of "
              f"{baseline:,.0f} over the {s.baseline_months} months before (log ratio "
              f"{jump:.2f}, score {jump_score:.2f}); {to_peak} month(s) from onset "
              f"{_ym(episode.onset_period)} to peak {_ym(episode.peak_period)} (score "
              f"{speed:.2f})")
    return _indicator(name, ctx, jump, jump_score * (0.5 + 0.5 * speed), detail)


@dataclass(frozen=True)
class _Mix:
    """Detections by known nationality at the peak and over the trailing months, or why the
    nationality indicators cannot be computed."""

    at_peak: pd.Series
    trailing: pd.Series
    span: str
    problem: str | None
    unknown_share: float


def _mix(episode: SurgeEpisode, ctx: AssessmentContext, need_history: bool) -> _Mix:
    s = ctx.settings
    rows = _route_rows(episode, ctx)
    peak = _ts(episode.peak_period)
    trail_start = _ts(episode.onset_period) - pd.DateOffset(months=s.trailing_months)
    trail_end = _ts(episode.onset_period) - pd.DateOffset(months=1)
    span = f"{_ym(trail_start)} to {_ym(trail_end)}"
    at_peak = _by_nationality(rows, peak, peak)
    trailing = _by_nationality(rows, trail_start, trail_end)
    unknown = at_peak.index.isin(list(UNKNOWN_NATIONALITIES))
    total = float(at_peak.sum())
    unknown_share = float(at_peak[unknown].sum() / total) if total > 0 else 0.0
    at_peak = at_peak[~unknown & (at_peak > 0)]
    trailing = trailing[~trailing.index.isin(list(UNKNOWN_NATIONALITIES)) & (trailing > 0)]
    problem = None
    if total <= 0:
        problem = f"no detections by nationality in the peak month {_ym(peak)}"
    elif unknown_share > s.max_unknown_share:
        problem = (f"{unknown_share:.0%} of the peak month's detections ({_ym(peak)}) are of "
                   "unknown nationality")
    elif need_history and (rows.empty or rows["period"].min() > trail_start):
        problem = f"the route's data does not reach back over {span}"
    elif need_history and trailing.sum() <= 0:
        problem = f"no detections of known nationality over {span}"
    return _Mix(at_peak, trailing, span, problem, unknown_share)


def _known(mix: _Mix) -> str:
    return (f" ({mix.unknown_share:.0%} of unknown nationality left out)"
            if mix.unknown_share > 0.005 else "")


def new_nationalities(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value and score: the share of the peak month's detections (of known nationality) from
    nationalities whose mean monthly count over the trailing months was under
    ``novelty_max_ratio`` of their peak count. Nationals of a transit country never count as
    new (they need no new path to leave their own country), nor do region codes (``OOS``)."""
    s = ctx.settings
    name = "new_nationalities"
    mix = _mix(episode, ctx, need_history=True)
    if mix.problem:
        return _indicator(name, ctx, None, None, mix.problem)
    at_peak = mix.at_peak
    transit = tuple(s.transit.get(episode.key.route or "", ()))
    mean = mix.trailing.reindex(at_peak.index, fill_value=0.0) / s.trailing_months
    new = (mean < s.novelty_max_ratio * at_peak) & ~at_peak.index.isin(
        [*transit, *REGION_CODES])
    share = float(at_peak[new].sum() / at_peak.sum())
    detail = (f"peak {_ym(episode.peak_period)}: {share:.0%} of {at_peak.sum():,.0f} "
              f"detections{_known(mix)} from nationalities new to the route (monthly mean "
              f"over {mix.span} under {s.novelty_max_ratio:.0%} of their peak count): "
              f"{_top(at_peak[new] / at_peak.sum())}")
    return _indicator(name, ctx, share, share, detail)


def _jsd(p: pd.Series, q: pd.Series) -> float:
    """Jensen-Shannon divergence (base 2, 0..1) of two count vectors."""
    idx = p.index.union(q.index)
    a = p.reindex(idx, fill_value=0.0).to_numpy(dtype=float)
    b = q.reindex(idx, fill_value=0.0).to_numpy(dtype=float)
    a, b = a / a.sum(), b / b.sum()
    m = (a + b) / 2.0

    def kl(x: np.ndarray) -> float:
        nz = x > 0
        return float(np.sum(x[nz] * np.log2(x[nz] / m[nz])))

    return _clip((kl(a) + kl(b)) / 2.0)


def nationality_mix_shift(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value: JSD between the peak month's and the trailing months' nationality mix (unknown
    nationalities left out). Score: value / ``jsd_saturation``."""
    name = "nationality_mix_shift"
    mix = _mix(episode, ctx, need_history=True)
    if mix.problem:
        return _indicator(name, ctx, None, None, mix.problem)
    p, t = mix.at_peak, mix.trailing
    value = _jsd(p, t)
    detail = (f"Jensen-Shannon divergence {value:.2f} between the peak {_ym(episode.peak_period)}"
              f" ({_top(p / p.sum())}) and {mix.span} ({_top(t / t.sum())}){_known(mix)}")
    return _indicator(name, ctx, value, value / ctx.settings.jsd_saturation, detail)


def far_origin(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value and score: the share of the peak month's detections (of known nationality) from
    nationalities with no land border with any of the route's transit countries and on
    another continent than each (nationalities without a polygon count as not far)."""
    name = "far_origin"
    transit = tuple(ctx.settings.transit.get(episode.key.route or "", ()))
    geo = ctx.geography
    if not transit:
        return _indicator(name, ctx, None, None,
                          f"no transit country is set for the route {episode.key.route!r}")
    if geo.empty or any(geo.continent(t) is None for t in transit):
        return _indicator(name, ctx, None, None, "no country polygons for the transit "
                          f"countries {', '.join(transit)} (Natural Earth not ingested)")
    mix = _mix(episode, ctx, need_history=False)
    if mix.problem:
        return _indicator(name, ctx, None, None, mix.problem)
    at_peak = mix.at_peak
    far = far_mask(at_peak.index, transit, geo)
    total = float(at_peak.sum())
    share = float(at_peak[far == 1.0].sum() / total)
    unplaced = at_peak[np.isnan(far)]
    detail = (f"peak {_ym(episode.peak_period)}: {share:.0%} of detections{_known(mix)} from "
              f"far origins (transit {', '.join(transit)}): "
              f"{_top(at_peak[far == 1.0] / total)}"
              + (f"; without a polygon (not far): {', '.join(unplaced.index)}"
                 if len(unplaced) else ""))
    return _indicator(name, ctx, share, share, detail)


def land_border(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value and score: the share of the surging volume detected at land borders: 0 for a
    surge in a sea series, else the route's land share over onset..last flagged month."""
    name = "land_border"
    border = episode.key.border_type
    if border is not None and border != "Land":
        return _indicator(name, ctx, 0.0, 0.0, f"the surge is in the {border} series")
    rows = _route_rows(episode, ctx, by_border=False)
    start, end = _ts(episode.onset_period), _ts(episode.last_period)
    sel = rows[(rows["period"] >= start) & (rows["period"] <= end)]
    total = float(sel["value"].sum())
    if total <= 0:
        return _indicator(name, ctx, None, None,
                          f"no detections on the route from {_ym(start)} to {_ym(end)}")
    share = float(sel.loc[sel["border_type"] == "Land", "value"].sum() / total)
    detail = (f"{share:.0%} of the route's {total:,.0f} detections from {_ym(start)} to "
              f"{_ym(end)} were at land borders")
    return _indicator(name, ctx, share, share, detail)


def _background(days: pd.Series, covered: pd.DatetimeIndex, window: tuple[pd.Timestamp,
                pd.Timestamp], onset: pd.Timestamp, s: InstrumentalisationSettings
                ) -> tuple[float, str, bool] | None:
    """The transit state's background rate of coercive events per covered day, how it was
    set, and whether it is the weaker in-sample estimate: its mean over covered days outside
    the window (within a year of the onset) when there are at least ``min_background_days``;
    else its rate in the quietest block of ``min_background_days`` consecutive covered days
    (at least two blocks needed); else None."""
    lo, hi = window
    year = pd.Timedelta(days=365)
    near = covered[(covered >= onset - year) & (covered <= onset + year)]
    outside = near[(near < lo) | (near > hi)]
    if len(outside) >= s.min_background_days:
        n = int(days.isin(outside).sum())
        return (max(n, 0.5) / len(outside),
                f"{n} on {len(outside)} covered days outside the window", False)
    block = s.min_background_days
    if len(near) < 2 * block:
        return None
    per_day = days.value_counts().reindex(near, fill_value=0).to_numpy(dtype=float)
    blocks = [per_day[i:i + block] for i in range(0, len(per_day) - block + 1, block)]
    rate = max(min(float(b.mean()) for b in blocks), 0.5 / block)
    return rate, (f"{IN_SAMPLE}: its quietest block of {block} consecutive covered days "
                  f"among {len(near)}"), True


def transit_state_coercion(episode: SurgeEpisode, ctx: AssessmentContext) -> Indicator:
    """Value: the rate of the transit state's coercive events (actor 1 a transit country,
    actor 2 another country; CAMEO roots ``coercive_roots``) per covered day in the window
    over its background rate. Score: ln(ratio) / ln(``coercion_saturation``), 0 with fewer
    than ``min_coercive_events`` events. None when the event data does not cover the window
    or carries no actor countries."""
    s = ctx.settings
    name = "transit_state_coercion"
    transit = tuple(s.transit.get(episode.key.route or "", ()))
    onset = _ts(episode.onset_period)
    lo = onset - pd.Timedelta(days=s.event_days_before)
    hi = onset + pd.Timedelta(days=s.event_days_after)
    span = f"{lo.date()} to {hi.date()}"
    if not transit:
        return _indicator(name, ctx, None, None,
                          f"no transit country is set for the route {episode.key.route!r}")
    covered = ctx.event_days
    in_window = covered[(covered >= lo) & (covered <= hi)]
    window_days = (hi - lo).days + 1
    if not len(in_window) or len(in_window) < s.min_event_coverage * window_days:
        return _indicator(name, ctx, None, None,
                          f"no event data covers the window {span} (covered days: "
                          f"{len(in_window)} of {window_days})")
    ev = ctx.events
    if ev["actor1_country"].isna().all():
        return _indicator(name, ctx, None, None, "the event data carries no actor countries "
                          "(an extract without actor fields)")
    mine = ev[ev["actor1_country"].isin(transit) & ev["actor2_country"].notna()
              & ~ev["actor2_country"].isin(transit) & ev["root"].isin(s.coercive_roots)]
    days = mine["day"]
    background = _background(days, covered, (lo, hi), onset, s)
    if background is None:
        return _indicator(name, ctx, None, None, f"too few days of event data near {span} "
                          f"to set the background rate of {', '.join(transit)}")
    rate_bg, how, _ = background
    n = int(days.between(lo, hi).sum())
    ratio = (n / len(in_window)) / rate_bg
    score = math.log(max(ratio, 1.0)) / math.log(s.coercion_saturation)
    if n < s.min_coercive_events:
        score = 0.0
    targets = mine.loc[days.between(lo, hi), "actor2_country"].value_counts().head(3)
    detail = (f"{n} coercive events by {', '.join(transit)} on {len(in_window)} covered days "
              f"of {span} ({n / len(in_window):.2f} a day, mostly against "
              f"{', '.join(targets.index) or 'nobody'}), {ratio:.1f} times the background "
              f"{rate_bg:.2f} a day ({how})")
    return _indicator(name, ctx, ratio, score, detail)


INDICATORS = (abrupt_onset, new_nationalities, nationality_mix_shift, far_origin, land_border,
              transit_state_coercion)


# -- the assessment ---------------------------------------------------------------------------

LABELS: Mapping[str, str] = {
    "abrupt_onset": "abrupt onset",
    "new_nationalities": "nationalities new to the route",
    "nationality_mix_shift": "shift of the nationality mix",
    "far_origin": "far origin",
    "land_border": "land border",
    "transit_state_coercion": "coercion by the transit state",
}

#: How the summary opens, by judgement (estimative language: never a statement of fact).
LEADS: Mapping[str, str] = {
    "remote": "There is a remote chance",
    "unlikely": "It is unlikely",
    "roughly even chance": "There is a roughly even chance",
    "likely": "It is likely",
    "very likely": "It is very likely",
}

NOT_ASSESSABLE = "cannot assess"

IBC_CAVEAT = (
    "Frontex IBC counts detections of irregular crossings between official crossing points. "
    "Pressure at official crossing points, prevented entries and push-backs do not appear as "
    "detections (Evros 2020, Ceuta 2021, Finland 2023), so a campaign run through them is "
    "invisible or understated here; IBC also counts detections, not people.")
PATTERN_CAVEAT = (
    "The indicators describe the pattern of a surge, not anyone's intent: a sudden crisis in "
    "an origin or transit country (a war, a coup, a collapse of border control) can produce "
    "the same pattern without any state's design.")


def _caveats(episode: SurgeEpisode, ctx: AssessmentContext,
             indicators: list[Indicator]) -> list[str]:
    caveats = [IBC_CAVEAT]
    for ind in indicators:
        if ind.name == "transit_state_coercion" and IN_SAMPLE in ind.detail:
            caveats.append(
                "The event data barely reaches beyond the window around the onset, so the "
                "transit state's background rate of coercive events was set from its quietest "
                "weeks inside the data: a weaker comparison than its own history.")
        if ind.value is not None:
            continue
        if ind.name == "transit_state_coercion":
            caveats.append(
                "Statements and actions of the transit state could not be assessed "
                f"({ind.detail}): FlankWatch cannot see here whether it threatened, announced "
                "or organised the flow, and the score rests on the crossing data alone.")
        else:
            caveats.append(f"The indicator '{LABELS[ind.name]}' is not computable "
                           f"({ind.detail}); the score rests on the others.")
    computable = sum(1 for i in indicators if i.value is not None)
    if 0 < computable < 4:
        caveats.append(f"Only {computable} of {len(indicators)} indicators are computable: "
                       "the judgement is weak.")
    rows = _route_rows(episode, ctx)
    at_peak = rows[rows["period"] == _ts(episode.peak_period)]
    total = float(at_peak["value"].sum())
    unknown = float(at_peak.loc[at_peak["nationality"].isin(list(UNKNOWN_NATIONALITIES)),
                                "value"].sum())
    if total > 0 and unknown / total > 0.25:
        caveats.append(f"{unknown / total:.0%} of the peak month's detections are of unknown "
                       "nationality: the nationality indicators see only the rest.")
    if episode.key.metric != METRIC:
        caveats.append(f"The surge is in a {episode.key.metric} series; the crossing "
                       "indicators read the Frontex IBC series of the same route.")
    if episode.key.nationality != "ALL":
        caveats.append(f"The surge is in the series of one nationality "
                       f"({episode.key.nationality}); the nationality indicators use the "
                       "route's whole mix.")
    if episode.ongoing:
        caveats.append("The surge is ongoing: its peak may be still to come, and the "
                       "assessment may change.")
    caveats.append(PATTERN_CAVEAT)
    return caveats


def _where(episode: SurgeEpisode) -> str:
    key = episode.key
    place = ", ".join(p for p in (key.route, key.border_type) if p) or "all routes"
    if key.nationality != "ALL":
        place += f", {key.nationality}"
    return (f"{place}, {_ym(episode.onset_period)} to {_ym(episode.last_period)}"
            f"{' (ongoing)' if episode.ongoing else ''}")


def _summary(episode: SurgeEpisode, ctx: AssessmentContext, score: float, judgement: str,
             indicators: list[Indicator]) -> str:
    computable = [i for i in indicators if i.score is not None]
    missing = [LABELS[i.name] for i in indicators if i.score is None]
    transit = ", ".join(ctx.settings.transit.get(episode.key.route or "", ())) or "unknown"
    tail = ("FlankWatch does not attribute intent: this is a lead for analysts, not a finding. "
            "IBC data cannot see pressure at official crossing points or prevented entries"
            + (f"; not computable here: {', '.join(missing)}." if missing else "."))
    if not computable:
        return (f"FlankWatch cannot assess whether the surge ({_where(episode)}) is "
                f"instrumentalised: none of its indicators is computable on the data given. "
                + tail)
    ranked = sorted(computable, key=lambda i: (i.score or 0.0) * i.weight, reverse=True)
    strong = [f"{LABELS[i.name]} {i.score:.2f}" for i in ranked if (i.score or 0.0) >= 0.5][:3]
    weak = [f"{LABELS[i.name]} {i.score:.2f}" for i in ranked if (i.score or 0.0) < 0.25][:3]
    evidence = "; ".join(
        part for part in (f"strongest: {', '.join(strong)}" if strong else "",
                          f"weakest: {', '.join(weak)}" if weak else "") if part)
    return (f"{LEADS[judgement]} that this surge ({_where(episode)}) is instrumentalised by a "
            f"transit state ({transit}): score {score:.2f} from {len(computable)} of "
            f"{len(indicators)} indicators ({evidence}). " + tail)


def assess(episode: SurgeEpisode, context: AssessmentContext) -> Assessment:
    """The instrumentalisation assessment of a surge episode: the weighted mean of the
    computable indicators' scores, its estimative judgement, the indicators, the caveats and
    a summary. Never an attribution."""
    indicators = [fn(episode, context) for fn in INDICATORS]
    used = [i for i in indicators if i.score is not None and i.weight > 0]
    total_weight = sum(i.weight for i in used)
    if total_weight > 0:
        score = round(_clip(sum(i.weight * (i.score or 0.0) for i in used) / total_weight), 4)
        judgement = estimative(score)
    else:
        score, judgement = 0.0, NOT_ASSESSABLE
    return Assessment(
        score=score,
        judgement=judgement,
        indicators=indicators,
        caveats=_caveats(episode, context, indicators),
        summary=_summary(episode, context, score, judgement, indicators),
    )
