"""MQM scores from error annotations: per segment, document and system; intervals; paired tests.

As in Freitag et al. 2021: a segment's score is the sum of the weights (workbench.mqm.weight)
of one rater's errors, averaged over the raters who rated the segment (a No-error row says
a rater rated it and found nothing); a document's and a system's score is the mean of their
segments' scores. Lower is better. Intervals and p-values resample segments, seeded, so a
rerun gives the same numbers. Pure: the annotations come from a file or the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from workbench.errors import ScoringError
from workbench.metrics.base import Comparison, MetricComparison, Score, SystemScore
from workbench.mqm import Annotation, Severity

if TYPE_CHECKING:
    import numpy as np

NAME = "mqm"
LABEL = "MQM"
DEFAULT_SEED = 12345
DEFAULT_SAMPLES = {"bs": 1000, "ar": 10000}
_CHUNK = 100  # resamples drawn at once: bounds memory to _CHUNK x segments numbers
# Segment scores are sums of a few weights averaged over raters, so a resampled difference
# equal to the observed one comes out a rounding error away from it.
_TIE = 1e-9


class Rating(Protocol):
    """One rater's judgement of one system's segment (formats.mqm_tsv.MQMRow is one).

    segment identifies the segment within the whole set (not only within doc); systems
    are paired on it.
    """

    @property
    def system(self) -> str: ...

    @property
    def doc(self) -> str: ...

    @property
    def segment(self) -> Hashable: ...

    @property
    def annotation(self) -> Annotation: ...


@dataclass(frozen=True)
class SegmentScore:
    system: str
    doc: str
    segment: Hashable
    score: float  # mean over raters of the sum of each rater's error weights
    raters: int
    errors: int  # error annotations from all raters (No-error rows not counted)


def segment_scores(ratings: Iterable[Rating]) -> list[SegmentScore]:
    """One score per (system, segment), in the order the segments first appear."""
    sums: dict[tuple[str, Hashable], dict[str, float]] = {}
    docs: dict[tuple[str, Hashable], str] = {}
    errors: Counter[tuple[str, Hashable]] = Counter()
    for rating in ratings:
        key = (rating.system, rating.segment)
        per_rater = sums.setdefault(key, {})
        a = rating.annotation
        per_rater[a.rater] = per_rater.get(a.rater, 0.0) + a.weight
        docs.setdefault(key, rating.doc)
        errors[key] += a.is_error
    out = []
    for (system, segment), by_rater in sums.items():
        key = (system, segment)
        score = sum(by_rater.values()) / len(by_rater)
        out.append(SegmentScore(system, docs[key], segment, score, len(by_rater), errors[key]))
    return out


def _by_system(segments: Iterable[SegmentScore]) -> dict[str, list[SegmentScore]]:
    systems: dict[str, list[SegmentScore]] = {}
    for seg in segments:
        systems.setdefault(seg.system, []).append(seg)
    return systems


def document_scores(segments: Iterable[SegmentScore]) -> dict[str, dict[str, float]]:
    """system -> document -> mean segment score, in order of appearance."""
    totals: dict[str, dict[str, list[float]]] = {}
    for seg in segments:
        totals.setdefault(seg.system, {}).setdefault(seg.doc, []).append(seg.score)
    return {system: {doc: sum(v) / len(v) for doc, v in docs.items()} for system, docs in totals.items()}


def error_counts(ratings: Iterable[Rating]) -> dict[str, Counter[tuple[str, Severity]]]:
    """system -> (category, severity) -> number of errors marked, for charts by category."""
    counts: dict[str, Counter[tuple[str, Severity]]] = {}
    for rating in ratings:
        a = rating.annotation
        if a.is_error:
            counts.setdefault(rating.system, Counter())[(a.category, a.severity)] += 1
    return counts


def _interval(means: np.ndarray) -> tuple[float, float, float]:
    """Bootstrap mean and 95% interval, with sacrebleu's percentile indices (1/40 from each end)."""
    import numpy as np

    ordered = np.sort(means)
    cut = len(ordered) // 40
    return float(ordered.mean()), float(ordered[cut]), float(ordered[len(ordered) - cut - 1])


def _resampled_means(values: np.ndarray, n_samples: int, seed: int | None) -> np.ndarray:
    import numpy as np

    rng = np.random.default_rng(seed)
    out = np.empty(n_samples)
    for start in range(0, n_samples, _CHUNK):
        size = min(_CHUNK, n_samples - start)
        out[start : start + size] = values[rng.integers(0, len(values), size=(size, len(values)))].mean(
            axis=1
        )
    return out


def signature(n_bootstrap: int, seed: int | None, test: str | None = None, n_trials: int = 0) -> str:
    """How an MQM score was computed, in sacrebleu's key:value|… style (ar: trials, bs: resamples)."""
    parts = ["weights:freitag2021", "raters:mean", "unit:segment"]
    if test == "ar":
        parts.append(f"ar:{n_trials}")
    parts += [f"bs:{n_bootstrap}", f"seed:{str(seed).lower()}"]
    return "|".join(parts)


