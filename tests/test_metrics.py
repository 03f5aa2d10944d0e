"""Corpus scores against sacrebleu's own numbers, the metric registry, and the one-hypothesis `score` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER

from workbench import config, metrics
from workbench.cli import cli
from workbench.errors import ScoringError

REFS = [
    "Chancellor Olaf Scholz met General Mark Milley in Berlin on Tuesday.",
    "Russian Defence Minister Sergei Shoigu spoke with his American counterpart.",
    "The talks were about the deconfliction line in Syria.",
    "Milley's spokesman said the call lasted an hour.",
    "Israeli Prime Minister Naftali Bennett travelled to Moscow.",
    "The Pentagon declined to comment on the report.",
    "NATO foreign ministers will meet again next month.",
    "Scholz said Germany would continue its support.",
]
HYPS = [
    "Chancellor Olaf Scholes met General Mark Milli in Berlin on Tuesday.",
    "Russian Defense Minister Sergej Schoigu spoke to his American counterpart.",
    "The talks were about the deconfliction line in Syria.",
    "Millie's spokesman said that the call lasted one hour.",
    "Israeli Prime Minister Naphtali Bennett traveled to Moscow.",
    "The Pentagon refused to comment on the report.",
    "NATO foreign ministers will meet again next month.",
    "Scholz said Germany would continue its support.",
]
REFS2 = [
    "Chancellor Olaf Scholz met with General Mark Milley in Berlin on Tuesday.",
    "Russia's Defence Minister Sergei Shoigu talked to his US counterpart.",
    "The talks concerned the deconfliction line in Syria.",
    "A spokesman for Milley said the call took an hour.",
    "Israel's Prime Minister Naftali Bennett went to Moscow.",
    "The Pentagon did not comment on the report.",
    "NATO's foreign ministers will meet again next month.",
    "Scholz said that Germany would keep up its support.",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        _write(tmp_path / "mt.en.txt", HYPS),
        _write(tmp_path / "ref.en.txt", REFS),
        _write(tmp_path / "ref2.txt", REFS2),
    )


def test_score_corpus_equals_sacrebleu() -> None:
    scores = metrics.score_corpus(HYPS, [REFS])
    assert list(scores) == ["bleu", "chrf", "ter"]
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        expected = metric.corpus_score(HYPS, [REFS])
        assert scores[name].score == pytest.approx(expected.score, abs=0.01)
        assert scores[name].signature == metric.get_signature().format()
        assert scores[name].ci_low is None


def test_score_corpus_with_two_references_equals_sacrebleu() -> None:
    scores = metrics.score_corpus(HYPS, [REFS, REFS2], metrics=["bleu", "ter"])
    assert list(scores) == ["bleu", "ter"]
    assert scores["bleu"].score == pytest.approx(BLEU().corpus_score(HYPS, [REFS, REFS2]).score, abs=0.01)
    assert scores["ter"].score == pytest.approx(TER().corpus_score(HYPS, [REFS, REFS2]).score, abs=0.01)
    assert "nrefs:2" in scores["bleu"].signature


def test_confidence_interval_comes_from_sacrebleu_bootstrap() -> None:
    scores = metrics.score_corpus(HYPS, [REFS], confidence=True, n_bootstrap=200)
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        s = scores[name]
        expected = metric.corpus_score(HYPS, [REFS], n_bootstrap=200)
        assert s.score == pytest.approx(expected.score, abs=0.01)
        assert s.ci_low <= s.score <= s.ci_high
        assert s.ci_low < s.ci_high
        assert "bs:200" in s.signature
        # sacrebleu's own report: "μ = mean ± half-width".
        assert f"μ = {s.mean:.2f} ± {(s.ci_high - s.ci_low) / 2:.2f}" in expected.format()


def test_errors_name_the_problem() -> None:
    with pytest.raises(ScoringError, match=r"mt\.txt has 8 lines but ref\.txt has 7"):
        metrics.score_corpus(HYPS, [REFS[:-1]], hyp_name="mt.txt", ref_names=["ref.txt"])
    with pytest.raises(ScoringError, match="unknown metric 'meteor'; choose from bleu, chrf, ter"):
        metrics.score_corpus(HYPS, [REFS], metrics=["bleu", "meteor"])
    with pytest.raises(ScoringError, match="no lines"):
        metrics.score_corpus([], [[]])


def test_sentence_scores_are_sacrebleu_sentence_scores() -> None:
    got = metrics.sentence_scores(HYPS, [REFS])
    assert got == pytest.approx(
        [CHRF().sentence_score(h, [r]).score for h, r in zip(HYPS, REFS, strict=True)]
    )
    # Identical lines score best, so "worst first" puts the garbled names at the top.
    assert got[2] == pytest.approx(100.0)
    assert min(range(len(got)), key=got.__getitem__) in (0, 1, 3, 4)
    bleu = metrics.sentence_scores(HYPS, [REFS], metric="bleu")
    assert bleu[6] == pytest.approx(100.0)
    assert bleu[0] < 100.0


# --- CLI -----------------------------------------------------------------------------------


def test_cli_json_equals_sacrebleu(files: tuple[Path, Path, Path]) -> None:
    hyp, ref, _ = files
    result = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(ref), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"bleu", "chrf", "ter"}
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        assert set(out[name]) == {"score", "signature"}
        assert out[name]["score"] == pytest.approx(metric.corpus_score(HYPS, [REFS]).score, abs=0.01)
        assert out[name]["signature"] == metric.get_signature().format()


def test_cli_confidence_and_several_references(files: tuple[Path, Path, Path]) -> None:
    hyp, ref, ref2 = files
    args = ["score", "--hyp", str(hyp), "--ref", str(ref), "--ref", str(ref2), "--metrics", "bleu,chrf"]
    result = CliRunner().invoke(cli, [*args, "--confidence", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"bleu", "chrf"}
    assert out["bleu"]["score"] == pytest.approx(BLEU().corpus_score(HYPS, [REFS, REFS2]).score, abs=0.01)
    for s in out.values():
        assert set(s) == {"score", "signature", "ci_low", "ci_high"}
        assert s["ci_low"] <= s["score"] <= s["ci_high"]
        assert "nrefs:2" in s["signature"] and "bs:1000" in s["signature"]


def test_cli_text_output_has_scores_and_signatures(files: tuple[Path, Path, Path]) -> None:
    hyp, ref, _ = files
    result = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(ref)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["BLEU", "chrF2", "TER"]
    bleu = BLEU()
    expected = bleu.corpus_score(HYPS, [REFS])
    assert f"{expected.score:.2f}" in lines[0]
    assert bleu.get_signature().format() in lines[0]


def test_cli_reads_crlf_bom_and_missing_final_newline(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    hyp, ref, _ = files
    windows = tmp_path / "mt-windows.txt"
    windows.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(HYPS).encode("utf-8"))
    plain = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(ref), "--json"])
    other = CliRunner().invoke(cli, ["score", "--hyp", str(windows), "--ref", str(ref), "--json"])
    assert other.exit_code == 0, other.output
    assert json.loads(other.output) == json.loads(plain.output)


def test_cli_line_count_mismatch_names_both_files(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    hyp, _, _ = files
    short = _write(tmp_path / "short-ref.txt", REFS[:5])
    result = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(short)])
    assert result.exit_code == 1
    assert "mt.en.txt has 8 lines but" in result.output
    assert "short-ref.txt has 5" in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_unknown_metric_and_empty_file(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    hyp, ref, _ = files
    result = CliRunner().invoke(
        cli, ["score", "--hyp", str(hyp), "--ref", str(ref), "--metrics", "bleu,rouge"]
    )
    assert result.exit_code == 1
    assert "unknown metric 'rouge'; choose from bleu, chrf, ter" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["score", "--hyp", str(empty), "--ref", str(ref)])
    assert result.exit_code == 1
    assert "empty.txt is empty" in result.output


def test_confidence_interval_stays_within_the_metric_range() -> None:
    hyps = ["The war continues.", "We thank you.", "It rained."]
    refs = ["The war continues.", "We thank you.", "It rained yesterday."]
    scores = metrics.score_corpus(hyps, [refs], confidence=True, n_bootstrap=200)
    for name in ("bleu", "chrf"):
        assert 0.0 <= scores[name].ci_low <= scores[name].score <= scores[name].ci_high <= 100.0
    assert scores["ter"].ci_low >= 0.0


# --- CLI: name accuracy ------------------------------------------------------------------


def test_cli_names_with_glossary(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    hyp, ref, _ = files
    glossary = tmp_path / "glossary.csv"
    glossary.write_text(
        "wrong,right,kind,note\nMilli,Milley,name,\nMillie,Milley,name,\nScholes,Scholz,name,\n"
        "Schoigu,Shoigu,name,\nNaphtali,Naftali,name,\n",
        encoding="utf-8",
    )
    base = ["score", "--hyp", str(hyp), "--ref", str(ref), "--names", "--glossary", str(glossary)]
    result = CliRunner().invoke(cli, [*base, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"bleu", "chrf", "ter", "names"}
    names = out["names"]
    # References: Scholz x2, Milley x2, Shoigu, Naftali; only the last line's Scholz survives.
    assert (names["correct"], names["total"]) == (1, 6)
    assert names["ci_low"] <= names["share"] <= names["ci_high"]
    assert {(m["line"], m["expected"], m["got"]) for m in names["misses"]} == {
        (1, "Scholz", "Scholes"),
        (1, "Milley", "Milli"),
        (2, "Shoigu", "Schoigu"),
        (4, "Milley", "Millie"),
        (5, "Naftali", "Naphtali"),
    }
    text = CliRunner().invoke(cli, base)
    assert text.exit_code == 0, text.output
    assert "names: 1/6 correct (16.7%, 95% CI " in text.output
    assert "line 2: expected Shoigu, got Schoigu" in text.output


def test_cli_names_defaults_to_knowledge_base(
    files: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hyp, ref, _ = files
    corpus = tmp_path / "corpus"
    monkeypatch.setattr(config, "corpus_dir", lambda: corpus)
    args = ["score", "--hyp", str(hyp), "--ref", str(ref), "--names", "--metrics", "bleu"]
    missing = CliRunner().invoke(cli, args)
    assert missing.exit_code == 1
    assert "--glossary" in missing.output and "names.csv" in missing.output
    corpus.mkdir()
    (corpus / "names.csv").write_text(
        "canonical,german,variants,kind,role,country\n"
        "Olaf Scholz,Olaf Scholz,Olaf Scholes|Scholes,person,chancellor,DE\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "names: 1/2 correct (50.0%" in result.output
    assert "line 1: expected Olaf Scholz, got Olaf Scholes" in result.output


# --- the registry --------------------------------------------------------------------------


class _LengthRatio:
    """A toy metric: hypothesis length over reference length, in percent."""

    name = "len"
    higher_is_better = True

    def corpus_score(self, hyps, refs, *, n_bootstrap=1):
        ratio = 100 * sum(map(len, hyps)) / sum(map(len, refs[0]))
        return metrics.Score("LEN", ratio, "len|chars")

    def sentence_scores(self, hyps, refs):
        return [100 * len(h) / len(r) for h, r in zip(hyps, refs[0], strict=True)]


def test_registry_holds_the_sacrebleu_metrics_and_name_accuracy() -> None:
    from workbench.metrics.sacre import Paired

    assert list(metrics.REGISTRY) == ["bleu", "chrf", "ter", "names"]
    assert [m.higher_is_better for m in metrics.REGISTRY.values()] == [True, True, False, True]
    for name, cls in metrics.REGISTRY.items():
        assert cls.name == name
        assert isinstance(metrics.get(name), Paired)  # every entry can go into a paired test
    assert metrics.METRICS == ("bleu", "chrf", "ter")  # what score computes by default


def test_a_new_metric_is_one_class_and_a_registry_entry(
    files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(metrics.REGISTRY, "len", _LengthRatio)
    hyp, ref, _ = files
    result = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(ref), "--metrics", "bleu,len"])
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()] == ["BLEU", "LEN"]
    ratio = 100 * sum(map(len, HYPS)) / sum(map(len, REFS))
    assert f"{ratio:.2f}" in result.output.splitlines()[1]


def test_cli_says_ter_is_lower_is_better(files: tuple[Path, Path, Path]) -> None:
    hyp, ref, _ = files
    result = CliRunner().invoke(cli, ["score", "--hyp", str(hyp), "--ref", str(ref)])
    assert result.exit_code == 0, result.output
    ter = [line for line in result.output.splitlines() if line.startswith("TER")]
    assert "(lower is better)" in ter[0]
    assert "lower is better" not in result.output.splitlines()[0]


def test_cli_refuses_a_repeated_one_value_option(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    hyp, ref, _ = files
    result = CliRunner().invoke(
        cli, ["score", "--hyp", str(hyp), "--ref", str(ref), "--metrics", "bleu", "--metrics", "ter"]
    )
    assert result.exit_code == 2
    assert "given 2 times" in result.output
    assert "Traceback" not in result.output
