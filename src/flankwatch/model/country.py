"""Countries: ISO 3166-1 alpha-3 codes, names, and the pseudo-codes sources use.

Pseudo-codes are kept as the sources write them and documented here:

* ``OOO`` Frontex: unknown nationality
* ``OOS`` Frontex: unidentified sub-Saharan African
* ``XKX`` Kosovo (user-assigned code used by the EU, Frontex and the World Bank)
* ``STL`` Frontex: stateless
* ``UNK`` IOM: unknown; ``STA`` stateless
* ``EU27`` / ``EUR`` Eurostat aggregates
* ``ESP-WAAR`` / ``ESP-WMR``: IOM DTM's split of Spain (Canary Islands / the rest)
* ``AB9`` Abyei Area (UN M49-style code in IOM data)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

PSEUDO_CODES: dict[str, str] = {
    "OOO": "Unknown",
    "OOS": "Unidentified Sub-Saharan Africa",
    "XKX": "Kosovo",
    "UNK": "Unknown",
    "STA": "Stateless",
    "STL": "Stateless (Frontex's code; FlankWatch maps the name 'Stateless' to it)",
    "ALL": "All nationalities",
    "EU27": "European Union (27)",
    "EU28": "European Union (28)",
    "EUR": "European Union",
    "ESP-WAAR": "Spain: Western African Atlantic Route (Canary Islands)",
    "ESP-WMR": "Spain: Western Mediterranean Route",
    "AB9": "Abyei Area",
    "TOT": "Total",
    "CYN": "Northern Cyprus (Natural Earth)",
    "SOL": "Somaliland (Natural Earth)",
    "KAS": "Siachen Glacier (Natural Earth)",
    "ATC": "Ashmore and Cartier Islands (Natural Earth)",
    "IOA": "Indian Ocean Territories (Natural Earth)",
    "ANT": "Netherlands Antilles (withdrawn ISO code, still in historical series)",
    "CHI": "Channel Islands (World Bank)",
    "XCX": "Channel Islands (IOM)",
    "TIB": "Tibet (IOM, UNHCR)",
    "OTH": "All other nationalities (a publisher's remainder)",
    "EXT_EU27": "Extra-EU27 citizens (Eurostat)",
    "EXT_EU28": "Extra-EU28 citizens (Eurostat)",
    "RNC": "Recognised non-citizens (Eurostat)",
}

# Names publishers use that pycountry does not resolve, or resolves wrongly.
_ALIASES: dict[str, str] = {
    "kosovo": "XKX",
    "saint helena": "SHN",
    "sao tome and principe": "STP",
    "kosovo (scr 2144)": "XKX",
    "kosovo*": "XKX",
    "hong kong special administrative region, china": "HKG",
    "macao special administrative region, china": "MAC",
    "taiwan province of china, china": "TWN",
    "taiwan province of china": "TWN",
    "kosovo under unsc resolution 1244/99": "XKX",
    "kosovo (under united nations security council resolution 1244/99)": "XKX",
    "unknown": "OOO",
    "not specified": "OOO",
    "stateless": "STL",
    "republic of korea": "KOR",
    "korea, republic of": "KOR",
    "democratic people's republic of korea": "PRK",
    "unidentified sub-saharan africa": "OOS",
    "sub-saharan africa": "OOS",
    "european union": "EUR",
    "european union (current composition)": "EUR",
    "european union - 27 countries (from 2020)": "EU27",
    "european union - 28 countries (2013-2020)": "EU28",
    "total": "TOT",
    "germany (until 1990 former territory of the frg)": "DEU",
    "russia": "RUS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "iran": "IRN",
    "syria": "SYR",
    "palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "congo, democratic republic of": "COD",
    "congo, the democratic republic of the": "COD",
    "congo": "COG",
    "republic of the congo": "COG",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "laos": "LAO",
    "vietnam": "VNM",
    "moldova": "MDA",
    "north korea": "PRK",
    "south korea": "KOR",
    "czechia": "CZE",
    "czech republic": "CZE",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "former yugoslav republic of macedonia, the": "MKD",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "cape verde": "CPV",
    "burma": "MMR",
    "myanmar/burma": "MMR",
    "gambia, the": "GMB",
    "the gambia": "GMB",
    "bahamas, the": "BHS",
    "micronesia": "FSM",
    "vatican": "VAT",
    "holy see": "VAT",
    "western sahara": "ESH",
    "south sudan": "SSD",
    "sudan": "SDN",
    "libya": "LBY",
    "libyan arab jamahiriya": "LBY",
}

_ISO3 = re.compile(r"^[A-Z]{3}$")


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace("’", "'").split())


@lru_cache(maxsize=4096)
def to_iso3(value: str) -> str | None:
    """Resolve a code or a name to ISO-3 (or a documented pseudo-code); ``None`` if unknown.

    Accepts ISO alpha-3, alpha-2, numeric codes and the names publishers use.
    """
    text = value.strip()
    if not text:
        return None
    upper = text.upper()
    if upper in PSEUDO_CODES:
        return upper
    if _ISO3.match(upper):
        return upper if pycountry.countries.get(alpha_3=upper) is not None else None
    folded = _fold(text)
    if folded in _ALIASES:
        return _ALIASES[folded]
    for attr in ("name", "official_name", "common_name", "alpha_2"):
        found = pycountry.countries.get(**{attr: text})  # type: ignore[arg-type]
        if found is not None:
            return str(found.alpha_3)
    if text.isdigit():
        found = pycountry.countries.get(numeric=text.zfill(3))
        return str(found.alpha_3) if found is not None else None
    # No fuzzy matching: a wrong country is worse than an unknown one (which is quarantined
    # with its name, so the alias table can learn it).
    return None


def is_known(code: str) -> bool:
    """Whether ``code`` is an ISO-3 code or a documented pseudo-code."""
    return code in PSEUDO_CODES or pycountry.countries.get(alpha_3=code) is not None


def name_of(code: str) -> str:
    """A readable name for an ISO-3 or pseudo-code."""
    if code in PSEUDO_CODES:
        return PSEUDO_CODES[code]
    c = pycountry.countries.get(alpha_3=code)
    return str(getattr(c, "common_name", None) or c.name) if c is not None else code
