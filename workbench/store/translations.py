"""Systems and their translations of segments, and the translation cache that makes a second
run free.

A system is what produced a translation: a model with its decoding options and the glossary
on or off, or a name given to imported MT. One segment holds one translation per system, so
systems can be compared on the same documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import InputError, NotFoundError
from workbench.store.core import StoreBase, chunks, upsert
from workbench.store.db import now
from workbench.store.schema import segments, systems, translation_cache, translations

IMPORTED_SYSTEM = "imported"
"""The default system name of MT imported from a file instead of decoded."""
GLOSSARY_SUFFIX = " +glossary"


@dataclass(frozen=True)
class System:
    id: int
    name: str
    model: str  # Backend.identity; "" for imported MT
    model_name: str  # the model as the user named it
    options: str  # DecodeOptions.cache_key(); "" when unknown or imported
    glossary: bool  # the glossary was applied to its output
    created: str

    @property
    def imported(self) -> bool:
        return not self.model


@dataclass(frozen=True)
class TranslationRow:
    id: int
    segment_id: int
    system_id: int
    system: str  # the system's name
    text: str  # what the system delivered (after glossary replacements, if it applies them)
    raw: str  # the model's output before glossary replacements
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


_SYSTEM_COLUMNS = tuple(systems.c[name] for name in System.__dataclass_fields__)
_COLUMNS = (
    translations.c.id,
    translations.c.segment_id,
    translations.c.system_id,
    systems.c.name.label("system"),
    translations.c.text,
    translations.c.raw,
    translations.c.applied,
    translations.c.created,
)


def translation_row(row: sa.Row) -> TranslationRow:
    return TranslationRow(**{**row._asdict(), "applied": tuple(json.loads(row.applied))})


def _translations_query() -> sa.Select:
    return sa.select(*_COLUMNS).join(systems, systems.c.id == translations.c.system_id)


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

    # -- systems -------------------------------------------------------------------------

    def system(self, name: str) -> System:
        with self._read() as conn:
            row = conn.execute(sa.select(*_SYSTEM_COLUMNS).where(systems.c.name == name)).first()
        if row is None:
            known = ", ".join(s.name for s in self.systems()) or "none yet"
            raise NotFoundError(f"there is no system {name!r} (systems: {known}).")
        return System(**row._asdict())

    def system_by_id(self, system_id: int) -> System:
        with self._read() as conn:
            row = conn.execute(sa.select(*_SYSTEM_COLUMNS).where(systems.c.id == system_id)).first()
        if row is None:
            raise NotFoundError(f"there is no system {system_id}; reload the page.")
        return System(**row._asdict())

    def systems(self, document_id: int | None = None) -> list[System]:
        """Systems with translations (in one document, or anywhere, or all when none has any),
        newest translation first."""
        t = translations.c
        newest = sa.func.max(t.created).label("newest")
        query = (
            sa.select(*_SYSTEM_COLUMNS, newest)
            .outerjoin(translations, t.system_id == systems.c.id)
            .group_by(*_SYSTEM_COLUMNS)
            .order_by(sa.func.coalesce(newest, systems.c.created).desc(), systems.c.id.desc())
        )
        if document_id is not None:
            query = query.join(segments, segments.c.id == t.segment_id).where(
                segments.c.document_id == document_id
            )
        with self._read() as conn:
            return [
                System(**{k: v for k, v in row._asdict().items() if k != "newest"})
                for row in conn.execute(query)
            ]

    def add_system(
        self, name: str, *, model: str = "", model_name: str = "", options: str = "", glossary: bool = False
    ) -> System:
        """The system called ``name``, made on first use. A name already taken by a different
        model, options or glossary setting is refused: one name, one way of translating."""
        name = name.strip()
        if not name:
            raise InputError("a system needs a name (e.g. the model's name); it was empty.")
        wanted = (model, options, glossary)
        with self.transaction() as conn:
            row = conn.execute(sa.select(*_SYSTEM_COLUMNS).where(systems.c.name == name)).first()
            if row is None:
                conn.execute(
                    sa.insert(systems).values(
                        name=name,
                        model=model,
                        model_name=model_name,
                        options=options,
                        glossary=glossary,
                        created=now(),
                    )
                )
                return self.system(name)
            found = System(**row._asdict())
            if (found.model, found.options, found.glossary) != wanted:
                raise InputError(
                    f"the system name {name!r} is taken by "
                    + (f"the model {found.model_name}" if found.model else "imported MT")
                    + (", with the glossary" if found.glossary else "")
                    + (f" ({found.options})" if found.options else "")
                    + "; give this run another name (--system NAME)."
                )
            return found

    # -- translations ----------------------------------------------------------------------

    def save_translations(self, system_id: int, items: Iterable[NewTranslation]) -> int:
        """Store (or replace) each segment's translation by this system, all in one transaction."""
        stamp = now()
        rows = [
            {
                "segment_id": item.segment_id,
                "system_id": system_id,
                "text": item.text,
                "raw": item.text if item.raw is None else item.raw,
                "applied": json.dumps([dict(a) for a in item.applied], ensure_ascii=False),
                "created": stamp,
            }
            for item in items
        ]
        with self.transaction() as conn:
            upsert(conn, translations, rows, ["segment_id", "system_id"])
        return len(rows)

    def translations(self, document_id: int, system_id: int | None = None) -> dict[int, TranslationRow]:
        """Each segment's translation by the system, keyed by segment id. Without a system: by the
        document's default system (the newest, see default_system), if it has any translation."""
        if system_id is None:
            default = self.default_system(document_id)
            if default is None:
                return {}
            system_id = default.id
        query = (
            _translations_query()
            .join(segments, segments.c.id == translations.c.segment_id)
            .where(segments.c.document_id == document_id, translations.c.system_id == system_id)
        )
        with self._read() as conn:
            return {row.segment_id: translation_row(row) for row in conn.execute(query)}

    def segment_translations(self, segment_id: int) -> list[TranslationRow]:
        """Every system's translation of one segment, newest first."""
        query = (
            _translations_query()
            .where(translations.c.segment_id == segment_id)
            .order_by(translations.c.created.desc(), translations.c.id.desc())
        )
        with self._read() as conn:
            return [translation_row(row) for row in conn.execute(query)]

    def translation(self, segment_id: int, system_id: int) -> TranslationRow:
        """The segment's translation by the system."""
        with self._read() as conn:
            row = conn.execute(
                _translations_query().where(
                    translations.c.segment_id == segment_id, translations.c.system_id == system_id
                )
            ).first()
        if row is None:
            raise NotFoundError(
                f"segment {segment_id} has no translation by system {system_id}; translate it first."
            )
        return translation_row(row)

    def default_system(self, document_id: int) -> System | None:
        """The system the review page shows first: the one with the newest translation in the
        document (a model's output with the glossary before the same run's raw output)."""
        found = self.systems(document_id)
        return found[0] if found else None
