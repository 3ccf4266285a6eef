"""The composition root: open store -> run sources -> read windows -> (detectors, alerts as
they land) -> publish. The CLI and the other interfaces call these steps."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
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
    """The situation overview page of the demo, with the alert feed."""
    to_json = getattr(report, "to_json", None)
    reader = store.reader()
    return overview.write(reader, to_json() if to_json else {}, out_dir,
                          alerts=list_alerts(reader))


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
    store.writer().apply_alert_actions([act])
    return {"id": act.alert_id, "from_status": act.from_status, "to_status": act.to_status,
            "by": act.by, "at": act.at.isoformat()}


# -- surges ------------------------------------------------------------------------------------

#: Observation metrics surge detection reads.
SURGE_METRICS = ("irregular_border_crossings", "asylum_applicants", "arrivals", "sea_arrivals")
#: GDELT event kinds that can show a transit state's pressure (CAMEO 10-13, 16-17).
COERCIVE_KINDS = ("threat", "coercion", "demand")


def read_surge_inputs(reader: Reader) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                               pd.DataFrame]:
    """Observations, migrant-death events, country areas and coercive events in scope."""
    obs = reader.select(Query.build("observations", kinds=list(SURGE_METRICS)))
    deaths = reader.select(Query.build("events", kinds="migrant_death"))
    areas = reader.select(Query.build("areas", kinds="country"))
    coercive = reader.select(Query.build("events", kinds=list(COERCIVE_KINDS)))
    return obs, deaths, areas, coercive


def detect_surges(store: DuckDBStore, detector: str | None = None,
                  progress: Callable[[int, int], None] | None = None
                  ) -> list[dict[str, Any]]:
    """Detect surges on every series (totals, routes, countries; nationalities explain them),
    assess instrumentalisation on Frontex route series, and upsert one alert per episode.
    Alerts whose episode has ended are closed by the system. Returns the alerts as the JSON
    contract, most recent peak first."""
    from flankwatch.analytics import instrumentalisation, surge
    from flankwatch.analytics.series import build_series

    reader = store.reader()
    obs, deaths, areas, coercive = read_surge_inputs(reader)
    series = build_series(obs, deaths)
    # A product takes the highest marking of its inputs (per metric: coarse but never lower).
    markings = {m: frames.marking_of(obs[obs["metric"] == m]) for m in SURGE_METRICS}
    markings["dead_and_missing"] = frames.marking_of(deaths)
    context = instrumentalisation.make_context(obs, areas, coercive)
    rows: list[dict[str, Any]] = []
    judged = [k for k in series if k.nationality == "ALL" and not _same_as_parent(k, series)]
    for i, key in enumerate(judged):
        episodes = surge.detect(series[key], key, detector,
                                components=surge.nationality_components(key, series))
        for ep in episodes:
            assessment = (instrumentalisation.assess(ep, context)
                          if key.metric == "irregular_border_crossings" and key.route
                          else None)
            rows.append(rules.alert_row(ep, assessment, markings.get(key.metric, Marking())))
        if progress is not None:
            progress(i + 1, len(judged))
    before = store.reader().select(Query.build("alerts", columns=["id", "status",
                                                                  "severity"]))
    writer = store.writer()
    if rows:
        with writer.transaction():
            writer.write("alerts", pd.DataFrame(rows), only=rules.DETECTION_COLUMNS)
    _escalate(store, before, rows)
    _close_ended(store, {r["id"] for r in rows if not r["ongoing"]})
    found = {r["id"] for r in rows}
    return [a for a in list_alerts(store.reader(), kind="surge") if a["id"] in found]


def _same_as_parent(key: Any, series: dict[Any, pd.Series]) -> bool:
    """A route x border type series equal to its route's total (a route with one border
    type) would raise the same alert twice: judge the route total only."""
    if key.border_type is None or key.route is None:
        return False
    parent = series.get(replace(key, border_type=None))
    return parent is not None and parent.equals(series[key])


def _escalate(store: DuckDBStore, before: pd.DataFrame, rows: list[dict[str, Any]]) -> None:
    """Alerts whose severity rose since the last run are escalated (logged; an acknowledged
    one becomes new again)."""
    known = {r.id: (r.status, r.severity) for r in before.itertuples()}
    actions = [lifecycle.escalate(r["id"], known[r["id"]][0], known[r["id"]][1],
                                  r["severity"])
               for r in rows
               if r["id"] in known and rules.escalated(known[r["id"]][1], r["severity"])]
    store.writer().apply_alert_actions(actions)


def _close_ended(store: DuckDBStore, ended: set[str]) -> None:
    """The system closes the alerts of episodes that have ended (logged as auto_close)."""
    if not ended:
        return
    frame = store.reader().select(Query.build("alerts", columns=["id", "status"],
                                              where={"id": sorted(ended)}))
    store.writer().apply_alert_actions([lifecycle.auto_close(r.id, r.status)
                                        for r in frame.itertuples() if r.status != "closed"])


def backtest_surges(store: DuckDBStore, detectors: list[str] | None = None) -> Any:
    """Replay every series with every detector against the labelled episodes."""
    from flankwatch.analytics.backtest import run_backtest
    from flankwatch.analytics.series import build_series

    obs, deaths, _, _ = read_surge_inputs(store.reader())
    return run_backtest(build_series(obs, deaths), detectors=detectors or None)
