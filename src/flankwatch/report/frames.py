"""Write a frame as a table on the terminal, CSV, JSON, GeoJSON or Parquet."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from flankwatch.errors import ConfigurationError
from flankwatch.model.marking import Classification, Marking

#: The columns the terminal table shows first, per kind of row (every other format writes
#: every column).
SUMMARY_COLUMNS = (
    ("ds", ["unique_id", "ds", "y"]),
    ("kind", ["time_start", "kind", "subkind", "country", "location", "actor1", "actor2",
              "fatalities_best", "lon", "lat", "source"]),
    ("metric", ["period_start", "metric", "route", "border_type", "nationality", "country",
                "area", "category", "value", "source"]),
    ("sog_kn", ["time", "mmsi", "vessel_ref", "lon", "lat", "sog_kn", "cog_deg", "nav_status",
                "source"]),
    ("ship_type", ["time", "mmsi", "name", "imo", "call_sign", "ship_type_text", "flag"]),
    ("schema", ["schema", "name", "list_name", "reference", "nationalities", "listed_on",
                "status", "source"]),
    ("geometry_wkt", ["kind", "name", "iso3", "category", "min_lon", "min_lat", "max_lon",
                      "max_lat", "source"]),
    ("draws", ["model", "window", "country", "period_start", "target", "source"]),
    ("scheme", ["scheme", "code", "label", "parent", "source"]),
)


def summary_columns(frame: pd.DataFrame) -> list[str]:
    """The columns worth a terminal's width for these rows."""
    for marker, cols in SUMMARY_COLUMNS:
        if marker in frame.columns:
            return [c for c in cols if c in frame.columns]
    return list(frame.columns)[:10]


def marking_of(frame: pd.DataFrame) -> Marking:
    """The marking of a product made of these rows: the highest of theirs."""
    from flankwatch.model.marking import highest

    if frame.empty or "classification" not in frame.columns:
        return Marking()
    labels = {
        (int(c), tuple(r) if r is not None else ())
        for c, r in zip(frame["classification"], frame.get("releasable_to",
                        [()] * len(frame)), strict=True)
    }
    return highest(Marking(Classification(c), tuple(r)) for c, r in labels)


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def to_geojson(frame: pd.DataFrame) -> dict[str, Any]:
    """A FeatureCollection of the rows that have lon/lat (or an area's WKT geometry)."""
    features = []
    geom_wkt = "geometry_wkt" in frame.columns
    if not geom_wkt and "lon" not in frame.columns:
        raise ConfigurationError("these rows have no location: GeoJSON needs lon/lat")
    props_cols = [c for c in frame.columns if c not in ("lon", "lat", "geometry_wkt")]
    for row in frame.to_dict(orient="records"):
        if geom_wkt:
            from shapely import wkt
            from shapely.geometry import mapping

            geometry: Any = mapping(wkt.loads(row["geometry_wkt"]))
        elif row.get("lon") is None or (isinstance(row["lon"], float) and math.isnan(row["lon"])):
            geometry = None
        else:
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {c: _jsonable(row[c]) for c in props_cols}})
    return {"type": "FeatureCollection", "marking": marking_of(frame).text,
            "features": features}


def write_frame(frame: pd.DataFrame, fmt: str, out_file: Path | None, console: Console) -> None:
    """Write ``frame`` in ``fmt`` to ``out_file`` (or the console). Every file product
    states its marking: a comment line in CSV, a member in GeoJSON, metadata in Parquet."""
    marking = marking_of(frame)
    if fmt == "parquet":
        if out_file is None:
            raise ConfigurationError("--format parquet needs --out FILE")
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"flankwatch.marking"] = marking.text.encode()
        pq.write_table(table.replace_schema_metadata(meta), out_file)
        console.print(f"wrote {len(frame):,} rows to {out_file} ({marking.text})")
        return
    if fmt == "table":
        if out_file is not None:
            raise ConfigurationError("--format table prints to the terminal; choose csv, json,"
                                     " geojson or parquet with --out")
        table = Table(title=f"{len(frame):,} rows — {marking.text}")
        shown = summary_columns(frame)
        for c in shown:
            table.add_column(c, overflow="fold")
        for row in frame.head(200).to_dict(orient="records"):
            table.add_row(*(str(_jsonable(row[c]))[:60] for c in shown))
        console.print(table)
        if len(frame) > 200:
            console.print(f"(first 200 of {len(frame):,} rows; use --format csv --out FILE)")
        console.print("(the main columns; --format csv, json, geojson or parquet write all)")
        return
    if fmt == "csv":
        text = f"# marking: {marking.text}\n" + frame.to_csv(index=False)
    elif fmt == "json":
        text = json.dumps({"marking": marking.text, "rows": [
            {k: _jsonable(v) for k, v in r.items()} for r in frame.to_dict(orient="records")
        ]}, ensure_ascii=False)
    elif fmt == "geojson":
        text = json.dumps(to_geojson(frame), ensure_ascii=False)
    else:
        raise ConfigurationError(f"unknown format {fmt!r}")
    if out_file is None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)
    else:
        out_file.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(frame):,} rows to {out_file} ({marking.text})")
