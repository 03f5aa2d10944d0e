"""The alignment check: every person the source names must be in the translation.

For each person the German source names (known to the knowledge base, or marked by a title,
a role, a given name, or as a name elsewhere in the document) the English forms that count as
present are worked out: the knowledge base's spellings, or the source's own spelling for a
name written in Latin script at home, or its English transliteration for a Cyrillic or Arabic
name (by origin: "der russische Vizeaußenminister Sergej Rjabkow" -> Ryabkov). When none is in
the aligned sentence of the translation, the word that stands in its place is flagged, found

  1. after the person's given name ("Markus Koch" -> "Markus Cook", "Theresa May" -> "Theresa Mai"),
  2. by spelling and sound ("Kreuzer" -> "Kreutzer"),
  3. by being the one name left over on both sides ("Jung sagte" -> "Young said"),

and a person with no trace at all is flagged in the source as missing from the translation.
A given name changed beside a right family name is flagged too ("Jake" -> "Jack Sullivan").
Ordinary words in the place of a surname (Cook, Black, King, Bloom) are found the same way as
any other garble: the source says a person is there, so the translation must show that person.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from workbench.names import people as people_mod
from workbench.names.context import Context, Side
from workbench.names.flags import Flag, on_token
from workbench.names.kb import Person
from workbench.names.mentions import Mention, Token, sentence_initial, sentences, stem, words
from workbench.names.similarity import close, similar
from workbench.names.translit import english_form, guess_origin, name_keys, transliterate

_PARTICLES = frozenset({"von", "van", "de", "der", "den", "da", "di", "al", "bin", "la", "le", "du"})
# A line with more sentences than this on either side is aligned sentence by sentence even
# when the two sides split differently, by position; below it the whole line is one unit.
_MAX_UNIT_SENTENCES = 6


@dataclass(frozen=True)
class SourcePerson:
    """A person the source names, and what the translation must show for them."""

    mention: Mention
    person: Person | None  # the knowledge base's record, None for an unknown name
    expected: str  # the English family name, what a suggestion says
    full: str  # the English name as the source writes it in full, for a name missing entirely
    accepted: frozenset[str]  # name keys of spellings right in English
    german: frozenset[str]  # name keys of German spellings that are wrong in English
    strong: bool  # evidence enough to claim it was dropped or swapped, not only misspelt


def check(ctx: Context) -> list[Flag]:
    if not ctx.has_mt:
        return []
    flags: list[Flag] = []
    src = ctx.sides["src"]
    for n in sorted(src.by_line):
        flags.extend(_check_line(ctx, n))
    return flags


def _check_line(ctx: Context, n: int) -> list[Flag]:
    src, mt = ctx.sides["src"], ctx.sides["mt"]
    src_line, mt_line = src.line(n), mt.line(n)
    if not mt_line.strip():
        return []  # not translated (yet): nothing is missing from it
    persons = [p for m in src.by_line.get(n, ()) if m.is_family for p in [_source_person(ctx, src, m)] if p]
    if not persons:
        return []
    mt_mentions = {m.token.start: m for m in mt.by_line.get(n, ()) if m.is_family}
    mt_tokens = words(mt_line)
    line_forms: dict[str, str] = {}
    for t in mt_tokens:
        if t.text[:1].isupper():
            for k in name_keys(t.text):
                line_forms.setdefault(k, t.text)
    flags: list[Flag] = []
    starts = [p.mention.token.start for p in persons]  # in order: mentions are sorted
    mt_starts = [t.start for t in mt_tokens]
    for src_span, mt_span in _units(src_line, mt_line):
        unit = persons[bisect_left(starts, src_span[0]) : bisect_left(starts, src_span[1])]
        if unit:
            tokens = list(mt_tokens[bisect_left(mt_starts, mt_span[0]) : bisect_left(mt_starts, mt_span[1])])
            flags.extend(_check_unit(ctx, unit, src_line, mt_line, tokens, mt_mentions, line_forms, src_span))
    return flags


def _units(src_line: str, mt_line: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pairs of source and translation spans that say the same: sentence by sentence when both
    sides have as many, else the whole line (a long line: each sentence with those nearest in position)."""
    src_s, mt_s = sentences(src_line), sentences(mt_line)
    if len(src_s) == len(mt_s):
        return list(zip(src_s, mt_s, strict=True))
    if max(len(src_s), len(mt_s)) <= _MAX_UNIT_SENTENCES:
        return [((0, len(src_line)), (0, len(mt_line)))]
    units = []
    j = 0
    for s, e in src_s:
        # The translation's sentences whose middle falls in this source sentence's share of the
        # line, and one on either side: the two sides split sentences differently.
        start, share = j, e / max(1, len(src_line))
        while j < len(mt_s) and (mt_s[j][0] + mt_s[j][1]) / 2 / max(1, len(mt_line)) < share:
            j += 1
        first, last = max(0, start - 1), min(len(mt_s), max(j, start + 1) + 1)
        units.append(((s, e), (mt_s[first][0], mt_s[last - 1][1])))
    return units


