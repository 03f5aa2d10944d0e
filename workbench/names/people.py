"""The people check: names compared with the knowledge base of public figures.

near-miss        close in spelling and sound to a known person's name, judged with the
                 context that says who is meant: the given name beside it, a title, the
                 person named elsewhere in the document or often in the corpus
transliteration  a known person's German spelling left in English ("Schoigu" -> "Shoigu"),
                 or a word with several signs of a German transliteration from Cyrillic
                 ("Patruschew" -> "Patrushev"); a German, Polish or Czech surname is spelled
                 the same in English and never "corrected"
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from workbench.names import corpus as corpus_mod
from workbench.names.context import Context, Side
from workbench.names.flags import Flag, on_token
from workbench.names.kb import Person
from workbench.names.mentions import Mention, stem
from workbench.names.similarity import close, similar
from workbench.names.translit import looks_transliterated, transliterate


@dataclass(frozen=True)
class Guess:
    """The known person a word is a misspelling of, with how it was decided."""

    person: int  # index into kb.people, -1 for a name from the glossary
    right: str  # the right family name
    distance: int
    alike: bool
    given: str  # "match" when the given name beside it is the person's
    in_document: bool  # the document names the person elsewhere
    backed: bool  # the corpus spells the person right far more often


def check(ctx: Context) -> list[Flag]:
    flags: list[Flag] = []
    for side in ctx.sides.values():
        flags.extend(_check_side(ctx, side))
    return flags


def _check_side(ctx: Context, side: Side) -> list[Flag]:
    kb = ctx.kb
    found = guesses(ctx, side)
    flags: list[Flag] = []
    for m in side.mentions:
        word = stem(m.token.text, side.lang, kb)
        owners = kb.people_with(word)
        if owners:
            flags.extend(_check_known(ctx, side, m, word, owners))
        elif m.is_family:
            flags.extend(_check_unknown(ctx, side, m, word, found.get((m.line, m.token.start))))
    return flags


def guesses(ctx: Context, side: Side) -> dict[tuple[int, int], Guess]:
    """Who each unknown family name on a side is a misspelling of, by (line, start).

    Mentions with a given name are judged first: "General Mark Milli" settles who the later
    "Präsident Millie" is, where Milley and Milei would otherwise tie; a confident guess (the
    given name fits, or a title) counts as the person being named in the document.
    """
    key = ("guesses", side.name)
    if key not in ctx.memo:
        kb = ctx.kb
        in_doc = Counter(ctx.in_document[side.name])
        found: dict[tuple[int, int], Guess] = {}
        for m in sorted(side.mentions, key=lambda m: len(m.candidate.tokens) == 1):
            word = stem(m.token.text, side.lang, kb)
            if not m.is_family or kb.people_with(word):
                continue
            guess = guess_person(ctx, side, m, word, in_doc)
            if guess is None:
                continue
            found[(m.line, m.token.start)] = guess
            if guess.person >= 0 and (guess.given == "match" or m.candidate.title):
                in_doc[guess.person] += 1
        ctx.memo[key] = found
    return ctx.memo[key]  # type: ignore[return-value]


def _check_known(ctx: Context, side: Side, m: Mention, word: str, owners: tuple[int, ...]) -> list[Flag]:
    people = [ctx.kb.people[i] for i in owners]
    if any(ctx.accepted(word, side.name, p) for p in people):
        if not m.is_family:
            return []
        flags = _check_given_names(ctx, side, m, people)
        if (
            not flags
            and len(m.candidate.tokens) > 1
            and all(_given_context(ctx, m, p) != "match" for p in people)
        ):
            # "Olaf Schulz": a right surname, but Olaf is Scholz's given name, not any Schulz's.
            guess = guess_person(ctx, side, m, word)
            if guess is not None and guess.given == "match":
                flags.append(_near_miss_flag(ctx, side, m, guess))
        return flags
    if side.name == "mt":
        # Known only in its German spelling: carried over from the source untranslated.
        person = people[0]
        english = person.english_of.get(word.casefold(), "")
        if english:
            reason = (
                f'"{m.token.text}" is the German spelling of {person.record.canonical}; '
                f'English texts write "{english}".'
            )
            return [on_token(m, "transliteration", english, reason, 0.92)]
    return []


def _check_given_names(ctx: Context, side: Side, m: Mention, people: list[Person]) -> list[Flag]:
    """With the family name right, a given name beside it should be that person's too."""
    flags = []
    for t in m.candidate.tokens[:-1]:
        word = t.text
        if any(ctx.accepted(word, side.name, p) for p in people):
            continue
        for person in people:
            if side.name == "mt" and word.casefold() in person.english_of:
                english = person.english_of[word.casefold()]
                reason = (
                    f'"{word}" is the German spelling of {person.record.canonical}\'s given name; '
                    f'English texts write "{english}".'
                )
                flags.append(on_token(m, "transliteration", english, reason, 0.9, t))
                break
            best = _closest(word, person.given_forms)
            # A real given name ("Jack" beside Sullivan) may be another person's: only the
            # source can say it is wrong (the alignment check).
            if best is not None and word.casefold() not in ctx.kb.given_names:
                form, distance, alike = best
                if similar(word, form, distance, alike, context=True) and person.given:
                    right = _canonical_given(person, form)
                    reason = (
                        f'"{word}" stands before the family name of {person.record.canonical} but is not '
                        f'{person.family}\'s given name "{right}" '
                        f"(edit distance {distance}{', sounds alike' if alike else ''})."
                    )
                    flags.append(on_token(m, "near-miss", right, reason, 0.85 if alike else 0.7, t))
                    break
        else:
            if side.name == "mt":
                flags.extend(_slavic_given(ctx, m, t))
    return flags


