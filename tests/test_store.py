"""The review store: documents, translations, flags, references, glossary; no lost update."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workbench.errors import ConflictError, GlossaryError, NotFoundError, StoreError
from workbench.glossary import GlossaryEntry
from workbench.segment import Segment
from workbench.store import NewTranslation, Store

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
def store(db_url: str):
    with Store.open(db_url) as opened:
        yield opened


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


def test_counts_follow_translations_flags_and_approvals(store: Store, doc) -> None:
    doc_id, ids = doc
    store.save_translations("m1", "model-one", [NewTranslation(ids[1], "Olaf Scholes spoke with Putin.")])
    store.save_translations("m2", "model-two", [NewTranslation(ids[1], "x"), NewTranslation(ids[2], "y")])
    flag = store.add_flag(
        ids[1], side="mt", start=5, end=12, text="Scholes", kind="garbled-name", reviewer="anna", model="m1"
    )
    store.add_flag(ids[2], side="src", start=4, end=8, text="Lage", kind="terminology", reviewer="anna")
    store.save_reference(ids[3], "We thank you.", reviewer="anna", expected_version=None, status="approved")
    store.save_reference(ids[2], "The situation is serious.", reviewer="anna", expected_version=None)
    d = store.document(doc_id)
    assert (d.n_translated, d.n_flagged, d.n_approved) == (2, 2, 1)
    store.update_flag(flag.id, status="dismissed", reviewer="ben", expected_version=flag.version)
    assert store.document(doc_id).n_flagged == 1  # a dismissed flag no longer counts


def test_retranslating_with_a_model_replaces_its_translation(store: Store, doc) -> None:
    doc_id, ids = doc
    store.save_translations("m1", "one", [NewTranslation(ids[1], "old", applied=())])
    store.save_translations(
        "m1",
        "one",
        [
            NewTranslation(
                ids[1], "Olaf Scholz", raw="Olaf Scholes", applied=({"from": "Scholes", "to": "Scholz"},)
            )
        ],
    )
    [row] = store.translations(doc_id, "m1").values()
    assert (row.text, row.raw, row.applied) == (
        "Olaf Scholz",
        "Olaf Scholes",
        ({"from": "Scholes", "to": "Scholz"},),
    )
    assert store.models(doc_id) == [("m1", "one")]


def test_review_rows_bundle_translation_reference_and_flags(store: Store, doc) -> None:
    doc_id, ids = doc
    store.save_translations("m1", "one", [NewTranslation(ids[1], "Olaf Scholes spoke with Putin.")])
    store.save_translations("m2", "two", [NewTranslation(ids[1], "Olaf Scholz talked to Putin.")])
    on_m1 = store.add_flag(
        ids[1],
        side="mt",
        start=5,
        end=12,
        text="Scholes",
        kind="garbled-name",
        reviewer="anna",
        correction="Scholz",
        model="m1",
    )
    on_src = store.add_flag(ids[1], side="src", start=0, end=4, text="Olaf", kind="other", reviewer="anna")
    ref = store.save_reference(
        ids[1], "Olaf Scholz spoke with Putin.", reviewer="anna", expected_version=None
    )

    rows = store.review_rows(doc_id, model="m1")
    assert [r.segment.id for r in rows] == ids
    row = rows[1]
    assert row.translation.text == "Olaf Scholes spoke with Putin."
    assert row.reference == ref
    assert set(row.flags) == {on_m1, on_src}
    # The m1 span means nothing in m2's text, so that view leaves it out.
    assert store.review_rows(doc_id, model="m2")[1].flags == (on_src,)
    assert rows[0].translation is None and rows[0].reference is None and rows[0].flags == ()


def test_flag_span_must_match_its_text(store: Store, doc) -> None:
    _, ids = doc
    with pytest.raises(StoreError, match="span 5-9"):
        store.add_flag(ids[1], side="src", start=5, end=9, text="Scholz", kind="garbled-name", reviewer="a")
    with pytest.raises(StoreError, match="flag kind 'typo'"):
        store.add_flag(ids[1], side="src", start=5, end=11, text="Scholz", kind="typo", reviewer="a")


def test_stale_reference_save_is_refused_and_names_who_changed_it(store: Store, doc) -> None:
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
    assert "changed by ben" in message and "version 2" in message and "reload" in message
    assert store.reference(ids[2]).text == "The situation is grave."


def test_two_first_saves_of_a_reference_conflict(store: Store, doc) -> None:
    _, ids = doc
    store.save_reference(ids[3], "We thank you.", reviewer="anna", expected_version=None)
    with pytest.raises(ConflictError, match="changed by anna"):
        store.save_reference(ids[3], "Thank you.", reviewer="ben", expected_version=None)
    assert store.reference(ids[3]).text == "We thank you."


def test_stale_flag_update_is_refused_and_names_who_changed_it(store: Store, doc) -> None:
    _, ids = doc
    flag = store.add_flag(
        ids[1], side="src", start=5, end=11, text="Scholz", kind="garbled-name", reviewer="anna"
    )
    store.update_flag(flag.id, status="accepted", correction="Scholz", reviewer="ben", expected_version=1)
    with pytest.raises(ConflictError, match=r"flag \d+ \('Scholz'\) was changed by ben .*version 2"):
        store.update_flag(flag.id, status="dismissed", reviewer="anna", expected_version=1)
    current = store.flag(flag.id)
    assert (current.status, current.reviewer, current.version) == ("accepted", "ben", 2)
    with pytest.raises(ConflictError):
        store.delete_flag(flag.id, expected_version=1)
    store.delete_flag(flag.id, expected_version=2)
    with pytest.raises(NotFoundError):
        store.flag(flag.id)


def test_transaction_rolls_back_every_row(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        doc_id, ids = store.add_document("t", SEGMENTS)
        store.save_reference(ids[1], "x", reviewer="a", expected_version=None)
        raise RuntimeError("crash in the middle")
    assert store.documents() == []
    assert _count(store, "segment_references") == 0


def test_delete_document_removes_its_review_data(store: Store, doc) -> None:
    doc_id, ids = doc
    store.add_flag(ids[1], side="src", start=5, end=11, text="Scholz", kind="garbled-name", reviewer="a")
    store.save_reference(ids[1], "x", reviewer="a", expected_version=None)
    store.delete_document(doc_id)
    assert store.flags() == []
    assert _count(store, "segment_references") == 0


def test_scores_input_pairs_mt_with_approved_references_only(store: Store, doc) -> None:
    doc_id, ids = doc
    store.save_translations("m1", "one", [NewTranslation(i, f"mt {i}") for i in ids])
    store.save_reference(ids[1], "ref 1", reviewer="a", expected_version=None, status="approved")
    store.save_reference(ids[2], "draft", reviewer="a", expected_version=None)
    store.save_reference(ids[3], "ref 3", reviewer="a", expected_version=None, status="approved")
    pairs = store.document_scores_input()
    assert [(p.segment_id, p.mt, p.reference, p.document_title) for p in pairs] == [
        (ids[1], f"mt {ids[1]}", "ref 1", "Scholz"),
        (ids[3], f"mt {ids[3]}", "ref 3", "Scholz"),
    ]
    assert store.document_scores_input(model="nope") == []
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
