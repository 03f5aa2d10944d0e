"""Annotations: MQM errors a reviewer, the name detector or an imported MQM file found in a
segment, each with an optional span in one system's MT and an optional span in the source.

One record serves the review page (flag, accept, dismiss) and evaluation (MQM scores): a
garbled name seen in the German and in the MT is one annotation with both spans, accepted or
dismissed once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import NotFoundError, StoreError
from workbench.store.core import StoreBase, check_choice, chunks, conflict
from workbench.store.db import now
from workbench.store.schema import annotations, segments

STATUSES = ("open", "accepted", "dismissed")
ORIGINS = ("reviewer", "detector", "import")
GARBLED_NAME = "garbled-name"
"""The tag that marks an annotation as a garbled name (on Accuracy/Mistranslation or Terminology)."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str  # the characters start:end of that side, as they were when annotated


@dataclass(frozen=True)
class Annotation:
    id: int
    segment_id: int
    system_id: int | None  # whose MT it judges; None: the source alone
    mt: Span | None
    src: Span | None
    category: str
    severity: str
    tags: tuple[str, ...]
    correction: str
    comment: str
    origin: str  # "reviewer" | "detector" | "import"
    detector_kind: str
    status: str  # "open" | "accepted" | "dismissed"
    rater: str  # who made it
    changed_by: str  # who last changed it
    created: str
    updated: str
    version: int

    @property
    def garbled_name(self) -> bool:
        return GARBLED_NAME in self.tags

    @property
    def text(self) -> str:
        """What it is about, for messages: the MT span, else the source span."""
        return (self.mt or self.src or Span(0, 0, "")).text


def annotation_row(row: sa.Row) -> Annotation:
    values = row._asdict()
    mt = Span(values.pop("mt_start"), values.pop("mt_end"), values.pop("mt_text"))
    src = Span(values.pop("src_start"), values.pop("src_end"), values.pop("src_text"))
    values["tags"] = tuple(json.loads(values["tags"]))
    return Annotation(
        **values, mt=mt if mt.start is not None else None, src=src if src.start is not None else None
    )


_COLUMNS = tuple(annotations.c)


def _check_span(span: Span | None, side: str) -> None:
    # An empty span (start == end) marks a place, as MQM files mark an omission.
    if span is not None and (not 0 <= span.start <= span.end or span.end - span.start != len(span.text)):
        raise StoreError(
            f"the {side} span {span.start}-{span.end} does not fit its text {span.text!r}; "
            "a span is start <= end with end - start = the text's length."
        )


