"""Printing a comparison of systems: text lines for the terminal, a dict for JSON.

One layout for every metric (BLEU/chrF/TER from sacrebleu's paired tests, MQM from
annotations), so files, stored documents and MQM data print alike. Pure: returns strings.
"""

from __future__ import annotations

from typing import Any

from workbench.metrics.base import Comparison, MetricComparison, SystemScore

SIGNIFICANT = 0.05
TEST_NAMES = {"bs": "paired bootstrap resampling", "ar": "paired approximate randomization"}
_SAMPLE_WORDS = {"bs": "resamples", "ar": "trials"}


def direction(higher_is_better: bool) -> str:
    return "higher is better" if higher_is_better else "lower is better"


def _system_json(row: SystemScore, baseline: str) -> dict[str, Any]:
    return {
        "system": row.system,
        "baseline": row.system == baseline,
        "score": row.score,
        "mean": row.mean,
        "ci": row.half_width,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "delta": row.delta,
        "p_value": row.p_value,
        "segments": row.segments,
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data; "ci" is sacrebleu's half-width around "mean"."""
    return {
        "test": f"paired-{comparison.test}",
        "n_samples": comparison.n_samples,
        "seed": comparison.seed,
        "baseline": comparison.baseline,
        "metrics": {
            m.metric: {
                "label": m.label,
                "higher_is_better": m.higher_is_better,
                "signature": m.signature,
                "systems": [_system_json(row, comparison.baseline) for row in m.systems],
            }
            for m in comparison.metrics
        },
    }


def _metric_lines(metric: MetricComparison, baseline: str) -> list[str]:
    width = max(len("system"), *(len(row.system) for row in metric.systems))
    lines = [
        f"{metric.label} ({direction(metric.higher_is_better)})",
        f"  {'system':<{width}}  {'score':>7}  {'95% CI':<15}  {'delta':>7}  p-value",
    ]
    for row in metric.systems:
        interval = f"{row.ci_low:.2f}–{row.ci_high:.2f}" if row.ci_low is not None else "–"
        if row.system == baseline:
            tail = f"{'':>7}  (baseline)"
        elif row.p_value is None:
            tail = f"{'':>7}  (no segment in common with the baseline)"
        else:
            mark = " *" if row.p_value < SIGNIFICANT else ""
            tail = f"{row.delta:>+7.2f}  {row.p_value:.4f}{mark}"
        lines.append(f"  {row.system:<{width}}  {row.score:>7.2f}  {interval:<15}  {tail}")
    lines.append(f"  signature: {metric.signature}")
    return lines


def format_comparison(comparison: Comparison) -> list[str]:
    """A table per metric: score, 95% interval, difference to the baseline, p-value."""
    lines = [
        f"{TEST_NAMES[comparison.test].capitalize()}, {comparison.n_samples} "
        f"{_SAMPLE_WORDS[comparison.test]}, seed {comparison.seed}; baseline: {comparison.baseline}"
    ]
    for metric in comparison.metrics:
        lines += _metric_lines(metric, comparison.baseline)
    lines.append(
        f"* p < {SIGNIFICANT}: a difference this large is unlikely to be chance "
        "(the p-value says the systems differ, not which is better: see delta)"
    )
    return lines
