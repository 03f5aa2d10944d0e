"""Export page: approved references (TMX, JSONL, TXT), the glossary (CSV, TBX) and the names
reviewers accepted (CSV in the knowledge base's format) as downloads."""

from __future__ import annotations

import streamlit as st

from workbench import glossary_io
from workbench.store import Store
from workbench.ui import common
from workbench.workflows import documents, glossary

_ALL = 0  # selectbox value for "every document"
REFERENCE_FORMATS = {
    "tmx": ("TMX 1.4 (CAT tools, MT training)", "application/x-tmx+xml"),
    "jsonl": ("JSONL (one JSON object per sentence)", "application/jsonl"),
    "txt": ("TXT (English only, one sentence per line)", "text/plain"),
}


def _references(db: Store) -> None:
    st.subheader("Approved references")
    docs = [d for d in db.documents() if d.n_approved]
    if not docs:
        st.info("No approved references yet. Approve post-edits on the Review page first.")
        return
    titles = {_ALL: "All documents", **{d.id: f"{d.title} ({d.n_approved} approved)" for d in docs}}
    picked = st.selectbox("Documents", list(titles), format_func=titles.get, key="export_doc")
    document_id = None if picked == _ALL else picked
    units = documents.export_units(db, document_id)
    st.caption(f"{len(units)} approved sentence pairs (German de-DE, English en-US).")
    stem = "references" if document_id is None else f"references-doc{document_id}"
    cols = st.columns(len(REFERENCE_FORMATS))
    for col, (fmt, (label, mime)) in zip(cols, REFERENCE_FORMATS.items(), strict=True):
        col.download_button(
            f"Download {fmt.upper()}",
            documents.export_bytes(db, fmt, document_id),
            f"{stem}.{fmt}",
            mime,
            help=label,
            key=f"export_{fmt}",
            width="stretch",
            on_click="ignore",
        )
    with st.expander("Preview (JSONL, first 5 lines)"):
        preview = documents.export_bytes(db, "jsonl", document_id).decode("utf-8").splitlines()[:5]
        st.code("\n".join(preview), language="json")


def _glossary(db: Store) -> None:
    st.subheader("Glossary")
    entries = db.glossary_entries()
    if not entries:
        st.info("The glossary is empty.")
        return
    st.caption(f"{len(entries)} entries. The CSV neutralises cells a spreadsheet would run as a formula.")
    cols = st.columns(2)
    cols[0].download_button(
        "Download glossary CSV",
        glossary_io.to_csv_bytes(entries),
        "glossary.csv",
        "text/csv",
        key="export_glossary_csv",
        width="stretch",
        on_click="ignore",
    )
    cols[1].download_button(
        "Download glossary TBX",
        glossary_io.to_tbx_bytes(entries),
        "glossary.tbx",
        "application/x-tbx+xml",
        key="export_glossary_tbx",
        width="stretch",
        on_click="ignore",
    )


def _known_names(db: Store) -> None:
    st.subheader("Known names")
    known = db.known_names()
    if not known:
        st.info("No accepted names yet. Accepting a garbled-name correction on the Review page adds one.")
        return
    st.caption(
        f"{len(known)} names reviewers accepted, with the misspellings seen. The CSV has the format of "
        "corpus/names.csv, so its rows can extend the names knowledge base."
    )
    st.download_button(
        "Download known names CSV",
        glossary.known_names_csv(known),
        "known-names.csv",
        "text/csv",
        key="export_names_csv",
        on_click="ignore",
    )


def render_page() -> None:
    st.title("Export")
    db = common.store()
    with common.user_errors():
        _references(db)
        _glossary(db)
        _known_names(db)


if __name__ == "__main__":
    render_page()
