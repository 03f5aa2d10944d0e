"""The CTranslate2 backend: the same Marian model, converted once and run int8 on the CPU.

Stages: tokenize (SentencePiece pieces + "</s>") -> batching (workbench.engine.run_batches,
one group per round of workers) -> generate (the group cut into one batch per worker, decoded
in parallel) -> detokenize
(as MarianTokenizer.decode). The model is converted from the Marian directory with
CTranslate2's converter and cached under models/ct2/<hash of the source identity>-<precision>;
loading a converted model needs neither torch nor transformers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import config, tempfiles
from workbench.engine import BatchFn, DecodeOptions, ProgressFn, run_batches
from workbench.engine.models import ModelRef, load_marian
from workbench.errors import ModelLoadError, TranslationError, WorkbenchError

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece

logger = logging.getLogger("workbench")

NAME = "ctranslate2"
DEFAULT_PRECISION = {"cpu": "int8", "cuda": "int8_float16"}
PRECISIONS = ("float32", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16")
_ALIASES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}
# Written last into a converted model: a folder without it is not a finished conversion.
_META = "workbench-ct2.json"
_SPECIAL = ("</s>", "<unk>", "<pad>")
# Decoder memory grows with sentences x beams x output length, which the token budget (source
# tokens) does not bound: a batch of many short sentences is decoded in parts of at most this
# many sentences (each worker decodes one part at a time).
_MAX_PART_SENTENCES = 64
_CONVERT_LOCK = threading.Lock()


class ConversionError(ModelLoadError):
    """The model cannot be converted to CTranslate2 (the transformers backend may still run it)."""


def check_device(explicit: str | None = None) -> str:
    """cpu or cuda for CTranslate2 (default from settings); cuda needs a GPU CTranslate2 can use."""
    import ctranslate2

    wanted = config.device(explicit)
    if wanted == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ModelLoadError(
            "device cuda was asked for, but CTranslate2 sees no GPU. Use the cpu device "
            "(WORKBENCH_DEVICE=cpu) or check the CUDA driver."
        )
    return wanted


def check_precision(precision: str | None, device: str) -> str:
    """The CTranslate2 compute type for --precision on this device (default int8 / int8_float16)."""
    import ctranslate2

    supported = [p for p in PRECISIONS if p in ctranslate2.get_supported_compute_types(device)]
    if precision is None:
        # A GPU without fast float16 (compute capability < 7) still gets int8 weights.
        fallbacks = (DEFAULT_PRECISION[device], "int8_float32", "float32")
        return next(p for p in fallbacks if p in supported)
    wanted = _ALIASES.get(precision.lower(), precision.lower())
    if wanted not in supported:
        raise WorkbenchError(
            f"precision {precision!r} is not supported by the ctranslate2 backend on {device}: "
            f"use one of {', '.join(supported)}, or --backend transformers."
        )
    return wanted


def thread_plan(cores: int) -> tuple[int, int]:
    """(inter_threads, intra_threads) for a CPU with this many cores.

    Decoding small batches does not scale well across threads inside one matrix product, so
    independent workers (inter) beat threads per worker (intra): on 2 cores two 1-thread
    workers were 1.5x faster than one 2-thread worker (docs/performance.md). Workers are
    capped at 4 so that an ordinary article still keeps them all busy; the remaining cores
    go to each worker's own threads.
    """
    if cores <= 1:
        return 1, 1
    inter = min(4, max(2, cores // 2))
    return inter, max(1, cores // inter)


def available_cores() -> int:
    """CPU cores this process may use (respects taskset and container CPU sets)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Converted:
    """A Marian model converted to CTranslate2, ready to load."""

    ref: ModelRef
    path: Path
    device: str
    compute_type: str

    @property
    def identity(self) -> str:
        return f"{self.ref.identity}|ct2-{self.compute_type}"


