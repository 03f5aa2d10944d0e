"""`workbench score`: corpus BLEU/chrF/TER with sacrebleu signatures, name accuracy, paired
significance between systems (sacrebleu's own tests), and MQM scores from a WMT MQM TSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from workbench import config, metrics
from workbench.cli.inputs import read_lines
from workbench.cli.options import Once, db_option
from workbench.errors import ScoringError
from workbench.metrics import mqm, report
from workbench.metrics import names as name_metrics
from workbench.metrics.base import Comparison, Score
from workbench.metrics.sacre import paired_test
from workbench.store import Store
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json
from workbench.workflows import scores


def _name_forms(glossary: str | None) -> tuple[str, list[name_metrics.NameForm]]:
    if glossary:
        from workbench.glossary_io import read_glossary

        return glossary, name_metrics.name_forms_from_glossary(read_glossary(glossary))
    kb = config.corpus_dir() / "names.csv"
    if not kb.is_file():
        raise ScoringError(
            f"name accuracy needs known names: no --glossary given and no knowledge base at {kb}; "
            "pass --glossary FILE (.csv or .tbx)"
        )
    return str(kb), name_metrics.load_name_forms_csv(kb)


def _format_score(s: Score, higher_is_better: bool) -> str:
    interval = f" (95% CI {s.ci_low:.2f}–{s.ci_high:.2f})" if s.ci_low is not None else ""
    lower = "" if higher_is_better else " (lower is better)"
    return f"{s.metric:<6} {s.score:6.2f}{interval}{lower}  {s.signature}"


def _format_names(acc: name_metrics.NameAccuracy, source: str, system: str = "") -> list[str]:
    label = f"names ({system})" if system else "names"
    if not acc.total:
        return [f"{label}: no name known to {source} occurs in the reference"]
    lines = [
        f"{label}: {acc.correct}/{acc.total} correct ({acc.share:.1%}, "
        f"95% CI {acc.ci_low:.1%}–{acc.ci_high:.1%} over mentions) using {source}"
    ]
    lines += [f"  line {m.line}: expected {m.expected}, got {m.got or '(not found)'}" for m in acc.misses]
    return lines


def echo_comparison(comparison: Comparison, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    """Print a comparison of systems as a table, or as JSON with ``extra`` keys added."""
    if as_json:
        click.echo(terminal_json({**report.comparison_json(comparison), **(extra or {})}))
    else:
        click.echo("\n".join(shown(line) for line in report.format_comparison(comparison)))


def echo_mqm(
    segments: Sequence[mqm.SegmentScore], comparison: Comparison, as_json: bool, source: str
) -> None:
    """Print per-system MQM (and per-document in JSON), whatever the annotations came from."""
    if as_json:
        echo_comparison(comparison, True, {"source": source, "documents": mqm.document_scores(segments)})
        return
    raters = max((s.raters for s in segments), default=0)
    click.echo(
        f"MQM from {shown(source)}: {len(comparison.systems)} systems, {len(segments)} rated segments "
        f"(raters per segment: up to {raters}); Freitag et al. 2021 weights, lower is better"
    )
    echo_comparison(comparison, False)


def _score_mqm(
    path: str, baseline: str | None, test: str, n_samples: int, seed: int | None, as_json: bool
) -> None:
    name, judgements = scores.read_mqm(path)
    segments, comparison = scores.mqm_comparison(
        judgements, baseline=baseline, test=test, n_samples=n_samples, seed=seed
    )
    echo_mqm(segments, comparison, as_json, Path(name).name)


def _score_stored_mqm(
    db: str | None,
    document: int | None,
    baseline: str | None,
    test: str,
    n_samples: int,
    seed: int | None,
    as_json: bool,
) -> None:
    with Store.open(config.database(db)) as store:
        judgements = scores.rows(store, document)
    if not judgements:
        raise ScoringError(
            "the database has no MQM judgements to score: annotate errors on the Review page (or approve "
            "sentences), or import an MQM file (workbench import --format mqm FILE)."
        )
    segments, comparison = scores.mqm_comparison(
        judgements, baseline=baseline, test=test, n_samples=n_samples, seed=seed
    )
    echo_mqm(segments, comparison, as_json, "the database" if document is None else f"document {document}")


def _score_stored(
    db: str | None,
    document: int | None,
    systems: list[str],
    wanted: list[str],
    test: str,
    n_samples: int,
    seed: int | None,
    as_json: bool,
) -> None:
    with Store.open(config.database(db)) as store:
        forms: list[name_metrics.NameForm] = []
        if "names" in wanted:
            knowledge = config.corpus_dir() / "names.csv"
            base = name_metrics.load_name_forms_csv(knowledge) if knowledge.is_file() else []
            forms = scores.name_forms(store, base)
        lines, comparison = scores.compare(
            store,
            systems,
            [
                metrics.get(name, names=forms, names_source="the knowledge base, accepted names and glossary")
                for name in wanted
            ],
            document_id=document,
            test=test,
            n_samples=n_samples,
            seed=seed,
        )
    echo_comparison(comparison, as_json, {"sentences": len(lines.references)} if as_json else None)
    if not as_json:
        click.echo(f"on the {len(lines.references)} approved sentences every system translated")


def _score_one(
    hyp_name: str,
    hyp_lines: list[str],
    ref_files: list[tuple[str, list[str]]],
    wanted: list[str],
    confidence: bool,
    as_json: bool,
    names: tuple[str, list[name_metrics.NameForm]] | None,
    detail: bool,
) -> None:
    scores = metrics.score_corpus(
        hyp_lines,
        [lines for _, lines in ref_files],
        metrics=wanted,
        confidence=confidence,
        hyp_name=hyp_name,
        ref_names=[name for name, _ in ref_files],
        names=names[1] if names else None,
        names_source=Path(names[0]).name if names else "",
    )
    accuracy = name_metrics.name_accuracy(hyp_lines, ref_files[0][1], names[1]) if detail and names else None
    if as_json:
        out: dict[str, Any] = {name: s.as_json() for name, s in scores.items()}
        if accuracy is not None:
            out["names"] = accuracy.as_json()
        click.echo(terminal_json(out))
        return
    for name, s in scores.items():
        click.echo(shown(_format_score(s, metrics.REGISTRY[name].higher_is_better)))
    if accuracy is not None and names:
        click.echo("\n".join(shown(line) for line in _format_names(accuracy, Path(names[0]).name)))


def _compare(
    systems: list[tuple[str, list[str]]],
    ref_files: list[tuple[str, list[str]]],
    wanted: list[str],
    test: str,
    n_samples: int,
    seed: int | None,
    as_json: bool,
    names: tuple[str, list[name_metrics.NameForm]] | None,
    detail: bool,
) -> None:
    comparison = paired_test(
        systems,
        [lines for _, lines in ref_files],
        [
            metrics.get(
                name,
                names=names[1] if names else None,
                names_source=Path(names[0]).name if names else "",
            )
            for name in wanted
        ],
        test=test,
        n_samples=n_samples,
        seed=seed,
        ref_names=[name for name, _ in ref_files],
    )
    accuracy = {}
    if detail and names:
        accuracy = {
            name: name_metrics.name_accuracy(lines, ref_files[0][1], names[1]) for name, lines in systems
        }
    if as_json:
        extra = {"names": {name: acc.as_json() for name, acc in accuracy.items()}} if accuracy else None
        echo_comparison(comparison, True, extra)
        return
    echo_comparison(comparison, False)
    for name, acc in accuracy.items():
        click.echo(
            "\n".join(shown(line) for line in _format_names(acc, Path(names[0]).name if names else "", name))
        )


@click.command("score")
@click.option(
    "--hyp",
    "hyps",
    multiple=True,
    type=click.Path(path_type=str),
    help="Hypothesis: one segment a line. Repeat to compare systems; the first is the baseline.",
)
@click.option(
    "--ref",
    "refs",
    multiple=True,
    type=click.Path(path_type=str),
    help="Reference (repeatable).",
)
@click.option(
    "--metrics",
    "metric_list",
    cls=Once,
    default="bleu,chrf,ter",
    show_default=True,
    help=f"Comma-separated, from: {', '.join(metrics.REGISTRY)} (names: the share of known names "
    "spelled right).",
)
@click.option(
    "--confidence", is_flag=True, help="Add bootstrap 95% confidence intervals (always on for several --hyp)."
)
@click.option(
    "--paired-bs", is_flag=True, help="Compare systems by paired bootstrap resampling (the default)."
)
@click.option("--paired-ar", is_flag=True, help="Compare systems by paired approximate randomization.")
@click.option(
    "--paired-bs-n",
    cls=Once,
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Bootstrap resamples.",
)
@click.option(
    "--paired-ar-n",
    cls=Once,
    type=click.IntRange(min=1),
    default=10000,
    show_default=True,
    help="Randomization trials.",
)
@click.option(
    "--seed",
    cls=Once,
    type=click.IntRange(min=1),
    help="Seed of the tests and intervals; default 12345 (--hyp, as sacrebleu: SACREBLEU_SEED if set).",
)
@click.option(
    "--mqm",
    "mqm_file",
    cls=Once,
    is_flag=False,
    flag_value="",
    type=click.Path(path_type=str),
    help="Score MQM annotations instead of references: those in the database (--mqm alone, "
    "optionally with --document), or a WMT MQM TSV (--mqm FILE).",
)
@click.option(
    "--document",
    cls=Once,
    type=int,
    help="Score the systems stored for this document (with --system, or --mqm); default: all documents.",
)
@click.option(
    "--system",
    "systems_stored",
    multiple=True,
    help="A system stored in the database (repeat to compare; the first is the baseline).",
)
@click.option("--baseline", cls=Once, help="With --mqm: the baseline system (default: the first).")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--names",
    is_flag=True,
    help="Also report name accuracy against the first --ref, with every missed name "
    "(--metrics ...,names puts it in the score table and the paired test).",
)
@click.option(
    "--glossary",
    cls=Once,
    type=click.Path(path_type=str),
    help="Known names for name accuracy (.csv or .tbx); default: the knowledge base corpus/names.csv.",
)
def score(
    hyps: tuple[str, ...],
    refs: tuple[str, ...],
    metric_list: str,
    confidence: bool,
    paired_bs: bool,
    paired_ar: bool,
    paired_bs_n: int,
    paired_ar_n: int,
    seed: int | None,
    mqm_file: str | None,
    document: int | None,
    systems_stored: tuple[str, ...],
    baseline: str | None,
    db: str | None,
    as_json: bool,
    names: bool,
    glossary: str | None,
) -> None:
    """Score translations against references, or MQM annotations; compare systems with a paired test.

    TER and MQM are error rates: lower is better.
    """
    if paired_bs and paired_ar:
        raise click.UsageError("give --paired-bs or --paired-ar, not both")
    test = "ar" if paired_ar else "bs"
    n_samples = paired_ar_n if paired_ar else paired_bs_n
    if mqm_file is not None:
        if hyps or refs or names or systems_stored:
            raise click.UsageError(
                "--mqm scores annotations: give it without --hyp, --ref, --system and --names"
            )
        if mqm_file:
            _score_mqm(mqm_file, baseline, test, n_samples, seed, as_json)
        else:
            _score_stored_mqm(db, document, baseline, test, n_samples, seed, as_json)
        return
    if systems_stored:
        if hyps or refs or baseline:
            raise click.UsageError(
                "--system scores stored MT against approved references: "
                "give it without --hyp, --ref and --baseline"
            )
        if glossary:
            raise click.UsageError(
                "--glossary goes with --hyp/--ref; stored systems are checked against the knowledge base, "
                "the accepted names and the database's glossary"
            )
        wanted = metrics.parse_names(metric_list)
        _score_stored(
            db,
            document,
            list(systems_stored),
            wanted + (["names"] if names and "names" not in wanted else []),
            test,
            n_samples,
            seed,
            as_json,
        )
        return
    if document is not None:
        raise click.UsageError("--document goes with --system NAME (or --mqm): which systems to score")
    if not hyps or not refs:
        raise click.UsageError("give --hyp FILE and --ref FILE (or --mqm FILE to score MQM annotations)")
    if baseline is not None:
        raise click.UsageError("--baseline goes with --mqm; with --hyp the first file is the baseline")
    wanted = metrics.parse_names(metric_list)
    if glossary and not names and "names" not in wanted:
        raise click.UsageError(
            "--glossary gives the known names for name accuracy: add --names or --metrics names"
        )
    systems = [read_lines(hyp) for hyp in hyps]
    ref_files = [read_lines(ref) for ref in refs]
    forms = _name_forms(glossary) if names or "names" in wanted else None
    if len(systems) == 1:
        if paired_bs or paired_ar:
            raise click.UsageError(
                f"--paired-{test} compares systems: give two or more --hyp files (the first is the baseline)"
            )
        _score_one(*systems[0], ref_files, wanted, confidence, as_json, forms, names)
    else:
        _compare(systems, ref_files, wanted, test, n_samples, seed, as_json, forms, names)
