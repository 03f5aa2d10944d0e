"""The glossary: known-wrong forms and their corrections, one entry per wrong form in any case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.errors import ConflictError, GlossaryError, NotFoundError
from workbench.glossary import KINDS as GLOSSARY_KINDS
from workbench.glossary import GlossaryEntry
from workbench.store.core import StoreBase, conflict
from workbench.store.db import now
from workbench.store.schema import glossary

_FIELDS = ("wrong", "right", "kind", "note", "added_by", "document_id")
_COLUMNS = tuple(glossary.c[name] for name in _FIELDS)


@dataclass(frozen=True)
class GlossaryImport:
    added: int
    updated: int
    unchanged: int


def wrong_key(wrong: str) -> str:
    return wrong.strip().casefold()


class GlossaryMixin(StoreBase):
    def glossary_entries(self) -> list[GlossaryEntry]:
        with self._read() as conn:
            rows = conn.execute(sa.select(*_COLUMNS).order_by(glossary.c.wrong_key, glossary.c.wrong))
            return [GlossaryEntry(**row._asdict()) for row in rows]

    def glossary_entry(self, wrong: str) -> GlossaryEntry:
        with self._read() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(glossary.c.wrong_key == wrong_key(wrong))).first()
        if row is None:
            raise NotFoundError(f"{wrong!r} is not in the glossary. List it with `workbench glossary list`.")
        return GlossaryEntry(**row._asdict())

    def add_glossary_entry(
        self, entry: GlossaryEntry, *, replace: bool = False, changed_by: str | None = None
    ) -> GlossaryEntry:
        """Add an entry; a wrong form already there (any case) is refused unless ``replace``.

        ``changed_by`` (default: the entry's added_by) is recorded as who last changed it.
        """
        check_entry(entry)
        values = {
            "wrong": entry.wrong.strip(),
            "right": entry.right.strip(),
            "kind": entry.kind,
            "note": entry.note,
            "added_by": entry.added_by,
            "document_id": entry.document_id,
            "changed_by": entry.added_by if changed_by is None else changed_by,
        }
        key = wrong_key(entry.wrong)
        stamp = now()
        with self.transaction() as conn:
            existing = conn.execute(sa.select(glossary.c.id).where(glossary.c.wrong_key == key)).scalar()
            if existing is None:
                existing = conn.execute(
                    sa.insert(glossary)
                    .values(**values, wrong_key=key, created=stamp, updated=stamp, version=1)
                    .returning(glossary.c.id)
                ).scalar_one()
                self._record(conn, glossary, existing, None)
            elif replace:
                before = self._before(conn, glossary, existing)
                conn.execute(
                    sa.update(glossary)
                    .where(glossary.c.id == existing)
                    .values(**values, version=glossary.c.version + 1, updated=stamp)
                )
                self._record(conn, glossary, existing, before)
            else:
                old = self.glossary_entry(entry.wrong)
                raise GlossaryError(
                    f"{old.wrong!r} is already in the glossary (-> {old.right!r}). "
                    "Remove it first, or replace it (--replace on the command line)."
                )
            return self.glossary_entry(entry.wrong)

    def remove_glossary_entry(self, wrong: str) -> None:
        with self.transaction() as conn:
            self._delete_entry(conn, wrong_key(wrong), wrong)

    def _delete_entry(self, conn: Connection, key: str, wrong: str) -> None:
        entry_id = conn.execute(sa.select(glossary.c.id).where(glossary.c.wrong_key == key)).scalar()
        if entry_id is None:
            raise NotFoundError(
                f"{wrong!r} is not in the glossary, so there is nothing to remove. "
                "List the entries with `workbench glossary list`."
            )
        before = self._before(conn, glossary, entry_id)
        conn.execute(sa.delete(glossary).where(glossary.c.id == entry_id))
        self._record(conn, glossary, entry_id, before)

    def import_glossary(
        self, entries: Iterable[GlossaryEntry], *, replace_all: bool = False
    ) -> GlossaryImport:
        """Add or update entries in one transaction; ``replace_all`` first removes everything else."""
        entries = list(entries)
        for entry in entries:
            check_entry(entry)
        added = updated = unchanged = 0
        with self.transaction() as conn:
            existing = {wrong_key(e.wrong): e for e in self.glossary_entries()}
            if replace_all:
                keep = {wrong_key(e.wrong) for e in entries}
                for key, old in existing.items():
                    if key not in keep:
                        self._delete_entry(conn, key, old.wrong)
            for entry in entries:
                old = existing.get(wrong_key(entry.wrong))
                if old is not None and content(old) == content(entry):
                    unchanged += 1
                    continue
                self.add_glossary_entry(entry, replace=True)
                if old is None:
                    added += 1
                else:
                    updated += 1
        return GlossaryImport(added, updated, unchanged)

    def save_glossary_edits(
        self, base: Iterable[GlossaryEntry], entries: Iterable[GlossaryEntry], *, changed_by: str
    ) -> GlossaryImport:
        """Save an edited copy of the glossary (the app's table) in one transaction.

        ``base`` is what the editor loaded, ``entries`` what it holds now. Only the reviewer's
        own changes are written: entries others added or changed meanwhile and the reviewer left
        alone stay as they are. An entry the reviewer changed or deleted, or added, that someone
        else changed (or added) meanwhile raises ConflictError naming who, and nothing is saved.
        Counts: added (new rows), updated (changed rows), unchanged (rows of ``base`` kept as
        they were); the rows of ``base`` in none of these were removed.
        """
        before = {wrong_key(e.wrong): e for e in base}
        after: dict[str, GlossaryEntry] = {}
        for entry in entries:
            check_entry(entry)
            key = wrong_key(entry.wrong)
            if key in after:
                raise GlossaryError(
                    f"{entry.wrong.strip()!r} is in the table twice; keep one row for each wrong form."
                )
            after[key] = entry
        added = updated = unchanged = 0
        g = glossary.c
        with self.transaction() as conn:
            for key in dict.fromkeys([*before, *after]):
                old, new = before.get(key), after.get(key)
                loaded, wanted = content(old), content(new)
                if loaded == wanted:
                    unchanged += 1
                    continue
                row = conn.execute(
                    sa.select(*_COLUMNS, g.changed_by, g.updated, g.version).where(g.wrong_key == key)
                ).first()
                now_there = (
                    None if row is None else content(GlossaryEntry(**{n: row._mapping[n] for n in _FIELDS}))
                )
                if now_there == loaded:  # nobody else touched it: the reviewer's change applies
                    if new is None:
                        self._delete_entry(conn, key, old.wrong)
                    else:
                        self.add_glossary_entry(new, replace=True, changed_by=changed_by)
                elif now_there != wanted:  # someone else changed it differently (the same change is fine)
                    if row is None:
                        raise ConflictError(
                            f"the glossary entry {old.wrong!r} was removed by someone else meanwhile; "
                            "reload the glossary, then apply your change again."
                        )
                    raise conflict(
                        f"the glossary entry {row.wrong!r}",
                        row.changed_by or row.added_by,
                        row.updated,
                    )
                if old is None:
                    added += 1
                elif new is not None:
                    updated += 1
        return GlossaryImport(added, updated, unchanged)


def content(entry: GlossaryEntry | None) -> tuple[str, str, str, str] | None:
    """What an entry says, without who added it (None for no entry)."""
    if entry is None:
        return None
    return (entry.wrong.strip(), entry.right.strip(), entry.kind, entry.note)


def check_entry(entry: GlossaryEntry) -> None:
    if not entry.wrong.strip() or not entry.right.strip():
        raise GlossaryError(
            f"a glossary entry needs a wrong and a right form; got {entry.wrong!r} -> {entry.right!r}."
        )
    if entry.kind not in GLOSSARY_KINDS:
        raise GlossaryError(
            f"glossary kind {entry.kind!r} for {entry.wrong!r} is not one of {', '.join(GLOSSARY_KINDS)}."
        )
