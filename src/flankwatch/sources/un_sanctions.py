"""UN Security Council Consolidated List (XML).

The Security Council's sanctions committees publish one consolidated list of the individuals
and entities under UN sanctions: ``<CONSOLIDATED_LIST dateGenerated=...>`` with
``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY`` records. Each record becomes one row of
``entities`` (schema ``Person`` or ``Organization``), with the whole record kept as JSON in
``properties`` so that nothing the list says is lost, even where the columns simplify it.

The file is read with a streaming parser (lxml ``iterparse``), so a list of any size runs in
constant memory, and a file cut short keeps every record before the break: the break itself
becomes one quarantine entry with its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.identity import record_id
from flankwatch.sources.base import Adapter, Batch, ParseContext, SourceMeta, open_binary

SOURCE = "un_sc"
_ROOT = "CONSOLIDATED_LIST"
_SCHEMA = {"INDIVIDUAL": "Person", "ENTITY": "Organization"}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
#: Rows per batch: the list has about a thousand records, but a batch bound keeps memory flat
#: whatever file is given.
_BATCH = 50_000

#: The sanctions regime behind each ``UN_LIST_TYPE`` (the committee and its founding
#: resolution), so that ``programme`` reads without knowing the UN's short labels.
PROGRAMMES: dict[str, str] = {
    "Al-Qaida": "ISIL (Da'esh) and Al-Qaida sanctions (UNSC 1267/1989/2253)",
    "Taliban": "Taliban sanctions (UNSC 1988)",
    "Iraq": "Iraq sanctions (UNSC 1518)",
    "DPRK": "DPRK sanctions (UNSC 1718)",
    "DRC": "Democratic Republic of the Congo sanctions (UNSC 1533)",
    "Libya": "Libya sanctions (UNSC 1970)",
    "Iran": "Iran list (UNSC 1737, kept under UNSC 2231)",
    "Somalia": "Somalia sanctions (UNSC 751)",
    "CAR": "Central African Republic sanctions (UNSC 2127)",
    "GB": "Guinea-Bissau sanctions (UNSC 2048)",
    "Mali": "Mali sanctions (UNSC 2374)",
    "SouthSudan": "South Sudan sanctions (UNSC 2206)",
    "Yemen": "Yemen sanctions (UNSC 2140)",
    "Sudan": "Sudan sanctions (UNSC 1591)",
}

#: Country names and demonyms the UN list writes that :func:`to_iso3` does not resolve. Only
#: plain names go here: qualified statements ("Kuwaiti citizenship withdrawn in 2002",
#: "Possibly Ethiopian", "Sudan/South Sudan") stay unresolved and are kept verbatim in
#: ``properties``, because turning them into a code would assert something the list does not.
NAMES: dict[str, str] = {
    "afghan": "AFG",
    "algerian": "DZA",
    "german": "DEU",
    "kuwaiti": "KWT",
    "moroccan": "MAR",
    "pakistani": "PAK",
    "palestinian": "PSE",
    "palestinian territories": "PSE",
    "state of palestine": "PSE",
    "saudi arabian": "SAU",
    "somali": "SOM",
    "tunisian": "TUN",
    "yemeni": "YEM",
    "iran (islamic republic of)": "IRN",
    "hong kong special administrative region": "HKG",
    "the netherlands": "NLD",
    "sultanate of oman": "OMN",
    "union of the comoros": "COM",
    "rpdc": "PRK",  # French abbreviation used on a few DPRK records
}

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")  # XSD dates may carry a zone: 2001-01-25-05:00


def _clean(text: str | None) -> str:
    """Collapse the stray spaces and line breaks the list has inside names."""
    return " ".join(text.split()) if text else ""


def _child(elem: etree._Element, tag: str) -> str:
    return _clean(elem.findtext(tag))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _country(name: str) -> str | None:
    folded = name.lower()
    return NAMES.get(folded) or to_iso3(name)


def _resolve(names: list[str]) -> tuple[list[str], list[str]]:
    """Country names to ISO-3 codes, and the names that did not resolve."""
    codes: list[str] = []
    unresolved: list[str] = []
    for n in names:
        code = _country(n)
        if code is None:
            unresolved.append(n)
        else:
            codes.append(code)
    return _unique(codes), _unique(unresolved)


def _as_json(elem: etree._Element) -> dict[str, Any]:
    """The record as a dict: leaf elements as text, ``<X><VALUE/>...</X>`` as a list of
    values, structured children (aliases, addresses, documents) as lists of dicts. Empty
    elements are left out: the list writes many placeholders such as ``<ALIAS_NAME/>``."""
    out: dict[str, Any] = {}
    for child in elem:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        tag = child.tag
        if len(child) == 0:
            text = (child.text or "").strip()
            if text:
                prev = out.get(tag)
                out[tag] = text if prev is None else [*(prev if isinstance(prev, list)
                                                        else [prev]), text]
        elif all(c.tag == "VALUE" for c in child):
            values = [(c.text or "").strip() for c in child]
            if any(values):
                out.setdefault(tag, []).extend(v for v in values if v)
        else:
            nested = _as_json(child)
            if nested:
                out.setdefault(tag, []).append(nested)
    return out


def _birth_date(dob: etree._Element) -> str:
    """An ISO date, possibly partial: ``1964-07-17``, ``1968`` or a year range
    ``1965/1969`` (ISO 8601 interval of years) for the list's BETWEEN dates."""
    exact = _DATE.match(_child(dob, "DATE"))
    if exact:
        return exact.group(1)
    year = _child(dob, "YEAR")
    if year:
        return year
    start, end = _child(dob, "FROM_YEAR"), _child(dob, "TO_YEAR")
    if start and end:
        return f"{start}/{end}"
    return start or end


