"""``flankwatch alerts``: list, show, acknowledge, close, reopen and export alerts. Every action is
recorded with who and when in the alert's log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flankwatch import pipeline
from flankwatch.alerts import exports
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore

app = typer.Typer(help="Alerts: list, show, acknowledge, close, reopen.", no_args_is_help=True)
out = Console(soft_wrap=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Store file (default: FLANKWATCH_DB).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _store(db: str | None, read_only: bool) -> DuckDBStore:
    return DuckDBStore(db or load_settings().db, read_only=read_only)


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str))


@app.command("list")
def list_cmd(
    db: DbOpt = None,
    kind: Annotated[str | None, typer.Option(help="surge or maritime.")] = None,
    status: Annotated[str | None, typer.Option(help="new, acknowledged or closed.")] = None,
    severity: Annotated[str | None, typer.Option(help="low, medium, high or critical.")]
    = None,
    ongoing: Annotated[bool, typer.Option("--ongoing", help="Only episodes still under way.")]
    = False,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Alerts, most recent peak first."""
    with _store(db, read_only=True) as store:
        alerts = pipeline.list_alerts(store.reader(), kind=kind, status=status,
                                      severity=severity, ongoing=ongoing, limit=limit)
    if as_json:
        _print_json(alerts)
        return
    table = Table(title=f"{len(alerts)} alerts")
    for col in ("id", "status", "severity", "peak", "title", "instrumentalisation"):
        table.add_column(col, overflow="fold")
    for a in alerts:
        instr = a.get("instrumentalisation") or {}
        table.add_row(a["id"][:12], a["status"], a["severity"], str(a["peak_period"])[:7],
                      a["title"], instr.get("judgement", "") if instr else "")
    out.print(table)


@app.command("show")
def show_cmd(alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix).")],
             db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """One alert with its explanation, evidence, assessment and log."""
    with _store(db, read_only=True) as store:
        alert = pipeline.get_alert(store.reader(), alert_id)
    if as_json:
        _print_json(alert)
        return
    out.print(f"[bold]{alert['title']}[/]  ({alert['severity']}, {alert['status']}, "
              f"{alert['marking']})")
    out.print(alert["explanation"])
    instr = alert.get("instrumentalisation")
    if instr:
        out.print(f"\nInstrumentalisation: [bold]{instr['judgement']}[/] "
                  f"(score {instr['score']:.2f}). {instr['summary']}")
        for ind in instr["indicators"]:
            value = "n/a" if ind["value"] is None else f"{ind['value']:.2f}"
            out.print(f"  - {ind['name']}: {value} — {ind['why']}")
        for c in instr["caveats"]:
            out.print(f"  caveat: {c}")
    for entry in alert.get("log", []):
        out.print(f"  {entry['at']} {entry['by']} {entry['action']} "
                  f"{entry.get('note') or ''}")


def _act(action: str, alert_id: str, by: str, note: str | None, db: str | None) -> None:
    with _store(db, read_only=False) as store:
        done = pipeline.act_on_alert(store, alert_id, action, by, note)
    out.print(f"{done['id']}: {done['from_status']} -> {done['to_status']} by {done['by']}")


ById = Annotated[str, typer.Option("--by", help="Who takes the action (kept in the log).")]
Note = Annotated[str | None, typer.Option(help="A note for the log.")]


@app.command("ack")
def ack_cmd(alert_id: str, by: ById, note: Note = None, db: DbOpt = None) -> None:
    """Acknowledge a new alert."""
    _act("acknowledge", alert_id, by, note, db)


@app.command("close")
def close_cmd(alert_id: str, by: ById, note: Note = None, db: DbOpt = None) -> None:
    """Close an alert."""
    _act("close", alert_id, by, note, db)


@app.command("reopen")
def reopen_cmd(alert_id: str, by: ById, note: Note = None, db: DbOpt = None) -> None:
    """Reopen a closed alert."""
    _act("reopen", alert_id, by, note, db)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="stix, cap or geojson.")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write (cap: one file per "
                                           "alert, named after it).")],
    kind: Annotated[str | None, typer.Option(help="surge or maritime.")] = None,
    status: Annotated[str | None, typer.Option(help="new, acknowledged or closed.")] = None,
    host: Annotated[str, typer.Option(help="CAP sender host: flankwatch@HOST.")]
    = "localhost",
    db: DbOpt = None,
) -> None:
    """Alerts as a STIX 2.1 bundle, CAP 1.2 messages or a GeoJSON FeatureCollection."""
    if fmt not in exports.FORMATS:
        raise typer.BadParameter(f"{fmt!r}: one of {', '.join(exports.FORMATS)}",
                                 param_hint="--format")
    with _store(db, read_only=True) as store:
        alerts = pipeline.list_alerts(store.reader(), kind=kind, status=status)
    written = exports.write_export(alerts, fmt, out_file, host=host)
    out.print(f"{len(alerts)} alerts -> {len(written)} {fmt} file(s): "
              + ", ".join(str(p) for p in written))
