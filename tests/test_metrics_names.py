"""Name accuracy: counts, what the MT wrote instead of a missed name, the mention-level interval."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import metrics
from workbench.cli import cli
from workbench.errors import InputError, ScoringError
from workbench.glossary import GlossaryEntry
from workbench.metrics import names as name_metrics
from workbench.metrics.sacre import paired_test

NAMES = [
    name_metrics.NameForm("Milley", ("Milli", "Millie")),
    name_metrics.NameForm("Scholz", ("Scholes",)),
    name_metrics.NameForm("Shoigu", ("Schoigu",)),
    name_metrics.NameForm("Naftali", ("Naphtali",)),
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
    acc = name_metrics.name_accuracy(hyps, refs, NAMES)
    assert (acc.correct, acc.total) == (4, 8)
    assert acc.share == pytest.approx(0.5)
    assert set(acc.misses) == {
        name_metrics.NameMiss(1, "Scholz", "Scholes"),
        name_metrics.NameMiss(1, "Milley", "Millie"),
        name_metrics.NameMiss(2, "Shoigu", "Schoigu"),
        name_metrics.NameMiss(4, "Scholz", "SCHOLZ"),
    }
    assert len(acc.misses) == 4
    assert 0.0 <= acc.ci_low <= acc.share <= acc.ci_high <= 1.0
    assert (acc.ci_low, acc.ci_high) == name_metrics.wilson_interval(4, 8)


def test_name_accuracy_whole_words_and_missing_names() -> None:
    refs = ["Scholz spoke.", "Milley spoke.", "Scholz and Scholz."]
    hyps = ["Scholzen spoke.", "He spoke.", "Scholz and Scholes."]
    acc = name_metrics.name_accuracy(hyps, refs, NAMES)
    assert (acc.correct, acc.total) == (1, 4)
    assert acc.misses == (
        name_metrics.NameMiss(1, "Scholz", "Scholzen"),  # not a known wrong form, but looks like one
        name_metrics.NameMiss(2, "Milley", None),
        name_metrics.NameMiss(3, "Scholz", "Scholes"),
    )


def test_name_miss_reports_an_unknown_garble_that_looks_like_the_name() -> None:
    refs = ["General Mark Milley spoke with Valery Gerasimov."]
    hyps = ["General Mark Millie spoke with Valery Gerasimo."]
    forms = [
        name_metrics.NameForm("Mark Milley", (), ("Milley",)),
        name_metrics.NameForm("Valery Gerasimov", (), ("Gerasimov",)),
    ]
    acc = name_metrics.name_accuracy(hyps, refs, forms)
    assert acc.misses == (
        name_metrics.NameMiss(1, "Mark Milley", "Mark Millie"),
        name_metrics.NameMiss(1, "Valery Gerasimov", "Valery Gerasimo"),
    )


def test_a_miss_of_a_short_form_names_its_own_garble_not_the_full_names() -> None:
    refs = ["Sergei Shoigu met Milley. Shoigu laughed."]
    hyps = ["Sergei SHOIGU met Milley. Schoigu laughed."]
    forms = [name_metrics.NameForm("Sergei Shoigu", ("Sergej Schoigu",), ("Shoigu",))]
    acc = name_metrics.name_accuracy(hyps, refs, forms)
    assert acc.misses == (
        name_metrics.NameMiss(1, "Sergei Shoigu", "Sergei SHOIGU"),
        name_metrics.NameMiss(1, "Shoigu", "Schoigu"),
    )


def test_a_look_alike_miss_leaves_a_possessive_apostrophe_out() -> None:
    forms = [name_metrics.NameForm("Olaf Scholz", (), ("Scholz",))]
    acc = name_metrics.name_accuracy(["Olaf Scholes' plans."], ["Olaf Scholz' plans."], forms)
    assert acc.misses == (name_metrics.NameMiss(1, "Olaf Scholz", "Olaf Scholes"),)


def test_name_accuracy_without_known_names_in_references() -> None:
    acc = name_metrics.name_accuracy(["Hello."], ["Hello."], NAMES)
    assert (acc.correct, acc.total, acc.share, acc.misses) == (0, 0, None, ())


def test_name_forms_from_glossary_keeps_names_only() -> None:
    forms = name_metrics.name_forms_from_glossary(
        [
            GlossaryEntry("Milli", "Milley"),
            GlossaryEntry("Millie", "Milley"),
            GlossaryEntry("deconfliction channel", "deconfliction line", kind="term"),
        ]
    )
    assert forms == [name_metrics.NameForm("Milley", ("Milli", "Millie"))]


def test_knowledge_base_csv_counts_surnames_and_german_spellings(tmp_path: Path) -> None:
    kb = tmp_path / "names.csv"
    kb.write_text(
        "canonical,german,variants,kind,role,country\n"
        "Mark Milley,Mark Milley,Milli|Millie|Mark Milli,person,military chief,US\n"
        'Sergei Shoigu,Sergej Schoigu,"Shoygu|Sergej Shoigu",person,defence minister,RU\n'
        "Moscow,Moskau,,place,,RU\n",
        encoding="utf-8",
    )
    forms = name_metrics.load_name_forms_csv(kb)
    assert forms[0] == name_metrics.NameForm("Mark Milley", ("Milli", "Millie", "Mark Milli"), ("Milley",))
    assert forms[1].variants == ("Sergej Schoigu", "Shoygu", "Sergej Shoigu")
    assert forms[2] == name_metrics.NameForm("Moscow", ("Moskau",), ())
    refs = ["Mark Milley met Sergei Shoigu in Moscow.", "Milley said Shoigu agreed.", "Milley left."]
    hyps = ["Mark Milli met Sergej Schoigu in Moskau.", "Milley said Schoigu agreed.", "Mark Milley left."]
    acc = name_metrics.name_accuracy(hyps, refs, forms)
    # Line 3: the full name in the hypothesis renders the reference's surname correctly.
    assert (acc.correct, acc.total) == (2, 6)
    assert acc.misses == (
        name_metrics.NameMiss(1, "Mark Milley", "Mark Milli"),
        name_metrics.NameMiss(1, "Sergei Shoigu", "Sergej Schoigu"),
        name_metrics.NameMiss(1, "Moscow", "Moskau"),
        name_metrics.NameMiss(2, "Shoigu", "Schoigu"),
    )


def test_a_regnal_number_or_jr_is_no_surname() -> None:
    forms = name_metrics.parse_name_forms_csv(
        "canonical,german,variants,kind,role,country\n"
        "Charles III,Charles III,King Charles III,person,King,GB\n"
        "Pope Leo XIV,Papst Leo XIV.,Leo XIV,person,Pope,VA\n"
        "Ferdinand Marcos Jr.,Ferdinand Marcos Jr.,Bongbong Marcos,person,President,PH\n"
    )
    assert [f.short_forms for f in forms] == [(), (), ("Marcos",)]
    acc = name_metrics.name_accuracy(
        ["Section 3 and the Louis XVI style."], ["Section III and the Louis XIV style."], forms
    )
    assert acc.total == 0


def test_knowledge_base_csv_without_header_is_refused(tmp_path: Path) -> None:
    kb = tmp_path / "names.csv"
    kb.write_text("Mark Milley,Milli\n", encoding="utf-8")
    # The knowledge base's one reader (names.kb) refuses it, naming the file and the header needed.
    with pytest.raises(InputError, match="names.csv has no 'canonical' column.*needs the header canonical,"):
        name_metrics.load_name_forms_csv(kb)


def test_interval_is_over_mentions_not_lines() -> None:
    # Issue 9: four lines with 13 mentions, 7 right, gave "50%-59%" when lines were resampled.
    refs = [
        "Scholz met Milley, Shoigu, Naftali and Scholz.",
        "Milley and Shoigu left; Scholz stayed.",
        "Naftali thanked Scholz and Milley.",
        "Shoigu and Scholz.",
    ]
    hyps = [
        "Scholz met Milli, Shoigu, Naftali and Scholes.",
        "Millie and Shoigu left; Scholz stayed.",
        "Naphtali thanked Scholz and Milli.",
        "Schoigu and Scholz.",
    ]
    acc = name_metrics.name_accuracy(hyps, refs, NAMES)
    assert (acc.correct, acc.total) == (7, 13)
    # Wilson's interval for 7 of 13, worked out by hand: centre and half-width with z = 1.96.
    z = 1.959963984540054
    p, n = 7 / 13, 13
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (acc.ci_low, acc.ci_high) == pytest.approx((centre - half, centre + half))
    assert acc.ci_low == pytest.approx(0.291, abs=0.001)
    assert acc.ci_high == pytest.approx(0.768, abs=0.001)


def test_wilson_interval_stays_within_zero_and_one() -> None:
    assert name_metrics.wilson_interval(0, 3)[0] == 0.0
    assert name_metrics.wilson_interval(3, 3)[1] == 1.0
    low, high = name_metrics.wilson_interval(1, 1)
    assert 0.0 < low < 1.0 and high == 1.0


def test_a_name_spelt_differently_is_reported_as_written() -> None:
    forms = name_metrics.parse_name_forms_csv(
        "canonical,german,variants,kind,role,country\n"
        "Olaf Scholz,Olaf Scholz,,person,chancellor,DE\n"
        "Sviatlana Tsikhanouskaya,Swetlana Tichanowskaja,,person,,BY\n"
        "Volodymyr Zelensky,Wolodymyr Selenskyj,,person,president,UA\n"
    )
    cases = [
        # The MT dropped the given name and garbled the surname.
        ("Olaf Scholz said so.", "Mr Scholes said so.", "Scholes"),
        # The MT dropped the given name only: the surname is what it wrote.
        ("Olaf Scholz said so.", "Mr Scholz said so.", "Scholz"),
        # A transliteration that is neither the name nor its German spelling.
        ("Sviatlana Tsikhanouskaya spoke.", "Svetlana Tikhanovskaya spoke.", "Svetlana Tikhanovskaya"),
        # Close to the German spelling (a known variant) rather than to the English one.
        ("Zelensky spoke.", "Selenskij spoke.", "Selenskij"),
    ]
    for ref, hyp, written in cases:
        acc = name_metrics.name_accuracy([hyp], [ref], forms)
        assert [m.got for m in acc.misses] == [written], (ref, hyp)


def test_a_name_the_mt_left_out_is_reported_missing() -> None:
    forms = [name_metrics.NameForm("Olaf Scholz", (), ("Scholz",))]
    acc = name_metrics.name_accuracy(["The chancellor said so."], ["Olaf Scholz said so."], forms)
    assert acc.misses == (name_metrics.NameMiss(1, "Olaf Scholz", None),)


def test_a_possessive_or_a_misspelt_given_name_is_reported_as_written() -> None:
    forms = [
        name_metrics.NameForm("Mark Milley", (), ("Milley",)),
        name_metrics.NameForm("Naftali Bennett", (), ("Bennett",)),
    ]
    cases = [
        # "Millie's": the possessive is not part of the name the MT wrote.
        ("Milley's spokesman said so.", "Millie's spokesman said so.", "Millie"),
        # The surname is right, the given name is not: the miss shows both words.
        ("Naftali Bennett travelled.", "Naphtali Bennett travelled.", "Naphtali Bennett"),
        # The given name left out: only the surname was written.
        ("Naftali Bennett travelled.", "Mr Bennett travelled.", "Bennett"),
    ]
    for ref, hyp, written in cases:
        acc = name_metrics.name_accuracy([hyp], [ref], forms)
        assert [m.got for m in acc.misses] == [written], (ref, hyp)


def test_names_metric_counts_as_name_accuracy_does() -> None:
    refs = [
        "Scholz met Milley, Shoigu, Naftali and Scholz.",
        "Milley and Shoigu left; Scholz stayed.",
        "The meeting ended.",
        "Shoigu and Scholz.",
    ]
    hyps = [
        "Scholz met Milli, Shoigu, Naftali and Scholes.",
        "Millie and Shoigu left; Scholz stayed.",
        "The meeting ended.",
        "Schoigu and Scholz.",
    ]
    metric = metrics.get("names", names=NAMES, names_source="test names")
    acc = name_metrics.name_accuracy(hyps, refs, NAMES)
    plain = metric.corpus_score(hyps, [refs])
    assert (plain.metric, plain.score, plain.ci_low) == ("Names", pytest.approx(60.0), None)
    with_interval = metric.corpus_score(hyps, [refs], n_bootstrap=1000)
    assert (with_interval.ci_low, with_interval.ci_high) == pytest.approx(
        (100 * acc.ci_low, 100 * acc.ci_high)
    )
    assert "known:4" in plain.signature and "ci:wilson-mentions" in plain.signature
    per_line = metric.sentence_scores(hyps, [refs])
    assert per_line[0] == pytest.approx(60.0) and per_line[1] == pytest.approx(200 / 3)
    assert math.isnan(per_line[2]) and per_line[3] == pytest.approx(50.0)
    with pytest.raises(ScoringError, match="mention none of the 4 names in test names"):
        metric.corpus_score(["The meeting ended."], [["The meeting ended."]])


def test_systems_are_compared_on_names_by_sacrebleus_paired_test() -> None:
    # 40 lines: the baseline garbles Milley in 20, the other system in none.
    refs = [f"General Milley spoke on day {i}." for i in range(40)]
    raw = [line.replace("Milley", "Millie") if i % 2 else line for i, line in enumerate(refs)]
    fixed = list(refs)
    metric = metrics.get("names", names=NAMES)
    comparison = paired_test([("raw", raw), ("fixed", fixed)], [refs], [metric], test="ar", seed=7)
    (names,) = comparison.metrics
    baseline, other = names.systems
    assert (baseline.score, other.score, other.delta) == (50.0, 100.0, 50.0)
    assert other.p_value is not None and other.p_value < 0.001
    # Each system's interval is Wilson's over its mentions, not a bootstrap over lines.
    low, high = name_metrics.wilson_interval(20, 40)
    assert (baseline.ci_low, baseline.ci_high) == pytest.approx((100 * low, 100 * high))
    assert baseline.mean is None and baseline.half_width is None
    # One name of 40 fixed is no evidence: the bootstrap's resamples often differ more. (Not
    # the randomization test: sacrebleu, like Multeval, counts only strictly larger differences,
    # and with one differing sentence every trial ties, so it reports p = 1/(trials+1).)
    one = list(raw)
    one[1] = refs[1]  # line 1 is one of the garbled ones
    close = paired_test([("raw", raw), ("one fixed", one)], [refs], [metric], test="bs", seed=7)
    assert close.metrics[0].systems[1].delta == pytest.approx(2.5)
    assert close.metrics[0].systems[1].p_value > 0.05


def test_score_cli_compares_names_in_the_table(tmp_path: Path) -> None:
    refs = [f"General Milley spoke on day {i}." for i in range(12)]
    raw = [line.replace("Milley", "Millie") for line in refs[:6]] + refs[6:]
    paths = {}
    for name, lines in {"ref": refs, "raw": raw, "fixed": refs}.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    glossary = tmp_path / "names.csv"
    glossary.write_text("wrong,right,kind\nMillie,Milley,name\n", encoding="utf-8")
    args = ["score", "--hyp", str(paths["raw"]), "--hyp", str(paths["fixed"]), "--ref", str(paths["ref"])]
    asked = ["--metrics", "chrf,names", "--glossary", str(glossary), "--json"]
    result = CliRunner().invoke(cli, [*args, *asked])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = report["metrics"]["names"]["systems"]
    assert [r["score"] for r in rows] == [50.0, 100.0]
    assert [r["system"] for r in rows] == [str(paths["raw"]), str(paths["fixed"])]
    assert rows[1]["p_value"] < 0.05 and "known:1" in report["metrics"]["names"]["signature"]
    refused = CliRunner().invoke(cli, [*args, "--glossary", str(glossary)])
    assert refused.exit_code == 2 and "add --names or --metrics names" in refused.output
