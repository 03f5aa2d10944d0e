"""Documents page: add a German article (paste, upload or the bundled seed; leads only),
translate it, and see every document's progress (translated / flagged / approved)."""

from __future__ import annotations

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.textio import MAX_BYTES, decode
from workbench.ui import common, render, state
from workbench.workflows import documents

REVIEW_PAGE = "workbench/ui/review.py"
# Decoding warnings of the last upload, shown after the rerun that follows the import.
_WARNINGS_KEY = "_wb_upload_warnings"
_ERROR_KEY = "_wb_import_error"
# A document imported by a button's callback, to translate in the page run that follows.
_PENDING_KEY = "_wb_pending_import"
_LAST_KEY = "_wb_last_imported"


def _open_in_review(document_id: int) -> None:
    state.open_document(document_id)
    st.switch_page(REVIEW_PAGE)


def _imported(result: documents.ImportResult) -> None:
    st.session_state[_PENDING_KEY] = (result.document_id, result.title, result.n_segments)
    st.session_state[_LAST_KEY] = result.document_id
    state.open_document(result.document_id)


def _import_pasted() -> None:
    """The paste form's submit: import, then empty the form at once, so pressing the button
    again cannot import the same article twice."""
    text, title = st.session_state.get("paste_text", ""), st.session_state.get("paste_title", "")
    try:
        result = documents.import_article(
            common.store(), text, title=title or "", created_by=common.reviewer(), role=common.role()
        )
    except WorkbenchError as err:
        st.session_state[_ERROR_KEY] = render.md(str(err))
        return
    st.session_state["paste_text"] = ""
    st.session_state["paste_title"] = ""
    _imported(result)


def _after_import(db: Store, document_id: int, title: str, n_segments: int) -> None:
    """Translate a new document when a model is there, then say what happened."""
    state = common.model_state()
    if state.backend is None:
        common.notify(
            f"Imported “{render.md(title)}” ({n_segments} sentences). No model to translate it: see above."
        )
        return
    result = common.translate_with_progress(db, document_id)
    common.ensure_detected(db, document_id, db.system(result.system).id, force=True)
    common.notify(f"Imported and translated “{render.md(title)}” ({n_segments} sentences).")


def _paste() -> None:
    with st.form("paste", border=False, enter_to_submit=False):
        st.text_input("Title (optional)", key="paste_title")
        st.text_area(
            "German article",
            key="paste_text",
            height=220,
            placeholder="Paste the article here: one paragraph per line; sentences are split for you.",
        )
        st.form_submit_button("Import pasted text", type="primary", key="paste_go", on_click=_import_pasted)


def _upload(db: Store) -> None:
    uploaded = st.file_uploader(
        f"German article (.txt or .md, at most {MAX_BYTES // (1024 * 1024)} MB)",
        type=["txt", "md"],
        max_upload_size=MAX_BYTES // (1024 * 1024),
        key="upload_file",
    )
    if uploaded is None:
        return
    if st.button(f"Import {uploaded.name}", type="primary", key="upload_go"):
        file = decode(uploaded.getvalue(), uploaded.name)
        result = documents.import_article(
            db, file.text, source_name=uploaded.name, created_by=common.reviewer(), role=common.role()
        )
        st.session_state[_WARNINGS_KEY] = [render.md(warning) for warning in file.warnings]
        _imported(result)
        st.rerun()


def _seed(db: Store) -> None:
    path = common.seed_path()
    if path is None:
        st.caption("No seed article in this installation.")
        return
    st.caption(
        f"A German news article with garbled names, bundled as {path.name}: good for trying the workbench."
    )
    if st.button("Open the seed article", key="seed_go"):
        seeded = common.import_seed(db)
        st.session_state[_PENDING_KEY] = (
            seeded.document_id,
            seeded.title,
            len(db.segments(seeded.document_id)),
        )
        st.session_state[_LAST_KEY] = seeded.document_id
        st.rerun()


def _document_list(db: Store) -> None:
    docs = db.documents()
    st.subheader("Documents")
    if not docs:
        st.info("No documents yet: add one above.")
        return
    st.dataframe(
        [
            {
                "Title": d.title,
                "File": d.source_name or "(pasted)",
                "Sentences": d.n_segments,
                "Translated": d.n_translated,
                "Flagged": d.n_flagged,
                "Open issues": d.n_open,
                "Approved": d.n_approved,
                "Progress": d.n_approved / d.n_segments if d.n_segments else 0.0,
                "Added": d.created[:16].replace("T", " "),
            }
            for d in docs
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Progress": st.column_config.ProgressColumn(
                "Approved share", min_value=0.0, max_value=1.0, format="percent"
            ),
        },
    )
    by_id = {d.id: d for d in docs}
    ids = list(by_id)
    if st.session_state.get("docs_pick") not in ids:
        last = st.session_state.get(_LAST_KEY)
        st.session_state["docs_pick"] = last if last in ids else ids[0]
    cols = st.columns([4, 1.3, 1.3, 1], vertical_alignment="bottom")
    picked = cols[0].selectbox("Document", ids, key="docs_pick", format_func=lambda i: by_id[i].title)
    if cols[1].button("Open in Review", type="primary", key="docs_review", width="stretch"):
        _open_in_review(picked)
    state = common.model_state()
    if cols[2].button(
        "Translate",
        key="docs_translate",
        disabled=state.backend is None,
        width="stretch",
        help="Translate (again) with the configured model; cached sentences are instant.",
    ):
        result = common.translate_with_progress(db, picked)
        common.ensure_detected(db, picked, db.system(result.system).id, force=True)
        common.notify(f"Translated {result.n_segments} sentences of “{render.md(by_id[picked].title)}”.")
        st.rerun()
    if not common.is_lead():  # deleting is for leads
        return
    with cols[3].popover("Delete", width="stretch"):
        st.markdown(f"Delete “{render.md(by_id[picked].title)}” with its translations, flags and references?")
        if st.button("Yes, delete", key="docs_delete"):
            documents.delete_document(db, picked, actor=common.reviewer(), role=common.role())
            common.notify(f"Deleted “{render.md(by_id[picked].title)}”.")
            st.rerun()


def render_page() -> None:
    st.title("Documents")
    db = common.store()
    state = common.model_state()
    if pending := st.session_state.pop(_PENDING_KEY, None):
        # Translate what a button just imported; the page is drawn in full after that.
        with common.user_errors():
            _after_import(db, *pending)
            st.rerun()
    common.show_notice()
    if error := st.session_state.pop(_ERROR_KEY, None):
        st.error(error)
    for warning in st.session_state.pop(_WARNINGS_KEY, []):
        st.warning(warning)
    if state.backend is None:
        common.model_help(state, "documents")
    else:
        st.caption(f"Model: {state.name}")

    if common.is_lead():
        st.subheader("Add a German article")
        paste, upload, seed = st.tabs(["Paste", "Upload a file", "Seed article"])
        with common.user_errors():
            with paste:
                _paste()
            with upload:
                _upload(db)
            with seed:
                _seed(db)
    else:
        st.caption("Leads add and delete documents; as a reviewer you review them.")
    with common.user_errors():
        _document_list(db)


if __name__ == "__main__":
    render_page()
