"""The whole shared data folder: each file has exactly one adapter, and a full ingest balances
(read = stored + duplicates + quarantined for every file), twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from flankwatch.ingest import expand_paths, ingest
from flankwatch.sources.base import read_head
from flankwatch.sources.registry import adapters
from flankwatch.store.duckdb import DuckDBStore

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.realdata


def test_every_real_file_has_exactly_one_confident_adapter(real_data: Path) -> None:
    problems = []
    for path, _ in expand_paths([real_data]):
        head = read_head(path)
        scores = sorted(((a.sniff(path, head), a.meta.name) for a in adapters()), reverse=True)
        claimed = [s for s in scores if s[0] > 0]
        if not claimed:
            problems.append(f"{path.relative_to(real_data)}: no adapter")
        elif len(claimed) > 1 and claimed[0][0] == claimed[1][0]:
            problems.append(f"{path.relative_to(real_data)}: tie {claimed[:2]}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_full_ingest_balances_and_is_idempotent(real_data: Path, tmp_path: Path) -> None:
    with DuckDBStore(tmp_path / "all.duckdb") as store:
        first = ingest(store, [real_data])
        bad = [(f.path, f.status, f.error) for f in first.files if f.status != "done"]
        assert not bad, bad
        for f in first.files:
            assert f.tally.balanced, f
        assert first.total.read > 1_000_000
        second = ingest(store, [real_data])
        assert second.total.stored == 0, [
            (f.path, f.tally) for f in second.files if f.tally.stored
        ]
        assert second.total.duplicates == first.total.stored + first.total.duplicates


def test_every_adapter_module_is_documented() -> None:
    modules = {type(a).__module__.rsplit(".", 1)[-1] for a in adapters()}
    pages = {p.stem for p in (ROOT / "docs" / "sources").glob("*.md")}
    # AIS adapters share one page.
    missing = {m for m in modules if m not in pages and not (m.startswith("ais") and "ais" in
                                                               pages)}
    assert not missing, f"adapter modules without a docs/sources page: {sorted(missing)}"
