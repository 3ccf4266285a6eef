"""GDELT: machine-coded news events (CAMEO), the CAMEO code list, and monthly event counts.

GDELT codes each news report as "actor 1 did something to actor 2 at a place" with a CAMEO
event code (``190`` "use conventional military force"). Its codes are strings: ``063`` is not
``63``, and a root code below 10 carries a leading zero (``06``). Extracts written by tools that
read the codes as integers lose the zeros (the 2017-11-26 subset has ``63`` under root ``6``);
the event's root code says how many to put back, so the stored ``code`` is always CAMEO's own
spelling.

Layouts:

* ``gdelt_events_subset_csv``: the 9-column extract (``GlobalEventID, IsRootEvent, QuadClass,
  EventCode, EventRootCode, ActionGeo_Lat, ActionGeo_Long, country_code_alpha,
  source_country_code``). It has no date: the day comes from the file name (``2017-11-26`` or
  ``20171126``), or from a ``SQLDATE`` column when one is present.
* ``gdelt_events_export``: the publisher's event export, tab-separated without a header: 61
  columns (GDELT 2.0), 58 (GDELT 1.0 daily files) or 57 (1.0 back files, no SOURCEURL); plain,
  gzip or the published ``.zip``. The day is ``SQLDATE``; ``ActionGeo_CountryCode`` is FIPS
  10-4 and is mapped to ISO-3 here.
* ``gdelt_cameo_codes``: ``CAMEO.eventcodes.txt`` -> ``codes`` (scheme ``cameo``).
* ``gdelt_monthly_event_counts``: ``MonthYear, EventCode, N_events`` -> ``observations``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.geo import h3_cell
from flankwatch.model.period import parse_month
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    first_line,
    header_fields,
    ids_for,
    open_binary,
    read_csv_raw,
)
from flankwatch.sources.checks import Reasons, strict_numbers

SOURCE = "gdelt"
BATCH_ROWS = 500_000

#: CAMEO root code -> (description as in CAMEO.eventcodes.txt, FlankWatch event kind).
CAMEO_ROOTS: dict[str, tuple[str, str]] = {
    "01": ("MAKE PUBLIC STATEMENT", "cooperation"),
    "02": ("APPEAL", "cooperation"),
    "03": ("EXPRESS INTENT TO COOPERATE", "cooperation"),
    "04": ("CONSULT", "cooperation"),
    "05": ("ENGAGE IN DIPLOMATIC COOPERATION", "cooperation"),
    "06": ("ENGAGE IN MATERIAL COOPERATION", "cooperation"),
    "07": ("PROVIDE AID", "cooperation"),
    "08": ("YIELD", "cooperation"),
    "09": ("INVESTIGATE", "cooperation"),
    "10": ("DEMAND", "demand"),
    "11": ("DISAPPROVE", "demand"),
    "12": ("REJECT", "demand"),
    "13": ("THREATEN", "threat"),
    "14": ("PROTEST", "protest"),
    "15": ("EXHIBIT FORCE POSTURE", "threat"),  # show of force
    "16": ("REDUCE RELATIONS", "demand"),
    "17": ("COERCE", "coercion"),
    "18": ("ASSAULT", "assault"),
    "19": ("FIGHT", "armed_clash"),
    "20": ("USE UNCONVENTIONAL MASS VIOLENCE", "violence_against_civilians"),
}

#: GDELT QuadClass (the four lines of CAMEO.eventcodes.txt with one-digit codes) and the
#: root codes each covers.
QUAD_CLASSES = {"1": "Verbal Cooperation", "2": "Material Cooperation", "3": "Verbal Conflict",
                "4": "Material Conflict"}
_QUAD_OF_ROOT = {r: "1" if r <= "05" else "2" if r <= "09" else "3" if r <= "14" else "4"
                 for r in CAMEO_ROOTS}

#: FIPS 10-4 (GDELT's ``*Geo_CountryCode``) -> ISO-3, as pairs "FFIII" (XKX: Kosovo).
_FIPS_PAIRS = (
    "AAABW ACATG AEARE AFAFG AGDZA AJAZE ALALB AMARM ANAND AOAGO AQASM ARARG ASAUS ATAUS "
    "AUAUT AVAIA AYATA BABHR BBBRB BCBWA BDBMU BEBEL BFBHS BGBGD BHBLZ BKBIH BLBOL BMMMR BNBEN "
    "BOBLR BPSLB BQUMI BRBRA BSATF BTBTN BUBGR BVBVT BXBRN BYBDI CACAN CBKHM CDTCD CELKA CFCOG "
    "CGCOD CHCHN CICHL CJCYM CKCCK CMCMR CNCOM COCOL CQMNP CRAUS CSCRI CTCAF CUCUB CVCPV CWCOK "
    "CYCYP DADNK DJDJI DODMA DQUMI DRDOM ECECU EGEGY EIIRL EKGNQ ENEST ERERI ESSLV ETETH EUATF "
    "EZCZE FGGUF FIFIN FJFJI FKFLK FMFSM FOFRO FPPYF FQUMI FRFRA FSATF GAGMB GBGAB GGGEO GHGHA "
    "GIGIB GJGRD GKGGY GLGRL GMDEU GOATF GPGLP GQGUM GRGRC GTGTM GVGIN GYGUY GZPSE HAHTI HKHKG "
    "HMHMD HOHND HQUMI HRHRV HUHUN ICISL IDIDN IMIMN ININD IOIOT IRIRN ISISR ITITA IVCIV IZIRQ "
    "JAJPN JEJEY JMJAM JNSJM JOJOR JQUMI JUATF KEKEN KGKGZ KNPRK KQUMI KRKIR KSKOR KTCXR KUKWT "
    "KVXKX KZKAZ LALAO LELBN LGLVA LHLTU LILBR LOSVK LQUMI LSLIE LTLSO LULUX LYLBY MAMDG MBMTQ "
    "MCMAC MDMDA MFMYT MGMNG MHMSR MIMWI MJMNE MKMKD MLMLI MNMCO MOMAR MPMUS MQUMI MRMRT MTMLT "
    "MUOMN MVMDV MXMEX MYMYS MZMOZ NCNCL NENIU NFNFK NGNER NHVUT NINGA NLNLD NNSXM NONOR NPNPL "
    "NRNRU NSSUR NUNIC NZNZL ODSSD PAPRY PCPCN PEPER PKPAK PLPOL PMPAN POPRT PPPNG PSPLW PUGNB "
    "QAQAT REREU RISRB RMMHL RNMAF ROROU RPPHL RQPRI RSRUS RWRWA SASAU SBSPM SCKNA SESYC SFZAF "
    "SGSEN SHSHN SISVN SLSLE SMSMR SNSGP SOSOM SPESP STLCA SUSDN SVSJM SWSWE SXSGS SYSYR SZCHE "
    "TBBLM TDTTO TEATF THTHA TITJK TKTCA TLTKL TNTON TOTGO TPSTP TSTUN TTTLS TUTUR TVTUV TWTWN "
    "TXTKM TZTZA UCCUW UGUGA UKGBR UPUKR USUSA UVBFA UYURY UZUZB VCVCT VEVEN VIVGB VMVNM VQVIR "
    "VTVAT WANAM WEPSE WFWLF WIESH WQUMI WSWSM WZSWZ YMYEM ZAZMB ZIZWE"
)
FIPS_TO_ISO3: dict[str, str] = {p[:2]: p[2:] for p in _FIPS_PAIRS.split()}
#: FIPS codes of places without an ISO 3166 code (sovereign base areas, disputed islands,
#: dissolved states): stored without a country rather than guessed.
FIPS_NO_ISO = frozenset({"AX", "DX", "PF", "PG", "PJ", "IP", "NT", "YI", "OS"})

#: Country codes the 9-column extract writes that are not ISO-3 (its FIPS -> ISO conversion
#: spelled Kosovo XKS; FlankWatch, the EU and the World Bank use XKX).
SUBSET_COUNTRIES = {"XKS": "XKX"}

#: The GDELT 2.0 event export columns (GDELT-Event_Codebook-V2.0).
EXPORT_61 = (
    "GlobalEventID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code",
    "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code", "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code",
    "Actor2Type2Code", "Actor2Type3Code", "IsRootEvent", "EventCode", "EventBaseCode",
    "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
    "AvgTone", "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long",
    "Actor1Geo_FeatureID", "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long",
    "Actor2Geo_FeatureID", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL",
)
#: GDELT 1.0 daily files: no ADM2 codes; the back files (before April 2013) have no SOURCEURL.
EXPORT_58 = tuple(c for c in EXPORT_61 if not c.endswith("ADM2Code"))
EXPORT_57 = EXPORT_58[:-1]
EXPORT_LAYOUTS = {61: EXPORT_61, 58: EXPORT_58, 57: EXPORT_57}

EVENT_COLUMNS = ["id", "line", "original", "kind", "subkind", "time_start", "time_precision",
                 "lon", "lat", "location_precision", "h3", "country", "location", "actor1",
                 "actor2", "code", "source_record_id", "attrs"]

_DAY_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")

_EVENTS_META: dict[str, Any] = dict(
    source=SOURCE,
    publisher="The GDELT Project",
    licence="Free for any use with citation of the GDELT Project",
    tables=("events",),
)


# ---------------------------------------------------------------------------------------------
# Column helpers (pre-encoded JSON is the same text json.dumps writes, much faster).


def _texts(values: pd.Series) -> list[str | None]:
    return [v.strip() or None for v in values]


def _j_text(values: list[str | None]) -> list[str]:
    return ["null" if v is None else encode_basestring(v) for v in values]


def _j_num(values: pd.Series, integer: bool) -> list[str]:
    if integer:
        return ["null" if v != v else str(int(v)) for v in values]
    return ["null" if v != v else repr(float(v)) for v in values]


def _json_rows(columns: dict[str, list[str]]) -> list[str]:
    heads = [encode_basestring(k) + ": " for k in columns]
    parts = [[h + v for v in col] for h, col in zip(heads, columns.values(), strict=True)]
    return ["{" + ", ".join(row) + "}" for row in zip(*parts, strict=True)]






def _per_distinct(fn: Callable[[Any], Any], values: pd.Series | np.ndarray) -> list[Any]:
    """``fn`` of each value, computed once per distinct value: GDELT repeats the same
    country centroids, codes and country codes thousands of times a day."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    result: list[Any] = mapped[codes].tolist()
    return result


