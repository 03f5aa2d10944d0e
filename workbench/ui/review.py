"""Review page: German source and MT side by side, one sentence at a time plus an overview.

The focused sentence has the editor, its flags and the flag form; Previous / Next and
"Approve & next" (also on keyboard shortcuts) walk the filtered list so the reviewer never
hunts with the mouse. The document, filter and sentence live in the URL, so a reload
comes back to the same place; typed text persists across reruns and page switches.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench import glossary, review
from workbench.errors import WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.store import FlagRow, ReviewRow, Store
from workbench.ui import common, render

FILTERS = {"all": "All", "flagged": "Flagged", "todo": "Not yet approved"}
FLAG_KINDS = {"garbled-name": "Garbled name", "terminology": "Term", "other": "Other"}
SIDES = {"mt": "Machine translation", "src": "German source"}
_ERROR_KEY = "_wb_review_error"
_BASE_KEY = "_wb_editor_base"  # segment id -> (reference version, text the editor started with)
DOC_KEY = "doc"
POS_KEY = "s"
FILTER_KEY = "filter"


# -- state helpers ------------------------------------------------------------------------------


def _editor_key(segment_id: int) -> str:
    return f"pe_{segment_id}"


def _matches(row: ReviewRow, filter_: str) -> bool:
    if filter_ == "flagged":
        return any(f.status != "dismissed" for f in row.flags)
    if filter_ == "todo":
        return row.reference is None or row.reference.status != "approved"
    return True


def _go(number: int) -> None:
    st.session_state[POS_KEY] = number


def _snap(document_id: int) -> None:
    """After a filter change, stay on the current sentence if it is in the new view, else go
    to the next one that is."""
    filter_ = st.session_state.get(FILTER_KEY) or "all"
    numbers = [
        r.segment.position + 1 for r in common.store().review_rows(document_id) if _matches(r, filter_)
    ]
    if numbers:
        wanted = st.session_state.get(POS_KEY) or 1
        st.session_state[POS_KEY] = next((n for n in numbers if n >= wanted), numbers[0])


def _fail(err: WorkbenchError) -> None:
    st.session_state[_ERROR_KEY] = render.md(str(err))


def _default_english(row: ReviewRow) -> str:
    if row.reference is not None:
        return row.reference.text
    return row.translation.text if row.translation is not None else ""


def _prepare_editor(row: ReviewRow) -> str:
    """Initialise (or refresh) the post-edit editor of a sentence; returns its key.

    Text the reviewer typed is never replaced. An untouched editor follows the database,
    e.g. after "apply to every occurrence" changed this sentence's reference.
    """
    key = _editor_key(row.segment.id)
    bases: dict[int, tuple[int | None, str]] = st.session_state.setdefault(_BASE_KEY, {})
    version = row.reference.version if row.reference else None
    base = bases.get(row.segment.id)
    untouched = base is not None and st.session_state.get(key, base[1]) == base[1]
    if base is None or key not in st.session_state or (untouched and base[0] != version):
        text = _default_english(row)
        st.session_state[key] = text
        bases[row.segment.id] = (version, text)
    return key


def _saved(row_id: int, text: str, version: int) -> None:
    st.session_state[_editor_key(row_id)] = text
    st.session_state[_BASE_KEY][row_id] = (version, text)


# -- actions (button callbacks: they run before the page is drawn again) ------------------------


def _save_draft(segment_id: int) -> None:
    text = st.session_state.get(_editor_key(segment_id), "")
    version = st.session_state[_BASE_KEY][segment_id][0]
    try:
        ref = review.save_post_edit(
            common.store(), segment_id, text, reviewer=common.reviewer(), expected_version=version
        )
    except WorkbenchError as err:
        _fail(err)
        return
    _saved(segment_id, ref.text, ref.version)
    common.notify("Post-edit saved as draft.")


def _approve(segment_id: int, next_number: int | None) -> None:
    text = st.session_state.get(_editor_key(segment_id), "")
    version = st.session_state[_BASE_KEY][segment_id][0]
    try:
        ref = review.approve(
            common.store(), segment_id, reviewer=common.reviewer(), expected_version=version, text=text
        )
    except WorkbenchError as err:
        _fail(err)
        return
    _saved(segment_id, ref.text, ref.version)
    if next_number is not None:
        _go(next_number)
    common.notify("Approved." + (" Next sentence." if next_number is not None else ""))


def _carry_into_editors(result: review.AcceptResult) -> None:
    """Apply-everywhere just changed these sentences' references. Where this reviewer has typed
    text there that is not saved yet, make the same correction in it and rebase it on the new
    version: otherwise their next save would be refused as a conflict with their own change."""
    if not result.applied_everywhere:
        return
    bases: dict[int, tuple[int | None, str]] = st.session_state.setdefault(_BASE_KEY, {})
    entries = [GlossaryEntry(form, result.flag.correction) for form in result.forms]
    db = common.store()
    for segment_id in result.segment_ids:
        base, typed = bases.get(segment_id), st.session_state.get(_editor_key(segment_id))
        if base is None or typed is None or typed == base[1]:
            continue  # untouched: the editor follows the database (_prepare_editor)
        ref = db.reference(segment_id)
        # Only rebase over our own correction; anyone else's change still conflicts.
        if ref is None or ref.text != glossary.apply(base[1], entries)[0]:
            continue
        st.session_state[_editor_key(segment_id)] = glossary.apply(typed, entries)[0]
        bases[segment_id] = (ref.version, ref.text)


def _reload_editor(segment_id: int) -> None:
    """After a conflict: drop the reviewer's text and show what is in the database now."""
    st.session_state[_BASE_KEY].pop(segment_id, None)
    st.session_state.pop(_editor_key(segment_id), None)