def _document(doc: etree._Element) -> str:
    """``type: number (country)``; parts the list leaves out are left out."""
    kind = _child(doc, "TYPE_OF_DOCUMENT").rstrip(": ")
    kind2 = _child(doc, "TYPE_OF_DOCUMENT2").rstrip(": ")
    if kind2 and kind2 != kind:
        kind = f"{kind} / {kind2}" if kind else kind2
    number = _child(doc, "NUMBER")
    country = _child(doc, "ISSUING_COUNTRY") or _child(doc, "COUNTRY_OF_ISSUE")
    if not (kind or number):
        return ""
    text = f"{kind or 'Document'}: {number}" if number else kind
    if country:
        text += f" ({_country(country) or country})"
    return text


def _record(elem: etree._Element, kind: str) -> dict[str, Any] | str:
    """One row of ``entities``, or the reason the record cannot be used."""
    dataid = _child(elem, "DATAID")
    if not dataid:
        return f"{kind} record has no DATAID"
    person = kind == "INDIVIDUAL"
    parts = _NAME_PARTS if person else _NAME_PARTS[:1]
    name = " ".join(p for p in (_child(elem, t) for t in parts) if p)
    if not name:
        return f"{kind} {dataid} has no name"
    prefix = "INDIVIDUAL" if person else "ENTITY"
    aliases = [_child(a, "ALIAS_NAME") for a in elem.iterchildren(f"{prefix}_ALIAS")]
    aliases += [_child(elem, "NAME_ORIGINAL_SCRIPT")]
    nat_names = [_clean(v.text) for n in elem.iterchildren("NATIONALITY")
                 for v in n.iterchildren("VALUE")]
    addr_names = [_child(a, "COUNTRY") for a in elem.iterchildren(f"{prefix}_ADDRESS")]
    nationalities, bad_nat = _resolve([n for n in nat_names if n])
    countries, bad_countries = _resolve([n for n in addr_names if n])
    places = [", ".join(p for p in (_child(b, "CITY"), _child(b, "STATE_PROVINCE"),
                                    _child(b, "COUNTRY")) if p)
              for b in elem.iterchildren("INDIVIDUAL_PLACE_OF_BIRTH")]
    list_type = _child(elem, "UN_LIST_TYPE")
    raw_listed = _child(elem, "LISTED_ON")
    listed = _DATE.match(raw_listed)
    listed_on: date | None = None
    original: dict[str, Any] = {}
    if listed:
        try:
            listed_on = date.fromisoformat(listed.group(1))
        except ValueError:
            listed_on = None
    if listed_on is None and raw_listed:
        original["listed_on"] = raw_listed
    if nat_names:
        original["nationalities"] = [n for n in nat_names if n]
    if addr_names and any(addr_names):
        original["countries"] = [n for n in addr_names if n]
    props = {"record_type": kind, **_as_json(elem)}
    if bad_nat:
        props["unresolved_nationalities"] = bad_nat
    if bad_countries:
        props["unresolved_countries"] = bad_countries
    return {
        "id": record_id(SOURCE, dataid),
        "line": elem.sourceline or 0,
        "original": json.dumps(original, ensure_ascii=False) if original else None,
        "schema": _SCHEMA[kind],
        "name": name,
        "aliases": [a for a in _unique(aliases) if a != name],
        "birth_dates": _unique([_birth_date(d) for d in
                                elem.iterchildren("INDIVIDUAL_DATE_OF_BIRTH")]),
        "birth_places": _unique(places),
        "nationalities": nationalities,
        "countries": countries,
        "documents": _unique([_document(d) for d in elem.iterchildren("INDIVIDUAL_DOCUMENT")]),
        "list_name": list_type or None,
        "reference": _child(elem, "REFERENCE_NUMBER") or None,
        "listed_on": listed_on,
        "programme": PROGRAMMES.get(list_type, list_type) or None,
        "datasets": [],
        "status": "active",
        "source_record_id": dataid,
        "properties": json.dumps(props, ensure_ascii=False),
    }


