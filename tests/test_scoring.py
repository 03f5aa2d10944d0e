"""Corpus scores against sacrebleu's own numbers, the `score` CLI, and name accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER

from workbench import config, scoring
from workbench.cli import cli
from workbench.errors import ScoringError
from workbench.glossary import GlossaryEntry

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
    scores = scoring.score_corpus(HYPS, [REFS])
    assert list(scores) == ["bleu", "chrf", "ter"]
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        expected = metric.corpus_score(HYPS, [REFS])
        assert scores[name].score == pytest.approx(expected.score, abs=0.01)
        assert scores[name].signature == metric.get_signature().format()
        assert scores[name].ci_low is None


def test_score_corpus_with_two_references_equals_sacrebleu() -> None:
    scores = scoring.score_corpus(HYPS, [REFS, REFS2], metrics=["bleu", "ter"])
    assert list(scores) == ["bleu", "ter"]
    assert scores["bleu"].score == pytest.approx(BLEU().corpus_score(HYPS, [REFS, REFS2]).score, abs=0.01)
    assert scores["ter"].score == pytest.approx(TER().corpus_score(HYPS, [REFS, REFS2]).score, abs=0.01)
    assert "nrefs:2" in scores["bleu"].signature


def test_confidence_interval_comes_from_sacrebleu_bootstrap() -> None:
    scores = scoring.score_corpus(HYPS, [REFS], confidence=True, n_bootstrap=200)
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
        scoring.score_corpus(HYPS, [REFS[:-1]], hyp_name="mt.txt", ref_names=["ref.txt"])
    with pytest.raises(ScoringError, match="unknown metric 'meteor'; choose from bleu, chrf, ter"):
        scoring.score_corpus(HYPS, [REFS], metrics=["bleu", "meteor"])
    with pytest.raises(ScoringError, match="no lines"):
        scoring.score_corpus([], [[]])


def test_sentence_scores_are_sacrebleu_sentence_scores() -> None:
    got = scoring.sentence_scores(HYPS, [REFS])
    assert got == pytest.approx(
        [CHRF().sentence_score(h, [r]).score for h, r in zip(HYPS, REFS, strict=True)]
    )
    # Identical lines score best, so "worst first" puts the garbled names at the top.
    assert got[2] == pytest.approx(100.0)
    assert min(range(len(got)), key=got.__getitem__) in (0, 1, 3, 4)
    bleu = scoring.sentence_scores(HYPS, [REFS], metric="bleu")
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


# --- name accuracy -------------------------------------------------------------------------

NAMES = [
    scoring.NameForm("Milley", ("Milli", "Millie")),
    scoring.NameForm("Scholz", ("Scholes",)),
    scoring.NameForm("Shoigu", ("Schoigu",)),
    scoring.NameForm("Naftali", ("Naphtali",)),
]


def test_name_accuracy_counts_and_misses() -> None:
    refs = [
        "Milley met Scholz; Milley's aide waited.",  # 3 names
        "Shoigu and Milley spoke.",  # 2
        "The weather was fine.",  # 0
        "Naftali Bennett visited Scholz.",  # 2
        "Scholz' plan.",  # 1, possessive
    ]
    hyps = [
        "Milley met Scholes; Millie's aide waited.",  # Milley ok, Scholz -> Scholes, Milley -> Millie
        "Schoigu and Milley spoke.",  # Shoigu -> Schoigu, Milley ok
        "The weather was fine, said Milli.",  # no name in the reference: not counted
        "Naftali Bennett visited SCHOLZ.",  # Naftali ok, Scholz -> other casing
        "Scholz' plan.",  # ok
    ]
    acc = scoring.name_accuracy(hyps, refs, NAMES, n_bootstrap=500, seed=7)
    assert (acc.correct, acc.total) == (4, 8)
    assert acc.share == pytest.approx(0.5)
    assert set(acc.misses) == {
        scoring.NameMiss(1, "Scholz", "Scholes"),
        scoring.NameMiss(1, "Milley", "Millie"),
        scoring.NameMiss(2, "Shoigu", "Schoigu"),
        scoring.NameMiss(4, "Scholz", "SCHOLZ"),
    }
    assert len(acc.misses) == 4
    assert 0.0 <= acc.ci_low <= acc.share <= acc.ci_high <= 1.0
    again = scoring.name_accuracy(hyps, refs, NAMES, n_bootstrap=500, seed=7)
    assert (again.ci_low, again.ci_high) == (acc.ci_low, acc.ci_high)


def test_name_accuracy_whole_words_and_missing_names() -> None:
    refs = ["Scholz spoke.", "Milley spoke.", "Scholz and Scholz."]
    hyps = ["Scholzen spoke.", "He spoke.", "Scholz and Scholes."]
    acc = scoring.name_accuracy(hyps, refs, NAMES)
    assert (acc.correct, acc.total) == (1, 4)
    assert acc.misses == (
        scoring.NameMiss(1, "Scholz", "Scholzen"),  # not a known wrong form, but looks like one
        scoring.NameMiss(2, "Milley", None),
        scoring.NameMiss(3, "Scholz", "Scholes"),
    )


def test_name_miss_reports_an_unknown_garble_that_looks_like_the_name() -> None:
    refs = ["General Mark Milley spoke with Valery Gerasimov."]
    hyps = ["General Mark Millie spoke with Valery Gerasimo."]
    forms = [
        scoring.NameForm("Mark Milley", (), ("Milley",)),
        scoring.NameForm("Valery Gerasimov", (), ("Gerasimov",)),
    ]
    acc = scoring.name_accuracy(hyps, refs, forms)
    assert acc.misses == (
        scoring.NameMiss(1, "Mark Milley", "Mark Millie"),
        scoring.NameMiss(1, "Valery Gerasimov", "Valery Gerasimo"),
    )


def test_a_miss_of_a_short_form_names_its_own_garble_not_the_full_names() -> None:
    refs = ["Sergei Shoigu met Milley. Shoigu laughed."]
    hyps = ["Sergei SHOIGU met Milley. Schoigu laughed."]
    forms = [scoring.NameForm("Sergei Shoigu", ("Sergej Schoigu",), ("Shoigu",))]
    acc = scoring.name_accuracy(hyps, refs, forms)
    assert acc.misses == (
        scoring.NameMiss(1, "Sergei Shoigu", "Sergei SHOIGU"),
        scoring.NameMiss(1, "Shoigu", "Schoigu"),
    )


def test_a_look_alike_miss_leaves_a_possessive_apostrophe_out() -> None:
    forms = [scoring.NameForm("Olaf Scholz", (), ("Scholz",))]
    acc = scoring.name_accuracy(["Olaf Scholes' plans."], ["Olaf Scholz' plans."], forms)
    assert acc.misses == (scoring.NameMiss(1, "Olaf Scholz", "Olaf Scholes"),)


def test_confidence_interval_stays_within_the_metric_range() -> None:
    hyps = ["The war continues.", "We thank you.", "It rained."]
    refs = ["The war continues.", "We thank you.", "It rained yesterday."]
    scores = scoring.score_corpus(hyps, [refs], confidence=True, n_bootstrap=200)
    for name in ("bleu", "chrf"):
        assert 0.0 <= scores[name].ci_low <= scores[name].score <= scores[name].ci_high <= 100.0
    assert scores["ter"].ci_low >= 0.0


def test_name_accuracy_without_known_names_in_references() -> None:
    acc = scoring.name_accuracy(["Hello."], ["Hello."], NAMES)
    assert (acc.correct, acc.total, acc.share, acc.misses) == (0, 0, None, ())


def test_name_forms_from_glossary_keeps_names_only() -> None:
    forms = scoring.name_forms_from_glossary(
        [
            GlossaryEntry("Milli", "Milley"),
            GlossaryEntry("Millie", "Milley"),
            GlossaryEntry("deconfliction channel", "deconfliction line", kind="term"),
        ]
    )
    assert forms == [scoring.NameForm("Milley", ("Milli", "Millie"))]


def test_knowledge_base_csv_counts_surnames_and_german_spellings(tmp_path: Path) -> None:
    kb = tmp_path / "names.csv"
    kb.write_text(
        "canonical,german,variants,kind,role,country\n"
        "Mark Milley,Mark Milley,Milli|Millie|Mark Milli,person,military chief,US\n"
        'Sergei Shoigu,Sergej Schoigu,"Shoygu|Sergej Shoigu",person,defence minister,RU\n'
        "Moscow,Moskau,,place,,RU\n",
        encoding="utf-8",
    )
    forms = scoring.load_name_forms_csv(kb)
    assert forms[0] == scoring.NameForm("Mark Milley", ("Milli", "Millie", "Mark Milli"), ("Milley",))
    assert forms[1].variants == ("Sergej Schoigu", "Shoygu", "Sergej Shoigu")
    assert forms[2] == scoring.NameForm("Moscow", ("Moskau",), ())
    refs = ["Mark Milley met Sergei Shoigu in Moscow.", "Milley said Shoigu agreed.", "Milley left."]
    hyps = ["Mark Milli met Sergej Schoigu in Moskau.", "Milley said Schoigu agreed.", "Mark Milley left."]
    acc = scoring.name_accuracy(hyps, refs, forms)
    # Line 3: the full name in the hypothesis renders the reference's surname correctly.
    assert (acc.correct, acc.total) == (2, 6)
    assert acc.misses == (
        scoring.NameMiss(1, "Mark Milley", "Mark Milli"),
        scoring.NameMiss(1, "Sergei Shoigu", "Sergej Schoigu"),
        scoring.NameMiss(1, "Moscow", "Moskau"),
        scoring.NameMiss(2, "Shoigu", "Schoigu"),
    )


def test_a_regnal_number_or_jr_is_no_surname() -> None:
    forms = scoring.parse_name_forms_csv(
        "canonical,german,variants,kind,role,country\n"
        "Charles III,Charles III,King Charles III,person,King,GB\n"
        "Pope Leo XIV,Papst Leo XIV.,Leo XIV,person,Pope,VA\n"
        "Ferdinand Marcos Jr.,Ferdinand Marcos Jr.,Bongbong Marcos,person,President,PH\n"
    )
    assert [f.short_forms for f in forms] == [(), (), ("Marcos",)]
    acc = scoring.name_accuracy(
        ["Section 3 and the Louis XVI style."], ["Section III and the Louis XIV style."], forms
    )
    assert acc.total == 0


def test_knowledge_base_csv_without_header_is_refused(tmp_path: Path) -> None:
    kb = tmp_path / "names.csv"
    kb.write_text("Mark Milley,Milli\n", encoding="utf-8")
    with pytest.raises(ScoringError, match="names.csv: missing column 'canonical'"):
        scoring.load_name_forms_csv(kb)


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
