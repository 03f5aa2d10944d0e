"""SQLite access: the workbench's one database (translation cache, documents, reviews, glossary).

WAL mode and a busy timeout let the CLI, the app and several reviewers share one file;
every multi-row change runs in one transaction (``Store.transaction``).

No lost update: a reference or a flag is saved with the version the editor started from
(``expected_version``). The save is an ``UPDATE ... WHERE id = ? AND version = ?`` inside
BEGIN IMMEDIATE; if another reviewer saved in between, nothing changes and ConflictError
says who changed it, when, and what to do.

Rows come back as small frozen dataclasses (Document, SegmentRow, TranslationRow, FlagRow,
ReferenceRow, ReviewRow...), built in a few queries per screen, never one per segment.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from workbench import migrations
from workbench.errors import ConflictError, GlossaryError, NotFoundError, StoreError
from workbench.glossary import KINDS as GLOSSARY_KINDS
from workbench.glossary import GlossaryEntry
from workbench.segment import Segment

BUSY_TIMEOUT_MS = 30_000
_SQL_VARS = 500  # stay well under SQLite's host-parameter limit
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

FLAG_SIDES = ("src", "mt")
FLAG_KINDS = ("garbled-name", "terminology", "other")
FLAG_STATUSES = ("open", "accepted", "dismissed")
FLAG_ORIGINS = ("reviewer", "detector")
REFERENCE_STATUSES = ("draft", "approved")
IMPORTED_MODEL = "imported"
"""Model identity (and name) of translations imported from a file instead of decoded."""


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    source_name: str  # file it was imported from; "" when pasted
    created: str  # ISO 8601 UTC
    n_segments: int
    n_translated: int  # segments with a translation by any model
    n_flagged: int  # segments with at least one flag that is not dismissed
    n_approved: int  # segments with an approved reference
    created_by: str = ""


@dataclass(frozen=True)
class SegmentRow:
    id: int
    document_id: int
    paragraph: int  # 1-based
    sentence: int  # 1-based within the paragraph
    position: int  # 0-based reading order in the document
    source: str
    boilerplate: bool


@dataclass(frozen=True)
class TranslationRow:
    id: int
    segment_id: int
    model: str  # identity (name + weights hash) or "imported"
    model_name: str
    text: str  # after glossary replacements
    raw: str  # as the model produced it
    applied: tuple[Mapping[str, str], ...]  # glossary replacements: {"from": ..., "to": ...}
    created: str


@dataclass(frozen=True)
class NewTranslation:
    """A translation to store for one segment (see Store.save_translations)."""

    segment_id: int
    text: str
    raw: str | None = None  # defaults to text
    applied: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class FlagRow:
    id: int
    segment_id: int
    side: str  # "src" | "mt"
    start: int  # character span in the source (side src) or in the model's translation (side mt)
    end: int
    text: str  # the flagged characters, text[start:end] of that side
    kind: str  # "garbled-name" | "terminology" | "other"
    status: str  # "open" | "accepted" | "dismissed"
    correction: str
    reason: str
    reviewer: str  # who last changed it
    origin: str  # "reviewer" | "detector"
    version: int
    updated: str
    detector_kind: str = ""  # the detector's own label when origin is "detector"
    model: str = ""  # for side "mt": identity of the translation the span refers to
    created: str = ""


@dataclass(frozen=True)
class ReferenceRow:
    id: int
    segment_id: int
    text: str
    reviewer: str  # who last changed it
    status: str  # "draft" | "approved"
    version: int
    updated: str


@dataclass(frozen=True)
class ReviewRow:
    """Everything the review screen shows for one sentence."""

    segment: SegmentRow
    translation: TranslationRow | None  # of the requested model (or the newest one)
    reference: ReferenceRow | None
    flags: tuple[FlagRow, ...]  # all flags on the source, and those on this translation


@dataclass(frozen=True)
class ScorePair:
    """One segment with both a machine translation and an approved reference, for scoring."""

    document_id: int
    document_title: str
    segment_id: int
    position: int
    source: str
    mt: str
    reference: str
    model: str
    model_name: str


@dataclass(frozen=True)
class ApprovedReference:
    """One approved reference, for export."""

    document_id: int
    segment_id: int
    position: int
    source: str
    text: str
    reviewer: str
    updated: str


@dataclass(frozen=True)
class KnownName:
    id: int
    canonical: str  # English spelling
    german: str
    variants: tuple[str, ...]
    added_by: str
    document_id: int | None


@dataclass(frozen=True)
class GlossaryImport:
    added: int
    updated: int
    unchanged: int


class Store:
    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Store:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _enable_wal(db)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                migrations.migrate(db)
        except (sqlite3.DatabaseError, OSError) as err:
            raise StoreError(
                f"cannot open the workbench database {path}: {err}. "
                "Check the path (--db or WORKBENCH_DB) points to a writable SQLite file."
            ) from err
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; rolls back on any exception.

        Nested use joins the outer transaction, so a use case can group several store
        calls into one atomic change.
        """
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back by itself (disk full, I/O error): a second
            # ROLLBACK would fail and hide the error that matters.
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    # -- translation cache -------------------------------------------------

    def cached_translations(self, model: str, options: str, sources: Iterable[str]) -> dict[str, str]:
        """Translations already in the cache for these sources, keyed by source."""
        wanted = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted, _SQL_VARS):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT source, translation FROM translation_cache"
                f" WHERE model = ? AND options = ? AND source IN ({marks})",
                (model, options, *chunk),
            )
            found.update((row["source"], row["translation"]) for row in rows)
        return found

    def cache_translations(self, model: str, options: str, pairs: Mapping[str, str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO translation_cache (model, options, source, translation)"
                " VALUES (?, ?, ?, ?)",
                [(model, options, src, tgt) for src, tgt in pairs.items()],
            )

    # -- documents and segments ----------------------------------------------

    def add_document(
        self,
        title: str,
        segments: Sequence[Segment],
        *,
        source_name: str = "",
        source_text: str = "",
        created_by: str = "",
    ) -> tuple[int, list[int]]:
        """Store a document and its segments in reading order; returns (document id, segment ids)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO documents (title, source_name, source_text, created_by) VALUES (?, ?, ?, ?)",
                (title, source_name, source_text, created_by),
            )
            doc_id = cur.lastrowid
            segment_ids = []
            for position, seg in enumerate(segments):
                cur = db.execute(
                    "INSERT INTO segments (document_id, position, paragraph, sentence, source, boilerplate)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (doc_id, position, seg.paragraph, seg.sentence, seg.source, int(seg.boilerplate)),
                )
                segment_ids.append(cur.lastrowid)
        return doc_id, segment_ids

    def documents(self) -> list[Document]:
        """All documents, newest first, with their review counts."""
        return [_document(row) for row in self.db.execute(_DOCUMENTS_SQL + " ORDER BY d.id DESC")]

    def document(self, document_id: int) -> Document:
        row = self.db.execute(_DOCUMENTS_SQL + " WHERE d.id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"there is no document {document_id}. Run `workbench documents` to list the documents."
            )
        return _document(row)

    def document_text(self, document_id: int) -> str:
        """The German text as it was imported."""
        self.document(document_id)
        row = self.db.execute("SELECT source_text FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row["source_text"]

    def delete_document(self, document_id: int) -> None:
        """Remove a document with its segments, translations, flags and references."""
        with self.transaction() as db:
            if db.execute("DELETE FROM documents WHERE id = ?", (document_id,)).rowcount == 0:
                raise NotFoundError(f"there is no document {document_id} to delete.")

    def has_documents(self) -> bool:
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM documents)").fetchone()[0] == 1

    def corpus_texts(self, side: str) -> dict[int, str]:
        """Every document's text, one segment per line, keyed by document id.

        Side "src" is the German; side "mt" the English as it stands: a segment's reference if
        it has one, else its newest translation (a segment with neither gives an empty line).
        """
        _check_choice("side", side, FLAG_SIDES)
        english = (
            "coalesce(r.text, (SELECT t.text FROM translations t WHERE t.segment_id = s.id"
            " ORDER BY t.created DESC, t.id DESC LIMIT 1), '')"
        )
        rows = self.db.execute(
            f"SELECT s.document_id, {'s.source' if side == 'src' else english} AS text FROM segments s"
            " LEFT JOIN segment_references r ON r.segment_id = s.id ORDER BY s.document_id, s.position"
        )
        lines: dict[int, list[str]] = {}
        for row in rows:
            lines.setdefault(row["document_id"], []).append(row["text"])
        return {doc: "\n".join(texts) for doc, texts in lines.items()}

    def segments(self, document_id: int) -> list[SegmentRow]:
        rows = self.db.execute(
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? ORDER BY position", (document_id,)
        )
        return [_segment(row) for row in rows]

    def segment(self, segment_id: int) -> SegmentRow:
        row = self.db.execute(
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE id = ?", (segment_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no segment {segment_id}; reload the document.")
        return _segment(row)

    # -- translations ------------------------------------------------------------

    def save_translations(self, model: str, model_name: str, items: Iterable[NewTranslation]) -> int:
        """Store (or replace) each segment's translation by this model, all in one transaction."""
        rows = [
            (
                item.segment_id,
                model,
                model_name,
                item.text,
                item.text if item.raw is None else item.raw,
                json.dumps([dict(a) for a in item.applied], ensure_ascii=False),
            )
            for item in items
        ]
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO translations (segment_id, model, model_name, text, raw, applied)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (segment_id, model) DO UPDATE SET"
                f" model_name = excluded.model_name, text = excluded.text, raw = excluded.raw,"
                f" applied = excluded.applied, created = {_NOW}",
                rows,
            )
        return len(rows)

    def translations(self, document_id: int, model: str | None = None) -> dict[int, TranslationRow]:
        """Each segment's translation by ``model`` (identity), or its newest one; keyed by segment id."""
        found: dict[int, TranslationRow] = {}
        rows = self.db.execute(
            f"SELECT {_TRANSLATION_COLUMNS} FROM translations t JOIN segments s ON s.id = t.segment_id"
            " WHERE s.document_id = ? AND (? IS NULL OR t.model = ?) ORDER BY t.created, t.id",
            (document_id, model, model),
        )
        for row in rows:
            found[row["segment_id"]] = _translation(row)  # later rows win: newest
        return found

    def translation(self, segment_id: int, model: str) -> TranslationRow:
        """The segment's translation by ``model`` (identity)."""
        row = self.db.execute(
            f"SELECT {_TRANSLATION_COLUMNS} FROM translations t WHERE t.segment_id = ? AND t.model = ?",
            (segment_id, model),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"segment {segment_id} has no translation by {model or '(no model given)'}; "
                "translate it first."
            )
        return _translation(row)

    def models(self, document_id: int | None = None) -> list[tuple[str, str]]:
        """(identity, name) of the models with translations, in a document or anywhere; newest first."""
        rows = self.db.execute(
            "SELECT t.model, t.model_name, max(t.created) AS newest FROM translations t"
            " JOIN segments s ON s.id = t.segment_id WHERE ? IS NULL OR s.document_id = ?"
            " GROUP BY t.model ORDER BY newest DESC",
            (document_id, document_id),
        )
        return [(row["model"], row["model_name"]) for row in rows]

    # -- flags ---------------------------------------------------------------------

    def add_flag(
        self,
        segment_id: int,
        *,
        side: str,
        start: int,
        end: int,
        text: str,
        kind: str,
        reviewer: str,
        correction: str = "",
        reason: str = "",
        status: str = "open",
        origin: str = "reviewer",
        detector_kind: str = "",
        model: str = "",
    ) -> FlagRow:
        """Record a flag on a span of the source or of a translation."""
        _check_choice("side", side, FLAG_SIDES)
        _check_choice("flag kind", kind, FLAG_KINDS)
        _check_choice("flag status", status, FLAG_STATUSES)
        _check_choice("flag origin", origin, FLAG_ORIGINS)
        if not 0 <= start < end or end - start != len(text):
            raise StoreError(
                f"the span {start}-{end} does not fit the flagged text {text!r}; "
                "a span is start < end with end - start = the text's length."
            )
        with self.transaction() as db:
            self.segment(segment_id)
            cur = db.execute(
                'INSERT INTO flags (segment_id, side, model, start, "end", text, kind, origin, detector_kind,'
                " status, correction, reason, reviewer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    segment_id,
                    side,
                    model,
                    start,
                    end,
                    text,
                    kind,
                    origin,
                    detector_kind,
                    status,
                    correction,
                    reason,
                    reviewer,
                ),
            )
            return self.flag(cur.lastrowid)

    def flag(self, flag_id: int) -> FlagRow:
        row = self.db.execute(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE id = ?", (flag_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no flag {flag_id}; someone may have deleted it. Reload the page.")
        return _flag(row)

    def flags(
        self, *, document_id: int | None = None, segment_id: int | None = None, status: str | None = None
    ) -> list[FlagRow]:
        """Flags filtered by document, segment and status, in reading order."""
        rows = self.db.execute(
            f"SELECT {_FLAG_COLUMNS_F} FROM flags f JOIN segments s ON s.id = f.segment_id"
            " WHERE (?1 IS NULL OR s.document_id = ?1) AND (?2 IS NULL OR f.segment_id = ?2)"
            " AND (?3 IS NULL OR f.status = ?3) ORDER BY s.document_id, s.position, f.side, f.start, f.id",
            (document_id, segment_id, status),
        )
        return [_flag(row) for row in rows]

    def update_flag(
        self,
        flag_id: int,
        *,
        expected_version: int,
        reviewer: str,
        status: str | None = None,
        correction: str | None = None,
        reason: str | None = None,
        kind: str | None = None,
    ) -> FlagRow:
        """Change a flag's status, correction, reason or kind; None leaves a field as it is.

        Raises ConflictError, changing nothing, when the flag is no longer at expected_version.
        """
        if status is not None:
            _check_choice("flag status", status, FLAG_STATUSES)
        if kind is not None:
            _check_choice("flag kind", kind, FLAG_KINDS)
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE flags SET status = coalesce(?, status), correction = coalesce(?, correction),"
                " reason = coalesce(?, reason), kind = coalesce(?, kind), reviewer = ?,"
                f" version = version + 1, updated = {_NOW} WHERE id = ? AND version = ?",
                (status, correction, reason, kind, reviewer, flag_id, expected_version),
            ).rowcount
            current = self.flag(flag_id)
            if not changed:
                raise _conflict(
                    f"flag {flag_id} ({current.text!r})", current.reviewer, current.updated, current.version
                )
            return current

    def delete_flag(self, flag_id: int, *, expected_version: int) -> None:
        with self.transaction() as db:
            if db.execute(
                "DELETE FROM flags WHERE id = ? AND version = ?", (flag_id, expected_version)
            ).rowcount:
                return
            current = self.flag(flag_id)
            raise _conflict(
                f"flag {flag_id} ({current.text!r})", current.reviewer, current.updated, current.version
            )

    # -- references ------------------------------------------------------------------

    def reference(self, segment_id: int) -> ReferenceRow | None:
        """The segment's reference, or None when nobody has post-edited it yet."""
        row = self.db.execute(
            f"SELECT {_REFERENCE_COLUMNS} FROM segment_references WHERE segment_id = ?", (segment_id,)
        ).fetchone()
        return None if row is None else _reference(row)

    def save_reference(
        self,
        segment_id: int,
        text: str,
        *,
        reviewer: str,
        expected_version: int | None,
        status: str = "draft",
    ) -> ReferenceRow:
        """Save the post-edited English of a segment.

        ``expected_version`` is the version the editor started from: None when the segment had
        no reference yet. If the reference changed meanwhile, raises ConflictError and changes
        nothing.
        """
        _check_choice("reference status", status, REFERENCE_STATUSES)
        with self.transaction() as db:
            if expected_version is None:
                try:
                    db.execute(
                        "INSERT INTO segment_references (segment_id, text, status, reviewer)"
                        " VALUES (?, ?, ?, ?)",
                        (segment_id, text, status, reviewer),
                    )
                except sqlite3.IntegrityError:
                    self.segment(segment_id)  # NotFoundError for a missing segment
                    current = self.reference(segment_id)
                    if current is None:
                        raise
                    raise _conflict(
                        f"the reference of segment {segment_id}",
                        current.reviewer,
                        current.updated,
                        current.version,
                    ) from None
            else:
                changed = db.execute(
                    "UPDATE segment_references SET text = ?, status = ?, reviewer = ?,"
                    f" version = version + 1, updated = {_NOW} WHERE segment_id = ? AND version = ?",
                    (text, status, reviewer, segment_id, expected_version),
                ).rowcount
                if not changed:
                    current = self.reference(segment_id)
                    if current is None:
                        self.segment(segment_id)
                        raise ConflictError(
                            f"the reference of segment {segment_id} was deleted meanwhile; "
                            "reload to see the current state, then apply your change again."
                        )
                    raise _conflict(
                        f"the reference of segment {segment_id}",
                        current.reviewer,
                        current.updated,
                        current.version,
                    )
            saved = self.reference(segment_id)
            assert saved is not None  # written just above, in this transaction
            return saved

    def approved_references(self, document_id: int | None = None) -> list[ApprovedReference]:
        """Approved references in reading order, of one document or all."""
        rows = self.db.execute(
            "SELECT s.document_id, s.id AS segment_id, s.position, s.source, r.text, r.reviewer, r.updated"
            " FROM segment_references r JOIN segments s ON s.id = r.segment_id"
            " WHERE r.status = 'approved' AND (?1 IS NULL OR s.document_id = ?1)"
            " ORDER BY s.document_id, s.position",
            (document_id,),
        )
        return [ApprovedReference(**dict(row)) for row in rows]

    # -- screens -------------------------------------------------------------------------

    def review_rows(self, document_id: int, model: str | None = None) -> list[ReviewRow]:
        """One row per segment of the document with its translation, reference and flags.

        ``model`` picks the translation (identity); None takes each segment's newest. Flags on
        the MT side are included when they belong to the translation shown (or name no model).
        """
        self.document(document_id)
        segments = self.segments(document_id)
        translations = self.translations(document_id, model)
        references = {
            row["segment_id"]: _reference(row)
            for row in self.db.execute(
                f"SELECT {_REFERENCE_COLUMNS_R} FROM segment_references r"
                " JOIN segments s ON s.id = r.segment_id WHERE s.document_id = ?",
                (document_id,),
            )
        }
        flags: dict[int, list[FlagRow]] = {}
        for flag in self.flags(document_id=document_id):
            shown = translations.get(flag.segment_id)
            if flag.side == "mt" and flag.model and (shown is None or shown.model != flag.model):
                continue
            flags.setdefault(flag.segment_id, []).append(flag)
        return [
            ReviewRow(seg, translations.get(seg.id), references.get(seg.id), tuple(flags.get(seg.id, ())))
            for seg in segments
        ]

    def document_scores_input(self, model: str | None = None) -> list[ScorePair]:
        """Segments with an approved reference and a translation (by ``model`` or the newest one).

        Imported translations count as MT. In document order, then reading order.
        """
        rows = self.db.execute(
            "SELECT d.id AS document_id, d.title AS document_title, s.id AS segment_id, s.position, s.source,"
            " t.text AS mt, r.text AS reference, t.model, t.model_name"
            " FROM segment_references r"
            " JOIN segments s ON s.id = r.segment_id"
            " JOIN documents d ON d.id = s.document_id"
            " JOIN translations t ON t.id = ("
            "   SELECT t2.id FROM translations t2"
            "   WHERE t2.segment_id = s.id AND (?1 IS NULL OR t2.model = ?1)"
            "   ORDER BY t2.created DESC, t2.id DESC LIMIT 1)"
            " WHERE r.status = 'approved' ORDER BY d.id, s.position",
            (model,),
        )
        return [ScorePair(**dict(row)) for row in rows]

    # -- glossary --------------------------------------------------------------

    def glossary_entries(self) -> list[GlossaryEntry]:
        rows = self.db.execute(f"SELECT {_GLOSSARY_COLUMNS} FROM glossary ORDER BY wrong COLLATE NOCASE")
        return [GlossaryEntry(**dict(row)) for row in rows]

    def glossary_entry(self, wrong: str) -> GlossaryEntry:
        row = self.db.execute(
            f"SELECT {_GLOSSARY_COLUMNS} FROM glossary WHERE wrong = ? COLLATE NOCASE",
            (wrong,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"{wrong!r} is not in the glossary. List it with `workbench glossary list`.")
        return GlossaryEntry(**dict(row))

    def add_glossary_entry(
        self, entry: GlossaryEntry, *, replace: bool = False, changed_by: str | None = None
    ) -> GlossaryEntry:
        """Add an entry; a wrong form already there (any case) is refused unless ``replace``.

        ``changed_by`` (default: the entry's added_by) is recorded as who last changed it.
        """
        _check_glossary_entry(entry)
        values = (*_glossary_values(entry), entry.added_by if changed_by is None else changed_by)
        with self.transaction() as db:
            if replace:
                db.execute(
                    "INSERT INTO glossary (wrong, right, kind, note, added_by, document_id, changed_by)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wrong COLLATE NOCASE) DO UPDATE SET"
                    " wrong = excluded.wrong, right = excluded.right, kind = excluded.kind,"
                    " note = excluded.note, added_by = excluded.added_by, document_id = excluded.document_id,"
                    f" changed_by = excluded.changed_by, version = version + 1, updated = {_NOW}",
                    values,
                )
            else:
                try:
                    db.execute(
                        "INSERT INTO glossary (wrong, right, kind, note, added_by, document_id, changed_by)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        values,
                    )
                except sqlite3.IntegrityError:
                    existing = self.glossary_entry(entry.wrong)
                    raise GlossaryError(
                        f"{existing.wrong!r} is already in the glossary (-> {existing.right!r}). "
                        "Remove it first, or replace it (--replace on the command line)."
                    ) from None
            return self.glossary_entry(entry.wrong)

    def remove_glossary_entry(self, wrong: str) -> None:
        with self.transaction() as db:
            if not db.execute("DELETE FROM glossary WHERE wrong = ? COLLATE NOCASE", (wrong,)).rowcount:
                raise NotFoundError(
                    f"{wrong!r} is not in the glossary, so there is nothing to remove. "
                    "List the entries with `workbench glossary list`."
                )

    def import_glossary(
        self, entries: Iterable[GlossaryEntry], *, replace_all: bool = False
    ) -> GlossaryImport:
        """Add or update entries in one transaction; ``replace_all`` first removes everything else.

        The app's glossary table saves through this with replace_all=True.
        """
        entries = list(entries)
        for entry in entries:
            _check_glossary_entry(entry)
        added = updated = unchanged = 0
        with self.transaction() as db:
            existing = {e.wrong.casefold(): e for e in self.glossary_entries()}
            if replace_all:
                keep = {e.wrong.casefold() for e in entries}
                db.executemany(
                    "DELETE FROM glossary WHERE wrong = ? COLLATE NOCASE",
                    [(e.wrong,) for key, e in existing.items() if key not in keep],
                )
            for entry in entries:
                old = existing.get(entry.wrong.casefold())
                if old is not None and _glossary_content(old) == _glossary_content(entry):
                    unchanged += 1
                    continue
                self.add_glossary_entry(entry, replace=True)
                if old is None:
                    added += 1
                else:
                    updated += 1
        return GlossaryImport(added, updated, unchanged)

    def save_glossary_edits(
        self, base: Iterable[GlossaryEntry], entries: Iterable[GlossaryEntry], *, changed_by: str
    ) -> GlossaryImport:
        """Save an edited copy of the glossary (the app's table) in one transaction.

        ``base`` is what the editor loaded, ``entries`` what it holds now. Only the reviewer's
        own changes are written: entries others added or changed meanwhile and the reviewer left
        alone stay as they are. An entry the reviewer changed or deleted, or added, that someone
        else changed (or added) meanwhile raises ConflictError naming who, and nothing is saved.
        Counts: added (new rows), updated (changed rows), unchanged (rows of ``base`` kept as
        they were); the rows of ``base`` in none of these were removed.
        """
        before = {e.wrong.strip().casefold(): e for e in base}
        after: dict[str, GlossaryEntry] = {}
        for entry in entries:
            _check_glossary_entry(entry)
            key = entry.wrong.strip().casefold()
            if key in after:
                raise GlossaryError(
                    f"{entry.wrong.strip()!r} is in the table twice; keep one row for each wrong form."
                )
            after[key] = entry
        added = updated = unchanged = 0
        with self.transaction() as db:
            for key in dict.fromkeys([*before, *after]):
                old, new = before.get(key), after.get(key)
                loaded, wanted = _glossary_content(old), _glossary_content(new)
                wrong = (new or old).wrong.strip()
                if loaded == wanted:
                    unchanged += 1
                    continue
                row = db.execute(
                    f"SELECT {_GLOSSARY_COLUMNS}, changed_by, updated, version FROM glossary"
                    " WHERE wrong = ? COLLATE NOCASE",
                    (wrong,),
                ).fetchone()
                now = None if row is None else _glossary_content(_glossary_row(row))
                if now == loaded:  # nobody else touched it: the reviewer's change applies
                    if new is None:
                        db.execute("DELETE FROM glossary WHERE wrong = ? COLLATE NOCASE", (wrong,))
                    else:
                        self.add_glossary_entry(new, replace=True, changed_by=changed_by)
                elif now != wanted:  # someone else changed it differently (the same change is fine)
                    if row is None:
                        raise ConflictError(
                            f"the glossary entry {old.wrong!r} was removed by someone else meanwhile; "
                            "reload the glossary, then apply your change again."
                        )
                    raise _conflict(
                        f"the glossary entry {row['wrong']!r}",
                        row["changed_by"] or row["added_by"],
                        row["updated"],
                        row["version"],
                    )
                if old is None:
                    added += 1
                elif new is not None:
                    updated += 1
        return GlossaryImport(added, updated, unchanged)

    # -- known names ----------------------------------------------------------------------

    def known_names(self) -> list[KnownName]:
        rows = self.db.execute(
            "SELECT id, canonical, german, variants, added_by, document_id FROM known_names"
            " ORDER BY canonical COLLATE NOCASE"
        )
        return [_known_name(row) for row in rows]

    def add_known_name(
        self,
        canonical: str,
        *,
        german: str = "",
        variants: Sequence[str] = (),
        added_by: str = "",
        document_id: int | None = None,
    ) -> KnownName:
        """Record a name a reviewer accepted; a name already known gains the new variants."""
        canonical = canonical.strip()
        if not canonical:
            raise StoreError("a known name needs its correct English spelling; it was empty.")
        with self.transaction() as db:
            row = db.execute(
                "SELECT id, canonical, german, variants, added_by, document_id FROM known_names"
                " WHERE canonical = ? COLLATE NOCASE",
                (canonical,),
            ).fetchone()
            if row is None:
                merged = list(dict.fromkeys(v for v in variants if v and v != canonical))
                cur = db.execute(
                    "INSERT INTO known_names (canonical, german, variants, added_by, document_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (canonical, german, json.dumps(merged, ensure_ascii=False), added_by, document_id),
                )
                name_id = cur.lastrowid
            else:
                old = _known_name(row)
                merged = list(
                    dict.fromkeys([*old.variants, *(v for v in variants if v and v != old.canonical)])
                )
                db.execute(
                    "UPDATE known_names SET german = ?, variants = ? WHERE id = ?",
                    (old.german or german, json.dumps(merged, ensure_ascii=False), old.id),
                )
                name_id = old.id
            row = db.execute(
                "SELECT id, canonical, german, variants, added_by, document_id FROM known_names WHERE id = ?",
                (name_id,),
            ).fetchone()
            return _known_name(row)

    # -- app state -------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        """A recorded fact about this database (see migration 5), or None if never recorded."""
        row = self.db.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row["value"]

    def set_state(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?)"
                f" ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = {_NOW}",
                (key, value),
            )


