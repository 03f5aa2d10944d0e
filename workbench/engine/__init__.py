"""Translation backends behind one interface.

Stages, each testable alone: tokenize -> batch (length-sorted, token budget) -> generate
-> detokenize. Backends: ``transformers`` (the reference, workbench/engine/hf.py) and
``ctranslate2`` (workbench/engine/ct2.py). Nothing here knows about files, the database
or Streamlit; a loaded backend is read-only and safe to share.

``run_batches`` is the part every backend shares (duplicates, overlong inputs, batching,
order); a backend supplies only its tokenizer and one batch's generation.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from workbench import config
from workbench.engine import batching
from workbench.errors import TranslationError, WorkbenchError

if TYPE_CHECKING:
    from workbench.engine.models import ModelRef

logger = logging.getLogger("workbench")

ProgressFn = Callable[[int], None]
"""Called with the number of sentences just finished."""

BatchFn = Callable[[Sequence[str], Sequence[str]], None]
"""Called after each batch with the sentences it finished and their translations, so a
caller can keep them (e.g. in the cache) before the rest is done."""

BACKENDS = ("auto", "transformers", "ctranslate2")

_T = TypeVar("_T")


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings; they mean the same on every backend and are part of the cache key."""

    beams: int = 4
    max_new_tokens: int = 256
    batch_tokens: int = 2048
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0

    def __post_init__(self) -> None:
        for name, minimum in (("beams", 1), ("max_new_tokens", 1), ("batch_tokens", 1)):
            if getattr(self, name) < minimum:
                raise TranslationError(f"{name} must be at least {minimum}, got {getattr(self, name)}.")
        if self.no_repeat_ngram_size < 0:
            raise TranslationError(
                f"no_repeat_ngram_size must be 0 (off) or more, got {self.no_repeat_ngram_size}."
            )
        for name in ("length_penalty", "repetition_penalty"):
            if getattr(self, name) <= 0:
                raise TranslationError(
                    f"{name} must be positive (1.0 = no penalty), got {getattr(self, name)}."
                )

    def cache_key(self) -> str:
        """Only what changes the output (batch size does not)."""
        return (
            f"beams={self.beams};max_new={self.max_new_tokens};lp={self.length_penalty};"
            f"rp={self.repetition_penalty};nrng={self.no_repeat_ngram_size}"
        )


class Backend(Protocol):
    name: str
    """'transformers' or 'ctranslate2'."""
    model: str
    """The model as the user named it (hub id or directory)."""
    identity: str
    """Stable id for caching: model name plus a hash of its weights and vocab."""

    def translate(
        self,
        sentences: Sequence[str],
        options: DecodeOptions,
        progress: ProgressFn | None = None,
        on_batch: BatchFn | None = None,
    ) -> list[str]:
        """Translate sentences; output order equals input order; duplicates decoded once."""
        ...


def run_batches(
    sentences: Sequence[str],
    options: DecodeOptions,
    *,
    encode: Callable[[Sequence[str]], Sequence[Sequence[_T]]],
    max_input_tokens: int,
    generate: Callable[[Sequence[Sequence[_T]], DecodeOptions], Sequence[str]],
    progress: ProgressFn | None = None,
    on_batch: BatchFn | None = None,
) -> list[str]:
    """Translate with a backend's ``encode`` (texts -> token sequences) and ``generate``
    (one batch of token sequences -> translations).

    Blank sentences give "" without model work; identical sentences are decoded once; a
    sentence longer than ``max_input_tokens`` is cut into pieces that fit (with a warning),
    whose translations are joined. Output order equals input order.
    """
    counts = Counter(sentences)
    todo = [s for s in batching.unique(sentences) if s.strip()]
    blank = len(sentences) - sum(counts[s] for s in todo)
    if progress and blank:
        progress(blank)

    tokens: dict[str, Sequence[_T]] = dict(zip(todo, encode(todo), strict=True))

    def fits(text: str) -> bool:
        return len(encode([text])[0]) <= max_input_tokens

    pieces_of: dict[str, list[str]] = {}
    for sentence in todo:
        if len(tokens[sentence]) <= max_input_tokens:
            pieces_of[sentence] = [sentence]
            continue
        pieces_of[sentence] = batching.split_to_fit(sentence, fits)
        logger.warning(
            "sentence longer than the model's %d-token limit, translated in %d pieces: %r",
            max_input_tokens,
            len(pieces_of[sentence]),
            _preview(sentence),
        )

    units = batching.unique(piece for sentence in todo for piece in pieces_of[sentence])
    missing = [unit for unit in units if unit not in tokens]
    tokens.update(zip(missing, encode(missing), strict=True))
    owners: dict[str, list[str]] = {}
    for sentence in todo:
        for piece in set(pieces_of[sentence]):
            owners.setdefault(piece, []).append(sentence)
    waiting = {sentence: len(set(pieces_of[sentence])) for sentence in todo}

    done: dict[str, str] = {}
    results: dict[str, str] = {}
    for batch in batching.plan_batches([len(tokens[u]) for u in units], options.batch_tokens):
        outputs = generate([tokens[units[i]] for i in batch], options)
        finished: list[str] = []
        for index, output in zip(batch, outputs, strict=True):
            done[units[index]] = output.strip()
            for sentence in owners[units[index]]:
                waiting[sentence] -= 1
                if waiting[sentence] == 0:
                    results[sentence] = " ".join(t for t in (done[p] for p in pieces_of[sentence]) if t)
                    finished.append(sentence)
        if finished:
            if on_batch:
                on_batch(finished, [results[s] for s in finished])
            if progress:
                progress(sum(counts[s] for s in finished))
    return [results.get(s, "") for s in sentences]


