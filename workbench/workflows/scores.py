"""Scores of the systems stored in the workbench, and MQM data in and out.

- **Reference metrics**: each system's MT of the sentences that have an approved reference,
  compared with sacrebleu's paired tests on the sentences every compared system translated.
- **MQM**: the annotations reviewers stand behind (see review.counted) and imported MQM
  judgements, as rows of the WMT MQM TSV (formats.mqm_tsv.MQMRow); a sentence a reviewer
  approved without marking an error counts as a No-error judgement by them. The same rows
  are scored (metrics.mqm) and exported.
- **MQM files**: `workbench import --format mqm` stores a WMT MQM TSV as documents, systems,
  translations and annotations; `workbench export --format mqm` writes them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench import mqm
from workbench.errors import FormatError, ScoringError
from workbench.formats import mqm_tsv
from workbench.metrics import mqm as mqm_metrics
from workbench.metrics import names as name_metrics
from workbench.metrics.base import Comparison
from workbench.metrics.sacre import Paired, paired_test
from workbench.roles import Role, require_lead
from workbench.segment import Segment
from workbench.store import Annotation, NewTranslation, ScorePair, SegmentRow, Span, Store, System
from workbench.textio import read_text, write_atomic
from workbench.workflows.review import counted

MQM_MAX_BYTES = 512 * 1024 * 1024  # the published MQM files run to tens of MB
_ID_SEPARATOR = "|"  # a segment's external id: "<doc_id>|<seg_id>" of the MQM file


# -- reference metrics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Aligned:
    """The sentences every compared system translated, with their approved references."""

    systems: tuple[tuple[str, tuple[str, ...]], ...]  # (system name, its MT line by line)
    references: tuple[str, ...]
    pairs: tuple[ScorePair, ...]  # the first system's: document, sentence, source per line


def aligned(store: Store, systems: Sequence[str], document_id: int | None = None) -> Aligned:
    """Each system's MT of the approved sentences all of them translated (in reading order)."""
    if not systems:
        raise ScoringError("name the systems to score (--system NAME, repeated to compare them).")
    by_system = {
        name: {p.segment_id: p for p in store.scores_input(store.system(name), document_id)}
        for name in systems
    }
    first = by_system[systems[0]]
    common = [sid for sid in first if all(sid in by_system[name] for name in systems[1:])]
    if not common:
        where = f"document {document_id}" if document_id is not None else "the database"
        raise ScoringError(
            f"no sentence of {where} has both an approved reference and a translation by "
            f"{' and '.join(systems)}; approve post-edits (or import references) first."
        )
    return Aligned(
        tuple((name, tuple(by_system[name][sid].mt for sid in common)) for name in systems),
        tuple(first[sid].reference for sid in common),
        tuple(first[sid] for sid in common),
    )


def compare(
    store: Store,
    systems: Sequence[str],
    metrics: Sequence[Paired],
    *,
    document_id: int | None = None,
    test: str = "bs",
    n_samples: int | None = None,
    seed: int | None = None,
) -> tuple[Aligned, Comparison]:
    """The systems on the same approved sentences, the first the baseline, with sacrebleu's
    paired test between each and the baseline (one system: its scores with intervals)."""
    lines = aligned(store, systems, document_id)
    comparison = paired_test(
        [(name, list(mt)) for name, mt in lines.systems],
        [list(lines.references)],
        list(metrics),
        test=test,
        n_samples=n_samples,
        seed=seed,
        ref_names=["the approved references"],
    )
    return lines, comparison


def name_forms(store: Store, knowledge: Iterable[name_metrics.NameForm] = ()) -> list[name_metrics.NameForm]:
    """The names name accuracy counts on stored documents: the knowledge base's (knowledge),
    the names reviewers accepted, and the glossary's corrections, with every wrong form known
    for each; a later source adds its wrong forms to an earlier one's name."""
    forms = {f.canonical: f for f in knowledge}
    for known in store.known_names():
        old = forms.get(known.canonical)
        variants = (
            *(old.variants if old else ()),
            *known.variants,
            *([known.german] if known.german else []),
        )
        forms[known.canonical] = name_metrics.NameForm(
            known.canonical,
            tuple(dict.fromkeys(v for v in variants if v != known.canonical)),
            old.short_forms if old else (),
        )
    for form in name_metrics.name_forms_from_glossary(store.glossary_entries()):
        old = forms.get(form.canonical)
        variants = (*(old.variants if old else ()), *form.variants)
        forms[form.canonical] = name_metrics.NameForm(
            form.canonical, tuple(dict.fromkeys(variants)), old.short_forms if old else ()
        )
    return list(forms.values())


