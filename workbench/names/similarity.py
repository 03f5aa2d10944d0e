"""When two spellings are close enough to be one name, pure.

Edit distance (a swap of neighbours counts as one edit: "Prooshenko") and sound (Metaphone,
NYSIIS) decide together; context that says a word is a name (a title, the right given name)
relaxes both. Short names are compared too, one edit apart and only with context: "Mai" for
Theresa May, "Abbe" for Shinzo Abe.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from workbench.names.kb import phonetic_keys

# Endings that make another word of a name rather than another spelling (Russia/Russian, Kiper's).
_INFLECTION_ENDINGS = frozenset({"s", "es", "n", "an", "ian", "ns", "ese", "er", "ers"})


def close(a: str, b: str) -> tuple[int, bool]:
    """Edit distance counting a swap of neighbours as one edit, and whether they sound alike."""
    return OSA.distance(a.casefold(), b.casefold()), bool(phonetic_keys(a) & phonetic_keys(b))


def similar(a: str, b: str, distance: int, alike: bool, context: bool) -> bool:
    """Edit distance and sound together decide; context (a title, the given name) relaxes both."""
    shortest = min(len(a), len(b))
    if shortest < 3:
        return False
    if shortest == 3 or (distance >= 2 and shortest < 5):
        return shortest >= 3 and distance == 1 and context and a[:1].casefold() == b[:1].casefold()
    if a[:1].casefold() != b[:1].casefold() and distance > 1:
        return False
    if distance <= 1:
        return True
    if distance == 2:
        return alike or context
    return distance == 3 and alike and context and shortest >= 6


def inflection(a: str, b: str) -> bool:
    """Whether one casefolded word is the other with an ending (Russia/Russian, Kiper/Kipers)."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in _INFLECTION_ENDINGS


def shared_start(a: str, b: str) -> int:
    """How many letters two casefolded words share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
