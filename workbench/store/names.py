"""Known names: the spellings reviewers accepted, which extend the names knowledge base."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.errors import StoreError
from workbench.store.core import StoreBase
from workbench.store.db import now
from workbench.store.schema import known_names


@dataclass(frozen=True)
class KnownName:
    id: int
    canonical: str  # English spelling
    german: str
    variants: tuple[str, ...]
    added_by: str
    document_id: int | None


_COLUMNS = tuple(known_names.c[name] for name in KnownName.__dataclass_fields__)


def _known_name(row: sa.Row) -> KnownName:
    return KnownName(**{**row._asdict(), "variants": tuple(json.loads(row.variants))})


class NamesMixin(StoreBase):
    def known_names(self) -> list[KnownName]:
        with self._read() as conn:
            rows = conn.execute(sa.select(*_COLUMNS).order_by(known_names.c.canonical_key))
            return [_known_name(row) for row in rows]

    def add_known_name(
        self,
        canonical: str,
        *,
        german: str = "",
        variants: Sequence[str] = (),
        added_by: str = "",
        document_id: int | None = None,
    ) -> KnownName:
        """Record a name a reviewer accepted; a name already known gains the new variants."""
        canonical = canonical.strip()
        if not canonical:
            raise StoreError("a known name needs its correct English spelling; it was empty.")
        key = canonical.casefold()
        k = known_names.c
        with self.transaction() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(k.canonical_key == key)).first()
            if row is None:
                merged = list(dict.fromkeys(v for v in variants if v and v != canonical))
                before = None
                name_id = conn.execute(
                    sa.insert(known_names)
                    .values(
                        canonical=canonical,
                        canonical_key=key,
                        german=german,
                        variants=json.dumps(merged, ensure_ascii=False),
                        added_by=added_by,
                        document_id=document_id,
                        created=now(),
                    )
                    .returning(k.id)
                ).scalar_one()
            else:
                old = _known_name(row)
                before = self._before(conn, known_names, old.id)
                merged = list(
                    dict.fromkeys([*old.variants, *(v for v in variants if v and v != old.canonical)])
                )
                conn.execute(
                    sa.update(known_names)
                    .where(k.id == old.id)
                    .values(german=old.german or german, variants=json.dumps(merged, ensure_ascii=False))
                )
                name_id = old.id
            self._record(conn, known_names, name_id, before)
            return _known_name(conn.execute(sa.select(*_COLUMNS).where(k.id == name_id)).one())
