"""The workbench's one database: translation cache, documents, reviews, glossary, known names.

``Store.open(location)`` takes a SQLite file path (the default, nothing to set up) or a
``postgresql://`` URL (a team's shared server); see store.db for what holds on both. Each
table group lives in a module of its own and adds its methods to Store; rows come back as
small frozen dataclasses, built in a few queries per screen, never one per segment.
"""

from __future__ import annotations

import os

from workbench.errors import StoreError
from workbench.store import db as _db
from workbench.store import migrate
from workbench.store.annotations import GARBLED_NAME, Annotation, AnnotationsMixin, Span
from workbench.store.core import StoreBase
from workbench.store.documents import Document, DocumentsMixin, SegmentRow
from workbench.store.glossary import GlossaryImport, GlossaryMixin
from workbench.store.history import Change, HistoryEntry, HistoryMixin
from workbench.store.names import KnownName, NamesMixin
from workbench.store.references import REFERENCE_STATUSES, ApprovedReference, ReferenceRow, ReferencesMixin
from workbench.store.translations import (
    GLOSSARY_SUFFIX,
    IMPORTED_SYSTEM,
    NewTranslation,
    System,
    TranslationRow,
    TranslationsMixin,
)
from workbench.store.views import ReviewRow, ScorePair, ViewsMixin

__all__ = [
    "GARBLED_NAME",
    "GLOSSARY_SUFFIX",
    "IMPORTED_SYSTEM",
    "REFERENCE_STATUSES",
    "Annotation",
    "ApprovedReference",
    "Change",
    "Document",
    "GlossaryImport",
    "HistoryEntry",
    "KnownName",
    "NewTranslation",
    "ReferenceRow",
    "ReviewRow",
    "ScorePair",
    "SegmentRow",
    "Span",
    "Store",
    "System",
    "TranslationRow",
]


class Store(
    ViewsMixin,
    DocumentsMixin,
    TranslationsMixin,
    AnnotationsMixin,
    ReferencesMixin,
    GlossaryMixin,
    NamesMixin,
    HistoryMixin,
    StoreBase,
):
    @classmethod
    def open(cls, location: str | os.PathLike[str], *, migrate_schema: bool = True) -> Store:
        """Open (creating a SQLite file if needed) and bring the schema up to date."""
        where = _db.target(location)
        database = _db.open_database(where)
        try:
            with database.faults():
                if where.path is not None:
                    where.path.parent.mkdir(parents=True, exist_ok=True)
                    _db.enable_wal(database.engine, database.timeout_ms)
                    problems = _db.quick_check(database.engine)
                    if problems:
                        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
                        raise StoreError(
                            f"the database {where.name} is damaged ({problems[0]}{more}). Nothing was "
                            "written. Restore a backup, or run `workbench db check` to see what can be "
                            "recovered."
                        )
                if migrate_schema:
                    migrate.upgrade(database)
                    migrate.check_complete(database)
        except BaseException:
            database.close()
            raise
        return cls(database)

    def is_at(self, location: str | os.PathLike[str]) -> bool:
        """Whether this store is the database at ``location`` (a path or URL)."""
        return _db.target(location).url == self.database.target.url

    @property
    def name(self) -> str:
        """The database as messages name it: the file path, or the URL without password."""
        return self.database.name

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
