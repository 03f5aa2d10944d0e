"""Reference exchange formats: TMX 1.4, JSONL and plain text, pure (no I/O).

TMX is what CAT tools and MT training pipelines read: one ``tu`` per segment with a
German (de-DE) and an English (en-US) ``tuv``. XML 1.0 cannot carry most control
characters, so they are dropped from TMX (and only there) rather than producing a file
no parser accepts.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.errors import InputError

FORMATS = ("tmx", "jsonl", "txt")
SOURCE_LANG = "de-DE"
TARGET_LANG = "en-US"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
    return "".join(line + "\n" for line in lines).encode("utf-8")


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
    for unit in units:
        attrs = {"tuid": f"{unit.document_id}-{unit.segment_id}"}
        if unit.reviewer:
            attrs["changeid"] = _xml_text(unit.reviewer)
        if unit.updated:
            attrs["changedate"] = _tmx_date(_parse_iso(unit.updated))
        tu = ET.SubElement(body, "tu", attrs)
        ET.SubElement(tu, "prop", type="x-document").text = str(unit.document_id)
        for lang, text in ((SOURCE_LANG, unit.source), (TARGET_LANG, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = _xml_text(text)
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    ).encode()


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
        texts = {tuv.get(_XML_LANG, ""): tuv.findtext("seg") or "" for tuv in tu.iter("tuv")}
        pairs.append((texts.get(SOURCE_LANG, ""), texts.get(TARGET_LANG, "")))
    return pairs


def _one_line(text: str) -> str:
    # A reference with a line break would shift every later line of an aligned text file.
    return " ".join(text.splitlines())


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


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
