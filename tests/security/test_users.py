"""Organisations, users and API tokens: tokens resolve to viewers, only hashes are stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flankwatch.cli.app import app
from flankwatch.errors import ConfigurationError
from flankwatch.model.credentials import looks_like_token, new_token, parse_clearance
from flankwatch.model.marking import Classification
from flankwatch.security.audit import verify
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Viewer

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def store(tmp_path: Path) -> DuckDBStore:
    s = DuckDBStore(tmp_path / "fw.duckdb")
    w = s.writer()
    w.add_org("Frontex", "eu_agency", "EU")
    w.add_user("anna", "Frontex", "analyst", "restricted", ["FRA"])
    return s


def test_rules() -> None:
    t = new_token()
    assert t.startswith("fw_") and len(t) == 35 and looks_like_token(t)
    assert parse_clearance("PUBLIC RELEASABLE") is Classification.PUBLIC
    assert parse_clearance("secret") is Classification.SECRET
    with pytest.raises(ConfigurationError):
        parse_clearance("TOP SECRET")


def test_token_gives_the_users_viewer(store: DuckDBStore) -> None:
    tok, plain = store.writer().issue_token("anna")
    assert tok.expires_at is not None and tok.created_at is not None
    assert tok.expires_at - tok.created_at == timedelta(days=90)
    viewer = store.reader().viewer_for_token(plain)
    assert viewer == Viewer("anna", Classification.RESTRICTED, ("EU", "FRA"))


def test_wrong_expired_and_revoked_tokens(store: DuckDBStore) -> None:
    w = store.writer()
    tok, plain = w.issue_token("anna", days=1)
    r = store.reader()
    assert r.viewer_for_token(new_token()) is None
    assert r.viewer_for_token(plain[:-1] + ("A" if plain[-1] != "A" else "B")) is None
    assert r.viewer_for_token("not a token") is None
    later = datetime.now(UTC) + timedelta(days=2)
    assert r.viewer_for_token(plain, now=later) is None
    w.revoke_token(tok.id)
    assert r.viewer_for_token(plain) is None
    _, other = w.issue_token("anna")
    assert r.viewer_for_token(other) is not None
    w.revoke_user("anna")
    assert r.viewer_for_token(other) is None
    with pytest.raises(ConfigurationError):
        w.issue_token("anna")


def test_plain_tokens_never_stored(store: DuckDBStore) -> None:
    _, plain = store.writer().issue_token("anna")
    for table in ("api_tokens", "users", "organisations", "audit_log"):
        rows = store.con.execute(f"SELECT * FROM {table}").fetchall()
        assert plain not in repr(rows)
        assert plain[3:] not in repr(rows)


def test_changes_are_audited(store: DuckDBStore) -> None:
    w = store.writer()
    tok, _ = w.issue_token("anna")
    w.revoke_token(tok.id)
    w.revoke_user("anna")
    entries = store.reader().audit_entries()
    assert [e.action for e in entries] == ["org.add", "user.add", "token.issue",
                                           "token.revoke", "user.revoke"]
    assert verify(entries).ok


def test_failed_change_writes_no_audit_entry(store: DuckDBStore) -> None:
    with pytest.raises(ConfigurationError):
        store.writer().add_user("anna", "Frontex", "analyst", "SECRET")
    with pytest.raises(ConfigurationError):
        store.writer().add_user("bob", "Nowhere", "analyst", "SECRET")
    assert len(store.reader().audit_entries()) == 2


def test_owner_only(store: DuckDBStore) -> None:
    r = store.reader(Viewer("x", Classification.SECRET, ("EU",)))
    for call in (r.orgs, r.users, r.tokens):
        with pytest.raises(ConfigurationError):
            call()
    assert [o.code for o in store.reader().orgs()] == ["EU"]
    assert [u.memberships for u in store.reader().users()] == [("FRA",)]


def test_wildcard_membership_refused(store: DuckDBStore) -> None:
    with pytest.raises(ConfigurationError):
        store.writer().add_user("eve", "Frontex", "admin", "SECRET", ["*"])
    with pytest.raises(ConfigurationError):
        store.writer().add_org("Everyone", "nation", "*")


def test_cli_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    assert run("orgs", "add", "NATO HQ", "--kind", "nato", "--code", "NATO", "--db", db)[0] == 0
    code, text = run("orgs", "list", "--json", "--db", db)
    assert code == 0 and json.loads(text)[0]["code"] == "NATO"
    code, _ = run("users", "add", "bob", "--org", "NATO HQ", "--role", "viewer",
                  "--clearance", "CONFIDENTIAL", "--member", "EU", "--member", "ITA",
                  "--db", db)
    assert code == 0
    code, text = run("users", "token", "bob", "--days", "7", "--db", db)
    assert code == 0
    plain = next(w for w in text.split() if w.startswith("fw_"))
    with DuckDBStore(db, read_only=True) as s:
        viewer = s.reader().viewer_for_token(plain)
    assert viewer == Viewer("bob", Classification.CONFIDENTIAL, ("EU", "ITA", "NATO"))
    code, text = run("users", "list", "--json", "--db", db)
    rows = json.loads(text)
    assert code == 0 and rows[0]["name"] == "bob" and plain not in text
    token_id = rows[0]["tokens"][0]["id"]
    assert run("users", "revoke-token", token_id, "--db", db)[0] == 0
    assert run("users", "revoke", "bob", "--db", db)[0] == 0
    with DuckDBStore(db, read_only=True) as s:
        assert s.reader().viewer_for_token(plain) is None
        actions = [e.action for e in s.reader().audit_entries()]
    assert actions == ["org.add", "user.add", "token.issue", "token.revoke", "user.revoke"]
    result = runner.invoke(app, ["users", "add", "eve", "--org", "NATO HQ", "--role", "boss",
                                 "--clearance", "SECRET", "--db", db])
    assert isinstance(result.exception, ConfigurationError)
