"""Database faults a user can meet, made for real on a SQLite file (no mock of the store):
damaged pages, a schema from a newer workbench, a renamed column, a read-only file, a full
disk, another process holding the write lock. Shared by the CLI, AppTest and browser tests.

The first four change the file (``make(path)``); the last three are context managers that
hold the fault for the block (``with fault(path): ...``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from workbench.cli import cli
from workbench.names import kb as knowledge
from workbench.store import NewTranslation, Store
from workbench.workflows import detect

PAGE = 4096
GERMAN = [f"Satz {n}: Der Minister sprach in Berlin mit General Nummer {n} über die Lage." for n in range(30)]
MT = [
    f"Sentence {n}: The minister spoke in Berlin with general number {n} about the situation."
    for n in range(30)
]
REF = [
    f"Sentence {n}: in Berlin the minister talked to General No. {n} about the situation." for n in range(30)
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def reviewed_database(folder: Path) -> Path:
    """A workbench database as reviewers leave it, made in ``folder``: a document with two
    systems' MT, approved references, the name checks' findings, and a glossary."""
    path = folder / "workbench.db"
    de, mt, ref = (
        _write(folder / "a.de.txt", GERMAN),
        _write(folder / "a.en.txt", MT),
        _write(folder / "r.txt", REF),
    )
    runner = CliRunner()
    for args in (
        ["import", str(de), "--mt", str(mt), "--ref", str(ref), "--title", "Minister"],
        ["glossary", "add", "Millie", "Milley", "--note", "seen in the seed article"],
        ["glossary", "add", "Schoiku", "Shoigu"],
    ):
        result = runner.invoke(cli, [*args, "--db", str(path)])
        assert result.exit_code == 0, result.output
    with Store.open(path) as db:
        other = db.add_system("online-b")
        segments = db.segments(db.documents()[0].id)
        db.save_translations(
            other.id, [NewTranslation(s.id, f"The minister spoke, {s.position}.") for s in segments]
        )
        for system in db.systems(segments[0].document_id):  # the name checks, as the app stores them
            detect.detect(db, segments[0].document_id, knowledge.load_kb(), system_id=system.id)
    return path


def zero_pages(path: Path, first: int, count: int) -> None:
    with path.open("r+b") as file:
        file.seek(first * PAGE)
        file.write(b"\0" * PAGE * count)


def damage_middle(path: Path) -> None:
    zero_pages(path, 1, 2)  # the first tables' pages


def damage_end(path: Path) -> None:
    # Only the last pages: the schema and the first tables read fine, so only a check of every
    # page on open (not the first query) finds it before a write goes into the damaged file.
    zero_pages(path, path.stat().st_size // PAGE - 2, 2)


def newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()


def renamed_column(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE glossary RENAME COLUMN note TO remark")
    conn.close()


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make SQLite refuse writes to the file. As root, chmod does not: root writes anyway. An
    immutable file (chattr +i) refuses even root's open for writing, so SQLite opens it read-only,
    as it does a file without write permission for anyone else (chmod, when not root)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    chattr = shutil.which("chattr")
    made = chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode == 0
    if not made:
        pytest.skip(f"running as root and cannot make {path} immutable (chattr +i): root writes any file")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


@contextmanager
def full_disk(path: Path) -> Iterator[None]:
    """A full disk: every connection may not grow the file beyond its size now (SQLite's own
    way to simulate one; the writes get SQLITE_FULL as on a real full disk)."""

    def limit(dbapi_connection, _record) -> None:  # noqa: ANN001
        if isinstance(dbapi_connection, sqlite3.Connection):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    sa.event.listen(sa.engine.Engine, "connect", limit)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "connect", limit)


HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def held_write_lock(path: Path) -> Iterator[None]:
    """Another process holds the database's write lock (BEGIN IMMEDIATE) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# name: (make the fault, the cause the error line names, the fix it names)
REFUSING = {
    "damaged": (damage_middle, "is damaged", "restore a backup"),
    "damaged-at-the-end": (damage_end, "is damaged", "restore a backup"),
    "newer": (newer, "newer workbench", "upgrade"),
    "renamed-column": (renamed_column, "table glossary has no column note", "restore a backup"),
}

WRITES_STOPPED = {
    "read-only": (read_only, "is read-only", "writable"),
    "disk-full": (full_disk, "is full", "free space and run again"),
    "busy": (held_write_lock, "is busy", "try again in a moment"),
}
