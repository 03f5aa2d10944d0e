"""Words, sentences and the spans of a line that name a person, pure.

German capitalises every noun, so a capitalised German word is only taken for a name with
evidence: the knowledge base knows it, a title or role stands before it ("Bundestrainer",
"Grünen-Politikerin", "Vorstandschef"), a given name stands before it, or the same word is a
name elsewhere in the document. English text has no such problem: a capitalised word inside a
sentence that no lexicon knows is a name candidate, and a lower-case role ("coach", "police
spokesman") before it is evidence too. Every pass here is linear in the length of the line.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from workbench.names.kb import TITLE_MODIFIERS, KnowledgeBase
from workbench.names.translit import german_signs

# Letters with apostrophes or hyphens inside: O'Brien, Jean-Yves, Al-Assad.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_SENTENCE_END = ".!?:;"
_OPENERS = " \t\"'„“”‚‘’«»‹›([{–—-"
_DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
)
# Particles that open the lower-case part of a name, and those that may follow them.
_LEAD_PARTICLES = frozenset(
    {"von", "van", "de", "del", "della", "di", "da", "du", "zu", "bin", "ibn", "al", "el"}
)
_MORE_PARTICLES = frozenset({"der", "den", "la", "le", "dem"})
# A full stop after one of these ends no sentence ("Dr. Weber", "Gen. Milley", "z. B.").
_ABBREVIATIONS = frozenset(
    {"dr", "prof", "st", "mr", "mrs", "ms", "gen", "lt", "col", "jr", "sr", "sen", "rep", "nr", "bzw", "ca",
     "vs", "etc", "inc", "co", "corp", "gov", "capt", "sgt", "adm", "maj", "mt", "ft", "no", "bd", "vgl"}
)  # fmt: skip
_SPECIAL = frozenset({"given?", "title", "stop"})  # kinds the neighbours can still change
# The lookahead repeats what the first character must be, so the engine skips to those at C speed.
_BOUNDARY = re.compile(r"(?=[\"'”“»)\s])(?<=[^\W\d_][.!?])[\"'”“»)]*\s+(?=[\"'„“«(]*[^\W\d_])")


class Token(NamedTuple):
    """One word of a line (a tuple: a long line has hundreds of thousands of them)."""

    start: int
    end: int
    text: str
    index: int  # position among the line's words


@dataclass(frozen=True)
class Candidate:
    """A capitalised span taken for a person's name."""

    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]  # the capitalised words of the span, particles left out
    title: str  # the title or role right before the span ("General", "coach"), "" if none
    # Why it is taken for a name: "known" (knowledge base), "title", "given-name", "capitalised"
    # (inside an English sentence); in documents also "document" (a name elsewhere in the
    # document) and "initial" (an unknown word opening an English sentence).
    evidence: str


@dataclass(frozen=True)
class Mention:
    line: int  # 1-based
    side: str  # "src" | "mt"
    token: Token
    candidate: Candidate
    is_family: bool  # the last word of the span: where family names stand in news text


@functools.lru_cache(maxsize=8192)
def words(text: str) -> tuple[Token, ...]:
    """The words of a line, possessive 's cut off; cached because every check reads them."""
    out = [Token(m.start(), m.end(), m.group(), i) for i, m in enumerate(_WORD.finditer(text))]
    if "'" in text or "’" in text:
        for i, t in enumerate(out):
            if ("'" in t.text or "’" in t.text) and (cut := _POSSESSIVE.search(t.text)):
                out[i] = Token(t.start, t.end - len(cut.group(0)), t.text[: -len(cut.group(0))], i)
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def capitalised_words(text: str) -> tuple[Token, ...]:
    """The words of a line that start with a capital letter (the only ones that can be names)."""
    return tuple(t for t in words(text) if t.text[:1].isupper())


def bare(word: str) -> str:
    """A word without a possessive ending: "Scholz's" -> "Scholz"."""
    return _POSSESSIVE.sub("", word)


def sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


@functools.lru_cache(maxsize=8192)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of a line's sentences. A full stop after a digit ("am 3. Oktober"), an initial
    ("J. D. Vance") or an abbreviation ("Dr. Weber") ends none."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()].rstrip("\"'”“»).!?")
        last = before.rsplit(None, 1)[-1].casefold() if before.strip() else ""
        if last in _ABBREVIATIONS or len(last) == 1:
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return tuple(spans)


def stem(word: str, lang: str, kb: KnowledgeBase) -> str:
    """The known form of a German genitive ("Bidens" -> "Biden"), else the word itself."""
    if (
        lang == "de"
        and len(word) > 4
        and word.endswith("s")
        and not kb.people_with(word)
        and kb.people_with(word[:-1])
    ):
        return word[:-1]
    return word


def is_known(word: str, lang: str, kb: KnowledgeBase) -> bool:
    key = (word, lang)
    known = kb.known_memo.get(key)
    if known is None:
        known = kb.known_memo[key] = bool(kb.people_with(stem(word, lang, kb)))
    return known


def _kind(word: str, lang: str, kb: KnowledgeBase) -> str:
    """What a word is on its own: name, lower, given? (a known given name that is a place or
    month too: "Israel", "Jan"), title or stop (a lexicon word, an acronym)."""
    if not word[:1].isupper():
        return "lower"
    known = is_known(word, lang, kb)
    if known and (kb.people_with_family(word) or not kb.is_non_name(word)):
        return "name"  # known names win over the lexicons: "Theresa May"
    if known:
        return "given?"
    if kb.is_title(word):
        return "title"
    if (word.isupper() and len(word) > 1) or kb.is_non_name(word) or len(word) < 2:
        return "stop"
    return "name"


def candidates(text: str, lang: str, *, kb: KnowledgeBase) -> list[Candidate]:
    """Capitalised spans that are names in one line of German ("de") or English ("en") text.

    Titles, months, weekdays, places, organisations, nationalities and acronyms are not
    candidates, unless a given name stands right before one ("Doris König", "Theresa Mai"):
    then it is a family name, maybe a garbled one. Multi-word names are kept together
    ("Olaf Scholz", "Ursula von der Leyen").
    """
    tokens = words(text)
    # What each word is on its own, worked out once per distinct word; the per-word loops
    # below only visit the capitalised words (a line is mostly lower-case words).
    memo: dict[str, str] = {}
    for t in capitalised_words(text):
        if t.text not in memo:
            memo[t.text] = _kind(t.text, lang, kb)
    kinds = [memo.get(t.text, "lower") for t in tokens]
    starts = [t.start for t in tokens]
    for m in kb.lexicons.phrase_pattern.finditer(text):
        # Words that start inside a lexicon phrase ("Weißes Haus") are no names.
        for i in range(bisect.bisect_left(starts, m.start()), bisect.bisect_left(starts, m.end())):
            kinds[i] = "masked"
    for i in [i for i, kind in enumerate(kinds) if kind in _SPECIAL]:
        kind = kinds[i]
        if kind == "given?":
            # "Israel Katz" is a name, "drohte Israel" a country: the next word decides.
            after = i + 1 < len(tokens) and kinds[i + 1] == "name" and _gap(text, tokens, i + 1) == " "
            kinds[i] = "name" if after else "stop"
        elif (
            kind in ("title", "stop")
            and i > 0
            and kinds[i - 1] == "name"
            and _gap(text, tokens, i) == " "
            and kb.is_given_name(tokens[i - 1].text)
            and not tokens[i].text.isupper()
            and tokens[i].text.casefold() not in kb.lexicons.function_words
        ):
            kinds[i] = "name"
    out: list[Candidate] = []
    trims: dict[tuple[str, ...], tuple[int, int]] = {}
    j = 0
    for i in [i for i, kind in enumerate(kinds) if kind == "name"]:
        if i < j:
            continue  # part of the run before
        run = [i]
        j = i + 1
        while j < len(tokens) and _gap(text, tokens, j) == " ":
            if kinds[j] == "name":
                run.append(j)
                j += 1
                continue
            # A particle group joins only when a name follows it: "von der Leyen".
            k = j
            if kinds[k] == "lower" and tokens[k].text in _LEAD_PARTICLES:
                k += 1
                while k < len(tokens) and kinds[k] == "lower" and tokens[k].text in _MORE_PARTICLES:
                    k += 1
                if (
                    k < len(tokens)
                    and kinds[k] == "name"
                    and all(_gap(text, tokens, m) == " " for m in range(j, k + 1))
                ):
                    run.append(k)
                    j = k + 1
                    continue
            break
        words_run = [tokens[m] for m in run]
        key = tuple(t.text for t in words_run)
        if key not in trims:  # a long line names the same people over and over
            trims[key] = _trim_span(words_run, lang, kb)
        first, last = trims[key]
        trimmed = words_run[first:last]
        if trimmed:
            out.extend(_candidate(text, trimmed, tokens, kinds, lang, kb))
    return out


