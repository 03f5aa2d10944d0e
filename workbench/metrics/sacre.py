"""BLEU, chrF and TER through sacrebleu's object API, and sacrebleu's own paired tests.

sacrebleu is imported inside the functions that use it (it loads tokenizers and regex
tables). The paired test is sacrebleu's PairedTest, built the way the ``sacrebleu`` CLI
builds it, so ``workbench score --hyp A --hyp B --paired-bs`` gives the numbers of
``sacrebleu REF -i A B --paired-bs`` with the same seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol, runtime_checkable

from workbench.errors import ScoringError
from workbench.metrics.base import (
    Comparison,
    MetricComparison,
    Score,
    SystemScore,
    check_aligned,
)

TESTS = ("bs", "ar")
# sacrebleu's CLI gives no interval with approximate randomization; its library offers one
# from this many bootstrap resamples, which does not change the trials or their p-values.
AR_CONFIDENCE_SAMPLES = 1000
DEFAULT_SEED = "12345"


class SacreMetric:
    """A sacrebleu metric behind the Metric protocol; subclasses say which one."""

    name: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    upper_bound: ClassVar[float | None] = 100.0

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any:
        raise NotImplementedError

    def interval(self, mean: float, half_width: float) -> tuple[float, float]:
        """sacrebleu's mean ± half-width, kept within the metric's range (no score is below 0)."""
        low = max(0.0, mean - half_width)
        high = mean + half_width
        if self.upper_bound is not None:
            high = min(self.upper_bound, high)
        return low, high

    def corpus_score(
        self, hyps: Sequence[str], refs: Sequence[Sequence[str]], *, n_bootstrap: int = 1
    ) -> Score:
        """The corpus score; with n_bootstrap > 1 also sacrebleu's bootstrap 95% interval,
        and the signature records the resamples and the seed."""
        check_aligned(hyps, refs)
        metric = self.sacrebleu_metric()
        result = metric.corpus_score(list(hyps), [list(r) for r in refs], n_bootstrap=n_bootstrap)
        signature = metric.get_signature().format()
        if n_bootstrap <= 1:
            return Score(result.name, float(result.score), signature)
        # sacrebleu keeps its bootstrap estimate on the score object and offers no public
        # getter; these are the same numbers its own "μ = … ± …" output prints.
        mean, half = float(result._mean), float(result._ci)
        low, high = self.interval(mean, half)
        return Score(result.name, float(result.score), signature, low, high, mean)

    def sentence_scores(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[float]:
        check_aligned(hyps, refs)
        scorer = self.sacrebleu_metric(sentence_level=True)
        return [float(scorer.sentence_score(hyp, [r[i] for r in refs]).score) for i, hyp in enumerate(hyps)]


class Bleu(SacreMetric):
    name = "bleu"

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any:
        from sacrebleu.metrics import BLEU

        # Plain corpus BLEU is sacrebleu's default; per sentence, n-gram orders that cannot
        # match in a short line would zero the whole score, hence effective order.
        return BLEU(effective_order=sentence_level, references=references)


class Chrf(SacreMetric):
    name = "chrf"

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF(references=references)


class Ter(SacreMetric):
    name = "ter"
    higher_is_better = False
    upper_bound = None  # an edit rate can pass 100 (more edits than reference words)

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any:
        from sacrebleu.metrics import TER

        return TER(references=references)


@runtime_checkable
class Paired(Protocol):
    """A metric sacrebleu's paired tests can take: it gives a sacrebleu Metric object.

    A metric with ``own_interval(hyps, refs)`` reports that interval for each system instead
    of sacrebleu's bootstrap over sentences (name accuracy: Wilson's, over mentions).
    """

    name: ClassVar[str]
    higher_is_better: ClassVar[bool]

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any: ...


def _interval(
    metric: Paired, hyps: Sequence[str], refs: Sequence[Sequence[str]], mean: float | None, half: float | None
) -> tuple[float | None, float | None, float | None, float | None]:
    """(mean, half-width, low, high) of one system's 95% interval."""
    own = getattr(metric, "own_interval", None)
    if own is not None:
        low, high = own(hyps, refs) or (None, None)
        return None, None, low, high
    if mean is None or half is None or not isinstance(metric, SacreMetric):
        return mean, half, None, None
    low, high = metric.interval(mean, half)
    return mean, half, low, high


