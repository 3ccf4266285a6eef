"""AIS traffic in the central Mediterranean, written as raw ``!AIVDM`` with NMEA 4.0 tag blocks.

About forty invented ships over three days: cargo ships and tankers on lanes between real
ports, through traffic between the Ionian and the Sardinia Channel, ferries between Malta and
Sicily, fishing boats working off the Libyan and Tunisian coasts. Planted among them, each far
(> 20 nm) from any coast: two ship-to-ship rendezvous, two dark periods, two loitering
episodes and one position-spoofing jump. Their ground truth is computed from the messages as
written (the positions a detector will decode), not from the intended plan.

The file mimics ``ais/aisdb_tagblock_aivdm_2021-11-01.nm4``: one sentence per line with a
``\\s:<station>,c:<unix time>*hh\\`` tag block, two-part type 5 messages grouped with
``g:1-2-<id>`` / ``g:2-2-<id>``, CRLF line ends. Sentences are encoded by pyais.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from flankwatch.sources.scenario import nmea
from flankwatch.sources.scenario.fleet import SANCTIONED_TANKER_NAMES, FleetBuilder, Ship
from flankwatch.sources.scenario.seaways import (
    FISHING_GROUNDS,
    NM_M,
    NODES,
    OPEN_SEA,
    PORTS,
    THROUGH,
    LatLon,
    destinations,
    distance_nm,
    lane_points,
    nearest_station,
    offset,
)
from flankwatch.sources.scenario.tracks import (
    AT_ANCHOR,
    FISHING,
    MOORED,
    UNDERWAY,
    Track,
    transmit_times,
)

WINDOW_H = 72.0
WINDOW_S = WINDOW_H * 3600.0
_HUB_PORTS = ("TRIPOLI", "MISRATA", "BENGHAZI", "VALLETTA", "AUGUSTA", "CATANIA", "TUNIS",
              "ZUWARA")
_FISHING_HOMES = tuple(FISHING_GROUNDS)

#: What a detector should flag, as the ground truth states it.
CRITERIA = {
    "rendezvous": "two vessels within 500 m of each other at < 1 kn for >= 2 h, > 20 nm "
                  "from shore",
    "dark_period": "no AIS message from a vessel for >= 6 h, both ends > 20 nm from shore",
    "loitering": "one vessel at < 2 kn for >= 4 h, > 20 nm from shore, no other vessel near",
    "spoofing": "consecutive positions of one vessel implying > 50 kn",
}


@dataclass(slots=True)
class Voyage:
    """A ship, its movements, and what its transponder does differently from the truth."""

    ship: Ship
    track: Track
    silent: list[tuple[float, float]] = field(default_factory=list)
    spoof: tuple[float, float, float, float] | None = None  # start, end, bearing, nm


@dataclass(frozen=True, slots=True)
class Planted:
    """A planned rendezvous or loitering episode (its truth is measured on the messages)."""

    ships: tuple[Ship, ...]
    start: float
    end: float
    place: str


def _jitter(p: LatLon, rng: np.random.Generator, metres: float) -> LatLon:
    return offset(p, float(rng.uniform(0, 360)), float(rng.uniform(0, metres)) / NM_M)


def _spot(name: str, rng: np.random.Generator, nm: float) -> LatLon:
    return offset(OPEN_SEA[name], float(rng.uniform(0, 360)), float(rng.uniform(0, nm)))


def _arrive(port: str, track: Track, rng: np.random.Generator, stay_h: tuple[float, float],
            speed: float) -> None:
    """Come in from the approach: sometimes wait at anchor first, then lie at the berth."""
    p = PORTS[port]
    if rng.random() < 0.35:
        track.hold(float(rng.uniform(2, 7)), status=AT_ANCHOR, heading=float(rng.uniform(0, 360)),
                   destination=port)
    track.sail([_jitter(p.berth, rng, 250)], min(speed, 6.0), destination=port)
    track.hold(float(rng.uniform(*stay_h)), status=MOORED, heading=float(rng.uniform(0, 360)),
               destination=port)


def _hop_on(track: Track, port: str, rng: np.random.Generator, speed: float) -> None:
    """Sail from lane to lane until the window is over."""
    while track.end < WINDOW_S:
        options = destinations(port)
        dest = options[int(rng.integers(len(options)))]
        points = lane_points(port, dest)[1:-1]  # from here to the destination's approach
        track.sail(points, speed * float(rng.uniform(0.95, 1.05)), destination=dest)
        _arrive(dest, track, rng, (6, 20), speed)
        port = dest


def _hopper(ship: Ship, rng: np.random.Generator) -> Voyage:
    port = _HUB_PORTS[int(rng.integers(len(_HUB_PORTS)))]
    track = Track(-float(rng.uniform(0, 30)) * 3600, _jitter(PORTS[port].berth, rng, 250))
    track.hold(float(rng.uniform(1, 12)), status=MOORED, heading=float(rng.uniform(0, 360)))
    _hop_on(track, port, rng, float(rng.uniform(10.5, 14.0)))
    return Voyage(ship, track)


def _through(ship: Ship, rng: np.random.Generator, eastbound: bool) -> Voyage:
    nodes = [NODES[n] for n in (reversed(THROUGH) if eastbound else THROUGH)]
    track = Track(float(rng.uniform(-45, 40)) * 3600, nodes[0])
    track.sail(nodes[1:], float(rng.uniform(12, 15)), destination="PORT SAID" if eastbound
               else "GIBRALTAR")
    return Voyage(ship, track)


def _ferry(ship: Ship, rng: np.random.Generator, other: str) -> Voyage:
    track = Track(-float(rng.uniform(0, 6)) * 3600, PORTS["VALLETTA"].berth)
    here, there = "VALLETTA", other
    track.hold(float(rng.uniform(0.5, 3)), status=MOORED, heading=90.0)
    while track.end < WINDOW_S:
        track.sail(lane_points(here, there)[1:], float(rng.uniform(22, 26)), destination=there)
        track.hold(float(rng.uniform(2, 4)), status=MOORED, heading=90.0, destination=there)
        here, there = there, here
    return Voyage(ship, track)


def _fish(track: Track, home: str, rng: np.random.Generator) -> None:
    """Fishing trips from ``home``: out to the ground, trawl, back, rest; until the end."""
    port, ground = PORTS[home], FISHING_GROUNDS[home]
    while track.end < WINDOW_S:
        s, w, n, e = ground
        first = (float(rng.uniform(s, n)), float(rng.uniform(w, e)))
        track.sail([port.approach, first], float(rng.uniform(7, 9)), destination=home)
        track.wander(float(rng.uniform(7, 13)), (3.0, 4.2), rng, box=ground, status=FISHING,
                     step_h=(0.4, 1.2), destination=home)
        track.sail([port.approach, _jitter(port.berth, rng, 150)], float(rng.uniform(7, 9)),
                   destination=home)
        track.hold(float(rng.uniform(4, 12)), status=MOORED, heading=float(rng.uniform(0, 360)))


def _fisher(ship: Ship, rng: np.random.Generator, home: str) -> Voyage:
    track = Track(-float(rng.uniform(0, 10)) * 3600, _jitter(PORTS[home].berth, rng, 150))
    track.hold(float(rng.uniform(0.5, 12)), status=MOORED, heading=float(rng.uniform(0, 360)))
    _fish(track, home, rng)
    return Voyage(ship, track)


def _to_meet(origin: str, path: list[LatLon], meet_s: float, speed: float,
             rng: np.random.Generator, destination: str = "") -> Track:
    """A track that lies at ``origin`` and sails ``path`` to arrive exactly at ``meet_s``."""
    length = sum(distance_nm(a, b) for a, b in itertools.pairwise(path))
    berth = _jitter(PORTS[origin].berth, rng, 200)
    length += distance_nm(berth, path[0])
    depart = meet_s - length / speed * 3600.0
    track = Track(min(depart, 0.0) - float(rng.uniform(1, 4)) * 3600, berth)
    track.hold((depart - track.start) / 3600.0, status=MOORED, heading=float(rng.uniform(0, 360)))
    track.sail(path, speed, destination=destination)
    return track


def build_fleet(rng: np.random.Generator) -> tuple[list[Voyage], dict[str, Planted]]:
    """All voyages, and the plan of each planted event (refined later from the messages)."""
    fb = FleetBuilder(rng)
    tanker_name = SANCTIONED_TANKER_NAMES[int(rng.integers(len(SANCTIONED_TANKER_NAMES)))]
    voyages: list[Voyage] = []
    plans: dict[str, Planted] = {}

    # Rendezvous 1: the listed tanker takes a cargo from a tanker out of Misrata, then leaves.
    a = fb.ship("tanker", name=tanker_name, flag="CMR", role="rendezvous-1")
    b = fb.ship("tanker", flag="LBY", role="rendezvous-1")
    meet1 = float(rng.uniform(12, 18)) * 3600
    spot1 = _spot("MALTA_LIBYA_GAP", rng, 6)
    drift = (float(rng.uniform(0, 360)), float(rng.uniform(0.1, 0.25)))
    hold1 = float(rng.uniform(3.0, 3.5))
    ta = _to_meet("VALLETTA", [PORTS["VALLETTA"].approach, NODES["MALTA_E"],
                                  offset(spot1, 45.0, 0.045)], meet1, 11.0, rng,
                  "FOR ORDERS")
    tb = _to_meet("MISRATA", [PORTS["MISRATA"].approach, NODES["MISRATA_N"],
                                 offset(spot1, 225.0, 0.045)], meet1, 10.5, rng,
                  "MISRATA OPL")
    for t, head in ((ta, 30.0), (tb, 210.0)):
        t.hold(hold1, status=UNDERWAY, drift_kn=drift[1], drift_deg=drift[0], heading=head)
    ta.sail([NODES["IONIAN_S"], NODES["EAST_GATE"]], 12.0, destination="PORT SAID")
    tb.sail([NODES["MISRATA_N"], PORTS["MISRATA"].approach], 10.5, destination="MISRATA")
    _arrive("MISRATA", tb, rng, (8, 16), 10.5)
    _hop_on(tb, "MISRATA", rng, 10.5)
    voyages += [Voyage(a, ta), Voyage(b, tb)]
    plans["rendezvous-1"] = Planted((a, b), meet1, meet1 + hold1 * 3600, "MALTA_LIBYA_GAP")

    # Rendezvous 2: a tanker out of Tripoli meets a Zuwara fishing boat off Zuwara.
    c = fb.ship("tanker", role="rendezvous-2")
    f = fb.ship("fishing", flag="LBY", role="rendezvous-2")
    meet2 = float(rng.uniform(38, 46)) * 3600
    spot2 = _spot("ZUWARA_OFFING", rng, 3)
    hold2 = float(rng.uniform(3.0, 3.5))
    drift = (float(rng.uniform(0, 360)), float(rng.uniform(0.1, 0.25)))
    tc = _to_meet("TRIPOLI", [PORTS["TRIPOLI"].approach, NODES["TRIPOLI_N"],
                                 offset(spot2, 90.0, 0.04)], meet2, 10.0, rng, "TUNIS")
    tf = _to_meet("ZUWARA", [PORTS["ZUWARA"].approach, offset(spot2, 270.0, 0.04)],
                  meet2, 8.0, rng, "ZUWARA")
    for t, head in ((tc, 0.0), (tf, 180.0)):
        t.hold(hold2, status=UNDERWAY, drift_kn=drift[1], drift_deg=drift[0], heading=head)
    tc.sail([NODES[n] for n in ("GABES_E", "MAHDIA_OFF", "CAP_BON_E", "CAP_BON_N", "TUN_NORTH",
                                "TUN_GULF")] + [PORTS["TUNIS"].approach], 10.0,
            destination="TUNIS")
    _arrive("TUNIS", tc, rng, (30, 40), 10.0)
    tf.sail([PORTS["ZUWARA"].approach, _jitter(PORTS["ZUWARA"].berth, rng, 150)], 8.0,
            destination="ZUWARA")
    tf.hold(float(rng.uniform(4, 8)), status=MOORED)
    _fish(tf, "ZUWARA", rng)
    voyages += [Voyage(c, tc), Voyage(f, tf)]
    plans["rendezvous-2"] = Planted((c, f), meet2, meet2 + hold2 * 3600, "ZUWARA_OFFING")

    # Dark period 1: a tanker from Benghazi falls silent in the open Ionian.
    e = fb.ship("tanker", role="dark-1")
    te = Track(-float(rng.uniform(2, 6)) * 3600, _jitter(PORTS["BENGHAZI"].berth, rng, 200))
    te.hold(float(rng.uniform(4, 10)) - te.start / 3600, status=MOORED, heading=0.0)
    lane = lane_points("BENGHAZI", "AUGUSTA")
    te.sail(lane[1:-1], 11.5, destination="AUGUSTA")
    _arrive("AUGUSTA", te, rng, (10, 20), 11.5)
    _hop_on(te, "AUGUSTA", rng, 11.5)
    to_open = sum(distance_nm(p, q) for p, q in itertools.pairwise(lane[:3]))
    g1 = te.time_at_distance(to_open + float(rng.uniform(40, 60)))
    voyages.append(Voyage(e, te, silent=[(g1, g1 + float(rng.uniform(9, 13)) * 3600)]))

    # Dark period 2: a westbound cargo ship falls silent between Crete's latitude and Sicily.
    g = fb.ship("cargo", role="dark-2")
    tg = Track(float(rng.uniform(0.5, 6)) * 3600, NODES["EAST_GATE"])
    tg.sail([NODES[n] for n in THROUGH[1:]], float(rng.uniform(12, 13.5)),
            destination="GIBRALTAR")
    g2 = tg.time_at_distance(float(rng.uniform(50, 70)))
    voyages.append(Voyage(g, tg, silent=[(g2, g2 + float(rng.uniform(8.5, 12.5)) * 3600)]))

    # Loitering 1: a cargo ship bound for Benghazi idles on the Medina Bank.
    h = fb.ship("cargo", role="loitering-1")
    spot_l1 = _spot("MEDINA_BANK", rng, 4)
    th = _to_meet("VALLETTA", [PORTS["VALLETTA"].approach, NODES["MALTA_E"], spot_l1],
                  float(rng.uniform(22, 28)) * 3600, 12.0, rng, "BENGHAZI")
    l1 = (th.end, th.end + float(rng.uniform(5.5, 7.0)) * 3600)
    th.wander((l1[1] - l1[0]) / 3600, (0.4, 1.3), rng, step_h=(0.5, 1.2),
              destination="BENGHAZI")
    th.sail([NODES["IONIAN_S"], NODES["CYRENAICA_W"], PORTS["BENGHAZI"].approach], 12.0,
            destination="BENGHAZI")
    _arrive("BENGHAZI", th, rng, (20, 30), 12.0)
    voyages.append(Voyage(h, th))

    # Loitering 2: a tanker from Augusta waits off the Gulf of Sirte before Misrata.
    i = fb.ship("tanker", role="loitering-2")
    spot_l2 = _spot("SIRTE_OFFING", rng, 5)
    ti = _to_meet("AUGUSTA", [PORTS["AUGUSTA"].approach, NODES["SIRACUSA_E"],
                                 NODES["PASSERO_SE"], spot_l2],
                  float(rng.uniform(44, 52)) * 3600, 11.0, rng, "MISRATA")
    l2 = (ti.end, ti.end + float(rng.uniform(5.5, 7.5)) * 3600)
    ti.wander((l2[1] - l2[0]) / 3600, (0.4, 1.3), rng, step_h=(0.5, 1.2),
              destination="MISRATA")
    ti.sail([NODES["MISRATA_N"], PORTS["MISRATA"].approach], 11.0, destination="MISRATA")
    _arrive("MISRATA", ti, rng, (20, 30), 11.0)
    voyages.append(Voyage(i, ti))
    plans["loitering-1"] = Planted((h,), l1[0], l1[1], "MEDINA_BANK")
    plans["loitering-2"] = Planted((i,), l2[0], l2[1], "SIRTE_OFFING")

    # Spoofing: an eastbound cargo ship reports itself ~45 nm north for about half an hour.
    j = fb.ship("cargo", role="spoofing-1")
    tj = Track(-float(rng.uniform(0, 8)) * 3600, NODES["WEST_GATE"])
    tj.sail([NODES[n] for n in reversed(THROUGH[:-1])], 13.0, destination="PORT SAID")
    ionian = sum(distance_nm(NODES[p], NODES[q]) for p, q in
                 itertools.pairwise(THROUGH[::-1][:6]))
    s0 = tj.time_at_distance(ionian + float(rng.uniform(60, 100)))
    voyages.append(Voyage(j, tj, spoof=(s0, s0 + float(rng.uniform(20, 35)) * 60,
                                        float(rng.uniform(-15, 15)), float(rng.uniform(40, 55)))))

    # Background traffic.
    for n in range(4):
        voyages.append(_through(fb.ship("cargo"), rng, eastbound=n % 2 == 0))
    voyages.append(_through(fb.ship("tanker"), rng, eastbound=False))
    voyages += [_hopper(fb.ship("cargo"), rng) for _ in range(9)]
    voyages += [_hopper(fb.ship("tanker"), rng) for _ in range(3)]
    voyages += [_ferry(fb.ship("passenger"), rng, other) for other in
                ("CATANIA", "AUGUSTA", "CATANIA")]
    homes = [_FISHING_HOMES[n % len(_FISHING_HOMES)] for n in range(11)]
    voyages += [_fisher(fb.ship("fishing", flag=PORTS[home].country), rng, home)
                for home in homes]
    return voyages, plans


# ---------------------------------------------------------------------------------------------
# Transmission: what receivers log, and the ground truth read back from it.


@dataclass(frozen=True, slots=True)
class Report:
    """One logged position report (the reported, not the true, position)."""

    t: int  # seconds from the window start
    lat: float
    lon: float
    sog: float


def _positions(v: Voyage, times: list[int], rng: np.random.Generator, t0: int) -> list[
        tuple[dict[str, int | float | str], Report]]:
    """The position messages a vessel sends at ``times`` (noise drawn in one go: speed)."""
    noise = rng.normal(0, 1, size=(len(times), 5))
    out: list[tuple[dict[str, int | float | str], Report]] = []
    for t, (n_lat, n_lon, n_sog, n_cog, n_head) in zip(times, noise.tolist(), strict=True):
        fix = v.track.fix(float(t))
        lat = fix.lat + n_lat * 5 / 111_195  # GPS noise of a few metres
        lon = fix.lon + n_lon * 5 / (111_195 * np.cos(np.radians(fix.lat)))
        if v.spoof is not None and v.spoof[0] <= t <= v.spoof[1]:
            lat, lon = offset((fix.lat, fix.lon), v.spoof[2], v.spoof[3])
        resting = fix.status in (MOORED, AT_ANCHOR)
        sog = abs(n_sog * 0.04) if resting and fix.sog == 0 else max(0.0,
                                                                       fix.sog + n_sog * 0.12)
        cog = (fix.cog + n_cog * (25 if resting else 1.5)) % 360
        msg: dict[str, int | float | str] = {
            "msg_type": 3 if resting else 1, "mmsi": v.ship.mmsi, "status": fix.status,
            "turn": -128 if resting else 0, "speed": round(min(sog, 102.2), 1),
            "accuracy": 1, "lon": round(lon, 6), "lat": round(lat, 6),
            "course": round(cog, 1) % 360,
            "heading": round(fix.heading + n_head * 2) % 360,
            "second": (t0 + t) % 60, "maneuver": 0, "raim": 0, "radio": 0,
        }
        out.append((msg, Report(t, float(msg["lat"]), float(msg["lon"]), float(msg["speed"]))))
    return out


def _static_message(v: Voyage, t: int, start: datetime) -> dict[str, int | float | str]:
    fix = v.track.fix(float(t))
    msg = v.ship.static()
    if np.isnan(fix.eta):
        eta = {"month": 0, "day": 0, "hour": 24, "minute": 60}
    else:
        when = start + timedelta(seconds=float(fix.eta))
        eta = {"month": when.month, "day": when.day, "hour": when.hour, "minute": when.minute}
    return {**msg, **eta, "destination": (fix.destination or "")[:20]}


def _static_times(v: Voyage, rng: np.random.Generator) -> list[int]:
    t = max(v.track.start, 0.0) + float(rng.uniform(0, 1800))
    out: list[int] = []
    while t < min(v.track.end, WINDOW_S):
        if not any(a <= t <= b for a, b in v.silent):
            out.append(int(t))
        t += float(rng.uniform(2.5, 3.5)) * 3600
    return out


def write_ais(path: Path, rng: np.random.Generator, start: datetime) -> dict[str, Any]:
    """Write the AIS log for the 72 h from ``start`` (UTC); return its ground truth."""
    voyages, plans = build_fleet(rng)
    t0 = int(start.timestamp())
    logged: list[tuple[int, int, int, list[str]]] = []
    reports: dict[int, list[Report]] = {}
    group = int(rng.integers(1000, 5000))
    for v in voyages:
        times = sorted({int(x) for x in transmit_times(v.track, rng, WINDOW_S, v.silent)})
        mine: list[Report] = []
        for msg, rep in _positions(v, times, rng, t0):
            logged.append((rep.t, v.ship.mmsi, 0, nmea.sentences(
                msg, station=nearest_station((rep.lat, rep.lon)), unix=t0 + rep.t,
                channel="AB"[rep.t % 2], group=0)))
            mine.append(rep)
        for t in _static_times(v, rng):
            fix = v.track.fix(float(t))
            group += 1
            logged.append((t, v.ship.mmsi, 1, nmea.sentences(
                _static_message(v, t, start), station=nearest_station((fix.lat, fix.lon)),
                unix=t0 + t, channel="AB"[t % 2], group=group)))
        reports[v.ship.mmsi] = mine
    logged.sort(key=lambda x: (x[0], x[1], x[2]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="ascii", newline="") as f:
        for _, _, _, lines in logged:
            f.write(nmea.EOL.join(lines) + nmea.EOL)
    return _truth(voyages, plans, reports, start, len(logged))


def _iso(start: datetime, t: float) -> str:
    return (start + timedelta(seconds=round(t))).isoformat().replace("+00:00", "Z")


def _within(reps: list[Report], a: float, b: float) -> list[Report]:
    return [r for r in reps if a <= r.t <= b]


def _metres(p: LatLon, q: LatLon) -> float:
    return distance_nm(p, q) * NM_M


def _truth(voyages: list[Voyage], plans: dict[str, Planted],
           reports: dict[int, list[Report]], start: datetime, messages: int
           ) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    for key in ("rendezvous-1", "rendezvous-2"):
        plan = plans[key]
        a, b = plan.ships
        s, e = plan.start, plan.end
        ra, rb = _within(reports[a.mmsi], s, e), _within(reports[b.mmsi], s, e)
        seps = [min((_metres((x.lat, x.lon), (y.lat, y.lon)) for y in rb
                     if abs(y.t - x.t) <= 600), default=float("inf")) for x in ra]
        events.append({
            "id": f"ais-{key}", "type": "rendezvous", "mmsi": [a.mmsi, b.mmsi],
            "names": [a.name, b.name], "start": _iso(start, s), "end": _iso(start, e),
            "lat": round(float(np.mean([r.lat for r in ra])), 5),
            "lon": round(float(np.mean([r.lon for r in ra])), 5),
            "max_separation_m": round(max(seps), 1),
            "max_sog_kn": max(r.sog for r in ra + rb), "place": plan.place,
        })
    for v in voyages:
        reps = reports[v.ship.mmsi]
        for off, on in v.silent:
            before = [r for r in reps if r.t < off][-1]
            after = next(r for r in reps if r.t > on)
            events.append({
                "id": f"ais-{v.ship.role}", "type": "dark_period", "mmsi": [v.ship.mmsi],
                "names": [v.ship.name], "start": _iso(start, before.t),
                "end": _iso(start, after.t), "gap_h": round((after.t - before.t) / 3600, 2),
                "start_lat": before.lat, "start_lon": before.lon, "end_lat": after.lat,
                "end_lon": after.lon,
            })
    for key in ("loitering-1", "loitering-2"):
        plan = plans[key]
        (ship,) = plan.ships
        s, e = plan.start, plan.end
        reps = _within(reports[ship.mmsi], s, e)
        events.append({
            "id": f"ais-{key}", "type": "loitering", "mmsi": [ship.mmsi], "names": [ship.name],
            "start": _iso(start, s), "end": _iso(start, e),
            "lat": round(float(np.mean([r.lat for r in reps])), 5),
            "lon": round(float(np.mean([r.lon for r in reps])), 5),
            "max_sog_kn": max(r.sog for r in reps), "place": plan.place,
        })
    for v in voyages:
        if v.spoof is None:
            continue
        reps = reports[v.ship.mmsi]
        fake = _within(reps, v.spoof[0], v.spoof[1])
        before = [r for r in reps if r.t < v.spoof[0]][-1]
        true = v.track.fix(float(fake[0].t))
        jump = _metres((before.lat, before.lon), (fake[0].lat, fake[0].lon)) / NM_M
        events.append({
            "id": f"ais-{v.ship.role}", "type": "spoofing", "mmsi": [v.ship.mmsi],
            "names": [v.ship.name], "start": _iso(start, fake[0].t),
            "end": _iso(start, fake[-1].t), "reports": len(fake),
            "true_lat": round(true.lat, 5), "true_lon": round(true.lon, 5),
            "spoofed_lat": fake[0].lat, "spoofed_lon": fake[0].lon,
            "implied_speed_kn": round(jump / max(fake[0].t - before.t, 1) * 3600, 1),
        })
    return {
        "window": {"start": _iso(start, 0), "end": _iso(start, WINDOW_S)},
        "messages": messages,
        "positions": sum(len(r) for r in reports.values()),
        "criteria": CRITERIA,
        "events": events,
        "vessels": [v.ship.summary() for v in voyages],
        "sanctioned_tanker": next(v.ship.summary() for v in voyages
                                  if v.ship.role == "rendezvous-1" and v.ship.kind == "tanker"
                                  and v.ship.flag == "CMR"),
    }
