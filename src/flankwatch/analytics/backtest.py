"""Backtest of the surge detectors against labelled real episodes.

Every series is replayed period by period: a detector's pass is online (the decision at ``t``
uses the values up to ``t`` only; detectors/base.py), so one forward pass *is* the replay, and
the backtest re-checks that on real series by comparing a truncated run with the full one.
The labelled episodes live in ``episodes.csv`` beside this module (package data): one row per
episode with the series it is seen in, its start, peak and end, a label (``surge``: to be
detected; ``blind_spot``: a real episode the data cannot see, reported but not scored) and a
public source.

Measures, per detector, from one run:

* **recall**: labelled surges with at least one flagged period from ``PRE_START`` periods
  before the labelled start to its end;
* **lead to peak**: periods from the first such alert to the labelled peak (positive = the
  alert came first), and **lead to 2x**: to the first period from the start on whose value
  was at least twice the episode's baseline (the mean of the year before the start);
  medians in months (days / 30.44 for daily series);
* **false alarms per route-year**: alert episodes on Frontex route totals (all border types,
  all nationalities) that overlap no labelled episode of that route, per route-year of data;
* **run time** of the detector over every series.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flankwatch.analytics.detectors import DETECTORS, Detector
from flankwatch.analytics.series import IBC
from flankwatch.analytics.surge import flagged_runs, get_detector
from flankwatch.analytics.surge_input import PreparedSeries, prepare_series
from flankwatch.model.signal import SeriesKey

#: Labels of the episode file.
LABELS = ("surge", "blind_spot")
#: An alert this many periods before a labelled start still counts (starts are approximate).
PRE_START = {"month": 3, "day": 14}
#: Days per month when daily leads are put in months.
DAYS_PER_MONTH = 30.44
_FIELDS = ("metric", "source", "route", "border_type", "nationality", "reporting_country",
           "precision")


@dataclass(frozen=True, slots=True)
class LabelledEpisode:
    """A real episode from the labelled file."""

    episode: str
    series: str
    start: date
    peak: date
    end: date
    label: str
    source: str

    @property
    def fields(self) -> dict[str, str]:
        return parse_series_spec(self.series)

    @property
    def precision(self) -> str:
        return self.fields.get("precision", "month")

    def matches(self, key: SeriesKey) -> bool:
        """Whether ``key`` is this episode's series: every field given must equal the key's;
        route, border type and reporting country not given must be empty; nationality not
        given is ALL; precision not given is month; source not given matches any."""
        f = self.fields
        return (key.metric == f.get("metric")
                and ("source" not in f or key.source == f["source"])
                and key.route == f.get("route") and key.border_type == f.get("border_type")
                and key.reporting_country == f.get("reporting_country")
                and key.nationality == f.get("nationality", "ALL")
                and key.precision == f.get("precision", "month"))


def parse_series_spec(text: str) -> dict[str, str]:
    """``"metric=irregular_border_crossings; route=Eastern Borders Route"`` -> a dict."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in _FIELDS or not value:
            raise ValueError(f"bad series part {part.strip()!r} in {text!r}: expected "
                             f"name=value with name one of {', '.join(_FIELDS)}")
        out[name] = value
    if "metric" not in out:
        raise ValueError(f"series {text!r} names no metric")
    return out


