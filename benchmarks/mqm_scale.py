"""How long a 10,000-row WMT MQM TSV takes to write, read, parse and score (issue 9: seconds, not minutes).

    .venv/bin/python benchmarks/mqm_scale.py [--rows 10000] [--repeat 3]

The file is generated like the published ones (Freitag et al. 2021): 10 systems, documents of
10 segments, two raters per segment, about half the rows No-error and the rest errors drawn
from the WMT typology with WMT-like severities, spans marked <v>…</v> in the target (some in
the source), German sources with quotes and umlauts. Each stage is timed on its own and keeps
its fastest of --repeat runs (other work on a shared machine only ever slows a run down); the
whole `workbench score --mqm FILE --json` command is timed as a separate process, start-up
included, and so are the database commands: `workbench import --format mqm FILE` into a new
SQLite file, `workbench score --mqm --json` of the database and `workbench export --format
mqm`. Prints a table and writes benchmarks/results/mqm_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.formats import mqm_tsv  # noqa: E402
from workbench.metrics import mqm  # noqa: E402
from workbench.mqm import Annotation, Severity  # noqa: E402
from workbench.textio import read_text, write_atomic  # noqa: E402

SYSTEMS = 10
RATERS_PER_SEGMENT = 2
SEGMENTS_PER_DOC = 10
# Share of error rows by category and severity, roughly as in the published en-de files.
ERRORS = [
    ("Accuracy/Mistranslation", Severity.MAJOR, 25),
    ("Accuracy/Mistranslation", Severity.MINOR, 8),
    ("Style/Awkward", Severity.MINOR, 15),
    ("Style/Awkward", Severity.MAJOR, 12),
    ("Fluency/Grammar", Severity.MINOR, 8),
    ("Fluency/Punctuation", Severity.MINOR, 8),
    ("Terminology/Inappropriate for context", Severity.MINOR, 5),
    ("Accuracy/Omission", Severity.MAJOR, 3),
    ("Fluency/Spelling", Severity.MINOR, 3),
    ("Non-translation!", Severity.MAJOR, 1),
    ("Accuracy/Addition", Severity.CRITICAL, 1),
    ("Fluency/Register", Severity.NEUTRAL, 1),
    ("Source error", Severity.MINOR, 1),
]
SOURCE = '„Wir werden {n} Soldaten nach {place} schicken", sagte Verteidigungsminister Schoigu am Dienstag.'
TARGET = '"We will send {n} soldiers to {place}," Defence Minister Shoigu said on Tuesday.'
PLACES = ["Moskau", "Kiew", "Brüssel", "München", "Köln"]


def _error(rng: random.Random, categories: list, source: str, target: str, rater: str) -> Annotation:
    category, severity = rng.choice(categories)
    if category == "Non-translation!":  # the whole segment: no span
        return Annotation(category, severity, rater=rater)
    side = "source" if category in ("Accuracy/Omission", "Source error") else "target"
    text = source if side == "source" else target
    start = rng.randrange(0, len(text) - 10)
    return Annotation(category, severity, side, start, start + rng.randrange(1, 10), rater=rater)


def generate(n_rows: int, seed: int = 0) -> list[mqm_tsv.MQMRow]:
    """n_rows rows: every system's segments, each rated by two raters with 0-2 errors each."""
    rng = random.Random(seed)
    categories = [(c, s) for c, s, weight in ERRORS for _ in range(weight)]
    rows: list[mqm_tsv.MQMRow] = []
    seg_id = 0
    while len(rows) < n_rows:
        seg_id += 1
        doc = f"news.{(seg_id - 1) // SEGMENTS_PER_DOC + 1}"
        doc_id = str((seg_id - 1) % SEGMENTS_PER_DOC + 1)
        place = rng.choice(PLACES)
        source = SOURCE.format(n=seg_id, place=place)
        target = TARGET.format(n=seg_id, place=place)
        for system in range(SYSTEMS):
            for rater in (f"rater{r}" for r in rng.sample(range(1, 7), RATERS_PER_SEGMENT)):
                errors = rng.choice([0, 0, 1, 1, 2])
                annotations = [_error(rng, categories, source, target, rater) for _ in range(errors)]
                for annotation in annotations or [Annotation("No-error", Severity.NO_ERROR, rater=rater)]:
                    rows.append(
                        mqm_tsv.MQMRow(
                            f"system-{system}", doc, doc_id, str(seg_id), source, target, annotation
                        )
                    )
    return rows[:n_rows]


