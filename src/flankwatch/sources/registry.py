"""Adapter discovery: every module of :mod:`flankwatch.sources` that defines ``ADAPTERS`` (a
list of :class:`Adapter` subclasses) is registered. :func:`detect` picks the adapter for a
file from its content."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path

import flankwatch.sources as sources_pkg
from flankwatch.errors import UnknownFormatError
from flankwatch.sources.base import Adapter, read_head


@lru_cache(maxsize=1)
def adapters() -> tuple[Adapter, ...]:
    """All registered adapters, sorted by name."""
    found: dict[str, Adapter] = {}
    for info in pkgutil.walk_packages(sources_pkg.__path__, prefix="flankwatch.sources."):
        module = importlib.import_module(info.name)
        for cls in getattr(module, "ADAPTERS", ()):
            adapter = cls()
            if adapter.meta.name in found:
                raise RuntimeError(f"two adapters are named {adapter.meta.name!r}")
            found[adapter.meta.name] = adapter
    return tuple(found[n] for n in sorted(found))


def by_name(name: str) -> Adapter:
    for a in adapters():
        if a.meta.name == name:
            return a
    names = ", ".join(a.meta.name for a in adapters())
    raise KeyError(f"no adapter named {name!r}; known: {names}")


def detect(path: Path) -> Adapter:
    """The adapter most confident it can read ``path``."""
    try:
        head = read_head(path)
    except OSError as exc:
        raise UnknownFormatError(str(path), f"cannot be read: {exc}") from exc
    scored = [(a.sniff(path, head), a.meta.name, a) for a in adapters()]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        first = head.splitlines()[0][:120] if head else "(empty file)"
        raise UnknownFormatError(
            str(path), f"no adapter recognises this format (first line: {first!r})"
        )
    scored.sort(key=lambda s: (-s[0], s[1]))
    return scored[0][2]
