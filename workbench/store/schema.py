"""The tables as the store queries them (the schema at the newest migration).

The migrations under migrations/versions/ create and change the tables; this module only
describes the result for SQLAlchemy Core queries, and tests/test_migrations.py checks that a
migrated database has exactly these columns. Time stamps are ISO 8601 UTC text written by the
workbench (db.now), the same on SQLite and PostgreSQL; JSON columns are text.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _text(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, **kwargs)


translation_cache = sa.Table(
    "translation_cache",
    metadata,
    _text("model", primary_key=True),  # model identity: name + content hash
    _text("options", primary_key=True),  # DecodeOptions.cache_key()
    _text("source_hash", primary_key=True),  # sha256 of the source sentence
    _text("source"),
    _text("translation"),
    _text("created"),
)

glossary = sa.Table(
    "glossary",
    metadata,
    _id(),
    _text("wrong"),
    _text("wrong_key"),  # wrong.strip().casefold(): one entry per wrong form, in any case
    _text("right"),
    _text("kind"),
    _text("note"),
    _text("added_by"),
    sa.Column("document_id", sa.Integer),
    _text("created"),
    _text("updated"),
    sa.Column("version", sa.Integer, nullable=False),
    _text("changed_by"),
)

documents = sa.Table(
    "documents",
    metadata,
    _id(),
    _text("title"),
    _text("source_name"),  # the file it was imported from; "" when pasted
    _text("source_text"),  # the German as imported, for reassembly
    _text("created_by"),
    _text("created"),
)

segments = sa.Table(
    "segments",
    metadata,
    _id(),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # 0-based reading order
    sa.Column("paragraph", sa.Integer, nullable=False),  # 1-based, as in segment.Segment
    sa.Column("sentence", sa.Integer, nullable=False),
    _text("source"),
    sa.Column("boilerplate", sa.Boolean, nullable=False),
)

translations = sa.Table(
    "translations",
    metadata,
    _id(),
    sa.Column("segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False),
    _text("model"),  # Backend.identity (name + weights hash), or "imported"
    _text("model_name"),  # the model as the user named it
    _text("text"),  # after glossary replacements
    _text("raw"),  # what the model produced
    _text("applied"),  # JSON list of {"from", "to"} replacements
    _text("created"),
)

flags = sa.Table(
    "flags",
    metadata,
    _id(),
    sa.Column("segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False),
    _text("side"),  # "src" | "mt"
    _text("model"),  # for side mt: the translation's model the span is in
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    _text("text"),
    _text("kind"),
    _text("origin"),
    _text("detector_kind"),
    _text("status"),
    _text("correction"),
    _text("reason"),
    _text("reviewer"),  # who last changed it
    _text("created"),
    _text("updated"),
    sa.Column("version", sa.Integer, nullable=False),
)

segment_references = sa.Table(
    "segment_references",
    metadata,
    _id(),
    sa.Column(
        "segment_id",
        sa.Integer,
        sa.ForeignKey("segments.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    _text("text"),
    _text("status"),
    _text("reviewer"),  # who last changed it
    _text("created"),
    _text("updated"),
    sa.Column("version", sa.Integer, nullable=False),
)

known_names = sa.Table(
    "known_names",
    metadata,
    _id(),
    _text("canonical"),  # the English spelling ("Gerasimov")
    _text("canonical_key"),  # canonical.strip().casefold()
    _text("german"),  # the German spelling ("Gerasimow")
    _text("variants"),  # JSON list of other spellings seen
    _text("added_by"),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="SET NULL")),
    _text("created"),
)

app_state = sa.Table(
    "app_state",
    metadata,
    _text("key", primary_key=True),
    _text("value"),
    _text("updated"),
)
