"""The DuckDB store: one file, a bulk writer and a scoped reader.

Writes are idempotent upserts by id: a record whose id and values are already stored counts as
a duplicate and changes nothing; a record whose id is stored with other values (a publisher's
revision) replaces it. Each ingested file is written in one transaction, so an ingest killed
midway leaves the store as it was before that file, and the next run completes it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flankwatch.errors import ConfigurationError, StoreError
from flankwatch.model.audit import GENESIS, AuditEntry, make_entry
from flankwatch.model.records import TABLES, AlertAction, IngestFile, QuarantineRecord
from flankwatch.store.people import PeopleReader, PeopleWriter
from flankwatch.store.query import ALL_PARTNERS, Query, Viewer
from flankwatch.store.tables import (
    ALL_TABLES,
    BOOKKEEPING,
    IDENTITY_TABLES,
    KIND_COLUMN,
    MIGRATIONS,
    SCHEMA_VERSION,
    TIME_COLUMN,
    table_columns,
)

RECORD_TABLES = tuple(TABLES)


class DuckDBStore:
    """An open store file. Use :meth:`writer` to write and :meth:`reader` to read."""

    def __init__(self, path: Path | str, *, read_only: bool = False,
                 threads: int | None = None) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError(f"{self.path}: no store here (run `flankwatch ingest` first)")
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        # DuckDB's own progress bar would print to stdout and corrupt `--json` outputs.
        self.con.execute("SET enable_progress_bar = false")
        self._lock = threading.RLock()
        #: True while a Writer.transaction is open on this connection.
        self.in_transaction = False
        if not read_only:
            self.migrate()
        else:
            self._check_version()

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        try:
            row = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def _check_version(self) -> None:
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {v} is newer than this FlankWatch "
                f"({SCHEMA_VERSION}); upgrade FlankWatch"
            )

    def migrate(self) -> None:
        """Apply the migrations this file has not had yet."""
        self._check_version()
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, description VARCHAR,"
            " applied_at TIMESTAMPTZ)"
        )
        current = self.schema_version()
        for version, description, statements in MIGRATIONS:
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for stmt in statements():
                    self.con.execute(stmt)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [version, description, datetime.now(UTC)],
                )
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {version} failed: {exc}") from exc
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Additive schema changes need no hand-written migration: a field added to a record
        dataclass becomes a nullable column of stores made before it."""
        for table in (*ALL_TABLES, *IDENTITY_TABLES):
            if table == "ingest_runs":
                continue
            have = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                [table]).fetchall()}
            for col, sql_type in table_columns(table).items():
                if have and col not in have:
                    self.con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{col}" {sql_type}')

    # -- access ------------------------------------------------------------------------------

    def writer(self) -> Writer:
        return Writer(self)

    def reader(self, viewer: Viewer | None = None) -> Reader:
        return Reader(self, viewer or Viewer.local_owner())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- exchange ----------------------------------------------------------------------------

    def export_parquet(self, directory: Path, tables: Sequence[str] = ALL_TABLES) -> list[Path]:
        """Write each table to ``directory/<table>.parquet``."""
        directory.mkdir(parents=True, exist_ok=True)
        out = []
        for table in tables:
            target = directory / f"{table}.parquet"
            self.con.execute(f"COPY \"{table}\" TO '{_sql_path(target)}' (FORMAT parquet)")
            out.append(target)
        return out


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _cast_select(cols: dict[str, str], source_cols: Iterable[str]) -> str:
    have = set(source_cols)
    parts = []
    for c, t in cols.items():
        if c in have:
            parts.append(f'CAST("{c}" AS {t}) AS "{c}"')
        else:
            parts.append(f'CAST(NULL AS {t}) AS "{c}"')
    return ", ".join(parts)


