"""Helpers that build small inputs for tests."""

from __future__ import annotations

import gzip
import random
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


def real_lines(relative: str, fallback: str, n: int = 60) -> list[str]:
    """The first ``n`` data lines of a real file (gzip too), or of ``fallback`` (a fixture
    with its header) when the data folder is absent: seeds for mutation tests."""
    from tests.conftest import REAL_DATA

    path = REAL_DATA / relative
    if not path.exists():
        return fallback.splitlines()[1:n + 1]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig") as f:
        return [line.rstrip("\r\n") for _, line in zip(range(n + 1), f, strict=False)][1:]


def mutate_line(line: str, seed: int, junk: str) -> str:
    """A line with a few random deletions and insertions (delimiters, quotes, digits and
    ``junk``): real-looking bad input for parsers."""
    rnd = random.Random(seed)
    chars = list(line)
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(chars) + 1)
        op = rnd.random()
        if op < 0.4 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op < 0.8:
            chars.insert(i, rnd.choice([",", '"', "-", "/", "9", "x", *junk[:2]]))
        else:
            chars[i:i] = list(junk)
    return "".join(chars)
