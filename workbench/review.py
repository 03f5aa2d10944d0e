"""Review use cases over the store: import (and the seed), translate, detect and accept flags,
post-edit, approve, glossary, known names, export.

The CLI and the Streamlit app call these; they hold the rules (what an import must look
like, what "apply everywhere" changes) so that both front-ends behave the same. Each use
case that changes several rows does so in one transaction.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from workbench import exchange, glossary, names
from workbench.engine import Backend, DecodeOptions
from workbench.errors import InputError, StoreError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.glossary_io import neutralise_cell
from workbench.names.kb import KB_HEADER, KnowledgeBase
from workbench.segment import Segment, parse_article, parse_lines
from workbench.service import translate_sentences
from workbench.store import (
    IMPORTED_MODEL,
    FlagRow,
    GlossaryImport,
    KnownName,
    NewTranslation,
    ReferenceRow,
    ReviewRow,
    Store,
)
from workbench.textio import TextFile, read_text, write_atomic

IMPORT_REVIEWER = "import"
"""Reviewer recorded for references that came in through `workbench import --ref`."""


def default_reviewer() -> str:
    """Who is reviewing: WORKBENCH_REVIEWER, else the login name."""
    if name := os.environ.get("WORKBENCH_REVIEWER", "").strip():
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "reviewer"


# -- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    document_id: int
    title: str
    n_segments: int
    n_translations: int
    n_references: int
    warnings: tuple[str, ...] = ()


def import_article(
    store: Store, text: str, *, title: str = "", source_name: str = "", created_by: str = ""
) -> ImportResult:
    """Segment a German article (paragraphs -> sentences, boilerplate marked) and store it."""
    article = parse_article(text)
    if not article.segments:
        raise InputError(
            f"{source_name or 'the text'} has no sentences to review (only blank or punctuation lines). "
            "Give a German article with at least one sentence."
        )
    title = title.strip() or _headline(article.segments)
    doc_id, _ = store.add_document(
        title, article.segments, source_name=source_name, source_text=text, created_by=created_by
    )
    return ImportResult(doc_id, title, len(article.segments), 0, 0)


def import_aligned(
    store: Store,
    source: TextFile,
    *,
    mt: TextFile | None = None,
    ref: TextFile | None = None,
    title: str = "",
    created_by: str = "",
) -> ImportResult:
    """Import line-aligned files: one segment per line, MT stored as model "imported", references approved.

    All files must have the same number of lines, and a line blank in one must be blank in all
    (otherwise the lines after it would pair with the wrong sentence).
    """
    files = [f for f in (source, mt, ref) if f is not None]
    articles = [parse_lines(f.text) for f in files]
    counts = [len(a.lines) for a in articles]
    if len(set(counts)) > 1:
        listing = ", ".join(f"{f.name} has {n}" for f, n in zip(files, counts, strict=True))
        raise InputError(
            f"aligned files must have the same number of lines: {listing}. "
            "Each line of the German file needs its translation on the same line of the others."
        )
    for number, lines in enumerate(zip(*(a.lines for a in articles), strict=True), start=1):
        blank = [f.name for f, line in zip(files, lines, strict=True) if not line]
        if blank and len(blank) < len(files):
            raise InputError(
                f"line {number} is blank in {', '.join(blank)} but not in the other files, so the lines "
                "are not aligned. Make every line hold the same sentence in each file."
            )
    segments = articles[0].segments
    if not segments:
        raise InputError(
            f"{source.name} has no lines to review. Give a file with one German sentence per line."
        )
    title = title.strip() or Path(source.name).stem
    mt_lines = [s.source for s in articles[1].segments] if mt is not None else []
    ref_lines = [s.source for s in articles[-1].segments] if ref is not None else []
    with store.transaction():
        doc_id, segment_ids = store.add_document(
            title, segments, source_name=source.name, source_text=source.text, created_by=created_by
        )
        if mt is not None:
            store.save_translations(
                IMPORTED_MODEL,
                IMPORTED_MODEL,
                [NewTranslation(sid, text) for sid, text in zip(segment_ids, mt_lines, strict=True)],
            )
        if ref is not None:
            for sid, text in zip(segment_ids, ref_lines, strict=True):
                store.save_reference(
                    sid, text, reviewer=IMPORT_REVIEWER, expected_version=None, status="approved"
                )
    warnings = tuple(w for f in files for w in f.warnings)
    return ImportResult(doc_id, title, len(segments), len(mt_lines), len(ref_lines), warnings)


def import_files(
    store: Store,
    source: str | Path,
    *,
    mt: str | Path | None = None,
    ref: str | Path | None = None,
    title: str = "",
    created_by: str = "",
) -> ImportResult:
    """`workbench import`: an article on its own, or aligned files when mt or ref is given."""
    german = read_text(source)
    if mt is None and ref is None:
        result = import_article(
            store, german.text, title=title, source_name=german.name, created_by=created_by
        )
        return replace(result, warnings=german.warnings)
    return import_aligned(
        store,
        german,
        mt=read_text(mt) if mt is not None else None,
        ref=read_text(ref) if ref is not None else None,
        title=title,
        created_by=created_by,
    )


def _headline(segments: Sequence[Segment]) -> str:
    first = next((s.source for s in segments if not s.boilerplate), segments[0].source)
    return first if len(first) <= 80 else first[:79] + "…"


# -- the bundled seed article ----------------------------------------------------------------

SEED_STATE = "seed"
"""app_state key: the seed's document id once imported, "" when the database already had
documents on its first open; absent while the first open is still to come."""
SEED_CREATOR = "seed"


def seed_file(seeds_dir: str | Path) -> Path | None:
    """The bundled seed article: the first .txt in ``seeds_dir`` by name, None if there is none."""
    folder = Path(seeds_dir)
    found = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return found[0] if found else None


def import_seed(store: Store, seeds_dir: str | Path, *, created_by: str = "") -> ImportResult:
    """Open the bundled seed article as a new document (again, if the reviewer asks)."""
    path = seed_file(seeds_dir)
    if path is None:
        raise WorkbenchError(
            f"no seed article (.txt) found in {os.fspath(seeds_dir)}; "
            "paste or upload a German article instead."
        )
    return import_article(store, read_text(path).text, source_name=path.name, created_by=created_by)


def import_seed_if_empty(store: Store, seeds_dir: str | Path) -> int | None:
    """On a database's first open, import the bundled seed article; returns its document id.

    Happens once per database: the decision is recorded in app_state, so deleting every
    document later does not bring the seed back, and a database that already had documents
    is never seeded. The check and the import share one BEGIN IMMEDIATE transaction, so two
    sessions or processes opening a fresh database at once import it once. None when nothing
    was imported (already decided, or no seed article in ``seeds_dir``).
    """
    if store.state(SEED_STATE) is not None:  # the usual case: no write lock needed
        return None
    path = seed_file(seeds_dir)
    if path is None:
        return None
    text = read_text(path).text  # outside the lock: file I/O
    with store.transaction():
        if store.state(SEED_STATE) is not None:
            return None  # another session decided meanwhile
        if store.has_documents():
            store.set_state(SEED_STATE, "")
            return None
        result = import_article(store, text, source_name=path.name, created_by=SEED_CREATOR)
        store.set_state(SEED_STATE, str(result.document_id))
    return result.document_id


# -- translate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslateResult:
    document_id: int
    model: str  # backend identity
    n_segments: int
    n_cached: int  # answered from the translation cache without decoding


def translate_document(
    store: Store,
    document_id: int,
    backend: Backend,
    options: DecodeOptions,
    progress: Callable[[int], None] | None = None,
    *,
    glossary_entries: Sequence[GlossaryEntry] | None = None,
) -> TranslateResult:
    """Translate every segment of a document with ``backend`` and store the results (one transaction).

    The glossary is the store's unless ``glossary_entries`` is given. Translations already made
    by this model are replaced.
    """
    segments = store.segments(document_id)
    if not segments:
        store.document(document_id)  # NotFoundError for a missing document
        raise InputError(f"document {document_id} has no segments to translate.")
    entries = store.glossary_entries() if glossary_entries is None else glossary_entries
    results = translate_sentences(
        [s.source for s in segments], backend, options, store=store, glossary=entries, progress=progress
    )
    store.save_translations(
        backend.identity,
        backend.model,
        [
            NewTranslation(seg.id, r.translation, r.raw, tuple(a.as_json() for a in r.applied))
            for seg, r in zip(segments, results, strict=True)
        ],
    )
    return TranslateResult(document_id, backend.identity, len(segments), sum(1 for r in results if r.cached))


# -- flags -----------------------------------------------------------------------------------


def _side_text(store: Store, segment_id: int, side: str, model: str) -> str:
    if side == "src":
        return store.segment(segment_id).source
    return store.translation(segment_id, model).text


def flag_span(
    store: Store,
    segment_id: int,
    *,
    side: str,
    start: int,
    end: int,
    kind: str,
    reviewer: str,
    correction: str = "",
    reason: str = "",
    model: str = "",
) -> FlagRow:
    """Flag characters start:end of the source (side "src") or of ``model``'s translation ("mt")."""
    text = _side_text(store, segment_id, side, model)
    if not 0 <= start < end <= len(text):
        raise StoreError(
            f"the span {start}-{end} is outside the {side} text of segment {segment_id} "
            f"({len(text)} characters); select the span again."
        )
    return store.add_flag(
        segment_id,
        side=side,
        start=start,
        end=end,
        text=text[start:end],
        kind=kind,
        reviewer=reviewer,
        correction=correction,
        reason=reason,
        model=model if side == "mt" else "",
    )


