"""What the checks know about one document, built once and passed to each check as a value.

A check reads the context and returns flags; it never reads another check's results, so the
checks can run in any order and each can be tested alone. Everything the context holds is
derived from the document and the knowledge base: the lines with invisible characters folded
out, the name mentions on each side, which known people the document names and how it spells
them, and who a bare surname is (the person it introduced with a given name).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from workbench.glossary import GlossaryEntry
from workbench.invisible import Folded, fold
from workbench.names import mentions as mention_mod
from workbench.names.kb import KnowledgeBase, Person
from workbench.names.mentions import Mention

if TYPE_CHECKING:
    from workbench.names.corpus import Corpus

LANG = {"src": "de", "mt": "en"}


@dataclass(frozen=True)
class Side:
    """One side of the document: the source ("src", German) or the translation ("mt", English)."""

    name: str
    lang: str
    folded: tuple[Folded, ...]  # each line with its invisible characters folded out
    mentions: tuple[Mention, ...]
    by_line: Mapping[int, tuple[Mention, ...]]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(f.text for f in self.folded)

    def line(self, n: int) -> str:
        return self.folded[n - 1].text


@dataclass(frozen=True)
class Context:
    sides: Mapping[str, Side]
    kb: KnowledgeBase
    glossary: tuple[GlossaryEntry, ...]
    corpus: Corpus | None  # spellings across other documents, for the reviewed side only
    reviewed: str  # the side under review: "mt" when there is a translation, else "src"
    # (side, known person) -> right spellings of the person's family name in the document
    spelled: Mapping[tuple[str, int], Counter[str]]
    # side -> how often each known person's family name occurs
    in_document: Mapping[str, Counter[int]]
    # (side, family name) -> its mentions with a given name: who a bare mention of it is
    introduced: Mapping[tuple[str, str], tuple[Mention, ...]]
    # casefolded word -> the glossary's right form it is part of ("milley" -> "Milley")
    glossary_right: Mapping[str, str]
    # casefolded source family name -> where the name comes from (mentions.origin), where known
    origins: Mapping[str, str]
    # Per-document memo of pure lookups (a surname recurs across an article's sentences).
    memo: dict[object, object] = field(default_factory=dict, compare=False)

    @property
    def has_mt(self) -> bool:
        return "mt" in self.sides

    def accepted(self, word: str, side: str, person: Person) -> bool:
        """Whether word is a right spelling of one of the person's names in that side's language."""
        tokens = person.en_tokens if side == "mt" else person.de_tokens
        return mention_mod.stem(word, LANG[side], self.kb).casefold() in tokens


def with_given_word(line: str, m: Mention, kb: KnowledgeBase) -> Mention | None:
    """A bare mention with the capitalised word before it as its given name: "Oliver Kahn"
    where "Oliver" is no known given name (a German noun there only says "not this person")."""
    tokens = mention_mod.words(line)
    i = m.token.index
    if i == 0 or line[tokens[i - 1].end : m.token.start] != " ":
        return None
    before = tokens[i - 1]
    word = before.text
    if not word[:1].isupper() or word.isupper() or kb.is_title(word) or kb.is_non_name(word):
        return None
    return Mention(m.line, m.side, m.token, replace(m.candidate, tokens=(before, m.token)), True)


def _side(name: str, lines: Sequence[str], kb: KnowledgeBase) -> Side:
    folded = tuple(fold(line) for line in lines)
    found = mention_mod.collect([f.text for f in folded], name, LANG[name], kb)
    by_line: dict[int, list[Mention]] = defaultdict(list)
    for m in found:
        by_line[m.line].append(m)
    return Side(name, LANG[name], folded, found, {n: tuple(ms) for n, ms in by_line.items()})


def build(
    src: Sequence[str],
    mt: Sequence[str] | None,
    kb: KnowledgeBase,
    glossary: Sequence[GlossaryEntry] = (),
    corpus: Corpus | None = None,
) -> Context:
    """The context of a document: line-aligned source and (optional) translation."""
    sides = {"src": _side("src", src, kb)}
    if mt is not None:
        sides["mt"] = _side("mt", mt, kb)
    entries = tuple(g for g in glossary if g.wrong.strip() and g.right.strip())
    glossary_right: dict[str, str] = {}
    for entry in entries:
        if entry.kind == "name":
            for word in entry.right.split():
                if word[:1].isupper():
                    glossary_right.setdefault(word.casefold(), word)
    spelled: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    in_document: dict[str, Counter[int]] = {}
    introduced: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    origins: dict[str, str] = {}
    for m in sides["src"].mentions:
        if m.is_family and m.token.text.casefold() not in origins:
            found = mention_mod.origin(sides["src"].line(m.line), m, kb)
            if found:
                origins[m.token.text.casefold()] = found
    context = Context(sides, kb, entries, corpus, "mt" if mt is not None else "src", spelled, in_document,
                      {}, glossary_right, origins)  # fmt: skip
    for name, side in sides.items():
        counts: Counter[int] = Counter()
        for m in side.mentions:
            if not m.is_family:
                continue
            word = mention_mod.stem(m.token.text, side.lang, kb)
            given = {t.text.casefold() for t in m.candidate.tokens[:-1] if kb.is_given_name(t.text)}
            for p in kb.people_with_family(word):
                if given and not given & kb.people[p].given_forms:
                    continue  # "Jens Becker" names no Boris Becker
                counts[p] += 1
                if context.accepted(word, name, kb.people[p]):
                    spelled[(name, p)][word] += 1
            intro = m if len(m.candidate.tokens) > 1 else with_given_word(side.line(m.line), m, kb)
            if intro is not None:
                introduced[(name, m.token.text)].append(intro)
        in_document[name] = counts
    return replace(context, introduced={k: tuple(v) for k, v in introduced.items()})
