"""References: the reviewer's post-edited English of a segment, draft or approved.

No lost update: a reference is saved with the version the editor started from
(``expected_version``); if another reviewer saved in between, nothing changes and
ConflictError says who changed it, when, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import ConflictError
from workbench.store.core import StoreBase, check_choice, conflict
from workbench.store.db import now
from workbench.store.schema import segment_references, segments

REFERENCE_STATUSES = ("draft", "approved")


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
        check_choice("reference status", status, REFERENCE_STATUSES)
        r = segment_references.c
        stamp = now()
        with self.transaction() as conn:
            if expected_version is None:
                self.segment(segment_id)  # NotFoundError for a missing segment
                # Writers are serialised (store.db): nobody can add one between this check and the insert.
                current = self.reference(segment_id)
                if current is not None:
                    raise conflict(
                        f"the reference of segment {segment_id}",
                        current.reviewer,
                        current.updated,
                        current.version,
                    )
                conn.execute(
                    sa.insert(segment_references).values(
                        segment_id=segment_id,
                        text=text,
                        status=status,
                        reviewer=reviewer,
                        created=stamp,
                        updated=stamp,
                        version=1,
                    )
                )
                return self.reference(segment_id)
            changed = conn.execute(
                sa.update(segment_references)
                .where(r.segment_id == segment_id, r.version == expected_version)
                .values(text=text, status=status, reviewer=reviewer, version=r.version + 1, updated=stamp)
            ).rowcount
            current = self.reference(segment_id)
            if not changed:
                if current is None:
                    self.segment(segment_id)
                    raise ConflictError(
                        f"the reference of segment {segment_id} was deleted meanwhile; "
                        "reload to see the current state, then apply your change again."
                    )
                raise conflict(
                    f"the reference of segment {segment_id}",
                    current.reviewer,
                    current.updated,
                    current.version,
                )
            return current

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
