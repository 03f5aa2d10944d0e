"""`workbench db copy`: every row of one database into another, e.g. a reviewer's SQLite file
into the PostgreSQL server a team shares.

What a copy guarantees:

- **The same data.** Every workbench table, every row, with its id, so every reference between
  rows (and every history entry's "before" and "after") stays valid; on PostgreSQL each id
  sequence then continues after the highest id copied.
- **The current schema.** The source is brought to the newest schema first (as opening it with
  this workbench would), so a database made by an earlier release copies as well.
- **A consistent source.** All tables are read in one read transaction (a snapshot): an app
  still writing to the source cannot leave rows pointing at rows that were not copied.
- **All or nothing.** The destination is written in one transaction; a SQLite destination is
  built in a temporary file next to it and renamed into place only when complete. An
  interrupted or failed copy leaves no destination (or the empty one that was there).
- **Never over data.** A destination that holds any row is refused before anything is written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.errors import StoreError
from workbench.store import Store, migrate
from workbench.store import db as _db
from workbench.store.core import SQL_VARS
from workbench.store.schema import metadata


@dataclass(frozen=True)
class CopiedTable:
    table: str
    rows: int


@dataclass(frozen=True)
class CopyResult:
    source: str  # names as messages show them: path, or URL without password
    destination: str
    revision: str  # the schema both are at
    tables: tuple[CopiedTable, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


Progress = Callable[[CopiedTable], None]
"""Called after each table is written (inside the destination's transaction, before commit)."""


def copy_database(source: str, destination: str, *, progress: Progress | None = None) -> CopyResult:
    """Copy every table of ``source`` into ``destination`` (paths or postgresql:// URLs).

    StoreError, with nothing written, when the source is missing, the two are the same
    database, or the destination holds data.
    """
    src, dst = _db.target(source), _db.target(destination)
    if src.path is not None and not src.path.is_file():
        raise StoreError(f"there is no database at {src.name}: nothing to copy. Check the path (SRC).")
    if _same(src, dst):
        raise StoreError(
            f"{src.name} is both the source and the destination: give a new file or an empty database as DST."
        )
    if dst.path is not None:
        _refuse_sqlite_with_data(dst)
    _refuse_empty_source(src)
    with Store.open(source) as store:
        revision = migrate.head()
        with _snapshot(store.database) as reading:
            if dst.path is None:
                tables = _into_server(reading, dst, progress)
            else:
                tables = _into_file(reading, dst, progress)
    return CopyResult(src.name, dst.name, revision, tables)


def _refuse_empty_source(src: _db.Target) -> None:
    """Opening a database creates the schema: a source without tables is a wrong URL or path."""
    database = _db.open_database(src)
    try:
        with database.read() as conn:
            tables = sa.inspect(conn).get_table_names()
    finally:
        database.close()
    if not tables:
        raise StoreError(
            f"there is no workbench database at {src.name} (it has no tables): nothing to copy. "
            "Check the path or URL (SRC)."
        )


def _same(a: _db.Target, b: _db.Target) -> bool:
    if a.path is not None and b.path is not None:
        return a.path.resolve() == b.path.resolve()
    return a.url == b.url


# -- the source: one snapshot ---------------------------------------------------------------------


@contextmanager
def _snapshot(database: _db.Database) -> Iterator[Connection]:
    """One read transaction over the whole source: on SQLite (WAL) a BEGIN holds a snapshot
    from the first read on; PostgreSQL needs REPEATABLE READ for the same."""
    with database.faults(), database.engine.connect() as conn:
        if database.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _rows(reading: Connection, table: sa.Table) -> Iterator[list[dict]]:
    """A table's rows in id order, a chunk at a time (a translation cache can be large)."""
    query = sa.select(table).order_by(*table.primary_key.columns)
    result = reading.execution_options(stream_results=True, yield_per=SQL_VARS).execute(query)
    for chunk in result.partitions():
        yield [dict(row._mapping) for row in chunk]


# -- the destination ------------------------------------------------------------------------------


def _write_all(
    reading: Connection, writing: Connection, name: str, progress: Progress | None
) -> tuple[CopiedTable, ...]:
    """Inside the destination's transaction: refuse data, then copy each table in the order
    foreign keys allow (parents first)."""
    _refuse_rows(writing, name)
    copied = []
    for table in metadata.sorted_tables:
        count = 0
        for chunk in _rows(reading, table):
            try:
                writing.execute(sa.insert(table), chunk)
            except sa.exc.DBAPIError as err:
                detail = str(err.orig).strip().splitlines()[0]
                raise StoreError(
                    f"copying table {table.name} into {name} failed ({detail}); nothing was copied. "
                    "Run `workbench db check` on the source."
                ) from err
            count += len(chunk)
        done = CopiedTable(table.name, count)
        copied.append(done)
        if progress is not None:
            progress(done)
    if writing.dialect.name == "postgresql":
        _reset_sequences(writing)
    return tuple(copied)


def _refuse_rows(conn: Connection, name: str) -> None:
    present = set(sa.inspect(conn).get_table_names())
    held = []
    for table in metadata.sorted_tables:
        if table.name in present:
            n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if n:
                held.append((table.name, n))
    if held:
        raise StoreError(
            f"the destination {name} already holds data ({_counts(held)}); nothing was copied. "
            "Give a new file or an empty database as DST."
        )


def _counts(held: list[tuple[str, int]]) -> str:
    return f"{sum(n for _, n in held):,} rows: " + ", ".join(f"{name} {n:,}" for name, n in held)


def _reset_sequences(conn: Connection) -> None:
    """Each id sequence continues after the highest id copied (1 for an empty table)."""
    for table in metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
            )
        )


