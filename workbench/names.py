"""Name candidates, garbled-name checks and their suggestions, pure (no file or database I/O).

Machine translation garbles proper names in a few recurring ways; each check below finds one
and says why in a flag the reviewer can accept or dismiss:

  glossary         a known wrong form from the glossary ("Scholes" -> "Scholz")
  near-miss        close in spelling and sound to a known name ("General Mark Milli" -> "Milley")
  transliteration  a German spelling of a Slavic name left in English ("Schoigu" -> "Shoigu")
  inconsistency    one person spelled several ways in the document or across the corpus
  mismatch         a name or number in the source missing or altered in the translation

German capitalises every noun, so a capitalised German word is only taken for a name with
evidence: the knowledge base knows it, a title or a known given name stands before it, or
the same word is a name elsewhere in the document. English text has no such problem: a
capitalised word inside a sentence that no lexicon knows is a name candidate.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from workbench.errors import InputError
from workbench.glossary import GlossaryEntry, find
from workbench.knowledge import TITLE_MODIFIERS, KnowledgeBase, Person, phonetic_keys

KINDS = ("glossary", "transliteration", "near-miss", "inconsistency", "mismatch")
# When two checks flag the same span the more specific one wins: an explicit glossary entry
# over a rule, a rule over a similarity to a known name, that over the document's own other
# spellings, and those over the bare fact that the source has something else.
_PRIORITY = {kind: len(KINDS) - i for i, kind in enumerate(KINDS)}
_LANG = {"src": "de", "mt": "en"}

# Letters with apostrophes or hyphens inside: O'Brien, Jean-Yves, Al-Assad.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_SENTENCE_END = ".!?:;"
_OPENERS = " \t\"'„“”‚‘’«»‹›([{–—-"
# Endings that make another word of a name rather than another spelling (Russia/Russian, Kiper's).
_INFLECTION_ENDINGS = frozenset({"s", "es", "n", "an", "ian", "ns", "ese", "er", "ers"})
_DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
)
# Particles that open the lower-case part of a name, and those that may follow them.
_LEAD_PARTICLES = frozenset(
    {"von", "van", "de", "del", "della", "di", "da", "du", "zu", "bin", "ibn", "al", "el"}
)
_MORE_PARTICLES = frozenset({"der", "den", "la", "le", "dem"})


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """A capitalised span taken for a person's name."""

    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]  # the capitalised words of the span, particles left out
    title: str  # the title right before the span ("General"), "" if none
    # Why it is taken for a name: "known" (knowledge base), "title", "given-name", "capitalised"
    # (inside an English sentence); in check_segments also "document" (a name elsewhere in the
    # document) and "initial" (an unknown word opening an English sentence).
    evidence: str


@dataclass(frozen=True)
class Flag:
    line: int  # 1-based segment/line number (0 if not applicable)
    side: str  # "src" | "mt"
    start: int  # character offsets in that line
    end: int
    text: str
    kind: str  # one of KINDS
    suggestion: str
    reason: str  # one human sentence: why this was flagged
    confidence: float  # 0..1

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "suggestion": self.suggestion,
            "reason": self.reason,
            "confidence": round(self.confidence, 2),
        }