# -- row mapping ------------------------------------------------------------------------------

_DOCUMENTS_SQL = """
SELECT d.id, d.title, d.source_name, d.created, d.created_by,
  (SELECT count(*) FROM segments s WHERE s.document_id = d.id) AS n_segments,
  (SELECT count(DISTINCT s.id) FROM segments s JOIN translations t ON t.segment_id = s.id
    WHERE s.document_id = d.id) AS n_translated,
  (SELECT count(DISTINCT s.id) FROM segments s JOIN flags f ON f.segment_id = s.id
    WHERE s.document_id = d.id AND f.status != 'dismissed') AS n_flagged,
  (SELECT count(*) FROM segments s JOIN segment_references r ON r.segment_id = s.id
    WHERE s.document_id = d.id AND r.status = 'approved') AS n_approved
FROM documents d"""
_GLOSSARY_FIELDS = ("wrong", "right", "kind", "note", "added_by", "document_id")
_GLOSSARY_COLUMNS = ", ".join(_GLOSSARY_FIELDS)
_SEGMENT_COLUMNS = "id, document_id, paragraph, sentence, position, source, boilerplate"
_TRANSLATION_COLUMNS = "t.id, t.segment_id, t.model, t.model_name, t.text, t.raw, t.applied, t.created"
_FLAG_FIELDS = (
    "id",
    "segment_id",
    "side",
    "start",
    "end",
    "text",
    "kind",
    "status",
    "correction",
    "reason",
    "reviewer",
    "origin",
    "version",
    "updated",
    "detector_kind",
    "model",
    "created",
)
_FLAG_COLUMNS = ", ".join(f'"{name}"' for name in _FLAG_FIELDS)
_FLAG_COLUMNS_F = ", ".join(f'f."{name}"' for name in _FLAG_FIELDS)
_REFERENCE_FIELDS = ("id", "segment_id", "text", "reviewer", "status", "version", "updated")
_REFERENCE_COLUMNS = ", ".join(_REFERENCE_FIELDS)
_REFERENCE_COLUMNS_R = ", ".join(f"r.{name}" for name in _REFERENCE_FIELDS)


