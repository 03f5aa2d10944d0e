"""`workbench translate` and `workbench model download` through the CLI, on the tiny model."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest
import tinymodel
from click.testing import CliRunner, Result
from tqdm import tqdm

from workbench.cli import _StderrHandler, cli
from workbench.glossary import GlossaryEntry
from workbench.store import Store

SOURCES = [de for de, _ in tinymodel.PAIRS]
TARGETS = [en for _, en in tinymodel.PAIRS]

# Three paragraphs with a blank line between them; the headline sentence comes back at the end.
ARTICLE = f"{SOURCES[6]}\n\n{SOURCES[7]} {SOURCES[1]}\n\n{SOURCES[3]} {SOURCES[6]}\n"
ENGLISH = f"{TARGETS[6]}\n\n{TARGETS[7]} {TARGETS[1]}\n\n{TARGETS[3]} {TARGETS[6]}\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="workbench")
    return caplog


def run(*args: str | Path, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def translate(*args: str | Path, input: str | bytes | None = None) -> Result:
    """`workbench translate` on the reference backend, whose output on the tiny model is exact
    (the ctranslate2 backend has tests of its own)."""
    return run("translate", *args, "--backend", "transformers", input=input)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0]


def test_translates_an_article_into_text_and_jsonl(tiny_model: Path, article: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = translate(article, "-o", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH
    records = rows(out / "article.jsonl")
    assert [(r["paragraph"], r["sentence"], r["source"], r["translation"]) for r in records] == [
        (1, 1, SOURCES[6], TARGETS[6]),
        (2, 1, SOURCES[7], TARGETS[7]),
        (2, 2, SOURCES[1], TARGETS[1]),
        (3, 1, SOURCES[3], TARGETS[3]),
        (3, 2, SOURCES[6], TARGETS[6]),
    ]
    assert {r["model"] for r in records} == {str(tiny_model)}
    assert not any(r["cached"] or r["boilerplate"] or r["applied"] for r in records)


def test_a_second_run_comes_from_the_cache_and_loads_no_model(tiny_model, article, tmp_path, logs):
    out = tmp_path / "out"
    assert translate(article, "-o", out, "--model", tiny_model).exit_code == 0
    assert "loading model" in logs.text
    logs.clear()

    result = translate(article, "-o", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "4 of 5 sentences from cache" not in logs.text
    assert "5 of 5 sentences from cache" in logs.text
    assert "loading model" not in logs.text
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH
    assert all(r["cached"] for r in rows(out / "article.jsonl"))


def test_no_cache_translates_again(tiny_model, article, tmp_path, logs):
    out = tmp_path / "out"
    assert translate(article, "-o", out, "--model", tiny_model).exit_code == 0
    logs.clear()
    result = translate(article, "-o", out, "--model", tiny_model, "--no-cache")
    assert result.exit_code == 0, result.output
    assert "loading model" in logs.text
    assert not any(r["cached"] for r in rows(out / "article.jsonl"))
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH


def test_decoding_options_are_accepted(tiny_model, article, tmp_path):
    out = tmp_path / "out"
    result = run(
        "translate",
        article,
        "-o",
        out,
        "--model",
        tiny_model,
        "--beams",
        "1",
        "--max-new-tokens",
        "40",
        "--batch-tokens",
        "8",
    )
    assert result.exit_code == 0, result.output
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH


def test_stdin_translation_goes_to_stdout(tiny_model):
    result = translate("-", "--model", tiny_model, input=f"{SOURCES[5]}\n\n{SOURCES[10]}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{TARGETS[5]}\n\n{TARGETS[10]}\n"


def test_file_inputs_need_an_output_folder(tiny_model, article):
    result = translate(article, "--model", tiny_model)
    assert result.exit_code == 2
    assert "-o OUTDIR" in result.stderr


def test_a_missing_file_fails_alone(tiny_model, article, tmp_path):
    out = tmp_path / "out"
    missing = tmp_path / "missing.txt"
    result = translate(missing, article, "-o", out, "--model", tiny_model)
    assert_one_line_error(result, str(missing), "does not exist")
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH
    assert sorted(p.name for p in out.iterdir()) == ["article.en.txt", "article.jsonl"]


def test_a_latin1_file_is_decoded_with_a_warning_beside_a_good_file(tiny_model, article, tmp_path, logs):
    latin = tmp_path / "alt.txt"
    latin.write_bytes(f"{SOURCES[6]}\n".encode("cp1252"))
    out = tmp_path / "out"
    result = translate(latin, article, "-o", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert (out / "alt.en.txt").read_text(encoding="utf-8") == f"{TARGETS[6]}\n"
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH
    warnings = [r.getMessage() for r in logs.records if r.levelno == logging.WARNING]
    assert any(str(latin) in w and "Windows-1252" in w for w in warnings)


def test_a_binary_file_is_refused_and_the_others_still_run(tiny_model, article, tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.7\n\x00\x01\x02")
    out = tmp_path / "out"
    result = translate(binary, article, "-o", out, "--model", tiny_model)
    assert_one_line_error(result, str(binary), "PDF")
    assert not (out / "scan.en.txt").exists() and not (out / "scan.jsonl").exists()
    assert (out / "article.en.txt").exists()


def test_two_inputs_with_the_same_stem_do_not_overwrite_each_other(tiny_model, article, tmp_path):
    other = tmp_path / "b" / "article.txt"
    other.parent.mkdir()
    other.write_text(f"{SOURCES[4]}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = translate(article, other, "-o", out, "--model", tiny_model)
    assert_one_line_error(result, str(other), "overwrite")
    assert (out / "article.en.txt").read_text(encoding="utf-8") == ENGLISH


def test_an_output_never_overwrites_an_input(tiny_model, article, tmp_path):
    # notes.jsonl's own JSONL output would be notes.jsonl, in the folder it sits in.
    notes = tmp_path / "notes.jsonl"
    notes.write_text(f"{SOURCES[4]}\n", encoding="utf-8")
    result = translate(notes, article, "-o", tmp_path, "--model", tiny_model)
    assert_one_line_error(result, str(notes), "overwrite the input")
    assert notes.read_text(encoding="utf-8") == f"{SOURCES[4]}\n"
    assert (tmp_path / "article.en.txt").read_text(encoding="utf-8") == ENGLISH


def test_glossary_from_the_database_is_applied_and_recorded(tiny_model, article, tmp_path, db_path):
    with Store.open(db_path) as store:
        store.add_glossary_entry(GlossaryEntry("Milley", "Milley-Smith"))
    out = tmp_path / "out"
    result = translate(article, "-o", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    record = rows(out / "article.jsonl")[1]
    assert record["translation"] == "General Milley-Smith spoke with Gerasimov."
    assert record["applied"] == [{"from": "Milley", "to": "Milley-Smith"}]

    result = translate(article, "-o", out, "--model", tiny_model, "--no-glossary")
    assert result.exit_code == 0, result.output
    record = rows(out / "article.jsonl")[1]
    assert record["translation"] == TARGETS[7]
    assert record["applied"] == []


def test_a_missing_model_directory_is_one_clear_line(article, tmp_path):
    missing = tmp_path / "models" / "nothing-here"
    result = translate(article, "-o", tmp_path / "out", "--model", missing)
    assert_one_line_error(result, str(missing), "does not exist")
    assert not (tmp_path / "out").exists()


def test_a_directory_that_is_not_marian_is_one_clear_line(article, tmp_path):
    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    result = translate(article, "-o", tmp_path / "out", "--model", bert)
    assert_one_line_error(result, str(bert), "not a Marian")


@pytest.mark.parametrize("backend", ["auto", "ctranslate2", "transformers"])
def test_damaged_weights_are_one_clear_line_on_every_backend(tiny_model, article, tmp_path, backend):
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    (broken / "model.safetensors").write_bytes(b"not weights")
    result = run("translate", article, "-o", tmp_path / "out", "--model", broken, "--backend", backend)
    assert_one_line_error(result, str(broken), "damaged")
    assert not (tmp_path / "out" / "article.en.txt").exists()


def test_an_unknown_hub_id_offline_is_one_clear_line(article, tmp_path):
    result = translate(article, "-o", tmp_path / "out", "--model", "nobody-here/opus-mt-xx-yy")
    assert_one_line_error(result, "nobody-here/opus-mt-xx-yy", "workbench model download", "--model DIR")


def test_model_download_offline_says_what_to_do(tmp_path):
    result = run("model", "download", "--to", tmp_path / "opus")
    assert_one_line_error(result, "Helsinki-NLP/opus-mt-de-en", "cannot be reached", "--model DIR")
    assert not (tmp_path / "opus").exists()


def test_model_download_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "opus").mkdir()
    (tmp_path / "opus" / "config.json").write_text("{}")
    result = run("model", "download", "--to", tmp_path / "opus")
    assert_one_line_error(result, "--force")


def test_a_bad_device_setting_is_one_line_for_all_inputs(tiny_model, article, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DEVICE", "gpu")
    result = translate(article, "-o", tmp_path / "out", "--model", tiny_model)
    assert_one_line_error(result, "WORKBENCH_DEVICE", "'gpu'", "cpu, cuda or auto")


def test_stdin_given_twice_is_a_usage_error(tiny_model):
    # The second `-` used to report "<stdin> is empty", misleading when text was piped in.
    result = translate("-", "-", "--model", tiny_model, input=f"{SOURCES[5]}\n")
    assert result.exit_code == 2
    assert "give `-` (stdin) once" in result.stderr
    assert "empty" not in result.stderr


def test_an_output_folder_that_cannot_be_made_stops_before_translating(tiny_model, tmp_path, logs):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    inputs = []
    for name in ("a", "b"):
        inputs.append(tmp_path / f"{name}.txt")
        inputs[-1].write_text(f"{SOURCES[0]}\n", encoding="utf-8")
    result = translate(*inputs, "-o", blocker / "out", "--model", tiny_model)
    assert_one_line_error(result, str(blocker / "out"), "output folder")
    assert "loading model" not in logs.text


def test_a_log_line_does_not_run_into_the_progress_bar(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    record = logging.LogRecord("workbench", logging.INFO, __file__, 0, "loading model m", None, None)
    with tqdm(total=20, file=sys.stderr, desc="article.txt", unit="sentence") as bar:
        bar.update(1)
        _StderrHandler().emit(record)
        bar.update(1)
    shown = sys.stderr.getvalue()
    start = shown.index("info: loading model m")
    # On a terminal the bar's line is cleared first (\r), so the message starts a line of its own.
    assert shown[start - 1] in "\r\n", repr(shown[max(0, start - 40) : start + 25])


def test_a_stored_document_is_translated_as_named_systems(tiny_model, db_path, tmp_path):
    from workbench.store import Store
    from workbench.textio import TextFile
    from workbench.workflows import documents

    with Store.open(db_path) as store:
        german = "".join(de + "\n" for de, _ in tinymodel.PAIRS[:3])
        doc = documents.import_aligned(store, TextFile("de.txt", german, "utf-8")).document_id
    args = [
        "--document",
        str(doc),
        "--model",
        str(tiny_model),
        "--backend",
        "transformers",
        "--db",
        str(db_path),
    ]
    result = CliRunner().invoke(cli, ["translate", *args, "--system", "tiny baseline"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "3 sentences as 'tiny baseline', 'tiny baseline +glossary' (0 from the cache)\n"
    )
    with Store.open(db_path) as store:
        shown = store.review_rows(doc, store.system("tiny baseline").id)
        assert [r.translation.text for r in shown] == [en for _, en in tinymodel.PAIRS[:3]]
    again = CliRunner().invoke(cli, ["translate", *args, "--system", "tiny baseline", "--beams", "2"])
    assert again.exit_code == 1 and "the system name 'tiny baseline' is taken" in again.output
    loose = CliRunner().invoke(cli, ["translate", "--system", "x", "a.txt"])
    assert (
        loose.exit_code == 2
        and "--system names the system a stored document is translated as" in loose.output
    )
