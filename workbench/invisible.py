"""Invisible characters, folded out for matching while offsets stay in the original text, pure.

Text pasted from web pages carries characters a reader never sees: soft hyphens (a site's
hyphenation hints), zero-width spaces, joiners and non-joiners, word joiners, a BOM inside a
line, direction marks. Inside a word they split it for any regex ("Gera\\u200bsimo"), so names
and glossary forms are matched on the folded text and every span found there is mapped back
to the original, where it covers the invisible characters inside it ("Scho\\u00adles").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, LRM, RLM,
# word joiner and the invisible operators, BOM (zero-width no-break space).
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


@dataclass(frozen=True)
class Folded:
    """A text without its invisible characters, and the way back to the original's offsets."""

    original: str
    text: str
    # Position in the folded text of each removed character, in order; () when none were.
    _cuts: tuple[int, ...] = ()

    def position(self, index: int) -> int:
        """The original offset of the folded text's character at index."""
        return index + bisect_right(self._cuts, index) if self._cuts else index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end): invisible characters inside it
        belong to it, those before its first or after its last character do not."""
        if not self._cuts or end <= start:
            return self.position(start), self.position(start) + (end - start)
        return self.position(start), self.position(end - 1) + 1


def fold(text: str) -> Folded:
    """The text with its invisible characters removed (cheap when it has none)."""
    if _INVISIBLE.search(text) is None:
        return Folded(text, text)
    cuts = [m.start() - i for i, m in enumerate(_INVISIBLE.finditer(text))]
    return Folded(text, _INVISIBLE.sub("", text), tuple(cuts))


def strip(text: str) -> str:
    """The text without invisible characters (for comparing forms, not for offsets)."""
    return _INVISIBLE.sub("", text)
