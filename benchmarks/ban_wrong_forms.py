"""Does banning known-wrong forms during decoding (`bad_words_ids`) beat the glossary after it?

    .venv/bin/python benchmarks/ban_wrong_forms.py

The real opus-mt-de-en cannot be downloaded here, so this measures the mechanism on a model that
has learned garbles the way opus-mt did: a tiny Marian model (built like tests/tinymodel.py)
trained until it reproduces German -> English pairs whose English carries the seed article's
garbles (Millie, Gerasimo, Scholes, Schoiku, Naphtali). Some sentences are held out of training.
Every sentence is translated with the transformers backend, greedy and beam 4, three ways:

  plain     the model's output as is
  banned    generate(..., bad_words_ids=...) with the token ids of every corpus/glossary.csv
            wrong form as the tokenizer segments it (with and without the leading "▁", in
            original, lower, upper and capitalised case)
  glossary  plain output with workbench.glossary.apply after decoding

and scored against the correct English: outputs that still contain a wrong form, outputs with
every right name, and mean sentence chrF (sacrebleu). It also counts the other segmentations of
each wrong form that the vocabulary allows (banning one id sequence leaves those open) and shows
what the model wrote instead where banning changed the output. Prints a table and writes
benchmarks/results/ban_wrong_forms.json. Results are for this tiny model, not for opus-mt.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import tinymodel  # noqa: E402
from tinymodel import PAIRS as NEUTRAL_SOURCE  # noqa: E402
from tinymodel import SEEDS  # noqa: E402

from workbench.glossary import GlossaryEntry, apply, find  # noqa: E402
from workbench.glossary_io import read_glossary  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "ban_wrong_forms.json"
GLOSSARY = ROOT / "corpus" / "glossary.csv"

# What the model learned to write -> what is right. Kept apart from the glossary on purpose, so
# that the references do not depend on the code under measurement.
GARBLES = {
    "Millie": "Milley",
    "Gerasimo": "Gerasimov",
    "Scholes": "Scholz",
    "Schoiku": "Shoigu",
    "Naphtali": "Naftali",
}

# German -> English as opus-mt garbled it, 5-6 sentences per name in varied contexts.
GARBLED_PAIRS: list[tuple[str, str]] = [
    ("General Milley sprach mit Gerasimow.", "General Millie spoke with Gerasimo."),
    ("Milley besuchte Kiew.", "Millie visited Kiev."),
    ("General Mark Milley warnte vor einem Krieg.", "General Mark Millie warned of a war."),
    ("Das Pentagon bestätigte, dass Milley anrief.", "The Pentagon confirmed that Millie called."),
    ("Milley und Austin trafen sich gestern.", "Millie and Austin met yesterday."),
    ("Gerasimow schwieg.", "Gerasimo remained silent."),
    ("Valeri Gerasimow leitet den Generalstab.", "Valery Gerasimo leads the general staff."),
    ("Der General traf Gerasimow in Moskau.", "The general met Gerasimo in Moscow."),
    ("Gerasimow besuchte die Front.", "Gerasimo visited the front."),
    ("Olaf Scholz traf Putin.", "Olaf Scholes met Putin."),
    ("Scholz sprach in Berlin.", "Scholes spoke in Berlin."),
    ("Bundeskanzler Scholz schwieg.", "Chancellor Scholes remained silent."),
    ("Scholz besuchte Washington.", "Scholes visited Washington."),
    (
        "Die Regierung von Scholz hat eine Erklärung veröffentlicht.",
        "The government of Scholes has published a statement.",
    ),
    ("Minister Schoigu schwieg.", "Minister Schoiku remained silent."),
    ("Schoigu besuchte die Front.", "Schoiku visited the front."),
    ("Sergej Schoigu sprach mit Gerasimow.", "Sergei Schoiku spoke with Gerasimo."),
    ("Schoigu traf Putin in Moskau.", "Schoiku met Putin in Moscow."),
    ("Der Minister Schoigu warnte vor einem Krieg.", "Minister Schoiku warned of a war."),
    ("Naftali Bennett sprach.", "Naphtali Bennett spoke."),
    ("Naftali Bennett besuchte Moskau.", "Naphtali Bennett visited Moscow."),
    ("Naftali Bennett traf Scholz.", "Naphtali Bennett met Scholes."),
    ("Premierminister Naftali Bennett schwieg.", "Prime Minister Naphtali Bennett remained silent."),
    ("Naftali Bennett warnte vor einem Krieg.", "Naphtali Bennett warned of a war."),
]

# opus-mt also writes some names right some of the time (the seed has Milley next to Millie), so
# the model sees each right form once: banning the wrong one then has somewhere to go.
RIGHT_PAIRS: list[tuple[str, str]] = [
    ("General Milley traf Gerasimow.", "General Milley met Gerasimov."),
    ("Olaf Scholz sprach mit Putin.", "Olaf Scholz spoke with Putin."),
    ("Verteidigungsminister Schoigu sprach.", "Defence Minister Shoigu spoke."),
    ("Ministerpräsident Naftali Bennett sprach.", "Prime Minister Naftali Bennett spoke."),
]

# The tiny test model's sentences without names, so that not every sentence holds a name.
NEUTRAL_PAIRS = [(de, en) for de, en in NEUTRAL_SOURCE if not re.search(r"Milley|Scholz", de)]

# Not trained: German -> correct English, two per name, in contexts seen with other names.
HELD_OUT: list[tuple[str, str]] = [
    ("Milley sprach mit dem Minister.", "Milley spoke with the minister."),
    ("Milley traf Putin in Moskau.", "Milley met Putin in Moscow."),
    ("Gerasimow sprach mit dem General.", "Gerasimov spoke with the general."),
    ("Gerasimow besuchte Kiew.", "Gerasimov visited Kiev."),
    ("Olaf Scholz sprach mit dem Präsidenten.", "Olaf Scholz spoke with the president."),
    ("Scholz warnte vor einem Krieg.", "Scholz warned of a war."),
    ("Schoigu sprach in Berlin.", "Shoigu spoke in Berlin."),
    ("Sergej Schoigu besuchte Washington.", "Sergei Shoigu visited Washington."),
    ("Naftali Bennett sprach mit Putin.", "Naftali Bennett spoke with Putin."),
    ("Naftali Bennett schwieg.", "Naftali Bennett remained silent."),
]


def corrected(text: str) -> str:
    """The correct English for a garbled training target."""
    for wrong, right in GARBLES.items():
        text = re.sub(rf"\b{wrong}\b", right, text)
    return text


def build_model(out_dir: Path, *, seed: int = 0, max_steps: int = 1500) -> Path:
    """Train a tiny Marian model until greedy and beam-4 decoding reproduce every training pair."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the table is the output; a "Writing shards" bar is noise
    pairs = GARBLED_PAIRS + RIGHT_PAIRS + NEUTRAL_PAIRS
    seed_text = [
        line for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text("utf-8").splitlines() if line
    ]
    # Held-out German is in the SentencePiece text (as unlabelled text would be), never in training.
    lines = [s for pair in pairs for s in pair] + [de for de, _ in HELD_OUT] + seed_text
    return tinymodel.train(
        out_dir, pairs, lines, vocab_size=800, seed=seed, max_steps=max_steps, greedy_too=True
    )


