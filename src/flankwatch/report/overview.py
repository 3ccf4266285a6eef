"""The situation overview: one self-contained HTML page (no scripts, no CDN) with what is in
the store, the last ingest and the monthly series people look at first. The full dashboard is
served by ``flankwatch serve`` once the web interface lands; this page works from a file."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flankwatch.analytics.series import to_series
from flankwatch.analytics.surge_chart import history_svg
from flankwatch.model.signal import Point
from flankwatch.report.frames import marking_of
from flankwatch.store.duckdb import Reader
from flankwatch.store.query import Query

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header,footer{background:#0b3d60;color:#fff;padding:.4em 1em;text-align:center;font-weight:600}
main{max-width:1100px;margin:auto;padding:1em}
section{background:#fff;border-radius:6px;padding:1em;margin:1em 0;box-shadow:0 1px 3px #0002}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .5em;border-bottom:1px solid #ddd}
td.n{text-align:right;font-variant-numeric:tabular-nums}h2{margin-top:0}
"""
_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#17becf"]


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{v:,}</td>' if isinstance(v, int) else f"<td>{html.escape(str(v))}</td>"
            for v in r
        ) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def line_chart(series: pd.DataFrame, title: str, width: int = 1000, height: int = 280) -> str:
    """An inline SVG line chart of ``unique_id, ds, y`` series."""
    if series.empty:
        return f"<p>No data for {html.escape(title)}.</p>"
    pad = 50
    ds = pd.to_datetime(series["ds"])
    t0, t1 = ds.min(), ds.max()
    span = max((t1 - t0).days, 1)
    ymax = max(float(series["y"].max()), 1.0)

    def x(t: pd.Timestamp) -> float:
        return float(pad + (t - t0).days / span * (width - 2 * pad))

    def y(v: float) -> float:
        return height - pad + 20 - v / ymax * (height - pad - 10)

    parts = [f'<svg viewBox="0 0 {width} {height + 40}" role="img" '
             f'aria-label="{html.escape(title)}">']
    parts.append(f'<text x="{pad}" y="14" font-weight="600">{html.escape(title)}</text>')
    for frac in (0, 0.5, 1):
        v = ymax * frac
        parts.append(f'<text x="2" y="{y(v) + 4:.0f}" font-size="10">{v:,.0f}</text>'
                     f'<line x1="{pad}" x2="{width - pad}" y1="{y(v):.0f}" y2="{y(v):.0f}" '
                     'stroke="#ccc"/>')
    parts.append(f'<text x="{pad}" y="{height + 35}" font-size="10">{t0:%Y-%m}</text>'
                 f'<text x="{width - pad - 40}" y="{height + 35}" font-size="10">{t1:%Y-%m}'
                 "</text>")
    for i, (uid, grp) in enumerate(series.assign(ds=ds).groupby("unique_id", sort=True)):
        colour = _COLOURS[i % len(_COLOURS)]
        pts = " ".join(f"{x(t):.1f},{y(float(v)):.1f}" for t, v in zip(grp["ds"], grp["y"],
                                                                          strict=True))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                     f'points="{pts}"><title>{html.escape(str(uid))}</title></polyline>')
        parts.append(f'<text x="{width - pad + 4 - 160}" y="{30 + 13 * i}" font-size="11" '
                     f'fill="{colour}">{html.escape(str(uid))[:40]}</text>')
    parts.append("</svg>")
    return "".join(parts)


_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _points(history: list[dict[str, Any]]) -> list[Point]:
    return [Point(period=date.fromisoformat(str(p["period"])[:10]),
                  observed=float(p["observed"]),
                  expected=p.get("expected"), lower=p.get("lower"), upper=p.get("upper"),
                  flagged=bool(p.get("flagged"))) for p in history]