def _accept(flag: FlagRow) -> None:
    correction = st.session_state.get(f"flag_{flag.id}_fix", flag.correction)
    try:
        result = review.accept_flag(
            common.store(),
            flag.id,
            flag.version,
            correction=correction,
            reviewer=common.reviewer(),
            apply_everywhere=st.session_state.get(ACCEPT_ALL_KEY, True),
            add_to_glossary=st.session_state.get(ACCEPT_GLOSSARY_KEY, True),
        )
    except WorkbenchError as err:
        _fail(err)
        return
    _carry_into_editors(result)
    fixed = render.md(result.flag.correction)
    common.notify(f"Accepted “{render.md(flag.text)}” → “{fixed}”." + _summary(result))


def _summary(result: review.AcceptResult) -> str:
    """What accepting changed beyond the flag itself, as the end of the confirmation."""
    notes = []
    if result.applied_everywhere:
        notes.append(f"{len(result.segment_ids)} sentence(s) corrected")
    if result.added_to_glossary:
        n = len(result.glossary_entries)
        notes.append(f"{n} glossary entr{'y' if n == 1 else 'ies'} added")
    return (" " + ", ".join(notes) + ".") if notes else ""


def _dismiss(flag: FlagRow) -> None:
    try:
        review.set_flag_status(
            common.store(), flag.id, "dismissed", reviewer=common.reviewer(), expected_version=flag.version
        )
    except WorkbenchError as err:
        _fail(err)
        return
    common.notify(f"Dismissed the flag on “{render.md(flag.text)}”.")


def _add_flag(row: ReviewRow) -> None:
    key = f"new_{row.segment.id}"
    picked = st.session_state.get(f"{key}_pick")
    typed = st.session_state.get(f"{key}_text", "").strip()
    side = st.session_state.get(f"{key}_side", "mt")
    if typed:
        text = typed
    elif picked:
        side, text = picked
    else:
        _fail(WorkbenchError("pick a detected name or type the exact text to flag, then press Flag."))
        return
    correction = st.session_state.get(f"{key}_fix", "").strip()
    kind = st.session_state.get(f"{key}_kind", "garbled-name")
    model = row.translation.model if row.translation is not None else ""
    fields = {
        "side": side,
        "kind": kind,
        "reviewer": common.reviewer(),
        "correction": correction,
        "reason": st.session_state.get(f"{key}_reason", "").strip(),
        "model": model,
    }
    summary = ""
    try:
        if correction and st.session_state.get(f"{key}_accept", True):
            result = review.flag_and_accept(
                common.store(),
                row.segment.id,
                text,
                **fields,
                apply_everywhere=st.session_state.get(f"{key}_all", True),
                add_to_glossary=st.session_state.get(f"{key}_gloss", True),
            )
            summary = _summary(result)
            _carry_into_editors(result)
        else:
            review.flag_text(common.store(), row.segment.id, text, **fields)
    except WorkbenchError as err:
        _fail(err)
        return
    for suffix in ("_text", "_fix", "_reason", "_pick"):
        st.session_state.pop(key + suffix, None)
    arrow = f" → “{render.md(correction)}”" if correction else ""
    common.notify(f"Flagged “{render.md(text)}”{arrow}." + summary)


