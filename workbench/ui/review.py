"""Review page: German source and MT side by side, one sentence at a time, with its post-edit,
its MQM annotations, what changed, and the document's history.

Every action acts on the sentence on screen (its identity is bound when the page is drawn,
never looked up again from a label or a position), then leaves the reviewer where they
expect: on the same sentence, or on the next one for "& next". The post-edit box owns the
keyboard (see components.post_editor), so a shortcut always carries exactly the typed text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.store import Document, ReviewRow, Store
from workbench.ui import annotations, common, components, render, state
from workbench.ui.state import Location
from workbench.when import local
from workbench.workflows import review
from workbench.workflows.documents import status_of

STATUS_LABELS = {
    "untouched": "not reviewed",
    "draft": "draft",
    "approved": "approved",
    "changed-since-approval": "changed since approval",
}


# -- which sentences are in view ---------------------------------------------------------------


def matches(row: ReviewRow, location: Location) -> bool:
    if location.hide_boilerplate and row.segment.boilerplate:
        return False
    if location.search:
        needle = location.search.casefold()
        texts = [row.segment.source, row.translation.text if row.translation else "", _english(row)]
        if not any(needle in text.casefold() for text in texts):
            return False
    ref = row.reference.status if row.reference else None
    if location.filter == "open":
        return any(a.status == "open" and a.category != "No-error" for a in row.annotations)
    if location.filter == "todo":
        return ref != "approved"
    if location.filter == "changed":
        return ref == "changed"
    return True


def _english(row: ReviewRow) -> str:
    if row.reference is not None:
        return row.reference.text
    return row.translation.text if row.translation is not None else ""


# -- saving what the editor holds --------------------------------------------------------------


def _editor_key(row: ReviewRow) -> str:
    return f"editor_{row.segment.id}"


def _fail(err: WorkbenchError, row: ReviewRow | None = None, mine: str | None = None) -> None:
    if isinstance(err, NotFoundError) and row is not None and _gone(row, mine):
        return
    if isinstance(err, ConflictError) and row is not None and mine is not None:
        st.session_state.setdefault(state.CONFLICT, {})[row.segment.id] = (
            err.who,
            err.when,
            err.theirs,
            mine,
        )
        return
    st.session_state[state.ERROR] = render.md(str(err))


def _gone(row: ReviewRow, mine: str | None) -> bool:
    kept = f"What you typed there was not saved anywhere; copy it if you need it: “{mine}”" if mine else ""
    return state.gone(common.store(), row, kept)


def _commit(db: Store, row: ReviewRow, typed: components.Typed | None) -> bool:
    """Save the editor's text as a draft if the reviewer changed it; False on a refusal."""
    if typed is None or typed.text.strip() == _english(row).strip():
        return True
    try:
        review.save_post_edit(
            db, row.segment.id, typed.text, reviewer=common.reviewer(), expected_version=typed.version
        )
    except WorkbenchError as err:
        _fail(err, row, typed.text)
        return False
    return True


def _approve(
    db: Store, row: ReviewRow, typed: components.Typed | None, location: Location, following: int | None
) -> None:
    text = typed.text if typed is not None else _english(row)
    try:
        review.approve(
            db,
            row.segment.id,
            reviewer=common.reviewer(),
            expected_version=typed.version
            if typed is not None
            else (row.reference.version if row.reference else None),
            text=text,
            system_id=location.system.id if location.system else None,
        )
    except WorkbenchError as err:
        _fail(err, row, text)
        return
    if following is not None:
        state.step(location, following)
        st.session_state[state.FOCUS] = True
    common.notify(f"Approved sentence {row.segment.position + 1}." + (" Next sentence." if following else ""))


def _act(
    row: ReviewRow,
    location: Location,
    previous: int | None,
    following: int | None,
    kind: str,
    typed: components.Typed | None,
) -> None:
    """One action on the sentence on screen; ``typed`` is what its editor holds."""
    db = common.store()
    if kind == "save":
        if _commit(db, row, typed):
            common.notify(f"Saved a draft of sentence {row.segment.position + 1}.")
    elif kind == "approve":
        _approve(db, row, typed, location, following)
    elif kind in ("next", "prev"):
        target = following if kind == "next" else previous
        if not _commit(db, row, typed):
            return
        if target is not None:
            state.step(location, target)
            st.session_state[state.FOCUS] = True
            return
        # Nothing to move to: say so, or the reviewer presses again, wondering.
        edge = "last" if kind == "next" else "first"
        number = row.segment.position + 1
        saved = typed is not None and typed.text.strip() != _english(row).strip()
        common.notify(
            (f"Saved a draft of sentence {number}; it is" if saved else f"Sentence {number} is")
            + f" the {edge} sentence in this view."
        )


