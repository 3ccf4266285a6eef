"""Time precision and period parsing.

Sources report at very different precisions: an AIS fix to the second, a UCDP event to the day
(or only to the year), a Frontex count to the month, a Fragile States Index score to the year.
FlankWatch keeps a UTC start instant plus an explicit precision, never inventing detail.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum


class Precision(StrEnum):
    SECOND = "second"
    MINUTE = "minute"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        start=1,
    )
}

_YM = re.compile(r"^\s*Y?(\d{4})\s*[-M/]?\s*(\d{1,2})\s*$")
_MON_YEAR = re.compile(r"^\s*([A-Za-z]{3})[A-Za-z]*[-\s]?(\d{4})\s*$")


def month_start(year: int, month: int) -> date:
    """First day of a month, validating the month number."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range 1-12")
    if not 1900 <= year <= 2200:
        raise ValueError(f"year {year} out of range")
    return date(year, month, 1)


def parse_month(text: str) -> date:
    """Parse a month label as publishers write it: ``2021-07``, ``2021M07``, ``Y2015M01``,
    ``JUL2021``, ``Jul-2021``, ``202107``."""
    t = text.strip()
    if len(t) == 6 and t.isdigit():
        return month_start(int(t[:4]), int(t[4:]))
    m = _YM.match(t)
    if m:
        return month_start(int(m.group(1)), int(m.group(2)))
    m = _MON_YEAR.match(t) or re.match(r"^\s*([A-Za-z]{3})(\d{4})\s*$", t)
    if m and m.group(1).upper() in _MONTHS:
        return month_start(int(m.group(2)), _MONTHS[m.group(1).upper()])
    raise ValueError(f"not a month: {text!r}")


def utc_midnight(d: date) -> datetime:
    """Midnight UTC at the start of a date."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def strict_month(text: str) -> date | None:
    """``YYYY-MM`` -> first day of the month (1900-2200), else ``None``."""
    t = text.strip()
    if len(t) != 7 or t[4] != "-" or not (t[:4].isdigit() and t[5:].isdigit()):
        return None
    y, m = int(t[:4]), int(t[5:])
    return date(y, m, 1) if 1 <= m <= 12 and 1900 <= y <= 2200 else None


def strict_day(text: str) -> date | None:
    """``YYYY-MM-DD`` -> the date (1900-2200), else ``None`` (2025-02-30 is not a date)."""
    t = text.strip()
    try:
        d = date.fromisoformat(t)
    except ValueError:
        return None
    return d if len(t) == 10 and 1900 <= d.year <= 2200 else None


def strict_year(text: str) -> date | None:
    """1 January of a four-digit year (1900-2200), else ``None``."""
    t = text.strip()
    return date(int(t), 1, 1) if len(t) == 4 and t.isdigit() and 1900 <= int(t) <= 2200 \
        else None
