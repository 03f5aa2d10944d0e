"""Paired significance between systems: the numbers are sacrebleu's own, library and CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from workbench.cli import cli
from workbench.errors import ScoringError
from workbench.metrics import get
from workbench.metrics.sacre import paired_test

REF = [
    "Chancellor Olaf Scholz met General Mark Milley in Berlin on Tuesday.",
    "Russian Defence Minister Sergei Shoigu spoke with his American counterpart.",
    "The talks were about the deconfliction line in Syria.",
    "Milley's spokesman said the call lasted an hour.",
    "Israeli Prime Minister Naftali Bennett travelled to Moscow.",
    "The Pentagon declined to comment on the report.",
    "NATO foreign ministers will meet again next month.",
    "Scholz said Germany would continue its support.",
    "The agreement was signed in Geneva last year.",
    "Prices for gas and electricity rose sharply in the winter.",
]
REF2 = [
    "Chancellor Olaf Scholz met with General Mark Milley in Berlin on Tuesday.",
    "Russia's Defence Minister Sergei Shoigu talked to his US counterpart.",
    "The talks concerned the deconfliction line in Syria.",
    "A spokesman for Milley said the call took an hour.",
    "Israel's Prime Minister Naftali Bennett went to Moscow.",
    "The Pentagon did not comment on the report.",
    "NATO's foreign ministers will meet again next month.",
    "Scholz said that Germany would keep up its support.",
    "The treaty was signed in Geneva last year.",
    "Gas and electricity prices rose steeply over the winter.",
]
RAW = [  # the raw MT: garbled names
    "Chancellor Olaf Scholes met General Mark Milli in Berlin on Tuesday.",
    "Russian Defense Minister Sergej Schoigu spoke to his American counterpart.",
    "The talks were about the deconfliction line in Syria.",
    "Millie's spokesman said that the call lasted one hour.",
    "Israeli Prime Minister Naphtali Bennett traveled to Moscow.",
    "The Pentagon refused to comment on the report.",
    "NATO foreign ministers will meet again next month.",
    "Scholes said Germany would continue its support.",
    "The agreement was signed last year in Geneva.",
    "Prices for gas and power went up strongly in winter.",
]
GLOSSARY = [  # the same MT with the glossary applied: names right
    "Chancellor Olaf Scholz met General Mark Milley in Berlin on Tuesday.",
    "Russian Defense Minister Sergei Shoigu spoke to his American counterpart.",
    "The talks were about the deconfliction line in Syria.",
    "Milley's spokesman said that the call lasted one hour.",
    "Israeli Prime Minister Naftali Bennett traveled to Moscow.",
    "The Pentagon refused to comment on the report.",
    "NATO foreign ministers will meet again next month.",
    "Scholz said Germany would continue its support.",
    "The agreement was signed last year in Geneva.",
    "Prices for gas and power went up strongly in winter.",
]
WORSE = [
    "Olaf Scholes met Mark Milli Tuesday in Berlin.",
    "Sergej Schoigu the Russian minister spoke with colleague.",
    "Talks about a line in Syria.",
    "Millie speaker said call was hour.",
    "Naphtali Bennett Israel went Moscow.",
    "Pentagon no comment report.",
    "NATO ministers meet next month again.",
    "Scholes said Germany support continues.",
    "Agreement Geneva signed last year.",
    "Gas electricity prices winter up.",
]
SYSTEMS = [("raw.txt", RAW), ("glossary.txt", GLOSSARY), ("worse.txt", WORSE)]


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    names = {"raw.txt": RAW, "glossary.txt": GLOSSARY, "worse.txt": WORSE, "ref.txt": REF, "ref2.txt": REF2}
    return {name: _write(tmp_path / name, lines) for name, lines in names.items()}


def _sacrebleu_paired(test: str, n: int, refs: list[list[str]], **kwargs: int) -> tuple[dict, dict]:
    """sacrebleu's PairedTest driven the way its CLI drives it (metrics cache the references)."""
    metrics = {
        "BLEU": BLEU(references=refs),
        "CHRF": CHRF(references=refs),
        "TER": TER(references=refs),
    }
    paired = PairedTest(SYSTEMS, metrics, references=None, test_type=test, n_samples=n, **kwargs)
    return paired()


