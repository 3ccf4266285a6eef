"""A small inline SVG chart of a surge episode's history: the band, the expected line, the
observed line, flagged periods marked and the onset marked. Self-contained (no fonts, scripts
or external assets), so it can be embedded in a report, a web page or an e-mail."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

from flankwatch.model.signal import Point, SurgeEpisode

OBSERVED = "#1f3b73"
EXPECTED = "#6b7280"
BAND = "#cbd5e1"
FLAGGED = "#b91c1c"
ONSET = "#d97706"


def history_svg(points: Sequence[Point], *, title: str = "", onset: date | None = None,
                first: date | None = None, width: int = 640, height: int = 220) -> str:
    """An SVG string of ``points`` (oldest first)."""
    label = escape(title or "surge history", quote=True)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
            f"<title>{escape(title or 'surge history')}</title>")
    usable = [p for p in points if math.isfinite(p.observed)]
    if not usable:
        return (head + f'<text x="8" y="{height // 2}" font-size="12" font-family="sans-serif">'
                "no data</text></svg>")
    left, right, top, bottom = 48, 8, 22, 26
    span_x = max(len(usable) - 1, 1)
    values = [p.observed for p in usable]
    values += [v for p in usable for v in (p.expected, p.upper, p.lower)
               if v is not None and math.isfinite(v)]
    vmax = max(max(values), 1.0)

    def x(i: int) -> float:
        return left + (width - left - right) * i / span_x

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1.0 - max(v, 0.0) / vmax)

    parts = [head, f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>']
    band = [(i, p) for i, p in enumerate(usable) if p.lower is not None and p.upper is not None]
    if band:
        upper = " ".join(f"{x(i):.1f},{y(p.upper or 0.0):.1f}" for i, p in band)
        lower = " ".join(f"{x(i):.1f},{y(p.lower or 0.0):.1f}" for i, p in reversed(band))
        parts.append(f'<polygon points="{upper} {lower}" fill="{BAND}" opacity="0.7"/>')
        expected = " ".join(f"{x(i):.1f},{y(p.expected or 0.0):.1f}" for i, p in band
                            if p.expected is not None)
        parts.append(f'<polyline points="{expected}" fill="none" stroke="{EXPECTED}" '
                     'stroke-width="1.5" stroke-dasharray="4 3"/>')
    observed = " ".join(f"{x(i):.1f},{y(p.observed):.1f}" for i, p in enumerate(usable))
    parts.append(f'<polyline points="{observed}" fill="none" stroke="{OBSERVED}" '
                 'stroke-width="2"/>')
    for i, p in enumerate(usable):
        if p.flagged:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.observed):.1f}" r="3.5" '
                         f'fill="{FLAGGED}"><title>{p.period.isoformat()}: flagged, '
                         f"{p.observed:,.0f}</title></circle>")
    for when, colour, name, dy in ((onset, ONSET, "onset", -6), (first, FLAGGED, "first alert", 8)):
        idx = next((i for i, p in enumerate(usable) if when is not None and p.period >= when),
                   None)
        if idx is None:
            continue
        parts.append(f'<line x1="{x(idx):.1f}" x2="{x(idx):.1f}" y1="{top}" '
                     f'y2="{height - bottom}" stroke="{colour}" stroke-dasharray="2 2"/>'
                     f'<text x="{x(idx) + 3:.1f}" y="{top + dy}" font-size="10" '
                     f'font-family="sans-serif" fill="{colour}">{name}</text>')
    parts.append(_axes(usable, vmax, left, top, width - right, height - bottom))
    parts.append("</svg>")
    return "".join(parts)


def episode_svg(episode: SurgeEpisode, *, width: int = 640, height: int = 220) -> str:
    """The chart of an episode's history, titled with its series and detector."""
    title = f"{episode.key.label} ({episode.detector})"
    return history_svg(episode.history, title=title, onset=episode.onset_period,
                       first=episode.first_period, width=width, height=height)


def _axes(points: Sequence[Point], vmax: float, x0: int, y0: int, x1: int, y1: int) -> str:
    font = 'font-size="10" font-family="sans-serif" fill="#374151"'
    return (f'<line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="#9ca3af"/>'
            f'<line x1="{x0}" x2="{x0}" y1="{y0}" y2="{y1}" stroke="#9ca3af"/>'
            f'<text x="{x0 - 4}" y="{y0 + 4}" text-anchor="end" {font}>{vmax:,.0f}</text>'
            f'<text x="{x0 - 4}" y="{y1}" text-anchor="end" {font}>0</text>'
            f'<text x="{x0}" y="{y1 + 16}" {font}>{points[0].period.isoformat()}</text>'
            f'<text x="{x1}" y="{y1 + 16}" text-anchor="end" {font}>'
            f"{points[-1].period.isoformat()}</text>")