# -- MQM from the store ---------------------------------------------------------------------------


def _ids(segment: SegmentRow) -> tuple[str, str]:
    """The (doc_id, seg_id) an MQM file gave a segment, else its place and its own id."""
    if _ID_SEPARATOR in segment.external_id:
        doc_id, seg_id = segment.external_id.split(_ID_SEPARATOR, 1)
        return doc_id, seg_id
    return str(segment.position + 1), str(segment.id)


def _span(note: Annotation, source: str, target: str) -> tuple[str | None, int, int]:
    """Where the annotation points, located in the texts as they are now (an MT retranslated
    since may have moved it); no span when its words are gone."""
    for side, span, text in (("target", note.mt, target), ("source", note.src, source)):
        if span is None:
            continue
        if text[span.start : span.end] == span.text:
            return side, span.start, span.end
        found = text.find(span.text) if span.text else -1
        if found >= 0:
            return side, found, found + len(span.text)
    return None, 0, 0


def rows(store: Store, document_id: int | None = None) -> list[mqm_tsv.MQMRow]:
    """The database's MQM judgements as WMT MQM rows, system by system in the order the systems
    were made: every annotation on a system's MT that someone stands behind, and a No-error row
    for a sentence its approver marked nothing in."""
    documents = (
        [store.document(document_id)] if document_id is not None else list(reversed(store.documents()))
    )
    systems = {s.id: s for s in store.systems()}
    out: list[mqm_tsv.MQMRow] = []
    for document in documents:
        doc = document.external_id or document.title
        segments = {s.id: s for s in store.segments(document.id)}
        texts = {
            (sid, system_id): t.text
            for system_id in systems
            for sid, t in store.translations(document.id, system_id).items()
        }
        notes = counted(store.annotations(document_id=document.id))
        rated: set[tuple[int, int, str]] = set()
        for note in notes:
            if note.system_id is None or (note.segment_id, note.system_id) not in texts:
                continue  # about the source alone, or a system's MT that is gone: no MQM judgement
            segment = segments[note.segment_id]
            target = texts[(note.segment_id, note.system_id)]
            rater = note.changed_by if note.origin == "detector" else note.rater
            if note.category == mqm.NO_ERROR:
                annotation = mqm.Annotation(
                    mqm.NO_ERROR, mqm.Severity.NO_ERROR, rater=rater, comment=note.comment
                )
            else:
                side, start, end = _span(note, segment.source, target)
                annotation = mqm.Annotation(
                    note.category,
                    mqm.parse_severity(note.severity),
                    side,
                    start,
                    end,
                    comment=note.comment,
                    rater=rater,
                )
            out.append(
                (
                    (note.system_id, document.id, segment.position),
                    _row(systems[note.system_id], doc, segment, target, annotation),
                )
            )
            rated.add((note.segment_id, note.system_id, rater))
        references = store.references(document.id)
        for sid, segment in segments.items():
            ref = references.get(sid)
            if ref is None or ref.status != "approved" or not ref.approved_by:
                continue
            for system_id in systems:
                if (sid, system_id) in texts and (sid, system_id, ref.approved_by) not in rated:
                    clean = mqm.Annotation(mqm.NO_ERROR, mqm.Severity.NO_ERROR, rater=ref.approved_by)
                    row = _row(systems[system_id], doc, segment, texts[(sid, system_id)], clean)
                    out.append(((system_id, document.id, segment.position), row))
    # System by system, as the published files are: the first system is the default baseline.
    return [row for _, row in sorted(out, key=lambda pair: pair[0])]


def _row(
    system: System, doc: str, segment: SegmentRow, target: str, annotation: mqm.Annotation
) -> mqm_tsv.MQMRow:
    doc_id, seg_id = _ids(segment)
    return mqm_tsv.MQMRow(system.name, doc, doc_id, seg_id, segment.source, target, annotation)


def mqm_comparison(
    judgements: Sequence[mqm_tsv.MQMRow],
    *,
    baseline: str | None = None,
    test: str = "bs",
    n_samples: int | None = None,
    seed: int | None = None,
) -> tuple[list[mqm_metrics.SegmentScore], Comparison]:
    segments = mqm_metrics.segment_scores(judgements)
    comparison = mqm_metrics.compare_systems(
        segments,
        baseline=baseline,
        test=test,
        n_samples=n_samples,
        seed=mqm_metrics.DEFAULT_SEED if seed is None else seed,
    )
    return segments, comparison


