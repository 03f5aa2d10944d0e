"""Name accuracy: of the known names in the references, how many did the MT spell exactly right?

A narrower question than BLEU, and the one German-news review cares about most. Matching
is whole-word and case-sensitive; possessives count. A miss says what the MT wrote instead
(a known wrong form, or a look-alike spelling), so it can be fixed. Pure: callers read files.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from workbench.errors import ScoringError
from workbench.glossary import GlossaryEntry
from workbench.metrics.base import Score, check_aligned
from workbench.names import kb


@dataclass(frozen=True)
class NameForm:
    """A name as it should be written, and forms of it known to be wrong.

    short_forms are shorter mentions of the same name that also count (the surname of a
    person: news writes "Mark Milley" once and "Milley" after that).
    """

    canonical: str
    variants: tuple[str, ...] = ()
    short_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameMiss:
    line: int  # 1-based
    expected: str
    got: str | None  # the known wrong form (or other casing) the hypothesis had instead, if any

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "expected": self.expected, "got": self.got}


@dataclass(frozen=True)
class NameAccuracy:
    correct: int
    total: int
    share: float | None  # None when the references mention no known name
    ci_low: float | None
    ci_high: float | None
    misses: tuple[NameMiss, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "share": self.share,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "misses": [m.as_json() for m in self.misses],
        }


def _word_pattern(forms: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    ordered = sorted({f for f in forms if f.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    # Longest first so "Mark Milley" is one mention, not also "Milley"; \w-boundaries
    # leave possessives ("Milley's", "Scholz'") outside the match.
    alternatives = "|".join(re.escape(f) for f in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


@dataclass(frozen=True)
class _Matcher:
    expected: re.Pattern[str]
    wrong: dict[str, re.Pattern[str]]  # expected form -> its known wrong forms, any case
    forms: dict[str, tuple[str, ...]]  # expected form -> itself and its known wrong forms
    full_short: tuple[tuple[str, str], ...]  # a full mention also serves its short form

    def line_result(self, number: int, hyp: str, ref: str) -> tuple[int, int, list[NameMiss]]:
        wanted = Counter(m.group(0) for m in self.expected.finditer(ref))
        if not wanted:
            return 0, 0, []
        # Mentions of known names in the hypothesis that no reference mention has claimed yet.
        found = [(m.group(0), m.span()) for m in self.expected.finditer(hyp)]
        free = list(found)
        correct = 0
        missing: dict[str, int] = {}
        for form, count in wanted.items():
            hits = [mention for mention in free if mention[0] == form][:count]
            for mention in hits:
                free.remove(mention)
            correct += len(hits)
            if count > len(hits):
                missing[form] = count - len(hits)
        # "Milley" in the reference is rendered right by "Mark Milley" in the hypothesis.
        for full, short in self.full_short:
            for mention in [m for m in free if m[0] == full][: missing.get(short, 0)]:
                free.remove(mention)
                missing[short] -= 1
                correct += 1
        missing = {form: count for form, count in missing.items() if count}
        claimed = [span for mention, span in found if (mention, span) not in free]
        got = self._written_instead(hyp, missing, claimed, free)
        misses: list[NameMiss] = []
        for form, count in missing.items():
            misses.extend(
                NameMiss(number, form, got[form][i] if i < len(got[form]) else None) for i in range(count)
            )
        return correct, sum(wanted.values()), misses

    def _written_instead(
        self,
        hyp: str,
        missing: dict[str, int],
        claimed: list[tuple[int, int]],
        free: list[tuple[str, tuple[int, int]]],
    ) -> dict[str, list[str]]:
        """What the hypothesis wrote for each missed name, so the miss can be acted on.

        In order of trust: a known wrong form (or other casing); a short form standing for
        the full name ("Scholz" for "Olaf Scholz"); a look-alike spelling. Each span explains
        one miss, and a full name claims its words before its short form ("Sergei SHOIGU" is
        not also the bare "Shoigu").
        """
        taken = list(claimed)
        got: dict[str, list[str]] = {}
        for form in sorted(missing, key=len, reverse=True):
            found = self.wrong[form].finditer(hyp) if form in self.wrong else ()
            spans = [m.span() for m in found if m.group(0) != form]
            if not spans:
                shorts = {short for full, short in self.full_short if full == form}
                spans = [_with_given_name(hyp, span, form) for text, span in free if text in shorts]
            if not spans:
                spans = _look_alikes(hyp, form, self.forms.get(form, ()))
            chosen = [(a, b) for a, b in spans if not any(s < b and a < e for s, e in taken)][: missing[form]]
            taken += chosen
            got[form] = [hyp[a:b] for a, b in chosen]
        return got


# O'Brien and d'Alema are one word; Scholes' and Millie's are the name and a possessive.
_WORD = re.compile(r"[^\W\d_](?:[\w-]|['’](?=\w)(?!s\b))*")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\s+$")


def _with_given_name(hyp: str, span: tuple[int, int], form: str) -> tuple[int, int]:
    """A surname span widened to the word before it when that word is the full name's given
    name misspelt ("Naphtali Bennett" for "Naftali Bennett"), so the miss shows the garble."""
    words = form.split()
    if len(words) < 2:
        return span
    before = _WORD_BEFORE.search(hyp, 0, span[0])
    if before is None:
        return span
    from rapidfuzz import fuzz

    given = " ".join(words[:-1]).casefold()
    if before.group(1) != words[-2] and fuzz.ratio(before.group(1).casefold(), given) >= _LOOK_ALIKE:
        return before.start(1), span[1]
    return span


_LOOK_ALIKE = 75  # rapidfuzz ratio: "Millie" ~ "Milley" (83), "Gerasimo" ~ "Gerasimov" (94)


def _similar_spans(
    hyp: str, words: list[re.Match[str]], targets: set[str], size: int, exact: str
) -> list[tuple[int, int]]:
    from rapidfuzz import fuzz

    scored = []
    for i in range(len(words) - size + 1):
        start, end = words[i].start(), words[i + size - 1].end()
        text = hyp[start:end]
        score = max(fuzz.ratio(text.casefold(), target) for target in targets)
        if score >= _LOOK_ALIKE and text != exact:
            scored.append((-score, start, end))
    return [(start, end) for _, start, end in sorted(scored)]


def _look_alikes(hyp: str, form: str, known: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Spans of the hypothesis that look like a garbled ``form`` or one of its known spellings
    (same number of words), best first.

    A miss is easier to act on when it says what the MT wrote instead ("got Millie"), also
    when that garble is in no glossary or knowledge base yet. When no span of the full
    name's length looks alike, the MT may have dropped the given name ("Mr Scholes" for
    "Olaf Scholz"), so single words are compared with the surname.
    """
    words = list(_WORD.finditer(hyp))
    targets = {f.casefold() for f in (form, *known) if f.strip()}
    size = len(form.split())
    spans = _similar_spans(hyp, words, targets, size, form)
    if not spans and size > 1:
        surnames = {t.split()[-1] for t in targets}
        spans = _similar_spans(hyp, words, surnames, 1, form)
    return spans


