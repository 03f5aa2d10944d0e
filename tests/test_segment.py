from __future__ import annotations

from pathlib import Path

import pytest

from workbench.segment import Segment, parse_article, parse_lines, reassemble, split_sentences

SEED = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def test_seed_quote_splits_into_two_sentences(seed_text: str) -> None:
    article = parse_article(seed_text)
    quote = [s for s in article.segments if "fortzusetzen" in s.source or "Schoiku" in s.source]
    assert [s.source for s in quote] == [
        "„Im vergangenen Monat haben Minister Austin und Präsident Millie ihre russischen Amtskollegen "
        "aufgefordert, ihre Bemühungen fortzusetzen.",
        "Minister Schoiku und General Gerasimov haben sich bisher geweigert, einzugreifen“, "
        "heißt es in einer Erklärung.",
    ]
    assert [(s.paragraph, s.sentence) for s in quote] == [(7, 1), (7, 2)]


def test_seed_has_no_punctuation_only_segment(seed_text: str) -> None:
    segments = parse_article(seed_text).segments
    assert all(_has_word(s.source) for s in segments)
    # The stray duplicate mark stays with its sentence instead of becoming one of its own.
    assert any(s.source.endswith("gesprochen hat. .") for s in segments)


def test_seed_boilerplate_marked_and_nothing_else(seed_text: str) -> None:
    segments = parse_article(seed_text).segments
    marked = [s.source for s in segments if s.boilerplate]
    assert marked == [
        "Mai 5, 2024",
        "securnews",
        "Finden Sie alle nationalen und internationalen Informationen zu Deutschland.",
        "Wählen Sie die Themen aus, über die Sie mehr erfahren möchten",
        "Siehe auch Es gibt weit weniger Geber als das UN-Ziel für die Hilfe für Syrien",
    ]
    # The headline after the chrome is content, and so is everything else.
    assert segments[4].source.startswith("Hochrangige Beamte des Pentagon")
    assert not segments[4].boilerplate
    assert len(segments) == 23


def test_seed_numbering(seed_text: str) -> None:
    segments = parse_article(seed_text).segments
    paragraphs = sorted({s.paragraph for s in segments})
    assert paragraphs == list(range(1, 16))
    for paragraph in paragraphs:
        numbers = [s.sentence for s in segments if s.paragraph == paragraph]
        assert numbers == list(range(1, len(numbers) + 1))
    # Two consecutive non-blank lines ("Zuerst die Washington Post ..." / "Seit Beginn ...") are two
    # paragraphs, and the second has three sentences.
    assert [(s.paragraph, s.sentence) for s in segments if "Washington Post" in s.source] == [(9, 1)]
    assert [s.sentence for s in segments if s.paragraph == 10] == [1, 2, 3]


def test_round_trip_keeps_lines_and_blank_lines(seed_text: str) -> None:
    article = parse_article(seed_text)
    back = reassemble(article, [s.source for s in article.segments])
    assert back.split("\n") == [
        " ".join(line.split()) if line.strip() else "" for line in seed_text.split("\n")
    ]
    assert back.endswith("\n") == seed_text.endswith("\n")


def test_reassemble_replaces_each_paragraph_with_its_translations() -> None:
    text = "Der Krieg dauert an. Die Lage ist ernst.\n\n\nGestern regnete es.\n***\nWir danken Ihnen.\n"
    article = parse_article(text)
    assert [(s.paragraph, s.sentence, s.source) for s in article.segments] == [
        (1, 1, "Der Krieg dauert an."),
        (1, 2, "Die Lage ist ernst."),
        (2, 1, "Gestern regnete es."),
        (4, 1, "Wir danken Ihnen."),
    ]
    english = ["The war continues.", "The situation is serious.", "It rained yesterday.", "We thank you."]
    assert reassemble(article, english) == (
        "The war continues. The situation is serious.\n\n\nIt rained yesterday.\n***\nWe thank you.\n"
    )


def test_reassemble_without_trailing_newline_and_with_crlf() -> None:
    article = parse_article("Der Krieg dauert an.\r\n\r\nGestern regnete es.")
    assert article.lines == ("Der Krieg dauert an.", "", "Gestern regnete es.")
    assert not article.trailing_newline
    assert reassemble(article, ["A.", "B."]) == "A.\n\nB."


