"""Glossary entries and applying them to text, pure (no I/O).

A glossary maps a known-wrong form ("Scholes") to the correct one ("Scholz"). Matching
is whole-word and case-insensitive, keeps possessives ("Scholes'" -> "Scholz'",
"Millie's" -> "Milley's") and follows the case of the match where it is all caps. Invisible
characters (soft hyphens, zero-width spaces and joiners) neither hide a form nor split it:
"Scho\u00adles" is replaced as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.invisible import fold, strip

KINDS = ("name", "term")


@dataclass(frozen=True)
class GlossaryEntry:
    wrong: str
    right: str
    kind: str = "name"
    note: str = ""
    added_by: str = ""
    document_id: int | None = None


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    wrong: str
    right: str

    def as_json(self) -> dict[str, str]:
        return {"from": self.wrong, "to": self.right}


def _pattern(entries: Sequence[GlossaryEntry]) -> re.Pattern[str] | None:
    forms = sorted({strip(e.wrong) for e in entries if strip(e.wrong).strip()}, key=len, reverse=True)
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in forms)
    # \w-boundaries so "Milli" does not match inside "Millionen"; possessive 's / ' left outside.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def find(text: str, entries: Sequence[GlossaryEntry]) -> list[tuple[int, int, GlossaryEntry]]:
    """Spans of known-wrong forms in text, with the entry each one matched.

    A match that lies inside an occurrence of its own correct form is not a wrong form: with
    "Gerasimov" -> "Valery Gerasimov", the text "Valery Gerasimov" is already right, and
    applying the glossary twice changes nothing.
    """
    pattern = _pattern(entries)
    if pattern is None:
        return []
    folded = fold(text)
    by_form = {strip(e.wrong).casefold(): e for e in entries}
    found = []
    for m in pattern.finditer(folded.text):
        entry = by_form.get(m.group(0).casefold()) or _entry_matching(m.group(0), entries)
        if not _inside_correct_form(folded.text, m.start(), m.end(), entry):
            found.append((*folded.span(m.start(), m.end()), entry))
    return found


def _entry_matching(found: str, entries: Sequence[GlossaryEntry]) -> GlossaryEntry:
    # The regex folds case per character ("I" matches "ı"), str.casefold() does not:
    # look the entry up the regex's way.
    return next(e for e in entries if re.fullmatch(re.escape(strip(e.wrong)), found, re.IGNORECASE))


def _inside_correct_form(text: str, start: int, end: int, entry: GlossaryEntry) -> bool:
    right = entry.right.casefold()
    if len(right) <= end - start:
        return False
    window = text[max(0, end - len(right)) : start + len(right)].casefold()
    offset = window.find(right)
    while offset != -1:
        begin = max(0, end - len(right)) + offset
        if begin <= start and begin + len(right) >= end:
            return True
        offset = window.find(right, offset + 1)
    return False


def _match_case(found: str, right: str) -> str:
    return right.upper() if found.isupper() and len(found) > 1 else right


def apply(text: str, entries: Iterable[GlossaryEntry]) -> tuple[str, list[Replacement]]:
    """Replace every known-wrong form; returns the new text and what was replaced."""
    entries = list(entries)
    out: list[str] = []
    done: list[Replacement] = []
    pos = 0
    for start, end, entry in find(text, entries):
        found = text[start:end]
        right = _match_case(strip(found), entry.right)
        if strip(found) == right:
            continue
        out.append(text[pos:start])
        out.append(right)
        done.append(Replacement(start, end, found, right))
        pos = end
    out.append(text[pos:])
    return "".join(out), done