def flag_text(
    store: Store,
    segment_id: int,
    flagged: str,
    *,
    side: str,
    kind: str,
    reviewer: str,
    correction: str = "",
    reason: str = "",
    model: str = "",
    occurrence: int = 1,
) -> FlagRow:
    """Flag a typed or picked string: its ``occurrence``-th appearance (1 = first) on that side."""
    text = _side_text(store, segment_id, side, model)
    flagged = flagged.strip()
    start = -1
    for _ in range(max(occurrence, 1)):
        start = text.find(flagged, start + 1) if flagged else -1
        if start < 0:
            raise InputError(
                f"{flagged!r} does not occur {'' if occurrence == 1 else f'{occurrence} times '}in the "
                f"{'source' if side == 'src' else 'translation'} of segment {segment_id}; "
                "copy the text exactly as it appears."
            )
    return flag_span(
        store,
        segment_id,
        side=side,
        start=start,
        end=start + len(flagged),
        kind=kind,
        reviewer=reviewer,
        correction=correction,
        reason=reason,
        model=model,
    )


def set_flag_status(
    store: Store, flag_id: int, status: str, *, reviewer: str, expected_version: int
) -> FlagRow:
    """Accept or dismiss (or reopen) a flag; ConflictError if it changed since the reviewer loaded it."""
    return store.update_flag(flag_id, status=status, reviewer=reviewer, expected_version=expected_version)


