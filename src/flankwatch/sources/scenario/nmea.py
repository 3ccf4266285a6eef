"""NMEA 0183 sentences with NMEA 4.0 tag blocks, as AIS receiver networks log them.

pyais encodes the AIS payload and the sentence checksum; this module adds the tag block
(``\\s:<station>,c:<unix time>*hh\\``) with its own checksum, and groups the two sentences of
a type 5 message with ``g:<part>-<parts>-<group>`` as the receiver that logged
``ais/aisdb_tagblock_aivdm_2021-11-01.nm4`` does.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping

from pyais import encode_dict

#: Line end of the real tag-block file the scenario imitates.
EOL = "\r\n"


def checksum(text: str) -> int:
    """NMEA checksum: XOR of the characters between the start mark and ``*``."""
    return functools.reduce(operator.xor, (ord(c) for c in text), 0)


def tag_block(fields: str) -> str:
    return f"\\{fields}*{checksum(fields):02X}\\"


def sentences(message: Mapping[str, int | float | str], *, station: str, unix: int,
              channel: str, group: int) -> list[str]:
    """The logged lines of one AIS message (one line, or two for a long type 5)."""
    parts = encode_dict(dict(message), talker_id="AI", sentence_type="VDM",
                        radio_channel=channel, seq_id=group % 10)
    if len(parts) == 1:
        return [tag_block(f"s:{station},c:{unix}") + parts[0]]
    n = len(parts)
    lines = [tag_block(f"g:1-{n}-{group},s:{station},c:{unix}") + parts[0]]
    lines += [tag_block(f"g:{k}-{n}-{group}") + part for k, part in enumerate(parts[1:], 2)]
    return lines
