"""The adapter contract.

A source is metadata (:class:`SourceMeta`: publisher, licence, cadence, download address,
count assertions) plus an :class:`Adapter` that recognises a file (:meth:`Adapter.sniff`) and
parses it (:meth:`Adapter.parse`) into :class:`Batch` es of table rows. Adapters work on whole
columns (pandas) where they can, because ingest speed matters; each bad row becomes a
quarantine entry through :meth:`ParseContext.reject`, never an exception and never a silent
drop. An adapter raises :class:`~flankwatch.errors.SourceAbort` only when the file as a whole
cannot be read.

Counting: ``read`` is the number of source records an adapter considered (a row of a long
table, a cell of a wide table, an AIS message, a list entry); it equals rows emitted plus
quarantine entries.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar

import pandas as pd

from flankwatch.model.identity import KEY_SEPARATOR, record_id
from flankwatch.model.marking import PUBLIC, Marking
from flankwatch.model.records import QuarantineRecord

#: How many bytes of a file :func:`read_head` gives to ``sniff``.
HEAD_BYTES = 8192


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """What a source is, who publishes it and under which terms."""

    name: str  # adapter name, unique: e.g. "frontex_ibc_long"
    source: str  # source family stored with each record: e.g. "frontex"
    title: str
    publisher: str
    licence: str
    cadence: str  # how often the publisher updates it: daily, monthly, annual, irregular
    url: str  # where the publisher serves it (download address or landing page)
    formats: tuple[str, ...]
    tables: tuple[str, ...]  # tables it writes
    version: str = "1"
    marking: Marking = PUBLIC
    #: Expected record counts in a complete publisher file, per table: (minimum, maximum).
    #: A parse outside these bounds is reported as a warning in the ingest summary.
    count_assertions: dict[str, tuple[int, int]] = field(default_factory=dict)
    notes: str = ""


@dataclass(slots=True)
class Batch:
    """Rows for one table. Columns are fields of the table's record dataclass; the ingest
    step fills in provenance and marking columns the adapter leaves out."""

    table: str
    frame: pd.DataFrame
    #: When set, a row whose id is already stored only updates these columns (and its
    #: provenance); the rest of the stored record stays. For deltas that carry only what
    #: changed, such as a delisting that names just the entity's id.
    only: tuple[str, ...] = ()
    #: When true, a row never replaces a stored record of a later ``source_version``
    #: (versions compare as text, like OpenSanctions' timestamps): re-applying an old delta
    #: after a newer one changes nothing.
    keep_newer: bool = False


class ParseContext:
    """What an adapter gets while parsing one file: the path, the quarantine, the counters."""

    def __init__(self, path: Path, meta: SourceMeta, run_id: str = "") -> None:
        self.path = path
        self.meta = meta
        self.run_id = run_id
        self._quarantine: list[QuarantineRecord] = []
        self.quarantined = 0
        self.warnings: list[str] = []

    @property
    def file(self) -> str:
        return str(self.path)

    def reject(self, line: int, raw: str, reason: str) -> None:
        """Quarantine one record: the run goes on."""
        self.quarantined += 1
        self._quarantine.append(
            QuarantineRecord(
                id=record_id("quarantine", self.meta.source, self.file, line, raw, reason),
                run_id=self.run_id,
                source=self.meta.source,
                file=self.file,
                line=line,
                raw=raw[:4000],
                reason=reason,
            )
        )

    def reject_rows(self, frame: pd.DataFrame, mask: pd.Series, reason: str | pd.Series) -> None:
        """Quarantine the rows of a raw frame selected by ``mask``.

        The frame must carry a ``_line`` column (the file line of each row) and a ``_raw``
        column (the raw text, or a reconstruction of it).
        """
        bad = frame.loc[mask]
        reasons = reason.loc[mask] if isinstance(reason, pd.Series) else None
        for i, (line, raw) in enumerate(zip(bad["_line"], bad["_raw"], strict=True)):
            why = str(reasons.iloc[i]) if reasons is not None else str(reason)
            self.reject(int(line), str(raw), why)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def drain_quarantine(self) -> list[QuarantineRecord]:
        out, self._quarantine = self._quarantine, []
        return out


class Adapter(ABC):
    """One source format. Subclasses set ``meta`` and implement ``sniff`` and ``parse``."""

    meta: ClassVar[SourceMeta]

    @abstractmethod
    def sniff(self, path: Path, head: str) -> int:
        """How sure (0-100) this adapter is that it can read the file. ``head`` is the start
        of the (decompressed) file as text, BOM removed. 0 means "not mine"."""

    @abstractmethod
    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        """Yield batches of rows; quarantine bad records through ``ctx``."""


# ---------------------------------------------------------------------------------------------
# Helpers shared by adapters (reading files, raw-line reconstruction, ids).


def open_binary(path: Path) -> IO[bytes]:
    """Open a file, transparently decompressing gzip."""
    f = path.open("rb")
    magic = f.read(2)
    f.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f)  # type: ignore[return-value]
    return f


def open_text(path: Path) -> IO[str]:
    """Open a text file (gzip or not), dropping a UTF-8 BOM and keeping bad bytes visible."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="replace", newline="")


def read_head(path: Path, size: int = HEAD_BYTES) -> str:
    """The start of a file as text, for sniffing (binary files give replacement chars)."""
    with open_binary(path) as f:
        data = f.read(size)
    return data.decode("utf-8-sig", errors="replace")


def first_line(head: str) -> str:
    return head.splitlines()[0].strip() if head.strip() else ""


