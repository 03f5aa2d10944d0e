"""The name checks as annotations: garbled names (and altered numbers) found in a document's
source and MT become open suggestions a reviewer accepts or dismisses.

A garble the checks find in both the German and the MT of one sentence ("Milli" in both) is
one annotation with both spans: one item to accept or dismiss, not two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from workbench import names
from workbench.glossary import GlossaryEntry
from workbench.names.kb import KnowledgeBase
from workbench.store import GARBLED_NAME, Annotation, ReviewRow, Span, Store
from workbench.workflows.review import NAME_CATEGORY

DETECTOR = "detector"
"""The rater recorded for the name checks' annotations."""


def _pairs(found: Sequence[names.Flag]) -> list[tuple[names.Flag | None, names.Flag | None]]:
    """Findings of one sentence as (MT finding, source finding) items: a source finding joins an
    MT finding of the same text or the same suggestion."""
    mt = [f for f in found if f.side == "mt"]
    src = [f for f in found if f.side == "src"]
    items: list[tuple[names.Flag | None, names.Flag | None]] = []
    for m in mt:
        partner = next(
            (s for s in src if s.text == m.text or (s.suggestion and s.suggestion == m.suggestion)), None
        )
        if partner is not None:
            src.remove(partner)
        items.append((m, partner))
    items.extend((None, s) for s in src)
    return items


def _known(note: Annotation) -> list[tuple]:
    """What an annotation puts on record: its MT span for its system, its source span for its
    system, and its source span for any system (a source-only finding is about the German)."""
    keys: list[tuple] = []
    if note.mt is not None:
        keys.append(("mt", note.system_id, note.mt.start, note.mt.end, note.mt.text))
    if note.src is not None:
        keys.append(("src", note.system_id, note.src.start, note.src.end, note.src.text))
        keys.append(("src", "any", note.src.start, note.src.end, note.src.text))
    return keys


def _on_record(existing: set[tuple], system_id: int | None, mt: Span | None, src: Span | None) -> bool:
    if mt is not None:
        # A garble in this system's MT: on record when this system's MT span or (for a pair)
        # its source span is, e.g. a reviewer's own flag on the same word.
        spans = [("mt", system_id, mt.start, mt.end, mt.text)]
        if src is not None:
            spans.append(("src", system_id, src.start, src.end, src.text))
        return any(key in existing for key in spans)
    return ("src", "any", src.start, src.end, src.text) in existing


def detect(
    store: Store,
    document_id: int,
    kb: KnowledgeBase,
    glossary: Sequence[GlossaryEntry] | None = None,
    *,
    system_id: int | None = None,
) -> int:
    """Run the name checks over a document's source and the system's MT (default: the
    document's default system); store new findings as open annotations with suggestion and
    reason. Returns how many were added.

    A finding already on record for the same span (open, accepted or dismissed, by the
    detector or a reviewer) is not added again, so running it twice adds nothing and a
    dismissed finding stays dismissed; that check runs inside the write transaction, so two
    sessions cannot double an item.
    """
    if system_id is None:
        default = store.default_system(document_id)
        system_id = default.id if default else None
    rows = store.review_rows(document_id, system_id)
    found = names.check_segments(
        [r.segment.source for r in rows],
        [r.translation.text if r.translation else "" for r in rows],
        kb=kb,
        glossary=store.glossary_entries() if glossary is None else glossary,
        corpus_spellings=corpus_spellings(store, kb, exclude_document=document_id),
    )
    by_line: dict[int, list[names.Flag]] = {}
    for flag in found:
        by_line.setdefault(flag.line, []).append(flag)
    # A page that opens to review runs this: when nothing is new (the usual case), it writes
    # nothing, so a read-only or busy database still opens.
    if next(_new_findings(store, rows, by_line, document_id, system_id), None) is None:
        return 0
    added = 0
    with store.transaction():
        for row, mt, src, mt_flag, lead, existing in _new_findings(
            store, rows, by_line, document_id, system_id
        ):
            is_name = not any(ch.isdigit() for ch in lead.text)
            note = store.add_annotation(
                row.segment.id,
                system_id=system_id if mt is not None else None,
                mt=mt,
                src=src,
                category=NAME_CATEGORY,
                severity="Major",
                tags=(GARBLED_NAME,) if is_name else (),
                correction=(mt_flag.suggestion if mt_flag else None) or lead.suggestion or "",
                comment=lead.reason,
                origin="detector",
                detector_kind=lead.kind,
                rater=DETECTOR,
            )
            added += 1
            existing.update(_known(note))
    return added


def _new_findings(
    store: Store,
    rows: Sequence[ReviewRow],
    by_line: dict[int, list[names.Flag]],
    document_id: int,
    system_id: int | None,
) -> Iterator[tuple[ReviewRow, Span | None, Span | None, names.Flag | None, names.Flag, set[tuple]]]:
    """The findings not on record yet: (row, MT span, source span, MT flag, the flag that leads,
    the keys on record, to which the caller adds what it stores)."""
    existing = {key for note in store.annotations(document_id=document_id) for key in _known(note)}
    # The checks ran outside the lock: skip MT findings whose translation changed meanwhile.
    current = store.translations(document_id, system_id) if system_id is not None else {}
    for line, flags in sorted(by_line.items()):
        row = rows[line - 1]
        shown = current.get(row.segment.id)
        fresh = row.translation is not None and shown is not None and shown.text == row.translation.text
        for mt_flag, src_flag in _pairs(flags):
            if mt_flag is not None and (
                not fresh or (row.translation is None and mt_flag.kind == "mismatch")
            ):
                mt_flag = None  # "missing in the translation" only means: not translated yet
            if src_flag is not None and row.translation is None and src_flag.kind == "mismatch":
                src_flag = None
            if mt_flag is None and src_flag is None:
                continue
            mt = Span(mt_flag.start, mt_flag.end, mt_flag.text) if mt_flag else None
            src = Span(src_flag.start, src_flag.end, src_flag.text) if src_flag else None
            if _on_record(existing, system_id, mt, src):
                continue
            yield row, mt, src, mt_flag, mt_flag or src_flag, existing


def corpus_spellings(
    store: Store, kb: KnowledgeBase, *, side: str = "mt", exclude_document: int | None = None
) -> Counter[str]:
    """How often each spelling of a name occurs in the store's documents (names.spelling_counts).

    Side "mt" counts the English as it stands (references where reviewers made them, else the
    MT), so corrections outvote the garbles they replaced; "src" counts the German. The
    document under review is left out with ``exclude_document``: its own spellings are the
    document's consistency check, not evidence from the corpus.
    """
    texts = store.corpus_texts(side)
    texts.pop(exclude_document, None)
    return names.spelling_counts(texts.values(), kb, "en" if side == "mt" else "de")


def name_candidates(row: ReviewRow, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(side, text) a reviewer may want to flag in one sentence: its annotations first, then the
    names the name checks see in the MT and in the source."""
    seen: dict[tuple[str, str], None] = {}
    for note in row.annotations:
        if note.mt is not None:
            seen[("mt", note.mt.text)] = None
        if note.src is not None:
            seen[("src", note.src.text)] = None
    sides = [("mt", "en", row.translation.text if row.translation else ""), ("src", "de", row.segment.source)]
    for side, lang, text in sides:
        for candidate in names.candidates(text, lang, kb=kb):
            seen[(side, candidate.text)] = None
    return list(seen)
