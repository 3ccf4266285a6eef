"""IOM Missing Migrants adapters: the tidy (gdidata) layout and the original MMP export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flankwatch.model.identity import record_id
from flankwatch.sources.base import read_head
from flankwatch.sources.iom_mmp import IomMmpGlobal, IomMmpTidy
from flankwatch.sources.registry import adapters, detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, mutated_fields, parse_all, write, write_csv

TIDY_HEADER = "t,m,type,route,geo,dead,cause,surv,nat,location,lon,lat"
TIDY = TIDY_HEADER + """
2015-04-18,2015-04,Incident,Central Mediterranean Route,LBY,1022.0,Drowning,28.0,"ERI,SOM",\
"Off Libya, south of Lampedusa",14.6777,35.03
2014-10-17,2014-10,Incident,EHOA Eastern Route,YEM,1.0,Drowning,,UNK,Gulf of Aden,48.0,12.5331
2014-10-17,2014-10,Incident,EHOA Eastern Route,YEM,1.0,Drowning,,UNK,Gulf of Aden,48.0,12.5331
2016-02-01,2016-02,Incident,Undefined,USA,2.0,Violence,-1.0,MEX,"Pima County
Arizona",-111.0,31.5
2015-02-30,2015-02,Incident,Undefined,USA,1.0,Violence,,MEX,Somewhere,-111.0,31.5
2015-03-01,2015-03,Incident,Undefined,USA,,Violence,,MEX,Somewhere,-111.0,31.5
2015-03-01,2015-03,Incident,Undefined,USA,many,Violence,,MEX,Somewhere,-111.0,31.5
2015-03-01,2015-03,Incident,Undefined,QQQ,1.0,Violence,,MEX,Somewhere,-111.0,31.5
2015-03-01,2015-03,Incident,Undefined,USA,1.0,Violence,,MEX,Somewhere,abc,31.5
2015-03-01,2015-03,Incident,Undefined,USA,1.0,Violence,,MEX,Somewhere,-111.0,95
"""
TIDY_BAD = {
    7: "t is not a date (YYYY-MM-DD): '2015-02-30'",
    8: "dead (dead and missing) is not a count: ''",
    9: "dead (dead and missing) is not a count: 'many'",
    10: "unknown country code (geo): 'QQQ'",
    11: "lon/lat not numbers or off the globe (lon, lat): 'abc', '31.5'",
    12: "lon/lat not numbers or off the globe (lon, lat): '-111.0', '95'",
}


def test_tidy_layout(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "iom_mmp.csv", TIDY)
    assert isinstance(detect(path), IomMmpTidy)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (10, 4, 6)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == TIDY_BAD

    ev = store.reader().select(Query.build("events", order_by=["line"]))
    assert ev["line"].tolist() == [2, 3, 4, 5]
    lampedusa = ev.iloc[0]
    assert (lampedusa["kind"], lampedusa["subkind"]) == ("migrant_death", "Drowning")
    assert (lampedusa["fatalities_best"], lampedusa["survivors"]) == (1022, 28)
    assert (lampedusa["country"], lampedusa["route"]) == ("LBY", "Central Mediterranean Route")
    assert lampedusa["location"] == "Off Libya, south of Lampedusa"
    assert lampedusa["time_start"] == pd.Timestamp("2015-04-18", tz="UTC")
    assert lampedusa["h3"] is not None and lampedusa["time_precision"] == "day"
    assert json.loads(lampedusa["attrs"]) == {"incident_type": "Incident",
                                              "nationalities": ["ERI", "SOM"]}
    assert lampedusa["id"] == record_id("iom_mmp", "2015-04-18", "Central Mediterranean Route",
                                        "Off Libya, south of Lampedusa", 14.6777, 35.03, 1022.0)
    # two identical rows are two incidents: the second gets its repeat number in the key
    assert ev.iloc[1]["id"] != ev.iloc[2]["id"]
    assert ev.iloc[2]["id"] == record_id("iom_mmp", "2014-10-17", "EHOA Eastern Route",
                                         "Gulf of Aden", 48.0, 12.5331, 1.0, 1)
    # a negative survivor count is unknown, not a reason to lose the deaths
    pima = ev.iloc[3]
    assert pd.isna(pima["survivors"]) and json.loads(pima["original"]) == {"surv": "-1.0"}
    assert pima["location"] == "Pima County\nArizona"

    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 4, 6)


GLOBAL_COLUMNS = ["Web ID", "Region of Incident", "Reported Date", "Reported Year",
                  "Reported Month", "Number Dead", "Minimum Estimated Number of Missing",
                  "Total Dead and Missing", "Number of Survivors", "Number of Females",
                  "Number of Males", "Number of Children", "Cause of Death",
                  "Location Description", "Information Source", "Location Coordinates",
                  "Migration Route", "URL", "UNSD Geographical Grouping", "Source Quality"]


def global_csv(*rows: dict[str, str]) -> str:
    base = {"Web ID": "52673", "Region of Incident": "Mediterranean",
            "Reported Date": "December 30, 2019", "Reported Year": "2019",
            "Reported Month": "Dec", "Number Dead": "1", "Total Dead and Missing": "1",
            "Number of Survivors": "11", "Cause of Death": "Hypothermia",
            "Location Description": "Off the coast of Algeria", "Information Source": "El Watan",
            "Location Coordinates": "35.568972356329, -1.289773129748",
            "Migration Route": "Western Mediterranean", "URL": "https://bit.ly/x",
            "UNSD Geographical Grouping": "Uncategorized", "Source Quality": "1"}
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(GLOBAL_COLUMNS)
    for row in rows:
        full = {**base, **row}
        w.writerow([full.get(c, "") for c in GLOBAL_COLUMNS])
    return "\ufeff" + out.getvalue()  # the export starts with a UTF-8 BOM


def test_global_layout(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "MissingMigrants-Global-2019-12-31.csv", global_csv(
        {},
        {"Web ID": "51450", "Location Coordinates": "", "Migration Route": "",
         "Region of Incident": "Sub-Saharan Africa", "Number of Females": "two"},
        {"Web ID": "", "Reported Date": "Dec 03, 2019", "Migration Route": "Darien Gap"},
        {"Web ID": "9", "Reported Date": "Smarch 3, 2019"},
        {"Web ID": "10", "Total Dead and Missing": ""},
        {"Web ID": "11", "Location Coordinates": "north, west"},
        {"Web ID": "12", "Location Coordinates": "95.1, 10"},
    ))
    assert isinstance(detect(path), IomMmpGlobal)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (7, 3, 4)
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        5: "Reported Date is not a date like 'December 30, 2019': 'Smarch 3, 2019'",
        6: "Total Dead and Missing is not a count: ''",
        7: "Location Coordinates is not 'lat, lon': 'north, west'",
        8: "Location Coordinates off the globe: '95.1, 10'",
    }
    ev = store.reader().select(Query.build("events", order_by=["line"]))
    first = ev.iloc[0]
    assert first["id"] == record_id("iom_mmp", "web_id", "52673")
    assert first["source_record_id"] == "52673"
    assert (first["lat"], first["lon"]) == (35.568972356329, -1.289773129748)
    assert first["route"] == "Western Mediterranean Route"
    assert json.loads(first["original"]) == {"Reported Date": "December 30, 2019",
                                             "Migration Route": "Western Mediterranean"}
    assert (first["fatalities_best"], first["survivors"], first["country"]) == (1, 11, None)
    assert json.loads(first["attrs"])["region"] == "Mediterranean"
    no_place = ev.iloc[1]
    assert pd.isna(no_place["lat"]) and no_place["h3"] is None and no_place["route"] is None
    assert json.loads(no_place["attrs"])["females"] is None
    assert json.loads(no_place["original"])["Number of Females"] == "two"
    no_web_id = ev.iloc[2]
    assert no_web_id["time_start"] == pd.Timestamp("2019-12-03", tz="UTC")
    assert no_web_id["route"] == "Darien Gap" and no_web_id["source_record_id"] is None
    assert ingest_one(store, path).tally.duplicates == 3


# ---------------------------------------------------------------------------------------------
# Properties.


def _real_tidy() -> list[list[str]]:
    path = REAL_DATA / "missing_migrants" / "iom_mmp_incidents_2014_2025.csv"
    text = path.read_text(encoding="utf-8")[:30_000] if path.exists() else TIDY
    return [r for r in csv.reader(io.StringIO(text))][1:60]


TIDY_ROWS = [r for r in _real_tidy() if len(r) == 12]




@settings(max_examples=80, deadline=None)
@given(st.lists(mutated_fields(TIDY_ROWS), min_size=1, max_size=6))
def test_mutated_real_tidy_rows(tmp_path_factory: pytest.TempPathFactory,
                                rows: list[list[str]]) -> None:
    path = write_csv(tmp_path_factory.mktemp("mmp") / "mmp.csv", TIDY_HEADER.split(","), rows)
    counted, ctx = parse_all(IomMmpTidy(), path)
    assert counted.get("events", 0) + ctx.quarantined == len(rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
                min_size=1, max_size=8))
def test_random_lines_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                  lines: list[str]) -> None:
    for adapter, text in ((IomMmpTidy(), TIDY_HEADER), (IomMmpGlobal(),
                                                       global_csv().splitlines()[0])):
        path = tmp_path_factory.mktemp("mmp") / "mmp.csv"
        path.write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        counted, ctx = parse_all(adapter, path)
        assert counted.get("events", 0) + ctx.quarantined >= 0


# ---------------------------------------------------------------------------------------------
# The real files.

REAL = {
    "missing_migrants/iom_mmp_incidents_2014_2025.csv": "iom_mmp_tidy_csv",
    "missing_migrants/MissingMigrants-Global-2019-12-31_correct.csv": "iom_mmp_global_csv",
}
MEDITERRANEAN = ["Central Mediterranean Route", "Western Mediterranean Route",
                 "Eastern Mediterranean Route"]


@pytest.mark.realdata
def test_sniffers_claim_exactly_the_mmp_files(real_data: Path) -> None:
    ours = [a for a in adapters() if a.meta.source == "iom_mmp"]
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        rel = path.relative_to(real_data).as_posix()
        claims = {a.meta.name for a in ours if a.sniff(path, read_head(path)) > 0}
        assert claims == ({REAL[rel]} if rel in REAL else set()), rel
        if rel in REAL:
            assert detect(path).meta.name == REAL[rel], rel


@pytest.mark.realdata
def test_real_tidy_file(store: DuckDBStore) -> None:
    path = real_file("missing_migrants/iom_mmp_incidents_2014_2025.csv")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (19_669,
                                                                                  19_669, 0)
    assert report.tally.balanced and not report.warnings
    reader = store.reader()
    day = reader.select(Query.build("events", start="2015-04-18", end="2015-04-19"))
    assert day["fatalities_best"].tolist() == [1_022]
    routes = reader.select(Query.build("events", columns=["route"]))["route"].value_counts()
    assert (routes["Central Mediterranean Route"], routes["Western Mediterranean Route"],
            routes["Eastern Mediterranean Route"], routes["Western African Atlantic Route"]) == (
        1_473, 767, 580, 325)
    pylos = reader.select(Query.build("events", start="2023-06-14", end="2023-06-15",
                                      where={"country": "GRC"}))
    assert pylos["fatalities_best"].max() == 646
    # five rows have a negative survivor count: kept, survivors unknown, raw value recorded
    assert reader.count(Query.build("events", where={"original": [
        '{"surv": "-1.0"}', '{"surv": "-2.0"}']})) == 5
    assert ingest_one(store, path).tally.duplicates == 19_669


@pytest.mark.realdata
def test_real_global_export(store: DuckDBStore) -> None:
    path = real_file("missing_migrants/MissingMigrants-Global-2019-12-31_correct.csv")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5_987, 5_987,
                                                                                  0)
    assert report.tally.balanced and not report.warnings
    med = store.reader().select(Query.build("events", where={"route": MEDITERRANEAN}))
    assert len(med) == 1_085 and med["fatalities_best"].sum() == 19_165
    assert {json.loads(a)["region"] for a in med["attrs"]} == {"Mediterranean"}
    first = store.reader().select(Query.build("events", where={"source_record_id": "52673"}))
    assert first["time_start"].tolist() == [pd.Timestamp("2019-12-30", tz="UTC")]
    assert ingest_one(store, path).tally.duplicates == 5_987


def test_current_iom_download_layout_is_read(tmp_path: Path, store: DuckDBStore) -> None:
    """IOM's current download names the 2019 columns differently; the same adapter reads it."""
    header = ('"Incident ID","Incident Type","Incident year","Reported Month","Region of '
              'Origin","Region of Incident","Country of Origin","Number of Dead","Minimum '
              'Estimated Number of Missing","Total Number of Dead and Missing","Number of '
              'Survivors","Number of Females","Number of Males","Number of Children","Cause of '
              'Death","Migration route","Location of death","Information Source",'
              '"Coordinates","UNSD Geographical Grouping","Source Quality","Incident Date"\n')
    row = ('"2023.0614","Incident","2023","Jun","Southern Asia","Mediterranean","Pakistan",'
           '"82","564","646","104","","","","Drowning","Central Mediterranean",'
           '"Off Pylos, Greece","UNHCR","36.9, 21.2","Southern Europe","5","2023-06-14"\n')
    path = write(tmp_path, "Missing_Migrants_Global_Figures_allData.csv", header + row)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored) == (1, 1)
    ev = store.reader().select(Query.build("events")).iloc[0]
    assert ev["fatalities_best"] == 646 and ev["source_record_id"] == "2023.0614"
    assert ev["route"] == "Central Mediterranean Route"
    assert (round(ev["lat"], 1), round(ev["lon"], 1)) == (36.9, 21.2)