def _source_person(ctx: Context, src: Side, m: Mention) -> SourcePerson | None:
    kb = ctx.kb
    word = stem(m.token.text, "de", kb)
    owners = kb.people_with_family(word)
    if not owners and not kb.people_with(word):
        guess = people_mod.guesses(ctx, src).get((m.line, m.token.start))
        if guess is not None and guess.person >= 0:
            owners = (guess.person,)  # a garbled source: "Minister Schoiku" is Shoigu
    introduced = bool(ctx.introduced.get(("src", m.token.text)))
    strong = len(m.candidate.tokens) > 1 or bool(m.candidate.title) or introduced
    if owners:
        people = [kb.people[i] for i in owners]
        # The given name beside it, or beside the mentions that introduced the surname.
        given = _given_names(ctx, m) if len(m.candidate.tokens) == 1 else set()
        given |= {t.text.casefold() for t in m.candidate.tokens[:-1] if kb.is_given_name(t.text)}
        person = next((p for p in people if given & p.given_forms), None if given else people[0])
        accepted = {k for p in people for f in p.family_forms & p.en_tokens for k in name_keys(f)}
        accepted |= {k for p in people for k in name_keys(p.family)}
        german = {k for p in people for f in p.family_forms - p.en_tokens for k in name_keys(f)} - accepted
        if word != m.token.text:
            accepted |= name_keys(m.token.text) - german  # "Costas" kept as written is no genitive
        family = (person or people[0]).family
        if person is None:
            # A namesake of known people ("Jens Becker" is no Boris Becker): their surname, no one of them.
            full = " ".join([*(t.text for t in m.candidate.tokens[:-1]), family])
        else:
            full = person.record.canonical if len(m.candidate.tokens) > 1 else family
        return SourcePerson(m, person, family, full, frozenset(accepted), frozenset(german), strong)
    if kb.people_with(word) or not strong:
        return None  # a given name on its own, or too little evidence that it is a name
    # A cue says where the person works, not where the name comes from: "Schröder" stays.
    origin = guess_origin(word, ctx.origins.get(m.token.text.casefold(), ""))
    expected = english_form(word, origin)
    accepted = name_keys(expected) | (name_keys(word) if expected == word else frozenset())
    german = (name_keys(word) - accepted) if expected != word else frozenset()
    full = " ".join(_english_given(ctx, t.text, origin) for t in m.candidate.tokens[:-1])
    full = f"{full} {expected}".strip()
    return SourcePerson(m, None, expected, full, frozenset(accepted), frozenset(german), strong)


def _given_names(ctx: Context, m: Mention) -> set[str]:
    """The given names the source writes with a surname where it introduces it (once per surname:
    a long document introduces a name many times)."""
    key = ("given-names", m.token.text)
    if key not in ctx.memo:
        ctx.memo[key] = {
            t.text.casefold()
            for i in ctx.introduced.get(("src", m.token.text), ())
            for t in i.candidate.tokens[:-1]
            if ctx.kb.is_given_name(t.text)
        }
    return set(ctx.memo[key])  # type: ignore[arg-type]


