"""Keys that mean the same on SQLite and PostgreSQL.

- The glossary's wrong form and a known name's spelling were unique ``COLLATE NOCASE``, a
  SQLite collation that folds ASCII only. They get a key column holding ``str.casefold()`` of
  the text, computed by the workbench, with a unique index: "Scholes" and "scholes" (and
  "Ärzte" and "ärzte") are one entry on either database.
- The translation cache was keyed by the whole source sentence. PostgreSQL cannot index a
  text over ~2.7 kB, and a 512-token sentence can be longer, so the key becomes the SHA-256
  of the sentence; the sentence stays beside it.

Rows whose keys collide after folding (possible only for non-ASCII case pairs, which NOCASE
kept apart) keep the most recently changed one.

Revision ID: 0002
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BATCH = 1000


def _add_key(table: str, column: str, key: str, newest: str) -> None:
    bind = op.get_bind()
    op.add_column(table, sa.Column(key, sa.Text, nullable=False, server_default=""))
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} ORDER BY {newest}, id")).all()
    seen: dict[str, int] = {}
    for row_id, text in rows:
        folded = text.strip().casefold()
        if folded in seen:  # an older row with the same key: the newer one stays
            bind.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": seen[folded]})
        seen[folded] = row_id
        bind.execute(
            sa.text(f"UPDATE {table} SET {key} = :key WHERE id = :id"), {"key": folded, "id": row_id}
        )
    op.create_index(f"{table}_{key}", table, [key], unique=True)


def upgrade() -> None:
    bind = op.get_bind()
    indexes = {index["name"] for index in sa.inspect(bind).get_indexes("glossary")}
    if "glossary_wrong" in indexes:  # 0.1's NOCASE index (SQLite only)
        op.drop_index("glossary_wrong", "glossary")
    _add_key("glossary", '"wrong"', "wrong_key", "updated")
    if "known_names_canonical" in {i["name"] for i in sa.inspect(bind).get_indexes("known_names")}:
        op.drop_index("known_names_canonical", "known_names")
    _add_key("known_names", "canonical", "canonical_key", "created")

    op.create_table(
        "translation_cache_new",
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("source_hash", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("translation", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model", "options", "source_hash"),
    )
    old = bind.execute(sa.text("SELECT model, options, source, translation, created FROM translation_cache"))
    insert = sa.text(
        "INSERT INTO translation_cache_new (model, options, source_hash, source, translation, created)"
        " VALUES (:model, :options, :source_hash, :source, :translation, :created)"
    )
    while batch := old.fetchmany(_BATCH):
        bind.execute(
            insert,
            [
                {**row._asdict(), "source_hash": hashlib.sha256(row.source.encode("utf-8")).hexdigest()}
                for row in batch
            ],
        )
    op.drop_table("translation_cache")
    op.rename_table("translation_cache_new", "translation_cache")


def downgrade() -> None:
    raise NotImplementedError("restore a backup to go back to an older schema")
