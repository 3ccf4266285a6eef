"""Confidentiality markings, modelled on NATO's confidentiality metadata label (STANAG 4774).

A label has a policy (``NATO``), a classification and categories; the category FlankWatch
uses for access decisions is *releasable to* (``REL TO``): a list of organisations or nations
that may see the item. An empty list means "no releasability restriction" (open data).
Derived products carry the highest marking of their inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum


class Classification(IntEnum):
    """Classification levels, ordered so that a larger value is more sensitive."""

    PUBLIC = 0  # open-source data, releasable to anybody
    UNCLASSIFIED = 1  # NATO UNCLASSIFIED: official, not public by default
    RESTRICTED = 2
    CONFIDENTIAL = 3
    SECRET = 4

    @property
    def label(self) -> str:
        if self is Classification.PUBLIC:
            return "PUBLIC RELEASABLE"
        return self.name


@dataclass(frozen=True, slots=True)
class Marking:
    """One confidentiality label."""

    classification: Classification = Classification.PUBLIC
    releasable_to: tuple[str, ...] = field(default=())
    policy: str = "NATO"

    def __post_init__(self) -> None:
        # Normalise so that equal labels compare (and hash) equal.
        object.__setattr__(self, "releasable_to", tuple(sorted(set(self.releasable_to))))

    @property
    def text(self) -> str:
        """The banner text, for example ``NATO UNCLASSIFIED // REL TO EU, NATO``."""
        head = (
            self.classification.label
            if self.classification is Classification.PUBLIC
            else f"{self.policy} {self.classification.label}"
        )
        if self.releasable_to:
            return f"{head} // REL TO {', '.join(self.releasable_to)}"
        return head

    @classmethod
    def parse(cls, text: str) -> Marking:
        """Parse a banner such as ``NATO RESTRICTED // REL TO EU, NATO``."""
        head, _, rel = text.partition("//")
        words = head.strip().upper().split()
        policy = "NATO"
        if words and words[0] not in Classification.__members__ and words[0] != "PUBLIC":
            policy, words = words[0], words[1:]
        name = " ".join(words)
        if name in ("PUBLIC", "PUBLIC RELEASABLE", ""):
            level = Classification.PUBLIC
        elif name in Classification.__members__:
            level = Classification[name]
        else:
            raise ValueError(f"unknown classification {name!r} in marking {text!r}")
        rel = rel.strip()
        if rel.upper().startswith("REL TO"):
            rel = rel[6:]
        orgs = tuple(o.strip().upper() for o in rel.split(",") if o.strip())
        return cls(classification=level, releasable_to=orgs, policy=policy)


PUBLIC = Marking()


def highest(markings: Iterable[Marking]) -> Marking:
    """The marking of a product derived from items with these markings.

    The classification is the highest one; releasability is the intersection of the restricted
    lists (an item releasable to EU and NATO combined with one releasable to NATO only is
    releasable to NATO only). An empty intersection of non-empty lists yields ``("NONE",)``:
    releasable to nobody outside the originator.
    """
    level = Classification.PUBLIC
    rel: set[str] | None = None
    policy = "NATO"
    for m in markings:
        level = max(level, m.classification)
        if m.releasable_to:
            rel = set(m.releasable_to) if rel is None else rel & set(m.releasable_to)
    if rel is not None and not rel:
        rel = {"NONE"}
    return Marking(classification=level, releasable_to=tuple(rel or ()), policy=policy)