# -- detected names ----------------------------------------------------------------------------


def _reviewer_kind(text: str) -> str:
    # The store knows the reviewer's three kinds; a mismatched number or date is not a name.
    return "other" if any(ch.isdigit() for ch in text) else "garbled-name"


def detect_flags(
    store: Store,
    document_id: int,
    kb: KnowledgeBase,
    glossary: Sequence[GlossaryEntry] | None = None,
) -> int:
    """Run the name checks over a document's source and newest MT; store new findings as open
    detector flags with suggestion and reason. Returns how many were added.

    The glossary is the store's unless given. A finding already on record for the same span
    and text (open, accepted or dismissed, by the detector or a reviewer) is not added again,
    so running it twice adds nothing and a dismissed finding stays dismissed; that check runs
    inside the write transaction, so two sessions cannot double a flag.
    """
    rows = store.review_rows(document_id)
    found = names.check_segments(
        [r.segment.source for r in rows],
        [r.translation.text if r.translation else "" for r in rows],
        kb=kb,
        glossary=store.glossary_entries() if glossary is None else glossary,
        corpus_spellings=corpus_spellings(store, kb, exclude_document=document_id),
    )
    added = 0
    with store.transaction():
        existing = {_flag_key(f) for f in store.flags(document_id=document_id)}
        # The checks ran outside the lock: skip MT findings whose translation changed meanwhile.
        current = store.translations(document_id)
        for flag in found:
            row = rows[flag.line - 1]
            if row.translation is None and flag.kind == "mismatch":
                continue  # "missing in the translation" only means: not translated yet
            model = ""
            if flag.side == "mt":
                shown = current.get(row.segment.id)
                if row.translation is None or shown is None or shown.id != row.translation.id:
                    continue
                if shown.text != row.translation.text:
                    continue
                model = shown.model
            key = (row.segment.id, flag.side, model, flag.start, flag.end, flag.text)
            if key in existing:
                continue
            store.add_flag(
                row.segment.id,
                side=flag.side,
                start=flag.start,
                end=flag.end,
                text=flag.text,
                kind=_reviewer_kind(flag.text),
                reviewer="detector",
                correction=flag.suggestion or "",
                reason=flag.reason,
                origin="detector",
                detector_kind=flag.kind,
                model=model,
            )
            existing.add(key)
            added += 1
    return added