class Writer(PeopleWriter):
    """The bulk write path: idempotent upserts, quarantine and ingest bookkeeping."""

    def __init__(self, store: DuckDBStore) -> None:
        self.store = store
        self.con = store.con

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        self.store.in_transaction = True
        try:
            yield
        except BaseException:
            self.store.in_transaction = False
            self.con.execute("ROLLBACK")
            raise
        self.store.in_transaction = False
        self.con.execute("COMMIT")

    def write(self, table: str, frame: pd.DataFrame, only: Sequence[str] = (),
              keep_newer: bool = False) -> tuple[int, int]:
        """Upsert rows; returns ``(stored, duplicates)``. ``stored`` counts new and revised
        records; ``duplicates`` counts rows identical to a stored record or repeated within
        the frame. With ``only``, a row whose id is stored updates just those columns (and
        its provenance) and counts as a duplicate when they are unchanged. With
        ``keep_newer``, a row whose stored record has a later ``source_version`` counts as a
        duplicate and changes nothing."""
        if table not in RECORD_TABLES:
            raise StoreError(f"unknown table {table!r}")
        if frame.empty:
            return 0, 0
        cols = table_columns(table)
        unknown = set(frame.columns) - set(cols)
        if unknown:
            raise StoreError(f"{table}: unknown columns {sorted(unknown)}")
        if "classification" not in frame.columns or frame["classification"].isna().any():
            # An unmarked record would be invisible to every reader, or worse, guessed.
            raise StoreError(f"{table}: every row needs a marking (classification)")
        con = self.con
        con.register("_batch", frame)
        try:
            if frame["id"].is_unique:
                source = "_batch"
            else:
                # Keep the last occurrence of an id within the batch (a later row revises it).
                order = "line" if "line" in frame.columns else "id"
                source = (f"(SELECT * EXCLUDE (_rn) FROM (SELECT *, row_number() OVER "
                          f"(PARTITION BY id ORDER BY \"{order}\" DESC) AS _rn FROM _batch) "
                          "WHERE _rn = 1)")
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _stage AS SELECT {_cast_select(cols, frame.columns)}"
                f" FROM {source}"
            )
        finally:
            con.unregister("_batch")
        staged = _scalar(con, "SELECT count(*) FROM _stage")
        in_batch_dups = len(frame) - staged
        if keep_newer:
            superseded = _scalar(
                con, f'SELECT count(*) FROM _stage s JOIN "{table}" t ON t.id = s.id '
                "AND t.source_version > s.source_version")
            con.execute(
                f'DELETE FROM _stage WHERE id IN (SELECT s.id FROM _stage s JOIN "{table}" t '
                "ON t.id = s.id AND t.source_version > s.source_version)"
            )
            staged -= superseded
            in_batch_dups += superseded
        compared = list(only) if only else [c for c in cols if c not in BOOKKEEPING and c != "id"]
        same = " AND ".join(f'(t."{c}" IS NOT DISTINCT FROM s."{c}")' for c in compared)
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE _dup AS SELECT s.id FROM _stage s JOIN "{table}" t '
            f"ON t.id = s.id AND {same}"
        )
        dups = _scalar(con, "SELECT count(*) FROM _dup")
        if only:
            sets = ", ".join(f'"{c}" = s."{c}"' for c in (*only, *BOOKKEEPING))
            con.execute(
                f'UPDATE "{table}" AS t SET {sets} FROM _stage s WHERE t.id = s.id '
                "AND s.id NOT IN (SELECT id FROM _dup)"
            )
            con.execute(f'DELETE FROM _stage WHERE id IN (SELECT id FROM "{table}")')
        con.execute(
            f'DELETE FROM "{table}" WHERE id IN (SELECT id FROM _stage '
            "WHERE id NOT IN (SELECT id FROM _dup))"
        )
        con.execute(
            f'INSERT INTO "{table}" SELECT * FROM _stage WHERE id NOT IN (SELECT id FROM _dup)'
        )
        con.execute("DROP TABLE _stage")
        con.execute("DROP TABLE _dup")
        return staged - dups, dups + in_batch_dups

    def quarantine(self, records: Sequence[QuarantineRecord]) -> None:
        """Keep rejected records (the same reject seen again is stored once)."""
        if not records:
            return
        now = datetime.now(UTC)
        frame = pd.DataFrame(
            {
                "id": [r.id for r in records],
                "run_id": [r.run_id for r in records],
                "source": [r.source for r in records],
                "file": [r.file for r in records],
                "line": [r.line for r in records],
                "raw": [r.raw for r in records],
                "reason": [r.reason for r in records],
                "quarantined_at": [r.quarantined_at or now for r in records],
            }
        )
        cols = table_columns("quarantine")
        self.con.register("_q", frame)
        try:
            self.con.execute(
                f"INSERT INTO quarantine SELECT {_cast_select(cols, frame.columns)} FROM _q "
                "WHERE id NOT IN (SELECT id FROM quarantine)"
            )
        finally:
            self.con.unregister("_q")

    def record_file(self, f: IngestFile) -> None:
        """Insert or update the bookkeeping row of one file in one run."""
        self.con.execute(
            "DELETE FROM ingest_files WHERE run_id = ? AND path = ?", [f.run_id, f.path]
        )
        self.con.execute(
            "INSERT INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f.run_id, f.path, f.sha256, f.source, f.adapter, f.status, f.read, f.stored,
             f.duplicates, f.quarantined, f.error, f.started_at, f.finished_at],
        )

    def audit(self, actor: str, action: str, target: str,
              detail: dict[str, Any] | None = None) -> AuditEntry:
        """Append one entry to the hash-chained audit trail: the next ``seq``, chained to the
        last entry's hash. Runs inside the current transaction when there is one (so the entry
        commits or rolls back with the action it records), otherwise in its own."""
        if self.store.in_transaction:
            return self._append_audit(actor, action, target, detail)
        with self.transaction():
            return self._append_audit(actor, action, target, detail)

    def _append_audit(self, actor: str, action: str, target: str,
                      detail: dict[str, Any] | None) -> AuditEntry:
        row = self.con.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev_seq, prev_hash = (int(row[0]), str(row[1])) if row else (0, GENESIS)
        entry = make_entry(prev_seq, prev_hash, datetime.now(UTC), actor, action, target,
                           detail)
        self.con.execute(
            "INSERT INTO audit_log (seq, \"at\", actor, action, target, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [entry.seq, entry.at, entry.actor, entry.action, entry.target, entry.detail,
             entry.prev_hash, entry.hash],
        )
        return entry

    def log_alert_actions(self, actions: Sequence[AlertAction]) -> None:
        """Append analyst (or system) actions on alerts to the log."""
        for a in actions:
            self.con.execute(
                "INSERT INTO alert_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                [a.alert_id, a.at, a.by, a.action, a.from_status, a.to_status, a.note],
            )

    def apply_alert_actions(self, actions: Sequence[AlertAction]) -> None:
        """Change alerts' lifecycle fields and log the actions, all together."""
        if not actions:
            return
        with self.transaction():
            for a in actions:
                self.con.execute(
                    "UPDATE alerts SET status = ?, status_by = ?, status_at = ?, "
                    "note = coalesce(?, note) WHERE id = ?",
                    # The alert's note is the analysts'; the system's notes stay in the log.
                    [a.to_status, a.by, a.at,
                     None if a.action in ("auto_close", "escalate") else a.note, a.alert_id],
                )
            self.log_alert_actions(actions)
            for a in actions:
                self.audit(a.by, f"alert.{a.action}", a.alert_id,
                           {"from_status": a.from_status, "to_status": a.to_status,
                            "note": a.note})

    def mark_interrupted_runs(self) -> None:
        """Runs still "running" when a new one starts were killed: one writer at a time."""
        self.con.execute(
            "UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'"
        )

    def record_run(self, run_id: str, started_at: datetime, paths: Sequence[str],
                   status: str, summary: dict[str, Any] | None = None) -> None:
        self.con.execute("DELETE FROM ingest_runs WHERE run_id = ?", [run_id])
        self.con.execute(
            "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, started_at, datetime.now(UTC) if status != "running" else None, status,
             list(paths), json.dumps(summary) if summary is not None else None],
        )

    def import_parquet(self, directory: Path) -> dict[str, tuple[int, int]]:
        """Upsert every ``<table>.parquet`` found in ``directory``; returns per table
        ``(stored, duplicates)``."""
        result: dict[str, tuple[int, int]] = {}
        for table in RECORD_TABLES:
            path = directory / f"{table}.parquet"
            if not path.exists():
                continue
            frame = self.con.execute(
                f"SELECT * FROM read_parquet('{_sql_path(path)}')"
            ).fetchdf()
            with self.transaction():
                result[table] = self.write(table, frame)
        for table in ("quarantine",):
            path = directory / f"{table}.parquet"
            if path.exists():
                self.con.execute(
                    f"INSERT INTO {table} SELECT * FROM read_parquet('{_sql_path(path)}') "
                    f"WHERE id NOT IN (SELECT id FROM {table})"
                )
        return result


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


