"""Reviewing a document: annotate errors (MQM), accept or dismiss them, post-edit, approve,
apply a correction everywhere, undo.

Every function here that changes something is one review action (store.action): one
transaction, one history entry naming the reviewer, undone as a unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench import glossary, mqm
from workbench.errors import InputError
from workbench.glossary import GlossaryEntry
from workbench.roles import Role, require_lead, require_undo
from workbench.store import GARBLED_NAME, Annotation, HistoryEntry, KnownName, ReferenceRow, Span, Store
from workbench.workflows import glossary as glossary_flow

LEAD_TABLES = ("glossary", "known_names")
"""What only a lead changes, by an action or by undoing one."""

NAME_CATEGORY = "Accuracy/Mistranslation"
"""Where a garbled name goes in MQM: a mistranslation, tagged garbled-name."""


def _sentence(store: Store, segment_id: int) -> str:
    segment = store.segment(segment_id)
    return f"sentence {segment.position + 1}"


# -- annotate -------------------------------------------------------------------------------------


REVIEW_SEVERITIES = tuple(s.value for s in mqm.Severity if s is not mqm.Severity.NO_ERROR)


def check_category(category: str, severity: str) -> None:
    """A reviewer's annotation uses the typology's menu (imported MQM files may be finer)."""
    if category not in mqm.CATEGORIES:
        raise InputError(f"{category!r} is not an MQM category; choose one of: {', '.join(mqm.CATEGORIES)}.")
    if severity not in REVIEW_SEVERITIES:
        raise InputError(
            f"{severity!r} is not an MQM severity; choose one of: {', '.join(REVIEW_SEVERITIES)}."
        )


def _span(store: Store, segment_id: int, side: str, system_id: int | None, start: int, end: int) -> Span:
    if side == "src":
        text = store.segment(segment_id).source
    else:
        if system_id is None:
            raise InputError("an error in the MT needs the system whose MT it is; pick a system first.")
        text = store.translation(segment_id, system_id).text
    if not 0 <= start < end <= len(text):
        where = "source" if side == "src" else "MT"
        raise InputError(
            f"the span {start}-{end} is outside the {where} of {_sentence(store, segment_id)} "
            f"({len(text)} characters); select the span again."
        )
    return Span(start, end, text[start:end])


def find_span(
    store: Store, segment_id: int, flagged: str, *, side: str, system_id: int | None, occurrence: int = 1
) -> Span:
    """The ``occurrence``-th appearance (1 = first) of a typed or picked string on that side."""
    text = store.segment(segment_id).source if side == "src" else ""
    if side == "mt":
        if system_id is None:
            raise InputError("an error in the MT needs the system whose MT it is; pick a system first.")
        text = store.translation(segment_id, system_id).text
    flagged = flagged.strip()
    start = -1
    for _ in range(max(occurrence, 1)):
        start = text.find(flagged, start + 1) if flagged else -1
        if start < 0:
            raise InputError(
                f"“{flagged}” does not occur {'' if occurrence == 1 else f'{occurrence} times '}in the "
                f"{'source' if side == 'src' else 'MT'} of {_sentence(store, segment_id)}; "
                "copy the text exactly as it appears."
            )
    return Span(start, start + len(flagged), flagged)


def annotate(
    store: Store,
    segment_id: int,
    *,
    system_id: int | None,
    category: str,
    severity: str,
    reviewer: str,
    mt: tuple[int, int] | None = None,
    src: tuple[int, int] | None = None,
    tags: Sequence[str] = (),
    correction: str = "",
    comment: str = "",
) -> Annotation:
    """Record an MQM error on a span of the MT and/or the source (or on the whole sentence)."""
    check_category(category, severity)
    with store.action(reviewer, "annotate", segment_id=segment_id) as act:
        act.document_id = store.segment(segment_id).document_id
        note = store.add_annotation(
            segment_id,
            system_id=system_id,
            mt=_span(store, segment_id, "mt", system_id, *mt) if mt else None,
            src=_span(store, segment_id, "src", system_id, *src) if src else None,
            category=category,
            severity=severity,
            tags=tags,
            correction=correction.strip(),
            comment=comment.strip(),
            rater=reviewer,
        )
        act.summary = (
            f"{category} ({severity}) on “{note.text or 'the sentence'}” in {_sentence(store, segment_id)}"
        )
    return note


def flag_text(
    store: Store,
    segment_id: int,
    flagged: str,
    *,
    side: str,
    system_id: int | None,
    reviewer: str,
    category: str = NAME_CATEGORY,
    severity: str = "Major",
    tags: Sequence[str] = (GARBLED_NAME,),
    correction: str = "",
    comment: str = "",
    occurrence: int = 1,
) -> Annotation:
    """Annotate a typed or picked string (a garbled name by default)."""
    span = find_span(store, segment_id, flagged, side=side, system_id=system_id, occurrence=occurrence)
    where = {"mt": (span.start, span.end)} if side == "mt" else {"src": (span.start, span.end)}
    return annotate(
        store,
        segment_id,
        system_id=system_id,
        category=category,
        severity=severity,
        reviewer=reviewer,
        tags=tags,
        correction=correction,
        comment=comment,
        **where,
    )


def set_status(
    store: Store, annotation_id: int, status: str, *, reviewer: str, expected_version: int
) -> Annotation:
    """Dismiss (or reopen, or accept without a correction) an annotation; ConflictError if it
    changed since the reviewer loaded it."""
    current = store.annotation(annotation_id)
    verb = {"dismissed": "Dismissed", "open": "Reopened", "accepted": "Accepted"}.get(status, status)
    with store.action(reviewer, status, segment_id=current.segment_id) as act:
        act.document_id = store.segment(current.segment_id).document_id
        act.summary = f"{verb} “{current.text or current.category}” in {_sentence(store, current.segment_id)}"
        return store.update_annotation(
            annotation_id, status=status, changed_by=reviewer, expected_version=expected_version
        )


def edit_annotation(
    store: Store,
    annotation_id: int,
    *,
    reviewer: str,
    expected_version: int,
    category: str | None = None,
    severity: str | None = None,
    correction: str | None = None,
    comment: str | None = None,
) -> Annotation:
    current = store.annotation(annotation_id)
    check_category(category or current.category, severity or current.severity)
    with store.action(reviewer, "edit-annotation", segment_id=current.segment_id) as act:
        act.document_id = store.segment(current.segment_id).document_id
        act.summary = f"Edited the annotation on “{current.text or current.category}”"
        return store.update_annotation(
            annotation_id,
            changed_by=reviewer,
            expected_version=expected_version,
            category=category,
            severity=severity,
            correction=None if correction is None else correction.strip(),
            comment=None if comment is None else comment.strip(),
        )


# -- corrections: this sentence, or every sentence ---------------------------------------------------


@dataclass(frozen=True)
class PlannedChange:
    """One sentence a correction will change, for the preview."""

    segment_id: int
    number: int  # 1-based sentence number
    before: str  # its English now (post-edit, else MT)
    after: str
    approved: bool  # it was approved: it becomes "changed since approval"


def plan_corrections(
    store: Store,
    document_id: int,
    forms: Sequence[str],
    right: str,
    *,
    system_id: int | None,
    segment_ids: Sequence[int] | None = None,
) -> list[PlannedChange]:
    """What replacing each wrong form by ``right`` (whole words, any case, as the glossary
    matches) would change in the English of the document's sentences (or only ``segment_ids``).
    The English is a sentence's post-edit if it has one, else the system's MT."""
    right = right.strip()
    entries = [
        GlossaryEntry(form.strip(), right)
        for form in dict.fromkeys(forms)
        if form.strip() and form.strip() != right
    ]
    if not right or not entries:
        raise InputError(
            "a correction needs a wrong form and a different right form; "
            f"got {', '.join(forms) or '(none)'} -> {right!r}."
        )
    planned = []
    for row in store.review_rows(document_id, system_id):
        if segment_ids is not None and row.segment.id not in segment_ids:
            continue
        english = row.reference.text if row.reference else (row.translation.text if row.translation else "")
        new, replaced = glossary.apply(english, entries)
        if replaced and new != english:
            approved = row.reference is not None and row.reference.status in ("approved", "changed")
            planned.append(PlannedChange(row.segment.id, row.segment.position + 1, english, new, approved))
    return planned


@dataclass(frozen=True)
class ApplyResult:
    right: str
    forms: tuple[str, ...]
    segment_ids: tuple[int, ...]  # sentences whose English changed
    n_annotations: int  # new accepted annotations recording the correction on the MT


def _correct(
    store: Store,
    document_id: int,
    forms: Sequence[str],
    right: str,
    *,
    reviewer: str,
    system_id: int | None,
    segment_ids: Sequence[int] | None,
    category: str,
    tags: Sequence[str],
) -> ApplyResult:
    """Apply a correction (inside the caller's action): each planned sentence gets the corrected
    English, keeping its status except that an approved one becomes "changed since approval";
    each occurrence in the MT not annotated yet gets an accepted annotation, so it is on record."""
    plan = plan_corrections(store, document_id, forms, right, system_id=system_id, segment_ids=segment_ids)
    entries = [GlossaryEntry(form, right) for form in forms if form != right]
    added = 0
    rows = {row.segment.id: row for row in store.review_rows(document_id, system_id)}
    for change in plan:
        row = rows[change.segment_id]
        mt = row.translation
        if mt is not None:
            annotated = {(a.mt.start, a.mt.end) for a in row.annotations if a.mt is not None}
            for start, end, _ in glossary.find(mt.text, entries):
                if (start, end) in annotated or mt.text[start:end] == right:
                    continue
                store.add_annotation(
                    row.segment.id,
                    system_id=mt.system_id,
                    mt=Span(start, end, mt.text[start:end]),
                    src=None,
                    category=category,
                    severity="Major",
                    tags=tags,
                    correction=right,
                    status="accepted",
                    rater=reviewer,
                )
                added += 1
        ref = row.reference
        status = (
            "draft" if ref is None else ("changed" if ref.status in ("approved", "changed") else ref.status)
        )
        store.save_reference(
            row.segment.id,
            change.after,
            reviewer=reviewer,
            expected_version=ref.version if ref else None,
            status=status,
        )
    return ApplyResult(right, tuple(forms), tuple(c.segment_id for c in plan), added)


def apply_everywhere(
    store: Store,
    document_id: int,
    wrong: str,
    right: str,
    *,
    reviewer: str,
    system_id: int | None = None,
    category: str = NAME_CATEGORY,
    tags: Sequence[str] = (GARBLED_NAME,),
) -> ApplyResult:
    """Replace ``wrong`` by ``right`` in the English of every sentence of a document (one action,
    one undo). See plan_corrections for the preview of exactly these changes."""
    wrong, right = wrong.strip(), right.strip()
    with store.action(reviewer, "apply-everywhere", document_id=document_id) as act:
        result = _correct(
            store,
            document_id,
            [wrong],
            right,
            reviewer=reviewer,
            system_id=system_id,
            segment_ids=None,
            category=category,
            tags=tags,
        )
        act.summary = f"Replaced “{wrong}” → “{right}” in {len(result.segment_ids)} sentence(s)"
    return result


# -- accept --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptResult:
    """What accepting an annotation changed, for the confirmation the reviewer sees."""

    annotation: Annotation  # as accepted
    forms: tuple[str, ...] = ()  # wrong forms corrected: the annotation's text, then the variants'
    variant_ids: tuple[int, ...] = ()  # other open annotations with the same correction, accepted too
    everywhere: bool = False  # the correction went to every sentence of the document
    segment_ids: tuple[int, ...] = ()  # sentences whose English changed
    added_to_glossary: bool = False  # the glossary step ran (its entries may all exist already)
    glossary_entries: tuple[GlossaryEntry, ...] = ()  # entries it added
    known_name: KnownName | None = None  # the name record the correction extended


def accept(
    store: Store,
    annotation_id: int,
    expected_version: int,
    *,
    reviewer: str,
    everywhere: bool,
    add_to_glossary: bool,
    correction: str | None = None,
    role: Role = Role.LEAD,
) -> AcceptResult:
    """Accept an annotation with its correction (None keeps its own), as one action.

    The correction always fixes the annotation's own sentence. With ``everywhere`` it also
    accepts the document's other open annotations that have the same correction (Millie and
    Milli -> Milley) and fixes every sentence; with ``add_to_glossary`` a name or term adds each
    wrong form to the glossary, and a name extends the known names (a lead's ``role`` only:
    PermissionDenied, changing nothing, for a reviewer). ConflictError, changing nothing, if the
    annotation is no longer at ``expected_version``.
    """
    current = store.annotation(annotation_id)
    document_id = store.segment(current.segment_id).document_id
    with store.action(reviewer, "accept", document_id=document_id, segment_id=current.segment_id) as act:
        note = store.update_annotation(
            annotation_id,
            expected_version=expected_version,
            changed_by=reviewer,
            status="accepted",
            correction=None if correction is None else correction.strip(),
        )
        result = _follow_up(
            store, note, document_id, reviewer, everywhere=everywhere, to_glossary=add_to_glossary, role=role
        )
        act.summary = f"Accepted “{note.text}” → “{note.correction}”" + summary(result)
    return result


def flag_and_accept(
    store: Store,
    segment_id: int,
    flagged: str,
    *,
    side: str,
    system_id: int | None,
    reviewer: str,
    correction: str,
    everywhere: bool,
    add_to_glossary: bool,
    category: str = NAME_CATEGORY,
    severity: str = "Major",
    tags: Sequence[str] = (GARBLED_NAME,),
    comment: str = "",
    role: Role = Role.LEAD,
) -> AcceptResult:
    """Flag a typed or picked string and accept its correction at once (one action)."""
    document_id = store.segment(segment_id).document_id
    with store.action(reviewer, "accept", document_id=document_id, segment_id=segment_id) as act:
        note = flag_text(
            store,
            segment_id,
            flagged,
            side=side,
            system_id=system_id,
            reviewer=reviewer,
            category=category,
            severity=severity,
            tags=tags,
            correction=correction,
            comment=comment,
        )
        result = accept(
            store,
            note.id,
            note.version,
            reviewer=reviewer,
            everywhere=everywhere,
            add_to_glossary=add_to_glossary,
            role=role,
        )
        act.summary = f"Flagged and corrected “{note.text}” → “{result.annotation.correction}”" + summary(
            result
        )
    return result


def _variants(
    store: Store, note: Annotation, fix: str, document_id: int, everywhere: bool
) -> tuple[list[str], list[Annotation]]:
    """The wrong forms accepting ``note`` with ``fix`` corrects, and the open annotations it
    accepts with it. Everywhere, the variants are the document's other spellings marked with the
    same correction; accepted ones count too: accepting one for its own sentence first must not
    hide its spelling from "everywhere" later."""
    forms, still_open = [note.text], []
    if everywhere:
        for other in store.annotations(document_id=document_id):
            if other.id == note.id or other.status == "dismissed" or other.correction.strip() != fix:
                continue
            if other.status == "open":
                still_open.append(other)
            forms.append(other.text)
    return list(dict.fromkeys(f for f in forms if f)), still_open


def plan_accept(
    store: Store, annotation_id: int, correction: str | None, *, everywhere: bool, system_id: int | None
) -> list[PlannedChange]:
    """What accepting the annotation would change, sentence by sentence (the preview)."""
    note = store.annotation(annotation_id)
    fix = (note.correction if correction is None else correction).strip()
    if not fix or fix == note.text or not note.text:
        return []
    document_id = store.segment(note.segment_id).document_id
    forms, _ = _variants(store, note, fix, document_id, everywhere)
    return plan_corrections(
        store,
        document_id,
        forms,
        fix,
        system_id=note.system_id or system_id,
        segment_ids=None if everywhere else [note.segment_id],
    )


def _follow_up(
    store: Store,
    note: Annotation,
    document_id: int,
    reviewer: str,
    *,
    everywhere: bool,
    to_glossary: bool,
    role: Role,
) -> AcceptResult:
    fix = note.correction.strip()
    if not fix or fix == note.text:
        return AcceptResult(note)
    forms, still_open = _variants(store, note, fix, document_id, everywhere)
    for other in still_open:
        store.update_annotation(
            other.id, expected_version=other.version, changed_by=reviewer, status="accepted"
        )
    changed = _correct(
        store,
        document_id,
        forms,
        fix,
        reviewer=reviewer,
        system_id=note.system_id,
        segment_ids=None if everywhere else [note.segment_id],
        category=note.category,
        tags=note.tags,
    )
    added: list[GlossaryEntry] = []
    known_name = None
    to_glossary = to_glossary and (note.garbled_name or note.category.startswith("Terminology"))
    if to_glossary:
        require_lead(role, f"add “{fix}” to the glossary and the known names", reviewer)
        known = {e.wrong.casefold() for e in store.glossary_entries()}
        kind = "name" if note.garbled_name else "term"
        for form in forms:
            if form.casefold() in known or form == fix:
                continue
            added.append(
                glossary_flow.add_to_glossary(
                    store, form, fix, kind=kind, added_by=reviewer, document_id=document_id, role=role
                )
            )
            known.add(form.casefold())
        if note.garbled_name:
            known_name = glossary_flow.accept_name(
                store, fix, variants=forms, added_by=reviewer, document_id=document_id, role=role
            )
    return AcceptResult(
        note,
        tuple(forms),
        tuple(o.id for o in still_open),
        everywhere,
        changed.segment_ids,
        to_glossary,
        tuple(added),
        known_name,
    )


def summary(result: AcceptResult) -> str:
    """What accepting changed beyond the annotation itself, as the end of a confirmation."""
    notes = []
    if result.segment_ids:
        notes.append(f"{len(result.segment_ids)} sentence(s) corrected")
    if result.added_to_glossary:
        n = len(result.glossary_entries)
        notes.append(f"{n} glossary entr{'y' if n == 1 else 'ies'} added")
    return (": " + ", ".join(notes)) if notes else ""


# -- post-edit and approve ---------------------------------------------------------------------------


def save_post_edit(
    store: Store, segment_id: int, text: str, *, reviewer: str, expected_version: int | None
) -> ReferenceRow:
    """Save the reviewer's English as a draft reference (an approved one goes back to draft)."""
    text = _clean(store, text, segment_id)
    with store.action(reviewer, "post-edit", segment_id=segment_id) as act:
        act.document_id = store.segment(segment_id).document_id
        act.summary = f"Saved a draft of {_sentence(store, segment_id)}"
        return store.save_reference(segment_id, text, reviewer=reviewer, expected_version=expected_version)


