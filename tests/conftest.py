"""Shared fixtures. Tests that read the real public data skip with a clear message when the
shared data folder is absent (set FLANKWATCH_TEST_DATA to point elsewhere)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flankwatch.store.duckdb import DuckDBStore

_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_DATA = Path(os.environ.get("FLANKWATCH_TEST_DATA", str(_DEFAULT)))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data folder, or skip."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data folder {REAL_DATA} is absent (set FLANKWATCH_TEST_DATA)")
    return REAL_DATA


def real_file(relative: str) -> Path:
    """A file in the real data folder, or skip the test."""
    path = REAL_DATA / relative
    if not path.exists():
        pytest.skip(f"real data file {relative} is absent from {REAL_DATA}")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    s = DuckDBStore(tmp_path / "test.duckdb")
    yield s
    s.close()
