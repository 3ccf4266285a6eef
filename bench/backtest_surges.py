"""Surge backtest benchmark: every series, every detector, against the labelled episodes.

Reads observations and migrant-death events from a store (``--db``, or ``FLANKWATCH_DB``), or,
without one, ingests the five real files the series come from into a temporary store. Builds
every series (``build_series``), runs ``run_backtest`` once and prints JSON: seconds to read,
build and backtest (target: the backtest in 10 s or less), the number of series and periods,
and per detector its figures and run time, with the run-time ratio of each detector to the
fastest peer measured in the same run, and the backtest table of that run
(``table_markdown``, the one in docs/backtest.md; ``--markdown`` prints only the table).
``--matched`` adds the peers' thresholds swept to the default detector's false-alarm rate
(CUSUM ``h``, EWMA ``width``), so that leads are compared at an equal or lower false-alarm
rate.

    .venv/bin/python bench/backtest_surges.py [--db var/flankwatch.duckdb | --data DIR]
                                              [--markdown] [--matched]

This is not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import flankwatch
from flankwatch.analytics.backtest import BacktestResult, run_backtest
from flankwatch.analytics.detectors import DEFAULT_DETECTOR, DETECTORS, Configured
from flankwatch.analytics.series import ARRIVALS, ASYLUM, IBC, SEA_ARRIVALS, build_series

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
TARGET_S = 10.0
FILES = (
    "frontex/frontex_ibc_monthly_route_nationality_long.csv",
    "eurostat/asylum_applicants_monthly_total_by_geo_2012_2019_ebu.csv",
    "iom_dtm/dtm_europe_arrivals_monthly_by_country_1997_2024.csv",
    "italy/italy_sea_arrivals_daily_2019-09_2025-09.csv",
    "missing_migrants/iom_mmp_incidents_2014_2025.csv",
)
SWEEPS: dict[str, tuple[str, tuple[float, ...]]] = {
    "cusum": ("h", (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0)),
    "ewma": ("width", (1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.5)),
}


def read(store_path: Path | None, data: Path) -> tuple[Any, Any, str]:
    """Observations and migrant-death events, from the store or from the real files."""
    if store_path is not None:
        with flankwatch.open_store(store_path, read_only=True) as fw:
            obs = fw.observations([IBC, ASYLUM, ARRIVALS, SEA_ARRIVALS])
            events = fw.events(kinds="migrant_death")
        return obs, events, str(store_path)
    missing = [f for f in FILES if not (data / f).exists()]
    if missing:
        sys.exit(f"no store given and the data folder lacks {', '.join(missing)}")
    tmp = Path(tempfile.mkdtemp(prefix="fw-bench-surge-")) / "bench.duckdb"
    with flankwatch.open_store(tmp) as fw:
        fw.ingest(*(data / f for f in FILES))
        obs = fw.observations([IBC, ASYLUM, ARRIVALS, SEA_ARRIVALS])
        events = fw.events(kinds="migrant_death")
    return obs, events, f"temporary store from {len(FILES)} files of {data}"


def matched(series: Any, default: BacktestResult) -> list[dict[str, Any]]:
    """Each peer at the loosest swept threshold whose false-alarm rate is at most the
    default detector's."""
    budget = default.summary(DEFAULT_DETECTOR).false_alarms_per_route_year
    rows: list[dict[str, Any]] = []
    for name, (setting, values) in SWEEPS.items():
        best: dict[str, Any] | None = None
        for value in values:
            det = Configured(DETECTORS[name], **{setting: value})
            s = run_backtest(series, detectors=[det], check_online=False).summaries[0]
            if s.false_alarms_per_route_year <= budget + 1e-9:
                best = {"detector": det.NAME, "recall": s.recall,
                        "median_lead_to_peak": s.median_lead_to_peak,
                        "median_lead_to_double": s.median_lead_to_double,
                        "false_alarms_per_route_year": s.false_alarms_per_route_year,
                        "flagged_months_outside_per_route_year":
                            s.flagged_months_outside_per_route_year}
                break
        rows.append(best or {"detector": name, "note": "no swept threshold within budget"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=os.environ.get("FLANKWATCH_DB"))
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FLANKWATCH_DATA", DEFAULT_DATA)))
    parser.add_argument("--markdown", action="store_true", help="print the table")
    parser.add_argument("--matched", action="store_true",
                        help="compare peers at the default's false-alarm rate")
    args = parser.parse_args()
    t0 = time.perf_counter()
    obs, events, origin = read(Path(args.db) if args.db else None, args.data)
    t1 = time.perf_counter()
    series = build_series(obs, events)
    t2 = time.perf_counter()
    result = run_backtest(series)
    t3 = time.perf_counter()
    if args.markdown:
        print(result.to_markdown(), end="")
        return
    fastest_peer = min(s.seconds for s in result.summaries if s.detector != DEFAULT_DETECTOR)
    out: dict[str, Any] = {
        "origin": origin,
        "cpus": os.cpu_count(),
        "series": result.series,
        "periods": result.periods,
        "seconds": {"read": round(t1 - t0, 3), "build_series": round(t2 - t1, 3),
                    "backtest": round(t3 - t2, 3)},
        "target_backtest_s": TARGET_S,
        "within_target": (t3 - t2) <= TARGET_S,
        "online_checked": result.online_checked,
        "detectors": {
            s.detector: {**{k: v for k, v in result.to_json()["detectors"][i].items()
                            if k != "detector"},
                         "ratio_to_fastest_peer": round(s.seconds / fastest_peer, 2)
                         if fastest_peer > 0 else None}
            for i, s in enumerate(result.summaries)},
    }
    if args.matched:
        out["matched_false_alarm_rate"] = matched(series, result)
    out["table_markdown"] = result.to_markdown()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
