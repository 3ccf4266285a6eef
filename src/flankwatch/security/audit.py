"""Verify the hash-chained audit trail (docs/security.md).

:func:`verify` walks entries in the order given (the store returns them by ``seq``) and stops at
the first one that breaks the chain:

* ``modified``: the entry's stored hash is not the hash of its fields (a field was changed);
* ``out of order``: its ``seq`` is not greater than the one before (entries reordered or
  duplicated);
* ``missing``: its ``seq`` skips numbers, or the first entry is not ``seq`` 1 (entries deleted);
* ``chain break``: its ``prev_hash`` is not the hash of the entry before (an entry replaced or
  deleted and the numbers rewritten).

Deleting the *last* entries leaves a valid shorter chain; to detect that, keep the head hash
somewhere else (``flankwatch audit verify --json`` prints it) and pass it as ``anchor`` later:
the chain must still contain it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flankwatch.model.audit import GENESIS, AuditEntry, entry_hash


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What :func:`verify` found. ``ok`` is True when the whole chain is intact."""

    ok: bool
    entries: int  # entries checked
    head: str | None  # hash of the last entry (None for an empty trail)
    first_bad_seq: int | None = None  # seq of the first entry that breaks the chain
    position: int | None = None  # its 0-based position in the entries given
    problem: str | None = None  # modified, out of order, missing, chain break, anchor missing
    reason: str | None = None  # a sentence for people

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "head": self.head,
                "first_bad_seq": self.first_bad_seq, "position": self.position,
                "problem": self.problem, "reason": self.reason}


def _bad(entries: int, head: str | None, e: AuditEntry, pos: int, problem: str,
         reason: str) -> VerifyResult:
    return VerifyResult(ok=False, entries=entries, head=head, first_bad_seq=e.seq,
                        position=pos, problem=problem, reason=reason)


def verify(entries: Iterable[AuditEntry], anchor: str | None = None) -> VerifyResult:
    """Check every entry's hash and its link to the one before; report the first break.

    ``anchor``: a head hash recorded earlier; the chain must contain it (detects truncation)."""
    items = list(entries)
    head = items[-1].hash if items else None
    prev: AuditEntry | None = None
    for pos, e in enumerate(items):
        try:
            expected = entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.action, e.target,
                                  e.detail)
        except (TypeError, ValueError, AttributeError) as exc:
            return _bad(len(items), head, e, pos, "modified",
                        f"entry {e.seq} has an unreadable field ({exc})")
        if prev is None:
            if e.seq != 1:
                return _bad(len(items), head, e, pos, "missing",
                            f"the trail starts at entry {e.seq}: entries 1 to {e.seq - 1} "
                            "are missing (deleted?)" if e.seq > 1 else
                            f"the trail starts at entry {e.seq}, not 1")
            if e.prev_hash != GENESIS:
                return _bad(len(items), head, e, pos, "chain break",
                            f"entry {e.seq} is first but does not start the chain "
                            "(prev_hash is not the genesis hash)")
        else:
            if e.seq <= prev.seq:
                return _bad(len(items), head, e, pos, "out of order",
                            f"entry {e.seq} comes after entry {prev.seq}: entries reordered "
                            "or duplicated")
            if e.seq != prev.seq + 1:
                return _bad(len(items), head, e, pos, "missing",
                            f"entries {prev.seq + 1} to {e.seq - 1} are missing before "
                            f"entry {e.seq} (deleted?)")
        if e.hash != expected:
            return _bad(len(items), head, e, pos, "modified",
                        f"entry {e.seq} was modified: its hash does not match its content")
        if prev is not None and e.prev_hash != prev.hash:
            return _bad(len(items), head, e, pos, "chain break",
                        f"entry {e.seq} does not link to entry {prev.seq} (prev_hash "
                        "mismatch): an entry was replaced or removed")
        prev = e
    if anchor is not None and all(e.hash != anchor for e in items):
        return VerifyResult(ok=False, entries=len(items), head=head, problem="anchor missing",
                            reason=f"the anchor {anchor[:16]}… is not in the trail: entries "
                            "after it were deleted (truncated) or the trail was rewritten")
    return VerifyResult(ok=True, entries=len(items), head=head)
