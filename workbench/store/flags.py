"""Flags: spans of a source or a translation that a reviewer or the name detector marked."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import NotFoundError, StoreError
from workbench.store.core import StoreBase, check_choice, conflict
from workbench.store.db import now
from workbench.store.schema import flags, segments

FLAG_SIDES = ("src", "mt")
FLAG_KINDS = ("garbled-name", "terminology", "other")
FLAG_STATUSES = ("open", "accepted", "dismissed")
FLAG_ORIGINS = ("reviewer", "detector")


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


_COLUMNS = tuple(flags.c[name] for name in FlagRow.__dataclass_fields__)


def flag_row(row: sa.Row) -> FlagRow:
    return FlagRow(**row._asdict())


class FlagsMixin(StoreBase):
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
        check_choice("side", side, FLAG_SIDES)
        check_choice("flag kind", kind, FLAG_KINDS)
        check_choice("flag status", status, FLAG_STATUSES)
        check_choice("flag origin", origin, FLAG_ORIGINS)
        if not 0 <= start < end or end - start != len(text):
            raise StoreError(
                f"the span {start}-{end} does not fit the flagged text {text!r}; "
                "a span is start < end with end - start = the text's length."
            )
        stamp = now()
        with self.transaction() as conn:
            self.segment(segment_id)  # NotFoundError for a missing segment
            flag_id = conn.execute(
                sa.insert(flags)
                .values(
                    segment_id=segment_id,
                    side=side,
                    model=model,
                    start=start,
                    end=end,
                    text=text,
                    kind=kind,
                    origin=origin,
                    detector_kind=detector_kind,
                    status=status,
                    correction=correction,
                    reason=reason,
                    reviewer=reviewer,
                    created=stamp,
                    updated=stamp,
                    version=1,
                )
                .returning(flags.c.id)
            ).scalar_one()
            return self.flag(flag_id)

    def flag(self, flag_id: int) -> FlagRow:
        with self._read() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(flags.c.id == flag_id)).first()
        if row is None:
            raise NotFoundError(f"there is no flag {flag_id}; someone may have deleted it. Reload the page.")
        return flag_row(row)

    def flags(
        self, *, document_id: int | None = None, segment_id: int | None = None, status: str | None = None
    ) -> list[FlagRow]:
        """Flags filtered by document, segment and status, in reading order."""
        query = (
            sa.select(*_COLUMNS)
            .join(segments, segments.c.id == flags.c.segment_id)
            .order_by(segments.c.document_id, segments.c.position, flags.c.side, flags.c.start, flags.c.id)
        )
        if document_id is not None:
            query = query.where(segments.c.document_id == document_id)
        if segment_id is not None:
            query = query.where(flags.c.segment_id == segment_id)
        if status is not None:
            query = query.where(flags.c.status == status)
        with self._read() as conn:
            return [flag_row(row) for row in conn.execute(query)]

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
            check_choice("flag status", status, FLAG_STATUSES)
        if kind is not None:
            check_choice("flag kind", kind, FLAG_KINDS)
        changes = {
            name: value
            for name, value in (
                ("status", status),
                ("correction", correction),
                ("reason", reason),
                ("kind", kind),
            )
            if value is not None
        }
        with self.transaction() as conn:
            changed = conn.execute(
                sa.update(flags)
                .where(flags.c.id == flag_id, flags.c.version == expected_version)
                .values(**changes, reviewer=reviewer, version=flags.c.version + 1, updated=now())
            ).rowcount
            current = self.flag(flag_id)
            if not changed:
                raise conflict(
                    f"flag {flag_id} ({current.text!r})", current.reviewer, current.updated, current.version
                )
            return current

    def delete_flag(self, flag_id: int, *, expected_version: int) -> None:
        with self.transaction() as conn:
            if conn.execute(
                sa.delete(flags).where(flags.c.id == flag_id, flags.c.version == expected_version)
            ).rowcount:
                return
            current = self.flag(flag_id)
            raise conflict(
                f"flag {flag_id} ({current.text!r})", current.reviewer, current.updated, current.version
            )
