"""Row checks shared by the column-wise adapters: the first failing reason of each row, and
mapping each distinct raw value once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

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
