"""Any text in XML 1.0 element content and back, unchanged (for the TBX and TMX exports).

XML 1.0 cannot hold most C0 control characters, not even as character references, so each
one is written as an empty placeholder element ``<ph type="x-U+000B"/>``: ``ph`` is how
TMX (and TBX notes) mark a stand-alone native code, which a control character is, and an
``x-`` type is the formats' way of naming one of our own. Carriage returns are written as
``&#13;`` (a parser turns a literal one into a newline), and an element whose text has
leading or trailing whitespace gets ``xml:space="preserve"``, so that readers which strip
the whitespace of hand-made files keep ours.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# What XML 1.0 allows: tab, newline, carriage return and everything from U+0020 except
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CODE_POINT_TYPE = re.compile(r"x-U\+([0-9A-F]{4,6})")


def set_text(element: ET.Element, text: str) -> None:
    """Make ``text`` the content of a childless ``element``."""
    pieces = _NOT_XML.split(text)
    element.text = pieces[0]
    for char, after in zip(_NOT_XML.findall(text), pieces[1:], strict=True):
        ET.SubElement(element, "ph", type=f"x-U+{ord(char):04X}").tail = after
    if text != text.strip():
        element.set(XML_SPACE, "preserve")


def get_text(element: ET.Element) -> str:
    """The text ``set_text`` stored; the text of any other inline element is kept as text."""
    parts = [element.text or ""]
    for child in element:
        char = _placeholder_char(child)
        parts.append(get_text(child) if char is None else char)
        parts.append(child.tail or "")
    return "".join(parts)


def _placeholder_char(element: ET.Element) -> str | None:
    named = _CODE_POINT_TYPE.fullmatch(element.get("type") or "")
    if element.tag.rsplit("}", 1)[-1] != "ph" or named is None:
        return None
    code = int(named.group(1), 16)
    # Only what set_text writes: a character XML cannot hold, never a lone surrogate (which
    # no UTF-8 file or database can store).
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or not _NOT_XML.fullmatch(chr(code)):
        return None
    return chr(code)


def preserves_space(element: ET.Element) -> bool:
    return element.get(XML_SPACE) == "preserve"


def attribute_text(text: str) -> str:
    """``text`` without the characters XML cannot hold: an attribute has no room for markup."""
    return _NOT_XML.sub("", text)


def to_bytes(root: ET.Element) -> bytes:
    """The document as UTF-8 with an XML declaration; carriage returns in text kept."""
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes a carriage return in text as it is (attributes it escapes itself).
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n").encode()