def _document(row: sqlite3.Row) -> Document:
    return Document(**dict(row))


def _segment(row: sqlite3.Row) -> SegmentRow:
    return SegmentRow(**{**dict(row), "boilerplate": bool(row["boilerplate"])})


def _translation(row: sqlite3.Row) -> TranslationRow:
    return TranslationRow(**{**dict(row), "applied": tuple(json.loads(row["applied"]))})


def _flag(row: sqlite3.Row) -> FlagRow:
    return FlagRow(**dict(row))


def _reference(row: sqlite3.Row) -> ReferenceRow:
    return ReferenceRow(**dict(row))


def _known_name(row: sqlite3.Row) -> KnownName:
    return KnownName(**{**dict(row), "variants": tuple(json.loads(row["variants"]))})


def _glossary_values(entry: GlossaryEntry) -> tuple[object, ...]:
    return (
        entry.wrong.strip(),
        entry.right.strip(),
        entry.kind,
        entry.note,
        entry.added_by,
        entry.document_id,
    )


def _glossary_content(entry: GlossaryEntry | None) -> tuple[str, str, str, str] | None:
    """What an entry says, without who added it (None for no entry)."""
    if entry is None:
        return None
    return (entry.wrong.strip(), entry.right.strip(), entry.kind, entry.note)


def _glossary_row(row: sqlite3.Row) -> GlossaryEntry:
    return GlossaryEntry(**{name: row[name] for name in _GLOSSARY_FIELDS})


def _check_glossary_entry(entry: GlossaryEntry) -> None:
    if not entry.wrong.strip() or not entry.right.strip():
        raise GlossaryError(
            f"a glossary entry needs a wrong and a right form; got {entry.wrong!r} -> {entry.right!r}."
        )
    if entry.kind not in GLOSSARY_KINDS:
        raise GlossaryError(
            f"glossary kind {entry.kind!r} for {entry.wrong!r} is not one of {', '.join(GLOSSARY_KINDS)}."
        )


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise StoreError(f"{what} {value!r} is not one of: {', '.join(allowed)}.")


def _conflict(what: str, reviewer: str, updated: str, version: int) -> ConflictError:
    who = reviewer or "someone"
    return ConflictError(
        f"{what} was changed by {who} at {updated} (version {version}); "
        "reload to see their change, then apply yours again."
    )


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out other processes that create the same new database.

    Changing the journal mode needs an exclusive lock, and SQLite does not run the busy
    handler for it: two processes opening a fresh file at once would otherwise fail at once
    with "database is locked".
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
