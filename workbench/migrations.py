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


@migration(3, "documents, segments and translations")
def _documents(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            source_name TEXT NOT NULL DEFAULT '',   -- file name it was imported from, '' if pasted
            source_text TEXT NOT NULL DEFAULT '',   -- the German text as imported, for reassembly
            created_by TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """
    )
    db.execute(
        """
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,      -- 0-based reading order within the document
            paragraph INTEGER NOT NULL,     -- 1-based, as in segment.Segment
            sentence INTEGER NOT NULL,
            source TEXT NOT NULL,
            boilerplate INTEGER NOT NULL DEFAULT 0 CHECK (boilerplate IN (0, 1)),
            UNIQUE (document_id, position)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE translations (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
            model TEXT NOT NULL,            -- Backend.identity (name + weights hash), or 'imported'
            model_name TEXT NOT NULL,       -- Backend.model as the user named it
            text TEXT NOT NULL,             -- after glossary replacements
            raw TEXT NOT NULL,              -- what the model produced
            applied TEXT NOT NULL DEFAULT '[]',  -- JSON list of {"from", "to"} replacements
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (segment_id, model)
        )
        """
    )


@migration(4, "flags, references and known names")
def _review(db: sqlite3.Connection) -> None:
    # kind is what the reviewer calls the problem (the three kinds); a flag raised by
    # the name detector keeps its own finer label in detector_kind and origin = 'detector'.
    db.execute(
        """
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
            side TEXT NOT NULL CHECK (side IN ('src', 'mt')),
            model TEXT NOT NULL DEFAULT '', -- for side 'mt': the translation's model the span is in
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            text TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('garbled-name', 'terminology', 'other')),
            origin TEXT NOT NULL DEFAULT 'reviewer' CHECK (origin IN ('reviewer', 'detector')),
            detector_kind TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'dismissed')),
            correction TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',   -- who last changed it
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            version INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute("CREATE INDEX flags_segment ON flags (segment_id)")
    # "references" is an SQL keyword, hence the longer name.
    db.execute(
        """
        CREATE TABLE segment_references (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL UNIQUE REFERENCES segments (id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
            reviewer TEXT NOT NULL DEFAULT '',   -- who last changed it
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            version INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute(
        """
        CREATE TABLE known_names (
            id INTEGER PRIMARY KEY,
            canonical TEXT NOT NULL,             -- the English spelling ("Gerasimov")
            german TEXT NOT NULL DEFAULT '',     -- the German spelling ("Gerasimow")
            variants TEXT NOT NULL DEFAULT '[]', -- JSON list of other spellings seen
            added_by TEXT NOT NULL DEFAULT '',
            document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX known_names_canonical ON known_names (canonical COLLATE NOCASE)")


@migration(5, "app state")
def _app_state(db: sqlite3.Connection) -> None:
    # Small facts about this database's history that are not documents, e.g. that the bundled
    # seed article was imported once (so deleting every document does not bring it back).
    db.execute(
        """
        CREATE TABLE app_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) WITHOUT ROWID
        """
    )


@migration(6, "who last changed a glossary entry")
def _glossary_changed_by(db: sqlite3.Connection) -> None:
    # A stale glossary save is refused with a message naming who changed the entry meanwhile;
    # added_by says who added it, which is not who edited it since.
    db.execute("ALTER TABLE glossary ADD COLUMN changed_by TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE glossary SET changed_by = added_by")


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
            if db.in_transaction:  # SQLite may have rolled back by itself already
                db.execute("ROLLBACK")
            raise
    return current_version(db)
