"""The scenario's ships: identities (MMSI, IMO, call sign, name, flag) and static data.

Everything here is invented: names come from word pools, MMSIs and IMO numbers are drawn at
random (with a valid IMO check digit and a real flag-state prefix, so decoders and flag
lookups behave as they would on real traffic). Any resemblance to a real ship is chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Maritime Identification Digits and call-sign prefixes of the flags the fleet flies.
FLAGS: dict[str, tuple[tuple[int, ...], str]] = {
    "MLT": ((215, 229, 248, 249, 256), "9H"),
    "PAN": ((351, 352, 353, 355, 370, 371), "3E"),
    "LBR": ((636,), "A8"),
    "MHL": ((538,), "V7"),
    "GRC": ((237, 239, 240, 241), "SV"),
    "ITA": ((247,), "IB"),
    "LBY": ((642,), "5A"),
    "TUN": ((672,), "3V"),
    "TGO": ((671,), "5V"),
    "CMR": ((613,), "TJ"),
    "COM": ((616,), "D6"),
}

_MERCHANT_FLAGS = ("MLT", "MLT", "PAN", "PAN", "LBR", "MHL", "GRC", "ITA", "TGO", "CMR", "COM")
_NAME_A = ("AMBER", "BOREAL", "CINDER", "DUNE", "EMBER", "FALCON", "GARNET", "HALCYON",
           "IBIS", "JUNIPER", "KESTREL", "LUMEN", "MISTRAL", "NIMBUS", "ONYX", "PELICAN",
           "QUARTZ", "RAVEN", "SABLE", "TAMARIND", "UMBER", "VESPER", "WILLOW", "XENIA",
           "YARROW", "ZINNIA", "CORVID", "LANTANA", "MARAL", "SORREL")
_NAME_B = ("TIDE", "HORIZON", "TRADER", "CARRIER", "PIONEER", "VOYAGER", "SPIRIT", "GLORY",
           "PROSPECT", "HARMONY", "VENTURE", "LEGACY", "BEACON", "NAVIGATOR", "ENDEAVOUR",
           "CREST", "MERIDIAN", "ORBIT", "SUMMIT", "PASSAGE")
_FISHING = ("AL NAWRAS", "SIDI MANSOUR", "BAHR AL KHAIR", "EL MORJANE", "ABU SALEM",
            "NOUR EL BAHR", "SANTA LUCIA II", "STELLA DEL SUD", "EL AMEL", "RAS JEBEL",
            "AL HOUT", "MARE NOSTRO III", "ZARZIS STAR", "AL MANARA", "KERKENNA I")
_FERRIES = ("MELITA EXPRESS", "ETNA LINK", "GOZO SWIFT")
#: Distinctive names for the tanker the sanctions list will name (one is drawn per seed).
SANCTIONED_TANKER_NAMES = ("ZEPHYR ANVIL", "OBSIDIAN HALCYON", "MARLIN QUILLON",
                           "KESTREL VANTABLACK")

#: AIS ship-type codes per kind (ITU-R M.1371 table 53).
SHIP_TYPES: dict[str, tuple[int, ...]] = {
    "cargo": (70, 70, 71, 79),
    "tanker": (80, 80, 81, 84),
    "fishing": (30,),
    "passenger": (60, 69),
}
_LENGTH_M: dict[str, tuple[float, float]] = {
    "cargo": (90, 200), "tanker": (110, 250), "fishing": (15, 34), "passenger": (70, 110),
}


@dataclass(slots=True)
class Ship:
    mmsi: int
    name: str
    kind: str
    ship_type: int
    flag: str
    imo: int  # 0 when the ship has none (small fishing boats)
    call_sign: str
    length_m: int
    beam_m: int
    draught_m: float
    role: str = "background"  # or the planted event it plays a part in

    def static(self) -> dict[str, int | str | float]:
        """The fields of an AIS type 5 message except the voyage ones."""
        bow = round(self.length_m * 0.8)
        port = self.beam_m // 2
        return {"msg_type": 5, "mmsi": self.mmsi, "ais_version": 0, "imo": self.imo,
                "callsign": self.call_sign, "shipname": self.name,
                "ship_type": self.ship_type, "to_bow": bow, "to_stern": self.length_m - bow,
                "to_port": port, "to_starboard": self.beam_m - port, "epfd": 1,
                "draught": self.draught_m, "dte": 0}

    def summary(self) -> dict[str, object]:
        return {"mmsi": self.mmsi, "name": self.name, "kind": self.kind,
                "ship_type": self.ship_type, "flag": self.flag, "imo": self.imo or None,
                "call_sign": self.call_sign, "length_m": self.length_m, "role": self.role}


def imo_number(rng: np.random.Generator) -> int:
    """A 7-digit IMO number with a valid check digit (weights 7..2 on the first six)."""
    head = [9, *(int(d) for d in rng.integers(0, 10, 5))]
    check = sum(d * w for d, w in zip(head, range(7, 1, -1), strict=True)) % 10
    return int("".join(map(str, head)) + str(check))


def imo_valid(imo: int) -> bool:
    digits = [int(d) for d in f"{imo:07d}"]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10 \
        == digits[6]


class FleetBuilder:
    """Draws unique identities for the ships of one scenario."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._mmsis: set[int] = set()
        self._names: set[str] = set()

    def _pick(self, options: tuple[str, ...]) -> str:
        return str(options[int(self.rng.integers(len(options)))])

    def _mmsi(self, flag: str) -> int:
        mids = FLAGS[flag][0]
        while True:
            mmsi = int(mids[int(self.rng.integers(len(mids)))]) * 1_000_000 + int(
                self.rng.integers(100_000, 999_999))
            if mmsi not in self._mmsis:
                self._mmsis.add(mmsi)
                return mmsi

    def _name(self, kind: str) -> str:
        while True:
            if kind == "fishing":
                name = self._pick(_FISHING)
                if name in self._names:
                    name = f"{name} {int(self.rng.integers(2, 30))}"
            elif kind == "passenger":
                name = self._pick(_FERRIES)
            else:
                name = f"{self._pick(_NAME_A)} {self._pick(_NAME_B)}"
            if name not in self._names and len(name) <= 20:
                self._names.add(name)
                return name

    def _call_sign(self, flag: str) -> str:
        letters = "".join(chr(65 + int(i)) for i in self.rng.integers(0, 26, 2))
        digits = "".join(str(int(d)) for d in self.rng.integers(0, 10, 3))
        return (FLAGS[flag][1] + letters + digits)[:7]

    def ship(self, kind: str, *, flag: str | None = None, name: str | None = None,
             role: str = "background") -> Ship:
        if flag is None:
            flag = self._pick(_MERCHANT_FLAGS) if kind in ("cargo", "tanker") else (
                self._pick(("LBY", "LBY", "TUN", "TUN", "ITA")) if kind == "fishing"
                else self._pick(("MLT", "ITA")))
        if name is None:
            name = self._name(kind)
        else:
            self._names.add(name)
        lo, hi = _LENGTH_M[kind]
        length = int(self.rng.uniform(lo, hi))
        draught = round(float(length / 18 + self.rng.uniform(0, 2)), 1)
        return Ship(
            mmsi=self._mmsi(flag), name=name, kind=kind,
            ship_type=int(self._pick(tuple(map(str, SHIP_TYPES[kind])))), flag=flag,
            imo=0 if kind == "fishing" and length < 24 else imo_number(self.rng),
            call_sign=self._call_sign(flag), length_m=length,
            beam_m=max(5, int(length / float(self.rng.uniform(5.5, 7.0)))),
            draught_m=min(draught, 25.5), role=role,
        )
