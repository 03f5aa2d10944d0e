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


# -- the bundled seed article -------------------------------------------------------------------


def test_seed_is_imported_on_the_first_open_only(store: Store) -> None:
    seeds = SEED.parent
    doc = review.import_seed_if_empty(store, seeds)
    assert doc is not None
    assert store.document(doc).source_name == SEED.name
    assert review.import_seed_if_empty(store, seeds) is None
    # Deleting every document does not bring the seed back: the first open is past.
    review.delete_document(store, doc)
    assert store.documents() == []
    assert review.import_seed_if_empty(store, seeds) is None
    assert store.documents() == []
    # The button on the Documents page still opens it on purpose.
    again = review.import_seed(store, seeds, created_by="anna")
    assert [d.id for d in store.documents()] == [again.document_id]


def test_seed_is_imported_once_by_two_connections_and_never_into_a_used_database(
    db_path: Path, tmp_path: Path
) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    Store.open(db_path).close()  # migrated, so both sessions start at the seed check
    start = threading.Barrier(2)

    def first_open(_: int) -> int | None:
        with Store.open(db_path) as session:
            start.wait()
            return review.import_seed_if_empty(session, SEED.parent)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(first_open, range(2)))
    assert results.count(None) == 1
    with Store.open(db_path) as store:
        assert len(store.documents()) == 1
    with Store.open(tmp_path / "used.db") as used:
        review.import_article(used, "Der Krieg dauert an.")
        assert review.import_seed_if_empty(used, SEED.parent) is None
        review.delete_document(used, used.documents()[0].id)
        assert review.import_seed_if_empty(used, SEED.parent) is None
    with Store.open(tmp_path / "no-seeds.db") as bare:
        assert review.import_seed_if_empty(bare, tmp_path / "nowhere") is None
        # No seed in this installation decides nothing: a later one with a seed still seeds.
        assert review.import_seed_if_empty(bare, SEED.parent) is not None
        with pytest.raises(WorkbenchError, match="no seed article"):
            review.import_seed(bare, tmp_path / "nowhere")


# -- detected names and accepting them --------------------------------------------------------------

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


@pytest.fixture
def garbled(store: Store) -> int:
    return review.import_aligned(
        store, _file("d.de", DETECT_DE), mt=_file("d.en", DETECT_MT), title="Garbled"
    ).document_id


def _detected(store: Store, doc: int) -> dict[tuple[str, str], object]:
    return {(f.side, f.text): f for f in store.flags(document_id=doc) if f.origin == "detector"}


def test_detect_flags_stores_findings_once_and_keeps_dismissed_ones_dismissed(
    store: Store, garbled: int, kb
) -> None:
    added = review.detect_flags(store, garbled, kb)
    found = _detected(store, garbled)
    assert added == len(store.flags(document_id=garbled)) > 0
    assert found[("mt", "Milli")].correction == found[("mt", "Millie")].correction == "Milley"
    assert found[("mt", "Scholes")].correction == "Scholz"
    assert {f.status for f in found.values()} == {"open"}
    assert all(f.reason and f.detector_kind for f in found.values())
    assert not any("Biden" in text for _, text in found)
    scholes = found[("mt", "Scholes")]
    review.set_flag_status(store, scholes.id, "dismissed", reviewer="anna", expected_version=scholes.version)

    assert review.detect_flags(store, garbled, kb) == 0
    again = store.flags(document_id=garbled)
    assert len(again) == added
    assert [f.status for f in again if f.text == "Scholes" and f.side == "mt"] == ["dismissed"]


def test_detect_flags_uses_the_glossary_and_checks_a_new_translation_anew(
    store: Store, garbled: int, kb
) -> None:
    seg = store.segments(garbled)[2]
    review.flag_text(
        store, seg.id, "line", side="mt", kind="terminology", reviewer="anna", model=IMPORTED_MODEL
    )
    review.detect_flags(store, garbled, kb, glossary=[GlossaryEntry("line", "hotline", "term")])
    # The reviewer's own flag on the same span is not doubled by the detector.
    assert [f.origin for f in store.flags(segment_id=seg.id) if f.text == "line"] == ["reviewer"]
    store.save_translations("m2", "m2", [NewTranslation(seg.id, "General Millie said so.")])
    assert review.detect_flags(store, garbled, kb) >= 1
    [millie] = [f for f in store.flags(segment_id=seg.id) if f.model == "m2"]
    assert (millie.text, millie.correction) == ("Millie", "Milley")


