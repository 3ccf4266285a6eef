"""Row checks shared by the column-wise adapters: the first failing reason of each row,
strict numbers, mapping each distinct raw value once, and the JSON of normalised values."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from flankwatch.sources.base import ParseContext

#: A check: (mask of failing rows, reason, raw values to quote in the reason or None).
Check = tuple[pd.Series, str, pd.Series | None]


def first_reason(index: pd.Index, checks: Sequence[Check]) -> pd.Series:
    """The first failing check's reason per row ("" = good). The raw value is appended to
    the reason, as text, only for failing rows (building reason strings for every row would
    cost more than the parse)."""
    reason = pd.Series("", index=index, dtype=object)
    taken = np.zeros(len(index), dtype=bool)
    for mask, why, values in checks:
        new = np.asarray(mask, dtype=bool) & ~taken
        if new.any():
            reason[new] = why if values is None else [f"{why}: {v!r}" for v in values[new]]
            taken |= new
    return reason


def resolve(raw: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Map each distinct value once (codes, names and dates repeat a lot). The result is
    always of object dtype, even for an empty column (pandas would make that float)."""
    return raw.map({v: fn(v) for v in raw.unique()}).astype(object)


class Reasons:
    """The first reason each row fails for (empty string = the row is good). The values quoted
    in a reason are formatted for the failing rows only."""

    def __init__(self, index: pd.Index) -> None:
        self.reason = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, why: str, *values: pd.Series) -> None:
        new = mask & (self.reason == "")
        if not new.any():
            return
        if not values:
            self.reason[new] = why
            return
        picked = [v[new] for v in values]
        self.reason[new] = [f"{why}: " + ", ".join(repr(x) for x in row)
                            for row in zip(*picked, strict=True)]

    @property
    def bad(self) -> pd.Series:
        return self.reason != ""


def strict_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strict numbers: (values, junk mask). Blank is NaN and not junk; anything else that is
    not a finite number is junk (no flags or footnotes are stripped)."""
    try:  # numpy's conversion is ten times faster than to_numeric; it fails on any blank
        values = pd.Series(np.array(raw.to_numpy(), dtype=float), index=raw.index)
    except ValueError:
        values = pd.to_numeric(raw, errors="coerce").astype(float)
    missing = ~np.isfinite(values)
    junk = missing.copy()
    # Only the few cells that did not parse need the (slow) blank test.
    junk[missing] = (raw[missing].str.strip() != "").to_numpy(dtype=bool)
    return values.where(~missing), junk


def changed_originals(frame: pd.DataFrame, pairs: dict[str, tuple[str, str]]
                      ) -> list[str | None]:
    """JSON of raw values that were normalised (``pairs``: name -> (raw column, stored
    column)); ``None`` for rows where nothing changed (nearly all of them in ISO-coded files),
    which cost one vector comparison."""
    diff = {n: (frame[r] != frame[c]).to_numpy() for n, (r, c) in pairs.items()}
    raws = {n: frame[r].to_numpy() for n, (r, _) in pairs.items()}
    out: list[str | None] = [None] * len(frame)
    for i in np.flatnonzero(np.logical_or.reduce(list(diff.values()))):
        out[i] = json.dumps({n: raws[n][i] for n in pairs if diff[n][i]}, ensure_ascii=False)
    return out


def counts(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strings -> (float counts, blank-or-NA mask). Junk is NaN outside the blank mask;
    ``inf`` and ``nan`` are junk, not counts."""
    try:  # the common case, all numbers (float() accepts surrounding blanks), at C speed
        value = raw.astype(float)
        blank = pd.Series(False, index=raw.index)
    except ValueError:
        text = raw.astype(str).str.strip()
        blank = text.isin(["", "NA"])
        value = pd.to_numeric(text, errors="coerce").astype(float)
    value[~value.abs().lt(float("inf"))] = float("nan")
    return value, blank


def note(reasons: pd.Series, mask: pd.Series, template: str, *columns: pd.Series) -> None:
    """Record a quarantine reason where ``mask`` holds and no earlier problem was found (the
    first problem of a row is its reason). ``template`` is formatted with the row's values of
    ``columns``; messages are built only for the rows that need one."""
    new = mask & (reasons == "")
    if new.any():
        reasons[new] = [template.format(*vals) for vals in zip(*(c[new] for c in columns),
                                                                strict=True)] \
            if columns else template


def melt_counts(ctx: ParseContext, wide: pd.DataFrame, id_vars: list[str],
                value_vars: list[str], parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
                ) -> pd.DataFrame:
    """One row per non-blank cell of the ``value_vars`` columns, with ``value`` and ``_col``
    (the column it came from). Cells that are not a number or are negative are quarantined
    with their column named; blank cells are "no figure" and simply not there."""
    long = wide.melt(id_vars=id_vars, value_vars=value_vars, var_name="_col", value_name="_n")
    long["value"], blank = parse(long["_n"])
    bad = ~blank & (long["value"].isna() | (long["value"] < 0))
    if bad.any():
        long.loc[bad, "_raw"] = [f"{r} [column {c}: {n!r}]" for r, c, n in zip(
            long.loc[bad, "_raw"], long.loc[bad, "_col"], long.loc[bad, "_n"], strict=True)]
        ctx.reject_rows(long, bad, pd.Series(
            ["negative count" if v < 0 else "count is not a number" for v in long["value"]],
            index=long.index))
    return long.loc[~blank & ~bad]
