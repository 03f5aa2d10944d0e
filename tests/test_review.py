"""Review use cases: import, translate, flag, post-edit, approve, apply everywhere, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinymodel import PAIRS

from workbench import exchange, review
from workbench.errors import ConflictError, InputError, NotFoundError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.segment import parse_article
from workbench.store import IMPORTED_MODEL, NewTranslation, Store
from workbench.textio import TextFile

SEED = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


def _file(name: str, lines: list[str]) -> TextFile:
    return TextFile(name, "\n".join(lines) + "\n", "utf-8")


def test_import_article_keeps_every_sentence_and_marks_boilerplate(store: Store) -> None:
    text = SEED.read_text(encoding="utf-8")
    result = review.import_article(store, text, source_name=SEED.name, created_by="anna")
    expected = parse_article(text).segments
    rows = store.segments(result.document_id)
    assert [(r.paragraph, r.sentence, r.source, r.boilerplate) for r in rows] == [
        (s.paragraph, s.sentence, s.source, s.boilerplate) for s in expected
    ]
    assert any(r.boilerplate for r in rows) and not all(r.boilerplate for r in rows)
    # Titled by its first real sentence, not by the site name or date line.
    assert result.title.startswith("Finden Sie") or result.title.startswith("Hochrangige")
    assert store.document_text(result.document_id) == text


def test_import_aligned_stores_mt_as_imported_and_refs_as_approved(store: Store) -> None:
    german = [de for de, _ in PAIRS[:3]]
    english = [en for _, en in PAIRS[:3]]
    result = review.import_aligned(
        store,
        _file("de.txt", german),
        mt=_file("mt.txt", [e.upper() for e in english]),
        ref=_file("ref.txt", english),
    )
    assert (result.n_segments, result.n_translations, result.n_references) == (3, 3, 3)
    rows = store.review_rows(result.document_id)
    assert [r.translation.model for r in rows] == [IMPORTED_MODEL] * 3
    assert [(r.reference.text, r.reference.status, r.reference.reviewer) for r in rows] == [
        (e, "approved", review.IMPORT_REVIEWER) for e in english
    ]
    assert store.document(result.document_id).title == "de"


def test_import_aligned_refuses_different_line_counts(store: Store) -> None:
    with pytest.raises(InputError, match=r"de\.txt has 3, ref\.txt has 2"):
        review.import_aligned(store, _file("de.txt", ["a", "b", "c"]), ref=_file("ref.txt", ["A", "B"]))
    assert store.documents() == []


def test_import_aligned_refuses_a_blank_line_in_one_file_only(store: Store) -> None:
    with pytest.raises(InputError, match=r"line 2 is blank in mt\.txt"):
        review.import_aligned(store, _file("de.txt", ["a", "b", "c"]), mt=_file("mt.txt", ["A", "", "C"]))


def test_import_files_reads_and_reports_bad_input(store: Store, tmp_path: Path) -> None:
    (tmp_path / "de.txt").write_text("Der Krieg dauert an.\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing.txt does not exist"):
        review.import_files(store, tmp_path / "de.txt", ref=tmp_path / "missing.txt")
    result = review.import_files(store, tmp_path / "de.txt", title="War")
    assert (result.title, result.n_segments) == ("War", 1)


def test_translate_document_stores_each_segment_with_the_glossary_applied(
    store: Store, tiny_model: Path
) -> None:
    from workbench.engine import DecodeOptions, load_backend

    backend = load_backend(str(tiny_model), backend="transformers")
    german = [de for de, _ in PAIRS]
    doc = review.import_aligned(store, _file("de.txt", german)).document_id
    store.add_glossary_entry(GlossaryEntry("Scholz", "SCHOLZ-FIXED"))
    done: list[int] = []
    result = review.translate_document(store, doc, backend, DecodeOptions(beams=1), progress=done.append)
    assert (result.n_segments, result.model) == (len(PAIRS), backend.identity)
    assert sum(done) == len(PAIRS)
    rows = store.review_rows(doc)
    expected = [en.replace("Scholz", "SCHOLZ-FIXED") for _, en in PAIRS]
    assert [r.translation.text for r in rows] == expected
    assert [r.translation.raw for r in rows] == [en for _, en in PAIRS]
    scholz = next(r for r in rows if "SCHOLZ" in r.translation.text)
    assert scholz.translation.applied == ({"from": "Scholz", "to": "SCHOLZ-FIXED"},)
    again = review.translate_document(store, doc, backend, DecodeOptions(beams=1))
    assert again.n_cached == len(PAIRS)
    assert store.document(doc).n_translated == len(PAIRS)


@pytest.fixture
def scholes(store: Store) -> int:
    """A document whose MT garbles Scholz as Scholes in three sentences."""
    german = ["Olaf Scholz sprach.", "Scholz und Putin.", "Die Lage ist ernst.", "Scholz-Plan und Scholz."]
    doc = review.import_aligned(store, _file("de.txt", german)).document_id
    mts = [
        "Olaf Scholes spoke.",
        "Scholes and Putin.",
        "The situation is serious.",
        "Scholes plan and SCHOLES.",
    ]
    ids = [s.id for s in store.segments(doc)]
    store.save_translations("m1", "tiny", [NewTranslation(i, t) for i, t in zip(ids, mts, strict=True)])
    return doc


def test_flag_text_finds_the_span_on_either_side(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[3]
    flag = review.flag_text(
        store, seg.id, "Scholz", side="src", kind="garbled-name", reviewer="anna", occurrence=2
    )
    assert (flag.start, flag.end, flag.text) == (16, 22, "Scholz")
    mt_flag = review.flag_text(
        store,
        seg.id,
        "SCHOLES",
        side="mt",
        kind="garbled-name",
        reviewer="anna",
        correction="SCHOLZ",
        model="m1",
    )
    assert (mt_flag.start, mt_flag.model, mt_flag.correction) == (17, "m1", "SCHOLZ")
    with pytest.raises(NotFoundError, match="no translation by m9"):
        review.flag_text(store, seg.id, "Scholes", side="mt", kind="garbled-name", reviewer="a", model="m9")
    with pytest.raises(InputError, match="'Schulz' does not occur in the translation"):
        review.flag_text(store, seg.id, "Schulz", side="mt", kind="garbled-name", reviewer="a", model="m1")


def test_flag_span_outside_the_text_is_refused(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[0]
    with pytest.raises(WorkbenchError, match="outside the src text"):
        review.flag_span(store, seg.id, side="src", start=10, end=99, kind="other", reviewer="a")


def test_accept_and_dismiss_flags_with_versions(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[0]
    flag = review.flag_text(
        store, seg.id, "Scholes", side="mt", kind="garbled-name", reviewer="anna", model="m1"
    )
    accepted = review.set_flag_status(
        store, flag.id, "accepted", reviewer="ben", expected_version=flag.version
    )
    assert (accepted.status, accepted.version, accepted.reviewer) == ("accepted", 2, "ben")
    with pytest.raises(ConflictError, match="changed by ben"):
        review.set_flag_status(store, flag.id, "dismissed", reviewer="anna", expected_version=flag.version)


def test_post_edit_then_approve(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[0]
    draft = review.save_post_edit(
        store, seg.id, " Olaf Scholz spoke. ", reviewer="anna", expected_version=None
    )
    assert (draft.text, draft.status, draft.version) == ("Olaf Scholz spoke.", "draft", 1)
    approved = review.approve(store, seg.id, reviewer="anna", expected_version=1)
    assert (approved.text, approved.status, approved.version) == ("Olaf Scholz spoke.", "approved", 2)
    with pytest.raises(InputError, match="empty"):
        review.save_post_edit(store, seg.id, "  ", reviewer="anna", expected_version=2)
    # Editing an approved sentence sends it back to draft.
    assert (
        review.save_post_edit(
            store, seg.id, "Olaf Scholz talked.", reviewer="anna", expected_version=2
        ).status
        == "draft"
    )


def test_approve_without_post_edit_approves_the_mt(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[2]
    ref = review.approve(store, seg.id, reviewer="anna", expected_version=None)
    assert (ref.text, ref.status) == ("The situation is serious.", "approved")


def test_stale_approve_is_refused(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[2]
    review.save_post_edit(store, seg.id, "It is serious.", reviewer="ben", expected_version=None)
    with pytest.raises(ConflictError, match="changed by ben"):
        review.approve(
            store, seg.id, reviewer="anna", expected_version=None, text="The situation is serious."
        )
    assert store.reference(seg.id).text == "It is serious."


def test_apply_everywhere_fixes_every_sentence_and_records_flags(store: Store, scholes: int) -> None:
    ids = [s.id for s in store.segments(scholes)]
    review.approve(store, ids[1], reviewer="ben", expected_version=None, text="Scholes and Putin met.")
    result = review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert result.segment_ids == (ids[0], ids[1], ids[3])
    assert result.n_replacements == 4
    rows = store.review_rows(scholes)
    assert [r.reference.text if r.reference else None for r in rows] == [
        "Olaf Scholz spoke.",
        "Scholz and Putin met.",
        None,
        "Scholz plan and SCHOLZ.",
    ]
    assert rows[1].reference.status == "approved"  # an approved sentence stays approved
    assert rows[0].reference.status == "draft"
    flags = store.flags(document_id=scholes)
    assert {(f.segment_id, f.text, f.status, f.correction) for f in flags} == {
        (ids[0], "Scholes", "accepted", "Scholz"),
        (ids[1], "Scholes", "accepted", "Scholz"),
        (ids[3], "Scholes", "accepted", "Scholz"),
        (ids[3], "SCHOLES", "accepted", "Scholz"),
    }
    again = review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert (again.segment_ids, again.n_flags) == ((), 0)


def test_add_to_glossary_and_accept_name(store: Store, scholes: int) -> None:
    entry = review.add_to_glossary(store, " Scholes ", "Scholz", added_by="anna", document_id=scholes)
    assert entry == GlossaryEntry("Scholes", "Scholz", "name", "", "anna", scholes)
    name = review.accept_name(store, "Scholz", german="Scholz", variants=["Scholes"], added_by="anna")
    assert name.variants == ("Scholes",)


def test_export_with_nothing_approved_says_what_to_do(store: Store, scholes: int) -> None:
    with pytest.raises(WorkbenchError, match="no approved references to export.*Approve"):
        review.export_bytes(store, "tmx")


def test_export_writes_only_approved_references(store: Store, scholes: int, tmp_path: Path) -> None:
    ids = [s.id for s in store.segments(scholes)]
    review.approve(store, ids[2], reviewer="anna", expected_version=None)
    review.save_post_edit(store, ids[0], "draft only", reviewer="anna", expected_version=None)
    out = tmp_path / "refs.tmx"
    assert review.export_references(store, out, "tmx", scholes) == 1
    assert exchange.parse_tmx(out.read_bytes()) == [("Die Lage ist ernst.", "The situation is serious.")]
    assert review.export_bytes(store, "txt") == b"The situation is serious.\n"
