"""Content-derived record ids.

An id is the BLAKE2b hash of the source name and the record's natural key in that source, so
re-ingesting the same data yields the same ids (and changes nothing), while every id can be
re-derived from the raw row it came from.
"""

from __future__ import annotations

import hashlib

KEY_SEPARATOR = "\x1f"  # ASCII unit separator: cannot occur in the parts we hash


def record_id(source: str, *key: object) -> str:
    """Return a 32-hex-digit id for ``key`` within ``source``.

    ``None`` and the empty string hash differently, so a missing field never collides with an
    empty one.
    """
    text = KEY_SEPARATOR.join([source, *("\x00" if k is None else str(k) for k in key)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
