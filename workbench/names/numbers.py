"""The numbers check: dates, decades, numbers and their scale altered by the translation.

German and English write numbers differently, and the check compares what they mean:
1.500,5 and 1,500.5; "3. März" and "March 3" or "3 March"; "90er-Jahre" and "1990s";
"1,8 Billionen" and "1.8 trillion" (a German Billion is an English trillion, a Milliarde a
billion). Clock times are left out (14.30 Uhr is 2:30 p.m.). A number is paired with the
source's only when one is missing there: with several, a pairing would be a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

from workbench.names.context import Context
from workbench.names.flags import Flag

_MONTHS_EN = "January February March April May June July August September October November December".split()
_MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
_MONTH_NUMBER = {m.casefold(): i for i, m in enumerate(_MONTHS_EN, 1)}
_MONTH_NUMBER.update({m[:3].casefold(): i for i, m in enumerate(_MONTHS_EN, 1)})
_MONTH_NUMBER.update({"sept": 9})
_MONTH_NUMBER_DE = {m.casefold(): i for i, m in enumerate(_MONTHS_DE, 1)}
_MONTH_NUMBER_DE.update({"jänner": 1, "maerz": 3})
_DATE_DE = re.compile(r"(?=\d)\b(\d{1,2})\.\s*(" + "|".join(_MONTH_NUMBER_DE) + r")\b", re.IGNORECASE)
_EN_MONTH = r"(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_DATE_EN_MD = re.compile(
    r"(?=[adfjmnos])\b" + _EN_MONTH + r"\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?\b", re.IGNORECASE
)
_DATE_EN_DM = re.compile(
    r"(?=\d)(?<![\d.,])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r"\b", re.IGNORECASE
)
# Each pattern opens with a lookahead for the characters a match can start with: the regex
# engine then skips to those positions at C speed instead of trying the pattern everywhere.
# Clock times are written differently in each language (14.30 Uhr, 21 Uhr, 2:30 p.m.): left out.
_TIME = {
    "de": re.compile(r"(?=\d)(?:\b\d{1,2}(?:[.:]\d{2})?\s*Uhr\b|\b\d{1,2}[.:]\d{2}\s*h\b)", re.IGNORECASE),
    "en": re.compile(r"(?=\d)\b\d{1,2}(?:[.:]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)", re.IGNORECASE),
}
_NUMBER = re.compile(r"(?=\d)(?<![\w.,])\d+(?:[.,]\d+)*")
_TENS = ("zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")
_TENS_EN = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties")
_DECADE_DE = re.compile(
    r"(?=[\dzdvfsan])(?:(?<![\w.,])(\d{2}|\d{4})er(?:n|-?Jahre\w*|\s+Jahre\w*)?(?!\w)"
    r"|\b(" + "|".join(_TENS) + r")er(?:n|-?jahre\w*|\s+Jahre\w*)?\b)",
    re.IGNORECASE,
)
_DECADE_EN = re.compile(
    r"(?=[\d'’tfsen])(?:(?<![\w.,])(?:(\d{4})|['’](\d{2})|(\d{2}))s\b|\b(" + "|".join(_TENS_EN) + r")\b)",
    re.IGNORECASE,
)
# Scale words after a number: what it multiplies the number by.
_SCALE_DE = {"tausend": 1e3, "million": 1e6, "millionen": 1e6, "mio": 1e6, "milliarde": 1e9,
             "milliarden": 1e9, "mrd": 1e9, "billion": 1e12, "billionen": 1e12, "bio": 1e12}  # fmt: skip
_SCALE_EN = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
             "bn": 1e9, "trillion": 1e12, "trillions": 1e12, "tn": 1e12}  # fmt: skip
_SCALE_NAME = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}
_SCALE_WORD = re.compile(r"\s*([^\W\d_]+)")


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    raw: str
    scale: float  # 1 without a scale word
    scale_span: tuple[int, int] | None

    @property
    def amount(self) -> float:
        return self.value * self.scale


def check(ctx: Context) -> list[Flag]:
    if not ctx.has_mt:
        return []
    src, mt = ctx.sides["src"], ctx.sides["mt"]
    flags: list[Flag] = []
    for n in range(1, len(src.folded) + 1):
        flags.extend(check_line(n, src.line(n), mt.line(n)))
    return flags


def check_line(n: int, src: str, mt: str) -> list[Flag]:
    """Flags for dates, decades and numbers of one translated line that differ from the source's."""
    src_taken, mt_taken = _times(src, "de"), _times(mt, "en")
    flags = _dates(n, src, mt, src_taken, mt_taken)
    flags += _decades(n, src, mt, src_taken, mt_taken)
    flags += _numbers(n, _parse(src, "de", _Taken(src_taken)), _parse(mt, "en", _Taken(mt_taken)), mt)
    return flags


