"""Series in the fixed long format ``unique_id, ds, y`` (statsforecast's), built from
observation rows."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: The dimensions that identify a series, in hierarchy order.
SERIES_KEYS = ("metric", "route", "border_type", "nationality", "country", "area", "category")


def to_series(frame: pd.DataFrame, by: Sequence[str] = SERIES_KEYS) -> pd.DataFrame:
    """Sum observations per series key and period. ``unique_id`` joins the key values with
    ``/`` (missing dimensions are left out of it); the key columns are kept beside it."""
    if frame.empty:
        return pd.DataFrame({"unique_id": pd.Series(dtype=str), "ds": pd.Series(dtype=str),
                             "y": pd.Series(dtype=float)})
    keys = [k for k in by if k in frame.columns and frame[k].notna().any()]
    work = frame.copy()
    for k in keys:
        work[k] = work[k].fillna("")
    grouped = work.groupby([*keys, "period_start"], sort=True)["value"].sum(min_count=1)
    out = grouped.reset_index().rename(columns={"period_start": "ds", "value": "y"})
    out["unique_id"] = out[keys].astype(str).agg(
        lambda r: "/".join(v for v in r if v), axis=1
    ) if keys else "all"
    return out[["unique_id", "ds", "y", *keys]]