def _on_key() -> None:
    """A shortcut: act on the sentence that was on screen when it was pressed."""
    screen = st.session_state.get(state.ON_SCREEN)
    action = components.key_action(state.KEYS)
    if screen is None or action is None or st.session_state.get(state.LAST_KEY) == action.nonce:
        return
    st.session_state[state.LAST_KEY] = action.nonce
    row, location, previous, following = screen
    if action.typed is not None and action.typed.segment not in (None, row.segment.id):
        # The editor the key was pressed in belongs to another sentence than the one the page
        # now shows (it moved on meanwhile): its text must not land on this sentence.
        st.session_state[state.ERROR] = (
            f"That shortcut came from another sentence's editor, so nothing was done to sentence "
            f"{row.segment.position + 1}; what you typed there is kept. Press it again."
        )
        return
    typed = action.typed if action.typed is not None else components.editor_text(_editor_key(row))
    _act(row, location, previous, following, action.kind, typed)


def _on_button(
    row: ReviewRow, location: Location, previous: int | None, following: int | None, kind: str
) -> None:
    # A click blurs the editor first, which hands over its text.
    _act(row, location, previous, following, kind, components.editor_text(_editor_key(row)))


def _leave(row: ReviewRow | None, changed: str) -> None:
    """Go elsewhere (another document, system, filter, search or sentence), keeping what the
    reviewer typed as a draft first; a refused draft (a conflict) stays here to be resolved."""
    db = common.store()
    if row is not None and not _commit(db, row, components.editor_text(_editor_key(row))):
        return
    location = state.current(db)
    value = st.session_state.get(changed)
    if location is None or value is None:
        return
    if changed == state.DOC:
        if value not in {d.id for d in db.documents()}:
            return  # a document deleted meanwhile: stay (state.current says where that is)
        document = db.document(value)
        number = st.session_state.get(state.POSITIONS, {}).get(document.id, 1)
        state.go(replace(location, document=document, number=number, system=None))
    elif changed == state.SYSTEM:
        state.move(location, system=db.system(str(value)))
    elif changed == state.SENTENCE and not state.stale(location.document.id, int(value)):
        state.move(location, number=int(value))
        st.session_state[state.ASKED] = int(value)
    elif changed == state.FILTER:
        state.move(location, filter=str(value))
    elif changed == state.SEARCH:
        state.move(location, search=str(value).strip())
    elif changed == state.HIDE_BOILERPLATE:
        state.move(location, hide_boilerplate=bool(value))


def _resolve(row: ReviewRow, keep_mine: bool) -> None:
    """After a conflict: save my text over theirs (having seen it), or take theirs."""
    who, when, theirs, mine = st.session_state.get(state.CONFLICT, {}).pop(row.segment.id)
    db = common.store()
    if keep_mine:
        current = db.reference(row.segment.id)
        try:
            review.save_post_edit(
                db,
                row.segment.id,
                mine,
                reviewer=common.reviewer(),
                expected_version=current.version if current else None,
            )
        except WorkbenchError as err:
            _fail(err, row, mine)
            return
        common.notify(f"Saved your text over {who or 'the other'}'s version.")
    else:
        replaced = st.session_state.setdefault(state.REPLACE, {})
        nonce = replaced.get(row.segment.id, (None, 0))[1] + 1
        replaced[row.segment.id] = (theirs or "", nonce)
        common.notify(f"Took {who or 'the other reviewer'}'s version.")


def _undo(document_id: int) -> None:
    try:
        entry = review.undo_last(
            common.store(), common.reviewer(), document_id=document_id, role=common.role()
        )
    except WorkbenchError as err:
        _fail(err)
        return
    common.notify(f"Undid: {render.md(entry.summary or entry.action)}.")


def _undo_entry(entry_id: int) -> None:
    try:
        entry = review.undo(common.store(), entry_id, actor=common.reviewer(), role=common.role())
    except WorkbenchError as err:
        _fail(err)
        return
    common.notify(f"Undid: {render.md(entry.summary or entry.action)}.")


