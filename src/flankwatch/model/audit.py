"""The audit trail's vocabulary: one entry per analyst (or system) action, hash-chained.

Each entry's ``hash`` is the SHA-256 of a canonical JSON document of its fields and the hash of
the entry before it (``prev_hash``; the first entry uses :data:`GENESIS`). Changing, deleting or
reordering a stored entry therefore breaks the chain from that entry on
(:func:`flankwatch.security.audit.verify` finds where).

Canonical form (so that anyone can verify a chain without FlankWatch):

* a JSON object with exactly the keys ``action``, ``actor``, ``at``, ``detail``, ``prev_hash``,
  ``seq`` and ``target``, keys sorted, no whitespace (separators ``,`` and ``:``), non-ASCII
  characters written as themselves (not ``\\u`` escapes), encoded as UTF-8;
* ``seq`` a JSON integer; ``at`` the time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six
  fractional digits); ``detail`` the stored detail text as a JSON *string* (the exact text in
  the ``detail`` column, itself JSON written with sorted keys and no whitespace);
  ``actor``, ``action``, ``target`` and ``prev_hash`` as JSON strings;
* the hash is the lower-case hexadecimal SHA-256 digest of those bytes.

In Python: ``hashlib.sha256(json.dumps({...}, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode()).hexdigest()``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: ``prev_hash`` of the first entry of a chain.
GENESIS = "0" * 64


@dataclass(kw_only=True, slots=True)
class AuditEntry:
    """One action in the audit trail (table ``audit_log``)."""

    seq: int  # 1, 2, 3, ... in the order the actions were recorded
    at: datetime  # when, UTC
    actor: str  # who: the analyst's name, $USER, "local" or "system"
    action: str  # e.g. alert.acknowledge, ingest, export
    target: str  # what it was done to: an alert id, an ingest run id, an export folder
    detail: str  # JSON object (canonical: sorted keys, no whitespace)
    prev_hash: str  # hash of the entry before (GENESIS for the first)
    hash: str  # entry_hash(...) of this entry's fields


def canonical_detail(detail: dict[str, Any] | None) -> str:
    """The detail object as stored: JSON with sorted keys and no whitespace."""
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def canonical_time(at: datetime) -> str:
    """``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (a naive time is taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str, target: str,
               detail: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry (see the module documentation)."""
    doc = {
        "action": action,
        "actor": actor,
        "at": canonical_time(at),
        "detail": detail,
        "prev_hash": prev_hash,
        "seq": int(seq),
        "target": target,
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_entry(prev_seq: int, prev_hash: str, at: datetime, actor: str, action: str,
               target: str, detail: dict[str, Any] | None = None) -> AuditEntry:
    """The entry that follows the one with ``prev_seq`` and ``prev_hash`` (``0`` and
    :data:`GENESIS` to start a chain)."""
    seq = prev_seq + 1
    text = canonical_detail(detail)
    return AuditEntry(seq=seq, at=at, actor=actor, action=action, target=target, detail=text,
                      prev_hash=prev_hash,
                      hash=entry_hash(prev_hash, seq, at, actor, action, target, text))
