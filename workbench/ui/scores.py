"""Scores page: MT against approved references (BLEU, chrF, TER with sacrebleu signatures),
overall and per document, name accuracy, and the worst sentences first."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench import metrics
from workbench.metrics import names as name_metrics
from workbench.store import ScorePair, Store
from workbench.ui import common

LABELS = {"bleu": "BLEU", "chrf": "chrF", "ter": "TER"}


def _name_forms(db: Store) -> list[name_metrics.NameForm]:
    """Names to check: the glossary's corrections, reviewer-accepted names and the knowledge base."""
    forms = {f.canonical: f for f in common.knowledge_name_forms()}
    for known in db.known_names():
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
    for form in name_metrics.name_forms_from_glossary(db.glossary_entries()):
        old = forms.get(form.canonical)
        variants = (*(old.variants if old else ()), *form.variants)
        forms[form.canonical] = name_metrics.NameForm(
            form.canonical, tuple(dict.fromkeys(variants)), old.short_forms if old else ()
        )
    return list(forms.values())


def _overall(pairs: Sequence[ScorePair]) -> None:
    scores = metrics.score_corpus([p.mt for p in pairs], [[p.reference for p in pairs]])
    cols = st.columns(3)
    for col, (metric, score) in zip(cols, scores.items(), strict=True):
        col.metric(LABELS[metric] + (" (lower is better)" if metric == "ter" else ""), f"{score.score:.1f}")
    with st.expander("sacrebleu signatures"):
        for metric, score in scores.items():
            st.code(f"{LABELS[metric]}: {score.signature}", language=None)


def _per_document(pairs: Sequence[ScorePair]) -> None:
    by_doc: dict[int, list[ScorePair]] = {}
    for pair in pairs:
        by_doc.setdefault(pair.document_id, []).append(pair)
    table = []
    for group in by_doc.values():
        scores = metrics.score_corpus([p.mt for p in group], [[p.reference for p in group]])
        table.append(
            {
                "Document": group[0].document_title,
                "Approved sentences": len(group),
                "BLEU": round(scores["bleu"].score, 1),
                "chrF": round(scores["chrf"].score, 1),
                "TER": round(scores["ter"].score, 1),
            }
        )
    st.subheader("Per document")
    st.dataframe(table, hide_index=True, width="stretch")
    st.bar_chart(
        [
            {"metric": m, "document": row["Document"], "score": row[m]}
            for row in table
            for m in ("BLEU", "chrF", "TER")
        ],
        x="metric",
        y="score",
        color="document",
        stack=False,
        height=260,
        x_label="",
        y_label="score (TER: lower is better)",
    )


def _names(db: Store, pairs: Sequence[ScorePair]) -> None:
    st.subheader("Name accuracy")
    accuracy = name_metrics.name_accuracy(
        [p.mt for p in pairs], [p.reference for p in pairs], _name_forms(db)
    )
    if accuracy.share is None:
        st.caption(
            "The approved references mention no known name (glossary, accepted names or knowledge base)."
        )
        return
    st.metric(
        "Names spelled right in the MT",
        f"{accuracy.share:.0%}",
        help="Share of known-name mentions in the approved references that the MT spells exactly; "
        "95% bootstrap interval below.",
    )
    st.caption(
        f"{accuracy.correct} of {accuracy.total} mentions · 95% interval "
        f"{accuracy.ci_low:.0%}–{accuracy.ci_high:.0%}"
    )
    if accuracy.misses:
        st.dataframe(
            [
                {
                    "Document": pairs[m.line - 1].document_title,
                    "Sentence": pairs[m.line - 1].position + 1,
                    "Expected": m.expected,
                    "MT had": m.got or "(missing)",
                }
                for m in accuracy.misses
            ],
            hide_index=True,
            width="stretch",
        )


def _worst(pairs: Sequence[ScorePair]) -> None:
    st.subheader("Worst sentences first (sentence chrF)")
    chrf = metrics.sentence_scores([p.mt for p in pairs], [[p.reference for p in pairs]], "chrf")
    ranked = sorted(zip(chrf, pairs, strict=True), key=lambda item: item[0])
    st.dataframe(
        [
            {
                "chrF": round(score, 1),
                "Document": p.document_title,
                "#": p.position + 1,
                "German source": p.source,
                "Machine translation": p.mt,
                "Approved reference": p.reference,
            }
            for score, p in ranked
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "chrF": st.column_config.ProgressColumn("chrF", min_value=0, max_value=100, format="%.1f")
        },
    )


def render_page() -> None:
    st.title("Scores")
    st.caption("Machine translation against the approved post-edits. Only approved sentences count.")
    db = common.store()
    pairs = db.scores_input()
    if not pairs:
        st.info("No approved references yet. Approve post-edits on the Review page, then come back here.")
        return
    with common.user_errors():
        st.subheader(f"Overall ({len(pairs)} approved sentences)")
        _overall(pairs)
        _per_document(pairs)
        _names(db, pairs)
        _worst(pairs)


if __name__ == "__main__":
    render_page()
