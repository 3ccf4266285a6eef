"""Surge episodes (and their assessments) -> alert rows: id, severity, title, JSON evidence.

Severity weighs how far above its baseline a series is (the ratio) and by how many people
(the excess): a tenfold rise from 3 to 30 is not a crisis, a doubling from 20,000 is.
A judgement of "likely" or "very likely" instrumentalisation raises the severity one step.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from flankwatch.model.identity import record_id
from flankwatch.model.marking import Marking
from flankwatch.model.signal import Assessment, SurgeEpisode

SEVERITIES = ("low", "medium", "high", "critical")


def escalated(before: str, after: str) -> bool:
    """Whether a severity rose."""
    return SEVERITIES.index(after) > SEVERITIES.index(before)

#: Columns a detection run rewrites on an existing alert (the lifecycle fields stay).
DETECTION_COLUMNS = (
    "title", "severity", "score", "onset_period", "peak_period", "last_period", "ongoing",
    "observed", "expected", "lower", "upper", "ratio", "explanation", "evidence", "judgement",
    "instrumentalisation", "updated_at", "detector_version",
)


def severity(ratio: float, excess: float, judgement: str | None = None) -> str:
    """low / medium / high / critical from the ratio to baseline and the excess volume."""
    level = 0
    if ratio >= 2 and excess >= 500:
        level = 1
    if ratio >= 3 and excess >= 2_000:
        level = 2
    if ratio >= 5 and excess >= 10_000:
        level = 3
    if judgement in ("likely", "very likely"):
        level = min(level + 1, 3)
    return SEVERITIES[level]


#: How a title names what is counted.
METRIC_WORDS = {
    "irregular_border_crossings": "border-crossing detections",
    "asylum_applicants": "asylum applications",
    "arrivals": "arrivals",
    "sea_arrivals": "sea arrivals",
    "dead_and_missing": "dead and missing",
}


def alert_id(episode: SurgeEpisode) -> str:
    """One alert per episode: the detector, the series and the period it first fired."""
    return record_id("alert", "surge", episode.detector,
                     json.dumps(episode.key.as_dict(), sort_keys=True),
                     episode.first_period.isoformat())


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and obj != obj:  # NaN
        return None
    return obj


def alert_row(episode: SurgeEpisode, assessment: Assessment | None, marking: Marking,
              now: datetime | None = None) -> dict[str, Any]:
    """The alerts-table row of an episode; ``marking`` is the highest marking of the data it
    was derived from."""
    now = now or datetime.now(UTC)
    key = episode.key
    judgement = assessment.judgement if assessment else None
    where = key.route or key.reporting_country or "all routes"
    who = "all nationalities" if key.nationality == "ALL" else key.nationality
    what = METRIC_WORDS.get(key.metric, key.metric.replace("_", " "))
    when = (f"{episode.peak_period:%Y-%m-%d}" if key.precision == "day"
            else f"{episode.peak_period:%Y-%m}")
    title = (f"Surge in {what}, {where}"
             f"{', ' + key.border_type.lower() if key.border_type else ''}, {who}: "
             f"{episode.observed:,.0f} in {when} against {episode.expected:,.0f} expected")
    evidence = {
        "drivers": [asdict(d) for d in episode.drivers],
        "history": [asdict(p) for p in episode.history],
        "series": key.as_dict(),
    }
    return {
        "id": alert_id(episode),
        "source": "flankwatch",
        "kind": "surge",
        "title": title,
        "status": "new",
        "severity": severity(episode.ratio, episode.observed - episode.expected, judgement),
        "score": float(episode.score),
        "metric": key.metric,
        "route": key.route,
        "border_type": key.border_type,
        "nationality": key.nationality,
        "reporting_country": key.reporting_country,
        "series_key": json.dumps(key.as_dict(), sort_keys=True),
        "detector": episode.detector,
        "detector_version": episode.detector_version,
        "precision": key.precision,
        "first_period": episode.first_period,
        "onset_period": episode.onset_period,
        "peak_period": episode.peak_period,
        "last_period": episode.last_period,
        "ongoing": episode.ongoing,
        "observed": float(episode.observed),
        "expected": float(episode.expected),
        "lower": float(episode.lower),
        "upper": float(episode.upper),
        "ratio": float(episode.ratio),
        "explanation": episode.explanation,
        "evidence": json.dumps(_jsonable(evidence)),
        "judgement": judgement,
        "instrumentalisation": json.dumps(_jsonable(asdict(assessment))) if assessment
        else None,
        "created_at": now,
        "updated_at": now,
        "classification": int(marking.classification),
        "releasable_to": list(marking.releasable_to),
    }


def _day(value: Any) -> str | None:
    """A period as ``YYYY-MM-DD`` (frames hand dates back as timestamps)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value.isoformat()) if hasattr(value, "isoformat") else str(value)


def to_contract(row: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON of an alert (`flankwatch alerts list --json`, docs/cli.md)."""
    out = {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "status": row["status"],
        "status_by": row.get("status_by"),
        "status_at": _jsonable(row.get("status_at")),
        "note": row.get("note"),
        "series": {
            "metric": row.get("metric"),
            "route": row.get("route"),
            "border_type": row.get("border_type"),
            "nationality": row.get("nationality") or "ALL",
            "reporting_country": row.get("reporting_country"),
        },
        "detector": row.get("detector"),
        "detector_version": row.get("detector_version"),
        "first_period": _day(row.get("first_period")),
        "onset_period": _day(row.get("onset_period")),
        "peak_period": _day(row.get("peak_period")),
        "last_period": _day(row.get("last_period")),
        "ongoing": bool(row.get("ongoing")),
        "severity": row["severity"],
        "score": row["score"],
        "observed": row.get("observed"),
        "expected": row.get("expected"),
        "interval": [row.get("lower"), row.get("upper")],
        "ratio": row.get("ratio"),
        "explanation": row["explanation"],
        "evidence": json.loads(row["evidence"]) if row.get("evidence") else None,
        "marking": row.get("marking"),
    }
    if row["kind"] == "surge":
        out["instrumentalisation"] = (json.loads(row["instrumentalisation"])
                                      if row.get("instrumentalisation") else None)
    return _jsonable(out)  # type: ignore[no-any-return]
