"""Article -> paragraphs -> sentences and back, pure (no I/O).

A paragraph is one non-blank line. Sentences come from the Moses-rule splitter of the
``sentence-splitter`` package, which knows German abbreviations and ordinals ("am 18. Februar")
and, unlike pysbd, splits „…fortzusetzen. Minister Schoiku…“ and emits no lone "." pieces.
Web boilerplate (date line, site name, site tagline, "Siehe auch …" teaser) is kept and
marked, never dropped, so reassembly gives back every line of the input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sentence_splitter import SentenceSplitter, SentenceSplitterException


@dataclass(frozen=True)
class Segment:
    paragraph: int  # 1-based index of the paragraph (= non-blank line) in the article
    sentence: int  # 1-based index of the sentence within its paragraph
    source: str
    boilerplate: bool = False  # web chrome: date line, site name/tagline, "Siehe auch ..." teaser


@dataclass(frozen=True)
class Article:
    lines: tuple[str, ...]  # the text's lines after newline normalisation ("" for blank lines)
    segments: tuple[Segment, ...]  # in reading order
    trailing_newline: bool


@functools.cache
def _splitter(language: str) -> SentenceSplitter:
    # Construction reads the language's prefix file: do it once, on first use.
    try:
        return SentenceSplitter(language=language)
    except SentenceSplitterException as err:
        raise ValueError(f"no sentence splitter for language {language!r}: {err}") from err


_WHITESPACE_RUN = re.compile(r"\s{2,}|\t")
# The Moses-rule splitter is quadratic in the length of its input (a 1 MB line takes ~40 s), so
# very long paragraphs go to it in pieces of about this size, cut where a sentence surely ends:
# a word of four or more letters, then . ! or ?, then a capital ("18." and "Dr." are not cuts).
_CHUNK_CHARS = 5000
_SAFE_CUT = re.compile(r"\w{4}[.!?][\"'“”»«)]*(\s+)(?=[„\"'«»(]?[A-ZÄÖÜ])")


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _chunks(paragraph: str) -> list[str]:
    """The paragraph in pieces the splitter handles fast; one piece unless it is very long.

    Without a safe cut in reach (pathological text), a piece ends at a space, or hard at the limit.
    """
    chunks: list[str] = []
    start = 0
    while len(paragraph) - start > _CHUNK_CHARS:
        end = start + _CHUNK_CHARS
        match = _SAFE_CUT.search(paragraph, start + _CHUNK_CHARS // 2, end)
        if match:
            cut, resume = match.start(1), match.end(1)
        else:
            space = paragraph.rfind(" ", start + 1, end)
            cut = resume = space if space > start else end
        chunks.append(paragraph[start:cut])
        start = resume
    chunks.append(paragraph[start:])
    return chunks


def split_sentences(paragraph: str, language: str = "de") -> list[str]:
    """The sentences of one paragraph, stripped; never a punctuation-only piece.

    A piece without letters or digits (the splitter makes one of a leading "..." or "- .") joins
    the sentence after it at the start of the paragraph, elsewhere the sentence before it; the
    seed's "gesprochen hat. ." keeps its stray mark. A paragraph without letters or digits
    ("***") has no sentences, and reassemble() keeps such a line as it is.
    """
    splitter = _splitter(language)
    pieces = [
        _WHITESPACE_RUN.sub(" ", piece).strip()
        for chunk in _chunks(paragraph.strip())
        for piece in splitter.split(chunk)
    ]
    sentences: list[str] = []
    pending = ""  # leading punctuation waiting for the first real sentence
    for piece in pieces:
        if not piece:
            continue
        if _has_word(piece):
            sentences.append(f"{pending} {piece}" if pending else piece)
            pending = ""
        elif sentences:
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            pending = f"{pending} {piece}" if pending else piece
    return sentences


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_lines(text: str) -> tuple[tuple[str, ...], bool]:
    text = _normalise_newlines(text)
    if not text:
        return (), False
    trailing = text.endswith("\n")
    raw = text[:-1].split("\n") if trailing else text.split("\n")
    return tuple(line if line.strip() else "" for line in raw), trailing


# --- Boilerplate -------------------------------------------------------------------------
# Lines of German news-site chrome that scrapers pick up with the article. Kept short and
# anchored so that ordinary news sentences are not caught: each pattern must match at the
# start of the line (after whitespace), except the few unmistakable phrases in _CHROME_ANYWHERE.

_MONTHS = (
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    r"|January|February|March|May|June|July|October|December"
    r"|Jan|Feb|Mär|Mrz|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Oct|Nov|Dez|Dec)\.?"
)
_WEEKDAYS = (
    r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag"
    r"|Mo|Di|Mi|Do|Fr|Sa|So)\.?"
)
_DATE = rf"""
    (?:\d{{1,2}}\.\s*{_MONTHS}\s+\d{{4}}          # 5. Mai 2024
      |{_MONTHS}\s+\d{{1,2}}\.?,?\s+\d{{4}}       # Mai 5, 2024
      |\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})  # 05.05.2024, 5.5.24
      |\d{{4}}-\d{{2}}-\d{{2}}                    # 2024-05-05
    )"""
_DATE_LINE = re.compile(
    rf"""
    (?:(?:Veröffentlicht|Aktualisiert|Erstellt|Stand|Zuletzt\s+aktualisiert)(?:\s+am)?:?\s+)?
    (?:{_WEEKDAYS},?\s+)?
    {_DATE}
    (?:\s*(?:,|\||-|–|um)?\s*\d{{1,2}}[:.]\d{{2}}(?:\s*Uhr)?)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TEASER = re.compile(
    r"(?:Siehe\s+auch|Lesen\s+Sie\s+(?:auch|mehr|hier)|Mehr\s+zum\s+Thema|Mehr\s+dazu"
    r"|Das\s+könnte\s+Sie\s+auch\s+interessieren|Auch\s+interessant|Weiterlesen|Weitere\s+Artikel)\b",
    re.IGNORECASE,
)
_CHROME_AT_START = re.compile(
    r"(?:Finden\s+Sie\s+alle|Wählen\s+Sie\s+(?:die|Ihre)\s+Themen|Melden\s+Sie\s+sich"
    r"|Abonnieren\s+Sie|Jetzt\s+(?:abonnieren|anmelden|registrieren)|Zum\s+Newsletter"
    r"|Newsletter[\s-]*(?:abonnieren|anmelden|bestellen)|Cookie-(?:Einstellungen|Hinweis|Richtlinie)"
    r"|Cookies?\s+(?:akzeptieren|zulassen|ablehnen)"
    r"|Wir\s+verwenden\s+Cookies|Diese\s+(?:Website|Seite)\s+(?:verwendet|nutzt)\s+Cookies"
    r"|Alle\s+Rechte\s+vorbehalten|©|Copyright\b|Fotos?:|Bild(?:er)?:|Quelle:|Teilen\s+Sie"
    r"|(?:Anzeige|Werbung|Newsletter|Cookies|Datenschutz|Impressum|Kontakt)\s*$)",
    re.IGNORECASE,
)
_CHROME_ANYWHERE = re.compile(
    r"Alle\s+Rechte\s+vorbehalten|(?:verwendet|nutzt|verwenden)\s+Cookies|Newsletter\s+abonnieren",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…:][\"'“”„»«)\]]*\s*$")
