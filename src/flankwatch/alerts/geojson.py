"""Alerts (the JSON contract of docs/cli.md) -> a GeoJSON FeatureCollection (RFC 7946).

One Feature per alert, the whole alert contract as its properties (``id`` also as the
Feature id). The geometry is a Point when the alert carries a location (``lon`` and ``lat``
members, as maritime alerts may) and ``null`` otherwise: surge alerts are about a route or a
reporting country, which has no point. The collection carries a ``marking`` member (a
foreign member, allowed by RFC 7946 §6.1): the highest marking of its alerts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from flankwatch.model.marking import Marking, highest


def _geometry(alert: Mapping[str, Any]) -> dict[str, Any] | None:
    lon, lat = alert.get("lon"), alert.get("lat")
    if isinstance(lon, int | float) and isinstance(lat, int | float):
        return {"type": "Point", "coordinates": [float(lon), float(lat)]}
    return None


def to_geojson_dict(alerts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The FeatureCollection as a dict."""
    alerts = list(alerts)
    marking = highest(Marking.parse(a.get("marking") or "PUBLIC RELEASABLE") for a in alerts)
    return {
        "type": "FeatureCollection",
        "marking": marking.text,
        "features": [{"type": "Feature", "id": a["id"], "geometry": _geometry(a),
                      "properties": dict(a)} for a in alerts],
    }


def to_geojson(alerts: Iterable[Mapping[str, Any]]) -> str:
    """The FeatureCollection as JSON text."""
    return json.dumps(to_geojson_dict(alerts), indent=2, ensure_ascii=False, default=str) + "\n"