def _closest(word: str, forms: frozenset[str]) -> tuple[str, int, bool] | None:
    scored = [(f, *close(word, f)) for f in forms]
    return min(scored, key=lambda x: (x[1], not x[2]), default=None)


def _canonical_given(person: Person, form: str) -> str:
    for g in person.given:
        if g.casefold() == form:
            return g
    for german, english in person.english_of.items():
        if german == form:
            return english
    return person.given[0]


def _slavic_given(ctx: Context, m: Mention, token=None) -> list[Flag]:
    t = token or m.token
    english = ctx.kb.lexicons.slavic_given.get(t.text.casefold())
    if english and english.casefold() != t.text.casefold():
        reason = f'"{t.text}" is the German transliteration of the given name "{english}".'
        return [on_token(m, "transliteration", english, reason, 0.8, t)]
    return []


def _given_context(ctx: Context, m: Mention, person: Person) -> str:
    """'match' when a given name beside it is this person's, 'other' when it is someone else's."""
    given = m.candidate.tokens[:-1]
    if not given:
        # A bare surname is whom the document introduced under it: "Mark Harrison ... Harrison"
        # (worked out once per surname and person: a long document repeats both).
        key = ("introduced-as", m.side, m.token.text, person.record.canonical)
        if key not in ctx.memo:
            introduced = ctx.introduced.get((m.side, m.token.text), ())
            contexts = {_given_context(ctx, i, person) for i in introduced}
            ctx.memo[key] = "other" if contexts == {"other"} else ""
        return ctx.memo[key]  # type: ignore[return-value]
    for t in given:
        best = _closest(t.text, person.given_forms)
        if best is not None and (best[1] == 0 or similar(t.text, best[0], best[1], best[2], True)):
            return "match"
    return "other"


def _check_unknown(ctx: Context, side: Side, m: Mention, word: str, guess: Guess | None) -> list[Flag]:
    flags: list[Flag] = []
    if side.name == "mt" and len(m.candidate.tokens) > 1:
        for t in m.candidate.tokens[:-1]:
            flags.extend(_slavic_given(ctx, m, t))
    if guess is not None:
        flags.append(_near_miss_flag(ctx, side, m, guess))
        return flags
    if side.name == "mt":
        flags.extend(_rule_transliteration(ctx, m, word))
    return flags


