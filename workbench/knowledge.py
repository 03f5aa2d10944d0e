"""The names knowledge base and the non-name lexicons, loaded once and indexed for the checks.

The knowledge base (``corpus/names.csv``, header ``canonical,german,variants,kind,role,country``)
lists public figures with their canonical English spelling, their German spelling and known
variants (``|``-separated). Reviewer-added names come from the database and are passed in as
records, so this module reads files but never the store. The lexicons under ``workbench/data``
say which capitalised words are not person names: titles, months and weekdays, places,
organisations, nationalities and sentence-opening function words, in German and English.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from workbench import config
from workbench.errors import InputError

KB_HEADER = ("canonical", "german", "variants", "kind", "role", "country")
# Lower-case words that belong inside a name ("Ursula von der Leyen", "Mohammed bin Salman").
PARTICLES = frozenset(
    {
        "von",
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "zu",
        "bin",
        "ibn",
        "al",
        "el",
    }
)
# German compounds that name an office: Verteidigungsminister, Generalstabschef, Kremlsprecher ...
TITLE_SUFFIXES = (
    "minister",
    "ministerin",
    "präsident",
    "präsidentin",
    "kanzler",
    "kanzlerin",
    "sprecher",
    "sprecherin",
    "chef",
    "chefin",
    "general",
    "generalin",
    "botschafter",
    "botschafterin",
    "sekretär",
    "sekretärin",
    "berater",
    "beraterin",
    "führer",
    "führerin",
    "kommandeur",
    "befehlshaber",
    "admiral",
    "vorsitzende",
    "vorsitzender",
    "direktor",
    "direktorin",
    "gouverneur",
    "bürgermeister",
    "bürgermeisterin",
    "senator",
    "senatorin",
    "abgeordnete",
    "abgeordneter",
    "leiter",
    "leiterin",
    "diplomat",
    "diplomatin",
    "anwalt",
    "anwältin",
    "richter",
    "richterin",
    "oberhaupt",
    "secretary",
)
# Words of a compound title that do not name an office alone: "Defense" in "Defense Secretary",
# "State" in "State Street". They are no names, but give a following word no title context.
TITLE_MODIFIERS = frozenset(
    {"defense", "defence", "foreign", "interior", "finance", "economy", "health", "national", "security",
     "joint", "staff", "press", "state", "vice", "prime", "deputy", "acting", "crown", "field", "chiefs"}
)  # fmt: skip
# Endings stripped to find the lexicon form of an inflected German word (russischen -> russisch,
# Russlands -> Russland, Ukrainerin -> Ukrainer); longest first.
_INFLECTIONS = ("innen", "ern", "es", "en", "er", "em", "in", "s", "n", "e")


@dataclass(frozen=True)
class NameRecord:
    canonical: str  # English spelling as used by international news ("Sergei Shoigu")
    german: str = ""  # German press spelling ("Sergej Schoigu"); "" when the same
    variants: tuple[str, ...] = ()  # other accepted spellings
    kind: str = "person"
    role: str = ""
    country: str = ""


@dataclass(frozen=True)
class Lexicons:
    titles: frozenset[str]
    calendar: frozenset[str]
    places: frozenset[str]
    organisations: frozenset[str]
    nationalities: frozenset[str]
    function_words: frozenset[str]
    phrase_pattern: re.Pattern[str]  # multi-word places and organisations, longest first
    slavic_given: dict[str, str]  # German transliteration of a Slavic given name -> English
    surnames: frozenset[str]  # common surnames, names in their own right (Müller)


@dataclass(frozen=True)
class Person:
    """One knowledge-base record, split into the tokens the checks compare."""

    record: NameRecord
    family: str  # canonical English family name ("Shoigu"), what suggestions use
    given: tuple[str, ...]  # canonical English given names
    en_tokens: frozenset[str]  # casefolded tokens correct in English text
    de_tokens: frozenset[str]  # casefolded tokens correct in German text
    english_of: dict[str, str]  # casefolded German-only token -> English token ("schoigu" -> "Shoigu")
    family_forms: frozenset[str]  # casefolded family names in every spelling
    given_forms: frozenset[str]  # casefolded given names in every spelling


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Generational suffixes are not family names ("Lloyd J. Austin III", "Charles Q. Brown Jr.").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _words(name: str) -> list[str]:
    """The words of a name without initials and suffixes."""
    return [w for w in _NAME_WORD.findall(name) if len(w) > 1 and w.casefold() not in _SUFFIXES]


def _split_name(name: str) -> tuple[list[str], list[str]]:
    """Given names and family name words; particles stay with the family name."""
    words = [w for w in _words(name) if w[:1].isupper() or w.casefold() in PARTICLES]
    while words and not words[0][:1].isupper():
        words.pop(0)
    if not words:
        return [], []
    cut = len(words) - 1
    while cut > 0 and words[cut - 1].casefold() in PARTICLES:
        cut -= 1
    return [w for w in words[:cut] if w[:1].isupper()], words[cut:]


def _capitalised(words: Iterable[str]) -> list[str]:
    return [w for w in words if w[:1].isupper()]


def _person(record: NameRecord) -> Person:
    given_en, family_en = _split_name(record.canonical)
    family = " ".join(family_en) if family_en else record.canonical
    family_token = _capitalised(family_en)[-1] if _capitalised(family_en) else family
    # Variants are English spellings; the German form is right in German text only (names.md).
    en_forms = [record.canonical, *record.variants]
    de_forms = [record.german or record.canonical]
    en_tokens = {w.casefold() for form in en_forms for w in _capitalised(_words(form))}
    de_tokens = {w.casefold() for form in de_forms + en_forms for w in _capitalised(_words(form))}
    english_of: dict[str, str] = {}
    family_forms: set[str] = set()
    given_forms: set[str] = set()
    for form in en_forms + de_forms:
        given, fam = _split_name(form)
        fam_caps = _capitalised(fam)
        if fam_caps:
            family_forms.add(fam_caps[-1].casefold())
            if fam_caps[-1].casefold() not in en_tokens:
                english_of[fam_caps[-1].casefold()] = family_token
        given_forms.update(g.casefold() for g in given)
        for i, g in enumerate(given):
            if g.casefold() not in en_tokens and i < len(given_en):
                english_of[g.casefold()] = given_en[i]
    return Person(
        record=record,
        family=family_token,
        given=tuple(given_en),
        en_tokens=frozenset(en_tokens),
        de_tokens=frozenset(de_tokens),
        english_of=english_of,
        family_forms=frozenset(family_forms),
        given_forms=frozenset(given_forms),
    )


class KnowledgeBase:
    """Known people and the lexicons, with the lookup indexes the checks need, built once."""

    def __init__(self, records: Iterable[NameRecord], lexicons: Lexicons) -> None:
        self.records: tuple[NameRecord, ...] = tuple(records)
        self.lexicons = lexicons
        self.people: tuple[Person, ...] = tuple(_person(r) for r in self.records if r.canonical.strip())
        by_token: dict[str, set[int]] = defaultdict(set)
        by_family: dict[str, set[int]] = defaultdict(set)
        given: set[str] = set()
        for i, person in enumerate(self.people):
            for token in person.de_tokens:
                by_token[token].add(i)
            for token in person.family_forms:
                by_family[token].add(i)
            given.update(person.given_forms)
        given.update(lexicons.slavic_given)
        given.update(v.casefold() for v in lexicons.slavic_given.values())
        self._by_token = {k: tuple(sorted(v)) for k, v in by_token.items()}
        self._by_family = {k: tuple(sorted(v)) for k, v in by_family.items()}
        self.given_names: frozenset[str] = frozenset(given)
        self._given_choices = sorted(given)
        self._family_choices: list[str] = sorted(self._by_family)
        # Phonetic keys let a near-miss be found in one dict lookup even past the edit-distance cutoff.
        phonetic: dict[str, set[str]] = defaultdict(set)
        for family in self._family_choices:
            for key in phonetic_keys(family):
                phonetic[key].add(family)
        self._phonetic = {k: tuple(sorted(v)) for k, v in phonetic.items()}
        # Memo of the lexicon decisions per word: a news vocabulary repeats. Only ever filled
        # with values that depend on the word alone, so sharing one KB between threads is safe.
        self._title_memo: dict[str, bool] = {}
        self._non_name_memo: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self.people)

    def people_with(self, token: str) -> tuple[int, ...]:
        """Indexes of the people one of whose names (any language) is this token."""
        return self._by_token.get(token.casefold(), ())

    def people_with_family(self, family: str) -> tuple[int, ...]:
        return self._by_family.get(family.casefold(), ())

    def near_families(self, token: str, max_distance: int) -> list[tuple[str, int, bool]]:
        """Known family names close to token: (casefolded family, edit distance, sounds alike)."""
        query = token.casefold()
        keys = phonetic_keys(query)
        found: dict[str, tuple[int, bool]] = {}
        for choice, distance, _ in process.extract(
            query, self._family_choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None
        ):
            found[choice] = (int(distance), bool(keys & phonetic_keys(choice)))
        for key in keys:
            for choice in self._phonetic.get(key, ()):
                if choice not in found:
                    found[choice] = (OSA.distance(query, choice), True)
        return [(choice, d, alike) for choice, (d, alike) in found.items() if choice != query]

    def near_given_name(self, word: str) -> bool:
        """Whether word is, or is two edits from, a known given name ("Naphtali" ~ "Naftali")."""
        folded = word.casefold()
        if folded in self.given_names:
            return True
        if len(folded) < 4:
            return False
        return (
            process.extractOne(folded, self._given_choices, scorer=OSA.distance, score_cutoff=2) is not None
        )

    def is_common_surname(self, word: str) -> bool:
        """A frequent surname no known person bears ("Müller", "Schmidt"): a name, not a misspelling."""
        return word.casefold() in self.lexicons.surnames and not self.people_with_family(word)

    def is_title(self, word: str) -> bool:
        if word not in self._title_memo:
            self._title_memo[word] = self._is_title(word)
        return self._title_memo[word]

    def _is_title(self, word: str) -> bool:
        # US-Präsident, Ex-Kanzler, Vize-Admiral: the office is the last part.
        last = word.casefold().rstrip(".").rsplit("-", 1)[-1]
        # Inflected German offices: Ministern, Präsidenten, Generals.
        for form in (last, *(last[: -len(e)] for e in ("en", "n", "s") if last.endswith(e))):
            if form in self.lexicons.titles:
                return True
            if any(form.endswith(s) and len(form) > len(s) + 2 for s in TITLE_SUFFIXES):
                return True
        return False

    def is_non_name(self, word: str) -> bool:
        """A capitalised word that is a month, place, organisation, nationality or function word."""
        if word not in self._non_name_memo:
            self._non_name_memo[word] = self._is_non_name(word)
        return self._non_name_memo[word]

    def _is_non_name(self, word: str) -> bool:
        lex = self.lexicons
        folded = word.casefold()
        if folded in lex.calendar or folded in lex.function_words or folded in lex.organisations:
            return True
        if folded in lex.places or folded in lex.nationalities:
            return True
        stem = folded.split("-")[0] if "-" in folded else folded
        for ending in _INFLECTIONS:
            if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                base = stem[: -len(ending)]
                if base in lex.places or base in lex.nationalities:
                    return True
        return stem != folded and (
            stem in lex.places or stem in lex.nationalities or stem in lex.organisations
        )


@functools.cache
def phonetic_keys(word: str) -> frozenset[str]:
    """Metaphone and NYSIIS keys; two names sharing one sound alike to an English reader."""
    folded = word.casefold()
    keys = {f"m:{jellyfish.metaphone(folded)}", f"n:{jellyfish.nysiis(folded)}"}
    return frozenset(k for k in keys if len(k) > 3)


def _data_lines(name: str) -> list[str]:
    text = resources.files("workbench").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def load_lexicons() -> Lexicons:
    """The packaged lexicons under workbench/data (read once per process)."""
    places = _data_lines("places.txt")
    organisations = _data_lines("organisations.txt")
    slavic = csv.DictReader(io.StringIO("\n".join(_data_lines("slavic_given_names.csv"))))
    phrases = sorted({p for p in places + organisations if " " in p}, key=len, reverse=True)
    return Lexicons(
        titles=frozenset(w.casefold() for w in _data_lines("titles.txt")),
        calendar=frozenset(w.casefold() for w in _data_lines("calendar.txt")),
        places=frozenset(w.casefold() for w in places),
        organisations=frozenset(w.casefold() for w in organisations),
        nationalities=frozenset(w.casefold() for w in _data_lines("nationalities.txt")),
        function_words=frozenset(w.casefold() for w in _data_lines("function_words.txt")),
        phrase_pattern=re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)"),
        slavic_given={row["german"].casefold(): row["english"] for row in slavic},
        surnames=frozenset(w.casefold() for w in _data_lines("surnames.txt")),
    )


def default_kb_path() -> Path:
    return config.corpus_dir() / "names.csv"


def parse_records(text: str, source: str = "names.csv") -> list[NameRecord]:
    """Records of a names CSV; InputError names the file and the bad row."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if "canonical" not in fields:
        raise InputError(
            f"{source} has no 'canonical' column (header: {','.join(fields) or 'none'}). "
            f"The names knowledge base needs the header {','.join(KB_HEADER)}."
        )
    records = []
    for row in reader:
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        canonical = values.get("canonical", "")
        if not canonical:
            raise InputError(
                f"{source} line {reader.line_num}: empty 'canonical' name. Fill it in or delete the row."
            )
        variants = tuple(v.strip() for v in values.get("variants", "").split("|") if v.strip())
        records.append(
            NameRecord(
                canonical=canonical,
                german=values.get("german", ""),
                variants=variants,
                kind=values.get("kind", "") or "person",
                role=values.get("role", ""),
                country=values.get("country", ""),
            )
        )
    return records


def load_kb(path: str | os.PathLike[str] | None = None, extra: Iterable[NameRecord] = ()) -> KnowledgeBase:
    """The knowledge base at path (default corpus/names.csv) plus reviewer-added records."""
    from workbench.textio import read_text

    kb_path = Path(path) if path is not None else default_kb_path()
    if path is None and not kb_path.is_file():
        raise InputError(
            f"the names knowledge base {kb_path} does not exist. Pass one with --kb PATH "
            f"(a CSV with the header {','.join(KB_HEADER)})."
        )
    file = read_text(kb_path)
    return build_kb(parse_records(file.text, file.name), extra)


def build_kb(records: Sequence[NameRecord], extra: Iterable[NameRecord] = ()) -> KnowledgeBase:
    """A knowledge base from records already in memory (tests, the app's reviewer names)."""
    return KnowledgeBase([*records, *extra], load_lexicons())