class AnnotationsMixin(StoreBase):
    def add_annotation(
        self,
        segment_id: int,
        *,
        system_id: int | None,
        mt: Span | None,
        src: Span | None,
        category: str,
        severity: str,
        rater: str,
        tags: Sequence[str] = (),
        correction: str = "",
        comment: str = "",
        status: str = "open",
        origin: str = "reviewer",
        detector_kind: str = "",
    ) -> Annotation:
        """Record an annotation; the category and severity are the caller's to validate."""
        check_choice("annotation status", status, STATUSES)
        check_choice("annotation origin", origin, ORIGINS)
        _check_span(mt, "MT")
        _check_span(src, "source")
        if mt is not None and system_id is None:
            raise StoreError("an annotation with an MT span needs the system whose MT it is.")
        stamp = now()
        with self.transaction() as conn:
            self.segment(segment_id)  # NotFoundError for a missing segment
            annotation_id = conn.execute(
                sa.insert(annotations)
                .values(
                    segment_id=segment_id,
                    system_id=system_id,
                    mt_start=mt.start if mt else None,
                    mt_end=mt.end if mt else None,
                    mt_text=mt.text if mt else "",
                    src_start=src.start if src else None,
                    src_end=src.end if src else None,
                    src_text=src.text if src else "",
                    category=category,
                    severity=severity,
                    tags=json.dumps(list(dict.fromkeys(tags))),
                    correction=correction,
                    comment=comment,
                    origin=origin,
                    detector_kind=detector_kind,
                    status=status,
                    rater=rater,
                    changed_by=rater,
                    created=stamp,
                    updated=stamp,
                    version=1,
                )
                .returning(annotations.c.id)
            ).scalar_one()
            self._record(conn, annotations, annotation_id, None)
            return self.annotation(annotation_id)

    def _about(self, annotation: Annotation) -> str:
        return f"the annotation on “{annotation.text}” in {self._sentence(annotation.segment_id)}"

    def add_annotations(self, rows: Sequence[Mapping[str, object]]) -> int:
        """Store many imported judgements at once (an MQM file): each row holds segment_id,
        system_id, mt, src (Span or None), category, severity, comment and rater; they are
        decided ("accepted") and of origin "import". Not a review action: no history."""
        stamp = now()
        values = []
        for row in rows:
            mt, src = row["mt"], row["src"]
            _check_span(mt, "MT")
            _check_span(src, "source")
            values.append(
                {
                    "segment_id": row["segment_id"],
                    "system_id": row["system_id"],
                    "mt_start": mt.start if mt else None,
                    "mt_end": mt.end if mt else None,
                    "mt_text": mt.text if mt else "",
                    "src_start": src.start if src else None,
                    "src_end": src.end if src else None,
                    "src_text": src.text if src else "",
                    "category": row["category"],
                    "severity": row["severity"],
                    "tags": "[]",
                    "correction": "",
                    "comment": row["comment"],
                    "origin": "import",
                    "detector_kind": "",
                    "status": "accepted",
                    "rater": row["rater"],
                    "changed_by": row["rater"],
                    "created": stamp,
                    "updated": stamp,
                    "version": 1,
                }
            )
        with self.transaction() as conn:
            for chunk in chunks(values):
                conn.execute(sa.insert(annotations), list(chunk))
        return len(values)

    def annotation(self, annotation_id: int) -> Annotation:
        with self._read() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(annotations.c.id == annotation_id)).first()
        if row is None:
            raise NotFoundError(
                f"there is no annotation {annotation_id}; someone may have deleted it. Reload the page."
            )
        return annotation_row(row)

    def annotations(
        self,
        *,
        document_id: int | None = None,
        segment_id: int | None = None,
        status: str | None = None,
        system_id: int | None = None,
    ) -> list[Annotation]:
        """Annotations filtered by document, segment, status and system, in reading order
        (source-only annotations match any system)."""
        a = annotations.c
        query = (
            sa.select(*_COLUMNS)
            .join(segments, segments.c.id == a.segment_id)
            .order_by(
                segments.c.document_id,
                segments.c.position,
                sa.func.coalesce(a.mt_start, a.src_start, -1),
                a.id,
            )
        )
        if document_id is not None:
            query = query.where(segments.c.document_id == document_id)
        if segment_id is not None:
            query = query.where(a.segment_id == segment_id)
        if status is not None:
            query = query.where(a.status == status)
        if system_id is not None:
            query = query.where(sa.or_(a.system_id == system_id, a.system_id.is_(None)))
        with self._read() as conn:
            return [annotation_row(row) for row in conn.execute(query)]

    def update_annotation(
        self,
        annotation_id: int,
        *,
        expected_version: int,
        changed_by: str,
        status: str | None = None,
        correction: str | None = None,
        comment: str | None = None,
        category: str | None = None,
        severity: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        """Change fields of an annotation; None leaves a field as it is.

        Raises ConflictError, changing nothing, when it is no longer at ``expected_version``.
        """
        if status is not None:
            check_choice("annotation status", status, STATUSES)
        changes = {
            name: value
            for name, value in (
                ("status", status),
                ("correction", correction),
                ("comment", comment),
                ("category", category),
                ("severity", severity),
                ("tags", None if tags is None else json.dumps(list(dict.fromkeys(tags)))),
            )
            if value is not None
        }
        a = annotations.c
        with self.transaction() as conn:
            before = self._before(conn, annotations, annotation_id)
            changed = conn.execute(
                sa.update(annotations)
                .where(a.id == annotation_id, a.version == expected_version)
                .values(**changes, changed_by=changed_by, version=a.version + 1, updated=now())
            ).rowcount
            current = self.annotation(annotation_id)
            if not changed:
                raise conflict(self._about(current), current.changed_by, current.updated)
            self._record(conn, annotations, annotation_id, before)
            return current

    def delete_annotation(self, annotation_id: int, *, expected_version: int) -> None:
        a = annotations.c
        with self.transaction() as conn:
            before = self._before(conn, annotations, annotation_id)
            if conn.execute(
                sa.delete(annotations).where(a.id == annotation_id, a.version == expected_version)
            ).rowcount:
                self._record(conn, annotations, annotation_id, before)
                return
            current = self.annotation(annotation_id)
            raise conflict(self._about(current), current.changed_by, current.updated)
