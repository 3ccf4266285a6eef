"""News events in the GDELT 2.0 event export layout: 61 tab-separated columns, no header.

The real subset in the shared data (``gdelt/gdelt_events_2017-11-26_subset_...csv``) keeps 9
columns and no date, so the scenario writes the full public layout instead (GDELT 2.0 event
codebook order), as one file ``scenario.export.CSV``. It covers the twelve weeks around the
campaign's onset: a background of ordinary events across Europe, North Africa and the Sahel,
and, planted, a wave of threats, coercion and reduced relations (CAMEO 13x, 16x, 17x) by the
transit state against the EU neighbour, building up from three weeks before the first crossings
and fading a month after. Every story URL is on a reserved ``example`` domain.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from flankwatch.sources.scenario.truth import Plan

#: The 61 columns of the GDELT 2.0 event export, in codebook order (the file has no header).
COLUMNS = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str  # CAMEO actor country code (ISO-3)
    fips: str  # GDELT geography uses FIPS 10-4 country codes
    name: str
    capital: str
    adm1: str  # FIPS ADM1 code of the capital's province (illustrative)
    province: str
    lat: float  # capital
    lon: float
    centroid: tuple[float, float]


COUNTRIES: dict[str, Country] = {c.iso3: c for c in (
    Country("FRA", "FR", "France", "Paris", "FRA8", "Ile-de-France", 48.8667, 2.3333, (46, 2)),
    Country("DEU", "GM", "Germany", "Berlin", "GM16", "Berlin", 52.5167, 13.4, (51, 9)),
    Country("ITA", "IT", "Italy", "Rome", "IT07", "Lazio", 41.9, 12.4833, (42.8333, 12.8333)),
    Country("ESP", "SP", "Spain", "Madrid", "SP29", "Madrid", 40.4, -3.6833, (40, -4)),
    Country("GRC", "GR", "Greece", "Athens", "GR35", "Attiki", 37.9833, 23.7333, (39, 22)),
    Country("TUR", "TU", "Turkey", "Ankara", "TU68", "Ankara", 39.9272, 32.8644, (39, 35)),
    Country("EGY", "EG", "Egypt", "Cairo", "EG11", "Al Qahirah", 30.05, 31.25, (27, 30)),
    Country("LBY", "LY", "Libya", "Tripoli", "LY61", "Tarabulus", 32.8925, 13.18, (25, 17)),
    Country("TUN", "TS", "Tunisia", "Tunis", "TS38", "Tunis", 36.8028, 10.1797, (34, 9)),
    Country("DZA", "AG", "Algeria", "Algiers", "AG01", "Alger", 36.7631, 3.0506, (28, 3)),
    Country("MAR", "MO", "Morocco", "Rabat", "MO49", "Rabat-Sale-Zemmour-Zaer", 34.0253,
            -6.8361, (32, -5)),
    Country("MLI", "ML", "Mali", "Bamako", "ML08", "Bamako", 12.65, -8.0, (17, -4)),
    Country("NER", "NG", "Niger", "Niamey", "NG08", "Niamey", 13.5167, 2.1167, (16, 8)),
    Country("BFA", "UV", "Burkina Faso", "Ouagadougou", "UV53", "Kadiogo", 12.3703, -1.5247,
            (13, -2)),
    Country("TCD", "CD", "Chad", "N'Djamena", "CD14", "Chari-Baguirmi", 12.1131, 15.0491,
            (15, 19)),
    Country("SDN", "SU", "Sudan", "Khartoum", "SU29", "Al Khartum", 15.5881, 32.5342, (15, 30)),
    Country("RUS", "RS", "Russia", "Moscow", "RS48", "Moscow City", 55.7522, 37.6156, (60, 100)),
    Country("UKR", "UP", "Ukraine", "Kyiv", "UP12", "Kyyiv", 50.4333, 30.5167, (49, 32)),
    Country("POL", "PL", "Poland", "Warsaw", "PL78", "Mazowieckie", 52.25, 21.0, (52, 20)),
    Country("LTU", "LH", "Lithuania", "Vilnius", "LH65", "Vilniaus Apskritis", 54.6833,
            25.3167, (56, 24)),
    Country("LVA", "LG", "Latvia", "Riga", "LG25", "Riga", 56.95, 24.1, (57, 25)),
    Country("BLR", "BO", "Belarus", "Minsk", "BO04", "Horad Minsk", 53.9, 27.5667, (53, 28)),
    Country("MLT", "MT", "Malta", "Valletta", "MT00", "Malta", 35.8997, 14.5147,
            (35.9167, 14.4333)),
    Country("BEL", "BE", "Belgium", "Brussels", "BE11", "Brussels Capital Region", 50.8333,
            4.3333, (50.8333, 4)),
    Country("GBR", "UK", "United Kingdom", "London", "UKH9", "London, City of", 51.5, -0.1167,
            (54, -2)),
    Country("SYR", "SY", "Syria", "Damascus", "SY13", "Dimashq", 33.5, 36.3, (35, 38)),
    Country("NGA", "NI", "Nigeria", "Abuja", "NI11", "Federal Capital Territory", 9.0833,
            7.5333, (10, 8)),
    Country("SEN", "SG", "Senegal", "Dakar", "SG01", "Dakar", 14.6708, -17.4381, (14, -14)),
    Country("MRT", "MR", "Mauritania", "Nouakchott", "MR13", "Nouakchott", 18.0864, -15.9753,
            (20, -12)),
)}

#: Border places where the campaign's incidents are reported: (name, FIPS ADM1, province).
BORDER_PLACES: dict[str, tuple[str, str, str, float, float]] = {
    "BLR": ("Hrodna", "BO03", "Hrodzyenskaya Voblasts'", 53.6884, 23.8258),
    "LTU": ("Druskininkai", "LH56", "Alytaus Apskritis", 54.0167, 23.9667),
    "POL": ("Bialystok", "PL81", "Podlaskie", 53.1333, 23.15),
    "LVA": ("Daugavpils", "LG00", "Daugavpils", 55.8833, 26.5333),
}

#: CAMEO codes: (code, base code, root code, QuadClass, Goldstein scale).
_CAMEO = {
    "010": ("010", "01", 1, 0.0), "020": ("020", "02", 1, 3.0), "036": ("036", "03", 1, 4.0),
    "040": ("040", "04", 1, 1.0), "042": ("042", "04", 1, 1.9), "043": ("043", "04", 1, 2.8),
    "046": ("046", "04", 1, 7.0), "051": ("051", "05", 1, 3.4), "057": ("057", "05", 1, 8.0),
    "061": ("061", "06", 2, 6.4), "071": ("071", "07", 2, 7.4), "090": ("090", "09", 2, -2.0),
    "100": ("100", "10", 3, -5.0), "111": ("111", "11", 3, -2.0), "112": ("112", "11", 3, -2.0),
    "120": ("120", "12", 3, -4.0), "130": ("130", "13", 3, -4.4), "131": ("131", "13", 3, -5.8),
    "1312": ("131", "13", 3, -5.8), "138": ("138", "13", 3, -7.0),
    "1381": ("138", "13", 3, -7.0), "139": ("139", "13", 3, -7.0),
    "141": ("141", "14", 3, -6.5), "160": ("160", "16", 4, -4.0), "161": ("161", "16", 4, -4.0),
    "163": ("163", "16", 4, -8.0), "166": ("166", "16", 4, -7.0), "170": ("170", "17", 4, -7.0),
    "172": ("172", "17", 4, -5.0), "173": ("173", "17", 4, -5.0), "174": ("174", "17", 4, -5.0),
    "190": ("190", "19", 4, -10.0), "193": ("193", "19", 4, -10.0),
}
_BACKGROUND_CODES = (("010", .2), ("020", .05), ("036", .06), ("040", .1), ("042", .05),
                     ("043", .05), ("046", .04), ("051", .06), ("057", .02), ("061", .03),
                     ("071", .02), ("090", .02), ("100", .03), ("111", .06), ("112", .05),
                     ("120", .03), ("141", .03), ("173", .04), ("190", .03), ("193", .03))
#: The campaign's coercive repertoire: threaten (13x), reduce relations (16x), coerce (17x).
COERCIVE_CODES = (("130", .12), ("131", .10), ("1312", .08), ("138", .10), ("1381", .03),
                  ("139", .04), ("160", .08), ("161", .07), ("163", .05), ("166", .05),
                  ("170", .06), ("172", .05), ("174", .17))
_BACKGROUND_DAILY = 30.0
_WINDOW_DAYS = 42  # each side of the onset


def _pick(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    p = np.array([w for _, w in weighted])
    return weighted[int(rng.choice(len(weighted), p=p / p.sum()))][0]


def _feature_id(name: str) -> str:
    return str(-(zlib.crc32(name.encode()) % 9_000_000 + 1_000_000))


def _geo(kind: str, country: Country, place: tuple[str, str, str, float, float] | None = None
         ) -> list[str]:
    """Geo fields (type, full name, country, ADM1, ADM2, lat, long, feature id)."""
    if kind == "none":
        return ["0", "", "", "", "", "", "", ""]
    if kind == "country":
        lat, lon = country.centroid
        return ["1", country.name, country.fips, country.fips, "", f"{lat:g}", f"{lon:g}",
                country.fips]
    name, adm1, province, lat, lon = place or (country.capital, country.adm1, country.province,
                                               country.lat, country.lon)
    full = f"{name}, {province}, {country.name}"
    return ["4", full, country.fips, adm1, "", f"{lat:.4f}", f"{lon:.4f}", _feature_id(full)]


def _actor(country: Country, role: str) -> list[str]:
    """Actor fields (code, name, country, known group, ethnic, religion x2, type x3)."""
    code = country.iso3 + role
    name = {"GOV": country.capital.upper(), "MIL": f"{country.name.upper()} ARMY",
            "COP": "BORDER GUARD"}.get(role, country.name.upper())
    return [code, name, country.iso3, "", "", "", "", role, "", ""]


_NO_ACTOR = ["", "", "", "", "", "", "", "", "", ""]


def _row(rng: np.random.Generator, day: date, code: str, a1: Country, role1: str,
         a2: Country | None, role2: str, action: list[str], site: str) -> list[str]:
    base, root, quad, goldstein = _CAMEO[code]
    mentions = int(rng.integers(1, 12))
    articles = max(1, mentions - int(rng.integers(0, 3)))
    tone = rng.normal(-1.0 if quad <= 2 else -5.5, 2.0)
    added = f"{day:%Y%m%d}{int(rng.integers(0, 24)):02d}{15 * int(rng.integers(0, 4)):02d}00"
    story = int(rng.integers(100_000, 1_000_000))
    url = (f"https://{site}.example.{rng.choice(['com', 'org', 'net'])}/"
           f"{day:%Y/%m/%d}/{a1.name.lower().replace(' ', '-')}-{story}")
    return [
        "", f"{day:%Y%m%d}", f"{day:%Y%m}", f"{day.year}",
        f"{day.year + (day.month * 30 + day.day) / 365:.4f}",
        *_actor(a1, role1), *(_actor(a2, role2) if a2 else _NO_ACTOR),
        "1" if rng.random() < 0.6 else "0", code, base, root, str(quad), f"{goldstein:.1f}",
        str(mentions), str(min(articles, int(rng.integers(1, 4)))), str(articles),
        f"{tone:.6f}", *_geo("country", a1), *(_geo("country", a2) if a2 else _geo("none", a1)),
        *action, added, url,
    ]


def _campaign_rate(offset_days: int) -> float:
    """Expected coercive events a day, by days from the onset: builds up over three weeks,
    peaks a week after the first crossings, fades over the following month."""
    if offset_days < -21 or offset_days > 35:
        return 0.0
    if offset_days <= 7:
        return 14.0 * (offset_days + 21) / 28.0
    return 14.0 * max(0.12, 1 - (offset_days - 7) / 32.0)


def write_gdelt(path: Path, plan: Plan, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Write the export file; return the news phenomena of the ground truth."""
    onset = plan.campaign.onset
    transit, target = COUNTRIES[plan.transit_state], COUNTRIES[plan.target_state]
    pool = sorted(COUNTRIES)
    rows: list[list[str]] = []
    planted: list[int] = []  # row indexes of the campaign's events
    daily: dict[str, int] = {}
    for k in range(-_WINDOW_DAYS, _WINDOW_DAYS):
        day = onset + timedelta(days=k)
        for _ in range(int(rng.poisson(_BACKGROUND_DAILY))):
            a1 = COUNTRIES[pool[int(rng.integers(len(pool)))]]
            a2 = COUNTRIES[pool[int(rng.integers(len(pool)))]] if rng.random() < 0.8 else None
            if a2 is a1:
                a2 = None
            code = _pick(rng, _BACKGROUND_CODES)
            where = _geo("capital" if rng.random() < 0.6 else "country", a1)
            rows.append(_row(rng, day, code, a1, str(rng.choice(["", "GOV"])), a2,
                             str(rng.choice(["", "GOV"])), where, "wire"))
        # the odd sharp word across that border in ordinary times
        n_campaign = int(rng.poisson(0.15 + _campaign_rate(k)))
        for _ in range(n_campaign):
            code = _pick(rng, COERCIVE_CODES)
            place = BORDER_PLACES[transit.iso3] if rng.random() < 0.35 else None
            where = _geo("capital", transit, place) if rng.random() < 0.8 else _geo(
                "country", transit)
            planted.append(len(rows))
            rows.append(_row(rng, day, code, transit, str(rng.choice(["GOV", "GOV", "MIL", ""])),
                             target, str(rng.choice(["", "GOV", "COP"])), where, "daily"))
        daily[day.isoformat()] = n_campaign
        if k >= 0:  # the neighbour answers: closes crossings, summons envoys
            for _ in range(int(rng.poisson(0.25 * _campaign_rate(k)))):
                code = str(rng.choice(["163", "172", "111", "112", "161"]))
                where = _geo("capital", target, BORDER_PLACES[target.iso3]
                             if rng.random() < 0.4 else None)
                rows.append(_row(rng, day, code, target, "GOV", transit, "GOV", where,
                                 "herald"))
    # GDELT files are ordered by event id, which follows the time the event was added
    order = sorted(range(len(rows)), key=lambda i: (rows[i][59], i))
    first_id = int(rng.integers(1_150_000_000, 1_190_000_000))
    ids: dict[int, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        for n, i in enumerate(order):
            ids[i] = first_id + n
            rows[i][0] = str(ids[i])
            f.write("\t".join(rows[i]) + "\n")
    return [_describe(plan, sorted(ids[i] for i in planted), daily, len(rows))]


def _describe(plan: Plan, event_ids: list[int], daily: dict[str, int], rows: int
              ) -> dict[str, Any]:
    onset = plan.campaign.onset
    peak_day = max(daily, key=lambda d: (daily[d], d))
    return {
        "id": "news-coercion-campaign", "domain": "news", "label": "coercive_campaign",
        "file": "data/gdelt/scenario.export.CSV",
        "actor1_country": plan.transit_state, "actor2_country": plan.target_state,
        "start": (onset - timedelta(days=21)).isoformat(),
        "peak_day": peak_day,
        "end": (onset + timedelta(days=35)).isoformat(),
        "cameo_codes": [c for c, _ in COERCIVE_CODES], "quad_classes": [3, 4],
        "event_ids": event_ids, "events": len(event_ids),
        "baseline_per_day": 0.15, "peak_per_day_expected": 14.0,
        "daily_counts": {d: n for d, n in daily.items() if n},
        "file_rows": rows,
        "window": {"start": (onset - timedelta(days=_WINDOW_DAYS)).isoformat(),
                   "end": (onset + timedelta(days=_WINDOW_DAYS - 1)).isoformat()},
        "related": plan.campaign.key,
        "expected_detection": {
            "alert": "spike in threats/coercion by " + plan.transit_state + " against "
                     + plan.target_state,
            "by_day": (onset - timedelta(days=7)).isoformat(),
            "because": "CAMEO 13x/16x/17x events of this dyad rise from ~0.15 a day to ~14 "
                       "a day, starting three weeks before the crossings surge",
        },
    }
