"""CSV cells that a spreadsheet opens safely and that read back exactly.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return runs as a formula
in Excel or LibreOffice; written with one extra leading apostrophe it shows as text. Reading
removes exactly that apostrophe, so every value survives the round trip (one that starts
with apostrophes itself included), and a cell without the mark, typed by a person, is
stripped of surrounding spaces.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARK = "'"


def _needs_mark(value: str) -> bool:
    bare = value.lstrip(_MARK)
    return bare.startswith(_FORMULA_START) or bare != bare.strip()


def neutralise_cell(cell: str) -> str:
    """The cell as written to CSV: one more leading apostrophe when a spreadsheet would run
    it as a formula or reading would strip its whitespace (see restore_cell)."""
    return _MARK + cell if _needs_mark(cell) else cell


def restore_cell(cell: str) -> str:
    """The exact inverse of neutralise_cell for what it writes; a cell without its mark was
    typed by a person and is stripped."""
    if cell.startswith(_MARK) and _needs_mark(cell[1:]):
        return cell[1:]
    return cell.strip()
