"""The audit trail: appended in the store, chained by hashes, tampering detected."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flankwatch.cli.app import app
from flankwatch.errors import ConfigurationError
from flankwatch.model.audit import GENESIS, AuditEntry, entry_hash, make_entry
from flankwatch.model.records import AlertAction
from flankwatch.security.audit import verify
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Viewer
from tests.factories import write

runner = CliRunner()

LONG = """route,type,nat,t,n
Eastern Borders Route,Land,IRQ,2021-06,300
Eastern Borders Route,Land,IRQ,2021-07,1903
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _store_with_entries(tmp_path: Path, n: int = 4) -> Path:
    db = tmp_path / "fw.duckdb"
    with DuckDBStore(db) as store:
        w = store.writer()
        for i in range(n):
            w.audit("ana", "alert.acknowledge", f"alert-{i}", {"note": f"n{i}", "i": i})
    return db


def test_entries_are_appended_and_chained(tmp_path: Path) -> None:
    db = _store_with_entries(tmp_path, 3)
    with DuckDBStore(db, read_only=True) as store:
        entries = store.reader().audit_entries()
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[0].prev_hash == GENESIS
        assert entries[1].prev_hash == entries[0].hash
        assert json.loads(entries[2].detail) == {"i": 2, "note": "n2"}
        e = entries[2]
        assert e.hash == entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.action, e.target,
                                    e.detail)
        assert verify(entries).ok
        assert [x.seq for x in store.reader().audit_entries(limit=2)] == [2, 3]
        with pytest.raises(ConfigurationError):
            store.reader(Viewer.public()).audit_entries()


def test_audit_joins_the_open_transaction(tmp_path: Path) -> None:
    with DuckDBStore(tmp_path / "fw.duckdb") as store:
        w = store.writer()
        with pytest.raises(RuntimeError), w.transaction():
            w.audit("ana", "x", "t")
            raise RuntimeError("rolled back")
        assert store.reader().audit_entries() == []
        w.apply_alert_actions([AlertAction(alert_id="a1", at=datetime.now(UTC), by="ana",
                                           action="acknowledge", from_status="new",
                                           to_status="acknowledged", note="seen")])
        [entry] = store.reader().audit_entries()
        assert (entry.actor, entry.action, entry.target) == ("ana", "alert.acknowledge", "a1")
        assert json.loads(entry.detail)["to_status"] == "acknowledged"


def test_ingest_and_export_are_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "analyst1")
    db = str(tmp_path / "fw.duckdb")
    code, _ = run("ingest", str(write(tmp_path, "ibc.csv", LONG)), "--db", db, "--json")
    assert code == 0
    code, _ = run("export", "--out", str(tmp_path / "x"), "--db", db)
    assert code == 0
    code, text = run("audit", "log", "--db", db, "--json")
    assert code == 0
    log = json.loads(text)
    assert [(e["actor"], e["action"]) for e in log] == [("analyst1", "ingest"),
                                                        ("analyst1", "export")]
    assert log[0]["detail"]["total"]["stored"] == 2
    code, text = run("audit", "verify", "--db", db, "--json")
    assert code == 0 and json.loads(text)["ok"] is True


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_log SET detail = '{\"note\":\"forged\"}' WHERE seq = 2", 2),
        ("DELETE FROM audit_log WHERE seq = 2", 3),
        ("UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)", 2),
        ("DELETE FROM audit_log WHERE seq = 1", 2),
    ],
    ids=["modified", "deleted", "swapped", "first-deleted"],
)
def test_tampering_with_the_file_is_detected(tmp_path: Path, tamper: str, bad_seq: int) -> None:
    db = _store_with_entries(tmp_path)
    code, text = run("audit", "verify", "--db", str(db))
    assert code == 0 and "intact: 4 entries" in text
    con = duckdb.connect(str(db))
    con.execute(tamper)
    con.close()
    code, text = run("audit", "verify", "--db", str(db))
    assert code == 1
    assert f"broken at entry {bad_seq}" in text
    code, text = run("audit", "verify", "--db", str(db), "--json")
    assert code == 1 and json.loads(text)["first_bad_seq"] == bad_seq


def test_truncation_is_detected_with_an_anchor(tmp_path: Path) -> None:
    db = _store_with_entries(tmp_path)
    _, text = run("audit", "verify", "--db", str(db), "--json")
    head = json.loads(text)["head"]
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM audit_log WHERE seq = 4")
    con.close()
    assert run("audit", "verify", "--db", str(db))[0] == 0  # a shorter chain is still a chain
    code, text = run("audit", "verify", "--db", str(db), "--anchor", head)
    assert code == 1 and "anchor" in text


# -- property: any single modification of a chain is detected --------------------------------

T0 = datetime(2025, 1, 1, tzinfo=UTC)
text = st.text(max_size=12)


@st.composite
def chains(draw: st.DrawFn) -> list[AuditEntry]:
    n = draw(st.integers(1, 8))
    out: list[AuditEntry] = []
    for i in range(n):
        at = T0 + timedelta(microseconds=draw(st.integers(0, 10**12)))
        detail = draw(st.dictionaries(st.text(max_size=5), st.integers() | text, max_size=3))
        prev_seq, prev_hash = (out[-1].seq, out[-1].hash) if out else (0, GENESIS)
        out.append(make_entry(prev_seq, prev_hash, at, draw(text), draw(text),
                              f"target-{i}", detail))
    return out


FIELDS = ("seq", "at", "actor", "action", "target", "detail", "prev_hash", "hash")


@settings(max_examples=300, deadline=None)
@given(chain=chains(), data=st.data())
def test_any_single_modification_is_detected(chain: list[AuditEntry],
                                             data: st.DataObject) -> None:
    assert verify(chain).ok
    head = chain[-1].hash
    i = data.draw(st.integers(0, len(chain) - 1))
    kinds = ["field", "delete", "duplicate"] + (["swap"] if len(chain) > 1 else [])
    kind = data.draw(st.sampled_from(kinds))
    tampered = list(chain)
    if kind == "field":
        name = data.draw(st.sampled_from(FIELDS))
        old = getattr(chain[i], name)
        if name == "seq":
            new: object = data.draw(st.integers(-5, 20).filter(lambda v: v != old))
        elif name == "at":
            new = old + timedelta(microseconds=data.draw(
                st.integers(-10**9, 10**9).filter(lambda v: v != 0)))
        else:
            new = data.draw(st.text(max_size=70).filter(lambda v: v != old))
        tampered[i] = dataclasses.replace(chain[i], **{name: new})
    elif kind == "delete":
        del tampered[i]
    elif kind == "duplicate":
        tampered.insert(i, chain[i])
    else:
        j = data.draw(st.integers(0, len(chain) - 1).filter(lambda v: v != i))
        tampered[i], tampered[j] = tampered[j], tampered[i]
    result = verify(tampered, anchor=head)
    assert not result.ok, (kind, i)
    assert result.reason
