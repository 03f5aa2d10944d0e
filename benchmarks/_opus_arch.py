"""A stand-in for Helsinki-NLP/opus-mt-de-en: same architecture, random weights, no download.

Throughput depends on the architecture and the input and output lengths, not on what the
weights say, so a randomly initialised model with opus-mt-de-en's exact shape (58,101-word
shared vocabulary, d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, scaled embeddings,
sinusoidal positions) measures what the real model would cost. The SentencePiece model is
trained on the seed article so that German text tokenises into realistic pieces; the rest of
the vocabulary is filler that only the random decoder ever produces.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOCAB_SIZE = 58101  # opus-mt-de-en: 58,100 Marian pieces + the <pad> transformers adds
ARCH_VERSION = "1"  # bump when the recipe below changes so cached copies are rebuilt


def _corpus_lines() -> list[str]:
    files = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.de.txt"))
    lines = (line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def build(out_dir: Path, *, seed: int = 0) -> Path:
    """Write the model to out_dir (reused when a complete copy of this recipe is there)."""
    stamp = out_dir / "bench-recipe.json"
    recipe = {"version": ARCH_VERSION, "seed": seed}
    if stamp.is_file() and json.loads(stamp.read_text()) == recipe:
        return out_dir

    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    sys.path.insert(0, str(ROOT / "tests"))
    from tinymodel import write_tokenizer

    tok, vocab = write_tokenizer(out_dir, _corpus_lines(), vocab_size=2000, fill_to=VOCAB_SIZE)

    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=VOCAB_SIZE,
        decoder_vocab_size=VOCAB_SIZE,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        activation_function="swish",
        scale_embedding=True,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=True,
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        dropout=0.0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    with torch.no_grad():
        # As in the released opus-mt checkpoints: the <pad> row (the decoder's start) is zero.
        model.model.shared.weight[pad].zero_()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad,
        max_length=512,
        num_beams=4,
    )
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    stamp.write_text(json.dumps(recipe))
    return out_dir


def sentences(model_dir: Path, count: int = 256, *, seed: int = 0, lo: int = 10, hi: int = 60) -> list[str]:
    """count distinct German 'sentences' of lo..hi source tokens, made of seed-article words.

    Lengths follow a news-like mix (most 15-35 tokens, a tail to 60): what matters for speed
    is the length distribution, not the meaning. Each ends with its only full stop, so the
    workbench's sentence splitter keeps it whole and every configuration sees the same input.
    """
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    words = [w for w in (w.strip('.!?;:„“"()–-') for w in " ".join(_corpus_lines()).split()) if w]
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()

    def length(picked: list[str]) -> int:
        return len(sp.encode(" ".join(picked) + ".")) + 1  # + </s>

    while len(out) < count:
        target = min(hi, max(lo, round(rng.lognormvariate(3.3, 0.4))))
        start = rng.randrange(len(words))
        picked: list[str] = []
        while length(picked) < target:
            # Mostly running text, with a random word now and then so sentences differ.
            follow = rng.random() < 0.8
            picked.append(words[(start + len(picked)) % len(words)] if follow else rng.choice(words))
        while length(picked) > hi:
            picked.pop()
        sentence = " ".join(picked) + "."

        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


def write_vmap(model_dir: Path, path: Path, *, seed: int = 0, common: int = 500, per_piece: int = 10) -> None:
    """A CTranslate2 vocabulary map shaped like one built from a word-alignment table.

    The ``common`` most frequent target pieces are always candidates (the empty source key),
    and each source piece adds ``per_piece`` candidate translations. A random model has no
    real translations, so the candidates are drawn at random: this measures the speed of a
    shortlist of realistic size, not its quality.
    """
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    targets = [t for t in json.loads((model_dir / "vocab.json").read_text(encoding="utf-8")) if t[0] != "<"]
    rng = random.Random(seed)
    lines = ["\t" + " ".join(targets[:common])]
    for i in range(sp.get_piece_size()):
        lines.append(sp.id_to_piece(i) + "\t" + " ".join(rng.sample(targets, per_piece)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
