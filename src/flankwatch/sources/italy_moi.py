"""Italian Ministry of the Interior, "cruscotto statistico giornaliero" (daily statistical
dashboard): sea arrivals and reception, as extracted from the half-monthly PDF bulletins by
onData's "Liberiamoli tutti!" project.

* ``Data,Valore,Note,Fonte,Data_Report``: the raw daily table of every bulletin. Bulletins
  overlap (the one of the 15th and the one of the month's end both list the first days of the
  month) and print a 31-day grid (2025-02-30, zeros for days after the bulletin). A day is one
  record, keyed by the day: the latest bulletin's figure wins, earlier ones count as duplicates.
* ``date,sea_arrivals,report_date``: onData's cleaned daily series (latest bulletin per day).
  Same ids as the raw table: ingesting both stores each day once.
* ``Data_Report,Nazione,ISO_3166-1,Valore``: arrivals since 1 January by declared nationality
  (top ten plus ``altre``), metric ``sea_arrivals_ytd``, period_start = the bulletin date.
* ``Regione,Data_Report,Migranti presenti ...``: people in the reception system per region and
  bulletin, metric ``reception_population``, category = the kind of facility.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from flankwatch.errors import SourceAbort
from flankwatch.model.country import to_iso3
from flankwatch.model.period import strict_day
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    header_fields,
    ids_for,
    read_csv_raw,
)
from flankwatch.sources.checks import Check, first_reason, melt_counts, resolve

SOURCE = "italy_moi"
SEA_ARRIVALS = "sea_arrivals"
SEA_ARRIVALS_YTD = "sea_arrivals_ytd"
RECEPTION = "reception_population"
#: "altre" (all other nationalities) in the nationality table: a FlankWatch pseudo-code.
OTHERS = "OTH"
#: Reception columns -> category. onData's README calls them "Immigrati presenti ...", the
#: files "Migranti presenti ...": the columns are matched on what follows "presenti".
FACILITIES = {
    "presenti negli hot spot": "hotspot",
    "presenti nei centri di accoglienza": "reception_centre",
    "presenti nei centri siproimi": "siproimi",
    "presenti nei centri sai": "sai",
}
RAW_COLUMNS = ("data", "valore", "note", "fonte", "data_report")
DAILY_COLUMNS = ("date", "sea_arrivals", "report_date")
YTD_COLUMNS = ("data_report", "nazione", "iso_3166-1", "valore")
RECEPTION_KEYS = ("regione", "data_report", "codiceregione")
RECEPTION_EXTRA = ("denominazioneregione",)

_OUT = ["id", "line", "original", "metric", "period_start", "precision", "value", "unit",
        "border_type", "nationality", "country", "area", "category"]
#: The Ministry's page of the bulletins (PDF), and onData's CSV extraction of them.
MINISTRY_URL = ("http://www.libertaciviliimmigrazione.dlci.interno.gov.it/it/documentazione/"
                "statistica/cruscotto-statistico-giornaliero")
ONDATA_URL = "https://raw.githubusercontent.com/ondata/liberiamoli-tutti/main/sbarchi-migranti/dati/"
_META = dict(
    source=SOURCE,
    publisher="Ministero dell'Interno, Dipartimento per le libertà civili e l'immigrazione "
    "(figures: Dipartimento della Pubblica sicurezza); PDF extraction by onData "
    "\"Liberiamoli tutti!\"",
    licence="Ministry bulletins: public information; onData extraction CC BY 4.0 (credit "
    "\"Fonte: Liberiamoli tutti! https://datibenecomune.substack.com/\")",
    cadence="half-monthly bulletins (daily figures)",
    tables=("observations",),
)









def _counts(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strings -> (float counts, blank mask); junk, ``nan`` and ``inf`` are NaN outside the
    blank mask."""
    text = raw.astype(str).str.strip()
    blank = text == ""
    value = pd.to_numeric(text, errors="coerce").astype(float)
    value[~value.abs().lt(float("inf"))] = float("nan")
    return value, blank


def _count_checks(frame: pd.DataFrame, col: str) -> list[Check]:
    frame["value"], blank = _counts(frame[col])
    return [
        (blank, "count is blank", None),
        (frame["value"].isna(), "count is not a number", frame[col]),
        (frame["value"] < 0, "negative count", frame[col]),
    ]


