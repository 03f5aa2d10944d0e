"""The name checks as annotations: stored once, one item for a garble seen in source and MT,
accepted once for both, and corpus spellings from the reviewed English."""

from __future__ import annotations

import pytest

from workbench.glossary import GlossaryEntry
from workbench.store import NewTranslation, Store
from workbench.textio import TextFile
from workbench.workflows import detect, documents, review

DETECT_DE = [
    "Der Stabschef General Mark Milli sprach am 11. Februar mit Valerie Gerasimo.",
    "Bundeskanzler Olaf Scholes traf Präsident Joe Biden in Washington.",
    "General Millie sagte, die Leitung werde täglich getestet.",
]
DETECT_MT = [
    "Chief of Staff General Mark Milli spoke with Valerie Gerasimo on February 11.",
    "Chancellor Olaf Scholes met President Joe Biden in Washington.",
    "General Millie said the line is tested daily.",
]


@pytest.fixture(scope="module")
def kb():
    from workbench.names import kb as knowledge

    return knowledge.load_kb()


def _file(name: str, lines: list[str]) -> TextFile:
    return TextFile(name, "\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def garbled(store: Store) -> int:
    return documents.import_aligned(
        store, _file("d.de", DETECT_DE), mt=_file("d.en", DETECT_MT), title="Garbled"
    ).document_id


def _detected(store: Store, doc: int) -> dict[str, object]:
    return {a.text: a for a in store.annotations(document_id=doc) if a.origin == "detector"}


def test_a_garble_in_source_and_mt_is_one_item_and_stored_once(store: Store, garbled: int, kb) -> None:
    added = detect.detect(store, garbled, kb)
    found = _detected(store, garbled)
    assert added == len(store.annotations(document_id=garbled)) > 0
    milli = found["Milli"]
    # The German and the English both say "Milli": one item with both spans.
    assert (milli.mt.text, milli.src.text, milli.correction) == ("Milli", "Milli", "Milley")
    assert (found["Millie"].mt.text, found["Millie"].src.text) == ("Millie", "Millie")
    assert found["Scholes"].correction == "Scholz"
    assert {a.status for a in found.values()} == {"open"}
    assert all(a.comment and a.detector_kind and a.garbled_name for a in found.values())
    assert not any("Biden" in text for text in found)
    assert len([a for a in found.values() if "Milli" == a.text]) == 1
    scholes = found["Scholes"]
    review.set_status(store, scholes.id, "dismissed", reviewer="anna", expected_version=scholes.version)

    assert detect.detect(store, garbled, kb) == 0
    again = store.annotations(document_id=garbled)
    assert len(again) == added
    assert [a.status for a in again if a.text == "Scholes"] == ["dismissed"]


def test_accepting_the_item_once_resolves_both_sides(store: Store, garbled: int, kb) -> None:
    detect.detect(store, garbled, kb)
    milli = _detected(store, garbled)["Milli"]
    review.accept(store, milli.id, milli.version, reviewer="anna", everywhere=True, add_to_glossary=False)
    after = store.annotation(milli.id)
    assert (after.status, after.mt.text, after.src.text) == ("accepted", "Milli", "Milli")
    assert store.document(garbled).n_open == 2  # Gerasimo and Scholes are left
    assert store.reference(store.segments(garbled)[0].id).text.startswith(
        "Chief of Staff General Mark Milley "
    )
    assert (
        store.reference(store.segments(garbled)[2].id).text == "General Milley said the line is tested daily."
    )


def test_detect_uses_the_glossary_and_checks_a_new_system_anew(store: Store, garbled: int, kb) -> None:
    seg = store.segments(garbled)[2]
    imported = store.system("imported")
    review.flag_text(
        store,
        seg.id,
        "line",
        side="mt",
        system_id=imported.id,
        reviewer="anna",
        category="Terminology",
        tags=(),
    )
    detect.detect(store, garbled, kb, glossary=[GlossaryEntry("line", "hotline", "term")])
    # The reviewer's own annotation on the same span is not doubled by the detector.
    assert [a.origin for a in store.annotations(segment_id=seg.id) if a.text == "line"] == ["reviewer"]
    other = store.add_system("m2")
    mts = [*DETECT_MT[:2], "General Millie said so."]
    store.save_translations(
        other.id, [NewTranslation(s.id, t) for s, t in zip(store.segments(garbled), mts, strict=True)]
    )
    assert detect.detect(store, garbled, kb) >= 1  # the default system is now m2
    [millie] = [a for a in store.annotations(segment_id=seg.id) if a.system_id == other.id]
    assert (millie.mt.text, millie.correction) == ("Millie", "Milley")


def test_detect_on_an_untranslated_document_does_not_call_names_missing(store: Store, kb) -> None:
    doc = documents.import_article(store, "\n\n".join(DETECT_DE)).document_id
    detect.detect(store, doc, kb)
    notes = store.annotations(document_id=doc)
    assert {(a.src.text, a.correction) for a in notes if a.src} >= {("Milli", "Milley")}
    assert all(a.mt is None and a.system_id is None for a in notes)
    assert [a.text for a in notes if a.detector_kind == "mismatch"] == []


def test_detect_weighs_the_spellings_of_the_other_documents(store: Store, kb) -> None:
    for day in ("Monday", "Tuesday", "Wednesday"):
        documents.import_aligned(
            store,
            _file("a.de", [f"Sprecher Hrytsenko sprach am {day}."]),
            mt=_file("a.en", [f"Spokesman Hrytsenko spoke on {day}."]),
        )
    doc = documents.import_aligned(
        store,
        _file("b.de", ["Sprecher Hrytsenko schwieg."]),
        mt=_file("b.en", ["Spokesman Hritsenko was silent."]),
    ).document_id
    assert detect.corpus_spellings(store, kb, exclude_document=doc)["Hrytsenko"] == 3
    detect.detect(store, doc, kb)
    [note] = [a for a in store.annotations(document_id=doc) if a.mt is not None]
    assert (note.mt.text, note.correction, note.detector_kind) == ("Hritsenko", "Hrytsenko", "inconsistency")
    assert "3x elsewhere in the corpus" in note.comment


def test_corpus_spellings_count_the_reviewed_english(store: Store, kb) -> None:
    ids = []
    for day in ("Monday", "Tuesday", "Wednesday"):
        doc = documents.import_aligned(
            store,
            _file("a.de", [f"Sprecher Hrytsenko sprach am {day}."]),
            mt=_file("a.en", [f"Spokesman Hritsenko spoke on {day}."]),
        ).document_id
        ids.append(doc)
    assert detect.corpus_spellings(store, kb)["Hritsenko"] == 3
    # A reviewer's correction replaces the garble it fixed in the counts.
    for doc in ids:
        review.apply_everywhere(store, doc, "Hritsenko", "Hrytsenko", reviewer="anna")
    counts = detect.corpus_spellings(store, kb)
    assert (counts["Hrytsenko"], counts["Hritsenko"]) == (3, 0)
    assert detect.corpus_spellings(store, kb, side="src")["Hrytsenko"] == 3