def test_paired_bootstrap_equals_sacrebleu_paired_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    ours = paired_test(SYSTEMS, [REF], [get("bleu"), get("chrf"), get("ter")], test="bs", n_samples=300)
    signatures, expected = _sacrebleu_paired("bs", 300, [REF])
    assert (ours.test, ours.n_samples, ours.seed, ours.baseline) == ("bs", 300, "12345", "raw.txt")
    assert [m.label for m in ours.metrics] == ["BLEU", "chrF2", "TER"]
    for metric in ours.metrics:
        assert metric.signature == signatures[metric.label].format()
        assert "bs:300" in metric.signature and "seed:12345" in metric.signature
        for row, result in zip(metric.systems, expected[metric.label], strict=True):
            assert (row.score, row.p_value, row.mean, row.half_width) == (
                result.score,
                result.p_value,
                result.mean,
                result.ci,
            )
        base = metric.systems[0]
        assert base.delta is None and base.p_value is None
        for row in metric.systems[1:]:
            assert row.delta == pytest.approx(row.score - base.score)
    assert [m.higher_is_better for m in ours.metrics] == [True, True, False]


def test_paired_randomization_equals_sacrebleu_and_adds_an_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    ours = paired_test(SYSTEMS, [REF, REF2], [get("bleu"), get("ter")], test="ar", n_samples=400, seed=99)
    monkeypatch.setenv("SACREBLEU_SEED", "99")
    metrics = {"BLEU": BLEU(references=[REF, REF2]), "TER": TER(references=[REF, REF2])}
    signatures, expected = PairedTest(
        SYSTEMS, metrics, references=None, test_type="ar", n_samples=400, n_ar_confidence=1000
    )()
    for metric in ours.metrics:
        assert metric.signature == signatures[metric.label].format()
        for row, result in zip(metric.systems, expected[metric.label], strict=True):
            assert (row.score, row.p_value, row.mean, row.half_width) == (
                result.score,
                result.p_value,
                result.mean,
                result.ci,
            )
            assert row.ci_low is not None and row.ci_low <= row.ci_high
    # The seed was set for sacrebleu's test only: the environment is as it was.
    monkeypatch.delenv("SACREBLEU_SEED")
    paired_test(SYSTEMS[:2], [REF], [get("bleu")], test="ar", n_samples=10, seed=5)
    assert "SACREBLEU_SEED" not in os.environ