def system_score(
    segments: Sequence[SegmentScore], n_bootstrap: int = 1000, seed: int | None = DEFAULT_SEED
) -> Score:
    """One system's MQM with a bootstrap 95% interval over its segments."""
    import numpy as np

    if not segments:
        raise ScoringError(
            "no rated segment: nothing to score; annotate segments (or mark them No-error) first"
        )
    values = np.array([s.score for s in segments])
    mean, low, high = _interval(_resampled_means(values, n_bootstrap, seed))
    return Score(LABEL, float(values.mean()), signature(n_bootstrap, seed), low, high, mean)


def _p_value(base: np.ndarray, system: np.ndarray, test: str, n_samples: int, seed: int | None) -> float:
    """Two-sided p-value of the difference in mean segment score, as sacrebleu's paired tests
    compute it, except that a resampled difference as large as the observed one counts
    (segment scores take few values, so ties are common and must not look significant)."""
    import numpy as np

    observed = abs(system.mean() - base.mean())
    threshold = observed - _TIE * max(1.0, observed)
    rng = np.random.default_rng(seed)
    n = len(base)
    hits = 0
    if test == "bs":
        diffs = np.empty(n_samples)
        for start in range(0, n_samples, _CHUNK):
            size = min(_CHUNK, n_samples - start)
            idx = rng.choice(n, size=(size, n), replace=True)
            diffs[start : start + size] = np.abs(system[idx].mean(axis=1) - base[idx].mean(axis=1))
        # sacrebleu's paired bootstrap: centre the resampled differences on zero (the null).
        hits = int(np.sum(diffs - diffs.mean() >= threshold))
    else:
        for start in range(0, n_samples, _CHUNK):
            size = min(_CHUNK, n_samples - start)
            swap = rng.integers(2, size=(size, n), dtype=bool)
            shuffled_a = np.where(swap, system, base).mean(axis=1)
            shuffled_b = np.where(swap, base, system).mean(axis=1)
            hits += int(np.sum(np.abs(shuffled_a - shuffled_b) >= threshold))
    return (hits + 1) / (n_samples + 1)


def compare_systems(
    segments: Iterable[SegmentScore],
    *,
    baseline: str | None = None,
    test: str = "bs",
    n_samples: int | None = None,
    seed: int | None = DEFAULT_SEED,
) -> Comparison:
    """Every system's MQM with a bootstrap 95% interval, and each compared with the baseline.

    baseline defaults to the first system. The difference and the p-value use the segments
    both systems have (SystemScore.segments counts a system's own). test is "bs" (paired
    bootstrap, 1000 resamples by default) or "ar" (approximate randomization, 10000 trials).
    """
    import numpy as np

    if test not in DEFAULT_SAMPLES:
        raise ScoringError(
            f"unknown paired test {test!r}; use bs (bootstrap) or ar (approximate randomization)"
        )
    n = n_samples or DEFAULT_SAMPLES[test]
    if n < 1:
        raise ScoringError(f"{n} samples: a paired test needs at least 1")
    systems = _by_system(segments)
    if not systems:
        raise ScoringError("no rated segment: nothing to score; the annotations name no system")
    base_name = baseline if baseline is not None else next(iter(systems))
    if base_name not in systems:
        raise ScoringError(
            f"baseline {base_name!r} is not a system in the annotations; choose from {', '.join(systems)}"
        )
    order = [base_name, *(name for name in systems if name != base_name)]
    base_by_segment = {s.segment: s.score for s in systems[base_name]}
    n_bootstrap = DEFAULT_SAMPLES["bs"] if test == "ar" else n
    rows = []
    for name in order:
        own = systems[name]
        values = np.array([s.score for s in own])
        mean, low, high = _interval(_resampled_means(values, n_bootstrap, seed))
        delta = p_value = None
        common = [(base_by_segment[s.segment], s.score) for s in own if s.segment in base_by_segment]
        if name != base_name and common:
            pairs = np.array(common)
            delta = float(pairs[:, 1].mean() - pairs[:, 0].mean())
            p_value = _p_value(pairs[:, 0], pairs[:, 1], test, n, seed)
        rows.append(
            SystemScore(
                system=name,
                score=float(values.mean()),
                mean=mean,
                half_width=(high - low) / 2,
                ci_low=low,
                ci_high=high,
                delta=delta,
                p_value=p_value,
                segments=len(own),
            )
        )
    sig = signature(n_bootstrap, seed, test, n)
    metric = MetricComparison(NAME, LABEL, False, sig, tuple(rows))
    return Comparison(test, n, str(seed).lower(), base_name, (metric,))
