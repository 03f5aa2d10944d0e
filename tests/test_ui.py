"""The Streamlit app through AppTest: every page, the review workflow with the tiny model,
escaping of hostile text, refused uploads, stale saves and drafts that survive page switches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from tinymodel import PAIRS

from workbench import config
from workbench.store import NewTranslation, Store
from workbench.textio import TextFile
from workbench.ui import render
from workbench.workflows import documents as review
from workbench.workflows import glossary as glossary_flows
from workbench.workflows import review as review_flows

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
GERMAN = "\n".join(de for de, _ in PAIRS) + "\n"
TIMEOUT = 120


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def _no_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", str(tmp_path / "no-such-model"))


def _import_pairs(db_path: Path, *, mt: bool = True) -> int:
    """A document of the tiny model's sentences with their MT imported (no model needed)."""
    with Store.open(db_path) as db:
        result = review.import_aligned(
            db,
            TextFile("pairs.de.txt", GERMAN, "utf-8"),
            mt=TextFile("pairs.en.txt", "\n".join(en for _, en in PAIRS) + "\n", "utf-8") if mt else None,
            title="Tiny pairs",
        )
    return result.document_id


def _review_page(at: AppTest) -> AppTest:
    return at.switch_page("workbench/ui/review.py").run()


def _go_to(at: AppTest, number: int) -> AppTest:
    at.number_input(key="s").set_value(number).run()
    return at


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, _texts(at.exception)


# -- opening the app ------------------------------------------------------------------------------