# --- candidates -------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> tuple[Token, ...]:
    """The words of a line, possessive 's cut off; cached because every check reads them."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        cut = _POSSESSIVE.search(word)
        end = m.end() - (len(cut.group(0)) if cut else 0)
        out.append(Token(m.start(), end, text[m.start() : end]))
    return tuple(out)


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _masked(text: str, kb: KnowledgeBase) -> list[tuple[int, int]]:
    """Spans of multi-word places and organisations ("Washington Post", "Vereinigte Staaten")."""
    return [(m.start(), m.end()) for m in kb.lexicons.phrase_pattern.finditer(text)]


def _stem(word: str, lang: str, kb: KnowledgeBase) -> str:
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


def _is_known(word: str, lang: str, kb: KnowledgeBase) -> bool:
    return bool(kb.people_with(_stem(word, lang, kb)))


def candidates(text: str, lang: str, *, kb: KnowledgeBase) -> list[Candidate]:
    """Capitalised spans that are names in one line of German ("de") or English ("en") text.

    Titles, months, weekdays, places, organisations, nationalities and acronyms are not
    candidates; multi-word names are kept together ("Olaf Scholz", "Ursula von der Leyen").
    """
    masked = _masked(text, kb)
    words = _words(text)
    kinds: list[str] = []
    for w in words:
        if any(s <= w.start < e for s, e in masked):
            kinds.append("stop")
        elif not w.text[:1].isupper():
            kinds.append("lower")
        elif _is_known(w.text, lang, kb) and (kb.people_with_family(w.text) or not kb.is_non_name(w.text)):
            kinds.append("name")  # known names win over the lexicons: "Theresa May"
        elif _is_known(w.text, lang, kb):
            kinds.append("given?")  # a given name that is a place or month too: "Israel", "Jan"
        elif kb.is_title(w.text):
            kinds.append("title")
        elif (w.text.isupper() and len(w.text) > 1) or kb.is_non_name(w.text) or len(w.text) < 2:
            kinds.append("stop")
        else:
            kinds.append("name")
    for i, kind in enumerate(kinds):
        if kind == "given?":
            # "Israel Katz" is a name, "drohte Israel" a country: the next word decides.
            after = (
                i + 1 < len(words)
                and kinds[i + 1] == "name"
                and text[words[i].end : words[i + 1].start] == " "
            )
            kinds[i] = "name" if after else "stop"
    out: list[Candidate] = []
    i = 0
    while i < len(words):
        if kinds[i] != "name":
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(words):
            gap = text[words[j - 1].end : words[j].start]
            if gap != " ":
                break
            if kinds[j] == "name":
                run.append(j)
                j += 1
                continue
            # A particle group joins only when a name follows it: "von der Leyen".
            k = j
            if kinds[k] == "lower" and words[k].text in _LEAD_PARTICLES:
                k += 1
                while k < len(words) and kinds[k] == "lower" and words[k].text in _MORE_PARTICLES:
                    k += 1
                if (
                    k < len(words)
                    and kinds[k] == "name"
                    and all(text[words[m - 1].end : words[m].start] == " " for m in range(j, k + 1))
                ):
                    run.append(k)
                    j = k + 1
                    continue
            break
        out.extend(_candidate(text, _trim([words[m] for m in run], lang, kb), words, kinds, lang, kb))
        i = j
    return out


def _trim(run: list[Token], lang: str, kb: KnowledgeBase) -> list[Token]:
    """Drop capitalised nouns glued to a name: "Gemeldet Austin", "Bidens Äußerungen"."""
    known = [i for i, t in enumerate(run) if _is_known(t.text, lang, kb)]
    if not known:
        return run
    end = len(run)
    for i in known:
        word = _stem(run[i].text, lang, kb)
        # "Petro" is Gustavo Petro's family name but Petro Poroshenko's given name: keep going.
        if (
            word.casefold() not in kb.given_names
            and kb.people_with_family(word)
            and all(not _is_known(t.text, lang, kb) for t in run[i + 1 :])
        ):
            end = i + 1
            break
    start = 0
    # A word before a known name stays only if it could be a (misspelt) given name: "Naphtali Bennett".
    while start < known[0] and not kb.near_given_name(run[start].text):
        start += 1
    return run[start:end]


def _candidate(
    text: str, run: list[Token], words: Sequence[Token], kinds: list[str], lang: str, kb: KnowledgeBase
) -> list[Candidate]:
    """The run as a candidate with the evidence that it is a name, or nothing without any."""
    if not run:
        return []
    first = next(i for i, w in enumerate(words) if w.start == run[0].start)
    title = ""
    if (
        first > 0
        and kinds[first - 1] == "title"
        and words[first - 1].text.casefold() not in TITLE_MODIFIERS
        and text[words[first - 1].end : run[0].start] == " "
    ):
        title = words[first - 1].text
    known = any(_is_known(t.text, lang, kb) for t in run)
    if lang == "en" and not known and first > 0 and words[first - 1].text.casefold() in _DETERMINERS:
        return []  # "the Party", "their Guard": English puts no article before a person's name
    given = len(run) > 1 and any(t.text.casefold() in kb.given_names for t in run[:-1])
    initial = _sentence_initial(text, run[0].start)
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


# --- transliteration rules --------------------------------------------------------------

# German-press spellings of Russian/Ukrainian names and their English equivalents, in order.
_TRANSLIT_RULES: tuple[tuple[str, str], ...] = (
    (r"schtsch", "shch"),
    (r"tsch", "ch"),
    (r"sch", "sh"),
    (r"(?<![sc])ch", "kh"),
    (r"(?<=[aeiouy])ss(?=[aeiouy])", "s"),
    (r"skyj$", "sky"),
    (r"skij$", "sky"),
    (r"zkij$", "tsky"),
    (r"ij$", "y"),
    (r"ej$", "ei"),
    (r"jew$", "yev"),
    (r"j", "y"),
    (r"w", "v"),
)
_TRANSLIT = re.compile("|".join(f"({pattern})" for pattern, _ in _TRANSLIT_RULES))
_TRANSLIT_REPL = tuple(repl for _, repl in _TRANSLIT_RULES)
_SLAVIC_ENDING = re.compile(r"(ow|owa|ew|ewa|skyj|skij|zkij|itsch|ytsch|ij|ej)$")


@functools.lru_cache(maxsize=65536)
def transliterate(word: str) -> str:
    """English spelling of a German transliteration: Schoigu -> Shoigu, Lawrow -> Lavrov."""
    # One pass over the word, so that a rule's output is not rewritten by a later rule
    # ("tsch" -> "ch" must not go on to "kh": Janukowitsch -> Yanukovich).
    out = _TRANSLIT.sub(lambda m: _TRANSLIT_REPL[m.lastindex - 1], word.casefold())
    out = re.sub(r"ow$", "ov", out)
    out = re.sub(r"ew$", "ev", out)
    out = re.sub(r"owa$", "ova", out)
    out = re.sub(r"ewa$", "eva", out)
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def _german_features(word: str) -> int:
    """How many independent signs of a German transliteration a word carries."""
    w = word.casefold()
    signs = 0
    signs += bool(re.search(r"sch|tsch", w))
    signs += bool(_SLAVIC_ENDING.search(w))
    # German names open with "Schw" (Schwesig, Schweiger); Slavic ones rarely do.
    signs += bool(re.search(r"w", re.sub(r"^schw|(ow|ew|owa|ewa)$", "", w)))
    signs += bool(re.search(r"j", w))
    return signs


# --- the checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    line: int
    side: str
    token: Token
    candidate: Candidate
    is_family: bool  # the last word of the span: where family names stand in news text


def _close(a: str, b: str) -> tuple[int, bool]:
    """Edit distance counting a swap of neighbours as one edit (Prooshenko), and sound-alike."""
    return OSA.distance(a.casefold(), b.casefold()), bool(phonetic_keys(a) & phonetic_keys(b))


def _similar(a: str, b: str, distance: int, alike: bool, context: bool) -> bool:
    """Edit distance and sound together decide; context (a title, the given name) relaxes both."""
    shortest = min(len(a), len(b))
    if shortest < 4 or (distance >= 2 and shortest < 5):
        return False
    if a[:1].casefold() != b[:1].casefold() and distance > 1:
        return False
    if distance <= 1:
        return True
    if distance == 2:
        return alike or context
    return distance == 3 and alike and context and shortest >= 6


def _inflection(a: str, b: str) -> bool:
    """Whether one casefolded word is the other with an ending (Russia/Russian, Kiper/Kipers)."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in _INFLECTION_ENDINGS


