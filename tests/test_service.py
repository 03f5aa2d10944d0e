"""Translation use cases: cache, glossary, articles and their output files, on the tiny model."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import tinymodel

from workbench import service
from workbench.engine import BatchFn, DecodeOptions, ProgressFn, models
from workbench.engine.hf import TransformersBackend
from workbench.glossary import GlossaryEntry
from workbench.textio import TextFile

SOURCES = [de for de, _ in tinymodel.PAIRS]
TARGETS = [en for _, en in tinymodel.PAIRS]
OPTIONS = DecodeOptions()


class Recording:
    """Wraps a backend and records what it is asked to translate; optionally fails after N batches."""

    def __init__(self, inner: TransformersBackend, fail_after_batches: int | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.identity = inner.identity
        self.calls: list[list[str]] = []
        self.fail_after_batches = fail_after_batches

    def translate(
        self,
        sentences: Sequence[str],
        options: DecodeOptions,
        progress: ProgressFn | None = None,
        on_batch: BatchFn | None = None,
    ) -> list[str]:
        self.calls.append(list(sentences))
        batches = 0

        def counted(sources: Sequence[str], translations: Sequence[str]) -> None:
            nonlocal batches
            if on_batch:
                on_batch(sources, translations)
            batches += 1
            if batches == self.fail_after_batches:
                raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-run

        return self.inner.translate(sentences, options, progress, counted)


@pytest.fixture(scope="module")
def hf_backend(tiny_model: Path) -> TransformersBackend:
    return TransformersBackend.load(models.resolve(str(tiny_model)))


def test_second_translation_comes_from_the_cache_without_model_work(hf_backend, store):
    first = Recording(hf_backend)
    results = service.translate_sentences(SOURCES[:4], first, OPTIONS, store=store)
    assert [r.translation for r in results] == TARGETS[:4]
    assert not any(r.cached for r in results)

    second = Recording(hf_backend)
    again = service.translate_sentences(SOURCES[:4], second, OPTIONS, store=store)
    assert [r.translation for r in again] == TARGETS[:4]
    assert all(r.cached for r in again)
    assert second.calls == []


def test_only_cache_misses_reach_the_model_and_duplicates_go_once(hf_backend, store):
    service.translate_sentences(SOURCES[:2], hf_backend, OPTIONS, store=store)
    backend = Recording(hf_backend)
    sentences = [SOURCES[0], SOURCES[2], SOURCES[2], SOURCES[1], SOURCES[3]]
    results = service.translate_sentences(sentences, backend, OPTIONS, store=store)
    assert [r.translation for r in results] == [TARGETS[0], TARGETS[2], TARGETS[2], TARGETS[1], TARGETS[3]]
    assert backend.calls == [[SOURCES[2], SOURCES[3]]]
    assert [r.cached for r in results] == [True, False, False, True, False]


def test_other_decoding_options_do_not_share_cache_entries(hf_backend, store):
    service.translate_sentences(SOURCES[:2], hf_backend, OPTIONS, store=store)
    backend = Recording(hf_backend)
    service.translate_sentences(SOURCES[:2], backend, DecodeOptions(beams=1), store=store)
    assert backend.calls == [SOURCES[:2]]


def test_an_interrupted_run_resumes_from_the_cache(hf_backend, store):
    failing = Recording(hf_backend, fail_after_batches=1)
    with pytest.raises(KeyboardInterrupt):
        service.translate_sentences(SOURCES, failing, DecodeOptions(batch_tokens=16), store=store)
    saved = store.cached_translations(hf_backend.identity, OPTIONS.cache_key(), SOURCES)
    assert 0 < len(saved) < len(SOURCES)

    rerun = Recording(hf_backend)
    results = service.translate_sentences(SOURCES, rerun, DecodeOptions(batch_tokens=16), store=store)
    assert [r.translation for r in results] == TARGETS
    assert sorted(rerun.calls[0]) == sorted(s for s in SOURCES if s not in saved)


def test_without_a_store_nothing_is_cached(hf_backend, store):
    service.translate_sentences(SOURCES[:2], hf_backend, OPTIONS, store=None)
    assert store.cached_translations(hf_backend.identity, OPTIONS.cache_key(), SOURCES[:2]) == {}


def test_glossary_corrects_cached_raw_translations_without_retranslating(hf_backend, store):
    service.translate_sentences([SOURCES[7]], hf_backend, OPTIONS, store=store)
    backend = Recording(hf_backend)
    glossary = [GlossaryEntry("Gerasimov", "Gerasimov Jr."), GlossaryEntry("milley", "Milly")]
    [result] = service.translate_sentences([SOURCES[7]], backend, OPTIONS, store=store, glossary=glossary)
    assert backend.calls == []
    assert result.raw == "General Milley spoke with Gerasimov."
    assert result.translation == "General Milly spoke with Gerasimov Jr.."
    assert [r.as_json() for r in result.applied] == [
        {"from": "Milley", "to": "Milly"},
        {"from": "Gerasimov", "to": "Gerasimov Jr."},
    ]
    assert store.cached_translations(hf_backend.identity, OPTIONS.cache_key(), [SOURCES[7]]) == {
        SOURCES[7]: "General Milley spoke with Gerasimov."
    }


def test_progress_counts_every_sentence_cached_or_not(hf_backend, store):
    service.translate_sentences(SOURCES[:2], hf_backend, OPTIONS, store=store)
    ticks: list[int] = []
    sentences = [*SOURCES[:4], SOURCES[3], ""]
    service.translate_sentences(sentences, hf_backend, OPTIONS, store=store, progress=ticks.append)
    assert sum(ticks) == len(sentences)


ARTICLE = f"{SOURCES[6]}\n\n{SOURCES[0]} {SOURCES[1]}\n\n{SOURCES[3]} {SOURCES[6]}\n"
ENGLISH = f"{TARGETS[6]}\n\n{TARGETS[0]} {TARGETS[1]}\n\n{TARGETS[3]} {TARGETS[6]}\n"


def test_an_article_comes_back_paragraph_by_paragraph(hf_backend, store):
    result = service.translate_article(TextFile("a.txt", ARTICLE, "utf-8"), hf_backend, OPTIONS, store=store)
    assert result.text == ENGLISH
    rows = result.rows()
    assert [(r["paragraph"], r["sentence"]) for r in rows] == [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2)]
    assert [r["translation"] for r in rows] == [TARGETS[6], TARGETS[0], TARGETS[1], TARGETS[3], TARGETS[6]]
    assert all(r["model"] == hf_backend.model for r in rows)


def test_outputs_are_written_as_text_and_jsonl(hf_backend, store, tmp_path: Path):
    result = service.translate_article(TextFile("a.txt", ARTICLE, "utf-8"), hf_backend, OPTIONS, store=store)
    text_path, jsonl_path = service.write_outputs(result, tmp_path / "out", "a")
    assert text_path == tmp_path / "out" / "a.en.txt"
    assert text_path.read_text(encoding="utf-8") == ENGLISH
    raw = jsonl_path.read_text(encoding="utf-8")
    assert "Erklärung" in raw  # ensure_ascii=False: readable umlauts
    rows = [json.loads(line) for line in raw.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) >= {
        "paragraph",
        "sentence",
        "source",
        "translation",
        "model",
        "boilerplate",
        "cached",
        "applied",
    }
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.en.txt", "a.jsonl"]  # no temp files


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("article.txt", "article"),
        ("dir/article.de.txt", "article"),
        ("notes", "notes"),
        ("<stdin>", "<stdin>"),
    ],
)
def test_output_stem(name: str, stem: str):
    assert service.output_stem(name) == stem
