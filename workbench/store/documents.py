"""Documents and their segments (the German sentences in reading order), and app state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import NotFoundError
from workbench.segment import Segment
from workbench.store.core import StoreBase, upsert
from workbench.store.db import now
from workbench.store.schema import (
    annotations,
    app_state,
    documents,
    segment_references,
    segments,
    translations,
)


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    source_name: str  # file it was imported from; "" when pasted
    created: str  # ISO 8601 UTC
    n_segments: int
    n_translated: int  # segments with a translation by any model
    n_flagged: int  # segments with at least one annotation that is not dismissed
    n_approved: int  # segments with an approved reference
    created_by: str = ""
    n_open: int = 0  # segments with an open annotation (not yet accepted or dismissed)
    n_changed: int = 0  # segments whose reference changed since approval
    external_id: str = ""


@dataclass(frozen=True)
class SegmentRow:
    id: int
    document_id: int
    paragraph: int  # 1-based
    sentence: int  # 1-based within the paragraph
    position: int  # 0-based reading order in the document
    source: str
    boilerplate: bool
    external_id: str = ""


def _count(of: sa.ColumnElement, *where: sa.ColumnElement) -> sa.ScalarSelect:
    return sa.select(sa.func.count(sa.distinct(of))).where(*where).scalar_subquery()


_ERRORS = (annotations.c.category != "No-error",)  # an MQM rater's "no error" row flags nothing
_REFERENCE = segment_references.c.segment_id == segments.c.id
_ANNOTATED = annotations.c.segment_id == segments.c.id


def _documents_query() -> sa.Select:
    d, s = documents, segments
    in_doc = s.c.document_id == d.c.id
    return sa.select(
        d.c.id,
        d.c.title,
        d.c.source_name,
        d.c.created,
        _count(s.c.id, in_doc).label("n_segments"),
        _count(s.c.id, in_doc, translations.c.segment_id == s.c.id).label("n_translated"),
        _count(s.c.id, in_doc, _ANNOTATED, *_ERRORS, annotations.c.status != "dismissed").label("n_flagged"),
        _count(s.c.id, in_doc, _REFERENCE, segment_references.c.status == "approved").label("n_approved"),
        d.c.created_by,
        _count(s.c.id, in_doc, _ANNOTATED, *_ERRORS, annotations.c.status == "open").label("n_open"),
        _count(s.c.id, in_doc, _REFERENCE, segment_references.c.status == "changed").label("n_changed"),
        d.c.external_id,
    )


_SEGMENT_COLUMNS = (
    segments.c.id,
    segments.c.document_id,
    segments.c.paragraph,
    segments.c.sentence,
    segments.c.position,
    segments.c.source,
    segments.c.boilerplate,
    segments.c.external_id,
)


class DocumentsMixin(StoreBase):
    def add_document(
        self,
        title: str,
        segments_: Sequence[Segment],
        *,
        source_name: str = "",
        source_text: str = "",
        created_by: str = "",
        external_id: str = "",
        segment_ids: Sequence[str] = (),
    ) -> tuple[int, list[int]]:
        """Store a document and its segments in reading order; returns (document id, segment ids).

        ``external_id`` and ``segment_ids`` are the ids an imported file gave them (MQM doc_id,
        seg_id), kept so an export writes them back."""
        with self.transaction() as conn:
            doc_id = conn.execute(
                sa.insert(documents)
                .values(
                    title=title,
                    source_name=source_name,
                    source_text=source_text,
                    created_by=created_by,
                    created=now(),
                    external_id=external_id,
                )
                .returning(documents.c.id)
            ).scalar_one()
            segment_ids = [
                conn.execute(
                    sa.insert(segments)
                    .values(
                        document_id=doc_id,
                        position=position,
                        paragraph=seg.paragraph,
                        sentence=seg.sentence,
                        source=seg.source,
                        boilerplate=seg.boilerplate,
                        external_id=segment_ids[position] if segment_ids else "",
                    )
                    .returning(segments.c.id)
                ).scalar_one()
                for position, seg in enumerate(segments_)
            ]
        return doc_id, segment_ids

    def documents(self) -> list[Document]:
        """All documents, newest first, with their review counts."""
        with self._read() as conn:
            rows = conn.execute(_documents_query().order_by(documents.c.id.desc()))
            return [Document(**row._asdict()) for row in rows]

    def document(self, document_id: int) -> Document:
        with self._read() as conn:
            row = conn.execute(_documents_query().where(documents.c.id == document_id)).first()
        if row is None:
            raise NotFoundError(
                f"there is no document {document_id}. Run `workbench documents` to list the documents."
            )
        return Document(**row._asdict())

    def document_text(self, document_id: int) -> str:
        """The German text as it was imported."""
        with self._read() as conn:
            text = conn.execute(
                sa.select(documents.c.source_text).where(documents.c.id == document_id)
            ).scalar_one_or_none()
        if text is None:
            self.document(document_id)  # NotFoundError
        return text

    def delete_document(self, document_id: int) -> None:
        """Remove a document with its segments, translations, flags and references."""
        with self.transaction() as conn:
            before = self._before(conn, documents, document_id)
            if conn.execute(sa.delete(documents).where(documents.c.id == document_id)).rowcount == 0:
                raise NotFoundError(f"there is no document {document_id} to delete.")
            self._record(conn, documents, document_id, before)

    def has_documents(self) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(sa.exists().select_from(documents))).scalar_one()

    def segments(self, document_id: int) -> list[SegmentRow]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(*_SEGMENT_COLUMNS)
                .where(segments.c.document_id == document_id)
                .order_by(segments.c.position)
            )
            return [SegmentRow(**row._asdict()) for row in rows]

    def segment(self, segment_id: int) -> SegmentRow:
        with self._read() as conn:
            row = conn.execute(sa.select(*_SEGMENT_COLUMNS).where(segments.c.id == segment_id)).first()
        if row is None:
            raise NotFoundError(f"there is no segment {segment_id}; reload the document.")
        return SegmentRow(**row._asdict())

    # -- app state ------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        """A recorded fact about this database (e.g. that the seed was imported), None if never."""
        with self._read() as conn:
            return conn.execute(
                sa.select(app_state.c.value).where(app_state.c.key == key)
            ).scalar_one_or_none()

    def set_state(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            upsert(conn, app_state, [{"key": key, "value": value, "updated": now()}], ["key"])
