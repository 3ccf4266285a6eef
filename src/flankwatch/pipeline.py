"""The composition root: open store -> run sources -> read windows -> (detectors, alerts as
they land) -> publish. The CLI and the other interfaces call these steps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console

from flankwatch.analytics.series import to_series as _to_series
from flankwatch.report import frames, overview
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore


def to_series(frame: pd.DataFrame) -> pd.DataFrame:
    return _to_series(frame)


def write_frame(frame: pd.DataFrame, fmt: str, out_file: Path | None, console: Console) -> None:
    frames.write_frame(frame, fmt, out_file, console)


def write_scenario(out_dir: Path, seed: int) -> list[Path]:
    """Write the exercise scenario (files in real formats + ground truth)."""
    from flankwatch.sources.scenario import generate

    written: list[Path] = generate(out_dir, seed=seed)
    return written


def fetchable_sources() -> tuple[str, ...]:
    from flankwatch.sources.fetch import FETCHERS

    return tuple(sorted(FETCHERS))


def fetch(source: str, out_dir: Path) -> Path:
    from flankwatch.sources.fetch import fetch as _fetch

    path: Path = _fetch(source, out_dir, timeout_s=load_settings().fetch_timeout_s)
    return path


def write_overview(store: DuckDBStore, report: object, out_dir: Path) -> Path:
    """The situation overview page of the demo."""
    to_json = getattr(report, "to_json", None)
    return overview.write(store.reader(), to_json() if to_json else {}, out_dir)