def _times(text: str, lang: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TIME[lang].finditer(text)]


class _Taken:
    """Spans already read as something else (a time, a date, a decade), looked up by bisection
    so that a line with thousands of numbers is read in linear time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        self._starts = [s for s, _ in merged]
        self._spans = merged

    def covers(self, start: int, end: int | None = None) -> bool:
        """Whether position start (or any of [start, end)) is inside a taken span."""
        i = bisect_right(self._starts, start if end is None else end - 1) - 1
        if i < 0:
            return False
        return self._spans[i][1] > start


def _dates(n: int, src: str, mt: str, src_taken: list, mt_taken: list) -> list[Flag]:
    src_dates = []
    for m in _DATE_DE.finditer(src):
        src_dates.append((int(m.group(1)), _MONTH_NUMBER_DE[m.group(2).casefold()]))
        src_taken.append((m.start(), m.end()))
    mt_dates: list[tuple[tuple[int, int], int, int, str]] = []
    for m in _DATE_EN_MD.finditer(mt):
        mt_dates.append(((int(m.group(2)), _MONTH_NUMBER[m.group(1).casefold()]), m.start(), m.end(), "md"))
    month_day = _Taken([(s, e) for _, s, e, _ in mt_dates])
    for m in _DATE_EN_DM.finditer(mt):
        if not month_day.covers(m.start(), m.end()):
            mt_dates.append(
                ((int(m.group(1)), _MONTH_NUMBER[m.group(2).casefold()]), m.start(), m.end(), "dm")
            )
    mt_taken.extend((s, e) for _, s, e, _ in mt_dates)
    missing = list((Counter(src_dates) - Counter(d for d, *_ in mt_dates)).elements())
    missing.reverse()  # taken from the end: the source's first missing date first
    in_source = set(src_dates)
    flags = []
    for date, start, end, style in sorted(mt_dates, key=lambda d: d[1]):
        if date in in_source or not missing:
            continue
        day, month = missing.pop()
        name = _MONTHS_EN[month - 1]
        suggestion = f"{name} {day}" if style == "md" else f"{day} {name}"
        text = mt[start:end]
        reason = f'The source has the date "{day}. {_MONTHS_DE[month - 1]}" but the translation "{text}".'
        flags.append(Flag(n, "mt", start, end, text, "mismatch", suggestion, reason, 0.85))
    return flags


def _decade_values(m: re.Match[str], tens: tuple[str, ...], groups: tuple[int, ...]) -> frozenset[int]:
    """The years a decade can start in: "90er" and "90s" 1990, "20er" 1920 or 2020."""
    for g in groups:
        digits = m.group(g)
        if digits:
            if len(digits) == 4:
                return frozenset({int(digits)})
            two = int(digits)
            return frozenset({1900 + two, 2000 + two}) if two <= 20 else frozenset({1900 + two})
    word = m.group(len(groups) + 1).casefold()
    return frozenset({1900 + 10 * (tens.index(word) + 2)})


def _decades(n: int, src: str, mt: str, src_taken: list, mt_taken: list) -> list[Flag]:
    src_decades = []
    for m in _DECADE_DE.finditer(src):
        src_decades.append(_decade_values(m, _TENS, (1,)))
        src_taken.append((m.start(), m.end()))
    mt_decades = []
    for m in _DECADE_EN.finditer(mt):
        mt_decades.append((_decade_values(m, _TENS_EN, (1, 2, 3)), m))
        mt_taken.append((m.start(), m.end()))
    unmatched = Counter(src_decades)  # few distinct decades, however many mentions
    wrong = []
    for values, m in mt_decades:
        hit = next((v for v, k in unmatched.items() if k > 0 and v & values), None)
        if hit is None:
            wrong.append(m)
        else:
            unmatched[hit] -= 1
    flags = []
    for m in wrong:
        left = [v for v, k in unmatched.items() if k > 0]
        if len(left) != 1 or unmatched[left[0]] != 1:
            break
        unmatched[left[0]] -= 1
        year = min(left[0])
        text = m.group(0)
        if m.group(4):
            suggestion = _TENS_EN[(year % 100) // 10 - 2] if year % 100 >= 20 else text
        elif m.group(2):
            suggestion = f"{text[0]}{year % 100:02d}s"
        else:
            suggestion = f"{year}s"
        reason = f'The source names the {year}s but the translation "{text}".'
        flags.append(Flag(n, "mt", m.start(), m.end(), text, "mismatch", suggestion, reason, 0.8))
    return flags


def _parse(text: str, lang: str, taken: _Taken) -> list[Number]:
    scales = _SCALE_DE if lang == "de" else _SCALE_EN
    numbers = []
    for m in _NUMBER.finditer(text):
        if taken.covers(m.start()):
            continue
        raw = m.group(0).rstrip(".,")
        value = _value(raw, lang)
        if value is None:
            continue
        end = m.start() + len(raw)
        scale, span = 1.0, None
        word = _SCALE_WORD.match(text, end)
        if word and word.group(1).casefold().rstrip(".") in scales:
            scale, span = scales[word.group(1).casefold()], (word.start(1), word.end(1))
        numbers.append(Number(value, m.start(), end, raw, scale, span))
    return numbers


def _value(text: str, lang: str) -> float | None:
    thousands, decimal = (".", ",") if lang == "de" else (",", ".")
    parts = text.split(thousands)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and decimal not in parts[0]:
        text = "".join(parts)
    text = text.replace(thousands, "").replace(decimal, ".")
    try:
        return float(text)
    except ValueError:
        return None


def _english_number(german: str) -> str:
    """A number as the source wrote it, with English separators: 1.500 -> 1,500, 2,5 -> 2.5."""
    return german.translate(str.maketrans(".,", ",."))


def _numbers(n: int, src: list[Number], mt: list[Number], mt_line: str) -> list[Flag]:
    left = Counter(x.amount for x in src)
    unexplained = []
    for x in mt:
        if left[x.amount] > 0:
            left[x.amount] -= 1
        else:
            unexplained.append(x)
    missing: dict[int, Number] = {}  # by position in the source, in order
    by_value: dict[float, list[int]] = defaultdict(list)
    for i, x in enumerate(src):
        if left[x.amount] > 0:
            left[x.amount] -= 1
            missing[i] = x
            by_value[x.value].append(i)
    flags = []
    for x in unexplained:
        if x.scale_span is not None:
            # The same digits with another scale word: "1,8 Billionen" written "1.8 billion".
            same = next(
                (i for i in by_value.get(x.value, ()) if i in missing and missing[i].scale != x.scale), None
            )
            if same is not None and missing[same].scale in _SCALE_NAME:
                right_number = missing.pop(same)
                start, end = x.scale_span
                text = mt_line[start:end]
                right = _SCALE_NAME[right_number.scale]
                reason = (
                    f'The source has "{right_number.raw}" times {right} (German scale words differ: '
                    f'a Milliarde is a billion, a Billion a trillion) but the translation "{x.raw} {text}".'
                )
                flags.append(Flag(n, "mt", start, end, text, "mismatch", right, reason, 0.8))
                continue
        if len(missing) != 1:
            continue  # with several unmatched numbers a pairing would be a guess
        _, right_number = missing.popitem()
        reason = f'The source has the number "{right_number.raw}" where the translation has "{x.raw}".'
        suggestion = _english_number(right_number.raw)
        flags.append(Flag(n, "mt", x.start, x.end, x.raw, "mismatch", suggestion, reason, 0.75))
    return flags
