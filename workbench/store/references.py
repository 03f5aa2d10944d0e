"""References: the reviewer's post-edited English of a segment.

A reference is a draft, approved, or "changed" (approved, then changed by something other
than an approval, e.g. apply-everywhere): changed since approval, never silently still approved.

No lost update: a reference is saved with the version the editor started from
(``expected_version``); if another reviewer saved in between, nothing changes and
ConflictError says who changed it, when, and what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import ConflictError
from workbench.store.core import StoreBase, check_choice, conflict
from workbench.store.db import now
from workbench.store.schema import segment_references, segments

REFERENCE_STATUSES = ("draft", "approved", "changed")


@dataclass(frozen=True)
class ReferenceRow:
    id: int
    segment_id: int
    text: str
    reviewer: str  # who last changed it
    status: str  # "draft" | "approved" | "changed" (since approval)
    version: int
    updated: str
    approved_by: str = ""


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


COLUMNS = tuple(segment_references.c[name] for name in ReferenceRow.__dataclass_fields__)


class ReferencesMixin(StoreBase):
    def reference(self, segment_id: int) -> ReferenceRow | None:
        """The segment's reference, or None when nobody has post-edited it yet."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(*COLUMNS).where(segment_references.c.segment_id == segment_id)
            ).first()
        return None if row is None else ReferenceRow(**row._asdict())

    def references(self, document_id: int) -> dict[int, ReferenceRow]:
        """A document's references keyed by segment id."""
        query = (
            sa.select(*COLUMNS)
            .join(segments, segments.c.id == segment_references.c.segment_id)
            .where(segments.c.document_id == document_id)
        )
        with self._read() as conn:
            return {row.segment_id: ReferenceRow(**row._asdict()) for row in conn.execute(query)}

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
        no reference yet. If the reference changed meanwhile, raises ConflictError (carrying
        the other reviewer's text) and changes nothing.
        """
        check_choice("reference status", status, REFERENCE_STATUSES)
        r = segment_references.c
        stamp = now()
        approved_by = {"approved_by": reviewer} if status == "approved" else {}
        with self.transaction() as conn:
            current = self.reference(segment_id)
            if expected_version is None:
                self.segment(segment_id)  # NotFoundError for a missing segment
                # Writers are serialised (store.db): nobody can add one between this check and the insert.
                if current is not None:
                    raise self._stale(segment_id, current)
                ref_id = conn.execute(
                    sa.insert(segment_references)
                    .values(
                        segment_id=segment_id,
                        text=text,
                        status=status,
                        reviewer=reviewer,
                        approved_by=approved_by.get("approved_by", ""),
                        created=stamp,
                        updated=stamp,
                        version=1,
                    )
                    .returning(r.id)
                ).scalar_one()
                self._record(conn, segment_references, ref_id, None)
                return self.reference(segment_id)
            if current is None:
                self.segment(segment_id)
                raise ConflictError(
                    f"the English of {self._sentence(segment_id)} was deleted meanwhile; "
                    "reload to see the current state, then apply your change again."
                )
            if current.version != expected_version:
                raise self._stale(segment_id, current)
            before = self._before(conn, segment_references, current.id)
            conn.execute(
                sa.update(segment_references)
                .where(r.id == current.id, r.version == expected_version)
                .values(
                    text=text,
                    status=status,
                    reviewer=reviewer,
                    version=r.version + 1,
                    updated=stamp,
                    **approved_by,
                )
            )
            self._record(conn, segment_references, current.id, before)
            return self.reference(segment_id)

    def _stale(self, segment_id: int, current: ReferenceRow) -> ConflictError:
        return conflict(
            f"the English of {self._sentence(segment_id)}",
            current.reviewer,
            current.updated,
            theirs=current.text,
        )

    def approved_references(self, document_id: int | None = None) -> list[ApprovedReference]:
        """Approved references in reading order, of one document or all."""
        r, s = segment_references.c, segments.c
        query = (
            sa.select(
                s.document_id, s.id.label("segment_id"), s.position, s.source, r.text, r.reviewer, r.updated
            )
            .join(segments, s.id == r.segment_id)
            .where(r.status == "approved")
            .order_by(s.document_id, s.position)
        )
        if document_id is not None:
            query = query.where(s.document_id == document_id)
        with self._read() as conn:
            return [ApprovedReference(**row._asdict()) for row in conn.execute(query)]