def _english_given(ctx: Context, given: str, origin: str) -> str:
    english = ctx.kb.lexicons.slavic_given.get(given.casefold())
    if english:
        return english
    return english_form(given, origin) if origin in ("cyrillic", "arabic") else given


def _check_unit(
    ctx: Context,
    unit: list[SourcePerson],
    src_line: str,
    mt_line: str,
    tokens: list[Token],
    mt_mentions: dict[int, Mention],
    line_forms: dict[str, str],
    src_span: tuple[int, int],
) -> list[Flag]:
    flags: list[Flag] = []
    used: set[int] = set()  # starts of translation words a source person accounts for
    source_keys = set()
    src_tokens = words(src_line)
    i = _first(src_line, src_span)
    while i < len(src_tokens) and src_tokens[i].start < src_span[1]:
        source_keys |= name_keys(src_tokens[i].text) | name_keys(transliterate(src_tokens[i].text))
        i += 1
    by_key: dict[str, list[Token]] = defaultdict(list)  # the unit's capitalised words by name key
    for t in tokens:
        if t.text[:1].isupper():
            for k in name_keys(t.text):
                by_key[k].append(t)
    missing: list[SourcePerson] = []
    for sp in unit:
        present = _first_unused(by_key, sp.accepted, used)
        if present is not None:
            used.add(present.start)
            flags.extend(_given_changed(ctx, sp, mt_line, present, mt_mentions))
            continue
        german = _first_unused(by_key, sp.german, used)
        if german is not None:
            used.add(german.start)
            flags.append(_transliteration(ctx, sp, german, mt_mentions))
            continue
        missing.append(sp)
    free = [
        t for t in tokens
        if t.start not in used and t.text[:1].isupper() and not (name_keys(t.text) & source_keys)
    ]  # fmt: skip
    paired: dict[int, Token] = {}
    for i, sp in enumerate(missing):
        found = _after_given_name(ctx, sp, mt_line, tokens, used)
        if found is None:
            found = _by_spelling(ctx, sp, free, used)
        if found is not None:
            used.add(found.start)
            paired[i] = found
    # The names left over on both sides, in order: each stands in the place of the other.
    left = [i for i, sp in enumerate(missing) if i not in paired and sp.strong]
    namelike = [
        t
        for t in free
        if t.start not in used
        and t.start in mt_mentions
        and _name_like(mt_mentions[t.start], [missing[i] for i in left], src_line)
    ]
    if left and len(left) == len(namelike):
        for i, t in zip(left, namelike, strict=True):
            if missing[i].person is None and ctx.kb.people_with(t.text) and len(left) > 1:
                continue
            paired[i] = t
            used.add(t.start)
    for i, sp in enumerate(missing):
        if i in paired:
            # The translation's own right spelling of the person elsewhere is what to write here.
            own = next((line_forms[k] for k in sorted(sp.accepted) if k in line_forms), "")
            flags.append(_replaced(ctx, sp, paired[i], mt_line, mt_mentions, own))
        elif (
            sp.strong
            and not (line_forms.keys() & (sp.accepted | sp.german))
            and not _given_in(sp, line_forms)
        ):
            flags.append(_dropped(sp))
    return flags


def _first_unused(by_key: dict[str, list[Token]], keys: frozenset[str], used: set[int]) -> Token | None:
    """The first word in the unit with one of the keys that no other person accounts for."""
    found = [t for k in keys for t in by_key.get(k, ()) if t.start not in used]
    return min(found, key=lambda t: t.start) if found else None


def _first(line: str, span: tuple[int, int]) -> int:
    """The index of the first word at or after span's start (words are sorted by position)."""
    tokens = words(line)
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].start < span[0]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _name_like(m: Mention, left: list[SourcePerson], src_line: str) -> bool:
    """A translation word that may stand for a missing person: a name the translation shows as
    one, not a sentence opener unless the source person opens a sentence too ("Jung sagte")."""
    if m.candidate.evidence != "initial":
        return True
    return any(sentence_initial(src_line, sp.mention.candidate.start) for sp in left)


