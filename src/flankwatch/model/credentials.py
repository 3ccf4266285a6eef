"""Pure rules for organisations, users and API tokens (docs/security.md, "Organisations,
users and tokens"): the vocabularies, clearance parsing, the token format and expiry.

A token is ``fw_`` followed by 32 random URL-safe characters (``secrets``); only its argon2
hash is stored. Tokens expire after :data:`DEFAULT_TOKEN_DAYS` days unless told otherwise.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from flankwatch.errors import ConfigurationError
from flankwatch.model.marking import Classification

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
ORG_KINDS: tuple[str, ...] = ("nato", "eu_agency", "nation", "institute")
TOKEN_PREFIX = "fw_"
TOKEN_CHARS = 32
DEFAULT_TOKEN_DAYS = 90
_URL_SAFE = string.ascii_letters + string.digits + "-_"
_TOKEN_RE = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{{TOKEN_CHARS}}}$")
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")

_hasher = PasswordHasher()


def check_role(role: str) -> str:
    r = role.strip().lower()
    if r not in ROLES:
        raise ConfigurationError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return r


def check_kind(kind: str) -> str:
    k = kind.strip().lower()
    if k not in ORG_KINDS:
        raise ConfigurationError(f"unknown organisation kind {kind!r}: one of "
                                 f"{', '.join(ORG_KINDS)}")
    return k


def check_code(code: str) -> str:
    """A releasability code, upper case (``NATO``, ``EU``, ``FRA``)."""
    c = code.strip().upper()
    if not _CODE_RE.match(c):
        raise ConfigurationError(f"not a releasability code: {code!r}")
    return c


def parse_clearance(text: str) -> Classification:
    """A clearance by name: ``SECRET``, ``restricted``, ``PUBLIC RELEASABLE``, ..."""
    name = " ".join(text.strip().upper().replace("_", " ").split())
    if name in ("PUBLIC", "PUBLIC RELEASABLE"):
        return Classification.PUBLIC
    if name in Classification.__members__:
        return Classification[name]
    raise ConfigurationError(f"unknown clearance {text!r}: one of "
                             f"{', '.join(Classification.__members__)}")


def new_token() -> str:
    """A fresh plain token: ``fw_`` + 32 random URL-safe characters."""
    return TOKEN_PREFIX + "".join(secrets.choice(_URL_SAFE) for _ in range(TOKEN_CHARS))


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_RE.match(text))


def hash_token(token: str) -> str:
    """The argon2 hash of a plain token (salted: hashing twice gives different text)."""
    return _hasher.hash(token)


def token_matches(token: str, hashed: str) -> bool:
    try:
        return _hasher.verify(hashed, token)
    except (VerificationError, InvalidHashError):
        return False


def expiry(now: datetime, days: int | None = None) -> datetime:
    """When a token issued at ``now`` expires (default :data:`DEFAULT_TOKEN_DAYS`)."""
    n = DEFAULT_TOKEN_DAYS if days is None else days
    if n <= 0:
        raise ConfigurationError("a token must be valid for at least one day")
    return now + timedelta(days=n)
