"""Maritime Identification Digits (MID): the flag an MMSI declares.

An MMSI (Maritime Mobile Service Identity) is nine digits; for most stations three of them are
the MID of the administration (the flag state) that assigned it. The table below is written
from the ITU's "Table of Maritime Identification Digits" (ITU-R Recommendation M.585 and the
MID list the ITU publishes with its Maritime mobile Access and Retrieval System, MARS:
https://www.itu.int/en/ITU-R/terrestrial/fmd/Pages/mid.aspx), mapped to ISO 3166-1 alpha-3.

Choices where the ITU list does not give one ISO country:

* Territories with their own ISO code get it (Gibraltar 236 ``GIB``, Faroe Islands 231 ``FRO``,
  Bermuda 310 ``BMU``, Greenland 331 ``GRL``, Hong Kong 477 ``HKG`` ...): that is the register
  and flag a vessel tracker shows.
* Parts of a country without their own ISO code get the country: Azores 204 and Madeira 255
  ``PRT``, Alaska 303 ``USA``, Ascension Island 608 ``SHN`` (ISO's "Saint Helena, Ascension
  and Tristan da Cunha").
* The French southern lands (Adélie Land 501, Saint Paul and Amsterdam Islands 607, Crozet
  618, Kerguelen 635) are ``ATF``, the French Southern Territories (the TAAF administration).
* 306 is shared by Bonaire, Sint Eustatius and Saba, Curaçao and Sint Maarten: it is ``NLD``
  (the Kingdom of the Netherlands, their administration), because the MMSI cannot tell which.

Codes the ITU has not allocated map to nothing (``None``): an unknown flag is better than a
guessed one.
"""

from __future__ import annotations

#: MID (three digits) -> ISO 3166-1 alpha-3 of the flag. From the ITU MID table (see above).
MID_FLAGS: dict[int, str] = {
    # Europe (2xx)
    201: "ALB", 202: "AND", 203: "AUT", 204: "PRT",  # 204: Azores
    205: "BEL", 206: "BLR", 207: "BGR", 208: "VAT", 209: "CYP", 210: "CYP", 211: "DEU",
    212: "CYP", 213: "GEO", 214: "MDA", 215: "MLT", 216: "ARM", 218: "DEU", 219: "DNK",
    220: "DNK", 224: "ESP", 225: "ESP", 226: "FRA", 227: "FRA", 228: "FRA", 229: "MLT",
    230: "FIN", 231: "FRO", 232: "GBR", 233: "GBR", 234: "GBR", 235: "GBR", 236: "GIB",
    237: "GRC", 238: "HRV", 239: "GRC", 240: "GRC", 241: "GRC", 242: "MAR", 243: "HUN",
    244: "NLD", 245: "NLD", 246: "NLD", 247: "ITA", 248: "MLT", 249: "MLT", 250: "IRL",
    251: "ISL", 252: "LIE", 253: "LUX", 254: "MCO", 255: "PRT",  # 255: Madeira
    256: "MLT", 257: "NOR", 258: "NOR", 259: "NOR", 261: "POL", 262: "MNE", 263: "PRT",
    264: "ROU", 265: "SWE", 266: "SWE", 267: "SVK", 268: "SMR", 269: "CHE", 270: "CZE",
    271: "TUR", 272: "UKR", 273: "RUS", 274: "MKD", 275: "LVA", 276: "EST", 277: "LTU",
    278: "SVN", 279: "SRB",
    # North and Central America, Caribbean (3xx)
    301: "AIA", 303: "USA",  # 303: Alaska
    304: "ATG", 305: "ATG", 306: "NLD",  # 306: Bonaire/St Eustatius/Saba, Curaçao, St Maarten
    307: "ABW", 308: "BHS", 309: "BHS", 310: "BMU", 311: "BHS", 312: "BLZ", 314: "BRB",
    316: "CAN", 319: "CYM", 321: "CRI", 323: "CUB", 325: "DMA", 327: "DOM", 329: "GLP",
    330: "GRD", 331: "GRL", 332: "GTM", 334: "HND", 336: "HTI", 338: "USA", 339: "JAM",
    341: "KNA", 343: "LCA", 345: "MEX", 347: "MTQ", 348: "MSR", 350: "NIC", 351: "PAN",
    352: "PAN", 353: "PAN", 354: "PAN", 355: "PAN", 356: "PAN", 357: "PAN", 358: "PRI",
    359: "SLV", 361: "SPM", 362: "TTO", 364: "TCA", 366: "USA", 367: "USA", 368: "USA",
    369: "USA", 370: "PAN", 371: "PAN", 372: "PAN", 373: "PAN", 374: "PAN", 375: "VCT",
    376: "VCT", 377: "VCT", 378: "VGB", 379: "VIR",
    # Asia (4xx)
    401: "AFG", 403: "SAU", 405: "BGD", 408: "BHR", 410: "BTN", 412: "CHN", 413: "CHN",
    414: "CHN", 416: "TWN", 417: "LKA", 419: "IND", 422: "IRN", 423: "AZE", 425: "IRQ",
    428: "ISR", 431: "JPN", 432: "JPN", 434: "TKM", 436: "KAZ", 437: "UZB", 438: "JOR",
    440: "KOR", 441: "KOR", 443: "PSE", 445: "PRK", 447: "KWT", 450: "LBN", 451: "KGZ",
    453: "MAC", 455: "MDV", 457: "MNG", 459: "NPL", 461: "OMN", 463: "PAK", 466: "QAT",
    468: "SYR", 470: "ARE", 471: "ARE", 472: "TJK", 473: "YEM", 475: "YEM", 477: "HKG",
    478: "BIH",
    # Oceania (5xx)
    501: "ATF",  # Adélie Land
    503: "AUS", 506: "MMR", 508: "BRN", 510: "FSM", 511: "PLW", 512: "NZL", 514: "KHM",
    515: "KHM", 516: "CXR", 518: "COK", 520: "FJI", 523: "CCK", 525: "IDN", 529: "KIR",
    531: "LAO", 533: "MYS", 536: "MNP", 538: "MHL", 540: "NCL", 542: "NIU", 544: "NRU",
    546: "PYF", 548: "PHL", 550: "TLS", 553: "PNG", 555: "PCN", 557: "SLB", 559: "ASM",
    561: "WSM", 563: "SGP", 564: "SGP", 565: "SGP", 566: "SGP", 567: "THA", 570: "TON",
    572: "TUV", 574: "VNM", 576: "VUT", 577: "VUT", 578: "WLF",
    # Africa (6xx)
    601: "ZAF", 603: "AGO", 605: "DZA", 607: "ATF",  # Saint Paul and Amsterdam Islands
    608: "SHN",  # Ascension Island
    609: "BDI", 610: "BEN", 611: "BWA", 612: "CAF", 613: "CMR", 615: "COG", 616: "COM",
    617: "CPV", 618: "ATF",  # Crozet Archipelago
    619: "CIV", 620: "COM", 621: "DJI", 622: "EGY", 624: "ETH", 625: "ERI", 626: "GAB",
    627: "GHA", 629: "GMB", 630: "GNB", 631: "GNQ", 632: "GIN", 633: "BFA", 634: "KEN",
    635: "ATF",  # Kerguelen Islands
    636: "LBR", 637: "LBR", 638: "SSD", 642: "LBY", 644: "LSO", 645: "MUS", 647: "MDG",
    649: "MLI", 650: "MOZ", 654: "MRT", 655: "MWI", 656: "NER", 657: "NGA", 659: "NAM",
    660: "REU", 661: "RWA", 662: "SDN", 663: "SEN", 664: "SYC", 665: "SHN", 666: "SOM",
    667: "SLE", 668: "STP", 669: "SWZ", 670: "TCD", 671: "TGO", 672: "TUN", 674: "TZA",
    675: "UGA", 676: "COD", 677: "TZA", 678: "ZMB", 679: "ZWE",
    # South America (7xx)
    701: "ARG", 710: "BRA", 720: "BOL", 725: "CHL", 730: "COL", 735: "ECU", 740: "FLK",
    745: "GUF", 750: "GUY", 755: "PRY", 760: "PER", 765: "SUR", 770: "URY", 775: "VEN",
}


