"""Systems, MQM annotations, review history.

- **systems**: a translation belongs to a named system (model identity + decoding options +
  glossary on/off, or any name for imported MT) instead of to a bare model identity, so one
  document can hold several systems to compare. A 0.1 translation by a model becomes two
  systems' translations, the model's raw output ("NAME") and the output with the glossary
  applied ("NAME +glossary"), so the glossary's effect is measured, not assumed; imported MT
  becomes the system "imported".
- **annotations** replace flags: an MQM error (category, severity) with an optional span in
  the MT and an optional span in the source, so a garbled name seen on both sides is one
  item; tags carry "garbled-name". A 0.1 flag becomes an annotation: garbled name ->
  Accuracy/Mistranslation, Major, tagged; term -> Terminology, Major; other -> Other, Minor.
- **references** gain the status "changed" (approved, then changed by apply-everywhere or
  a glossary change) and who approved them.
- **history**: an append-only record of every review action with the rows it changed.
- documents and segments keep the ids they had in an imported MQM file (external_id).

Revision ID: 0003
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import PurePath

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_GLOSSARY_SUFFIX = " +glossary"
_KINDS = {  # 0.1 flag kind -> (MQM category, severity, tags)
    "garbled-name": ("Accuracy/Mistranslation", "Major", ["garbled-name"]),
    "terminology": ("Terminology", "Major", []),
    "other": ("Other", "Minor", []),
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _rebuild(name: str, columns: Callable[[], list[sa.SchemaItem]], rows: Iterable[dict]) -> None:
    """Replace a table by a new definition holding ``rows`` (ids kept), on either database."""
    op.create_table(f"{name}_new", *columns())
    table = sa.table(f"{name}_new", *(sa.column(c.name) for c in columns() if isinstance(c, sa.Column)))
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 500:
            op.get_bind().execute(sa.insert(table), batch)
            batch = []
    if batch:
        op.get_bind().execute(sa.insert(table), batch)
    op.drop_table(name)
    op.rename_table(f"{name}_new", name)
    if op.get_bind().dialect.name == "postgresql":
        # Rows were copied with their ids: the id sequence must continue after them.
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), coalesce(max(id), 0) + 1, false)"
            f" FROM {name}"
        )


def _fk(table: str, ondelete: str = "CASCADE", nullable: bool = False, **kw: object) -> sa.Column:
    return sa.Column(
        f"{table[:-1]}_id",
        sa.Integer,
        sa.ForeignKey(f"{table}.id", ondelete=ondelete),
        nullable=nullable,
        **kw,
    )


def _system_name(model_name: str) -> str:
    # A local model folder is named by its last part; a hub id stays as it is.
    return PurePath(model_name).name if model_name.startswith(("/", ".", "~")) else model_name


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("documents", sa.Column("external_id", sa.Text, nullable=False, server_default=""))
    op.add_column("segments", sa.Column("external_id", sa.Text, nullable=False, server_default=""))

    op.create_table(
        "systems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("model", sa.Text, nullable=False, server_default=""),  # identity; "" for imported MT
        sa.Column("model_name", sa.Text, nullable=False, server_default=""),
        sa.Column("options", sa.Text, nullable=False, server_default=""),  # DecodeOptions.cache_key()
        sa.Column("glossary", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created", sa.Text, nullable=False),
    )
    systems = sa.table(
        "systems",
        *(sa.column(c) for c in ("id", "name", "model", "model_name", "options", "glossary", "created")),
    )

    # -- translations: one row per (segment, system) ---------------------------------------
    old = bind.execute(
        sa.text(
            "SELECT id, segment_id, model, model_name, text, raw, applied, created"
            " FROM translations ORDER BY id"
        )
    ).all()
    raw_system: dict[str, int] = {}  # model identity -> system id of its raw output
    glossed_system: dict[str, int] = {}  # model identity -> system id with the glossary
    names: set[str] = set()

    def add_system(name: str, model: str, model_name: str, glossary: bool) -> int:
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name} ({n})", n + 1
        names.add(unique)
        return bind.execute(
            sa.insert(systems)
            .values(
                name=unique, model=model, model_name=model_name, options="", glossary=glossary, created=_now()
            )
            .returning(systems.c.id)
        ).scalar_one()

    for row in old:
        if row.model in raw_system:
            continue
        if row.model == "imported":
            raw_system[row.model] = glossed_system[row.model] = add_system("imported", "", "imported", False)
        else:
            name = _system_name(row.model_name)
            raw_system[row.model] = add_system(name, row.model, row.model_name, False)
            glossed_system[row.model] = add_system(name + _GLOSSARY_SUFFIX, row.model, row.model_name, True)

    def new_translations() -> Iterable[dict]:
        next_id = max((row.id for row in old), default=0) + 1
        for row in old:
            yield {
                "id": row.id,
                "segment_id": row.segment_id,
                "system_id": glossed_system[row.model],
                "text": row.text,
                "raw": row.raw,
                "applied": row.applied,
                "created": row.created,
            }
            if raw_system[row.model] != glossed_system[row.model]:
                yield {
                    "id": next_id,
                    "segment_id": row.segment_id,
                    "system_id": raw_system[row.model],
                    "text": row.raw,
                    "raw": row.raw,
                    "applied": "[]",
                    "created": row.created,
                }
                next_id += 1

    _rebuild(
        "translations",
        lambda: [
            sa.Column("id", sa.Integer, primary_key=True),
            _fk("segments"),
            _fk("systems"),
            sa.Column("text", sa.Text, nullable=False),  # what the system delivered
            sa.Column("raw", sa.Text, nullable=False),  # the model's output before the glossary
            sa.Column("applied", sa.Text, nullable=False, server_default="[]"),
            sa.Column("created", sa.Text, nullable=False),
            sa.UniqueConstraint("segment_id", "system_id", name="translations_segment_system"),
        ],
        new_translations(),
    )
    op.create_index("translations_system", "translations", ["system_id"])

    # -- annotations replace flags -------------------------------------------------------------
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("segments"),
        _fk("systems", nullable=True),  # whose MT it judges; NULL: the source alone
        sa.Column("mt_start", sa.Integer),
        sa.Column("mt_end", sa.Integer),
        sa.Column("mt_text", sa.Text, nullable=False, server_default=""),
        sa.Column("src_start", sa.Integer),
        sa.Column("src_end", sa.Integer),
        sa.Column("src_text", sa.Text, nullable=False, server_default=""),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("correction", sa.Text, nullable=False, server_default=""),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("origin", sa.Text, nullable=False, server_default="reviewer"),
        sa.Column("detector_kind", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("rater", sa.Text, nullable=False, server_default=""),  # who made it
        sa.Column("changed_by", sa.Text, nullable=False, server_default=""),  # who last changed it
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("updated", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint(
            "(mt_start IS NULL AND mt_end IS NULL) OR (mt_start >= 0 AND mt_end >= mt_start)",
            name="annotations_mt",
        ),
        sa.CheckConstraint(
            "(src_start IS NULL AND src_end IS NULL) OR (src_start >= 0 AND src_end >= src_start)",
            name="annotations_src",
        ),
        sa.CheckConstraint("origin IN ('reviewer', 'detector', 'import')", name="annotations_origin"),
        sa.CheckConstraint("status IN ('open', 'accepted', 'dismissed')", name="annotations_status"),
    )
    op.create_index("annotations_segment", "annotations", ["segment_id"])
    annotations = sa.table(
        "annotations",
        *(
            sa.column(c)
            for c in (
                "id segment_id system_id mt_start mt_end mt_text src_start src_end src_text category severity"
                " tags correction comment origin detector_kind status rater changed_by created updated"
                " version"
            ).split()
        ),
    )
    flags = bind.execute(
        sa.text(
            'SELECT id, segment_id, side, model, start, "end", text, kind, origin, detector_kind, status,'
            " correction, reason, reviewer, created, updated, version FROM flags ORDER BY id"
        )
    ).all()
    # An MT flag naming no model (0.1 allowed it) judged the newest translation of its segment.
    newest = {
        row.segment_id: glossed_system[row.model] for row in sorted(old, key=lambda r: (r.created, r.id))
    }
    for flag in flags:
        category, severity, tags = _KINDS[flag.kind]
        on_mt = flag.side == "mt"
        system = glossed_system.get(flag.model) if flag.model else newest.get(flag.segment_id)
        bind.execute(
            sa.insert(annotations).values(
                id=flag.id,
                segment_id=flag.segment_id,
                system_id=system if on_mt else None,
                mt_start=flag.start if on_mt else None,
                mt_end=flag.end if on_mt else None,
                mt_text=flag.text if on_mt else "",
                src_start=None if on_mt else flag.start,
                src_end=None if on_mt else flag.end,
                src_text="" if on_mt else flag.text,
                category=category,
                severity=severity,
                tags=json.dumps(tags),
                correction=flag.correction,
                comment=flag.reason,
                origin=flag.origin,
                detector_kind=flag.detector_kind,
                status=flag.status,
                rater=flag.reviewer,
                changed_by=flag.reviewer,
                created=flag.created,
                updated=flag.updated,
                version=flag.version,
            )
        )
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('annotations', 'id'), coalesce(max(id), 0) + 1, false)"
            " FROM annotations"
        )
    op.drop_table("flags")

    # -- references: "changed since approval", and who approved ---------------------------------
    refs = bind.execute(
        sa.text(
            "SELECT id, segment_id, text, status, reviewer, created, updated, version FROM segment_references"
        )
    ).all()
    _rebuild(
        "segment_references",
        lambda: [
            sa.Column("id", sa.Integer, primary_key=True),
            _fk("segments", unique=True),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("status", sa.Text, nullable=False, server_default="draft"),
            sa.Column("reviewer", sa.Text, nullable=False, server_default=""),  # who last changed it
            sa.Column("approved_by", sa.Text, nullable=False, server_default=""),
            sa.Column("created", sa.Text, nullable=False),
            sa.Column("updated", sa.Text, nullable=False),
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
            sa.CheckConstraint(
                "status IN ('draft', 'approved', 'changed')", name="segment_references_status"
            ),
        ],
        ({**row._asdict(), "approved_by": row.reviewer if row.status == "approved" else ""} for row in refs),
    )

    # -- history ---------------------------------------------------------------------------------
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        # No foreign keys: the record outlives what it names.
        sa.Column("document_id", sa.Integer),
        sa.Column("segment_id", sa.Integer),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column(
            "changes", sa.Text, nullable=False, server_default="[]"
        ),  # JSON [{table, id, before, after}]
        sa.Column("undoes", sa.Integer),  # the history entry this one undid
    )
    op.create_index("history_document", "history", ["document_id", "id"])
    op.create_index("history_actor", "history", ["actor", "id"])


def downgrade() -> None:
    raise NotImplementedError("restore a backup to go back to an older schema")
