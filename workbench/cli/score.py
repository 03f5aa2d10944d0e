"""`workbench score`: corpus BLEU/chrF/TER with sacrebleu signatures, and name accuracy."""

from __future__ import annotations

from pathlib import Path

import click

from workbench import config, scoring
from workbench.cli.inputs import read_lines
from workbench.errors import ScoringError
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json


def _name_forms(glossary: str | None) -> tuple[str, list[scoring.NameForm]]:
    if glossary:
        from workbench.glossary_io import read_glossary

        return glossary, scoring.name_forms_from_glossary(read_glossary(glossary))
    kb = config.corpus_dir() / "names.csv"
    if not kb.is_file():
        raise ScoringError(
            f"--names needs known names: no --glossary given and no knowledge base at {kb}; "
            "pass --glossary FILE (.csv or .tbx)"
        )
    return str(kb), scoring.load_name_forms_csv(kb)


def _format_score(s: scoring.Score) -> str:
    interval = f" (95% CI {s.ci_low:.2f}–{s.ci_high:.2f})" if s.ci_low is not None else ""
    return f"{s.metric:<6} {s.score:6.2f}{interval}  {s.signature}"


def _format_names(acc: scoring.NameAccuracy, source: str) -> list[str]:
    if not acc.total:
        return [f"names: no name known to {source} occurs in the reference"]
    lines = [
        f"names: {acc.correct}/{acc.total} correct ({acc.share:.1%}, "
        f"95% CI {acc.ci_low:.1%}–{acc.ci_high:.1%}) using {source}"
    ]
    lines += [f"  line {m.line}: expected {m.expected}, got {m.got or '(not found)'}" for m in acc.misses]
    return lines


@click.command("score")
@click.option(
    "--hyp", "hyp", required=True, type=click.Path(path_type=str), help="Hypothesis: one segment a line."
)
@click.option(
    "--ref",
    "refs",
    required=True,
    multiple=True,
    type=click.Path(path_type=str),
    help="Reference (repeatable).",
)
@click.option("--metrics", default="bleu,chrf,ter", show_default=True, help="Comma-separated metrics.")
@click.option("--confidence", is_flag=True, help="Add bootstrap 95% confidence intervals (sacrebleu's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--names", is_flag=True, help="Also score name accuracy against the first --ref.")
@click.option(
    "--glossary",
    type=click.Path(path_type=str),
    help="Known names for --names (.csv or .tbx); default: the knowledge base corpus/names.csv.",
)
def score(
    hyp: str,
    refs: tuple[str, ...],
    metrics: str,
    confidence: bool,
    as_json: bool,
    names: bool,
    glossary: str | None,
) -> None:
    """Score a translation against one or more references, line by line."""
    hyp_name, hyp_lines = read_lines(hyp)
    ref_files = [read_lines(ref) for ref in refs]
    wanted = [m.strip().lower() for m in metrics.split(",") if m.strip()]
    scores = scoring.score_corpus(
        hyp_lines,
        [lines for _, lines in ref_files],
        metrics=wanted,
        confidence=confidence,
        hyp_name=hyp_name,
        ref_names=[name for name, _ in ref_files],
    )
    accuracy = None
    if names:
        source, forms = _name_forms(glossary)
        accuracy = scoring.name_accuracy(hyp_lines, ref_files[0][1], forms)
    if as_json:
        out = {name: s.as_json() for name, s in scores.items()}
        if accuracy is not None:
            out["names"] = accuracy.as_json()
        click.echo(terminal_json(out))
        return
    for s in scores.values():
        click.echo(shown(_format_score(s)))
    if accuracy is not None:
        click.echo("\n".join(shown(line) for line in _format_names(accuracy, Path(source).name)))
