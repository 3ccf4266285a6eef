"""AIS as raw NMEA 0183 sentences (``!AIVDM`` / ``!AIVDO``), as receivers and networks log them.

A line is an optional NMEA 4.0 tag block (``\\s:station,c:unixtime,...*hh\\``), the sentence
(``!AIVDM,<count>,<number>,<seq id>,<channel>,<payload>,<fill bits>*hh``) and, in some logs,
receiver metadata after the checksum (``,d<dBm>,S<slot>,t<hhmmss.ss>,T<seconds>,r<receiver>,
<epoch>,<epoch>``). Gatehouse logs put a ``$PGHP`` line with the time before a message.
Messages of up to nine sentences are reassembled; the payload is decoded by
:func:`decode_payload` (pyais for now, behind that one function so that a faster decoder can
replace it).

Message types 1, 2, 3, 18, 19, 27 (and 4 base stations, 21 aids to navigation) become
``positions``; 5, 19, 24 become ``vessels``; every other line or message is quarantined with a
reason. Blank lines and ``#`` comments are not records: they are neither read nor stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import reduce
from operator import xor
from pathlib import Path
from typing import Any

import pandas as pd
from pyais import bit_vector
from pyais.messages import MSG_CLASS

from flankwatch.errors import RecordRejected
from flankwatch.model.geo import h3_cell
from flankwatch.model.identity import record_id
from flankwatch.model.mid import flag_from_mmsi
from flankwatch.sources.base import Adapter, Batch, ParseContext, SourceMeta, open_text

SOURCE = "ais"
BATCH_ROWS = 200_000

#: Message types stored as positions and as vessels (static data).
POSITION_TYPES = frozenset({1, 2, 3, 4, 18, 19, 21, 27})
VESSEL_TYPES = frozenset({5, 19, 24})
#: Bits a payload needs to hold every field we store (ITU-R M.1371 layouts); a trailing text
#: field (type 5 destination) may be cut short, a number may not: its bits would be garbage.
MIN_BITS = {1: 137, 2: 137, 3: 137, 4: 134, 5: 302, 18: 133, 19: 301, 21: 219, 27: 94}
MIN_BITS_24 = {0: 160, 1: 162}  # part A (name), part B (type, call sign, dimensions)

_SENTENCE = re.compile(r"^[!$]([A-Z]{2})(VD[MO]),")
_ARMOUR = re.compile(r"^[0-W`-w]+$")  # the 6-bit ASCII armouring of AIS payloads
_HEX = re.compile(r"^[0-9A-Fa-f]{1,2}$")
#: Plausible receive times: 1990-01-01 to 2100-01-01 (unix seconds).
_EPOCH_MIN, _EPOCH_MAX = 631_152_000, 4_102_444_800

_FAMILY = {2: "Wing in ground (WIG)", 4: "High-speed craft (HSC)", 6: "Passenger", 7: "Cargo",
           8: "Tanker", 9: "Other type"}
_FAMILY_DIGIT = ["", *(f", hazardous category {c}" for c in "ABCD"), *[", reserved"] * 4,
                 ", no additional information"]
_SPECIAL = {30: "Fishing", 31: "Towing", 32: "Towing, over 200 m long or 25 m wide",
            33: "Dredging or underwater operations", 34: "Diving operations",
            35: "Military operations", 36: "Sailing", 37: "Pleasure craft", 38: "Reserved",
            39: "Reserved", 50: "Pilot vessel", 51: "Search and rescue vessel", 52: "Tug",
            53: "Port tender", 54: "Anti-pollution equipment", 55: "Law enforcement",
            56: "Local vessel", 57: "Local vessel", 58: "Medical transport",
            59: "Noncombatant ship (RR Resolution No. 18)"}


def ship_type_text(code: int | None) -> str | None:
    """The ITU-R M.1371 (Table 53) name of an AIS ship and cargo type code."""
    if code is None or code < 0:
        return None
    if code == 0:
        return "Not available"
    if code < 20:
        return "Reserved"
    if code in _SPECIAL:
        return _SPECIAL[code]
    if code < 100:
        return _FAMILY[code // 10] + _FAMILY_DIGIT[code % 10]
    return "Reserved for regional use" if code < 200 else (
        "Reserved for future use" if code < 256 else None)


def imo_number(value: int | None) -> int | None:
    """An IMO ship number if ``value`` is one (seven digits whose check digit is right), else
    ``None``: AIS transmitters often send 0, an MMSI or a made-up number in the IMO field, and
    a wrong IMO number would match the wrong ship in a sanctions list."""
    if value is None or not 1_000_000 <= value <= 9_999_999:
        return None
    digits = str(value)
    check = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10
    return value if check == int(digits[6]) else None


def nmea_checksum(text: str) -> int:
    """XOR of the characters between the start delimiter and ``*`` (NMEA 0183)."""
    return reduce(xor, text.encode("ascii", errors="replace"), 0)


def decode_payload(payload: str, fill_bits: int) -> dict[str, Any]:
    """Decode one reassembled AIS payload into a dict of fields (pyais names and units:
    ``msg_type, mmsi, status, speed, lon, lat, course, heading, shipname, callsign, imo,
    ship_type, to_bow, to_stern, to_port, to_starboard, draught, destination, partno``).

    The one place the decoder is called: a faster decoder of our own replaces pyais here and
    must return the same keys. Raises on a payload that cannot be decoded."""
    bits = bit_vector(payload.encode("ascii"), fill_bits)
    kind = MSG_CLASS[bits.get(0, 6)]
    decoded: dict[str, Any] = kind.from_vector(bits).asdict(enum_as_int=True)
    return decoded


@dataclass(slots=True)
class Message:
    """One AIS message: its sentence(s), where and when it was received."""

    line: int  # file line of the first sentence
    raw: list[str]  # the file lines, as written
    sentences: list[str]  # the bare NMEA sentences (no tag block, no receiver metadata)
    payload: str
    fill_bits: int
    station: str | None
    epoch_ms: int | None  # receive time, unix milliseconds


@dataclass(slots=True)
class _Sentence:
    line: int
    raw: str
    sentence: str
    key: tuple[object, ...]
    count: int
    number: int
    payload: str
    fill_bits: int
    station: str | None
    epoch_ms: int | None


@dataclass(slots=True)
class _Wrapper:
    line: int
    raw: str
    epoch_ms: int


@dataclass(slots=True)
class _State:
    """What a reader carries from line to line."""

    groups: dict[tuple[object, ...], list[_Sentence]] = field(default_factory=dict)
    wrapper: _Wrapper | None = None
    tag_groups: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)


def _epoch_ms(text: str, what: str) -> int:
    """A unix time in seconds (13 digits: milliseconds), as milliseconds."""
    if not text.isdigit():
        raise RecordRejected(f"{what} {text!r} is not a unix time")
    value = int(text) if len(text) >= 13 else int(text) * 1000
    if not _EPOCH_MIN * 1000 <= value < _EPOCH_MAX * 1000:
        raise RecordRejected(f"{what} {text!r} is not a plausible unix time")
    return value


def _checked(body: str, found: str, what: str) -> None:
    expected = nmea_checksum(body)
    if not _HEX.match(found) or int(found, 16) != expected:
        raise RecordRejected(f"{what}checksum mismatch: expected {expected:02X}, found {found}")


def _tag_block(text: str, state: _State) -> tuple[str | None, int | None]:
    """Check a tag block's checksum and read its station (``s:``) and time (``c:``); a
    sentence of a tag-block group (``g:n-m-id``) takes them from the group's first line."""
    body, star, found = text.rpartition("*")
    if not star:
        raise RecordRejected("tag block has no checksum")
    _checked(body, found, "tag block ")
    station: str | None = None
    epoch: int | None = None
    group: tuple[int, int, str] | None = None
    for part in body.split(","):
        code, _, value = part.partition(":")
        if code == "s":
            station = value
        elif code == "c":
            epoch = _epoch_ms(value, "tag block time c:")
        elif code == "g":
            bits = value.split("-")
            if len(bits) != 3 or not bits[0].isdigit() or not bits[1].isdigit():
                raise RecordRejected(f"malformed tag block group g:{value}")
            group = (int(bits[0]), int(bits[1]), bits[2])
    if group is not None and group[1] > 1:
        number, total, gid = group
        if number == 1:
            if len(state.tag_groups) >= 10_000:  # groups whose last line never came
                del state.tag_groups[next(iter(state.tag_groups))]
            state.tag_groups[gid] = (station, epoch)
        else:
            inherited = state.tag_groups.get(gid, (None, None))
            station = station if station is not None else inherited[0]
            epoch = epoch if epoch is not None else inherited[1]
            if number >= total:
                state.tag_groups.pop(gid, None)
    return station, epoch


