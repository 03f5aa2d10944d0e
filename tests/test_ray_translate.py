"""`workbench translate --ray` on a real local Ray and the tiny model: the local path's files."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import tinymodel
from click.testing import CliRunner, Result

from workbench.cli import cli
from workbench.engine import DecodeOptions, resolve_backend
from workbench.errors import WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.store import Store
from workbench.workflows import ray_translate
from workbench.workflows.ray_translate import ModelCopy, Progress, RaySettings

# As translate --ray does for the Ray it starts: every Ray server listens on 127.0.0.1 only.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
ray = pytest.importorskip("ray", reason="the ray extra is not installed")

SOURCES = [de for de, _ in tinymodel.PAIRS]
TARGETS = [en for _, en in tinymodel.PAIRS]
ROOT = Path(__file__).resolve().parent.parent


def write_archive(folder: Path, articles: int = 20, *, seed: int = 0) -> list[Path]:
    """Articles of several paragraphs, mixing the tiny model's sentences (repeated within and
    across articles) with made-up ones it translates into something of its own."""
    rng = random.Random(seed)
    words = " ".join(SOURCES).replace(".", "").split()
    made_up = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 9))) + "." for _ in range(120)]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(articles):
        paragraphs = [
            " ".join(rng.choice(SOURCES + made_up) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(2, 6))
        ]
        path = folder / f"article{number:02d}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def with_glossary(db: Path) -> Path:
    with Store.open(db) as store:
        store.add_glossary_entry(GlossaryEntry("Milley", "Milley-Smith"))
    return db


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="workbench")
    return caplog


@pytest.fixture(scope="module")
def ray_running() -> Iterator[None]:
    """One local Ray for the tests that use it, started once (translate --ray uses a Ray that
    is already running; without one it starts its own)."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture
def without_ray() -> None:
    """No Ray running in this process, as when the command runs on its own."""
    if ray.is_initialized():
        ray.shutdown()


# First the tests without a Ray running, so that ray_running starts one only once.
def test_ray_output_equals_the_local_path_and_a_second_run_does_no_model_work(
    tiny_model: Path, tmp_path: Path, logs: pytest.LogCaptureFixture, without_ray: None
):
    inputs = write_archive(tmp_path / "archive")
    sentences = [s for path in inputs for s in _sentences(path)]
    assert len(set(sentences)) < len(sentences)  # repeated within and across articles
    local_db, ray_db = with_glossary(tmp_path / "local.db"), with_glossary(tmp_path / "ray.db")

    def local() -> None:
        result = run("translate", *inputs, "-o", tmp_path / "local", "--model", tiny_model, "--db", local_db)
        assert result.exit_code == 0, result.output

    def on_ray() -> None:
        folder = tmp_path / "archive"
        result = run(
            "translate", folder, "--ray", "-o", tmp_path / "ray", "--model", tiny_model, "--db", ray_db
        )
        assert result.exit_code == 0, result.output

    local()
    on_ray()
    assert not ray.is_initialized()  # the command stopped the Ray it started
    assert "translating on Ray" in logs.text
    expected = files(tmp_path / "local")
    assert len(expected) == 40
    assert files(tmp_path / "ray") == expected
    rows = [json.loads(line) for p in (tmp_path / "ray").glob("*.jsonl") for line in p.open(encoding="utf-8")]
    assert any(r["applied"] for r in rows)  # the glossary was applied, on both paths alike

    local()
    logs.clear()
    on_ray()
    assert "0 distinct to translate" in logs.text
    assert "translating on Ray" not in logs.text and not ray.is_initialized()
    assert files(tmp_path / "ray") == files(tmp_path / "local")


def test_a_cluster_address_where_nothing_listens_is_one_line_not_a_hang(
    tiny_model: Path, tmp_path: Path, without_ray: None
):
    article = tmp_path / "article.txt"
    article.write_text(f"{SOURCES[0]}\n", encoding="utf-8")
    result = run("translate", article, "--ray", "127.0.0.1:1", "-o", tmp_path / "out", "--model", tiny_model)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "127.0.0.1:1" in errors[0] and "ray start --head" in errors[0]


