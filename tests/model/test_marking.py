from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flankwatch.model.marking import Classification, Marking, highest

ORGS = st.lists(st.sampled_from(["NATO", "EU", "FRA", "ITA", "ESP", "GRC"]), max_size=4)
MARKINGS = st.builds(Marking, st.sampled_from(list(Classification)), ORGS.map(tuple))


def test_banner_text_round_trips() -> None:
    m = Marking(Classification.RESTRICTED, ("NATO", "EU"))
    assert m.text == "NATO RESTRICTED // REL TO EU, NATO"
    assert Marking.parse(m.text) == m
    assert Marking.parse("PUBLIC RELEASABLE") == Marking()


@given(MARKINGS)
def test_parse_inverts_text(m: Marking) -> None:
    assert Marking.parse(m.text) == m


@given(st.lists(MARKINGS, min_size=1, max_size=5))
def test_derived_product_is_at_least_as_restrictive_as_each_input(ms: list[Marking]) -> None:
    h = highest(ms)
    for m in ms:
        assert h.classification >= m.classification
        if m.releasable_to:
            assert set(h.releasable_to) <= set(m.releasable_to) or h.releasable_to == ("NONE",)


def test_disjoint_releasability_gives_none() -> None:
    h = highest([Marking(Classification.UNCLASSIFIED, ("EU",)),
                 Marking(Classification.UNCLASSIFIED, ("NATO",))])
    assert h.releasable_to == ("NONE",)
