"""Scores page: which system is better, by how much, and is it significant.

Systems are compared on the approved sentences every chosen system translated: BLEU, chrF,
TER (sacrebleu, with its paired tests), name accuracy, and MQM from the annotations. Every
metric gets its own chart and axis; TER and MQM say they are lower-is-better.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

import altair as alt
import streamlit as st

from workbench import metrics
from workbench.errors import ScoringError
from workbench.metrics import names as name_metrics
from workbench.metrics import report
from workbench.metrics.base import Comparison, MetricComparison
from workbench.store import Store
from workbench.ui import common, render
from workbench.workflows import scores

ALL_DOCUMENTS = 0
NAMES_SOURCE = "the knowledge base, the accepted names and the glossary"
LABELS = {"bleu": "BLEU", "chrf": "chrF", "ter": "TER", "names": "Names", "mqm": "MQM"}


def _label(metric: str, higher_is_better: bool) -> str:
    return LABELS.get(metric, metric) + ("" if higher_is_better else " (lower is better)")


def _name_forms(db: Store) -> tuple[name_metrics.NameForm, ...]:
    """Names to check: the knowledge base, reviewer-accepted names and the glossary's corrections."""
    return tuple(scores.name_forms(db, common.knowledge_name_forms()))


@st.cache_data(show_spinner="Running the paired tests…", max_entries=32)
def _paired(
    systems: tuple[tuple[str, tuple[str, ...]], ...],
    references: tuple[str, ...],
    wanted: tuple[str, ...],
    test: str,
    forms: tuple[name_metrics.NameForm, ...],
) -> Comparison:
    """sacrebleu's paired test, cached per exact input: a rerun of the page does not redo it."""
    from workbench.metrics.sacre import paired_test

    return paired_test(
        [(name, list(lines)) for name, lines in systems],
        [list(references)],
        [metrics.get(name, names=forms, names_source=NAMES_SOURCE) for name in wanted],
        test=test,
        ref_names=["the approved references"],
    )


def _table(comparison: Comparison) -> list[dict[str, object]]:
    rows = []
    for system in comparison.systems:
        row: dict[str, object] = {"System": system}
        for metric in comparison.metrics:
            found = next(r for r in metric.systems if r.system == system)
            label = LABELS.get(metric.metric, metric.label)
            row[label] = round(found.score, 2)
            if found.ci_low is not None:
                row[f"{label} 95% CI"] = f"{found.ci_low:.2f}–{found.ci_high:.2f}"
            if system != comparison.baseline:
                row[f"{label} Δ"] = None if found.delta is None else round(found.delta, 2)
                row[f"{label} p"] = None if found.p_value is None else round(found.p_value, 4)
        rows.append(row)
    return rows


def _chart(metric: MetricComparison) -> alt.Chart:
    """One metric, its own axis: a bar per system with its 95% interval."""
    data = [
        {"system": r.system, "score": r.score, "low": r.ci_low, "high": r.ci_high} for r in metric.systems
    ]
    title = _label(metric.metric, metric.higher_is_better)
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("system:N", sort=None, title=None))
    bars = base.mark_bar().encode(y=alt.Y("score:Q", title=title))
    errors = base.mark_rule(color="#333").encode(y="low:Q", y2="high:Q")
    return (bars + errors).properties(title=title, height=220)


def _charts(comparison: Comparison) -> None:
    cols = st.columns(max(len(comparison.metrics), 1))
    for col, metric in zip(cols, comparison.metrics, strict=False):
        col.altair_chart(_chart(metric), use_container_width=True)