def test_killing_an_actor_mid_run_still_gives_the_local_outputs(
    tiny_model: Path, tmp_path: Path, ray_running: None
):
    inputs = write_archive(tmp_path / "archive", seed=1)
    local = run("translate", *inputs, "-o", tmp_path / "local", "--model", tiny_model)
    assert local.exit_code == 0, local.output
    killed: list[int] = []

    def kill_the_first_actor(progress: Progress) -> None:
        if progress.pid is not None and not killed:
            os.kill(progress.pid, signal.SIGKILL)
            killed.append(progress.pid)

    with Store.open(tmp_path / "ray.db") as store:
        report = ray_translate.translate_archive(
            [str(tmp_path / "archive")],
            tmp_path / "ray",
            DecodeOptions(batch_tokens=8),  # one sentence per batch: many batches after the kill
            model=str(tiny_model),
            store=store,
            # One actor: every batch after the kill is the restarted actor's.
            settings=RaySettings(actors=1, cpus_per_actor=2),
            progress=kill_the_first_actor,
        )
        sentences = {s for path in inputs for s in _sentences(path)}
        identity = resolve_backend(str(tiny_model)).identity
        cached = store.cached_translations(identity, DecodeOptions().cache_key(), sentences)
    assert set(cached) == sentences
    assert killed and report.pids[0] == killed[0]
    assert len(report.pids) == 2, "the restarted actor (a new process) translated the rest"
    assert report.batches > 20 and report.translated == len(sentences)
    assert files(tmp_path / "ray") == files(tmp_path / "local")


def test_an_interrupted_job_resumes_from_the_cache(tiny_model: Path, tmp_path: Path, ray_running: None):
    inputs = write_archive(tmp_path / "archive", seed=4)
    local = run("translate", *inputs, "-o", tmp_path / "local", "--model", tiny_model)
    assert local.exit_code == 0, local.output

    def stop_after_the_first_batches(progress: Progress) -> None:
        if progress.pid is not None and progress.done > progress.total // 3:
            raise KeyboardInterrupt  # as Ctrl-C would, in the middle of the job

    arguments = ([str(tmp_path / "archive")], tmp_path / "ray", DecodeOptions(batch_tokens=8))
    with Store.open(tmp_path / "ray.db") as store:
        with pytest.raises(KeyboardInterrupt):
            ray_translate.translate_archive(
                *arguments, model=str(tiny_model), store=store, progress=stop_after_the_first_batches
            )
        report = ray_translate.translate_archive(*arguments, model=str(tiny_model), store=store)
    distinct = {s for path in inputs for s in _sentences(path)}
    assert 0 < report.translated < len(distinct), "the second run translated only what the first had not"
    assert report.from_cache > 0
    ray_files, local_files = files(tmp_path / "ray"), files(tmp_path / "local")
    assert ray_files.keys() == local_files.keys()
    for name in ray_files:
        if name.endswith(".en.txt"):
            assert ray_files[name] == local_files[name]
        else:  # the same rows, but what the first run translated now comes from the cache
            assert [_without_cached(r) for r in ray_files[name].decode().splitlines()] == [
                _without_cached(r) for r in local_files[name].decode().splitlines()
            ]


def _without_cached(line: str) -> dict:
    return {k: v for k, v in json.loads(line).items() if k != "cached"}


def _sentences(path: Path) -> list[str]:
    from workbench.segment import parse_article

    return [s.source for s in parse_article(path.read_text(encoding="utf-8")).segments]


def test_the_transformers_backend_on_ray_gives_its_local_outputs(
    tiny_model: Path, tmp_path: Path, ray_running: None
):
    inputs = write_archive(tmp_path / "archive", articles=3, seed=3)
    both = ("--model", tiny_model, "--backend", "transformers", "--no-cache")
    local = run("translate", *inputs, "-o", tmp_path / "local", *both)
    assert local.exit_code == 0, local.output
    result = run("translate", tmp_path / "archive", "--ray", "-o", tmp_path / "ray", *both)
    assert result.exit_code == 0, result.output
    assert files(tmp_path / "ray") == files(tmp_path / "local")


