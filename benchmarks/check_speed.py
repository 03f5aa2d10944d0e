"""How long the name checker takes on 1,000 sentences (target: under 1 s, 2,000-person knowledge base).

    .venv/bin/python benchmarks/check_speed.py [--sentences 1000] [--repeat 3]

The sentences are realistic news: the eval pairs (tests/data/names_eval.jsonl), the seed
article's sentences with their reference translation (corpus/seed_sentences.*), and generated
pairs that name random people from the knowledge base in German and English with dates and
numbers, a fifth of them with a garbled name, so that most surnames are new to the checker.
Loading the knowledge base is timed on its own; checking is timed as one 1,000-sentence
document and as 100 documents of 10 sentences, for the source side alone and for source + MT,
cold (fresh knowledge base, empty caches) and warm; the last run passes corpus spellings
counted from all 100 translated documents (counting them is timed on its own, like the review
app does once for the store). Prints a table and writes benchmarks/results/check_speed.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import machine, write  # noqa: E402
from workbench import names  # noqa: E402
from workbench.names import check_segments, spelling_counts  # noqa: E402
from workbench.names.kb import load_kb  # noqa: E402

MONTHS = [
    ("Januar", "January"), ("Februar", "February"), ("März", "March"), ("April", "April"),
    ("Mai", "May"), ("Juni", "June"), ("Juli", "July"), ("August", "August"),
    ("September", "September"), ("Oktober", "October"), ("November", "November"), ("Dezember", "December"),
]  # fmt: skip
TEMPLATES = [
    ("{de} sagte am {d}. {mde} in {pde}, man werde {n} Soldaten schicken.",
     "{en} said in {pen} on {men} {d} that {n} soldiers would be sent."),
    ("Nach Angaben von {de} wurden bei dem Angriff {n} Menschen verletzt.",
     "According to {en}, {n} people were injured in the attack."),
    ("Das Treffen zwischen {de} und {de2} fand am {d}. {mde} in {pde} statt.",
     "The meeting between {en} and {en2} took place in {pen} on {men} {d}."),
    ("{de} kritisierte die Entscheidung der NATO scharf.",
     "{en} sharply criticised NATO's decision."),
]  # fmt: skip
PLACES = [
    ("Moskau", "Moscow"),
    ("Kiew", "Kyiv"),
    ("Brüssel", "Brussels"),
    ("Peking", "Beijing"),
    ("Berlin", "Berlin"),
]


def _garble(name: str, rng: random.Random) -> str:
    words = name.split()
    family = words[-1]
    if len(family) > 4:
        i = rng.randrange(1, len(family) - 1)
        family = family[:i] + family[i + 1] + family[i] + family[i + 2 :]
    return " ".join([*words[:-1], family])


def sentences(kb, count: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """count line-aligned (German, English) sentences."""
    rng = random.Random(seed)
    src: list[str] = []
    mt: list[str] = []
    eval_path = ROOT / "tests" / "data" / "names_eval.jsonl"
    if eval_path.is_file():
        for line in eval_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                src.append(row["src"])
                mt.append(row["mt"])
    seed_de, seed_en = (
        ROOT / "corpus" / "seed_sentences.de.txt",
        ROOT / "corpus" / "seed_sentences.ref.en.txt",
    )
    if seed_de.is_file() and seed_en.is_file():
        src += seed_de.read_text(encoding="utf-8").splitlines()
        mt += seed_en.read_text(encoding="utf-8").splitlines()
    people = [r for r in kb.records if r.german]
    while len(src) < count:
        de_t, en_t = rng.choice(TEMPLATES)
        a, b = rng.sample(people, 2)
        (mde, men), (pde, pen) = rng.choice(MONTHS), rng.choice(PLACES)
        en_a = _garble(a.canonical, rng) if rng.random() < 0.2 else a.canonical
        values = {
            "d": rng.randint(1, 28),
            "n": rng.randint(2, 900),
            "mde": mde,
            "men": men,
            "pde": pde,
            "pen": pen,
        }
        src.append(de_t.format(de=a.german, de2=b.german, **values))
        mt.append(en_t.format(en=en_a, en2=b.canonical, **values))
    return src[:count], mt[:count]


def _timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    flags = fn()
    return time.perf_counter() - start, flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="warm runs after the cold one")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "check_speed.json"))
    args = parser.parse_args()

    start = time.perf_counter()
    kb = load_kb()
    load_s = time.perf_counter() - start
    src, mt = sentences(kb, args.sentences)
    n = len(src)
    start = time.perf_counter()
    corpus = spelling_counts(["\n".join(mt[i : i + 10]) for i in range(0, n, 10)], kb, "en")
    corpus_s = time.perf_counter() - start
    runs = {
        "source only, one document": lambda kb: len(check_segments(src, kb=kb)),
        "source + MT, one document": lambda kb: len(check_segments(src, mt, kb=kb)),
        "source + MT, 100 documents of 10": lambda kb: sum(
            len(check_segments(src[i : i + 10], mt[i : i + 10], kb=kb)) for i in range(0, n, 10)
        ),
        "... with corpus spellings": lambda kb: sum(
            len(check_segments(src[i : i + 10], mt[i : i + 10], kb=kb, corpus_spellings=corpus))
            for i in range(0, n, 10)
        ),
    }
    results = []
    print(f"knowledge base: {len(kb)} people, loaded in {load_s:.3f} s (not counted below)")
    print(f"corpus: {len(corpus)} spellings from {n} sentences in {corpus_s:.3f} s (not counted below)\n")
    print(f"{'run':<36}{'sentences':>10}{'cold s':>8}{'warm s':>8}{'ms/sent':>9}{'flags':>7}")
    for name, fn in runs.items():
        # Cold: a fresh knowledge base and empty word caches, as in a new process.
        fresh = load_kb()
        names.clear_caches()
        cold, flags = _timed(lambda fresh=fresh, fn=fn: fn(fresh))
        warm = min(_timed(lambda fresh=fresh, fn=fn: fn(fresh))[0] for _ in range(args.repeat))
        results.append(
            {"run": name, "sentences": n, "cold_seconds": cold, "warm_seconds": warm, "flags": flags}
        )
        print(f"{name:<36}{n:>10}{cold:>8.3f}{warm:>8.3f}{1000 * cold / n:>9.2f}{flags:>7}")
    report = {
        "kb_people": len(kb),
        "kb_load_seconds": load_s,
        "corpus_spellings": len(corpus),
        "corpus_count_seconds": corpus_s,
        "repeat": args.repeat,
        "cold": "first call with a fresh knowledge base and empty caches; ms/sent is from it",
        "warm": "fastest of the repeats after it (caches filled)",
        "machine": machine(),
        "runs": results,
    }
    write(report, args.out)


if __name__ == "__main__":
    main()
