"""`flankwatch detect surges` and `flankwatch backtest surges` end to end on the exercise
scenario: the planted campaign is found and judged, organic surges are not called
instrumentalised, re-detection keeps one alert per episode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flankwatch.cli.app import app
from flankwatch.sources.scenario import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("scenario")
    generate(root, seed=7)
    db = root / "fw.duckdb"
    res = runner.invoke(app, ["ingest", str(root / "data"), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    truth = json.loads((root / "ground_truth.json").read_text())
    return db, truth


def _detect(db: Path) -> list[dict[str, object]]:
    res = runner.invoke(app, ["detect", "surges", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    alerts: list[dict[str, object]] = json.loads(res.stdout)
    return alerts


def test_planted_campaign_is_found_and_judged(scenario_db: tuple[Path, dict[str, object]]
                                              ) -> None:
    db, _ = scenario_db
    alerts = _detect(db)
    borders = [a for a in alerts
               if a["series"]["route"] == "Eastern Borders Route"]  # type: ignore[index]
    assert borders, "the instrumentalised campaign on the Eastern Borders Route was missed"
    judged = borders[0]["instrumentalisation"]
    assert judged["judgement"] in ("likely", "very likely")  # type: ignore[index]
    assert "does not attribute intent" in judged["summary"]  # type: ignore[index]
    organic = [a for a in alerts if a["series"]["route"] in (  # type: ignore[index]
        "Central Mediterranean Route", "Western African Route") and a["instrumentalisation"]]
    assert organic
    for a in organic:
        assert a["instrumentalisation"]["judgement"] in (  # type: ignore[index]
            "remote", "unlikely", "roughly even chance")


def test_redetection_keeps_one_alert_per_episode(scenario_db: tuple[Path, dict[str, object]]
                                                 ) -> None:
    db, _ = scenario_db
    first = {a["id"] for a in _detect(db)}
    second = {a["id"] for a in _detect(db)}
    assert first == second
    res = runner.invoke(app, ["alerts", "list", "--db", str(db), "--kind", "surge", "--json"])
    assert len(json.loads(res.stdout)) == len(first)


def test_backtest_runs_every_detector(scenario_db: tuple[Path, dict[str, object]]) -> None:
    db, _ = scenario_db
    res = runner.invoke(app, ["backtest", "surges", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    text = json.dumps(result)
    for name in ("seasonal_robust", "cusum", "ewma", "yoy"):
        assert name in text