def _after_given_name(
    ctx: Context, sp: SourcePerson, mt_line: str, tokens: list[Token], used: set[int]
) -> Token | None:
    """The capitalised word after the person's given name in the translation ("Markus Cook")."""
    given = sp.mention.candidate.tokens[:-1]
    if not given:
        return None
    keys = {k for g in given for k in _given_keys(ctx, sp, g.text)}
    for i, t in enumerate(tokens[:-1]):
        if not name_keys(t.text) & keys:
            continue
        j = i + 1
        while (
            j < len(tokens) - 1
            and tokens[j].text in _PARTICLES
            and mt_line[tokens[j - 1].end : tokens[j].start] == " "
        ):
            j += 1
        after = tokens[j]
        if (
            mt_line[tokens[j - 1].end : after.start] == " "
            and after.text[:1].isupper()
            and after.start not in used
            and not _also_given(ctx, sp, after.text)
        ):
            return after
    return None


def _also_given(ctx: Context, sp: SourcePerson, word: str) -> bool:
    """A second given name ("Frank-Walter", "Luiz Inácio") is no family name."""
    return any(name_keys(word) & _given_keys(ctx, sp, g.text) for g in sp.mention.candidate.tokens[:-1])


def _given_keys(ctx: Context, sp: SourcePerson, given: str) -> frozenset[str]:
    forms = {given, transliterate(given)}
    english = ctx.kb.lexicons.slavic_given.get(given.casefold())
    if english:
        forms.add(english)
    if sp.person is not None:
        forms.add(sp.person.english_of.get(given.casefold(), given))
        forms.update(sp.person.given)
    return frozenset(k for f in forms for k in name_keys(f))


def _given_in(sp: SourcePerson, line_forms: dict[str, str]) -> bool:
    return any(name_keys(t.text) & line_forms.keys() for t in sp.mention.candidate.tokens[:-1])


def _by_spelling(ctx: Context, sp: SourcePerson, free: list[Token], used: set[int]) -> Token | None:
    """The free translation word closest to the expected name, if one is close enough."""
    best: tuple[int, bool, Token] | None = None
    for t in free:
        if t.start in used:
            continue
        found = _closeness(ctx, t.text, sp.expected, sp.mention.token.text)
        if found is not None and (best is None or (found[0], not found[1]) < (best[0], not best[1])):
            best = (*found, t)
    return best[2] if best else None


def _closeness(ctx: Context, word: str, expected: str, source: str) -> tuple[int, bool] | None:
    """(edit distance, sounds alike) of a word close enough to the expected name or the source's
    spelling of it, else None; memoised, as an article repeats its names."""
    key = ("closeness", word, expected, source)
    if key not in ctx.memo:
        found = None
        for right in dict.fromkeys((expected, source)):
            if abs(len(word) - len(right)) > 3:
                continue
            distance, alike = close(word, right)
            if similar(word, right, distance, alike, context=True) and (
                found is None or (distance, not alike) < (found[0], not found[1])
            ):
                found = (distance, alike)
        ctx.memo[key] = found
    return ctx.memo[key]  # type: ignore[return-value]


def _mention_for(t: Token, sp: SourcePerson, mt_mentions: dict[int, Mention], line: int) -> Mention:
    m = mt_mentions.get(t.start)
    if m is not None:
        return m
    return Mention(line, "mt", t, sp.mention.candidate, True)


def _transliteration(ctx: Context, sp: SourcePerson, t: Token, mt_mentions: dict[int, Mention]) -> Flag:
    m = _mention_for(t, sp, mt_mentions, sp.mention.line)
    who = f" of {sp.person.record.canonical}" if sp.person else ""
    reason = f'"{t.text}" is the German spelling{who} left in the translation; '
    reason += f'English texts write "{sp.expected}".'
    return on_token(m, "transliteration", sp.expected, reason, 0.85, t)