def _finish(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame["id"] = ids_for(SOURCE, frame, key)
    frame["unit"] = "persons"
    for c in _OUT:
        if c not in frame.columns:
            frame[c] = None
    return frame[_OUT].reset_index(drop=True)


def _daily(frame: pd.DataFrame) -> pd.DataFrame:
    """Common fields of a daily sea-arrivals record; the id is the day alone (see module)."""
    frame["metric"] = SEA_ARRIVALS
    frame["precision"] = "day"
    frame["country"] = "ITA"
    frame["border_type"] = "Sea"
    return _finish(frame, ["metric", "country", "border_type", "period_start"])


class ItalyRawBulletins(Adapter):
    """onData's ``sbarchi-per-giorno.csv``: every bulletin's daily table, unmodified."""

    meta = SourceMeta(
        name="italy_moi_sea_arrivals_raw_bulletins",
        url=ONDATA_URL + "sbarchi-per-giorno.csv",
        title="Italy, Ministry of the Interior: sea arrivals per day, every bulletin's table "
        "(overlapping bulletins)",
        formats=("csv: Data,Valore,Note,Fonte,Data_Report",),
        count_assertions={"observations": (1, 100_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == RAW_COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["Data", "Valore", "Data_Report"])
        raw["period_start"] = resolve(raw["Data"], strict_day)
        report = resolve(raw["Data_Report"], strict_day)
        checks: list[Check] = [
            (raw["period_start"].isna(), "impossible or malformed day (the bulletins print a "
             "31-day grid)", raw["Data"]),
            (report.isna(), "bulletin date (Data_Report) is not a date", raw["Data_Report"]),
            *_count_checks(raw, "Valore"),
        ]
        after = pd.Series([d is not None and r is not None and d > r for d, r in
                           zip(raw["period_start"], report, strict=True)], index=raw.index)
        checks.append((after, "day after the bulletin's date: a placeholder of the bulletin's "
                       "31-day grid, not a count", raw["Data_Report"]))
        reason = first_reason(raw.index, checks)
        # The latest bulletin's figure for a day wins. The store keeps the last line of an id,
        # so a superseded figure standing below its successor (a file not in bulletin order)
        # is quarantined instead of silently overriding the newer one.
        ok = reason == ""
        order = pd.DataFrame({"day": raw["period_start"], "rep": report, "line": raw["_line"]})
        order = order.loc[ok].sort_values(["day", "rep", "line"])
        winner = order.groupby("day", sort=False).tail(1).set_index("day")
        wline = order["day"].map(winner["line"])
        wrep = order["day"].map(winner["rep"])
        late = (order["line"] > wline) & (order["rep"] < wrep)
        if late.any():
            idx = late[late].index
            reason[idx] = [f"superseded by the bulletin of {r} (line {n}), which stands above "
                           "it in the file" for r, n in zip(wrep[idx], wline[idx], strict=True)]
        ctx.reject_rows(raw, reason != "", reason)
        good = raw.loc[reason == ""].rename(columns={"_line": "line"})
        yield Batch("observations", _daily(good))


class ItalyDailySeaArrivals(Adapter):
    """onData's cleaned daily series: one row per day, from the latest bulletin."""

    meta = SourceMeta(
        name="italy_moi_sea_arrivals_daily",
        url=MINISTRY_URL,
        title="Italy, Ministry of the Interior: sea arrivals per day (one row per day, latest "
        "bulletin)",
        formats=("csv: date,sea_arrivals,report_date",),
        count_assertions={"observations": (1, 50_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == DAILY_COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=list(DAILY_COLUMNS))
        raw["period_start"] = resolve(raw["date"], strict_day)
        report = resolve(raw["report_date"], strict_day)
        reason = first_reason(raw.index, [
            (raw["period_start"].isna(), "impossible or malformed day", raw["date"]),
            (report.isna() & (raw["report_date"].str.strip() != ""),
             "report_date is not a date", raw["report_date"]),
            *_count_checks(raw, "sea_arrivals"),
        ])
        ctx.reject_rows(raw, reason != "", reason)
        good = raw.loc[reason == ""].rename(columns={"_line": "line"})
        yield Batch("observations", _daily(good))


class ItalyNationalityYtd(Adapter):
    """Arrivals since 1 January by declared nationality, per bulletin."""

    meta = SourceMeta(
        name="italy_moi_sea_arrivals_nationality_ytd",
        url=ONDATA_URL + "nazionalita.csv",
        title="Italy, Ministry of the Interior: sea arrivals since 1 January by declared "
        "nationality, per bulletin",
        formats=("csv: Data_Report,Nazione,ISO_3166-1,Valore",),
        count_assertions={"observations": (1, 50_000)},
        **_META,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)) == YTD_COLUMNS else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["Data_Report", "Nazione", "ISO_3166-1", "Valore"])
        raw["period_start"] = resolve(raw["Data_Report"], strict_day)
        name = raw["Nazione"].str.strip()
        code = raw["ISO_3166-1"].str.strip()
        others = (name.str.lower() == "altre") & (code == "")
        # The alpha-2 code decides (names are Italian: "Costa d'Avorio", "Egitto")
        iso = resolve(code, lambda c: to_iso3(c) if len(c) == 2 and c.isalpha() else None)
        raw["nationality"] = iso.where(~others, OTHERS)
        reason = first_reason(raw.index, [
            (raw["period_start"].isna(), "bulletin date is not a date", raw["Data_Report"]),
            (raw["nationality"].isna(), "unknown ISO 3166-1 alpha-2 code",
             name + " / " + code),
            *_count_checks(raw, "Valore"),
        ])
        ctx.reject_rows(raw, reason != "", reason)
        keep = reason == ""
        good = raw.loc[keep].rename(columns={"_line": "line"})
        good["original"] = [json.dumps({"nationality": f"{n} ({c})" if c else n},
                                       ensure_ascii=False)
                            for n, c in zip(name[keep], code[keep], strict=True)]
        good["metric"] = SEA_ARRIVALS_YTD
        good["precision"] = "day"
        good["country"] = "ITA"
        good["border_type"] = "Sea"
        yield Batch("observations", _finish(good, ["metric", "country", "nationality",
                                                   "period_start"]))


def _facility(column: str) -> str | None:
    """The category of a reception column ("Migranti presenti nei centri SAI" -> "sai")."""
    text = " ".join(column.lower().split())
    for suffix, category in FACILITIES.items():
        if text.endswith(suffix) and text.split(" presenti", 1)[0] in ("migranti", "immigrati"):
            return category
    return None


class ItalyReceptionByRegion(Adapter):
    """People in reception (hotspots, first reception centres, SIPROIMI/SAI) per region."""

    meta = SourceMeta(
        name="italy_moi_reception_by_region",
        url=ONDATA_URL + "accoglienza.csv",
        title="Italy, Ministry of the Interior: migrants in reception by region and kind of "
        "facility, per bulletin",
        formats=("csv: Regione,Data_Report,Migranti presenti negli hot spot,... nei centri di "
                 "accoglienza,... nei centri SIPROIMI,... nei centri SAI,CodiceRegione,"
                 "DenominazioneRegione",),
        count_assertions={"observations": (1, 100_000)},
        **_META,  # type: ignore[arg-type]
    )

    @staticmethod
    def _layout(fields: list[str]) -> dict[str, str] | None:
        """Facility column -> category, if ``fields`` is this layout's header."""
        if [f.lower() for f in fields[:2]] != ["regione", "data_report"]:
            return None
        rest = [f for f in fields[2:] if f.lower() not in RECEPTION_KEYS + RECEPTION_EXTRA]
        found = {f: _facility(f) for f in rest}
        if not found or None in found.values() \
                or "codiceregione" not in [f.lower() for f in fields]:
            return None
        return {f: c for f, c in found.items() if c is not None}

    def sniff(self, path: Path, head: str) -> int:
        return 90 if self._layout(header_fields(head)) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        wide = read_csv_raw(ctx, expected=["Regione", "Data_Report", "CodiceRegione"])
        facilities = self._layout([c for c in wide.columns if not c.startswith("_")])
        if facilities is None:
            raise SourceAbort(ctx.file, "header is not Regione, Data_Report, <Migranti "
                              "presenti ...>, CodiceRegione", line=1)
        wide["period_start"] = resolve(wide["Data_Report"], strict_day)
        wide["area"] = resolve(wide["Regione"], str.strip)
        wide["_code"] = resolve(wide["CodiceRegione"], str.strip)
        reason = first_reason(wide.index, [
            (wide["period_start"].isna(), "bulletin date is not a date", wide["Data_Report"]),
            (wide["area"] == "", "empty region name", None),
            (~wide["_code"].str.fullmatch(r"\d{2}"), "CodiceRegione is not a two-digit ISTAT "
             "region code", wide["CodiceRegione"]),
        ])
        ctx.reject_rows(wide, reason != "", reason)
        wide = wide.loc[reason == ""]
        # A blank cell: that kind of facility was not reported for the region in that
        # bulletin (SIPROIMI became SAI in 2021; hotspots exist in a few regions): no figure.
        long = melt_counts(ctx, wide, ["_line", "_raw", "period_start", "area", "_code"],
                           list(facilities), _counts).rename(columns={"_line": "line"})
        long["category"] = long["_col"].map(facilities)
        long["metric"] = RECEPTION
        long["precision"] = "day"
        long["country"] = "ITA"
        yield Batch("observations", _finish(long, ["metric", "country", "_code", "category",
                                                   "period_start"]))


ADAPTERS = [ItalyRawBulletins, ItalyDailySeaArrivals, ItalyNationalityYtd,
            ItalyReceptionByRegion]