def alert_feed(alerts: list[dict[str, Any]], shown: int = 8, charts: int = 3) -> str:
    """The alert feed: the most recent episodes first, each with its explanation, its
    instrumentalisation judgement and (for the first few) its chart."""
    if not alerts:
        return "<h2>Alerts</h2><p>No surge episodes detected.</p>"
    ordered = sorted(alerts, key=lambda a: (not a["ongoing"], -int(a["peak_period"][:4]
                     + a["peak_period"][5:7]), _SEVERITY_RANK.get(a["severity"], 9)))
    parts = [f"<h2>Alerts</h2><p>{len(alerts)} surge episodes; the {min(shown, len(alerts))} "
             "most recent below (<code>flankwatch alerts list</code> shows all).</p>"]
    for i, a in enumerate(ordered[:shown]):
        instr = a.get("instrumentalisation") or {}
        judgement = (f"<p><b>Instrumentalisation: {html.escape(instr['judgement'])}</b> "
                     f"(score {instr['score']:.2f}). {html.escape(instr['summary'])}</p>"
                     if instr else "")
        chart = ""
        history = (a.get("evidence") or {}).get("history") or []
        if i < charts and history:
            onset = a.get("onset_period")
            chart = history_svg(_points(history), title=a["title"],
                                onset=date.fromisoformat(onset) if onset else None,
                                first=date.fromisoformat(a["first_period"]))
        parts.append(
            f"<h3>{html.escape(a['title'])}</h3><p><b>{a['severity']}</b> · {a['status']}"
            f"{' · ongoing' if a['ongoing'] else ''} · {html.escape(a['marking'] or '')}</p>"
            f"<p>{html.escape(a['explanation'])}</p>{judgement}{chart}")
    return "".join(parts)


def write(reader: Reader, ingest_summary: dict[str, Any], out_dir: Path,
          alerts: list[dict[str, Any]] | None = None) -> Path:
    """Write ``overview.html`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    status = reader.status()
    sections = []
    if alerts is not None:
        sections.append(alert_feed(alerts))
    rows = [[t, n, ", ".join(f"{s} {c:,}" for s, c in status["by_source"][t].items())]
            for t, n in status["tables"].items()]
    sections.append("<h2>What the store holds</h2>" + _table(["table", "records", "by source"],
                                                               rows))
    if ingest_summary:
        rows = [[s, t["read"], t["stored"], t["duplicates"], t["quarantined"]]
                for s, t in ingest_summary.get("sources", {}).items()]
        tot = ingest_summary.get("total", {})
        rows.append(["total", tot.get("read", 0), tot.get("stored", 0),
                     tot.get("duplicates", 0), tot.get("quarantined", 0)])
        sections.append("<h2>Last ingest</h2>" + _table(
            ["source", "read", "stored", "duplicates", "quarantined"], rows))
    markings = []
    charts = []
    for metric, by, title in (
        ("irregular_border_crossings", ("route",), "Irregular border crossings by route "
         "(Frontex), monthly"),
        ("sea_arrivals", ("country",), "Sea arrivals by country, monthly (daily figures "
         "summed by month)"),
    ):
        obs = reader.select(Query.build("observations", kinds=metric, start="2015-01-01",
                                        columns=["period_start", "value", "route", "country",
                                                 "precision", "classification",
                                                 "releasable_to"]))
        if obs.empty:
            continue
        markings.append(marking_of(obs))
        # Daily figures are summed into months so that every line shares one time axis.
        obs = obs[obs["precision"].isin(["month", "day"])].assign(
            period_start=lambda f: pd.to_datetime(f["period_start"]).dt.to_period("M")
            .dt.to_timestamp())
        charts.append(line_chart(to_series(obs, by=by), title))
    if charts:
        sections.append("<h2>Series</h2>" + "".join(charts))
    fresh = reader.freshness()
    if not fresh.empty:
        rows = [[r.source, r.table, int(r.records), str(r.latest)[:10],
                 str(r.ingested_at)[:16]] for r in fresh.itertuples()]
        sections.append("<h2>Data freshness</h2><p>The latest period each source covers, and "
                        "when it was last ingested.</p>" + _table(
                            ["source", "table", "records", "latest period", "ingested (UTC)"],
                            rows))
    if status.get("quarantine_by_source"):
        rows = [[s, n] for s, n in status["quarantine_by_source"].items()]
        sections.append("<h2>Quarantine</h2><p>Rejected records, each kept with its file, "
                        "line and reason (<code>flankwatch quarantine</code>).</p>"
                        + _table(["source", "records"], rows))
    from flankwatch.model.marking import highest

    if alerts:
        from flankwatch.model.marking import Marking

        markings.extend(Marking.parse(a["marking"]) for a in alerts if a.get("marking"))
    banner = html.escape(highest(markings).text if markings else "PUBLIC RELEASABLE")
    page = (
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>FlankWatch overview"
        f"</title><style>{_STYLE}</style><header>{banner}</header><main><h1>FlankWatch: "
        f"situation overview</h1><p>Store <code>{html.escape(status['db'])}</code>, made "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>"
        + "".join(f"<section>{s}</section>" for s in sections)
        + f"</main><footer>{banner}</footer></html>"
    )
    target = out_dir / "overview.html"
    target.write_text(page, encoding="utf-8")
    return target