def corpus_spellings(
    store: Store, kb: KnowledgeBase, *, side: str = "mt", exclude_document: int | None = None
) -> Counter[str]:
    """How often each spelling of a name occurs in the store's documents (names.spelling_counts).

    Side "mt" counts the English as it stands (references where reviewers made them, else the
    MT), so corrections outvote the garbles they replaced; "src" counts the German. The
    document under review is left out with ``exclude_document``: its own spellings are the
    document's consistency check, not evidence from the corpus.
    """
    texts = store.corpus_texts(side)
    texts.pop(exclude_document, None)
    return names.spelling_counts(texts.values(), kb, "en" if side == "mt" else "de")


def _flag_key(flag: FlagRow) -> tuple[int, str, str, int, int, str]:
    # A flag on the MT belongs to one model's translation; a new model's text is checked anew.
    return (
        flag.segment_id,
        flag.side,
        flag.model if flag.side == "mt" else "",
        flag.start,
        flag.end,
        flag.text,
    )


def name_candidates(row: ReviewRow, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(side, text) a reviewer may want to flag in one sentence: its flags first, then the names
    the name checks see in the MT and in the source."""
    seen: dict[tuple[str, str], None] = {(flag.side, flag.text): None for flag in row.flags}
    sides = [("mt", "en", row.translation.text if row.translation else ""), ("src", "de", row.segment.source)]
    for side, lang, text in sides:
        for candidate in names.candidates(text, lang, kb=kb):
            seen[(side, candidate.text)] = None
    return list(seen)


# -- accepting a correction ----------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptResult:
    """What accepting a flag changed, for the confirmation the reviewer sees."""

    flag: FlagRow  # as accepted
    forms: tuple[str, ...] = ()  # wrong forms corrected: the flag's text, then the variants'
    variant_flag_ids: tuple[int, ...] = ()  # other open flags with the same correction, accepted too
    applied_everywhere: bool = False  # the correction was applied to the document's English
    segment_ids: tuple[int, ...] = ()  # sentences whose English changed
    added_to_glossary: bool = False  # the glossary step ran (its entries may all exist already)
    glossary_entries: tuple[GlossaryEntry, ...] = ()  # entries it added
    known_name: KnownName | None = None  # the name record the correction extended


def accept_flag(
    store: Store,
    flag_id: int,
    expected_version: int,
    *,
    correction: str | None = None,
    reviewer: str,
    apply_everywhere: bool,
    add_to_glossary: bool,
) -> AcceptResult:
    """Accept a flag with its correction (None keeps the flag's own), in one transaction.

    With ``apply_everywhere`` an MT flag's correction also accepts the document's other open MT
    flags that have the same correction (Millie and Milli -> Milley) and replaces every form
    in the document's English (see apply_everywhere). With ``add_to_glossary`` a name or term
    correction adds each wrong form to the glossary, and a name extends the known names.
    ConflictError, changing nothing, if the flag is no longer at ``expected_version``.
    """
    with store.transaction():
        flag = store.update_flag(
            flag_id,
            expected_version=expected_version,
            reviewer=reviewer,
            status="accepted",
            correction=None if correction is None else correction.strip(),
        )
        return _follow_up(store, flag, reviewer, everywhere=apply_everywhere, to_glossary=add_to_glossary)


def flag_and_accept(
    store: Store,
    segment_id: int,
    flagged: str,
    *,
    side: str,
    kind: str,
    reviewer: str,
    correction: str,
    reason: str = "",
    model: str = "",
    apply_everywhere: bool,
    add_to_glossary: bool,
) -> AcceptResult:
    """Flag a typed or picked string and accept its correction at once (one transaction)."""
    with store.transaction():
        flag = flag_text(
            store,
            segment_id,
            flagged,
            side=side,
            kind=kind,
            reviewer=reviewer,
            correction=correction.strip(),
            reason=reason,
            model=model,
        )
        return accept_flag(
            store,
            flag.id,
            flag.version,
            reviewer=reviewer,
            apply_everywhere=apply_everywhere,
            add_to_glossary=add_to_glossary,
        )


def _follow_up(
    store: Store, flag: FlagRow, reviewer: str, *, everywhere: bool, to_glossary: bool
) -> AcceptResult:
    fix = flag.correction.strip()
    if not fix or fix == flag.text:
        return AcceptResult(flag)
    document_id = store.segment(flag.segment_id).document_id
    everywhere = everywhere and flag.side == "mt"
    forms = [flag.text]
    variant_ids = []
    if everywhere:
        for other in store.flags(document_id=document_id, status="open"):
            if other.id != flag.id and other.side == "mt" and other.correction.strip() == fix:
                store.update_flag(
                    other.id, expected_version=other.version, reviewer=reviewer, status="accepted"
                )
                variant_ids.append(other.id)
                forms.append(other.text)
    forms = list(dict.fromkeys(forms))
    changed: dict[int, None] = {}
    if everywhere:
        for form in forms:
            result = apply_everywhere(store, document_id, form, fix, reviewer=reviewer, kind=flag.kind)
            changed.update(dict.fromkeys(result.segment_ids))
    added: list[GlossaryEntry] = []
    known_name = None
    to_glossary = to_glossary and flag.kind in ("garbled-name", "terminology")
    if to_glossary:
        known = {e.wrong.casefold() for e in store.glossary_entries()}
        kind = "name" if flag.kind == "garbled-name" else "term"
        for form in forms:
            if form.casefold() in known or form == fix:
                continue
            added.append(
                add_to_glossary(store, form, fix, kind=kind, added_by=reviewer, document_id=document_id)
            )
            known.add(form.casefold())
        if flag.kind == "garbled-name":
            known_name = accept_name(store, fix, variants=forms, added_by=reviewer, document_id=document_id)
    return AcceptResult(
        flag,
        tuple(forms),
        tuple(variant_ids),
        everywhere,
        tuple(changed),
        to_glossary,
        tuple(added),
        known_name,
    )


# -- references ----------------------------------------------------------------------------


def save_post_edit(
    store: Store, segment_id: int, text: str, *, reviewer: str, expected_version: int | None
) -> ReferenceRow:
    """Save the reviewer's English as a draft reference (an approved one goes back to draft)."""
    return store.save_reference(
        segment_id, _clean(text, segment_id), reviewer=reviewer, expected_version=expected_version
    )


def approve(
    store: Store,
    segment_id: int,
    *,
    reviewer: str,
    expected_version: int | None,
    text: str | None = None,
    model: str | None = None,
) -> ReferenceRow:
    """Approve a segment's English as reference.

    ``text`` is what the editor shows; without it the saved reference is approved as it is, or,
    when there is none, the translation (of ``model``, else the newest) is approved unchanged.
    """
    with store.transaction():
        if text is None:
            current = store.reference(segment_id)
            if current is not None and current.version == expected_version:
                text = current.text
            elif current is None:
                segment = store.segment(segment_id)
                shown = store.translations(segment.document_id, model).get(segment_id)
                if shown is None:
                    raise InputError(
                        f"segment {segment_id} has neither a translation nor a post-edit to approve; "
                        "type the English first."
                    )
                text = shown.text
            else:
                text = current.text  # the stale version makes save_reference raise the conflict
        return store.save_reference(
            segment_id,
            _clean(text, segment_id),
            reviewer=reviewer,
            expected_version=expected_version,
            status="approved",
        )


def _clean(text: str, segment_id: int) -> str:
    text = text.strip()
    if not text:
        raise InputError(
            f"the English for segment {segment_id} is empty; type the post-edited sentence before saving."
        )
    return text


@dataclass(frozen=True)
class ApplyResult:
    wrong: str
    right: str
    segment_ids: tuple[int, ...]  # segments whose reference changed
    n_replacements: int
    n_flags: int  # new accepted flags recording the correction on the MT


def apply_everywhere(
    store: Store,
    document_id: int,
    wrong: str,
    right: str,
    *,
    reviewer: str,
    model: str | None = None,
    kind: str = "garbled-name",
) -> ApplyResult:
    """Replace ``wrong`` by ``right`` in the English of every segment of a document (one transaction).

    The English is the segment's reference if it has one, else its translation (of ``model``,
    else the newest); whole words, case-insensitive, as the glossary matches. Changed segments
    get a reference that keeps its status (a new one is a draft), and each occurrence in the MT
    that is not flagged yet gets an accepted flag with the correction, so the change is on record.
    """
    wrong, right = wrong.strip(), right.strip()
    if not wrong or not right or wrong == right:
        raise InputError(
            f"apply to every occurrence needs a wrong form and a different correct form; "
            f"got {wrong!r} -> {right!r}."
        )
    entry = [GlossaryEntry(wrong, right)]
    changed: list[int] = []
    n_replacements = n_flags = 0
    with store.transaction():
        for row in store.review_rows(document_id, model):
            mt = row.translation
            if mt is not None:
                flagged = {(f.start, f.end) for f in row.flags if f.side == "mt"}
                for start, end, _ in glossary.find(mt.text, entry):
                    if (start, end) in flagged or mt.text[start:end] == right:
                        continue
                    store.add_flag(
                        row.segment.id,
                        side="mt",
                        start=start,
                        end=end,
                        text=mt.text[start:end],
                        kind=kind,
                        reviewer=reviewer,
                        correction=right,
                        status="accepted",
                        model=mt.model,
                    )
                    n_flags += 1
            english = row.reference.text if row.reference else (mt.text if mt else "")
            new, replaced = glossary.apply(english, entry)
            if not replaced:
                continue
            store.save_reference(
                row.segment.id,
                new,
                reviewer=reviewer,
                expected_version=row.reference.version if row.reference else None,
                status=row.reference.status if row.reference else "draft",
            )
            changed.append(row.segment.id)
            n_replacements += len(replaced)
    return ApplyResult(wrong, right, tuple(changed), n_replacements, n_flags)


# -- glossary and names -----------------------------------------------------------------------


def add_to_glossary(
    store: Store,
    wrong: str,
    right: str,
    *,
    kind: str = "name",
    note: str = "",
    added_by: str = "",
    document_id: int | None = None,
    replace: bool = False,
) -> GlossaryEntry:
    """Add a correction to the glossary, so later translations get it automatically."""
    return store.add_glossary_entry(
        GlossaryEntry(wrong.strip(), right.strip(), kind, note, added_by, document_id), replace=replace
    )


def accept_name(
    store: Store,
    canonical: str,
    *,
    german: str = "",
    variants: Sequence[str] = (),
    added_by: str = "",
    document_id: int | None = None,
) -> KnownName:
    """Record a reviewer-accepted name so the name checks know it from now on."""
    return store.add_known_name(
        canonical, german=german, variants=variants, added_by=added_by, document_id=document_id
    )


def save_glossary_table(
    store: Store, base: Iterable[GlossaryEntry], entries: Iterable[GlossaryEntry], *, reviewer: str
) -> GlossaryImport:
    """The app's glossary table save: write the reviewer's changes from ``base`` (the table as
    loaded) to ``entries``, keeping what others changed meanwhile; ConflictError, saving
    nothing, when someone else changed a row the reviewer changed too."""
    return store.save_glossary_edits(base, entries, changed_by=reviewer)


def import_glossary(store: Store, entries: Iterable[GlossaryEntry], *, added_by: str = "") -> GlossaryImport:
    """Add or update entries (a glossary file), keeping the others; unattributed ones get ``added_by``."""
    return store.import_glossary([replace(e, added_by=e.added_by or added_by) for e in entries])


def known_names_csv(known: Iterable[KnownName]) -> bytes:
    """Known names in corpus/names.csv's format (variants joined by "|"), cells a spreadsheet
    would run as a formula neutralised; the file can be appended to the knowledge base."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KB_HEADER)
    for name in known:
        row = (name.canonical, name.german, "|".join(name.variants), "person", "", "")
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def export_known_names(store: Store, path: str | Path) -> int:
    """Write the reviewer-accepted names to a CSV file atomically; returns how many."""
    known = store.known_names()
    write_atomic(path, known_names_csv(known))
    return len(known)


# -- documents --------------------------------------------------------------------------------


def delete_document(store: Store, document_id: int) -> None:
    """Remove a document with its segments, translations, flags and references."""
    store.delete_document(document_id)


# -- export -------------------------------------------------------------------------------------


def export_units(store: Store, document_id: int | None = None) -> list[exchange.Unit]:
    """Approved references as export units; WorkbenchError when there are none."""
    if document_id is not None:
        store.document(document_id)
    approved = store.approved_references(document_id)
    if not approved:
        where = f"document {document_id}" if document_id is not None else "the database"
        raise WorkbenchError(
            f"{where} has no approved references to export. Approve post-edits in the review app "
            "(or import them with `workbench import DE --ref EN`) first."
        )
    return [
        exchange.Unit(a.document_id, a.segment_id, a.source, a.text, a.reviewer, a.updated) for a in approved
    ]


def export_bytes(store: Store, fmt: str, document_id: int | None = None) -> bytes:
    """Approved references as TMX, JSONL or TXT bytes (for downloads)."""
    return exchange.dump(export_units(store, document_id), fmt)


def export_references(store: Store, path: str | Path, fmt: str, document_id: int | None = None) -> int:
    """Write approved references to ``path`` atomically; returns how many were written."""
    units = export_units(store, document_id)
    write_atomic(path, exchange.dump(units, fmt))
    return len(units)
