"""Helpers that build small inputs for tests."""

from __future__ import annotations

from pathlib import Path

from flankwatch.ingest import FileReport, ingest_file
from flankwatch.sources.base import Adapter, ParseContext
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def parse_all(adapter: Adapter, path: Path) -> tuple[dict[str, int], ParseContext]:
    """Parse a file without a store: rows per table, and the context (quarantine count)."""
    ctx = ParseContext(path, adapter.meta, "test")
    rows: dict[str, int] = {}
    for batch in adapter.parse(ctx):
        rows[batch.table] = rows.get(batch.table, 0) + len(batch.frame)
    return rows, ctx


def ingest_one(store: DuckDBStore, path: Path) -> FileReport:
    return ingest_file(store, path, "test-run", adapter=detect(path))
