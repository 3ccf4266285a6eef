"""The command line: contracts of the JSON outputs, exit codes, documentation coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flankwatch.cli.app import app
from flankwatch.settings import Settings
from tests.factories import write

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

LONG = """route,type,nat,t,n
Eastern Borders Route,Land,IRQ,2021-06,300
Eastern Borders Route,Land,IRQ,2021-07,1903
Eastern Borders Route,Land,XYZ,2021-07,5
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def test_ingest_json_contract_and_idempotence(tmp_path: Path) -> None:
    data = write(tmp_path, "ibc.csv", LONG)
    db = str(tmp_path / "fw.duckdb")
    code, text = run("ingest", str(data), "--db", db, "--json")
    assert code == 0
    report = json.loads(text)
    assert report["total"] == {"read": 3, "stored": 2, "duplicates": 0, "quarantined": 1}
    assert report["sources"]["frontex"]["read"] == 3
    assert report["files"][0]["status"] == "done"
    code, text = run("ingest", str(data), "--db", db, "--json")
    assert json.loads(text)["total"] == {"read": 3, "stored": 0, "duplicates": 2,
                                         "quarantined": 1}
    code, text = run("status", "--db", db, "--json")
    status = json.loads(text)
    assert status["observations"] == 2 and status["events"] == 0
    assert status["quarantine"] == 1
    code, text = run("quarantine", "--db", db, "--json")
    rows = json.loads(text)
    assert rows[0]["line"] == 4 and "XYZ" in rows[0]["reason"]


def test_unknown_file_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    bad = write(tmp_path, "notes.txt", "hello world\n")
    code, text = run("ingest", str(bad), "--db", str(tmp_path / "fw.duckdb"), "--json")
    assert code == 1
    file = json.loads(text)["files"][0]
    assert file["status"] == "failed" and "no adapter recognises" in file["error"]


def test_query_formats(tmp_path: Path) -> None:
    db = str(tmp_path / "fw.duckdb")
    run("ingest", str(write(tmp_path, "ibc.csv", LONG)), "--db", db)
    code, text = run("query", "series", "--db", db, "--format", "csv",
                     "--where", "route=Eastern Borders Route")
    assert code == 0
    assert text.startswith("# marking: PUBLIC RELEASABLE")
    assert "2021-07-01" in text and "1903" in text
    out = tmp_path / "obs.parquet"
    code, _ = run("query", "observations", "--db", db, "--format", "parquet", "--out", str(out))
    assert code == 0
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.num_rows == 2
    assert table.schema.metadata[b"flankwatch.marking"] == b"PUBLIC RELEASABLE"


def test_sources_lists_metadata() -> None:
    code, text = run("sources", "--json")
    assert code == 0
    rows = json.loads(text)
    names = {r["name"] for r in rows}
    assert {"frontex_ibc_long", "frontex_ibc_wide"} <= names
    for r in rows:
        assert r["publisher"] and r["licence"] and r["cadence"] and r["url"].startswith("http")


def test_every_command_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text()
    import typer.main

    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert re.search(rf"`flankwatch {name}\b", doc), f"command {name} is not in docs/cli.md"


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text()
    for name in Settings.model_fields:
        assert f"FLANKWATCH_{name.upper()}" in doc, f"setting {name} is not in docs/settings.md"


@pytest.mark.parametrize("page", ["cli.md", "settings.md"])
def test_readme_links_docs(page: str) -> None:
    assert f"docs/{page}" in (ROOT / "README.md").read_text()
