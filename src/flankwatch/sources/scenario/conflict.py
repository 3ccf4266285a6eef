"""Armed-conflict events in the UCDP GED 23.1 CSV layout (49 columns), 2021 to 2025.

The header is the one of ``conflict/GEDEvent_v23_1_CAF_482.csv``; dates are written
``YYYY-MM-DD 00:00:00.000`` and ``relid`` is 0, as there. Mostly day-precise events
(``date_prec`` 1), a few known only to the week (3) or to a span of months (5).

Planted: an invented armed group, the *Harmattan Front*, escalates in central Mali (monthly
fatalities rising several-fold over eight months) and spreads from the Mopti and Ségou regions
into western Niger (Tillabéri) and northern Burkina Faso (Sahel region), admin-1 areas where it
had no event before. Around it: an invented militia in central Mali, an invented group in
eastern Burkina and Niger, and low-level fighting between invented brigades in Libya.
Governments and places are real; every group, event, source and headline is invented.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from flankwatch.sources.scenario.truth import Plan, add_months, month_index, ym

#: The header line of UCDP GED 23.1 (49 columns), as in the real CSV.
HEADER_LINE = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)
HEADER = HEADER_LINE.split(",")

FIRST, LAST = date(2021, 1, 1), date(2025, 12, 1)
GROUP = "Harmattan Front"


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    iso3: str
    adm_1: str
    adm_2: str
    lat: float
    lon: float


#: Country name, Gleditsch-Ward code (UCDP's country_id) per ISO-3.
COUNTRY = {"MLI": ("Mali", 432), "BFA": ("Burkina Faso", 439), "NER": ("Niger", 436),
           "LBY": ("Libya", 620)}

CENTRAL_MALI = (
    Place("Mopti", "MLI", "Mopti region", "Mopti cercle", 14.4843, -4.1827),
    Place("Djenné", "MLI", "Mopti region", "Djenné cercle", 13.9061, -4.5533),
    Place("Bankass", "MLI", "Mopti region", "Bankass cercle", 14.0778, -3.5167),
    Place("Koro", "MLI", "Mopti region", "Koro cercle", 14.065, -3.0836),
    Place("Bandiagara", "MLI", "Mopti region", "Bandiagara cercle", 14.3501, -3.6104),
    Place("Ténenkou", "MLI", "Mopti region", "Ténenkou cercle", 14.4572, -4.9169),
    Place("Douentza", "MLI", "Mopti region", "Douentza cercle", 15.0017, -2.9497),
    Place("Macina", "MLI", "Ségou region", "Macina cercle", 13.9606, -5.3578),
    Place("Niono", "MLI", "Ségou region", "Niono cercle", 14.2526, -5.9929),
)
NEW_AREAS = (
    Place("Téra", "NER", "Tillabéri region", "Téra department", 14.0078, 0.7531),
    Place("Ayorou", "NER", "Tillabéri region", "Tillabéri department", 14.7308, 0.9174),
    Place("Ouallam", "NER", "Tillabéri region", "Ouallam department", 14.3181, 2.0864),
    Place("Banibangou", "NER", "Tillabéri region", "Banibangou department", 15.0431, 2.7052),
    Place("Djibo", "BFA", "Sahel region", "Soum province", 14.1011, -1.6306),
    Place("Arbinda", "BFA", "Sahel region", "Soum province", 14.2292, -0.8653),
    Place("Gorom-Gorom", "BFA", "Sahel region", "Oudalan province", 14.4439, -0.2361),
    Place("Dori", "BFA", "Sahel region", "Séno province", 14.0354, -0.0345),
)
OTHER_SAHEL = (
    Place("Fada N'Gourma", "BFA", "Est region", "Gourma province", 12.0616, 0.3584),
    Place("Kaya", "BFA", "Centre-Nord region", "Sanmatenga province", 13.0917, -1.0844),
    Place("Tahoua", "NER", "Tahoua region", "Tahoua department", 14.8888, 5.2692),
)
LIBYA = (
    Place("Tripoli", "LBY", "Tripoli district", "", 32.8872, 13.1913),
    Place("Zawiya", "LBY", "Zawiya district", "", 32.7571, 12.7278),
    Place("Gharyan", "LBY", "Jabal al Gharbi district", "", 32.1722, 13.0203),
    Place("Sirte", "LBY", "Sirte district", "", 31.2089, 16.5887),
    Place("Sabha", "LBY", "Sabha district", "", 27.0377, 14.4283),
    Place("Murzuq", "LBY", "Murzuq district", "", 25.9155, 13.9184),
)

#: Actors: name -> (dset id, new id). Ids are invented (9xxxx) so they never meet real ones.
ACTORS = {
    "Government of Mali": (90101, 90101), "Government of Burkina Faso": (90102, 90102),
    "Government of Niger": (90103, 90103), "Government of Libya": (90104, 90104),
    GROUP: (90501, 90501), "Inner Delta Self-Defence Movement": (90502, 90502),
    "Dune Wolves": (90503, 90503), "Sirte Coastal Brigade": (90504, 90504),
    "Fezzan Sand Brigade": (90505, 90505), "Civilians": (9999, 1),
}
_GOVERNMENT = {"MLI": "Government of Mali", "BFA": "Government of Burkina Faso",
               "NER": "Government of Niger", "LBY": "Government of Libya"}
_OFFICES = ("Exercise Wire", "Sahel Exercise Monitor", "Radio Exercise FM",
            "Exercise Humanitarian Bulletin")


def _conflict(kind: int, a: str, b: str, iso3: str) -> tuple[str, int, int, str, int]:
    """(conflict name, conflict dset id, conflict new id, dyad name, dyad id)."""
    key = sum(ACTORS[a]) * 7 + sum(ACTORS[b]) * 3 + kind
    if kind == 1:
        name = f"{COUNTRY[iso3][0]}: Government"
        cid = 91000 + COUNTRY[iso3][1]
    else:
        name, cid = f"{a} - {b}", 92000 + key % 997
    return name, cid, cid, f"{a} - {b}", 93000 + key % 997


def _priogrid(lat: float, lon: float) -> int:
    return int((lat + 90) // 0.5) * 720 + int((lon + 180) // 0.5) + 1


class _Writer:
    """Accumulates events as rows of the 49 columns."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[dict[str, Any]] = []

    def event(self, day: date, kind: int, a: str, b: str, place: Place, deaths: int, *,
              prec: int = 1) -> dict[str, Any]:
        rng = self.rng
        cname, cid, cnew, dname, did = _conflict(kind, a, b, place.iso3)
        where_prec = int(rng.choice([1, 1, 1, 2, 2, 3, 4]))
        jitter = 0.0 if where_prec >= 3 else 0.08
        lat = round(place.lat + float(rng.uniform(-jitter, jitter)), 6)
        lon = round(place.lon + float(rng.uniform(-jitter, jitter)), 6)
        end = day + timedelta(days={1: 0, 2: int(rng.integers(1, 6)), 3: 6,
                                    5: int(rng.integers(35, 120))}[prec])
        split = self._deaths(kind, deaths)
        n_sources = int(rng.choice([-1, 1, 1, 1, 2, 2, 3]))
        sources = [(str(rng.choice(_OFFICES)), day + timedelta(days=int(rng.integers(0, 4))))
                   for _ in range(max(n_sources, 0))]
        headline = f"{'Clashes' if kind != 3 else 'Attack on villagers'} near {place.name}"
        low = max(0, deaths - int(rng.integers(0, 3)))
        row = {
            "id": 0, "relid": 0, "year": day.year, "active_year": 1 if kind == 1 else int(
                rng.integers(0, 2)),
            "code_status": "Clear", "type_of_violence": kind,
            "conflict_dset_id": cid, "conflict_new_id": cnew, "conflict_name": cname,
            "dyad_dset_id": did, "dyad_new_id": did, "dyad_name": dname,
            "side_a_dset_id": ACTORS[a][0], "side_a_new_id": ACTORS[a][1], "side_a": a,
            "side_b_dset_id": ACTORS[b][0], "side_b_new_id": ACTORS[b][1], "side_b": b,
            "number_of_sources": n_sources,
            "source_article": ";".join(f'"{o},{d.isoformat()},{headline}"' for o, d in sources),
            "source_office": ";".join(o for o, _ in sources),
            "source_date": ";".join(d.isoformat() for _, d in sources),
            "source_headline": ";".join(headline for _ in sources),
            "source_original": "Local sources" if sources else "",
            "where_prec": where_prec, "where_coordinates": f"{place.name} town",
            "where_description": f"{place.name} area", "adm_1": place.adm_1,
            "adm_2": place.adm_2, "latitude": lat, "longitude": lon,
            "geom_wkt": f"POINT ({lon} {lat})", "priogrid_gid": _priogrid(lat, lon),
            "country": COUNTRY[place.iso3][0], "country_id": COUNTRY[place.iso3][1],
            "region": "Africa", "event_clarity": 1 if rng.random() < 0.9 else 2,
            "date_prec": prec, "date_start": f"{day.isoformat()} 00:00:00.000",
            "date_end": f"{end.isoformat()} 00:00:00.000", **split, "best": deaths,
            "high": deaths + int(rng.integers(0, 4)), "low": low,
            "gwnoa": COUNTRY[place.iso3][1] if kind == 1 else "", "gwnob": "",
        }
        self.rows.append(row)
        return row

    def _deaths(self, kind: int, total: int) -> dict[str, int]:
        if kind == 3:
            return {"deaths_a": 0, "deaths_b": 0, "deaths_civilians": total, "deaths_unknown": 0}
        parts = self.rng.multinomial(total, [0.35, 0.45, 0.05, 0.15])
        return dict(zip(("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"),
                        (int(p) for p in parts), strict=True))


