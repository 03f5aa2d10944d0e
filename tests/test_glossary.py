"""Applying glossary corrections to MT output: whole words, any case, possessives, idempotent."""

from __future__ import annotations

import pytest

from workbench.glossary import GlossaryEntry, apply, find

SEED = [
    GlossaryEntry("Millie", "Milley"),
    GlossaryEntry("Milli", "Milley"),
    GlossaryEntry("Scholes", "Scholz"),
    GlossaryEntry("Naphtali", "Naftali"),
    GlossaryEntry("contradictory telephone connection", "deconfliction line", kind="term"),
]


@pytest.mark.parametrize(
    ("mt", "expected"),
    [
        ("General Mark Milli spoke.", "General Mark Milley spoke."),
        ("Millie's staff and Scholes' office.", "Milley's staff and Scholz' office."),
        ("MILLIE said", "MILLEY said"),
        ("millie said", "Milley said"),
        ("It maintains a contradictory telephone connection.", "It maintains a deconfliction line."),
        ("Milliarden and Millionen and Milliband stay.", "Milliarden and Millionen and Milliband stay."),
        ("Naphtali-Bennett stays hyphenated", "Naphtali-Bennett stays hyphenated"),
    ],
)
def test_apply_corrects_whole_words_only(mt: str, expected: str):
    assert apply(mt, SEED)[0] == expected


def test_apply_reports_each_replacement_with_its_span():
    text, done = apply("Olaf Scholes and Millie met.", SEED)
    assert text == "Olaf Scholz and Milley met."
    assert [(r.start, r.end, r.wrong, r.right) for r in done] == [
        (5, 12, "Scholes", "Scholz"),
        (17, 23, "Millie", "Milley"),
    ]
    assert [r.as_json() for r in done] == [
        {"from": "Scholes", "to": "Scholz"},
        {"from": "Millie", "to": "Milley"},
    ]


def test_longest_wrong_form_wins():
    entries = [GlossaryEntry("Gerasimo", "Gerasimov"), GlossaryEntry("Valerie Gerasimo", "Valery Gerasimov")]
    assert apply("General Valerie Gerasimo and Gerasimo", entries)[0] == (
        "General Valery Gerasimov and Gerasimov"
    )


def test_a_correction_containing_its_wrong_form_is_applied_once():
    entries = [GlossaryEntry("Gerasimov", "Valery Gerasimov")]
    once, done = apply("General Gerasimov met Valery Gerasimov.", entries)
    assert once == "General Valery Gerasimov met Valery Gerasimov."
    assert len(done) == 1
    assert apply(once, entries) == (once, [])
    assert find(once, entries) == []


def test_empty_glossary_changes_nothing():
    assert apply("Millie", []) == ("Millie", [])


@pytest.mark.parametrize(
    ("wrong", "text", "expected"),
    [
        ("Kılıcdaroglu", "KILICDAROGLU sprach.", "KILIÇDAROĞLU sprach."),
        ("İmamoglu", "imamoglu sprach.", "Kılıçdaroğlu sprach."),
    ],
)
def test_a_match_whose_case_folds_differently_is_still_replaced(wrong: str, text: str, expected: str):
    # Python's regex matches Turkish dotted/dotless i case-insensitively, str.casefold() does not.
    new, done = apply(text, [GlossaryEntry(wrong, "Kılıçdaroğlu")])
    assert new == expected
    assert [r.wrong for r in done] == [text.split()[0]]


@pytest.mark.parametrize(
    "hidden",
    ["Scho\u00adles", "Scho\u200bles", "Scho\u200dles", "Scho\u200cles", "\ufeffScholes", "Scho\u2060les"],
    ids=["soft-hyphen", "zero-width-space", "zero-width-joiner", "non-joiner", "bom", "word-joiner"],
)
def test_invisible_characters_neither_hide_nor_split_a_wrong_form(hidden: str):
    text = f"Chancellor {hidden} spoke; Olaf {hidden}'s office agreed."

    fixed, done = apply(text, SEED)

    # An invisible character before the word (the BOM case) is left where it was, outside it.
    assert fixed.replace("\ufeff", "") == "Chancellor Scholz spoke; Olaf Scholz's office agreed."
    # The spans are the original text's and cover the whole word with what is hidden inside it.
    for r in done:
        assert text[r.start : r.end] == r.wrong
        assert r.wrong.replace("\ufeff", "") == hidden.replace("\ufeff", "")
    assert [text[s:e] for s, e, _ in find(text, SEED)] == [r.wrong for r in done]


def test_an_invisible_character_inside_a_right_form_keeps_it_right():
    entries = [GlossaryEntry("Gerasimo", "Gerasimov")]
    assert apply("General Gera\u00adsimov spoke.", entries) == ("General Gera\u00adsimov spoke.", [])
