"""Alerts (the JSON contract of docs/cli.md) -> OASIS Common Alerting Protocol 1.2 XML.

One ``<alert>`` message per FlankWatch alert. The mapping:

- ``identifier``: ``flankwatch-<alert id>-<sent as YYYYMMDDThhmmss>`` (unique per message:
  exporting the same alert later gives a new message about it); ``sender``:
  ``flankwatch@<host>`` (``host`` is a parameter); ``sent``: the export time, UTC, written
  ``+00:00`` as CAP requires (no ``Z``); ``status``: ``Actual``.
- ``msgType`` from the alert's lifecycle: ``new`` -> ``Alert``; ``closed`` -> ``Cancel``;
  any other status (``acknowledged``, a reopened alert) -> ``Update``.
- ``scope``: ``Public`` when the marking is ``PUBLIC RELEASABLE``; otherwise ``Restricted``
  with ``<restriction>`` carrying the marking text (e.g. ``NATO RESTRICTED // REL TO NATO``).
- ``info``: ``category`` ``Security``; ``headline`` the title; ``description`` the
  explanation; ``senderName`` FlankWatch; ``onset`` the onset (or first) period;
  ``parameter``s with the alert id, score, ratio, observed, expected, periods, detector,
  marking and instrumentalisation judgement; ``area`` with ``areaDesc`` naming the route
  (and border type) or the reporting country.

``severity`` from FlankWatch's severity: low -> ``Minor``, medium -> ``Moderate``, high ->
``Severe``, critical -> ``Extreme``.

``urgency`` from whether the episode is under way and its severity: closed or ended ->
``Past``; ongoing and high or critical -> ``Immediate``; ongoing otherwise -> ``Expected``.

``event`` and ``certainty`` from the instrumentalisation judgement. CAP's certainty is the
certainty of the ``event``. Without an assessment (or when it "cannot assess"), the event is
``Migration surge`` and the certainty ``Observed``: the surge is counted, not inferred. With
an assessment the event is ``Possible instrumentalised migration surge`` and the certainty
follows the estimative judgement: very likely and likely -> ``Likely``; roughly even chance
-> ``Possible``; unlikely and remote -> ``Unlikely``.

Left out: ``references`` on Update and Cancel messages (the identifier and sent time of the
first message about the alert are not kept), polygons and geocodes (route alerts have no
geometry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

from flankwatch.model.marking import Classification, Marking

NS = "urn:oasis:names:tc:emergency:cap:1.2"

SEVERITY = {"low": "Minor", "medium": "Moderate", "high": "Severe", "critical": "Extreme"}

CERTAINTY = {"very likely": "Likely", "likely": "Likely", "roughly even chance": "Possible",
             "unlikely": "Unlikely", "remote": "Unlikely"}

MSG_TYPE = {"new": "Alert", "closed": "Cancel"}


def _cap_time(value: datetime) -> str:
    """A CAP dateTime: seconds, an explicit offset, never ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _period_time(value: str | None) -> str | None:
    if not value:
        return None
    day = date.fromisoformat(str(value)[:10])
    return _cap_time(datetime(day.year, day.month, day.day, tzinfo=UTC))


def msg_type(alert: Mapping[str, Any]) -> str:
    """CAP msgType from the lifecycle status."""
    return MSG_TYPE.get(str(alert.get("status")), "Update")


def urgency(alert: Mapping[str, Any]) -> str:
    if alert.get("status") == "closed" or not alert.get("ongoing"):
        return "Past"
    return "Immediate" if alert.get("severity") in ("high", "critical") else "Expected"


def event_and_certainty(alert: Mapping[str, Any]) -> tuple[str, str]:
    instr = alert.get("instrumentalisation") or {}
    judgement = instr.get("judgement") if isinstance(instr, Mapping) else None
    if judgement in CERTAINTY:
        return "Possible instrumentalised migration surge", CERTAINTY[str(judgement)]
    return "Migration surge", "Observed"


