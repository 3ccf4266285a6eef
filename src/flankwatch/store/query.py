"""The one query object every read goes through, and the viewer whose access it is.

A :class:`Query` scopes a read by table, area, time window, kinds, sources and further column
filters; the :class:`Reader` adds the viewer's access decision (classification and
releasability) to every statement it runs. There is no other way to read records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flankwatch.errors import ConfigurationError
from flankwatch.model.geo import BBox
from flankwatch.model.marking import Classification

#: Releasability wildcard: a viewer holding it may see items releasable to anybody.
ALL_PARTNERS = "*"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads: a clearance and the communities (organisations, nations) the viewer belongs
    to, against which ``releasable_to`` lists are checked."""

    name: str
    clearance: Classification
    memberships: tuple[str, ...] = ()

    @classmethod
    def local_owner(cls) -> Viewer:
        """The person at the keyboard of a local store: they own every record in it."""
        return cls("local", Classification.SECRET, (ALL_PARTNERS,))

    @classmethod
    def public(cls) -> Viewer:
        return cls("public", Classification.PUBLIC, ())


def _as_datetime(value: str | date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = value.strip()
    try:
        if len(text) == 7:  # YYYY-MM
            text += "-01"
        if len(text) == 4:  # YYYY
            text += "-01-01"
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigurationError(f"not a date or time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Query:
    """A scoped read of one table. ``end`` is exclusive."""

    table: str
    bbox: BBox | None = None
    area: str | None = None  # name of a stored area (its bounding box scopes the read)
    start: datetime | None = None
    end: datetime | None = None
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    where: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    offset: int = 0

    @classmethod
    def build(
        cls,
        table: str,
        *,
        bbox: BBox | tuple[float, float, float, float] | str | None = None,
        area: str | None = None,
        start: str | date | datetime | None = None,
        end: str | date | datetime | None = None,
        kinds: str | tuple[str, ...] | list[str] | None = None,
        sources: str | tuple[str, ...] | list[str] | None = None,
        where: Mapping[str, object] | None = None,
        columns: tuple[str, ...] | list[str] = (),
        order_by: tuple[str, ...] | list[str] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> Query:
        """Build a query from the loose values people type (strings, tuples, lists)."""
        box: BBox | None
        if isinstance(bbox, str):
            box = BBox.parse(bbox)
        elif isinstance(bbox, tuple):
            box = BBox(*bbox)
        else:
            box = bbox
        if limit is not None and limit < 0:
            raise ConfigurationError("limit must not be negative")
        if offset < 0:
            raise ConfigurationError("offset must not be negative")
        norm: dict[str, tuple[object, ...]] = {}
        for k, v in (where or {}).items():
            if v is None:
                continue
            norm[k] = tuple(v) if isinstance(v, list | tuple | set) else (v,)
        return cls(
            table=table,
            bbox=box,
            area=area,
            start=_as_datetime(start),
            end=_as_datetime(end),
            kinds=_as_tuple(kinds),
            sources=_as_tuple(sources),
            where=norm,
            columns=tuple(columns),
            order_by=tuple(order_by),
            limit=limit,
            offset=offset,
        )


def _as_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)
