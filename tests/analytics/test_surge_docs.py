"""Every surge detector has a model card that documents every one of its settings, and the
backtest page exists (a detector or a setting cannot land undocumented)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from flankwatch.analytics.detectors import DETECTORS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", list(DETECTORS))
def test_every_detector_has_a_model_card_with_every_setting(name: str) -> None:
    card = DOCS / "detectors" / f"{name}.md"
    assert card.exists(), f"{card} is missing"
    text = card.read_text(encoding="utf-8")
    det = DETECTORS[name]
    assert f"`{name}` {det.VERSION}" in text, "the card names the detector and its version"
    for heading in ("## Purpose", "## Inputs", "## Method", "## Settings", "## Backtest figures",
                    "## Known blind spots", "## Intended use"):
        assert heading in text, (name, heading)
    for f in fields(det.default_settings()):
        assert f"`{f.name}`" in text, (name, f.name)


def test_the_backtest_page_has_the_table() -> None:
    text = (DOCS / "backtest.md").read_text(encoding="utf-8")
    assert "bench/backtest_surges.py" in text
    assert "| | `seasonal_robust` | `cusum` | `ewma` | `yoy` |" in text