def load_labelled_episodes(path: Path | None = None) -> list[LabelledEpisode]:
    """The labelled episodes (default: the file shipped with FlankWatch), validated."""
    if path is None:
        text = resources.files("flankwatch.analytics").joinpath("episodes.csv").read_text(
            encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    needed = {"episode", "series", "start", "peak", "end", "label", "source"}
    if not needed <= set(rows.fieldnames or ()):
        raise ValueError(f"episode file needs the columns {', '.join(sorted(needed))}")
    out: list[LabelledEpisode] = []
    for line, row in enumerate(rows, start=2):
        try:
            spec = row["series"].strip()
            parse_series_spec(spec)
            start, peak, end = (_parse_date(row[c]) for c in ("start", "peak", "end"))
            label = row["label"].strip()
            if label not in LABELS:
                raise ValueError(f"label {label!r} is not one of {', '.join(LABELS)}")
            if not start <= peak <= end:
                raise ValueError("dates must satisfy start <= peak <= end")
            if not row["source"].strip() or not row["episode"].strip():
                raise ValueError("every episode needs a name and a public source")
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"episode file line {line}: {exc}") from None
        out.append(LabelledEpisode(row["episode"].strip(), spec, start, peak, end, label,
                                   row["source"].strip()))
    return out


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    """How one detector did on one labelled episode. Leads are in ``unit`` periods."""

    episode: str
    detector: str
    label: str
    in_data: bool  # the episode's series was among those replayed
    detected: bool
    first_alert: date | None
    peak: date
    double_period: date | None  # first period >= 2x the year-before baseline
    lead_to_peak: int | None
    lead_to_double: int | None
    unit: str


@dataclass(frozen=True, slots=True)
class DetectorSummary:
    """One detector's figures. Leads are medians in months over the detected surges."""

    detector: str
    version: str
    recall: float
    detected: int
    labelled: int
    median_lead_to_peak: float | None
    median_lead_to_double: float | None
    false_alarms: int
    route_years: float
    false_alarms_per_route_year: float
    flagged_months_outside_per_route_year: float  # alarm burden outside labelled episodes
    alerts: int  # alert episodes on every series
    series_years: float
    seconds: float


@dataclass(slots=True)
class BacktestResult:
    """The backtest's figures for every detector, from one run."""

    summaries: list[DetectorSummary]
    outcomes: list[EpisodeOutcome]
    series: int
    periods: int
    seconds: float
    online_checked: int  # truncated-vs-full comparisons that held
    episodes: list[str] = field(default_factory=list)

    def summary(self, detector: str) -> DetectorSummary:
        return next(s for s in self.summaries if s.detector == detector)

    def outcome(self, detector: str, episode: str) -> EpisodeOutcome:
        return next(o for o in self.outcomes
                    if o.detector == detector and o.episode == episode)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        data = {"series": self.series, "periods": self.periods, "seconds": self.seconds,
                "online_checked": self.online_checked,
                "detectors": [asdict(s) for s in self.summaries],
                "outcomes": [asdict(o) for o in self.outcomes]}
        return dict(json.loads(json.dumps(data, default=_json_default)))

    def to_markdown(self) -> str:
        """One table: a column per detector; recall, leads, false alarms and run time, then
        each labelled episode's leads (to peak / to 2x, in its series' periods)."""
        names = [s.detector for s in self.summaries]
        lines = ["| | " + " | ".join(f"`{n}`" for n in names) + " |",
                 "|---|" + "---|" * len(names)]

        def row(title: str, cells: Iterable[str]) -> None:
            lines.append(f"| {title} | " + " | ".join(cells) + " |")

        row("recall (labelled surges detected)",
            (f"{s.recall:.2f} ({s.detected}/{s.labelled})" for s in self.summaries))
        row("median lead to peak, months", (_num(s.median_lead_to_peak) for s in self.summaries))
        row("median lead to 2x baseline, months",
            (_num(s.median_lead_to_double) for s in self.summaries))
        row("false alarms per route-year (route totals)",
            (f"{s.false_alarms_per_route_year:.3f} ({s.false_alarms} in {s.route_years:.0f})"
             for s in self.summaries))
        row("flagged months outside labelled episodes per route-year",
            (f"{s.flagged_months_outside_per_route_year:.2f}" for s in self.summaries))
        row("alert episodes, all series", (str(s.alerts) for s in self.summaries))
        row("run time, s", (f"{s.seconds:.2f}" for s in self.summaries))
        for name in self.episodes:
            outs = [self.outcome(d, name) for d in names]
            first = outs[0]
            if not first.in_data:
                row(f"{name}: series not in data", ("–" for _ in outs))
                continue
            if first.label == "blind_spot":
                row(f"{name} (blind spot)", ("alert" if o.detected else "no alert"
                                             for o in outs))
                continue
            unit = "d" if first.unit == "day" else "mo"
            row(f"{name}: lead to peak / to 2x, {unit}", (_cell(o) for o in outs))
        return "\n".join(lines) + "\n"