# -- drawing ----------------------------------------------------------------------------------


def _mark_class(flag: FlagRow) -> str:
    """Accepted: green; a detector suggestion nobody decided on yet: dashed amber; a reviewer's
    open flag: red (orange for a term)."""
    if flag.status == "accepted":
        return "wb-accepted"
    if flag.origin == "detector":
        return "wb-suggested"
    return "wb-term" if flag.kind == "terminology" else ""


def _marks(text: str, flags: Sequence[FlagRow], side: str) -> tuple[render.Mark, ...]:
    marks = []
    # Reviewer flags first: where a reviewer and the detector marked the same span, the hover
    # text shows what the reviewer decided.
    for flag in sorted(flags, key=lambda f: f.origin != "reviewer"):
        if flag.side != side or flag.status == "dismissed":
            continue
        span = render.locate(text, flag.start, flag.end, flag.text)
        if span is None:
            continue
        fix = f" → {flag.correction}" if flag.correction else ""
        reason = f": {flag.reason}" if flag.reason else ""
        who = "detected" if flag.origin == "detector" else f"flagged by {flag.reviewer or 'a reviewer'}"
        title = f"{FLAG_KINDS.get(flag.kind, flag.kind)}{fix} ({flag.status}, {who}){reason}"
        marks.append(render.Mark(span[0], span[1], title, _mark_class(flag)))
    return tuple(marks)


def _table_row(row: ReviewRow, current: bool) -> render.Row:
    mt = row.translation.text if row.translation is not None else None
    return render.Row(
        number=row.segment.position + 1,
        paragraph=row.segment.paragraph,
        source=row.segment.source,
        mt=mt,
        reference=row.reference.text if row.reference else None,
        reference_status=row.reference.status if row.reference else None,
        source_marks=_marks(row.segment.source, row.flags, "src"),
        mt_marks=_marks(mt, row.flags, "mt") if mt is not None else (),
        boilerplate=row.segment.boilerplate,
        flagged=any(f.status != "dismissed" for f in row.flags),
        current=current,
    )


def _pick_document(db: Store) -> int | None:
    docs = db.documents()
    if not docs:
        st.info("There are no documents yet. Paste, upload or open the seed article on the Documents page.")
        st.page_link("workbench/ui/documents.py", label="Go to Documents", icon=":material/description:")
        return None
    ids = [d.id for d in docs]
    by_id = {d.id: d for d in docs}
    if DOC_KEY in st.session_state and st.session_state[DOC_KEY] not in ids:
        del st.session_state[DOC_KEY]  # deleted meanwhile: fall back to the newest
    return st.selectbox(
        "Document",
        ids,
        key=DOC_KEY,
        bind="query-params",
        persist_state="session",
        format_func=lambda i: f"{by_id[i].title} — {by_id[i].n_approved}/{by_id[i].n_segments} approved",
        on_change=_go,
        args=(1,),
    )


def _translate_offer(db: Store, document_id: int, rows: Sequence[ReviewRow]) -> None:
    if all(r.translation is not None for r in rows):
        return
    state = common.model_state()
    if state.backend is None:
        common.model_help(state, "review")
        return
    missing = sum(r.translation is None for r in rows)
    st.info(f"{missing} of {len(rows)} sentences have no machine translation yet.")
    if st.button("Translate this document", type="primary", key="translate_doc"):
        with common.user_errors():
            result = common.translate_with_progress(db, document_id)
            common.ensure_detected(db, document_id, force=True)
            common.notify(f"Translated {result.n_segments} sentences.")
            st.rerun()


ACCEPT_ALL_KEY = "accept_everywhere"
ACCEPT_GLOSSARY_KEY = "accept_to_glossary"