def _gatehouse(line: int, raw: str, sentence: str) -> _Wrapper:
    """``$PGHP,1,<yyyy>,<mm>,<dd>,<hh>,<mi>,<ss>,<ms>,...*hh``: the time of the next message."""
    body, star, rest = sentence[1:].partition("*")
    if not star:
        raise RecordRejected("Gatehouse $PGHP line has no checksum")
    _checked(body, rest[:2], "Gatehouse $PGHP ")
    parts = body.split(",")
    try:
        y, mo, d, h, mi, s, ms = (int(p) for p in parts[2:9])
        if not 0 <= ms < 1000:
            raise ValueError("milliseconds out of range")
        epoch = int(datetime(y, mo, d, h, mi, s, tzinfo=UTC).timestamp()) * 1000 + ms
    except ValueError as exc:
        raise RecordRejected(f"Gatehouse $PGHP line has no valid time: {exc}") from exc
    if not _EPOCH_MIN * 1000 <= epoch < _EPOCH_MAX * 1000:
        raise RecordRejected("Gatehouse $PGHP time is not plausible")
    return _Wrapper(line, raw, epoch)


def _sentence(line: int, text: str, state: _State) -> _Sentence | _Wrapper:
    """One line as a sentence or a Gatehouse wrapper (:class:`RecordRejected` if unusable)."""
    if not text.isascii() or "\x00" in text:
        raise RecordRejected("line contains non-ASCII characters or NUL bytes")
    station: str | None = None
    epoch: int | None = None
    rest = text
    if rest.startswith("\\"):
        end = rest.find("\\", 1)
        if end < 0:
            raise RecordRejected("tag block is not closed by a backslash")
        station, epoch = _tag_block(rest[1:end], state)
        rest = rest[end + 1:]
        if not rest:
            raise RecordRejected("tag block without a sentence")
    if rest.startswith("$PGHP"):
        return _gatehouse(line, text, rest)
    m = _SENTENCE.match(rest)
    if m is None:
        if rest[:1] in ("!", "$"):
            raise RecordRejected(f"not an AIS sentence: {rest.split(',')[0][1:][:20]}")
        raise RecordRejected("not an NMEA sentence")
    star = rest.find("*")
    if star < 0 or len(rest) < star + 3:
        raise RecordRejected("no checksum (*hh) at the end of the sentence")
    body, found, suffix = rest[1:star], rest[star + 1:star + 3], rest[star + 3:]
    _checked(body, found, "")
    if suffix:
        if not suffix.startswith(","):
            raise RecordRejected(f"unexpected text after the checksum: {suffix[:40]!r}")
        # Receiver metadata (AISdb's logs): d<dBm>, S<slot>, t<hhmmss.ss>, T<seconds in the
        # minute>, r<receiver id>, then unix times, the first of which is the receive time.
        for item in suffix[1:].split(","):
            if station is None and item.startswith("r") and len(item) > 1:
                station = item
            elif epoch is None and item.isdigit() and len(item) >= 9:
                epoch = _epoch_ms(item, "receiver time")
    fields = body.split(",")
    if len(fields) != 7:
        raise RecordRejected(f"malformed AIS sentence: expected 7 fields, found {len(fields)}")
    _, count, number, seq, channel, payload, fill = fields
    if not (count.isdigit() and number.isdigit() and 1 <= int(number) <= int(count) <= 9):
        raise RecordRejected(f"invalid fragment count/number {count!r}/{number!r}")
    if seq and not seq.isdigit():
        raise RecordRejected(f"invalid sequential message id {seq!r}")
    if not (fill.isdigit() and int(fill) <= 5):
        raise RecordRejected(f"invalid fill bits {fill!r}")
    if not payload:
        raise RecordRejected("empty payload")
    if not _ARMOUR.match(payload):
        raise RecordRejected("payload has characters outside the AIS 6-bit armouring")
    key = (station, m.group(1) + m.group(2), int(count), seq, channel)
    return _Sentence(line, text, rest[:star + 3], key, int(count), int(number), payload,
                     int(fill), station, epoch)