def _shared_start(a: str, b: str) -> int:
    """How many letters two casefolded words share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# --- corpus spellings ---------------------------------------------------------------------

# A spelling from the rest of the corpus outvotes the document's only with a clear lead: at
# least three occurrences, and three times as many as the document's own form and any rival.
_CORPUS_MIN = 3
_CORPUS_LEAD = 3
# Evidence that makes a word a name in the corpus counts. A capitalised English word or a
# sentence opener is too weak alone: it may be an ordinary word ("Coast" ~ Costa).
_NAME_EVIDENCE = frozenset({"known", "title", "given-name", "document"})
# English plural and verb endings: "Costs" or "Chunking" is a word, not a garbled Costa or Chunying.
_ENGLISH_ENDINGS = ("s", "ed", "ing")


def _corpus_weak(candidate: Candidate) -> bool | None:
    """False for a name with evidence, True for one capitalised word inside an English sentence
    (held to the corpus more strictly), None for too little evidence: a sentence opener or a
    run of capitalised words (a title-case headline) is no name for the corpus check."""
    if candidate.evidence in _NAME_EVIDENCE:
        return False
    if candidate.evidence == "capitalised" and len(candidate.tokens) == 1:
        return True
    return None


def _corpus_similar(word: str, form: str, distance: int, alike: bool, weak: bool) -> bool:
    """Whether a corpus spelling is close enough to be the same name as word.

    Without a shared start of four letters the two must sound alike too ("Kerner" is not
    "Kerber"). A word with weak evidence of being a name must keep the name's start, change
    its ending and sound alike ("Milli" ~ "Milley"); that keeps most English words near a name
    out ("Guard" ~ "Guaidó", "Storm" ~ "Store", "Grand" ~ "Grandi", "Costs" ~ "Costa").
    """
    a, b = word.casefold(), form.casefold()
    if a[:1] != b[:1] or _inflection(a, b) or not _similar(a, b, distance, alike, context=False):
        return False
    shared = _shared_start(a, b)
    if not weak:
        return alike or shared >= 4
    if not alike or shared < 4 or a.startswith(b) or b.startswith(a):
        return False
    return not any(a.endswith(e) and not b.endswith(e) for e in _ENGLISH_ENDINGS)


class _Corpus:
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
    side = {lang: side for side, lang in _LANG.items()}.get(lang)
    if side is None:
        raise InputError(f'unknown language "{lang}" for spelling counts; use "de" or "en".')
    counts: Counter[str] = Counter()
    for text in texts:
        checker = _Checker({side: text.split("\n")}, kb, ())
        checker.collect()
        mentions = checker.mentions[side]
        # A bare capitalised word counts where the document names it with evidence elsewhere.
        names = {m.token.text for m in mentions if m.candidate.evidence in _NAME_EVIDENCE}
        for m in mentions:
            if not m.is_family or m.token.text not in names:
                continue
            family = _stem(m.token.text, lang, kb)
            counts[family] += 1
            if len(m.candidate.tokens) > 1:
                counts[f"{m.candidate.tokens[0].text} {family}"] += 1
    return counts


class _Checker:
    def __init__(
        self,
        sides: dict[str, Sequence[str]],
        kb: KnowledgeBase,
        glossary: Sequence[GlossaryEntry],
        corpus: _Corpus | None = None,
        reviewed: str = "",
    ) -> None:
        self.sides = sides
        self.kb = kb
        # Spellings across the corpus, for the side under review ("src" or "mt") only.
        self.corpus = corpus
        self.reviewed = reviewed
        self._corpus_cache: dict[tuple[str, bool], tuple[str, int, int, bool] | None] = {}
        self.corpus_flagged: set[str] = set()  # casefolded forms the corpus check flagged
        self.glossary = [g for g in glossary if g.wrong.strip() and g.right.strip()]
        self.flags: list[Flag] = []
        self.mentions: dict[str, list[_Mention]] = {side: [] for side in sides}
        # (side, line, start) of a family name -> the known person a near-miss check took it for.
        self.resolved: dict[tuple[str, int, int], int] = {}
        # (side, person) -> right spellings of the person's family name in the document.
        self.spelled: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        # Per call cache: the same surname recurs across sentences of an article.
        self._near_cache: dict[tuple[str, int], list[tuple[str, int, bool]]] = {}
        # (side, family name) -> its mentions with a given name: who a bare mention of it is.
        self._introduced: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
        # The glossary's right forms count as known names too ("Milley" from "Milli,Milley").
        self.glossary_right: dict[str, str] = {}
        for entry in self.glossary:
            if entry.kind == "name":
                for word in entry.right.split():
                    if word[:1].isupper():
                        self.glossary_right.setdefault(word.casefold(), word)

    # - collection -

    def collect(self) -> None:
        for side, lines in self.sides.items():
            lang = _LANG[side]
            found: list[tuple[int, Candidate]] = []
            for n, line in enumerate(lines, 1):
                found.extend((n, c) for c in candidates(line, lang, kb=self.kb))
            # A word that is a name somewhere in the document is one everywhere in it
            # ("Präsident Millie" ... "Austin und Millie"). In English a word capitalised inside
            # a sentence is a candidate at the start of another one too, but only a name with
            # evidence of its own (known, a title, a given name) lends context to its mentions.
            names = {t.text for _, c in found if c.evidence != "capitalised" for t in c.tokens}
            capitalised = {t.text for _, c in found if c.evidence == "capitalised" for t in c.tokens}
            seen = {(n, t.start) for n, c in found for t in c.tokens}
            for n, line in enumerate(lines, 1):
                for w in _words(line):
                    if (n, w.start) in seen or not w.text[:1].isupper():
                        continue
                    if w.text in names:
                        found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "document")))
                    elif lang == "en" and w.text in capitalised:
                        found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "capitalised")))
                    elif lang == "en" and _sentence_initial(line, w.start) and self._maybe_name(w.text):
                        # "Kowalczyk said ..." opens a sentence: too weak to judge alone, but it
                        # counts when the document spells the name another way elsewhere.
                        found.append((n, Candidate(w.start, w.end, w.text, (w,), "", "initial")))
            for n, c in sorted(found, key=lambda x: (x[0], x[1].start)):
                for i, t in enumerate(c.tokens):
                    self.mentions[side].append(_Mention(n, side, t, c, i == len(c.tokens) - 1))

    def _maybe_name(self, word: str) -> bool:
        return not (
            self.kb.is_title(word)
            or self.kb.is_non_name(word)
            or (word.isupper() and len(word) > 1)
            or len(word) < 4
        )

    def _people_in_document(self, side: str) -> Counter[int]:
        """How often each known person's family name occurs; the right spellings are kept too."""
        counts: Counter[int] = Counter()
        for m in self.mentions[side]:
            if m.is_family:
                word = _stem(m.token.text, _LANG[side], self.kb)
                for p in self.kb.people_with_family(word):
                    counts[p] += 1
                    if self._accepted(word, side, self.kb.people[p]):
                        self.spelled[(side, p)][word] += 1
        return counts

    def _accepted(self, word: str, side: str, person: Person) -> bool:
        tokens = person.en_tokens if side == "mt" else person.de_tokens
        return _stem(word, _LANG[side], self.kb).casefold() in tokens

    def _flag(self, m: _Mention, kind: str, suggestion: str, reason: str, confidence: float) -> None:
        t = m.token
        conf = max(0.05, min(0.99, confidence))
        self.flags.append(Flag(m.line, m.side, t.start, t.end, t.text, kind, suggestion, reason, conf))

    # - a. glossary -

    def check_glossary(self, side: str) -> None:
        for n, line in enumerate(self.sides[side], 1):
            for start, end, entry in find(line, self.glossary):
                found = line[start:end]
                if found == entry.right:
                    continue
                what = "name" if entry.kind == "name" else "term"
                note = f" ({entry.note})" if entry.note else ""
                reason = (
                    f'"{found}" is a known wrong {what} in the glossary; '
                    f'the right form is "{entry.right}"{note}.'
                )
                self.flags.append(Flag(n, side, start, end, found, "glossary", entry.right, reason, 0.99))

    # - b/c. near-misses and transliterations of known names -

    def _near(self, word: str, max_distance: int) -> list[tuple[str, int, bool]]:
        key = (word.casefold(), max_distance)
        if key not in self._near_cache:
            self._near_cache[key] = self.kb.near_families(word, max_distance)
        return self._near_cache[key]

    def check_people(self, side: str) -> None:
        in_doc = self._people_in_document(side)
        for m in self.mentions[side]:
            intro = m if len(m.candidate.tokens) > 1 else self._with_given_word(m)
            if m.is_family and intro is not None:
                self._introduced[(side, m.token.text)].append(intro)
        # Mentions with a given name are judged first: "General Mark Milli" settles who the
        # later "Präsident Millie" is, where Milley and Milei would otherwise tie.
        for m in sorted(self.mentions[side], key=lambda m: len(m.candidate.tokens) == 1):
            word = _stem(m.token.text, _LANG[side], self.kb)
            owners = self.kb.people_with(word)
            if owners:
                self._check_known(m, word, owners, side)
            elif m.is_family:
                self._check_unknown(m, word, side, in_doc)

    def _check_known(self, m: _Mention, word: str, owners: tuple[int, ...], side: str) -> None:
        people = [self.kb.people[i] for i in owners]
        if any(self._accepted(word, side, p) for p in people):
            if m.is_family:
                self._check_given_names(m, people, side)
            return
        if side == "mt":
            # Known only in its German spelling: carried over from the source untranslated.
            person = people[0]
            english = person.english_of.get(word.casefold(), "")
            if english:
                reason = (
                    f'"{m.token.text}" is the German spelling of {person.record.canonical}; '
                    f'English texts write "{english}".'
                )
                self._flag(m, "transliteration", english, reason, 0.92)

    def _check_given_names(self, m: _Mention, people: list[Person], side: str) -> None:
        """With the family name right, a given name beside it should be that person's too."""
        for t in m.candidate.tokens[:-1]:
            word = t.text
            if any(self._accepted(word, side, p) for p in people):
                continue
            given = _Mention(m.line, m.side, t, m.candidate, False)
            for person in people:
                if side == "mt" and word.casefold() in person.english_of:
                    english = person.english_of[word.casefold()]
                    reason = (
                        f'"{word}" is the German spelling of {person.record.canonical}\'s given name; '
                        f'English texts write "{english}".'
                    )
                    self._flag(given, "transliteration", english, reason, 0.9)
                    break
                best = self._closest(word, person.given_forms)
                # A real given name ("Jack" beside Sullivan) may be another person's: only the
                # source can say it is wrong (the mismatch check).
                if best is not None and word.casefold() not in self.kb.given_names:
                    form, distance, alike = best
                    if _similar(word, form, distance, alike, context=True) and person.given:
                        right = self._canonical_given(person, form)
                        reason = (
                            f'"{word}" stands before the family name of {person.record.canonical} but is not '
                            f'{person.family}\'s given name "{right}" '
                            f"(edit distance {distance}{', sounds alike' if alike else ''})."
                        )
                        self._flag(given, "near-miss", right, reason, 0.85 if alike else 0.7)
                        break
            else:
                if side == "mt":
                    self._slavic_given(given)

    def _closest(self, word: str, forms: frozenset[str]) -> tuple[str, int, bool] | None:
        scored = [(f, *_close(word, f)) for f in forms]
        return min(scored, key=lambda x: (x[1], not x[2]), default=None)

    def _canonical_given(self, person: Person, form: str) -> str:
        for g in person.given:
            if g.casefold() == form:
                return g
        for german, english in person.english_of.items():
            if german == form:
                return english
        return person.given[0]

    def _slavic_given(self, m: _Mention) -> None:
        english = self.kb.lexicons.slavic_given.get(m.token.text.casefold())
        if english and english.casefold() != m.token.text.casefold():
            reason = f'"{m.token.text}" is the German transliteration of the given name "{english}".'
            self._flag(m, "transliteration", english, reason, 0.8)

    def _with_given_word(self, m: _Mention) -> _Mention | None:
        """A bare mention with the capitalised word before it as its given name: "Oliver Kahn"
        where "Oliver" is no known given name (a German noun there only says "not this person")."""
        line = self.sides[m.side][m.line - 1]
        before = [w for w in _words(line) if w.end <= m.token.start]
        if not before or line[before[-1].end : m.token.start] != " ":
            return None
        word = before[-1].text
        if not word[:1].isupper() or word.isupper() or self.kb.is_title(word) or self.kb.is_non_name(word):
            return None
        return _Mention(m.line, m.side, m.token, replace(m.candidate, tokens=(before[-1], m.token)), True)

    def _given_context(self, m: _Mention, person: Person) -> str:
        """'match' when a given name beside it is this person's, 'other' when it is someone else's."""
        given = m.candidate.tokens[:-1]
        if not given:
            # A bare surname is whom the document introduced under it: "Mark Harrison ... Harrison".
            contexts = {
                self._given_context(i, person) for i in self._introduced.get((m.side, m.token.text), ())
            }
            return "other" if contexts == {"other"} else ""
        for t in given:
            best = self._closest(t.text, person.given_forms)
            if best is not None and (best[1] == 0 or _similar(t.text, best[0], best[1], best[2], True)):
                return "match"
        return "other"

    def _check_unknown(self, m: _Mention, word: str, side: str, in_doc: Counter[int]) -> None:
        if side == "mt" and len(m.candidate.tokens) > 1:
            for t in m.candidate.tokens[:-1]:
                self._slavic_given(_Mention(m.line, m.side, t, m.candidate, False))
        if self._near_miss(m, word, side, in_doc):
            return
        if side == "mt":
            self._rule_transliteration(m, word)

    def _near_miss(self, m: _Mention, word: str, side: str, in_doc: Counter[int]) -> bool:
        context = bool(m.candidate.title) or m.candidate.evidence in ("given-name", "document")
        surname = self.kb.is_common_surname(word)
        options: list[tuple[tuple, int, str, int, bool, str]] = []
        for family, distance, alike in self._near(word, 3):
            if m.candidate.evidence == "initial" and distance > 1 and not alike:
                continue  # an ordinary word opening a sentence ("Heavy" ~ Healey)
            for p in self.kb.people_with_family(family):
                person = self.kb.people[p]
                given = self._given_context(m, person)
                if given == "other":
                    continue
                if surname and given != "match" and in_doc[p] == 0:
                    continue  # "Richter Müller" is a Müller, not a garbled Miller
                strong = context or given == "match" or in_doc[p] > 0
                backed = self._corpus_backs(p, word, side)
                if (
                    backed
                    and not strong
                    and _corpus_weak(m.candidate)
                    and _corpus_similar(word, family, distance, alike, weak=True)
                ):
                    strong = True  # "Officials said Milli ..." where the corpus writes "Milley" 14x
                if not _similar(word, family, distance, alike, strong):
                    continue
                # Without context a capitalised word must be very close in spelling and sound
                # ("Grand" is not Grandi, "Coast" not Costa); a plural ("Prices") is no misspelling.
                if not strong and (
                    distance > 1 or not alike or len(word) < 6 or word.casefold().startswith(family)
                ):
                    continue
                # The document's own evidence first, then the corpus's, then spelling and sound.
                rank = (given != "match", in_doc[p] == 0, not backed, distance, not alike)
                options.append((rank, p, person.family, distance, alike, given))
        for folded, right in self.glossary_right.items():
            distance, alike = _close(word, folded)
            if distance and _similar(word, folded, distance, alike, context):
                options.append(((True, True, True, distance, not alike), -1, right, distance, alike, ""))
        if not options:
            return False
        options.sort(key=lambda o: o[0])
        best = options[0]
        rivals = {o[2] for o in options if o[0] == best[0]}
        if len(rivals) > 1:
            return False  # two different people fit equally well: a guess would mislead
        rank, index, right, distance, alike, given = best
        if right.casefold() == word.casefold():
            return False
        why = [f"edit distance {distance}"]
        if alike:
            why.append("sounds alike")
        if given == "match":
            why.append(f'given name "{m.candidate.tokens[0].text}" fits')
        elif m.candidate.title:
            why.append(f'after the title "{m.candidate.title}"')
        if index < 0:
            reason = f'"{m.token.text}" is close to "{right}", a name in the glossary ({", ".join(why)}).'
            self._flag(m, "near-miss", right, reason, 0.6 + 0.1 * alike)
            return True
        person = self.kb.people[index]
        german = person.record.german.split()[-1] if person.record.german else ""
        spelled = f' (German spelling "{german}")' if side == "src" and german and german != right else ""
        confidence = 0.45 + 0.3 * (given == "match") + 0.15 * bool(m.candidate.title) + 0.1 * alike
        confidence += 0.1 * (not rank[1]) + 0.1 * (m.candidate.evidence == "document")
        confidence -= 0.1 * max(0, distance - 1)
        right_here = self.spelled[(side, index)]
        if right_here:
            # The document itself spells the person right elsewhere: an inconsistency first.
            listed = ", ".join(f'"{form}" {n}x' for form, n in right_here.most_common())
            reason = (
                f'"{m.token.text}" is {person.record.canonical}{spelled}, spelled {listed} elsewhere in this '
                f"document ({', '.join(why)})."
            )
            self._flag(m, "inconsistency", right, reason, confidence + 0.1)
        elif not rank[2]:
            listed = ", ".join(f'"{form}" {n}x' for form, n in self._corpus_forms(index, side))
            reason = (
                f'"{m.token.text}" is {person.record.canonical}{spelled}, spelled {listed} elsewhere in the '
                f"corpus ({', '.join(why)})."
            )
            self._flag(m, "inconsistency", right, reason, confidence + 0.1)
        else:
            if not rank[1]:
                why.append(f"the document refers to {person.record.canonical} elsewhere")
            reason = (
                f'"{m.token.text}" looks like a misspelling of {person.record.canonical}{spelled}: '
                f"{', '.join(why)}."
            )
            self._flag(m, "near-miss", right, reason, confidence)
        if given == "match" or m.candidate.title:
            in_doc[index] += 1  # a confident guess tells who later bare mentions are; a weak one not
        self.resolved[(m.side, m.line, m.token.start)] = index
        return True

    def _corpus_forms(self, p: int, side: str) -> list[tuple[str, int]]:
        """The person's right family-name spellings in the corpus, most frequent first."""
        if self.corpus is None or side != self.reviewed:
            return []
        person = self.kb.people[p]
        right = person.family_forms & (person.en_tokens if side == "mt" else person.de_tokens)
        found = [(self.corpus.shown[f], self.corpus.counts[f]) for f in right if f in self.corpus.counts]
        return sorted(found, key=lambda x: (-x[1], x[0]))

    def _corpus_backs(self, p: int, word: str, side: str) -> bool:
        """Whether the corpus spells person p right far more often than it writes word."""
        if self.corpus is None or side != self.reviewed:
            return False
        return self.corpus.outvotes(sum(n for _, n in self._corpus_forms(p, side)), self.corpus.count(word))

    def _rule_transliteration(self, m: _Mention, word: str) -> None:
        english = transliterate(word)
        if english == word or self.kb.is_common_surname(word):
            return  # a German surname ("Schwarz") is spelled the same in English
        owners = self.kb.people_with(english)
        if owners:
            person = self.kb.people[owners[0]]
            reason = (
                f'"{word}" is a German transliteration of {person.record.canonical}; '
                f'English texts write "{english}".'
            )
            self._flag(m, "transliteration", english, reason, 0.85)
        elif _german_features(word) >= 2:
            reason = f'"{word}" is spelled the German way (sch, w, j, -ow); the English form is "{english}".'
            self._flag(m, "transliteration", english, reason, 0.55)

    # - d. inconsistency -

    def check_corpus(self, side: str) -> None:
        """Names the knowledge base does not know, spelled one way here and another in the corpus."""
        if self.corpus is None or side != self.reviewed:
            return
        lang = _LANG[side]
        taken = [(f.line, f.start, f.end) for f in self.flags if f.side == side]
        for m in self.mentions[side]:
            t = m.token
            if not m.is_family or any(n == m.line and s < t.end and t.start < e for n, s, e in taken):
                continue
            word = _stem(t.text, lang, self.kb)
            weak = _corpus_weak(m.candidate)
            if weak is None or self.kb.people_with(word):
                continue  # too little evidence, or a form the knowledge base knows (or judged)
            major = self._corpus_major(self.corpus, word, weak)
            if major is None:
                continue
            right, n, distance, alike = major
            given = m.candidate.tokens[0].text.casefold() if len(m.candidate.tokens) > 1 else ""
            known_given = self.corpus.given.get(right.casefold())
            if given and known_given and given not in known_given:
                continue  # the corpus writes this spelling with other given names: another person
            own = self.corpus.count(word)
            rare = f', "{word}" only {own}x' if own else ""
            # The corpus may hold this document too: say so when it spells the name right itself.
            here = sum(
                1 for o in self.mentions[side] if o.is_family and o.token.text.casefold() == right.casefold()
            )
            where = f"in the corpus ({here} in this document)" if here else "elsewhere in the corpus"
            why = f"edit distance {distance}{', sounds alike' if alike else ''}"
            reason = (
                f'"{t.text}" is spelled "{right}" {n}x {where}{rare} ({why}): one person spelled two ways.'
            )
            self._flag(m, "inconsistency", right, reason, 0.6 + 0.1 * alike)
            self.corpus_flagged.add(word.casefold())

    def _corpus_major(self, corpus: _Corpus, word: str, weak: bool) -> tuple[str, int, int, bool] | None:
        """The corpus spelling that clearly outvotes word: (spelling, count, distance, alike)."""
        key = (word.casefold(), weak)
        if key in self._corpus_cache:
            return self._corpus_cache[key]
        near = []
        for form, distance in corpus.near(word):
            alike = bool(phonetic_keys(word) & phonetic_keys(form))
            if _corpus_similar(word, form, distance, alike, weak):
                near.append((corpus.counts[form], form, distance, alike))
        major = None
        # A spelling the knowledge base knows was judged against it by the near-miss check.
        if near and not any(self.kb.people_with(form) for _, form, _, _ in near):
            near.sort(key=lambda x: (-x[0], x[1]))
            n, form, distance, alike = near[0]
            if corpus.outvotes(n, corpus.count(word), *(other for other, *_ in near[1:])):
                major = (corpus.shown[form], n, distance, alike)
        self._corpus_cache[key] = major
        return major

    def check_consistency(self, side: str) -> None:
        """Unknown names spelled two ways in the document: the less likely form is the suspect."""
        lang = _LANG[side]
        counts: Counter[str] = Counter()
        introduced: set[str] = set()  # forms written with a given name or title ("Jörg Lutz")
        for m in self.mentions[side]:
            if m.is_family:
                word = _stem(m.token.text, lang, self.kb)
                counts[word] += 1
                given = (
                    len(m.candidate.tokens) > 1
                    and m.candidate.tokens[0].text.casefold() in self.kb.given_names
                )
                if given or m.candidate.title:
                    introduced.add(word)
        source_words = self._source_words() if side == "mt" else set()
        for group in self._spelling_groups(sorted(counts), introduced):
            if any(self.kb.people_with(f) for f in group):
                continue  # the near-miss check already judged these against the knowledge base
            if any(f.casefold() in self.corpus_flagged for f in group):
                continue  # the corpus already said which spelling is right

            # In English, a form whose English transliteration is also there is the German one;
            # then the more frequent form, the one in the source, the one with a given name or title.
            score = {
                form: (
                    not (side == "mt" and transliterate(form) != form and transliterate(form) in group),
                    counts[form],
                    form.casefold() in source_words,
                    form in introduced,
                )
                for form in group
            }
            ranked = sorted(group, key=score.__getitem__, reverse=True)
            major = ranked[0]
            if score[ranked[1]] == score[major]:
                continue  # nothing says which spelling is right
            for m in self.mentions[side]:
                word = _stem(m.token.text, lang, self.kb)
                if m.is_family and word in group and word != major:
                    why = f'"{major}" {counts[major]}x'
                    if side == "mt" and major.casefold() in source_words:
                        why += ", as in the source"
                    reason = (
                        f'"{word}" appears {counts[word]}x but {why} in this document: '
                        "one person spelled two ways."
                    )
                    self._flag(m, "inconsistency", major, reason, 0.55)

    def _spelling_groups(self, forms: list[str], introduced: set[str]) -> list[list[str]]:
        """Forms close enough in spelling and sound to be one name written differently.

        Two edits apart is enough only when one form was introduced as a name (with a given
        name or title); otherwise capitalised words like "Strait" and "Street" would group.
        """
        parent = {f: f for f in forms}

        def root(f: str) -> str:
            while parent[f] != f:
                f = parent[f]
            return f

        folded = [f.casefold() for f in forms]
        # One vectorised pass finds the few pairs within two edits; only those are looked at.
        distances = process.cdist(folded, folded, scorer=OSA.distance, score_cutoff=2, workers=1)
        for i, j in zip(*(distances <= 2).nonzero(), strict=True):
            if i >= j:
                continue
            a, b = forms[i], forms[j]
            if _inflection(folded[i], folded[j]):
                continue  # Russia/Russian, Kiper/Kipers: inflections, not spellings
            distance, alike = _close(a, b)
            if distance > 1 and a not in introduced and b not in introduced:
                continue
            if _similar(a, b, distance, alike, context=False):
                parent[root(b)] = root(a)
        groups: dict[str, list[str]] = defaultdict(list)
        for f in forms:
            groups[root(f)].append(f)
        return [g for g in groups.values() if len(g) > 1]

    def _source_words(self) -> set[str]:
        return {w.text.casefold() for line in self.sides["src"] for w in _words(line)}

    def note_other_spellings(self) -> None:
        """Say in a near-miss's reason which other spellings of the person the document has."""
        spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
        for f in self.flags:
            if f.kind == "near-miss":
                spellings[(f.side, f.suggestion)].add(f.text)
        for i, f in enumerate(self.flags):
            if f.kind != "near-miss":
                continue
            others = sorted(spellings[(f.side, f.suggestion)] - {f.text})
            if others:
                listed = ", ".join(f'"{o}"' for o in others)
                reason = f"{f.reason[:-1]}; the document also spells it {listed}."
                self.flags[i] = replace(f, reason=reason)

    def join_full_names(self) -> None:
        """German given and family name left in English side by side make one flag: "Sergej Lawrow"."""
        joined: list[Flag] = []
        for f in sorted(self.flags, key=lambda f: (f.line, f.side, f.start)):
            last = joined[-1] if joined else None
            if (
                last is not None
                and f.kind == last.kind == "transliteration"
                and (f.line, f.side) == (last.line, last.side)
                and self.sides[f.side][f.line - 1][last.end : f.start] == " "
            ):
                english = f"{last.suggestion} {f.suggestion}"
                reason = f'"{last.text} {f.text}" is the German spelling; English texts write "{english}".'
                joined[-1] = Flag(
                    f.line, f.side, last.start, f.end, f"{last.text} {f.text}", f.kind,
                    english, reason, max(f.confidence, last.confidence),
                )  # fmt: skip
                continue
            joined.append(f)
        self.flags = joined

    # - e. source <-> MT mismatch -

    def check_mismatch(self) -> None:
        src_lines, mt_lines = self.sides["src"], self.sides["mt"]
        by_line: dict[tuple[str, int], list[_Mention]] = defaultdict(list)
        for side in ("src", "mt"):
            for m in self.mentions[side]:
                by_line[(side, m.line)].append(m)
        for n in range(1, len(src_lines) + 1):
            self._mismatch_names(by_line[("src", n)], by_line[("mt", n)], src_lines[n - 1], mt_lines[n - 1])
            self._mismatch_numbers(n, src_lines[n - 1], mt_lines[n - 1])

    def _expected(self, m: _Mention) -> tuple[Person | None, str, set[str]] | None:
        """Who a source family name is, its English form and the forms that count as present."""
        word = _stem(m.token.text, "de", self.kb)
        owners = self.kb.people_with_family(word) or (
            (self.resolved[("src", m.line, m.token.start)],)
            if ("src", m.line, m.token.start) in self.resolved
            else ()
        )
        if owners:
            # With namesakes (Jake and John Sullivan) the given name beside it decides.
            people = [self.kb.people[i] for i in owners]
            given = {t.text.casefold() for t in m.candidate.tokens[:-1]}
            person = next((p for p in people if given & p.given_forms), people[0])
            accepted = {f for p in people for f in p.family_forms}
            return person, person.family, accepted
        if self.kb.people_with(word) or m.candidate.evidence not in ("title", "given-name"):
            return None  # a given name on its own, or too little evidence that it is a name
        expected = transliterate(word) if _german_features(word) >= 2 else word
        return None, expected, {word.casefold(), expected.casefold(), transliterate(word).casefold()}

    def _mismatch_names(self, src: list[_Mention], mt: list[_Mention], src_line: str, mt_line: str) -> None:
        mt_family = [m for m in mt if m.is_family]
        mt_words = {_POSSESSIVE.sub("", w.text).casefold() for w in _words(mt_line)}
        src_words = {w.text.casefold() for w in _words(src_line)}
        src_words |= {transliterate(w).casefold() for w in src_words}
        explained: set[int] = set()
        pending: list[tuple[_Mention, Person | None, str]] = []
        for m in (m for m in src if m.is_family):
            expected = self._expected(m)
            if expected is None:
                continue
            person, right, accepted = expected
            present = [
                i for i, o in enumerate(mt_family) if _POSSESSIVE.sub("", o.token.text).casefold() in accepted
            ]
            if present or accepted & mt_words:
                explained.update(present)
                if person is not None:
                    for i in present:
                        self._mismatch_given(m, mt_family[i], person)
                continue
            if m.token.text.casefold() in mt_words:
                continue  # the translation keeps the source's word ("Costas" is no genitive of Costa)
            best: tuple[int, bool, int] | None = None
            for i, other in enumerate(mt_family):
                if i in explained or (person is None and self.kb.people_with(other.token.text)):
                    continue  # an unknown source name says nothing against a known English one
                distance, alike = _close(other.token.text, right)
                if _similar(other.token.text, right, distance, alike, context=True):
                    if best is None or (distance, not alike) < (best[0], not best[1]):
                        best = (distance, alike, i)
            if best is None:
                pending.append((m, person, right))
                continue
            explained.add(best[2])
            other = mt_family[best[2]]
            reason = f'The source has "{m.token.text}" here but the translation writes "{other.token.text}".'
            self._flag(other, "mismatch", right, reason, 0.8)
        unexplained = [
            o
            for i, o in enumerate(mt_family)
            if i not in explained and o.token.text.casefold() not in src_words
        ]
        # A lone capitalised German word may be a noun after all ("Frieden"): it swaps no one.
        pending = [p for p in pending if len(p[0].candidate.tokens) > 1 or p[0].candidate.title]
        if len(pending) == 1 and len(unexplained) == 1:
            # One name gone and one new name in its place: the translation swapped the person.
            (m, _, right), other = pending[0], unexplained[0]
            reason = (
                f'The source has "{m.token.text}" here but '
                f'the translation names "{other.token.text}" instead.'
            )
            self._flag(other, "mismatch", right, reason, 0.7)
            return
        for m, person, _ in pending:
            c = m.candidate
            if person is not None:
                full = person.record.canonical if len(c.tokens) > 1 else person.family
            else:
                full = " ".join(
                    transliterate(t.text) if _german_features(t.text) >= 2 else t.text for t in c.tokens
                )
            reason = f'The source names "{c.text}" here but the translation has no such name.'
            self.flags.append(Flag(m.line, "src", c.start, c.end, c.text, "mismatch", full, reason, 0.45))

    def _mismatch_given(self, src: _Mention, mt: _Mention, person: Person) -> None:
        """Family name right, given name changed: "Jake Sullivan" -> "Jack Sullivan"."""
        src_given, mt_given = src.candidate.tokens[:-1], mt.candidate.tokens[:-1]
        if len(src_given) != len(mt_given):
            return
        for s, t in zip(src_given, mt_given, strict=True):
            source, target = s.text.casefold(), t.text.casefold()
            if source == target or target in person.en_tokens or source not in person.given_forms:
                continue
            if target in person.english_of or target in self.kb.lexicons.slavic_given:
                continue  # a German spelling: the transliteration check speaks for it
            right = person.english_of.get(source, s.text)
            reason = f'The source has "{s.text} {src.token.text}" but the translation writes "{t.text}".'
            self._flag(_Mention(mt.line, "mt", t, mt.candidate, False), "mismatch", right, reason, 0.75)

    def _mismatch_numbers(self, n: int, src: str, mt: str) -> None:
        src_dates, src_numbers = _numbers(src, "de")
        mt_dates, mt_numbers = _numbers(mt, "en")
        missing_dates = list((Counter(d for d, _ in src_dates) - Counter(d for d, _ in mt_dates)).elements())
        extra_dates = [(d, span) for d, span in mt_dates if d not in {x for x, _ in src_dates}]
        for _, (start, end, style) in extra_dates:
            if not missing_dates:
                break
            right_day, right_month = missing_dates.pop(0)
            name = _MONTHS_EN[right_month - 1]
            suggestion = f"{name} {right_day}" if style == "md" else f"{right_day} {name}"
            text = mt[start:end]
            reason = (
                f'The source has the date "{_date_de(right_day, right_month)}" but the translation "{text}".'
            )
            self.flags.append(Flag(n, "mt", start, end, text, "mismatch", suggestion, reason, 0.85))
        written = {value: raw for value, _, raw in src_numbers}
        missing = list(
            (Counter(v for v, _, _ in src_numbers) - Counter(v for v, _, _ in mt_numbers)).elements()
        )
        seen: Counter[float] = Counter(v for v, _, _ in src_numbers)
        for value, (start, end), _ in mt_numbers:
            if seen[value] > 0:
                seen[value] -= 1
                continue
            if len(missing) != 1:
                continue  # with several unmatched numbers a pairing would be a guess
            right = missing.pop()
            text = mt[start:end]
            suggestion = _english_number(written[right])
            reason = f'The source has the number "{written[right]}" where the translation has "{text}".'
            self.flags.append(Flag(n, "mt", start, end, text, "mismatch", suggestion, reason, 0.75))