def run_backtest(series: Mapping[SeriesKey, pd.Series], episodes_path: Path | None = None,
                 detectors: Mapping[str, Detector[Any]] | Sequence[Detector[Any] | str]
                 | None = None, *, check_online: bool = True) -> BacktestResult:
    """Replay every series with every detector (default settings for each series'
    precision) and score them against the labelled episodes."""
    started = time.perf_counter()
    chosen = _detectors(detectors)
    labelled = load_labelled_episodes(episodes_path)
    prepared = {k: prepare_series(s, "day" if k.precision == "day" else "month")
                for k, s in series.items()}
    prepared = {k: p for k, p in prepared.items() if len(p)}
    summaries: list[DetectorSummary] = []
    outcomes: list[EpisodeOutcome] = []
    checked = 0
    for det in chosen:
        t0 = time.perf_counter()
        flags = {k: _replay(det, p) for k, p in prepared.items()}
        seconds = time.perf_counter() - t0
        if check_online:
            checked += _check_online(det, prepared, flags)
        found = [_score_episode(det.NAME, e, prepared, flags) for e in labelled]
        outcomes.extend(found)
        summaries.append(_summarise(det, found, labelled, prepared, flags, seconds))
    return BacktestResult(summaries, outcomes, len(prepared),
                          sum(len(p) for p in prepared.values()),
                          time.perf_counter() - started, checked,
                          [e.episode for e in labelled])


def _detectors(detectors: Mapping[str, Detector[Any]] | Sequence[Detector[Any] | str] | None
               ) -> list[Detector[Any]]:
    if detectors is None:
        return list(DETECTORS.values())
    if isinstance(detectors, Mapping):
        return list(detectors.values())
    return [get_detector(d) for d in detectors]


def _replay(det: Detector[Any], p: PreparedSeries) -> np.ndarray:
    return det.run(p.values, p.periods, det.default_settings(p.precision), p.precision).flagged


