"""Migrant-boat incidents in the tidy layout of the IOM Missing Migrants file.

Same columns and value conventions as ``missing_migrants/iom_mmp_incidents_2014_2025.csv``
(``t,m,type,route,geo,dead,cause,surv,nat,location,lon,lat``; counts written ``12.0``, blank
survivors when unknown, several nationalities joined by commas, free-text locations).

Incidents on the Central Mediterranean and on the Atlantic route to the Canaries happen at a
monthly rate that follows the scenario's crossings on the matching Frontex route, so they rise
with both organic surges. Planted on top: mass-casualty shipwrecks (100 dead or missing and
more), two of them inside the Central Mediterranean surge.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from flankwatch.sources.scenario.truth import Plan, add_months, month_index, months, ym

HEADER = ["t", "m", "type", "route", "geo", "dead", "cause", "surv", "nat", "location", "lon",
          "lat"]
CMR = "Central Mediterranean Route"
WAR = "Western African Atlantic Route"  # IOM's name for Frontex's Western African Route

#: Where incidents are reported: (country, location text, lat, lon) per IOM route.
PLACES: dict[str, tuple[tuple[str, str, float, float], ...]] = {
    CMR: (
        ("LBY", "Off the coast of Zuwara, Libya", 33.00, 12.10),
        ("LBY", "Off the coast of Sabratha, Libya", 32.90, 12.45),
        ("LBY", "Bodies recovered in Tripoli, Libya", 32.90, 13.18),
        ("LBY", "Off the coast of Garabulli, Libya", 32.85, 13.75),
        ("LBY", "Off the coast of Zawiya, Libya", 32.85, 12.70),
        ("LBY", "Unspecified location between Libya and Italy", 34.30, 13.50),
        ("TUN", "Off the coast of Sfax, Tunisia", 34.70, 10.95),
        ("TUN", "Bodies recovered off the Kerkennah Islands, Tunisia", 34.58, 11.40),
        ("TUN", "Off the coast of Mahdia, Tunisia", 35.50, 11.20),
        ("TUN", "Off the coast of Zarzis, Tunisia", 33.55, 11.25),
        ("ITA", "Off Lampedusa, Italy", 35.45, 12.60),
        ("ITA", "Italian search and rescue region, south of Lampedusa", 35.10, 12.70),
        ("MLT", "Maltese search and rescue region", 34.90, 14.20),
    ),
    WAR: (
        ("ESP", "Off El Hierro, Canary Islands, Spain", 27.60, -17.90),
        ("ESP", "Off Gran Canaria, Canary Islands, Spain", 27.80, -15.60),
        ("ESP", "Off Lanzarote, Canary Islands, Spain", 29.00, -13.40),
        ("MAR", "Off the coast of Tarfaya, Morocco", 27.95, -12.90),
        ("ESH", "Off the coast of Dakhla, Western Sahara", 23.70, -16.10),
        ("ESH", "Off the coast of Laayoune, Western Sahara", 27.10, -13.50),
        ("MRT", "Off the coast of Nouadhibou, Mauritania", 20.90, -17.20),
        ("SEN", "Off the coast of Saint-Louis, Senegal", 16.00, -16.60),
    ),
}
NATIONALITIES = {CMR: ("TUN", "EGY", "BGD", "GIN", "CIV", "SDN", "ERI", "SYR", "NGA", "MLI"),
                 WAR: ("SEN", "MLI", "MAR", "GIN", "GMB", "CIV", "MRT")}
CAUSES = (("Drowning", .78), ("Mixed or unknown", .12),
          ("Harsh environmental conditions / lack of adequate shelter, food, water", .04),
          ("Vehicle accident / death linked to hazardous transport", .03),
          ("Sickness / lack of access to adequate healthcare", .02),
          ("Drowning,Mixed or unknown", .01))


def _number(x: float) -> str:
    return f"{x:.1f}"


class _Incidents:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[list[str]] = []

    def add(self, day: date, route: str, dead: int, *, survivors: int | None = None,
            place: tuple[str, str, float, float] | None = None, kind: str = "Incident"
            ) -> list[str]:
        rng = self.rng
        places = PLACES[route]
        geo, text, lat, lon = place or places[int(rng.integers(len(places)))]
        causes = [c for c, _ in CAUSES]
        weights = np.array([w for _, w in CAUSES])
        cause = causes[int(rng.choice(len(causes), p=weights / weights.sum()))]
        if rng.random() < 0.7:
            nat = "UNK"
        else:
            pool = NATIONALITIES[route]
            nat = ",".join(sorted({pool[int(i)] for i in rng.integers(0, len(pool),
                                                                       rng.integers(1, 4))}))
        row = [day.isoformat(), ym(day), kind, route, geo, _number(dead), cause,
               "" if survivors is None else _number(survivors), nat, text,
               str(round(lon + float(rng.uniform(-0.12, 0.12)), 6)),
               str(round(lat + float(rng.uniform(-0.12, 0.12)), 6))]
        self.rows.append(row)
        return row


def write_incidents(path: Path, plan: Plan, rng: np.random.Generator,
                    crossings: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Write the incidents CSV; ``crossings`` are the monthly Frontex totals of the Central
    Mediterranean and Western African routes (keys: IOM route names)."""
    inc = _Incidents(rng)
    ms = months()
    monthly: dict[str, list[int]] = {CMR: [], WAR: []}
    for route, scale, floor in ((CMR, 6.0, 1.5), (WAR, 2.5, 0.4)):
        flow = crossings[route]
        for i, m in enumerate(ms):
            n = int(rng.poisson(floor + scale * flow[i] / max(float(np.mean(flow)), 1.0)))
            monthly[route].append(n)
            for _ in range(n):
                dead = max(1, int(rng.gamma(0.9, 9.0)))
                survivors = None if rng.random() < 0.55 else int(rng.integers(0, 120))
                kind = "Split Incident" if rng.random() < 0.08 else "Incident"
                inc.add(m + timedelta(days=int(rng.integers(0, 28))), route, dead,
                        survivors=survivors, kind=kind)
    planted = _mass_casualties(inc, plan, rng)
    inc.rows.sort(key=lambda r: (r[0], r[3], r[4], r[5]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(inc.rows)
    return [*planted, _correlation(plan, crossings, monthly, len(inc.rows))]


def _mass_casualties(inc: _Incidents, plan: Plan, rng: np.random.Generator
                     ) -> list[dict[str, Any]]:
    """Shipwrecks with 100+ dead or missing: two in the Central Mediterranean surge (one in
    its peak month), one in an ordinary winter, one on the Atlantic route during its surge."""
    winter = date(int(rng.integers(2017, 2021)), int(rng.choice([1, 2, 12])), 1)
    plans = (
        (CMR, plan.cmr.peak, PLACES[CMR][5]),
        (CMR, add_months(plan.cmr.onset, 2), PLACES[CMR][0]),
        (CMR, winter, PLACES[CMR][6]), (WAR, plan.war.peak, PLACES[WAR][6]),
    )
    out: list[dict[str, Any]] = []
    for n, (route, month, place) in enumerate(plans, 1):
        day = month + timedelta(days=int(rng.integers(2, 26)))
        dead = int(rng.integers(110, 620))
        survivors = int(rng.integers(5, 90))
        row = inc.add(day, route, dead, survivors=survivors, place=place)
        row[6] = "Drowning"
        out.append({
            "id": f"incidents-mass-casualty-{n}", "domain": "missing_migrants",
            "label": "mass_casualty", "file": "data/missing_migrants/"
            "scenario_iom_mmp_incidents.csv", "date": day.isoformat(), "route": route,
            "geo": place[0], "location": place[1], "dead_and_missing": dead,
            "survivors": survivors, "lat": float(row[11]), "lon": float(row[10]),
            "during_surge": (plan.cmr.key if route == CMR else plan.war.key)
            if (plan.cmr.onset <= month <= plan.cmr.end if route == CMR else
                plan.war.onset <= month <= plan.war.end) else None,
            "expected_detection": {"alert": "mass-casualty incident",
                                   "because": f"{dead} dead or missing in one incident"},
        })
    return out


def _correlation(plan: Plan, crossings: dict[str, np.ndarray], monthly: dict[str, list[int]],
                 rows: int) -> dict[str, Any]:
    flow = crossings[CMR]
    counts = np.array(monthly[CMR], dtype=float)
    r = float(np.corrcoef(flow, counts)[0, 1])
    o, e = month_index(plan.cmr.onset), month_index(plan.cmr.end)
    return {
        "id": "incidents-follow-cmr-surge", "domain": "missing_migrants",
        "label": "incidents_track_crossings", "file": "data/missing_migrants/"
        "scenario_iom_mmp_incidents.csv", "route": CMR, "related": plan.cmr.key,
        "pearson_r_monthly_incidents_vs_crossings": round(r, 3),
        "incidents_during_surge": int(counts[o:e + 1].sum()),
        "incidents_same_months_year_before": int(counts[o - 12:e - 11].sum()),
        "file_rows": rows,
        "expected_detection": {
            "alert": "rise in incidents", "because": "incident counts on the route follow the "
            "crossings: the surge months carry several times the incidents of the year before",
        },
    }
