"""The glossary check: known wrong forms ("Scholes" -> "Scholz") in the text under review."""

from __future__ import annotations

from workbench.glossary import find
from workbench.names.context import Context
from workbench.names.flags import Flag


def check(ctx: Context) -> list[Flag]:
    """The glossary applies where wrong forms come from: the translation, or the source when
    it is checked alone."""
    side = ctx.sides[ctx.reviewed]
    flags = []
    for n, line in enumerate(side.lines, 1):
        for start, end, entry in find(line, ctx.glossary):
            found = line[start:end]
            if found == entry.right:
                continue
            what = "name" if entry.kind == "name" else "term"
            note = f" ({entry.note})" if entry.note else ""
            reason = (
                f'"{found}" is a known wrong {what} in the glossary; the right form is "{entry.right}"{note}.'
            )
            flags.append(Flag(n, side.name, start, end, found, "glossary", entry.right, reason, 0.99))
    return flags
