"""Translate a stored document with a model, as systems that can be compared.

A run with the glossary stores two systems: the model's raw output ("NAME") and the output
with the glossary applied ("NAME +glossary"), so what the glossary does is measured on the
references, not assumed. Without the glossary only "NAME" is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from workbench.engine import Backend, DecodeOptions
from workbench.errors import InputError
from workbench.glossary import GlossaryEntry
from workbench.service import translate_sentences
from workbench.store import GLOSSARY_SUFFIX, NewTranslation, Store, System


@dataclass(frozen=True)
class TranslateResult:
    document_id: int
    system: str  # the system the reviewer sees first: with the glossary, if applied
    n_segments: int
    n_cached: int  # answered from the translation cache without decoding
    systems: tuple[str, ...] = ()  # every system stored by this run


def default_system_name(backend: Backend, options: DecodeOptions) -> str:
    """A model's system name: the hub id or the model folder's name, plus the decoding options
    that differ from the defaults ("opus-mt-de-en", "opus-mt-de-en beams=1")."""
    model = backend.model
    name = PurePath(model).name if model.startswith(("/", ".", "~")) else model
    defaults = DecodeOptions()
    changed = [
        f"{field}={getattr(options, field)}"
        for field in (
            "beams",
            "max_new_tokens",
            "length_penalty",
            "repetition_penalty",
            "no_repeat_ngram_size",
        )
        if getattr(options, field) != getattr(defaults, field)
    ]
    return " ".join([name, *changed])


def model_systems(
    store: Store, backend: Backend, options: DecodeOptions, *, name: str | None, glossary: bool
) -> tuple[System, System | None]:
    """The raw system and (with the glossary) the glossary system of a model run.

    A name the user gave must be free or mean the same model and options; an automatic name
    taken by another model (a retrained one in the same folder) gets a number instead.
    """

    def system(base: str, with_glossary: bool) -> System:
        wanted = base + (GLOSSARY_SUFFIX if with_glossary else "")
        settings = {
            "model": backend.identity,
            "model_name": backend.model,
            "options": options.cache_key(),
            "glossary": with_glossary,
        }
        if name is not None:
            return store.add_system(wanted, **settings)
        n = 1
        while True:
            try:
                return store.add_system(wanted, **settings)
            except InputError:
                n += 1
                wanted = f"{base} ({n})" + (GLOSSARY_SUFFIX if with_glossary else "")

    base = name.strip() if name is not None else default_system_name(backend, options)
    raw = system(base, False)
    return raw, (system(base, True) if glossary else None)


def translate_document(
    store: Store,
    document_id: int,
    backend: Backend,
    options: DecodeOptions,
    progress: Callable[[int], None] | None = None,
    *,
    glossary_entries: Sequence[GlossaryEntry] | None = None,
    use_glossary: bool = True,
    system: str | None = None,
) -> TranslateResult:
    """Translate every segment of a document and store the systems' translations (one
    transaction). The glossary is the store's unless ``glossary_entries`` is given.
    Translations these systems made before are replaced."""
    segments = store.segments(document_id)
    if not segments:
        store.document(document_id)  # NotFoundError for a missing document
        raise InputError(f"document {document_id} has no segments to translate.")
    entries = (
        (store.glossary_entries() if glossary_entries is None else glossary_entries) if use_glossary else ()
    )
    results = translate_sentences(
        [s.source for s in segments], backend, options, store=store, glossary=entries, progress=progress
    )
    with store.transaction():
        raw, glossed = model_systems(store, backend, options, name=system, glossary=use_glossary)
        store.save_translations(
            raw.id, [NewTranslation(seg.id, r.raw) for seg, r in zip(segments, results, strict=True)]
        )
        if glossed is not None:
            store.save_translations(
                glossed.id,
                [
                    NewTranslation(seg.id, r.translation, r.raw, tuple(a.as_json() for a in r.applied))
                    for seg, r in zip(segments, results, strict=True)
                ],
            )
    shown = glossed or raw
    return TranslateResult(
        document_id,
        shown.name,
        len(segments),
        sum(1 for r in results if r.cached),
        tuple(s.name for s in (raw, glossed) if s is not None),
    )