def area_description(alert: Mapping[str, Any]) -> str:
    series = alert.get("series") or {}
    if series.get("route"):
        border = series.get("border_type")
        return f"{series['route']}, {border.lower()} border" if border else str(series["route"])
    if series.get("reporting_country"):
        return str(series["reporting_country"])
    return "All routes"


def _sub(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        el.text = str(text)
    return el


def to_cap_element(alert: Mapping[str, Any], *, host: str = "localhost",
                   now: datetime | None = None) -> etree._Element:
    """The CAP 1.2 ``<alert>`` element of one alert."""
    now = now or datetime.now(UTC)
    marking = Marking.parse(alert.get("marking") or "PUBLIC RELEASABLE")
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})  # type: ignore[dict-item]
    _sub(root, "identifier", f"flankwatch-{alert['id']}-{now.astimezone(UTC):%Y%m%dT%H%M%S}")
    _sub(root, "sender", f"flankwatch@{host}")
    _sub(root, "sent", _cap_time(now))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", msg_type(alert))
    _sub(root, "source", f"FlankWatch {alert.get('detector') or ''}".strip())
    if marking.classification is Classification.PUBLIC and not marking.releasable_to:
        _sub(root, "scope", "Public")
    else:
        _sub(root, "scope", "Restricted")
        _sub(root, "restriction", marking.text)
    if alert.get("note"):
        _sub(root, "note", alert["note"])
    info = _sub(root, "info")
    _sub(info, "language", "en-GB")
    _sub(info, "category", "Security")
    event, certainty = event_and_certainty(alert)
    _sub(info, "event", event)
    _sub(info, "responseType", "Monitor" if urgency(alert) != "Past" else "None")
    _sub(info, "urgency", urgency(alert))
    _sub(info, "severity", SEVERITY.get(str(alert.get("severity")), "Unknown"))
    _sub(info, "certainty", certainty)
    onset = _period_time(alert.get("onset_period") or alert.get("first_period"))
    if onset:
        _sub(info, "onset", onset)
    _sub(info, "senderName", "FlankWatch")
    _sub(info, "headline", alert["title"])
    _sub(info, "description", alert["explanation"])
    instr = alert.get("instrumentalisation") or {}
    params: dict[str, object | None] = {
        "flankwatch:alert_id": alert["id"],
        "flankwatch:severity": alert.get("severity"),
        "flankwatch:score": alert.get("score"),
        "flankwatch:observed": alert.get("observed"),
        "flankwatch:expected": alert.get("expected"),
        "flankwatch:ratio": alert.get("ratio"),
        "flankwatch:first_period": alert.get("first_period"),
        "flankwatch:peak_period": alert.get("peak_period"),
        "flankwatch:last_period": alert.get("last_period"),
        "flankwatch:detector": alert.get("detector"),
        "flankwatch:instrumentalisation": instr.get("judgement") if instr else None,
        "flankwatch:marking": marking.text,
    }
    for name, value in params.items():
        if value is not None:
            param = _sub(info, "parameter")
            _sub(param, "valueName", name)
            _sub(param, "value", value)
    area = _sub(info, "area")
    _sub(area, "areaDesc", area_description(alert))
    return root


def to_cap(alert: Mapping[str, Any], *, host: str = "localhost",
           now: datetime | None = None) -> bytes:
    """One alert as a CAP 1.2 XML document (UTF-8 bytes)."""
    return etree.tostring(to_cap_element(alert, host=host, now=now), xml_declaration=True,
                          encoding="UTF-8", pretty_print=True)


def to_cap_messages(alerts: Iterable[Mapping[str, Any]], *, host: str = "localhost",
                    now: datetime | None = None) -> list[bytes]:
    """Each alert as its own CAP 1.2 document."""
    now = now or datetime.now(UTC)
    return [to_cap(a, host=host, now=now) for a in alerts]
