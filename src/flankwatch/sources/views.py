"""VIEWS (Violence & Impacts Early-Warning System, PRIO / Uppsala) country-month data.

Four layouts:

* ``cm_features`` CSV extracts (``month_id, month, country_id, ..., ged_sb, ged_ns, ged_os``
  or ``ged_os_tlag_1``, ``name, iso3``): UCDP fatalities per country-month as VIEWS serves
  them -> ``observations``, one record per cell, source ``views``;
* the country key (``id, name, gwcode, isoname, isoab, ...``) -> ``codes``, scheme
  ``views_country``, source ``views``;
* the 2023/24 prediction-challenge benchmarks (Parquet, ``window, month_id, country_id, draw,
  outcome``; up to 16 million rows) -> ``forecasts``, ONE record per model x window x country x
  month holding the draws as a vector, source ``views_challenge``;
* the challenge actuals (Parquet, ``window, month_id, country_id, outcome``) ->
  ``observations`` metric ``ged_sb`` with ``category`` = window, source ``views_challenge``.

VIEWS numbers months from 1 = January 1980 and countries by its own ids (neither ISO nor
Gleditsch-Ward); docs/sources/views.md explains every mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flankwatch.errors import SourceAbort
from flankwatch.model.country import is_known, to_iso3
from flankwatch.sources.base import (
    Adapter,
    Batch,
    ParseContext,
    SourceMeta,
    blank,
    header_fields,
    ids_for,
    read_csv_raw,
    read_head,
)
from flankwatch.sources.checks import note

SOURCE = "views"
CHALLENGE = "views_challenge"
UNIT = "fatalities"
TARGET = "ged_sb"
EPOCH_YEAR = 1980  # VIEWS month_id 1 is January 1980
LAST_MONTH_ID = (2200 - EPOCH_YEAR + 1) * 12  # the model's dates end in 2200
BATCH_ROWS = 500_000
FORECAST_CHUNK = 5_000  # groups per batch: 5,000 x 1,000 draws keeps memory moderate

#: The fatality columns loaded from cm_features extracts (UCDP best estimates).
METRICS: dict[str, str] = {
    "ged_sb": "state-based violence",
    "ged_ns": "non-state violence",
    "ged_os": "one-sided violence",
    "ged_os_tlag_1": "one-sided violence in the PREVIOUS month (VIEWS' one-month lag)",
}
_FEATURE_KEYS = ("month_id", "month", "country_id", "gleditsch_ward", "name", "iso3")
KEY_HEADER = ("id", "name", "gwcode", "isoname", "isoab")
BENCHMARK_COLUMNS = frozenset({"window", "month_id", "country_id", "draw", "outcome"})
ACTUALS_COLUMNS = frozenset({"window", "month_id", "country_id", "outcome"})
#: The benchmark files do not name their model: the file name does (VIEWS' own names were
#: ``boot 2018.parquet``, ``last 2018.parquet``, ``Conflictology 2018.parquet``).
MODELS = (
    (re.compile(r"conflictology"), "views_benchmark_conflictology"),
    (re.compile(r"last_historical|poisson|^last\b"), "views_benchmark_last_historical_poisson"),
    (re.compile(r"bootstrap|^boot\b"), "views_benchmark_bootstrap"),
)
_WINDOW_LABEL = re.compile(r"Y(19|20)\d\d")
_KEY_SQL = """CAST("window" AS VARCHAR) AS win, TRY_CAST(month_id AS DOUBLE) AS month_id,
               TRY_CAST(country_id AS DOUBLE) AS country_id"""
_FORECAST_COLUMNS = ["id", "line", "model", "win", "cutoff", "country_id", "country",
                     "period_start"]

_COMMON = dict(
    publisher="VIEWS (Violence & Impacts Early-Warning System), PRIO and Uppsala University; "
    "fatalities from UCDP GED and UCDP Candidate",
    licence="CC BY 4.0 (UCDP data via VIEWS); cite Hegre et al. for the challenge data",
)


def month_of(month_id: int) -> date:
    """The first day of VIEWS month ``month_id`` (1 = 1980-01)."""
    years, month = divmod(month_id - 1, 12)
    return date(EPOCH_YEAR + years, month + 1, 1)




def _whole(values: pd.Series, low: int, high: int) -> pd.Series:
    """Numbers that are whole and within [low, high]; anything else becomes NaN."""
    num = pd.to_numeric(values, errors="coerce")
    if values.dtype == object and num.isna().any():  # tolerate padding: " 457"
        num = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    num = num.astype(float)
    ok = np.isfinite(num) & (num == np.floor(num)) & num.between(low, high)
    return num.where(ok)


def _months(values: pd.Series, reasons: pd.Series) -> pd.Series:
    """Period starts of VIEWS month ids; the rows without one get a reason."""
    num = _whole(values, 1, LAST_MONTH_ID)
    lookup = {m: month_of(int(m)) for m in num.dropna().unique()}
    periods = num.map(lookup).astype(object)
    note(reasons, num.isna(), "month_id {!r} is not a VIEWS month number (1 = 1980-01)",
          values)
    return periods


def _country_ids(values: pd.Series, reasons: pd.Series) -> pd.Series:
    num = _whole(values, 1, 1_000_000)
    note(reasons, num.isna(), "country_id {!r} is not a VIEWS country id", values)
    return num


def _batches(table: str, frame: pd.DataFrame) -> Iterator[Batch]:
    for start in range(0, len(frame), BATCH_ROWS):
        yield Batch(table, frame.iloc[start:start + BATCH_ROWS])


# ---------------------------------------------------------------------------------------------
# cm_features CSV extracts


def _resolve(iso: str, name: str) -> tuple[str | None, str]:
    """ISO-3 of one (iso3, name) pair, or the reason it has none. A code that is given but
    unknown is not second-guessed from the name."""
    if iso:
        return (iso, "") if is_known(iso) else (None, f"unknown country code {iso!r}")
    found = to_iso3(name) if name else None
    if found is None:
        return None, f"iso3 is blank and the name {name!r} does not resolve to a country"
    return found, ""


class ViewsFeatures(Adapter):
    """VIEWS cm_features extracts: one observation per country-month and fatality column."""

    meta = SourceMeta(
        name="views_cm_features_csv",
        source=SOURCE,
        title="VIEWS country-month UCDP fatalities (cm_features extracts)",
        cadence="monthly",
        url="https://api.viewsforecasting.org/",
        formats=("csv: month_id,month,country_id,gleditsch_ward,ged_sb[,ged_ns,ged_os|"
                 "ged_os_tlag_1],name,iso3",),
        tables=("observations",),
        count_assertions={"observations": (1_000, 3_000_000)},
        notes="ged_os_tlag_1 is stored as published: one-sided fatalities of the previous "
        "month, filed under the row's month.",
        **_COMMON,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        fields = set(header_fields(head))
        return 90 if {"month_id", "country_id"} <= fields and fields & set(METRICS) else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["month_id", "country_id"])
        metrics = [c for c in raw.columns if c in METRICS]
        if not metrics:
            raise SourceAbort(ctx.file, f"no fatality column ({', '.join(METRICS)})", line=1)
        ignored = [c for c in raw.columns
                   if not c.startswith("_") and c not in METRICS and c not in _FEATURE_KEYS]
        if ignored:
            ctx.warn(f"{ctx.path.name}: columns not loaded: {', '.join(ignored)}")
        if raw.empty:
            return
        reasons = pd.Series("", index=raw.index, dtype=object)
        raw["period_start"] = _months(raw["month_id"], reasons)
        if "month" in raw.columns:
            # month_id is the key; a disagreeing month label means a shifted or edited row.
            labels = {p: p.strftime("%Y-%m") for p in raw["period_start"].dropna().unique()}
            derived = raw["period_start"].map(labels)
            stated = raw["month"].str.strip()
            note(reasons, derived.notna() & (stated != derived),
                  "month {!r} does not match month_id {!r} ({})", stated, raw["month_id"],
                  derived)
        raw["_cid"] = _country_ids(raw["country_id"], reasons)
        blank_col = pd.Series("", index=raw.index, dtype=object)
        iso = raw["iso3"].str.strip().str.upper() if "iso3" in raw.columns else blank_col
        name = raw["name"].str.strip() if "name" in raw.columns else blank_col
        pairs = {p: _resolve(*p) for p in set(zip(iso, name, strict=True))}
        found = [pairs[p] for p in zip(iso, name, strict=True)]
        raw["country"] = pd.Series([f[0] for f in found], index=raw.index, dtype=object)
        why = pd.Series([f[1] for f in found], index=raw.index, dtype=object)
        note(reasons, why != "", "{}", why)
        raw["_orig"] = None
        by_name = (iso == "") & raw["country"].notna()
        raw.loc[by_name, "_orig"] = [json.dumps({"iso3": "", "name": n}, ensure_ascii=False)
                                     for n in name[by_name]]
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad]
        long = good.melt(id_vars=["_line", "_raw", "period_start", "_cid", "country", "_orig"],
                         value_vars=metrics, var_name="metric", value_name="_v")
        value = pd.to_numeric(long["_v"], errors="coerce").astype(float)
        empty = pd.Series(False, index=long.index, dtype=bool)
        retry = value.isna()
        if retry.any():  # the slow path only for cells the fast parse did not take
            text = long.loc[retry, "_v"].astype(str).str.strip()
            gap = blank(text).to_numpy(dtype=bool)
            empty[retry] = gap
            value[retry] = pd.to_numeric(text.where(~gap, None), errors="coerce").to_numpy(float)
        junk = ~empty & (value.isna() | ~np.isfinite(value.fillna(0)))
        negative = ~empty & ~junk & (value < 0)
        cells = pd.Series("", index=long.index, dtype=object)
        note(cells, junk, "{} {!r} is not a number", long["metric"], long["_v"])
        note(cells, negative, "{} {!r} is negative", long["metric"], long["_v"])
        rejected = cells != ""
        if rejected.any():
            long.loc[rejected, "_raw"] = [f"{r} [column {m}: {v!r}]" for r, m, v in zip(
                long.loc[rejected, "_raw"], long.loc[rejected, "metric"],
                long.loc[rejected, "_v"], strict=True)]
            ctx.reject_rows(long, rejected, cells)
        if empty.any():
            ctx.warn(f"{ctx.path.name}: {int(empty.sum())} blank cell(s): no figure, not read")
        keep = ~(empty | junk | negative)
        long = long.loc[keep].assign(value=value.loc[keep], precision="month", unit=UNIT)
        long["_cid"] = long["_cid"].astype("int64")  # ids hash "220", not "220.0"
        long["id"] = ids_for(SOURCE, long, ["metric", "_cid", "period_start"])
        yield from _batches("observations", long.rename(
            columns={"_line": "line", "_orig": "original"})[[
                "id", "line", "original", "metric", "period_start", "precision", "value",
                "unit", "country"]])


# ---------------------------------------------------------------------------------------------
# The country key


def _int_or_none(text: str) -> int | None:
    try:
        return int(float(text))
    except (ValueError, OverflowError):  # blank, junk, NaN or infinite
        return None


def _key_iso3(isoab: str, name: str) -> str | None:
    """ISO-3 of a key row: its ``isoab`` when that is a known code, else its name (Kosovo has
    no ``isoab``; historical units such as the USSR resolve to nothing)."""
    code = isoab.strip().upper()
    if code and is_known(code):
        return code
    return to_iso3(name) if name.strip() else None


class ViewsCountryKey(Adapter):
    """The VIEWS country key: VIEWS country id -> name, Gleditsch-Ward code and ISO codes."""

    meta = SourceMeta(
        name="views_country_key_csv",
        source=SOURCE,
        title="VIEWS country key (VIEWS country ids)",
        cadence="irregular",
        url="https://github.com/prio-data/views_api/wiki/Available-datasets",
        formats=("csv: id,name,gwcode,isoname,isoab,isonum,in_africa,in_middle_east",),
        tables=("codes",),
        count_assertions={"codes": (150, 400)},
        **_COMMON,  # type: ignore[arg-type]
    )

    def sniff(self, path: Path, head: str) -> int:
        return 90 if tuple(header_fields(head)[:5]) == KEY_HEADER else 0

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        raw = read_csv_raw(ctx, expected=["id", "name"])
        get = {c: (raw[c].str.strip() if c in raw.columns else pd.Series("", index=raw.index))
               for c in ("gwcode", "isoname", "isoab", "isonum", "in_africa", "in_middle_east")}
        reasons = pd.Series("", index=raw.index, dtype=object)
        cid = _country_ids(raw["id"], reasons)
        name = raw["name"].str.strip()
        note(reasons, name == "", "the country has no name")
        bad = reasons != ""
        ctx.reject_rows(raw, bad, reasons)
        good = raw.loc[~bad]
        attrs = [
            json.dumps({
                "gwcode": _int_or_none(g), "isoname": n or None, "isoab": a or None,
                "isonum": _int_or_none(u), "in_africa": _int_or_none(f),
                "in_middle_east": _int_or_none(e), "iso3": _key_iso3(a, label),
            }, ensure_ascii=False)
            for g, n, a, u, f, e, label in zip(*(get[c].loc[good.index] for c in get),
                                                name.loc[good.index], strict=True)
        ]
        frame = pd.DataFrame({
            "scheme": "views_country",
            "code": [str(int(c)) for c in cid.loc[good.index]],
            "label": name.loc[good.index].to_numpy(),
            "attrs": attrs,
            "line": good["_line"].to_numpy(),
        })
        frame["id"] = ids_for(SOURCE, frame, ["scheme", "code"])
        yield Batch("codes", frame)


def _country_map(folder: Path, ctx: ParseContext) -> dict[int, str]:
    """VIEWS country id -> ISO-3 from a country key in the same folder (empty without one).

    The challenge files carry only VIEWS ids; a key ingested earlier into the store cannot be
    used (adapters do not read the store), so the key must sit next to the file.
    """
    candidates = [folder / "views_country_key.csv", *sorted(folder.glob("*country_key*.csv"))]
    for path in candidates:
        try:
            if not path.is_file() or tuple(header_fields(read_head(path))[:5]) != KEY_HEADER:
                continue
            key = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                              on_bad_lines="skip")
        except (OSError, ValueError, pd.errors.ParserError):
            continue
        out: dict[int, str] = {}
        for cid, isoab, name in zip(key["id"], key["isoab"], key["name"], strict=True):
            number, iso = _int_or_none(cid), _key_iso3(isoab, name)
            if number is not None and iso is not None:
                out[number] = iso
        return out
    ctx.warn(f"{ctx.path.name}: no VIEWS country key (views_country_key.csv) in the same "
             "folder: country is left empty, the VIEWS country id is kept")
    return {}


# ---------------------------------------------------------------------------------------------
# Challenge Parquet files


def _schema_names(path: Path) -> list[str] | None:
    try:
        return [str(n).lower() for n in pq.read_schema(path).names]
    except (OSError, ValueError, pa.ArrowException):
        return None


def _sniff_parquet(path: Path, head: str, needed: frozenset[str], damaged_hint: str) -> int:
    if not head.startswith("PAR1"):
        return 0
    names = _schema_names(path)
    if names is None:
        # A truncated file has lost its footer (the schema); its first pages still hold the
        # window labels. Claim it so that parse reports it as unreadable instead of "unknown
        # format"; the file name tells the two layouts apart.
        hit = _WINDOW_LABEL.search(head) and damaged_hint in path.name.lower()
        return 30 if hit else 0
    has = set(names)
    if not needed <= has:
        return 0
    return 95 if ("draw" in has) == ("draw" in needed) else 0


def _query(ctx: ParseContext, needed: frozenset[str], sql: str) -> pa.Table:
    """Run ``sql`` over the file (``$path``) in a private in-memory DuckDB."""
    names = _schema_names(ctx.path)
    if names is None:
        raise SourceAbort(ctx.file, "not a readable Parquet file: the footer with the schema "
                          "is missing or damaged (truncated download?)")
    missing = sorted(needed - set(names))
    if missing:
        raise SourceAbort(ctx.file, f"Parquet file lacks column(s) {missing}")
    con = duckdb.connect()
    try:
        return con.sql(sql, params={"path": str(ctx.path)}).to_arrow_table()
    except duckdb.Error as exc:
        raise SourceAbort(ctx.file, f"Parquet data cannot be read (damaged file?): {exc}") \
            from exc
    finally:
        con.close()


def _keys(frame: pd.DataFrame) -> pd.Series:
    """Validate window, month and country of each challenge row or group; returns reasons."""
    reasons = pd.Series("", index=frame.index, dtype=object)
    note(reasons, frame["win"].isna() | (frame["win"].fillna("").str.strip() == ""),
          "window is missing")
    frame["period_start"] = _months(frame["month_id"], reasons)
    frame["_cid"] = _country_ids(frame["country_id"], reasons)
    return reasons


class ViewsBenchmark(Adapter):
    """VIEWS prediction-challenge benchmark forecasts: draws per country-month."""

    meta = SourceMeta(
        name="views_challenge_benchmark_parquet",
        source=CHALLENGE,
        title="VIEWS 2023/24 prediction challenge: benchmark forecasts (country-month)",
        cadence="irregular (one release per challenge)",
        url="https://github.com/prio-data/prediction_competition_2023",
        formats=("parquet: window,month_id,country_id,draw,outcome",),
        tables=("forecasts",),
        count_assertions={"forecasts": (10_000, 20_000)},
        notes="The model comes from the file name (bootstrap, last_historical_poisson, "
        "conflictology).",
        **_COMMON,  # type: ignore[arg-type]
    )

    # One pass groups the draws and gathers what validation needs: counts, draw-number
    # range and sum (0..n-1 exactly once gives min 0, max n-1, sum n(n-1)/2), bad outcomes.
    _SQL = f"""
        SELECT {_KEY_SQL}, min(file_row_number) + 1 AS line, count(*) AS n,
               count(d) AS n_draw, min(d) AS d_min, max(d) AS d_max,
               CAST(sum(d) AS DOUBLE) AS d_sum, min(o) AS o_min,
               sum(CASE WHEN isfinite(o) THEN 0 ELSE 1 END) AS n_bad,
               list(o ORDER BY d) AS draws
        FROM (SELECT *, TRY_CAST(draw AS BIGINT) AS d, TRY_CAST(outcome AS DOUBLE) AS o
              FROM read_parquet($path, file_row_number = true))
        GROUP BY 1, 2, 3 ORDER BY line
    """

    def sniff(self, path: Path, head: str) -> int:
        return _sniff_parquet(path, head, BENCHMARK_COLUMNS, "benchmark")

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        stem = ctx.path.stem.lower()
        model = next((m for pattern, m in MODELS if pattern.search(stem)), None)
        if model is None:
            raise SourceAbort(ctx.file, "cannot tell which VIEWS benchmark this is: the file "
                              "name must contain bootstrap, last_historical_poisson or "
                              "conflictology")
        table = _query(ctx, BENCHMARK_COLUMNS, self._SQL)
        groups = table.drop_columns(["draws"]).to_pandas()
        reasons = _keys(groups)
        n = groups["n"]
        note(reasons, groups["n_bad"] > 0, "{} of {} draws have no outcome", groups["n_bad"],
              n)
        note(reasons, groups["o_min"] < 0, "negative outcome (fatalities cannot be negative)")
        note(reasons, groups["n_draw"] < n, "rows without a draw number")
        regular = (groups["d_min"] == 0) & (groups["d_max"] == n - 1) & \
            (groups["d_sum"] == n * (n - 1) / 2)
        note(reasons, ~regular, "draw numbers are not 0..{}: repeated or missing draws", n - 1)
        groups["_line"] = groups["line"]
        groups["_raw"] = [f"window={w},month_id={m},country_id={c}: {k} rows from row {r}"
                          for w, m, c, k, r in zip(groups["win"], groups["month_id"],
                                                   groups["country_id"], n, groups["line"],
                                                   strict=True)]
        ctx.reject_rows(groups, reasons != "", reasons)
        keep = np.flatnonzero((reasons == "").to_numpy())
        good = groups.iloc[keep].copy()
        if good.empty:
            return
        usual = int(good["n"].mode().iloc[0])
        odd = int((good["n"] != usual).sum())
        if odd:
            ctx.warn(f"{ctx.path.name}: {odd} forecast(s) have a number of draws other than "
                     f"the usual {usual}; kept as they are")
        # The cutoff is the last month before the window's first forecast month.
        first = good.groupby("win")["month_id"].transform("min").astype(int)
        cutoffs = {m: (month_of(m - 1) if m > 1 else None) for m in first.unique()}
        good["cutoff"] = first.map(cutoffs)
        iso = _country_map(ctx.path.parent, ctx)
        good["country_id"] = good["_cid"].astype(int)
        good["country"] = good["country_id"].map(iso).astype(object).replace({np.nan: None})
        good["model"] = model
        good["id"] = ids_for(CHALLENGE, good, ["model", "win", "country_id", "period_start"])
        draws = table.column("draws")
        if len(keep) != table.num_rows:  # copy the draws once, only when groups were dropped
            draws = draws.take(pa.array(keep))
        for start in range(0, len(good), FORECAST_CHUNK):
            part = good.iloc[start:start + FORECAST_CHUNK]
            vectors = draws.slice(start, FORECAST_CHUNK).to_pandas().to_numpy()
            yield Batch("forecasts", part[_FORECAST_COLUMNS].rename(columns={"win": "window"})
                        .assign(target=TARGET, precision="month", draws=vectors))


class ViewsActuals(Adapter):
    """VIEWS prediction-challenge actuals: observed ged_sb per window and country-month."""

    meta = SourceMeta(
        name="views_challenge_actuals_parquet",
        source=CHALLENGE,
        title="VIEWS 2023/24 prediction challenge: actuals (state-based fatalities)",
        cadence="irregular (one release per challenge)",
        url="https://github.com/prio-data/prediction_competition_2023",
        formats=("parquet: window,month_id,country_id,outcome",),
        tables=("observations",),
        count_assertions={"observations": (10_000, 20_000)},
        **_COMMON,  # type: ignore[arg-type]
    )

    _SQL = f"""
        SELECT {_KEY_SQL}, TRY_CAST(outcome AS DOUBLE) AS outcome,
               CAST(outcome AS VARCHAR) AS outcome_text, file_row_number + 1 AS line
        FROM read_parquet($path, file_row_number = true) ORDER BY line
    """

    def sniff(self, path: Path, head: str) -> int:
        return _sniff_parquet(path, head, ACTUALS_COLUMNS, "actual")

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        rows = _query(ctx, ACTUALS_COLUMNS, self._SQL).to_pandas()
        reasons = _keys(rows)
        value = rows["outcome"]
        note(reasons, value.isna() | ~np.isfinite(value.fillna(0)), "outcome {!r} is not a number",
              rows["outcome_text"])
        note(reasons, value < 0, "negative outcome (fatalities cannot be negative)")
        bad = reasons != ""
        rows["_line"], rows["_raw"] = rows["line"], ""
        rows.loc[bad, "_raw"] = [f"{w},{m},{c},{t}" for w, m, c, t in rows.loc[
            bad, ["win", "month_id", "country_id", "outcome_text"]].itertuples(index=False)]
        ctx.reject_rows(rows, bad, reasons)
        good = rows.loc[~bad].rename(columns={"win": "category", "outcome": "value"})
        if good.empty:
            return
        iso = _country_map(ctx.path.parent, ctx)
        cid = good["_cid"].astype(int)
        good = good.assign(metric=TARGET, precision="month", unit=UNIT, _cid=cid,
                           country=cid.map(iso).astype(object).replace({np.nan: None}),
                           area=[f"views_country:{c}" for c in cid])
        good["id"] = ids_for(CHALLENGE, good, ["metric", "category", "_cid", "period_start"])
        yield from _batches("observations", good[[
            "id", "line", "metric", "period_start", "precision", "value", "unit", "country",
            "area", "category"]])


ADAPTERS = [ViewsFeatures, ViewsCountryKey, ViewsBenchmark, ViewsActuals]