@contextmanager
def _sacrebleu_seed(seed: int | None) -> Iterator[None]:
    # PairedTest reads its seed from SACREBLEU_SEED while it is built (as the sacrebleu CLI
    # does); setting it for that moment only keeps the process environment as it was.
    if seed is None:
        yield
        return
    before = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = str(seed)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = before


def paired_test(
    systems: Sequence[tuple[str, Sequence[str]]],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[Paired],
    *,
    test: str = "bs",
    n_samples: int | None = None,
    seed: int | None = None,
    ref_names: Sequence[str] | None = None,
) -> Comparison:
    """Compare each system with the first (the baseline) by sacrebleu's paired test.

    systems are (name, lines) pairs; test is "bs" (paired bootstrap resampling) or "ar"
    (approximate randomization); n_samples defaults to sacrebleu's (1000 or 10000). seed
    None keeps sacrebleu's rule (SACREBLEU_SEED, else 12345). Every system gets a 95%
    interval from sacrebleu's bootstrap (with "ar" from AR_CONFIDENCE_SAMPLES resamples).
    """
    if test not in TESTS:
        raise ScoringError(
            f"unknown paired test {test!r}; use bs (bootstrap) or ar (approximate randomization)"
        )
    if len(systems) < 2:
        raise ScoringError(
            "a paired test compares systems: give two or more hypotheses (the first is the baseline)"
        )
    if not metrics:
        raise ScoringError("no metric asked for; choose from bleu, chrf, ter, names")
    for metric in metrics:
        if not isinstance(metric, Paired):
            raise ScoringError(
                f"{metric.name} has no sacrebleu paired test; compare systems on bleu, chrf, ter or names"
            )
    if seed == 0:
        # PairedTest passes the seed on only when it is truthy, so 0 would draw fresh randomness.
        raise ScoringError(
            "seed 0 means no seed to sacrebleu's paired test (results change every run); give 1 or more"
        )
    if n_samples is not None and n_samples < 1:
        raise ScoringError(f"{n_samples} samples: a paired test needs at least 1")
    names = [name for name, _ in systems]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ScoringError(f"{repeated[0]} is given twice; give each system once")
    for name, hyps in systems:
        check_aligned(hyps, refs, name, ref_names)

    from sacrebleu.significance import PairedTest

    # As sacrebleu's CLI: each metric caches the references, the test gets none.
    objects = {m.name: m.sacrebleu_metric(references=[list(r) for r in refs]) for m in metrics}
    with _sacrebleu_seed(seed):
        raw_seed = os.environ.get("SACREBLEU_SEED", DEFAULT_SEED)
        paired = PairedTest(
            [(name, list(hyps)) for name, hyps in systems],
            objects,
            references=None,
            test_type=test,
            n_samples=n_samples or 0,
            n_ar_confidence=AR_CONFIDENCE_SAMPLES if test == "ar" else -1,
            n_jobs=1,
        )
    signatures, results = paired()
    # PairedTest keys its results by sacrebleu's names ("chrF2"), in the order the metrics were given.
    labels = [label for label in results if label != "System"]
    compared = []
    for metric, label in zip(metrics, labels, strict=True):
        rows = []
        base = results[label][0].score
        for i, (name, hyps) in enumerate(systems):
            res = results[label][i]
            mean, half, low, high = _interval(
                metric,
                hyps,
                refs,
                float(res.mean) if res.mean is not None else None,
                float(res.ci) if res.ci is not None else None,
            )
            rows.append(
                SystemScore(
                    system=name,
                    score=float(res.score),
                    mean=mean,
                    half_width=half,
                    ci_low=low,
                    ci_high=high,
                    delta=None if i == 0 else float(res.score) - float(base),
                    p_value=None if i == 0 else float(res.p_value),
                    segments=len(hyps),
                )
            )
        compared.append(
            MetricComparison(
                metric.name, label, metric.higher_is_better, signatures[label].format(), tuple(rows)
            )
        )
    seed_text = "none" if raw_seed.lower() == "none" else str(int(raw_seed))
    return Comparison(test, paired.n_samples, seed_text, names[0], tuple(compared))