def _message(parts: list[_Sentence]) -> Message:
    first = parts[0]
    epoch = next((p.epoch_ms for p in parts if p.epoch_ms is not None), None)
    return Message(first.line, [p.raw for p in parts], [p.sentence for p in parts],
                   "".join(p.payload for p in parts), parts[-1].fill_bits, first.station, epoch)


def _incomplete(ctx: ParseContext, parts: list[_Sentence]) -> None:
    ctx.reject(parts[0].line, "\n".join(p.raw for p in parts),
               f"incomplete multi-part message: {len(parts)} of {parts[0].count} fragments")


def _dangling(ctx: ParseContext, wrapper: _Wrapper) -> None:
    ctx.reject(wrapper.line, wrapper.raw, "Gatehouse $PGHP line not followed by an AIS sentence")


def read_messages(lines: Iterable[str], ctx: ParseContext) -> Iterator[Message]:
    """Reassembled messages of a log, quarantining every line that cannot be used.

    Fragments of a multi-part message are matched by station, sentence type, fragment count,
    sequential message id and channel, and must come in order. A Gatehouse ``$PGHP`` line
    gives the time of the next line (which consumes it, whether usable or not)."""
    state = _State()
    for lineno, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue  # blank lines and comments are not records
        wrapper, state.wrapper = state.wrapper, None
        try:
            s = _sentence(lineno, text, state)
        except RecordRejected as exc:
            if wrapper is not None and "$PGHP" in text:
                _dangling(ctx, wrapper)
            elif wrapper is not None:  # the wrapper belonged to this line: quarantine both
                ctx.reject(wrapper.line, f"{wrapper.raw}\n{text}", str(exc))
                continue
            ctx.reject(lineno, text, str(exc))
            continue
        if isinstance(s, _Wrapper):
            if wrapper is not None:
                _dangling(ctx, wrapper)
            state.wrapper = s
            continue
        if wrapper is not None and s.epoch_ms is None:
            s.epoch_ms = wrapper.epoch_ms
        if s.count == 1:
            yield _message([s])
            continue
        pending = state.groups.get(s.key)
        if s.number == 1:
            if pending is not None:
                _incomplete(ctx, pending)
            state.groups[s.key] = [s]
        elif pending is None or len(pending) + 1 != s.number:
            if pending is not None:
                _incomplete(ctx, state.groups.pop(s.key))
            ctx.reject(lineno, text,
                       f"fragment {s.number} of {s.count} without the fragment(s) before it")
        else:
            pending.append(s)
            if s.number == s.count:
                yield _message(state.groups.pop(s.key))
    for parts in state.groups.values():
        _incomplete(ctx, parts)
    if state.wrapper is not None:
        _dangling(ctx, state.wrapper)