def guess_person(
    ctx: Context, side: Side, m: Mention, word: str, in_doc: Counter[int] | None = None
) -> Guess | None:
    """The known person (or glossary name) an unknown word is a misspelling of, if one fits
    clearly better than any other; None when none fits or two people tie."""
    kb = ctx.kb
    in_doc = ctx.in_document[side.name] if in_doc is None else in_doc
    context = bool(m.candidate.title) or m.candidate.evidence in ("given-name", "document")
    surname = kb.is_common_surname(word)
    options: list[tuple[tuple[bool, ...] | tuple, Guess]] = []
    for family, distance, alike in kb.near_families(word, 3):
        if m.candidate.evidence == "initial" and distance > 1 and not alike:
            continue  # an ordinary word opening a sentence ("Heavy" ~ Healey)
        for p in kb.people_with_family(family):
            person = kb.people[p]
            given = _given_context(ctx, m, person)
            if given == "other":
                continue
            if surname and given != "match" and in_doc[p] == 0:
                continue  # "Richter Müller" is a Müller, not a garbled Miller
            strong = context or given == "match" or in_doc[p] > 0
            backed = corpus_mod.backs(ctx, p, word, side.name)
            if (
                backed
                and not strong
                and corpus_mod.weak(m.candidate)
                and corpus_mod.corpus_similar(word, family, distance, alike, weak=True)
            ):
                strong = True  # "Officials said Milli ..." where the corpus writes "Milley" 14x
            if not similar(word, family, distance, alike, strong):
                continue
            # Without context a capitalised word must be very close in spelling and sound
            # ("Grand" is not Grandi, "Coast" not Costa); a plural ("Prices") is no misspelling.
            if not strong and (
                distance > 1
                or not alike
                or len(word) < 6
                or word.casefold().startswith(family)
                or any(word.endswith(e) and not family.endswith(e) for e in corpus_mod.ENGLISH_ENDINGS)
            ):
                continue
            # The document's own evidence first, then the corpus's, then spelling and sound.
            rank = (given != "match", in_doc[p] == 0, not backed, distance, not alike)
            options.append((rank, Guess(p, person.family, distance, alike, given, in_doc[p] > 0, backed)))
    for folded, right in ctx.glossary_right.items():
        distance, alike = close(word, folded)
        if distance and similar(word, folded, distance, alike, context):
            options.append(
                ((True, True, True, distance, not alike), Guess(-1, right, distance, alike, "", False, False))
            )
    if not options:
        return None
    options.sort(key=lambda o: o[0])
    best_rank, best = options[0]
    if len({o[1].right for o in options if o[0] == best_rank}) > 1:
        return None  # two different people fit equally well: a guess would mislead
    if best.right.casefold() == word.casefold():
        return None
    return best


def _near_miss_flag(ctx: Context, side: Side, m: Mention, guess: Guess) -> Flag:
    why = [f"edit distance {guess.distance}"]
    if guess.alike:
        why.append("sounds alike")
    if guess.given == "match":
        why.append(f'given name "{m.candidate.tokens[0].text}" fits')
    elif m.candidate.title:
        why.append(f'after the title "{m.candidate.title}"')
    if guess.person < 0:
        reason = f'"{m.token.text}" is close to "{guess.right}", a name in the glossary ({", ".join(why)}).'
        return on_token(m, "near-miss", guess.right, reason, 0.6 + 0.1 * guess.alike)
    person = ctx.kb.people[guess.person]
    german = person.record.german_forms[0].split()[-1] if person.record.german else ""
    spelled = (
        f' (German spelling "{german}")' if side.name == "src" and german and german != guess.right else ""
    )
    confidence = 0.45 + 0.3 * (guess.given == "match") + 0.15 * bool(m.candidate.title) + 0.1 * guess.alike
    confidence += 0.1 * guess.in_document + 0.1 * (m.candidate.evidence == "document")
    confidence -= 0.1 * max(0, guess.distance - 1)
    right_here = ctx.spelled.get((side.name, guess.person))
    if right_here:
        # The document itself spells the person right elsewhere: an inconsistency first.
        listed = ", ".join(f'"{form}" {n}x' for form, n in right_here.most_common())
        reason = (
            f'"{m.token.text}" is {person.record.canonical}{spelled}, spelled {listed} elsewhere in this '
            f"document ({', '.join(why)})."
        )
        return on_token(m, "inconsistency", guess.right, reason, confidence + 0.1)
    if guess.backed:
        listed = ", ".join(f'"{form}" {n}x' for form, n in corpus_mod.forms(ctx, guess.person, side.name))
        reason = (
            f'"{m.token.text}" is {person.record.canonical}{spelled}, spelled {listed} elsewhere in the '
            f"corpus ({', '.join(why)})."
        )
        return on_token(m, "inconsistency", guess.right, reason, confidence + 0.1)
    if guess.in_document:
        why.append(f"the document refers to {person.record.canonical} elsewhere")
    reason = (
        f'"{m.token.text}" looks like a misspelling of {person.record.canonical}{spelled}: {", ".join(why)}.'
    )
    return on_token(m, "near-miss", guess.right, reason, confidence)


def _rule_transliteration(ctx: Context, m: Mention, word: str) -> list[Flag]:
    english = transliterate(word)
    if english == word or ctx.kb.is_common_surname(word):
        return []  # a German surname ("Schwarz") is spelled the same in English
    owners = ctx.kb.people_with(english)
    if owners:
        person = ctx.kb.people[owners[0]]
        reason = (
            f'"{word}" is a German transliteration of {person.record.canonical}; '
            f'English texts write "{english}".'
        )
        return [on_token(m, "transliteration", english, reason, 0.85)]
    if looks_transliterated(word):
        reason = f'"{word}" is spelled the German way (sch, w, j, -ow); the English form is "{english}".'
        return [on_token(m, "transliteration", english, reason, 0.55)]
    return []