def test_accept_flag_fixes_every_variant_and_fills_the_glossary_in_one_go(
    store: Store, garbled: int, kb
) -> None:
    review.detect_flags(store, garbled, kb)
    milli = _detected(store, garbled)[("mt", "Milli")]
    result = review.accept_flag(
        store,
        milli.id,
        milli.version,
        correction=" Milley ",
        reviewer="anna",
        apply_everywhere=True,
        add_to_glossary=True,
    )
    segs = store.segments(garbled)
    assert (result.flag.status, result.flag.correction, result.flag.reviewer) == (
        "accepted",
        "Milley",
        "anna",
    )
    assert result.forms == ("Milli", "Millie")
    assert result.segment_ids == (segs[0].id, segs[2].id)
    assert store.reference(segs[0].id).text == DETECT_MT[0].replace("Milli", "Milley")
    assert store.reference(segs[2].id).text == "General Milley said the line is tested daily."
    assert store.reference(segs[1].id) is None
    millie = store.flag(_detected(store, garbled)[("mt", "Millie")].id)
    assert (millie.status, millie.reviewer) == ("accepted", "anna")
    assert result.variant_flag_ids == (millie.id,)
    assert {(e.wrong, e.right, e.kind, e.added_by, e.document_id) for e in store.glossary_entries()} == {
        ("Milli", "Milley", "name", "anna", garbled),
        ("Millie", "Milley", "name", "anna", garbled),
    }
    assert len(result.glossary_entries) == 2
    [known] = store.known_names()
    assert (known.canonical, set(known.variants)) == ("Milley", {"Milli", "Millie"})
    assert result.known_name == known


def test_accept_flag_without_the_extras_changes_only_the_flag(store: Store, garbled: int, kb) -> None:
    review.detect_flags(store, garbled, kb)
    scholes = _detected(store, garbled)[("mt", "Scholes")]
    result = review.accept_flag(
        store, scholes.id, scholes.version, reviewer="anna", apply_everywhere=False, add_to_glossary=False
    )
    assert (result.flag.status, result.flag.correction) == ("accepted", "Scholz")
    assert (result.applied_everywhere, result.added_to_glossary, result.segment_ids) == (False, False, ())
    assert store.glossary_entries() == [] and store.known_names() == []
    assert all(store.reference(s.id) is None for s in store.segments(garbled))


def test_a_stale_accept_is_refused_and_changes_nothing(store: Store, garbled: int, kb) -> None:
    review.detect_flags(store, garbled, kb)
    milli = _detected(store, garbled)[("mt", "Milli")]
    review.set_flag_status(store, milli.id, "dismissed", reviewer="alice", expected_version=milli.version)
    with pytest.raises(ConflictError, match="changed by alice"):
        review.accept_flag(
            store,
            milli.id,
            milli.version,
            correction="Milley",
            reviewer="anna",
            apply_everywhere=True,
            add_to_glossary=True,
        )
    assert store.flag(milli.id).status == "dismissed"
    assert store.flag(_detected(store, garbled)[("mt", "Millie")].id).status == "open"
    assert store.glossary_entries() == [] and store.known_names() == []
    assert all(store.reference(s.id) is None for s in store.segments(garbled))


