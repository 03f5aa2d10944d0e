"""The database under the store: a SQLite file (one person, nothing to set up) or a PostgreSQL
server (a team), behind one SQLAlchemy engine.

What this module guarantees, on both databases:

- **One writer at a time.** A write transaction takes SQLite's write lock at BEGIN (BEGIN
  IMMEDIATE) or, on PostgreSQL, one transaction-scoped advisory lock. Either waits at most
  WORKBENCH_DB_TIMEOUT_MS (default 30 s) for another writer, then gives up with "busy": a
  process that holds the lock and hangs never stalls everyone else for good. A use case that reads,
  checks and then writes (an optimistic version check, "is this flag already on record?")
  therefore sees every change committed before it, exactly as on SQLite; reads never wait.
- **Nesting joins.** A transaction opened inside another (in the same thread) joins it, so a
  use case can group several store calls into one atomic change.
- **Schema upgrades on open** with Alembic, one history for both databases; a database made
  by a newer workbench is refused, never used half-understood.
- **Faults are one line.** A read-only file, a full disk, a damaged file, a held lock, a server
  that does not answer: each becomes a StoreError naming the database, the cause and the fix.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from workbench import config
from workbench.errors import StoreError

log = logging.getLogger("workbench")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITE = "workbench_write"  # execution option: this connection's transaction writes
_PG_WRITE_LOCK = 0x776F726B  # "work": the advisory lock every write transaction holds
# Advisory locks belong to the server database, not to a schema: the second key makes the lock
# one per schema, so two workbench databases in schemas of one server database (a staging copy,
# tests) do not queue each other's writes. coalesce: a NULL key would take no lock at all.
PG_WRITE_LOCK_SQL = "SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"


def now() -> str:
    """The time stamps the store records: ISO 8601 UTC with milliseconds, e.g. 2026-12-01T09:30:00.123Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class Target:
    """Where the database is: a SQLAlchemy URL, and how to name it in messages."""

    url: sa.URL
    name: str  # the file path, or the URL without its password

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def path(self) -> Path | None:
        """The SQLite file, None for a server."""
        return Path(self.url.database) if self.dialect == "sqlite" and self.url.database else None


def target(location: str | os.PathLike[str]) -> Target:
    """A file path means SQLite; ``postgresql://user@host/db`` means PostgreSQL (psycopg 3)."""
    text = os.fspath(location)
    if "://" not in text:
        path = Path(text).expanduser()
        return Target(sa.URL.create("sqlite+pysqlite", database=str(path)), str(path))
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"{text!r} is not a database URL. Give a file path (SQLite) or postgresql://user@host/database."
        ) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    else:
        raise StoreError(
            f"the database URL {url.render_as_string(hide_password=True)} is for {backend}; the workbench "
            "uses a file path (SQLite) or postgresql://user@host/database."
        )
    return Target(url, url.render_as_string(hide_password=True))


class Database:
    """An engine with the transaction and fault rules above. Safe to share between threads:
    each thread gets its own connection, and its own current transaction."""

    def __init__(self, where: Target, engine: Engine, timeout_ms: int) -> None:
        self.target = where
        self.engine = engine
        self.timeout_ms = timeout_ms  # how long a write waits for the write lock
        self._local = threading.local()

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def dialect(self) -> str:
        return self.target.dialect

    # -- connections ---------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading: the current transaction's, else a fresh snapshot."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self.faults(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (see the module notes); commits at the end, rolls back on error."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self.faults(), self.engine.connect().execution_options(**{WRITE: True}) as conn:
            with conn.begin():
                if self.dialect == "postgresql":
                    # Without a limit a writer that hangs with the lock (idle in transaction)
                    # would stall every other one for good; 55P03 after it is "busy", as SQLite.
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(self.timeout_ms)}")
                    conn.execute(sa.text(PG_WRITE_LOCK_SQL), {"key": _PG_WRITE_LOCK})
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None

    def in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def close(self) -> None:
        self.engine.dispose()

    # -- faults -------------------------------------------------------------------------------

    @contextmanager
    def faults(self) -> Iterator[None]:
        """Turn a database failure into a StoreError that names this database and the fix.

        Integrity errors pass through: the store's own code turns those it expects into
        conflicts, and any other is a bug to see in full.
        """
        try:
            yield
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as err:
            raise StoreError(describe(err.orig, self.name, self.timeout_ms)) from err
        except sqlite3.Error as err:  # from the driver connection itself (PRAGMAs outside a transaction)
            raise StoreError(describe(err, self.name, self.timeout_ms)) from err
        except OSError as err:  # the folder of a new SQLite file cannot be made, ...
            raise StoreError(f"cannot use the database {self.name}: {err.strerror or err}.") from err