POSITION_COLUMNS = ["id", "line", "original", "mmsi", "time", "lon", "lat", "h3", "sog_kn",
                    "cog_deg", "heading_deg", "nav_status", "msg_type", "station"]
VESSEL_COLUMNS = ["id", "line", "original", "mmsi", "time", "name", "imo", "call_sign",
                  "ship_type", "ship_type_text", "length_m", "width_m", "draught_m",
                  "destination", "flag", "transceiver_class"]


def _text(value: object) -> str | None:
    text = str(value).strip().rstrip("@").strip() if value is not None else ""
    return text or None


def _kinematics(d: dict[str, Any], msg_type: int) -> tuple[float | None, float | None,
                                                          float | None, dict[str, Any]]:
    """SOG, COG and heading with the "not available" codes as nulls (raw codes kept)."""
    raw: dict[str, Any] = {}
    sog, cog, hdg = d.get("speed"), d.get("course"), d.get("heading")
    sog_na, cog_na = (63, 511) if msg_type == 27 else (102.3, 360)
    if sog is not None and sog >= sog_na:
        raw["sog_kn"], sog = sog, None
    if cog is not None and cog >= cog_na:
        raw["cog_deg"], cog = cog, None
    if hdg is not None and hdg >= 360:  # 511 = not available, 360-510 not used
        raw["heading_deg"], hdg = hdg, None
    return sog, cog, (float(hdg) if hdg is not None else None), raw