def _fastest(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "mqm_scale.json"))
    args = parser.parse_args()

    rows = generate(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mqm_generated.tsv"
        stages: dict[str, float] = {}
        stages["write (format + atomic write)"], _ = _fastest(
            args.repeat, lambda: write_atomic(path, mqm_tsv.dumps(rows))
        )
        size = path.stat().st_size
        stages["read (decode the file)"], file = _fastest(
            args.repeat, lambda: read_text(path, max_bytes=1 << 30)
        )
        stages["parse (rows with spans)"], parsed = _fastest(
            args.repeat, lambda: mqm_tsv.parse(file.text, file.name)
        )
        assert parsed == rows, "the benchmark file does not round-trip"
        stages["segment scores"], segments = _fastest(args.repeat, lambda: mqm.segment_scores(parsed))
        stages["systems: bootstrap CI + paired bs (1000)"], _ = _fastest(
            args.repeat, lambda: mqm.compare_systems(segments, test="bs")
        )
        stages["systems: bootstrap CI + paired ar (10000)"], _ = _fastest(
            args.repeat, lambda: mqm.compare_systems(segments, test="ar")
        )
        command = [str(ROOT / ".venv" / "bin" / "workbench"), "score", "--mqm", str(path), "--json"]
        if not Path(command[0]).exists():
            command = [sys.executable, "-m", "workbench", "score", "--mqm", str(path), "--json"]
        stages["`workbench score --mqm --json` (whole command)"], _ = _fastest(
            args.repeat, lambda: subprocess.run(command, check=True, capture_output=True)
        )
        workbench = command[: command.index("score")]
        databases = iter(Path(tmp) / f"import-{n}.db" for n in range(args.repeat))
        stages["`workbench import --format mqm` (into a new SQLite file)"], _ = _fastest(
            args.repeat,
            lambda: subprocess.run(
                [*workbench, "import", "--format", "mqm", str(path), "--db", str(next(databases))],
                check=True,
                capture_output=True,
            ),
        )
        database = str(Path(tmp) / "import-0.db")
        stages["`workbench score --mqm --json` (of the database)"], _ = _fastest(
            args.repeat,
            lambda: subprocess.run(
                [*workbench, "score", "--mqm", "--json", "--db", database], check=True, capture_output=True
            ),
        )
        exported = Path(tmp) / "exported.tsv"
        stages["`workbench export --format mqm` (of the database)"], _ = _fastest(
            args.repeat,
            lambda: subprocess.run(
                [*workbench, "export", "--format", "mqm", "-o", str(exported), "--db", database],
                check=True,
                capture_output=True,
            ),
        )
        assert sorted(exported.read_text(encoding="utf-8").splitlines()) == sorted(
            path.read_text(encoding="utf-8").splitlines()
        ), "the database does not give the file back"

    print(
        f"{len(rows)} rows, {size / 1e6:.1f} MB, {SYSTEMS} systems, {len(segments)} rated system-segments, "
        f"{RATERS_PER_SEGMENT} raters per segment; fastest of {args.repeat}"
    )
    print(f"{'stage':<50}{'seconds':>9}{'rows/s':>11}")
    for stage, seconds in stages.items():
        print(f"{stage:<50}{seconds:>9.3f}{len(rows) / seconds:>11,.0f}")
    report = {
        "rows": len(rows),
        "bytes": size,
        "systems": SYSTEMS,
        "system_segments": len(segments),
        "raters_per_segment": RATERS_PER_SEGMENT,
        "repeat": args.repeat,
        "seconds": stages,
        "note": "fastest of the repeats; the whole command includes interpreter start-up and imports",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
