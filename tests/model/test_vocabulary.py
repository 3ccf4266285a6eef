from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flankwatch.model.country import is_known, to_iso3
from flankwatch.model.geo import BBox, h3_cell
from flankwatch.model.identity import record_id
from flankwatch.model.period import parse_month


def test_record_id_is_stable_and_distinguishes_none_from_empty() -> None:
    assert record_id("frontex", "a", 1) == record_id("frontex", "a", 1)
    assert record_id("frontex", None) != record_id("frontex", "")
    assert record_id("frontex", "a") != record_id("eurostat", "a")
    assert len(record_id("x")) == 32


@pytest.mark.parametrize("text", ["2021-07", "2021M07", "Y2021M07", "JUL2021", "Jul-2021",
                                  "202107", " 2021-7 "])
def test_parse_month_accepts_publisher_labels(text: str) -> None:
    assert parse_month(text) == date(2021, 7, 1)


@pytest.mark.parametrize("text", ["2021-13", "July", "", "2021-00", "1800-01"])
def test_parse_month_rejects_junk(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


@given(st.text(max_size=12))
def test_parse_month_only_raises_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_month(text)


@pytest.mark.parametrize(("name", "code"), [
    ("Syrian Arab Republic", "SYR"), ("Iraq", "IRQ"), ("IQ", "IRQ"), ("IRQ", "IRQ"),
    ("Kosovo (SCR 2144)", "XKX"), ("OOS", "OOS"), ("Republic of Korea", "KOR"),
    ("Côte d'Ivoire", "CIV"), ("Stateless", "STL"), ("Atlantis", None), ("ZZZ", None),
])
def test_country_resolution(name: str, code: str | None) -> None:
    assert to_iso3(name) == code


def test_pseudo_codes_are_known() -> None:
    assert is_known("OOO") and is_known("XKX") and is_known("FRA") and not is_known("ZZZ")


def test_bbox_and_h3() -> None:
    box = BBox.parse("10,30,20,40")
    assert box.contains(12.6, 35.5) and not box.contains(25, 35)
    assert BBox(170, -10, -170, 10).contains(179, 0)
    with pytest.raises(ValueError):
        BBox(0, 50, 10, 40)
    assert h3_cell(12.6, 35.5) is not None
    assert h3_cell(None, 35.5) is None and h3_cell(200, 0) is None
