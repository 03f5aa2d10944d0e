"""Reference exports: TMX 1.4 that XML parsers accept, JSONL and aligned text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from workbench import exchange
from workbench.errors import InputError

UNITS = [
    exchange.Unit(1, 10, "Olaf Scholz sprach.", "Olaf Scholz spoke.", "anna", "2026-11-25T08:00:00.123Z"),
    exchange.Unit(1, 11, "<script>alert(1)</script> & „Zitat“", '<b>bold</b> & "quote"\x07', "ben", ""),
]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tmx_is_valid_1_4_with_one_tu_per_unit() -> None:
    root = ET.fromstring(exchange.to_tmx(UNITS))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "de-DE"
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute)
    tus = root.findall("body/tu")
    assert len(tus) == 2
    assert [[tuv.get(XML_LANG) for tuv in tu.findall("tuv")] for tu in tus] == [["de-DE", "en-US"]] * 2
    assert tus[0].get("changedate") == "20261125T080000Z"


def test_tmx_round_trips_markup_as_text_and_characters_xml_cannot_hold() -> None:
    assert exchange.parse_tmx(exchange.to_tmx(UNITS)) == [
        ("Olaf Scholz sprach.", "Olaf Scholz spoke."),
        ("<script>alert(1)</script> & „Zitat“", '<b>bold</b> & "quote"\x07'),
    ]


def test_parse_tmx_refuses_other_xml() -> None:
    with pytest.raises(InputError, match="not a TMX file"):
        exchange.parse_tmx(b"<html/>")
    with pytest.raises(InputError, match="not a valid TMX file"):
        exchange.parse_tmx(b"<tmx>")


def test_jsonl_has_one_object_per_unit() -> None:
    rows = [json.loads(line) for line in exchange.to_jsonl(UNITS).decode().splitlines()]
    assert [(r["segment"], r["source"], r["reference"], r["reviewer"]) for r in rows] == [
        (u.segment_id, u.source, u.target, u.reviewer) for u in UNITS
    ]


def test_txt_keeps_one_reference_per_line() -> None:
    units = [exchange.Unit(1, 1, "a", "two\nlines"), exchange.Unit(1, 2, "b", "one")]
    assert exchange.to_txt(units) == b"two lines\none\n"


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(InputError, match="tmx, jsonl, txt"):
        exchange.dump(UNITS, "xlsx")
