"""Where a name comes from, and how English writes what German press transliterates, pure.

German and English newsrooms transliterate Cyrillic and Arabic script by different rules
(Schoigu / Shoigu, Lawrow / Lavrov, Chamenei / Khamenei), but a name written in Latin script
at home keeps its spelling in both: Schröder, Schäuble, Tschentscher, Nawrocki and Slowik are
right in English as they are. So the rules are applied by origin, never by pattern alone:

  cyrillic  Russian, Ukrainian, Belarusian ... names (the German press spelling is a transliteration)
  arabic    Arabic and Persian names (likewise)
  latin     German, Polish, Czech ... names: the English spelling is the German one
  ""        unknown: only a word that carries several signs of a German transliteration counts
"""

from __future__ import annotations

import functools
import re
import unicodedata

# German-press spellings of Russian/Ukrainian names and their English equivalents, in order.
_SLAVIC_RULES: tuple[tuple[str, str], ...] = (
    (r"schtsch", "shch"),
    (r"tsch", "ch"),
    (r"sch", "sh"),
    (r"(?<![sc])ch", "kh"),
    (r"(?<=[aeiouy])ss(?=[aeiouy])", "s"),
    # German writes a voiced s (Cyrillic з) as s and a voiceless one (с) between vowels as ss.
    (r"(?<=[aeiouy])s(?=[aeiouyj])", "z"),
    (r"(?<!s)s(?=j)", "z"),
    (r"skyj$", "sky"),
    (r"skij$", "sky"),
    (r"zkij$", "tsky"),
    (r"z", "ts"),
    (r"yj$", "yi"),
    (r"ij$", "y"),
    (r"ej$", "ei"),
    (r"jew$", "yev"),
    (r"j", "y"),
    (r"w", "v"),
)
# Arabic and Persian names: German writes sch, dsch, ch and j where English writes sh, j, kh and y.
_ARABIC_RULES: tuple[tuple[str, str], ...] = (
    (r"dsch", "j"),
    (r"tsch", "ch"),
    (r"sch", "sh"),
    (r"^ch", "kh"),
    (r"(?<=[aeiou])ch", "kh"),
    (r"j", "y"),
)


def _compile(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    return re.compile("|".join(f"({pattern})" for pattern, _ in rules)), tuple(r for _, r in rules)


_SLAVIC = _compile(_SLAVIC_RULES)
_ARABIC = _compile(_ARABIC_RULES)
_SLAVIC_ENDING = re.compile(r"(ow|owa|ew|ewa|jew|jewa|skyj|skij|zkij|itsch|ytsch|ij|yj|ej|ja|skaja|zkaja)$")
# Spellings no German transliteration of Cyrillic has; Polish, Czech and German names do.
_LATIN_SIGNS = re.compile(
    r"cz|sz|rz|ł|ą|ę|ś|ź|ż|ń|ó|ř|č|š|ž|ě|ů|ä|ö|ü|ß|ci[aeou]|wicz$|cki$|dzki$|mann$|ck|tz"
)


def _apply(rules: tuple[re.Pattern[str], tuple[str, ...]], word: str) -> str:
    # One pass over the word, so that a rule's output is not rewritten by a later rule
    # ("tsch" -> "ch" must not go on to "kh": Janukowitsch -> Yanukovich).
    pattern, replacements = rules
    if "-" in word:
        return "-".join(_apply(rules, part) for part in word.split("-"))
    out = pattern.sub(lambda m: replacements[m.lastindex - 1], word.casefold())
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


@functools.lru_cache(maxsize=65536)
def transliterate(word: str) -> str:
    """English spelling of a German transliteration from Cyrillic: Schoigu -> Shoigu, Lawrow -> Lavrov."""
    return _apply(_SLAVIC, word)


@functools.lru_cache(maxsize=16384)
def transliterate_arabic(word: str) -> str:
    """English spelling of a German transliteration from Arabic or Persian: Jahja -> Yahya."""
    return _apply(_ARABIC, word)


def english_form(word: str, origin: str) -> str:
    """The English spelling of a name written the German way, by origin."""
    if origin == "cyrillic":
        return transliterate(word)
    if origin == "arabic":
        return transliterate_arabic(word)
    return word


def german_signs(word: str) -> int:
    """How many independent signs of a German transliteration from Cyrillic a word carries."""
    w = word.casefold()
    if _LATIN_SIGNS.search(w):
        return 0
    signs = 0
    signs += bool(re.search(r"sch|tsch", w))
    signs += bool(_SLAVIC_ENDING.search(w))
    # German names open with "Schw" (Schwesig, Schweiger); Slavic ones rarely do.
    signs += bool(re.search(r"w", re.sub(r"^schw|(ow|ew|owa|ewa)$", "", w)))
    signs += bool(re.search(r"j", w))
    return signs


def latin_spelling(word: str) -> bool:
    """Spelled as Latin-script names are at home (umlauts, cz, sz, -mann ...): never a German
    transliteration, so English keeps it ("Schröder", "Nawrocki", "Kretschmann")."""
    return _LATIN_SIGNS.search(word.casefold()) is not None


def guess_origin(word: str, cue: str = "") -> str:
    """The origin of a surname: "latin" when spelled as at home (umlauts, cz, -mann), else what
    the context says (cue, from mentions.origin), else "cyrillic" for a German transliteration's
    ending (-ow, -owa, -ew, -skij) or several of its signs, else ""."""
    if latin_spelling(word):
        return "latin"
    if cue:
        return cue
    if _SLAVIC_ENDING.search(word.casefold()) or looks_transliterated(word):
        return "cyrillic"
    return ""


def looks_transliterated(word: str) -> bool:
    """A word that is a German transliteration from Cyrillic whatever its context ("Patruschew")."""
    return german_signs(word) >= 2 and transliterate(word) != word


def fold(word: str) -> str:
    """Casefolded, without diacritics ("Orbán" -> "orban", "Söder" -> "soder")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ascii_forms(word: str) -> frozenset[str]:
    """The ways English text writes a name without its diacritics: "Söder" -> soder, soeder."""
    folded = word.casefold()
    transcribed = folded.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return frozenset({fold(folded), fold(transcribed)})


@functools.lru_cache(maxsize=65536)
def variant_key(word: str) -> str:
    """A key on which English spellings of one transliterated name agree (Zelensky, Zelenskyy,
    Zelenskiy; Sergei, Sergey; Yevgeny, Evgeny; Aleksei, Alexei) while a German spelling
    (Selenskyj, Sergej, Jewgeni) keeps its own."""
    key = fold(word).replace("x", "ks").replace("y", "i")
    key = re.sub(r"i+", "i", key)
    return re.sub(r"^ie", "e", key)


def same_name(a: str, b: str) -> bool:
    """Whether two spellings are one name for a reader of English (diacritics, transcribed
    umlauts and the variants of one English transliteration aside)."""
    return bool(name_keys(a) & name_keys(b))


@functools.lru_cache(maxsize=65536)
def name_keys(word: str) -> frozenset[str]:
    """Keys two spellings of one name share (see same_name): look a word up in a set of them."""
    return frozenset({word.casefold(), *ascii_forms(word), "v:" + variant_key(word)})
