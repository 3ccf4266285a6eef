"""The scenario's central-Mediterranean sea map: ports, sea waypoints, lanes, fishing grounds.

The AIS generator must never sail a ship over land, and it has no coastline data at run time
(the scenario works without the real data folder). So the sea map is drawn by hand: every
lane is a chain of open-sea waypoints checked once against Natural Earth 1:50m land (the
scenario tests repeat that check whenever the shared data folder is present), and the planted
maritime events use open-sea spots chosen more than 20 nm from any coast.

Coordinates are (lat, lon) in WGS84 degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LatLon = tuple[float, float]

#: Nautical mile in metres; Earth radius in nautical miles (mean radius / 1852).
NM_M = 1852.0
EARTH_NM = 6371008.8 / NM_M


@dataclass(frozen=True, slots=True)
class Port:
    """A real port: the berth where ships lie and the approach point a few miles off it."""

    name: str
    country: str  # ISO-3
    berth: LatLon
    approach: LatLon
    unlocode: str


PORTS: dict[str, Port] = {
    p.name: p
    for p in (
        Port("TRIPOLI", "LBY", (32.903, 13.190), (32.960, 13.200), "LYTIP"),
        Port("ZUWARA", "LBY", (32.933, 12.083), (32.990, 12.090), "LYZUA"),
        Port("MISRATA", "LBY", (32.378, 15.212), (32.430, 15.290), "LYMRA"),
        Port("BENGHAZI", "LBY", (32.112, 20.046), (32.160, 19.980), "LYBEN"),
        Port("VALLETTA", "MLT", (35.896, 14.518), (35.930, 14.550), "MTMLA"),
        Port("LAMPEDUSA", "ITA", (35.497, 12.607), (35.460, 12.600), "ITLMP"),
        Port("AUGUSTA", "ITA", (37.205, 15.225), (37.190, 15.300), "ITAUG"),
        Port("CATANIA", "ITA", (37.497, 15.093), (37.450, 15.150), "ITCTA"),
        Port("TUNIS", "TUN", (36.812, 10.308), (36.880, 10.400), "TNTUN"),
        # fishing ports
        Port("SFAX", "TUN", (34.727, 10.772), (34.620, 10.880), "TNSFA"),
        Port("ZARZIS", "TUN", (33.497, 11.118), (33.500, 11.200), "TNZRZ"),
        Port("MAHDIA", "TUN", (35.505, 11.073), (35.500, 11.150), "TNMAH"),
    )
}

#: Open-sea waypoints (names are the map's own, not official).
NODES: dict[str, LatLon] = {
    "TUN_GULF": (37.050, 10.600),
    "TUN_NORTH": (37.200, 10.650),
    "CAP_BON_N": (37.300, 11.100),
    "CAP_BON_E": (36.950, 11.550),
    "PANTELLERIA_W": (36.620, 11.700),
    "PANTELLERIA_S": (36.550, 12.400),
    "SICILY_CH_N": (37.050, 12.200),
    "SICILY_S": (36.450, 13.300),
    "GOZO_W": (36.100, 13.800),
    "GOZO_N": (36.150, 14.500),
    "MALTA_SW": (35.700, 14.300),
    "MALTA_E": (35.750, 14.660),
    "MALTA_S": (35.400, 14.450),
    "SICILY_SE": (36.300, 14.900),
    "PASSERO_SE": (36.500, 15.550),
    "SIRACUSA_E": (37.000, 15.450),
    "AUGUSTA_N": (37.280, 15.330),
    "IONIAN_W": (35.400, 16.800),
    "IONIAN_S": (34.200, 17.400),
    "CYRENAICA_W": (32.600, 19.600),
    "SIRTE_N": (32.800, 16.500),
    "TRIPOLI_N": (33.600, 13.600),
    "KHOMS_N": (33.000, 14.200),
    "MISRATA_N": (33.500, 15.100),
    "ZUWARA_N": (33.400, 12.600),
    "LAMPEDUSA_S": (34.500, 12.400),
    "LAMPEDUSA_E": (35.600, 13.500),
    "CENTRAL_S": (35.200, 14.900),
    "EAST_GATE": (34.200, 22.000),
    "WEST_GATE": (37.550, 9.600),
    "SFAX_S": (34.550, 10.950),
    "GABES_E": (33.700, 11.700),
}

#: Lanes between ports (and the through lane from the Ionian to the Sardinia Channel), as
#: chains of NODES. A lane is sailed from its first port's berth to its last port's berth;
#: reversed, it serves the way back.
LANES: dict[tuple[str, str], tuple[str, ...]] = {
    ("TRIPOLI", "VALLETTA"): ("TRIPOLI_N", "MALTA_S", "MALTA_E"),
    ("MISRATA", "VALLETTA"): ("MISRATA_N", "MALTA_E"),
    ("ZUWARA", "VALLETTA"): ("ZUWARA_N", "MALTA_S", "MALTA_E"),
    ("BENGHAZI", "VALLETTA"): ("CYRENAICA_W", "IONIAN_S", "MALTA_E"),
    ("BENGHAZI", "AUGUSTA"): ("CYRENAICA_W", "IONIAN_S", "IONIAN_W", "SIRACUSA_E"),
    ("TRIPOLI", "AUGUSTA"): ("TRIPOLI_N", "CENTRAL_S", "PASSERO_SE", "SIRACUSA_E"),
    ("MISRATA", "CATANIA"): ("MISRATA_N", "CENTRAL_S", "PASSERO_SE", "SIRACUSA_E",
                             "AUGUSTA_N"),
    ("CATANIA", "VALLETTA"): ("AUGUSTA_N", "SIRACUSA_E", "PASSERO_SE", "MALTA_E"),
    ("AUGUSTA", "VALLETTA"): ("SIRACUSA_E", "PASSERO_SE", "MALTA_E"),
    ("AUGUSTA", "CATANIA"): ("AUGUSTA_N",),
    ("TUNIS", "VALLETTA"): ("TUN_GULF", "TUN_NORTH", "CAP_BON_N", "CAP_BON_E",
                            "PANTELLERIA_W", "PANTELLERIA_S", "GOZO_W", "GOZO_N"),
    ("TUNIS", "AUGUSTA"): ("TUN_GULF", "TUN_NORTH", "CAP_BON_N", "CAP_BON_E",
                           "PANTELLERIA_W", "PANTELLERIA_S", "SICILY_S", "SICILY_SE", "PASSERO_SE",
                           "SIRACUSA_E"),
    ("LAMPEDUSA", "VALLETTA"): ("LAMPEDUSA_E", "MALTA_SW", "MALTA_E"),
    ("LAMPEDUSA", "ZUWARA"): ("LAMPEDUSA_S",),
    ("TRIPOLI", "MISRATA"): ("KHOMS_N",),
    ("MISRATA", "BENGHAZI"): ("SIRTE_N", "CYRENAICA_W"),
    ("TRIPOLI", "TUNIS"): ("TRIPOLI_N", "ZUWARA_N", "GABES_E", "MAHDIA_OFF", "CAP_BON_E",
                           "CAP_BON_N", "TUN_NORTH", "TUN_GULF"),
}
NODES["MAHDIA_OFF"] = (35.600, 11.500)

#: The through lane of ships that only pass the area (Suez - Gibraltar traffic).
THROUGH: tuple[str, ...] = ("EAST_GATE", "IONIAN_W", "SICILY_SE", "SICILY_S", "SICILY_CH_N",
                            "CAP_BON_N", "WEST_GATE")

#: Fishing grounds (south, west, north, east), all at sea and within 20 nm of a coast, so a
#: fishing vessel at work never looks like a vessel loitering offshore.
FISHING_GROUNDS: dict[str, tuple[float, float, float, float]] = {
    "ZUWARA": (33.02, 12.00, 33.14, 12.35),
    "TRIPOLI": (33.00, 13.00, 33.12, 13.45),
    "MISRATA": (32.45, 15.30, 32.58, 15.45),
    "BENGHAZI": (32.15, 19.78, 32.30, 19.92),
    "ZARZIS": (33.55, 11.22, 33.70, 11.40),
    "SFAX": (34.45, 11.00, 34.58, 11.30),
    "MAHDIA": (35.40, 11.15, 35.58, 11.35),
    "LAMPEDUSA": (35.30, 12.45, 35.42, 12.80),
}

#: Open-sea spots for the planted events, each more than 20 nm from any coast.
OPEN_SEA: dict[str, LatLon] = {
    "MALTA_LIBYA_GAP": (34.300, 14.600),
    "SIRTE_OFFING": (33.900, 16.800),
    "LAMPEDUSA_OFFING": (34.950, 13.150),
    "IONIAN_EDGE": (35.900, 16.300),
    "ZUWARA_OFFING": (33.650, 12.250),
    "MEDINA_BANK": (34.850, 15.700),
}

#: AIS receiving stations (tag-block ``s:`` ids), one per coast.
STATIONS: dict[str, LatLon] = {
    "41101": (35.90, 14.50),  # Malta
    "41102": (35.50, 12.60),  # Lampedusa
    "41103": (37.20, 15.20),  # eastern Sicily
    "41104": (32.90, 13.20),  # Tripoli
    "41105": (32.10, 20.05),  # Benghazi
    "41106": (36.80, 10.30),  # Tunis
    "41107": (34.70, 10.80),  # Sfax
}


def lane_points(origin: str, destination: str) -> list[LatLon]:
    """The points of the lane from ``origin`` to ``destination`` (ports or the through-lane
    gates), berth to berth."""
    if (origin, destination) in LANES:
        nodes = LANES[(origin, destination)]
    elif (destination, origin) in LANES:
        nodes = tuple(reversed(LANES[(destination, origin)]))
    else:
        raise KeyError(f"no lane between {origin} and {destination}")
    a, b = PORTS[origin], PORTS[destination]
    return [a.berth, a.approach, *(NODES[n] for n in nodes), b.approach, b.berth]


def destinations(port: str) -> list[str]:
    """Ports with a lane to ``port``, sorted so that draws from them are deterministic."""
    out = {b for a, b in LANES if a == port} | {a for a, b in LANES if b == port}
    return sorted(out)


def distance_nm(a: LatLon, b: LatLon) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * EARTH_NM * math.asin(min(1.0, math.sqrt(h)))


def bearing_deg(a: LatLon, b: LatLon) -> float:
    """Initial true bearing from ``a`` to ``b``."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    y = math.sin(lon2 - lon1) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return (math.degrees(math.atan2(y, x)) + 360.0) % 360.0


def offset(p: LatLon, bearing: float, dist_nm: float) -> LatLon:
    """The point ``dist_nm`` from ``p`` on ``bearing`` (flat-earth: only used for short hops)."""
    rad = math.radians(bearing)
    dlat = dist_nm * math.cos(rad) / 60.0
    dlon = dist_nm * math.sin(rad) / (60.0 * math.cos(math.radians(p[0])))
    return (p[0] + dlat, p[1] + dlon)


def nearest_station(p: LatLon) -> str:
    """The receiving station closest to ``p`` (flat distance: only the ranking matters)."""
    best, best_d = "", float("inf")
    for name, (lat, lon) in STATIONS.items():
        d = (p[0] - lat) ** 2 + ((p[1] - lon) * 0.82) ** 2
        if d < best_d:
            best, best_d = name, d
    return best
