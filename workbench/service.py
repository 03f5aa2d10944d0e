"""Use cases the CLI and the app share: translating sentences and articles, writing the results.

The translation cache holds the raw machine translation; glossary corrections are applied
afterwards, so editing the glossary takes effect without translating again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import glossary as glossary_mod
from workbench.engine import Backend, DecodeOptions, ProgressFn
from workbench.engine.batching import unique
from workbench.errors import InputError
from workbench.glossary import GlossaryEntry, Replacement
from workbench.segment import Article, parse_article, reassemble
from workbench.store import Store
from workbench.textio import TextFile, write_atomic


@dataclass(frozen=True)
class SentenceTranslation:
    source: str
    translation: str
    """What the user gets: the raw translation with glossary corrections applied."""
    raw: str
    """The model's output, as cached."""
    applied: tuple[Replacement, ...]
    cached: bool
    """Whether the raw translation came from the cache (no model work)."""


@dataclass(frozen=True)
class ArticleTranslation:
    name: str
    model: str
    article: Article
    sentences: tuple[SentenceTranslation, ...]
    """One per segment of ``article``, in the same order."""
    text: str
    """The English article: one paragraph per German paragraph, blank lines kept."""

    @property
    def from_cache(self) -> int:
        return sum(s.cached for s in self.sentences)

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready record per sentence."""
        return [
            {
                "paragraph": segment.paragraph,
                "sentence": segment.sentence,
                "source": result.source,
                "translation": result.translation,
                "raw": result.raw,
                "model": self.model,
                "boilerplate": segment.boilerplate,
                "cached": result.cached,
                "applied": [r.as_json() for r in result.applied],
            }
            for segment, result in zip(self.article.segments, self.sentences, strict=True)
        ]


def translate_sentences(
    sentences: Sequence[str],
    backend: Backend,
    options: DecodeOptions,
    *,
    store: Store | None,
    glossary: Sequence[GlossaryEntry] = (),
    progress: ProgressFn | None = None,
) -> list[SentenceTranslation]:
    """Translate sentences (order kept), from the cache where possible, then apply the glossary.

    Only cache misses reach the backend; each finished batch is cached at once, so an
    interrupted run resumes where it stopped. Without a store nothing is read or written.
    """
    sentences = list(sentences)
    counts = Counter(sentences)
    todo = [s for s in unique(sentences) if s.strip()]
    options_key = options.cache_key()
    cached = store.cached_translations(backend.identity, options_key, todo) if store else {}
    misses = [s for s in todo if s not in cached]
    if progress:
        progress(len(sentences) - sum(counts[s] for s in misses))

    stored: set[str] = set()

    def keep(sources: Sequence[str], translations: Sequence[str]) -> None:
        if store:
            store.cache_translations(
                backend.identity, options_key, dict(zip(sources, translations, strict=True))
            )
            stored.update(sources)
        if progress:
            progress(sum(counts[s] for s in sources))

    fresh: dict[str, str] = {}
    if misses:
        fresh = dict(zip(misses, backend.translate(misses, options, on_batch=keep), strict=True))
    if store and (unsaved := {s: t for s, t in fresh.items() if s not in stored}):
        # A backend that does not report batches: cache everything at the end.
        store.cache_translations(backend.identity, options_key, unsaved)

    return finish_sentences(sentences, {**cached, **fresh}, cached, glossary)


def finish_sentences(
    sentences: Sequence[str],
    raw: Mapping[str, str],
    cached: Container[str],
    glossary: Sequence[GlossaryEntry] = (),
) -> list[SentenceTranslation]:
    """Each sentence's raw translation (blank sentences: "") with the glossary applied.

    ``cached``: the sentences whose translation came from the cache. Every way of translating
    (one machine, Ray) ends here, so their outputs agree.
    """
    results = []
    for sentence in sentences:
        text = raw.get(sentence, "")
        corrected, applied = glossary_mod.apply(text, glossary) if glossary else (text, [])
        results.append(SentenceTranslation(sentence, corrected, text, tuple(applied), sentence in cached))
    return results


def translate_article(
    text_file: TextFile,
    backend: Backend,
    options: DecodeOptions,
    *,
    store: Store | None,
    glossary: Sequence[GlossaryEntry] = (),
    progress: ProgressFn | None = None,
    article: Article | None = None,
) -> ArticleTranslation:
    """Segment a German article, translate its sentences and reassemble the English article.

    ``article``: the text already segmented (e.g. to size a progress bar), to skip doing it again.
    """
    article = article or parse_article(text_file.text)
    results = translate_sentences(
        [segment.source for segment in article.segments],
        backend,
        options,
        store=store,
        glossary=glossary,
        progress=progress,
    )
    return finish_article(text_file.name, backend.model, article, results)


def finish_article(
    name: str, model: str, article: Article, results: Sequence[SentenceTranslation]
) -> ArticleTranslation:
    """The English article from its sentences' translations (one per segment, in order)."""
    text = reassemble(article, [r.translation for r in results])
    return ArticleTranslation(name, model, article, tuple(results), text)


def output_stem(name: str) -> str:
    """``article.de.txt`` -> ``article``: the outputs become article.en.txt and article.jsonl."""
    stem = Path(name).stem
    if stem.lower().endswith(".de") and len(stem) > 3:
        stem = stem[:-3]
    return stem


def output_paths(outdir: Path, stem: str) -> tuple[Path, Path]:
    """OUTDIR/STEM.en.txt and OUTDIR/STEM.jsonl."""
    return Path(outdir) / f"{stem}.en.txt", Path(outdir) / f"{stem}.jsonl"


def make_outdir(outdir: Path) -> None:
    """Create the output folder, or raise InputError naming it.

    Call it before any translating: a folder that cannot be made would fail every input, one
    by one, each after its translation.
    """
    try:
        Path(outdir).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"cannot create the output folder {outdir}: {err.strerror}. Choose another -o OUTDIR."
        ) from None


def write_outputs(result: ArticleTranslation, outdir: Path, stem: str) -> tuple[Path, Path]:
    """Write OUTDIR/STEM.en.txt and OUTDIR/STEM.jsonl, each atomically; returns both paths."""
    text_path, jsonl_path = output_paths(outdir, stem)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in result.rows())
    write_atomic(jsonl_path, lines)
    write_atomic(text_path, result.text)
    return text_path, jsonl_path