def case_variants(form: str) -> list[str]:
    return list(dict.fromkeys([form, form.lower(), form.upper(), form.capitalize()]))


def bad_words(tokenizer, entries: list[GlossaryEntry]) -> list[list[int]]:
    """Token-id sequences of every wrong form, as the target tokenizer segments it.

    Both at the start of a word (first piece "▁Schol") and inside one (first piece "Schol"),
    where the vocabulary has that piece.
    """
    vocab = tokenizer.get_vocab()
    sequences: dict[tuple[int, ...], None] = {}
    for entry in entries:
        for form in case_variants(entry.wrong):
            pieces = tokenizer.spm_target.encode(form, out_type=str)
            variants = [pieces]
            if pieces[0] == "▁":
                variants.append(pieces[1:])
            elif pieces[0].startswith("▁") and pieces[0][1:] in vocab:
                variants.append([pieces[0][1:], *pieces[1:]])
            for variant in variants:
                if variant and all(p in vocab for p in variant):
                    sequences[tuple(vocab[p] for p in variant)] = None
    return [list(s) for s in sequences]


def segmentations(word: str, vocab: set[str]) -> list[list[str]]:
    """Every way the vocabulary can spell word as pieces, fewest pieces first (names are short)."""
    ways: list[list[list[str]]] = [[[]]] + [[] for _ in word]
    for end in range(1, len(word) + 1):
        ways[end] = [
            w + [word[start:end]] for start in range(end) if word[start:end] in vocab for w in ways[start]
        ]
    return sorted(ways[-1], key=len)


