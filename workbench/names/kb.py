"""The names knowledge base, the non-name lexicons, and the one reader and writer of names.csv.

The knowledge base (``corpus/names.csv``, header ``canonical,german,variants,kind,role,country``)
lists public figures with their canonical English spelling, their German spelling(s) and known
English variants (both ``|``-separated). Reviewer-added names come from the database and are
passed in as records, so this module reads files but never the store. The lexicons under
``workbench/data`` say which capitalised words are not person names (titles and roles, months,
places, organisations, nationalities, function words), which are given names, and which words
near a name tell where it comes from ("russische", "iranische": its German spelling is a
transliteration).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from workbench import config
from workbench.errors import InputError
from workbench.formats.cells import neutralise_cell, restore_cell

KB_HEADER = ("canonical", "german", "variants", "kind", "role", "country")
# Lower-case words that belong inside a name ("Ursula von der Leyen", "Mohammed bin Salman").
PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "zu", "bin", "ibn", "al",
     "el"}
)  # fmt: skip
# German compounds that name an office or a role: Verteidigungsminister, Kremlsprecher,
# Grünen-Politikerin, Bundestrainer, Vorstandschef, WDR-Intendantin, Tennisprofi ...
TITLE_SUFFIXES = (
    "minister", "ministerin", "präsident", "präsidentin", "kanzler", "kanzlerin", "sprecher",
    "sprecherin", "chef", "chefin", "general", "generalin", "botschafter", "botschafterin",
    "sekretär", "sekretärin", "berater", "beraterin", "führer", "führerin", "kommandeur",
    "befehlshaber", "admiral", "vorsitzende", "vorsitzender", "direktor", "direktorin",
    "gouverneur", "bürgermeister", "bürgermeisterin", "senator", "senatorin", "abgeordnete",
    "abgeordneter", "leiter", "leiterin", "diplomat", "diplomatin", "anwalt", "anwältin",
    "richter", "richterin", "oberhaupt", "secretary", "politiker", "politikerin", "trainer",
    "trainerin", "intendant", "intendantin", "schiedsrichter", "schiedsrichterin", "profi",
    "spieler", "spielerin", "athlet", "athletin", "fahrer", "fahrerin", "experte", "expertin",
    "kritiker", "kritikerin", "aktivist", "aktivistin", "rechtler", "rechtlerin", "gesandte",
    "gesandter", "beauftragte", "beauftragter", "kandidat", "kandidatin", "anführer",
    "anführerin", "oppositionelle", "oppositioneller", "ökonom", "ökonomin", "wissenschaftler",
    "wissenschaftlerin", "forscher", "forscherin", "sänger", "sängerin", "schauspieler",
    "schauspielerin", "regisseur", "regisseurin", "autor", "autorin", "manager", "managerin",
    "gründer", "gründerin", "unternehmer", "unternehmerin", "milliardär", "milliardärin",
    "funktionär", "funktionärin", "landrat", "landrätin", "ermittler", "ermittlerin", "stürmer",
    "stürmerin", "torhüter", "torhüterin", "kapitän", "kapitänin", "moderator", "moderatorin",
    "journalist", "journalistin", "boss", "vize", "vizechef", "vizechefin",
)  # fmt: skip
# Words of a compound title that do not name an office alone: "Defense" in "Defense Secretary",
# "State" in "State Street". They are no names, but give a following word no title context.
TITLE_MODIFIERS = frozenset(
    {"defense", "defence", "foreign", "interior", "finance", "economy", "health", "national", "security",
     "joint", "staff", "press", "state", "vice", "prime", "deputy", "acting", "crown", "field", "chiefs"}
)  # fmt: skip
# Endings stripped to find the lexicon form of an inflected German word (russischen -> russisch,
# Russlands -> Russland, Ukrainerin -> Ukrainer); longest first.
_INFLECTIONS = ("innen", "ern", "es", "en", "er", "em", "in", "s", "n", "e")
# Countries whose people's names are written family name first in English news too.
SURNAME_FIRST = frozenset({"CN", "TW", "HK", "MO", "KP", "KR", "VN", "KH"})


@dataclass(frozen=True)
class NameRecord:
    canonical: str  # English spelling as used by international news ("Sergei Shoigu")
    german: str = (
        ""  # German press spelling ("Sergej Schoigu"), more than one "|"-separated; "" when the same
    )
    variants: tuple[str, ...] = ()  # other accepted English spellings
    kind: str = "person"
    role: str = ""
    country: str = ""

    @property
    def german_forms(self) -> tuple[str, ...]:
        """The German spellings, the usual one first; the canonical one when none is given."""
        forms = tuple(f.strip() for f in self.german.split("|") if f.strip())
        return forms or (self.canonical,)

    @property
    def surname(self) -> str:
        """The name a text uses for the person alone ("Scholz", "von der Leyen", "Xi"), or ""
        for a regnal name ("Charles III") or a single name ("Lula"): those have no short form."""
        words = _words(self.canonical)
        if len(words) < 2:
            return ""  # a regnal or single name: "Charles III", "Pope Leo XIV", "Neymar"
        if self.country.upper() in SURNAME_FIRST:
            return words[0]
        return " ".join(_split_name(self.canonical)[1])


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
    given_names: frozenset[str]  # common given names in many languages, casefolded
    english_roles: frozenset[str]  # lower-case English words that introduce a person ("coach")
    origins: tuple[tuple[str, str], ...]  # (word start, origin) cues, longest first


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
_REGNAL = re.compile(r"[IVXL]+\.?")


# Words a record may carry that are a rank, not a name ("Pope Francis", "Patriarch Kirill").
_HONORIFICS = frozenset(
    {"pope", "patriarch", "king", "queen", "prince", "princess", "emperor", "empress", "sultan", "emir",
     "sheikh", "papst", "könig", "königin", "prinz", "prinzessin", "scheich", "mullah", "ayatollah"}
)  # fmt: skip


def _words(name: str) -> list[str]:
    """The words of a name without initials, suffixes, regnal numbers and ranks."""
    return [
        w
        for w in _NAME_WORD.findall(name)
        if len(w) > 1 and w.casefold() not in _SUFFIXES | _HONORIFICS and not _REGNAL.fullmatch(w)
    ]


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
    # Variants are English spellings; the German forms are right in German text only (names.md).
    en_forms = [record.canonical, *record.variants]
    de_forms = list(record.german_forms)
    en_tokens = {w.casefold() for form in en_forms for w in _capitalised(_words(form))}
    de_tokens = {w.casefold() for form in de_forms + en_forms for w in _capitalised(_words(form))}
    english_of: dict[str, str] = {}
    family_forms: set[str] = set()
    given_forms: set[str] = set()
    surname_first = record.country.upper() in SURNAME_FIRST
    for form in en_forms + de_forms:
        given, fam = _split_name(form)
        fam_caps = _capitalised(fam)
        if fam_caps:
            family_forms.add(fam_caps[-1].casefold())
            if fam_caps[-1].casefold() not in en_tokens:
                english_of[fam_caps[-1].casefold()] = family_token
        if surname_first and given:
            # "Xi Jinping": a text names him "Xi", and writes "Jinping" where family names stand.
            family_forms.add(given[0].casefold())
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


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


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
        # Given names of known people: they make the word after them a family name.
        self.given_names: frozenset[str] = frozenset(given)
        # Those and the common given names of the lexicon: evidence that a person is named.
        self.any_given: frozenset[str] = self.given_names | lexicons.given_names
        self._given_by_letter = _by_first_letter(self.given_names)
        self._family_by_letter = _by_first_letter(self._by_family)
        # One deletion from each side finds every pair one edit (or one swap) apart.
        one_edit: dict[str, set[str]] = defaultdict(set)
        for family in self._by_family:
            for key in _deletions(family):
                one_edit[key].add(family)
        self._one_edit = {k: tuple(sorted(v)) for k, v in one_edit.items()}
        # Phonetic keys let a near-miss be found in one dict lookup even past the edit-distance cutoff.
        phonetic: dict[str, set[str]] = defaultdict(set)
        for family in self._by_family:
            for key in phonetic_keys(family):
                phonetic[key].add(family)
        self._phonetic = {k: tuple(sorted(v)) for k, v in phonetic.items()}
        # Memo of the lexicon decisions per word: a news vocabulary repeats. Only ever filled
        # with values that depend on the word alone, so sharing one KB between threads is safe.
        self._title_memo: dict[str, bool] = {}
        self._non_name_memo: dict[str, bool] = {}
        self._origin_memo: dict[str, str] = {}
        self._near_memo: dict[tuple[str, int], tuple[tuple[str, int, bool], ...]] = {}
        self.known_memo: dict[tuple[str, str], bool] = {}  # mentions.is_known: (word, lang) -> known

    def __len__(self) -> int:
        return len(self.people)

    def people_with(self, token: str) -> tuple[int, ...]:
        """Indexes of the people one of whose names (any language) is this token."""
        return self._by_token.get(token.casefold(), ())

    def people_with_family(self, family: str) -> tuple[int, ...]:
        return self._by_family.get(family.casefold(), ())

    def near_families(self, token: str, max_distance: int) -> tuple[tuple[str, int, bool], ...]:
        """Known family names close to token: (casefolded family, edit distance, sounds alike).

        Past one edit only names with the same first letter are looked at (the checks never
        take a name with another first letter two edits away), so a lookup costs a bucket.
        """
        query = token.casefold()
        key = (query, max_distance)
        if key in self._near_memo:
            return self._near_memo[key]
        keys = phonetic_keys(query)
        found: dict[str, tuple[int, bool]] = {}
        for d in _deletions(query):
            for choice in self._one_edit.get(d, ()):
                distance = OSA.distance(query, choice)
                if distance <= 1:
                    found[choice] = (distance, bool(keys & phonetic_keys(choice)))
        bucket = self._family_by_letter.get(query[:1], ())
        for choice, distance, _ in process.extract(
            query, bucket, scorer=OSA.distance, score_cutoff=max_distance, limit=None
        ):
            found[choice] = (int(distance), bool(keys & phonetic_keys(choice)))
        for k in keys:
            for choice in self._phonetic.get(k, ()):
                if choice not in found:
                    found[choice] = (OSA.distance(query, choice), True)
        result = tuple((choice, d, alike) for choice, (d, alike) in sorted(found.items()) if choice != query)
        self._near_memo[key] = result
        return result

    def near_given_name(self, word: str) -> bool:
        """Whether word is, or is two edits from, a known given name ("Naphtali" ~ "Naftali")."""
        folded = word.casefold()
        if folded in self.given_names:
            return True
        if len(folded) < 4:
            return False
        bucket = self._given_by_letter.get(folded[:1], ())
        return process.extractOne(folded, bucket, scorer=OSA.distance, score_cutoff=2) is not None

    def is_given_name(self, word: str) -> bool:
        """A given name of a known person or a common one ("Markus", "Henriette")."""
        return word.casefold() in self.any_given

    def is_common_surname(self, word: str) -> bool:
        """A frequent surname no known person bears ("Müller", "Schmidt"): a name, not a misspelling."""
        return word.casefold() in self.lexicons.surnames and not self.people_with_family(word)

    def is_title(self, word: str) -> bool:
        if word not in self._title_memo:
            self._title_memo[word] = self._is_title(word)
        return self._title_memo[word]

    def _is_title(self, word: str) -> bool:
        # US-Präsident, Ex-Kanzler, Vize-Admiral, Grünen-Politikerin: the office is the last part.
        last = word.casefold().rstrip(".").rsplit("-", 1)[-1]
        # Inflected German offices: Ministern, Präsidenten, Generals.
        for form in (last, *(last[: -len(e)] for e in ("en", "n", "s") if last.endswith(e))):
            if form in self.lexicons.titles:
                return True
            if any(form.endswith(s) and len(form) > len(s) + 1 for s in TITLE_SUFFIXES):
                return True
        return False

    def is_english_role(self, word: str) -> bool:
        """A lower-case English word that introduces a person: "coach", "spokesman", "judge"."""
        return word.casefold() in self.lexicons.english_roles

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

    def origin_cue(self, word: str) -> str:
        """The origin a word points to ("russische" -> "cyrillic", "iranischen" -> "arabic",
        "Berliner" -> "latin"), or "" for none."""
        if word not in self._origin_memo:
            folded = word.casefold()
            self._origin_memo[word] = next(
                (origin for start, origin in self.lexicons.origins if folded.startswith(start)), ""
            )
        return self._origin_memo[word]


def _by_first_letter(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    buckets: dict[str, list[str]] = defaultdict(list)
    for w in words:
        buckets[w[:1]].append(w)
    return {k: tuple(sorted(v)) for k, v in buckets.items()}


@functools.cache
def phonetic_keys(word: str) -> frozenset[str]:
    """Metaphone and NYSIIS keys; two names sharing one sound alike to an English reader."""
    folded = word.casefold()
    keys = {f"m:{jellyfish.metaphone(folded)}", f"n:{jellyfish.nysiis(folded)}"}
    return frozenset(k for k in keys if len(k) > 3)


def _phrases_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of the phrases as a whole word sequence. The lookahead for their first characters
    lets the regex engine skip to the possible starts at C speed on a long line."""
    phrases = [p for p in phrases if p]
    if not phrases:
        return re.compile(r"(?!)")  # matches nothing
    first = "".join(sorted({re.escape(p[0]) for p in phrases}))
    return re.compile(rf"(?=[{first}])(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


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
    origins = [tuple(line.split()) for line in _data_lines("origins.txt")]
    return Lexicons(
        titles=frozenset(w.casefold() for w in _data_lines("titles.txt")),
        calendar=frozenset(w.casefold() for w in _data_lines("calendar.txt")),
        places=frozenset(w.casefold() for w in places),
        organisations=frozenset(w.casefold() for w in organisations),
        nationalities=frozenset(w.casefold() for w in _data_lines("nationalities.txt")),
        function_words=frozenset(w.casefold() for w in _data_lines("function_words.txt")),
        phrase_pattern=_phrases_pattern(phrases),
        slavic_given={row["german"].casefold(): row["english"] for row in slavic},
        surnames=frozenset(w.casefold() for w in _data_lines("surnames.txt")),
        given_names=frozenset(w.casefold() for line in _data_lines("given_names.txt") for w in line.split()),
        english_roles=frozenset(
            w.casefold() for line in _data_lines("english_roles.txt") for w in line.split()
        ),
        origins=tuple(sorted(((s.casefold(), o) for s, o in origins), key=lambda x: -len(x[0]))),
    )


# --- names.csv: the one reader and writer --------------------------------------------------------


def default_kb_path() -> Path:
    return config.corpus_dir() / "names.csv"


def parse_records(text: str, source: str = "names.csv") -> list[NameRecord]:
    """Records of a names CSV; InputError names the file and the bad row.

    A row needs its canonical name: a row with none is refused (naming the line), not skipped,
    so a half-filled row is noticed. ``german`` and ``variants`` may hold several spellings
    separated by "|"; kind defaults to "person".
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip() for f in reader.fieldnames or []]
    if "canonical" not in fields:
        raise InputError(
            f"{source} has no 'canonical' column (header: {','.join(fields) or 'none'}). "
            f"The names knowledge base needs the header {','.join(KB_HEADER)}."
        )
    records = []
    try:
        for row in reader:
            values = {(k or "").strip(): restore_cell(v or "") for k, v in row.items() if isinstance(v, str)}
            if not any(values.values()):
                continue
            canonical = values.get("canonical", "")
            if not canonical:
                raise InputError(
                    f"{source} line {reader.line_num}: empty 'canonical' name. Fill it in or delete the row."
                )
            variants = tuple(
                dict.fromkeys(v.strip() for v in values.get("variants", "").split("|") if v.strip())
            )
            german = "|".join(
                dict.fromkeys(g.strip() for g in values.get("german", "").split("|") if g.strip())
            )
            records.append(
                NameRecord(
                    canonical=canonical,
                    german=german,
                    variants=variants,
                    kind=values.get("kind", "") or "person",
                    role=values.get("role", ""),
                    country=values.get("country", ""),
                )
            )
    except csv.Error as err:
        raise InputError(
            f"{source} line {reader.line_num + 1}: not a well-formed CSV row ({err}). "
            "Fix the row and try again."
        ) from None
    return records


def read_records(path: str | os.PathLike[str]) -> list[NameRecord]:
    """The records of a names CSV file (a clear InputError when it is missing or malformed)."""
    from workbench.textio import read_text

    file = read_text(path, max_bytes=512 * 1024 * 1024)
    return parse_records(file.text, file.name)


def format_records(records: Iterable[NameRecord]) -> str:
    """Records as names.csv text (the header first), what read_records reads back; a cell a
    spreadsheet would run as a formula is written so that it shows as text (formats.cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KB_HEADER)
    for r in records:
        row = (r.canonical, r.german, "|".join(r.variants), r.kind, r.role, r.country)
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue()


def write_records(path: str | os.PathLike[str], records: Iterable[NameRecord]) -> None:
    """Write records as a names CSV atomically: a reader sees the old file or the new one."""
    from workbench.textio import write_atomic

    write_atomic(path, format_records(records))


def _forms(record: NameRecord) -> set[str]:
    """The full spellings of a record, casefolded: what makes two records one person."""
    return {f.casefold() for f in (record.canonical, *record.german_forms, *record.variants) if " " in f}


def merge_records(
    records: Sequence[NameRecord], new: Iterable[NameRecord]
) -> tuple[list[NameRecord], int, int]:
    """records with new ones merged in: a new record sharing a full spelling with a kept one
    adds its spellings to it, any other is appended. Returns (records, added, merged)."""
    out = list(records)
    owner: dict[str, int] = {}
    for i, r in enumerate(out):
        for f in _forms(r) | {r.canonical.casefold()}:
            owner.setdefault(f, i)
    added = merged = 0
    for r in new:
        hit = next((owner[f] for f in sorted(_forms(r) | {r.canonical.casefold()}) if f in owner), None)
        if hit is None:
            out.append(r)
            index = len(out) - 1
            added += 1
        else:
            old = out[hit]
            german = list(dict.fromkeys((*old.german_forms, *(r.german_forms if r.german else ()))))
            taken = {old.canonical, *german}
            variants = [v for v in dict.fromkeys((*old.variants, r.canonical, *r.variants)) if v not in taken]
            joined = replace(
                old,
                german="|".join(german) if old.german or r.german else "",
                variants=tuple(variants),
                role=old.role or r.role,
                country=old.country or r.country,
            )
            if joined != old:
                merged += 1
            out[hit] = joined
            index = hit
        for f in _forms(out[index]) | {out[index].canonical.casefold()}:
            owner.setdefault(f, index)
    return out, added, merged


def load_kb(path: str | os.PathLike[str] | None = None, extra: Iterable[NameRecord] = ()) -> KnowledgeBase:
    """The knowledge base at path (default corpus/names.csv) plus reviewer-added records."""
    kb_path = Path(path) if path is not None else default_kb_path()
    if path is None and not kb_path.is_file():
        raise InputError(
            f"the names knowledge base {kb_path} does not exist. Pass one with --kb PATH "
            f"(a CSV with the header {','.join(KB_HEADER)})."
        )
    return build_kb(read_records(kb_path), extra)


def build_kb(records: Sequence[NameRecord], extra: Iterable[NameRecord] = ()) -> KnowledgeBase:
    """A knowledge base from records already in memory (tests, the app's reviewer names)."""
    return KnowledgeBase([*records, *extra], load_lexicons())
