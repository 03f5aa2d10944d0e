"""BLEU, chrF and TER through sacrebleu's object API.

sacrebleu is imported inside the functions that use it (it loads tokenizers and regex tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from workbench.metrics.base import Score, check_aligned


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
