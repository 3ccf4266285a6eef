"""Geometry helpers on WGS84 lon/lat: bounding boxes and H3 cells."""

from __future__ import annotations

import math
from dataclasses import dataclass

import h3

#: H3 resolution stored with every located record (res 6: cells of ~36 km², fine enough for
#: conflict and incident maps, coarse enough to aggregate).
H3_RESOLUTION = 6


@dataclass(frozen=True, slots=True)
class BBox:
    """A lon/lat bounding box (west, south, east, north)."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not (-180 <= self.west <= 180 and -180 <= self.east <= 180):
            raise ValueError(f"longitude out of range in {self}")
        if not (-90 <= self.south <= self.north <= 90):
            raise ValueError(f"latitude out of range or south > north in {self}")

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Parse ``west,south,east,north``."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise ValueError(f"a bounding box is west,south,east,north, not {text!r}")
        w, s, e, n = (float(p) for p in parts)
        return cls(w, s, e, n)

    def contains(self, lon: float, lat: float) -> bool:
        if not self.south <= lat <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= lon <= self.east
        return lon >= self.west or lon <= self.east  # crosses the antimeridian


def valid_lonlat(lon: float | None, lat: float | None) -> bool:
    """Whether a coordinate pair is present, finite and on the globe."""
    if lon is None or lat is None:
        return False
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return False
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0


def h3_cell(lon: float | None, lat: float | None, resolution: int = H3_RESOLUTION) -> str | None:
    """The H3 cell of a point, or ``None`` when the point is missing or invalid."""
    if lon is None or lat is None or not valid_lonlat(lon, lat):
        return None
    return str(h3.latlng_to_cell(lat, lon, resolution))
