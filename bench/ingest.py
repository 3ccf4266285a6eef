"""Ingest benchmark: the whole real data folder into a fresh temporary store.

Prints JSON: total seconds and records, per source and per file the records read, the seconds
and records/s, and, as the peer measured in the same run on the same machine, the seconds
``pandas.read_csv`` takes just to parse each CSV file (``ratio`` = ours / pandas; ours also
validates, normalises, derives ids and writes the store). The targets it reports against:
the whole folder in under 30 s, and the CSV event sources (ucdp, gdelt, iom_mmp) at 200,000
records/s or more. Files no adapter recognises are listed as skipped.

    .venv/bin/python bench/ingest.py [--data ../shared/data] [--threads N] [--no-pandas]

This is not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from flankwatch.ingest import FileReport, ingest
from flankwatch.sources.registry import adapters
from flankwatch.store.duckdb import DuckDBStore

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
TOTAL_TARGET_S = 30.0
EVENT_SOURCES = ("ucdp", "gdelt", "iom_mmp")
EVENT_TARGET_RPS = 200_000


def pandas_seconds(path: Path) -> float | None:
    """Seconds pandas.read_csv takes to parse a CSV file with its defaults (None: not CSV,
    or pandas cannot parse it)."""
    name = path.name.lower()
    if not (name.endswith(".csv") or name.endswith(".csv.gz")):
        return None
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.read_csv(path, low_memory=False, on_bad_lines="skip", encoding_errors="replace")
    except Exception:  # a file pandas cannot parse has no peer figure
        return None
    return time.perf_counter() - started


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not available on this platform
        return None


def rate(records: int, seconds: float) -> int | None:
    return round(records / seconds) if seconds > 0 else None


def file_entry(fr: FileReport, data: Path, peer: float | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "file": str(Path(fr.path).relative_to(data)),
        "source": fr.source,
        "adapter": fr.adapter,
        "status": fr.status,
        "read": fr.tally.read,
        "stored": fr.tally.stored,
        "quarantined": fr.tally.quarantined,
        "seconds": round(fr.seconds, 3),
        "records_per_s": rate(fr.tally.read, fr.seconds),
    }
    if peer is not None:
        entry["pandas_read_csv_seconds"] = round(peer, 3)
        entry["ratio_ours_to_pandas"] = round(fr.seconds / peer, 2) if peer > 0 else None
    if fr.error:
        entry["error"] = fr.error
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FLANKWATCH_DATA", str(DEFAULT_DATA))),
                        help="the data folder (default: $FLANKWATCH_DATA or ../shared/data)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas peer")
    args = parser.parse_args(argv)
    data: Path = args.data.resolve()
    if not data.is_dir():
        print(f"no data folder at {data} (use --data or FLANKWATCH_DATA)", file=sys.stderr)
        return 2

    present = sorted(a.meta.name for a in adapters())  # imported before the clock starts
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="flankwatch-bench-") as tmp, \
            DuckDBStore(Path(tmp) / "bench.duckdb", threads=args.threads) as store:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = ingest(store, [data])
        total_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_started

    files: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    per_source: dict[str, dict[str, Any]] = {}
    for fr in report.files:
        if fr.status == "skipped":
            skipped.append({"file": str(Path(fr.path).relative_to(data)), "reason": fr.error})
            continue
        peer = None if args.no_pandas else pandas_seconds(Path(fr.path))
        files.append(file_entry(fr, data, peer))
        if fr.source is not None:
            s = per_source.setdefault(fr.source, {"files": 0, "read": 0, "seconds": 0.0})
            s["files"] += 1
            s["read"] += fr.tally.read
            s["seconds"] += fr.seconds
    for s in per_source.values():
        s["records_per_s"] = rate(s["read"], s["seconds"])
        s["seconds"] = round(s["seconds"], 3)

    total = report.total
    events = {k: per_source[k]["records_per_s"] for k in EVENT_SOURCES if k in per_source}
    out = {
        "data": str(data),
        "adapters_present": present,
        # Wall time is what the target is about; CPU time (all threads of this process)
        # and the load average tell whether other work on the machine slowed the run.
        "machine": {"cpus": os.cpu_count(), "load_average_1m_before": load_before,
                    "load_average_1m_after": _load()},
        "total_seconds": round(total_s, 3),
        "total_cpu_seconds": round(cpu_s, 3),
        "total_records": total.read,
        "records_per_s": rate(total.read, total_s),
        "stored": total.stored,
        "duplicates": total.duplicates,
        "quarantined": total.quarantined,
        "balanced": total.balanced,
        "targets": {
            "all_files_under_s": TOTAL_TARGET_S,
            "all_files_met": total_s < TOTAL_TARGET_S,
            "event_sources_records_per_s": EVENT_TARGET_RPS,
            "event_sources": {k: {"records_per_s": v, "met": v is not None
                                  and v >= EVENT_TARGET_RPS} for k, v in events.items()},
            "event_sources_absent": [k for k in EVENT_SOURCES if k not in per_source],
        },
        "sources": dict(sorted(per_source.items())),
        "files": files,
        "failed": [f for f in files if f["status"] == "failed"],
        "skipped": skipped,
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
