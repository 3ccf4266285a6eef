"""Country geography from Natural Earth polygons: continents and land borders.

Pure computations on the ``areas`` frame (kind ``country``) the store gives: nothing here
reads files or the store. Two countries are *neighbours* when their polygons touch or lie
within a small tolerance of each other (``tolerance_deg``, default 0.01° ≈ 1 km): Natural
Earth draws shared borders with the same vertices within one scale, and the tolerance absorbs
the rest without bridging real sea gaps (the Strait of Gibraltar is about 0.13° wide). Islands
therefore have no land neighbours, and a narrow strait under the tolerance counts as a border.

Continents are Natural Earth's ``CONTINENT`` property (``continent`` in older releases), as
published: Turkey and Cyprus are in Asia, Russia in Europe, small island states may be "Seven
seas (open ocean)". Frontex's pseudo-code ``OOS`` (unidentified sub-Saharan African) is placed
in Africa with no land border (:data:`PSEUDO_CONTINENTS`); other pseudo-codes (``OOO``
unknown, ``STL`` stateless) have no place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

#: Natural Earth scales, finest first: where a country is stored at several scales the finest
#: polygon is used (small states are missing from 1:110m).
SCALES = ("10m", "50m", "110m")
#: Pseudo-codes with a known continent but no polygon.
PSEUDO_CONTINENTS: dict[str, str] = {"OOS": "Africa"}
COUNTRY_COLUMNS = ["iso3", "name", "continent", "scale", "geometry_wkt"]
BORDER_COLUMNS = ["iso3", "neighbour"]


def attrs_dict(value: Any) -> dict[str, Any]:
    """A record's ``attrs`` (JSON text, a mapping or nothing) as a dict."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _continent(attrs: dict[str, Any]) -> str | None:
    for key in ("CONTINENT", "continent"):
        value = attrs.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def country_table(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per country (``iso3, name, continent, scale, geometry_wkt``) from an ``areas``
    frame; rows of other kinds and rows without an ``iso3`` are left out, and where a country
    is stored at several scales the finest polygon wins."""
    if areas.empty or "iso3" not in areas.columns or "geometry_wkt" not in areas.columns:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COUNTRY_COLUMNS})
    frame = areas
    if "kind" in frame.columns:
        frame = frame[frame["kind"] == "country"]
    frame = frame[frame["iso3"].notna() & frame["geometry_wkt"].notna()]
    attrs = (frame["attrs"] if "attrs" in frame.columns
             else pd.Series([None] * len(frame), index=frame.index)).map(attrs_dict)
    out = pd.DataFrame({
        "iso3": frame["iso3"].astype(str),
        "name": frame["name"] if "name" in frame.columns else frame["iso3"],
        "continent": attrs.map(_continent),
        "scale": attrs.map(lambda a: str(a.get("flankwatch:scale") or "")),
        "geometry_wkt": frame["geometry_wkt"],
    })
    rank = {s: i for i, s in enumerate(SCALES)}
    out["_rank"] = out["scale"].map(lambda s: rank.get(s, len(SCALES)))
    out = out.sort_values(["iso3", "_rank"], kind="stable").drop_duplicates("iso3")
    return out[COUNTRY_COLUMNS].reset_index(drop=True)


def land_borders(countries: pd.DataFrame, tolerance_deg: float = 0.01) -> pd.DataFrame:
    """Pairs of neighbouring countries (``iso3, neighbour``, both directions, sorted): their
    polygons touch or lie within ``tolerance_deg`` degrees of each other."""
    if countries.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BORDER_COLUMNS})
    codes = countries["iso3"].to_numpy(dtype=object)
    geoms = shapely.from_wkt(countries["geometry_wkt"].to_numpy(dtype=object))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance_deg)
    keep = left != right
    pairs = pd.DataFrame({"iso3": codes[left[keep]], "neighbour": codes[right[keep]]})
    pairs = pairs[pairs["iso3"] != pairs["neighbour"]].drop_duplicates()
    return pairs.sort_values(BORDER_COLUMNS, ignore_index=True)


@dataclass(frozen=True)
class Geography:
    """Continents and land neighbours by ISO-3 code, for look-ups."""

    continents: Mapping[str, str] = field(default_factory=dict)
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_frames(cls, countries: pd.DataFrame, borders: pd.DataFrame) -> Geography:
        continents: dict[str, str] = dict(PSEUDO_CONTINENTS)
        for iso3, continent in zip(countries.get("iso3", []), countries.get("continent", []),
                                   strict=True):
            if isinstance(continent, str):
                continents[str(iso3)] = continent
        neighbours: dict[str, set[str]] = {}
        for a, b in zip(borders.get("iso3", []), borders.get("neighbour", []), strict=True):
            neighbours.setdefault(str(a), set()).add(str(b))
            neighbours.setdefault(str(b), set()).add(str(a))
        return cls(continents, {k: frozenset(v) for k, v in neighbours.items()})

    @property
    def empty(self) -> bool:
        return not (set(self.continents) - set(PSEUDO_CONTINENTS))

    def continent(self, iso3: str) -> str | None:
        return self.continents.get(iso3)

    def are_neighbours(self, a: str, b: str) -> bool:
        return b in self.neighbours.get(a, frozenset())

    def is_far(self, origin: str, transit: Iterable[str]) -> bool | None:
        """Whether ``origin`` shares no land border with any transit country and lies on
        another continent than each of them; None when the origin cannot be placed."""
        place = self.continent(origin)
        if place is None:
            return None
        for t in transit:
            if origin == t or self.are_neighbours(origin, t) or self.continent(t) == place:
                return False
        return True


def far_mask(origins: Iterable[str], transit: Iterable[str], geo: Geography) -> np.ndarray:
    """``is_far`` over many origins: 1.0 far, 0.0 near, NaN unplaced."""
    ts = tuple(transit)
    values = [geo.is_far(o, ts) for o in origins]
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
