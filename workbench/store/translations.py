"""Machine translations of segments, and the translation cache that makes a second run free."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import NotFoundError
from workbench.store.core import StoreBase, chunks, upsert
from workbench.store.db import now
from workbench.store.schema import segments, translation_cache, translations

IMPORTED_MODEL = "imported"
"""Model identity (and name) of translations imported from a file instead of decoded."""


@dataclass(frozen=True)
class TranslationRow:
    id: int
    segment_id: int
    model: str  # identity (name + weights hash) or "imported"
    model_name: str
    text: str  # after glossary replacements
    raw: str  # as the model produced it
    applied: tuple[Mapping[str, str], ...]  # glossary replacements: {"from": ..., "to": ...}
    created: str


@dataclass(frozen=True)
class NewTranslation:
    """A translation to store for one segment (see Store.save_translations)."""

    segment_id: int
    text: str
    raw: str | None = None  # defaults to text
    applied: tuple[Mapping[str, str], ...] = ()


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


_COLUMNS = (
    translations.c.id,
    translations.c.segment_id,
    translations.c.model,
    translations.c.model_name,
    translations.c.text,
    translations.c.raw,
    translations.c.applied,
    translations.c.created,
)


def translation_row(row: sa.Row) -> TranslationRow:
    return TranslationRow(**{**row._asdict(), "applied": tuple(json.loads(row.applied))})


class TranslationsMixin(StoreBase):
    # -- translation cache ---------------------------------------------------------------

    def cached_translations(self, model: str, options: str, sources: Iterable[str]) -> dict[str, str]:
        """Translations already in the cache for these sources, keyed by source."""
        by_hash = {source_hash(s): s for s in dict.fromkeys(sources)}
        found: dict[str, str] = {}
        c = translation_cache.c
        with self._read() as conn:
            for chunk in chunks(list(by_hash)):
                rows = conn.execute(
                    sa.select(c.source_hash, c.translation).where(
                        c.model == model, c.options == options, c.source_hash.in_(chunk)
                    )
                )
                found.update((by_hash[row.source_hash], row.translation) for row in rows)
        return found

    def cache_translations(self, model: str, options: str, pairs: Mapping[str, str]) -> None:
        stamp = now()
        rows = [
            {
                "model": model,
                "options": options,
                "source_hash": source_hash(src),
                "source": src,
                "translation": tgt,
                "created": stamp,
            }
            for src, tgt in pairs.items()
        ]
        with self.transaction() as conn:
            upsert(conn, translation_cache, rows, ["model", "options", "source_hash"])

    # -- translations ----------------------------------------------------------------------

    def save_translations(self, model: str, model_name: str, items: Iterable[NewTranslation]) -> int:
        """Store (or replace) each segment's translation by this model, all in one transaction."""
        stamp = now()
        rows = [
            {
                "segment_id": item.segment_id,
                "model": model,
                "model_name": model_name,
                "text": item.text,
                "raw": item.text if item.raw is None else item.raw,
                "applied": json.dumps([dict(a) for a in item.applied], ensure_ascii=False),
                "created": stamp,
            }
            for item in items
        ]
        with self.transaction() as conn:
            upsert(conn, translations, rows, ["segment_id", "model"])
        return len(rows)

    def translations(self, document_id: int, model: str | None = None) -> dict[int, TranslationRow]:
        """Each segment's translation by ``model`` (identity), or its newest one; keyed by segment id."""
        query = (
            sa.select(*_COLUMNS)
            .join(segments, segments.c.id == translations.c.segment_id)
            .where(segments.c.document_id == document_id)
            .order_by(translations.c.created, translations.c.id)
        )
        if model is not None:
            query = query.where(translations.c.model == model)
        with self._read() as conn:
            # later rows win: the newest
            return {row.segment_id: translation_row(row) for row in conn.execute(query)}

    def translation(self, segment_id: int, model: str) -> TranslationRow:
        """The segment's translation by ``model`` (identity)."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(*_COLUMNS).where(
                    translations.c.segment_id == segment_id, translations.c.model == model
                )
            ).first()
        if row is None:
            raise NotFoundError(
                f"segment {segment_id} has no translation by {model or '(no model given)'}; "
                "translate it first."
            )
        return translation_row(row)

    def models(self, document_id: int | None = None) -> list[tuple[str, str]]:
        """(identity, name) of the models with translations, in a document or anywhere; newest first."""
        t = translations.c
        query = (
            sa.select(
                t.model, sa.func.max(t.model_name).label("model_name"), sa.func.max(t.created).label("newest")
            )
            .join(segments, segments.c.id == t.segment_id)
            .group_by(t.model)
            .order_by(sa.text("newest DESC"))
        )
        if document_id is not None:
            query = query.where(segments.c.document_id == document_id)
        with self._read() as conn:
            return [(row.model, row.model_name) for row in conn.execute(query)]
