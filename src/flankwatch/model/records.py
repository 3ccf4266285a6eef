"""The records FlankWatch stores, one dataclass per table.

These dataclasses are the single description of each table: the store derives its schema from
them and the adapters emit columns with these names. Every record carries

* ``id``: content-derived (:func:`flankwatch.model.identity.record_id`);
* provenance: ``source``, ``source_version``, ``file``, ``line`` (1-based; the first line of a
  multi-line record; the row number for binary formats), ``original`` (JSON of the raw values
  that were normalised, when any were), ``run_id`` and ``ingested_at``;
* a confidentiality marking: ``classification`` (:class:`Classification` value) and
  ``releasable_to`` (empty = no restriction).

Conventions (ARCHITECTURE.md §3): times are timezone-aware UTC with an explicit precision;
geometry is WGS84 lon/lat; units are in field names; countries are ISO 3166-1 alpha-3, with
source pseudo-codes kept (see :mod:`flankwatch.model.country`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What happened. Mapped from each source's own typology (documented in docs/sources.md)."""

    ARMED_CLASH = "armed_clash"  # UCDP state-based and non-state violence; CAMEO 19 fight
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians"  # UCDP one-sided; CAMEO 20
    TERRORISM = "terrorism"
    ASSAULT = "assault"  # CAMEO 18: assault, bombing, abduction
    COERCION = "coercion"  # CAMEO 17: seize, blockade, expel, restrict movement
    THREAT = "threat"  # CAMEO 13 threaten; CAMEO 15 show of force
    PROTEST = "protest"  # CAMEO 14
    DEMAND = "demand"  # CAMEO 10-12: demand, disapprove, reject
    COOPERATION = "cooperation"  # CAMEO 01-09
    MIGRANT_DEATH = "migrant_death"  # IOM Missing Migrants: dead or missing
    MARITIME_INCIDENT = "maritime_incident"
    OTHER = "other"


@dataclass(kw_only=True, slots=True)
class Record:
    """Fields every stored record has."""

    id: str
    source: str
    source_version: str = ""
    file: str = ""
    line: int = 0
    original: str | None = None
    run_id: str = ""
    ingested_at: datetime | None = None
    classification: int = 0
    releasable_to: tuple[str, ...] = field(default=())


@dataclass(kw_only=True, slots=True)
class Event(Record):
    """Something that happened at a place and time: a clash, an attack, a protest, a
    shipwreck with migrants dead or missing, a coercive statement in the news."""

    kind: str
    subkind: str | None = None
    time_start: datetime
    time_end: datetime | None = None
    time_precision: str = "day"
    lon: float | None = None
    lat: float | None = None
    location_precision: int | None = None  # source's own code, e.g. UCDP where_prec
    h3: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities_best: float | None = None
    fatalities_low: float | None = None
    fatalities_high: float | None = None
    survivors: float | None = None
    code: str | None = None  # the source's own event code (CAMEO code, UCDP conflict id)
    route: str | None = None
    description: str | None = None
    source_record_id: str | None = None
    attrs: str | None = None  # JSON of further source fields worth keeping


@dataclass(kw_only=True, slots=True)
class Observation(Record):
    """One count or value in a series: a number of something by dimension and period.

    ``country`` is the country the value is about or reported by (the receiving country for
    asylum applications, the country of the conflict for fatalities); ``nationality`` the
    citizenship or origin of the people counted. Dimensions a source does not have are null;
    "all" totals are stored only when the source publishes them, with ``nationality='ALL'``.
    """

    metric: str
    period_start: date
    precision: str = "month"
    value: float | None
    unit: str = "persons"
    route: str | None = None
    border_type: str | None = None
    nationality: str | None = None
    country: str | None = None
    area: str | None = None
    category: str | None = None
    lon: float | None = None
    lat: float | None = None
    h3: str | None = None


@dataclass(kw_only=True, slots=True)
class Position(Record):
    """One AIS position report (or one row of a decoded position file)."""

    mmsi: int | None = None
    vessel_ref: str | None = None  # the source's vessel id when there is no MMSI
    time: datetime | None = None
    time_precision: str | None = "second"  # null when the report carries no time
    lon: float
    lat: float
    h3: str | None = None
    sog_kn: float | None = None
    cog_deg: float | None = None
    heading_deg: float | None = None
    nav_status: int | None = None
    msg_type: int | None = None
    station: str | None = None  # receiving station or tag-block source


@dataclass(kw_only=True, slots=True)
class Vessel(Record):
    """Static and voyage data a vessel broadcasts (AIS types 5, 19, 24) or a registry lists."""

    mmsi: int | None = None
    vessel_ref: str | None = None
    time: datetime | None = None
    time_precision: str | None = "second"
    name: str | None = None
    imo: int | None = None
    call_sign: str | None = None
    ship_type: int | None = None
    ship_type_text: str | None = None
    length_m: float | None = None
    width_m: float | None = None
    draught_m: float | None = None
    destination: str | None = None
    flag: str | None = None  # ISO-3, from the MMSI's Maritime Identification Digits
    transceiver_class: str | None = None


