"""Documents in and out: import (articles, line-aligned files, the bundled seed), delete,
export approved references, and `show` (a document as its reviewers left it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from workbench import exchange
from workbench.errors import InputError, WorkbenchError
from workbench.roles import Role, require_lead
from workbench.segment import Segment, parse_article, parse_lines
from workbench.store import IMPORTED_SYSTEM, Annotation, NewTranslation, Store
from workbench.textio import TextFile, read_text, write_atomic

IMPORT_REVIEWER = "import"
"""Reviewer recorded for references that came in through `workbench import --ref`."""


@dataclass(frozen=True)
class ImportResult:
    document_id: int
    title: str
    n_segments: int
    n_translations: int
    n_references: int
    warnings: tuple[str, ...] = ()
    system: str = ""  # the system the imported MT belongs to


def import_article(
    store: Store,
    text: str,
    *,
    title: str = "",
    source_name: str = "",
    created_by: str = "",
    role: Role = Role.LEAD,
) -> ImportResult:
    """Segment a German article (paragraphs -> sentences, boilerplate marked) and store it
    (leads only, as every import)."""
    require_lead(role, "import documents", created_by)
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
    system: str = IMPORTED_SYSTEM,
    role: Role = Role.LEAD,
) -> ImportResult:
    """Import line-aligned files: one segment per line, MT stored as the system ``system``
    (default "imported"), references approved. Leads only.

    All files must have the same number of lines, and a line blank in one must be blank in all
    (otherwise the lines after it would pair with the wrong sentence).
    """
    require_lead(role, "import documents", created_by)
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
            target = store.add_system(system)
            store.save_translations(
                target.id,
                [NewTranslation(sid, text) for sid, text in zip(segment_ids, mt_lines, strict=True)],
            )
        if ref is not None:
            for sid, text in zip(segment_ids, ref_lines, strict=True):
                store.save_reference(
                    sid, text, reviewer=IMPORT_REVIEWER, expected_version=None, status="approved"
                )
    warnings = tuple(w for f in files for w in f.warnings)
    return ImportResult(
        doc_id,
        title,
        len(segments),
        len(mt_lines),
        len(ref_lines),
        warnings,
        system if mt is not None else "",
    )


def import_files(
    store: Store,
    source: str | Path,
    *,
    mt: str | Path | None = None,
    ref: str | Path | None = None,
    title: str = "",
    created_by: str = "",
    system: str = IMPORTED_SYSTEM,
    role: Role = Role.LEAD,
) -> ImportResult:
    """`workbench import`: an article on its own, or aligned files when mt or ref is given."""
    require_lead(role, "import documents", created_by)
    german = read_text(source)
    if mt is None and ref is None:
        result = import_article(
            store, german.text, title=title, source_name=german.name, created_by=created_by, role=role
        )
        return replace(result, warnings=german.warnings)
    return import_aligned(
        store,
        german,
        mt=read_text(mt) if mt is not None else None,
        ref=read_text(ref) if ref is not None else None,
        title=title,
        created_by=created_by,
        system=system,
        role=role,
    )


def _headline(segments: tuple[Segment, ...] | list[Segment]) -> str:
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


def import_seed(
    store: Store, seeds_dir: str | Path, *, created_by: str = "", role: Role = Role.LEAD
) -> ImportResult:
    """Open the bundled seed article as a new document (again, if a lead asks)."""
    require_lead(role, "import documents", created_by)
    path = seed_file(seeds_dir)
    if path is None:
        raise WorkbenchError(
            f"no seed article (.txt) found in {os.fspath(seeds_dir)}; "
            "paste or upload a German article instead."
        )
    return import_article(
        store, read_text(path).text, source_name=path.name, created_by=created_by, role=role
    )


def import_seed_if_empty(store: Store, seeds_dir: str | Path) -> int | None:
    """On a database's first open, import the bundled seed article; returns its document id.

    Happens once per database: the decision is recorded in app_state, so deleting every
    document later does not bring the seed back, and a database that already had documents
    is never seeded. The check and the import share one write transaction, so two sessions
    or processes opening a fresh database at once import it once. None when nothing was
    imported (already decided, or no seed article in ``seeds_dir``).
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


def delete_document(store: Store, document_id: int, *, actor: str = "", role: Role = Role.LEAD) -> None:
    """Remove a document with its segments, translations, annotations and references (leads only)."""
    require_lead(role, "delete documents", actor)
    title = store.document(document_id).title
    with store.action(actor, "delete-document", document_id=document_id, summary=f"Deleted “{title}”"):
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


# -- show -------------------------------------------------------------------------------------


def status_of(reference_status: str | None) -> str:
    """A sentence's review status as people say it."""
    return {
        None: "untouched",
        "draft": "draft",
        "approved": "approved",
        "changed": "changed-since-approval",
    }[reference_status]


def _annotation_json(note: Annotation) -> dict[str, object]:
    def span(side: str) -> dict[str, object] | None:
        found = note.mt if side == "mt" else note.src
        return None if found is None else {"start": found.start, "end": found.end, "text": found.text}

    return {
        "id": note.id,
        "category": note.category,
        "severity": note.severity,
        "tags": list(note.tags),
        "mt_span": span("mt"),
        "src_span": span("src"),
        "correction": note.correction,
        "comment": note.comment,
        "status": note.status,
        "origin": note.origin,
        "rater": note.rater,
    }


def show(store: Store, document_id: int, system: str | None = None) -> dict[str, object]:
    """A document as its reviewers left it, JSON-ready: each sentence with its source, the
    system's raw MT and MT, the post-edit, its status and its annotations (`workbench show`)."""
    document = store.document(document_id)
    chosen = store.system(system) if system else store.default_system(document_id)
    rows = store.review_rows(document_id, chosen.id if chosen else None)
    return {
        "id": document.id,
        "title": document.title,
        "system": chosen.name if chosen else None,
        "systems": [s.name for s in store.systems(document_id)],
        "sentences": [
            {
                "number": row.segment.position + 1,
                "paragraph": row.segment.paragraph,
                "source": row.segment.source,
                "raw_mt": row.translation.raw if row.translation else None,
                "mt": row.translation.text if row.translation else None,
                "post_edit": row.reference.text if row.reference else None,
                "status": status_of(row.reference.status if row.reference else None),
                "version": row.reference.version if row.reference else None,
                "reviewer": row.reference.reviewer if row.reference else None,
                "boilerplate": row.segment.boilerplate,
                "annotations": [_annotation_json(a) for a in row.annotations],
            }
            for row in rows
        ],
    }
