"""Standard exports of alerts: STIX 2.1 (validated with stix2-validator), CAP 1.2 (validated
against the schema in tests/fixtures/cap_1_2.xsd), GeoJSON, and the CLI command."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lxml import etree
from stix2validator import ValidationOptions, validate_string
from typer.testing import CliRunner

from flankwatch import pipeline
from flankwatch.alerts import cap, exports, rules
from flankwatch.cli.app import app
from flankwatch.model.marking import PUBLIC, Classification, Marking
from flankwatch.model.signal import Assessment, Driver, Indicator, SeriesKey, SurgeEpisode
from flankwatch.store.duckdb import DuckDBStore

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "cap_1_2.xsd"
CAP_NS = {"cap": cap.NS}
NOW = datetime(2021, 8, 15, 9, 30, tzinfo=UTC)
RESTRICTED = Marking(Classification.RESTRICTED, ("NATO", "EU"))

EBR = SeriesKey(metric="irregular_border_crossings", source="frontex",
                route="Eastern Borders Route", border_type="Land")
SPAIN = SeriesKey(metric="asylum_applicants", source="eurostat", reporting_country="ESP")


def episode(key: SeriesKey = EBR, ongoing: bool = False, peak: float = 3236,
            first: date = date(2021, 6, 1)) -> SurgeEpisode:
    return SurgeEpisode(
        detector="seasonal_robust", detector_version="1", key=key, first_period=first,
        onset_period=date(2021, 6, 1), peak_period=date(2021, 7, 1),
        last_period=date(2021, 8, 1), ongoing=ongoing, observed=peak, expected=90, lower=30,
        upper=200, ratio=peak / 90, score=0.97,
        drivers=[Driver("IRQ", 1903, 0.59), Driver("AFG", 308, 0.10)],
        explanation="3,236 detections in 2021-07 against 90 expected (30-200).")


def assessment(judgement: str = "likely") -> Assessment:
    return Assessment(score=0.78, judgement=judgement,
                      indicators=[Indicator("abrupt onset", 3.2, 0.2, 0.9, "why")],
                      caveats=["prevented entries are not detections"],
                      summary="It is likely that ...")


def contract(ep: SurgeEpisode, assess: Assessment | None, marking: Marking = PUBLIC,
             **changes: Any) -> dict[str, Any]:
    """The alert contract of an episode, as pipeline.list_alerts gives it."""
    row = rules.alert_row(ep, assess, marking, now=NOW)
    return {**rules.to_contract({**row, "marking": marking.text}), **changes}


@pytest.fixture
def alerts() -> list[dict[str, Any]]:
    return [
        contract(episode(ongoing=True), assessment("likely")),
        contract(episode(SPAIN, peak=20_000), None, RESTRICTED, status="acknowledged"),
        contract(episode(first=date(2020, 1, 1)), assessment("unlikely"), status="closed"),
    ]


# -- STIX ----------------------------------------------------------------------------------


def _stix(alerts: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    text = exports.to_stix(alerts, NOW)
    return text, json.loads(text)


def test_stix_bundle_validates_with_no_errors(alerts: list[dict[str, Any]]) -> None:
    text, _ = _stix(alerts)
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    assert result.errors == []
    # The only warnings are about custom properties, which the brief allows.
    assert all("{401}" in str(w) for w in result.warnings), [str(w) for w in result.warnings]


def test_stix_objects_carry_the_alert_and_its_marking(alerts: list[dict[str, Any]]) -> None:
    _, bundle = _stix(alerts)
    objs = bundle["objects"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for o in objs:
        by_type.setdefault(o["type"], []).append(o)
    assert len(by_type["incident"]) == 3 and len(by_type["note"]) == 2
    assert len(by_type["report"]) == 1
    statements = {m["definition"]["statement"]: m["id"] for m in by_type["marking-definition"]}
    assert set(statements) == {"PUBLIC RELEASABLE", "NATO RESTRICTED // REL TO EU, NATO"}
    for o in objs:
        if o["type"] != "marking-definition":
            assert o["object_marking_refs"], o["type"]
    # The report (the bundle's product) takes the highest marking of its alerts.
    report = by_type["report"][0]
    assert report["object_marking_refs"] == [statements["NATO RESTRICTED // REL TO EU, NATO"]]
    assert set(report["object_refs"]) == {o["id"] for o in by_type["incident"] + by_type["note"]}
    first = next(i for i in by_type["incident"] if i["x_flankwatch_alert_id"] == alerts[0]["id"])
    assert first["name"] == alerts[0]["title"]
    assert first["description"] == alerts[0]["explanation"]
    assert first["x_flankwatch_severity"] == "critical"
    assert first["x_flankwatch_first_period"] == "2021-06-01"
    assert first["x_flankwatch_peak_period"] == "2021-07-01"
    assert first["x_flankwatch_series"]["route"] == "Eastern Borders Route"
    assert "reporting_country" not in first["x_flankwatch_series"]  # nulls dropped
    assert first["object_marking_refs"] == [statements["PUBLIC RELEASABLE"]]
    note = next(n for n in by_type["note"] if n["object_refs"] == [first["id"]])
    assert note["abstract"] == "Instrumentalisation: likely"


def test_stix_ids_are_stable_across_exports(alerts: list[dict[str, Any]]) -> None:
    _, one = _stix(alerts)
    two = json.loads(exports.to_stix(alerts, datetime(2022, 1, 1, tzinfo=UTC)))
    ids = {o["id"] for o in one["objects"] if o["type"] in ("incident", "note")}
    assert ids == {o["id"] for o in two["objects"] if o["type"] in ("incident", "note")}


def test_stix_of_no_alerts_is_still_valid() -> None:
    text = exports.to_stix([], NOW)
    assert validate_string(text, ValidationOptions(version="2.1")).errors == []


# -- CAP -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_cap_messages_validate_against_the_schema(schema: etree.XMLSchema,
                                                  alerts: list[dict[str, Any]]) -> None:
    docs = exports.to_cap_messages(alerts, host="ops.example.org", now=NOW)
    assert len(docs) == 3
    for doc in docs:
        tree = etree.fromstring(doc)
        assert schema.validate(tree), schema.error_log
    assert doc.startswith(b"<?xml")


def test_the_schema_rejects_what_cap_forbids(schema: etree.XMLSchema,
                                             alerts: list[dict[str, Any]]) -> None:
    tree = etree.fromstring(exports.to_cap(alerts[0], now=NOW))
    tree.find("cap:sent", CAP_NS).text = "2021-08-15T09:30:00Z"  # type: ignore[union-attr]
    assert not schema.validate(tree)
    tree = etree.fromstring(exports.to_cap(alerts[0], now=NOW))
    tree.find("cap:info/cap:urgency", CAP_NS).text = "Soon"  # type: ignore[union-attr]
    assert not schema.validate(tree)


def _text(tree: etree._Element, path: str) -> str | None:
    return tree.findtext(path, namespaces=CAP_NS)


def test_cap_mapping(alerts: list[dict[str, Any]]) -> None:
    new, acked, closed = (etree.fromstring(exports.to_cap(a, host="ops.example.org", now=NOW))
                          for a in alerts)
    assert _text(new, "cap:sender") == "flankwatch@ops.example.org"
    assert _text(new, "cap:sent") == "2021-08-15T09:30:00+00:00"
    assert _text(new, "cap:status") == "Actual"
    assert [_text(t, "cap:msgType") for t in (new, acked, closed)] == ["Alert", "Update",
                                                                       "Cancel"]
    assert _text(new, "cap:scope") == "Public" and _text(new, "cap:restriction") is None
    assert _text(acked, "cap:scope") == "Restricted"
    assert _text(acked, "cap:restriction") == "NATO RESTRICTED // REL TO EU, NATO"
    assert _text(new, "cap:info/cap:category") == "Security"
    assert _text(new, "cap:info/cap:headline") == alerts[0]["title"]
    assert _text(new, "cap:info/cap:description") == alerts[0]["explanation"]
    # critical, ongoing, instrumentalisation judged likely
    assert _text(new, "cap:info/cap:severity") == "Extreme"
    assert _text(new, "cap:info/cap:urgency") == "Immediate"
    assert _text(new, "cap:info/cap:certainty") == "Likely"
    assert _text(new, "cap:info/cap:event") == "Possible instrumentalised migration surge"
    assert _text(new, "cap:info/cap:area/cap:areaDesc") == "Eastern Borders Route, land border"
    # not assessed: the surge itself is observed
    assert _text(acked, "cap:info/cap:certainty") == "Observed"
    assert _text(acked, "cap:info/cap:event") == "Migration surge"
    assert _text(acked, "cap:info/cap:area/cap:areaDesc") == "ESP"
    assert _text(acked, "cap:info/cap:urgency") == "Past"
    assert _text(closed, "cap:info/cap:certainty") == "Unlikely"
    ids = {_text(t, "cap:identifier") for t in (new, acked, closed)}
    assert len(ids) == 3 and all(i and " " not in i and "," not in i for i in ids)


# -- GeoJSON -------------------------------------------------------------------------------


def test_geojson_collection(alerts: list[dict[str, Any]]) -> None:
    doc = json.loads(exports.to_geojson(alerts))
    assert doc["type"] == "FeatureCollection"
    assert doc["marking"] == "NATO RESTRICTED // REL TO EU, NATO"
    assert [f["id"] for f in doc["features"]] == [a["id"] for a in alerts]
    assert all(f["geometry"] is None for f in doc["features"])
    assert doc["features"][0]["properties"]["severity"] == "critical"
    located = exports.to_geojson_dict([{**alerts[0], "lon": 19.9, "lat": 39.6}])
    assert located["features"][0]["geometry"] == {"type": "Point", "coordinates": [19.9, 39.6]}
    assert located["marking"] == "PUBLIC RELEASABLE"


# -- CLI -----------------------------------------------------------------------------------


def test_cli_exports_each_format(tmp_path: Path, schema: etree.XMLSchema) -> None:
    db = tmp_path / "fw.duckdb"
    with DuckDBStore(db) as store:
        rows = [rules.alert_row(episode(), assessment(), PUBLIC),
                rules.alert_row(episode(SPAIN), None, RESTRICTED)]
        store.writer().write("alerts", pd.DataFrame(rows), only=rules.DETECTION_COLUMNS)
        listed = pipeline.list_alerts(store.reader())
    runner = CliRunner()
    out = tmp_path / "out" / "alerts.json"
    res = runner.invoke(app, ["alerts", "export", "--format", "stix", "--out", str(out),
                              "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert validate_string(out.read_text(), ValidationOptions(version="2.1")).errors == []
    geo = tmp_path / "alerts.geojson"
    res = runner.invoke(app, ["alerts", "export", "--format", "geojson", "--out", str(geo),
                              "--kind", "surge", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert len(json.loads(geo.read_text())["features"]) == len(listed) == 2
    capf = tmp_path / "cap" / "alert.xml"
    res = runner.invoke(app, ["alerts", "export", "--format", "cap", "--out", str(capf),
                              "--status", "new", "--db", str(db), "--host", "fw.example"])
    assert res.exit_code == 0, res.output
    files = sorted(capf.parent.glob("alert-*.xml"))
    assert len(files) == 2
    for f in files:
        assert schema.validate(etree.parse(str(f))), schema.error_log
    res = runner.invoke(app, ["alerts", "export", "--format", "pdf", "--out", str(out),
                              "--db", str(db)])
    assert res.exit_code != 0
