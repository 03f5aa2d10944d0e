"""The glossary and the known names: corrections applied to every later translation, and the
name spellings reviewers accepted (which extend the names knowledge base)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from workbench.glossary import GlossaryEntry
from workbench.names import kb
from workbench.roles import Role, require_lead
from workbench.store import GlossaryImport, KnownName, Store
from workbench.textio import write_atomic


def add_to_glossary(
    store: Store,
    wrong: str,
    right: str,
    *,
    kind: str = "name",
    note: str = "",
    added_by: str = "",
    document_id: int | None = None,
    replace: bool = False,
    role: Role = Role.LEAD,
) -> GlossaryEntry:
    """Add a correction to the glossary, so later translations get it automatically (leads only)."""
    require_lead(role, f"add “{wrong.strip()}” → “{right.strip()}” to the glossary", added_by)
    with store.action(added_by, "glossary", document_id=document_id) as act:
        act.summary = f"Glossary: “{wrong.strip()}” → “{right.strip()}”"
        return store.add_glossary_entry(
            GlossaryEntry(wrong.strip(), right.strip(), kind, note, added_by, document_id), replace=replace
        )


def remove_from_glossary(store: Store, wrong: str, *, actor: str = "", role: Role = Role.LEAD) -> None:
    require_lead(role, f"remove “{wrong.strip()}” from the glossary", actor)
    with store.action(actor, "glossary") as act:
        act.summary = f"Glossary: removed “{wrong.strip()}”"
        store.remove_glossary_entry(wrong)


def accept_name(
    store: Store,
    canonical: str,
    *,
    german: str = "",
    variants: Sequence[str] = (),
    added_by: str = "",
    document_id: int | None = None,
    role: Role = Role.LEAD,
) -> KnownName:
    """Record an accepted name so the name checks know it from now on (leads only: it extends
    the names knowledge base)."""
    require_lead(role, f"add “{canonical.strip()}” to the known names", added_by)
    with store.action(added_by, "known-name", document_id=document_id) as act:
        act.summary = f"Known name: {canonical.strip()}"
        return store.add_known_name(
            canonical, german=german, variants=variants, added_by=added_by, document_id=document_id
        )


def save_glossary_table(
    store: Store,
    base: Iterable[GlossaryEntry],
    entries: Iterable[GlossaryEntry],
    *,
    reviewer: str,
    role: Role = Role.LEAD,
) -> GlossaryImport:
    """The app's glossary table save: write the reviewer's changes from ``base`` (the table as
    loaded) to ``entries``, keeping what others changed meanwhile; ConflictError, saving
    nothing, when someone else changed a row the reviewer changed too. Leads only."""
    require_lead(role, "change the glossary", reviewer)
    with store.action(reviewer, "glossary") as act:
        counts = store.save_glossary_edits(base, entries, changed_by=reviewer)
        act.summary = f"Glossary table: {counts.added} added, {counts.updated} changed"
        return counts


def import_glossary(
    store: Store, entries: Iterable[GlossaryEntry], *, added_by: str = "", role: Role = Role.LEAD
) -> GlossaryImport:
    """Add or update entries (a glossary file), keeping the others; unattributed ones get
    ``added_by``. Leads only."""
    require_lead(role, "import a glossary", added_by)
    with store.action(added_by, "glossary-import") as act:
        counts = store.import_glossary([replace(e, added_by=e.added_by or added_by) for e in entries])
        act.summary = f"Glossary import: {counts.added} added, {counts.updated} updated"
        return counts


def known_names_csv(known: Iterable[KnownName]) -> bytes:
    """Known names in corpus/names.csv's format (kb.format_records): the file reads into the
    knowledge base as it is."""
    records = (kb.NameRecord(k.canonical, k.german, k.variants) for k in known)
    return kb.format_records(records).encode("utf-8")


def export_known_names(store: Store, path: str | Path) -> int:
    """Write the reviewer-accepted names to a CSV file atomically; returns how many."""
    known = store.known_names()
    write_atomic(path, known_names_csv(known))
    return len(known)
