"""The Review page's annotation panel: source and MT with their annotated spans (select a span
with the mouse to annotate it), the sentence's annotations to accept or dismiss, and the
form for a new MQM error."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench import glossary, mqm
from workbench.errors import InputError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.store import GARBLED_NAME, Annotation, ReviewRow, Store
from workbench.ui import common, components, render, state
from workbench.ui.state import Location
from workbench.workflows import review

ACCEPT_EVERYWHERE = "accept_everywhere"
ACCEPT_GLOSSARY = "accept_to_glossary"
SIDES = {"mt": "MT", "src": "source"}
_USED_PICK = "_wb_used_pick"  # (segment id, span) already flagged: the picker still reports it


# -- scores --------------------------------------------------------------------------------------


def sentence_mqm(notes: Sequence[Annotation]) -> float | None:
    return review.sentence_mqm(notes)


def document_mqm(rows: Sequence[ReviewRow]) -> tuple[float, int] | None:
    """MQM per reviewed sentence (approved or annotated) and how many, None before any review."""
    scores = [
        review.sentence_mqm(r.annotations) or 0.0
        for r in rows
        if review.sentence_mqm(r.annotations) is not None
        or (r.reference and r.reference.status == "approved")
    ]
    return (sum(scores) / len(scores), len(scores)) if scores else None


# -- marks ----------------------------------------------------------------------------------------


def _css(note: Annotation) -> str:
    """Accepted: green; a detector suggestion nobody decided on yet: dashed amber; a reviewer's
    open error: red (orange for terminology)."""
    if note.status == "accepted":
        return "wb-accepted"
    if note.origin == "detector":
        return "wb-suggested"
    return "wb-term" if note.category.startswith("Terminology") else ""


def _title(note: Annotation) -> str:
    fix = f" → {note.correction}" if note.correction else ""
    why = f": {note.comment}" if note.comment else ""
    who = "detected" if note.origin == "detector" else f"flagged by {note.rater or 'a reviewer'}"
    name = " (garbled name)" if note.garbled_name else ""
    return f"{note.category}{name}, {note.severity}{fix} ({note.status}, {who}){why}"


def marks(text: str, notes: Sequence[Annotation], side: str) -> list[dict[str, object]]:
    """Where the annotations sit in ``text`` now (reviewers' first, so the hover says what a
    reviewer decided where the detector marked the same span)."""
    found = []
    for note in sorted(notes, key=lambda n: n.origin != "reviewer"):
        span = note.mt if side == "mt" else note.src
        if span is None or note.status == "dismissed":
            continue
        where = render.locate(text, span.start, span.end, span.text)
        if where is not None:
            found.append({"start": where[0], "end": where[1], "title": _title(note), "css": _css(note)})
    found.sort(key=lambda m: (m["start"], -m["end"]))
    kept, pos = [], 0
    for mark in found:
        if mark["start"] >= pos:
            kept.append(mark)
            pos = mark["end"]
    return kept


def table_row(row: ReviewRow, current: bool) -> render.Row:
    mt = row.translation.text if row.translation is not None else None

    def as_marks(text: str, side: str) -> tuple[render.Mark, ...]:
        return tuple(
            render.Mark(m["start"], m["end"], m["title"], m["css"])
            for m in marks(text, row.annotations, side)
        )

    return render.Row(
        number=row.segment.position + 1,
        paragraph=row.segment.paragraph,
        source=row.segment.source,
        mt=mt,
        reference=row.reference.text if row.reference else None,
        reference_status=row.reference.status if row.reference else None,
        source_marks=as_marks(row.segment.source, "src"),
        mt_marks=as_marks(mt, "mt") if mt is not None else (),
        boilerplate=row.segment.boilerplate,
        flagged=any(a.status == "open" for a in row.annotations),
        current=current,
    )


def pair(row: ReviewRow, location: Location) -> components.PickedSpan | None:
    """Source and MT side by side; returns the span the reviewer selected and has not flagged
    yet, if any."""
    mt = row.translation.text if row.translation is not None else ""
    system = location.system.name if location.system else "no system"
    picked = components.span_picker(
        f"pick_{row.segment.id}",
        [
            components.Side(
                "src",
                "German source",
                row.segment.source,
                marks(row.segment.source, row.annotations, "src"),
                muted=row.segment.boilerplate,
            ),
            components.Side(
                "mt",
                f"Machine translation ({system})",
                mt,
                marks(mt, row.annotations, "mt"),
                empty="not translated by this system yet",
            ),
        ],
    )
    return None if st.session_state.get(_USED_PICK) == (row.segment.id, picked) else picked


# -- actions ---------------------------------------------------------------------------------------


def _fail(err: WorkbenchError, lost: str = "", row: ReviewRow | None = None) -> None:
    """Show why an action failed; a document deleted meanwhile is said above the page, with
    ``lost`` (what was not saved), since the page moves to another document."""
    screen = st.session_state.get(state.ON_SCREEN)
    row = row or (screen[0] if screen else None)
    if row is not None and state.gone(common.store(), row, lost):
        return
    st.session_state[state.ERROR] = render.md(str(err))


def _carry_into_editor(result: review.AcceptResult) -> None:
    """The correction just changed the English of the sentence on screen. If the reviewer has
    unsaved text in its editor, make the same correction there and base it on the new version,
    so their next save is not refused as a conflict with their own correction."""
    screen = st.session_state.get(state.ON_SCREEN)
    if screen is None or screen[0].segment.id not in result.segment_ids:
        return
    row = screen[0]
    typed = components.editor_text(f"editor_{row.segment.id}")
    english = row.reference.text if row.reference else (row.translation.text if row.translation else "")
    if typed is None or typed.text == english:
        return  # untouched: the editor follows the database by itself
    entries = [GlossaryEntry(form, result.annotation.correction) for form in result.forms]
    now = common.store().reference(row.segment.id)
    if now is None or now.text != glossary.apply(english, entries)[0]:
        return  # someone else changed it too: saving must still meet their change as a conflict
    replaced = st.session_state.setdefault(state.REPLACE, {})
    fixed = glossary.apply(typed.text, entries)[0]
    replaced[row.segment.id] = (fixed, replaced.get(row.segment.id, (None, 0))[1] + 1)


def _accept(note: Annotation) -> None:
    correction = st.session_state.get(f"ann_{note.id}_fix", note.correction)
    try:
        result = review.accept(
            common.store(),
            note.id,
            note.version,
            correction=correction,
            reviewer=common.reviewer(),
            everywhere=st.session_state.get(ACCEPT_EVERYWHERE, True),
            add_to_glossary=common.is_lead() and st.session_state.get(ACCEPT_GLOSSARY, True),
            role=common.role(),
        )
    except WorkbenchError as err:
        _fail(err, f"Accepting “{note.text}” → “{correction}” was not saved.")
        return
    _carry_into_editor(result)
    common.notify(
        f"Accepted “{render.md(note.text)}” → “{render.md(result.annotation.correction)}”"
        + review.summary(result)
        + "."
    )


def _dismiss(note: Annotation) -> None:
    try:
        review.set_status(
            common.store(), note.id, "dismissed", reviewer=common.reviewer(), expected_version=note.version
        )
    except WorkbenchError as err:
        _fail(err, f"Dismissing “{note.text or note.category}” was not saved.")
        return
    common.notify(f"Dismissed “{render.md(note.text or note.category)}”.")


def _form_key(row: ReviewRow, field: str) -> str:
    return f"new_{row.segment.id}_{field}"


_FIELDS = {
    "whole": False,
    "text": "",
    "side": "mt",
    "category": mqm.ACCURACY_MISTRANSLATION,
    "severity": "Major",
    "name": True,
    "fix": "",
    "comment": "",
}


def _add(row: ReviewRow, location: Location, picked: components.PickedSpan | None) -> None:
    get = lambda field: st.session_state.get(_form_key(row, field), _FIELDS.get(field))  # noqa: E731
    typed = (get("text") or "").strip()
    category, severity, correction = get("category"), get("severity"), (get("fix") or "").strip()
    tags = (
        (GARBLED_NAME,) if get("name") and category in (mqm.ACCURACY_MISTRANSLATION, mqm.TERMINOLOGY) else ()
    )
    system_id = location.system.id if location.system else None
    db, reviewer = common.store(), common.reviewer()
    fields = {
        "system_id": system_id,
        "reviewer": reviewer,
        "category": category,
        "severity": severity,
        "tags": tags,
        "comment": get("comment") or "",
    }
    try:
        if typed:
            note = review.flag_text(
                db, row.segment.id, typed, side=get("side"), correction=correction, **fields
            )
        elif picked is not None:
            spans = {picked.side: (picked.start, picked.end)}
            note = review.annotate(db, row.segment.id, correction=correction, **spans, **fields)
        elif get("whole"):
            note = review.annotate(db, row.segment.id, correction=correction, **fields)
        else:
            raise InputError(
                "select the words in the source or the MT with the mouse, or type them exactly, "
                "then press Flag; for an error of the whole sentence tick “Whole sentence”."
            )
        if correction and st.session_state.get(_form_key(row, "accept"), True):
            result = review.accept(
                db,
                note.id,
                note.version,
                reviewer=reviewer,
                everywhere=st.session_state.get(_form_key(row, "everywhere"), True),
                add_to_glossary=common.is_lead() and st.session_state.get(_form_key(row, "glossary"), True),
                role=common.role(),
            )
            summary = review.summary(result)
            _carry_into_editor(result)
        else:
            summary = ""
    except WorkbenchError as err:
        # The form keeps what was typed, to correct and send again.
        what = typed or (picked.text if picked is not None else "")
        flag = f"“{what}”" + (f" → “{correction}”" if correction else "") if what else "the sentence"
        _fail(err, f"Your flag {flag} was not saved.", row)
        return
    for field, value in _FIELDS.items():  # done: an empty form for the next one
        st.session_state[_form_key(row, field)] = value
    st.session_state[_USED_PICK] = (row.segment.id, picked)  # the selection is used up
    fix = f" → “{render.md(correction)}”" if correction else ""
    common.notify(
        f"Flagged “{render.md(note.text or 'the sentence')}”{fix} ({category}, {severity}){summary}."
    )


# -- drawing ---------------------------------------------------------------------------------------


def _preview(db: Store, note: Annotation, location: Location) -> None:
    """Every sentence accepting will change, before and after, before the reviewer accepts."""
    try:
        plan = review.plan_accept(
            db,
            note.id,
            st.session_state.get(f"ann_{note.id}_fix", note.correction),
            everywhere=st.session_state.get(ACCEPT_EVERYWHERE, True),
            system_id=location.system.id if location.system else None,
        )
    except WorkbenchError:
        return
    if not plan:
        return
    with st.expander(f"Accepting changes {len(plan)} sentence(s): preview"):
        for change in plan:
            flag = " · approved: becomes “changed since approval”" if change.approved else ""
            st.markdown(f"**Sentence {change.number}**{flag}")
            st.markdown(render.word_diff(change.before, change.after), unsafe_allow_html=True)


def _list(db: Store, row: ReviewRow, location: Location) -> None:
    shown = [a for a in row.annotations if a.status != "dismissed" and a.category != mqm.NO_ERROR]
    if not shown:
        st.caption("No annotations on this sentence.")
        return
    if any(a.status == "open" for a in shown):
        cols = st.columns(2)
        cols[0].toggle(
            "Accepting corrects every occurrence and variant in this document",
            value=True,
            key=ACCEPT_EVERYWHERE,
            help="Off: only this sentence. Also fixes other spellings marked with the same correction "
            "(Millie, Milli → Milley).",
        )
        if common.is_lead():  # the glossary and the known names are for leads
            cols[1].toggle("…and adds it to the glossary", value=True, key=ACCEPT_GLOSSARY)
    for note in sorted(shown, key=lambda a: a.origin != "reviewer"):
        where = (
            " and ".join(SIDES[s] for s, span in (("mt", note.mt), ("src", note.src)) if span)
            or "whole sentence"
        )
        fix = f" → **{render.md(note.correction)}**" if note.correction else ""
        who = "detected" if note.origin == "detector" else f"by {render.md(note.rater or 'reviewer')}"
        icon = ":material/check_circle:" if note.status == "accepted" else ":material/flag:"
        name = " · garbled name" if note.garbled_name else ""
        label = (
            f"{icon} **{render.md(note.text or '—')}**{fix} · {render.md(note.category)}{name} · "
            f"{render.md(note.severity)} · in {where} · {who} · {note.status}"
        )
        with st.container(border=True, key=f"item_{note.id}"):
            if note.status != "open":
                st.markdown(label)
                continue
            cols = st.columns([5, 2, 1, 1], vertical_alignment="center")
            cols[0].markdown(label + (f"  \n:gray[{render.md(note.comment)}]" if note.comment else ""))
            cols[1].text_input(
                "Correction",
                value=note.correction,
                key=f"ann_{note.id}_fix",
                label_visibility="collapsed",
                placeholder="Correction",
            )
            cols[2].button(
                "Accept",
                key=f"ann_{note.id}_ok",
                type="primary",
                on_click=_accept,
                args=(note,),
                width="stretch",
            )
            cols[3].button(
                "Dismiss", key=f"ann_{note.id}_no", on_click=_dismiss, args=(note,), width="stretch"
            )
            _preview(db, note, location)


def _form(db: Store, row: ReviewRow, location: Location, picked: components.PickedSpan | None) -> None:
    key = lambda field: _form_key(row, field)  # noqa: E731
    for field, value in _FIELDS.items():
        st.session_state.setdefault(key(field), value)
    candidates = common.name_candidates(db, row)
    # Plain widgets, not st.form: a half-filled form survives page switches (persist_state),
    # and Ctrl+Enter in it presses Flag (components.review_keys), not Approve.
    with st.expander("Flag an error: a garbled name, a term or any MQM error", expanded=picked is not None):
        with st.container(key=f"flag_form_{row.segment.id}"):
            if picked is not None:
                st.markdown(f"Selected in the {SIDES[picked.side]}: **{render.md(picked.text)}**")
            else:
                seen = ", ".join(f"{text} ({SIDES[side]})" for side, text in candidates[:12])
                st.caption(
                    "Select a span in the source or the MT with the mouse, or type it below."
                    + (f" Names seen here: {render.md(seen)}." if seen else "")
                )
            cols = st.columns([3, 2])
            cols[0].text_input("…or type the exact text", key=key("text"), persist_state="session")
            cols[1].radio(
                "in",
                list(SIDES),
                format_func=SIDES.get,
                key=key("side"),
                horizontal=True,
                persist_state="session",
            )
            cols[1].checkbox(
                "Whole sentence",
                key=key("whole"),
                persist_state="session",
                help="An error with no span: an omission, a non-translation.",
            )
            cols = st.columns([3, 2, 2])
            cols[0].selectbox("Category", mqm.CATEGORIES, key=key("category"), persist_state="session")
            cols[1].selectbox(
                "Severity", review.REVIEW_SEVERITIES, key=key("severity"), persist_state="session"
            )
            cols[2].checkbox(
                "Garbled name",
                key=key("name"),
                persist_state="session",
                help="A tag on Accuracy/Mistranslation or Terminology.",
            )
            cols = st.columns(2)
            cols[0].text_input(
                "Correct spelling or text", key=key("fix"), placeholder="e.g. Milley", persist_state="session"
            )
            cols[1].text_input("Comment (optional)", key=key("comment"), persist_state="session")
            cols = st.columns(3)
            cols[0].checkbox("Accept the correction now", value=True, key=key("accept"))
            cols[1].checkbox("…in every sentence", value=True, key=key("everywhere"))
            if common.is_lead():
                cols[2].checkbox("…and add it to the glossary", value=True, key=key("glossary"))
            st.button(
                "Flag",
                key=f"flag_go_{row.segment.id}",
                type="primary",
                on_click=_add,
                args=(row, location, picked),
                help="Ctrl+Enter in any field of this form",
            )


def panel(db: Store, row: ReviewRow, location: Location, picked: components.PickedSpan | None) -> None:
    _list(db, row, location)
    _form(db, row, location, picked)
