"""The queries behind screens and scores: a document's review rows, the scoring pairs, and the
corpus texts the name checks count spellings in. Each is a few queries, never one per segment."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workbench.store.annotations import Annotation, AnnotationsMixin
from workbench.store.core import StoreBase, check_choice
from workbench.store.documents import DocumentsMixin, SegmentRow
from workbench.store.references import ReferenceRow, ReferencesMixin
from workbench.store.schema import documents, segment_references, segments, systems, translations
from workbench.store.translations import System, TranslationRow, TranslationsMixin

SIDES = ("src", "mt")


@dataclass(frozen=True)
class ReviewRow:
    """Everything the review screen shows for one sentence."""

    segment: SegmentRow
    translation: TranslationRow | None  # by the system shown
    reference: ReferenceRow | None
    annotations: tuple[Annotation, ...]  # on the source alone, and on the shown system's MT


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
    system: str


def _newest_translation(segment_id: sa.ColumnElement, column: str = "id") -> sa.ScalarSelect:
    """The newest translation's ``column`` of a segment, by any system, as a subquery."""
    t = translations.alias("t2")
    return (
        sa.select(t.c[column])
        .where(t.c.segment_id == segment_id)
        .order_by(t.c.created.desc(), t.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


class ViewsMixin(DocumentsMixin, TranslationsMixin, AnnotationsMixin, ReferencesMixin, StoreBase):
    def corpus_texts(self, side: str) -> dict[int, str]:
        """Every document's text, one segment per line, keyed by document id.

        Side "src" is the German; side "mt" the English as it stands: a segment's reference if
        it has one, else its newest translation (a segment with neither gives an empty line).
        """
        check_choice("side", side, SIDES)
        s, r = segments.c, segment_references.c
        text = s.source if side == "src" else sa.func.coalesce(r.text, _newest_translation(s.id, "text"), "")
        query = (
            sa.select(s.document_id, text.label("text"))
            .select_from(segments.outerjoin(segment_references, r.segment_id == s.id))
            .order_by(s.document_id, s.position)
        )
        lines: dict[int, list[str]] = {}
        with self._read() as conn:
            for row in conn.execute(query):
                lines.setdefault(row.document_id, []).append(row.text)
        return {doc: "\n".join(texts) for doc, texts in lines.items()}

    def review_rows(self, document_id: int, system_id: int | None = None) -> list[ReviewRow]:
        """One row per segment of the document with the system's translation (default: the
        document's default system), its reference, and the annotations on its source and on
        that system's MT."""
        with self._read():  # one snapshot for the whole screen
            self.document(document_id)
            rows = self.segments(document_id)
            if system_id is None:
                default = self.default_system(document_id)
                system_id = default.id if default else None
            shown = self.translations(document_id, system_id) if system_id is not None else {}
            references = self.references(document_id)
            found: dict[int, list[Annotation]] = {}
            if system_id is not None:
                notes = self.annotations(document_id=document_id, system_id=system_id)
            else:
                notes = [a for a in self.annotations(document_id=document_id) if a.system_id is None]
            for note in notes:
                found.setdefault(note.segment_id, []).append(note)
        return [
            ReviewRow(seg, shown.get(seg.id), references.get(seg.id), tuple(found.get(seg.id, ())))
            for seg in rows
        ]

    def scores_input(self, system: System | None = None, document_id: int | None = None) -> list[ScorePair]:
        """Segments with an approved reference and a translation by ``system`` (None: by each
        segment's newest translation), of one document or all; document order, then reading order.
        Imported translations count as MT."""
        s, r, d, t = segments.c, segment_references.c, documents.c, translations.c
        join = t.system_id == system.id if system is not None else t.id == _newest_translation(s.id)
        query = (
            sa.select(
                d.id.label("document_id"),
                d.title.label("document_title"),
                s.id.label("segment_id"),
                s.position,
                s.source,
                t.text.label("mt"),
                r.text.label("reference"),
                systems.c.name.label("system"),
            )
            .select_from(
                segment_references.join(segments, s.id == r.segment_id)
                .join(documents, d.id == s.document_id)
                .join(translations, sa.and_(t.segment_id == s.id, join))
                .join(systems, systems.c.id == t.system_id)
            )
            .where(r.status == "approved")
            .order_by(d.id, s.position)
        )
        if document_id is not None:
            query = query.where(s.document_id == document_id)
        with self._read() as conn:
            return [ScorePair(**row._asdict()) for row in conn.execute(query)]
