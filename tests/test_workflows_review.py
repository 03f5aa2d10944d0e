"""Review actions: annotate, accept and dismiss, post-edit, approve, corrections in one sentence
or everywhere (with a preview), the history of it all and undo."""

from __future__ import annotations

import pytest

from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.glossary import GlossaryEntry
from workbench.store import GARBLED_NAME, Store
from workbench.textio import TextFile
from workbench.workflows import documents, glossary, review


def _file(name: str, lines: list[str]) -> TextFile:
    return TextFile(name, "\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def scholes(store: Store) -> int:
    """A document whose MT garbles Scholz as Scholes in three sentences."""
    german = ["Olaf Scholz sprach.", "Scholz und Putin.", "Die Lage ist ernst.", "Scholz-Plan und Scholz."]
    mts = [
        "Olaf Scholes spoke.",
        "Scholes and Putin.",
        "The situation is serious.",
        "Scholes plan and SCHOLES.",
    ]
    return documents.import_aligned(
        store, _file("de.txt", german), mt=_file("mt.txt", mts), title="Scholz"
    ).document_id


@pytest.fixture
def mt(store: Store, scholes: int) -> int:
    return store.system("imported").id


def test_flag_text_finds_the_span_on_either_side(store: Store, scholes: int, mt: int) -> None:
    seg = store.segments(scholes)[3]
    on_src = review.flag_text(
        store, seg.id, "Scholz", side="src", system_id=mt, reviewer="anna", occurrence=2
    )
    assert (on_src.src.start, on_src.src.end, on_src.src.text, on_src.mt) == (16, 22, "Scholz", None)
    on_mt = review.flag_text(
        store, seg.id, "SCHOLES", side="mt", system_id=mt, reviewer="anna", correction="SCHOLZ"
    )
    assert (on_mt.mt.start, on_mt.system_id, on_mt.correction, on_mt.tags) == (
        17,
        mt,
        "SCHOLZ",
        (GARBLED_NAME,),
    )
    with pytest.raises(NotFoundError, match="no translation by system 999"):
        review.flag_text(store, seg.id, "Scholes", side="mt", system_id=999, reviewer="a")
    with pytest.raises(InputError, match="“Schulz” does not occur in the MT of sentence 4"):
        review.flag_text(store, seg.id, "Schulz", side="mt", system_id=mt, reviewer="a")


def test_annotate_takes_an_mqm_category_severity_and_spans_on_both_sides(
    store: Store, scholes: int, mt: int
) -> None:
    seg = store.segments(scholes)[1]
    note = review.annotate(
        store,
        seg.id,
        system_id=mt,
        category="Fluency/Grammar",
        severity="Minor",
        reviewer="anna",
        mt=(0, 7),
        src=(0, 6),
        comment=" word order ",
    )
    assert (note.mt.text, note.src.text, note.category, note.severity, note.comment) == (
        "Scholes",
        "Scholz",
        "Fluency/Grammar",
        "Minor",
        "word order",
    )
    with pytest.raises(InputError, match="'Fluency/Typo' is not an MQM category"):
        review.annotate(store, seg.id, system_id=mt, category="Fluency/Typo", severity="Minor", reviewer="a")
    with pytest.raises(InputError, match="'Huge' is not an MQM severity"):
        review.annotate(store, seg.id, system_id=mt, category="Other", severity="Huge", reviewer="a")
    with pytest.raises(InputError, match="outside the source of sentence 2"):
        review.annotate(
            store, seg.id, system_id=mt, category="Other", severity="Minor", reviewer="a", src=(10, 99)
        )
    whole = review.annotate(
        store, seg.id, system_id=mt, category="Style/Awkward", severity="Neutral", reviewer="a"
    )
    assert (whole.mt, whole.src, whole.text) == (None, None, "")


def test_dismiss_and_reopen_with_versions(store: Store, scholes: int, mt: int) -> None:
    seg = store.segments(scholes)[0]
    note = review.flag_text(store, seg.id, "Scholes", side="mt", system_id=mt, reviewer="anna")
    dismissed = review.set_status(store, note.id, "dismissed", reviewer="ben", expected_version=note.version)
    assert (dismissed.status, dismissed.version, dismissed.changed_by, dismissed.rater) == (
        "dismissed",
        2,
        "ben",
        "anna",
    )
    with pytest.raises(ConflictError, match="changed by ben"):
        review.set_status(store, note.id, "open", reviewer="anna", expected_version=note.version)


def test_post_edit_then_approve(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[0]
    draft = review.save_post_edit(
        store, seg.id, " Olaf Scholz spoke. ", reviewer="anna", expected_version=None
    )
    assert (draft.text, draft.status, draft.version) == ("Olaf Scholz spoke.", "draft", 1)
    approved = review.approve(store, seg.id, reviewer="anna", expected_version=1)
    assert (approved.text, approved.status, approved.version, approved.approved_by) == (
        "Olaf Scholz spoke.",
        "approved",
        2,
        "anna",
    )
    with pytest.raises(InputError, match="the English of sentence 1 is empty"):
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
    with pytest.raises(ConflictError, match="changed by ben") as err:
        review.approve(
            store, seg.id, reviewer="anna", expected_version=None, text="The situation is serious."
        )
    assert err.value.theirs == "It is serious."
    assert store.reference(seg.id).text == "It is serious."


def test_apply_everywhere_previews_then_fixes_every_sentence_and_marks_approved_ones_changed(
    store: Store, scholes: int, mt: int
) -> None:
    ids = [s.id for s in store.segments(scholes)]
    review.approve(store, ids[1], reviewer="ben", expected_version=None, text="Scholes and Putin met.")
    plan = review.plan_corrections(store, scholes, ["Scholes"], "Scholz", system_id=mt)
    assert [(p.number, p.before, p.after, p.approved) for p in plan] == [
        (1, "Olaf Scholes spoke.", "Olaf Scholz spoke.", False),
        (2, "Scholes and Putin met.", "Scholz and Putin met.", True),
        (4, "Scholes plan and SCHOLES.", "Scholz plan and SCHOLZ.", False),
    ]
    assert store.reference(ids[0]) is None  # a preview writes nothing
    result = review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert result.segment_ids == (ids[0], ids[1], ids[3])
    rows = store.review_rows(scholes)
    assert [(r.reference.text, r.reference.status) if r.reference else None for r in rows] == [
        ("Olaf Scholz spoke.", "draft"),
        ("Scholz and Putin met.", "changed"),  # approved, then changed: never silently approved
        None,
        ("Scholz plan and SCHOLZ.", "draft"),
    ]
    notes = store.annotations(document_id=scholes)
    assert {(a.segment_id, a.mt.text, a.status, a.correction) for a in notes} == {
        (ids[0], "Scholes", "accepted", "Scholz"),
        (ids[1], "Scholes", "accepted", "Scholz"),
        (ids[3], "Scholes", "accepted", "Scholz"),
        (ids[3], "SCHOLES", "accepted", "Scholz"),
    }
    assert store.document(scholes).n_changed == 1
    again = review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert (again.segment_ids, again.n_annotations) == ((), 0)


def test_undo_after_apply_everywhere_restores_every_sentence_as_one_unit(store: Store, scholes: int) -> None:
    ids = [s.id for s in store.segments(scholes)]
    approved = review.approve(store, ids[1], reviewer="anna", expected_version=None)
    review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert store.reference(ids[1]).status == "changed"
    entry = review.undo_last(store, "anna", document_id=scholes)
    assert entry.action == "apply-everywhere"
    assert store.reference(ids[0]) is None and store.reference(ids[3]) is None
    restored = store.reference(ids[1])
    assert (restored.text, restored.status) == (approved.text, "approved")
    assert store.annotations(document_id=scholes) == []
    # Next: the approval before it; then nothing left.
    assert review.undo_last(store, "anna", document_id=scholes).action == "approve"
    with pytest.raises(InputError, match="anna has nothing to undo in this document"):
        review.undo_last(store, "anna", document_id=scholes)


def test_undo_is_ones_own_and_refused_over_a_later_change(store: Store, scholes: int) -> None:
    seg = store.segments(scholes)[2]
    first = review.save_post_edit(store, seg.id, "It is serious.", reviewer="anna", expected_version=None)
    review.save_post_edit(store, seg.id, "It is grave.", reviewer="ben", expected_version=first.version)
    with pytest.raises(InputError, match="carl has nothing to undo"):
        review.undo_last(store, "carl")
    with pytest.raises(ConflictError, match="changed since by ben"):
        review.undo_last(store, "anna")
    assert review.undo_last(store, "ben").summary == "Saved a draft of sentence 3"
    assert store.reference(seg.id).text == "It is serious."


# -- accepting a correction -------------------------------------------------------------------------


def test_accept_without_everywhere_corrects_this_sentence_only(store: Store, scholes: int, mt: int) -> None:
    ids = [s.id for s in store.segments(scholes)]
    note = review.flag_text(
        store, ids[0], "Scholes", side="mt", system_id=mt, reviewer="anna", correction="Scholz"
    )
    result = review.accept(
        store, note.id, note.version, reviewer="anna", everywhere=False, add_to_glossary=False
    )
    assert (result.annotation.status, result.segment_ids, result.everywhere) == ("accepted", (ids[0],), False)
    assert store.reference(ids[0]).text == "Olaf Scholz spoke."
    assert [store.reference(i) for i in ids[1:]] == [None, None, None]
    assert store.glossary_entries() == [] and store.known_names() == []
    # A later "everywhere" still reaches the other sentences.
    later = review.apply_everywhere(store, scholes, "Scholes", "Scholz", reviewer="anna")
    assert later.segment_ids == (ids[1], ids[3])


def test_accept_everywhere_fixes_every_variant_and_fills_the_glossary_in_one_action(
    store: Store, scholes: int, mt: int
) -> None:
    ids = [s.id for s in store.segments(scholes)]
    first = review.flag_text(
        store, ids[0], "Scholes", side="mt", system_id=mt, reviewer="anna", correction="Scholz"
    )
    variant = review.flag_text(
        store, ids[3], "SCHOLES", side="mt", system_id=mt, reviewer="anna", correction="Scholz"
    )
    result = review.accept(
        store,
        first.id,
        first.version,
        correction=" Olaf Scholz ",
        reviewer="ben",
        everywhere=True,
        add_to_glossary=True,
    )
    assert (result.annotation.correction, result.annotation.changed_by) == ("Olaf Scholz", "ben")
    assert result.variant_ids == () and result.forms == ("Scholes",)  # the variant wanted "Scholz"
    assert result.segment_ids == (ids[0], ids[1], ids[3])
    assert (
        store.reference(ids[3]).text == "Olaf Scholz plan and OLAF SCHOLZ."
    )  # the case of each occurrence kept
    assert store.annotation(variant.id).status == "open"
    assert {(e.wrong, e.right, e.kind, e.added_by, e.document_id) for e in store.glossary_entries()} == {
        ("Scholes", "Olaf Scholz", "name", "ben", scholes)
    }
    [known] = store.known_names()
    assert (known.canonical, known.variants) == ("Olaf Scholz", ("Scholes",))
    [entry] = [e for e in store.history(document_id=scholes) if e.action == "accept"]
    assert (
        entry.summary == "Accepted “Scholes” → “Olaf Scholz”: 3 sentence(s) corrected, 1 glossary entry added"
    )
    store.undo(entry.id, actor="ben")
    assert store.glossary_entries() == [] and store.known_names() == []
    assert all(store.reference(i) is None for i in ids)
    assert store.annotation(first.id).status == "open"


def test_a_stale_accept_is_refused_and_changes_nothing(store: Store, scholes: int, mt: int) -> None:
    ids = [s.id for s in store.segments(scholes)]
    note = review.flag_text(
        store, ids[0], "Scholes", side="mt", system_id=mt, reviewer="anna", correction="Scholz"
    )
    review.set_status(store, note.id, "dismissed", reviewer="alice", expected_version=note.version)
    with pytest.raises(ConflictError, match="changed by alice"):
        review.accept(store, note.id, note.version, reviewer="anna", everywhere=True, add_to_glossary=True)
    assert store.annotation(note.id).status == "dismissed"
    assert store.glossary_entries() == [] and store.known_names() == []
    assert all(store.reference(i) is None for i in ids)


def test_flag_and_accept_records_a_typed_correction_everywhere(store: Store, scholes: int, mt: int) -> None:
    seg = store.segments(scholes)[0]
    result = review.flag_and_accept(
        store,
        seg.id,
        "Scholes",
        side="mt",
        system_id=mt,
        reviewer="anna",
        correction="Scholz",
        everywhere=True,
        add_to_glossary=True,
    )
    assert (result.annotation.origin, result.annotation.status, result.annotation.correction) == (
        "reviewer",
        "accepted",
        "Scholz",
    )
    assert len(result.segment_ids) == 3
    # SCHOLES is the same wrong form in another case: one glossary entry, not a clash.
    assert [(e.wrong, e.right) for e in store.glossary_entries()] == [("Scholes", "Scholz")]
    assert [e.action for e in store.history(document_id=scholes)] == ["accept"]
    with pytest.raises(InputError, match="does not occur"):
        review.flag_and_accept(
            store,
            seg.id,
            "Schulz",
            side="mt",
            system_id=mt,
            reviewer="anna",
            correction="Scholz",
            everywhere=True,
            add_to_glossary=True,
        )


# -- glossary and known names -------------------------------------------------------------------


def test_add_to_glossary_and_accept_name(store: Store, scholes: int) -> None:
    entry = glossary.add_to_glossary(store, " Scholes ", "Scholz", added_by="anna", document_id=scholes)
    assert entry == GlossaryEntry("Scholes", "Scholz", "name", "", "anna", scholes)
    name = glossary.accept_name(store, "Scholz", german="Scholz", variants=["Scholes"], added_by="anna")
    assert name.variants == ("Scholes",)
    assert [e.actor for e in store.history()] == ["anna", "anna"]


def test_import_glossary_keeps_other_entries_and_attributes_new_ones(store: Store) -> None:
    glossary.add_to_glossary(store, "Milli", "Milley", added_by="ben")
    imported = glossary.import_glossary(store, [GlossaryEntry("Lawrow", "Lavrov")], added_by="carl")
    assert imported.added == 1
    assert {(e.wrong, e.added_by) for e in store.glossary_entries()} == {("Milli", "ben"), ("Lawrow", "carl")}


def test_known_names_csv_reads_back_as_knowledge_base_records(store: Store) -> None:
    from workbench.names import kb as knowledge

    glossary.accept_name(store, "Mark Milley", variants=["Milli", "Millie"], added_by="anna")
    glossary.accept_name(store, "Sergei Shoigu", german="Sergej Schoigu", variants=["Schoiku"])
    glossary.accept_name(store, "=HYPERLINK(1)", variants=["@evil"])
    text = glossary.known_names_csv(store.known_names()).decode("utf-8")
    assert text.splitlines()[0] == "canonical,german,variants,kind,role,country"
    assert "Mark Milley,,Milli|Millie,person,," in text.splitlines()
    assert "\n=" not in text and "'=HYPERLINK(1)" in text and "'@evil" in text
    records = {r.canonical: r for r in knowledge.parse_records(text)}
    assert records["Sergei Shoigu"] == knowledge.NameRecord("Sergei Shoigu", "Sergej Schoigu", ("Schoiku",))
    assert records["Mark Milley"].variants == ("Milli", "Millie")
