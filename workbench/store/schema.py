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
    _text("external_id"),  # the document's id in an imported MQM file ("" otherwise)
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
    _text("external_id"),  # the segment's id in an imported MQM file ("" otherwise)
)

systems = sa.Table(
    "systems",
    metadata,
    _id(),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    _text("model"),  # Backend.identity (name + weights hash); "" for imported MT
    _text("model_name"),  # the model as the user named it
    _text("options"),  # DecodeOptions.cache_key(); "" when unknown
    sa.Column("glossary", sa.Boolean, nullable=False),  # the glossary was applied to its output
    _text("created"),
)

translations = sa.Table(
    "translations",
    metadata,
    _id(),
    sa.Column("segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False),
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id", ondelete="CASCADE"), nullable=False),
    _text("text"),  # what the system delivered
    _text("raw"),  # the model's output before glossary replacements
    _text("applied"),  # JSON list of {"from", "to"} replacements
    _text("created"),
)

annotations = sa.Table(
    "annotations",
    metadata,
    _id(),
    sa.Column("segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False),
    # Whose MT it judges; NULL: the source alone (e.g. a garbled name in the German).
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id", ondelete="CASCADE")),
    sa.Column("mt_start", sa.Integer),  # the span in that system's translation, if any
    sa.Column("mt_end", sa.Integer),
    _text("mt_text"),
    sa.Column("src_start", sa.Integer),  # the span in the source, if any
    sa.Column("src_end", sa.Integer),
    _text("src_text"),
    _text("category"),  # MQM category, e.g. "Accuracy/Mistranslation"
    _text("severity"),  # "Minor" | "Major" | "Critical" | "Neutral" (or as imported)
    _text("tags"),  # JSON list, e.g. ["garbled-name"]
    _text("correction"),
    _text("comment"),
    _text("origin"),  # "reviewer" | "detector" | "import"
    _text("detector_kind"),  # the name detector's own label
    _text("status"),  # "open" | "accepted" | "dismissed"
    _text("rater"),  # who made it
    _text("changed_by"),  # who last changed it
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
    _text("status"),  # "draft" | "approved" | "changed" (since approval)
    _text("reviewer"),  # who last changed it
    _text("approved_by"),
    _text("created"),
    _text("updated"),
    sa.Column("version", sa.Integer, nullable=False),
)

history = sa.Table(
    "history",
    metadata,
    _id(),
    _text("at"),
    _text("actor"),
    _text("action"),
    sa.Column("document_id", sa.Integer),  # no foreign keys: the record outlives what it names
    sa.Column("segment_id", sa.Integer),
    _text("summary"),
    _text("changes"),  # JSON [{"table", "id", "before", "after"}]: rows as they were and became
    sa.Column("undoes", sa.Integer),  # the entry this one undid
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
