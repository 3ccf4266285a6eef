"""The Python API for notebooks and scripts::

    import flankwatch
    fw = flankwatch.open_store("var/flankwatch.duckdb")
    fw.events(bbox=(-20, 10, 40, 40), start="2020-01", kinds="armed_clash")
    fw.series("irregular_border_crossings", route="Eastern Borders Route")
    fw.status()

Every method returns a pandas frame (``geo=True`` gives a GeoPandas frame where geopandas is
installed) and goes through the store's reader, so access rules apply here as everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flankwatch.ingest import IngestReport
from flankwatch.ingest import ingest as _ingest
from flankwatch.model.geo import BBox
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore, Reader
from flankwatch.store.query import Query, Viewer

TimeLike = str | date | datetime | None
BBoxLike = BBox | tuple[float, float, float, float] | str | None


class FlankWatchStore:
    """A store opened for reading and analysis."""

    def __init__(self, store: DuckDBStore, viewer: Viewer | None = None) -> None:
        self._store = store
        self._reader: Reader = store.reader(viewer)

    @property
    def path(self) -> Path:
        return self._store.path

    def query(self, table: str, *, bbox: BBoxLike = None, area: str | None = None,
              start: TimeLike = None, end: TimeLike = None,
              kinds: str | list[str] | None = None, sources: str | list[str] | None = None,
              where: Mapping[str, Any] | None = None, limit: int | None = None,
              geo: bool = False) -> pd.DataFrame:
        """Rows of any table in scope. ``end`` is exclusive."""
        q = Query.build(table, bbox=bbox, area=area, start=start, end=end, kinds=kinds,
                        sources=sources, where=where, limit=limit)
        frame = self._reader.select(q)
        return _to_geo(frame) if geo else frame

    def events(self, *, bbox: BBoxLike = None, area: str | None = None,
               start: TimeLike = None, end: TimeLike = None,
               kinds: str | list[str] | None = None, sources: str | list[str] | None = None,
               country: str | list[str] | None = None, limit: int | None = None,
               geo: bool = False) -> pd.DataFrame:
        """Events (clashes, attacks, protests, migrant deaths, ...)."""
        return self.query("events", bbox=bbox, area=area, start=start, end=end, kinds=kinds,
                          sources=sources, where={"country": country}, limit=limit, geo=geo)

    def observations(self, metric: str | list[str] | None = None, *, start: TimeLike = None,
                     end: TimeLike = None, sources: str | list[str] | None = None,
                     **dims: Any) -> pd.DataFrame:
        """Observations in long format; ``dims`` filter columns such as ``route`` or
        ``nationality``."""
        return self.query("observations", start=start, end=end, kinds=metric,
                          sources=sources, where=dims)

    def series(self, metric: str, *, start: TimeLike = None, end: TimeLike = None,
               sources: str | list[str] | None = None, by: tuple[str, ...] = (),
               **dims: Any) -> pd.DataFrame:
        """A series in the fixed long format ``unique_id, ds, y`` (statsforecast's), summed
        over every dimension not in ``by``."""
        frame = self.observations(metric, start=start, end=end, sources=sources, **dims)
        if frame.empty:
            return pd.DataFrame({"unique_id": [], "ds": [], "y": []})
        keys = list(by)
        grouped = frame.groupby([*keys, "period_start"], dropna=False)["value"].sum()
        out = grouped.reset_index().rename(columns={"period_start": "ds", "value": "y"})
        if keys:
            out["unique_id"] = out[keys].astype(str).agg("/".join, axis=1)
        else:
            out["unique_id"] = metric
        out["ds"] = pd.to_datetime(out["ds"])
        return out[["unique_id", "ds", "y", *keys]].sort_values(["unique_id", "ds"],
                                                                ignore_index=True)

    def positions(self, *, bbox: BBoxLike = None, area: str | None = None,
                  start: TimeLike = None, end: TimeLike = None,
                  mmsi: int | list[int] | None = None, limit: int | None = None,
                  geo: bool = False) -> pd.DataFrame:
        return self.query("positions", bbox=bbox, area=area, start=start, end=end,
                          where={"mmsi": mmsi}, limit=limit, geo=geo)

    def vessels(self, mmsi: int | list[int] | None = None) -> pd.DataFrame:
        return self.query("vessels", where={"mmsi": mmsi})

    def entities(self, *, schema: str | list[str] | None = None,
                 sources: str | list[str] | None = None) -> pd.DataFrame:
        return self.query("entities", kinds=schema, sources=sources)

    def areas(self, *, kind: str | list[str] | None = None, geo: bool = False) -> pd.DataFrame:
        frame = self.query("areas", kinds=kind)
        if geo:
            import geopandas as gpd  # optional
            from shapely import wkt

            return gpd.GeoDataFrame(frame, geometry=frame["geometry_wkt"].map(wkt.loads),
                                    crs="EPSG:4326")
        return frame

    def forecasts(self, model: str | list[str] | None = None, **dims: Any) -> pd.DataFrame:
        return self.query("forecasts", kinds=model, where=dims)

    def ingest(self, *paths: str | Path) -> IngestReport:
        """Ingest files or folders into this store; the report has per-source tallies
        (``report.per_source``) and ``report.to_json()``."""
        return _ingest(self._store, [Path(p) for p in paths])

    def quarantine(self, source: str | None = None, limit: int = 100) -> pd.DataFrame:
        return self._reader.quarantine(source=source, limit=limit)

    def status(self) -> dict[str, Any]:
        return self._reader.status()

    def export_parquet(self, directory: str | Path) -> list[Path]:
        return self._store.export_parquet(Path(directory))

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> FlankWatchStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<FlankWatchStore {self.path}>"


def _to_geo(frame: pd.DataFrame) -> pd.DataFrame:
    try:
        import geopandas as gpd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("geo=True needs geopandas: pip install geopandas") from exc
    if "lon" not in frame.columns:
        raise ValueError("this table has no lon/lat to make geometries from")
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry)


def open_store(path: str | Path | None = None, *, viewer: Viewer | None = None,
               read_only: bool = False) -> FlankWatchStore:
    """Open (or create) a store; the path defaults to the ``FLANKWATCH_DB`` setting."""
    target = Path(path) if path is not None else load_settings().db
    return FlankWatchStore(DuckDBStore(target, read_only=read_only), viewer)
