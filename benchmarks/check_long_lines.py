"""How the name checker's time grows with the length of one line (target: a 2 MB line in under 2 s).

    .venv/bin/python benchmarks/check_long_lines.py [--sizes 250000,500000,1000000,2000000]

A check that compares every word with every other is quadratic: a 2 MB single line once took
242 s (issue 13). Each kind of line below is built at each size and checked as one segment,
the German source alone and source + English translation; the seconds per MB should stay flat
as the line grows. The kinds:

  article     the seed article (German, and its reference translation) repeated
  many-names  sentences naming a different person each time, half of them unknown surnames,
              so the document has tens of thousands of distinct name forms
  numbers     dates, decades and numbers with scale words
  invisible   the article with a zero-width space or soft hyphen every few letters

The knowledge base is loaded once beforehand (its time is printed, not counted). Prints a
table and writes benchmarks/results/check_long_lines.json.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import machine, write  # noqa: E402
from workbench.names import check_segments, clear_caches  # noqa: E402
from workbench.names.kb import load_kb  # noqa: E402


def _repeat(text: str, size: int) -> str:
    return (text * (size // max(1, len(text)) + 1))[:size]


def _article(size: int) -> tuple[str, str]:
    de = (ROOT / "corpus" / "seed_article.de.txt").read_text(encoding="utf-8").replace("\n", " ")
    en = (ROOT / "corpus" / "seed_article.ref.en.txt").read_text(encoding="utf-8").replace("\n", " ")
    return _repeat(de + " ", size), _repeat(en + " ", size)


def _many_names(size: int, kb) -> tuple[str, str]:
    rng = random.Random(0)
    people = [r for r in kb.records if " " in r.canonical]
    syllables = ["ka", "ro", "li", "mann", "ber", "sch", "tz", "wo", "ne", "ski", "ga", "dorf", "ler"]
    de, en = [], []
    length = 0
    while length < size:
        if rng.random() < 0.5:
            r = rng.choice(people)
            german, english = r.german_forms[0], r.canonical
        else:
            family = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
            german = english = f"Markus {family}"
        n = rng.randint(2, 900)
        de.append(f"Laut Minister {german} wurden {n} Menschen verletzt.")
        en.append(f"According to Minister {english}, {n} people were injured.")
        length += len(de[-1]) + 1
    return _repeat(" ".join(de), size), _repeat(" ".join(en), size)


def _numbers(size: int) -> tuple[str, str]:
    de = (
        "Am 3. Oktober 2024 stieg die Zahl um 1.500 auf 2,5 Milliarden Euro, wie in den 90er-Jahren; "
        "um 14.30 Uhr meldeten 12 Städte 3,8 Prozent. "
    )
    en = (
        "On October 3, 2024 the number rose by 1,500 to 2.5 billion euros, as in the 1990s; "
        "at 2:30 p.m. 12 cities reported 3.8 percent. "
    )
    return _repeat(de, size), _repeat(en, size)


def _invisible(size: int) -> tuple[str, str]:
    de, en = _article(size)
    marks = "\u200b\u00ad\u200d"
    return "".join(c + marks[i % 3] if i % 7 == 0 else c for i, c in enumerate(de))[:size], en


def _timed(fn) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (the CPU time of this process: on a machine shared with other
    work the wall clock counts their time too) and the number of flags."""
    clear_caches()
    start, cpu = time.perf_counter(), time.process_time()
    flags = fn()
    return time.perf_counter() - start, time.process_time() - cpu, len(flags)


def _commands(article: tuple[str, str]) -> list[dict]:
    """The whole `workbench check` command on the largest article line, as a user runs it: start-up,
    the knowledge base, the check and the printing of every flag (CPU time of the child)."""
    import resource
    import subprocess
    import tempfile

    workbench = Path(sys.executable).with_name("workbench")
    out = []
    print(f"\nthe whole command on the article line of {len(article[0]):,} characters:")
    with tempfile.TemporaryDirectory() as tmp:
        de, en = Path(tmp, "line.de.txt"), Path(tmp, "line.en.txt")
        de.write_text(article[0] + "\n", encoding="utf-8")
        en.write_text(article[1] + "\n", encoding="utf-8")
        runs = (("check FILE", [str(de)]), ("check --src --mt", ["--src", str(de), "--mt", str(en)]))
        for label, args in runs:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([str(workbench), "check", *args], stdout=subprocess.DEVNULL, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(f"  workbench {label:<18} {wall:6.2f} s wall clock, {cpu:6.2f} s CPU")
            out.append({"command": f"workbench {label}", "chars": len(article[0]), "seconds": wall,
                        "cpu_seconds": cpu})  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="250000,500000,1000000,2000000")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "check_long_lines.json"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    start = time.perf_counter()
    kb = load_kb()
    print(f"knowledge base: {len(kb)} people, loaded in {time.perf_counter() - start:.3f} s (not counted)\n")
    kinds = {
        "article": _article,
        "many-names": lambda size: _many_names(size, kb),
        "numbers": _numbers,
        "invisible": _invisible,
    }
    print("seconds: wall clock / CPU time of this process; s/MB from the CPU time")
    print(f"{'kind':<12}{'chars':>10}{'src s':>12}{'s/MB':>6}{'flags':>7}", end="")
    print(f"{'src+mt s':>13}{'s/MB':>6}{'flags':>7}")
    results = []
    for kind, build in kinds.items():
        for size in sizes:
            src, mt = build(size)
            src_s, src_cpu, src_flags = _timed(lambda src=src: check_segments([src], kb=kb))
            both_s, both_cpu, both_flags = _timed(lambda src=src, mt=mt: check_segments([src], [mt], kb=kb))
            mb = size / 1e6
            print(
                f"{kind:<12}{size:>10}{src_s:>6.2f}/{src_cpu:<5.2f}{src_cpu / mb:>6.2f}{src_flags:>7}"
                f"{both_s:>7.2f}/{both_cpu:<5.2f}{both_cpu / mb:>6.2f}{both_flags:>7}",
                flush=True,
            )
            results.append(
                {"kind": kind, "chars": size, "source_seconds": src_s, "source_cpu_seconds": src_cpu,
                 "source_flags": src_flags, "source_and_mt_seconds": both_s,
                 "source_and_mt_cpu_seconds": both_cpu, "source_and_mt_flags": both_flags}
            )  # fmt: skip
    commands = _commands(kinds["article"](max(sizes)))
    report = {
        "kb_people": len(kb),
        "commands": commands,
        "target": "a 2 MB line in under 2 s",
        "machine": machine(),
        "runs": results,
    }
    write(report, args.out)


if __name__ == "__main__":
    main()