def _h3(lon: pd.Series, lat: pd.Series) -> list[str | None]:
    """H3 cells, one computation per distinct point (a complex number is a hashable pair)."""
    points = lon.to_numpy(dtype=float) + 1j * lat.to_numpy(dtype=float)
    return _per_distinct(lambda z: h3_cell(z.real, z.imag), points)


_DIGITS = re.compile(r"[0-9]{1,4}")
_FLAGS = {"1": "true", "0": "false"}


_ROOT_SPELLINGS = {**{r: r for r in CAMEO_ROOTS}, **{r.lstrip("0"): r for r in CAMEO_ROOTS},
                   **{"0" + r: r for r in CAMEO_ROOTS}}


def _full_code(key: str) -> str | None:
    """``"<code>|<root>"`` -> the code with its leading zero, or None when it is not a code
    under that root."""
    c, _, rt = key.rpartition("|")
    c = c.strip()
    if not rt or not _DIGITS.fullmatch(c):
        return None
    if not c.startswith(rt):
        c = "0" + c
    return c if len(c) <= 4 and c.startswith(rt) else None


def cameo_code(code: pd.Series, root: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(CAMEO root code "01"-"20" or None, full event code with its leading zero or None).

    ``root`` decides: ``63`` under root ``6`` is ``063``; ``10`` under root ``1`` is ``010``,
    under root ``10`` it is ``10``."""
    r = pd.Series(_per_distinct(lambda x: _ROOT_SPELLINGS.get(x.strip()), root),
                  index=root.index, dtype=object)
    keys = code.to_numpy(dtype=object) + "|" + r.fillna("").to_numpy(dtype=object)
    return r, pd.Series(_per_distinct(_full_code, keys), index=code.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Events: one mapping for both layouts.


def _events(ctx: ParseContext, raw: pd.DataFrame, day: pd.Series,
            country: Callable[[str], str | None], country_col: str | None,
            attrs: Callable[[pd.DataFrame], dict[str, list[str]]]) -> pd.DataFrame:
    """Validate and map GDELT events; ``raw`` holds the publisher's column names (strings),
    ``_line`` and ``_raw``; ``day`` the event day (NaT where unreadable)."""
    r = Reasons(raw.index)
    gid = pd.Series([x.strip() for x in raw["GlobalEventID"]], index=raw.index, dtype=object)
    r.add(pd.Series([not (x.isascii() and x.isdigit()) for x in gid], index=raw.index),
          "GlobalEventID is not a number", gid)
    r.add(day.isna(), "SQLDATE is not a date (YYYYMMDD)",
          *([raw["SQLDATE"]] if "SQLDATE" in raw else []))
    root, code = cameo_code(raw["EventCode"], raw["EventRootCode"])
    r.add(root.isna(), "EventRootCode is not a CAMEO root code (01-20)", raw["EventRootCode"])
    r.add(code.isna(), "EventCode is not a CAMEO code under its root code (code, root)",
          raw["EventCode"], raw["EventRootCode"])
    lat, lat_junk = strict_numbers(raw["ActionGeo_Lat"])
    lon, lon_junk = strict_numbers(raw["ActionGeo_Long"])
    off = lat_junk | lon_junk | (lat.isna() != lon.isna()) | (lat.abs() > 90) | \
        (lon.abs() > 180)
    r.add(off, "ActionGeo latitude/longitude not numbers or off the globe",
          raw["ActionGeo_Lat"], raw["ActionGeo_Long"])
    if country_col is not None:
        cc = raw[country_col].str.strip()
        iso = pd.Series(_per_distinct(lambda c: country(c) if c else None, cc),
                        index=raw.index, dtype=object)
        unknown = iso.isna() & (cc != "")
        if country_col == "ActionGeo_CountryCode":
            unknown &= ~cc.str.upper().isin(FIPS_NO_ISO)
        r.add(unknown, f"unknown {country_col}", cc)
    else:
        cc = pd.Series("", index=raw.index, dtype=object)
        iso = pd.Series(None, index=raw.index, dtype=object)
    ctx.reject_rows(raw, r.bad, r.reason)

    good = ~r.bad
    g = raw.loc[good]
    out = pd.DataFrame(index=g.index)
    out["source_record_id"] = gid[good]
    out["id"] = ids_for(SOURCE, out, ["source_record_id"])
    out["line"] = g["_line"].astype(int)
    roots = root[good]
    out["kind"] = [CAMEO_ROOTS[x][1] for x in roots]
    out["subkind"] = [CAMEO_ROOTS[x][0] for x in roots]
    out["time_start"] = day[good]
    out["time_precision"] = "day"
    out["lon"], out["lat"] = lon[good], lat[good]
    out["h3"] = _h3(out["lon"], out["lat"])
    out["country"] = iso[good]
    out["code"] = code[good]
    for field, col in (("location", "ActionGeo_FullName"), ("actor1", "Actor1Name"),
                       ("actor2", "Actor2Name")):
        out[field] = _texts(g[col]) if col in g else None
    if "ActionGeo_Type" in g:
        geo_type, _ = strict_numbers(g["ActionGeo_Type"])
        out["location_precision"] = pd.array(
            [None if v != v else int(v) for v in geo_type], dtype="Int64")
    else:
        out["location_precision"] = pd.array([None] * len(g), dtype="Int64")
    out["attrs"] = _json_rows({
        "root_code": _j_text(list(roots)),
        "quad_class": _j_num(strict_numbers(g["QuadClass"])[0], True),
        "is_root_event": [_FLAGS.get(v.strip(), "null") for v in g["IsRootEvent"]],
        **attrs(g),
    })
    # ``original``: the EventCode as written when a zero was put back, and the FIPS code the
    # country came from (one JSON text per distinct pair).
    fips = country_col == "ActionGeo_CountryCode"
    keys = [f"{code}\t{c.strip()}\t{cv if fips else ''}"
            for code, c, cv in zip(out["code"], g["EventCode"], cc[good], strict=True)]
    out["original"] = _per_distinct(_original, np.array(keys, dtype=object))
    return out[EVENT_COLUMNS].reset_index(drop=True)


def _original(key: str) -> str | None:
    code, raw_code, raw_country = key.split("\t")
    parts = []
    if code != raw_code:
        parts.append(f'"EventCode": {encode_basestring(raw_code)}')
    if raw_country:
        parts.append(f'"ActionGeo_CountryCode": {encode_basestring(raw_country)}')
    return "{" + ", ".join(parts) + "}" if parts else None


def _subset_country(code: str) -> str | None:
    return SUBSET_COUNTRIES.get(code.upper()) or to_iso3(code)


def _fips(code: str) -> str | None:
    return FIPS_TO_ISO3.get(code.upper())


def _sqldate(raw: pd.Series) -> pd.Series:
    """YYYYMMDD -> UTC midnight; exactly eight digits (strptime would read "2017112")."""
    text = raw.str.strip()
    text = text.where(text.str.fullmatch(r"\d{8}"), None)
    return pd.to_datetime(text, format="%Y%m%d", errors="coerce", utc=True)


class GdeltEventsSubset(Adapter):
    meta = SourceMeta(
        name="gdelt_events_subset_csv",
        title="GDELT 2.0 events, 9-column extract (one day)",
        cadence="one file per day (extract of the 15-minute GDELT 2.0 updates)",
        url="http://data.gdeltproject.org/gdeltv2/masterfilelist.txt",
        formats=("csv: GlobalEventID,IsRootEvent,QuadClass,EventCode,EventRootCode,"
                 "ActionGeo_Lat,ActionGeo_Long,country_code_alpha,source_country_code",),
        # A whole GDELT 2.0 day holds roughly 100,000-250,000 events.
        count_assertions={"events": (1, 500_000)},
        **_EVENTS_META,
    )
    _needed = ("globaleventid", "eventcode", "eventrootcode", "actiongeo_lat", "actiongeo_long")

    def sniff(self, path: Path, head: str) -> int:
        fields = set(header_fields(head))
        return 90 if all(c in fields for c in self._needed) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        # Positional index: the mapping aligns columns by index and must not depend on the
        # reader's.
        raw = read_csv_raw(ctx, expected=["GlobalEventID", "EventCode", "EventRootCode",
                                          "ActionGeo_Lat", "ActionGeo_Long"]).reset_index(
            drop=True)
        for col in ("IsRootEvent", "QuadClass", "source_country_code"):
            if col not in raw:
                raw[col] = ""
        if "SQLDATE" in raw:
            day = _sqldate(raw["SQLDATE"])
        else:
            m = _DAY_IN_NAME.search(ctx.path.name)
            if m is None:
                raise SourceAbort(ctx.file, "this GDELT extract has no SQLDATE column and its "
                                  "file name carries no date (YYYY-MM-DD or YYYYMMDD)")
            stamp = pd.Timestamp(f"{m[1]}-{m[2]}-{m[3]}", tz="UTC")
            day = pd.Series(stamp, index=raw.index)
        country_col = "country_code_alpha" if "country_code_alpha" in raw else None

        def attrs(g: pd.DataFrame) -> dict[str, list[str]]:
            return {"source_country": _j_text(_texts(g["source_country_code"]))}

        for lo in range(0, max(len(raw), 1), BATCH_ROWS):
            chunk = raw.iloc[lo:lo + BATCH_ROWS]
            yield Batch("events", _events(ctx, chunk, day.loc[chunk.index], _subset_country,
                                          country_col, attrs))


def _export_attrs(g: pd.DataFrame) -> dict[str, list[str]]:
    out = {
        "base_code": _j_text(_texts(g["EventBaseCode"])),
        "goldstein": _j_num(strict_numbers(g["GoldsteinScale"])[0], False),
        "num_mentions": _j_num(strict_numbers(g["NumMentions"])[0], True),
        "num_sources": _j_num(strict_numbers(g["NumSources"])[0], True),
        "num_articles": _j_num(strict_numbers(g["NumArticles"])[0], True),
        "avg_tone": _j_num(strict_numbers(g["AvgTone"])[0], False),
        "actor1_code": _j_text(_texts(g["Actor1Code"])),
        "actor1_country": _j_text(_texts(g["Actor1CountryCode"])),
        "actor2_code": _j_text(_texts(g["Actor2Code"])),
        "actor2_country": _j_text(_texts(g["Actor2CountryCode"])),
        "action_adm1": _j_text(_texts(g["ActionGeo_ADM1Code"])),
        "action_feature_id": _j_text(_texts(g["ActionGeo_FeatureID"])),
        "date_added": _j_text(_texts(g["DATEADDED"])),
    }
    if "SOURCEURL" in g:
        out["source_url"] = _j_text(_texts(g["SOURCEURL"]))
    return out


def _open_export(path: Path) -> IO[str]:
    """The export as text: GDELT publishes ``.export.CSV.zip`` (one member); gzip and plain
    files work too. Lines end with ``\\n`` only: a lone ``\\r`` is data, not a line end."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [n for n in archive.namelist() if not n.endswith("/")]
        if len(members) != 1:
            raise SourceAbort(str(path), f"expected one file in the zip, found {len(members)}")
        binary: IO[bytes] = archive.open(members[0])
    else:
        binary = open_binary(path)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="\n")