def _records(msg: Message, ctx: ParseContext, positions: list[tuple[object, ...]],
             vessels: list[tuple[object, ...]]) -> None:
    """Decode one message into position and/or vessel rows, or quarantine it."""
    raw = "\n".join(msg.raw)
    first = ord(msg.payload[0]) - 48
    msg_type = first - 8 if first > 40 else first
    if msg_type not in POSITION_TYPES and msg_type not in VESSEL_TYPES:
        ctx.reject(msg.line, raw, f"message type {msg_type} not stored")
        return
    bits = len(msg.payload) * 6 - msg.fill_bits
    need = MIN_BITS.get(msg_type, 40)
    if bits < need:
        ctx.reject(msg.line, raw, f"payload too short for message type {msg_type}: "
                                  f"{bits} bits, need at least {need}")
        return
    try:
        d = decode_payload(msg.payload, msg.fill_bits)
    except Exception as exc:  # the decoder raises many kinds on a corrupt payload
        ctx.reject(msg.line, raw, f"undecodable payload: {type(exc).__name__}: {exc}")
        return
    if msg_type == 24 and bits < MIN_BITS_24.get(d.get("partno", 0), 168):
        ctx.reject(msg.line, raw, f"payload too short for message type 24 part "
                                  f"{d.get('partno')}: {bits} bits")
        return
    rid = record_id(SOURCE, msg.station, msg.epoch_ms, "\n".join(msg.sentences))
    mmsi = d.get("mmsi")
    if msg_type in POSITION_TYPES:
        lon, lat = d.get("lon"), d.get("lat")
        if lon is None or lat is None or lon == 181 or lat == 91:
            ctx.reject(msg.line, raw, "position not available")
        elif not (-180 <= lon <= 180 and -90 <= lat <= 90):
            ctx.reject(msg.line, raw, f"position out of range: lon={lon}, lat={lat}")
        else:
            sog, cog, hdg, orig = _kinematics(d, msg_type)
            positions.append((rid, msg.line, json.dumps(orig) if orig else None, mmsi,
                              msg.epoch_ms, lon, lat, h3_cell(lon, lat), sog, cog, hdg,
                              d.get("status"), msg_type, msg.station))
    if msg_type in VESSEL_TYPES:
        vessels.append(_vessel(rid, msg, d, msg_type))