def _frame(rows: list[dict[str, Any]], version: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["source_version"] = version or "1"
    frame["listed_on"] = frame["listed_on"].astype(object)
    return frame


def _line_text(path: Path, number: int) -> str:
    """The text of one line (for the quarantine entry of an XML break)."""
    with open_binary(path) as f:
        for i, raw in enumerate(f, start=1):
            if i == number:
                return raw.decode("utf-8", errors="replace").rstrip("\r\n")
    return ""


class UnScConsolidated(Adapter):
    meta = SourceMeta(
        name="un_sc_consolidated_xml",
        source=SOURCE,
        title="UN Security Council Consolidated (sanctions) List, XML",
        publisher="United Nations Security Council (sanctions committees)",
        licence="Official UN document, published for public use in sanctions screening",
        cadence="irregular (republished on every listing, amendment or delisting)",
        url="https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        formats=("xml: CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY",),
        tables=("entities",),
        count_assertions={"entities": (500, 5_000)},
        notes="source_version is the list's dateGenerated attribute",
    )

    def sniff(self, path: Path, head: str) -> int:
        text = head.lstrip()
        return 95 if text.startswith("<") and f"<{_ROOT}" in text else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        rows: list[dict[str, Any]] = []
        version = ""
        depth = 0
        with open_binary(ctx.path) as f:
            if not f.read(1):
                raise SourceAbort(ctx.file, "the file is empty")
            f.seek(0)
            # No entity expansion, no network: the file comes from outside and XML entities
            # are the classic way to make a parser read local files or explode in memory.
            events = etree.iterparse(f, events=("start", "end"), resolve_entities=False,
                                     no_network=True, load_dtd=False)
            try:
                for event, elem in events:
                    if event == "start":
                        if depth == 0:
                            if elem.tag != _ROOT:
                                raise SourceAbort(ctx.file, f"root element is {elem.tag!r}, "
                                                  f"not {_ROOT}", line=elem.sourceline)
                            version = str(elem.get("dateGenerated") or "")
                        depth += 1
                        continue
                    depth -= 1
                    # Records are taken wherever they stand (not only under INDIVIDUALS and
                    # ENTITIES), so a misplaced one is read or quarantined, never skipped.
                    if elem.tag not in _SCHEMA:
                        continue
                    row = _record(elem, str(elem.tag))
                    if isinstance(row, str):
                        raw = etree.tostring(elem, encoding="unicode")
                        ctx.reject(elem.sourceline or 0, raw, row)
                    else:
                        rows.append(row)
                    # Streaming: drop what has been read so memory stays flat.
                    elem.clear()
                    parent = elem.getparent()
                    while parent is not None and elem.getprevious() is not None:
                        del parent[0]
                    if len(rows) >= _BATCH:
                        yield Batch("entities", _frame(rows, version))
                        rows = []
            except etree.XMLSyntaxError as exc:
                line = int(exc.lineno or 0)
                ctx.reject(line, _line_text(ctx.path, line),
                           f"the XML breaks at line {line} ({exc.msg}); records after this "
                           "point could not be read")
        if rows:
            yield Batch("entities", _frame(rows, version))


ADAPTERS = [UnScConsolidated]
