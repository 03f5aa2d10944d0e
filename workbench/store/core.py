"""What every table group of the store shares: the database handle, transactions, upserts and
the conflict message of the optimistic version check."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.errors import ConflictError, StoreError
from workbench.store.db import Database
from workbench.when import local

SQL_VARS = 500  # rows or values per statement: well under SQLite's host-parameter limit


class StoreBase:
    """The part of Store the table-group mixins rely on."""

    def __init__(self, db: Database) -> None:
        self.database = db
        # The rows changed by the review action under way in this thread (see history.py);
        # None outside an action.
        self._changes = threading.local()

    def _snapshot(self, conn: Connection, table: sa.Table, row_id: int) -> dict[str, Any] | None:
        """A row as it is now; None when it does not exist."""
        row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
        return None if row is None else dict(row._mapping)

    def _sentence(self, segment_id: int) -> str:
        """How people name a segment: "sentence 3 of “Title”"."""
        from workbench.store.schema import documents, segments

        with self.database.read() as conn:
            row = conn.execute(
                sa.select(segments.c.position, documents.c.title)
                .join(documents, documents.c.id == segments.c.document_id)
                .where(segments.c.id == segment_id)
            ).first()
        return f"segment {segment_id}" if row is None else f"sentence {row.position + 1} of “{row.title}”"

    def _before(self, conn: Connection, table: sa.Table, row_id: int | None) -> dict[str, Any] | None:
        """A row before a change, when an action under way will record it (else no query)."""
        if row_id is None or getattr(self._changes, "log", None) is None:
            return None
        return self._snapshot(conn, table, row_id)

    def _record(self, conn: Connection, table: sa.Table, row_id: int, before: dict[str, Any] | None) -> None:
        """Note a row's change for the action under way (if any): as it was, and as it is now."""
        log = getattr(self._changes, "log", None)
        if log is None:
            return
        after = self._snapshot(conn, table, row_id)
        for change in log:
            # A row changed twice in one action is one change: from the first before to the last after.
            if change["table"] == table.name and change["id"] == row_id:
                change["after"] = after
                return
        log.append({"table": table.name, "id": row_id, "before": before, "after": after})

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction; nested use joins the outer one (see store.db)."""
        with self.database.write() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.database.read() as conn:
            yield conn


def upsert(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """INSERT rows; a row whose ``keys`` exist already updates ``update`` columns (None: all
    others), or is skipped when ``update`` is empty. The same statement on both databases."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    columns = [c for c in rows[0] if c not in keys] if update is None else update
    if columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: statement.excluded[c] for c in columns}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    for start in range(0, len(rows), SQL_VARS):
        conn.execute(statement, list(rows[start : start + SQL_VARS]))


def check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise StoreError(f"{what} {value!r} is not one of: {', '.join(allowed)}.")


def conflict(what: str, who: str, when: str, *, theirs: str | None = None) -> ConflictError:
    """A stale save: ``what`` (readable, e.g. "sentence 3 of “Title”") changed by ``who`` at ``when``."""
    return ConflictError(
        f"{what} was changed by {who or 'someone'} at {local(when)}; "
        "reload to see their change, then apply yours again.",
        who=who,
        when=when,
        theirs=theirs,
    )


def chunks(items: Sequence[Any], size: int = SQL_VARS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
