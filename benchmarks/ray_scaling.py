"""`workbench translate --ray` against the local path, and on a simulated two-node cluster.

    .venv/bin/python benchmarks/ray_scaling.py            # full run (~10 min on 2 cores)
    .venv/bin/python benchmarks/ray_scaling.py --quick    # smoke run (~2 min)
    .venv/bin/python benchmarks/ray_scaling.py --show benchmarks/results/ray_scaling.json

The model has opus-mt-de-en's exact architecture with random weights (benchmarks/_opus_arch.py,
as in throughput.py), so the cost per token is the real model's; the input is --sentences
distinct German sentences of 10-60 tokens, one per line, in files of 100 (one article each).
A random model practically never ends a sentence, so `--max-new-tokens N+1` makes every
sentence generate N tokens (throughput.py checks this against raw CTranslate2). Each command
runs as its own process, timed as a whole (start-up, reading, model load, Ray start and stop,
writing), with the peak memory of its whole process tree (Ray's own processes included):

  L  workbench translate FILES -o DIR --no-cache                   the local path
  R  workbench translate FOLDER --ray -o DIR --no-cache            Ray inside the process
  C  workbench translate FOLDER --ray ADDRESS -o DIR --no-cache    a two-node cluster
  W  the R command on ten copies of the archive, all in the cache: the driver's own work

L and R take turns (--repeats each) and keep their fastest run, since other work on a shared
machine only ever slows a run down; their output files must be identical. C runs on two Ray
nodes of one CPU each on this machine, made with ray.cluster_utils.Cluster (Ray's way of
simulating nodes on one machine) with every server on 127.0.0.1: `ray start --address` cannot
add a second node to a head that listens on 127.0.0.1 only. Its log line says how many
sentences each node translated. From the decoding time the actors report, the per-actor
speed gives the expected throughput of N nodes. Writes benchmarks/results/ray_scaling.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
WORKBENCH = str(Path(sys.executable).with_name("workbench"))
_ARTICLE_LINES = 100
_WARM_COPIES = 10
_SUMMARY = re.compile(
    r"translated (\d+) sentences \((\d+) source tokens\) on Ray in ([\d.]+) s \(([\d.]+) s of decoding "
    r"in (\d+) actor processes\); sentences per node: (.*)"
)
_PLACEMENT = re.compile(r"translating on Ray: (\d+) batches, (\d+) actors x (\d+) CPUs")
_SINGLE_MACHINE = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}  # every Ray server on 127.0.0.1


# ---------------------------------------------------------------- measuring one command


_TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> dict[int, tuple[float, float]]:
    """{pid: (CPU seconds so far, proportional set size in MB)} of a process and its descendants.

    PSS shares each shared page among the processes that map it, so the sum does not count
    the libraries every Ray process loads many times over.
    """
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICK
    found: dict[int, tuple[float, float]] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        pss = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
        found[pid] = (cpu.get(pid, 0.0), pss / 1024)
    return found


def measure(cmd: list[str], env: dict[str, str]) -> dict:
    """Run cmd; its wall time, CPU time and peak memory (its whole process tree), its stderr.

    The process tree is sampled every quarter second: CPU time is each process's last sample
    (what a process does in its last quarter second is missed), memory the largest sum of PSS.
    On a machine shared with other work, CPU time shows what Ray costs better than wall time.
    """
    start = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    cpu: dict[int, float] = {}
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()))
    reader.start()
    while process.poll() is None:
        sample = _tree(process.pid)
        cpu.update((pid, seconds) for pid, (seconds, _) in sample.items())
        peak = max(peak, sum(mb for _, mb in sample.values()))
        time.sleep(0.25)
    reader.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({process.returncode}):\n{''.join(stderr)[-3000:]}")
    return {"wall_s": wall, "cpu_s": sum(cpu.values()), "peak_tree_pss_mb": peak, "stderr": "".join(stderr)}


def ray_summary(stderr: str) -> dict:
    found = _SUMMARY.search(stderr)
    placed = _PLACEMENT.search(stderr)
    if not found or not placed:
        raise SystemExit(f"no Ray summary in the output:\n{stderr[-2000:]}")
    per_node = {
        node: int(count) for node, count in (part.split() for part in found.group(6).split(", ") if part)
    }
    return {
        "sentences": int(found.group(1)),
        "source_tokens": int(found.group(2)),
        "ray_stage_s": float(found.group(3)),
        "decoding_s": float(found.group(4)),
        "actor_processes": int(found.group(5)),
        "per_node": per_node,
        "batches": int(placed.group(1)),
        "actors": int(placed.group(2)),
        "cpus_per_actor": int(placed.group(3)),
    }


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- the runs


def prepare(args: argparse.Namespace) -> tuple[Path, Path, list[Path], dict[str, str]]:
    """The model, the input folder of articles and the environment every command runs in."""
    work = Path(args.workdir)
    model = work / "opus-arch"
    # Building needs torch; in its own process, so that this one stays small.
    subprocess.run([sys.executable, __file__, "--worker", "build", "--workdir", str(work)], check=True)
    sys.path.insert(0, str(HERE))
    import _opus_arch

    sentences = _opus_arch.sentences(model, args.sentences)
    folder = work / "ray-input"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    inputs = []
    for number, first in enumerate(range(0, len(sentences), _ARTICLE_LINES)):
        path = folder / f"article{number:03d}.txt"
        path.write_text("\n".join(sentences[first : first + _ARTICLE_LINES]) + "\n", encoding="utf-8")
        inputs.append(path)
    env = {
        **os.environ,
        "WORKBENCH_MODELS": str(work / "models-ray"),
        "WORKBENCH_DB": str(work / "ray-bench.db"),
        "HF_HUB_OFFLINE": "1",
    }
    return model, folder, inputs, env


def decode_args(args: argparse.Namespace, model: Path) -> list[str]:
    return ["--model", str(model), "--beams", str(args.beam), "--max-new-tokens", str(args.new_tokens + 1)]


def run_all(args: argparse.Namespace) -> dict:
    load_start = os.getloadavg()
    model, folder, inputs, env = prepare(args)
    work = Path(args.workdir)
    decoding = decode_args(args, model)
    # The first use converts the model to CTranslate2, once: not part of any timing.
    one = work / "one.txt"
    one.write_text(inputs[0].read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    convert = measure(
        [WORKBENCH, "translate", str(one), "-o", str(work / "out-one"), "--no-cache", *decoding], env
    )
    startup = measure(
        [WORKBENCH, "translate", str(one), "-o", str(work / "out-one"), "--no-cache", *decoding], env
    )

    local_cmd = [
        WORKBENCH,
        "translate",
        *map(str, inputs),
        "-o",
        str(work / "out-local"),
        "--no-cache",
        *decoding,
    ]
    ray_cmd = [
        WORKBENCH,
        "translate",
        str(folder),
        "--ray",
        "-o",
        str(work / "out-ray"),
        "--no-cache",
        *decoding,
    ]
    rounds: dict[str, list[dict]] = {"L": [], "R": []}
    for _ in range(args.repeats):
        for name, cmd in (("L", local_cmd), ("R", ray_cmd)):
            rounds[name].append(measure(cmd, env))
            print(f"{name}: {rounds[name][-1]['wall_s']:.1f} s", flush=True)
    identical = files(work / "out-local") == files(work / "out-ray")

    # A warm cache: the --ray command does everything but translate (and starts no Ray), on
    # ten copies of the archive so that its own work outweighs its start-up. Cheap decoding
    # options fill the cache for it (they are part of the cache key).
    copies = work / "ray-input-x10"
    shutil.rmtree(copies, ignore_errors=True)
    copies.mkdir()
    for copy in range(_WARM_COPIES):
        for path in inputs:
            shutil.copyfile(path, copies / f"{path.stem}-{copy}.txt")
    cheap = ["--model", str(model), "--beams", "1", "--max-new-tokens", "2"]
    cached = [WORKBENCH, "translate", str(copies), "--ray", "-o", str(work / "out-warm"), *cheap]
    measure(cached, env)
    warm = measure(cached, env)

    ray_start = measure([sys.executable, __file__, "--worker", "ray-start"], {**env, **_SINGLE_MACHINE})
    cluster = measure(
        [sys.executable, __file__, "--worker", "cluster", "--workdir", str(work), *sys.argv[1:]],
        {**env, **_SINGLE_MACHINE},
    )
    # The whole tree of the cluster worker: both nodes' Ray processes and the command.
    cluster_report = {
        **json.loads(cluster["stderr"].strip().splitlines()[-1]),
        "peak_tree_pss_mb": cluster["peak_tree_pss_mb"],
    }

    best = {name: min(runs, key=lambda r: r["wall_s"]) for name, runs in rounds.items()}
    tokens = args.sentences * args.new_tokens
    report = {
        "settings": {
            "sentences": args.sentences,
            "articles": len(inputs),
            "beam": args.beam,
            "new_tokens_per_sentence": args.new_tokens,
            "generated_tokens": tokens,
            "repeats": args.repeats,
        },
        "machine": machine(),
        "convert_s": convert["wall_s"],
        "startup_one_sentence_s": startup["wall_s"],
        "local": _summary(rounds["L"], best["L"], tokens),
        "ray_local": {**_summary(rounds["R"], best["R"], tokens), **ray_summary(best["R"]["stderr"])},
        "outputs_identical": identical,
        "overhead": best["R"]["wall_s"] / best["L"]["wall_s"] - 1,
        "cpu_overhead": min(r["cpu_s"] for r in rounds["R"]) / min(r["cpu_s"] for r in rounds["L"]) - 1,
        "loadavg": {"start": load_start, "end": os.getloadavg()},
        "warm_cache_s": warm["wall_s"],
        "ray_start_stop_s": json.loads(ray_start["stderr"].strip().splitlines()[-1]),
        "cluster": cluster_report,
    }
    report["projection"] = projection(report)
    return report


def _summary(runs: list[dict], best: dict, tokens: int) -> dict:
    return {
        "wall_s": best["wall_s"],
        "all_wall_s": [r["wall_s"] for r in runs],
        "cpu_s": min(r["cpu_s"] for r in runs),
        "all_cpu_s": [r["cpu_s"] for r in runs],
        "peak_tree_pss_mb": best["peak_tree_pss_mb"],
        "generated_tokens_per_s": tokens / best["wall_s"],
    }


def projection(report: dict) -> dict:
    """Expected throughput of N nodes like this machine's (2 cores each), from per-actor speed.

    One 2-CPU actor per node decodes at the local Ray run's per-actor speed, until the driver's
    own work (reading, segmenting, caching, writing), which runs on one machine whatever N is,
    becomes the limit. Start-up is left out: it is paid once per job.
    """
    ray_local = report["ray_local"]
    sentences = report["settings"]["sentences"]
    per_actor = ray_local["sentences"] / ray_local["decoding_s"]  # sentences per actor-second
    tokens_per_sentence = report["settings"]["new_tokens_per_sentence"]
    # The warm-cache run minus the start-up of a one-sentence run: reading, segmenting, looking
    # up, reassembling and writing, per sentence.
    driver_s = max(report["warm_cache_s"] - report["startup_one_sentence_s"], 0.01)
    driver_per_sentence = driver_s / (sentences * _WARM_COPIES)
    rows = []
    for nodes in (1, 2, 4, 8, 16, 32, 64):
        rate = min(nodes * per_actor, 1 / driver_per_sentence)
        rows.append(
            {
                "nodes": nodes,
                "sentences_per_s": rate,
                "generated_tokens_per_s": rate * tokens_per_sentence,
                "driver_bound": nodes * per_actor > 1 / driver_per_sentence,
            }
        )
    return {
        "per_actor_sentences_per_s": per_actor,
        "per_actor_generated_tokens_per_s": per_actor * tokens_per_sentence,
        "driver_sentences_per_s_ceiling": 1 / driver_per_sentence,
        "rows": rows,
    }


def machine() -> dict:
    import ray

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {"cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(), "ray": ray.__version__}


# ---------------------------------------------------------------- workers (one per process)


def worker_build(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    import _opus_arch

    _opus_arch.build(Path(args.workdir) / "opus-arch")


def worker_ray_start(_args: argparse.Namespace) -> None:
    """Seconds to start and to stop a local Ray as translate --ray does (printed as JSON)."""
    import logging

    import ray

    start = time.perf_counter()
    ray.init(address="local", include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    started = time.perf_counter()
    ray.shutdown()
    print(json.dumps({"start_s": started - start, "stop_s": time.perf_counter() - started}), file=sys.stderr)


def worker_cluster(args: argparse.Namespace) -> None:
    """Two Ray nodes of one CPU each on this machine, and the --ray command against them."""
    from ray.cluster_utils import Cluster

    work = Path(args.workdir)
    model, folder = work / "opus-arch", work / "ray-input"
    start = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        up = time.perf_counter() - start
        out = work / "out-cluster"
        cmd = [WORKBENCH, "translate", str(folder), "--ray", cluster.address, "-o", str(out), "--no-cache"]
        run = measure([*cmd, *decode_args(args, model)], dict(os.environ))
        same = files(out) == files(work / "out-local")
    finally:
        cluster.shutdown()
    summary = ray_summary(run["stderr"])
    print(
        json.dumps(
            {"cluster_start_s": up, "wall_s": run["wall_s"], "outputs_identical_to_local": same, **summary}
        ),
        file=sys.stderr,
    )


# ---------------------------------------------------------------- report


def print_report(report: dict) -> None:
    s, m, p = report["settings"], report["machine"], report["projection"]
    local, ray_local, cluster = report["local"], report["ray_local"], report["cluster"]
    print(
        f"\n{m['cpu']} ({m['cpus']} CPUs), Ray {m['ray']}; {s['sentences']} sentences in "
        f"{s['articles']} articles, beam {s['beam']}, {s['new_tokens_per_sentence']} tokens each"
    )
    # C's CPU time is not shown: its nodes are not the command's processes.
    print(f"{'run':<36} {'wall s':>7} {'tok/s':>7} {'CPU s':>7} {'peak MB':>8}")
    rows = (
        ("L local path", local),
        ("R --ray (Ray inside the process)", ray_local),
        ("C --ray ADDRESS (2 nodes x 1 CPU)", cluster),
    )
    for name, row in rows:
        wall, cpu, peak = row["wall_s"], row.get("cpu_s", float("nan")), row["peak_tree_pss_mb"]
        print(f"{name:<36} {wall:>7.1f} {s['generated_tokens'] / wall:>7.0f} {cpu:>7.1f} {peak:>8.0f}")
    runs = {
        name: ", ".join(f"{w:.1f}" for w in row["all_wall_s"])
        for name, row in (("L", local), ("R", ray_local))
    }
    print(
        f"R / L = {1 + report['overhead']:.3f} ({report['overhead']:+.1%}) wall, "
        f"{1 + report['cpu_overhead']:.3f} CPU; outputs identical: {report['outputs_identical']}; "
        f"L runs {runs['L']} s, R runs {runs['R']} s; load average {report['loadavg']['start'][0]:.1f} "
        f"at the start, {report['loadavg']['end'][0]:.1f} at the end"
    )
    start = report["ray_start_stop_s"]
    print(
        f"Ray start {start['start_s']:.1f} s, stop {start['stop_s']:.1f} s; R's Ray stage "
        f"{ray_local['ray_stage_s']:.1f} s ({ray_local['decoding_s']:.1f} s decoding, "
        f"{ray_local['actors']} actor x {ray_local['cpus_per_actor']} CPUs, {ray_local['batches']} batches); "
        f"warm cache, 10 copies (driver only) {report['warm_cache_s']:.1f} s"
    )
    print(
        f"cluster: up in {cluster['cluster_start_s']:.1f} s; {cluster['actors']} actors x "
        f"{cluster['cpus_per_actor']} CPU; sentences per node {cluster['per_node']}; decoding "
        f"{cluster['decoding_s']:.1f} actor-s; same outputs as L: {cluster['outputs_identical_to_local']}"
    )
    print(
        f"per actor (2 CPUs): {p['per_actor_sentences_per_s']:.1f} sentences/s = "
        f"{p['per_actor_generated_tokens_per_s']:.0f} tok/s; driver ceiling "
        f"{p['driver_sentences_per_s_ceiling']:.0f} sentences/s"
    )
    for row in p["rows"]:
        bound = " (driver-bound)" if row["driver_bound"] else ""
        print(
            f"  {row['nodes']:>3} nodes: {row['sentences_per_s']:>8.0f} sentences/s "
            f"{row['generated_tokens_per_s']:>9.0f} tok/s{bound}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="200 sentences, 8 new tokens, one run each")
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workdir", default=str(RESULTS / "work"))
    parser.add_argument("--output", default=str(RESULTS / "ray_scaling.json"))
    parser.add_argument("--show", metavar="JSON", help="print the report of an earlier run; run nothing")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.sentences, args.new_tokens, args.repeats = 200, 8, 1
    if args.worker:
        {"build": worker_build, "ray-start": worker_ray_start, "cluster": worker_cluster}[args.worker](args)
        return
    if args.show:
        print_report(json.loads(Path(args.show).read_text(encoding="utf-8")))
        return
    report = run_all(args)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = output.with_suffix(".json.tmp")
    temp.write_text(json.dumps(report, indent=1), encoding="utf-8")
    os.replace(temp, output)
    print_report(report)
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