def _check_online(det: Detector[Any], prepared: Mapping[SeriesKey, PreparedSeries],
                  flags: Mapping[SeriesKey, np.ndarray]) -> int:
    """Re-run the three longest series cut at two points and compare with the full run."""
    longest = sorted(prepared, key=lambda k: (-len(prepared[k]), k.label))[:3]
    done = 0
    for key in longest:
        p = prepared[key]
        for cut in (len(p) // 2, (3 * len(p)) // 4):
            if cut < 2:
                continue
            head = det.run(p.values[:cut], p.periods[:cut],
                           det.default_settings(p.precision), p.precision).flagged
            if not np.array_equal(head, flags[key][:cut]):
                raise AssertionError(f"{det.NAME} looked ahead on {key.label} (cut at {cut})")
            done += 1
    return done


def _score_episode(detector: str, e: LabelledEpisode,
                   prepared: Mapping[SeriesKey, PreparedSeries],
                   flags: Mapping[SeriesKey, np.ndarray]) -> EpisodeOutcome:
    key = next((k for k in prepared if e.matches(k)), None)
    unit = e.precision if e.precision == "day" else "month"
    if key is None:
        return EpisodeOutcome(e.episode, detector, e.label, False, False, None, e.peak, None,
                              None, None, unit)
    p = prepared[key]
    index = _index(p.periods)
    flag = flags[key]
    window_start = _shift(e.start, -PRE_START[unit], unit)
    before = [i for i, d in enumerate(index) if d < window_start]
    if before and flag[before[-1]]:
        window_start = e.start  # an alarm carried over from earlier earns no early credit
    flagged = [index[i] for i in np.flatnonzero(flag).tolist()
               if window_start <= index[i] <= e.end]
    first = min(flagged) if flagged else None
    double = _double_period(p, index, e, unit)
    return EpisodeOutcome(
        e.episode, detector, e.label, True, first is not None, first, e.peak, double,
        _between(first, e.peak, unit) if first else None,
        _between(first, double, unit) if first and double else None, unit)


def _double_period(p: PreparedSeries, index: list[date], e: LabelledEpisode,
                   unit: str) -> date | None:
    year_before = _shift(e.start, -12 if unit == "month" else -364, unit)
    before = [v for d, v in zip(index, p.values.tolist(), strict=True)
              if year_before <= d < e.start and math.isfinite(v)]
    if not before:
        return None
    baseline = statistics.fmean(before)
    for d, v in zip(index, p.values.tolist(), strict=True):
        if e.start <= d <= e.end and math.isfinite(v) and v >= 2 * baseline and v > 0:
            return d
    return None


def _summarise(det: Detector[Any], found: list[EpisodeOutcome],
               labelled: list[LabelledEpisode], prepared: Mapping[SeriesKey, PreparedSeries],
               flags: Mapping[SeriesKey, np.ndarray], seconds: float) -> DetectorSummary:
    scored = [o for o in found if o.label == "surge" and o.in_data]
    hits = [o for o in scored if o.detected]
    to_peak = [_months(o.lead_to_peak, o.unit) for o in hits if o.lead_to_peak is not None]
    to_double = [_months(o.lead_to_double, o.unit) for o in hits
                 if o.lead_to_double is not None]
    false_alarms, outside, route_years = 0, 0, 0.0
    alerts, series_years = 0, 0.0
    for key, p in prepared.items():
        runs = flagged_runs(flags[key])
        alerts += len(runs)
        series_years += len(p) / (364.0 if p.precision == "day" else 12.0)
        if not _is_route_total(key):
            continue
        route_years += len(p) / 12.0
        index = _index(p.periods)
        windows = [(e.start, e.end) for e in labelled if e.matches(key)]
        for first, last in runs:
            if not any(index[first] <= end and index[last] >= start for start, end in windows):
                false_alarms += 1
        outside += sum(1 for i in np.flatnonzero(flags[key]).tolist()
                       if not any(start <= index[i] <= end for start, end in windows))
    return DetectorSummary(
        det.NAME, det.VERSION, len(hits) / len(scored) if scored else 0.0, len(hits),
        len(scored), statistics.median(to_peak) if to_peak else None,
        statistics.median(to_double) if to_double else None, false_alarms, route_years,
        false_alarms / route_years if route_years else 0.0,
        outside / route_years if route_years else 0.0, alerts, series_years,
        round(seconds, 3))


def _is_route_total(key: SeriesKey) -> bool:
    return (key.metric == IBC and key.route is not None and key.border_type is None
            and key.nationality == "ALL" and key.precision == "month")


def _index(periods: pd.DatetimeIndex) -> list[date]:
    return [ts.date() for ts in periods]


def _parse_date(text: str) -> date:
    value = text.strip()
    if len(value) == 7:
        return datetime.strptime(value, "%Y-%m").date()
    return date.fromisoformat(value)


def _shift(day: date, n: int, unit: str) -> date:
    if unit == "day":
        return day + timedelta(days=n)
    month = day.year * 12 + day.month - 1 + n
    return date(month // 12, month % 12 + 1, 1)


def _between(a: date | None, b: date | None, unit: str) -> int | None:
    if a is None or b is None:
        return None
    if unit == "day":
        return (b - a).days
    return (b.year * 12 + b.month) - (a.year * 12 + a.month)


def _months(n: int, unit: str) -> float:
    return n / DAYS_PER_MONTH if unit == "day" else float(n)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _cell(o: EpisodeOutcome) -> str:
    if not o.detected:
        return "missed"
    double = "–" if o.lead_to_double is None else str(o.lead_to_double)
    return f"{o.lead_to_peak} / {double}"


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    raise TypeError(f"cannot serialise {type(value).__name__}")
