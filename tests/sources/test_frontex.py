"""Frontex IBC adapters: both layouts, on generated fixtures and the real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.sources.frontex import FrontexLong, FrontexWide
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore
from tests.conftest import real_file
from tests.factories import ingest_one, parse_all, write

LONG = """route,type,nat,t,n
Eastern Borders Route,Land,IRQ,2021-07,1903
Eastern Borders Route,Land,AFG,2021-07,308
Eastern Borders Route,Land,ZZZ,2021-07,5
Eastern Borders Route,Air,IRQ,2021-07,5
Eastern Borders Route,Land,IRQ,2021-13,5
Eastern Borders Route,Land,COG,2021-07,many
"""


def test_long_layout_keeps_good_rows_and_quarantines_bad_ones(tmp_path: Path,
                                                               store: DuckDBStore) -> None:
    path = write(tmp_path, "ibc.csv", LONG)
    assert isinstance(detect(path), FrontexLong)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (6, 2, 4)
    q = store.reader().quarantine()
    reasons = dict(zip(q["line"], q["reason"], strict=True))
    assert "unknown nationality" in reasons[4] and "'ZZZ'" in reasons[4]
    assert reasons[5] == "border type is neither Sea nor Land"
    assert "month" in reasons[6]
    assert reasons[7] == "count is not a number"
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 2)


def test_wide_and_long_layouts_share_ids(tmp_path: Path, store: DuckDBStore) -> None:
    wide = write(tmp_path, "wide.csv",
                 "Route,Border type or inland,Nationality,JUN2021,JUL2021\n"
                 "Eastern Borders Route,Land,Iraq,0,1903\n"
                 "Eastern Borders Route,Land,Afghanistan,,308\n")
    assert isinstance(detect(wide), FrontexWide)
    long = write(tmp_path, "long.csv", LONG.splitlines()[0] + "\n"
                 + "\n".join(LONG.splitlines()[1:3]) + "\n")
    ingest_one(store, long)
    report = ingest_one(store, wide)
    # Iraq JUN (explicit 0) is new; Iraq JUL and Afghanistan JUL are the long rows again;
    # Afghanistan JUN is blank: no figure, no record.
    assert (report.tally.read, report.tally.stored, report.tally.duplicates) == (3, 1, 2)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
                min_size=1, max_size=8))
def test_long_layout_never_crashes_on_garbage_lines(tmp_path_factory: pytest.TempPathFactory,
                                                   lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "ibc.csv"
    path.write_text("route,type,nat,t,n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows, ctx = parse_all(FrontexLong(), path)
    assert rows.get("observations", 0) + ctx.quarantined >= 0


@pytest.mark.realdata
def test_real_long_file(store: DuckDBStore) -> None:
    path = real_file("frontex/frontex_ibc_monthly_route_nationality_long.csv")
    report = ingest_one(store, path)
    assert report.tally.read == 34_273
    assert report.tally.balanced
    frame = store.reader().select(
        __import__("flankwatch.store.query", fromlist=["Query"]).Query.build(
            "observations", start="2021-07", end="2021-08",
            where={"route": "Eastern Borders Route"})
    )
    assert frame["value"].sum() == 3_236


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["frontex/frontex_ibc_monthly_wide_reconstructed.csv",
                                  "frontex/Monthly_detections_of_IBC_reconstructed_2025_06.xlsx"])
def test_real_wide_files_match_the_long_file(store: DuckDBStore, name: str) -> None:
    ingest_one(store, real_file("frontex/frontex_ibc_monthly_route_nationality_long.csv"))
    report = ingest_one(store, real_file(name))
    assert report.tally.balanced
    assert report.tally.quarantined == 0
    # every non-zero cell is a row of the long file: only explicit zeros are new
    stored = store.reader().select(
        __import__("flankwatch.store.query", fromlist=["Query"]).Query.build("observations")
    )
    assert (stored["value"] > 0).sum() == 34_273


def test_truncated_xlsx_is_a_clear_file_error(tmp_path: Path, store: DuckDBStore) -> None:
    src = real_file("frontex/Monthly_detections_of_IBC_reconstructed_2025_06.xlsx")
    broken = tmp_path / "Monthly_detections_of_IBC_broken.xlsx"
    broken.write_bytes(src.read_bytes()[:20_000])
    report = ingest_one(store, broken)
    assert report.status == "failed"
    assert "xlsx" in (report.error or "")
    assert store.reader().status()["observations"] == 0
