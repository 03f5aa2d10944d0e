"""Bring a database to the newest schema on open, or refuse one made by a newer workbench.

All pending revisions run in one write transaction, so two processes opening a new database
at once migrate it once, and a crash leaves the previous schema, never half of the next.
SQLite rebuilds a table to change it (Alembic's batch mode): foreign keys are switched off for
that, and checked before the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from workbench.errors import StoreError
from workbench.store.db import MIGRATIONS_DIR, WRITE, Database
from workbench.store.schema import metadata


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def head() -> str:
    """The newest revision this workbench knows."""
    return _script().get_current_head()


def current(conn: Connection) -> str | None:
    """The database's revision; None for a new database (or one of workbench 0.1)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, target: str = "head") -> str:
    """Apply the pending revisions up to ``target``; returns the revision reached."""
    with db.read() as conn:
        found = current(conn)
    wanted = head() if target == "head" else target
    if found == wanted:
        return found
    _refuse_unknown(db, found)
    with _migrating(db) as conn:
        found = current(conn)  # another process may have migrated meanwhile
        _refuse_unknown(db, found)
        if found != wanted:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    return wanted


def known(revision: str) -> bool:
    """Whether this workbench knows ``revision`` (an unknown one was made by a newer workbench)."""
    try:
        _script().get_revision(revision)
    except CommandError:
        return False
    return True


def missing(conn: Connection) -> list[str]:
    """What the database lacks of the newest schema ("table glossary has no column note"): a
    table or column renamed or dropped by hand, or a damaged schema. Empty when complete."""
    found = {
        table: {column["name"] for column in columns}
        for (_schema, table), columns in sa.inspect(conn).get_multi_columns().items()
    }
    problems = []
    for table in metadata.sorted_tables:
        if table.name not in found:
            problems.append(f"there is no table {table.name}")
            continue
        problems += [
            f"table {table.name} has no column {column.name}"
            for column in table.columns
            if column.name not in found[table.name]
        ]
    return problems


def check_complete(db: Database) -> None:
    """Refuse a database that lacks part of the newest schema before anything reads or writes it
    (a write would otherwise fail half-way, or succeed in the tables that are still whole)."""
    with db.read() as conn:
        problems = missing(conn)
    if problems:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise StoreError(
            f"the database {db.name} does not have the tables this workbench expects ({problems[0]}{more}). "
            "Nothing was changed. Restore a backup, or run `workbench db check` to see what can be read."
        )


def _refuse_unknown(db: Database, found: str | None) -> None:
    if found is not None and not known(found):
        raise StoreError(
            f"the database {db.name} was made by a newer workbench (schema {found} > {head()}): "
            "upgrade the workbench (git pull, then bash scripts/setup.sh) to use it. Nothing was changed."
        ) from None


@contextmanager
def _migrating(db: Database) -> Iterator[Connection]:
    if db.dialect != "sqlite":
        with db.write() as conn:
            yield conn
        return
    with db.faults(), db.engine.connect() as conn:
        # PRAGMA foreign_keys is a no-op inside a transaction: set it before BEGIN, on the
        # driver connection itself (SQLAlchemy would BEGIN first).
        driver = conn.connection.dbapi_connection
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.execution_options(**{WRITE: True}).begin():
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise StoreError(
                        f"upgrading the database {db.name} would leave {len(broken)} rows pointing at "
                        f"rows that do not exist (first in table {broken[0][0]}); nothing was changed."
                    )
        finally:
            driver.execute("PRAGMA foreign_keys = ON")
