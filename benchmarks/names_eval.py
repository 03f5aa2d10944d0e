"""Recall and false flags of the name checker on hand-made article pairs.

    .venv/bin/python benchmarks/names_eval.py [--data tests/data/names_eval.jsonl] [--kb corpus/names.csv]

Each line of the data file is one pair: {"id", "src", "mt", "expected": [{"side", "text",
"suggestion", "kind"}], "must_not_flag": [...], "glossary": [{"wrong", "right"}] (optional)}.
A flag finds an expected garble when it is on the same side and overlaps the expected text;
it is right when its suggestion is the expected one too. Every other flag is a false flag, and
a false flag on a `must_not_flag` text is listed as such.

Each pair is checked twice: alone, and with corpus spellings (names.spelling_counts) from the
other pairs' translations, the seed article's reference translation and three correct English
sentences for every person in the knowledge base, so that every known name is frequent in the
corpus and any capitalised word near one is put to the test. Prints a table per kind for each
run and writes benchmarks/results/names_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.glossary import GlossaryEntry  # noqa: E402
from workbench.names import KINDS, Flag, check_segments, spelling_counts  # noqa: E402
from workbench.names.kb import load_kb  # noqa: E402

CORPUS_TEMPLATES = (
    "{name} said on Monday that the talks would continue.",
    "Officials close to {name} declined to comment.",
    "In a statement, {family} called for calm.",
)


def _span(line: str, text: str) -> tuple[int, int] | None:
    start = line.find(text)
    return None if start < 0 else (start, start + len(text))


def _overlaps(flag: Flag, span: tuple[int, int] | None) -> bool:
    return span is not None and flag.start < span[1] and span[0] < flag.end


def corpus_documents(rows: list[dict], kb) -> list[str]:
    """The English corpus the second run checks against (see the module docstring)."""
    documents = [row["mt"] for row in rows]
    reference = ROOT / "corpus" / "seed_sentences.ref.en.txt"
    if reference.is_file():
        documents.append(reference.read_text(encoding="utf-8"))
    for record in kb.records:
        family = record.canonical.split()[-1]
        documents.append("\n".join(t.format(name=record.canonical, family=family) for t in CORPUS_TEMPLATES))
    return documents


def evaluate(rows: list[dict], kb, corpus: dict[str, int] | None = None) -> dict:
    found = Counter()
    right = Counter()
    kind_agreed = Counter()
    total = Counter()
    misses: list[dict] = []
    false_flags: list[dict] = []
    flagged = 0
    for row in rows:
        glossary = [GlossaryEntry(g["wrong"], g["right"]) for g in row.get("glossary", [])]
        flags = check_segments([row["src"]], [row["mt"]], kb=kb, glossary=glossary, corpus_spellings=corpus)
        flagged += len(flags)
        lines = {"src": row["src"], "mt": row["mt"]}
        used: set[int] = set()
        for exp in row["expected"]:
            total[exp["kind"]] += 1
            span = _span(lines[exp["side"]], exp["text"])
            hit = next(
                (
                    i
                    for i, f in enumerate(flags)
                    if i not in used and f.side == exp["side"] and _overlaps(f, span)
                ),
                None,
            )
            if hit is None:
                misses.append({"id": row["id"], **exp})
                continue
            used.add(hit)
            found[exp["kind"]] += 1
            flag = flags[hit]
            right[exp["kind"]] += flag.suggestion == exp["suggestion"]
            kind_agreed[exp["kind"]] += flag.kind == exp["kind"]
            if flag.suggestion != exp["suggestion"]:
                misses.append({"id": row["id"], **exp, "got_suggestion": flag.suggestion, "found": True})
        for i, f in enumerate(flags):
            if i in used:
                continue
            protected = [t for t in row["must_not_flag"] if _overlaps(f, _span(lines[f.side], t))]
            false_flags.append(
                {"id": row["id"], "side": f.side, "text": f.text, "kind": f.kind, "suggestion": f.suggestion,
                 "reason": f.reason, "must_not_flag": protected}
            )  # fmt: skip
    kinds = [k for k in KINDS if total[k]]
    per_kind = {
        k: {
            "expected": total[k],
            "found": found[k],
            "recall": found[k] / total[k],
            "right_suggestion": right[k],
            "same_kind": kind_agreed[k],
        }
        for k in kinds
    }
    n = sum(total.values())
    return {
        "pairs": len(rows),
        "expected": n,
        "found": sum(found.values()),
        "recall": sum(found.values()) / n if n else 1.0,
        "right_suggestion": sum(right.values()),
        "flags": flagged,
        "precision": (flagged - len(false_flags)) / flagged if flagged else 1.0,
        "false_flags": false_flags,
        "must_not_flag_violations": sum(bool(f["must_not_flag"]) for f in false_flags),
        "per_kind": per_kind,
        "misses": misses,
    }


def report(name: str, result: dict) -> None:
    print(f"\n== {name} ==")
    print(f"{'kind':<16}{'expected':>9}{'found':>7}{'recall':>8}{'right sugg.':>12}{'same kind':>10}")
    for kind, r in result["per_kind"].items():
        print(
            f"{kind:<16}{r['expected']:>9}{r['found']:>7}{r['recall']:>8.0%}"
            f"{r['right_suggestion']:>12}{r['same_kind']:>10}"
        )
    print(
        f"{'all':<16}{result['expected']:>9}{result['found']:>7}{result['recall']:>8.0%}"
        f"{result['right_suggestion']:>12}"
    )
    print(
        f"{result['pairs']} pairs, {result['flags']} flags, precision {result['precision']:.0%}, "
        f"{len(result['false_flags'])} false flag(s), "
        f"{result['must_not_flag_violations']} on must-not-flag text"
    )
    for f in result["false_flags"]:
        print(
            f"  false  {f['id']:<20} {f['side']:<3} {f['text']!r} -> {f['suggestion']!r} "
            f"({f['kind']}): {f['reason']}"
        )
    for m in result["misses"]:
        got = f", suggested {m['got_suggestion']!r}" if m.get("found") else ""
        label = "wrong " if m.get("found") else "missed"
        print(
            f"  {label} {m['id']:<20} {m['side']:<3} {m['text']!r} -> {m['suggestion']!r} ({m['kind']}){got}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT / "tests" / "data" / "names_eval.jsonl"))
    parser.add_argument("--kb", default=None)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "names_eval.json"))
    args = parser.parse_args()
    rows = [
        json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    kb = load_kb(args.kb)
    corpus = spelling_counts(corpus_documents(rows, kb), kb, "en")
    runs = {"alone": evaluate(rows, kb), "with corpus": evaluate(rows, kb, corpus)}
    for name, result in runs.items():
        report(name, result)
    report_json = {
        "corpus_spellings": len(corpus),
        "runs": {name.replace(" ", "_"): result for name, result in runs.items()},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report_json, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