# --- numbers and dates --------------------------------------------------------------------

_MONTHS_EN = ("January February March April May June July August September October November December").split()
_MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
_MONTH_NUMBER = {m.casefold(): i for i, m in enumerate(_MONTHS_EN, 1)}
_MONTH_NUMBER.update({m[:3].casefold(): i for i, m in enumerate(_MONTHS_EN, 1)})
_MONTH_NUMBER.update({"sept": 9})
_MONTH_NUMBER_DE = {m.casefold(): i for i, m in enumerate(_MONTHS_DE, 1)}
_MONTH_NUMBER_DE.update({"jänner": 1, "maerz": 3})
_DATE_DE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(_MONTH_NUMBER_DE) + r")\b", re.IGNORECASE)
_EN_MONTH = r"(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_DATE_EN_MD = re.compile(r"\b" + _EN_MONTH + r"\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DATE_EN_DM = re.compile(
    r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r"\b", re.IGNORECASE
)
# Clock times are written differently in each language (14.30 Uhr, 2:30 p.m.): left out.
_TIME = re.compile(r"\b\d{1,2}[.:]\d{2}\s*(?:Uhr|h\b|a\.m\.|p\.m\.|am\b|pm\b)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")


def _date_de(day: int, month: int) -> str:
    return f"{day}. {_MONTHS_DE[month - 1]}"


