"""Who uses FlankWatch: organisations, their users and users' API tokens (docs/security.md,
"Organisations, users and tokens").

These dataclasses are the single description of the tables ``organisations``, ``users`` and
``api_tokens`` (schema migration 4). A token's plain text is never stored: only its argon2
hash and its last four characters (so people can tell their tokens apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(kw_only=True, slots=True)
class Organisation:
    """A community whose members may see items releasable to ``code`` (e.g. NATO, EU, FRA)."""

    id: str
    name: str
    kind: str  # nato | eu_agency | nation | institute
    code: str  # releasability code: "NATO", "EU", "FRA", ...
    created_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class User:
    """A person who reads through the API, with a role and a clearance."""

    id: str
    name: str
    org_id: str
    role: str  # viewer | analyst | admin
    clearance: str  # a Classification name: PUBLIC, UNCLASSIFIED, ..., SECRET
    memberships: tuple[str, ...] = ()  # releasability codes beyond the organisation's own
    created_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class ApiToken:
    """One API token of a user; ``hash`` is the argon2 hash of the plain token."""

    id: str
    user_id: str
    hash: str
    created_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last4: str = ""