def test_fresh_database_opens_the_seed_article_and_translates_it(tiny_model, db_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODEL", str(tiny_model))
    at = _app().run()
    _assert_clean(at)
    assert not at.error, _texts(at.error)
    assert "seed article" in _texts(at.success)
    with Store.open(db_path) as db:
        [doc] = db.documents()
        assert doc.n_translated == doc.n_segments > 10
    # The review page shows the seed side by side, ready to review.
    assert "Hochrangige Beamte des Pentagon" in _texts(at.markdown)
    assert at.button(key="approve").label.endswith("Approve & next")


def test_two_documents_with_one_title_have_different_labels_in_the_selector(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    first, second = _import_pairs(db_path), _import_pairs(db_path)
    at = _review_page(_app().run())
    _assert_clean(at)
    selector = at.selectbox(key="doc")
    labels = list(selector.options)  # AppTest gives the options as the page labels them
    assert len(set(labels)) == len(labels) == 2, labels
    assert any(f"#{first}" in label for label in labels) and any(f"#{second}" in label for label in labels)


def test_seed_is_imported_once_even_for_two_sessions(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    first, second = _app().run(), _app().run()
    _assert_clean(first)
    _assert_clean(second)
    with Store.open(db_path) as db:
        assert len(db.documents()) == 1


def test_deleting_every_document_does_not_bring_the_seed_back(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    at.button(key="docs_delete").click().run()
    _assert_clean(at)
    assert "Deleted" in _texts(at.success)
    again = _app().run()
    _assert_clean(again)
    assert "There are no documents yet" in _texts(again.info)
    with Store.open(db_path) as db:
        assert db.documents() == []


def test_without_a_model_the_app_says_how_to_fix_it_and_review_still_works(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _review_page(_app().run())
    _assert_clean(at)
    at.switch_page("workbench/ui/documents.py").run()
    assert "No translation model" in _texts(at.warning)
    assert "no-such-model" in _texts(at.warning)
    at = _review_page(at)
    at.button(key="approve").click().run()
    _assert_clean(at)
    assert "Approved" in _texts(at.success)
    with Store.open(db_path) as db:
        assert [a.text for a in db.approved_references()] == [PAIRS[0][1]]


def test_every_page_renders(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    _assert_clean(at)
    for page, title in [
        ("documents", "Documents"),
        ("review", "Review"),
        ("glossary", "Glossary"),
        ("scores", "Scores"),
        ("export", "Export"),
    ]:
        at.switch_page(f"workbench/ui/{page}.py").run()
        _assert_clean(at)
        assert at.title[0].value == title


def test_a_paste_whose_translation_fails_is_imported_once_and_the_form_cleared(
    tiny_model, db_path, monkeypatch, tmp_path
):
    # Damaged weights, found only when translating: the CTranslate2 conversion cannot be written
    # (WORKBENCH_MODELS is a file), so the app falls back to transformers, which loads lazily.
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    (broken / "model.safetensors").write_bytes(b"not weights")
    (tmp_path / "models-is-a-file").write_text("")
    monkeypatch.setenv("WORKBENCH_MODELS", str(tmp_path / "models-is-a-file"))
    monkeypatch.setenv("WORKBENCH_MODEL", str(broken))
    _import_pairs(db_path)  # a document in the database: no seed import
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    at.text_input(key="paste_title").set_value("Pasted once")
    at.text_area(key="paste_text").set_value(GERMAN)
    at.button(key="paste_go").click().run()
    _assert_clean(at)
    assert "cannot load model" in _texts(at.error)
    assert at.text_area(key="paste_text").value == ""  # the form is cleared: no second import
    with Store.open(db_path) as db:
        assert [d.title for d in db.documents()].count("Pasted once") == 1


# -- the whole workflow with the tiny model -----------------------------------------------------


def test_translate_flag_approve_score_and_export(tiny_model, db_path, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_MODEL", str(tiny_model))
    _import_pairs(db_path, mt=False)  # a document in the database: no seed import
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    at.text_input(key="paste_title").set_value("Pairs article")
    at.text_area(key="paste_text").set_value(GERMAN)
    at.button(key="paste_go").click().run()
    _assert_clean(at)
    assert "Imported and translated" in _texts(at.success)
    with Store.open(db_path) as db:
        doc = next(d for d in db.documents() if d.title == "Pairs article")
        assert doc.n_translated == doc.n_segments == len(PAIRS)
        mt = [t.text for t in db.translations(doc.id).values()]
    assert mt == [en for _, en in PAIRS]
    table = at.dataframe[0].value
    assert list(table["Translated"]) == [len(PAIRS), 0]

    at = _review_page(at)
    _assert_clean(at)
    assert at.selectbox(key="doc").value == doc.id
    gerasimov = next(i for i, (_, en) in enumerate(PAIRS) if "Gerasimov" in en) + 1
    _go_to(at, gerasimov)
    segment = _segment_id(db_path, doc.id, gerasimov)
    key = f"new_{segment}"
    at.text_input(key=f"{key}_text").set_value("Gerasimov")
    at.text_input(key=f"{key}_fix").set_value("Valery Gerasimov")
    at.checkbox(key=f"{key}_glossary").uncheck()
    at.button(key=f"flag_go_{segment}").click().run()
    _assert_clean(at)
    assert "Flagged “Gerasimov” → “Valery Gerasimov”" in _texts(at.success)
    # The flag is highlighted with its correction on hover, and the sentence got the correction.
    assert 'title="Accuracy/Mistranslation (garbled name), Major → Valery Gerasimov' in _texts(at.markdown)
    with Store.open(db_path) as db:
        assert db.reference(segment).text == "General Milley spoke with Valery Gerasimov."
    at.button(key="approve").click().run()
    _assert_clean(at)
    _go_to(at, 1)
    at.button(key="approve").click().run()
    _assert_clean(at)

    with Store.open(db_path) as db:
        approved = {a.text for a in db.approved_references(doc.id)}
        notes = db.annotations(document_id=doc.id)
    assert approved == {"General Milley spoke with Valery Gerasimov.", PAIRS[0][1]}
    assert [(a.text, a.correction, a.status, a.rater) for a in notes if a.origin == "reviewer"] == [
        ("Gerasimov", "Valery Gerasimov", "accepted", config.reviewer())
    ]

    at.switch_page("workbench/ui/scores.py").run()
    _assert_clean(at)
    table = at.dataframe[0].value
    assert 0 < table["BLEU"].iloc[0] < 100 and "TER" in table.columns
    signatures = _texts(at.code)
    assert "nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a" in signatures and "nc:6" in signatures
    worst = next(d.value for d in at.dataframe if "Approved reference" in d.value.columns)
    assert worst["Approved reference"].iloc[0] == "General Milley spoke with Valery Gerasimov."
    assert any(m.label.startswith("Names spelled right in the MT") for m in at.metric)
    assert "Download per-sentence scores (CSV)" in {b.label for b in at.download_button}

    at.switch_page("workbench/ui/export.py").run()
    _assert_clean(at)
    assert {b.label for b in at.download_button} >= {"Download TMX", "Download JSONL", "Download TXT"}
    preview = [json.loads(line) for line in at.code[0].value.splitlines()]
    assert "General Milley spoke with Valery Gerasimov." in {p["reference"] for p in preview}


def _segment_id(db_path: Path, document_id: int, number: int) -> int:
    with Store.open(db_path) as db:
        return db.segments(document_id)[number - 1].id


# -- safety -----------------------------------------------------------------------------------------


def test_hostile_source_text_is_shown_as_text(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    with Store.open(db_path) as db:
        review.import_aligned(
            db,
            TextFile(
                "x.de",
                "<script>alert(1)</script> Der Krieg dauert an.\n<img src=x onerror=alert(2)>\n",
                "utf-8",
            ),
            mt=TextFile("x.en", "<b>The war</b> continues.\n<img src=y onerror=alert(3)>\n", "utf-8"),
            title="<i>title</i>",
        )
    at = _review_page(_app().run())
    _assert_clean(at)
    html = _texts(at.markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;The war&lt;/b&gt;" in html
    assert "<script>" not in html and "<img" not in html and "<b>" not in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.txt", b"%PDF-1.7 binary", "PDF"),
        ("big.txt", b"Der Krieg dauert an.\n" * 260_000, "MB"),
        ("empty.md", b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_message(db_path, monkeypatch, tmp_path, name, data, message):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    at.file_uploader(key="upload_file").set_value((name, data, "text/plain")).run()
    at.button(key="upload_go").click().run()
    _assert_clean(at)
    assert message in _texts(at.error)
    with Store.open(db_path) as db:
        assert len(db.documents()) == 1


def test_uploaded_article_is_imported(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    at.file_uploader(key="upload_file").set_value(
        ("artikel.txt", GERMAN.encode("cp1252"), "text/plain")
    ).run()
    at.button(key="upload_go").click().run()
    _assert_clean(at)
    assert "Imported" in _texts(at.success)
    assert "artikel.txt" in list(at.dataframe[0].value["File"])
    with Store.open(db_path) as db:
        assert [d.n_segments for d in db.documents()] == [len(PAIRS), len(PAIRS)]


# -- no lost work ---------------------------------------------------------------------------------


def test_a_stale_approval_is_refused_and_both_versions_are_shown(db_path, monkeypatch, tmp_path):
    # Typed text kept through a conflict is a browser journey (test_review_journeys.py): only a
    # real browser holds text that was never sent.
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    at = _review_page(_app().run())
    seg = _segment_id(db_path, doc, 1)
    with Store.open(db_path) as db:  # another reviewer saves first
        review_flows.save_post_edit(db, seg, "Their edit.", reviewer="alice", expected_version=None)
    at.button(key="approve").click().run()
    _assert_clean(at)
    assert "Sentence 1 was changed by alice at" in _texts(at.error)
    assert "Their edit." in _texts(at.markdown) and PAIRS[0][1] in _texts(at.markdown)  # theirs, mine
    with Store.open(db_path) as db:
        assert (db.reference(seg).text, db.reference(seg).status) == ("Their edit.", "draft")
    at.button(key="take_theirs").click().run()
    _assert_clean(at)
    assert not at.error and "Took alice's version." in _texts(at.success)


def test_messages_show_other_reviewers_names_and_typed_text_as_typed(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    at = _review_page(_app().run())
    seg = _segment_id(db_path, doc, 1)
    with Store.open(db_path) as db:
        review_flows.save_post_edit(
            db, seg, "Theirs.", reviewer="[Eve](javascript:alert(1)) **x**", expected_version=None
        )
    at.button(key="approve").click().run()
    assert r"changed by \[Eve\]\(javascript\:alert\(1\)\) \*\*x\*\*" in _texts(at.error)
    at.button(key="take_theirs").click().run()
    at.text_input(key=f"new_{seg}_text").set_value(":red[absent]")
    at.button(key=f"flag_go_{seg}").click().run()
    _assert_clean(at)
    assert r"\:red\[absent\]" in _texts(at.error) and ":red[" not in _texts(at.error)


def test_a_half_filled_flag_form_survives_page_switches_and_other_sentences(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    at = _review_page(_app().run())
    key = f"new_{_segment_id(db_path, doc, 1)}"
    at.text_input(key=f"{key}_text").set_value("General")
    at.text_input(key=f"{key}_fix").set_value("Gen.")
    at.text_input(key=f"{key}_comment").set_value("house style").run()
    at.switch_page("workbench/ui/documents.py").run()
    _review_page(at)
    _go_to(at, 2)
    _go_to(at, 1)
    _assert_clean(at)
    typed = [at.text_input(key=f"{key}_{field}").value for field in ("text", "fix", "comment")]
    assert typed == ["General", "Gen.", "house style"]


def test_filters_show_flagged_and_unapproved_sentences(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    with Store.open(db_path) as db:
        segs = db.segments(doc)
        review_flows.approve(db, segs[0].id, reviewer="bob", expected_version=None)
        review_flows.flag_text(
            db,
            segs[4].id,
            "line",
            side="mt",
            system_id=db.system("imported").id,
            reviewer="bob",
            category="Terminology",
            tags=(),
            correction="hotline",
        )
    at = _review_page(_app().run())
    at.segmented_control(key="filter").set_value("todo").run()
    assert at.number_input(key="s").value == 2  # sentence 1 is approved: the first one to do
    at.segmented_control(key="filter").set_value("open").run()
    _assert_clean(at)
    assert at.number_input(key="s").value == 5
    assert 'title="Terminology, Major → hotline (open, flagged by bob)' in _texts(at.markdown)


# -- glossary ---------------------------------------------------------------------------------------


def test_glossary_add_import_and_table(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    at.switch_page("workbench/ui/glossary.py").run()
    at.text_input(key="glossary_add_wrong").set_value("Scholes")
    at.text_input(key="glossary_add_right").set_value("Scholz")
    at.button(key="glossary_add_go").click().run()
    _assert_clean(at)
    assert "Added “Scholes” → “Scholz”" in _texts(at.success)
    csv = "wrong,right,kind,note\nMilli,Milley,name,US general\n=cmd,Term,term,\n"
    at.file_uploader(key="glossary_file").set_value(("g.csv", csv.encode(), "text/csv")).run()
    at.button(key="glossary_import").click().run()
    _assert_clean(at)
    table = at.data_editor[0].value
    assert sorted(table["wrong"]) == ["=cmd", "Milli", "Scholes"]
    assert {b.label for b in at.download_button} == {"Download CSV", "Download TBX"}


def test_glossary_table_shows_entries_others_added_while_it_has_no_edits(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    at.switch_page("workbench/ui/glossary.py").run()
    with Store.open(db_path) as db:
        glossary_flows.add_to_glossary(db, "Scholes", "Scholz", added_by="bob")
    at.run()
    _assert_clean(at)
    assert list(at.data_editor[0].value["wrong"]) == ["Scholes"]


def test_a_half_typed_glossary_entry_survives_a_page_switch(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    _import_pairs(db_path)
    at = _app().run()
    at.switch_page("workbench/ui/glossary.py").run()
    at.text_input(key="glossary_add_wrong").set_value("Scholes").run()
    at.switch_page("workbench/ui/review.py").run()
    at.switch_page("workbench/ui/glossary.py").run()
    assert at.text_input(key="glossary_add_wrong").value == "Scholes"


# -- detected names (issue 4, part 7) ---------------------------------------------------------------

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


def _import_detect_document(db_path) -> int:
    """Import DETECT_DE with DETECT_MT as its translation; returns the document id."""
    with Store.open(db_path) as db:
        return review.import_aligned(
            db,
            TextFile("d.de", "\n".join(DETECT_DE) + "\n", "utf-8"),
            mt=TextFile("d.en", "\n".join(DETECT_MT) + "\n", "utf-8"),
        ).document_id


def test_detected_names_are_highlighted_and_accepting_fixes_every_variant(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_detect_document(db_path)
    at = _review_page(_app().run())
    _assert_clean(at)
    # The detector's findings are stored as open annotations and pre-highlighted with their suggestion.
    assert 'title="Accuracy/Mistranslation (garbled name), Major → Milley (open, detected)' in _texts(
        at.markdown
    )
    with Store.open(db_path) as db:
        detected = {a.text: a for a in db.annotations(document_id=doc) if a.origin == "detector"}
    assert detected["Milli"].correction == detected["Millie"].correction == "Milley"
    assert detected["Scholes"].correction == "Scholz"

    at.button(key=f"ann_{detected['Milli'].id}_ok").click().run()
    _assert_clean(at)
    assert "Accepted “Milli” → “Milley”: 2 sentence(s) corrected, 2 glossary entries added." in _texts(
        at.success
    )
    with Store.open(db_path) as db:
        segs = db.segments(doc)
        assert db.reference(segs[0].id).text == DETECT_MT[0].replace("Milli", "Milley")
        assert db.reference(segs[2].id).text == "General Milley said the line is tested daily."
        assert db.reference(segs[1].id) is None
        assert {(e.wrong, e.right) for e in db.glossary_entries()} == {
            ("Milli", "Milley"),
            ("Millie", "Milley"),
        }
        assert "Milley" in {k.canonical for k in db.known_names()}
        assert db.annotation(detected["Millie"].id).status == "accepted"

    # The accepted name is in the known names, downloadable from the Export page.
    at.switch_page("workbench/ui/export.py").run()
    _assert_clean(at)
    assert "Download known names CSV" in {b.label for b in at.download_button}
    at = _review_page(at)

    # Dismissing a finding removes its highlight; reopening the page does not raise it again.
    _go_to(at, 2)
    at.button(key=f"ann_{detected['Scholes'].id}_no").click().run()
    _assert_clean(at)
    at = _review_page(_app().run())
    _go_to(at, 2)
    assert "Chancellor Olaf Scholes met President" in _texts(at.markdown)
    assert "Olaf <mark" not in _texts(at.markdown).split("Chancellor")[1]  # no mark on the MT any more
    with Store.open(db_path) as db:
        assert [a.status for a in db.annotations(document_id=doc) if a.text == "Scholes"] == ["dismissed"]


# -- the escaped renderer ----------------------------------------------------------------------------


def test_highlight_escapes_text_and_reason_and_marks_the_span():
    from workbench.ui.render import Mark, highlight

    text = 'General <b>Milli</b> & "Millie"'
    start = text.index("Milli")
    out = highlight(text, [Mark(start, start + 5, 'near-miss of "Milley" <script>')])
    assert out == (
        'General &lt;b&gt;<mark class="wb-flag" title="near-miss of &quot;Milley&quot; &lt;script&gt;">'
        "Milli</mark>&lt;/b&gt; &amp; &quot;Millie&quot;"
    )


def test_highlight_keeps_the_first_of_overlapping_marks_and_ignores_spans_outside_the_text():
    from workbench.ui.render import Mark, highlight

    out = highlight("Olaf Scholes", [Mark(5, 12, "a"), Mark(0, 12, "b"), Mark(20, 30, "c")])
    assert out == '<mark class="wb-flag" title="b">Olaf Scholes</mark>'


def test_locate_follows_a_flagged_text_that_moved():
    from workbench.ui.render import locate

    assert locate("Milli spoke", 0, 5, "Milli") == (0, 5)
    assert locate("General Milli spoke", 0, 5, "Milli") == (8, 13)
    assert locate("General Milley spoke", 8, 13, "Milli ") is None


def test_markdown_escape_shows_user_text_as_typed():
    from workbench.ui.render import md

    assert md("[x](javascript:alert(1)) :red[y] *z*") == (r"\[x\]\(javascript\:alert\(1\)\) \:red\[y\] \*z\*")


def test_a_model_that_appears_later_is_picked_up_by_try_again(tiny_model, db_path, monkeypatch, tmp_path):
    import shutil

    later = tmp_path / "model-later"
    monkeypatch.setenv("WORKBENCH_MODEL", str(later))
    doc = _import_pairs(db_path, mt=False)
    at = _review_page(_app().run())
    assert "No translation model" in _texts(at.warning)
    shutil.copytree(tiny_model, later)
    at.button(key="review_model_retry").click().run()
    _assert_clean(at)
    assert not at.warning
    at.button(key="translate_doc").click().run()
    _assert_clean(at)
    assert f"Translated {len(PAIRS)} sentences." in _texts(at.success)
    with Store.open(db_path) as db:
        assert [t.text for t in db.translations(doc).values()] == [en for _, en in PAIRS]


def test_accepting_a_flag_someone_changed_meanwhile_is_refused(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_detect_document(db_path)
    at = _review_page(_app().run())
    with Store.open(db_path) as db:
        milli = next(a for a in db.annotations(document_id=doc) if a.text == "Milli")
        review_flows.set_status(db, milli.id, "dismissed", reviewer="alice", expected_version=milli.version)
    at.button(key=f"ann_{milli.id}_ok").click().run()
    _assert_clean(at)
    assert "changed by alice" in _texts(at.error)
    with Store.open(db_path) as db:
        assert db.annotation(milli.id).status == "dismissed"
        assert db.glossary_entries() == []


# -- MQM annotation, search, history -----------------------------------------------------------------


def test_an_mqm_error_on_the_whole_sentence_is_recorded_scored_and_in_the_history(
    db_path, monkeypatch, tmp_path
):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    at = _review_page(_app().run())
    seg = _segment_id(db_path, doc, 1)
    key = f"new_{seg}"
    at.button(key=f"flag_go_{seg}").click().run()  # nothing selected, typed or ticked
    assert "select the words in the source or the MT" in _texts(at.error)
    at.selectbox(key=f"{key}_category").set_value("Fluency/Grammar")
    at.selectbox(key=f"{key}_severity").set_value("Minor")
    at.checkbox(key=f"{key}_name").uncheck()
    at.checkbox(key=f"{key}_whole").check()
    at.text_input(key=f"{key}_comment").set_value("wrong tense")
    at.button(key=f"flag_go_{seg}").click().run()
    _assert_clean(at)
    assert "Flagged “the sentence” (Fluency/Grammar, Minor)." in _texts(at.success)
    assert "MQM 1" in _texts(at.markdown)
    with Store.open(db_path) as db:
        [note] = db.annotations(segment_id=seg)
    assert (note.category, note.severity, note.comment, note.mt, note.src, note.tags) == (
        "Fluency/Grammar",
        "Minor",
        "wrong tense",
        None,
        None,
        (),
    )
    assert at.text_input(key=f"{key}_comment").value == ""  # the form is empty for the next one
    history = _texts(at.markdown)  # markdown source: user text is escaped there
    summary = render.md("Fluency/Grammar (Minor) on “the sentence” in sentence 1")
    entry = f"**{render.md(config.reviewer())}** · {summary}"
    assert entry in history


def test_search_finds_sentences_in_source_mt_and_post_edit(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    gerasimov = next(i for i, (_, en) in enumerate(PAIRS) if "Gerasimov" in en) + 1
    at = _review_page(_app().run())
    at.text_input(key="q").set_value("gerasimov").run()
    _assert_clean(at)
    assert at.number_input(key="s").value == gerasimov
    assert "1 of 1 in this view" in _texts(at.markdown)
    at.text_input(key="q").set_value("no such words").run()
    assert "no sentence in this view" in _texts(at.success)
    del doc


def test_every_systems_mt_of_a_sentence_is_shown_side_by_side(db_path, monkeypatch, tmp_path):
    _no_model(monkeypatch, tmp_path)
    doc = _import_pairs(db_path)
    with Store.open(db_path) as db:
        other = db.add_system("system B")
        first = db.segments(doc)[0]
        db.save_translations(other.id, [NewTranslation(first.id, "The minister talked to the general.")])
    at = _review_page(_app().run())
    _assert_clean(at)
    assert at.selectbox(key="system").value == "system B"  # the newest system is shown first
    assert "All 2 systems' MT of this sentence" in [e.label for e in at.expander]
    table = _texts(at.markdown)
    assert "The minister talked to the general." in table and PAIRS[0][1] in table
