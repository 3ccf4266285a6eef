"""``flankwatch``: the command-line interface. Thin: each command parses options, calls the
pipeline, ingest or the reader, and prints. Every ``--json`` output is a documented contract
(docs/cli.md)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flankwatch import pipeline
from flankwatch.cli.alerts import app as alerts_app
from flankwatch.cli.analysis import backtest_app, detect_app
from flankwatch.cli.audit import app as audit_app
from flankwatch.cli.audit import record as audit_record
from flankwatch.cli.audit import record_ingest as audit_ingest
from flankwatch.cli.users import orgs_app, users_app
from flankwatch.errors import FlankWatchError
from flankwatch.ingest import FileReport, IngestReport, ingest
from flankwatch.settings import load_settings
from flankwatch.sources.registry import adapters
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query

app = typer.Typer(
    name="flankwatch",
    help="Early warning and situational awareness for NATO's southern flank.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console(soft_wrap=True)

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: the FLANKWATCH_DB setting)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _db(db: Path | None) -> Path:
    return db if db is not None else load_settings().db


def _open(db: Path | None, read_only: bool = False) -> DuckDBStore:
    return DuckDBStore(_db(db), read_only=read_only, threads=load_settings().threads)


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str))


# -- ingest ------------------------------------------------------------------------------------


def run_ingest_with_progress(store: DuckDBStore, paths: list[Path], adapter: str | None,
                             quiet: bool) -> IngestReport:
    """Ingest with a progress bar (files done / files to do) on stderr."""
    from flankwatch.ingest import expand_paths

    total = len(expand_paths(paths))
    with Progress(TextColumn("[bold]ingest[/]"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} files"), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task("", total=total)

        def on_progress(path: str, n: int) -> None:
            bar.update(task, description=f"{Path(path).name}: {n:,} records")

        def on_file(fr: FileReport) -> None:
            bar.advance(task)
            if fr.status == "failed":
                console.print(f"[red]error[/] {fr.path}: {fr.error}")

        return ingest(store, paths, adapter_name=adapter, progress=on_progress, on_file=on_file)


def print_ingest_report(report: IngestReport) -> None:
    table = Table(title=f"ingest run {report.run_id} ({report.seconds:.1f} s)")
    for col in ("source", "read", "stored", "duplicates", "quarantined"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for name, t in report.per_source.items():
        table.add_row(name, f"{t.read:,}", f"{t.stored:,}", f"{t.duplicates:,}",
                      f"{t.quarantined:,}")
    t = report.total
    table.add_row("[bold]total", f"{t.read:,}", f"{t.stored:,}", f"{t.duplicates:,}",
                  f"{t.quarantined:,}")
    out.print(table)
    for f in report.files:
        if f.status == "skipped":
            out.print(f"[yellow]skipped[/] {f.path}: {f.error}")
        for w in f.warnings:
            out.print(f"[yellow]warning[/] {f.path}: {w}")
    if report.total.quarantined:
        out.print(f"{report.total.quarantined:,} records quarantined: "
                  "`flankwatch quarantine` shows each with its file, line and reason.")


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    db: DbOpt = None,
    adapter: Annotated[str | None, typer.Option(help="Force this adapter (see "
                                                "`flankwatch sources`).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest files and folders: every record normalised, de-duplicated and traceable; every
    reject quarantined with its reason. Exits 1 if any file could not be read at all."""
    with _open(db) as store:
        report = run_ingest_with_progress(store, paths, adapter, quiet=as_json)
        audit_ingest(store, report)
    if as_json:
        _print_json(report.to_json())
    else:
        print_ingest_report(report)
    if report.failed:
        raise typer.Exit(1)


# -- sources, status, quarantine ------------------------------------------------------------


