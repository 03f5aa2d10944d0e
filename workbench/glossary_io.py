"""Glossary files: CSV and TBX, chosen by file extension.

CSV has the header ``wrong,right,kind,note`` (a header-less file with the same columns in
that order, two to four of them, is read too). Written CSV starts with a UTF-8 BOM so Excel
shows umlauts, and cells that a spreadsheet would run as a formula are neutralised.
TBX is TBX-Basic (martif) XML: one termEntry per entry, the right form as preferred term
and the wrong form as deprecated term of an English langSet.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench.errors import GlossaryError
from workbench.glossary import KINDS, GlossaryEntry

log = logging.getLogger(__name__)

CSV_HEADER = ("wrong", "right", "kind", "note")
FORMATS = (".csv", ".tbx")
# OWASP's list: a cell starting with one of these is run as a formula by Excel/LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX-Basic has no field for our kind; part of speech comes closest (a name is a proper noun).
_POS_OF_KIND = {"name": "properNoun", "term": "noun"}
_WRONG_STATUSES = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts")
_PREFERRED_STATUS = "preferredTerm-admn-sts"


def _format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GlossaryError(
            f"{os.fspath(path)}: unknown glossary format {suffix or '(no extension)'!r}; "
            f"name the file .csv or .tbx"
        )
    return suffix


def read_glossary(path: str | Path) -> list[GlossaryEntry]:
    """Entries of a .csv or .tbx glossary file; GlossaryError names the file and the bad row."""
    from workbench.textio import read_text

    suffix = _format(path)
    file = read_text(path)
    for warning in file.warnings:
        log.warning(warning)
    return parse_csv(file.text, file.name) if suffix == ".csv" else parse_tbx(file.text, file.name)


def write_glossary(path: str | Path, entries: Iterable[GlossaryEntry]) -> None:
    """Write entries as .csv or .tbx (by extension), atomically."""
    from workbench.textio import write_atomic

    suffix = _format(path)
    entries = list(entries)
    write_atomic(path, to_csv_bytes(entries) if suffix == ".csv" else to_tbx_bytes(entries))


# --- CSV -----------------------------------------------------------------------------------


def neutralise_cell(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _restore(cell: str) -> str:
    # Undo neutralise_cell so an exported glossary imports unchanged.
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def to_csv_bytes(entries: Iterable[GlossaryEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([neutralise_cell(cell) for cell in (e.wrong, e.right, e.kind, e.note)])
    return out.getvalue().encode("utf-8-sig")


def _entry(source: str, line: int, values: dict[str, str]) -> GlossaryEntry:
    where = f"{source} line {line}"
    wrong, right = values.get("wrong", "").strip(), values.get("right", "").strip()
    if not wrong or not right:
        column = "wrong" if not wrong else "right"
        raise GlossaryError(
            f"{where}: the {column!r} form is empty; every row needs a wrong and a right form"
        )
    kind = values.get("kind", "").strip().lower() or "name"
    if kind not in KINDS:
        raise GlossaryError(f"{where}: unknown kind {kind!r}; use {' or '.join(KINDS)}")
    return GlossaryEntry(wrong=wrong, right=right, kind=kind, note=values.get("note", "").strip())


def parse_csv(text: str, source: str = "glossary.csv") -> list[GlossaryEntry]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    entries: list[GlossaryEntry] = []
    columns: Sequence[str] | None = None
    for row in reader:
        cells = [_restore(cell) for cell in row]
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            header = [cell.strip().lower() for cell in cells]
            if "wrong" in header and "right" in header:
                columns = header
                continue
            columns = CSV_HEADER
        if len(cells) > len(columns) or (columns is CSV_HEADER and len(cells) < 2):
            raise GlossaryError(
                f"{source} line {reader.line_num}: {len(cells)} columns; expected "
                f"{','.join(CSV_HEADER)} (wrong and right required)"
            )
        entries.append(_entry(source, reader.line_num, dict(zip(columns, cells, strict=False))))
    return entries


# --- TBX -----------------------------------------------------------------------------------


def to_tbx_bytes(entries: Iterable[GlossaryEntry]) -> bytes:
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    source = ET.SubElement(ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc"), "sourceDesc")
    ET.SubElement(source, "p").text = "Name and term corrections exported by the workbench"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for number, e in enumerate(entries, start=1):
        entry = ET.SubElement(body, "termEntry", {"id": f"e{number}"})
        if e.note:
            ET.SubElement(entry, "note").text = e.note
        lang = ET.SubElement(entry, "langSet", {_XML_LANG: "en"})
        for term, status in ((e.right, _PREFERRED_STATUS), (e.wrong, _WRONG_STATUSES[0])):
            tig = ET.SubElement(lang, "tig")
            ET.SubElement(tig, "term").text = term
            ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
            ET.SubElement(tig, "termNote", {"type": "partOfSpeech"}).text = _POS_OF_KIND.get(e.kind, "noun")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _local(tag: str) -> str:
    # TBX v3 (<tbx>) puts elements in a namespace; match on local names for both versions.
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) in names]


def _note(element: ET.Element, kind: str) -> str | None:
    for child in _children(element, "termNote"):
        if child.get("type") == kind:
            return (child.text or "").strip()
    return None


def parse_tbx(text: str, source: str = "glossary.tbx") -> list[GlossaryEntry]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        line, column = err.position
        raise GlossaryError(
            f"{source} is not well-formed XML (line {line}, column {column}): {err.msg}. "
            "Fix the file or export the glossary again"
        ) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(
            f"{source}: root element is <{_local(root.tag)}>, not <martif> or <tbx>; not a TBX file"
        )
    entries: list[GlossaryEntry] = []
    concepts = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    for number, concept in enumerate(concepts, start=1):
        label = concept.get("id") or f"#{number}"
        notes = [(n.text or "").strip() for n in _children(concept, "note") if (n.text or "").strip()]
        right: str | None = None
        wrong: list[str] = []
        kind = "name"
        for lang in _children(concept, "langSet", "langSec"):
            if not (lang.get(_XML_LANG) or "en").lower().startswith("en"):
                continue
            for tig in _children(lang, "tig", "ntig", "termSec"):
                terms = [el for el in tig.iter() if _local(el.tag) == "term"]
                term = (terms[0].text or "").strip() if terms else ""
                if not term:
                    continue
                status = _note(tig, "administrativeStatus")
                if status in _WRONG_STATUSES:
                    wrong.append(term)
                elif status == _PREFERRED_STATUS or (status is None and right is None):
                    right = term
                    kind = "name" if _note(tig, "partOfSpeech") in (None, "properNoun") else "term"
        if not wrong:
            continue  # plain terminology without a wrong form has nothing to correct
        if right is None:
            raise GlossaryError(
                f"{source}: termEntry {label} has a deprecated term but no preferred English term to "
                "replace it with"
            )
        entries.extend(GlossaryEntry(w, right, kind, "; ".join(notes)) for w in wrong)
    return entries