def _parse_number(text: str, lang: str) -> float | None:
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


def _numbers(
    text: str, lang: str
) -> tuple[list[tuple[tuple[int, int], tuple[int, int, str]]], list[tuple[float, tuple[int, int], str]]]:
    """Dates as (day, month) and the other numbers as values, each with its span."""
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _TIME.finditer(text)]
    dates: list[tuple[tuple[int, int], tuple[int, int, str]]] = []
    if lang == "de":
        for m in _DATE_DE.finditer(text):
            dates.append(
                ((int(m.group(1)), _MONTH_NUMBER_DE[m.group(2).casefold()]), (m.start(), m.end(), "dm"))
            )
    else:
        for m in _DATE_EN_MD.finditer(text):
            dates.append(
                ((int(m.group(2)), _MONTH_NUMBER[m.group(1).casefold()]), (m.start(), m.end(), "md"))
            )
        for m in _DATE_EN_DM.finditer(text):
            if not any(s < m.end() and m.start() < e for _, (s, e, _) in dates):
                dates.append(
                    ((int(m.group(1)), _MONTH_NUMBER[m.group(2).casefold()]), (m.start(), m.end(), "dm"))
                )
    taken += [(s, e) for _, (s, e, _) in dates]
    numbers = []
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        raw = m.group(0).rstrip(".,")
        value = _parse_number(raw, lang)
        if value is not None:
            numbers.append((value, (m.start(), m.start() + len(raw)), raw))
    return dates, numbers


