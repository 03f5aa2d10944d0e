"""The review workbench app: `workbench app` or `streamlit run streamlit_app.py`.

A frame around the pages in workbench/ui/: page set-up, who is reviewing (under
`workbench app --auth oidc` nothing but the login page until they log in), and on the very first
open of an empty database the bundled seed article, ready to review.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import access, common, render

UI = Path(__file__).resolve().parent / "workbench" / "ui"


def _first_open() -> None:
    """Import (and, with a model, translate) the seed article into an empty database, once."""
    if st.session_state.get("_wb_seed_checked"):
        return
    try:
        db = common.store()
    except WorkbenchError:
        return  # the page says what is wrong with the database, under its title; checked again next run
    st.session_state["_wb_seed_checked"] = True
    seeded = common.import_seed_if_empty(db)
    if seeded is None:
        return
    state = common.model_state()
    if state.backend is None:
        common.notify(
            f"Opened the bundled seed article “{render.md(seeded.title)}”; it needs a model to translate."
        )
        return
    _translate_seed(seeded)


# A dialog, not the page: this runs before the page, so a progress bar in the page would sit
# above its title.
@st.dialog("Opening the seed article")
def _translate_seed(seeded: common.SeedResult) -> None:
    try:
        common.translate_with_progress(common.store(), seeded.document_id, "Translating the seed article")
    except WorkbenchError as err:
        st.error(render.md(str(err)))
        return
    common.notify(
        f"Opened and translated the bundled seed article “{render.md(seeded.title)}”: ready to review."
    )
    st.rerun()  # closes the dialog and shows the page with the translation


def main() -> None:
    st.set_page_config(page_title="MT review workbench", page_icon=":material/translate:", layout="wide")
    with common.page_errors():
        who = access.gate()
    if who is None:
        return  # the login page was the whole app
    pages = [
        st.Page(
            UI / "review.py", title="Review", icon=":material/rate_review:", url_path="review", default=True
        ),
        st.Page(UI / "documents.py", title="Documents", icon=":material/description:", url_path="documents"),
        st.Page(UI / "glossary.py", title="Glossary", icon=":material/menu_book:", url_path="glossary"),
        st.Page(UI / "scores.py", title="Scores", icon=":material/bar_chart:", url_path="scores"),
        st.Page(UI / "export.py", title="Export", icon=":material/download:", url_path="export"),
    ]
    page = st.navigation(pages, position="sidebar")
    st.markdown(render.CSS, unsafe_allow_html=True)
    access.sidebar(who)
    with common.page_errors():
        _first_open()
        page.run()


main()
