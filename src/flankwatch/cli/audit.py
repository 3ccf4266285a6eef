"""``flankwatch audit``: verify and read the hash-chained audit trail (docs/security.md).

Also :func:`record`, which the other commands call once when they finish (ingest, export), so
every analyst action lands in the trail with who and when."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flankwatch.ingest import IngestReport
from flankwatch.model.audit import AuditEntry, canonical_time
from flankwatch.security.audit import verify
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore

app = typer.Typer(help="The audit trail: verify its hash chain, read it.",
                  no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Store file (default: FLANKWATCH_DB).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def actor() -> str:
    """Who runs this command: $USER, or "local"."""
    return os.environ.get("USER") or "local"


def record(db: Path | str | None, action: str, target: str, detail: dict[str, Any]) -> None:
    """Append one audit entry to the store at ``db`` (opened for writing just for that)."""
    with DuckDBStore(db or load_settings().db) as store:
        store.writer().audit(actor(), action, target, detail)


def record_ingest(store: DuckDBStore, report: IngestReport) -> None:
    """One audit entry for an ingest run: its files, totals and failures."""
    store.writer().audit(actor(), "ingest", report.run_id,
                         {"files": [f.path for f in report.files],
                          "total": report.to_json()["total"],
                          "failed": [f.path for f in report.failed]})


def _entries(db: str | None, limit: int | None = None) -> list[AuditEntry]:
    with DuckDBStore(db or load_settings().db, read_only=True) as store:
        return store.reader().audit_entries(limit=limit)


def _entry_json(e: AuditEntry) -> dict[str, Any]:
    try:
        detail: Any = json.loads(e.detail)
    except ValueError:
        detail = e.detail
    return {"seq": e.seq, "at": canonical_time(e.at), "actor": e.actor, "action": e.action,
            "target": e.target, "detail": detail, "prev_hash": e.prev_hash, "hash": e.hash}


@app.command("verify")
def verify_cmd(
    db: DbOpt = None,
    anchor: Annotated[str | None, typer.Option(help="A head hash recorded earlier: the trail "
                                               "must still contain it.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the hash chain. Exit 0 when intact, 1 naming the first broken entry."""
    result = verify(_entries(db), anchor=anchor)
    if as_json:
        out.print_json(json.dumps(result.to_json()))
    elif result.ok:
        out.print(f"audit trail intact: {result.entries} entries, head {result.head}")
    else:
        where = (f" at entry {result.first_bad_seq}" if result.first_bad_seq is not None
                 else "")
        err.print(f"[red]audit trail broken{where}[/] ({result.problem}): {result.reason}")
    if not result.ok:
        raise typer.Exit(1)


@app.command("log")
def log_cmd(
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(help="The latest this many entries.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The latest entries of the audit trail, oldest first."""
    entries = _entries(db, limit=limit)
    if as_json:
        out.print_json(json.dumps([_entry_json(e) for e in entries]))
        return
    table = Table(title=f"audit trail ({len(entries)} entries)")
    for col in ("seq", "at", "actor", "action", "target", "detail", "hash"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(str(e.seq), canonical_time(e.at), e.actor, e.action, e.target,
                      e.detail, e.hash[:12])
    out.print(table)