def _export_width(line: str) -> int:
    """The number of fields of an export line, or 0 when it does not look like one."""
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) not in EXPORT_LAYOUTS or not fields[0].isdigit():
        return 0
    return len(fields) if re.fullmatch(r"\d{8}", fields[1]) else 0


class GdeltEventsExport(Adapter):
    meta = SourceMeta(
        name="gdelt_events_export",
        title="GDELT event export (2.0: 61 columns; 1.0: 58 or 57), tab-separated",
        cadence="every 15 minutes (GDELT 2.0); daily (GDELT 1.0)",
        url="http://data.gdeltproject.org/gdeltv2/lastupdate.txt",
        formats=("tsv without header: 61 columns (GDELT 2.0 *.export.CSV[.zip])",
                 "tsv without header: 58 or 57 columns (GDELT 1.0 daily / back files)"),
        count_assertions={"events": (1, 1_000_000)},
        **_EVENTS_META,
    )

    def sniff(self, path: Path, head: str) -> int:
        if head.startswith("PK"):
            if not zipfile.is_zipfile(path):
                return 0
            try:
                with _open_export(path) as f:
                    line = f.readline(1 << 16)
            except (SourceAbort, OSError, zipfile.BadZipFile, EOFError):
                return 0
            return 85 if _export_width(line) else 0
        return 85 if _export_width(head.split("\n", 1)[0]) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        with _open_export(ctx.path) as f:
            width = 0
            lines: list[str] = []
            numbers: list[int] = []
            for n, text in enumerate(f, start=1):
                line = text.rstrip("\n").removesuffix("\r")
                if not line.strip():
                    continue
                if width == 0:
                    width = _export_width(line)
                    if width == 0:
                        raise SourceAbort(ctx.file, "not a GDELT event export: the first line "
                                          "does not have 61, 58 or 57 tab-separated fields",
                                          line=n)
                if line.count("\t") != width - 1:
                    ctx.reject(n, line, f"expected {width} tab-separated fields (as on the "
                               f"first line), found {line.count(chr(9)) + 1}")
                elif "\r" in line or "\x00" in line:
                    ctx.reject(n, line.replace("\x00", "\\0"),
                               "line contains a carriage return or NUL byte inside a field")
                else:
                    lines.append(line)
                    numbers.append(n)
                if len(lines) >= BATCH_ROWS:
                    yield self._batch(ctx, lines, numbers, width)
                    lines, numbers = [], []
            if width == 0:
                raise SourceAbort(ctx.file, "the file has no events")
            if lines:
                yield self._batch(ctx, lines, numbers, width)

    def _batch(self, ctx: ParseContext, lines: list[str], numbers: list[int],
               width: int) -> Batch:
        cols = EXPORT_LAYOUTS[width]
        frame = pd.read_csv(io.StringIO("\n".join(lines)), sep="\t", header=None, names=cols,
                            dtype=str, keep_default_na=False, na_filter=False,
                            quoting=csv.QUOTE_NONE, engine="c")
        if len(frame) != len(lines):  # the C parser disagreed about rows: split by hand
            frame = pd.DataFrame([ln.split("\t") for ln in lines], columns=cols, dtype=object)
        frame["_line"] = numbers
        frame["_raw"] = lines
        day = _sqldate(frame["SQLDATE"])
        return Batch("events", _events(ctx, frame, day, _fips, "ActionGeo_CountryCode",
                                       _export_attrs))


