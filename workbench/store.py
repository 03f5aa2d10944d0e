"""SQLite access: the workbench's one database (translation cache, documents, reviews, glossary).

WAL mode and a busy timeout let the CLI, the app and several reviewers share one file;
every multi-row change runs in one transaction (``Store.transaction``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from workbench import migrations
from workbench.errors import StoreError
from workbench.glossary import GlossaryEntry

BUSY_TIMEOUT_MS = 30_000
_SQL_VARS = 500  # stay well under SQLite's host-parameter limit


class Store:
    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Store:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                 check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                migrations.migrate(db)
        except (sqlite3.DatabaseError, OSError) as err:
            raise StoreError(
                f"cannot open the workbench database {path}: {err}. "
                "Check the path (--db or WORKBENCH_DB) points to a writable SQLite file."
            ) from err
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; rolls back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- translation cache -------------------------------------------------

    def cached_translations(self, model: str, options: str, sources: Iterable[str]) -> dict[str, str]:
        """Translations already in the cache for these sources, keyed by source."""
        wanted = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted, _SQL_VARS):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT source, translation FROM translation_cache"
                f" WHERE model = ? AND options = ? AND source IN ({marks})",
                (model, options, *chunk),
            )
            found.update((row["source"], row["translation"]) for row in rows)
        return found

    def cache_translations(self, model: str, options: str, pairs: Mapping[str, str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO translation_cache (model, options, source, translation)"
                " VALUES (?, ?, ?, ?)",
                [(model, options, src, tgt) for src, tgt in pairs.items()],
            )

    # -- glossary --------------------------------------------------------------

    def glossary_entries(self) -> list[GlossaryEntry]:
        rows = self.db.execute(
            "SELECT wrong, right, kind, note, added_by, document_id FROM glossary ORDER BY wrong COLLATE NOCASE"
        )
        return [GlossaryEntry(**dict(row)) for row in rows]


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