def _sacrebleu_cli(args: list[str], seed: str) -> list[dict]:
    env = {**os.environ, "SACREBLEU_SEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *args, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_cli_numbers_equal_the_sacrebleu_cli(files: dict[str, str], test: str) -> None:
    # sacrebleu 2.6's CLI cannot write JSON for a paired bootstrap of chrF or TER (a float32
    # in its result); those go through the same PairedTest in the library test above.
    keys = ["bleu"] if test == "bs" else ["bleu", "chrf", "ter"]
    n = {"bs": 250, "ar": 300}[test]
    hyps = [files["raw.txt"], files["glossary.txt"], files["worse.txt"]]
    refs = [files["ref.txt"], files["ref2.txt"]]
    expected = _sacrebleu_cli(
        [*refs, "-i", *hyps, "-m", *keys, f"--paired-{test}", f"--paired-{test}-n", str(n)], seed="4242"
    )
    args = ["score", "--ref", refs[0], "--ref", refs[1], f"--paired-{test}", f"--paired-{test}-n", str(n)]
    for hyp in hyps:
        args += ["--hyp", hyp]
    result = CliRunner().invoke(cli, [*args, "--metrics", ",".join(keys), "--seed", "4242", "--json"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.output)
    assert (ours["test"], ours["n_samples"], ours["seed"]) == (f"paired-{test}", n, "4242")
    assert ours["baseline"] == hyps[0]
    labels = {"bleu": "BLEU", "chrf": "chrF2", "ter": "TER"}
    for key in keys:
        label = labels[key]
        metric = ours["metrics"][key]
        assert metric["label"] == label
        assert metric["higher_is_better"] is (key != "ter")
        for row, theirs in zip(metric["systems"], expected, strict=True):
            assert theirs["system"].removeprefix("Baseline: ") == row["system"]
            assert row["score"] == theirs[label]["score"]
            assert row["p_value"] == theirs[label]["p_value"]
            if test == "bs":
                # The interval: sacrebleu's bootstrap mean and half-width, exactly.
                assert (row["mean"], row["ci"]) == (theirs[label]["mean"], theirs[label]["ci"])
            else:
                # sacrebleu's CLI prints no interval for AR; ours comes from its bootstrap.
                assert theirs[label]["mean"] is None and row["ci_low"] <= row["ci_high"]


def test_cli_default_seed_is_sacrebleus(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    args = ["score", "--hyp", files["raw.txt"], "--hyp", files["glossary.txt"], "--ref", files["ref.txt"]]
    args += ["--metrics", "bleu", "--paired-bs-n", "100", "--json"]
    default = json.loads(CliRunner().invoke(cli, args).output)
    assert default["seed"] == "12345"
    assert "seed:12345" in default["metrics"]["bleu"]["signature"]
    monkeypatch.setenv("SACREBLEU_SEED", "31")
    from_env = json.loads(CliRunner().invoke(cli, args).output)
    assert from_env["seed"] == "31"
    explicit = json.loads(CliRunner().invoke(cli, [*args, "--seed", "31"]).output)
    assert explicit["metrics"] == from_env["metrics"]


def test_cli_text_table(files: dict[str, str]) -> None:
    args = ["score", "--hyp", files["raw.txt"], "--hyp", files["glossary.txt"], "--ref", files["ref.txt"]]
    result = CliRunner().invoke(cli, [*args, "--metrics", "bleu,ter", "--paired-bs-n", "200"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Paired bootstrap resampling, 200 resamples, seed ")
    assert "BLEU (higher is better)" in lines
    assert "TER (lower is better)" in lines
    raw_row = next(line for line in lines if line.strip().startswith(files["raw.txt"]))
    assert raw_row.endswith("(baseline)")
    glossary_rows = [line for line in lines if line.strip().startswith(files["glossary.txt"])]
    assert len(glossary_rows) == 2
    for row in glossary_rows:
        assert "–" in row  # an interval
    assert any(line.strip().startswith("signature: nrefs:1|bs:200|seed:") for line in lines)


def test_raw_and_glossary_systems_get_a_p_value(files: dict[str, str]) -> None:
    # Issue 9: the raw MT and the glossary-applied MT are two systems with a p-value between them.
    args = ["score", "--hyp", files["raw.txt"], "--hyp", files["glossary.txt"], "--ref", files["ref.txt"]]
    result = CliRunner().invoke(cli, [*args, "--metrics", "chrf", "--json"])
    out = json.loads(result.output)["metrics"]["chrf"]["systems"]
    assert [row["system"] for row in out] == [files["raw.txt"], files["glossary.txt"]]
    assert out[1]["delta"] > 0
    assert 0 < out[1]["p_value"] <= 1


def test_cli_paired_names_accuracy_per_system(files: dict[str, str], tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("wrong,right,kind,note\nScholes,Scholz,name,\nMilli,Milley,name,\n", encoding="utf-8")
    args = ["score", "--hyp", files["raw.txt"], "--hyp", files["glossary.txt"], "--ref", files["ref.txt"]]
    args += ["--metrics", "bleu", "--paired-bs-n", "50", "--names", "--glossary", str(glossary)]
    out = json.loads(CliRunner().invoke(cli, [*args, "--json"]).output)
    names = out["names"]
    assert (names[files["raw.txt"]]["correct"], names[files["raw.txt"]]["total"]) == (0, 4)
    assert (names[files["glossary.txt"]]["correct"], names[files["glossary.txt"]]["total"]) == (4, 4)
    text = CliRunner().invoke(cli, args).output
    assert f"names ({files['glossary.txt']}): 4/4 correct" in text


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--paired-bs"], 2, "--paired-bs compares systems: give two or more --hyp files"),
        (["--paired-ar", "--paired-bs"], 2, "give --paired-bs or --paired-ar, not both"),
        (["--seed", "0"], 2, "0 is not in the range x>=1"),
        (["--baseline", "x"], 2, "--baseline goes with --mqm"),
        (["--paired-bs-n", "10", "--paired-bs-n", "20"], 2, "given 2 times"),
    ],
)
def test_cli_usage_errors_are_one_clear_line(
    files: dict[str, str], extra: list[str], code: int, message: str
) -> None:
    result = CliRunner().invoke(cli, ["score", "--hyp", files["raw.txt"], "--ref", files["ref.txt"], *extra])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_a_system_given_twice_and_unaligned_files(files: dict[str, str], tmp_path: Path) -> None:
    twice = ["score", "--hyp", files["raw.txt"], "--hyp", files["raw.txt"], "--ref", files["ref.txt"]]
    result = CliRunner().invoke(cli, twice)
    assert result.exit_code == 1
    assert f"{files['raw.txt']} is given twice; give each system once" in result.output
    short = _write(tmp_path / "short.txt", GLOSSARY[:7])
    result = CliRunner().invoke(
        cli, ["score", "--hyp", files["raw.txt"], "--hyp", short, "--ref", files["ref.txt"]]
    )
    assert result.exit_code == 1
    assert f"{short} has 7 lines but {files['ref.txt']} has 10" in result.output


def test_library_refuses_what_sacrebleu_would_get_wrong() -> None:
    with pytest.raises(ScoringError, match="seed 0 means no seed"):
        paired_test(SYSTEMS, [REF], [get("bleu")], seed=0)
    with pytest.raises(ScoringError, match="two or more hypotheses"):
        paired_test(SYSTEMS[:1], [REF], [get("bleu")])
    with pytest.raises(ScoringError, match="unknown paired test 'tt'"):
        paired_test(SYSTEMS, [REF], [get("bleu")], test="tt")
