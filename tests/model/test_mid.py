"""Maritime Identification Digits: the flag an MMSI declares."""

from __future__ import annotations

import pycountry
import pytest
from pyais.constants import COUNTRY_MAPPING

from flankwatch.model.mid import MID_FLAGS, flag_from_mmsi, mid_of


def test_every_flag_is_an_iso3_code() -> None:
    for mid, iso3 in MID_FLAGS.items():
        assert 201 <= mid <= 775
        assert pycountry.countries.get(alpha_3=iso3) is not None, (mid, iso3)


@pytest.mark.parametrize(("mmsi", "flag"), [
    (247123456, "ITA"),  # ship station
    ("636021061", "LBR"),
    (256000001, "MLT"),
    (24712345, "ITA"),  # 0MID group of ships (024712345)
    (2470001, "ITA"),  # 00MID coast station (002470001)
    (3669882, "USA"),
    (111247001, "ITA"),  # SAR aircraft
    (824712345, "ITA"),  # handheld VHF with DSC and GNSS
    (982470001, "ITA"),  # craft associated with a parent ship
    (992471234, "ITA"),  # aid to navigation
    (970012345, None),  # AIS-SART
    (972012345, None),  # man overboard device
    (974012345, None),  # EPIRB-AIS
    (123456789, None),  # 1xx other than 111: no MID
    (217000000, None),  # MID 217 is not allocated
    (0, None),
    (1_073_741_823, None),  # ten digits (the 30-bit maximum): not an MMSI
    ("abc", None),
    (None, None),
])
def test_flag_from_mmsi(mmsi: int | str | None, flag: str | None) -> None:
    assert flag_from_mmsi(mmsi) == flag


def test_mid_positions() -> None:
    assert mid_of(2470001) == 247 and mid_of(111232000) == 232 and mid_of(970012345) is None


def test_agrees_with_pyais_except_documented_choices() -> None:
    """pyais ships its own MID table (alpha-2): the two agree but for the choices the module
    documents (306, the French southern lands, Ascension, Falklands) and MIDs pyais lacks."""
    differ = {}
    for mid, (alpha2, _name) in COUNTRY_MAPPING.items():
        country = pycountry.countries.get(alpha_2=alpha2)
        theirs = country.alpha_3 if country is not None else None
        if MID_FLAGS.get(mid) != theirs:
            differ[mid] = (theirs, MID_FLAGS.get(mid))
    assert differ == {306: ("CUW", "NLD"), 501: ("ATA", "ATF"), 608: ("IOT", "SHN"),
                      618: ("ATA", "ATF"), 635: ("ATA", "ATF"), 740: (None, "FLK")}
    assert set(MID_FLAGS) - set(COUNTRY_MAPPING) == {550, 638}  # Timor-Leste, South Sudan