def test_a_model_converted_under_another_name_is_loaded_from_its_folder(
    tiny_model: Path, tmp_path: Path, ray_running: None, monkeypatch: pytest.MonkeyPatch
):
    # The conversion is keyed by content: converted under the absolute path, it serves the
    # same model named by a relative one.
    resolve_backend(str(tiny_model))
    inputs = write_archive(tmp_path / "archive", articles=2, seed=5)
    monkeypatch.chdir(tiny_model.parent)
    with Store.open(tmp_path / "ray.db") as store:
        report = ray_translate.translate_archive(
            [str(tmp_path / "archive")], tmp_path / "ray", DecodeOptions(), model=tiny_model.name, store=store
        )
    assert report.model_from == ("path",) and report.articles == len(inputs)


def test_a_table_of_articles_gives_one_parquet_of_the_local_rows(
    tiny_model: Path, tmp_path: Path, ray_running: None
):
    import pyarrow.parquet as pq

    inputs = write_archive(tmp_path / "articles", articles=5, seed=2)
    table = tmp_path / "archive.jsonl"
    ids = [f"doc-{n}" for n in range(len(inputs))]
    table.write_text(
        "".join(
            json.dumps({"id": i, "text": p.read_text(encoding="utf-8")}) + "\n"
            for i, p in zip(ids, inputs, strict=True)
        ),
        encoding="utf-8",
    )
    local = run(
        "translate", *inputs, "-o", tmp_path / "local", "--model", tiny_model, "--db", tmp_path / "l.db"
    )
    assert local.exit_code == 0, local.output
    result = run(
        "translate", table, "--ray", "-o", tmp_path / "ray", "--model", tiny_model, "--db", tmp_path / "r.db"
    )
    assert result.exit_code == 0, result.output

    expected = [
        {"id": key, **json.loads(line)}
        for key, path in zip(ids, inputs, strict=True)
        for line in (tmp_path / "local" / f"{path.stem}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [p.name for p in (tmp_path / "ray").iterdir()] == ["archive.parquet"]
    assert pq.read_table(tmp_path / "ray" / "archive.parquet").to_pylist() == expected


def test_actors_load_the_model_from_the_object_store_when_their_node_lacks_the_path(
    tiny_model: Path, tmp_path: Path, ray_running: None
):
    spec = resolve_backend(str(tiny_model))
    shipped = ModelCopy.make(spec, ship=True)
    # As on a node that does not see the driver's models folder.
    elsewhere = ModelCopy(replace(spec, path=tmp_path / "not-on-this-node"), shipped.files)
    rows = list(
        ray_translate.translate([SOURCES[:6], SOURCES[6:]], [60, 60], elsewhere, DecodeOptions(), 1, 1, 1)
    )
    assert {r["model_from"] for r in rows} == {"object store"}
    assert {s: t for r in rows for s, t in zip(r["sources"], r["translations"], strict=True)} == dict(
        zip(SOURCES, TARGETS, strict=True)
    )

    with pytest.raises(WorkbenchError, match="not on this Ray node"):
        list(ray_translate.translate([SOURCES[:1]], [9], ModelCopy(elsewhere.spec), DecodeOptions(), 1, 1, 1))


def test_without_the_ray_extra_one_line_says_how_to_install_it(tiny_model: Path, tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(f"{SOURCES[0]}\n", encoding="utf-8")
    for missing in ("ray", "ray.data"):
        # The import of Ray fails as it does where the extra is not installed.
        argv = ["workbench", "translate", str(article), "-o", str(tmp_path / "out"), "--ray"]
        code = (
            f"import sys; sys.modules[{missing!r}] = None; sys.argv = {argv!r}; "
            "from workbench.cli import main; main()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: --ray needs Ray Data"), done.stderr
        assert "pip install 'workbench[ray]'" in lines[0]
    assert not (tmp_path / "out").exists()


def test_an_input_file_after_a_bare_ray_is_a_usage_error(tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(f"{SOURCES[0]}\n", encoding="utf-8")
    result = run("translate", "--ray", article, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "not a Ray address" in result.stderr and "give INPUT before --ray" in result.stderr


def test_stdin_with_ray_is_refused_in_one_line(tiny_model: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli,
        ["translate", "-", "--ray", "-o", str(tmp_path / "out"), "--model", str(tiny_model)],
        input="Hallo.\n",
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "error: stdin (-) cannot be translated with --ray: give files, folders or globs, or drop --ray."
    )
