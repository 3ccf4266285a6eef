"""Typed settings. Every setting can be given as an environment variable with the
``FLANKWATCH_`` prefix (for example ``FLANKWATCH_DB=/srv/fw.duckdb``); docs/settings.md lists
them all and a test fails when one is undocumented."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """FlankWatch settings, read from the environment."""

    model_config = SettingsConfigDict(env_prefix="FLANKWATCH_", extra="ignore")

    db: Path = Field(
        default=Path("var/flankwatch.duckdb"),
        description="Path of the DuckDB store file.",
    )
    data: Path | None = Field(
        default=None,
        description="Folder of real open-source data files; the demo uses it instead of "
        "the synthetic exercise scenario when set.",
    )
    scenario_seed: int = Field(default=7, description="Seed of the exercise scenario.")
    fetch_timeout_s: float = Field(
        default=60.0, description="Timeout in seconds of one download by `flankwatch fetch`."
    )
    threads: int | None = Field(
        default=None, description="DuckDB worker threads (default: one per core)."
    )


def load_settings() -> Settings:
    """Read the settings from the environment (never at import time)."""
    return Settings()
