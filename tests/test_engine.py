"""The engine: pure batching helpers, model resolution, and the transformers backend on the tiny model."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
import tinymodel

from workbench.engine import DecodeOptions, LazyBackend, batching, load_backend, models
from workbench.engine.hf import TransformersBackend
from workbench.errors import ModelLoadError, TranslationError, WorkbenchError

SOURCES = [de for de, _ in tinymodel.PAIRS]
TARGETS = [en for _, en in tinymodel.PAIRS]


class CountingBackend(TransformersBackend):
    """The real backend, recording every batch that reaches the model."""

    batches: list[list[str]]

    def generate(self, batch: Sequence[Sequence[int]], options: DecodeOptions) -> list[list[int]]:
        self.batches.append(self.detokenize_source(batch))
        return super().generate(batch, options)

    def detokenize_source(self, batch: Sequence[Sequence[int]]) -> list[str]:
        return self.tokenizer.batch_decode([list(ids) for ids in batch], skip_special_tokens=True)


def counting(model_dir: Path) -> CountingBackend:
    backend = CountingBackend.load(models.resolve(str(model_dir)))
    backend.batches = []
    return backend


@pytest.fixture(scope="module")
def backend(tiny_model: Path) -> TransformersBackend:
    return TransformersBackend.load(models.resolve(str(tiny_model)))


# -- batching (pure) ------------------------------------------------------------------------


def test_unique_keeps_first_occurrence_order():
    assert batching.unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_batches_respect_the_token_budget_and_cover_every_index_once():
    lengths = [5, 30, 12, 12, 7, 30, 1, 20]
    batches = batching.plan_batches(lengths, batch_tokens=40)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert max(lengths[i] for i in batch) * len(batch) <= 40
    assert lengths[batches[0][0]] == 30  # longest first


def test_an_item_over_the_budget_gets_a_batch_of_its_own():
    assert batching.plan_batches([100, 3, 3], batch_tokens=10) == [[0], [1, 2]]


def test_restore_puts_outputs_back_in_input_order():
    batches = [[2, 0], [1]]
    assert batching.restore(batches, [["c", "a"], ["b"]]) == ["a", "b", "c"]


def test_split_to_fit_prefers_clause_boundaries_and_drops_nothing():
    text = "Erstens kam er; zweitens sah er, und drittens siegte er am Ende doch"

    def fits(t: str) -> bool:
        return len(t) <= 30

    pieces = batching.split_to_fit(text, fits)
    assert all(fits(p) for p in pieces)
    assert pieces[0] == "Erstens kam er;"
    assert " ".join(pieces).split() == text.split()


def test_split_to_fit_cuts_a_word_longer_than_the_limit():
    pieces = batching.split_to_fit("x" * 50, lambda t: len(t) <= 8)
    assert "".join(pieces) == "x" * 50
    assert all(len(p) <= 8 for p in pieces)


def test_decode_options_refuse_nonsense():
    with pytest.raises(TranslationError, match="beams must be at least 1"):
        DecodeOptions(beams=0)
    with pytest.raises(TranslationError, match="batch_tokens"):
        DecodeOptions(batch_tokens=0)
    assert DecodeOptions(batch_tokens=8).cache_key() == DecodeOptions().cache_key()
    assert DecodeOptions(beams=1).cache_key() != DecodeOptions().cache_key()


# -- the transformers backend on the tiny model -------------------------------------------


@pytest.mark.parametrize("beams", [4, 1])
def test_translates_known_sentences_exactly(backend: TransformersBackend, beams: int):
    assert backend.translate(SOURCES, DecodeOptions(beams=beams)) == TARGETS


def test_order_is_kept_after_length_sorting_in_tiny_batches(tiny_model: Path):
    backend = counting(tiny_model)
    sources = list(reversed(SOURCES))
    assert backend.translate(sources, DecodeOptions(batch_tokens=16)) == list(reversed(TARGETS))
    assert len(backend.batches) > 3  # the budget really cut the input into several batches
    lengths = [len(backend.tokenize(batch)[0]) for batch in backend.batches]
    assert lengths == sorted(lengths, reverse=True)


def test_identical_sentences_are_decoded_once(tiny_model: Path):
    backend = counting(tiny_model)
    sources = [SOURCES[0], SOURCES[1], SOURCES[0], SOURCES[0], SOURCES[1]]
    assert backend.translate(sources, DecodeOptions()) == [
        TARGETS[0],
        TARGETS[1],
        TARGETS[0],
        TARGETS[0],
        TARGETS[1],
    ]
    decoded = [s for batch in backend.batches for s in batch]
    assert sorted(decoded) == sorted([SOURCES[0], SOURCES[1]])


def test_blank_sentences_give_empty_strings_without_model_work(tiny_model: Path):
    backend = counting(tiny_model)
    assert backend.translate(["", "   "], DecodeOptions()) == ["", ""]
    assert backend.batches == []


def test_progress_and_batch_callbacks_cover_every_sentence(backend: TransformersBackend):
    ticks: list[int] = []
    finished: dict[str, str] = {}
    sources = [*SOURCES[:5], SOURCES[0], ""]
    backend.translate(
        sources,
        DecodeOptions(batch_tokens=24),
        progress=ticks.append,
        on_batch=lambda s, t: finished.update(zip(s, t, strict=True)),
    )
    assert sum(ticks) == len(sources)
    assert finished == dict(zip(SOURCES[:5], TARGETS[:5], strict=True))


def test_the_input_limit_is_the_smaller_of_tokenizer_and_position_table(backend: TransformersBackend):
    # The tiny model's tokenizer allows 512 tokens but it has only 128 positions.
    assert backend.max_input_tokens == 128


@pytest.fixture
def short_limit_model(tiny_model: Path, tmp_path: Path) -> Path:
    """The tiny model, told it takes at most 16 input tokens (one known sentence)."""
    copy = tmp_path / "tiny-16"
    shutil.copytree(tiny_model, copy)
    settings = json.loads((copy / "tokenizer_config.json").read_text(encoding="utf-8"))
    settings["model_max_length"] = 16
    (copy / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return copy


def test_overlong_input_is_split_translated_and_named_in_a_warning(
    short_limit_model: Path, caplog: pytest.LogCaptureFixture
):
    backend = TransformersBackend.load(models.resolve(str(short_limit_model)))
    assert backend.max_input_tokens == 16
    long = f"{SOURCES[3]} {SOURCES[5]} {SOURCES[1]}"
    with caplog.at_level(logging.WARNING, logger="workbench"):
        result = backend.translate([SOURCES[5], long], DecodeOptions())
    assert result == [TARGETS[5], f"{TARGETS[3]} {TARGETS[5]} {TARGETS[1]}"]
    assert long[:60] in caplog.text
    assert "16-token limit" in caplog.text


def test_overlong_input_without_spaces_is_not_dropped(
    short_limit_model: Path, caplog: pytest.LogCaptureFixture
):
    backend = TransformersBackend.load(models.resolve(str(short_limit_model)))
    with caplog.at_level(logging.WARNING, logger="workbench"):
        [result] = backend.translate(["Krieg" * 40], DecodeOptions(max_new_tokens=8))
    assert result.strip()
    assert "KriegKrieg" in caplog.text


def test_a_long_output_stays_inside_the_position_table(backend: TransformersBackend):
    # 500 new tokens would overrun the tiny model's 128 positions: capped, not a crash.
    assert backend.translate([SOURCES[0]], DecodeOptions(max_new_tokens=500)) == [TARGETS[0]]


# -- finding and loading models -----------------------------------------------------------


def test_load_backend_is_lazy_until_the_first_translation(tiny_model: Path, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO, logger="workbench"):
        backend = load_backend(str(tiny_model), backend="transformers", lazy=True)
        assert isinstance(backend, LazyBackend) and not backend.loaded
        assert "loading model" not in caplog.text
        assert backend.translate([SOURCES[2]], DecodeOptions()) == [TARGETS[2]]
    assert backend.loaded
    assert "loading model" in caplog.text
    assert backend.identity == models.resolve(str(tiny_model)).identity


def test_identity_is_stable_and_follows_the_weights(tiny_model: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    first = models.identity("m", copy)
    assert models.identity("m", copy) == first
    assert models.identity("m", tiny_model) == first  # same content, same hash
    with (copy / "model.safetensors").open("ab") as handle:
        handle.write(b"\0")
    assert models.identity("m", copy) != first


def test_a_missing_directory_is_named_with_the_fix(tmp_path: Path):
    missing = tmp_path / "no" / "such-model"
    with pytest.raises(ModelLoadError, match="does not exist") as err:
        load_backend(str(missing))
    assert str(missing) in str(err.value)


def test_a_directory_that_is_not_a_marian_model_is_refused(tmp_path: Path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not a Marian translation model") as err:
        models.resolve(str(tmp_path))
    assert "'bert'" in str(err.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        models.resolve(str(empty))


def test_an_incomplete_model_directory_names_what_is_missing(tiny_model: Path, tmp_path: Path):
    copy = tmp_path / "partial"
    shutil.copytree(tiny_model, copy)
    (copy / "source.spm").unlink()
    (copy / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="incomplete: source.spm, weights"):
        models.resolve(str(copy))


def test_damaged_weights_are_a_model_load_error(tiny_model: Path, tmp_path: Path):
    copy = tmp_path / "damaged"
    shutil.copytree(tiny_model, copy)
    with (copy / "model.safetensors").open("r+b") as handle:
        handle.truncate(1000)
    with pytest.raises(ModelLoadError, match="cannot load model .*damaged"):
        load_backend(str(copy), backend="transformers")


def test_an_unknown_hub_id_offline_says_how_to_get_the_model():
    with pytest.raises(ModelLoadError) as err:
        models.resolve("nobody-here/opus-mt-xx-yy")
    message = str(err.value)
    assert "nobody-here/opus-mt-xx-yy" in message
    assert "HF_HUB_OFFLINE" in message
    assert "workbench model download nobody-here/opus-mt-xx-yy" in message
    assert "--model DIR" in message


def test_a_hub_id_in_the_hub_cache_resolves_offline(tiny_model: Path, tmp_path: Path, monkeypatch):
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    repo = cache / "models--tiny--marian"
    snapshot = repo / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_model, snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    ref = models.resolve("tiny/marian")
    assert ref.path == snapshot
    assert ref.identity.startswith("tiny/marian@")


def test_a_downloaded_copy_under_models_is_used_for_its_hub_id(tiny_model: Path, tmp_path: Path):
    from workbench import config

    shutil.copytree(tiny_model, config.local_copy_dir("tiny/marian"))
    backend = load_backend("tiny/marian", backend="transformers")
    assert backend.translate([SOURCES[9]], DecodeOptions()) == [TARGETS[9]]


def test_backend_and_precision_choices_are_checked(tiny_model: Path):
    with pytest.raises(WorkbenchError, match="unknown backend"):
        load_backend(str(tiny_model), backend="onnx")
    with pytest.raises(WorkbenchError, match="precision 'int3'"):
        load_backend(str(tiny_model), backend="transformers", precision="int3")


def test_download_offline_fails_clearly_and_leaves_nothing(tmp_path: Path):
    target = tmp_path / "models" / "copy"
    with pytest.raises(ModelLoadError) as err:
        models.download("Helsinki-NLP/opus-mt-de-en", target)
    assert "Helsinki-NLP/opus-mt-de-en" in str(err.value)
    assert "cannot be reached" in str(err.value)
    assert "--model DIR" in str(err.value)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary folder left behind


def test_download_refuses_a_non_empty_target(tmp_path: Path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(WorkbenchError, match="--force"):
        models.download("Helsinki-NLP/opus-mt-de-en", target)
    assert (target / "keep.txt").read_text() == "mine"


def test_an_unknown_device_setting_is_refused_on_both_backends(tiny_model: Path, monkeypatch):
    # "gpu" reached torch's .to() as it was and crashed with a traceback.
    monkeypatch.setenv("WORKBENCH_DEVICE", "gpu")
    for name in ("transformers", "ctranslate2"):
        with pytest.raises(WorkbenchError, match="WORKBENCH_DEVICE.*'gpu'.*cpu, cuda or auto"):
            load_backend(str(tiny_model), backend=name)


def test_a_missing_model_from_workbench_model_says_where_it_came_from(tmp_path: Path, monkeypatch):
    missing = tmp_path / "gone"
    monkeypatch.setenv("WORKBENCH_MODEL", str(missing))
    with pytest.raises(ModelLoadError, match="does not exist") as err:
        models.resolve()
    assert f"WORKBENCH_MODEL is set to {missing}" in str(err.value)
    with pytest.raises(ModelLoadError) as err:
        models.resolve(str(missing))  # given explicitly: the environment is not to blame
    assert "WORKBENCH_MODEL" not in str(err.value)


def test_identity_follows_the_tokenizer_settings(tiny_model: Path, tmp_path: Path):
    # model_max_length decides where overlong inputs are cut, so it changes translations.
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    first = models.identity("m", copy)
    settings = json.loads((copy / "tokenizer_config.json").read_text(encoding="utf-8"))
    (copy / "tokenizer_config.json").write_text(
        json.dumps({**settings, "model_max_length": 8}), encoding="utf-8"
    )
    assert models.identity("m", copy) != first


def test_download_with_hf_hub_offline_set_says_to_unset_it(tmp_path: Path):
    # With network but HF_HUB_OFFLINE=1 left in the shell, "run it on a machine with network
    # access" alone sends the user in a circle.
    with pytest.raises(ModelLoadError, match="HF_HUB_OFFLINE is set: unset it"):
        models.download("Helsinki-NLP/opus-mt-de-en", tmp_path / "copy")


def test_a_model_named_by_its_directory_is_not_named_twice(tiny_model: Path, tmp_path: Path):
    copy = tmp_path / "partial"
    shutil.copytree(tiny_model, copy)
    (copy / "vocab.json").unlink()
    with pytest.raises(ModelLoadError) as err:
        models.resolve(str(copy))
    assert str(err.value).startswith(f"model {copy} is incomplete: vocab.json missing.")
