"""Batching for translation, pure (no I/O, no model): drop duplicates, sort by length, cut into
batches under a token budget, put results back in input order, and split inputs too long
for the model at clause boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Where an overlong input may be cut, best first: after a sentence end the splitter missed,
# after ; or :, after a comma, then at any space.
_BOUNDARIES = (
    re.compile(r"[.!?][\"'“”„»«)\]]*\s+"),
    re.compile(r"[;:]\s*"),
    re.compile(r",\s*"),
    re.compile(r"\s+"),
)


def unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, in order of first appearance."""
    return list(dict.fromkeys(items))


def plan_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches, longest first.

    Sorting by length keeps padding low; a batch's padded size (its longest item times its
    count) stays within ``batch_tokens``. An item longer than the budget gets a batch of its
    own. Longest first, so that a batch too big for memory fails at once, not at the end.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        # Sorted descending: the batch's first item is its longest.
        longest = lengths[current[0]] if current else lengths[index]
        if current and longest * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def restore(batches: Sequence[Sequence[int]], outputs: Sequence[Sequence[T]]) -> list[T]:
    """Each batch's outputs put back at the indices the batch was made of."""
    size = sum(len(batch) for batch in batches)
    result: list[T | None] = [None] * size
    for batch, outs in zip(batches, outputs, strict=True):
        for index, out in zip(batch, outs, strict=True):
            result[index] = out
    if any(item is None for item in result):
        raise ValueError("batches do not cover every index exactly once")
    return result  # type: ignore[return-value]


def split_to_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Pieces of ``text``, each one ``fits``, cut at the best boundaries available.

    Neighbouring parts are packed together while they fit, so the model keeps as much
    context as it can. A single word that does not fit is cut in halves: nothing is dropped.
    """
    if fits(text):
        return [text.strip()]
    return [piece for piece in (p.strip() for p in _split(text, fits, 0)) if piece]


def _split(text: str, fits: Callable[[str], bool], level: int) -> list[str]:
    if level == len(_BOUNDARIES):
        return _halve(text, fits)
    cuts = [m.end() for m in _BOUNDARIES[level].finditer(text) if 0 < m.end() < len(text)]
    if not cuts:
        return _split(text, fits, level + 1)
    parts = [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    pieces: list[str] = []
    current = ""
    for part in parts:
        if current and fits(current + part):
            current += part
            continue
        if current:
            pieces.append(current)
        if fits(part):
            current = part
        else:
            pieces.extend(_split(part, fits, level + 1))
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _halve(text: str, fits: Callable[[str], bool]) -> list[str]:
    if len(text) <= 1 or fits(text):
        return [text]
    middle = len(text) // 2
    return _halve(text[:middle], fits) + _halve(text[middle:], fits)