def header_fields(head: str) -> list[str]:
    """The header fields of a CSV head, unquoted and lower-cased."""
    line = first_line(head)
    return [f.strip().strip('"').strip().lower() for f in line.split(",")]


def has_columns(head: str, required: Iterable[str]) -> bool:
    fields = set(header_fields(head))
    return all(c.lower() in fields for c in required)


def read_csv_raw(ctx: ParseContext, *, delimiter: str = ",",
                 expected: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a delimited text file into a frame of strings, quarantining malformed rows.

    Rows whose field count differs from the header's (shifted columns, a stray delimiter, a
    truncated last line) are quarantined with the line and the reason; so are lines with NUL
    bytes. ``_line`` holds the file line on which each row starts (the header is line 1) and
    ``_raw`` the row's text. ``expected`` names columns that must be in the header (else the
    file is not readable: :class:`SourceAbort`).
    """
    from flankwatch.errors import SourceAbort

    with open_text(ctx.path) as f:
        text = f.read()
    fast = _read_csv_fast(text, delimiter, expected)
    if fast is not None:
        return fast
    # The careful path: row by row, so that each malformed row is quarantined on its own.
    with io.StringIO(text, newline="") as f:
        reader = csv.reader(_no_nul(f, ctx), delimiter=delimiter, strict=False)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceAbort(ctx.file, "the file is empty") from None
        except csv.Error as exc:
            raise SourceAbort(ctx.file, f"unreadable header: {exc}", line=1) from exc
        header = [h.strip() for h in header]
        if expected:
            missing = [c for c in expected if c not in header]
            if missing:
                raise SourceAbort(ctx.file, f"header lacks column(s) {missing}", line=1)
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                ctx.reject(start, "", f"malformed CSV: {exc}")
                start = reader.line_num + 1
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                start = reader.line_num + 1
                continue  # blank line: nothing to read
            if len(row) != width:
                ctx.reject(start, delimiter.join(row),
                           f"expected {width} fields (as in the header), found {len(row)}")
            else:
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(
        {h: pd.Series(dtype=str) for h in header})
    frame["_line"] = lines
    frame["_raw"] = [delimiter.join(r) for r in rows]
    return frame


def _read_csv_fast(text: str, delimiter: str,
                   expected: Sequence[str] | None) -> pd.DataFrame | None:
    """Parse a well-formed file in one pass of the C csv reader, or return ``None`` when the
    file has anything the careful path must handle row by row: NUL bytes, blank lines, quoted
    line breaks (which shift line numbers), rows with too few or too many fields."""
    if not text or "\x00" in text:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    try:
        rows = list(csv.reader(lines, delimiter=delimiter, strict=False))
    except csv.Error:
        return None
    if len(rows) < 2 or len(rows) != len(lines):
        return None
    header = [h.strip() for h in rows[0]]
    width = len(header)
    if expected and any(c not in header for c in expected):
        return None
    if any(len(r) != width for r in rows):
        return None  # a blank line, a short or long row, or a quoted line break
    frame = pd.DataFrame(rows[1:], columns=header, dtype=str)
    frame["_line"] = range(2, len(frame) + 2)
    frame["_raw"] = lines[1:]
    return frame


def _no_nul(lines: Iterable[str], ctx: ParseContext) -> Iterator[str]:
    """Pass lines through, quarantining any with a NUL byte (the csv module rejects them)."""
    for i, line in enumerate(lines, start=1):
        if "\x00" in line:
            ctx.reject(i, line.replace("\x00", "\\0"), "line contains a NUL byte")
            yield "\n"
        else:
            yield line


def to_number(series: pd.Series) -> pd.Series:
    """Strings to floats; blanks and Eurostat-style ``:`` become NaN, junk becomes NaN too
    (callers compare with the blank mask to find junk)."""
    cleaned = series.astype(str).str.strip().str.replace(r"^[:.\-]$", "", regex=True)
    cleaned = cleaned.str.replace(r"\s*[a-z]+$", "", regex=True)  # Eurostat flags: "123 p"
    return pd.to_numeric(cleaned.replace({"": None, "NA": None, "nan": None}), errors="coerce")


def blank(series: pd.Series) -> pd.Series:
    """Mask of blank or missing-marker cells."""
    s = series.astype(str).str.strip()
    return s.isin(["", ":", "NA", "nan", "None", "-"])


def ids_for(source: str, frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Content-derived ids from the key columns of a frame: the same ids as
    :func:`~flankwatch.model.identity.record_id` gives row by row, computed column-wise."""
    cols = [
        ["\x00" if v is None else str(v) for v in frame[k].tolist()] for k in key
    ]
    sep = KEY_SEPARATOR
    prefix = source + sep
    blake = hashlib.blake2b
    return [
        blake((prefix + sep.join(parts)).encode("utf-8"), digest_size=16).hexdigest()
        for parts in zip(*cols, strict=True)
    ]


def originals(frame: pd.DataFrame, mapping: dict[str, str]) -> list[str | None]:
    """JSON of original values for normalised fields: ``mapping`` is field -> raw column.
    Only fields whose original differs from the stored value are kept."""
    out: list[str | None] = []
    rows = zip(*(frame[raw].tolist() for raw in mapping.values()), strict=True)
    stored = zip(*(frame[f].tolist() for f in mapping), strict=True)
    names = list(mapping)
    for raw_vals, new_vals in zip(rows, stored, strict=True):
        changed = {n: r for n, r, v in zip(names, raw_vals, new_vals, strict=True) if r != v}
        out.append(json.dumps(changed, ensure_ascii=False) if changed else None)
    return out