def test_reassemble_refuses_misaligned_translations() -> None:
    article = parse_article("Der Krieg dauert an. Die Lage ist ernst.\n")
    with pytest.raises(ValueError, match="1 translations for 2 segments"):
        reassemble(article, ["The war continues."])


def test_empty_and_blank_text() -> None:
    assert parse_article("") == parse_article("") and parse_article("").segments == ()
    article = parse_article("\n  \n")
    assert article.segments == ()
    assert reassemble(article, []) == "\n\n"


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Er kam. . Dann ging er.", ["Er kam. .", "Dann ging er."]),
        ("... Dann ging er.", ["... Dann ging er."]),
        (
            "Am 18. Februar sprach er mit Dr. Müller. Dann ging er.",
            ["Am 18. Februar sprach er mit Dr. Müller.", "Dann ging er."],
        ),
        ("  Er kam.   Er   sah.  ", ["Er kam.", "Er sah."]),
        ("***", []),
        ("", []),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_unknown_language_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'xx'"):
        split_sentences("Hallo.", language="xx")


def test_parse_lines_one_segment_per_line_without_splitting() -> None:
    text = "The war continues. The situation is serious.\n\nIt rained yesterday.\nMai 5, 2024\n"
    article = parse_lines(text)
    assert article.segments == (
        Segment(1, 1, "The war continues. The situation is serious."),
        Segment(2, 1, "It rained yesterday."),
        Segment(3, 1, "Mai 5, 2024"),
    )
    assert reassemble(article, ["a", "b", "c"]) == "a\n\nb\nc\n"


@pytest.mark.parametrize(
    "line",
    [
        "Mai 5, 2024",
        "5. Mai 2024",
        "05.05.2024",
        "Sonntag, 5. Mai 2024, 14:30 Uhr",
        "Aktualisiert am 05.05.2024 um 10:15 Uhr",
        "Siehe auch: Scholz reist nach Kiew",
        "Lesen Sie auch: Die Lage in Charkiw",
        "Mehr zum Thema Ukraine",
        "Melden Sie sich für unseren Newsletter an",
        "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.",
        "© 2024 Beispiel Verlag. Alle Rechte vorbehalten.",
        "Foto: dpa",
        "Bild: Reuters/John Doe",
    ],
)
def test_boilerplate_lines_are_marked(line: str) -> None:
    text = f"Der Krieg dauert an, sagte der Minister am Montag in Berlin.\n\n{line}\n"
    segments = parse_article(text).segments
    assert not segments[0].boilerplate
    assert [s.boilerplate for s in segments[1:]] == [True] * (len(segments) - 1)


@pytest.mark.parametrize(
    "line",
    [
        "Am 5. Mai 2024 trafen sich die Minister in Brüssel.",
        "Berlin, 05.05.2024 – Die Regierung hat neue Hilfen beschlossen.",
        "Der Newsletter des Ministeriums erscheint jede Woche.",
        "Die Bilder zeigen zerstörte Häuser in Charkiw.",
        "Wählen Sie selbst, sagte der Kandidat den Zuhörern.",
        "Lesen und Schreiben lernen die Kinder in der Schule.",
        "Finden Sie das richtig? fragte der Moderator.",
        "Mehr als 100 Menschen wurden verletzt.",
        "Kein Kontakt",
    ],
)
def test_news_sentences_are_not_boilerplate(line: str) -> None:
    # After a real paragraph, even a short line without a full stop is a subheading, not a site name.
    text = f"Der Krieg dauert an, sagte der Minister am Montag in Berlin.\n\n{line}\n"
    assert not any(s.boilerplate for s in parse_article(text).segments)


def test_short_headline_at_top_is_not_a_site_name() -> None:
    segments = parse_article("Pentagon bricht Kontakt ab\n\nDer Krieg dauert an.\n").segments
    assert not any(s.boilerplate for s in segments)


def test_very_long_paragraph_splits_as_in_one_go(seed_text: str) -> None:
    # Long paragraphs reach the splitter in pieces (it is quadratic); the sentences must not change.
    from sentence_splitter import SentenceSplitter

    paragraph = " ".join(line for line in seed_text.split("\n") if line.strip())
    long = " ".join([paragraph] * 12)
    assert len(long) > 30_000
    whole = [" ".join(s.split()) for s in SentenceSplitter(language="de").split(long)]
    assert split_sentences(long) == whole