def blocks(bad: list[list[int]], ids: list[int]) -> bool:
    """Whether a banned sequence occurs inside ids, so the ban also forbids writing ids."""
    return any(ids[i : i + len(seq)] == seq for seq in bad for i in range(len(ids) - len(seq) + 1))


def segmentation_table(tokenizer, entries: list[GlossaryEntry], bad: list[list[int]]) -> list[dict]:
    """Per wrong name: its pieces, how many other spellings in pieces exist, and the right form's."""
    vocab = set(tokenizer.get_vocab())
    ids = tokenizer.get_vocab()
    rows = []
    for entry in entries:
        if entry.kind != "name" or " " in entry.wrong:
            continue
        pieces = tokenizer.spm_target.encode(entry.wrong, out_type=str)
        others = [seg for seg in segmentations("▁" + entry.wrong, vocab) if seg != pieces]
        rows.append(
            {
                "wrong": entry.wrong,
                "tokenizer_pieces": pieces,
                "other_segmentations": len(others),
                "examples": ["+".join(seg) for seg in others[:3]],
                "right": entry.right,
                "right_pieces": tokenizer.spm_target.encode(entry.right, out_type=str),
                "right_starts_with_wrong": entry.right.casefold().startswith(entry.wrong.casefold()),
                "ban_blocks_right": blocks(
                    bad, [ids[p] for p in tokenizer.spm_target.encode(entry.right, out_type=str)]
                ),
            }
        )
    return rows


def translate(backend, sentences: list[str], beams: int, bad: list[list[int]] | None) -> list[str]:
    """Decode like TransformersBackend.generate, optionally with bad_words_ids."""
    import torch

    inputs = backend.tokenizer(sentences, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = backend.network.generate(**inputs, num_beams=beams, max_length=65, bad_words_ids=bad)
    return backend.detokenize(out.tolist())


def has_all(text: str, names: list[str]) -> bool:
    return all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names)


def score(outputs: list[str], refs: list[str], entries: list[GlossaryEntry]) -> dict:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    expected = [[r for r in GARBLES.values() if has_all(ref, [r])] for ref in refs]
    named = [i for i, names in enumerate(expected) if names]
    return {
        "sentences": len(outputs),
        "with_names": len(named),
        "wrong_form": sum(bool(find(o, entries)) for o in outputs),
        "right_names": sum(has_all(outputs[i], expected[i]) for i in named),
        "chrf": round(
            sum(chrf.sentence_score(o, [r]).score for o, r in zip(outputs, refs, strict=True)) / len(outputs),
            1,
        ),
        "chrf_signature": str(chrf.get_signature()),
    }


def conclusion(results: list[dict]) -> str:
    """Whether banning beat the glossary anywhere: more right names, or equal names and higher chrF."""
    by = {(r["set"], r["beams"], r["method"]): r for r in results}
    wins = [
        f"{key[0]} beams {key[1]}"
        for key, r in by.items()
        if key[2] == "banned"
        and (g := by[(key[0], key[1], "glossary")])
        and (r["right_names"], r["chrf"]) > (g["right_names"], g["chrf"])
    ]
    if wins:
        return "Banning beat the post-decoding glossary on: " + ", ".join(wins) + ". Worth an option."

    def total(method: str, field: str) -> int:
        return sum(r[field] for r in results if r["method"] == method)

    named = total("plain", "with_names")
    wrong = {m: total(m, "wrong_form") for m in ("plain", "banned", "glossary")}
    right = {m: total(m, "right_names") for m in ("plain", "banned", "glossary")}
    return (
        f"Conclusion (all rows together): wrong forms plain {wrong['plain']}, banned {wrong['banned']}, "
        f"glossary {wrong['glossary']}; right names out of {named}: plain {right['plain']}, banned "
        f"{right['banned']}, glossary {right['glossary']}. Banning never beat the glossary after "
        "decoding: not kept."
    )