def _preview(sentence: str, limit: int = 60) -> str:
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"


class LazyBackend:
    """A backend whose model is loaded on first use.

    Its identity is known without loading, so a run answered entirely from the cache
    loads no model at all. Loading happens once, under a lock (the app shares backends).
    """

    def __init__(self, name: str, model: str, identity: str, load: Callable[[], Backend]) -> None:
        self.name = name
        self.model = model
        self.identity = identity
        self._load = load
        self._backend: Backend | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def backend(self) -> Backend:
        with self._lock:
            if self._backend is None:
                self._backend = self._load()
            return self._backend

    def translate(
        self,
        sentences: Sequence[str],
        options: DecodeOptions,
        progress: ProgressFn | None = None,
        on_batch: BatchFn | None = None,
    ) -> list[str]:
        return self.backend().translate(sentences, options, progress, on_batch)


@dataclass(frozen=True)
class BackendSpec:
    """A backend chosen and its model checked (and converted), not loaded yet.

    It names everything loading needs, so the same backend can be loaded later (lazily) or
    elsewhere: a Ray actor loads it from ``path``, or from a copy of that folder.
    """

    name: str
    """'transformers' or 'ctranslate2'."""
    ref: ModelRef
    identity: str
    path: Path
    """The folder the backend loads: the CTranslate2 conversion, or the Marian model itself."""
    device: str | None
    """ctranslate2: cpu or cuda, resolved; transformers: as asked (resolved on loading)."""
    precision: str
    """ctranslate2: the compute type; transformers: the torch dtype."""

    def load(self, *, path: Path | None = None, cores: int | None = None) -> Backend:
        """Load the backend, from ``path`` (a copy of ``self.path``) if given.

        ``cores``: CPU cores to decode with (default: all this process may use).
        """
        from workbench.engine import ct2, hf

        folder = path or self.path
        if self.name == ct2.NAME:
            converted = ct2.Converted(self.ref, folder, self.device or "cpu", self.precision)
            return ct2.CTranslate2Backend.load(converted, cores=cores)
        logger.info("loading model %s", self.ref.name)
        if cores is not None:
            import torch

            torch.set_num_threads(cores)
        ref = self.ref if path is None else replace(self.ref, path=path)
        return hf.TransformersBackend.load(ref, device=self.device, dtype=self.precision)


def resolve_backend(
    model: str | None = None,
    *,
    backend: str = "auto",
    device: str | None = None,
    precision: str | None = None,
) -> BackendSpec:
    """Choose the backend for ``model`` (hub id or directory; default from settings) and check
    everything it needs before any loading.

    The model is resolved and checked (missing, not Marian, hub unreachable -> ModelLoadError)
    and, for ctranslate2, converted once; ``auto`` falls back to transformers with a warning
    when the conversion is impossible.
    """
    choice = backend.lower()
    if choice not in BACKENDS:
        raise WorkbenchError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}.")
    from workbench.engine import hf, models

    ref = models.resolve(model)
    if choice in ("auto", "ctranslate2"):
        from workbench.engine import ct2

        try:
            converted = ct2.prepare(ref, device=device, precision=precision)
        except ct2.ConversionError as err:
            if choice == "ctranslate2":
                raise
            logger.warning("%s Falling back to the slower transformers backend.", err)
        else:
            return BackendSpec(
                ct2.NAME, ref, converted.identity, converted.path, converted.device, converted.compute_type
            )
    dtype = hf.check_precision(precision)
    config.device(device)  # a bad device setting is reported now, not at the first translation
    return BackendSpec(hf.TransformersBackend.name, ref, hf.identity(ref, dtype), ref.path, device, dtype)


def load_backend(
    model: str | None = None,
    *,
    backend: str = "auto",
    device: str | None = None,
    precision: str | None = None,
    lazy: bool = False,
) -> Backend:
    """The translation backend for ``model`` (hub id or directory; default from settings).

    The model is resolved and checked at once (see resolve_backend); with ``lazy`` its
    weights are loaded on the first translation only.
    """
    spec = resolve_backend(model, backend=backend, device=device, precision=precision)
    if lazy:
        return LazyBackend(spec.name, spec.ref.name, spec.identity, spec.load)
    return spec.load()
