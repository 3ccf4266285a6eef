"""Alerts (the JSON contract of docs/cli.md) -> a STIX 2.1 bundle.

Why these objects. A FlankWatch alert is an early warning that something has happened (a
surge is counted, not predicted) together with an estimative assessment of what it may mean
(instrumentalisation). In STIX 2.1 terms:

- each alert is an ``incident``: the SDO for "something that happened and deserves attention";
  an ``indicator`` would need a detection pattern and ``observed-data`` carries cyber
  observables, neither of which fits a count of people at a border. The incident carries the
  explanation as its description and the figures as ``x_flankwatch_*`` custom properties
  (severity, score, status, periods, observed/expected/interval/ratio, the series, the
  detector, the drivers);
- the instrumentalisation assessment, when there is one, is a ``note`` on the incident
  (abstract = the judgement, content = the summary, the indicators and caveats as custom
  properties): a note is the STIX object for analysis added to another object, and keeps the
  estimative judgement apart from the observed facts;
- the export as a whole is a ``report`` (``report_types: ["threat-report"]``) referencing the
  incidents and notes: a finished product an analyst can file, published at export time;
- an ``identity`` (FlankWatch, a system) is ``created_by_ref`` of every object;
- each FlankWatch marking (STANAG 4774-like banner, ``model/marking.py``) becomes a
  ``marking-definition`` of type ``statement`` carrying the banner text, referenced by
  ``object_marking_refs`` on every incident, note, identity and report. The report and the
  identity take the highest marking of the alerts (``marking.highest``); each incident and
  note takes its own alert's marking. Marking definitions themselves carry no marking.

Ids are derived from the alert id (and the marking text): a UUIDv5 put in UUIDv4 form, so
exporting the same alert twice gives the same STIX ids and a consumer sees a newer
``modified`` of the same object.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import stix2  # type: ignore[import-untyped]

from flankwatch.model.marking import Marking, highest

#: Namespace of FlankWatch's deterministic STIX ids.
NAMESPACE = uuid.UUID("6f1c2a0e-6a53-5b43-9a55-0f1a3c0e7a11")

IDENTITY_ID = f"identity--{uuid.UUID(bytes=uuid.uuid5(NAMESPACE, 'identity').bytes, version=4)}"


def _uuid(*parts: str) -> uuid.UUID:
    """A deterministic UUID in version-4 form (STIX 2.1 asks for UUIDv4 on SDOs): the
    UUIDv5 of the parts with the version bits set to 4."""
    return uuid.UUID(bytes=uuid.uuid5(NAMESPACE, "/".join(parts)).bytes, version=4)


def _sid(kind: str, *parts: str) -> str:
    return f"{kind}--{_uuid(kind, *parts)}"


def marking_id(marking: Marking) -> str:
    """The STIX id of the marking-definition of a FlankWatch marking."""
    return _sid("marking-definition", marking.text)


def _drop_nulls(value: Any) -> Any:
    """STIX forbids null property values: drop them (recursively) from custom properties."""
    if isinstance(value, Mapping):
        return {str(k): _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_nulls(v) for v in value if v is not None]
    return value


def _custom(prefix: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{k}": _drop_nulls(v) for k, v in fields.items()
            if v is not None and v != [] and v != {}}


def _marking_definition(marking: Marking, created: datetime) -> Any:
    return stix2.v21.MarkingDefinition(
        id=marking_id(marking), created=created, created_by_ref=IDENTITY_ID,
        name=f"FlankWatch marking: {marking.text}",
        definition_type="statement",
        definition=stix2.v21.StatementMarking(statement=marking.text))


def _incident(alert: Mapping[str, Any], marking: Marking, now: datetime) -> Any:
    evidence = alert.get("evidence") or {}
    custom = _custom("x_flankwatch_", {
        "alert_id": alert["id"],
        "kind": alert.get("kind"),
        "status": alert.get("status"),
        "severity": alert.get("severity"),
        "score": alert.get("score"),
        "first_period": alert.get("first_period"),
        "onset_period": alert.get("onset_period"),
        "peak_period": alert.get("peak_period"),
        "last_period": alert.get("last_period"),
        "ongoing": alert.get("ongoing"),
        "observed": alert.get("observed"),
        "expected": alert.get("expected"),
        "interval": [v for v in alert.get("interval") or [] if v is not None],
        "ratio": alert.get("ratio"),
        "series": alert.get("series"),
        "detector": alert.get("detector"),
        "detector_version": alert.get("detector_version"),
        "drivers": evidence.get("drivers"),
        "marking": marking.text,
    })
    return stix2.v21.Incident(
        id=_sid("incident", alert["id"]), created=now, modified=now,
        created_by_ref=IDENTITY_ID, name=alert["title"], description=alert["explanation"],
        labels=[f"severity:{alert['severity']}", f"kind:{alert['kind']}"],
        object_marking_refs=[marking_id(marking)], allow_custom=True, **custom)


def _note(alert: Mapping[str, Any], incident_id: str, marking: Marking, now: datetime) -> Any:
    instr = alert["instrumentalisation"]
    custom = _custom("x_flankwatch_", {
        "judgement": instr.get("judgement"),
        "score": instr.get("score"),
        "indicators": instr.get("indicators"),
        "caveats": instr.get("caveats"),
    })
    return stix2.v21.Note(
        id=_sid("note", alert["id"], "instrumentalisation"), created=now, modified=now,
        created_by_ref=IDENTITY_ID,
        abstract=f"Instrumentalisation: {instr.get('judgement')}",
        content=instr.get("summary") or "", authors=["FlankWatch"],
        object_refs=[incident_id], object_marking_refs=[marking_id(marking)],
        allow_custom=True, **custom)


def to_stix_bundle(alerts: Iterable[Mapping[str, Any]], now: datetime | None = None) -> Any:
    """A STIX 2.1 ``Bundle`` (stix2 object) of the alerts: a report over incidents and
    assessment notes, every object marked. ``now`` is the export time (``created``,
    ``modified``, ``published``)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    alerts = list(alerts)
    markings = [Marking.parse(a.get("marking") or "PUBLIC RELEASABLE") for a in alerts]
    top = highest(markings)
    objects: list[Any] = []
    definitions = {m.text: _marking_definition(m, now) for m in [top, *markings]}
    identity = stix2.v21.Identity(
        id=IDENTITY_ID, created=now, modified=now, name="FlankWatch", identity_class="system",
        description="Early warning of hybrid threats on NATO's southern flank.",
        object_marking_refs=[marking_id(top)])
    refs: list[str] = []
    for alert, marking in zip(alerts, markings, strict=True):
        incident = _incident(alert, marking, now)
        objects.append(incident)
        refs.append(incident.id)
        if alert.get("instrumentalisation"):
            note = _note(alert, incident.id, marking, now)
            objects.append(note)
            refs.append(note.id)
    report = stix2.v21.Report(
        id=_sid("report", now.isoformat(), *sorted(str(a["id"]) for a in alerts)),
        created=now, modified=now, published=now, created_by_ref=IDENTITY_ID,
        name=f"FlankWatch alerts ({len(alerts)})", report_types=["threat-report"],
        description=f"{len(alerts)} FlankWatch alerts exported {now:%Y-%m-%d %H:%M} UTC. "
                    f"Marking: {top.text}.",
        object_refs=refs or [IDENTITY_ID], object_marking_refs=[marking_id(top)],
        allow_custom=True, x_flankwatch_marking=top.text)
    return stix2.v21.Bundle(identity, *definitions.values(), report, *objects,
                            allow_custom=True)


def to_stix(alerts: Iterable[Mapping[str, Any]], now: datetime | None = None) -> str:
    """The STIX 2.1 bundle of the alerts as JSON text."""
    text: str = to_stix_bundle(alerts, now).serialize(pretty=True)
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
