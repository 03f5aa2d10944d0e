"""The corpus check: a spelling rare across the other documents next to a close, frequent one.

spelling_counts counts how each person's family name is spelled across many documents (the
review app counts the store's, the CLI the --corpus files); check_segments takes the counts
as corpus_spellings. A spelling the corpus outvotes clearly (at least three occurrences, three
times the document's own form and any rival) is flagged as an inconsistency.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from workbench.errors import InputError
from workbench.invisible import strip
from workbench.names import mentions as mention_mod
from workbench.names.context import LANG, Context
from workbench.names.flags import Flag, on_token
from workbench.names.kb import KnowledgeBase, phonetic_keys
from workbench.names.mentions import Candidate
from workbench.names.similarity import inflection, shared_start, similar

_CORPUS_MIN = 3
_CORPUS_LEAD = 3
# Evidence that makes a word a name in the corpus counts. A capitalised English word or a
# sentence opener is too weak alone: it may be an ordinary word ("Coast" ~ Costa).
NAME_EVIDENCE = frozenset({"known", "title", "given-name", "document"})
# English plural and verb endings: "Costs" or "Chunking" is a word, not a garbled Costa or Chunying.
ENGLISH_ENDINGS = ("s", "ed", "ing")


class Corpus:
    """Spelling counts from the corpus, casefolded for lookup; built once per check."""

    def __init__(self, spellings: Mapping[str, int]) -> None:
        self.counts: dict[str, int] = {}
        # casefolded family spelling -> casefolded first given names written with it
        self.given: dict[str, set[str]] = defaultdict(set)
        self.shown: dict[str, str] = {}  # casefolded -> the spelling written most often
        most: dict[str, int] = {}
        for spelling, n in spellings.items():
            if n <= 0:
                continue
            if " " in spelling:
                given, _, rest = spelling.strip().partition(" ")
                self.given[rest.rpartition(" ")[2].casefold()].add(given.casefold())
                continue
            folded = spelling.casefold()
            self.counts[folded] = self.counts.get(folded, 0) + n
            if n > most.get(folded, 0):
                most[folded] = n
                self.shown[folded] = spelling
        self._choices = list(self.counts)

    def count(self, word: str) -> int:
        return self.counts.get(word.casefold(), 0)

    def outvotes(self, n: int, *others: int) -> bool:
        return n >= _CORPUS_MIN and all(n >= _CORPUS_LEAD * other for other in others)

    def near(self, word: str) -> list[tuple[str, int]]:
        """Casefolded spellings within two edits of word (not word itself), with the distance."""
        query = word.casefold()
        found = process.extract(query, self._choices, scorer=OSA.distance, score_cutoff=2, limit=None)
        return [(choice, int(distance)) for choice, distance, _ in found if choice != query]


def spelling_counts(texts: Iterable[str], kb: KnowledgeBase, lang: str) -> Counter[str]:
    """How often each spelling of a person's name occurs across many documents.

    Each text is one document, one segment per line, in German ("de") or English ("en").
    Every family name taken for a person's (known, after a title or given name, or so
    elsewhere in the document) counts under its spelling ("Milley"); written with a given
    name it counts under the full spelling too ("Mark Milley"), which tells namesakes apart.
    Pass the result to check_segments as corpus_spellings.
    """
    side = {lang: side for side, lang in LANG.items()}.get(lang)
    if side is None:
        raise InputError(f'unknown language "{lang}" for spelling counts; use "de" or "en".')
    counts: Counter[str] = Counter()
    for text in texts:
        found = mention_mod.collect(strip(text).split("\n"), side, lang, kb)
        # A bare capitalised word counts where the document names it with evidence elsewhere.
        names = {m.token.text for m in found if m.candidate.evidence in NAME_EVIDENCE}
        for m in found:
            if not m.is_family or m.token.text not in names:
                continue
            family = mention_mod.stem(m.token.text, lang, kb)
            counts[family] += 1
            if len(m.candidate.tokens) > 1:
                counts[f"{m.candidate.tokens[0].text} {family}"] += 1
    return counts


def weak(candidate: Candidate) -> bool | None:
    """False for a name with evidence, True for one capitalised word inside an English sentence
    (held to the corpus more strictly), None for too little evidence: a sentence opener or a
    run of capitalised words (a title-case headline) is no name for the corpus check."""
    if candidate.evidence in NAME_EVIDENCE:
        return False
    if candidate.evidence == "capitalised" and len(candidate.tokens) == 1:
        return True
    return None


def corpus_similar(word: str, form: str, distance: int, alike: bool, weak: bool) -> bool:
    """Whether a corpus spelling is close enough to be the same name as word.

    Without a shared start of four letters the two must sound alike too ("Kerner" is not
    "Kerber"). A word with weak evidence of being a name must keep the name's start, change
    its ending and sound alike ("Milli" ~ "Milley"); that keeps most English words near a name
    out ("Guard" ~ "Guaidó", "Storm" ~ "Store", "Grand" ~ "Grandi", "Costs" ~ "Costa").
    """
    a, b = word.casefold(), form.casefold()
    if a[:1] != b[:1] or inflection(a, b) or not similar(a, b, distance, alike, context=False):
        return False
    shared = shared_start(a, b)
    if not weak:
        return alike or shared >= 4
    if not alike or shared < 4 or a.startswith(b) or b.startswith(a):
        return False
    return not any(a.endswith(e) and not b.endswith(e) for e in ENGLISH_ENDINGS)


def forms(ctx: Context, p: int, side: str) -> list[tuple[str, int]]:
    """The person's right family-name spellings in the corpus, most frequent first."""
    if ctx.corpus is None or side != ctx.reviewed:
        return []
    person = ctx.kb.people[p]
    right = person.family_forms & (person.en_tokens if side == "mt" else person.de_tokens)
    corpus = ctx.corpus
    found = [(corpus.shown[f], corpus.counts[f]) for f in right if f in corpus.counts]
    return sorted(found, key=lambda x: (-x[1], x[0]))