# ---------------------------------------------------------------------------------------------
# The CAMEO code list and the monthly counts.


class GdeltCameoCodes(Adapter):
    meta = SourceMeta(
        name="gdelt_cameo_codes",
        source=SOURCE,
        title="CAMEO event codes (GDELT lookup table CAMEO.eventcodes.txt)",
        publisher="The GDELT Project (CAMEO: Schrodt, Parallel Event Data Project)",
        licence="Free for any use with citation of the GDELT Project",
        cadence="static (CAMEO 1.1b3)",
        url="https://www.gdeltproject.org/data/lookups/CAMEO.eventcodes.txt",
        formats=("tsv: CAMEOEVENTCODE, EVENTDESCRIPTION",),
        tables=("codes",),
        count_assertions={"codes": (250, 400)},
    )

    def sniff(self, path: Path, head: str) -> int:
        fields = [f.strip().upper() for f in first_line(head).split("\t")]
        return 95 if fields == ["CAMEOEVENTCODE", "EVENTDESCRIPTION"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, delimiter="\t", expected=["CAMEOEVENTCODE", "EVENTDESCRIPTION"]
                           ).reset_index(drop=True)
        code = raw["CAMEOEVENTCODE"].str.strip()
        label = raw["EVENTDESCRIPTION"].str.strip()
        quad = code.isin(list(QUAD_CLASSES))
        r = Reasons(raw.index)
        r.add(~quad & ~code.str.fullmatch(r"\d{2,4}"), "not a CAMEO code (2-4 digits) or "
              "QuadClass (1-4)", code)
        r.add(~quad & ~code.str[:2].isin(list(CAMEO_ROOTS)), "CAMEO code outside roots 01-20",
              code)
        r.add(label == "", "empty description")
        ctx.reject_rows(raw, r.bad, r.reason)
        good = ~r.bad
        c, q = code[good], quad[good]
        out = pd.DataFrame(index=c.index)
        out["scheme"] = np.where(q, "gdelt_quadclass", "cameo")
        out["code"] = c
        out["id"] = ids_for(SOURCE, out, ["scheme", "code"])
        out["line"] = raw.loc[good, "_line"].astype(int)
        out["label"] = label[good]
        out["parent"] = [None if is_q or len(x) == 2 else x[:2] for x, is_q in zip(c, q,
                                                                                      strict=True)]
        out["attrs"] = [None if is_q else _json_rows({
            "quad_class": [encode_basestring(_QUAD_OF_ROOT[x[:2]])],
            "base_code": ["null" if len(x) < 4 else encode_basestring(x[:3])],
        })[0] for x, is_q in zip(c, q, strict=True)]
        yield Batch("codes", out[["id", "line", "scheme", "code", "label", "parent", "attrs"]]
                    .reset_index(drop=True))


