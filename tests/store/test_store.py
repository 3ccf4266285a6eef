"""The DuckDB store: idempotent upserts, revisions, scoped reads, Parquet round trips."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from flankwatch.errors import ConfigurationError, StoreError
from flankwatch.model.identity import record_id
from flankwatch.model.marking import Classification
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query, Viewer
from flankwatch.store.tables import SCHEMA_VERSION


def events(n: int = 3, **over: object) -> pd.DataFrame:
    base = {
        "id": [record_id("t", i) for i in range(n)],
        "source": ["test"] * n,
        "line": list(range(2, n + 2)),
        "kind": ["armed_clash", "protest", "migrant_death"][:n],
        "time_start": [datetime(2021, 7, d + 1, tzinfo=UTC) for d in range(n)],
        "lon": [12.0, 30.0, 14.0][:n],
        "lat": [33.0, 31.0, 35.0][:n],
        "fatalities_best": [3.0, 0.0, 40.0][:n],
        "classification": [0] * n,
        "releasable_to": [[] for _ in range(n)],
    }
    base.update(over)
    return pd.DataFrame(base)


def test_new_store_is_migrated_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "fw.duckdb"
    with DuckDBStore(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
    with DuckDBStore(path, read_only=True) as s:
        assert s.schema_version() == SCHEMA_VERSION


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here"):
        DuckDBStore(tmp_path / "missing.duckdb", read_only=True)


def test_upsert_is_idempotent_and_takes_revisions(store: DuckDBStore) -> None:
    w = store.writer()
    assert w.write("events", events()) == (3, 0)
    assert w.write("events", events()) == (0, 3)
    revised = events(fatalities_best=[3.0, 0.0, 41.0])
    assert w.write("events", revised) == (1, 2)
    frame = store.reader().select(Query.build("events"))
    assert len(frame) == 3
    assert sorted(frame["fatalities_best"]) == [0.0, 3.0, 41.0]


def test_repeated_ids_in_one_batch_count_as_duplicates(store: DuckDBStore) -> None:
    frame = pd.concat([events(1), events(1)], ignore_index=True)
    assert store.writer().write("events", frame) == (1, 1)


def test_unknown_columns_are_refused(store: DuckDBStore) -> None:
    with pytest.raises(StoreError, match="unknown columns"):
        store.writer().write("events", events(1).assign(colour="red"))


def test_transaction_rolls_back_everything(store: DuckDBStore) -> None:
    w = store.writer()
    with pytest.raises(RuntimeError), w.transaction():
        w.write("events", events())
        raise RuntimeError("crash")
    assert store.reader().count(Query.build("events")) == 0


def test_query_scopes_by_area_time_kind_and_source(store: DuckDBStore) -> None:
    store.writer().write("events", events())
    r = store.reader()
    assert r.count(Query.build("events", bbox=(10, 32, 15, 36))) == 2
    assert r.count(Query.build("events", start="2021-07-02")) == 2
    assert r.count(Query.build("events", start="2021-07-01", end="2021-07-02")) == 1
    assert r.count(Query.build("events", kinds="protest")) == 1
    assert r.count(Query.build("events", sources=["other"])) == 0
    assert r.count(Query.build("events", where={"fatalities_best": 40.0})) == 1
    with pytest.raises(ConfigurationError):
        r.select(Query.build("events", where={"no_such_column": 1}))
    with pytest.raises(ConfigurationError):
        r.select(Query.build("no_such_table"))


def test_reader_applies_clearance_and_releasability(store: DuckDBStore) -> None:
    frame = events(classification=[0, 2, 1],
                   releasable_to=[[], ["NATO"], ["EU", "NATO"]])
    store.writer().write("events", frame)
    counts = {
        name: store.reader(v).count(Query.build("events"))
        for name, v in {
            "public": Viewer.public(),
            "eu_unclass": Viewer("eu", Classification.UNCLASSIFIED, ("EU",)),
            "nato_restricted": Viewer("nato", Classification.RESTRICTED, ("NATO",)),
            "eu_restricted": Viewer("eu2", Classification.RESTRICTED, ("EU",)),
            "owner": Viewer.local_owner(),
        }.items()
    }
    assert counts == {"public": 1, "eu_unclass": 2, "nato_restricted": 3, "eu_restricted": 2,
                      "owner": 3}
    status = store.reader(Viewer.public()).status()
    assert status["events"] == 1 and "quarantine" not in status
    with pytest.raises(ConfigurationError):
        store.reader(Viewer.public()).quarantine()


def test_parquet_round_trip(tmp_path: Path, store: DuckDBStore) -> None:
    store.writer().write("events", events())
    store.writer().write("observations", pd.DataFrame({
        "id": ["o1"], "source": ["test"], "metric": ["m"], "period_start": [date(2021, 7, 1)],
        "value": [5.0], "releasable_to": [[]], "classification": [0]}))
    paths = store.export_parquet(tmp_path / "pq")
    assert {p.name for p in paths} >= {"events.parquet", "observations.parquet"}
    with DuckDBStore(tmp_path / "copy.duckdb") as other:
        result = other.writer().import_parquet(tmp_path / "pq")
        assert result["events"] == (3, 0) and result["observations"] == (1, 0)
        again = other.writer().import_parquet(tmp_path / "pq")
        assert again["events"] == (0, 3)
        a = store.reader().select(Query.build("events")).drop(columns=["ingested_at"])
        b = other.reader().select(Query.build("events")).drop(columns=["ingested_at"])
        pd.testing.assert_frame_equal(a, b)


def test_partial_update_keeps_the_rest_of_the_record(store: DuckDBStore) -> None:
    w = store.writer()
    w.write("events", events(1))
    patch = events(1, kind=["other"], fatalities_best=[None])
    assert w.write("events", patch, only=("kind",)) == (1, 0)
    row = store.reader().select(Query.build("events")).iloc[0]
    assert row["kind"] == "other" and row["fatalities_best"] == 3.0
    assert w.write("events", patch, only=("kind",)) == (0, 1)
    new = events(2).iloc[[1]]
    assert w.write("events", new, only=("kind",)) == (1, 0)
    assert store.reader().count(Query.build("events")) == 2


def test_keep_newer_ignores_a_stale_revision(store: DuckDBStore) -> None:
    w = store.writer()
    w.write("events", events(1, source_version=["2024-02"]))
    stale = events(1, source_version=["2024-01"], kind=["other"])
    assert w.write("events", stale, keep_newer=True) == (0, 1)
    assert store.reader().select(Query.build("events"))["kind"].tolist() == ["armed_clash"]
    newer = events(1, source_version=["2024-03"], kind=["other"])
    assert w.write("events", newer, keep_newer=True) == (1, 0)


def test_freshness_is_per_source_and_scoped(store: DuckDBStore) -> None:
    store.writer().write("events", events(classification=[0, 0, 3]))
    fresh = store.reader().freshness()
    row = fresh[fresh["table"] == "events"].iloc[0]
    assert (row["source"], row["records"], str(row["latest"])[:10]) == ("test", 3, "2021-07-03")
    public = store.reader(Viewer.public()).freshness()
    assert str(public[public["table"] == "events"].iloc[0]["latest"])[:10] == "2021-07-02"