def _matcher(names: Sequence[NameForm]) -> _Matcher | None:
    wrong_forms: dict[str, set[str]] = {}
    full_short: list[tuple[str, str]] = []
    for name in names:
        if not name.canonical.strip():
            continue
        # The expected form in other casing ("MILLEY", "milley") is also a wrong rendering.
        wrong_forms.setdefault(name.canonical, set()).update({*name.variants, name.canonical})
        short_variants = {v.split()[-1] for v in name.variants if v.strip()}
        for short in name.short_forms:
            wrong_forms.setdefault(short, set()).update({*name.variants, *short_variants, short})
            full_short.append((name.canonical, short))
    expected = _word_pattern(wrong_forms)
    if expected is None:
        return None
    wrong = {
        form: pattern for form, variants in wrong_forms.items() if (pattern := _word_pattern(variants, re.I))
    }
    forms = {form: tuple(sorted(variants)) for form, variants in wrong_forms.items()}
    return _Matcher(expected, wrong, forms, tuple(full_short))


_Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


def wilson_interval(correct: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval for a share of mentions.

    Each mention is one trial: resampling lines instead would treat a line with seven names
    as one observation and give a far too narrow interval for a handful of lines. Wilson
    stays inside 0-1 and is sound for small counts and shares near 0 or 1.
    """
    share = correct / total
    z2 = _Z95 * _Z95
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = _Z95 * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    # At 0 of n (n of n) the bound is 0 (1) exactly; the formula leaves a rounding error.
    low = 0.0 if correct == 0 else max(0.0, centre - half)
    high = 1.0 if correct == total else min(1.0, centre + half)
    return low, high


def name_accuracy(hyps: Sequence[str], refs: Sequence[str], names: Sequence[NameForm]) -> NameAccuracy:
    """Share of known-name mentions in the references that the hypothesis spells exactly.

    Matching is whole-word and case-sensitive; possessives count. A mention is correct when
    the hypothesis line has the same form (as often as the reference has it). The 95%
    interval is Wilson's over mentions (wilson_interval).
    """
    check_aligned(hyps, [refs], "hypothesis", ["reference"])
    matcher = _matcher(names)
    correct = total = 0
    misses: list[NameMiss] = []
    if matcher is not None:
        for number, (hyp, ref) in enumerate(zip(hyps, refs, strict=True), start=1):
            line_correct, line_total, line_misses = matcher.line_result(number, hyp, ref)
            correct += line_correct
            total += line_total
            misses.extend(line_misses)
    if not total:
        return NameAccuracy(0, 0, None, None, None, ())
    low, high = wilson_interval(correct, total)
    return NameAccuracy(correct, total, correct / total, low, high, tuple(misses))


def mentions(refs: Sequence[str], names: Sequence[NameForm]) -> int:
    """How many mentions of the known names the references hold (what name accuracy counts)."""
    matcher = _matcher(names)
    if matcher is None:
        return 0
    return sum(len(matcher.expected.findall(ref)) for ref in refs)


def name_forms_from_glossary(entries: Iterable[GlossaryEntry]) -> list[NameForm]:
    """Each correct name with its known wrong forms as variants (kind "name" only)."""
    variants: dict[str, list[str]] = {}
    for entry in entries:
        if entry.kind == "name" and entry.right.strip():
            variants.setdefault(entry.right, []).append(entry.wrong)
    return [NameForm(right, tuple(dict.fromkeys(wrong))) for right, wrong in variants.items()]


def name_forms(records: Iterable[kb.NameRecord]) -> list[NameForm]:
    """Name forms of knowledge-base records: the German spellings count as wrong forms in
    English, because MT carries them over (Schoigu for Shoigu); a person's surname is the
    short form a text uses alone."""
    forms = []
    for record in records:
        wrong = tuple(
            v for v in dict.fromkeys([*record.german_forms, *record.variants]) if v != record.canonical
        )
        surname = record.surname if record.kind == "person" else ""
        forms.append(NameForm(record.canonical, wrong, (surname,) if len(surname) > 2 else ()))
    return forms


def parse_name_forms_csv(text: str, source: str = "names.csv") -> list[NameForm]:
    """Name forms from names.csv text, read by the knowledge base's one reader (names.kb)."""
    return name_forms(kb.parse_records(text, source))


def load_name_forms_csv(path: str | Path) -> list[NameForm]:
    return name_forms(kb.read_records(path))


class Names:
    """Name accuracy behind the Metric protocol (registry key "names"), in percent.

    The same counting as name_accuracy, against the first reference: the corpus score is the
    share of name mentions spelled right, with Wilson's interval over mentions; a sentence's
    score is its own share (NaN when its reference names no known name). sacrebleu_metric
    gives the same counts as a sacrebleu Metric (per sentence: mentions right, mentions), so
    sacrebleu's paired tests compare systems on names exactly as on BLEU; a resample's score
    is its summed right mentions over its summed mentions.
    """

    name: ClassVar[str] = "names"
    higher_is_better: ClassVar[bool] = True
    label: ClassVar[str] = "Names"

    def __init__(self, forms: Sequence[NameForm] | None = None, source: str = "") -> None:
        if forms is None:
            path = kb.default_kb_path()
            forms, source = load_name_forms_csv(path), source or path.name
        self.forms = tuple(forms)
        self.source = source or "the known names"
        self._matcher = _matcher(self.forms)

    def signature(self, n_refs: int = 1) -> str:
        from workbench import __version__

        return (
            f"nrefs:{n_refs}|known:{len(self.forms)}|match:word+case|ci:wilson-mentions|"
            f"version:workbench-{__version__}"
        )

    def _counts(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
        check_aligned(hyps, refs)
        if self._matcher is None:
            return [(0, 0)] * len(hyps)
        return [
            self._matcher.line_result(i, h, r)[:2] for i, (h, r) in enumerate(zip(hyps, refs[0], strict=True))
        ]

    def own_interval(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> tuple[float, float] | None:
        """Wilson's 95% interval over mentions, in percent; None when no known name is mentioned."""
        counts = self._counts(hyps, refs)
        correct, total = sum(c for c, _ in counts), sum(t for _, t in counts)
        if not total:
            return None
        low, high = wilson_interval(correct, total)
        return 100 * low, 100 * high

    def corpus_score(
        self, hyps: Sequence[str], refs: Sequence[Sequence[str]], *, n_bootstrap: int = 1
    ) -> Score:
        """The share of mentions spelled right; with n_bootstrap > 1 also Wilson's interval
        (over mentions, so no resampling is needed). ScoringError when the references mention
        no known name: there is nothing to count."""
        counts = self._counts(hyps, refs)
        correct, total = sum(c for c, _ in counts), sum(t for _, t in counts)
        if not total:
            raise ScoringError(
                f"the references mention none of the {len(self.forms)} names in {self.source}, so name "
                "accuracy has nothing to count; give the names these articles mention (--glossary FILE, "
                "or add them to the knowledge base)"
            )
        share = 100 * correct / total
        if n_bootstrap <= 1:
            return Score(self.label, share, self.signature(len(refs)))
        low, high = wilson_interval(correct, total)
        return Score(self.label, share, self.signature(len(refs)), 100 * low, 100 * high)

    def sentence_scores(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[float]:
        return [100 * c / t if t else math.nan for c, t in self._counts(hyps, refs)]

    def sacrebleu_metric(
        self, *, sentence_level: bool = False, references: Sequence[Sequence[str]] | None = None
    ) -> Any:
        return _sacrebleu_names_class()(self._matcher, len(self.forms), references)


@functools.cache
def _sacrebleu_names_class() -> type:
    """Name accuracy as a sacrebleu Metric, built on first use (sacrebleu loads lazily here)."""
    from sacrebleu.metrics.base import Metric as SacreMetricBase
    from sacrebleu.metrics.base import Score as SacreScore
    from sacrebleu.metrics.base import Signature

    class NamesSignature(Signature):
        def __init__(self, args: dict[str, Any]) -> None:
            super().__init__(args)
            from workbench import __version__

            self._abbr.update({"known": "k", "match": "m", "ci": "ci"})
            # The counting is the workbench's; sacrebleu only resamples it.
            self.info.update({"known": args["known"], "match": "word+case", "ci": "wilson-mentions"})
            self.info["version"] = f"workbench-{__version__}"

    class SacreNames(SacreMetricBase):  # type: ignore[misc]
        _SIGNATURE_TYPE = NamesSignature

        def __init__(
            self, matcher: _Matcher | None, known: int, references: Sequence[Sequence[str]] | None
        ) -> None:
            super().__init__()
            self.matcher = matcher
            self.known = known
            if references is not None:
                self._ref_cache = self._cache_references(references)

        def _preprocess_segment(self, sent: str) -> str:
            return sent

        def _extract_reference_info(self, refs: Sequence[str]) -> dict[str, Any]:
            return {"ref": refs[0] if refs else ""}

        def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[int]:
            if self.matcher is None:
                return [0, 0]
            correct, total, _ = self.matcher.line_result(0, hypothesis, ref_kwargs["ref"])
            return [correct, total]

        def _compute_score_from_stats(self, stats: Sequence[float]) -> Any:
            correct, total = float(stats[0]), float(stats[1])
            return SacreScore("Names", 100 * correct / total if total else 0.0)

        def _aggregate_and_compute(self, stats: Sequence[Sequence[float]]) -> Any:
            return self._compute_score_from_stats([sum(s[0] for s in stats), sum(s[1] for s in stats)])

    return SacreNames