def conversion_source(path: Path) -> str | None:
    """The identity of the model that ``path`` is a finished conversion of, or None."""
    try:
        return json.loads((path / _META).read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return None


def converted_dir(ref: ModelRef, quantization: str) -> Path:
    """models/ct2/<key>-<quantization>, the key a hash of the source model's content hash.

    Only the content counts, so a hub id and a local copy of the same model share one copy.
    """
    content = ref.identity.rpartition("@")[2]
    key = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    return config.models_dir() / "ct2" / f"{key}-{quantization}"


def prepare(ref: ModelRef, *, device: str | None = None, precision: str | None = None) -> Converted:
    """Check device and precision and make sure a converted copy exists (converting once)."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError as err:
        raise ConversionError(
            f"the ctranslate2 backend cannot run: {err}. Install it (pip install ctranslate2) "
            "or use --backend transformers."
        ) from None
    where = check_device(device)
    compute_type = check_precision(precision, where)
    # Weights are stored as they are computed with, so loading needs no conversion.
    return Converted(ref, convert(ref, compute_type), where, compute_type)


def convert(ref: ModelRef, quantization: str) -> Path:
    """The converted model's folder, converting ``ref`` first unless a finished copy is cached.

    The conversion is written into a temporary folder beside the target and renamed into
    place, so an interrupted or concurrent conversion never leaves a half model behind;
    when two processes convert at once, the first rename wins and the other uses it.
    """
    target = converted_dir(ref, quantization)
    # Also when a finished copy is there: a conversion killed meanwhile left its folder.
    tempfiles.remove_stale(target.parent, tempfiles.partial_pattern(target))
    if (target / _META).is_file():
        return target
    # transformers' from_pretrained is not thread-safe (concurrent loads leave tied weights
    # uninitialised), so threads of one process (the app's sessions) convert one at a time.
    with _CONVERT_LOCK:
        if (target / _META).is_file():
            return target
        return _convert_into(ref, target, quantization)


def _convert_into(ref: ModelRef, target: Path, quantization: str) -> Path:
    if target.exists():
        raise ConversionError(
            f"{target} exists but is not a finished CTranslate2 conversion of {ref.name}. "
            "Delete that folder and run again."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as err:
        raise ConversionError(
            f"cannot write the converted model to {target.parent}: {err.strerror}. "
            "Set WORKBENCH_MODELS to a writable folder."
        ) from None
    logger.info("converting %s to CTranslate2 (%s), once; kept in %s", ref.name, quantization, target)
    try:
        with tempfiles.locked(temp):
            staged = temp / "model"
            meta = _convert(ref, staged, quantization)
            for name in ("source.spm", "target.spm"):
                shutil.copyfile(ref.path / name, staged / name)
            (staged / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            try:
                staged.rename(target)
            except OSError:
                if not (target / _META).is_file():
                    raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


def _convert(ref: ModelRef, out: Path, quantization: str) -> dict[str, Any]:
    """Convert with CTranslate2's Marian loader; returns what decoding needs beside the weights."""
    try:
        import torch
        from ctranslate2.converters.converter import Converter
        from ctranslate2.converters.transformers import BartLoader, MarianMTLoader
    except ImportError as err:
        raise ConversionError(f"cannot convert {ref.name} to CTranslate2: {err}.") from None
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the "converting ... once" line says what happens

    class PadStartLoader(MarianMTLoader):
        """For a model whose <pad> embedding is not zero.

        CTranslate2's Marian loader drops <pad> and starts the decoder from a zero vector,
        which equals transformers only while that embedding row is zero, as in the released
        opus-mt models. Training or fine-tuning with transformers updates the row (it is tied
        to the output layer), so for such models keep <pad> and start from its embedding.
        """

        def get_model_spec(self, model: Any) -> Any:
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return BartLoader.get_model_spec(self, model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            config.decoder_start_token = tokenizer.pad_token

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            BartLoader.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            return BartLoader.get_vocabulary(self, model, tokenizer)

    meta: dict[str, Any] = {}

    class MarianConverter(Converter):
        def _load(self) -> Any:
            with torch.no_grad():
                tokenizer, model = load_marian(ref)
                pad_row = model.get_input_embeddings().weight[tokenizer.pad_token_id]
                loader = PadStartLoader() if bool(pad_row.any()) else MarianMTLoader()
                spec = loader(model, tokenizer)
            vocabulary = set(loader.get_vocabulary(model, tokenizer))
            meta.update(_decoding_meta(ref, model, tokenizer, vocabulary))
            return spec

    try:
        MarianConverter().convert(str(out), quantization=quantization)
    except (OSError, ValueError, KeyError, TypeError, NotImplementedError, RuntimeError) as err:
        cause = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConversionError(
            f"cannot convert model {ref.name} to CTranslate2 ({quantization}): {cause}. "
            "Use --backend transformers."
        ) from None
    return meta


def _decoding_meta(ref: ModelRef, model: Any, tokenizer: Any, vocabulary: set[str]) -> dict[str, Any]:
    """What transformers' generate and decode do that the CTranslate2 model must be told."""
    generation = model.generation_config
    # Words transformers never generates (opus-mt bans <pad>); skip those the converted
    # vocabulary does not have, since CTranslate2 would read them as <unk>.
    banned = [tokenizer.convert_ids_to_tokens(list(ids)) for ids in (generation.bad_words_ids or [])]
    positions = getattr(model.config, "max_position_embeddings", None)
    limits = [n for n in (tokenizer.model_max_length, positions) if isinstance(n, int) and 0 < n < 1_000_000]
    return {
        "source": ref.identity,
        "suppress": [seq for seq in banned if all(tok in vocabulary for tok in seq)],
        "max_input_tokens": min(limits) if limits else 512,
        # The decoder start token takes position 0, so this many new tokens fit the table.
        "max_new_tokens": positions - 1 if positions else None,
        # transformers forces </s> as the last of max_new_tokens, so one fewer word is decoded
        # (CTranslate2 neither counts nor returns the end token).
        "forced_eos": generation.forced_eos_token_id is not None,
        # transformers decodes with the source SentencePiece model unless the vocabularies differ.
        "detokenizer": "target.spm" if tokenizer.separate_vocabs else "source.spm",
    }


class CTranslate2Backend:
    name = NAME

    def __init__(
        self,
        converted: Converted,
        translator: ctranslate2.Translator,
        workers: int,
        source_spm: sentencepiece.SentencePieceProcessor,
        detok_spm: sentencepiece.SentencePieceProcessor,
        meta: dict[str, Any],
    ) -> None:
        self.converted = converted
        self.model = converted.ref.name
        self.identity = converted.identity
        self.translator = translator
        self.workers = workers
        self._source_spm = source_spm
        self._detok_spm = detok_spm
        self.max_input_tokens: int = meta["max_input_tokens"]
        self._max_new_cap: int | None = meta["max_new_tokens"]
        self._suppress: list[list[str]] | None = meta["suppress"] or None
        self._forced_eos: bool = meta["forced_eos"]

    @classmethod
    def load(cls, converted: Converted, *, cores: int | None = None) -> CTranslate2Backend:
        """``cores``: CPU cores to decode with, default all this process may use (a Ray actor
        gets the CPUs Ray gave it: Ray does not pin processes to cores)."""
        import ctranslate2
        import sentencepiece

        path = converted.path
        if converted.device == "cuda":
            inter, intra = 1, 0  # one worker per GPU; 0: CTranslate2's own CPU default
        else:
            inter, intra = thread_plan(cores or available_cores())
        try:
            meta = json.loads((path / _META).read_text(encoding="utf-8"))
            translator = ctranslate2.Translator(
                str(path),
                device=converted.device,
                compute_type=converted.compute_type,
                inter_threads=inter,
                intra_threads=intra,
            )
            source = sentencepiece.SentencePieceProcessor(model_file=str(path / "source.spm"))
            detok = sentencepiece.SentencePieceProcessor(model_file=str(path / meta["detokenizer"]))
        except (OSError, RuntimeError, ValueError, KeyError) as err:
            cause = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ModelLoadError(
                f"cannot load the CTranslate2 copy of {converted.ref.name} from {path}: {cause}. "
                "Delete that folder to convert the model again."
            ) from None
        return cls(converted, translator, inter, source, detok, meta)

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """SentencePiece pieces plus "</s>", as MarianTokenizer makes them (a >>xx<< code stays whole)."""
        out = []
        for text in texts:
            code: list[str] = []
            if text.startswith(">>") and (end := text.find("<<")) != -1:
                code, text = [text[: end + 2]], text[end + 2 :]
            out.append(code + self._source_spm.encode(text, out_type=str) + ["</s>"])
        return out

    def detokenize(self, pieces: Sequence[Sequence[str]]) -> list[str]:
        """Pieces -> text exactly as MarianTokenizer.decode(..., skip_special_tokens=True)."""
        texts = []
        for hyp in pieces:
            text = self._detok_spm.decode_pieces([p for p in hyp if p not in _SPECIAL])
            # Pieces the SentencePiece model does not know come back with their "▁" kept.
            texts.append(text.replace("▁", " ").strip())
        return texts

    def _decoding_length(self, options: DecodeOptions) -> int:
        """Words to decode at most, counted as transformers counts max_new_tokens."""
        length = (
            options.max_new_tokens
            if self._max_new_cap is None
            else min(options.max_new_tokens, self._max_new_cap)
        )
        return length - 1 if self._forced_eos else length

    def generate(self, group: Sequence[Sequence[str]], options: DecodeOptions) -> list[list[str]]:
        """Token sequences, longest first -> output pieces.

        The group is cut into batches within ``options.batch_tokens`` (padded), at least one
        per worker; the workers decode them in parallel.
        """
        length = self._decoding_length(options)
        if length == 0:  # only the forced end token fits: transformers returns ""
            return [[] for _ in group]
        size = len(group)
        padded = max(len(tokens) for tokens in group) * size
        parts = max(
            min(self.workers, size), -(-padded // options.batch_tokens), -(-size // _MAX_PART_SENTENCES)
        )
        bounds = [size * i // parts for i in range(parts + 1)]
        try:
            pending = [
                self.translator.translate_batch(
                    [list(tokens) for tokens in group[start:end]],
                    asynchronous=True,
                    beam_size=options.beams,
                    max_decoding_length=length,
                    length_penalty=options.length_penalty,
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    suppress_sequences=self._suppress,
                    max_input_length=0,  # run_batches already cut overlong inputs
                    return_scores=False,
                )
                for start, end in zip(bounds, bounds[1:], strict=False)
            ]
            return [result.result().hypotheses[0] for part in pending for result in part]
        except RuntimeError as err:
            if "out of memory" not in str(err).lower():
                raise
            raise TranslationError(
                f"out of memory translating {size} sentences on {self.converted.device}. "
                "Lower --batch-tokens or --beams."
            ) from None

    def translate(
        self,
        sentences: Sequence[str],
        options: DecodeOptions,
        progress: ProgressFn | None = None,
        on_batch: BatchFn | None = None,
    ) -> list[str]:
        # Each group run_batches plans is one batch per worker, decoded at the same time.
        return run_batches(
            sentences,
            replace(options, batch_tokens=options.batch_tokens * self.workers),
            encode=self.tokenize,
            max_input_tokens=self.max_input_tokens,
            generate=lambda group, _: self.detokenize(self.generate(group, options)),
            progress=progress,
            on_batch=on_batch,
        )