def _gap(text: str, tokens: Sequence[Token], i: int) -> str:
    """The text between word i - 1 and word i."""
    return text[tokens[i - 1].end : tokens[i].start]


def _trim_span(run: list[Token], lang: str, kb: KnowledgeBase) -> tuple[int, int]:
    """The part of a run that is a name, as (start, end) indexes into it: capitalised nouns glued
    to a name are dropped ("Gemeldet Austin", "Bidens Äußerungen"). Depends on the words alone."""
    known = [i for i, t in enumerate(run) if is_known(t.text, lang, kb)]
    if not known:
        return 0, len(run)
    end = len(run)
    for i in known:
        word = stem(run[i].text, lang, kb)
        # "Petro" is Gustavo Petro's family name but Petro Poroshenko's given name: keep going.
        if (
            word.casefold() not in kb.given_names
            and kb.people_with_family(word)
            and all(not is_known(t.text, lang, kb) for t in run[i + 1 :])
        ):
            end = i + 1
            break
    start = 0
    # A word before a known name stays only if it could be a (misspelt) given name: "Naphtali Bennett".
    while start < known[0] and not (kb.near_given_name(run[start].text) or kb.is_given_name(run[start].text)):
        start += 1
    return start, end


def _candidate(
    text: str, run: list[Token], tokens: Sequence[Token], kinds: list[str], lang: str, kb: KnowledgeBase
) -> list[Candidate]:
    """The run as a candidate with the evidence that it is a name, or nothing without any."""
    first = run[0].index
    title = ""
    if first > 0 and text[tokens[first - 1].end : run[0].start] == " ":
        before = tokens[first - 1]
        if kinds[first - 1] == "title" and before.text.casefold() not in TITLE_MODIFIERS:
            title = before.text
        elif lang == "en" and kinds[first - 1] == "lower" and kb.is_english_role(before.text):
            title = before.text
    known = any(is_known(t.text, lang, kb) for t in run)
    if lang == "en" and not known and first > 0 and tokens[first - 1].text.casefold() in _DETERMINERS:
        return []  # "the Party", "their Guard": English puts no article before a person's name
    given = len(run) > 1 and any(kb.is_given_name(t.text) for t in run[:-1])
    initial = sentence_initial(text, run[0].start)
    if known:
        evidence = "known"
    elif title:
        evidence = "title"
    elif given:
        evidence = "given-name"
    elif lang == "en" and (not initial or len(run) > 1):
        evidence = "capitalised"
    else:
        return []
    start, end = run[0].start, run[-1].end
    return [Candidate(start, end, text[start:end], tuple(run), title, evidence)]