# -- drawing ------------------------------------------------------------------------------------


def _header(db: Store, location: Location, current_row: ReviewRow | None) -> None:
    by_id = {d.id: d for d in db.documents()}
    st.session_state[state.DOC] = location.document.id
    cols = st.columns([4, 2], vertical_alignment="bottom")
    cols[0].selectbox(
        "Document",
        list(by_id),
        key=state.DOC,
        format_func=lambda i: _document_label(by_id[i]),
        on_change=_leave,
        args=(current_row, state.DOC),
    )
    systems = db.systems(location.document.id)
    if systems:
        st.session_state[state.SYSTEM] = location.system.name if location.system else systems[0].name
        cols[1].selectbox(
            "System",
            [s.name for s in systems],
            key=state.SYSTEM,
            help="Whose machine translation to review; each system's annotations are its own.",
            on_change=_leave,
            args=(current_row, state.SYSTEM),
        )


def _view_name(location: Location) -> str:
    parts = [state.FILTERS[location.filter]] if location.filter != "all" else []
    if location.search:
        parts.append(f"search “{render.md(location.search)}”")
    if location.hide_boilerplate:
        parts.append("boilerplate hidden")
    return ", ".join(parts)


def _document_label(doc: Document) -> str:
    """How the selector names a document: its title and its id (as the URL's ?doc= says), which
    tells apart an article imported twice. Nothing in it may change while the page is open:
    Streamlit sends the choice back as this label, so a label that changed meanwhile (another
    reviewer's approval, when it held the approved count) no longer names any document."""
    return f"{doc.title} (#{doc.id})"


def _filters(location: Location, rows: Sequence[ReviewRow], current_row: ReviewRow | None) -> None:
    counts = {
        name: sum(1 for r in rows if matches(r, Location(location.document, 1, location.system, name)))
        for name in state.FILTERS
    }
    st.session_state[state.FILTER] = location.filter
    st.session_state[state.SEARCH] = location.search
    st.session_state[state.HIDE_BOILERPLATE] = location.hide_boilerplate
    st.session_state[state.SENTENCE] = location.number
    cols = st.columns([5, 3, 2, 2], vertical_alignment="bottom")
    cols[0].segmented_control(
        "Show",
        list(state.FILTERS),
        format_func=lambda f: f"{state.FILTERS[f]} ({counts[f]})",
        key=state.FILTER,
        required=True,
        on_change=_leave,
        args=(current_row, state.FILTER),
    )
    cols[1].text_input(
        "Search source, MT and post-edit",
        key=state.SEARCH,
        placeholder="e.g. Scholz",
        on_change=_leave,
        args=(current_row, state.SEARCH),
    )
    cols[2].toggle(
        "Hide boilerplate",
        key=state.HIDE_BOILERPLATE,
        on_change=_leave,
        args=(current_row, state.HIDE_BOILERPLATE),
    )
    cols[3].number_input(
        "Go to sentence",
        min_value=1,
        max_value=max(len(rows), 1),
        step=1,
        key=state.SENTENCE,
        on_change=_leave,
        args=(current_row, state.SENTENCE),
    )


def _conflict(row: ReviewRow) -> None:
    found = st.session_state.get(state.CONFLICT, {}).get(row.segment.id)
    if found is None:
        return
    who, when, theirs, mine = found
    with st.container(border=True):
        st.error(
            f"Sentence {row.segment.position + 1} was changed by {render.md(who or 'someone')} at "
            f"{local(when, st.context.timezone)} while you were editing it. Nothing of yours was lost: "
            "compare, then keep yours or take theirs.",
            icon=":material/sync_problem:",
        )
        cols = st.columns(2)
        cols[0].markdown(f"**Their version ({render.md(who or 'someone')})**")
        cols[0].markdown(render.quote(theirs or "(deleted)"), unsafe_allow_html=True)
        cols[1].markdown("**Your version**")
        cols[1].markdown(render.quote(mine), unsafe_allow_html=True)
        cols[0].button("Take theirs", key="take_theirs", on_click=_resolve, args=(row, False))
        cols[1].button("Keep mine", key="keep_mine", type="primary", on_click=_resolve, args=(row, True))