def export_mqm(store: Store, path: str | Path, document_id: int | None = None) -> int:
    """Write the MQM judgements to a WMT MQM TSV atomically; returns how many rows."""
    found = rows(store, document_id)
    if not found:
        raise ScoringError(
            "there are no MQM judgements to export: annotate errors on the Review page (or approve "
            "sentences, which counts as finding none), or import an MQM file first."
        )
    write_atomic(path, mqm_tsv.dumps(found))
    return len(found)


# -- MQM files into the store ----------------------------------------------------------------------


@dataclass(frozen=True)
class MQMImport:
    documents: int
    segments: int
    systems: tuple[str, ...]
    rows: int


def read_mqm(path: str | Path) -> tuple[str, list[mqm_tsv.MQMRow]]:
    """A WMT MQM TSV's name and rows (FormatError names the line and column at fault)."""
    file = read_text(path, max_bytes=MQM_MAX_BYTES)
    return file.name, list(mqm_tsv.iter_rows(file.text.split("\n"), file.name))


def import_mqm(store: Store, path: str | Path, *, created_by: str = "", role: Role = Role.LEAD) -> MQMImport:
    """Store a WMT MQM TSV: its documents and segments (with the file's ids kept), a system per
    system column value with its translations, and every row as an annotation by its rater
    (No-error rows too, so each rater's clean segments count). One transaction; leads only."""
    require_lead(role, "import documents", created_by)
    name, found = read_mqm(path)
    if not found:
        raise ScoringError(f"{name} has a header but no rows: nothing to import.")
    documents: dict[str, dict[tuple[str, str], str]] = {}  # doc -> (doc_id, seg_id) -> source
    targets: dict[tuple[str, tuple[str, str], str], str] = {}
    for row in found:
        key = (row.doc_id, row.seg_id)
        source = documents.setdefault(row.doc, {}).setdefault(key, row.source)
        target = targets.setdefault((row.doc, key, row.system), row.target)
        if (source, target) != (row.source, row.target):
            what = "source" if source != row.source else f"translation by {row.system}"
            raise FormatError(
                f"{name}: rater {row.rater} saw another {what} of doc {row.doc}, seg_id {row.seg_id} "
                "than an earlier row; an MQM file gives each segment one source and each system one "
                "translation of it. Correct the row (or split the file by version)."
            )
    with store.transaction():
        systems = {s: store.add_system(s) for s in dict.fromkeys(row.system for row in found)}
        segment_ids: dict[tuple[str, tuple[str, str]], int] = {}
        for doc, sources in documents.items():
            keys = list(sources)
            _, ids = store.add_document(
                doc,
                [Segment(n, 1, sources[key]) for n, key in enumerate(keys, start=1)],
                source_name=Path(name).name,
                source_text="\n".join(sources.values()),
                created_by=created_by,
                external_id=doc,
                segment_ids=[f"{doc_id}{_ID_SEPARATOR}{seg_id}" for doc_id, seg_id in keys],
            )
            segment_ids.update(((doc, key), sid) for key, sid in zip(keys, ids, strict=True))
        for system_name, system in systems.items():
            store.save_translations(
                system.id,
                [
                    NewTranslation(segment_ids[(doc, key)], text)
                    for (doc, key, s), text in targets.items()
                    if s == system_name
                ],
            )
        store.add_annotations(list(_annotations(found, segment_ids, systems)))
    return MQMImport(len(documents), len(segment_ids), tuple(systems), len(found))


def _annotations(
    found: Iterable[mqm_tsv.MQMRow],
    segment_ids: dict[tuple[str, tuple[str, str]], int],
    systems: dict[str, System],
) -> Iterator[dict[str, object]]:
    for row in found:
        a = row.annotation
        text = row.target if a.side == "target" else row.source
        span = None if a.side is None else Span(a.start, a.end, text[a.start : a.end])
        yield {
            "segment_id": segment_ids[(row.doc, (row.doc_id, row.seg_id))],
            "system_id": systems[row.system].id,
            "mt": span if a.side == "target" else None,
            "src": span if a.side == "source" else None,
            "category": a.category,
            "severity": a.severity.value,
            "comment": a.comment,
            "rater": a.rater,
        }
