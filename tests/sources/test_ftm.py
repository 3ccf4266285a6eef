"""OpenSanctions FollowTheMoney adapters: entities, deltas and the version index, on invented
fixtures, fuzzed lines and the real yente samples."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flankwatch.model.identity import record_id
from flankwatch.sources.base import read_head
from flankwatch.sources.ftm import ADAPTERS, FtmDelta, FtmDeltaIndex, FtmEntities
from flankwatch.sources.registry import detect
from flankwatch.store.duckdb import DuckDBStore
from flankwatch.store.query import Query
from tests.conftest import REAL_DATA, real_file
from tests.factories import ingest_one, parse_all, write

SAMPLES = "sanctions/opensanctions_ftm_samples"
DELTAS = ["yente_t2_20240527194702-wnk_entities.delta.json",
          "yente_t2_20240528014702-pfh_entities.delta.json",
          "yente_t2_20240528074703-npf_entities.delta.json",
          "yente_t2_20240528134729-3iv_entities.delta.json"]


def _line(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


PERSON = {"id": "t-person-1", "caption": "Test Person", "schema": "Person",
          "properties": {"name": ["Test Person", "Тест Персон"], "alias": ["T. Person"],
                         "weakAlias": ["Testy"], "birthDate": ["1961-11-30"],
                         "nationality": ["ru", "suhh"], "country": ["xk"],
                         "passportNumber": ["AB123"], "createdAt": ["2022-09-15"]},
          "referents": [], "datasets": ["eu_fsf"], "first_seen": "2023-04-20T18:00:25",
          "last_seen": "2024-06-01T10:57:03", "target": True}
VESSEL = {"id": "t-vessel-1", "caption": "EXAMPLE STAR", "schema": "Vessel",
          "properties": {"imoNumber": ["IMO9123456"], "mmsiNumber": ["12345"],
                         "flag": ["kp"]}, "datasets": ["un_sc_sanctions"]}
ADDRESS = {"id": "t-addr-1", "caption": "Main street 1, Minsk", "schema": "Address",
           "properties": {"full": ["Main street 1, Minsk"], "country": ["by"]}}
ENTITY_LINES = [
    _line(PERSON),
    _line(VESSEL),
    '{"id": "t-broken", "schema": "Person", "properties": {"name": ["Half',
    _line(["not", "an", "object"]),
    _line({"id": "t-no-schema", "properties": {"name": ["X"]}}),
    _line({"id": "t-no-name", "schema": "Person", "properties": {}}),
    "",
    _line(ADDRESS),  # the last line has no newline, like the real sample
]


def test_entities_file(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "entities.ftm.json", "\n".join(ENTITY_LINES))
    assert isinstance(detect(path), FtmEntities)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (7, 3, 4)
    q = store.reader().quarantine()
    reasons = dict(zip(q["line"], q["reason"], strict=True))
    assert reasons[3].startswith("invalid JSON: Unterminated string")
    assert reasons[4] == "a line must be a JSON object"
    assert reasons[5] == "entity t-no-schema has no schema"
    assert reasons[6] == "entity t-no-name has neither a name nor a caption"
    rows = {r["source_record_id"]: r for r in
            store.reader().select(Query.build("entities")).to_dict("records")}
    person = rows["t-person-1"]
    assert person["id"] == record_id("opensanctions", "t-person-1")
    assert (person["schema"], person["name"], person["line"]) == ("Person", "Test Person", 1)
    assert list(person["aliases"]) == ["Тест Персон", "T. Person"]  # weakAlias left out
    assert list(person["nationalities"]) == ["RUS"]  # suhh (USSR) has no code
    assert list(person["countries"]) == ["XKX"]
    assert list(person["documents"]) == ["Passport: AB123"]
    assert list(person["datasets"]) == ["eu_fsf"]
    assert str(person["listed_on"])[:10] == "2022-09-15"
    assert json.loads(person["original"])["nationality"] == ["ru", "suhh"]
    assert json.loads(person["properties"])["properties"]["weakAlias"] == ["Testy"]
    vessel = rows["t-vessel-1"]
    assert (vessel["imo"], vessel["schema"]) == (9123456, "Vessel")
    assert vessel["mmsi"] is None or str(vessel["mmsi"]) == "<NA>"
    assert json.loads(vessel["original"])["mmsiNumber"] == ["12345"]
    address = rows["t-addr-1"]
    assert (address["schema"], address["name"], address["line"]) == (
        "Address", "Main street 1, Minsk", 8)
    assert list(address["countries"]) == ["BLR"]
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates, again.tally.quarantined) == (0, 3, 4)


def _delta(op: str, entity: dict[str, object]) -> str:
    return _line({"op": op, "entity": entity})


def test_deltas_upsert_and_delete_keeps_a_trace(tmp_path: Path, store: DuckDBStore) -> None:
    v1 = write(tmp_path, "t_20240101000000-aaa_entities.delta.json",
               _delta("ADD", PERSON) + "\n" + _delta("ADD", VESSEL) + "\n")
    renamed = {**PERSON, "caption": "Renamed Person",
               "properties": {**PERSON["properties"], "name": ["Renamed Person"]}}
    v2 = write(tmp_path, "t_20240102000000-bbb_entities.delta.json",
               _delta("MOD", renamed) + "\n" + _line({"op": "UPSERT", "entity": VESSEL})
               + "\n" + _line({"op": "ADD"}) + "\n")
    v3 = write(tmp_path, "t_20240103000000-ccc_entities.delta.json",
               _delta("DEL", {"id": "t-vessel-1"}) + "\n")
    assert all(isinstance(detect(p), FtmDelta) for p in (v1, v2, v3))
    r1, r2, r3 = (ingest_one(store, p) for p in (v1, v2, v3))
    assert (r1.tally.read, r1.tally.stored) == (2, 2)
    assert (r2.tally.read, r2.tally.stored, r2.tally.quarantined) == (3, 1, 2)
    q = store.reader().quarantine()
    assert set(zip(q["line"], q["reason"], strict=True)) == {
        (2, "delta op is 'UPSERT', not one of ADD, MOD, DEL"),
        (3, "delta line has no entity object"),
    }
    assert (r3.tally.read, r3.tally.stored) == (1, 1)
    rows = {r["source_record_id"]: r for r in
            store.reader().select(Query.build("entities")).to_dict("records")}
    assert len(rows) == 2
    assert (rows["t-person-1"]["name"], rows["t-person-1"]["status"]) == ("Renamed Person",
                                                                          "active")
    assert rows["t-person-1"]["source_version"] == "20240102000000-bbb"
    gone = rows["t-vessel-1"]
    # The delisting marks the stored entity and keeps what was known of it, for audit.
    assert (gone["status"], gone["schema"], gone["name"]) == ("deleted", "Vessel",
                                                              "EXAMPLE STAR")
    assert gone["source_version"] == "20240103000000-ccc"


INDEX = """{"versions":
    {
    "20240101000000-aaa":"https://example.org/20240101000000-aaa/entities.delta.json",
    "20240102000000-bbb":null
    },
    "updated_at": "2024-01-02T00:00:00Z"
}
"""


def test_version_index_becomes_codes(tmp_path: Path, store: DuckDBStore) -> None:
    path = write(tmp_path, "delta_index.json", INDEX)
    assert isinstance(detect(path), FtmDeltaIndex)
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (2, 1, 1)
    codes = store.reader().select(Query.build("codes"))
    assert codes[["scheme", "code", "line"]].values.tolist() == [
        ["opensanctions_delta_version", "20240101000000-aaa", 3]]
    q = store.reader().quarantine()
    assert (q["line"][0], q["reason"][0]) == (4, "version '20240102000000-bbb' has no URL")
    broken = write(tmp_path, "delta_index_broken.json", INDEX[:60])
    failed = ingest_one(store, broken)
    assert failed.status == "failed" and "invalid JSON" in (failed.error or "")


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8), st.booleans())
def test_random_lines_give_records_or_quarantine(tmp_path_factory: pytest.TempPathFactory,
                                                 junk: list[str], delta: bool) -> None:
    first = _delta("ADD", PERSON) if delta else _line(PERSON)
    path = tmp_path_factory.mktemp("fuzz") / "f.json"
    path.write_text(first + "\n" + "\n".join(junk), encoding="utf-8")
    adapter = FtmDelta() if delta else FtmEntities()
    rows, ctx = parse_all(adapter, path)
    assert rows.get("entities", 0) >= 1
    nonblank = 1 + sum(1 for j in "\n".join(junk).splitlines() if j.strip())
    assert rows.get("entities", 0) + ctx.quarantined <= nonblank


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    folder = real_file(SAMPLES)
    return [line for f in sorted(folder.glob("*.json")) if "index" not in f.name
            for line in f.read_text(encoding="utf-8").splitlines()]


@pytest.mark.realdata
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_real_lines_give_records_or_quarantine(
        tmp_path_factory: pytest.TempPathFactory, real_lines: list[str],
        data: st.DataObject) -> None:
    line = data.draw(st.sampled_from(real_lines))
    start = data.draw(st.integers(0, len(line)))
    end = data.draw(st.integers(start, min(len(line), start + 30)))
    mutated = line[:start] + data.draw(_TEXT) + line[end:]
    delta = line.startswith('{"op"')
    path = tmp_path_factory.mktemp("fuzz") / "f.json"
    path.write_text(mutated + "\n", encoding="utf-8")
    rows, ctx = parse_all(FtmDelta() if delta else FtmEntities(), path)
    # a mutation may add line breaks: every non-blank line is a record or a reject
    lines = [x for x in io.StringIO(mutated + "\n", newline="") if x.strip()]
    assert rows.get("entities", 0) + ctx.quarantined == len(lines)


def _by_source_id(store: DuckDBStore) -> dict[str, dict[str, object]]:
    frame = store.reader().select(Query.build("entities", sources="opensanctions"))
    return {str(r["source_record_id"]): r for r in frame.to_dict("records")}


@pytest.mark.realdata
def test_real_entities_sample(store: DuckDBStore) -> None:
    path = real_file(f"{SAMPLES}/yente_t1_eu_fsf_entities.ftm.json")
    report = ingest_one(store, path)
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (7, 7, 0)
    assert report.tally.balanced
    reader = store.reader()
    counts = {k: reader.count(Query.build("entities", kinds=k)) for k in
              ("Person", "Organization", "Address")}
    assert counts == {"Person": 4, "Organization": 2, "Address": 1}
    rows = _by_source_id(store)
    tobacco = rows["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert list(tobacco["countries"]) == ["BLR"]
    assert list(tobacco["datasets"]) == ["eu_fsf"]
    assert "Registration number: 808000714" in list(tobacco["documents"])
    assert list(rows["NK-2Ka3UvopqbpZmVDFjWd4LA"]["nationalities"]) == ["RUS"]
    again = ingest_one(store, path)
    assert (again.tally.stored, again.tally.duplicates) == (0, 7)


@pytest.mark.realdata
def test_real_deltas_in_version_order(store: DuckDBStore) -> None:
    reports = [ingest_one(store, real_file(f"{SAMPLES}/{name}")) for name in DELTAS]
    tallies = [(r.tally.read, r.tally.stored, r.tally.duplicates, r.tally.quarantined)
               for r in reports]
    assert tallies == [(2, 2, 0, 0), (2, 2, 0, 0), (1, 1, 0, 0), (1, 1, 0, 0)]
    assert all(r.tally.balanced for r in reports)
    rows = _by_source_id(store)
    assert rows["NK-500Poltergeist"]["status"] == "deleted"
    assert rows["NK-2T3S8Hu29ktYnKSTgQp2wL"]["name"] == "Foobar Foobargroup"  # the MOD
    assert rows["Q4365364"]["name"] == "Vladimir Nikolaevich PLOTNIKOV"
    assert rows["Q4365364"]["source_version"] == "20240528134729-3iv"


@pytest.mark.realdata
def test_real_first_delta_has_the_isil_aliases(store: DuckDBStore) -> None:
    ingest_one(store, real_file(f"{SAMPLES}/{DELTAS[0]}"))
    aqi = _by_source_id(store)["NK-2T3S8Hu29ktYnKSTgQp2wL"]
    assert aqi["name"] == "AL-QAIDA IN IRAQ"
    assert len(list(aqi["aliases"])) >= 50
    assert {"un_sc_sanctions", "eu_fsf", "us_ofac_sdn", "gb_hmt_sanctions"} <= set(
        aqi["datasets"])


@pytest.mark.realdata
def test_real_version_index(store: DuckDBStore) -> None:
    report = ingest_one(store, real_file(f"{SAMPLES}/yente_t2_delta_index.json"))
    assert (report.tally.read, report.tally.stored, report.tally.quarantined) == (5, 5, 0)
    codes = store.reader().select(Query.build("codes", kinds="opensanctions_delta_version",
                                              order_by=["code"]))
    assert codes["code"].tolist()[0] == "20240527134702-zbn"
    assert codes["label"].tolist()[-1].endswith("/20240528134729-3iv/entities.delta.json")


@pytest.mark.realdata
def test_only_these_adapters_claim_the_samples(real_data: Path) -> None:
    ours = [cls() for cls in ADAPTERS]
    folder = REAL_DATA / SAMPLES
    for path in sorted(p for p in real_data.rglob("*") if p.is_file()):
        head = read_head(path)
        claimed = [a.meta.name for a in ours if a.sniff(path, head) > 0]
        if path.parent != folder:
            assert claimed == [], path
            continue
        expected = ("opensanctions_delta_index_json" if "index" in path.name else
                    "opensanctions_ftm_delta_json" if "delta" in path.name else
                    "opensanctions_ftm_json")
        assert claimed == [expected], path
        assert detect(path).meta.name == expected
