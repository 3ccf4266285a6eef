"""Table schemas (derived from the record dataclasses) and migrations.

The schema version lives in ``schema_migrations``; each migration runs once, in order, inside
a transaction. Add a migration to :data:`MIGRATIONS` to change the schema; never edit one that
has shipped.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime

from flankwatch.model.audit import AuditEntry
from flankwatch.model.people import ApiToken, Organisation, User
from flankwatch.model.records import TABLES, AlertAction, IngestFile, QuarantineRecord

_SCALAR = {
    str: "VARCHAR",
    int: "BIGINT",
    float: "DOUBLE",
    bool: "BOOLEAN",
    datetime: "TIMESTAMPTZ",
    date: "DATE",
}

#: The column each table is filtered on by time, and the one that holds its "kind".
TIME_COLUMN = {
    "events": "time_start",
    "observations": "period_start",
    "positions": "time",
    "vessels": "time",
    "entities": "listed_on",
    "forecasts": "period_start",
    "alerts": "peak_period",
}
KIND_COLUMN = {
    "events": "kind",
    "observations": "metric",
    "entities": "schema",
    "areas": "kind",
    "forecasts": "model",
    "positions": "msg_type",
    "vessels": "ship_type_text",
    "codes": "scheme",
    "alerts": "kind",
}
#: Provenance and bookkeeping columns: they do not count when deciding whether a re-ingested
#: record is a duplicate of the stored one.
BOOKKEEPING = ("file", "line", "original", "run_id", "ingested_at", "source_version")


def _sql_type(tp: object) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _sql_type(args[0])
    if origin is tuple:
        return _sql_type(typing.get_args(tp)[0]) + "[]"
    if isinstance(tp, type) and tp in _SCALAR:
        return _SCALAR[tp]
    raise TypeError(f"no SQL type for {tp!r}")


def columns(record_type: type) -> dict[str, str]:
    """Column name -> DuckDB type, in field order."""
    hints = typing.get_type_hints(record_type)
    return {f.name: _sql_type(hints[f.name]) for f in dataclasses.fields(record_type)}


def table_columns(table: str) -> dict[str, str]:
    if table == "quarantine":
        return columns(QuarantineRecord)
    if table == "ingest_files":
        return columns(IngestFile)
    if table == "alert_log":
        return columns(AlertAction)
    if table == "audit_log":
        return columns(AuditEntry)
    if table in IDENTITY_TABLES:
        return columns(IDENTITY_TABLES[table])
    return columns(TABLES[table])


def _create(name: str, cols: dict[str, str]) -> str:
    body = ",\n  ".join(f'"{c}" {t}' for c, t in cols.items())
    return f'CREATE TABLE IF NOT EXISTS "{name}" (\n  {body}\n)'


def _migration_1() -> list[str]:
    stmts = [_create(t, columns(cls)) for t, cls in TABLES.items() if t != "alerts"]
    stmts.append(_create("quarantine", columns(QuarantineRecord)))
    stmts.append(_create("ingest_files", columns(IngestFile)))
    stmts.append(
        "CREATE TABLE IF NOT EXISTS ingest_runs (run_id VARCHAR, started_at TIMESTAMPTZ, "
        "finished_at TIMESTAMPTZ, status VARCHAR, paths VARCHAR[], summary VARCHAR)"
    )
    return stmts


def _migration_2() -> list[str]:
    return [_create("alerts", columns(TABLES["alerts"])),
            _create("alert_log", columns(AlertAction))]


def _migration_3() -> list[str]:
    return [_create("audit_log", columns(AuditEntry))]


#: Organisations, users and API tokens (schema migration 4; docs/security.md).
IDENTITY_TABLES: dict[str, type] = {
    "organisations": Organisation,
    "users": User,
    "api_tokens": ApiToken,
}


def _migration_4() -> list[str]:
    return [_create(name, columns(cls)) for name, cls in IDENTITY_TABLES.items()]


MIGRATIONS: list[tuple[int, str, Callable[[], list[str]]]] = [
    (1, "tables for events, observations, positions, vessels, entities, areas, forecasts, "
        "codes, quarantine and ingest bookkeeping", _migration_1),
    (2, "alerts and their lifecycle log", _migration_2),
    (3, "hash-chained audit trail of analyst actions", _migration_3),
    (4, "organisations, users and API tokens", _migration_4),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]

#: Every table that export/import and status cover.
ALL_TABLES: tuple[str, ...] = (*TABLES, "quarantine", "ingest_files", "ingest_runs",
                                "alert_log", "audit_log")
