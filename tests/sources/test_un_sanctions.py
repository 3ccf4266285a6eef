"""UN Security Council Consolidated List adapter: invented fixtures, a truncated file, fuzzing
and the real 2020 list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flankwatch.errors import SourceAbort
from flankwatch.model.identity import record_id
from flankwatch.sources.base import ParseContext, read_head
from flankwatch.sources.registry import detect
from flankwatch.sources.un_sanctions import ADAPTERS, UnScConsolidated
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

REAL = "sanctions/un_sc_consolidated_2020-11-30.xml"

# Invented records in the publisher's layout (one record per line, as the UN writes them).
PERSON = (
    "<INDIVIDUAL><DATAID>900001</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME> TEST </FIRST_NAME>"
    "<SECOND_NAME>PERSON  ONE</SECOND_NAME><THIRD_NAME/><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
    "<REFERENCE_NUMBER>KPi.901</REFERENCE_NUMBER><LISTED_ON>2016-11-30</LISTED_ON>"
    "<NATIONALITY><VALUE>Democratic People's Republic of Korea </VALUE></NATIONALITY>"
    "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Test Person</ALIAS_NAME>"
    "</INDIVIDUAL_ALIAS><INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>"
    "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-07-17</DATE>"
    "</INDIVIDUAL_DATE_OF_BIRTH><INDIVIDUAL_PLACE_OF_BIRTH><CITY>Pyongyang</CITY>"
    "<COUNTRY>Democratic People's Republic of Korea</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>"
    "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> 123456 </NUMBER>"
    "<ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY>"
    "</INDIVIDUAL_DOCUMENT></INDIVIDUAL>"
)
PERSON_2 = (
    "<INDIVIDUAL><DATAID>900002</DATAID><FIRST_NAME>SAMPLE</FIRST_NAME><SECOND_NAME>NAME"
    "</SECOND_NAME><THIRD_NAME>TWO</THIRD_NAME><FOURTH_NAME>EXAMPLE</FOURTH_NAME>"
    "<UN_LIST_TYPE>Taliban</UN_LIST_TYPE><REFERENCE_NUMBER>TAi.901</REFERENCE_NUMBER>"
    "<LISTED_ON>2001-01-25-05:00</LISTED_ON><NAME_ORIGINAL_SCRIPT>نام نمونه</NAME_ORIGINAL_SCRIPT>"
    "<NATIONALITY><VALUE>Afghan</VALUE><VALUE>Possibly Ethiopian</VALUE></NATIONALITY>"
    "<INDIVIDUAL_ADDRESS><COUNTRY>Libya (in custody)</COUNTRY></INDIVIDUAL_ADDRESS>"
    "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1965</FROM_YEAR>"
    "<TO_YEAR>1969</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH><INDIVIDUAL_DATE_OF_BIRTH>"
    "<TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1970</YEAR></INDIVIDUAL_DATE_OF_BIRTH>"
    "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT>"
    "<TYPE_OF_DOCUMENT2>Ration card number:</TYPE_OF_DOCUMENT2><NUMBER>0001</NUMBER>"
    "</INDIVIDUAL_DOCUMENT><INDIVIDUAL_DOCUMENT/></INDIVIDUAL>"
)
NO_ID = "<INDIVIDUAL><FIRST_NAME>NOBODY</FIRST_NAME></INDIVIDUAL>"
NO_NAME = ("<INDIVIDUAL><DATAID>900003</DATAID><FIRST_NAME/><UN_LIST_TYPE>Iraq</UN_LIST_TYPE>"
           "</INDIVIDUAL>")
ENTITY = (
    "<ENTITY><DATAID>900010</DATAID><FIRST_NAME>EXAMPLE SHIPPING CO</FIRST_NAME>"
    "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDe.901</REFERENCE_NUMBER>"
    "<LISTED_ON>2004-10-18</LISTED_ON><ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>ESC"
    "</ALIAS_NAME></ENTITY_ALIAS><ENTITY_ADDRESS><CITY>Tehran</CITY><COUNTRY>Iran</COUNTRY>"
    "</ENTITY_ADDRESS><ENTITY_ADDRESS><COUNTRY>Iran (Islamic Republic of)</COUNTRY>"
    "</ENTITY_ADDRESS></ENTITY>"
)
HEADER = ('<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST '
          'dateGenerated="2024-01-02T10:00:00.000-05:00">')
LINES = [HEADER, "    <INDIVIDUALS>", PERSON, PERSON_2, NO_ID, NO_NAME, "    </INDIVIDUALS>",
         "    <ENTITIES>", ENTITY, "    </ENTITIES>", "</CONSOLIDATED_LIST>"]
XML = "\n".join(LINES) + "\n"


def _entities(store: DuckDBStore) -> dict[str, dict[str, object]]:
    frame = store.reader().select(Query.build("entities"))
    return {str(r["reference"]): r for r in frame.to_dict("records")}


def test_records_map_to_entities_and_bad_ones_are_quarantined(tmp_path: Path,
                                                              store: DuckDBStore) -> None:
    path = write(tmp_path, "consolidated.xml", XML)
    assert isinstance(detect(path), UnScConsolidated)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5, 3, 2)
    assert report.tally.balanced
    q = store.reader().quarantine()
    assert dict(zip(q["line"], q["reason"], strict=True)) == {
        5: "INDIVIDUAL record has no DATAID",
        6: "INDIVIDUAL 900003 has no name",
    }
    rows = _entities(store)
    one = rows["KPi.901"]
    assert one["id"] == record_id("un_sc", "900001")
    assert (one["schema"], one["name"], one["line"]) == ("Person", "TEST PERSON ONE", 3)
    assert list(one["aliases"]) == ["Test Person"]
    assert list(one["nationalities"]) == ["PRK"]
    assert list(one["documents"]) == ["Passport: 123456 (PRK)"]
    assert list(one["birth_places"]) == [
        "Pyongyang, Democratic People's Republic of Korea"]
    assert one["programme"] == "DPRK sanctions (UNSC 1718)"
    assert one["source_version"] == "2024-01-02T10:00:00.000-05:00"
    two = rows["TAi.901"]
    assert two["name"] == "SAMPLE NAME TWO EXAMPLE"
    assert list(two["birth_dates"]) == ["1965/1969", "1970"]
    assert list(two["nationalities"]) == ["AFG"]
    assert list(two["countries"]) == []
    assert list(two["aliases"]) == ["نام نمونه"]
    assert list(two["documents"]) == [
        "National Identification Number / Ration card number: 0001"]
    assert str(two["listed_on"])[:10] == "2001-01-25"
    props = json.loads(str(two["properties"]))
    assert props["unresolved_nationalities"] == ["Possibly Ethiopian"]
    assert props["unresolved_countries"] == ["Libya (in custody)"]
    assert props["NATIONALITY"] == ["Afghan", "Possibly Ethiopian"]
    assert json.loads(str(two["original"]))["nationalities"] == ["Afghan", "Possibly Ethiopian"]
    org = rows["QDe.901"]
    assert (org["schema"], org["name"], org["list_name"]) == ("Organization", "EXAMPLE SHIPPING CO",
                                                             "Al-Qaida")
    assert list(org["countries"]) == ["IRN"]
    assert list(org["aliases"]) == ["ESC"]
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 3, 2)


def test_truncated_file_keeps_records_before_the_break(tmp_path: Path,
                                                      store: DuckDBStore) -> None:
    cut = XML[: XML.index("<FROM_YEAR>")]  # the file ends inside the record on line 4
    path = write(tmp_path, "consolidated_cut.xml", cut)
    report = ingest_one(store, path)
    assert report.status == "done"
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2, 1, 1)
    q = store.reader().quarantine()
    assert list(q["line"]) == [4]
    assert q["reason"][0].startswith("the XML breaks at line 4 (")
    assert "could not be read" in q["reason"][0]
    assert q["raw"][0].startswith("<INDIVIDUAL><DATAID>900002</DATAID>")


def test_other_root_and_empty_file_are_file_errors(tmp_path: Path) -> None:
    adapter = UnScConsolidated()
    for name, text in (("empty.xml", ""), ("other.xml", "<?xml version='1.0'?><OTHER/>")):
        path = write(tmp_path, name, text)
        assert adapter.sniff(path, read_head(path)) == 0
        with pytest.raises(SourceAbort):
            list(adapter.parse(ParseContext(path, adapter.meta)))


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=120, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=5), st.integers(min_value=2, max_value=9))
def test_random_lines_give_records_or_quarantine(tmp_path_factory: pytest.TempPathFactory,
                                                 junk: list[str], at: int) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "consolidated.xml"
    path.write_text("\n".join(LINES[:at] + junk + LINES[at:]) + "\n", encoding="utf-8")
    rows, ctx = parse_all(UnScConsolidated(), path)
    assert rows.get("entities", 0) + ctx.quarantined >= 1
    if at >= 3:
        assert rows.get("entities", 0) >= 1  # the record before the junk is always kept


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    return real_file(REAL).read_text(encoding="utf-8").splitlines()[2:60]


@pytest.mark.realdata
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_real_lines_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, real_lines: list[str],
        data: st.DataObject) -> None:
    line = data.draw(st.sampled_from(real_lines))
    start = data.draw(st.integers(0, len(line)))
    end = data.draw(st.integers(start, min(len(line), start + 40)))
    mutated = line[:start] + data.draw(_TEXT) + line[end:]
    path = tmp_path_factory.mktemp("fuzz") / "consolidated.xml"
    path.write_text("\n".join([*LINES[:3], mutated, *LINES[3:]]) + "\n", encoding="utf-8")
    rows, ctx = parse_all(UnScConsolidated(), path)
    assert rows.get("entities", 0) >= 1
    assert rows.get("entities", 0) + ctx.quarantined >= 2


@pytest.mark.realdata
def test_real_consolidated_list(store: DuckDBStore) -> None:
    path = real_file(REAL)
    report = ingest_one(store, path)
    assert report.status == "done"
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (1018, 1018, 0)
    assert report.tally.balanced
    reader = store.reader()

    def count(schema: str, list_name: str | None = None) -> int:
        where = {"schema": schema, "list_name": list_name}
        return reader.count(Query.build("entities", sources="un_sc", where=where))

    assert (count("Person"), count("Organization")) == (713, 305)
    assert [count("Person", n) for n in ("Al-Qaida", "Taliban", "Iraq", "DPRK", "DRC", "Libya")] \
        == [262, 135, 86, 80, 36, 28]
    assert count("Organization", "Al-Qaida") == 89
    aqi = reader.select(Query.build("entities", where={"reference": "QDe.115"}))
    assert aqi["name"].tolist() == ["AL-QAIDA IN IRAQ"]
    assert "Islamic State in Iraq and the Levant" in list(aqi["aliases"][0])
    assert str(aqi["source_version"][0]).startswith("2020-11-30")
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 1018)


@pytest.mark.realdata
def test_only_this_adapter_claims_the_list(real_data: Path) -> None:
    ours = [cls() for cls in ADAPTERS]
    target = REAL_DATA / REAL
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        head = read_head(path)
        claimed = [a.meta.name for a in ours if a.sniff(path, head) > 0]
        assert claimed == (["un_sc_consolidated_xml"] if path == target else []), path
    assert isinstance(detect(target), UnScConsolidated)