def approve(
    store: Store,
    segment_id: int,
    *,
    reviewer: str,
    expected_version: int | None,
    text: str | None = None,
    system_id: int | None = None,
) -> ReferenceRow:
    """Approve a segment's English as reference.

    ``text`` is what the editor shows; without it the saved reference is approved as it is, or,
    when there is none, the system's translation (default: the document's default system).
    """
    with store.action(reviewer, "approve", segment_id=segment_id) as act:
        segment = store.segment(segment_id)
        act.document_id = segment.document_id
        act.summary = f"Approved {_sentence(store, segment_id)}"
        if text is None:
            current = store.reference(segment_id)
            if current is not None:
                text = current.text  # a stale version makes save_reference raise the conflict
            else:
                shown = store.translations(segment.document_id, system_id).get(segment_id)
                if shown is None:
                    raise InputError(
                        f"{_sentence(store, segment_id)} has neither a translation nor a post-edit to "
                        "approve; type the English first."
                    )
                text = shown.text
        return store.save_reference(
            segment_id,
            _clean(store, text, segment_id),
            reviewer=reviewer,
            expected_version=expected_version,
            status="approved",
        )


def _clean(store: Store, text: str, segment_id: int) -> str:
    text = text.strip()
    if not text:
        raise InputError(
            f"the English of {_sentence(store, segment_id)} is empty; "
            "type the post-edited sentence before saving."
        )
    return text


