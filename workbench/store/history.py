"""The review history: an append-only record of every review action, with the rows it changed,
and undo.

A use case runs inside ``store.action(actor, "approve", ...)``: the store's write methods note
each row they change (as it was, as it became), and the action writes one history entry with
all of them in the same transaction. Undo restores an entry's rows as one unit, after checking
that nobody changed them since; it is itself an entry, so nothing is ever erased.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.errors import ConflictError, NotFoundError, StoreError
from workbench.store.core import StoreBase
from workbench.store.db import now
from workbench.store.schema import history, metadata
from workbench.when import local

# Tables an undo may restore: (version column, who-changed-it column), None where it has none.
_UNDOABLE = {
    "annotations": ("version", "changed_by"),
    "segment_references": ("version", "reviewer"),
    "glossary": ("version", "changed_by"),
    "known_names": (None, None),
}


@dataclass(frozen=True)
class Change:
    table: str
    id: int
    before: Mapping[str, Any] | None  # None: the action made the row
    after: Mapping[str, Any] | None  # None: the action removed it


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: str
    actor: str
    action: str  # "annotate", "accept", "dismiss", "post-edit", "approve", "apply-everywhere", ...
    document_id: int | None
    segment_id: int | None
    summary: str
    changes: tuple[Change, ...]
    undoes: int | None  # the entry this one undid
    undone_by: int | None  # the entry that undid this one

    @property
    def undoable(self) -> bool:
        return (
            self.undone_by is None
            and self.undoes is None
            and bool(self.changes)
            and all(c.table in _UNDOABLE for c in self.changes)
        )


@dataclass
class Action:
    """What the body of ``store.action(...)`` may still decide: the summary people read, and
    where it happened."""

    summary: str = ""
    document_id: int | None = None
    segment_id: int | None = None
    undoes: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)


def _entries_query() -> sa.Select:
    undone = history.alias("undone")
    return sa.select(history, undone.c.id.label("undone_by")).outerjoin(
        undone, undone.c.undoes == history.c.id
    )


def _entry(row: sa.Row) -> HistoryEntry:
    values = row._asdict()
    values["changes"] = tuple(Change(**c) for c in json.loads(values["changes"]))
    return HistoryEntry(**values)


class HistoryMixin(StoreBase):
    @contextmanager
    def action(
        self,
        actor: str,
        action: str,
        *,
        document_id: int | None = None,
        segment_id: int | None = None,
        summary: str = "",
    ) -> Iterator[Action]:
        """One review action: a write transaction whose row changes become one history entry.
        An action inside another joins it (one entry, one undo)."""
        outer: Action | None = getattr(self._changes, "action", None)
        if outer is not None:
            yield outer
            return
        with self.transaction() as conn:
            current = Action(summary, document_id, segment_id)
            self._changes.action = current
            self._changes.log = current.changes
            try:
                yield current
                if current.changes:
                    conn.execute(
                        sa.insert(history).values(
                            at=now(),
                            actor=actor,
                            action=action,
                            document_id=current.document_id,
                            segment_id=current.segment_id,
                            summary=current.summary,
                            changes=json.dumps(current.changes, ensure_ascii=False),
                            undoes=current.undoes,
                        )
                    )
            finally:
                self._changes.action = None
                self._changes.log = None

    def history(
        self, *, document_id: int | None = None, actor: str | None = None, limit: int = 100
    ) -> list[HistoryEntry]:
        """Newest first."""
        query = _entries_query().order_by(history.c.id.desc()).limit(limit)
        if document_id is not None:
            query = query.where(history.c.document_id == document_id)
        if actor is not None:
            query = query.where(history.c.actor == actor)
        with self._read() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def history_entry(self, entry_id: int) -> HistoryEntry:
        with self._read() as conn:
            row = conn.execute(_entries_query().where(history.c.id == entry_id)).first()
        if row is None:
            raise NotFoundError(f"there is no history entry {entry_id}.")
        return _entry(row)

    def last_action(self, actor: str, *, document_id: int | None = None) -> HistoryEntry | None:
        """The actor's newest action that can still be undone (undoing again walks further back)."""
        return next(
            (e for e in self.history(actor=actor, document_id=document_id, limit=200) if e.undoable), None
        )

    def undo(self, entry_id: int, *, actor: str) -> HistoryEntry:
        """Restore every row the entry changed to how it was before, as one action.

        ConflictError, changing nothing, when the entry was undone already or one of its rows
        was changed since (by anyone): undoing then would throw that later work away.
        """
        with self.action(actor, "undo") as current, self.transaction() as conn:
            entry = self.history_entry(entry_id)
            if entry.undone_by is not None:
                raise ConflictError(f"“{entry.summary or entry.action}” was undone already.")
            if entry.undoes is not None:
                raise StoreError("an undo cannot be undone; make the change again instead.")
            for change in reversed(entry.changes):
                self._restore(conn, change, actor, entry)
            current.summary = f"Undid: {entry.summary or entry.action}"
            current.document_id, current.segment_id, current.undoes = (
                entry.document_id,
                entry.segment_id,
                entry.id,
            )
        return entry

    def _describe(self, change: Change) -> str:
        row = change.after or change.before or {}
        if change.table == "segment_references":
            return f"the English of {self._sentence(row['segment_id'])}"
        if change.table == "annotations":
            text = row.get("mt_text") or row.get("src_text") or row.get("category")
            return f"the annotation on “{text}” in {self._sentence(row['segment_id'])}"
        if change.table == "glossary":
            return f"the glossary entry “{row.get('wrong')}”"
        return f"the known name “{row.get('canonical')}”"

    def _restore(self, conn: Connection, change: Change, actor: str, entry: HistoryEntry) -> None:
        if change.table not in _UNDOABLE:
            raise StoreError(
                f"“{entry.summary or entry.action}” changed {change.table}, which undo cannot restore."
            )
        table = metadata.tables[change.table]
        version, who = _UNDOABLE[change.table]
        now_there = self._snapshot(conn, table, change.id)
        bookkeeping = {version, who, "updated"}

        def content(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
            return None if row is None else {k: v for k, v in row.items() if k not in bookkeeping}

        # Content, not versions: a row an earlier undo restored still counts as untouched.
        if content(now_there) != content(change.after):
            by = (now_there or {}).get(who) if who else None
            when = (now_there or {}).get("updated")
            detail = (
                "was deleted since"
                if now_there is None
                else f"was changed since by {by or 'someone'}" + (f" at {local(when)}" if when else "")
            )
            raise ConflictError(
                f"cannot undo “{entry.summary or entry.action}”: {self._describe(change)} {detail}. "
                "Undo the later change first, or fix it by hand.",
                who=by or "",
                when=when or "",
            )
        before = self._snapshot(conn, table, change.id)
        if change.before is None:
            conn.execute(sa.delete(table).where(table.c.id == change.id))
        elif change.after is None:
            conn.execute(sa.insert(table).values(**change.before))
        else:
            values = dict(change.before)
            if version:
                values[version] = now_there[version] + 1
                values["updated"] = now()
            if who:
                values[who] = actor
            conn.execute(sa.update(table).where(table.c.id == change.id).values(**values))
        self._record(conn, table, change.id, before)
