"""Garbled names (and altered numbers) in German news and its English machine translation.

Machine translation garbles proper names in a few recurring ways; each check finds some and
says why in a flag the reviewer can accept or dismiss (see flags.KINDS). check_segments builds
one context per document (context.py), runs the checks in the order declared in CHECKS, each
returning its flags, and merges them: one flag per span, where two checks disagree the one
declared first is believed.

  glossary     known wrong forms from the glossary                       (glossary.py)
  alignment    every person the source names must be in the translation  (alignment.py)
  people       names compared with the knowledge base of public figures  (people.py)
  corpus       a spelling rare across other documents                    (corpus.py)
  consistency  one name spelled two ways in the document                 (consistency.py)
  numbers      dates, decades, numbers and scales altered                 (numbers.py)

The knowledge base (kb.py) holds the people and the lexicons and is the one reader and writer
of names.csv; mentions.py finds the spans that name a person; translit.py knows where a name
comes from and how English spells it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from workbench.errors import InputError
from workbench.glossary import GlossaryEntry
from workbench.invisible import fold
from workbench.names import alignment, consistency, context, corpus, glossary, merge, numbers, people
from workbench.names.corpus import spelling_counts
from workbench.names.flags import KINDS, Flag
from workbench.names.kb import (
    KB_HEADER,
    KnowledgeBase,
    NameRecord,
    build_kb,
    default_kb_path,
    load_kb,
    parse_records,
    read_records,
    write_records,
)
from workbench.names.mentions import Candidate
from workbench.names.mentions import candidates as _candidates
from workbench.names.translit import transliterate

__all__ = [
    "CHECKS", "KB_HEADER", "KINDS", "Candidate", "Flag", "KnowledgeBase", "NameRecord", "build_kb",
    "candidates", "check_segments", "clear_caches", "default_kb_path", "load_kb", "parse_records",
    "read_records", "spelling_counts", "transliterate", "write_records",
]  # fmt: skip

# The checks in the order they are believed when they disagree about a span.
CHECKS = (glossary.check, alignment.check, people.check, corpus.check, consistency.check, numbers.check)


def check_segments(
    src: Sequence[str],
    mt: Sequence[str] | None = None,
    *,
    kb: KnowledgeBase,
    glossary: Sequence[GlossaryEntry] = (),
    corpus_spellings: Mapping[str, int] | None = None,
) -> list[Flag]:
    """Flags for garbled names (and altered numbers) in line-aligned German source and English MT.

    With mt None the source side alone is checked, as the text under review; with both, the
    glossary is applied to the MT (where wrong forms come from) and the two sides are compared.
    corpus_spellings (from spelling_counts over other documents in the reviewed text's language)
    adds the corpus's evidence: a spelling far rarer there than a close one is flagged as an
    inconsistency, and a near-miss goes to the person the corpus names, not a rival.
    """
    if mt is not None and len(mt) != len(src):
        raise InputError(
            f"the source has {len(src)} segments but the translation has {len(mt)}; "
            "they must be line-aligned (one segment per line in both)."
        )
    spellings = corpus.Corpus(corpus_spellings) if corpus_spellings else None
    ctx = context.build(src, mt, kb, glossary, spellings)
    found = [(order, flag) for order, run in enumerate(CHECKS) for flag in run(ctx)]
    flags = merge.merge(found)
    flags = merge.note_other_spellings(merge.join_full_names(flags, ctx))
    return merge.to_original(flags, ctx)


def candidates(text: str, lang: str, *, kb: KnowledgeBase) -> list[Candidate]:
    """Spans that name a person in one line of German ("de") or English ("en") text, with
    offsets in the text as given (invisible characters folded out for matching only)."""
    folded = fold(text)
    found = _candidates(folded.text, lang, kb=kb)
    if folded.text == text:
        return found
    out = []
    for c in found:
        start, end = folded.span(c.start, c.end)
        tokens = tuple(
            t._replace(start=s, end=e, text=text[s:e])
            for t in c.tokens
            for s, e in [folded.span(t.start, t.end)]
        )
        out.append(replace(c, start=start, end=end, text=text[start:end], tokens=tokens))
    return out


def clear_caches() -> None:
    """Empty the per-process word caches (benchmarks measure a cold start with it)."""
    from workbench.names import mentions, translit

    mentions.words.cache_clear()
    mentions.capitalised_words.cache_clear()
    mentions.sentences.cache_clear()
    translit.transliterate.cache_clear()
    translit.variant_key.cache_clear()
    translit.name_keys.cache_clear()