def _replaced(
    ctx: Context, sp: SourcePerson, t: Token, mt_line: str, mt_mentions: dict[int, Mention], own: str
) -> Flag:
    m = _mention_for(t, sp, mt_mentions, sp.mention.line)
    if name_keys(t.text) & sp.german:
        return _transliteration(ctx, sp, t, mt_mentions)
    right = own or sp.expected
    source = sp.mention.token.text
    src_given = sp.mention.candidate.tokens[:-1]
    mt_given = m.candidate.tokens[:-1] if m.token.start == t.start else ()
    if (
        src_given
        and mt_given
        and not any(name_keys(g.text) & _given_keys(ctx, sp, s.text) for g in mt_given for s in src_given)
    ):
        # Given and family name both another's: "Christian Lindner" where the source has Lars Klingbeil.
        start = mt_given[0].start
        text = mt_line[start : t.end]
        reason = f'The source names "{sp.mention.candidate.text}" here but the translation "{text}".'
        return Flag(m.line, "mt", start, t.end, text, "mismatch", sp.full, reason, 0.7)
    distance, alike = close(t.text, right)
    near = similar(t.text, right, distance, alike, context=True)
    if sp.person is not None and near:
        reason = (
            f'The source has "{source}" ({sp.person.record.canonical}) here but the translation writes '
            f'"{t.text}" (edit distance {distance}{", sounds alike" if alike else ""}).'
        )
        return on_token(m, "near-miss", right, reason, 0.85, t)
    if near:
        reason = f'The source has "{source}" here but the translation writes "{t.text}".'
        return on_token(m, "mismatch", right, reason, 0.8, t)
    reason = f'The source has "{source}" here but the translation names "{t.text}" instead.'
    return on_token(m, "mismatch", right, reason, 0.7, t)


def _dropped(sp: SourcePerson) -> Flag:
    c = sp.mention.candidate
    reason = f'The source names "{c.text}" here but the translation has no such name.'
    return Flag(sp.mention.line, "src", c.start, c.end, c.text, "mismatch", sp.full, reason, 0.45)


def _given_changed(
    ctx: Context, sp: SourcePerson, mt_line: str, family: Token, mt_mentions: dict[int, Mention]
) -> list[Flag]:
    """Family name right, given name changed: "Jake Sullivan" -> "Jack Sullivan", "Saskia Esken"
    -> "Sarah Esken", "Giorgia Meloni" -> "Georgia Meloni". The given names right before the
    family name are compared, each side's as written (a lexicon's "Georgia is a place" aside)."""
    kb = ctx.kb
    person = sp.person
    src_tokens = sp.mention.candidate.tokens
    if len(src_tokens) < 2:
        return []
    s = src_tokens[-2]
    if not (kb.is_given_name(s.text) or (person is not None and s.text.casefold() in person.given_forms)):
        return []
    tokens = words(mt_line)
    i = family.index
    if i == 0 or mt_line[tokens[i - 1].end : family.start] != " ":
        return []
    t = tokens[i - 1]
    target = t.text.casefold()
    if not t.text[:1].isupper() or kb.is_title(t.text) or target in kb.lexicons.function_words:
        return []
    if name_keys(t.text) & _given_keys(ctx, sp, s.text):
        return []
    if person is not None and (target in person.en_tokens or target in person.english_of):
        return []  # another right form, or a German one the people check speaks for
    if target in kb.lexicons.slavic_given or target in kb.lexicons.nationalities:
        return []
    if person is not None and s.text.casefold() not in person.given_forms:
        return []  # the source's given name is not the person's either: nothing to go by
    right = person.english_of.get(s.text.casefold(), s.text) if person else _english_given(ctx, s.text, "")
    distance, alike = close(t.text, right)
    near = similar(t.text, right, distance, alike, context=True)
    if not near and not kb.is_given_name(t.text):
        return []
    m = mt_mentions.get(family.start) or Mention(sp.mention.line, "mt", family, sp.mention.candidate, True)
    reason = f'The source has "{s.text} {sp.mention.token.text}" but the translation writes "{t.text}".'
    kind = "near-miss" if near and person is not None else "mismatch"
    return [on_token(m, kind, right, reason, 0.75, t)]