def _into_server(reading: Connection, dst: _db.Target, progress: Progress | None) -> tuple[CopiedTable, ...]:
    """PostgreSQL: schema and rows in one transaction, so a failure leaves the server as it was."""
    database = _db.open_database(dst)
    try:
        with database.write() as writing:  # the migration joins this transaction
            migrate.upgrade(database)
            return _write_all(reading, writing, dst.name, progress)
    finally:
        database.close()


def _into_file(reading: Connection, dst: _db.Target, progress: Progress | None) -> tuple[CopiedTable, ...]:
    """SQLite: build the copy in a temporary file next to DST, rename it into place when done."""
    assert dst.path is not None
    folder = dst.path.parent
    temp = folder / f".{dst.path.name}.{os.getpid()}.copying"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.unlink(missing_ok=True)  # left by a copy of this process id that was killed
        # Created as any new database file is (the umask applies), not private like a mkstemp file.
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as err:
        raise StoreError(
            f"cannot write the destination {dst.name}: {err.strerror or err}. Check that its folder "
            "is writable."
        ) from err
    try:
        with Store.open(temp) as building:
            with building.database.write() as writing:
                tables = _write_all(reading, writing, dst.name, progress)
            # The copy is one self-contained file: no write-ahead log beside it to lose in the rename.
            with building.database.faults():
                driver = building.database.engine.raw_connection()
                try:
                    driver.execute("PRAGMA journal_mode = DELETE")
                finally:
                    driver.close()
        _refuse_sqlite_with_data(dst)  # nobody filled DST meanwhile
        os.replace(temp, dst.path)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal")):
            leftover.unlink(missing_ok=True)
    return tables


def _refuse_sqlite_with_data(dst: _db.Target) -> None:
    """A SQLite DST may be missing, an empty file, or a workbench database without rows."""
    assert dst.path is not None
    path = dst.path
    if path.is_dir():
        raise StoreError(f"the destination {dst.name} is a folder: give a file name for the copy (DST).")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise StoreError(
                f"the destination {dst.name} exists and is not a database; nothing was copied. "
                "Give a new file name as DST."
            )
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            held = [
                (table.name, n)
                for table in metadata.sorted_tables
                if table.name in names
                and (n := conn.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0])
            ]
    except sqlite3.Error as err:
        raise StoreError(
            f"the destination {dst.name} cannot be read ({err}); nothing was copied. "
            "Give a new file name as DST."
        ) from err
    if held:
        raise StoreError(
            f"the destination {dst.name} already holds data ({_counts(held)}); nothing was copied. "
            "Give a new file or an empty database as DST."
        )
