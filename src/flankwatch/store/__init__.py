"""The store: an embedded DuckDB file by default. Writing (:class:`Writer`) and reading
(:class:`Reader`, through one :class:`Query`) are separate objects."""

from flankwatch.store.duckdb import DuckDBStore, Reader, Writer
from flankwatch.store.query import Query, Viewer

__all__ = ["DuckDBStore", "Query", "Reader", "Viewer", "Writer"]
