"""``flankwatch detect ...`` and ``flankwatch backtest ...``: run detectors over the store and
replay them against labelled history."""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flankwatch import pipeline
from flankwatch.ingest import ingest
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore

detect_app = typer.Typer(help="Run detectors over the store and raise alerts.",
                         no_args_is_help=True)
backtest_app = typer.Typer(help="Replay detectors over history against labelled episodes.",
                           no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Store file (default: FLANKWATCH_DB).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class DetectorName(StrEnum):
    seasonal_robust = "seasonal_robust"
    cusum = "cusum"
    ewma = "ewma"
    yoy = "yoy"


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str))


@detect_app.command("surges")
def detect_surges_cmd(
    db: DbOpt = None,
    detector: Annotated[DetectorName, typer.Option(help="Detector (model cards in "
                        "docs/detectors/).")] = DetectorName.seasonal_robust,
    ongoing: Annotated[bool, typer.Option("--ongoing", help="Print only episodes still under "
                       "way.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Detect migration surges on every series, assess instrumentalisation, and keep one
    alert per episode (updated while it grows, closed when it ends)."""
    with DuckDBStore(db or load_settings().db) as store, Progress(
            TextColumn("[bold]detect surges[/]"), BarColumn(),
            TextColumn("{task.completed}/{task.total} series"), TimeElapsedColumn(),
            console=err, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("", total=None)
        alerts = pipeline.detect_surges(
            store, detector.value, progress=lambda i, n: bar.update(task, completed=i, total=n))
    if ongoing:
        alerts = [a for a in alerts if a["ongoing"]]
    if as_json:
        _print_json(alerts)
        return
    table = Table(title=f"{len(alerts)} surge episodes ({detector.value})")
    for col in ("id", "peak", "severity", "status", "title", "instrumentalisation"):
        table.add_column(col, overflow="fold")
    for a in alerts[:60]:
        instr = a.get("instrumentalisation") or {}
        table.add_row(a["id"][:12], a["peak_period"][:7], a["severity"], a["status"],
                      a["title"], instr.get("judgement", ""))
    out.print(table)
    if len(alerts) > 60:
        out.print(f"(the 60 most recent of {len(alerts)}; `flankwatch alerts list` shows all)")


@backtest_app.command("surges")
def backtest_surges_cmd(
    db: DbOpt = None,
    data: Annotated[Path | None, typer.Option("--data", help="Ingest this folder into a "
                    "temporary store and backtest on it (instead of --db).")] = None,
    detector: Annotated[list[DetectorName] | None, typer.Option(
        "--detector", help="Only these detectors (repeatable; default all).")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Also write the table "
                        "as Markdown to this file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Replay every series period by period (no look-ahead) with every detector and score
    recall, lead time and false alarms against the labelled episodes."""
    names = [d.value for d in detector] if detector else None
    if data is not None:
        with tempfile.TemporaryDirectory() as tmp, DuckDBStore(Path(tmp) / "bt.duckdb") as s:
            ingest(s, [data])
            result = pipeline.backtest_surges(s, names)
    else:
        with DuckDBStore(db or load_settings().db, read_only=True) as store:
            result = pipeline.backtest_surges(store, names)
    if markdown is not None:
        markdown.write_text(result.to_markdown(), encoding="utf-8")
    if as_json:
        _print_json(result.to_json())
    else:
        out.print(result.to_markdown(), markup=False, highlight=False)