def _day(rng: np.random.Generator, month: date) -> date:
    return month + timedelta(days=int(rng.integers(0, 28)))


def _intensity(plan: Plan, month: date) -> float:
    """The Harmattan Front's activity relative to its 2021-22 level."""
    i, o, p = (month_index(x) for x in (month, plan.escalation_onset, plan.escalation_peak))
    if i < o:
        return 1.0
    if i <= p:
        return 1.0 + 5.0 * (i - o + 1) / (p - o + 1)
    return max(3.0, 6.0 - 0.5 * (i - p))


def write_ged(path: Path, plan: Plan, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Write the GED CSV; return the conflict phenomena of the ground truth."""
    w = _Writer(rng)
    hf_rows: list[dict[str, Any]] = []
    month = FIRST
    while month <= LAST:
        level = _intensity(plan, month)
        spread = 0.0 if month < plan.spread_month else min(
            0.5, 0.2 + 0.05 * (month_index(month) - month_index(plan.spread_month)))
        for _ in range(int(rng.poisson(6 * (1 + 0.5 * (level - 1))))):
            new = rng.random() < spread
            place = (NEW_AREAS if new else CENTRAL_MALI)[int(rng.integers(
                len(NEW_AREAS) if new else len(CENTRAL_MALI)))]
            kind = int(rng.choice([1, 1, 1, 3, 3, 2])) if place.iso3 == "MLI" else int(
                rng.choice([1, 1, 3]))
            other = {1: _GOVERNMENT[place.iso3], 2: "Inner Delta Self-Defence Movement",
                     3: "Civilians"}[kind]
            a, b = (other, GROUP) if kind == 1 else (GROUP, other)
            deaths = max(1, int(rng.gamma(2.5, 3.3 * (1 + 0.4 * (level - 1)) / 2.5)))
            hf_rows.append(w.event(_day(rng, month), kind, a, b, place, deaths,
                                   prec=1 if rng.random() < 0.95 else 2))
        _background(w, rng, month)
        month = add_months(month, 1)
    base = int(rng.integers(9_100_000, 9_400_000))
    w.rows.sort(key=lambda r: (r["date_start"], r["country_id"], r["best"]))
    for n, row in enumerate(w.rows):
        row["id"] = base + n
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(HEADER), lineterminator="\n")
        out.writeheader()
        out.writerows(w.rows)
    return _describe(plan, hf_rows, len(w.rows))


def _background(w: _Writer, rng: np.random.Generator, month: date) -> None:
    for _ in range(int(rng.poisson(3))):  # another group, other areas of Burkina and Niger
        place = OTHER_SAHEL[int(rng.integers(len(OTHER_SAHEL)))]
        kind = int(rng.choice([1, 1, 3]))
        a, b = ((_GOVERNMENT[place.iso3], "Dune Wolves") if kind == 1
                else ("Dune Wolves", "Civilians"))
        w.event(_day(rng, month), kind, a, b, place, max(1, int(rng.gamma(1.2, 2.5))),
                prec=int(rng.choice([1] * 16 + [3, 3, 5])))
    for _ in range(int(rng.poisson(1))):  # the army's own abuses in central Mali
        place = CENTRAL_MALI[int(rng.integers(len(CENTRAL_MALI)))]
        w.event(_day(rng, month), 3, "Government of Mali", "Civilians", place,
                max(1, int(rng.gamma(1.2, 3.0))), prec=int(rng.choice([1] * 10 + [3])))
    for _ in range(int(rng.poisson(3))):  # Libya: low-level clashes between brigades
        place = LIBYA[int(rng.integers(len(LIBYA)))]
        if place.name in ("Sirte", "Tripoli", "Gharyan"):
            a, b, kind = "Government of Libya", "Sirte Coastal Brigade", 1
        else:
            a, b, kind = "Fezzan Sand Brigade", "Sirte Coastal Brigade", 2
        w.event(_day(rng, month), kind, a, b, place, int(rng.integers(1, 6)),
                prec=int(rng.choice([1] * 14 + [3, 5])))


def _describe(plan: Plan, hf: list[dict[str, Any]], rows: int) -> list[dict[str, Any]]:
    """Escalation and spread as the written events show them."""
    monthly: dict[str, int] = {}
    for r in hf:
        key = r["date_start"][:7]
        monthly[key] = monthly.get(key, 0) + int(r["best"])
    o, p = ym(plan.escalation_onset), ym(plan.escalation_peak)
    window = {k: v for k, v in monthly.items() if k >= o}
    peak = max(window, key=lambda k: (window[k], k))
    before = [v for k, v in monthly.items() if ym(add_months(plan.escalation_onset, -12)) <= k
              < o]
    new_admin1 = sorted({r["adm_1"] for r in hf if r["adm_1"] in
                         {pl.adm_1 for pl in NEW_AREAS}})
    first_new = {a: min((r["date_start"][:10], r["id"]) for r in hf if r["adm_1"] == a)
                 for a in new_admin1}
    old_admin1 = sorted({pl.adm_1 for pl in CENTRAL_MALI})
    return [
        {
            "id": "conflict-escalation-hf", "domain": "conflict", "label": "escalation",
            "file": "data/conflict/scenario_ged.csv", "actor": GROUP,
            "countries": ["MLI", "BFA", "NER"], "onset": o, "planned_peak": p, "peak": peak,
            "peak_fatalities": window[peak],
            "baseline_monthly_fatalities": round(float(np.mean(before)), 1) if before else 0.0,
            "monthly_fatalities": dict(sorted(monthly.items())),
            "expected_detection": {
                "alert": "escalation", "by_month": ym(add_months(plan.escalation_onset, 3)),
                "because": f"monthly fatalities in events involving {GROUP} rise several-fold "
                           "over eight months",
            },
        },
        {
            "id": "conflict-spread-hf", "domain": "conflict", "label": "geographic_spread",
            "file": "data/conflict/scenario_ged.csv", "actor": GROUP,
            "start": ym(plan.spread_month), "from_admin1": old_admin1,
            "new_admin1": new_admin1, "new_countries": ["NER", "BFA"],
            "first_event_in_new_admin1": {a: {"date": d, "event_id": i}
                                          for a, (d, i) in first_new.items()},
            "events_in_new_admin1": sum(1 for r in hf if r["adm_1"] in new_admin1),
            "file_rows": rows,
            "expected_detection": {
                "alert": "new area", "by_month": ym(add_months(plan.spread_month, 1)),
                "because": f"{GROUP} events appear in admin-1 areas (and countries) where it "
                           "had none before",
            },
        },
    ]
