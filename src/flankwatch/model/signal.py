"""What detectors find: series keys, surge episodes, and instrumentalisation assessments.

Pure vocabulary: analytics fills these in, alerts turns them into stored alerts, interfaces
show them. Periods are the first day of the period (months for monthly series, days for
daily ones); ``precision`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """Identifies one series in the hierarchy total -> route -> route x nationality.

    ``nationality`` is "ALL" for totals over nationalities; ``route``/``border_type`` are
    None where the source has none (asylum applications by reporting country)."""

    metric: str
    source: str
    route: str | None = None
    border_type: str | None = None
    nationality: str = "ALL"
    reporting_country: str | None = None
    precision: str = "month"

    @property
    def label(self) -> str:
        parts = [self.route or self.reporting_country or "all", self.border_type,
                 "all nationalities" if self.nationality == "ALL" else self.nationality]
        return f"{self.metric}: " + ", ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, str | None]:
        return {"metric": self.metric, "source": self.source, "route": self.route,
                "border_type": self.border_type, "nationality": self.nationality,
                "reporting_country": self.reporting_country, "precision": self.precision}


@dataclass(frozen=True, slots=True)
class Driver:
    """A nationality's part in a surge, at the peak period."""

    nationality: str
    observed: float
    share: float  # of the series total at the peak, 0..1
    expected: float | None = None  # its own baseline, where computed


@dataclass(frozen=True, slots=True)
class Point:
    """One period of a series as a detector saw it (for charts and explanations)."""

    period: date
    observed: float
    expected: float | None = None
    lower: float | None = None
    upper: float | None = None
    flagged: bool = False


@dataclass(slots=True)
class SurgeEpisode:
    """A run of periods in which a detector judged a series to be surging.

    ``first_period`` is the first period the detector fired (what it could have said then,
    with no look-ahead); ``onset_period`` the period the rise began, as seen afterwards;
    ``peak_period`` the highest observed period so far; ``last_period`` the last period
    flagged; ``ongoing`` whether the last period of data is still flagged."""

    detector: str
    detector_version: str
    key: SeriesKey
    first_period: date
    onset_period: date
    peak_period: date
    last_period: date
    ongoing: bool
    observed: float  # at the peak
    expected: float  # at the peak
    lower: float
    upper: float
    ratio: float  # observed / expected at the peak
    score: float  # 0..1: how far beyond the detector's threshold, squashed
    drivers: list[Driver] = field(default_factory=list)
    history: list[Point] = field(default_factory=list)
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One piece of evidence for (or against) instrumentalisation, with its value."""

    name: str
    value: float | None  # None: the data cannot tell
    weight: float  # its part in the score
    score: float | None  # 0..1 contribution before weighting; None when not computable
    why: str  # why it matters, in plain words
    detail: str = ""  # what was computed on which data


@dataclass(slots=True)
class Assessment:
    """An instrumentalisation assessment of a surge. Never an attribution."""

    score: float  # 0..1
    judgement: str  # remote, unlikely, roughly even chance, likely, very likely
    indicators: list[Indicator]
    caveats: list[str]
    summary: str


#: Standard estimative language (NATO/UK PHIA yardstick, simplified) by score.
ESTIMATIVE_TERMS: tuple[tuple[float, str], ...] = (
    (0.10, "remote"),
    (0.35, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (1.01, "very likely"),
)


def estimative(score: float) -> str:
    """The estimative term for a score in [0, 1]."""
    for upper, term in ESTIMATIVE_TERMS:
        if score < upper:
            return term
    return ESTIMATIVE_TERMS[-1][1]