# --- the public entry point ---------------------------------------------------------------


def clear_caches() -> None:
    """Empty the per-process word caches (benchmarks measure a cold start with it)."""
    _words.cache_clear()
    transliterate.cache_clear()


def _merge(flags: list[Flag]) -> list[Flag]:
    """One flag per span: where checks overlap keep the most specific kind, then the surest."""
    ordered = sorted(flags, key=lambda f: (f.line, f.side != "src", f.start, -f.end))
    out: list[Flag] = []
    for f in ordered:
        last = out[-1] if out else None
        if last and last.line == f.line and last.side == f.side and f.start < last.end:
            if (_PRIORITY[f.kind], f.confidence) > (_PRIORITY[last.kind], last.confidence):
                out[-1] = f
            continue
        out.append(f)
    return out


def check_segments(
    src: Sequence[str],
    mt: Sequence[str] | None = None,
    *,
    kb: KnowledgeBase,
    glossary: Sequence[GlossaryEntry] = (),
    corpus_spellings: Mapping[str, int] | None = None,
) -> list[Flag]:
    """Flags for garbled names (and altered numbers) in line-aligned German source and English MT.

    With mt None the source side alone is checked, as the text under review; with both, the
    glossary is applied to the MT (where wrong forms come from) and the two sides are compared.
    corpus_spellings (from spelling_counts over other documents in the reviewed text's language)
    adds the corpus's evidence: a spelling far rarer there than a close one is flagged as an
    inconsistency, and a near-miss goes to the person the corpus names, not a rival.
    """
    if mt is not None and len(mt) != len(src):
        raise InputError(
            f"the source has {len(src)} segments but the translation has {len(mt)}; "
            "they must be line-aligned (one segment per line in both)."
        )
    sides: dict[str, Sequence[str]] = {"src": src} if mt is None else {"src": src, "mt": mt}
    reviewed = "src" if mt is None else "mt"
    corpus = _Corpus(corpus_spellings) if corpus_spellings else None
    checker = _Checker(sides, kb, glossary, corpus, reviewed)
    checker.collect()
    checker.check_glossary(reviewed)
    for side in sides:
        checker.check_people(side)
        checker.check_corpus(side)
        checker.check_consistency(side)
    if mt is not None:
        checker.check_mismatch()
    checker.note_other_spellings()
    checker.join_full_names()
    return _merge(checker.flags)
