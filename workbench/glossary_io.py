"""Glossary files: CSV and TBX, chosen by file extension.

CSV has the header ``wrong,right,kind,note`` (a header-less file with the same columns in
that order, two to four of them, is read too). Written CSV starts with a UTF-8 BOM so Excel
shows umlauts. A cell a spreadsheet would run as a formula, or whose surrounding whitespace
matters, is written with one more leading apostrophe, and reading removes exactly that one,
so every value reads back as it was written; other cells are read stripped, as people type
them.
TBX is TBX-Basic (martif) XML: one termEntry per entry, the right form as preferred term
and the wrong form as deprecated term of an English langSet; text XML cannot hold is
carried as workbench.xmltext describes.

A file giving two corrections for one wrong form (in any case: the glossary matches it so)
is refused, naming both places: the store keeps one entry per wrong form, so importing
would drop one of them silently.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench import xmltext
from workbench.errors import GlossaryError
from workbench.formats.cells import neutralise_cell, restore_cell
from workbench.glossary import KINDS, GlossaryEntry

log = logging.getLogger(__name__)

CSV_HEADER = ("wrong", "right", "kind", "note")
FORMATS = (".csv", ".tbx")
# OWASP's list: a cell starting with one of these is run as a formula by Excel/LibreOffice.
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

    _format(path)
    file = read_text(path, keep_controls=True)
    for warning in file.warnings:
        log.warning(warning)
    return parse_glossary(file.text, file.name)


def parse_glossary(text: str, name: str) -> list[GlossaryEntry]:
    """Entries of a glossary file's decoded text (textio's keep_controls), the format chosen
    by the extension of ``name``."""
    return parse_csv(text, name) if _format(name) == ".csv" else parse_tbx(text, name)


def write_glossary(path: str | Path, entries: Iterable[GlossaryEntry]) -> None:
    """Write entries as .csv or .tbx (by extension), atomically."""
    from workbench.textio import write_atomic

    suffix = _format(path)
    entries = list(entries)
    write_atomic(path, to_csv_bytes(entries) if suffix == ".csv" else to_tbx_bytes(entries))


def _refuse_duplicates(found: Sequence[tuple[str, GlossaryEntry]], source: str) -> None:
    seen: dict[str, tuple[str, GlossaryEntry]] = {}
    for where, entry in found:
        key = entry.wrong.casefold()
        if key in seen:
            first_where, first = seen[key]
            raise GlossaryError(
                f"{source}: {first_where} ({first.wrong!r} -> {first.right!r}) and {where} "
                f"({entry.wrong!r} -> {entry.right!r}) correct the same wrong form (the glossary "
                "matches it in any case). Keep one of them and import again."
            )
        seen[key] = (where, entry)


# --- CSV -----------------------------------------------------------------------------------


def to_csv_bytes(entries: Iterable[GlossaryEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([neutralise_cell(cell) for cell in (e.wrong, e.right, e.kind, e.note)])
    return out.getvalue().encode("utf-8-sig")


def _entry(source: str, line: int, values: dict[str, str]) -> GlossaryEntry:
    where = f"{source} line {line}"
    # The store strips the forms; the note is kept as written.
    wrong, right = values.get("wrong", "").strip(), values.get("right", "").strip()
    if not wrong or not right:
        column = "wrong" if not wrong else "right"
        raise GlossaryError(
            f"{where}: the {column!r} form is empty; every row needs a wrong and a right form"
        )
    kind = values.get("kind", "").strip().lower() or "name"
    if kind not in KINDS:
        raise GlossaryError(f"{where}: unknown kind {kind!r}; use {' or '.join(KINDS)}")
    return GlossaryEntry(wrong=wrong, right=right, kind=kind, note=values.get("note", ""))


def _csv_error(err: csv.Error, source: str, start: int, line: int) -> GlossaryError:
    message = str(err)
    if message.startswith("field larger than field limit"):
        limit = csv.field_size_limit() // 1024
        return GlossaryError(
            f"{source} line {start}: a cell is longer than {limit} KB, more than any glossary cell "
            'needs. Most likely a quote (") on that line is not closed: close it, or shorten the cell'
        )
    if message == "unexpected end of data":
        return GlossaryError(
            f'{source} line {start}: a quote (") opened in the row starting here is never closed. '
            "Close it, or remove it if it is part of the text"
        )
    if message.endswith("expected after '\"'"):
        return GlossaryError(
            f"{source} line {line}: text follows the closing quote of a cell. Put the whole cell in "
            'quotes and double each quote inside it ("")'
        )
    return GlossaryError(f"{source} line {line}: not readable as CSV ({message}). Check its quotes")


def parse_csv(text: str, source: str = "glossary.csv") -> list[GlossaryEntry]:
    # strict: an unclosed quote is an error instead of a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True, skipinitialspace=True)
    found: list[tuple[str, GlossaryEntry]] = []
    columns: Sequence[str] | None = None
    start = 1  # the line the next row starts on
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise _csv_error(err, source, start, reader.line_num) from None
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        cells = [restore_cell(cell) for cell in row]
        if columns is None:
            header = [cell.lower() for cell in cells]
            if "wrong" in header and "right" in header:
                columns = header
                continue
            columns = CSV_HEADER
        if len(cells) > len(columns) or (columns is CSV_HEADER and len(cells) < 2):
            raise GlossaryError(
                f"{source} line {line}: {len(cells)} columns; expected "
                f"{','.join(CSV_HEADER)} (wrong and right required)"
            )
        entry = _entry(source, line, dict(zip(columns, cells, strict=False)))
        found.append((f"line {line}", entry))
    _refuse_duplicates(found, source)
    return [entry for _, entry in found]


# --- TBX -----------------------------------------------------------------------------------


def to_tbx_bytes(entries: Iterable[GlossaryEntry]) -> bytes:
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    source = ET.SubElement(ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc"), "sourceDesc")
    ET.SubElement(source, "p").text = "Name and term corrections exported by the workbench"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    texts: list[tuple[ET.Element, str]] = []
    for number, e in enumerate(entries, start=1):
        entry = ET.SubElement(body, "termEntry", {"id": f"e{number}"})
        if e.note:
            texts.append((ET.SubElement(entry, "note"), e.note))
        lang = ET.SubElement(entry, "langSet", {_XML_LANG: "en"})
        for term, status in ((e.right, _PREFERRED_STATUS), (e.wrong, _WRONG_STATUSES[0])):
            tig = ET.SubElement(lang, "tig")
            texts.append((ET.SubElement(tig, "term"), term))
            ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
            ET.SubElement(tig, "termNote", {"type": "partOfSpeech"}).text = _POS_OF_KIND.get(e.kind, "noun")
    ET.indent(root)
    # The text goes in after indenting: indent() would pad a term that holds placeholders.
    for element, text in texts:
        xmltext.set_text(element, text)
    return xmltext.to_bytes(root)


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


def _text(element: ET.Element) -> str:
    text = xmltext.get_text(element)
    return text if xmltext.preserves_space(element) else text.strip()


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
    found: list[tuple[str, GlossaryEntry]] = []
    concepts = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    for number, concept in enumerate(concepts, start=1):
        label = concept.get("id") or f"#{number}"
        notes = [note for n in _children(concept, "note") if (note := _text(n))]
        right: str | None = None
        wrong: list[str] = []
        kind = "name"
        for lang in _children(concept, "langSet", "langSec"):
            if not (lang.get(_XML_LANG) or "en").lower().startswith("en"):
                continue
            for tig in _children(lang, "tig", "ntig", "termSec"):
                terms = [el for el in tig.iter() if _local(el.tag) == "term"]
                term = xmltext.get_text(terms[0]).strip() if terms else ""
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
        found.extend((f"termEntry {label}", GlossaryEntry(w, right, kind, "; ".join(notes))) for w in wrong)
    _refuse_duplicates(found, source)
    return [entry for _, entry in found]
