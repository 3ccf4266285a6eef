"""``flankwatch orgs`` and ``flankwatch users``: organisations, users and API tokens
(docs/security.md, "Organisations, users and tokens"). Every change is audited with the
person running the command (``$USER``) as actor."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flankwatch.cli.audit import actor
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore

orgs_app = typer.Typer(help="Organisations: the communities users belong to.",
                       no_args_is_help=True)
users_app = typer.Typer(help="Users of the API and their tokens.", no_args_is_help=True)
out = Console(soft_wrap=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Store file (default: FLANKWATCH_DB).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _open(db: str | None, read_only: bool = False) -> DuckDBStore:
    return DuckDBStore(db or load_settings().db, read_only=read_only)


def _time(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


@orgs_app.command("add")
def orgs_add(
    name: Annotated[str, typer.Argument(help="Organisation name, e.g. 'Frontex'.")],
    kind: Annotated[str, typer.Option(help="nato, eu_agency, nation or institute.")],
    code: Annotated[str, typer.Option(help="Releasability code, e.g. NATO, EU, FRA.")],
    db: DbOpt = None,
) -> None:
    """Add an organisation."""
    with _open(db) as store:
        org = store.writer().add_org(name, kind, code, actor=actor())
    out.print(f"organisation {org.name} ({org.kind}, {org.code}) id {org.id}")


@orgs_app.command("list")
def orgs_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List organisations."""
    with _open(db, read_only=True) as store:
        orgs = store.reader().orgs()
    rows = [{"id": o.id, "name": o.name, "kind": o.kind, "code": o.code,
             "created_at": _time(o.created_at)} for o in orgs]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title=f"organisations ({len(rows)})")
    for col in ("name", "kind", "code", "id"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["kind"], r["code"], r["id"])
    out.print(table)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (unique).")],
    org: Annotated[str, typer.Option(help="Organisation name, code or id.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")],
    clearance: Annotated[str, typer.Option(help="PUBLIC, UNCLASSIFIED, RESTRICTED, "
                                           "CONFIDENTIAL or SECRET.")],
    member: Annotated[list[str] | None, typer.Option("--member", help="A further "
                      "releasability code the user holds (repeatable).")] = None,
    db: DbOpt = None,
) -> None:
    """Add a user to an organisation."""
    with _open(db) as store:
        user = store.writer().add_user(name, org, role, clearance, member or (),
                                       actor=actor())
    out.print(f"user {user.name} ({user.role}, {user.clearance}) id {user.id}")


@users_app.command("list")
def users_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List users (revoked ones too) with their live tokens."""
    with _open(db, read_only=True) as store:
        reader = store.reader()
        users = reader.users()
        orgs = {o.id: o for o in reader.orgs()}
        tokens = reader.tokens()
    rows: list[dict[str, Any]] = []
    for u in users:
        org = orgs.get(u.org_id)
        rows.append({
            "id": u.id, "name": u.name, "org": org.name if org else u.org_id,
            "org_code": org.code if org else None, "role": u.role,
            "clearance": u.clearance, "memberships": list(u.memberships),
            "created_at": _time(u.created_at), "revoked_at": _time(u.revoked_at),
            "tokens": [{"id": t.id, "last4": t.last4, "created_at": _time(t.created_at),
                        "expires_at": _time(t.expires_at), "revoked_at": _time(t.revoked_at)}
                       for t in tokens if t.user_id == u.id],
        })
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title=f"users ({len(rows)})")
    for col in ("name", "org", "role", "clearance", "memberships", "tokens", "revoked"):
        table.add_column(col, overflow="fold")
    for r in rows:
        live = [t for t in r["tokens"] if t["revoked_at"] is None]
        table.add_row(r["name"], r["org"], r["role"], r["clearance"],
                      ", ".join(r["memberships"]),
                      ", ".join(f"{t['id']} (…{t['last4']})" for t in live),
                      r["revoked_at"] or "")
    out.print(table)


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="User name or id.")],
                 db: DbOpt = None) -> None:
    """Revoke a user: none of their tokens works any more."""
    with _open(db) as store:
        store.writer().revoke_user(name, actor=actor())
    out.print(f"user {name} revoked")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="User name or id.")],
    days: Annotated[int | None, typer.Option(help="Valid for this many days (default "
                                             "90).")] = None,
    db: DbOpt = None,
) -> None:
    """Issue an API token. It is printed once, here, and stored only as a hash."""
    with _open(db) as store:
        tok, plain = store.writer().issue_token(name, days, actor=actor())
    out.print(f"token id {tok.id}, expires {_time(tok.expires_at)}")
    out.print("the token (shown once, store it now):")
    print(plain)


@users_app.command("revoke-token")
def users_revoke_token(token_id: Annotated[str, typer.Argument(help="Token id (see `users "
                                                               "list`).")],
                       db: DbOpt = None) -> None:
    """Revoke one API token by its id."""
    with _open(db) as store:
        store.writer().revoke_token(token_id, actor=actor())
    out.print(f"token {token_id} revoked")