def backs(ctx: Context, p: int, word: str, side: str) -> bool:
    """Whether the corpus spells person p right far more often than it writes word."""
    if ctx.corpus is None or side != ctx.reviewed:
        return False
    return ctx.corpus.outvotes(sum(n for _, n in forms(ctx, p, side)), ctx.corpus.count(word))


def major(ctx: Context, word: str, weak: bool) -> tuple[str, int, int, bool] | None:
    """The corpus spelling that clearly outvotes word: (spelling, count, distance, alike)."""
    corpus = ctx.corpus
    if corpus is None:
        return None
    key = ("corpus-major", word.casefold(), weak)
    if key in ctx.memo:
        return ctx.memo[key]  # type: ignore[return-value]
    near = []
    for form, distance in corpus.near(word):
        alike = bool(phonetic_keys(word) & phonetic_keys(form))
        if corpus_similar(word, form, distance, alike, weak):
            near.append((corpus.counts[form], form, distance, alike))
    found = None
    # A spelling the knowledge base knows was judged against it by the near-miss check.
    if near and not any(ctx.kb.people_with(form) for _, form, _, _ in near):
        near.sort(key=lambda x: (-x[0], x[1]))
        n, form, distance, alike = near[0]
        if corpus.outvotes(n, corpus.count(word), *(other for other, *_ in near[1:])):
            found = (corpus.shown[form], n, distance, alike)
    ctx.memo[key] = found
    return found


def check(ctx: Context) -> list[Flag]:
    """Names the knowledge base does not know, spelled one way here and another in the corpus."""
    if ctx.corpus is None:
        return []
    side = ctx.sides[ctx.reviewed]
    flags = []
    for m in side.mentions:
        t = m.token
        if not m.is_family:
            continue
        word = mention_mod.stem(t.text, side.lang, ctx.kb)
        is_weak = weak(m.candidate)
        if is_weak is None or ctx.kb.people_with(word):
            continue  # too little evidence, or a form the knowledge base knows (or judged)
        found = major(ctx, word, is_weak)
        if found is None:
            continue
        right, n, distance, alike = found
        given = m.candidate.tokens[0].text.casefold() if len(m.candidate.tokens) > 1 else ""
        known_given = ctx.corpus.given.get(right.casefold())
        if given and known_given and given not in known_given:
            continue  # the corpus writes this spelling with other given names: another person
        own = ctx.corpus.count(word)
        rare = f', "{word}" only {own}x' if own else ""
        # The corpus may hold this document too: say so when it spells the name right itself.
        here = sum(1 for o in side.mentions if o.is_family and o.token.text.casefold() == right.casefold())
        where = f"in the corpus ({here} in this document)" if here else "elsewhere in the corpus"
        why = f"edit distance {distance}{', sounds alike' if alike else ''}"
        reason = f'"{t.text}" is spelled "{right}" {n}x {where}{rare} ({why}): one person spelled two ways.'
        flags.append(on_token(m, "inconsistency", right, reason, 0.6 + 0.1 * alike))
    return flags