_SITE_NAME_MAX_WORDS = 2  # "securnews", "Spiegel Online"; three words is already a short headline
_SITE_NAME_MAX_CHARS = 30


def _is_chrome(line: str) -> bool:
    """Boilerplate wherever it stands: date lines, teasers, site taglines, credits."""
    text = line.strip()
    return bool(
        _DATE_LINE.fullmatch(text)
        or _TEASER.match(text)
        or _CHROME_AT_START.match(text)
        or _CHROME_ANYWHERE.search(text)
    )


def _looks_like_site_name(line: str) -> bool:
    text = line.strip()
    return (
        len(text.split()) <= _SITE_NAME_MAX_WORDS
        and len(text) <= _SITE_NAME_MAX_CHARS
        and not _SENTENCE_END.search(text)
    )


def boilerplate_lines(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it is web boilerplate (blank lines are not).

    A site name is a short line without sentence-ending punctuation that comes before the
    first real paragraph; later short lines (subheadings) are content.
    """
    marks: list[bool] = []
    in_header = True
    for line in lines:
        if not line.strip():
            marks.append(False)
            continue
        chrome = _is_chrome(line)
        site_name = in_header and not chrome and _looks_like_site_name(line)
        marks.append(chrome or site_name)
        if not (chrome or site_name):
            in_header = False
    return marks


def parse_article(text: str, language: str = "de") -> Article:
    """Each non-blank line is a paragraph, split into sentences; boilerplate lines are marked."""
    lines, trailing = _split_lines(text)
    segments: list[Segment] = []
    paragraph = 0
    for line, boilerplate in zip(lines, boilerplate_lines(lines), strict=True):
        if not line:
            continue
        paragraph += 1
        for number, sentence in enumerate(split_sentences(line, language), start=1):
            segments.append(Segment(paragraph, number, sentence, boilerplate))
    return Article(lines, tuple(segments), trailing)


def parse_lines(text: str) -> Article:
    """Line-aligned files (one sentence per line, e.g. references): one segment per non-blank line."""
    lines, trailing = _split_lines(text)
    segments = tuple(
        Segment(paragraph, 1, line.strip())
        for paragraph, line in enumerate((line for line in lines if line), start=1)
    )
    return Article(lines, segments, trailing)


def reassemble(article: Article, translations: Sequence[str]) -> str:
    """The article's text with each paragraph replaced by its sentences' translations.

    Blank lines stay blank and the trailing newline is kept as in the input. A non-blank line
    without segments (only punctuation, e.g. "***") is kept as it is.
    """
    if len(translations) != len(article.segments):
        raise ValueError(
            f"{len(translations)} translations for {len(article.segments)} segments: they must be aligned"
        )
    by_paragraph: dict[int, list[str]] = {}
    for segment, translation in zip(article.segments, translations, strict=True):
        by_paragraph.setdefault(segment.paragraph, []).append(translation.strip())
    out: list[str] = []
    paragraph = 0
    for line in article.lines:
        if not line:
            out.append("")
            continue
        paragraph += 1
        parts = by_paragraph.get(paragraph)
        out.append(" ".join(parts) if parts is not None else line)
    return "\n".join(out) + ("\n" if article.trailing_newline else "")
