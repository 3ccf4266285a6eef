"""The situation overview page: self-contained, marked, with charts and freshness."""

from __future__ import annotations

from pathlib import Path

from flankwatch.ingest import ingest
from flankwatch.report import overview
from flankwatch.store.duckdb import DuckDBStore
from tests.factories import write

LONG = """route,type,nat,t,n
Eastern Borders Route,Land,IRQ,2021-06,300
Eastern Borders Route,Land,IRQ,2021-07,1903
Central Mediterranean Route,Sea,TUN,2021-07,900
"""


def test_overview_has_banner_chart_freshness_and_no_external_assets(
        tmp_path: Path, store: DuckDBStore) -> None:
    report = ingest(store, [write(tmp_path, "ibc.csv", LONG)])
    page = overview.write(store.reader(), report.to_json(), tmp_path / "out").read_text()
    assert page.count("PUBLIC RELEASABLE") >= 2  # top and bottom banners
    assert "<svg" in page and "Eastern Borders Route" in page
    assert "Data freshness" in page and "2021-07-01" in page
    # works offline, from a file: nothing is fetched
    assert 'src="http' not in page and 'href="http' not in page
