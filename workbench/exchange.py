"""Reference exchange formats: TMX 1.4, JSONL and plain text, pure (no I/O).

TMX is what CAT tools and MT training pipelines read: one ``tu`` per segment with a
German (de-DE) and an English (en-US) ``tuv``. Text XML 1.0 cannot hold (most control
characters) is carried as workbench.xmltext describes, so the file is well-formed and reads
back unchanged; only the reviewer's name in an attribute loses such characters.
JSONL escapes every character that some line splitter takes for a line end, so one record
is one line for every reader; TXT turns the line breaks inside a reference into spaces.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench import xmltext
from workbench.errors import InputError

FORMATS = ("tmx", "jsonl", "txt")
SOURCE_LANG = "de-DE"
TARGET_LANG = "en-US"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# json.dumps escapes the other line ends (C0 controls); str.splitlines() also splits on these.
_LINE_ENDS_JSON_KEEPS = re.compile("[\x85\u2028\u2029]")


@dataclass(frozen=True)
class Unit:
    """One aligned pair: a German segment and its approved English reference."""

    document_id: int
    segment_id: int
    source: str
    target: str
    reviewer: str = ""
    updated: str = ""  # ISO 8601 UTC, as the store keeps it


def dump(units: Sequence[Unit], fmt: str) -> bytes:
    """Units in ``fmt`` (tmx, jsonl or txt) as UTF-8 bytes."""
    if fmt == "tmx":
        return to_tmx(units)
    if fmt == "jsonl":
        return to_jsonl(units)
    if fmt == "txt":
        return to_txt(units)
    raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")


def to_txt(units: Sequence[Unit]) -> bytes:
    """The English references, one per line, in order (aligned with the German segments)."""
    return "".join(_one_line(u.target) + "\n" for u in units).encode("utf-8")


def to_jsonl(units: Sequence[Unit]) -> bytes:
    """One JSON object per line: document, segment, source, reference, reviewer, updated."""
    lines = (
        json.dumps(
            {
                "document": u.document_id,
                "segment": u.segment_id,
                "source": u.source,
                "reference": u.target,
                "reviewer": u.reviewer,
                "updated": u.updated,
            },
            ensure_ascii=False,
        )
        for u in units
    )
    return "".join(_LINE_ENDS_JSON_KEEPS.sub(_json_escape, line) + "\n" for line in lines).encode("utf-8")


def _json_escape(match: re.Match[str]) -> str:
    # Such a character can only be inside a JSON string, where its escape means the same.
    return f"\\u{ord(match.group(0)):04x}"


def to_tmx(units: Sequence[Unit], *, now: datetime | None = None) -> bytes:
    """A TMX 1.4 document with one ``tu`` per unit."""
    created = _tmx_date(now or datetime.now(UTC))
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "workbench",
            "creationtoolversion": _version(),
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en-US",
            "srclang": SOURCE_LANG,
            "o-tmf": "workbench",
            "creationdate": created,
        },
    )
    body = ET.SubElement(root, "body")
    texts: list[tuple[ET.Element, str]] = []
    for unit in units:
        attrs = {"tuid": f"{unit.document_id}-{unit.segment_id}"}
        if unit.reviewer:
            attrs["changeid"] = xmltext.attribute_text(unit.reviewer)
        if unit.updated:
            attrs["changedate"] = _tmx_date(_parse_iso(unit.updated))
        tu = ET.SubElement(body, "tu", attrs)
        ET.SubElement(tu, "prop", type="x-document").text = str(unit.document_id)
        for lang, text in ((SOURCE_LANG, unit.source), (TARGET_LANG, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            texts.append((ET.SubElement(tuv, "seg"), text))
    ET.indent(root)
    # The text goes in after indenting: indent() would pad a segment that holds placeholders.
    for element, text in texts:
        xmltext.set_text(element, text)
    return xmltext.to_bytes(root)


def parse_tmx(data: bytes) -> list[tuple[str, str]]:
    """(German, English) of each ``tu`` of a TMX document, in order."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise InputError(f"not a valid TMX file: {err}.") from None
    if root.tag != "tmx":
        raise InputError(f"not a TMX file: the root element is <{root.tag}>, not <tmx>.")
    pairs = []
    for tu in root.iter("tu"):
        texts = {tuv.get(_XML_LANG, ""): _seg_text(tuv) for tuv in tu.iter("tuv")}
        pairs.append((texts.get(SOURCE_LANG, ""), texts.get(TARGET_LANG, "")))
    return pairs


def _one_line(text: str) -> str:
    # A reference with a line break would shift every later line of an aligned text file.
    return " ".join(text.splitlines())


def _seg_text(tuv: ET.Element) -> str:
    seg = tuv.find("seg")
    return "" if seg is None else xmltext.get_text(seg)


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _tmx_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workbench")
    except PackageNotFoundError:
        return "0"
