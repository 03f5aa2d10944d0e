"""The queries behind screens and scores: a document's review rows, the scoring pairs, and the
corpus texts the name checks count spellings in. Each is a few queries, never one per segment."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workbench.store.core import StoreBase, check_choice
from workbench.store.documents import DocumentsMixin, SegmentRow
from workbench.store.flags import FLAG_SIDES, FlagRow, FlagsMixin
from workbench.store.references import COLUMNS as REFERENCE_COLUMNS
from workbench.store.references import ReferenceRow
from workbench.store.schema import documents, segment_references, segments, translations
from workbench.store.translations import TranslationRow, TranslationsMixin


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


def _newest_translation(
    segment_id: sa.ColumnElement, model: str | None, column: str = "id"
) -> sa.ScalarSelect:
    """The newest translation's ``column`` of a segment (of ``model``, else of any), as a subquery."""
    t = translations.alias("t2")
    query = sa.select(t.c[column]).where(t.c.segment_id == segment_id)
    if model is not None:
        query = query.where(t.c.model == model)
    return query.order_by(t.c.created.desc(), t.c.id.desc()).limit(1).scalar_subquery()


class ViewsMixin(DocumentsMixin, TranslationsMixin, FlagsMixin, StoreBase):
    def corpus_texts(self, side: str) -> dict[int, str]:
        """Every document's text, one segment per line, keyed by document id.

        Side "src" is the German; side "mt" the English as it stands: a segment's reference if
        it has one, else its newest translation (a segment with neither gives an empty line).
        """
        check_choice("side", side, FLAG_SIDES)
        s, r = segments.c, segment_references.c
        if side == "src":
            text = s.source
        else:
            text = sa.func.coalesce(r.text, _newest_translation(s.id, None, "text"), "")
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

    def review_rows(self, document_id: int, model: str | None = None) -> list[ReviewRow]:
        """One row per segment of the document with its translation, reference and flags.

        ``model`` picks the translation (identity); None takes each segment's newest. Flags on
        the MT side are included when they belong to the translation shown (or name no model).
        """
        with self._read():  # one snapshot for the whole screen
            self.document(document_id)
            rows = self.segments(document_id)
            shown = self.translations(document_id, model)
            references = self._references(document_id)
            flags: dict[int, list[FlagRow]] = {}
            for flag in self.flags(document_id=document_id):
                mt = shown.get(flag.segment_id)
                if flag.side == "mt" and flag.model and (mt is None or mt.model != flag.model):
                    continue
                flags.setdefault(flag.segment_id, []).append(flag)
        return [
            ReviewRow(seg, shown.get(seg.id), references.get(seg.id), tuple(flags.get(seg.id, ())))
            for seg in rows
        ]

    def _references(self, document_id: int) -> dict[int, ReferenceRow]:
        query = (
            sa.select(*REFERENCE_COLUMNS)
            .join(segments, segments.c.id == segment_references.c.segment_id)
            .where(segments.c.document_id == document_id)
        )
        with self._read() as conn:
            return {row.segment_id: ReferenceRow(**row._asdict()) for row in conn.execute(query)}

    def document_scores_input(self, model: str | None = None) -> list[ScorePair]:
        """Segments with an approved reference and a translation (by ``model`` or the newest one).

        Imported translations count as MT. In document order, then reading order.
        """
        s, r, d, t = segments.c, segment_references.c, documents.c, translations.c
        query = (
            sa.select(
                d.id.label("document_id"),
                d.title.label("document_title"),
                s.id.label("segment_id"),
                s.position,
                s.source,
                t.text.label("mt"),
                r.text.label("reference"),
                t.model,
                t.model_name,
            )
            .select_from(
                segment_references.join(segments, s.id == r.segment_id)
                .join(documents, d.id == s.document_id)
                .join(translations, t.id == _newest_translation(s.id, model))
            )
            .where(r.status == "approved")
            .order_by(d.id, s.position)
        )
        with self._read() as conn:
            return [ScorePair(**row._asdict()) for row in conn.execute(query)]
