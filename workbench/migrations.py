"""Numbered schema migrations, applied in order and recorded in the database.

Each migration is a small function run inside its own transaction; the version it
brings the schema to is written to ``schema_migrations`` in that same transaction,
so a crash leaves the database at the previous version, never half-migrated.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(version: int, name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((version, name, fn))
        MIGRATIONS.sort(key=lambda m: m[0])
        return fn

    return register


@migration(1, "translation cache")
def _translation_cache(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE translation_cache (
            model TEXT NOT NULL,        -- model identity: name + content hash
            options TEXT NOT NULL,      -- DecodeOptions.cache_key()
            source TEXT NOT NULL,
            translation TEXT NOT NULL,
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (model, options, source)
        ) WITHOUT ROWID
        """
    )


@migration(2, "glossary")
def _glossary(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE glossary (
            id INTEGER PRIMARY KEY,
            wrong TEXT NOT NULL,
            right TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'name' CHECK (kind IN ('name', 'term')),
            note TEXT NOT NULL DEFAULT '',
            added_by TEXT NOT NULL DEFAULT '',
            document_id INTEGER,
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            version INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX glossary_wrong ON glossary (wrong COLLATE NOCASE)")


def current_version(db: sqlite3.Connection) -> int:
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return row[0] or 0


def latest_version() -> int:
    return MIGRATIONS[-1][0]


def migrate(db: sqlite3.Connection, target: int | None = None) -> int:
    """Bring the schema up to ``target`` (default: latest). Returns the version reached.

    The connection must be in autocommit mode (isolation_level=None); each step runs
    under BEGIN IMMEDIATE so two processes opening a new database don't both migrate.
    """
    target = latest_version() if target is None else target
    for version, name, fn in MIGRATIONS:
        if version > target:
            break
        db.execute("BEGIN IMMEDIATE")
        try:
            if version <= current_version(db):
                db.execute("ROLLBACK")
                continue
            fn(db)
            db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return current_version(db)
