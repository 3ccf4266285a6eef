"""OpenSanctions FollowTheMoney (FtM) entities, delta files and the delta version index.

OpenSanctions publishes its data as FollowTheMoney entities, one JSON object per line
(``entities.ftm.json``: ``id, caption, schema, properties{name, alias, birthDate, ...},
referents, datasets, first_seen, last_seen, target``), and, between full exports, delta files
(``entities.delta.json``: one ``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`` per line) listed
in a version index (``{"versions": {version: url}, "updated_at": ...}``).

Every entity becomes one row of ``entities`` whatever its schema (Person, Organization,
Vessel, Address, ...): the id is derived from the FtM id, so a later export or delta of the same
entity revises the stored row. A ``DEL`` does not remove anything: it stores the entity with
``status = "deleted"`` on the stored entity (its content stays), so the store keeps a trace
that it was delisted. Delta files must be
ingested in version order (the version index gives it); the index itself becomes ``codes``
rows, one per version, so what has been published is traceable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.identity import record_id
from flankwatch.sources.base import Adapter, Batch, ParseContext, SourceMeta, open_text

SOURCE = "opensanctions"
#: Rows per batch: a full OpenSanctions export has over a million entities.
_BATCH = 100_000
DELTA_OPS = ("ADD", "MOD", "DEL")
VERSION_SCHEME = "opensanctions_delta_version"

#: FtM country codes that are not ISO 3166-1 alpha-2 but have a FlankWatch code. Historical
#: and regional codes FtM also uses (``suhh`` USSR, ``csxx`` Czechoslovakia, ``ge-ab``
#: Abkhazia, ``zz`` global) have none: they stay in ``properties`` only.
FTM_CODES: dict[str, str] = {"xk": "XKX", "eu": "EUR"}

#: FtM identifier properties shown in ``documents`` as ``label: number``.
DOCUMENT_PROPS: dict[str, str] = {
    "passportNumber": "Passport",
    "idNumber": "ID",
    "taxNumber": "Tax number",
    "registrationNumber": "Registration number",
    "innCode": "INN",
    "ogrnCode": "OGRN",
}
COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry")

_VERSION = re.compile(r"(\d{14}-[a-z0-9]{3})")
_DELTA_HEAD = re.compile(r'^\{\s*"op"\s*:\s*"(ADD|MOD|DEL)"')
_ENTITY_KEYS = (re.compile(r'"id"\s*:\s*"'), re.compile(r'"schema"\s*:\s*"[A-Z]'),
                re.compile(r'"properties"\s*:\s*\{'))
_INDEX_HEAD = re.compile(r'^\{\s*"versions"\s*:\s*\{')

_META = dict(
    source=SOURCE,
    publisher="OpenSanctions (OpenSanctions Datenbanken GmbH)",
    licence="CC BY-NC 4.0 (commercial use needs a licence from OpenSanctions)",
    cadence="several times a day (a delta file per data release)",
)


def _values(props: dict[str, Any], key: str) -> list[str]:
    """An FtM property as a list of strings (FtM values are lists; a bare value is
    tolerated)."""
    raw = props.get(key)
    if raw is None:
        return []  # most properties are absent from most entities: keep that path short
    items = raw if isinstance(raw, list) else [raw]
    return [" ".join(str(v).split()) for v in items
            if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _codes(values: list[str]) -> list[str]:
    out = []
    for v in values:
        code = FTM_CODES.get(v.lower()) or to_iso3(v)
        if code is not None:
            out.append(code)
    return _unique(out)


def _digits(value: str, prefix: str, width: int) -> int | None:
    """IMO and MMSI numbers: FtM writes IMO numbers as ``IMO1234567``."""
    text = value.upper().removeprefix(prefix).strip()
    return int(text) if text.isdigit() and len(text) == width else None


def _listed_on(values: list[str]) -> date | None:
    """FtM ``createdAt`` (the listing date the source gives); only full dates are used."""
    for v in values:
        try:
            return date.fromisoformat(v[:10])
        except ValueError:
            continue
    return None


def _entity_row(entity: dict[str, Any], line: int, status: str) -> dict[str, Any] | str:
    """One ``entities`` row from an FtM entity, or the reason it cannot be used."""
    ftm_id = entity.get("id")
    if not isinstance(ftm_id, str) or not ftm_id.strip():
        return "entity has no id"
    props = entity.get("properties", {})
    if not isinstance(props, dict):
        return f"entity {ftm_id}: properties is not an object"
    schema = entity.get("schema")
    caption = entity.get("caption")
    # The caption first: FtM picks it as the entity's display name, whereas the order of
    # the name values is arbitrary (a Bulgarian transliteration can come first).
    names = [" ".join(caption.split())] if isinstance(caption, str) and caption.strip() else []
    names += _values(props, "name")
    if status == "deleted":
        # A DEL carries only the id: the row keeps the trace of the delisting.
        schema = schema if isinstance(schema, str) and schema else "Thing"
        names.append(ftm_id)
    if not isinstance(schema, str) or not schema.strip():
        return f"entity {ftm_id} has no schema"
    if not names:
        return f"entity {ftm_id} has neither a name nor a caption"
    name = names[0]
    original: dict[str, Any] = {}
    nat_raw = _values(props, "nationality")
    country_raw = [v for key in COUNTRY_PROPS for v in _values(props, key)]
    if nat_raw:
        original["nationality"] = nat_raw
    if country_raw:
        original["country"] = country_raw
    imo_raw, mmsi_raw = _values(props, "imoNumber"), _values(props, "mmsiNumber")
    imo = _digits(imo_raw[0], "IMO", 7) if imo_raw else None
    mmsi = _digits(mmsi_raw[0], "", 9) if mmsi_raw else None
    if imo_raw and imo is None:
        original["imoNumber"] = imo_raw
    if mmsi_raw and mmsi is None:
        original["mmsiNumber"] = mmsi_raw
    aliases = names[1:] + _values(props, "alias") + _values(props, "previousName")
    datasets = entity.get("datasets")
    programme = _values(props, "programId")
    return {
        "id": record_id(SOURCE, ftm_id),
        "line": line,
        "original": json.dumps(original, ensure_ascii=False) if original else None,
        "schema": schema,
        "name": name,
        "aliases": [a for a in _unique(aliases) if a != name],
        "birth_dates": _unique(_values(props, "birthDate")),
        "birth_places": _unique(_values(props, "birthPlace")),
        "nationalities": _codes(nat_raw),
        "countries": _codes(country_raw),
        "documents": _unique([f"{label}: {v}" for key, label in DOCUMENT_PROPS.items()
                              for v in _values(props, key)]),
        "listed_on": _listed_on(_values(props, "createdAt")),
        "programme": programme[0] if programme else None,
        "imo": imo,
        "mmsi": mmsi,
        "datasets": [str(d) for d in datasets] if isinstance(datasets, list) else [],
        "status": status,
        "source_record_id": ftm_id,
        "properties": json.dumps(entity, ensure_ascii=False),
    }


def _frame(rows: list[dict[str, Any]], version: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["source_version"] = version
    for col in ("listed_on", "imo", "mmsi"):
        frame[col] = frame[col].astype(object)
    return frame


def _version(path: Path, default: str) -> str:
    """The release a delta belongs to: OpenSanctions puts it in the folder or file name
    (``.../20240527194702-wnk/entities.delta.json``)."""
    found = _VERSION.findall(str(path))
    return found[-1] if found else default


def _json_lines(ctx: ParseContext) -> Iterator[tuple[int, str, Any]]:
    """Non-blank lines with their parsed JSON; invalid lines are quarantined here."""
    with open_text(ctx.path) as f:
        for number, line in enumerate(f, start=1):
            text = line.strip()
            if not text:
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                ctx.reject(number, text, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                ctx.reject(number, text, "a line must be a JSON object")
                continue
            yield number, text, obj


def _parse_lines(ctx: ParseContext, delta: bool) -> Iterator[Batch]:
    version = _version(ctx.path, ctx.meta.version)
    rows: list[dict[str, Any]] = []
    for number, text, obj in _json_lines(ctx):
        entity: Any = obj
        status = "active"
        if delta:
            op, entity = obj.get("op"), obj.get("entity")
            if op not in DELTA_OPS:
                ctx.reject(number, text, f"delta op is {op!r}, not one of ADD, MOD, DEL")
                continue
            if not isinstance(entity, dict):
                ctx.reject(number, text, "delta line has no entity object")
                continue
            status = "deleted" if op == "DEL" else "active"
        row = _entity_row(entity, number, status)
        if isinstance(row, str):
            ctx.reject(number, text, row)
            continue
        if status == "deleted":
            # A delisting names just the id: mark the stored entity, keep its content.
            yield Batch("entities", _frame([row], version), only=("status",),
                        keep_newer=True)
            continue
        rows.append(row)
        if len(rows) >= _BATCH:
            yield Batch("entities", _frame(rows, version), keep_newer=delta)
            rows = []
    if rows:
        yield Batch("entities", _frame(rows, version), keep_newer=delta)


def _first_line(head: str) -> str:
    return head.lstrip().split("\n", 1)[0]


class FtmEntities(Adapter):
    meta = SourceMeta(
        name="opensanctions_ftm_json",
        title="OpenSanctions FollowTheMoney entities (line-delimited JSON)",
        url="https://data.opensanctions.org/datasets/latest/default/entities.ftm.json",
        formats=("jsonl: one FtM entity per line (id, caption, schema, properties, ...)",),
        tables=("entities",),
        count_assertions={"entities": (1, 10_000_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        line = _first_line(head)
        if not line.startswith("{") or _DELTA_HEAD.match(line):
            return 0
        return 90 if all(k.search(line) for k in _ENTITY_KEYS) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        yield from _parse_lines(ctx, delta=False)


class FtmDelta(Adapter):
    meta = SourceMeta(
        name="opensanctions_ftm_delta_json",
        title="OpenSanctions FollowTheMoney delta file (ADD/MOD/DEL per line)",
        url="https://data.opensanctions.org/artifacts/sanctions/<version>/entities.delta.json",
        formats=('jsonl: {"op": "ADD"|"MOD"|"DEL", "entity": {...}} per line',),
        tables=("entities",),
        count_assertions={"entities": (1, 1_000_000)},
        notes="ingest delta files in version order (see the version index); source_version "
        "is the release taken from the path",
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 95 if _DELTA_HEAD.match(_first_line(head)) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        yield from _parse_lines(ctx, delta=True)


class FtmDeltaIndex(Adapter):
    meta = SourceMeta(
        name="opensanctions_delta_index_json",
        title="OpenSanctions delta version index",
        url="https://data.opensanctions.org/artifacts/sanctions/versions.json",
        formats=('json: {"versions": {version: url}, "updated_at": ...}',),
        tables=("codes",),
        count_assertions={"codes": (1, 10_000)},
        notes="one codes row per published version (scheme opensanctions_delta_version)",
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if _INDEX_HEAD.match(head.lstrip()) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        with open_text(ctx.path) as f:
            text = f.read()
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceAbort(ctx.file, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
        versions = doc.get("versions") if isinstance(doc, dict) else None
        if not isinstance(versions, dict):
            raise SourceAbort(ctx.file, "no 'versions' object: not a delta version index")
        updated = doc.get("updated_at")
        rows = []
        for version, url in versions.items():
            found = re.search(re.escape(json.dumps(version)) + r"\s*:", text)
            line = text.count("\n", 0, found.start()) + 1 if found else 1
            if not isinstance(url, str) or not url.strip():
                ctx.reject(line, f"{json.dumps(version)}: {json.dumps(url)}",
                           f"version {version!r} has no URL")
                continue
            rows.append({
                "id": record_id(SOURCE, VERSION_SCHEME, version),
                "line": line,
                "scheme": VERSION_SCHEME,
                "code": version,
                "label": url.strip(),
            })
        if rows:
            frame = pd.DataFrame(rows)
            # The index's own time stamp is bookkeeping: a republished index with the same
            # versions must not count as a revision of each of them.
            frame["source_version"] = str(updated) if updated else ctx.meta.version
            yield Batch("codes", frame)


ADAPTERS = [FtmEntities, FtmDelta, FtmDeltaIndex]
