"""The review store: documents, systems and translations, annotations, references, glossary,
history and undo; no lost update."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workbench.errors import ConflictError, GlossaryError, InputError, NotFoundError, StoreError
from workbench.glossary import GlossaryEntry
from workbench.segment import Segment
from workbench.store import NewTranslation, Span, Store

SEGMENTS = [
    Segment(1, 1, "securnews", boilerplate=True),
    Segment(2, 1, "Olaf Scholz sprach mit Putin."),
    Segment(2, 2, "Die Lage ist ernst."),
    Segment(3, 1, "Wir danken Ihnen."),
]


def _count(store: Store, table: str) -> int:
    with store.database.read() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def doc(store: Store) -> tuple[int, list[int]]:
    return store.add_document("Scholz", SEGMENTS, source_name="scholz.txt", created_by="anna")


def test_document_keeps_segments_in_reading_order(store: Store, doc) -> None:
    doc_id, ids = doc
    rows = store.segments(doc_id)
    assert [r.id for r in rows] == ids
    assert [(r.paragraph, r.sentence, r.position, r.source, r.boilerplate) for r in rows] == [
        (s.paragraph, s.sentence, i, s.source, s.boilerplate) for i, s in enumerate(SEGMENTS)
    ]
    document = store.document(doc_id)
    assert (document.title, document.source_name, document.created_by, document.n_segments) == (
        "Scholz",
        "scholz.txt",
        "anna",
        4,
    )


def test_missing_document_names_the_fix(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no document 99.*workbench documents"):
        store.document(99)


def _add(store: Store, segment_id: int, *, mt=None, src=None, system=None, **fields):
    values = {"category": "Accuracy/Mistranslation", "severity": "Major", "rater": "anna", **fields}
    return store.add_annotation(segment_id, system_id=system, mt=mt, src=src, **values)


def test_counts_follow_translations_annotations_and_approvals(store: Store, doc) -> None:
    doc_id, ids = doc
    one, two = store.add_system("m1"), store.add_system("m2")
    store.save_translations(one.id, [NewTranslation(ids[1], "Olaf Scholes spoke with Putin.")])
    store.save_translations(two.id, [NewTranslation(ids[1], "x"), NewTranslation(ids[2], "y")])
    note = _add(store, ids[1], mt=Span(5, 12, "Scholes"), system=one.id)
    _add(store, ids[2], src=Span(4, 8, "Lage"), category="Terminology")
    store.save_reference(ids[3], "We thank you.", reviewer="anna", expected_version=None, status="approved")
    store.save_reference(ids[2], "The situation is serious.", reviewer="anna", expected_version=None)
    d = store.document(doc_id)
    assert (d.n_translated, d.n_flagged, d.n_open, d.n_approved) == (2, 2, 2, 1)
    store.update_annotation(note.id, status="accepted", changed_by="ben", expected_version=note.version)
    assert (store.document(doc_id).n_flagged, store.document(doc_id).n_open) == (2, 1)
    store.update_annotation(note.id, status="dismissed", changed_by="ben", expected_version=note.version + 1)
    assert store.document(doc_id).n_flagged == 1  # a dismissed annotation no longer counts


def test_retranslating_with_a_system_replaces_its_translation(store: Store, doc) -> None:
    doc_id, ids = doc
    one = store.add_system("one", model="m1", model_name="one")
    store.save_translations(one.id, [NewTranslation(ids[1], "old", applied=())])
    store.save_translations(
        one.id,
        [
            NewTranslation(
                ids[1], "Olaf Scholz", raw="Olaf Scholes", applied=({"from": "Scholes", "to": "Scholz"},)
            )
        ],
    )
    [row] = store.translations(doc_id, one.id).values()
    assert (row.text, row.raw, row.applied, row.system) == (
        "Olaf Scholz",
        "Olaf Scholes",
        ({"from": "Scholes", "to": "Scholz"},),
        "one",
    )
    assert [s.name for s in store.systems(doc_id)] == ["one"]


def test_a_system_name_means_one_way_of_translating(store: Store) -> None:
    first = store.add_system("opus", model="m@1", model_name="opus", options="beams=4")
    assert store.add_system("opus", model="m@1", model_name="opus", options="beams=4") == first
    with pytest.raises(InputError, match="'opus' is taken by the model opus .*another name"):
        store.add_system("opus", model="m@2", model_name="opus", options="beams=4")
    with pytest.raises(NotFoundError, match="no system 'nope' \\(systems: opus\\)"):
        store.system("nope")


def test_the_default_system_is_the_newest_and_rows_follow_the_system_shown(store: Store, doc) -> None:
    doc_id, ids = doc
    one, two = store.add_system("m1"), store.add_system("m2")
    store.save_translations(one.id, [NewTranslation(ids[1], "Olaf Scholes spoke with Putin.")])
    store.save_translations(two.id, [NewTranslation(ids[1], "Olaf Scholz talked to Putin.")])
    on_one = _add(store, ids[1], mt=Span(5, 12, "Scholes"), system=one.id, correction="Scholz")
    on_src = _add(store, ids[1], src=Span(0, 4, "Olaf"), category="Other", severity="Minor")
    ref = store.save_reference(
        ids[1], "Olaf Scholz spoke with Putin.", reviewer="anna", expected_version=None
    )

    assert store.default_system(doc_id) == two
    rows = store.review_rows(doc_id, one.id)
    assert [r.segment.id for r in rows] == ids
    row = rows[1]
    assert row.translation.text == "Olaf Scholes spoke with Putin."
    assert row.reference == ref
    assert set(row.annotations) == {on_one, on_src}
    # The m1 span means nothing in m2's text, so that view leaves it out.
    assert store.review_rows(doc_id)[1].annotations == (on_src,)
    assert rows[0].translation is None and rows[0].reference is None and rows[0].annotations == ()
    assert [t.system for t in store.segment_translations(ids[1])] == ["m2", "m1"]


def test_annotation_spans_must_match_their_text(store: Store, doc) -> None:
    _, ids = doc
    with pytest.raises(StoreError, match="source span 5-9"):
        _add(store, ids[1], src=Span(5, 9, "Scholz"))
    with pytest.raises(StoreError, match="annotation status 'maybe'"):
        _add(store, ids[1], src=Span(5, 11, "Scholz"), status="maybe")
    with pytest.raises(StoreError, match="needs the system"):
        _add(store, ids[1], mt=Span(0, 4, "Olaf"))


def test_stale_reference_save_is_refused_and_names_who_changed_it_and_what_they_wrote(
    store: Store, doc
) -> None:
    _, ids = doc
    first = store.save_reference(ids[2], "The situation is serious.", reviewer="anna", expected_version=None)
    # Anna and Ben both opened version 1; Ben saves first.
    ben = store.save_reference(
        ids[2], "The situation is grave.", reviewer="ben", expected_version=first.version
    )
    assert ben.version == 2
    with pytest.raises(ConflictError) as err:
        store.save_reference(ids[2], "Things are serious.", reviewer="anna", expected_version=first.version)
    message = str(err.value)
    assert message.startswith("the English of sentence 3 of “Scholz” was changed by ben at ")
    assert "reload" in message and "T" not in message.split(" at ")[1].split(";")[0]  # a local time, not ISO
    assert (err.value.who, err.value.theirs) == ("ben", "The situation is grave.")
    assert store.reference(ids[2]).text == "The situation is grave."


def test_two_first_saves_of_a_reference_conflict(store: Store, doc) -> None:
    _, ids = doc
    store.save_reference(ids[3], "We thank you.", reviewer="anna", expected_version=None)
    with pytest.raises(ConflictError, match="changed by anna"):
        store.save_reference(ids[3], "Thank you.", reviewer="ben", expected_version=None)
    assert store.reference(ids[3]).text == "We thank you."


def test_approving_records_who_approved(store: Store, doc) -> None:
    _, ids = doc
    draft = store.save_reference(ids[3], "We thank you.", reviewer="anna", expected_version=None)
    assert draft.approved_by == ""
    approved = store.save_reference(
        ids[3], "We thank you.", reviewer="ben", expected_version=1, status="approved"
    )
    assert (approved.status, approved.approved_by) == ("approved", "ben")
    changed = store.save_reference(
        ids[3], "Thank you.", reviewer="carl", expected_version=2, status="changed"
    )
    assert (changed.status, changed.approved_by, changed.reviewer) == ("changed", "ben", "carl")


def test_stale_annotation_update_is_refused_and_names_who_changed_it(store: Store, doc) -> None:
    _, ids = doc
    note = _add(store, ids[1], src=Span(5, 11, "Scholz"))
    store.update_annotation(
        note.id, status="accepted", correction="Scholz", changed_by="ben", expected_version=1
    )
    with pytest.raises(
        ConflictError, match="the annotation on “Scholz” in sentence 2 of “Scholz” was changed by ben"
    ):
        store.update_annotation(note.id, status="dismissed", changed_by="anna", expected_version=1)
    current = store.annotation(note.id)
    assert (current.status, current.changed_by, current.rater, current.version) == (
        "accepted",
        "ben",
        "anna",
        2,
    )
    with pytest.raises(ConflictError):
        store.delete_annotation(note.id, expected_version=1)
    store.delete_annotation(note.id, expected_version=2)
    with pytest.raises(NotFoundError):
        store.annotation(note.id)


def test_an_action_is_one_history_entry_and_undo_restores_every_row(store: Store, doc) -> None:
    doc_id, ids = doc
    note = _add(store, ids[1], src=Span(5, 11, "Scholz"))
    with store.action("ben", "accept", document_id=doc_id, summary="accepted") as act:
        store.update_annotation(note.id, status="accepted", changed_by="ben", expected_version=1)
        store.update_annotation(note.id, correction="Olaf Scholz", changed_by="ben", expected_version=2)
        store.save_reference(ids[1], "Olaf Scholz spoke with Putin.", reviewer="ben", expected_version=None)
        store.add_glossary_entry(GlossaryEntry("Scholes", "Scholz", added_by="ben"))
        act.summary = "Accepted Scholz"
    [entry] = store.history(document_id=doc_id)
    assert (entry.actor, entry.action, entry.summary, entry.undoable) == (
        "ben",
        "accept",
        "Accepted Scholz",
        True,
    )
    assert sorted(c.table for c in entry.changes) == ["annotations", "glossary", "segment_references"]
    assert store.last_action("ben") == entry and store.last_action("anna") is None

    store.undo(entry.id, actor="ben")
    restored = store.annotation(note.id)
    assert (restored.status, restored.correction, restored.version, restored.changed_by) == (
        "open",
        "",
        4,
        "ben",
    )
    assert store.reference(ids[1]) is None and store.glossary_entries() == []
    undo = store.history(document_id=doc_id)[0]
    assert (undo.action, undo.undoes, undo.summary) == ("undo", entry.id, "Undid: Accepted Scholz")
    assert store.history_entry(entry.id).undone_by == undo.id
    with pytest.raises(ConflictError, match="undone already"):
        store.undo(entry.id, actor="ben")


def test_undo_refuses_when_someone_changed_a_row_since(store: Store, doc) -> None:
    _, ids = doc
    with store.action("anna", "post-edit"):
        first = store.save_reference(
            ids[2], "The situation is serious.", reviewer="anna", expected_version=None
        )
    [entry] = store.history()
    store.save_reference(ids[2], "It is grave.", reviewer="ben", expected_version=first.version)
    with pytest.raises(ConflictError, match="was changed since by ben.*Undo the later change first"):
        store.undo(entry.id, actor="anna")
    assert store.reference(ids[2]).text == "It is grave."
    assert len(store.history()) == 1  # a refused undo leaves no entry


def test_transaction_rolls_back_every_row(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        doc_id, ids = store.add_document("t", SEGMENTS)
        store.save_reference(ids[1], "x", reviewer="a", expected_version=None)
        raise RuntimeError("crash in the middle")
    assert store.documents() == []
    assert _count(store, "segment_references") == 0


def test_delete_document_removes_its_review_data(store: Store, doc) -> None:
    doc_id, ids = doc
    _add(store, ids[1], src=Span(5, 11, "Scholz"))
    store.save_reference(ids[1], "x", reviewer="a", expected_version=None)
    store.delete_document(doc_id)
    assert store.annotations() == []
    assert _count(store, "segment_references") == 0


def test_scores_input_pairs_mt_with_approved_references_only(store: Store, doc) -> None:
    doc_id, ids = doc
    one, other = store.add_system("one"), store.add_system("other")
    store.save_translations(one.id, [NewTranslation(i, f"mt {i}") for i in ids])
    store.save_reference(ids[1], "ref 1", reviewer="a", expected_version=None, status="approved")
    store.save_reference(ids[2], "draft", reviewer="a", expected_version=None)
    store.save_reference(ids[3], "ref 3", reviewer="a", expected_version=None, status="approved")
    pairs = store.scores_input()
    assert [(p.segment_id, p.mt, p.reference, p.document_title, p.system) for p in pairs] == [
        (ids[1], f"mt {ids[1]}", "ref 1", "Scholz", "one"),
        (ids[3], f"mt {ids[3]}", "ref 3", "Scholz", "one"),
    ]
    assert store.scores_input(other) == []
    assert [a.text for a in store.approved_references(doc_id)] == ["ref 1", "ref 3"]


def test_glossary_add_refuses_a_duplicate_in_any_case(store: Store) -> None:
    store.add_glossary_entry(GlossaryEntry("Scholes", "Scholz", added_by="anna"))
    with pytest.raises(GlossaryError, match="'Scholes' is already in the glossary.*replace"):
        store.add_glossary_entry(GlossaryEntry("scholes", "Scholtz"))
    store.add_glossary_entry(GlossaryEntry("scholes", "Scholtz", note="seen twice"), replace=True)
    assert store.glossary_entries() == [GlossaryEntry("scholes", "Scholtz", note="seen twice")]
    store.remove_glossary_entry("SCHOLES")
    assert store.glossary_entries() == []
    with pytest.raises(NotFoundError, match="'Scholes' is not in the glossary"):
        store.remove_glossary_entry("Scholes")


def test_glossary_import_counts_and_replace_all(store: Store) -> None:
    store.add_glossary_entry(GlossaryEntry("Scholes", "Scholz"))
    store.add_glossary_entry(GlossaryEntry("Millie", "Milley"))
    counts = store.import_glossary(
        [
            GlossaryEntry("Scholes", "Scholz"),
            GlossaryEntry("Millie", "Milley", note="n"),
            GlossaryEntry("Gerasimow", "Gerasimov"),
        ]
    )
    assert (counts.added, counts.updated, counts.unchanged) == (1, 1, 1)
    store.import_glossary([GlossaryEntry("Millie", "Milley")], replace_all=True)
    assert store.glossary_entries() == [GlossaryEntry("Millie", "Milley")]
    with pytest.raises(GlossaryError, match="kind 'verb'"):
        store.import_glossary([GlossaryEntry("a", "b", kind="verb")])
    assert store.glossary_entries() == [GlossaryEntry("Millie", "Milley")]


def test_known_names_merge_variants(store: Store, doc) -> None:
    doc_id, _ = doc
    store.add_known_name(
        "Gerasimov", german="Gerasimow", variants=["Gerasimow"], added_by="anna", document_id=doc_id
    )
    name = store.add_known_name("gerasimov", variants=["Gerassimow", "Gerasimow"])
    assert (name.canonical, name.german, name.variants, name.added_by) == (
        "Gerasimov",
        "Gerasimow",
        ("Gerasimow", "Gerassimow"),
        "anna",
    )
    assert store.known_names() == [name]


def test_glossary_table_save_writes_only_the_reviewers_changes(store: Store) -> None:
    store.add_glossary_entry(GlossaryEntry("Scholes", "Scholz", added_by="anna"))
    store.add_glossary_entry(GlossaryEntry("Millie", "Milley", added_by="anna"))
    loaded = store.glossary_entries()
    # Meanwhile bob adds an entry and corrects another one.
    store.add_glossary_entry(GlossaryEntry("Gerasimow", "Gerasimov", added_by="bob"))
    store.add_glossary_entry(GlossaryEntry("Millie", "Mark Milley", added_by="bob"), replace=True)
    edited = [
        GlossaryEntry("Scholes", "Olaf Scholz", added_by="anna"),
        GlossaryEntry("Millie", "Milley", added_by="anna"),  # untouched by anna
        GlossaryEntry("Naphtali", "Naftali", added_by="anna"),
    ]
    counts = store.save_glossary_edits(loaded, edited, changed_by="anna")
    assert (counts.added, counts.updated, counts.unchanged) == (1, 1, 1)
    assert {(e.wrong, e.right) for e in store.glossary_entries()} == {
        ("Gerasimow", "Gerasimov"),
        ("Millie", "Mark Milley"),
        ("Naphtali", "Naftali"),
        ("Scholes", "Olaf Scholz"),
    }


def test_stale_glossary_table_save_is_refused_and_names_who_changed_it(store: Store) -> None:
    store.add_glossary_entry(GlossaryEntry("Millie", "Milley", added_by="anna"))
    store.add_glossary_entry(GlossaryEntry("Scholes", "Scholz", added_by="anna"))
    loaded = store.glossary_entries()
    store.save_glossary_edits(loaded, [GlossaryEntry("Millie", "Mark Milley"), loaded[1]], changed_by="bob")
    with pytest.raises(ConflictError, match="'Millie' was changed by bob.*reload"):
        store.save_glossary_edits(
            loaded, [GlossaryEntry("Naphtali", "Naftali"), loaded[1]], changed_by="anna"
        )  # anna deletes Millie, which bob changed after she loaded it
    with pytest.raises(ConflictError, match="'Millie' was changed by bob"):
        store.save_glossary_edits(loaded, [GlossaryEntry("Millie", "Milli"), loaded[1]], changed_by="anna")
    assert {(e.wrong, e.right) for e in store.glossary_entries()} == {
        ("Millie", "Mark Milley"),
        ("Scholes", "Scholz"),
    }
    with pytest.raises(GlossaryError, match="'scholes' is in the table twice"):
        store.save_glossary_edits(loaded, [*loaded, GlossaryEntry("scholes", "Scholtz")], changed_by="anna")


def test_an_error_that_ends_the_transaction_itself_is_reported_not_hidden(tmp_path):
    # A statement inside the transaction that commits on its own leaves nothing to roll back;
    # the user must see that error, not "cannot rollback - no transaction is active".
    with Store.open(tmp_path / "w.db") as store:
        with pytest.raises(RuntimeError, match="the real problem"):
            with store.transaction() as conn:
                conn.exec_driver_sql("COMMIT")
                raise RuntimeError("the real problem")
        assert not store.database.in_transaction()
        store.set_state("after", "works")
        assert store.state("after") == "works"
