"""`workbench db check`: what state a database is in, read without changing anything.

Opening a store upgrades its schema and refuses a damaged or newer database; this module looks
at the same database without either, so a reviewer whose app says "damaged" or "made by a newer
workbench" can see what is there and what can still be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from workbench.errors import StoreError
from workbench.store import db as _db
from workbench.store import migrate
from workbench.store.schema import metadata


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int | None  # None: the table could not be read
    problem: str = ""


@dataclass(frozen=True)
class Health:
    name: str
    dialect: str
    revision: str | None  # the database's schema revision; None for a new (empty) database
    head: str  # the newest revision this workbench knows
    integrity: str  # "ok", or what SQLite's integrity_check found
    tables: list[TableCount] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what it lacks of this workbench's schema
    schema_read: bool = True  # False: the schema itself could not be read (damage)

    @property
    def newer(self) -> bool:
        return self.revision is not None and not migrate.known(self.revision)

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and not self.newer
            and not self.missing
            and all(t.rows is not None for t in self.tables)
        )

    def schema_line(self) -> str:
        if not self.schema_read:
            return "cannot be read (the file is damaged where the schema is kept)"
        if self.revision is None:
            return f"no workbench schema yet (it is created on first use, at {self.head})"
        if self.newer:
            return f"{self.revision}, made by a newer workbench (this one knows {self.head}): upgrade"
        if self.missing:
            return f"{self.revision}, but {'; '.join(self.missing)}"
        if self.revision == self.head:
            return f"{self.revision} (up to date)"
        return f"{self.revision} (upgraded to {self.head} the next time it is opened)"


def check(location: str) -> Health:
    """Examine the database at ``location`` read-only. A file that is not there is not created."""
    where = _db.target(location)
    if where.path is not None and not where.path.exists():
        raise StoreError(f"there is no database at {where.name}: nothing to check.")
    if where.path is not None and where.path.stat().st_size and not _is_sqlite(where.path):
        raise StoreError(
            f"{where.name} is not a workbench database (not an SQLite file): nothing to check. "
            "Point WORKBENCH_DB or --db at the workbench database."
        )
    database = _db.open_database(where)
    engine = database.engine
    try:
        integrity = "ok"
        if where.path is not None:
            try:
                with database.faults():
                    integrity = "; ".join(_db.quick_check(engine, full=True)) or "ok"
            except StoreError as err:
                integrity = _cause(str(err))
        schema_read, missing = True, []
        try:
            with database.read() as conn:
                revision = migrate.current(conn)
                present = set(sa.inspect(conn).get_table_names())
                if revision == migrate.head():  # an older schema lacks columns until its upgrade
                    missing = migrate.missing(conn)
        except StoreError:
            if integrity == "ok":
                raise  # not damage: the server cannot be reached, the file is not a database, ...
            # The schema itself cannot be read: try every table the workbench makes.
            schema_read = False
            revision, present = None, {table.name for table in metadata.sorted_tables}
        tables = [_count(database, table) for table in metadata.sorted_tables if table.name in present]
    finally:
        database.close()
    return Health(
        where.name, where.dialect, revision, migrate.head(), integrity, tables, missing, schema_read
    )


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


def _cause(message: str) -> str:
    """The driver's words inside a store message: "... is damaged (CAUSE). ..." -> CAUSE."""
    start, end = message.find("("), message.find(")")
    return message[start + 1 : end] if 0 <= start < end else message


def _count(database: _db.Database, table: sa.Table) -> TableCount:
    try:
        with database.read() as conn:
            rows = conn.execute(sa.select(sa.func.count()).select_from(sa.table(table.name))).scalar_one()
    except StoreError as err:
        return TableCount(table.name, None, _cause(str(err)))
    return TableCount(table.name, int(rows))
