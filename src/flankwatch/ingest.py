"""Ingest: files in, records, quarantine and a report out.

For each file: pick the adapter from the content (or the one named), parse it batch by batch,
fill in provenance and marking, upsert into the store and keep every reject, all in one
transaction per file. The report gives per file, per source and in total the numbers
``read = stored + duplicates + quarantined``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flankwatch.errors import FlankWatchError, SourceError, UnknownFormatError
from flankwatch.model.records import IngestFile
from flankwatch.sources.base import Adapter, Batch, ParseContext, SourceMeta
from flankwatch.sources.registry import by_name, detect
from flankwatch.store.duckdb import DuckDBStore

#: Files a folder walk passes over without comment.
_IGNORED_NAMES = {"MANIFEST.md", "README.md", ".DS_Store"}

ProgressFn = Callable[[str, int], None]  # (file, records read so far in it)


@dataclass(slots=True)
class Tally:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def add(self, other: Tally) -> None:
        self.read += other.read
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined

    @property
    def balanced(self) -> bool:
        return self.read == self.stored + self.duplicates + self.quarantined


@dataclass(slots=True)
class FileReport:
    path: str
    source: str | None
    adapter: str | None
    status: str  # done, failed, skipped
    tally: Tally = field(default_factory=Tally)
    tables: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class IngestReport:
    run_id: str
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_source(self) -> dict[str, Tally]:
        out: dict[str, Tally] = {}
        for f in self.files:
            if f.source is not None:
                out.setdefault(f.source, Tally()).add(f.tally)
        return dict(sorted(out.items()))

    @property
    def total(self) -> Tally:
        t = Tally()
        for f in self.files:
            t.add(f.tally)
        return t

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def to_json(self) -> dict[str, Any]:
        """The documented ``flankwatch ingest --json`` contract (docs/cli.md)."""
        return {
            "run_id": self.run_id,
            "seconds": round(self.seconds, 3),
            "total": asdict(self.total),
            "sources": {s: asdict(t) for s, t in self.per_source.items()},
            "files": [
                {
                    "path": f.path,
                    "source": f.source,
                    "adapter": f.adapter,
                    "status": f.status,
                    **asdict(f.tally),
                    "tables": f.tables,
                    "error": f.error,
                    "warnings": f.warnings,
                    "seconds": round(f.seconds, 3),
                }
                for f in self.files
            ],
        }


def expand_paths(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Files to ingest, with whether the user named each one explicitly."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.name not in _IGNORED_NAMES \
                        and not child.name.startswith("."):
                    out.append((child, False))
        else:
            out.append((p, True))
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def complete_frame(frame: pd.DataFrame, meta: SourceMeta, ctx: ParseContext,
                   now: datetime) -> pd.DataFrame:
    """Fill provenance and marking columns the adapter left out."""
    missing: dict[str, Any] = {
        "source": meta.source,
        "source_version": meta.version,
        "file": ctx.file,
        "run_id": ctx.run_id,
        "ingested_at": now,
        "classification": int(meta.marking.classification),
        "releasable_to": [list(meta.marking.releasable_to)] * len(frame),
    }
    return frame.assign(**{k: v for k, v in missing.items() if k not in frame.columns})


def ingest_file(store: DuckDBStore, path: Path, run_id: str, *, adapter: Adapter | None = None,
                progress: ProgressFn | None = None) -> FileReport:
    started = datetime.now(UTC)
    try:
        chosen = adapter or detect(path)
    except UnknownFormatError as exc:
        return FileReport(str(path), None, None, "failed", error=exc.reason)
    meta = chosen.meta
    report = FileReport(str(path), meta.source, meta.name, "running")
    writer = store.writer()
    ctx = ParseContext(path, meta, run_id)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        report.status, report.error = "failed", f"cannot be read: {exc}"
        return report
    bookkeeping = IngestFile(run_id=run_id, path=str(path), sha256=sha, source=meta.source,
                             adapter=meta.name, status="running", started_at=started)
    tally = Tally()
    tables: dict[str, int] = {}
    try:
        with writer.transaction():
            for batch in chosen.parse(ctx):
                _write_batch(writer, batch, meta, ctx, started, tally, tables)
                quarantined = ctx.drain_quarantine()
                writer.quarantine(quarantined)
                if progress is not None:
                    progress(str(path), tally.read + ctx.quarantined)
            writer.quarantine(ctx.drain_quarantine())
            tally.quarantined = ctx.quarantined
            tally.read += ctx.quarantined
            bookkeeping.status = "done"
            bookkeeping.read, bookkeeping.stored = tally.read, tally.stored
            bookkeeping.duplicates, bookkeeping.quarantined = tally.duplicates, tally.quarantined
            bookkeeping.finished_at = datetime.now(UTC)
            writer.record_file(bookkeeping)
    except SourceError as exc:
        return _failed(store, report, bookkeeping, exc.reason if exc.path == str(path)
                       else str(exc), started)
    except FlankWatchError as exc:
        return _failed(store, report, bookkeeping, str(exc), started)
    except Exception as exc:  # an adapter bug must not take the other files down with it
        return _failed(store, report, bookkeeping,
                       f"internal error in adapter {meta.name}: {type(exc).__name__}: {exc}",
                       started)
    report.status = "done"
    report.tally = tally
    report.tables = tables
    report.warnings = _count_warnings(meta, tables) + ctx.warnings
    report.seconds = (datetime.now(UTC) - started).total_seconds()
    return report


def _write_batch(writer: Any, batch: Batch, meta: SourceMeta, ctx: ParseContext,
                 now: datetime, tally: Tally, tables: dict[str, int]) -> None:
    frame = complete_frame(batch.frame, meta, ctx, now)
    stored, dups = writer.write(batch.table, frame, only=batch.only,
                                keep_newer=batch.keep_newer)
    tally.read += len(frame)
    tally.stored += stored
    tally.duplicates += dups
    tables[batch.table] = tables.get(batch.table, 0) + len(frame)


def _failed(store: DuckDBStore, report: FileReport, bookkeeping: IngestFile, error: str,
            started: datetime) -> FileReport:
    report.status, report.error = "failed", error
    report.tally = Tally()  # the file's transaction was rolled back: nothing of it is stored
    bookkeeping.status, bookkeeping.error = "failed", error
    bookkeeping.finished_at = datetime.now(UTC)
    writer = store.writer()
    with writer.transaction():
        writer.record_file(bookkeeping)
    report.seconds = (datetime.now(UTC) - started).total_seconds()
    return report


def _count_warnings(meta: SourceMeta, tables: dict[str, int]) -> list[str]:
    out = []
    for table, (lo, hi) in meta.count_assertions.items():
        n = tables.get(table, 0)
        if not lo <= n <= hi:
            out.append(
                f"{n:,} {table} records, where a complete {meta.publisher} file has "
                f"{lo:,}-{hi:,}: a partial extract, or a change in the publisher's format?"
            )
    return out


def ingest(store: DuckDBStore, paths: Sequence[Path], *, adapter_name: str | None = None,
           progress: ProgressFn | None = None,
           on_file: Callable[[FileReport], None] | None = None) -> IngestReport:
    """Ingest files and folders into ``store``."""
    run_id = uuid.uuid4().hex[:16]
    started = datetime.now(UTC)
    report = IngestReport(run_id)
    writer = store.writer()
    with writer.transaction():
        writer.mark_interrupted_runs()
        writer.record_run(run_id, started, [str(p) for p in paths], "running")
    adapter = by_name(adapter_name) if adapter_name else None
    for path, explicit in expand_paths(paths):
        if not path.exists():
            fr = FileReport(str(path), None, None, "failed", error="no such file")
        else:
            fr = ingest_file(store, path, run_id, adapter=adapter, progress=progress)
            if fr.status == "failed" and fr.adapter is None and not explicit:
                fr.status = "skipped"  # a folder walk passes over files nobody recognises
        report.files.append(fr)
        if on_file is not None:
            on_file(fr)
    report.seconds = (datetime.now(UTC) - started).total_seconds()
    with writer.transaction():
        writer.record_run(run_id, started, [str(p) for p in paths],
                          "failed" if report.failed else "done", report.to_json())
    return report
