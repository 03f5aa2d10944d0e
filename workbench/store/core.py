"""What every table group of the store shares: the database handle, transactions, upserts and
the conflict message of the optimistic version check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.errors import ConflictError, StoreError
from workbench.store.db import Database

SQL_VARS = 500  # rows or values per statement: well under SQLite's host-parameter limit


class StoreBase:
    """The part of Store the table-group mixins rely on."""

    def __init__(self, db: Database) -> None:
        self.database = db

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


def conflict(what: str, reviewer: str, updated: str, version: int) -> ConflictError:
    who = reviewer or "someone"
    return ConflictError(
        f"{what} was changed by {who} at {updated} (version {version}); "
        "reload to see their change, then apply yours again."
    )


def chunks(items: Sequence[Any], size: int = SQL_VARS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
