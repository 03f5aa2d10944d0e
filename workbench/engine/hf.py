"""The transformers backend: MarianTokenizer + MarianMTModel, the reference implementation.

The only module that imports torch, and only inside the functions that need it, so that
importing the engine (or answering a run from the cache) stays cheap. Stages:
tokenize -> (batching in workbench.engine.run_batches) -> generate -> detokenize.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench import config
from workbench.engine import BatchFn, DecodeOptions, ProgressFn, run_batches
from workbench.engine.models import ModelRef, load_marian
from workbench.errors import ModelLoadError, TranslationError, WorkbenchError

if TYPE_CHECKING:
    from transformers import MarianMTModel, MarianTokenizer

_PRECISIONS = {
    "float32": "float32",
    "fp32": "float32",
    "float16": "float16",
    "fp16": "float16",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
}


def check_precision(precision: str | None) -> str:
    """The torch dtype name for --precision (default float32), or a WorkbenchError."""
    if precision is None:
        return "float32"
    try:
        return _PRECISIONS[precision.lower()]
    except KeyError:
        raise WorkbenchError(
            f"precision {precision!r} is not supported by the transformers backend: use float32, "
            "float16 or bfloat16."
        ) from None


def identity(ref: ModelRef, dtype: str) -> str:
    """Cache identity: reduced precision changes the output, so it is part of it."""
    return ref.identity if dtype == "float32" else f"{ref.identity}+{dtype}"


def _device(explicit: str | None) -> str:
    import torch

    wanted = config.device(explicit)
    if not wanted.startswith("cuda") or torch.cuda.is_available():
        return wanted
    asked = (explicit or os.environ.get("WORKBENCH_DEVICE") or "auto").lower()
    if asked == "auto":  # a GPU seen by another library but not by this torch build
        return "cpu"
    raise ModelLoadError(
        f"device {wanted} was asked for, but torch sees no GPU (torch {torch.__version__}). "
        "Use the cpu device (WORKBENCH_DEVICE=cpu) or install a CUDA build of torch."
    )


class TransformersBackend:
    name = "transformers"

    def __init__(
        self, ref: ModelRef, tokenizer: MarianTokenizer, network: MarianMTModel, device: str, dtype: str
    ) -> None:
        self.ref = ref
        self.model = ref.name
        self.identity = identity(ref, dtype)
        self.tokenizer = tokenizer
        self.network = network
        self.device = device

    @classmethod
    def load(cls, ref: ModelRef, *, device: str | None = None, dtype: str = "float32") -> TransformersBackend:
        from transformers.utils import logging as hf_logging

        # Our own progress bar and messages tell the user what happens; a second bar per
        # load ("Loading weights") on stderr is noise in batch runs.
        hf_logging.disable_progress_bar()
        where = _device(device)
        tokenizer, network = load_marian(ref, dtype)
        network.to(where)
        network.eval()
        return cls(ref, tokenizer, network, where, dtype)

    @property
    def max_input_tokens(self) -> int:
        """Longest input the model takes: the tokenizer's limit or the position table, if smaller."""
        limits = (
            self.tokenizer.model_max_length,
            getattr(self.network.config, "max_position_embeddings", None),
        )
        # Tokenizers without a limit report a huge sentinel value.
        return min(n for n in limits if isinstance(n, int) and 0 < n < 1_000_000)

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        if not texts:
            return []
        # verbose=False: overlong inputs are expected here and split by run_batches.
        return self.tokenizer(list(texts), verbose=False)["input_ids"]

    def _max_length(self, options: DecodeOptions) -> int:
        # For an encoder-decoder, max_length counts the decoder start token plus the new tokens.
        # Passing it instead of max_new_tokens avoids a warning about the model's own max_length,
        # and the cap keeps decoding inside the position table.
        limit = getattr(self.network.config, "max_position_embeddings", None) or options.max_new_tokens + 1
        return min(options.max_new_tokens + 1, limit)

    def generate(self, batch: Sequence[Sequence[int]], options: DecodeOptions) -> list[list[int]]:
        """One padded batch of token ids -> output token ids."""
        import torch

        inputs: Any = self.tokenizer.pad({"input_ids": [list(ids) for ids in batch]}, return_tensors="pt")
        inputs = inputs.to(self.device)
        try:
            with torch.inference_mode():
                output = self.network.generate(
                    **inputs,
                    num_beams=options.beams,
                    max_length=self._max_length(options),
                    length_penalty=options.length_penalty,
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                )
        except torch.OutOfMemoryError:
            raise TranslationError(
                f"out of memory translating a batch of {len(batch)} sentences on {self.device}. "
                "Lower --batch-tokens or --beams."
            ) from None
        return output.tolist()

    def detokenize(self, ids: Sequence[Sequence[int]]) -> list[str]:
        return self.tokenizer.batch_decode(ids, skip_special_tokens=True)

    def translate(
        self,
        sentences: Sequence[str],
        options: DecodeOptions,
        progress: ProgressFn | None = None,
        on_batch: BatchFn | None = None,
    ) -> list[str]:
        return run_batches(
            sentences,
            options,
            encode=self.tokenize,
            max_input_tokens=self.max_input_tokens,
            generate=lambda batch, opts: self.detokenize(self.generate(batch, opts)),
            progress=progress,
            on_batch=on_batch,
        )
