"""Translation backends behind one interface.

Stages, each testable alone: tokenize -> batch (length-sorted, token budget) -> generate
-> detokenize. Backends: ``transformers`` (the reference, workbench/engine/hf.py) and
``ctranslate2`` (workbench/engine/ct2.py). Nothing here knows about files, the database
or Streamlit; a loaded backend is read-only and safe to share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

ProgressFn = Callable[[int], None]
"""Called with the number of sentences just finished."""


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings; they mean the same on every backend and are part of the cache key."""

    beams: int = 4
    max_new_tokens: int = 256
    batch_tokens: int = 2048
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0

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
        self, sentences: Sequence[str], options: DecodeOptions, progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate sentences; output order equals input order; duplicates decoded once."""
        ...