def mid_of(mmsi: int | str | None) -> int | None:
    """The MID an MMSI carries, following the identity formats of ITU-R M.585.

    ========================  ===========  ===================================================
    format                    MID digits   what it is
    ========================  ===========  ===================================================
    ``MIDxxxxxx`` (2-7...)    1-3          ship station
    ``0MIDxxxxx``             2-4          group of ship stations
    ``00MIDxxxx``             3-5          coast station (AIS base stations use it)
    ``111MIDxxx``             4-6          SAR aircraft
    ``8MIDxxxxx``             2-4          handheld VHF transceiver with DSC and GNSS
    ``98MIDxxxx``             3-5          craft associated with a parent ship (tender, RIB)
    ``99MIDxxxx``             3-5          aid to navigation
    ``970xxyyyy`` etc.        none         AIS-SART (970), man overboard (972), EPIRB-AIS (974)
    ========================  ===========  ===================================================

    Anything else (not nine digits once zero-padded, ``1xx`` other than 111, ``9x`` other
    than the above) has no MID.
    """
    if mmsi is None:
        return None
    text = str(mmsi).strip()
    if not text.isdigit() or len(text) > 9:
        return None
    text = text.zfill(9)
    if text == "000000000":
        return None
    if text.startswith("00"):
        digits = text[2:5]
    elif text.startswith("0"):
        digits = text[1:4]
    elif text.startswith("111"):
        digits = text[3:6]
    elif text.startswith(("98", "99")):
        digits = text[2:5]
    elif text.startswith("8"):
        digits = text[1:4]
    elif text[0] in "234567":
        digits = text[:3]
    else:  # 1xx (not 111), 97x devices, 90-96: no MID by design
        return None
    return int(digits)


def flag_from_mmsi(mmsi: int | str | None) -> str | None:
    """ISO-3 of the flag an MMSI declares, or ``None`` (no MID, or a MID the ITU has not
    allocated). A declared flag is what the transmitter says, not a registry's record."""
    mid = mid_of(mmsi)
    return MID_FLAGS.get(mid) if mid is not None else None
