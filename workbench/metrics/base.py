"""What a metric is, and the records every metric's results share.

A metric follows sacrebleu's contract: one object, ``corpus_score(hyps, refs)`` giving a
Score that carries the signature saying exactly how it was computed, and
``sentence_scores`` for one number per line. Comparisons of several systems (paired tests
of BLEU/chrF/TER, MQM between systems) share one record, so the CLI, the JSON and the
Scores page print them with the same code. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from workbench.errors import ScoringError


@dataclass(frozen=True)
class Score:
    metric: str  # as sacrebleu names it: "BLEU", "chrF2", "TER"
    score: float
    signature: str
    ci_low: float | None = None
    ci_high: float | None = None
    mean: float | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": self.score, "signature": self.signature}
        if self.ci_low is not None:
            out["ci_low"] = self.ci_low
            out["ci_high"] = self.ci_high
        return out


class Metric(Protocol):
    """A corpus metric over hypotheses and line-aligned references.

    refs holds one list of lines per reference (sacrebleu's layout). ``name`` is the
    registry key; ``higher_is_better`` is False for error rates (TER).
    """

    name: ClassVar[str]
    higher_is_better: ClassVar[bool]

    def corpus_score(
        self, hyps: Sequence[str], refs: Sequence[Sequence[str]], *, n_bootstrap: int = 1
    ) -> Score: ...

    def sentence_scores(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[float]: ...


def _check_refs(refs: Sequence[Sequence[str]]) -> None:
    # A bare list of strings would be read by sacrebleu as streams of characters.
    if any(isinstance(stream, str) for stream in refs):
        raise TypeError("refs is a list of reference streams, one list of lines per reference: pass [refs]")


def check_aligned(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    hyp_name: str = "hypothesis",
    ref_names: Sequence[str] | None = None,
) -> None:
    """Raise ScoringError unless there is something to score and every reference has as many lines."""
    _check_refs(refs)
    if not hyps:
        raise ScoringError(f"{hyp_name} has no lines: nothing to score; give one segment per line")
    if not refs:
        raise ScoringError("no reference given: pass at least one reference file (--ref FILE)")
    names = list(ref_names) if ref_names else [f"reference {i + 1}" for i in range(len(refs))]
    for ref_name, stream in zip(names, refs, strict=True):
        if len(stream) != len(hyps):
            raise ScoringError(
                f"{hyp_name} has {len(hyps)} lines but {ref_name} has {len(stream)}; hypotheses and "
                "references must be line-aligned (one segment per line, same order)"
            )


@dataclass(frozen=True)
class SystemScore:
    """One system's line in a comparison; delta and p_value are None for the baseline.

    mean is the bootstrap estimate and half_width sacrebleu's "± 95% CI"; ci_low/ci_high
    is the interval as printed (kept within the metric's range).
    """

    system: str
    score: float
    mean: float | None
    half_width: float | None
    ci_low: float | None
    ci_high: float | None
    delta: float | None = None
    p_value: float | None = None
    segments: int | None = None


@dataclass(frozen=True)
class MetricComparison:
    metric: str  # registry key: "bleu", "chrf", "ter", "mqm"
    label: str  # as printed: "BLEU", "chrF2", "TER", "MQM"
    higher_is_better: bool
    signature: str
    systems: tuple[SystemScore, ...]  # the baseline first


@dataclass(frozen=True)
class Comparison:
    """Systems compared with a baseline by a paired test ("bs" bootstrap, "ar" approximate
    randomization) on one or more metrics."""

    test: str
    n_samples: int
    seed: str  # as sacrebleu writes it: a number, or "none" for fresh randomness
    baseline: str
    metrics: tuple[MetricComparison, ...]

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(s.system for s in self.metrics[0].systems) if self.metrics else (self.baseline,)