def _neighbours(row: ReviewRow, visible: Sequence[ReviewRow]) -> tuple[int | None, int | None]:
    """The previous and the next sentence number in the view."""
    numbers = [r.segment.position + 1 for r in visible]
    index = numbers.index(row.segment.position + 1)
    return (
        numbers[index - 1] if index > 0 else None,
        numbers[index + 1] if index + 1 < len(numbers) else None,
    )


def _editor(db: Store, row: ReviewRow, visible: Sequence[ReviewRow], location: Location) -> None:
    numbers = [r.segment.position + 1 for r in visible]
    number = row.segment.position + 1
    index = numbers.index(number)
    previous, following = _neighbours(row, visible)
    status = status_of(row.reference.status if row.reference else None)
    score = annotations.sentence_mqm(row.annotations)

    with st.container(border=True):
        st.markdown(
            f"**Sentence {number}** · paragraph {row.segment.paragraph} · "
            f"{index + 1} of {len(numbers)} in this view"
            f" · {STATUS_LABELS[status]}"
            + (f" · MQM {score:g}" if score is not None else "")
            + (
                " · boilerplate (web page chrome; no need to translate carefully)"
                if row.segment.boilerplate
                else ""
            )
        )
        picked = annotations.pair(row, location)
        # Fixed slots: what comes and goes above the editor must not move it (its focus).
        with st.container(key="conflict_slot"):
            _conflict(row)
        with st.container(key="error_slot"):
            if error := st.session_state.pop(state.ERROR, None):
                st.error(error)
        replaced, nonce = st.session_state.get(state.REPLACE, {}).get(row.segment.id, (None, 0))
        with st.container(key=state.EDITOR):
            components.post_editor(
                _editor_key(row),
                segment_id=row.segment.id,
                base=_english(row),
                version=row.reference.version if row.reference else None,
                storage=f"wb:{db.name}:{row.segment.id}",
                saved_label=_saved_label(row),
                focus=st.session_state.pop(state.FOCUS, False),
                replace=replaced,
                replace_nonce=nonce,
            )
        cols = st.columns([1, 1, 1.4, 1, 1.4])
        cols[0].button(
            "Previous",
            icon=":material/arrow_upward:",
            key="prev",
            disabled=previous is None,
            on_click=_on_button,
            args=(row, location, previous, following, "prev"),
            width="stretch",
            help="Alt+↑ (keeps what you typed as a draft)",
        )
        cols[1].button(
            "Save draft",
            key="save",
            on_click=_on_button,
            args=(row, location, previous, following, "save"),
            width="stretch",
            help="Ctrl+S",
        )
        cols[2].button(
            "Approve & next",
            icon=":material/done:",
            key="approve",
            type="primary",
            on_click=_on_button,
            args=(row, location, previous, following, "approve"),
            width="stretch",
            help="Ctrl+Enter in the post-edit box",
        )
        cols[3].button(
            "Next",
            icon=":material/arrow_downward:",
            key="next",
            disabled=following is None,
            on_click=_on_button,
            args=(row, location, previous, following, "next"),
            width="stretch",
            help="Alt+↓ (keeps what you typed as a draft)",
        )
        last = db.last_action(common.reviewer(), document_id=location.document.id)
        cols[4].button(
            "Undo my last action",
            icon=":material/undo:",
            key="undo",
            disabled=last is None,
            on_click=_undo,
            args=(location.document.id,),
            width="stretch",
            help=f"Undo: {last.summary}" if last else "Nothing of yours to undo in this document.",
        )
        st.caption(
            "Keys in the post-edit box: Ctrl+Enter approve & next · Alt+↑ / Alt+↓ previous / next · "
            "Ctrl+S save draft"
        )
        annotations.panel(db, row, location, picked)
        others = db.segment_translations(row.segment.id)
        if len(others) > 1:
            with st.expander(f"All {len(others)} systems' MT of this sentence"):
                st.markdown(
                    render.systems_table(
                        [(t.system, t.text) for t in others], location.system.name if location.system else ""
                    ),
                    unsafe_allow_html=True,
                )
        with st.expander("What changed: raw MT → MT with glossary → post-edit"):
            st.markdown(
                render.changes(
                    row.translation.raw if row.translation else "",
                    row.translation.text if row.translation else "",
                    row.reference.text if row.reference else None,
                ),
                unsafe_allow_html=True,
            )