class Reader(PeopleReader):
    """The read path. Every statement carries the viewer's access decision."""

    def __init__(self, store: DuckDBStore, viewer: Viewer) -> None:
        self.store = store
        self.con = store.con
        self.viewer = viewer

    # -- access decision (the only place it is made) -----------------------------------------

    def _access(self) -> tuple[str, list[object]]:
        v = self.viewer
        clause = "classification <= ?"
        params: list[object] = [int(v.clearance)]
        if ALL_PARTNERS not in v.memberships:
            clause += " AND (len(releasable_to) = 0 OR list_has_any(releasable_to, ?::VARCHAR[]))"
            params.append(list(v.memberships))
        return clause, params

    def _may_see_bookkeeping(self) -> bool:
        # Quarantine holds raw text of any source: only the store's owner sees it.
        return ALL_PARTNERS in self.viewer.memberships

    # -- queries -----------------------------------------------------------------------------

    def _where(self, q: Query) -> tuple[str, list[object]]:
        if q.table not in RECORD_TABLES:
            raise ConfigurationError(
                f"unknown table {q.table!r}; choose one of {', '.join(RECORD_TABLES)}"
            )
        cols = table_columns(q.table)
        clauses, params = [], []
        access, access_params = self._access()
        clauses.append(access)
        params += access_params
        boxes = []
        if q.bbox is not None:
            boxes.append((q.bbox.west, q.bbox.south, q.bbox.east, q.bbox.north))
        if q.area is not None:
            area = self.area_bbox(q.area)
            if area is None:
                raise ConfigurationError(f"no area named {q.area!r} in the store")
            boxes.append(area)
        for w, s, e, n in boxes:
            if q.table == "areas":
                clauses.append("max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?")
                params += [w, e, s, n]
            elif "lon" in cols:
                clauses.append("lat BETWEEN ? AND ?")
                params += [s, n]
                if w <= e:
                    clauses.append("lon BETWEEN ? AND ?")
                    params += [w, e]
                else:
                    clauses.append("(lon >= ? OR lon <= ?)")
                    params += [w, e]
            else:
                raise ConfigurationError(f"{q.table} has no location to filter by area")
        tcol = TIME_COLUMN.get(q.table)
        if (q.start or q.end) and tcol is None:
            raise ConfigurationError(f"{q.table} has no time to filter by")
        if q.start is not None:
            clauses.append(f'"{tcol}" >= ?')
            params.append(q.start if cols[tcol or ""] == "TIMESTAMPTZ" else q.start.date())
        if q.end is not None:
            clauses.append(f'"{tcol}" < ?')
            params.append(q.end if cols[tcol or ""] == "TIMESTAMPTZ" else q.end.date())
        if q.kinds:
            kcol = KIND_COLUMN[q.table]
            clauses.append(f'CAST("{kcol}" AS VARCHAR) IN ({", ".join("?" * len(q.kinds))})')
            params += list(q.kinds)
        if q.sources:
            clauses.append(f"source IN ({', '.join('?' * len(q.sources))})")
            params += list(q.sources)
        for col, values in q.where.items():
            if col not in cols:
                raise ConfigurationError(f"{q.table} has no column {col!r}")
            if not values:
                continue
            clauses.append(f'CAST("{col}" AS VARCHAR) IN ({", ".join("?" * len(values))})')
            params += [str(v) for v in values]
        return " AND ".join(clauses), params

    def select(self, q: Query) -> pd.DataFrame:
        """Rows of ``q.table`` in scope, as a pandas frame."""
        where, params = self._where(q)  # validates the table first
        cols = table_columns(q.table)
        chosen = list(q.columns) or list(cols)
        bad = [c for c in chosen if c not in cols]
        if bad:
            raise ConfigurationError(f"{q.table} has no column(s) {bad}")
        order = list(q.order_by) or [c for c in (TIME_COLUMN.get(q.table), "id") if c]
        for c in order:
            if c.lstrip("-") not in cols:
                raise ConfigurationError(f"cannot order {q.table} by {c!r}")
        order_sql = ", ".join(
            f'"{c[1:]}" DESC' if c.startswith("-") else f'"{c}"' for c in order
        )
        sql = (
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in chosen)} FROM \"{q.table}\" "
            f"WHERE {where} ORDER BY {order_sql}"
        )
        if q.limit is not None:
            sql += f" LIMIT {int(q.limit)}"
        if q.offset:
            sql += f" OFFSET {int(q.offset)}"
        with self.store._lock:
            return self.con.execute(sql, params).fetchdf()

    def count(self, q: Query) -> int:
        where, params = self._where(q)
        with self.store._lock:
            return _scalar(self.con, f'SELECT count(*) FROM "{q.table}" WHERE {where}', params)

    def area_bbox(self, name: str) -> tuple[float, float, float, float] | None:
        access, params = self._access()
        row = self.con.execute(
            f"SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM areas "
            f"WHERE lower(name) = lower(?) AND {access}",
            [name, *params],
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    def freshness(self) -> pd.DataFrame:
        """Per table and source: the latest time its records cover and when it was last
        ingested (in the viewer's scope). How fresh the picture is, source by source."""
        access, params = self._access()
        parts, all_params = [], []
        for table, tcol in TIME_COLUMN.items():
            parts.append(
                f"SELECT '{table}' AS \"table\", source, count(*) AS records, "
                f'CAST(max("{tcol}") AS DATE) AS latest, max(ingested_at) AS ingested_at '
                f'FROM "{table}" WHERE {access} GROUP BY source'
            )
            all_params += params
        with self.store._lock:
            return self.con.execute(
                " UNION ALL ".join(parts) + ' ORDER BY source, "table"', all_params
            ).fetchdf()

    def alert_log(self, alert_id: str) -> pd.DataFrame:
        """The lifecycle of one alert, oldest first (empty if the viewer may not see it)."""
        if self.count(Query.build("alerts", where={"id": alert_id})) == 0:
            return pd.DataFrame(columns=list(table_columns("alert_log")))
        with self.store._lock:
            return self.con.execute(
                "SELECT * FROM alert_log WHERE alert_id = ? ORDER BY \"at\"", [alert_id]
            ).fetchdf()

    # -- bookkeeping -------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Counts per table and per source (in the viewer's scope), quarantine counts and
        recent ingest runs."""
        access, params = self._access()
        tables: dict[str, int] = {}
        by_source: dict[str, dict[str, int]] = {}
        for t in RECORD_TABLES:
            rows = self.con.execute(
                f'SELECT source, count(*) FROM "{t}" WHERE {access} GROUP BY source '
                "ORDER BY source",
                params,
            ).fetchall()
            tables[t] = sum(int(n) for _, n in rows)
            by_source[t] = {str(s): int(n) for s, n in rows}
        out: dict[str, Any] = {
            "db": str(self.store.path),
            "schema_version": self.store.schema_version(),
            **tables,
            "tables": tables,
            "by_source": by_source,
        }
        if self._may_see_bookkeeping():
            q = self.con.execute(
                "SELECT source, count(*) FROM quarantine GROUP BY source ORDER BY source"
            ).fetchall()
            out["quarantine"] = sum(int(n) for _, n in q)
            out["quarantine_by_source"] = {str(s): int(n) for s, n in q}
            runs = self.con.execute(
                "SELECT run_id, started_at, finished_at, status, summary FROM ingest_runs "
                "ORDER BY started_at DESC LIMIT 5"
            ).fetchall()
            out["recent_runs"] = [
                {
                    "run_id": r[0],
                    "started_at": r[1].isoformat() if r[1] else None,
                    "finished_at": r[2].isoformat() if r[2] else None,
                    "status": r[3],
                    "totals": (json.loads(r[4]) or {}).get("total") if r[4] else None,
                }
                for r in runs
            ]
        return out

    def quarantine(self, source: str | None = None, file: str | None = None,
                   limit: int = 100, offset: int = 0) -> pd.DataFrame:
        if not self._may_see_bookkeeping():
            raise ConfigurationError("the quarantine is visible to the store's owner only")
        clauses, params = ["TRUE"], []
        if source:
            clauses.append("source = ?")
            params.append(source)
        if file:
            clauses.append("file LIKE ?")
            params.append(f"%{file}%")
        return self.con.execute(
            f"SELECT source, file, line, reason, raw, run_id, quarantined_at FROM quarantine "
            f"WHERE {' AND '.join(clauses)} ORDER BY file, line LIMIT {int(limit)} "
            f"OFFSET {int(offset)}",
            params,
        ).fetchdf()

    def audit_entries(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit trail in ``seq`` order (with ``limit``, the latest ``limit`` entries).
        Visible to the store's owner only: it names analysts and what they did."""
        if not self._may_see_bookkeeping():
            raise ConfigurationError("the audit trail is visible to the store's owner only")
        cols = 'seq, "at", actor, action, target, detail, prev_hash, hash'
        sql = f"SELECT {cols}, rowid AS _r FROM audit_log"
        if limit is not None:
            sql = f"{sql} ORDER BY seq DESC, _r DESC LIMIT {int(limit)}"
        sql = f"SELECT {cols} FROM ({sql}) ORDER BY seq, _r"
        with self.store._lock:
            rows = self.con.execute(sql).fetchall()
        return [AuditEntry(seq=int(r[0]), at=r[1], actor=str(r[2]), action=str(r[3]),
                           target=str(r[4]), detail=str(r[5]), prev_hash=str(r[6]),
                           hash=str(r[7])) for r in rows]

    def ingest_files(self, run_id: str | None = None) -> pd.DataFrame:
        if not self._may_see_bookkeeping():
            raise ConfigurationError("ingest logs are visible to the store's owner only")
        if run_id:
            return self.con.execute(
                "SELECT * FROM ingest_files WHERE run_id = ? ORDER BY path", [run_id]
            ).fetchdf()
        return self.con.execute("SELECT * FROM ingest_files ORDER BY started_at").fetchdf()
