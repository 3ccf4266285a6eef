"""Ship tracks for the AIS scenario: a ship's movements as straight legs in time.

A :class:`Track` is built leg by leg (sail a chain of points at a speed, hold on station,
drift, wander) and sampled at the instants the ship transmits. Keeping the movement apart from
the transmission is what lets the generator plant a dark period (the ship moves on, the radio
is silent) or a spoofed position (the radio lies, the ship does not).

Times are seconds from the start of the scenario's AIS window.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from flankwatch.sources.scenario.seaways import LatLon, bearing_deg, distance_nm, offset

#: AIS navigational status codes used here.
UNDERWAY, AT_ANCHOR, MOORED, FISHING = 0, 1, 5, 7


@dataclass(frozen=True, slots=True)
class Leg:
    """One straight piece of movement (or a stay, when ``a == b``)."""

    t0: float
    t1: float
    a: LatLon
    b: LatLon
    status: int
    destination: str
    eta: float  # arrival time of the voyage this leg belongs to (seconds), or nan
    heading: float  # heading kept while holding still; the course otherwise

    @property
    def speed_kn(self) -> float:
        return distance_nm(self.a, self.b) / max((self.t1 - self.t0) / 3600.0, 1e-9)


@dataclass(frozen=True, slots=True)
class Fix:
    """Where a ship is (truly) at an instant, as its transponder would report it."""

    t: float
    lat: float
    lon: float
    sog: float
    cog: float
    heading: float
    status: int
    destination: str
    eta: float


class Track:
    """A ship's movements from ``start`` on."""

    def __init__(self, start: float, pos: LatLon) -> None:
        self.start = start
        self.t = start
        self.pos = pos
        self.legs: list[Leg] = []
        self._t0s: list[float] = []
        self._odometer: list[tuple[float, float]] = [(start, 0.0)]  # (time, nm sailed)

    @property
    def end(self) -> float:
        return self.t

    def sail(self, points: list[LatLon], speed_kn: float, *, destination: str = "",
             status: int = UNDERWAY) -> Track:
        """Sail through ``points`` at ``speed_kn``; the voyage's ETA is the last arrival."""
        eta = self.t + sum(distance_nm(a, b) for a, b in zip([self.pos, *points], points,
                                                             strict=False)) / speed_kn * 3600
        for p in points:
            d = distance_nm(self.pos, p)
            if d < 1e-6:
                continue
            dt = d / speed_kn * 3600.0
            self._append(self.t + dt, p, status, destination, eta, bearing_deg(self.pos, p))
        return self

    def hold(self, hours: float, *, status: int, drift_kn: float = 0.0,
             drift_deg: float = 0.0, heading: float = 0.0, destination: str = "") -> Track:
        """Stay (moored, at anchor or stopped at sea), possibly drifting with the current."""
        end = offset(self.pos, drift_deg, drift_kn * hours) if drift_kn > 0 else self.pos
        self._append(self.t + hours * 3600.0, end, status, destination, float("nan"), heading)
        return self

    def wander(self, hours: float, speed_kn: tuple[float, float], rng: np.random.Generator, *,
               box: tuple[float, float, float, float] | None = None, status: int = UNDERWAY,
               step_h: tuple[float, float] = (0.5, 1.5), destination: str = "") -> Track:
        """Slow random legs for ``hours``: loitering, or trawling inside ``box``
        (south, west, north, east)."""
        until = self.t + hours * 3600.0
        while self.t < until - 1.0:
            v = float(rng.uniform(*speed_kn))
            dt = min(float(rng.uniform(*step_h)) * 3600.0, until - self.t)
            if box is None:
                target = offset(self.pos, float(rng.uniform(0, 360)), v * dt / 3600.0)
            else:
                s, w, n, e = box
                target = (float(rng.uniform(s, n)), float(rng.uniform(w, e)))
                dist = distance_nm(self.pos, target)
                dt = min(dist / v * 3600.0, until - self.t) if dist > 1e-6 else dt
                if dist > 1e-6:  # stop part-way when time runs out
                    frac = dt / (dist / v * 3600.0)
                    target = (self.pos[0] + frac * (target[0] - self.pos[0]),
                              self.pos[1] + frac * (target[1] - self.pos[1]))
            self._append(self.t + dt, target, status, destination, float("nan"),
                         bearing_deg(self.pos, target) if target != self.pos else 0.0)
        return self

    def _append(self, t1: float, b: LatLon, status: int, destination: str, eta: float,
                heading: float) -> None:
        sailed = self._odometer[-1][1] + distance_nm(self.pos, b)
        self.legs.append(Leg(self.t, t1, self.pos, b, status, destination, eta, heading))
        self._t0s.append(self.t)
        self._odometer.append((t1, sailed))
        self.t, self.pos = t1, b

    def time_at_distance(self, nm: float) -> float:
        """When the ship has sailed ``nm`` nautical miles since the track began."""
        times = np.array([t for t, _ in self._odometer])
        dists = np.array([d for _, d in self._odometer])
        return float(np.interp(nm, dists, times))

    def fix(self, t: float) -> Fix:
        """The true state at ``t`` (clamped to the track's span)."""
        if not self.legs:
            return Fix(t, self.pos[0], self.pos[1], 0.0, 0.0, 0.0, MOORED, "", float("nan"))
        i = bisect.bisect_right(self._t0s, t) - 1
        leg = self.legs[min(max(i, 0), len(self.legs) - 1)]
        span = max(leg.t1 - leg.t0, 1e-9)
        f = min(max((t - leg.t0) / span, 0.0), 1.0)
        lat = leg.a[0] + f * (leg.b[0] - leg.a[0])
        lon = leg.a[1] + f * (leg.b[1] - leg.a[1])
        moving = leg.a != leg.b
        sog = leg.speed_kn if moving else 0.0
        cog = bearing_deg(leg.a, leg.b) if moving else leg.heading
        return Fix(t, lat, lon, sog, cog, leg.heading, leg.status, leg.destination, leg.eta)


def transmit_times(track: Track, rng: np.random.Generator, window_s: float,
                   silent: list[tuple[float, float]] | None = None) -> list[float]:
    """Instants at which the ship's position reaches a receiver inside the window.

    Moving ships are heard every 3-8 min, ships at rest every 10-18 min (what a receiver
    network keeps after de-duplication, not the transponder's own rate). ``silent`` lists
    (start, end) spans in which the transponder is off.
    """
    t = max(track.start, 0.0) + float(rng.uniform(0, 240))
    end = min(track.end, window_s)
    out: list[float] = []
    leg_i = 0
    legs = track.legs
    while t < end:
        while leg_i < len(legs) - 1 and legs[leg_i].t1 <= t:
            leg_i += 1
        resting = legs[leg_i].a == legs[leg_i].b if legs else True
        if not any(a <= t <= b for a, b in silent or ()):
            out.append(t)
        t += float(rng.uniform(600, 1080) if resting else rng.uniform(180, 480))
    return out
