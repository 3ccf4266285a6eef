"""The exception tree.

::

    FlankWatchError
    ├── ConfigurationError        bad settings or command-line values
    ├── SourceError               something wrong with an input file
    │   ├── UnknownFormatError    no adapter recognises the file
    │   └── SourceAbort           the file cannot be read at all (nothing stored from it)
    ├── RecordRejected            one record is bad: it goes to quarantine, the run goes on
    ├── FetchError                a download failed (sources/fetch.py: URL, HTTP status, reason)
    └── StoreError                the database could not be opened, migrated or written
"""

from __future__ import annotations


class FlankWatchError(Exception):
    """Base of every error FlankWatch raises on purpose."""


class ConfigurationError(FlankWatchError):
    """A setting or option has a value FlankWatch cannot use."""


class SourceError(FlankWatchError):
    """An input file could not be used; the message names the file and the reason."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class UnknownFormatError(SourceError):
    """No adapter recognises the file's content."""


class SourceAbort(SourceError):
    """The whole file is unreadable: abort it, keep going with the other files."""


class RecordRejected(FlankWatchError):
    """One record is invalid. Adapters raise it; the context turns it into a quarantine entry."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class StoreError(FlankWatchError):
    """The store could not be opened, migrated or written."""
