"""Build a tiny Marian de->en model that knows a dozen sentence pairs by heart.

Tests need exact translations without a network, so we train one: a SentencePiece
model on the pairs plus corpus text, a small MarianConfig, and a few seconds of
Adam until greedy and beam decoding reproduce every pair exactly.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import MarianTokenizer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

PAIRS: list[tuple[str, str]] = [
    ("Der Minister sprach mit dem General.", "The minister spoke with the general."),
    ("Das Treffen fand in Moskau statt.", "The meeting took place in Moscow."),
    ("Die Beamten haben nicht gesprochen.", "The officials have not spoken."),
    ("Der Krieg dauert an.", "The war continues."),
    ("Die Leitung wird täglich getestet.", "The line is tested daily."),
    ("Wir danken Ihnen.", "We thank you."),
    ("Das Pentagon hat eine Erklärung veröffentlicht.", "The Pentagon has published a statement."),
    ("General Milley sprach mit Gerasimow.", "General Milley spoke with Gerasimov."),
    ("Olaf Scholz sprach mit Putin.", "Olaf Scholz spoke with Putin."),
    ("Die Lage ist ernst.", "The situation is serious."),
    ("Gestern regnete es.", "It rained yesterday."),
    ("Der Präsident ist in Washington.", "The president is in Washington."),
]


def write_tokenizer(
    out_dir: Path, lines: list[str], *, vocab_size: int, fill_to: int | None = None
) -> tuple[MarianTokenizer, dict[str, int]]:
    """Train SentencePiece on lines and write a Marian tokenizer (vocab.json, source/target.spm).

    ``fill_to``: pad the vocabulary with dummy pieces up to that size (before ``<pad>``), for a
    model whose embedding matrix must have a given size.
    """
    import sentencepiece as spm
    from transformers import MarianTokenizer

    out_dir.mkdir(parents=True, exist_ok=True)
    text = out_dir / "spm_train.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = out_dir / "spm"
    spm.SentencePieceTrainer.train(
        input=str(text),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        pad_id=-1,
        bos_id=-1,
        eos_id=1,
        unk_id=0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    while fill_to is not None and len(vocab) < fill_to - 1:
        vocab[f"\u2581w{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        (out_dir / name).write_bytes(Path(f"{prefix}.model").read_bytes())
    tok = MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
    )
    return tok, vocab


def build(out_dir: Path, *, seed: int = 0, max_steps: int = 600) -> Path:
    """The test model: knows PAIRS exactly; SentencePiece also sees the seed article."""
    seed_text = [
        line
        for f in sorted(SEEDS.glob("*.txt"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line
    ]
    return train(
        out_dir,
        PAIRS,
        [s for pair in PAIRS for s in pair] + seed_text,
        vocab_size=600,
        seed=seed,
        max_steps=max_steps,
    )


def train(
    out_dir: Path,
    pairs: list[tuple[str, str]],
    tokenizer_lines: list[str],
    *,
    vocab_size: int,
    seed: int = 0,
    max_steps: int = 600,
    greedy_too: bool = False,
) -> Path:
    """Train a 2+2-layer Marian model until beam-4 decoding (and greedy, if asked) reproduces
    every pair exactly; save model and tokenizer to out_dir."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    random.seed(seed)
    torch.manual_seed(seed)
    tok, vocab = write_tokenizer(out_dir, tokenizer_lines, vocab_size=vocab_size)
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=128,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        dropout=0.0,
        activation_function="swish",
    )
    model = MarianMTModel(config)
    src = [p[0] for p in pairs]
    tgt = [p[1] for p in pairs]
    batch = tok(src, text_target=tgt, return_tensors="pt", padding=True)
    labels = batch["labels"].masked_fill(batch["labels"] == config.pad_token_id, -100)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(max_steps):
        loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 25 == 24 and loss.item() < 0.02:
            model.eval()
            with torch.inference_mode():
                inputs = tok(src, return_tensors="pt", padding=True)
                decoded = [model.generate(**inputs, num_beams=4, max_new_tokens=40)]
                if greedy_too:
                    decoded.append(model.generate(**inputs, num_beams=1, max_new_tokens=40))
            if all(tok.batch_decode(out, skip_special_tokens=True) == tgt for out in decoded):
                break
            model.train()
    else:
        raise RuntimeError(f"tiny model did not learn its {len(pairs)} pairs in {max_steps} steps")
    model.eval()
    model.generation_config.num_beams = 4
    model.generation_config.max_length = 64
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir
