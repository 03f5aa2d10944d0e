"""Glossary page: the known-wrong -> correct forms applied to every translation.

A lead edits in the table (add rows at the bottom, delete with the row checkbox) and saves,
or imports a CSV or TBX file; a reviewer sees the table read-only. Everyone may download the
glossary as CSV or TBX.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench import glossary_io
from workbench.errors import ConflictError, GlossaryError, WorkbenchError
from workbench.glossary import KINDS, GlossaryEntry
from workbench.store import Store
from workbench.textio import decode
from workbench.ui import common, render
from workbench.workflows import glossary as glossary_flow

_TABLE_KEY = "glossary_table"
_VERSION_KEY = "_wb_glossary_table_version"
_BASE_KEY = "_wb_glossary_table_base"
_COLUMNS = ("wrong", "right", "kind", "note")


def _rows(entries: list[GlossaryEntry]) -> list[dict[str, str]]:
    return [{"wrong": e.wrong, "right": e.right, "kind": e.kind, "note": e.note} for e in entries]


def _table(rows: list[dict[str, str]]) -> Any:
    """The rows as the editor's table. A DataFrame with its text columns even when there are
    no rows: from an empty list the editor knows no columns, so no first row could be added."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype="object") for c in _COLUMNS})


def _edited_rows(table: Any) -> list[dict[str, str]]:
    """The editor's table back as rows of text; a cell left empty in a new row is ""."""
    import pandas as pd

    return [
        {c: "" if pd.isna(value) else str(value) for c, value in row.items()}
        for row in table.to_dict("records")
    ]


def _entries(rows: list[dict[str, object]], old: list[GlossaryEntry]) -> list[GlossaryEntry]:
    """Table rows back to entries; blank rows are skipped, provenance of kept rows is kept."""
    before = {e.wrong.casefold(): e for e in old}
    out = []
    for number, row in enumerate(rows, start=1):
        wrong = str(row.get("wrong") or "").strip()
        right = str(row.get("right") or "").strip()
        if not wrong and not right:
            continue
        if not wrong or not right:
            raise GlossaryError(
                f"row {number}: every entry needs a wrong and a right form; fill in both or delete the row."
            )
        previous = before.get(wrong.casefold())
        out.append(
            GlossaryEntry(
                wrong,
                right,
                str(row.get("kind") or "name"),
                str(row.get("note") or ""),
                previous.added_by if previous else common.reviewer(),
                previous.document_id if previous else None,
            )
        )
    return out


def _editor(db: Store) -> None:
    # A new key after each save or import makes the table start from the database again. Until
    # then it shows the entries as loaded (the editor's edits refer to those rows), and a save
    # writes only the reviewer's changes from them.
    version = st.session_state.setdefault(_VERSION_KEY, 0)
    table_key, base_key = f"{_TABLE_KEY}_{version}", f"{_BASE_KEY}_{version}"
    pending = st.session_state.get(table_key) or {}
    if base_key not in st.session_state or not any(
        pending.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")
    ):
        st.session_state[base_key] = db.glossary_entries()  # no edits yet: show the newest
    base = st.session_state[base_key]
    edited = _edited_rows(
        st.data_editor(
            _table(_rows(base)),
            key=table_key,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "wrong": st.column_config.TextColumn(
                    "Wrong form", required=True, help="As MT writes it: Scholes"
                ),
                "right": st.column_config.TextColumn("Correct form", required=True, help="Scholz"),
                "kind": st.column_config.SelectboxColumn(
                    "Kind", options=list(KINDS), default="name", required=True
                ),
                "note": st.column_config.TextColumn("Note"),
            },
        )
    )
    changed = edited != _rows(base)
    if st.button("Save glossary", type="primary", disabled=not changed, key="glossary_save"):
        try:
            result = glossary_flow.save_glossary_table(
                db, base, _entries(edited, base), reviewer=common.reviewer(), role=common.role()
            )
        except ConflictError as err:
            st.error(render.md(str(err)))
            st.button("Discard my table edits and reload", key="glossary_reload", on_click=_reload)
            return
        removed = len(base) - result.updated - result.unchanged
        _reload()
        common.notify(f"Glossary saved: {result.added} added, {result.updated} changed, {removed} removed.")
        st.rerun()
    if changed:
        st.caption("Unsaved changes in the table.")


def _reload() -> None:
    """Start the table again from the database (a new editor key drops its edits)."""
    version = st.session_state.get(_VERSION_KEY, 0)
    st.session_state.pop(f"{_BASE_KEY}_{version}", None)
    st.session_state[_VERSION_KEY] = version + 1


_ADD_FIELDS = ("glossary_add_wrong", "glossary_add_right", "glossary_add_note")
_ERROR_KEY = "_wb_glossary_error"


def _add_entry() -> None:
    state = st.session_state
    try:
        entry = glossary_flow.add_to_glossary(
            common.store(),
            state.get("glossary_add_wrong", ""),
            state.get("glossary_add_right", ""),
            kind=state.get("glossary_add_kind", "name"),
            note=state.get("glossary_add_note", "").strip(),
            added_by=common.reviewer(),
            role=common.role(),
        )
    except WorkbenchError as err:
        state[_ERROR_KEY] = render.md(str(err))
        return
    for key in _ADD_FIELDS:
        state[key] = ""
    _reload()
    common.notify(f"Added “{render.md(entry.wrong)}” → “{render.md(entry.right)}” to the glossary.")


def _add_one() -> None:
    cols = st.columns([2, 2, 1, 3, 1], vertical_alignment="bottom")
    cols[0].text_input("Wrong form", placeholder="Scholes", key="glossary_add_wrong", persist_state="session")
    cols[1].text_input(
        "Correct form", placeholder="Scholz", key="glossary_add_right", persist_state="session"
    )
    cols[2].selectbox("Kind", KINDS, key="glossary_add_kind", persist_state="session")
    cols[3].text_input("Note", key="glossary_add_note", persist_state="session")
    cols[4].button("Add", key="glossary_add_go", on_click=_add_entry)
    if error := st.session_state.pop(_ERROR_KEY, None):
        st.error(error)


def _import(db: Store) -> None:
    uploaded = st.file_uploader("Import a glossary (.csv or .tbx)", type=["csv", "tbx"], key="glossary_file")
    if uploaded is None:
        return
    if st.button(f"Import {uploaded.name}", key="glossary_import"):
        file = decode(uploaded.getvalue(), uploaded.name, keep_controls=True)
        entries = glossary_io.parse_glossary(file.text, uploaded.name)
        result = glossary_flow.import_glossary(db, entries, added_by=common.reviewer(), role=common.role())
        _reload()
        # The notice outlives the rerun that follows; a warning shown now would not.
        warnings = "".join(f" Note: {render.md(w)}" for w in file.warnings)
        common.notify(
            f"Imported {render.md(uploaded.name)}: {result.added} added, {result.updated} changed, "
            f"{result.unchanged} already there.{warnings}"
        )
        st.rerun()


def render_page() -> None:
    st.title("Glossary")
    common.show_notice()
    st.caption(
        "Known-wrong forms and their corrections. They are applied to every new translation "
        "(whole words, any case, possessives kept) and feed the name checks."
    )
    db = common.store()
    lead = common.is_lead()
    if lead:
        with common.user_errors():
            _editor(db)
        st.subheader("Add an entry")
        _add_one()
        st.subheader("Import and export")
        with common.user_errors():
            _import(db)
    else:
        st.info("Only leads change the glossary; you are a reviewer, so it is read-only here.")
        view = _table(_rows(db.glossary_entries()))
        st.dataframe(view, hide_index=True, width="stretch", key="glossary_view")
        st.subheader("Export")
    entries = db.glossary_entries()
    cols = st.columns(2)
    cols[0].download_button(
        "Download CSV",
        glossary_io.to_csv_bytes(entries),
        "glossary.csv",
        "text/csv",
        key="glossary_csv",
        disabled=not entries,
        on_click="ignore",
    )
    cols[1].download_button(
        "Download TBX",
        glossary_io.to_tbx_bytes(entries),
        "glossary.tbx",
        "application/x-tbx+xml",
        key="glossary_tbx",
        disabled=not entries,
        on_click="ignore",
    )


if __name__ == "__main__":
    render_page()
