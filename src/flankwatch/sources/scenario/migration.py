"""Frontex-style monthly detections of irregular border crossings, 2016-01 to 2025-12.

Written in the long layout of ``frontex/frontex_ibc_monthly_route_nationality_long.csv``
(``route,type,nat,t,n``; zero months omitted) so the Frontex adapter reads it unchanged.

Every route and border type of the real file gets a seasonal, noisy baseline with a plausible
nationality mix whose shares drift from year to year. On top of it the plan places three
episodes: an instrumentalised campaign on the Eastern Borders Route (abrupt, driven by
far-origin nationalities absent before, ending abruptly) and two organic sea surges (Central
Mediterranean and Western African routes: a season-long build-up with the usual nationalities
shifting moderately).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from flankwatch.sources.scenario.truth import Plan, Surge, add_months, month_index, months, ym

HEADER = ["route", "type", "nat", "t", "n"]  # as in the real long file


@dataclass(frozen=True, slots=True)
class Baseline:
    route: str
    border_type: str
    mean: float  # persons per month at the yearly average
    seasonality: float  # relative amplitude of the yearly cycle
    peak_month: int
    shares: dict[str, float]


BASELINES: tuple[Baseline, ...] = (
    Baseline("Central Mediterranean Route", "Sea", 5500, 0.6, 8, {
        "TUN": .14, "BGD": .11, "EGY": .08, "GIN": .07, "CIV": .07, "NGA": .06, "ERI": .05,
        "SDN": .05, "SYR": .05, "PAK": .04, "MLI": .04, "GMB": .03, "SEN": .03, "MAR": .03,
        "DZA": .02, "OOS": .04, "OOO": .03, "CMR": .02, "SOM": .02, "IRN": .01}),
    Baseline("Eastern Mediterranean Route", "Sea", 3000, 0.5, 9, {
        "SYR": .30, "AFG": .22, "IRQ": .10, "PSE": .06, "PAK": .05, "SOM": .05, "COD": .05,
        "EGY": .04, "IRN": .04, "ERI": .03, "OOO": .03, "TUR": .03}),
    Baseline("Eastern Mediterranean Route", "Land", 800, 0.3, 7, {
        "TUR": .32, "SYR": .26, "IRQ": .10, "AFG": .08, "PAK": .08, "MAR": .05, "DZA": .04,
        "BGD": .04, "IRN": .03}),
    Baseline("Western Mediterranean Route", "Sea", 1500, 0.45, 9, {
        "DZA": .34, "MAR": .26, "GIN": .09, "MLI": .07, "CIV": .05, "OOS": .08, "GMB": .04,
        "SEN": .03, "CMR": .02, "SYR": .02}),
    Baseline("Western Mediterranean Route", "Land", 110, 0.2, 8, {
        "GIN": .24, "MAR": .24, "SDN": .12, "MLI": .10, "BFA": .08, "CMR": .08, "DZA": .06,
        "CIV": .04, "OOS": .04}),
    Baseline("Western African Route", "Sea", 900, 0.6, 11, {
        "MAR": .26, "SEN": .20, "MLI": .16, "OOS": .16, "GIN": .06, "GMB": .06, "CIV": .04,
        "MRT": .03, "OOO": .02}),
    Baseline("Western Balkan Route", "Land", 3000, 0.35, 10, {
        "SYR": .40, "AFG": .15, "TUR": .08, "PAK": .06, "MAR": .04, "OOO": .12, "IRQ": .03,
        "IND": .04, "BGD": .03, "BDI": .02, "TUN": .03}),
    Baseline("Eastern Borders Route", "Land", 60, 0.2, 7, {
        "UKR": .55, "MDA": .08, "GEO": .07, "VNM": .07, "RUS": .06, "BLR": .04, "TUR": .04,
        "IND": .04, "OOO": .05}),
    Baseline("Circular Route from Albania to Greece", "Land", 200, 0.25, 8, {
        "ALB": .95, "GEO": .02, "CHN": .01, "MKD": .02}),
    Baseline("Black Sea Route", "Sea", 5, 0.5, 9, {
        "IRQ": .50, "AFG": .20, "IRN": .15, "SYR": .15}),
    Baseline("Other", "Sea", 1.5, 0.3, 8, {"SYR": .30, "RUS": .30, "GIN": .20, "NGA": .20}),
)

#: Shares of the campaign's nationalities (the plan's drivers, in order).
CAMPAIGN_SHARES = (0.46, 0.16, 0.15, 0.13, 0.10)


def _yearly_levels(rng: np.random.Generator, n_months: int, sd: float) -> np.ndarray:
    """A smooth multiplicative level: one random level a year, interpolated month by month
    (independent years, so no route drifts off to nothing over the decade)."""
    years = n_months // 12 + 2
    knots = np.exp(rng.normal(0, sd, years))
    return np.asarray(np.interp(np.arange(n_months) / 12.0, np.arange(years), knots))


def _counts(mean: np.ndarray, rng: np.random.Generator, dispersion: float) -> np.ndarray:
    """Overdispersed counts: Poisson around a gamma-distributed rate (mean kept)."""
    rate = mean * rng.gamma(dispersion, 1.0 / dispersion, size=mean.shape)
    return np.asarray(rng.poisson(rate))


def _episode_for(b: Baseline, plan: Plan) -> Surge | None:
    for s in (plan.cmr, plan.war):
        if (s.route, s.border_type) == (b.route, b.border_type):
            return s
    return None


def simulate(plan: Plan, rng: np.random.Generator) -> dict[tuple[str, str, str], np.ndarray]:
    """Monthly counts per (route, border type, nationality) over ``months()``."""
    ms = months()
    n = len(ms)
    month_of_year = np.array([m.month for m in ms])
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for b in BASELINES:
        season = 1 + b.seasonality * np.cos(2 * np.pi * (month_of_year - b.peak_month) / 12)
        level = b.mean * season * _yearly_levels(rng, n, 0.22)
        surge = _episode_for(b, plan)
        lift = np.array([surge.factor(m) for m in ms]) if surge else np.zeros(n)
        if surge:
            level = level * (1 + (surge.amplitude - 1) * lift)
        nats = sorted(b.shares)
        shares = np.array([b.shares[k] for k in nats])[:, None] * np.vstack(
            [_yearly_levels(rng, n, 0.18) for _ in nats])
        if surge:  # the surge's drivers gain weight as it grows: a moderate shift
            boost = np.array([1.0 if k in surge.drivers else 0.0 for k in nats])[:, None]
            shares = shares * (1 + 1.2 * boost * lift[None, :])
        shares = shares / shares.sum(axis=0, keepdims=True)
        for k, row in zip(nats, shares, strict=True):
            out[(b.route, b.border_type, k)] = _counts(level * row, rng, 6.0)
    _add_campaign(out, plan, rng, ms)
    return out


def _add_campaign(out: dict[tuple[str, str, str], np.ndarray], plan: Plan,
                  rng: np.random.Generator, ms: list[date]) -> None:
    c = plan.campaign
    base: np.ndarray = np.sum([v for (r, t, _), v in out.items()
                               if (r, t) == (c.route, c.border_type)], axis=0)
    first = month_index(c.onset)
    before = float(np.mean(base[first - 12:first]))
    peak = c.amplitude * max(before, 40.0)
    for nat, share in zip(c.drivers, CAMPAIGN_SHARES, strict=True):
        series = out.setdefault((c.route, c.border_type, nat), np.zeros(len(ms), dtype=int))
        for i, f in enumerate(plan.campaign_profile):
            series[first + i] += int(rng.poisson(peak * f * share))
        # the odd straggler the month after the route closes: the end stays abrupt
        series[first + len(plan.campaign_profile)] += int(rng.poisson(0.4))


def write_frontex(path: Path, plan: Plan, rng: np.random.Generator) -> tuple[
        list[dict[str, Any]], dict[tuple[str, str], np.ndarray]]:
    """Write the long CSV; return the migration phenomena of the ground truth and the monthly
    totals per (route, border type), which the incident generator follows."""
    counts = simulate(plan, rng)
    ms = months()
    order = {(b.route, b.border_type): i for i, b in enumerate(BASELINES)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for key in sorted(counts, key=lambda k: (order[(k[0], k[1])], k[1], k[2])):
            for m, v in zip(ms, counts[key].tolist(), strict=True):
                if v > 0:
                    w.writerow([key[0], key[1], key[2], ym(m), v])
    totals: dict[tuple[str, str], np.ndarray] = {}
    for (route, btype, _), series in counts.items():
        totals[(route, btype)] = totals.get((route, btype), np.zeros(len(ms), dtype=int)) + series
    return [_describe(s, counts, plan) for s in (plan.campaign, plan.cmr, plan.war)], totals


def _describe(s: Surge, counts: dict[tuple[str, str, str], np.ndarray],
              plan: Plan) -> dict[str, Any]:
    """An episode as the data show it: measured peak, baseline and nationality shares."""
    series = {k[2]: v for k, v in counts.items() if (k[0], k[1]) == (s.route, s.border_type)}
    ms = months()
    zero = np.zeros(len(ms), dtype=int)
    total: np.ndarray = np.sum([*series.values()], axis=0)
    o, e = month_index(s.onset), month_index(s.end)
    peak_i = o + int(np.argmax(total[o:e + 1]))
    before = total[o - 12:o]
    drivers: np.ndarray = np.sum([series.get(k, zero) for k in s.drivers], axis=0)
    share_before = float(np.sum(drivers[o - 12:o]) / max(float(np.sum(before)), 1.0))
    out: dict[str, Any] = {
        "id": s.key, "domain": "migration", "label": s.label,
        "file": "data/frontex/scenario_ibc_monthly_route_nationality_long.csv",
        "route": s.route, "border_type": s.border_type,
        "onset": ym(s.onset), "peak": ym(ms[peak_i]), "end": ym(s.end),
        "driving_nationalities": list(s.drivers),
        "peak_value": int(total[peak_i]),
        "baseline_mean_12m_before": round(float(np.mean(before)), 1),
        "peak_over_baseline": round(float(total[peak_i] / max(np.mean(before), 1.0)), 1),
        "drivers_share_12m_before": round(share_before, 4),
        "drivers_share_at_peak": round(float(drivers[peak_i] / max(total[peak_i], 1)), 3),
        "monthly_totals": {ym(ms[i]): int(total[i]) for i in range(o - 3, min(e + 4, len(ms)))},
    }
    if s.label == "instrumentalised":
        out["onset_to_peak_months"] = month_index(ms[peak_i]) - o
        out["after_end"] = {ym(add_months(s.end, 1)): int(total[e + 1])}
        out["coincident_news"] = "news-coercion-campaign"
        out["expected_detection"] = {
            "alert": "surge", "by_month": ym(add_months(s.onset, 1)),
            "classify_as": "instrumentalised",
            "because": "abrupt onset (<= 2 months to peak), nationalities new to the route "
                       "(~0 before), coercive statements by the transit state in the weeks "
                       "before, abrupt end",
            "transit_state": plan.transit_state, "target_state": plan.target_state,
        }
    else:
        out["expected_detection"] = {
            "alert": "surge", "by_month": ym(add_months(s.onset, 2)),
            "classify_as": "organic",
            "because": "gradual build-up over a season on an established route, the usual "
                       "nationalities shifting moderately, no coercive signals",
        }
    return out