@app.command("sources")
def sources_cmd(as_json: JsonOpt = False) -> None:
    """List the source adapters with their publisher, licence, cadence and address."""
    rows: list[dict[str, Any]] = [
        {
            "name": a.meta.name,
            "source": a.meta.source,
            "title": a.meta.title,
            "publisher": a.meta.publisher,
            "licence": a.meta.licence,
            "cadence": a.meta.cadence,
            "url": a.meta.url,
            "formats": list(a.meta.formats),
            "tables": list(a.meta.tables),
            "marking": a.meta.marking.text,
            "count_assertions": {k: list(v) for k, v in a.meta.count_assertions.items()},
            "fetchable": a.meta.source in pipeline.fetchable_sources(),
        }
        for a in adapters()
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table(title="source adapters")
    for col in ("name", "publisher", "cadence", "licence", "tables"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["publisher"], r["cadence"], r["licence"],
                      ", ".join(r["tables"]))
    out.print(table)


@app.command("status")
def status_cmd(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Counts per table and source, quarantine counts and recent ingest runs."""
    with _open(db, read_only=True) as store:
        status = store.reader().status()
    if as_json:
        _print_json(status)
        return
    table = Table(title=f"store {status['db']} (schema v{status['schema_version']})")
    table.add_column("table")
    table.add_column("records", justify="right")
    table.add_column("by source")
    for name, n in status["tables"].items():
        per = ", ".join(f"{s} {c:,}" for s, c in status["by_source"][name].items())
        table.add_row(name, f"{n:,}", per)
    table.add_row("quarantine", f"{status.get('quarantine', 0):,}",
                  ", ".join(f"{s} {c:,}" for s, c in status.get("quarantine_by_source",
                                                              {}).items()))
    out.print(table)
    for run in status.get("recent_runs", []):
        out.print(f"run {run['run_id']} {run['started_at']} {run['status']} {run['totals']}")


@app.command("quarantine")
def quarantine_cmd(
    db: DbOpt = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    file: Annotated[str | None, typer.Option(help="Only files whose path contains this.")]
    = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Browse rejected records: source, file, line, reason and the raw text."""
    with _open(db, read_only=True) as store:
        frame = store.reader().quarantine(source=source, file=file, limit=limit, offset=offset)
    if as_json:
        _print_json(json.loads(frame.to_json(orient="records", date_format="iso")))
        return
    table = Table(title="quarantine")
    for col in ("source", "file", "line", "reason", "raw"):
        table.add_column(col, overflow="fold")
    for r in frame.itertuples():
        table.add_row(str(r.source), Path(str(r.file)).name, str(r.line), str(r.reason),
                      str(r.raw)[:120])
    out.print(table)


# -- query -------------------------------------------------------------------------------------


class QueryTable(StrEnum):
    events = "events"
    series = "series"
    observations = "observations"
    positions = "positions"
    vessels = "vessels"
    entities = "entities"
    areas = "areas"
    forecasts = "forecasts"


class OutFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    geojson = "geojson"
    parquet = "parquet"


@app.command("query")
def query_cmd(
    what: Annotated[QueryTable, typer.Argument(help="What to read. `series` reads "
                                               "observations.")],
    db: DbOpt = None,
    bbox: Annotated[str | None, typer.Option(help="west,south,east,north")] = None,
    area: Annotated[str | None, typer.Option(help="Name of a stored area, e.g. "
                                             "'Mediterranean Sea'.")] = None,
    start: Annotated[str | None, typer.Option(help="From this date (YYYY, YYYY-MM or ISO).")]
    = None,
    end: Annotated[str | None, typer.Option(help="Before this date (exclusive).")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Event kind, observation "
                    "metric, entity schema or area kind (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Source (repeatable).")]
    = None,
    where: Annotated[list[str] | None, typer.Option("--where", help="COLUMN=VALUE filter "
                     "(repeatable), e.g. --where route='Eastern Borders Route'.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
    fmt: Annotated[OutFormat, typer.Option("--format", help="Output format.")] =
    OutFormat.table,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Query the store: filters by area, time, kind, source and column values."""
    filters: dict[str, list[str]] = {}
    for w in where or []:
        col, sep, val = w.partition("=")
        if not sep:
            raise FlankWatchError(f"--where needs COLUMN=VALUE, got {w!r}")
        filters.setdefault(col.strip(), []).append(val.strip().strip("'\""))
    table = "observations" if what is QueryTable.series else what.value
    q = Query.build(table, bbox=bbox, area=area, start=start, end=end, kinds=kind,
                    sources=source, where=filters, limit=limit)
    with _open(db, read_only=True) as store:
        frame = store.reader().select(q)
    if what is QueryTable.series:
        frame = pipeline.to_series(frame)
    pipeline.write_frame(frame, fmt.value, out_file, out)


# -- scenario, fetch, export/import, demo ----------------------------------------------------


@app.command("scenario")
def scenario_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the scenario to.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    as_json: JsonOpt = False,
) -> None:
    """Write the synthetic exercise world (real formats, plus ground truth)."""
    written = pipeline.write_scenario(out_dir, seed)
    if as_json:
        _print_json({"out": str(out_dir), "files": [str(p) for p in written]})
    else:
        for p in written:
            out.print(str(p))


@app.command("fetch")
def fetch_cmd(
    source: Annotated[str, typer.Argument(help="Source to download (see `flankwatch "
                                          "sources --json`, field fetchable).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to save the download to.")] =
    Path("var/downloads"),
    db: DbOpt = None,
    ingest_after: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Ingest the "
                            "downloaded file.")] = False,
) -> None:
    """Download a public source from its publisher (needs the internet)."""
    path = pipeline.fetch(source, out_dir)
    out.print(f"saved {path}")
    if ingest_after:
        with _open(db) as store:
            print_ingest_report(run_ingest_with_progress(store, [path], None, quiet=False))


@app.command("export")
def export_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for <table>.parquet files.")],
    db: DbOpt = None,
) -> None:
    """Export every table to Parquet."""
    with _open(db, read_only=True) as store:
        written = store.export_parquet(out_dir)
    for p in written:
        out.print(str(p))
    audit_record(db, "export", str(out_dir), {"files": [p.name for p in written]})


@app.command("import")
def import_cmd(
    in_dir: Annotated[Path, typer.Argument(help="Folder of <table>.parquet files.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import Parquet tables written by `flankwatch export` (idempotent upsert)."""
    with _open(db) as store:
        result = store.writer().import_parquet(in_dir)
    data = {t: {"stored": s, "duplicates": d} for t, (s, d) in result.items()}
    if as_json:
        _print_json(data)
    else:
        for t, v in data.items():
            out.print(f"{t}: {v['stored']:,} stored, {v['duplicates']:,} duplicates")


@app.command("demo")
def demo_cmd(
    db: DbOpt = None,
    data: Annotated[Path | None, typer.Option("--data", help="Real data folder (default: the "
                    "FLANKWATCH_DATA setting; without it the exercise scenario is used).")]
    = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's products.")] =
    Path("var/demo"),
) -> None:
    """Run the whole job: ingest -> detect surges -> alerts -> report, and say how to look
    at it."""
    settings = load_settings()
    data_dir = data or settings.data
    db_path = db or out_dir / "flankwatch.duckdb"
    if data_dir is None:
        scenario_dir = out_dir / "scenario"
        out.print(f"No real data folder given: writing the exercise scenario to {scenario_dir}")
        pipeline.write_scenario(scenario_dir, settings.scenario_seed)
        data_dir = scenario_dir / "data"
    with DuckDBStore(db_path, threads=settings.threads) as store:
        report = run_ingest_with_progress(store, [data_dir], None, quiet=False)
        print_ingest_report(report)
        alerts = pipeline.detect_surges(store)
        ongoing = sum(1 for a in alerts if a["ongoing"])
        out.print(f"\nSurge detection: {len(alerts)} episodes, {ongoing} still under way. "
                  "The most severe of the latest:")
        rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        latest = sorted(alerts, key=lambda a: a["peak_period"], reverse=True)[:8]
        for a in sorted(latest, key=lambda a: (rank.get(a["severity"], 9),
                                               not a["ongoing"]))[:5]:
            instr = a.get("instrumentalisation") or {}
            out.print(f"  \\[{a['severity']}] {a['title']}"
                      + (" (ongoing)" if a["ongoing"] else "")
                      + (f" — instrumentalisation {instr['judgement']}" if instr else ""))
        overview = pipeline.write_overview(store, report, out_dir)
    out.print(f"\nStore: {db_path}")
    out.print(f"Situation overview: open file://{overview.resolve()} in a browser")


app.add_typer(alerts_app, name="alerts")
app.add_typer(detect_app, name="detect")
app.add_typer(backtest_app, name="backtest")
app.add_typer(audit_app, name="audit")
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")


def main() -> None:
    """Entry point: FlankWatch errors become one clear line and exit code 2."""
    try:
        app()
    except FlankWatchError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(2)
