"""The plain-English paragraph that comes with every surge episode."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flankwatch.model.country import name_of
from flankwatch.model.signal import Driver, SeriesKey


def describe_key(key: SeriesKey) -> str:
    """"Irregular border crossings, Eastern Borders Route, land, all nationalities"."""
    metric = key.metric.replace("_", " ").capitalize()
    parts = [metric]
    if key.route:
        parts.append(key.route)
    elif key.reporting_country:
        parts.append(name_of(key.reporting_country))
    elif key.metric == "irregular_border_crossings":
        parts.append("all routes")
    if key.border_type:
        parts.append(key.border_type.lower())
    elif key.route:
        parts.append("all border types")
    parts.append("all nationalities" if key.nationality == "ALL" else name_of(key.nationality))
    return ", ".join(parts)


def when(period: date, precision: str) -> str:
    """"July 2021", or "12 Sep 2023" for daily series."""
    return f"{period.day} {period:%b %Y}" if precision == "day" else f"{period:%B %Y}"


def at(period: date, precision: str) -> str:
    """"in July 2021", or "on 12 Sep 2023"."""
    return ("on " if precision == "day" else "in ") + when(period, precision)


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def explain(*, key: SeriesKey, detector: str, precision: str, smooth: int, observed: float,
            expected: float, lower: float, upper: float, ratio: float, first_period: date,
            first_observed: float, first_expected: float, onset_period: date,
            peak_period: date, last_period: date, ongoing: bool, score: float,
            drivers: Sequence[Driver], notes: Sequence[str]) -> str:
    """One paragraph: observed vs expected with the band, ratio, first alert, onset, peak,
    end, drivers and what was done to the data."""
    what = (f"in the {smooth} days to {when(peak_period, precision)}" if smooth > 1
            else at(peak_period, precision))
    text = [
        f"{describe_key(key)}: {number(observed)} {what}, against {number(expected)} "
        f"expected (normal range {number(lower)} to {number(upper)}), {ratio:,.1f} times the "
        f"expected level.",
        f"The {detector} detector first flagged it {at(first_period, precision)} "
        f"({number(first_observed)} against {number(first_expected)} expected); the rise "
        f"began {at(onset_period, precision)} and peaked {at(peak_period, precision)}.",
        ("It is still flagged in the latest data, so the peak may be ahead."
         if ongoing else f"It was last flagged {at(last_period, precision)}."),
    ]
    if drivers:
        shown = "; ".join(_driver(d) for d in drivers)
        text.append(f"Nationalities driving the peak: {shown}.")
    text.append(f"Score {score:.2f} of 1 (how far beyond the detector's threshold).")
    if notes:
        text.append("Data notes: " + "; ".join(notes) + ".")
    return " ".join(text)


def _driver(d: Driver) -> str:
    base = f"{name_of(d.nationality)} {d.share:.0%} ({number(d.observed)}"
    if d.expected is not None:
        base += f" against {number(d.expected)} expected"
    return base + ")"