def describe(err: BaseException, name: str, timeout_ms: int) -> str:
    """One line for a database failure: what happened to which database, and what to do.
    ``timeout_ms``: how long a write waited for the write lock (named when it is "busy")."""
    detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return _describe_sqlite(code & 0xFF, detail, name, timeout_ms)
    state = getattr(err, "sqlstate", None) or ""
    if state == "55P03":  # lock_not_available: lock_timeout ran out on the write lock
        return busy(name, timeout_ms)
    if state == "53100":
        return (
            f"the disk of the database server for {name} is full: nothing was written. "
            "Free space and run again."
        )
    if state == "25006":
        return (
            f"the database {name} is read-only ({detail}); nothing was written. Connect to a writable server."
        )
    if state.startswith(("08", "57P")) or not state:
        return (
            f"cannot reach the database {name}: {detail}. Check that the server is running and that the "
            "URL (WORKBENCH_DB or --db) is right; nothing was written."
        )
    if state in ("42P01", "42703"):
        return (
            f"the database {name} does not have the tables this workbench expects ({detail}). "
            "Restore a backup, or run `workbench db check`."
        )
    if state.startswith("XX"):
        return f"the database {name} is damaged ({detail}). Restore a backup; nothing was written."
    return f"the database {name} failed: {detail}."


_SQLITE_READONLY, _SQLITE_BUSY, _SQLITE_LOCKED = 8, 5, 6
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26


def busy(name: str, timeout_ms: int) -> str:
    """The message for a write that waited ``timeout_ms`` for the write lock in vain."""
    waited = f"{timeout_ms // 1000} s" if timeout_ms % 1000 == 0 else f"{timeout_ms / 1000:g} s"
    return (
        f"the database {name} is busy: another program has held its write lock for more than {waited}. "
        "Nothing was saved; try again in a moment (WORKBENCH_DB_TIMEOUT_MS sets how long to wait)."
    )


def _describe_sqlite(code: int, detail: str, name: str, timeout_ms: int) -> str:
    if code == _SQLITE_READONLY:
        return (
            f"the database {name} is read-only ({detail}): nothing was written. Make the file and its "
            "folder writable, or point WORKBENCH_DB / --db at a writable database, and run again."
        )
    if code == _SQLITE_FULL:
        return f"the disk holding the database {name} is full: nothing was written. Free space and run again."
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return busy(name, timeout_ms)
    if code == _SQLITE_NOTADB:
        return (
            f"{name} is not a workbench database (not an SQLite file). Point WORKBENCH_DB or --db at the "
            "workbench database, or at a new file name to start an empty one."
        )
    if code == _SQLITE_CORRUPT:
        return (
            f"the database {name} is damaged ({detail}). Nothing was written. Restore a backup, or run "
            "`workbench db check` to see what can be recovered."
        )
    if code == _SQLITE_CANTOPEN:
        return (
            f"cannot open the database {name} ({detail}). Check that its folder exists and is writable, "
            "or point WORKBENCH_DB or --db elsewhere."
        )
    if code == _SQLITE_IOERR:
        return (
            f"reading or writing the database {name} failed ({detail}). Check the disk; nothing was written."
        )
    if "no such table" in detail or "no such column" in detail:
        return (
            f"the database {name} does not have the tables this workbench expects ({detail}). "
            "Restore a backup, or run `workbench db check`."
        )
    return f"the database {name} failed: {detail}."


# -- engines -----------------------------------------------------------------------------------


def open_database(where: Target) -> Database:
    """A Database on ``where`` whose writes wait WORKBENCH_DB_TIMEOUT_MS for the write lock."""
    timeout_ms = config.db_timeout_ms()
    return Database(where, create_engine(where, timeout_ms), timeout_ms)


def create_engine(where: Target, timeout_ms: int) -> Engine:
    if where.dialect == "sqlite":
        return _sqlite_engine(where, timeout_ms)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError(
            f"{where.name} is a PostgreSQL database, but psycopg is not installed: "
            "pip install 'workbench[postgres]'."
        ) from None
    return sa.create_engine(
        where.url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "application_name": "workbench"},
    )


def _sqlite_engine(where: Target, timeout_ms: int) -> Engine:
    engine = sa.create_engine(
        where.url,
        connect_args={"timeout": timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # noqa: ANN001
        # pysqlite's own transaction handling would BEGIN lazily and never IMMEDIATE: we BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN, so its reads and checks see the latest commit
        # and no other writer can slip in between; a reader takes a snapshot and never waits.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


def enable_wal(engine: Engine, timeout_ms: int) -> None:
    """Switch a SQLite file to WAL (persistent), waiting out other processes creating it too.

    Changing the journal mode needs an exclusive lock, and SQLite runs no busy handler for it:
    two processes opening a fresh file at once would otherwise fail at once with "locked".
    It cannot run inside a transaction, so it runs on the driver connection itself.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    driver = engine.raw_connection()
    try:
        while True:
            try:
                driver.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
    finally:
        driver.close()


def quick_check(engine: Engine, *, full: bool = False) -> list[str]:
    """SQLite's own consistency check of every page (fast: no index contents): the problems
    found, one line each (at most 5); empty when sound. ``full`` runs integrity_check
    instead, which also compares every index with its table."""
    driver = engine.raw_connection()
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [row[0] for row in driver.execute(f"PRAGMA {pragma}(5)")]
    finally:
        driver.close()
    if rows == ["ok"]:
        return []
    # A row may hold several lines, headed "*** in database main ***": one problem a line.
    lines = (line.strip() for row in rows for line in str(row).splitlines())
    return [line for line in lines if line and not line.startswith("***")]
