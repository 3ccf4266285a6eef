"""The common vocabulary of FlankWatch: pure data, no I/O."""

from flankwatch.model.identity import record_id
from flankwatch.model.marking import Classification, Marking
from flankwatch.model.period import Precision
from flankwatch.model.records import (
    TABLES,
    Area,
    Code,
    Entity,
    Event,
    EventKind,
    ForecastSample,
    IngestFile,
    Observation,
    Position,
    QuarantineRecord,
    Vessel,
)

__all__ = [
    "TABLES",
    "Area",
    "Classification",
    "Code",
    "Entity",
    "Event",
    "EventKind",
    "ForecastSample",
    "IngestFile",
    "Marking",
    "Observation",
    "Position",
    "Precision",
    "QuarantineRecord",
    "Vessel",
    "record_id",
]
