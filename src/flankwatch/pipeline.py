"""The composition root: open store -> run sources -> read windows -> (detectors, alerts as
they land) -> publish. The CLI and the other interfaces call these steps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console

from flankwatch.alerts import lifecycle, rules
from flankwatch.analytics.series import to_series as _to_series
from flankwatch.errors import ConfigurationError
from flankwatch.model.marking import Classification, Marking
from flankwatch.report import frames, overview
from flankwatch.settings import load_settings
from flankwatch.store.duckdb import DuckDBStore, Reader
from flankwatch.store.query import Query


def to_series(frame: pd.DataFrame) -> pd.DataFrame:
    return _to_series(frame)


def write_frame(frame: pd.DataFrame, fmt: str, out_file: Path | None, console: Console) -> None:
    frames.write_frame(frame, fmt, out_file, console)


def write_scenario(out_dir: Path, seed: int) -> list[Path]:
    """Write the exercise scenario (files in real formats + ground truth)."""
    from flankwatch.sources.scenario import generate

    written: list[Path] = generate(out_dir, seed=seed)
    return written


def fetchable_sources() -> tuple[str, ...]:
    from flankwatch.sources.fetch import FETCHERS

    return tuple(sorted(FETCHERS))


def fetch(source: str, out_dir: Path) -> Path:
    from flankwatch.sources.fetch import fetch as _fetch

    path: Path = _fetch(source, out_dir, timeout_s=load_settings().fetch_timeout_s)
    return path


def write_overview(store: DuckDBStore, report: object, out_dir: Path) -> Path:
    """The situation overview page of the demo."""
    to_json = getattr(report, "to_json", None)
    return overview.write(store.reader(), to_json() if to_json else {}, out_dir)


# -- alerts ------------------------------------------------------------------------------------


def _alert_contract(row: dict[str, Any]) -> dict[str, Any]:
    rel = row.get("releasable_to")
    marking = Marking(Classification(int(row.get("classification") or 0)),
                      tuple(rel) if rel is not None else ())
    return rules.to_contract({**row, "marking": marking.text})


def list_alerts(reader: Reader, *, kind: str | None = None, status: str | None = None,
                severity: str | None = None, ongoing: bool = False,
                limit: int | None = None) -> list[dict[str, Any]]:
    """Alerts in the viewer's scope, most recent peak first, as the JSON contract."""
    where: dict[str, object] = {"status": status, "severity": severity}
    if ongoing:
        where["ongoing"] = "true"
    frame = reader.select(Query.build("alerts", kinds=kind, where=where, limit=limit,
                                      order_by=["-peak_period", "-score", "id"]))
    return [_alert_contract(r) for r in frame.to_dict(orient="records")]


def _find_alert(reader: Reader, alert_id: str) -> dict[str, Any]:
    frame = reader.select(Query.build("alerts", where={"id": alert_id}))
    if frame.empty and len(alert_id) >= 6:
        ids = reader.select(Query.build("alerts", columns=["id"]))["id"]
        hits = [i for i in ids if str(i).startswith(alert_id)]
        if len(hits) > 1:
            raise ConfigurationError(f"{alert_id!r} matches {len(hits)} alerts: give more of "
                                     "the id")
        if hits:
            frame = reader.select(Query.build("alerts", where={"id": hits[0]}))
    if frame.empty:
        raise ConfigurationError(f"no alert {alert_id!r}")
    row: dict[str, Any] = frame.to_dict(orient="records")[0]
    return row


def get_alert(reader: Reader, alert_id: str) -> dict[str, Any]:
    """One alert (by id or unique prefix) with its log."""
    row = _find_alert(reader, alert_id)
    out = _alert_contract(row)
    log = reader.alert_log(row["id"])
    out["log"] = json.loads(log.to_json(orient="records", date_format="iso"))
    return out


def act_on_alert(store: DuckDBStore, alert_id: str, name: str, by: str,
                 note: str | None = None) -> dict[str, Any]:
    """Acknowledge, close, reopen or annotate an alert; the action is logged."""
    row = _find_alert(store.reader(), alert_id)
    act = lifecycle.action(row["id"], row["status"], name, by, note)
    store.writer().set_alert_status(act)
    return {"id": act.alert_id, "from_status": act.from_status, "to_status": act.to_status,
            "by": act.by, "at": act.at.isoformat()}
