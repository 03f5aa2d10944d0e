"""Translation throughput, side by side: transformers vs CTranslate2 vs `workbench translate`.

    .venv/bin/python benchmarks/throughput.py            # full run (~10 min on 2 cores)
    .venv/bin/python benchmarks/throughput.py --quick    # smoke run (~1 min)
    .venv/bin/python benchmarks/throughput.py --device cuda
    .venv/bin/python benchmarks/throughput.py --show benchmarks/results/throughput.json --markdown

The model has opus-mt-de-en's exact architecture with random weights (benchmarks/_opus_arch.py),
so no download is needed and the cost per token is the real model's. Configurations, each in
its own process so that load time and peak memory are its own:

  A  transformers fp32, plain loop: batches of 32 sentences sorted by length (the baseline)
  B  A with torch dynamic int8 quantization of every nn.Linear (CPU only)
  C  ctranslate2.Translator.translate_batch, int8, on pre-tokenised input, every threading
     split of the cores tried (the best one is C)
  C* C with the workbench's threading, not forced: stops at </s> or after N tokens, like D
  D  `workbench translate FILE -o DIR --no-cache --max-new-tokens N+1` end to end, otherwise
     default settings (backend, precision, threads, batching)
  C vmap (with --vmap) C plus a vocabulary shortlist (use_vmap), an experiment: the shortlist
     is synthetic (_opus_arch.write_vmap), so it shows the speed of one, not its quality

A, B and C are forced to generate exactly N (--new-tokens) tokens per sentence, so they do
the same work. D cannot be forced, but a random model practically never ends a sentence, so
D's limit makes it decode N tokens too (N+1 because transformers' max_new_tokens counts the
</s> it forces at the end). C* decodes the same input with the same limit: when D's
translations equal C*'s, D did exactly C*'s work and its token count is C*'s. D is timed
twice: the whole command, and the whole command minus the start-up of a one-sentence run
(interpreter, imports, model identity and load), which is what C's timing also leaves out.
Every configuration runs several times (--repeats; the fast ones take turns) and keeps its
fastest run, since other work on the machine only ever slows a run down. Writes
benchmarks/results/throughput.json and prints a table.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PYTHON = sys.executable


# ---------------------------------------------------------------- workers (one per process)


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _inputs(args: argparse.Namespace) -> tuple[Path, list[str]]:
    sys.path.insert(0, str(HERE))
    import _opus_arch

    model_dir = Path(args.workdir) / "opus-arch"
    return model_dir, _opus_arch.sentences(model_dir, args.sentences)


def worker_build(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(HERE))
    import _opus_arch

    start = time.perf_counter()
    _opus_arch.build(Path(args.workdir) / "opus-arch")
    return {"build_s": time.perf_counter() - start}


def worker_hf(args: argparse.Namespace) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    model_dir, sentences = _inputs(args)
    start = time.perf_counter()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir, dtype=torch.float32).eval()
    if args.config == "B":
        from torch.ao.quantization import quantize_dynamic

        model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    model.to(args.device)
    load_s = time.perf_counter() - start

    ids = tokenizer(sentences)["input_ids"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]), reverse=True)
    generated = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for first in range(0, len(order), 32):
            chunk = [ids[i] for i in order[first : first + 32]]
            batch = tokenizer.pad({"input_ids": chunk}, return_tensors="pt")
            out = model.generate(
                **batch.to(args.device),
                num_beams=args.beam,
                min_new_tokens=args.new_tokens,
                max_new_tokens=args.new_tokens,
                forced_eos_token_id=None,  # forcing </s> at the end would contradict min_new_tokens
            )
            generated += (out.shape[1] - 1) * out.shape[0]  # minus the decoder start token
    return {"load_s": load_s, "seconds": time.perf_counter() - start, "tokens": generated}


def _ct2_model(args: argparse.Namespace, vmap: bool = False) -> Path:
    return Path(args.workdir) / f"ct2-{args.compute_type}{'-vmap' if vmap else ''}"


def worker_convert(args: argparse.Namespace) -> dict:
    from ctranslate2.converters import TransformersConverter

    sys.path.insert(0, str(HERE))
    import _opus_arch

    model_dir, _ = _inputs(args)
    vmap = None
    if args.vmap:
        vmap = Path(args.workdir) / "vmap.txt"
        _opus_arch.write_vmap(model_dir, vmap)
    out = _ct2_model(args, vmap=args.vmap)
    start = time.perf_counter()
    if not (out / "model.bin").is_file():
        converter = TransformersConverter(str(model_dir))
        converter.convert(str(out), vmap=vmap and str(vmap), quantization=args.compute_type, force=True)
    return {"convert_s": time.perf_counter() - start}


def worker_ct2(args: argparse.Namespace) -> dict:
    import ctranslate2
    import sentencepiece as spm

    model_dir, sentences = _inputs(args)
    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    tokens = [sp.encode(s, out_type=str) + ["</s>"] for s in sentences]
    start = time.perf_counter()
    translator = ctranslate2.Translator(
        str(_ct2_model(args, vmap=args.config == "Cv")),
        device=args.device,
        compute_type=args.compute_type,
        inter_threads=args.inter,
        intra_threads=args.intra,
    )
    load_s = time.perf_counter() - start
    forced = args.config in ("C", "Cv")
    start = time.perf_counter()
    results = translator.translate_batch(
        tokens,
        max_batch_size=2048,
        batch_type="tokens",
        beam_size=args.beam,
        min_decoding_length=args.new_tokens if forced else 1,
        max_decoding_length=args.new_tokens,
        use_vmap=args.config == "Cv",
        return_scores=False,
    )
    seconds = time.perf_counter() - start
    hyps = [r.hypotheses[0] for r in results]
    out = {"load_s": load_s, "seconds": seconds, "tokens": sum(len(h) for h in hyps)}
    if not forced:  # decoded as the workbench does, to compare with D
        out["translations"] = [sp.decode_pieces(h).replace("▁", " ").strip() for h in hyps]
    return out


WORKERS = {"build": worker_build, "A": worker_hf, "B": worker_hf, "convert": worker_convert}


def run_worker(args: argparse.Namespace) -> None:
    worker = WORKERS.get(args.config, worker_ct2)
    result = worker(args)
    result["peak_rss_mb"] = _vm_hwm_mb()
    print("RESULT " + json.dumps(result))


# ---------------------------------------------------------------- orchestration


def _spawn(cmd: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run cmd; return its stdout, wall seconds and peak RSS in MB (from wait4's rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        # wait4 rather than proc.wait(): it also returns the child's own peak RSS.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()[-3000:]}")
        return out.read(), wall, usage.ru_maxrss / 1024


def _worker(args: argparse.Namespace, config: str, **extra: object) -> dict:
    cmd = [PYTHON, __file__, "--worker", config, "--workdir", args.workdir, "--device", args.device]
    cmd += ["--sentences", str(args.sentences), "--new-tokens", str(args.new_tokens)]
    cmd += ["--compute-type", args.compute_type]
    for key, value in extra.items():
        flag = f"--{key.replace('_', '-')}"
        cmd += [flag] if value is True else [flag, str(value)]
    out, _, _ = _spawn(cmd)
    line = next(line for line in reversed(out.splitlines()) if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _cli(args: argparse.Namespace, text_file: Path, outdir: Path, beam: int = 4) -> tuple[float, float]:
    """`workbench translate` as a user runs it; only the output length is set (see above)."""
    env = dict(os.environ)
    env.update(
        WORKBENCH_MODELS=str(args.scratch / "models"),  # fresh: the first run converts
        WORKBENCH_DB=str(Path(args.workdir) / "workbench.db"),
        WORKBENCH_DEVICE=args.device,
        HF_HUB_OFFLINE="1",
    )
    cmd = [PYTHON, "-m", "workbench", "translate", str(text_file), "-o", str(outdir), "--no-cache"]
    cmd += ["--max-new-tokens", str(args.new_tokens + 1)]
    cmd += ["--model", str(Path(args.workdir) / "opus-arch")]
    if beam != 4:  # 4 is the default; D runs with default settings
        cmd += ["--beams", str(beam)]
    _, wall, rss = _spawn(cmd, env)
    return wall, rss


def _machine() -> dict:
    info: dict[str, object] = {"platform": platform.platform(), "python": platform.python_version()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        flags = set(fields.get("Flags", "").split())
        info["cpu"] = {
            "model": fields.get("Model name"),
            "cpus": fields.get("CPU(s)"),
            "threads_per_core": fields.get("Thread(s) per core"),
            "hypervisor": fields.get("Hypervisor vendor"),
            "isa": sorted(flags & {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8"}),
        }
    except (OSError, subprocess.CalledProcessError):
        info["cpu"] = platform.processor()
    import importlib.metadata as md

    info["versions"] = {p: md.version(p) for p in ("torch", "transformers", "ctranslate2")}
    return info


def _thread_splits(cores: int) -> list[tuple[int, int]]:
    splits = []
    inter = 1
    while inter <= min(cores, 8):
        splits.append((inter, max(1, cores // inter)))
        inter *= 2
    return splits


def _best_of(results: list[dict]) -> dict:
    """The fastest run: other load on the machine only ever slows a run down."""
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "all_seconds": [r["seconds"] for r in results]}


def _record(runs: list[dict], beam: int, config: str, result: dict, **extra: object) -> dict:
    row = {"config": config, "beam": beam, **extra, **result}
    row["tokens_per_s"] = row["tokens"] / row["seconds"]
    row.pop("translations", None)
    runs.append(row)
    print(f"  {config:<14} beam {beam}: {row['tokens_per_s']:8.1f} tok/s", file=sys.stderr)
    return row


def orchestrate(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    from workbench.engine.ct2 import available_cores, thread_plan

    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    report: dict = {
        "machine": _machine(),
        "settings": {
            "device": args.device,
            "sentences": args.sentences,
            "forced_new_tokens": args.new_tokens,
            "beams": args.beams,
            "compute_type": args.compute_type,
            "repeats_best_of": args.repeats,
            "workbench_threads": list(thread_plan(available_cores())),
        },
        "loadavg_start": os.getloadavg(),
        "runs": [],
    }
    print("building the model ...", file=sys.stderr)
    report["build"] = _worker(args, "build")
    report["convert_raw"] = _worker(args, "convert")
    if args.vmap:
        _worker(args, "convert", vmap=True)
    _, sentences = _inputs(args)

    work = args.scratch = Path(tempfile.mkdtemp(prefix="throughput-", dir=args.workdir))
    text_file = work / "bench.de.txt"
    text_file.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    one_line = work / "one.de.txt"
    one_line.write_text(sentences[0] + "\n", encoding="utf-8")
    # First CLI run converts the model into the workbench's cache; kept out of the timings.
    convert_wall, convert_rss = _cli(args, one_line, work / "warm")
    report["convert_workbench"] = {"wall_s": convert_wall, "peak_rss_mb": convert_rss}
    startup, startup_rss = min(_cli(args, one_line, work / "load") for _ in range(args.repeats[1]))
    report["d_startup"] = {"wall_s": startup, "peak_rss_mb": startup_rss}

    cores = available_cores()
    for beam in args.beams:
        runs: list[dict] = []
        record = functools.partial(_record, runs, beam)
        print(f"beam {beam}:", file=sys.stderr)
        slow, fast = args.repeats
        record(
            "A",
            _best_of([_worker(args, "A", beam=beam) for _ in range(slow)]),
            label="transformers fp32, batch 32",
        )
        if args.device == "cpu":
            b = _best_of([_worker(args, "B", beam=beam) for _ in range(slow)])
            record("B", b, label="transformers + dynamic int8")
        splits = _thread_splits(cores) if args.device == "cpu" else [(1, 0)]
        # C* runs with the workbench's own threads, so that only the pipeline differs from D.
        plan = list(thread_plan(cores)) if args.device == "cpu" else [1, 0]
        outdir = work / f"d-beam{beam}"
        # The fast configurations take turns, round after round, so that a burst of other
        # load on the machine hits them alike; each keeps its best round.
        rounds: dict[str, list] = {}
        for _ in range(fast):
            for inter, intra in splits:
                result = _worker(args, "C", beam=beam, inter=inter, intra=intra)
                rounds.setdefault(f"C {inter}x{intra}", []).append(result)
            rounds.setdefault("C*", []).append(_worker(args, "Cu", beam=beam, inter=plan[0], intra=plan[1]))
            rounds.setdefault("D", []).append(_cli(args, text_file, outdir, beam))

        if args.vmap:  # the stretch experiment: C with a vocabulary shortlist
            rounds["C vmap"] = [
                _worker(args, "Cv", beam=beam, inter=plan[0], intra=plan[1]) for _ in range(fast)
            ]

        best = None
        for inter, intra in splits:
            row = record(
                f"C {inter}x{intra}",
                _best_of(rounds[f"C {inter}x{intra}"]),
                label=f"ctranslate2 {args.compute_type}, inter {inter} x intra {intra}",
                threads=[inter, intra],
            )
            if best is None or row["tokens_per_s"] > best["tokens_per_s"]:
                best = row
        assert best is not None
        best["best_c"] = True
        if args.vmap:
            record(
                "C vmap",
                _best_of(rounds["C vmap"]),
                label=f"C {plan[0]}x{plan[1]} + use_vmap (synthetic shortlist, see _opus_arch.write_vmap)",
                threads=plan,
            )
        unforced = _best_of(rounds["C*"])
        c_translations = unforced["translations"]
        record(
            "C* unforced",
            unforced,
            label=f"ctranslate2 {args.compute_type} {plan[0]}x{plan[1]}, unforced, <= {args.new_tokens} tok",
            threads=plan,
        )

        wall, rss = min(rounds["D"])
        jsonl = (outdir / "bench.jsonl").read_text(encoding="utf-8")
        rows = [json.loads(line) for line in jsonl.splitlines()]
        d_translations = [row["translation"] for row in rows]
        same_input = [row["source"] for row in rows] == sentences
        matches = sum(a == b for a, b in zip(d_translations, c_translations, strict=False))
        d = record(
            "D workbench",
            {"seconds": wall - startup, "tokens": unforced["tokens"], "peak_rss_mb": rss, "load_s": startup},
            label="workbench translate --no-cache, minus start-up",
            threads=plan,
            wall_s=wall,
            all_wall_s=[w for w, _ in rounds["D"]],
            same_input_as_c=same_input,
            translations_equal_c_unforced=f"{matches}/{len(sentences)}",
        )
        d["tokens_per_s_whole_command"] = d["tokens"] / wall
        a_rate = runs[0]["tokens_per_s"]
        for row in runs:
            row["vs_A"] = row["tokens_per_s"] / a_rate
        d["vs_C"] = d["tokens_per_s"] / best["tokens_per_s"]
        d["vs_C_unforced"] = d["tokens_per_s"] / runs[-2]["tokens_per_s"]
        report["runs"].extend(runs)
    report["loadavg_end"] = os.getloadavg()
    return report


def print_table(report: dict) -> None:
    s = report["settings"]
    cpu = report["machine"].get("cpu", {})
    print(
        f"\n{cpu.get('model')} ({cpu.get('cpus')} CPUs), device {s['device']}, {s['sentences']} sentences, "
        f"forced {s['forced_new_tokens']} new tokens for A/B/C, load avg {report['loadavg_start'][0]:.2f}"
    )
    header = (
        f"{'config':<14} {'beam':>4} {'tokens':>7} {'tok/s':>8} {'x A':>6} {'load s':>7} {'peak RSS MB':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in report["runs"]:
        mark = " *" if row.get("best_c") else ""
        print(
            f"{row['config']:<14} {row['beam']:>4} {row['tokens']:>7} {row['tokens_per_s']:>8.1f} "
            f"{row['vs_A']:>6.2f} {row.get('load_s', float('nan')):>7.2f} {row['peak_rss_mb']:>11.0f}{mark}"
        )
        if "vs_C_unforced" in row:
            print(
                f"{'':<14} D / C = {row['vs_C']:.2f}, D / C* = {row['vs_C_unforced']:.2f}; whole command "
                f"{row['wall_s']:.1f} s = {row['tokens_per_s_whole_command']:.1f} tok/s; translations equal "
                f"to C*: {row['translations_equal_c_unforced']}; same input: {row['same_input_as_c']}"
            )
    print(
        f"D's 'load s' is the start-up of a one-sentence run (interpreter, imports, model); "
        f"the first run's one-off conversion took {report['convert_workbench']['wall_s']:.1f} s"
    )


def markdown_table(report: dict) -> str:
    lines = [
        "| config | beam | tokens | tokens/s | x A | load s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["runs"]:
        name = row["config"] + (" (best C)" if row.get("best_c") else "")
        lines.append(
            f"| {name} | {row['beam']} | {row['tokens']} | {row['tokens_per_s']:.0f} | {row['vs_A']:.2f} "
            f"| {row.get('load_s', float('nan')):.2f} | {row['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--quick", action="store_true", help="32 sentences, 8 new tokens: a smoke run")
    parser.add_argument("--sentences", type=int, default=256)
    parser.add_argument("--new-tokens", type=int, default=32, help="forced output length for A, B, C")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--workdir", default=str(RESULTS / "work"), help="model and scratch files")
    parser.add_argument("--output", default=str(RESULTS / "throughput.json"))
    parser.add_argument("--compute-type", default=None)
    parser.add_argument(
        "--repeats", default="2,4", help="runs per configuration, best kept: A and B, then the others"
    )
    parser.add_argument(
        "--vmap", action="store_true", help="also run C with a vocabulary shortlist (use_vmap), an experiment"
    )
    parser.add_argument("--show", metavar="JSON", help="print the table of an earlier run; run nothing")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--worker", dest="config", help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--inter", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--intra", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.compute_type = args.compute_type or ("int8" if args.device == "cpu" else "int8_float16")
    if args.config:
        run_worker(args)
        return
    if args.show:
        report = json.loads(Path(args.show).read_text(encoding="utf-8"))
        print_table(report)
        if args.markdown:
            print("\n" + markdown_table(report))
        return
    if args.quick:
        args.sentences, args.new_tokens, args.repeats = 32, 8, "1,1"
    args.beams = [int(b) for b in str(args.beams).split(",")]
    args.repeats = [int(n) for n in str(args.repeats).split(",")]
    report = orchestrate(args)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = output.with_suffix(".json.tmp")
    temp.write_text(json.dumps(report, indent=1), encoding="utf-8")
    os.replace(temp, output)
    print_table(report)
    if args.markdown:
        print("\n" + markdown_table(report))
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
