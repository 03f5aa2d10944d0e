"""From the checks' flags to the ones a reviewer sees: one per span, full names joined, and
offsets in the original lines (invisible characters and all)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from workbench.names.context import Context
from workbench.names.flags import KINDS, Flag

# When two checks flag the same span with the same suggestion, the more specific kind wins:
# an explicit glossary entry over a rule, a rule over a similarity to a known name, that over
# the document's own other spellings, and those over the bare fact that the source differs.
_PRIORITY = {kind: len(KINDS) - i for i, kind in enumerate(KINDS)}


def merge(found: Sequence[tuple[int, Flag]]) -> list[Flag]:
    """One flag per span. found pairs each flag with its check's place in the declared order:
    where two checks suggest different things, the one declared first is believed (the source
    says who is meant better than a similar known name does)."""
    ordered = sorted(found, key=lambda x: (x[1].line, x[1].side != "src", x[1].start, -x[1].end, x[0]))
    out: list[tuple[int, Flag]] = []
    for order, f in ordered:
        if out:
            last_order, last = out[-1]
            if last.line == f.line and last.side == f.side and f.start < last.end:
                if _wins((order, f), (last_order, last)):
                    out[-1] = (order, f)
                continue
        out.append((order, f))
    return [f for _, f in out]


def _wins(a: tuple[int, Flag], b: tuple[int, Flag]) -> bool:
    (order_a, fa), (order_b, fb) = a, b
    if "glossary" in (fa.kind, fb.kind):
        return fa.kind == "glossary" and fb.kind != "glossary"
    if fa.suggestion.casefold() != fb.suggestion.casefold():
        if fa.side == fb.side == "src" and "mismatch" in (fa.kind, fb.kind):
            # In the source a check that knows the name beats the bare fact that the translation lacks it.
            return fb.kind == "mismatch" and fa.kind != "mismatch"
        return order_a < order_b
    return (_PRIORITY[fa.kind], fa.confidence) > (_PRIORITY[fb.kind], fb.confidence)


def join_full_names(flags: list[Flag], ctx: Context) -> list[Flag]:
    """German given and family name left in English side by side make one flag: "Sergej Lawrow"."""
    joined: list[Flag] = []
    for f in flags:
        last = joined[-1] if joined else None
        if (
            last is not None
            and f.kind == last.kind == "transliteration"
            and (f.line, f.side) == (last.line, last.side)
            and ctx.sides[f.side].line(f.line)[last.end : f.start] == " "
        ):
            english = f"{last.suggestion} {f.suggestion}"
            reason = f'"{last.text} {f.text}" is the German spelling; English texts write "{english}".'
            joined[-1] = Flag(
                f.line, f.side, last.start, f.end, f"{last.text} {f.text}", f.kind,
                english, reason, max(f.confidence, last.confidence),
            )  # fmt: skip
            continue
        joined.append(f)
    return joined


def note_other_spellings(flags: list[Flag]) -> list[Flag]:
    """Say in a near-miss's reason which other spellings of the person the document has."""
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in flags:
        if f.kind == "near-miss":
            spellings[(f.side, f.suggestion)].add(f.text)
    out = []
    for f in flags:
        others = sorted(spellings[(f.side, f.suggestion)] - {f.text}) if f.kind == "near-miss" else []
        if others:
            listed = ", ".join(f'"{o}"' for o in others)
            f = replace(f, reason=f"{f.reason[:-1]}; the document also spells it {listed}.")
        out.append(f)
    return out


def to_original(flags: list[Flag], ctx: Context) -> list[Flag]:
    """Offsets and text in the lines as given, invisible characters inside a span included."""
    out = []
    for f in flags:
        folded = ctx.sides[f.side].folded[f.line - 1]
        start, end = folded.span(f.start, f.end)
        out.append(replace(f, start=start, end=end, text=folded.original[start:end]))
    return out