# -- undo ---------------------------------------------------------------------------------------


def undo_last(
    store: Store, reviewer: str, *, document_id: int | None = None, role: Role = Role.LEAD
) -> HistoryEntry:
    """Undo the reviewer's own last action (in a document, or anywhere)."""
    last = store.last_action(reviewer, document_id=document_id)
    if last is None:
        raise InputError(f"{reviewer} has nothing to undo{' in this document' if document_id else ''}.")
    return undo(store, last.id, actor=reviewer, role=role)


def undo(store: Store, entry_id: int, *, actor: str, role: Role = Role.LEAD) -> HistoryEntry:
    """Undo one history entry: a reviewer's own, or (a lead) anyone's. ConflictError, changing
    nothing, when a row it changed was changed again since."""
    entry = store.history_entry(entry_id)
    summary = entry.summary or entry.action
    require_undo(role, actor, entry.actor, summary)
    if any(c.table in LEAD_TABLES for c in entry.changes):
        require_lead(role, f"undo “{summary}”, which changed the glossary or the known names", actor)
    return store.undo(entry_id, actor=actor)


# -- MQM of what reviewers found ----------------------------------------------------------------


def counted(notes: Sequence[Annotation]) -> list[Annotation]:
    """The annotations that are errors someone stands behind: not dismissed, and a detector's
    suggestion only once a reviewer accepted it."""
    return [
        a for a in notes if a.status != "dismissed" and (a.origin != "detector" or a.status == "accepted")
    ]


def sentence_mqm(notes: Sequence[Annotation]) -> float | None:
    """The sentence's MQM score (lower is better): each rater's error weights summed, averaged
    over raters; None when nobody annotated it. An accepted detector suggestion counts for the
    reviewer who accepted it."""
    per_rater: dict[str, float] = {}
    for note in counted(notes):
        rater = note.changed_by if note.origin == "detector" else note.rater
        cost = mqm.weight(note.category, mqm.parse_severity(note.severity))
        per_rater[rater] = per_rater.get(rater, 0.0) + cost
    return sum(per_rater.values()) / len(per_rater) if per_rater else None