def _flag_list(row: ReviewRow) -> None:
    shown = [f for f in row.flags if f.status != "dismissed"]
    if not shown:
        st.caption("No flags on this sentence.")
        return
    if any(f.status == "open" for f in shown):
        cols = st.columns(2)
        cols[0].toggle(
            "Accepting corrects every occurrence and variant in this document",
            value=True,
            key=ACCEPT_ALL_KEY,
            persist_state="session",
            help="Also fixes the other spellings flagged with the same correction (Millie, Milli → Milley).",
        )
        cols[1].toggle(
            "…and adds it to the glossary", value=True, key=ACCEPT_GLOSSARY_KEY, persist_state="session"
        )
    spans: set[tuple[str, int, int]] = set()
    for flag in sorted(shown, key=lambda f: f.origin != "reviewer"):
        # A detector finding the reviewer flagged again is one flag to the reader.
        if (flag.side, flag.start, flag.end) in spans:
            continue
        spans.add((flag.side, flag.start, flag.end))
        where = "source" if flag.side == "src" else "MT"
        fix = f" → **{render.md(flag.correction)}**" if flag.correction else ""
        origin = "detected" if flag.origin == "detector" else f"by {render.md(flag.reviewer or 'reviewer')}"
        icon = ":material/check_circle:" if flag.status == "accepted" else ":material/flag:"
        label = (
            f"{icon} **{render.md(flag.text)}**{fix} · {FLAG_KINDS.get(flag.kind, flag.kind)} in {where} · "
            f"{origin} · {flag.status}"
        )
        with st.container(border=True):
            if flag.status != "open":
                st.markdown(label)
                continue
            key = f"flag_{flag.id}"
            cols = st.columns([5, 2, 1, 1], vertical_alignment="center")
            cols[0].markdown(label + (f"  \n:gray[{render.md(flag.reason)}]" if flag.reason else ""))
            cols[1].text_input(
                "Correction",
                value=flag.correction,
                key=f"{key}_fix",
                label_visibility="collapsed",
                placeholder="Correction",
                persist_state="session",
            )
            cols[2].button(
                "Accept",
                key=f"{key}_ok",
                type="primary",
                on_click=_accept,
                args=(flag,),
                width="stretch",
            )
            cols[3].button("Dismiss", key=f"{key}_no", on_click=_dismiss, args=(flag,), width="stretch")


def _flag_form(row: ReviewRow) -> None:
    key = f"new_{row.segment.id}"
    candidates = common.name_candidates(common.store(), row)
    with st.expander("Flag a span as a garbled name or term", expanded=False):
        cols = st.columns([3, 3, 2])
        cols[0].selectbox(
            "Detected candidate",
            candidates,
            index=None,
            key=f"{key}_pick",
            placeholder="Pick a name…",
            format_func=lambda c: f"{c[1]} ({'MT' if c[0] == 'mt' else 'source'})",
            persist_state="session",
        )
        cols[1].text_input("…or type the exact text", key=f"{key}_text", persist_state="session")
        cols[2].radio(
            "in",
            list(SIDES),
            format_func=SIDES.get,
            key=f"{key}_side",
            horizontal=True,
            help="Where the typed text is; a picked candidate knows its side.",
            persist_state="session",
        )
        cols = st.columns([3, 2, 3])
        # Typed here is kept across sentences and page switches, like the post-edit.
        cols[0].text_input(
            "Correct spelling", key=f"{key}_fix", placeholder="e.g. Milley", persist_state="session"
        )
        cols[1].selectbox(
            "Kind", list(FLAG_KINDS), format_func=FLAG_KINDS.get, key=f"{key}_kind", persist_state="session"
        )
        cols[2].text_input("Reason (optional)", key=f"{key}_reason", persist_state="session")
        cols = st.columns(3)
        cols[0].checkbox("Accept the correction now", value=True, key=f"{key}_accept")
        cols[1].checkbox("Apply to every occurrence in this document", value=True, key=f"{key}_all")
        cols[2].checkbox("Add to glossary", value=True, key=f"{key}_gloss")
        st.button("Flag", key=f"{key}_go", type="primary", on_click=_add_flag, args=(row,))


