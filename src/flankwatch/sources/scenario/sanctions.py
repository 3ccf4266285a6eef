"""A sanctions list in the UN Security Council consolidated-list XML schema.

Same elements, element order and layout as ``sanctions/un_sc_consolidated_2020-11-30.xml``
(``CONSOLIDATED_LIST`` with ``INDIVIDUALS`` and ``ENTITIES``, one record a line, empty
elements written ``<X/>``, no line end after the closing tag). About twenty invented records on
the Libya and Mali lists, each saying in ``COMMENTS1`` that it is fictitious: commanders and
financiers of the scenario's invented armed groups, a fuel-smuggling network, the shipping
company behind it and, named as an entity, the tanker the AIS scenario sails (same name as its
type 5 messages), so that screening can match a list entry to a ship on the water.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

from lxml import etree

from flankwatch.sources.scenario.truth import Plan

_ROOT_ATTRS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               'xsi:noNamespaceSchemaLocation="https://www.un.org/sc/resources/sc-sanctions.xsd"')
FICTITIOUS = "FICTITIOUS RECORD for the FlankWatch exercise scenario; not a United Nations " \
             "listing."


@dataclass(slots=True)
class Person:
    names: tuple[str, ...]  # FIRST_NAME, SECOND_NAME, THIRD_NAME (as many as given)
    list_type: str
    ref: str
    listed_on: str
    story: str
    nationality: str
    designation: str = ""
    aliases: tuple[tuple[str, str], ...] = ()  # (quality, name)
    birth: tuple[str, ...] = ()  # ("EXACT", "1971-03-11") / ("APPROXIMATELY", "1968") /
    # ("BETWEEN", "1975", "1978")
    birth_place: tuple[str, str] = ("", "")  # city, country
    passport: str = ""
    address: tuple[str, str] = ("", "")  # city, country
    updated: tuple[str, ...] = ()


@dataclass(slots=True)
class Organisation:
    name: str
    list_type: str
    ref: str
    listed_on: str
    story: str
    aliases: tuple[tuple[str, str], ...] = ()
    addresses: list[tuple[str, str, str]] = field(default_factory=list)  # street, city, country


def _people() -> list[Person]:
    return [
        Person(("MUNIR", "ABDELSALAM", "ZAWBAA"), "Libya", "LYi.901", "2022-03-14",
               "Commander of the Sirte Coastal Brigade (LYe.903).", "Libya",
               "Commander, Sirte Coastal Brigade", (("Good", "Munir Zawbaa"),),
               ("EXACT", "1974-06-02"), ("Sirte", "Libya"), "EX4419072", ("Sirte", "Libya")),
        Person(("FARAJ", "MILAD", "AL-SAFSAF"), "Libya", "LYi.902", "2022-03-14",
               "Finances the smuggling of refined fuel out of Libya through Al-Safsaf Fuel "
               "Distribution Company (LYe.905).", "Libya", "", (("Good", "Abu Safsaf"),
                                                                ("Low", "Faraj Safsaf")),
               ("APPROXIMATELY", "1969"), ("Zuwara", "Libya"), "EX5520318",
               ("Zuwara", "Libya"), ("2023-09-01",)),
        Person(("NASSER", "IDRIS", "QARQUM"), "Libya", "LYi.903", "2023-01-20",
               "Operates tankers for the Al-Safsaf network, arranges ship-to-ship transfers "
               "off Libya.", "Libya", "Director, Blue Anvil Shipping Co. (LYe.902)", (),
               ("BETWEEN", "1975", "1978"), ("Misrata", "Libya"), "EX6630541"),
        Person(("KAMEL", "BOUZAYANE"), "Libya", "LYi.904", "2023-01-20",
               "Brokers the sale of fuel smuggled by the Al-Safsaf network.", "Tunisia", "",
               (("Good", "Kamel Bou Zayane"),), ("EXACT", "1980-11-23"), ("Sfax", "Tunisia"),
               "EX7741263", ("Sfax", "Tunisia")),
        Person(("ORSOLA", "VELLAMI"), "Libya", "LYi.905", "2023-06-05",
               "Registered manager of Blue Anvil Shipping Co. (LYe.902).", "Malta", "",
               (), ("EXACT", "1983-02-17"), ("Valletta", "Malta"), "EX8852094",
               ("Valletta", "Malta")),
        Person(("RAMADAN", "ASHOUR", "TAWFILA"), "Libya", "LYi.906", "2024-02-12",
               "Deputy commander of the Fezzan Sand Brigade (LYe.904).", "Libya",
               "Deputy commander, Fezzan Sand Brigade", (), ("APPROXIMATELY", "1981"),
               ("Sabha", "Libya"), "", ("Murzuq", "Libya")),
        Person(("SAMIRA", "EL-FEZZANI"), "Libya", "LYi.907", "2024-02-12",
               "Runs a money-transfer business used by the Fezzan Sand Brigade.", "Libya", "",
               (("Good", "Samira Fezzani"),), ("EXACT", "1977-08-30"), ("Sabha", "Libya"),
               "EX9963120"),
        Person(("ABDOULAYE", "SANGHO", "DIALLOKO"), "Mali", "MLi.901", "2024-09-30",
               "Leader of the Harmattan Front (MLe.901).", "Mali", "Leader, Harmattan Front",
               (("Good", "Abou Sangho"), ("Low", "Abdoulaye Dialloko")),
               ("BETWEEN", "1979", "1982"), ("Djenné", "Mali"), "", ("Mopti", "Mali")),
        Person(("HAMMA", "AG INTAKANA"), "Mali", "MLi.902", "2024-09-30",
               "Commands the Harmattan Front's units in the Mopti region.", "Mali",
               "Commander, Harmattan Front", (), ("APPROXIMATELY", "1986"),
               ("Douentza", "Mali"), "", ("Douentza", "Mali")),
        Person(("OUSMANE", "KAREMBAYE"), "Mali", "MLi.903", "2025-02-28",
               "Finances the Harmattan Front through cattle and fuel trading.", "Mali", "",
               (("Good", "Ousmane Karembai"),), ("EXACT", "1972-01-09"), ("Mopti", "Mali"),
               "EX1074455"),
        Person(("YAHIA", "OULD MERZOUGA"), "Mali", "MLi.904", "2025-02-28",
               "Supplies weapons to the Harmattan Front.", "Mauritania", "", (),
               ("APPROXIMATELY", "1970"), ("Néma", "Mauritania"), "EX2185306"),
        Person(("IBRAHIM", "TAHIROU", "MAIGAMBO"), "Mali", "MLi.905", "2025-06-16",
               "Recruits for the Harmattan Front in the Tillabéri region of Niger.", "Niger",
               "", (("Low", "Ibrahim Tahirou"),), ("BETWEEN", "1988", "1990"),
               ("Ouallam", "Niger"), "", ("Téra", "Niger")),
        Person(("HEDI", "BEN MAHFOUDH", "SOUISSI"), "Libya", "LYi.908", "2025-06-16",
               "Arranges bunkering for tankers of the Al-Safsaf network.", "Tunisia", "", (),
               ("EXACT", "1966-05-04"), ("Zarzis", "Tunisia"), "EX3296187"),
    ]


def _organisations(tanker: dict[str, Any]) -> list[Organisation]:
    name = str(tanker["name"])
    return [
        Organisation(name, "Libya", "LYe.901", "2023-06-05",
                     f"Tanker, IMO {tanker['imo']}, MMSI {tanker['mmsi']}, flag Cameroon (as "
                     "of listing). Used for illicit exports of petroleum from Libya through "
                     "ship-to-ship transfers.",
                     (("f.k.a.", f"GALE {name.split()[-1]}"),)),
        Organisation("BLUE ANVIL SHIPPING CO.", "Libya", "LYe.902", "2023-06-05",
                     f"Registered owner and manager of the tanker {name} (LYe.901).",
                     (("a.k.a.", "Blue Anvil Shipping Company Limited"),),
                     [("14 Triq il-Moll", "Marsa", "Malta")]),
        Organisation("SIRTE COASTAL BRIGADE", "Libya", "LYe.903", "2022-03-14",
                     "Armed group fighting the Government of Libya around Sirte.",
                     (("a.k.a.", "Katibat al-Sahil"),), [("", "Sirte", "Libya")]),
        Organisation("FEZZAN SAND BRIGADE", "Libya", "LYe.904", "2024-02-12",
                     "Armed group active in Sabha and Murzuq.", (), [("", "Sabha", "Libya")]),
        Organisation("AL-SAFSAF FUEL DISTRIBUTION COMPANY", "Libya", "LYe.905", "2022-03-14",
                     "Front company of the fuel-smuggling network led by Faraj Milad Al-Safsaf "
                     "(LYi.902).", (("a.k.a.", "Safsaf Petroleum Services"),),
                     [("Coastal Road, km 3", "Zuwara", "Libya")]),
        Organisation("HARMATTAN FRONT", "Mali", "MLe.901", "2024-09-30",
                     "Armed group active in central Mali, western Niger and northern Burkina "
                     "Faso.", (("a.k.a.", "Front de l'Harmattan"),), [("", "Mopti", "Mali")]),
        Organisation("SAHEL CROSSROADS TRANSPORT SARL", "Mali", "MLe.902", "2025-02-28",
                     "Transport company moving fuel and weapons for the Harmattan Front.", (),
                     [("Route de Sévaré", "Mopti", "Mali")]),
    ]


def _el(parent: etree._Element, tag: str, text: str = "") -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text:
        child.text = text
    return child


def _values(parent: etree._Element, tag: str, values: tuple[str, ...]) -> None:
    holder = _el(parent, tag)
    for v in values or ("",):
        _el(holder, "VALUE", v)


def _person(p: Person, dataid: int) -> etree._Element:
    e = etree.Element("INDIVIDUAL")
    _el(e, "DATAID", str(dataid))
    _el(e, "VERSIONNUM", "1")
    for tag, name in zip(("FIRST_NAME", "SECOND_NAME", "THIRD_NAME"), p.names, strict=False):
        _el(e, tag, name)
    if len(p.names) < 3:
        _el(e, "THIRD_NAME")
    _el(e, "UN_LIST_TYPE", p.list_type)
    _el(e, "REFERENCE_NUMBER", p.ref)
    _el(e, "LISTED_ON", p.listed_on)
    _el(e, "COMMENTS1", f"{FICTITIOUS} {p.story}")
    if p.designation:
        _values(e, "DESIGNATION", (p.designation,))
    _values(e, "NATIONALITY", (p.nationality,))
    _values(e, "LIST_TYPE", ("UN List",))
    _values(e, "LAST_DAY_UPDATED", p.updated)
    for quality, alias in p.aliases or (("", ""),):
        a = _el(e, "INDIVIDUAL_ALIAS")
        _el(a, "QUALITY", quality)
        _el(a, "ALIAS_NAME", alias)
    addr = _el(e, "INDIVIDUAL_ADDRESS")
    if p.address[0]:
        _el(addr, "CITY", p.address[0])
    _el(addr, "COUNTRY", p.address[1])
    dob = _el(e, "INDIVIDUAL_DATE_OF_BIRTH")
    _el(dob, "TYPE_OF_DATE", p.birth[0])
    if p.birth[0] == "EXACT":
        _el(dob, "DATE", p.birth[1])
    elif p.birth[0] == "BETWEEN":
        _el(dob, "FROM_YEAR", p.birth[1])
        _el(dob, "TO_YEAR", p.birth[2])
    else:
        _el(dob, "YEAR", p.birth[1])
    pob = _el(e, "INDIVIDUAL_PLACE_OF_BIRTH")
    if p.birth_place[0]:
        _el(pob, "CITY", p.birth_place[0])
        _el(pob, "COUNTRY", p.birth_place[1])
    doc = _el(e, "INDIVIDUAL_DOCUMENT")
    if p.passport:
        _el(doc, "TYPE_OF_DOCUMENT", "Passport")
        _el(doc, "NUMBER", p.passport)
    _el(e, "SORT_KEY")
    _el(e, "SORT_KEY_LAST_MOD")
    return e


def _organisation(o: Organisation, dataid: int) -> etree._Element:
    e = etree.Element("ENTITY")
    _el(e, "DATAID", str(dataid))
    _el(e, "VERSIONNUM", "1")
    _el(e, "FIRST_NAME", o.name)
    _el(e, "UN_LIST_TYPE", o.list_type)
    _el(e, "REFERENCE_NUMBER", o.ref)
    _el(e, "LISTED_ON", o.listed_on)
    _el(e, "COMMENTS1", f"{FICTITIOUS} {o.story}")
    _values(e, "LIST_TYPE", ("UN List",))
    _values(e, "LAST_DAY_UPDATED", ())
    for quality, alias in o.aliases or (("", ""),):
        a = _el(e, "ENTITY_ALIAS")
        _el(a, "QUALITY", quality)
        _el(a, "ALIAS_NAME", alias)
    for street, city, country in o.addresses or [("", "", "")]:
        addr = _el(e, "ENTITY_ADDRESS")
        if street:
            _el(addr, "STREET", street)
        if city:
            _el(addr, "CITY", city)
        if country:
            _el(addr, "COUNTRY", country)
    _el(e, "SORT_KEY")
    _el(e, "SORT_KEY_LAST_MOD")
    return e


def write_un_list(path: Path, plan: Plan, tanker: dict[str, Any]) -> list[dict[str, Any]]:
    """Write the XML list; ``tanker`` is the AIS ground truth's sanctioned tanker."""
    people = _people()
    orgs = _organisations(tanker)
    stamp = plan.published.astimezone(timezone(timedelta(hours=-5)))
    generated = stamp.isoformat(timespec="milliseconds")
    lines = [f'<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST {_ROOT_ATTRS} '
             f'dateGenerated="{generated}">', "    <INDIVIDUALS>"]
    lines += ["        " + etree.tostring(_person(p, 9_900_001 + n), encoding="unicode")
              for n, p in enumerate(people)]
    lines += ["    </INDIVIDUALS>", "    <ENTITIES>"]
    lines += ["        " + etree.tostring(_organisation(o, 9_900_501 + n), encoding="unicode")
              for n, o in enumerate(orgs)]
    lines += ["    </ENTITIES>", "</CONSOLIDATED_LIST>"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return [
        {
            "id": "sanctions-listed-tanker", "domain": "sanctions", "label": "vessel_match",
            "file": "data/sanctions/scenario_un_consolidated.xml", "entity_name": tanker["name"],
            "reference": "LYe.901", "dataid": 9_900_501, "mmsi": tanker["mmsi"],
            "imo": tanker["imo"], "ais_file": "data/ais/scenario_central_med.nm4",
            "related": "ais-rendezvous-1",
            "expected_detection": {
                "alert": "sanctioned vessel on AIS", "because": "the tanker's AIS name (type 5) "
                "equals a listed entity's name; its IMO is in the entry's comments; it takes "
                "part in a ship-to-ship rendezvous",
            },
        },
        {
            "id": "sanctions-listed-groups", "domain": "sanctions", "label": "actor_match",
            "file": "data/sanctions/scenario_un_consolidated.xml",
            "entities": ["HARMATTAN FRONT", "SIRTE COASTAL BRIGADE", "FEZZAN SAND BRIGADE"],
            "conflict_file": "data/conflict/scenario_ged.csv",
            "individuals": len(people), "organisations": len(orgs),
            "expected_detection": {
                "alert": "listed armed group in conflict events",
                "because": "these listed entities are the side names of events in the "
                           "conflict file",
            },
        },
    ]
