"""Metrics: the registry of corpus metrics, and scoring by name.

REGISTRY maps a name to a class following base.Metric: adding a metric is one class and one
entry here, and ``score --metrics`` and the Scores page offer what REGISTRY holds. Every entry
also gives sacrebleu a Metric object (sacre.Paired), so systems are compared on it with
sacrebleu's own paired tests. Name accuracy ("names") counts the known names the references
mention: by default the knowledge base's, or the ones passed to ``get(..., names=...)``. MQM
(metrics.mqm) scores error annotations, not MT against references, so it has its own entry
point; its comparisons are the same records (base.Comparison) and print with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.errors import ScoringError
from workbench.metrics.base import Metric, Score, check_aligned
from workbench.metrics.names import NameForm, Names
from workbench.metrics.sacre import Bleu, Chrf, Ter

REGISTRY: dict[str, type[Metric]] = {"bleu": Bleu, "chrf": Chrf, "ter": Ter, "names": Names}
# What `score` computes unless --metrics says otherwise: names only counts sentences whose
# reference mentions a known name, so it is asked for (--metrics ...,names or --names).
METRICS: tuple[str, ...] = ("bleu", "chrf", "ter")

__all__ = [
    "METRICS",
    "REGISTRY",
    "Metric",
    "NameForm",
    "Names",
    "Score",
    "check_aligned",
    "get",
    "score_corpus",
    "sentence_scores",
]


def get(name: str, *, names: Sequence[NameForm] | None = None, names_source: str = "") -> Metric:
    """A metric object by registry name; ScoringError lists the names there are.

    names (with names_source, how to call them in a message) are the known names the
    "names" metric counts; without them it reads the knowledge base.
    """
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise ScoringError(f"unknown metric {name!r}; choose from {', '.join(REGISTRY)}") from None
    if cls is Names:
        return Names(names, names_source)
    return cls()


def parse_names(text: str) -> list[str]:
    """Metric names from a comma-separated list ("bleu,chrf"), checked against the registry."""
    names = [m.strip().lower() for m in text.split(",") if m.strip()]
    if not names:
        raise ScoringError(f"no metric asked for; choose from {', '.join(REGISTRY)}")
    for name in names:
        get(name)
    return names


def score_corpus(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str] = METRICS,
    confidence: bool = False,
    n_bootstrap: int = 1000,
    hyp_name: str = "hypothesis",
    ref_names: Sequence[str] | None = None,
    names: Sequence[NameForm] | None = None,
    names_source: str = "",
) -> dict[str, Score]:
    """Corpus scores keyed by metric name, in the order asked for.

    refs holds one list of lines per reference (sacrebleu's layout). With confidence,
    sacrebleu's own bootstrap resampling gives the 95% interval (mean ± half-width, as
    sacrebleu reports it) and the signature records the number of resamples and the seed.
    hyp_name and ref_names only label error messages; names are the known names "names" counts.
    """
    scorers = [get(name, names=names, names_source=names_source) for name in metrics]
    if not scorers:
        raise ScoringError(f"no metric asked for; choose from {', '.join(REGISTRY)}")
    check_aligned(hyps, refs, hyp_name, ref_names)
    n = n_bootstrap if confidence else 1
    return {
        name: scorer.corpus_score(hyps, refs, n_bootstrap=n)
        for name, scorer in zip(metrics, scorers, strict=True)
    }


def sentence_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]], metric: str = "chrf") -> list[float]:
    """One score per line (for "worst sentences first"), against every reference stream."""
    return get(metric).sentence_scores(hyps, refs)
