"""Natural Earth countries and marine areas, and user-drawn watch zones (GeoJSON).

Areas give names to places: "Libya", "Mediterranean Sea", a watch zone an analyst drew. They
scope queries (``--area``) and label maps. Three GeoJSON layouts land in ``areas``:

* Natural Earth Admin-0 countries (any scale; upper-case property names as in recent
  releases, lower-case as in older ones) -> kind ``country``;
* Natural Earth marine polygons (the full release or the slim ``name, qid, category``
  variant) -> kind ``marine``;
* a FlankWatch watch-zone file: a FeatureCollection whose features carry the property
  ``"flankwatch:kind": "watch_zone"`` -> kind ``watch_zone`` (source ``watch_zones``).

Geometry is stored as WKT (WGS84) with its bounding box; an invalid polygon is repaired with
``shapely.make_valid`` and the repair is noted in ``attrs``. The file is read feature by
feature with the standard JSON decoder, so a file cut short keeps the features before the
break, which becomes one quarantine entry with its line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from flankwatch.errors import SourceAbort
from flankwatch.model.country import is_known, to_iso3
from flankwatch.model.identity import record_id
from flankwatch.sources.base import Adapter, Batch, ParseContext, SourceMeta, open_text

SOURCE = "natural_earth"
WATCH_SOURCE = "watch_zones"
WATCH_MARKER = "flankwatch:kind"
_BATCH = 50_000

#: Natural Earth ADM0_A3 codes that are not ISO 3166-1 but have a FlankWatch code. The other
#: NE-only codes (CYN Northern Cyprus, SOL Somaliland, KAS Siachen Glacier, ATC Ashmore and
#: Cartier Islands, IOA Indian Ocean Territories) are kept as NE pseudo-codes.
NE_CODES: dict[str, str] = {"KOS": "XKX"}

_COLLECTION = re.compile(r'"type"\s*:\s*"FeatureCollection"')
_WATCH = re.compile(r'"flankwatch:kind"\s*:\s*"watch_zone"')
_ADMIN0 = (re.compile(r'"adm0_a3"\s*:', re.IGNORECASE), re.compile(r'"admin"\s*:', re.I))
_SLIM_MARINE = (re.compile(r'"qid"\s*:\s*"Q\d+"'), re.compile(r'"category"\s*:\s*"'))
_NE_MARINE = re.compile(r'"featurecla"\s*:\s*"(ocean|sea|bay|gulf|strait|channel|sound|'
                        r'fjord|lagoon|inlet|reef|river|generic)"', re.IGNORECASE)
_SCALE = re.compile(r"(?<![0-9])(10|50|110)m(?![a-z])", re.IGNORECASE)
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

#: What a feature's properties give: (kind, name, iso3, category, original, id key, notes),
#: or the reason the feature cannot be used.
Fields = tuple[str, str, str | None, str | None, dict[str, Any], tuple[object, ...],
               dict[str, Any]]
Mapper = Callable[[dict[str, Any], str], Fields | str]


# -- reading a FeatureCollection feature by feature ---------------------------------------------


def _skip(text: str, pos: int) -> int:
    found = _WS.match(text, pos)
    return found.end() if found else pos


def _expect(text: str, pos: int, chars: str) -> str:
    char = text[pos:pos + 1]
    if not char or char not in chars:
        wanted = " or ".join(repr(c) for c in chars)
        raise json.JSONDecodeError(f"expected {wanted}", text, pos)
    return char


def _features(text: str) -> Iterator[tuple[int, Any]]:
    """``(offset, feature)`` for each element of the top-level ``features`` array.

    Raises :class:`json.JSONDecodeError` where the document breaks, after yielding every
    feature before the break; :class:`LookupError` if there is no ``features`` array.
    """
    pos = _skip(text, 0)
    _expect(text, pos, "{")
    pos = _skip(text, pos + 1)
    seen = False
    if text[pos:pos + 1] != "}":
        while True:
            key, pos = _DECODER.raw_decode(text, pos)
            if not isinstance(key, str):
                raise json.JSONDecodeError("expected a property name", text, pos)
            pos = _skip(text, pos)
            _expect(text, pos, ":")
            pos = _skip(text, pos + 1)
            if key == "features" and text[pos:pos + 1] == "[":
                seen = True
                pos = _skip(text, pos + 1)
                if text[pos:pos + 1] == "]":
                    pos += 1
                else:
                    while True:
                        start = pos
                        value, pos = _DECODER.raw_decode(text, pos)
                        yield start, value
                        pos = _skip(text, pos)
                        if _expect(text, pos, ",]") == "]":
                            pos += 1
                            break
                        pos = _skip(text, pos + 1)
            else:
                _, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if _expect(text, pos, ",}") == "}":
                break
            pos = _skip(text, pos + 1)
    pos = _skip(text, pos + 1)
    if pos < len(text):
        raise json.JSONDecodeError("extra data after the GeoJSON document", text, pos)
    if not seen:
        raise LookupError("the document has no 'features' array")


# -- geometry -------------------------------------------------------------------------------


def _geometry(feature: dict[str, Any]) -> BaseGeometry | str:
    """A valid polygonal geometry in lon/lat, or the reason there is none."""
    raw = feature.get("geometry")
    if raw is None:
        return "feature has no geometry"
    if not isinstance(raw, dict):
        return "geometry is not a GeoJSON object"
    try:
        geom = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError,
            shapely.errors.ShapelyError) as exc:
        return f"unparseable geometry: {type(exc).__name__}: {exc}"
    if geom.is_empty:
        return "geometry is empty"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return f"geometry is a {geom.geom_type}, not a polygon"
    west, south, east, north = geom.bounds
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    ):
        return "coordinates outside the WGS84 lon/lat range"
    return geom


def _repair(geom: BaseGeometry) -> tuple[BaseGeometry, str | None]:
    """Make an invalid polygon valid; returns the geometry and what was wrong with it."""
    if geom.is_valid:
        return geom, None
    reason = str(shapely.is_valid_reason(geom))
    # "structure" keeps a polygonal result (no stray lines or points from collapsed parts).
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return fixed, reason


# -- property mappers, one per layout -------------------------------------------------------


def _lower(props: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in props.items()}


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _scale(path: Path) -> str:
    """The Natural Earth scale (``110m``, ``50m``, ``10m``) from the file name: the content
    does not say it, and the same country at two scales is two records."""
    found = _SCALE.search(path.name)
    return f"{found.group(1)}m" if found else ""


def _country(props: dict[str, Any], scale: str) -> Fields | str:
    p = _lower(props)
    name = _text(p.get("admin")) or _text(p.get("name_long")) or _text(p.get("name"))
    if not name:
        return "feature has no ADMIN or NAME"
    iso_raw, adm0 = _text(p.get("iso_a3")), _text(p.get("adm0_a3")).upper()
    notes: dict[str, Any] = {}
    original: dict[str, Any] = {}
    iso3 = iso_raw.upper() if iso_raw and is_known(iso_raw.upper()) else None
    if iso3 is None:
        # ISO_A3 is -99 where ISO has no code or NE disagrees with it (France, Norway,
        # Kosovo, Northern Cyprus, Somaliland): NE's own ADM0_A3 is the fallback.
        iso3 = NE_CODES.get(adm0) or (adm0 if adm0 else None)
        notes["iso3_from"] = "ADM0_A3"
        original["ISO_A3"] = p.get("iso_a3")
    if iso3 is None:
        return f"country {name!r} has neither ISO_A3 nor ADM0_A3"
    category = _text(p.get("type")) or None
    return "country", name, iso3, category, original, (scale, iso3, name), notes


def _marine(props: dict[str, Any], scale: str) -> Fields | str:
    p = _lower(props)
    name = _text(p.get("name"))
    if not name:
        return "marine feature has no name"
    category = (_text(p.get("category")) or _text(p.get("featurecla"))).lower() or None
    qid = _text(p.get("qid")) or _text(p.get("wikidataid"))
    # Names are not unique (the Great Barrier Reef is two polygons): the id key gets the
    # bounding box, filled in by the caller.
    return "marine", name, None, category, {}, (scale, name, qid), {}


def _watch_zone(props: dict[str, Any], scale: str) -> Fields | str:
    kind = props.get(WATCH_MARKER)
    if kind != "watch_zone":
        return f"feature is not marked {WATCH_MARKER} = watch_zone (found {kind!r})"
    name = _text(props.get("name"))
    if not name:
        return "watch zone has no name"
    iso3 = None
    country = _text(props.get("country"))
    if country:
        iso3 = to_iso3(country)
        if iso3 is None:
            return f"watch zone {name!r}: unknown country {country!r}"
    category = _text(props.get("category")) or None
    return "watch_zone", name, iso3, category, {}, (name,), {}


def _row(feature: Any, line: int, source: str, scale: str, mapper: Mapper,
         bbox_in_key: bool) -> dict[str, Any] | str:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "not a GeoJSON Feature"
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return "properties is not an object"
    fields = mapper(props, scale)
    if isinstance(fields, str):
        return fields
    kind, name, iso3, category, original, key, notes = fields
    geom = _geometry(feature)
    if isinstance(geom, str):
        return f"{name}: {geom}"
    geom, problem = _repair(geom)
    if geom.is_empty:
        return f"{name}: geometry is empty once made valid ({problem})"
    if problem:
        notes["made_valid"] = problem
    if scale:
        notes["scale"] = scale
    west, south, east, north = (float(v) for v in geom.bounds)
    if bbox_in_key:
        key = (*key, *(round(v, 1) for v in (west, south, east, north)))
    attrs = {**props, **{f"flankwatch:{k}": v for k, v in notes.items()}}
    return {
        "id": record_id(source, kind, *key),
        "line": line,
        "original": json.dumps(original, ensure_ascii=False) if original else None,
        "kind": kind,
        "name": name,
        "iso3": iso3,
        "category": category,
        "geometry_wkt": geom.wkt,
        "min_lon": west,
        "min_lat": south,
        "max_lon": east,
        "max_lat": north,
        "attrs": json.dumps(attrs, ensure_ascii=False, default=str),
    }


def _parse(ctx: ParseContext, mapper: Mapper, *, bbox_in_key: bool = False,
           scale: str = "") -> Iterator[Batch]:
    with open_text(ctx.path) as f:
        text = f.read()
    if not text.strip():
        raise SourceAbort(ctx.file, "the file is empty")
    rows: list[dict[str, Any]] = []
    line, counted = 1, 0
    try:
        for offset, feature in _features(text):
            line += text.count("\n", counted, offset)
            counted = offset
            row = _row(feature, line, ctx.meta.source, scale, mapper, bbox_in_key)
            if isinstance(row, str):
                raw = json.dumps(feature, ensure_ascii=False)
                ctx.reject(line, raw, row)
                continue
            rows.append(row)
            if len(rows) >= _BATCH:
                yield Batch("areas", pd.DataFrame(rows))
                rows = []
    except json.JSONDecodeError as exc:
        lines = text.splitlines() or [""]
        raw = lines[min(exc.lineno, len(lines)) - 1]
        start = max(0, exc.colno - 200) if len(raw) > 4000 else 0
        ctx.reject(exc.lineno, raw[start:start + 4000],
                   f"the GeoJSON breaks at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
                   "features after this point could not be read")
    except LookupError as exc:
        raise SourceAbort(ctx.file, str(exc)) from exc
    if rows:
        yield Batch("areas", pd.DataFrame(rows))


def _geojson(head: str) -> bool:
    return head.lstrip().startswith("{") and bool(_COLLECTION.search(head))


_NE_META = dict(
    source=SOURCE,
    publisher="Natural Earth (naturalearthdata.com), supported by NACIS",
    licence="Public domain",
    cadence="irregular (a few releases a year)",
    tables=("areas",),
)


class NaturalEarthCountries(Adapter):
    meta = SourceMeta(
        name="natural_earth_admin0_geojson",
        title="Natural Earth Admin-0 countries (GeoJSON, any scale)",
        url="https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/geojson/"
        "ne_110m_admin_0_countries.geojson",
        formats=("geojson: FeatureCollection with ADMIN, ADM0_A3, ISO_A3 (any case)",),
        count_assertions={"areas": (170, 300)},
        **_NE_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        if not _geojson(head) or _WATCH.search(head):
            return 0
        return 90 if all(p.search(head) for p in _ADMIN0) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        yield from _parse(ctx, _country, scale=_scale(ctx.path))


class NaturalEarthMarine(Adapter):
    meta = SourceMeta(
        name="natural_earth_marine_geojson",
        title="Natural Earth marine polygons (GeoJSON; full or slim name/qid/category)",
        url="https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/geojson/"
        "ne_10m_geography_marine_polys.geojson",
        formats=("geojson: FeatureCollection with name, qid, category (slim) or name, "
                 "featurecla (NE)",),
        count_assertions={"areas": (200, 400)},
        **_NE_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        if not _geojson(head) or _WATCH.search(head) or _ADMIN0[0].search(head):
            return 0
        if all(p.search(head) for p in _SLIM_MARINE) or _NE_MARINE.search(head):
            return 85
        return 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        yield from _parse(ctx, _marine, bbox_in_key=True, scale=_scale(ctx.path))


class WatchZones(Adapter):
    meta = SourceMeta(
        name="watch_zones_geojson",
        source=WATCH_SOURCE,
        title="FlankWatch watch zones (user-drawn GeoJSON)",
        publisher="the FlankWatch user who drew them",
        licence="as set by the user",
        cadence="on demand",
        url="https://geojson.io/",
        formats=('geojson: FeatureCollection, each feature with "flankwatch:kind": '
                 '"watch_zone" and "name"',),
        tables=("areas",),
        count_assertions={"areas": (1, 10_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 95 if _geojson(head) and _WATCH.search(head) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        yield from _parse(ctx, _watch_zone)


ADAPTERS = [NaturalEarthCountries, NaturalEarthMarine, WatchZones]