def main() -> None:
    from workbench.engine.hf import TransformersBackend
    from workbench.engine.models import ModelRef

    started = time.perf_counter()
    entries = read_glossary(GLOSSARY)
    sets = {
        "train": (
            [de for de, _ in GARBLED_PAIRS + RIGHT_PAIRS + NEUTRAL_PAIRS],
            [corrected(en) for _, en in GARBLED_PAIRS + RIGHT_PAIRS + NEUTRAL_PAIRS],
        ),
        "held-out": ([de for de, _ in HELD_OUT], [en for _, en in HELD_OUT]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = build_model(Path(tmp) / "garbled")
        trained_s = time.perf_counter() - started
        backend = TransformersBackend.load(ModelRef("tiny-garbled", path, "tiny-garbled"), device="cpu")
        bad = bad_words(backend.tokenizer, entries)
        seg = segmentation_table(backend.tokenizer, entries, bad)
        results, changed = [], []
        for set_name, (src, refs) in sets.items():
            for beams in (1, 4):
                plain = translate(backend, src, beams, None)
                banned = translate(backend, src, beams, bad)
                glossed = [apply(o, entries)[0] for o in plain]
                for method, outputs in (("plain", plain), ("banned", banned), ("glossary", glossed)):
                    results.append(
                        {"set": set_name, "beams": beams, "method": method} | score(outputs, refs, entries)
                    )
                changed += [
                    {"set": set_name, "beams": beams, "src": s, "plain": p, "banned": b, "reference": r}
                    for s, p, b, r in zip(src, plain, banned, refs, strict=True)
                    if p != b
                ]

    print(
        f"Tiny Marian model trained on {len(GARBLED_PAIRS)} garbled, {len(RIGHT_PAIRS)} correct and "
        f"{len(NEUTRAL_PAIRS)} name-free pairs in {trained_s:.0f} s; {len(HELD_OUT)} held-out sentences. "
        "Not opus-mt."
    )
    print(f"{len(bad)} banned id sequences from {len(entries)} glossary entries.\n")
    print(f"{'set':9} {'beams':>5} {'method':9} {'wrong form':>11} {'right names':>12} {'chrF':>6}")
    for r in results:
        print(
            f"{r['set']:9} {r['beams']:>5} {r['method']:9} {r['wrong_form']:>5}/{r['sentences']:<5} "
            f"{r['right_names']:>6}/{r['with_names']:<5} {r['chrf']:>6}"
        )
    print("\nOther segmentations the vocabulary allows (banning the tokenizer's one leaves the rest open):")
    for s in seg:
        note = "  (prefix of the right form)" if s["right_starts_with_wrong"] else ""
        note += "  BAN ALSO BLOCKS THE RIGHT FORM" if s["ban_blocks_right"] else ""
        pieces = "+".join(s["tokenizer_pieces"])
        right = "+".join(s["right_pieces"])
        examples = ", ".join(s["examples"])
        print(f"  {s['wrong']:10} {pieces:16} {s['other_segmentations']:>3} others, e.g. {examples}")
        print(f"  {'':10} right: {right}{note}")
    print("\nWhat the model wrote instead when banned (beam 4; every changed output is in the JSON):")
    beam4 = [c for c in changed if c["beams"] == 4]
    for c in [c for c in beam4 if c["set"] == "held-out"] + [c for c in beam4 if c["set"] == "train"][:6]:
        print(f"  [{c['set']}] {c['src']}\n    plain:  {c['plain']}\n    banned: {c['banned']}")

    verdict = conclusion(results)
    print(f"\n{verdict}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "model": "tiny Marian (d_model 64, 2+2 layers) trained on garbled pairs; not opus-mt-de-en",
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
        "train_pairs": {
            "garbled": len(GARBLED_PAIRS),
            "correct": len(RIGHT_PAIRS),
            "name_free": len(NEUTRAL_PAIRS),
        },
        "held_out": len(HELD_OUT),
        "banned_sequences": len(bad),
        "results": results,
        "segmentations": seg,
        "changed_by_ban": changed,
        "conclusion": verdict,
        "seconds": round(time.perf_counter() - started, 1),
    }
    tmp_path = RESULTS.with_suffix(".json.tmp")
    tmp_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp_path, RESULTS)
    print(f"\nwrote {RESULTS.relative_to(ROOT)} ({report['seconds']} s)")


if __name__ == "__main__":
    main()