@dataclass(kw_only=True, slots=True)
class Entity(Record):
    """A person, organisation or vessel on a sanctions list (or an entity of a FollowTheMoney
    dataset). Multi-valued properties are tuples; ``properties`` keeps the full source record."""

    schema: str  # FollowTheMoney schema name: Person, Organization, LegalEntity, Vessel, ...
    name: str
    aliases: tuple[str, ...] = field(default=())
    birth_dates: tuple[str, ...] = field(default=())  # ISO dates, possibly partial (YYYY)
    birth_places: tuple[str, ...] = field(default=())
    nationalities: tuple[str, ...] = field(default=())
    countries: tuple[str, ...] = field(default=())
    documents: tuple[str, ...] = field(default=())  # "type: number (country)"
    list_name: str | None = None
    reference: str | None = None
    listed_on: date | None = None
    programme: str | None = None
    imo: int | None = None
    mmsi: int | None = None
    datasets: tuple[str, ...] = field(default=())
    status: str = "active"  # "active" or "deleted" (a delta's DEL keeps the record, flagged)
    source_record_id: str | None = None
    properties: str | None = None  # JSON


@dataclass(kw_only=True, slots=True)
class Area(Record):
    """A named area: a country, a sea, a watch zone."""

    kind: str  # country, marine, watch_zone
    name: str
    iso3: str | None = None
    category: str | None = None
    geometry_wkt: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    attrs: str | None = None


@dataclass(kw_only=True, slots=True)
class ForecastSample(Record):
    """A probabilistic forecast for one unit and period, as a vector of draws (samples).

    Benchmark forecasts that publishers distribute (for example the VIEWS prediction-challenge
    benchmarks) and FlankWatch's own forecasts share this table.
    """

    model: str
    model_version: str = ""
    target: str  # e.g. ged_sb
    window: str | None = None
    cutoff: date | None = None  # last period of data the forecast may use
    country_id: int | None = None  # VIEWS country id where relevant
    country: str | None = None
    series_key: str | None = None
    period_start: date
    precision: str = "month"
    draws: tuple[float, ...] = field(default=())


@dataclass(kw_only=True, slots=True)
class Code(Record):
    """An entry of a code list a source publishes or relies on: CAMEO event codes, country
    code tables, VIEWS country ids."""

    scheme: str  # e.g. cameo, iso3166, views_country
    code: str
    label: str
    parent: str | None = None
    attrs: str | None = None  # JSON of further columns


@dataclass(kw_only=True, slots=True)
class Alert(Record):
    """A warning for people: one per episode, updated while it grows, closed when it ends.

    Detection fields are rewritten by each detection run; the lifecycle fields (``status``,
    ``status_by``, ``status_at``, ``note``) belong to the analysts and are changed only by
    their actions, each logged in ``alert_log``. ``evidence`` and ``instrumentalisation``
    are JSON documents (drivers, history points, indicators)."""

    kind: str  # surge, maritime
    title: str
    status: str = "new"  # new, acknowledged, closed
    status_by: str | None = None
    status_at: datetime | None = None
    note: str | None = None
    severity: str  # low, medium, high, critical
    score: float
    metric: str | None = None
    route: str | None = None
    border_type: str | None = None
    nationality: str | None = None
    reporting_country: str | None = None
    series_key: str | None = None  # JSON of the SeriesKey
    detector: str
    detector_version: str
    precision: str = "month"
    first_period: date
    onset_period: date | None = None
    peak_period: date
    last_period: date
    ongoing: bool = False
    observed: float | None = None
    expected: float | None = None
    lower: float | None = None
    upper: float | None = None
    ratio: float | None = None
    explanation: str
    evidence: str | None = None
    judgement: str | None = None
    instrumentalisation: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class AlertAction:
    """One analyst action on an alert (or the system closing it), for the audit trail."""

    alert_id: str
    at: datetime
    by: str
    action: str  # acknowledge, close, reopen, note, auto_close
    from_status: str | None
    to_status: str | None
    note: str | None = None


@dataclass(kw_only=True, slots=True)
class QuarantineRecord:
    """A row, sentence or record that could not be used, kept with the reason."""

    id: str
    run_id: str
    source: str
    file: str
    line: int
    raw: str
    reason: str
    quarantined_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class IngestFile:
    """What one ingest run did with one file. For every file:
    ``read == stored + duplicates + quarantined``."""

    run_id: str
    path: str
    sha256: str
    source: str
    adapter: str
    status: str  # running, done, failed
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None


#: Record tables by name, in the order they are created.
TABLES: dict[str, type[Record]] = {
    "events": Event,
    "observations": Observation,
    "positions": Position,
    "vessels": Vessel,
    "entities": Entity,
    "areas": Area,
    "forecasts": ForecastSample,
    "codes": Code,
    "alerts": Alert,
}