def _editor(row: ReviewRow, visible: Sequence[ReviewRow]) -> None:
    numbers = [r.segment.position + 1 for r in visible]
    number = row.segment.position + 1
    index = numbers.index(number)
    previous = numbers[index - 1] if index > 0 else None
    following = numbers[index + 1] if index + 1 < len(numbers) else None

    with st.container(border=True):
        status = row.reference.status if row.reference else "not reviewed"
        boiler = (
            " · boilerplate (web page chrome; no need to translate carefully)"
            if row.segment.boilerplate
            else ""
        )
        st.markdown(
            f"**Sentence {number}** · paragraph {row.segment.paragraph} · "
            f"{index + 1} of {len(numbers)} in this view · {status}{boiler}"
        )
        mt = row.translation.text if row.translation is not None else None
        mt_html = (
            render.highlight(mt, _marks(mt, row.flags, "mt"))
            if mt is not None
            else '<span class="wb-muted">not translated yet</span>'
        )
        source_html = render.highlight(row.segment.source, _marks(row.segment.source, row.flags, "src"))
        st.markdown(
            render.pair(source_html, mt_html, boilerplate=row.segment.boilerplate), unsafe_allow_html=True
        )

        _flag_list(row)
        _flag_form(row)

        key = _prepare_editor(row)
        st.text_area(
            "Post-edited English",
            key=key,
            height=110,
            persist_state="session",
            help="Correct the English; Approve saves it as the reference.",
        )
        if error := st.session_state.pop(_ERROR_KEY, None):
            st.error(error)
            st.button(
                "Discard my text and load the current version",
                key=f"reload_{row.segment.id}",
                on_click=_reload_editor,
                args=(row.segment.id,),
            )
        cols = st.columns([1, 1, 1.4, 1])
        cols[0].button(
            "Previous",
            icon=":material/arrow_upward:",
            key="prev",
            disabled=previous is None,
            on_click=_go,
            args=(previous,),
            shortcut="Alt+Up",
            width="stretch",
        )
        cols[1].button(
            "Save draft",
            key="save",
            on_click=_save_draft,
            args=(row.segment.id,),
            shortcut="Ctrl+S",
            width="stretch",
        )
        cols[2].button(
            "Approve & next",
            icon=":material/done:",
            key="approve",
            type="primary",
            on_click=_approve,
            args=(row.segment.id, following),
            shortcut="Ctrl+Enter",
            width="stretch",
        )
        cols[3].button(
            "Next",
            icon=":material/arrow_downward:",
            key="next",
            disabled=following is None,
            on_click=_go,
            args=(following,),
            shortcut="Alt+Down",
            width="stretch",
        )
        st.caption("Keys: Ctrl+Enter approve & next · Alt+↑ / Alt+↓ previous / next · Ctrl+S save draft")


def render_page() -> None:
    st.title("Review")
    common.show_notice()
    db = common.store()
    document_id = _pick_document(db)
    if document_id is None:
        return
    with common.user_errors():
        common.ensure_detected(db, document_id)
    rows = db.review_rows(document_id)
    _translate_offer(db, document_id, rows)

    approved = sum(1 for r in rows if r.reference is not None and r.reference.status == "approved")
    flagged = sum(1 for r in rows if _matches(r, "flagged"))
    st.progress(approved / len(rows), text=f"{approved} of {len(rows)} approved · {flagged} flagged")

    cols = st.columns([3, 1], vertical_alignment="bottom")
    filter_ = cols[0].segmented_control(
        "Show",
        list(FILTERS),
        format_func=FILTERS.get,
        key=FILTER_KEY,
        default="all",
        required=True,
        bind="query-params",
        persist_state="session",
        on_change=_snap,
        args=(document_id,),
    )
    number = cols[1].number_input(
        "Go to sentence",
        min_value=1,
        max_value=len(rows),
        step=1,
        key=POS_KEY,
        bind="query-params",
        persist_state="session",
    )
    visible = [r for r in rows if _matches(r, filter_)]
    if not visible:
        st.success("Nothing left here: every sentence in this view is done.")
        return
    # A sentence outside the filter (e.g. typed in "Go to sentence"): show the next one in it.
    current = next((r for r in visible if r.segment.position + 1 >= number), visible[0])
    _editor(current, visible)
    st.caption("All sentences in this view; hover a highlighted span for why it was flagged.")
    st.markdown(render.rows_table([_table_row(r, r is current) for r in visible]), unsafe_allow_html=True)


if __name__ == "__main__":
    render_page()
