"""Documents in and out: import, translate as systems, the bundled seed, delete, export, show."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinymodel import PAIRS

from workbench import exchange
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.segment import parse_article
from workbench.store import IMPORTED_SYSTEM, Span, Store
from workbench.textio import TextFile
from workbench.workflows import documents, review, translate

SEED = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def _file(name: str, lines: list[str]) -> TextFile:
    return TextFile(name, "\n".join(lines) + "\n", "utf-8")


def test_import_article_keeps_every_sentence_and_marks_boilerplate(store: Store) -> None:
    text = SEED.read_text(encoding="utf-8")
    result = documents.import_article(store, text, source_name=SEED.name, created_by="anna")
    expected = parse_article(text).segments
    rows = store.segments(result.document_id)
    assert [(r.paragraph, r.sentence, r.source, r.boilerplate) for r in rows] == [
        (s.paragraph, s.sentence, s.source, s.boilerplate) for s in expected
    ]
    assert any(r.boilerplate for r in rows) and not all(r.boilerplate for r in rows)
    # Titled by its first real sentence, not by the site name or date line.
    assert result.title.startswith("Finden Sie") or result.title.startswith("Hochrangige")
    assert store.document_text(result.document_id) == text


def test_import_aligned_stores_mt_as_a_system_and_refs_as_approved(store: Store) -> None:
    german = [de for de, _ in PAIRS[:3]]
    english = [en for _, en in PAIRS[:3]]
    result = documents.import_aligned(
        store,
        _file("de.txt", german),
        mt=_file("mt.txt", [e.upper() for e in english]),
        ref=_file("ref.txt", english),
    )
    assert (result.n_segments, result.n_translations, result.n_references, result.system) == (
        3,
        3,
        3,
        IMPORTED_SYSTEM,
    )
    rows = store.review_rows(result.document_id)
    assert [r.translation.system for r in rows] == [IMPORTED_SYSTEM] * 3
    assert [(r.reference.text, r.reference.status, r.reference.reviewer) for r in rows] == [
        (e, "approved", documents.IMPORT_REVIEWER) for e in english
    ]
    assert store.document(result.document_id).title == "de"
    # A second system's MT of the same sentences sits beside the first.
    second = documents.import_aligned(
        store, _file("de.txt", german), mt=_file("b.txt", english), system="system B"
    )
    assert [t.system for t in store.segment_translations(store.segments(second.document_id)[0].id)] == [
        "system B"
    ]
    assert [s.name for s in store.systems()] == ["system B", IMPORTED_SYSTEM]


def test_import_aligned_refuses_different_line_counts(store: Store) -> None:
    with pytest.raises(InputError, match="same number of lines: de.txt has 2, mt.txt has 1"):
        documents.import_aligned(store, _file("de.txt", ["a", "b"]), mt=_file("mt.txt", ["a"]))
    assert store.documents() == []


def test_import_aligned_refuses_a_blank_line_in_one_file_only(store: Store) -> None:
    with pytest.raises(InputError, match="line 2 is blank in mt.txt"):
        documents.import_aligned(store, _file("de.txt", ["a", "b"]), mt=_file("mt.txt", ["a", ""]))


def test_import_files_reads_and_reports_bad_input(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.txt"):
        documents.import_files(store, tmp_path / "missing.txt")
    article = tmp_path / "a.txt"
    article.write_text("Der Krieg dauert an.\n", encoding="utf-8")
    result = documents.import_files(store, article, title="War")
    assert (result.title, result.n_segments) == ("War", 1)


def test_translate_document_stores_the_raw_and_the_glossary_system(store: Store, tiny_model: Path) -> None:
    from workbench.engine import DecodeOptions, load_backend

    backend = load_backend(str(tiny_model), backend="transformers")
    german = [de for de, _ in PAIRS]
    doc = documents.import_aligned(store, _file("de.txt", german)).document_id
    store.add_glossary_entry(GlossaryEntry("Scholz", "SCHOLZ-FIXED"))
    done: list[int] = []
    result = translate.translate_document(store, doc, backend, DecodeOptions(beams=1), progress=done.append)
    name = f"{tiny_model.name} beams=1"
    assert (result.n_segments, result.system, result.systems) == (
        len(PAIRS),
        f"{name} +glossary",
        (name, f"{name} +glossary"),
    )
    assert sum(done) == len(PAIRS)
    rows = store.review_rows(doc)  # the default: the system with the glossary
    expected = [en.replace("Scholz", "SCHOLZ-FIXED") for _, en in PAIRS]
    assert [r.translation.text for r in rows] == expected
    assert [r.translation.raw for r in rows] == [en for _, en in PAIRS]
    scholz = next(r for r in rows if "SCHOLZ" in r.translation.text)
    assert scholz.translation.applied == ({"from": "Scholz", "to": "SCHOLZ-FIXED"},)
    raw = store.system(name)
    assert (raw.glossary, raw.model, raw.options) == (
        False,
        backend.identity,
        DecodeOptions(beams=1).cache_key(),
    )
    assert [r.translation.text for r in store.review_rows(doc, raw.id)] == [en for _, en in PAIRS]
    again = translate.translate_document(store, doc, backend, DecodeOptions(beams=1))
    assert again.n_cached == len(PAIRS)
    assert [s.name for s in store.systems(doc)] == [f"{name} +glossary", name]
    # Without the glossary only the raw system; a name given by the user is kept as given.
    plain = translate.translate_document(
        store, doc, backend, DecodeOptions(beams=1), use_glossary=False, system="baseline"
    )
    assert plain.systems == ("baseline",)
    with pytest.raises(InputError, match="'baseline' is taken"):
        translate.translate_document(store, doc, backend, DecodeOptions(beams=2), system="baseline")


# -- the bundled seed article -------------------------------------------------------------------


def test_seed_is_imported_on_the_first_open_only(store: Store) -> None:
    seeds = SEED.parent
    doc = documents.import_seed_if_empty(store, seeds)
    assert doc is not None
    assert store.document(doc).source_name == SEED.name
    assert documents.import_seed_if_empty(store, seeds) is None
    # Deleting every document does not bring the seed back: the first open is past.
    documents.delete_document(store, doc)
    assert store.documents() == []
    assert documents.import_seed_if_empty(store, seeds) is None
    assert store.documents() == []
    # The button on the Documents page still opens it on purpose.
    again = documents.import_seed(store, seeds, created_by="anna")
    assert [d.id for d in store.documents()] == [again.document_id]


def test_seed_is_imported_once_by_two_connections_and_never_into_a_used_database(
    db_url: str, tmp_path: Path
) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    Store.open(db_url).close()  # migrated, so both sessions start at the seed check
    start = threading.Barrier(2)

    def first_open(_: int) -> int | None:
        with Store.open(db_url) as session:
            start.wait()
            return documents.import_seed_if_empty(session, SEED.parent)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(first_open, range(2)))
    assert results.count(None) == 1
    with Store.open(db_url) as store:
        assert len(store.documents()) == 1
    with Store.open(tmp_path / "used.db") as used:
        documents.import_article(used, "Der Krieg dauert an.")
        assert documents.import_seed_if_empty(used, SEED.parent) is None
        documents.delete_document(used, used.documents()[0].id)
        assert documents.import_seed_if_empty(used, SEED.parent) is None
    with Store.open(tmp_path / "no-seeds.db") as bare:
        assert documents.import_seed_if_empty(bare, tmp_path / "nowhere") is None
        # No seed in this installation decides nothing: a later one with a seed still seeds.
        assert documents.import_seed_if_empty(bare, SEED.parent) is not None
        with pytest.raises(WorkbenchError, match="no seed article"):
            documents.import_seed(bare, tmp_path / "nowhere")


# -- delete, export, show -------------------------------------------------------------------------


@pytest.fixture
def scholes(store: Store) -> int:
    german = ["Olaf Scholz sprach.", "Scholz und Putin.", "Die Lage ist ernst."]
    mts = ["Olaf Scholes spoke.", "Scholes and Putin.", "The situation is serious."]
    return documents.import_aligned(
        store, _file("de.txt", german), mt=_file("mt.txt", mts), title="Scholz"
    ).document_id


def test_delete_document_removes_it_and_says_when_there_is_none(store: Store, scholes: int) -> None:
    documents.delete_document(store, scholes, actor="anna")
    assert store.documents() == []
    assert store.history()[0].summary == "Deleted “Scholz”"
    with pytest.raises(NotFoundError, match=f"no document {scholes}"):
        documents.delete_document(store, scholes)


def test_export_with_nothing_approved_says_what_to_do(store: Store, scholes: int) -> None:
    with pytest.raises(WorkbenchError, match="no approved references to export.*Approve"):
        documents.export_bytes(store, "tmx")


def test_export_writes_only_approved_references(store: Store, scholes: int, tmp_path: Path) -> None:
    ids = [s.id for s in store.segments(scholes)]
    review.approve(store, ids[2], reviewer="anna", expected_version=None)
    review.save_post_edit(store, ids[0], "draft only", reviewer="anna", expected_version=None)
    out = tmp_path / "refs.tmx"
    assert documents.export_references(store, out, "tmx", scholes) == 1
    assert exchange.parse_tmx(out.read_bytes()) == [("Die Lage ist ernst.", "The situation is serious.")]
    assert documents.export_bytes(store, "txt") == b"The situation is serious.\n"


def test_show_gives_each_sentence_with_status_and_annotations(store: Store, scholes: int) -> None:
    ids = [s.id for s in store.segments(scholes)]
    imported = store.system(IMPORTED_SYSTEM)
    note = review.flag_text(
        store, ids[0], "Scholes", side="mt", system_id=imported.id, reviewer="anna", correction="Scholz"
    )
    review.save_post_edit(store, ids[1], "Scholz and Putin.", reviewer="anna", expected_version=None)
    review.approve(store, ids[2], reviewer="ben", expected_version=None)
    shown = documents.show(store, scholes)
    assert (shown["title"], shown["system"], shown["systems"]) == ("Scholz", "imported", ["imported"])
    first, second, third = shown["sentences"]
    assert (
        first["number"],
        first["source"],
        first["mt"],
        first["raw_mt"],
        first["post_edit"],
        first["status"],
    ) == (
        1,
        "Olaf Scholz sprach.",
        "Olaf Scholes spoke.",
        "Olaf Scholes spoke.",
        None,
        "untouched",
    )
    assert first["annotations"] == [
        {
            "id": note.id,
            "category": "Accuracy/Mistranslation",
            "severity": "Major",
            "tags": ["garbled-name"],
            "mt_span": {"start": 5, "end": 12, "text": "Scholes"},
            "src_span": None,
            "correction": "Scholz",
            "comment": "",
            "status": "open",
            "origin": "reviewer",
            "rater": "anna",
        }
    ]
    assert (second["post_edit"], second["status"]) == ("Scholz and Putin.", "draft")
    assert (third["post_edit"], third["status"], third["reviewer"]) == (
        "The situation is serious.",
        "approved",
        "ben",
    )
    assert Span(5, 12, "Scholes") == note.mt
