"""Standard exports of alerts: STIX 2.1 (``stix``), CAP 1.2 (``cap``) and GeoJSON
(``geojson``). Pure functions from alert contract dicts (what ``pipeline.list_alerts``
returns) to documents; see docs/exports.md."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flankwatch.alerts.cap import to_cap, to_cap_messages
from flankwatch.alerts.geojson import to_geojson, to_geojson_dict
from flankwatch.alerts.stix import to_stix, to_stix_bundle
from flankwatch.errors import ConfigurationError

__all__ = ["FORMATS", "to_cap", "to_cap_messages", "to_geojson", "to_geojson_dict",
           "to_stix", "to_stix_bundle", "write_export"]

FORMATS = ("stix", "cap", "geojson")


def write_export(alerts: Iterable[Mapping[str, Any]], fmt: str, out: Path, *,
                 host: str = "localhost", now: datetime | None = None) -> list[Path]:
    """Write the alerts in ``fmt`` and return the files written.

    ``stix`` and ``geojson`` write one document to ``out``. CAP has one alert per message, so
    ``cap`` writes one document per alert, ``<out stem>-<first 12 characters of the alert
    id><out suffix>`` (``out`` itself is not written)."""
    alerts = list(alerts)
    now = now or datetime.now(UTC)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "stix":
        out.write_text(to_stix(alerts, now), encoding="utf-8")
        return [out]
    if fmt == "geojson":
        out.write_text(to_geojson(alerts), encoding="utf-8")
        return [out]
    if fmt == "cap":
        written = []
        for alert, doc in zip(alerts, to_cap_messages(alerts, host=host, now=now),
                              strict=True):
            path = out.with_name(f"{out.stem}-{str(alert['id'])[:12]}{out.suffix or '.xml'}")
            path.write_bytes(doc)
            written.append(path)
        return written
    raise ConfigurationError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