def _sentences_csv(
    lines: scores.Aligned, wanted: Sequence[str], forms: Sequence[name_metrics.NameForm]
) -> bytes:
    """Every compared sentence with each system's MT and its sentence-level scores (a sentence
    whose reference names no known name has no name score)."""
    refs = [list(lines.references)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    scorers = {m: metrics.get(m, names=forms, names_source=NAMES_SOURCE) for m in wanted}
    per_system = {
        name: {m: scorer.sentence_scores(list(mt), refs) for m, scorer in scorers.items()}
        for name, mt in lines.systems
    }
    header = ["document", "sentence", "source", "reference"]
    for name, _ in lines.systems:
        header += [f"{name}: MT", *(f"{name}: {LABELS.get(m, m)}" for m in wanted)]
    writer.writerow(header)
    for i, pair in enumerate(lines.pairs):
        row = [pair.document_title, pair.position + 1, pair.source, lines.references[i]]
        for name, mt in lines.systems:
            values = (per_system[name][m][i] for m in wanted)
            row += [mt[i], *("" if math.isnan(v) else round(v, 2) for v in values)]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _reference_metrics(
    db: Store, chosen: Sequence[str], wanted: Sequence[str], test: str, document_id: int | None
) -> None:
    st.subheader("Against the approved references")
    try:
        lines = scores.aligned(db, chosen, document_id)
    except ScoringError as err:
        st.info(render.md(str(err)))
        return
    forms = _name_forms(db)
    if "names" in wanted and not name_metrics.mentions(lines.references, forms):
        st.caption(
            "Names: the approved references mention no known name (knowledge base, accepted names or "
            "glossary), so there is no name accuracy to compare."
        )
        wanted = [m for m in wanted if m != "names"]
        if not wanted:
            return
    comparison = _paired(lines.systems, lines.references, tuple(wanted), test, forms)
    st.caption(
        f"{len(lines.references)} approved sentences that every chosen system translated · "
        f"{report.TEST_NAMES[comparison.test]}, {comparison.n_samples} samples, seed {comparison.seed} · "
        f"baseline: {render.md(comparison.baseline)} · Δ and p compare each system with it"
    )
    st.dataframe(_table(comparison), hide_index=True, width="stretch")
    _charts(comparison)
    with st.expander("sacrebleu signatures"):
        for metric in comparison.metrics:
            st.code(f"{LABELS.get(metric.metric, metric.label)}: {metric.signature}", language=None)
    st.download_button(
        "Download per-sentence scores (CSV)",
        _sentences_csv(lines, wanted, forms),
        "sentence-scores.csv",
        mime="text/csv",
        key="scores_csv",
    )
    _names(lines, forms)
    _worst(lines)


def _names(lines: scores.Aligned, forms: Sequence[name_metrics.NameForm]) -> None:
    st.subheader("Name accuracy: what each system missed")
    table = []
    for name, mt in lines.systems:
        accuracy = name_metrics.name_accuracy(list(mt), list(lines.references), forms)
        if accuracy.share is None:
            st.caption(
                "The approved references mention no known name (glossary, accepted names or knowledge base)."
            )
            return
        table.append(
            {
                "System": name,
                "Names spelled right in the MT": f"{accuracy.share:.0%}",
                "Mentions": f"{accuracy.correct} of {accuracy.total}",
                "95% interval (Wilson, over mentions)": f"{accuracy.ci_low:.0%}–{accuracy.ci_high:.0%}",
                "Missed": "; ".join(f"{m.expected} (MT: {m.got or 'missing'})" for m in accuracy.misses[:8]),
            }
        )
    first, *_ = lines.systems
    shown = name_metrics.name_accuracy(list(first[1]), list(lines.references), forms)
    st.metric(f"Names spelled right in the MT ({first[0]})", f"{shown.share:.0%}")
    st.dataframe(table, hide_index=True, width="stretch")


def _worst(lines: scores.Aligned) -> None:
    name, mt = lines.systems[0]
    st.subheader(f"Worst sentences first ({name}, sentence chrF)")
    chrf = metrics.sentence_scores(list(mt), [list(lines.references)], "chrf")
    ranked = sorted(range(len(mt)), key=lambda i: chrf[i])
    st.dataframe(
        [
            {
                "chrF": round(chrf[i], 1),
                "Document": lines.pairs[i].document_title,
                "#": lines.pairs[i].position + 1,
                "German source": lines.pairs[i].source,
                "Machine translation": mt[i],
                "Approved reference": lines.references[i],
            }
            for i in ranked
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "chrF": st.column_config.ProgressColumn("chrF", min_value=0, max_value=100, format="%.1f")
        },
    )


def _mqm(db: Store, chosen: Sequence[str], test: str, document_id: int | None) -> None:
    st.subheader("MQM (lower is better)")
    judgements = [row for row in scores.rows(db, document_id) if row.system in chosen]
    if not judgements:
        st.caption(
            "No MQM judgements for these systems yet: annotate errors on the Review page, "
            "or import an MQM file."
        )
        return
    baseline = next((s for s in chosen if any(r.system == s for r in judgements)), None)
    segments, comparison = scores.mqm_comparison(judgements, baseline=baseline, test=test)
    st.dataframe(_table(comparison), hide_index=True, width="stretch")
    from workbench.metrics import mqm as mqm_metrics

    counts = mqm_metrics.error_counts(judgements)
    data = [
        {"system": system, "category": category, "severity": severity.value, "errors": n}
        for system, by_kind in counts.items()
        for (category, severity), n in by_kind.items()
    ]
    st.altair_chart(_chart(comparison.metrics[0]), use_container_width=True)
    if data:
        chart = (
            alt.Chart(alt.Data(values=data))
            .mark_bar()
            .encode(
                x=alt.X("sum(errors):Q", title="errors marked"),
                y=alt.Y("category:N", title=None),
                color=alt.Color(
                    "severity:N",
                    scale=alt.Scale(
                        domain=["Critical", "Major", "Minor", "Neutral"],
                        range=["#7f1d1d", "#d93025", "#f29900", "#9aa0a6"],
                    ),
                ),
                row=alt.Row("system:N", title=None),
            )
            .properties(title="Errors by category and severity", height=140)
        )
        st.altair_chart(chart, use_container_width=True)
    st.dataframe(
        [
            {"System": system, "Document": doc, "MQM": round(score, 2)}
            for system, docs in mqm_metrics.document_scores(segments).items()
            for doc, score in docs.items()
        ],
        hide_index=True,
        width="stretch",
    )


def render_page() -> None:
    st.title("Scores")
    st.caption(
        "Which system is better, by how much, and is the difference real: machine translation against "
        "the approved post-edits, and MQM from the reviewers' annotations."
    )
    db = common.store()
    # Oldest first: the first system made (e.g. the raw model) is the natural baseline.
    systems = [s.name for s in sorted(db.systems(), key=lambda s: s.id)]
    if not systems:
        st.info(
            "No translations yet. Translate or import documents, approve post-edits, then come back here."
        )
        return
    docs = {d.id: d.title for d in db.documents()}
    cols = st.columns([3, 4, 3, 2], vertical_alignment="bottom")
    document = cols[0].selectbox(
        "Documents",
        [ALL_DOCUMENTS, *docs],
        format_func=lambda i: "All documents" if i == ALL_DOCUMENTS else f"{docs[i]} (#{i})",
        key="scores_doc",
    )
    chosen = cols[1].multiselect(
        "Systems (the first is the baseline)", systems, default=systems[:4], key="scores_systems"
    )
    wanted = cols[2].multiselect(
        "Metrics",
        list(metrics.REGISTRY),
        default=list(metrics.REGISTRY),
        format_func=lambda m: _label(m, metrics.REGISTRY[m].higher_is_better),
        key="scores_metrics",
    )
    test = cols[3].segmented_control(
        "Paired test",
        ["bs", "ar"],
        format_func={"bs": "bootstrap", "ar": "randomization"}.get,
        default="bs",
        required=True,
        key="scores_test",
    )
    if not chosen or not wanted:
        st.info("Choose at least one system and one metric.")
        return
    document_id = None if document == ALL_DOCUMENTS else document
    with common.user_errors():
        _reference_metrics(db, chosen, wanted, test, document_id)
        _mqm(db, chosen, test, document_id)


if __name__ == "__main__":
    render_page()
