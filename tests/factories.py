"""Helpers that build small inputs for tests."""

from __future__ import annotations

import csv
import gzip
import random
from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st

from flankwatch.ingest import FileReport, ingest_file
from flankwatch.sources.base import Adapter, ParseContext, read_head
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


def mutated_fields(rows: Sequence[Sequence[str]], max_size: int = 10
                   ) -> st.SearchStrategy[list[str]]:
    """A real row with one field replaced by random text, dropped or duplicated: the
    shifted-column and junk-value mistakes real files have."""
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                   max_size=max_size)

    @st.composite
    def row(draw: st.DrawFn) -> list[str]:
        fields = list(draw(st.sampled_from(list(rows))))
        i = draw(st.integers(0, len(fields) - 1))
        op = draw(st.sampled_from(["replace", "replace", "drop", "duplicate"]))
        if op == "replace":
            fields[i] = draw(text)
        elif op == "drop":
            del fields[i]
        else:
            fields.insert(i, fields[i])
        return fields

    return row()


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write a header and rows as CSV (quoting as needed)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([list(header), *rows])
    return path


#: (line index, seed, junk) picks for :func:`mutated_file`.
JUNK_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
MUTATION_PICKS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2**31), JUNK_TEXT),
                          max_size=6)


def mutated_file(path: Path, header: str, lines: Sequence[str],
                 picks: Sequence[tuple[int, int, str]], random_lines: Sequence[str]) -> Path:
    """A file with ``header``, real ``lines`` mutated as ``picks`` say, then random lines."""
    mutated = [mutate_line(lines[i % len(lines)], seed, junk) for i, seed, junk in picks]
    path.write_text("\n".join([header, *mutated, *random_lines]) + "\n", encoding="utf-8")
    return path


def assert_claims_exactly(real_data: Path, adapters: Sequence[type[Adapter]],
                          mine: dict[str, str]) -> None:
    """Of every real file, these adapters claim exactly the ones in ``mine`` (relative path
    -> adapter name), and ``detect`` picks that adapter."""
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        rel = path.relative_to(real_data).as_posix()
        head = read_head(path)
        claims = {a.meta.name for a in (cls() for cls in adapters) if a.sniff(path, head) > 0}
        assert claims == ({mine[rel]} if rel in mine else set()), rel
        if rel in mine:
            assert detect(path).meta.name == mine[rel]