_COUNTRY_IN_NAME = re.compile(r"^gdelt_([a-z][a-z_\-]*?)_monthly", re.IGNORECASE)


class GdeltMonthlyCounts(Adapter):
    meta = SourceMeta(
        name="gdelt_monthly_event_counts",
        source=SOURCE,
        title="GDELT monthly event counts by CAMEO code (query export)",
        publisher="The GDELT Project (counts from a query of the GDELT event table)",
        licence="Free for any use with citation of the GDELT Project",
        cadence="on demand (a query export)",
        url="https://www.gdeltproject.org/data.html#googlebigquery",
        formats=("csv: MonthYear,EventCode,N_events",),
        tables=("observations",),
        count_assertions={"observations": (1, 200_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if header_fields(head) == ["monthyear", "eventcode", "n_events"] else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["MonthYear", "EventCode", "N_events"]).reset_index(
            drop=True)
        country = self._country(ctx)
        periods: list[object] = []
        for t in raw["MonthYear"]:
            try:
                periods.append(parse_month(t))
            except ValueError:
                periods.append(None)
        period = pd.Series(periods, index=raw.index, dtype=object)
        code = raw["EventCode"].str.strip()
        value, junk = strict_numbers(raw["N_events"])
        r = Reasons(raw.index)
        r.add(period.isna(), "MonthYear is not a month (YYYYMM)", raw["MonthYear"])
        r.add(~code.str.fullmatch(r"\d{2,4}") | ~code.str[:2].isin(list(CAMEO_ROOTS)),
              "EventCode is not a CAMEO code (2-4 digits, root 01-20)", code)
        r.add(junk | value.isna() | (value < 0) | (value % 1 != 0),
              "N_events is not a count", raw["N_events"])
        ctx.reject_rows(raw, r.bad, r.reason)
        good = ~r.bad
        out = pd.DataFrame(index=raw.index[good])
        out["metric"] = "gdelt_events"
        out["period_start"] = period[good]
        out["country"] = country
        out["category"] = code[good]
        out["id"] = ids_for(SOURCE, out, ["metric", "country", "period_start", "category"])
        out["line"] = raw.loc[good, "_line"].astype(int)
        out["precision"] = "month"
        out["value"] = value[good]
        out["unit"] = "events"
        yield Batch("observations", out[["id", "line", "metric", "period_start", "precision",
                                         "value", "unit", "country", "category"]]
                    .reset_index(drop=True))

    @staticmethod
    def _country(ctx: ParseContext) -> str | None:
        """The actor country of the query, from a file name ``gdelt_<country>_monthly...``:
        the counts themselves do not say whose events they are."""
        m = _COUNTRY_IN_NAME.match(ctx.path.name)
        iso = to_iso3(m[1].replace("_", " ").replace("-", " ")) if m else None
        if iso is None:
            ctx.warn(f"{ctx.path.name}: no country in the file name (gdelt_<country>_monthly"
                     "...); the counts are stored without a country")
        return iso


ADAPTERS = [GdeltEventsSubset, GdeltEventsExport, GdeltCameoCodes, GdeltMonthlyCounts]