def _vessel(rid: str, msg: Message, d: dict[str, Any], msg_type: int) -> tuple[object, ...]:
    orig: dict[str, Any] = {}
    names = ("to_bow", "to_stern", "to_port", "to_starboard")
    dims = [v for v in (d.get(k) for k in names) if isinstance(v, int)]
    length = width = None
    if len(dims) == 4:
        # Dimensions are distances from the GNSS antenna; keep them, since the sums lose
        # where the antenna is. 0 means "not available".
        bow, stern, port, starboard = dims
        orig.update(zip(names, (bow, stern, port, starboard), strict=True))
        length = float(bow + stern) or None
        width = float(port + starboard) or None
    imo_raw = d.get("imo")
    imo = imo_number(imo_raw)
    if imo_raw is not None and imo is None:
        orig["imo"] = imo_raw
    draught = d.get("draught")
    if draught == 0:
        orig["draught_m"], draught = 0, None
    ship_type = d.get("ship_type")
    return (rid, msg.line, json.dumps(orig) if orig else None, d.get("mmsi"), msg.epoch_ms,
            _text(d.get("shipname")), imo, _text(d.get("callsign")), ship_type,
            ship_type_text(ship_type), length, width, draught, _text(d.get("destination")),
            flag_from_mmsi(d.get("mmsi")), "A" if msg_type == 5 else "B")


def _frame(rows: list[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns)
    millis = pd.Series(frame["time"], dtype="Int64")
    frame["time"] = pd.to_datetime(millis, unit="ms", utc=True).astype("datetime64[ns, UTC]")
    # To the second where the receiver stamped it; a message with no time has no precision.
    frame["time_precision"] = frame["time"].notna().map({True: "second", False: None})
    for col in ("mmsi", "nav_status", "msg_type", "imo", "ship_type"):
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    return frame


def parse_lines(lines: Iterable[str], ctx: ParseContext) -> Iterator[Batch]:
    """Batches of positions and vessels from NMEA lines (quarantining through ``ctx``)."""
    positions: list[tuple[object, ...]] = []
    vessels: list[tuple[object, ...]] = []
    for msg in read_messages(lines, ctx):
        _records(msg, ctx, positions, vessels)
        if len(positions) + len(vessels) >= BATCH_ROWS:
            yield from _flush(positions, vessels)
            positions, vessels = [], []
    yield from _flush(positions, vessels)


def _flush(positions: list[tuple[object, ...]],
           vessels: list[tuple[object, ...]]) -> Iterator[Batch]:
    if positions:
        yield Batch("positions", _frame(positions, POSITION_COLUMNS))
    if vessels:
        yield Batch("vessels", _frame(vessels, VESSEL_COLUMNS))


class AisNmea(Adapter):
    meta = SourceMeta(
        name="ais_nmea",
        source=SOURCE,
        title="AIS messages as raw NMEA 0183 sentences (AIVDM/AIVDO)",
        publisher="AIS receivers and networks (terrestrial and satellite); the file's "
        "provider is the publisher",
        licence="depends on the provider of the log (see docs/sources/ais.md)",
        cadence="continuous (logs rotated hourly or daily)",
        url="https://gpsd.gitlab.io/gpsd/AIVDM.html",
        formats=("nmea: !AIVDM/!AIVDO lines, optional NMEA 4.0 tag blocks, receiver metadata "
                 "after the checksum, Gatehouse $PGHP wrappers",),
        tables=("positions", "vessels"),
        count_assertions={"positions": (1, 100_000_000), "vessels": (0, 20_000_000)},
    )

    def sniff(self, path: Path, head: str) -> int:
        lines = [ln.strip() for ln in head.splitlines()[:-1] or head.splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#")]
        if not lines:
            return 0
        ais = sum(1 for ln in lines if re.search(r"[!$][A-Z]{2}VD[MO],", ln))
        # an NMEA line starts with ! or $, after a tag block if there is one
        nmea = sum(1 for ln in lines if ln.rpartition("\\")[2].startswith(("!", "$")))
        if ais == 0 or nmea * 2 < len(lines):
            return 0
        return 90

    def parse(self, ctx: ParseContext) -> Iterator[Batch]:
        with open_text(ctx.path) as f:
            yield from parse_lines(f, ctx)


ADAPTERS = [AisNmea]
