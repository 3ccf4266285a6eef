"""Alerts: rows from episodes, severity, the lifecycle and its log, the CLI contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flankwatch import pipeline
from flankwatch.alerts import lifecycle, rules
from flankwatch.cli.app import app
from flankwatch.errors import ConfigurationError
from flankwatch.model.marking import PUBLIC, Classification, Marking
from flankwatch.model.signal import Assessment, Driver, Indicator, SeriesKey, SurgeEpisode
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Viewer

KEY = SeriesKey(metric="irregular_border_crossings", source="frontex",
                route="Eastern Borders Route", border_type="Land")


def episode(peak: float = 3236, first: date = date(2021, 6, 1)) -> SurgeEpisode:
    return SurgeEpisode(
        detector="seasonal_robust", detector_version="1", key=KEY, first_period=first,
        onset_period=date(2021, 6, 1), peak_period=date(2021, 7, 1),
        last_period=date(2021, 8, 1), ongoing=False, observed=peak, expected=90, lower=30,
        upper=200, ratio=peak / 90, score=0.97,
        drivers=[Driver("IRQ", 1903, 0.59), Driver("AFG", 308, 0.10)],
        explanation="3,236 detections in 2021-07 against 90 expected (30-200).")


def assessment() -> Assessment:
    return Assessment(score=0.78, judgement="likely",
                      indicators=[Indicator("abrupt onset", 3.2, 0.2, 0.9, "why")],
                      caveats=["prevented entries are not detections"],
                      summary="It is likely that ...")


def test_severity_weighs_ratio_and_volume() -> None:
    assert rules.severity(10, 27) == "low"  # tenfold, but 30 people
    assert rules.severity(2.1, 20_000) == "medium"
    assert rules.severity(36, 3_146) == "high"
    assert rules.severity(36, 3_146, "likely") == "critical"


def test_one_alert_per_episode_updated_not_duplicated(store: DuckDBStore) -> None:
    w = store.writer()
    row = rules.alert_row(episode(1953), assessment(), PUBLIC)
    assert w.write("alerts", pd.DataFrame([row]), only=rules.DETECTION_COLUMNS) == (1, 0)
    grown = rules.alert_row(episode(3236), assessment(), PUBLIC)
    assert grown["id"] == row["id"]
    assert w.write("alerts", pd.DataFrame([grown]), only=rules.DETECTION_COLUMNS) == (1, 0)
    alerts = pipeline.list_alerts(store.reader())
    assert len(alerts) == 1 and alerts[0]["observed"] == 3236
    a = alerts[0]
    assert a["series"] == {"metric": "irregular_border_crossings",
                           "route": "Eastern Borders Route", "border_type": "Land",
                           "nationality": "ALL", "reporting_country": None}
    assert a["first_period"] == "2021-06-01" and a["peak_period"] == "2021-07-01"
    assert a["instrumentalisation"]["judgement"] == "likely"
    assert a["evidence"]["drivers"][0]["nationality"] == "IRQ"
    assert a["marking"] == "PUBLIC RELEASABLE"


def test_lifecycle_keeps_status_through_redetection(store: DuckDBStore) -> None:
    w = store.writer()
    row = rules.alert_row(episode(), None, PUBLIC)
    w.write("alerts", pd.DataFrame([row]), only=rules.DETECTION_COLUMNS)
    done = pipeline.act_on_alert(store, row["id"][:10], "acknowledge", "leila", "seen")
    assert (done["from_status"], done["to_status"]) == ("new", "acknowledged")
    w.write("alerts", pd.DataFrame([rules.alert_row(episode(4000), None, PUBLIC)]),
            only=rules.DETECTION_COLUMNS)
    shown = pipeline.get_alert(store.reader(), row["id"])
    assert shown["status"] == "acknowledged" and shown["status_by"] == "leila"
    assert shown["observed"] == 4000
    with pytest.raises(ConfigurationError, match="cannot acknowledge"):
        pipeline.act_on_alert(store, row["id"], "acknowledge", "leila")
    pipeline.act_on_alert(store, row["id"], "close", "leila")
    log = pipeline.get_alert(store.reader(), row["id"])["log"]
    assert [(e["action"], e["by"]) for e in log] == [("acknowledge", "leila"),
                                                     ("close", "leila")]


def test_actions_need_a_name_and_a_known_verb() -> None:
    with pytest.raises(ConfigurationError):
        lifecycle.action("x", "new", "acknowledge", "  ")
    with pytest.raises(ConfigurationError):
        lifecycle.action("x", "new", "delete", "leila")


def test_marked_alerts_are_hidden_from_viewers_without_clearance(store: DuckDBStore) -> None:
    row = rules.alert_row(episode(), None, Marking(Classification.RESTRICTED, ("NATO",)))
    store.writer().write("alerts", pd.DataFrame([row]), only=rules.DETECTION_COLUMNS)
    assert pipeline.list_alerts(store.reader(Viewer("eu", Classification.RESTRICTED,
                                                    ("EU",)))) == []
    with pytest.raises(ConfigurationError, match="no alert"):
        pipeline.get_alert(store.reader(Viewer.public()), row["id"])
    marking = pipeline.list_alerts(store.reader())[0]["marking"]
    assert marking == "NATO RESTRICTED // REL TO NATO"


def test_cli_lists_acknowledges_and_closes(tmp_path: Path) -> None:
    db = tmp_path / "fw.duckdb"
    with DuckDBStore(db) as store:
        row = rules.alert_row(episode(), assessment(), PUBLIC)
        store.writer().write("alerts", pd.DataFrame([row]), only=rules.DETECTION_COLUMNS)
    runner = CliRunner()
    res = runner.invoke(app, ["alerts", "list", "--db", str(db), "--kind", "surge", "--json"])
    assert res.exit_code == 0, res.output
    listed = json.loads(res.stdout)
    assert listed[0]["id"] == row["id"] and listed[0]["kind"] == "surge"
    for key in ("id", "kind", "series", "first_period", "peak_period", "severity", "score",
                "explanation", "instrumentalisation"):
        assert key in listed[0]
    res = runner.invoke(app, ["alerts", "ack", row["id"], "--by", "leila", "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["alerts", "list", "--db", str(db), "--status", "acknowledged",
                              "--json"])
    assert len(json.loads(res.stdout)) == 1


def test_a_rise_in_severity_escalates_and_resurfaces(store: DuckDBStore) -> None:
    before = pd.DataFrame([{"id": "a1", "status": "acknowledged", "severity": "medium"},
                           {"id": "a2", "status": "new", "severity": "high"}])
    grown = rules.alert_row(episode(), None, PUBLIC) | {"id": "a1", "severity": "critical"}
    calm = rules.alert_row(episode(), None, PUBLIC) | {"id": "a2", "severity": "medium"}
    store.writer().write("alerts", pd.DataFrame([grown, calm]))
    pipeline._escalate(store, before, [grown, calm])
    a1 = pipeline.get_alert(store.reader(), "a1")
    assert a1["status"] == "new" and a1["log"][-1]["action"] == "escalate"
    assert "medium to critical" in a1["log"][-1]["note"]
    assert pipeline.get_alert(store.reader(), "a2")["log"] == []