# How many words before a name are searched for a word that tells its origin ("russische").
_CUE_REACH = 8


def origin(line: str, m: Mention, kb: KnowledgeBase) -> str:
    """Where a name in German text comes from (see translit): "cyrillic" after a Slavic given
    name the German press spells its own way ("Wjatscheslaw Gladkow"), or after one spelled
    alike when the surname carries a sign of it too ("Oleg Orlow"); else the nearest word
    before it in its sentence that tells ("russische", "iranischen", "Berliner"); else ""."""
    slavic = kb.lexicons.slavic_given
    for t in m.candidate.tokens[:-1]:
        english = slavic.get(t.text.casefold())
        if english is not None and (english.casefold() != t.text.casefold() or german_signs(m.token.text)):
            return "cyrillic"
    tokens = words(line)
    first = m.candidate.tokens[0].index
    for i in range(first - 1, max(-1, first - 1 - _CUE_REACH), -1):
        cue = kb.origin_cue(tokens[i].text)
        if cue:
            return cue
        if sentence_initial(line, tokens[i].start):
            break
    return ""


def maybe_name(word: str, kb: KnowledgeBase) -> bool:
    """A capitalised word no lexicon claims, long enough to be a surname."""
    return not (
        kb.is_title(word) or kb.is_non_name(word) or (word.isupper() and len(word) > 1) or len(word) < 4
    )


def _after_determiners(lines: Sequence[str], kb: KnowledgeBase) -> set[str]:
    """Capitalised words an English document writes after a determiner, unless known names."""
    found = set()
    for line in lines:
        tokens = words(line)
        for w in capitalised_words(line):
            before = tokens[w.index - 1]
            if (
                w.index > 0
                and before.text.casefold() in _DETERMINERS
                and line[before.end : w.start] == " "
                and not kb.people_with(w.text)
            ):
                found.add(w.text)
    return found


def collect(lines: Sequence[str], side: str, lang: str, kb: KnowledgeBase) -> tuple[Mention, ...]:
    """Every mention of a name in a document's lines, in order.

    A word that is a name somewhere in the document is one everywhere in it ("Präsident Millie"
    ... "Austin und Millie"). In English a word capitalised inside a sentence is a candidate at
    the start of another one too, but only a name with evidence of its own (known, a title, a
    given name) lends context to its mentions.
    """
    found: list[tuple[int, Candidate]] = []
    for n, line in enumerate(lines, 1):
        found.extend((n, c) for c in candidates(line, lang, kb=kb))
    if lang == "en":
        # A word the document writes after "the" is a noun there ("the Grand agreed"), so its
        # bare capitalised mentions elsewhere are the noun too, not a name.
        nouns = _after_determiners(lines, kb)
        found = [(n, c) for n, c in found if not (c.evidence == "capitalised" and c.tokens[-1].text in nouns)]
    else:
        nouns = set()
    names = {t.text for _, c in found if c.evidence != "capitalised" for t in c.tokens}
    capitalised = {t.text for _, c in found if c.evidence == "capitalised" for t in c.tokens}
    seen = {(n, t.start) for n, c in found for t in c.tokens}
    for n, line in enumerate(lines, 1):
        for w in capitalised_words(line):
            if (n, w.start) in seen:
                continue
            if w.text in names:
                found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "document")))
            elif lang == "en" and w.text in capitalised:
                found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "capitalised")))
            elif (
                lang == "en"
                and sentence_initial(line, w.start)
                and maybe_name(w.text, kb)
                and w.text not in nouns
            ):
                # "Kowalczyk said ..." opens a sentence: too weak to judge alone, but it
                # counts when the document spells the name another way elsewhere.
                found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "initial")))
    found.sort(key=lambda x: (x[0], x[1].start))
    return tuple(
        Mention(n, side, t, c, i == len(c.tokens) - 1) for n, c in found for i, t in enumerate(c.tokens)
    )