def test_flag_and_accept_records_a_typed_correction_everywhere(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[0]
    result = review.flag_and_accept(
        store,
        seg.id,
        "Scholes",
        side="mt",
        kind="garbled-name",
        reviewer="anna",
        correction="Scholz",
        model="m1",
        apply_everywhere=True,
        add_to_glossary=True,
    )
    assert (result.flag.origin, result.flag.status, result.flag.correction) == (
        "reviewer",
        "accepted",
        "Scholz",
    )
    assert len(result.segment_ids) == 3
    # SCHOLES is the same wrong form in another case: one glossary entry, not a clash.
    assert [(e.wrong, e.right) for e in store.glossary_entries()] == [("Scholes", "Scholz")]
    with pytest.raises(InputError, match="does not occur"):
        review.flag_and_accept(
            store,
            seg.id,
            "Schulz",
            side="mt",
            kind="garbled-name",
            reviewer="anna",
            correction="Scholz",
            model="m1",
            apply_everywhere=True,
            add_to_glossary=True,
        )


# -- glossary, documents and known names -------------------------------------------------------------


def test_import_glossary_keeps_other_entries_and_attributes_new_ones(store: Store) -> None:
    review.add_to_glossary(store, "Milli", "Milley", added_by="ben")
    imported = review.import_glossary(store, [GlossaryEntry("Lawrow", "Lavrov")], added_by="carl")
    assert imported.added == 1
    assert {(e.wrong, e.added_by) for e in store.glossary_entries()} == {("Milli", "ben"), ("Lawrow", "carl")}


def test_delete_document_removes_it_and_says_when_there_is_none(store: Store, scholes: int) -> None:
    review.delete_document(store, scholes)
    assert store.documents() == []
    with pytest.raises(NotFoundError, match=f"no document {scholes}"):
        review.delete_document(store, scholes)


def test_known_names_csv_reads_back_as_knowledge_base_records(store: Store) -> None:
    from workbench.names import kb as knowledge

    review.accept_name(store, "Mark Milley", variants=["Milli", "Millie"], added_by="anna")
    review.accept_name(store, "Sergei Shoigu", german="Sergej Schoigu", variants=["Schoiku"])
    review.accept_name(store, "=HYPERLINK(1)", variants=["@evil"])
    data = review.known_names_csv(store.known_names())
    text = data.decode("utf-8")
    assert text.splitlines()[0] == "canonical,german,variants,kind,role,country"
    assert "Mark Milley,,Milli|Millie,person,," in text.splitlines()
    assert "\n=" not in text and "'=HYPERLINK(1)" in text and "'@evil" in text
    records = {r.canonical: r for r in knowledge.parse_records(text)}
    assert records["Sergei Shoigu"] == knowledge.NameRecord("Sergei Shoigu", "Sergej Schoigu", ("Schoiku",))
    assert records["Mark Milley"].variants == ("Milli", "Millie")


def test_detect_flags_on_an_untranslated_document_does_not_call_names_missing(store: Store, kb) -> None:
    doc = review.import_article(store, "\n\n".join(DETECT_DE)).document_id
    review.detect_flags(store, doc, kb)
    flags = store.flags(document_id=doc)
    assert {(f.side, f.text, f.correction) for f in flags} >= {("src", "Milli", "Milley")}
    assert [f.text for f in flags if f.detector_kind == "mismatch"] == []


def test_detect_flags_weighs_the_spellings_of_the_other_documents(store: Store, kb) -> None:
    for day in ("Monday", "Tuesday", "Wednesday"):
        review.import_aligned(
            store,
            _file("a.de", [f"Sprecher Hrytsenko sprach am {day}."]),
            mt=_file("a.en", [f"Spokesman Hrytsenko spoke on {day}."]),
        )
    doc = review.import_aligned(
        store,
        _file("b.de", ["Sprecher Hrytsenko schwieg."]),
        mt=_file("b.en", ["Spokesman Hritsenko was silent."]),
    ).document_id
    assert review.corpus_spellings(store, kb, exclude_document=doc)["Hrytsenko"] == 3
    review.detect_flags(store, doc, kb)
    [flag] = [f for f in store.flags(document_id=doc) if f.side == "mt"]
    assert (flag.text, flag.correction, flag.detector_kind) == ("Hritsenko", "Hrytsenko", "inconsistency")
    assert "3x elsewhere in the corpus" in flag.reason


def test_corpus_spellings_count_the_reviewed_english(store: Store, kb) -> None:
    ids = []
    for day in ("Monday", "Tuesday", "Wednesday"):
        doc = review.import_aligned(
            store,
            _file("a.de", [f"Sprecher Hrytsenko sprach am {day}."]),
            mt=_file("a.en", [f"Spokesman Hritsenko spoke on {day}."]),
        ).document_id
        ids.append(doc)
    assert review.corpus_spellings(store, kb)["Hritsenko"] == 3
    # A reviewer's correction replaces the garble it fixed in the counts.
    for doc in ids:
        review.apply_everywhere(store, doc, "Hritsenko", "Hrytsenko", reviewer="anna")
    counts = review.corpus_spellings(store, kb)
    assert (counts["Hrytsenko"], counts["Hritsenko"]) == (3, 0)
    assert review.corpus_spellings(store, kb, side="src")["Hrytsenko"] == 3
