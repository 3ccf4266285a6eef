"""The alert lifecycle: new -> acknowledged -> closed (and reopen). Each change is an
:class:`~flankwatch.model.records.AlertAction` with who and when, kept in the log."""

from __future__ import annotations

from datetime import UTC, datetime

from flankwatch.errors import ConfigurationError
from flankwatch.model.records import AlertAction

#: action -> (statuses it applies to, the status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("new",), "acknowledged"),
    "close": (("new", "acknowledged"), "closed"),
    "reopen": (("closed",), "acknowledged"),
    "note": (("new", "acknowledged", "closed"), ""),  # "" keeps the status
}

#: Who the system acts as when it closes an alert whose episode ended.
SYSTEM = "flankwatch"


def action(alert_id: str, current: str, name: str, by: str, note: str | None = None,
           at: datetime | None = None) -> AlertAction:
    """The action ``name`` by ``by`` on an alert in status ``current``, or a clear error."""
    if name not in TRANSITIONS:
        raise ConfigurationError(f"unknown action {name!r}; choose one of "
                                 f"{', '.join(TRANSITIONS)}")
    if not by.strip():
        raise ConfigurationError("an action needs the name of who takes it (--by)")
    allowed, target = TRANSITIONS[name]
    if current not in allowed:
        raise ConfigurationError(f"alert {alert_id} is {current}: cannot {name} it")
    return AlertAction(alert_id=alert_id, at=at or datetime.now(UTC), by=by.strip(),
                       action=name, from_status=current, to_status=target or current,
                       note=note)


def auto_close(alert_id: str, current: str, at: datetime | None = None) -> AlertAction:
    """The system closes an alert whose episode has ended."""
    return AlertAction(alert_id=alert_id, at=at or datetime.now(UTC), by=SYSTEM,
                       action="auto_close", from_status=current, to_status="closed",
                       note="the episode ended: the series is back within its expected range")


def escalate(alert_id: str, current: str, before: str, after: str,
             at: datetime | None = None) -> AlertAction:
    """The system escalates an alert whose severity rose: an acknowledged alert becomes new
    again so that it resurfaces in the feed; a closed one stays closed."""
    target = "new" if current == "acknowledged" else current
    return AlertAction(alert_id=alert_id, at=at or datetime.now(UTC), by=SYSTEM,
                       action="escalate", from_status=current, to_status=target,
                       note=f"severity rose from {before} to {after}")
