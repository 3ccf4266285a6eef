"""Organisations, users and API tokens in the store (docs/security.md): the write side and
the read side, mixed into :class:`~flankwatch.store.duckdb.Writer` and
:class:`~flankwatch.store.duckdb.Reader`. Every change is audited in the same transaction;
token checks compare argon2 hashes, never stored plain tokens."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from flankwatch.errors import ConfigurationError
from flankwatch.model.audit import AuditEntry
from flankwatch.model.credentials import (
    check_code,
    check_kind,
    check_role,
    expiry,
    hash_token,
    looks_like_token,
    new_token,
    parse_clearance,
    token_matches,
)
from flankwatch.model.identity import record_id
from flankwatch.model.marking import Classification
from flankwatch.model.people import ApiToken, Organisation, User
from flankwatch.store.query import Viewer


class PeopleWriter:
    """Adds and revokes organisations, users and tokens."""

    con: duckdb.DuckDBPyConnection
    store: Any  # the DuckDBStore this writer writes to

    if TYPE_CHECKING:
        def audit(self, actor: str, action: str, target: str,
                  detail: dict[str, Any] | None = None) -> AuditEntry: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    def _insert(self, table: str, values: dict[str, object]) -> None:
        cols = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        self.con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(values.values()))

    def _one(self, sql: str, params: Sequence[object]) -> tuple[Any, ...] | None:
        return self.con.execute(sql, list(params)).fetchone()

    def add_org(self, name: str, kind: str, code: str, *, actor: str = "local") -> Organisation:
        """Add an organisation (names are unique); audited as ``org.add``."""

        org = Organisation(id=record_id("org", name.strip()), name=name.strip(),
                           kind=check_kind(kind), code=check_code(code),
                           created_at=datetime.now(UTC))
        with self._identity_transaction():
            if self._one("SELECT 1 FROM organisations WHERE name = ?", [org.name]):
                raise ConfigurationError(f"organisation {org.name!r} exists already")
            self._insert("organisations", {"id": org.id, "name": org.name, "kind": org.kind,
                                           "code": org.code, "created_at": org.created_at})
            self.audit(actor, "org.add", org.id,
                       {"name": org.name, "kind": org.kind, "code": org.code})
        return org

    def add_user(self, name: str, org: str, role: str, clearance: str,
                 memberships: Sequence[str] = (), *, actor: str = "local") -> User:
        """Add a user of an organisation (given by name, code or id); audited as
        ``user.add``."""

        level = parse_clearance(clearance)
        with self._identity_transaction():
            row = self._one("SELECT id FROM organisations WHERE name = ? OR id = ? OR code = ? "
                            "ORDER BY name = ? DESC LIMIT 1", [org, org, org.upper(), org])
            if row is None:
                raise ConfigurationError(f"no organisation {org!r} (`flankwatch orgs add`)")
            if self._one("SELECT 1 FROM users WHERE name = ?", [name.strip()]):
                raise ConfigurationError(f"user {name.strip()!r} exists already")
            user = User(id=record_id("user", name.strip()), name=name.strip(),
                        org_id=str(row[0]), role=check_role(role), clearance=level.name,
                        memberships=tuple(sorted({check_code(m) for m in memberships})),
                        created_at=datetime.now(UTC))
            self._insert("users", {"id": user.id, "name": user.name, "org_id": user.org_id,
                                   "role": user.role, "clearance": user.clearance,
                                   "memberships": list(user.memberships),
                                   "created_at": user.created_at})
            self.audit(actor, "user.add", user.id,
                       {"name": user.name, "org_id": user.org_id, "role": user.role,
                        "clearance": user.clearance, "memberships": list(user.memberships)})
        return user

    def _user_id(self, name: str) -> str:
        row = self._one("SELECT id FROM users WHERE name = ? OR id = ? LIMIT 1", [name, name])
        if row is None:
            raise ConfigurationError(f"no user {name!r}")
        return str(row[0])

    def revoke_user(self, name: str, *, actor: str = "local") -> None:
        """Revoke a user (by name or id): none of their tokens works any more; audited as
        ``user.revoke``."""
        with self._identity_transaction():
            uid = self._user_id(name)
            self.con.execute("UPDATE users SET revoked_at = coalesce(revoked_at, ?) "
                             "WHERE id = ?", [datetime.now(UTC), uid])
            self.audit(actor, "user.revoke", uid, {"name": name})

    def issue_token(self, user: str, days: int | None = None, *,
                    actor: str = "local") -> tuple[ApiToken, str]:
        """Issue an API token to a user (by name or id). Returns the stored record and the
        plain token, which is not stored anywhere and cannot be shown again; audited as
        ``token.issue`` (the detail names the token id and expiry, never the token)."""

        plain = new_token()
        now = datetime.now(UTC)
        with self._identity_transaction():
            uid = self._user_id(user)
            row = self._one("SELECT revoked_at FROM users WHERE id = ?", [uid])
            if row is not None and row[0] is not None:
                raise ConfigurationError(f"user {user!r} is revoked")
            tok = ApiToken(id="tok_" + record_id("token", uid, plain)[:16], user_id=uid,
                           hash=hash_token(plain), created_at=now,
                           expires_at=expiry(now, days), last4=plain[-4:])
            self._insert("api_tokens", {"id": tok.id, "user_id": tok.user_id,
                                        "hash": tok.hash, "created_at": tok.created_at,
                                        "expires_at": tok.expires_at, "last4": tok.last4})
            self.audit(actor, "token.issue", tok.id,
                       {"user_id": uid, "expires_at": tok.expires_at.isoformat()
                        if tok.expires_at else None})
        return tok, plain

    def revoke_token(self, token_id: str, *, actor: str = "local") -> None:
        """Revoke one token by its id; audited as ``token.revoke``."""
        with self._identity_transaction():
            if not self._one("SELECT 1 FROM api_tokens WHERE id = ?", [token_id]):
                raise ConfigurationError(f"no token {token_id!r}")
            self.con.execute("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) "
                             "WHERE id = ?", [datetime.now(UTC), token_id])
            self.audit(actor, "token.revoke", token_id, {})

    @contextmanager
    def _identity_transaction(self) -> Iterator[None]:
        """Join the open transaction, or open one: the change and its audit entry commit
        together."""
        if self.store.in_transaction:
            yield
            return
        with self.transaction():
            yield


class PeopleReader:
    """Lists organisations, users and tokens (owner only) and resolves a token to a viewer."""

    con: duckdb.DuckDBPyConnection
    store: Any  # the DuckDBStore this reader reads

    if TYPE_CHECKING:
        def _may_see_bookkeeping(self) -> bool: ...

    def orgs(self) -> list[Organisation]:
        """Every organisation, by name. Owner only."""
        self._owner_only("organisations")
        rows = self.con.execute("SELECT id, name, kind, code, created_at FROM organisations "
                                "ORDER BY name").fetchall()
        return [Organisation(id=str(r[0]), name=str(r[1]), kind=str(r[2]), code=str(r[3]),
                             created_at=r[4]) for r in rows]

    def users(self) -> list[User]:
        """Every user, by name (revoked ones too). Owner only."""
        self._owner_only("users")
        rows = self.con.execute(
            "SELECT id, name, org_id, role, clearance, memberships, created_at, revoked_at "
            "FROM users ORDER BY name").fetchall()
        return [User(id=str(r[0]), name=str(r[1]), org_id=str(r[2]), role=str(r[3]),
                     clearance=str(r[4]), memberships=tuple(r[5] or ()), created_at=r[6],
                     revoked_at=r[7]) for r in rows]

    def tokens(self) -> list[ApiToken]:
        """Every API token record (hashes, never plain tokens). Owner only."""
        self._owner_only("API tokens")
        rows = self.con.execute(
            "SELECT id, user_id, hash, created_at, expires_at, revoked_at, last4 "
            "FROM api_tokens ORDER BY created_at").fetchall()
        return [ApiToken(id=str(r[0]), user_id=str(r[1]), hash=str(r[2]), created_at=r[3],
                         expires_at=r[4], revoked_at=r[5], last4=str(r[6])) for r in rows]

    def _owner_only(self, what: str) -> None:
        if not self._may_see_bookkeeping():
            raise ConfigurationError(f"{what} are visible to the store's owner only")

    def viewer_for_token(self, token: str, now: datetime | None = None) -> Viewer | None:
        """The viewer a plain API token stands for, or None when it is unknown, expired,
        revoked, or its user is revoked. Memberships are the user's plus their
        organisation's releasability code; the clearance is the user's."""

        if not looks_like_token(token):
            return None
        at = now or datetime.now(UTC)
        with self.store._lock:
            rows = self.con.execute(
                "SELECT t.hash, u.name, u.clearance, u.memberships, o.code "
                "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "JOIN organisations o ON o.id = u.org_id "
                "WHERE t.last4 = ? AND t.revoked_at IS NULL AND u.revoked_at IS NULL "
                "AND (t.expires_at IS NULL OR t.expires_at > ?)",
                [token[-4:], at]).fetchall()
        for hashed, name, clearance, memberships, code in rows:
            if token_matches(token, str(hashed)):
                members = tuple(sorted({*(memberships or ()), str(code)}))
                return Viewer(str(name), Classification[str(clearance)], members)
        return None
