"""The CTranslate2 backend on the tiny model: same translations as transformers, cached conversion."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import tinymodel
from click.testing import CliRunner

from workbench import config
from workbench.cli import cli
from workbench.engine import DecodeOptions, load_backend, models
from workbench.engine import ct2 as ct2_engine
from workbench.errors import WorkbenchError

SOURCES = [de for de, _ in tinymodel.PAIRS]
TARGETS = [en for _, en in tinymodel.PAIRS]


@pytest.fixture(scope="module")
def backends(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Both backends on the tiny model, loaded once for the module (conversion kept in a temp dir)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_MODELS", str(tmp_path_factory.mktemp("ct2-models")))
        yield {
            "ct2": load_backend(str(tiny_model), backend="ctranslate2"),
            "hf": load_backend(str(tiny_model), backend="transformers"),
        }


@pytest.mark.parametrize("beams", [4, 1])
def test_int8_translates_exactly_like_transformers_fp32(backends: dict, beams: int):
    ct2, hf = backends["ct2"], backends["hf"]
    assert (ct2.name, ct2.model) == ("ctranslate2", hf.model)
    assert ct2.identity == hf.identity + "|ct2-int8"
    options = DecodeOptions(beams=beams)
    assert ct2.translate(SOURCES, options) == TARGETS
    assert hf.translate(SOURCES, options) == TARGETS


@pytest.mark.parametrize(
    "options",
    [
        DecodeOptions(max_new_tokens=1),
        DecodeOptions(max_new_tokens=4),
        DecodeOptions(beams=1, max_new_tokens=6),
        DecodeOptions(length_penalty=0.5),
        DecodeOptions(length_penalty=2.0),
        DecodeOptions(repetition_penalty=1.5),
        DecodeOptions(no_repeat_ngram_size=2),
        DecodeOptions(beams=1, no_repeat_ngram_size=1),
    ],
)
def test_decoding_options_mean_the_same_on_both_backends(backends: dict, options: DecodeOptions):
    assert backends["ct2"].translate(SOURCES, options) == backends["hf"].translate(SOURCES, options)


def test_output_keeps_input_order_and_decodes_duplicates_once(backends: dict):
    done: list[int] = []
    order = [3, 0, 3, 7, 0, 11]
    out = backends["ct2"].translate([SOURCES[i] for i in order], DecodeOptions(), progress=done.append)
    assert out == [TARGETS[i] for i in order]
    assert sum(done) == len(order)


def test_pieces_and_text_match_the_marian_tokenizer(backends: dict):
    tokenizer = backends["hf"].tokenizer
    ct2 = backends["ct2"]
    texts = [*SOURCES, "Schoiku übermittelte „Grüße“ – 2022!", "ÆØÅ ungewöhnliche Zeichen ✓"]
    assert [tokenizer.convert_tokens_to_ids(p) for p in ct2.tokenize(texts)] == tokenizer(texts)["input_ids"]

    vocab = list(tokenizer.get_vocab())
    rng = random.Random(0)
    # Random output pieces, special tokens and pieces the SentencePiece model lacks included.
    outputs = [[rng.choice(vocab) for _ in range(rng.randrange(1, 12))] for _ in range(200)]
    expected = [
        tokenizer.decode(tokenizer.convert_tokens_to_ids(p), skip_special_tokens=True) for p in outputs
    ]
    assert ct2.detokenize(outputs) == expected


def test_conversion_is_cached_and_not_repeated(tiny_model: Path, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="workbench")
    first = load_backend(str(tiny_model), backend="ctranslate2")
    folder = first.converted.path
    assert folder.parent.parent == config.models_dir()
    assert folder.name.endswith("-int8")
    stamp = (folder / "model.bin").stat().st_mtime_ns
    second = load_backend(str(tiny_model), backend="ctranslate2")
    assert second.converted.path == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp
    assert sum("converting" in r.getMessage() for r in caplog.records) == 1
    assert second.translate(SOURCES[:2], DecodeOptions()) == TARGETS[:2]
    # No temporary folders left behind.
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_concurrent_conversions_in_one_process_give_one_good_model(tiny_model: Path):
    ref = models.resolve(str(tiny_model))
    results: list[Path] = []
    errors: list[BaseException] = []

    def convert() -> None:
        try:
            results.append(ct2_engine.convert(ref, "int8"))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=convert) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    folder = results[0]
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]
    backend = load_backend(str(tiny_model), backend="ctranslate2")
    assert backend.translate(SOURCES[:3], DecodeOptions()) == TARGETS[:3]


def test_unfinished_conversion_folder_is_reported(tiny_model: Path):
    ref = models.resolve(str(tiny_model))
    folder = ct2_engine.converted_dir(ref, "int8")
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"half")
    with pytest.raises(WorkbenchError, match="Delete that folder") as err:
        load_backend(str(tiny_model), backend="ctranslate2")
    assert str(folder) in str(err.value)


def test_precision_float32_gets_its_own_conversion(tiny_model: Path):
    backend = load_backend(str(tiny_model), backend="ctranslate2", precision="fp32")
    assert backend.identity.endswith("|ct2-float32")
    assert backend.converted.path.name.endswith("-float32")
    assert backend.translate(SOURCES, DecodeOptions()) == TARGETS


def test_unsupported_precision_names_the_valid_ones(tiny_model: Path):
    with pytest.raises(WorkbenchError) as err:
        load_backend(str(tiny_model), backend="ctranslate2", precision="int4")
    message = str(err.value)
    assert "'int4'" in message and "int8" in message and "float32" in message


def test_thread_plan_prefers_workers_over_threads_per_worker():
    assert ct2_engine.thread_plan(1) == (1, 1)
    assert ct2_engine.thread_plan(2) == (2, 1)
    assert ct2_engine.thread_plan(4) == (2, 2)
    assert ct2_engine.thread_plan(16) == (4, 4)
    for cores in range(1, 65):
        inter, intra = ct2_engine.thread_plan(cores)
        assert 1 <= inter * intra <= cores


def test_overlong_sentence_is_split_with_a_warning(backends: dict, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING, logger="workbench")
    ct2 = backends["ct2"]
    long = " ".join(SOURCES * 6)
    assert len(ct2.tokenize([long])[0]) > ct2.max_input_tokens
    out = ct2.translate([SOURCES[0], long], DecodeOptions(beams=1))
    assert out[0] == TARGETS[0]
    assert out[1].strip()
    assert any(long[:40] in r.getMessage() for r in caplog.records)


def test_cli_translates_with_ctranslate2(tiny_model: Path, tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(f"{SOURCES[0]} {SOURCES[1]}\n\n{SOURCES[9]}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["translate", str(article), "-o", str(out), "--model", str(tiny_model), "--backend", "ctranslate2"],
    )
    assert result.exit_code == 0, result.output
    assert (out / "article.en.txt").read_text(
        encoding="utf-8"
    ) == f"{TARGETS[0]} {TARGETS[1]}\n\n{TARGETS[9]}\n"
    rows = [json.loads(line) for line in (out / "article.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in rows] == [TARGETS[0], TARGETS[1], TARGETS[9]]
    assert list((config.models_dir() / "ct2").glob("*-int8"))


def test_auto_uses_ctranslate2(tiny_model: Path):
    backend = load_backend(str(tiny_model))
    assert backend.name == "ctranslate2"
    assert backend.translate(SOURCES[:2], DecodeOptions()) == TARGETS[:2]


def test_auto_falls_back_to_transformers_when_conversion_is_impossible(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("WORKBENCH_MODELS", str(blocker))
    caplog.set_level(logging.WARNING, logger="workbench")
    backend = load_backend(str(tiny_model))
    assert backend.name == "transformers"
    assert backend.translate(SOURCES[:2], DecodeOptions()) == TARGETS[:2]
    assert any("transformers backend" in r.getMessage() for r in caplog.records)
    with pytest.raises(WorkbenchError, match="WORKBENCH_MODELS"):
        load_backend(str(tiny_model), backend="ctranslate2")


def test_cli_stdin_with_ctranslate2(tiny_model: Path):
    result = CliRunner().invoke(
        cli,
        ["translate", "-", "--model", str(tiny_model), "--backend", "ctranslate2", "--no-cache"],
        input=f"{SOURCES[4]}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{TARGETS[4]}\n"


def test_cli_bad_precision_is_one_line_error(tiny_model: Path):
    args = ["translate", "-", "--model", str(tiny_model), "--backend", "ctranslate2", "--precision", "int4"]
    result = CliRunner().invoke(cli, args, input=f"{SOURCES[4]}\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: precision 'int4' is not supported by the ctranslate2 backend")
