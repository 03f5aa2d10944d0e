"""`workbench check` through the CLI: JSON and text output, the seed acceptance, exit status as
linters have it (1 when something is flagged), several files, input errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli

ROOT = Path(__file__).resolve().parent.parent

SEED = str(ROOT / "seeds" / "000_60d05765a7a317a0.txt")
GLOSSARY = str(ROOT / "corpus" / "glossary.csv")
KEYS = {"file", "line", "side", "start", "end", "text", "kind", "suggestion", "reason", "confidence"}


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def test_seed_json_flags_the_garbled_names_with_their_suggestions():
    result = run("--src", SEED, "--json")

    assert result.exit_code == 1, result.output  # something is flagged
    flags = json.loads(result.output)
    assert all(set(f) == KEYS and f["side"] == "src" and f["file"] == SEED for f in flags)
    assert {(f["text"], f["suggestion"]) for f in flags} == {
        ("Milli", "Milley"),
        ("Millie", "Milley"),
        ("Gerasimo", "Gerasimov"),
        ("Schoiku", "Shoigu"),
        ("Scholes", "Scholz"),
        ("Naphtali", "Naftali"),
    }
    lines = open(SEED, encoding="utf-8").read().split("\n")
    for f in flags:
        assert lines[f["line"] - 1][f["start"] : f["end"]] == f["text"]


def test_seed_with_the_glossary_flags_no_correct_name():
    result = run("--src", SEED, "--glossary", GLOSSARY, "--json")

    assert result.exit_code == 1, result.output
    flagged = {f["text"] for f in json.loads(result.output)}
    for garbled in ("Milli", "Millie", "Schoiku", "Scholes", "Naphtali"):
        assert garbled in flagged
    assert any("Gerasimo" in text for text in flagged)
    correct = ("Lloyd Austin", "Sergei Shoigu", "Joe Biden", "Sullivan", "Macron", "Putin", "NATO", "CNN")
    assert not any(name in text for text in flagged for name in correct)


def test_text_output_names_line_text_suggestion_and_reason(tmp_path):
    src = tmp_path / "src.de.txt"
    mt = tmp_path / "mt.en.txt"
    src.write_text(
        "Bundeskanzler Olaf Scholz reiste ab.\nDie Gespräche beginnen am 3. März.\n", encoding="utf-8"
    )
    mt.write_text("Chancellor Olaf Scholes left.\nThe talks start on March 13.\n", encoding="utf-8")

    result = run("--src", str(src), "--mt", str(mt))

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith('   1 mt  "Scholes" -> Scholz  (near-miss: ')
    assert lines[1].startswith('   2 mt  "March 13" -> March 3  (mismatch: The source has the date "3. März"')
    assert lines[-1] == "2 flag(s) in 2 line(s) of the source and translation."


def test_a_clean_pair_has_no_flags(tmp_path):
    src = tmp_path / "src.txt"
    mt = tmp_path / "mt.txt"
    src.write_text("Präsident Joe Biden traf Emmanuel Macron in Washington.\n", encoding="utf-8")
    mt.write_text("President Joe Biden met Emmanuel Macron in Washington.\n", encoding="utf-8")

    result = run("--src", str(src), "--mt", str(mt), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_different_line_counts_are_a_clear_error(tmp_path):
    src = tmp_path / "src.txt"
    mt = tmp_path / "mt.txt"
    src.write_text("Eins.\nZwei.\nDrei.\n", encoding="utf-8")
    mt.write_text("One.\nTwo.\n", encoding="utf-8")

    result = run("--src", str(src), "--mt", str(mt))

    assert result.exit_code == 1
    assert "src.txt has 3 lines but" in result.output and "mt.txt has 2" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_or_knowledge_base_is_a_clear_error(tmp_path):
    result = run("--src", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "does not exist" in result.output

    src = tmp_path / "src.txt"
    src.write_text("Text.\n", encoding="utf-8")
    bad_kb = tmp_path / "names.csv"
    bad_kb.write_text("name\nOlaf Scholz\n", encoding="utf-8")
    result = run("--src", str(src), "--kb", str(bad_kb))
    assert result.exit_code == 1 and "canonical" in result.output


def test_kb_option_replaces_the_default_knowledge_base(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("Minister Jan Kowalsky sprach.\n", encoding="utf-8")
    kb = tmp_path / "names.csv"
    kb.write_text("canonical,german,variants,kind,role,country\nJan Kowalski,Jan Kowalski,,person,,PL\n")

    flags = json.loads(run("--src", str(src), "--kb", str(kb), "--json").output)

    assert [(f["text"], f["suggestion"]) for f in flags] == [("Kowalsky", "Kowalski")]


def test_corpus_files_flag_a_spelling_rare_across_the_corpus(tmp_path):
    src = tmp_path / "src.de.txt"
    mt = tmp_path / "mt.en.txt"
    src.write_text("Beamte sagten, er werde reisen.\n", encoding="utf-8")
    mt.write_text("Officials said Milli would travel.\n", encoding="utf-8")
    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("General Mark Milley said the talks would go on.\nMilley left.\n" * 7, encoding="utf-8")

    alone = run("--src", str(src), "--mt", str(mt), "--json")
    with_corpus = run(
        "--src", str(src), "--mt", str(mt), "--corpus", str(corpus), "--corpus", str(corpus), "--json"
    )

    assert alone.exit_code == 0 and json.loads(alone.output) == []
    assert with_corpus.exit_code == 1, with_corpus.output
    flags = json.loads(with_corpus.output)
    assert [(f["line"], f["side"], f["text"], f["kind"], f["suggestion"]) for f in flags] == [
        (1, "mt", "Milli", "inconsistency", "Milley")
    ]
    # Both files count: 14 mentions each.
    assert '"Milley" 28x elsewhere in the corpus' in flags[0]["reason"]


def test_seed_with_a_german_corpus_flags_the_same_names(tmp_path):
    corpus = tmp_path / "corpus.de.txt"
    corpus.write_text(
        "Generalstabschef Mark Milley sprach mit Valeri Gerassimow.\n"
        "Verteidigungsminister Sergej Schoigu und Bundeskanzler Olaf Scholz telefonierten.\n" * 5,
        encoding="utf-8",
    )

    result = run("--src", SEED, "--corpus", str(corpus), "--json")

    assert result.exit_code == 1, result.output
    flags = json.loads(result.output)
    assert {(f["text"], f["suggestion"]) for f in flags} == {
        ("Milli", "Milley"),
        ("Millie", "Milley"),
        ("Gerasimo", "Gerasimov"),
        ("Schoiku", "Shoigu"),
        ("Scholes", "Scholz"),
        ("Naphtali", "Naftali"),
    }
    assert len({(f["line"], f["start"]) for f in flags}) == len(flags)


def test_a_missing_corpus_file_is_a_clear_error(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("Text.\n", encoding="utf-8")

    result = run("--src", str(src), "--corpus", str(tmp_path / "other.txt"))

    assert result.exit_code == 1
    assert "other.txt does not exist" in result.output and "Traceback" not in result.output


def test_json_offsets_index_the_flagged_text_past_emoji_rtl_bom_and_crlf(tmp_path):
    src = tmp_path / "src.de.txt"
    mt = tmp_path / "mt.en.txt"
    src.write_bytes("\ufeff🙂 „Minister Schoiku“ traf am 3. März ‏مرحبا Olaf Scholz.\r\n\r\n!!!\r\n".encode())
    mt.write_bytes('🙂 "Minister Schoiku" met ‏مرحبا Olaf Scholes on March 13.\r\n\r\n!!!\r\n'.encode())

    result = run("--src", str(src), "--mt", str(mt), "--json")

    assert result.exit_code == 1, result.output
    flags = json.loads(result.output)
    assert {f["text"] for f in flags} >= {"Schoiku", "Scholes", "March 13"}
    files = {"src": src, "mt": mt}
    for f in flags:
        line = files[f["side"]].read_text(encoding="utf-8-sig").splitlines()[f["line"] - 1]
        assert line[f["start"] : f["end"]] == f["text"]


def test_exit_zero_reports_the_flags_and_exits_0(tmp_path):
    result = run("--src", SEED, "--exit-zero")

    assert result.exit_code == 0, result.output
    assert '"Milli" -> Milley' in result.output


def test_several_files_are_checked_each_alone(tmp_path):
    clean = tmp_path / "clean.de.txt"
    clean.write_text("Bundeskanzler Olaf Scholz traf Präsident Emmanuel Macron.\n", encoding="utf-8")
    garbled = tmp_path / "garbled.de.txt"
    garbled.write_text("Bundeskanzler Olaf Scholes traf Präsident Emmanuel Macron.\n", encoding="utf-8")

    text = run(str(clean), str(garbled))
    as_json = run(str(clean), str(garbled), "--json")

    assert text.exit_code == 1, text.output
    lines = text.output.splitlines()
    assert lines[0] == f"0 flag(s) in 1 line(s) of the source of {clean}."
    assert lines[1].startswith(f'{garbled}:    1 src "Scholes" -> Scholz  (near-miss: ')
    assert lines[2:] == [f"1 flag(s) in 1 line(s) of the source of {garbled}.", "1 flag(s) in 2 files."]
    assert [(f["file"], f["text"]) for f in json.loads(as_json.output)] == [(str(garbled), "Scholes")]
    assert run(str(clean)).exit_code == 0


def test_a_repeated_src_is_refused_naming_both_files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    for f in (a, b):
        f.write_text("Text.\n", encoding="utf-8")

    result = run("--src", str(a), "--src", str(b))

    assert result.exit_code == 2
    assert f"given 2 times ({a}, {b}); give it once" in result.output
    assert "Traceback" not in result.output


def test_mt_with_several_sources_or_no_source_is_a_clear_error(tmp_path):
    a, b, mt = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "mt.txt"
    for f in (a, b, mt):
        f.write_text("Text.\n", encoding="utf-8")

    several = run(str(a), str(b), "--mt", str(mt))
    nothing = run()

    assert several.exit_code == 1 and "--mt pairs with one source, but 2 were given" in several.output
    assert nothing.exit_code == 1 and "nothing to check" in nothing.output
    assert "Traceback" not in several.output + nothing.output


def test_invisible_characters_neither_hide_nor_split_a_name(tmp_path):
    src = tmp_path / "src.de.txt"
    mt = tmp_path / "mt.en.txt"
    src.write_text("General Waleri Gerassimow und Kanzler Olaf Scholz sprachen.\n", encoding="utf-8")
    mt.write_text(
        "General Valery Gera\u200bsimo and Chancellor Olaf Scho\u200dles spoke.\n", encoding="utf-8"
    )

    result = run("--src", str(src), "--mt", str(mt), "--json")

    flags = json.loads(result.output)
    assert [(f["text"], f["suggestion"]) for f in flags] == [
        ("Gera\u200bsimo", "Gerasimov"),
        ("Scho\u200dles", "Scholz"),
    ]
    line = mt.read_text(encoding="utf-8").splitlines()[0]
    assert all(line[f["start"] : f["end"]] == f["text"] for f in flags)
