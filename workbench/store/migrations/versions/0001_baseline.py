"""The schema of workbench 0.1: translation cache, glossary, documents, segments, translations,
flags, references, known names and app state.

workbench 0.1 kept its own numbered migrations in a ``schema_migrations`` table (1 to 6). This
revision creates what a database of any of those versions lacks, so a 0.1 database joins the
Alembic history in place, with its rows untouched, and a new database starts the same way.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Text, nullable=False) for name in names]


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "translation_cache" not in tables:
        op.create_table(
            "translation_cache",
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("options", sa.Text, nullable=False),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("translation", sa.Text, nullable=False),
            *_timestamps("created"),
            sa.PrimaryKeyConstraint("model", "options", "source"),
        )
    if "glossary" not in tables:
        op.create_table(
            "glossary",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("wrong", sa.Text, nullable=False),
            sa.Column("right", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False, server_default="name"),
            sa.Column("note", sa.Text, nullable=False, server_default=""),
            sa.Column("added_by", sa.Text, nullable=False, server_default=""),
            sa.Column("document_id", sa.Integer),
            *_timestamps("created", "updated"),
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
            sa.Column("changed_by", sa.Text, nullable=False, server_default=""),
            sa.CheckConstraint("kind IN ('name', 'term')", name="glossary_kind"),
        )
    elif "changed_by" not in {c["name"] for c in sa.inspect(bind).get_columns("glossary")}:
        # 0.1's migration 6: who last changed an entry, so a stale save can name them.
        op.add_column("glossary", sa.Column("changed_by", sa.Text, nullable=False, server_default=""))
        op.execute("UPDATE glossary SET changed_by = added_by")
    if "documents" not in tables:
        op.create_table(
            "documents",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("source_name", sa.Text, nullable=False, server_default=""),
            sa.Column("source_text", sa.Text, nullable=False, server_default=""),
            sa.Column("created_by", sa.Text, nullable=False, server_default=""),
            *_timestamps("created"),
        )
        op.create_table(
            "segments",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("paragraph", sa.Integer, nullable=False),
            sa.Column("sentence", sa.Integer, nullable=False),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("boilerplate", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.UniqueConstraint("document_id", "position"),
        )
        op.create_table(
            "translations",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("model_name", sa.Text, nullable=False),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("raw", sa.Text, nullable=False),
            sa.Column("applied", sa.Text, nullable=False, server_default="[]"),
            *_timestamps("created"),
            sa.UniqueConstraint("segment_id", "model"),
        )
    if "flags" not in tables:
        op.create_table(
            "flags",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "segment_id", sa.Integer, sa.ForeignKey("segments.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("side", sa.Text, nullable=False),
            sa.Column("model", sa.Text, nullable=False, server_default=""),
            sa.Column("start", sa.Integer, nullable=False),
            sa.Column("end", sa.Integer, nullable=False),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("origin", sa.Text, nullable=False, server_default="reviewer"),
            sa.Column("detector_kind", sa.Text, nullable=False, server_default=""),
            sa.Column("status", sa.Text, nullable=False, server_default="open"),
            sa.Column("correction", sa.Text, nullable=False, server_default=""),
            sa.Column("reason", sa.Text, nullable=False, server_default=""),
            sa.Column("reviewer", sa.Text, nullable=False, server_default=""),
            *_timestamps("created", "updated"),
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
            sa.CheckConstraint("side IN ('src', 'mt')", name="flags_side"),
            sa.CheckConstraint('start >= 0 AND "end" > start', name="flags_span"),
            sa.CheckConstraint("kind IN ('garbled-name', 'terminology', 'other')", name="flags_kind"),
            sa.CheckConstraint("origin IN ('reviewer', 'detector')", name="flags_origin"),
            sa.CheckConstraint("status IN ('open', 'accepted', 'dismissed')", name="flags_status"),
        )
        op.create_index("flags_segment", "flags", ["segment_id"])
        op.create_table(
            "segment_references",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "segment_id",
                sa.Integer,
                sa.ForeignKey("segments.id", ondelete="CASCADE"),
                nullable=False,
                unique=True,
            ),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("status", sa.Text, nullable=False, server_default="draft"),
            sa.Column("reviewer", sa.Text, nullable=False, server_default=""),
            *_timestamps("created", "updated"),
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
            sa.CheckConstraint("status IN ('draft', 'approved')", name="segment_references_status"),
        )
        op.create_table(
            "known_names",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("canonical", sa.Text, nullable=False),
            sa.Column("german", sa.Text, nullable=False, server_default=""),
            sa.Column("variants", sa.Text, nullable=False, server_default="[]"),
            sa.Column("added_by", sa.Text, nullable=False, server_default=""),
            sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="SET NULL")),
            *_timestamps("created"),
        )
    if "app_state" not in tables:
        op.create_table(
            "app_state",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
            *_timestamps("updated"),
        )
    if "schema_migrations" in tables:
        op.drop_table("schema_migrations")  # 0.1's own version table: Alembic's takes over


def downgrade() -> None:
    raise NotImplementedError("the baseline is where the history starts; restore a backup instead")