def _saved_label(row: ReviewRow) -> str:
    if row.reference is None:
        return "The MT, not edited yet."
    who = row.reference.approved_by if row.reference.status == "approved" else row.reference.reviewer
    verb = {"draft": "Draft saved", "approved": "Approved", "changed": "Changed since approval"}[
        row.reference.status
    ]
    return f"{verb} by {who or 'someone'} at {local(row.reference.updated, st.context.timezone)}."


def _history(db: Store, document_id: int) -> None:
    entries = db.history(document_id=document_id, limit=30)
    with st.expander(f"History of this document ({len(entries)} recent)"):
        if not entries:
            st.caption("Nothing has been changed in this document yet.")
        me, lead = common.reviewer(), common.is_lead()
        for entry in entries:
            undone = " · undone" if entry.undone_by else ""
            line = (
                f"{local(entry.at, st.context.timezone)} · **{render.md(entry.actor or 'someone')}** · "
                f"{render.md(entry.summary or entry.action)}{undone}"
            )
            # Anyone's action for a lead, one's own for a reviewer (workflows.review.undo checks).
            if not entry.undoable or not (lead or entry.actor == me):
                st.markdown(line)
                continue
            cols = st.columns([10, 1], vertical_alignment="center")
            cols[0].markdown(line)
            cols[1].button(
                "Undo",
                key=f"undo_entry_{entry.id}",
                on_click=_undo_entry,
                args=(entry.id,),
                help="Undo this action (refused if one of its rows was changed again since).",
            )


def render_page() -> None:
    st.title("Review")
    components.review_keys(state.KEYS, on_action=_on_key)
    with st.container(key="notice_slot"):
        common.show_notice()
    db = common.store()
    location = state.current(db)
    for message in state.said(common.NOTICE_SECONDS):
        st.warning(render.md(message), icon=":material/warning:")
    if location is None:
        st.info("There are no documents yet. Paste, upload or open the seed article on the Documents page.")
        st.page_link("workbench/ui/documents.py", label="Go to Documents", icon=":material/description:")
        return
    with common.user_errors():
        common.ensure_detected(db, location.document.id, location.system.id if location.system else None)
    rows = db.review_rows(location.document.id, location.system.id if location.system else None)
    visible = [r for r in rows if matches(r, location)]
    current_row = next(
        (r for r in visible if r.segment.position + 1 >= location.number), visible[-1] if visible else None
    )
    if current_row is not None and current_row.segment.position + 1 != location.number:
        # Outside the view (a filter, a search): the next sentence in it, before any widget shows it.
        location = replace(location, number=current_row.segment.position + 1)
        state.go(location)
    _header(db, location, current_row)
    with st.container(key="translate_slot"):
        common.translate_offer(db, location.document.id, rows)

    approved = sum(1 for r in rows if r.reference is not None and r.reference.status == "approved")
    open_issues = sum(1 for r in rows if matches(r, Location(location.document, 1, location.system, "open")))
    doc_score = annotations.document_mqm(rows)
    st.progress(
        approved / max(len(rows), 1),
        text=f"{approved} of {len(rows)} approved · {open_issues} with open issues"
        + (
            f" · MQM {doc_score[0]:.2f} per sentence over {doc_score[1]} reviewed (lower is better)"
            if doc_score
            else ""
        ),
    )
    _filters(location, rows, current_row)
    if current_row is None:
        st.success("Nothing here: no sentence in this view. Change the filter or the search.")
        _history(db, location.document.id)
        return
    asked = st.session_state.pop(state.ASKED, None)
    if asked is not None and asked != location.number:
        st.info(
            f"This view ({_view_name(location)}) does not hold sentence {asked}: showing sentence "
            f"{location.number}, the nearest in it. Choose “All” to see every sentence.",
            icon=":material/filter_alt:",
        )
    st.session_state[state.ON_SCREEN] = (current_row, location, *_neighbours(current_row, visible))
    _editor(db, current_row, visible, location)
    _history(db, location.document.id)
    st.caption("All sentences in this view; hover a highlighted span for why it was marked.")
    st.markdown(
        render.rows_table([annotations.table_row(r, r is current_row) for r in visible]),
        unsafe_allow_html=True,
    )


if __name__ == "__main__":
    render_page()
