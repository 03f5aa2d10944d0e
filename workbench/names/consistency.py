"""The consistency check: one name spelled two ways in a document.

Family names the knowledge base does not know are grouped when they are close in spelling and
sound; in each group the likelier spelling wins: on the English side the one the source writes,
then the more frequent one, then the one introduced with a given name or title. A German
transliteration from Cyrillic loses to its English form, but a German surname is no
transliteration ("Schröder" is right in English). When nothing decides (two spellings once
each), every spelling is flagged and the reviewer chooses.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from workbench.names import corpus as corpus_mod
from workbench.names.context import Context, Side
from workbench.names.flags import Flag, on_token
from workbench.names.kb import phonetic_keys
from workbench.names.mentions import stem, words
from workbench.names.similarity import close, inflection, similar
from workbench.names.translit import guess_origin, name_keys, same_name, transliterate

# A bucket of the grouping index larger than this is noise (a list of words, not an article's
# names); leaving it out keeps the grouping linear in the length of the document.
_MAX_BUCKET = 64


def check(ctx: Context) -> list[Flag]:
    flags: list[Flag] = []
    for side in ctx.sides.values():
        flags.extend(_check_side(ctx, side))
    return flags


def _check_side(ctx: Context, side: Side) -> list[Flag]:
    kb = ctx.kb
    counts: Counter[str] = Counter()
    introduced: set[str] = set()  # forms written with a given name or title ("Jörg Lutz")
    family_mentions = [m for m in side.mentions if m.is_family]
    for m in family_mentions:
        word = stem(m.token.text, side.lang, kb)
        counts[word] += 1
        given = len(m.candidate.tokens) > 1 and kb.is_given_name(m.candidate.tokens[0].text)
        if given or m.candidate.title:
            introduced.add(word)
    source_words = _source_words(ctx) if side.name == "mt" else set()
    # form -> (the suggestion for it, why), for the forms of every group that has a likelier one
    verdicts: dict[str, tuple[str, str, float]] = {}
    for group in spelling_groups(sorted(counts), introduced):
        if any(kb.people_with(f) for f in group):
            continue  # the people check judges these against the knowledge base
        if (
            ctx.corpus is not None
            and side.name == ctx.reviewed
            and any(corpus_mod.major(ctx, f, False) for f in group)
        ):
            continue  # the corpus says which spelling is right

        def score(form: str, group: list[str] = group) -> tuple[bool, int, bool, bool]:
            # In English, a Cyrillic name's German spelling loses to its English form beside it.
            german = (
                side.name == "mt"
                and guess_origin(form, ctx.origins.get(form.casefold(), "")) == "cyrillic"
                and any(same_name(transliterate(form), other) for other in group if other != form)
            )
            in_source = bool(name_keys(form) & source_words)
            return (not german, counts[form], in_source, form in introduced)

        scores = {form: score(form) for form in group}
        ranked = sorted(group, key=scores.__getitem__, reverse=True)
        top = [f for f in ranked if scores[f] == scores[ranked[0]]]
        for word in ranked:
            if len(top) > 1 and word in top:
                # Nothing says which is right: every spelling is flagged, the reviewer decides.
                others = [f for f in top if f != word]
                listed = ", ".join(f'"{f}"' for f in others)
                why = (
                    f'"{word}" and {listed} appear as often in this document and nothing says which is right'
                )
                verdicts[word] = (others[0], f"{why}: one person spelled two ways.", 0.4)
            elif word != top[0]:
                why = f'"{top[0]}" {counts[top[0]]}x'
                if side.name == "mt" and scores[top[0]][2]:
                    why += ", as in the source"
                reason = f'"{word}" appears {counts[word]}x but {why} in this document: '
                reason += "one person spelled two ways."
                verdicts[word] = (top[0], reason, 0.55)
    flags: list[Flag] = []
    for m in family_mentions:
        verdict = verdicts.get(stem(m.token.text, side.lang, kb))
        if verdict is not None:
            flags.append(on_token(m, "inconsistency", verdict[0], verdict[1], verdict[2]))
    return flags


def spelling_groups(forms: list[str], introduced: set[str]) -> list[list[str]]:
    """Forms close enough in spelling and sound to be one name written differently.

    Two edits apart is enough only when one form was introduced as a name (with a given name
    or title); otherwise capitalised words like "Strait" and "Street" would group. Pairs are
    found through indexes (one deletion from each side; a shared phonetic key), never by
    comparing every form with every other.
    """
    parent = {f: f for f in forms}

    def root(f: str) -> str:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f

    buckets: dict[str, list[str]] = defaultdict(list)
    for f in forms:
        folded = f.casefold()
        for i in range(len(folded) + 1):
            buckets["d:" + folded[:i] + folded[i + 1 :]].append(f)
        for key in phonetic_keys(folded):
            buckets[f"{folded[:1]}{key}"].append(f)
    seen: set[tuple[str, str]] = set()
    for bucket in buckets.values():
        if len(bucket) < 2 or len(bucket) > _MAX_BUCKET:
            continue
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if a == b or pair in seen:
                    continue
                seen.add(pair)
                if inflection(a.casefold(), b.casefold()):
                    continue  # Russia/Russian, Kiper/Kipers: inflections, not spellings
                distance, alike = close(a, b)
                if distance > 2 or (distance > 1 and a not in introduced and b not in introduced):
                    continue
                if similar(a, b, distance, alike, context=False):
                    parent[root(b)] = root(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for f in forms:
        groups[root(f)].append(f)
    return [g for g in groups.values() if len(g) > 1]


def _source_words(ctx: Context) -> set[str]:
    """The name keys of every source word: is a spelling the source's?"""
    texts = {w.text for line in ctx.sides["src"].lines for w in words(line) if w.text[:1].isupper()}
    return {key for text in texts for key in name_keys(text)}
