"""Inputs and outputs at their limits: a huge pipe on stdin, an empty --address, a file name
near the file system's limit, and the leftovers of runs that were killed."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.engine import ct2 as ct2_engine
from workbench.engine import load_backend, models
from workbench.errors import InputError, ModelLoadError
from workbench.textio import MAX_BYTES, read_stream, write_atomic

ROOT = Path(__file__).resolve().parent.parent
WORKBENCH = [sys.executable, "-c", "from workbench.cli import main; main()"]


# -- stdin ------------------------------------------------------------------------------------------


def test_a_pipe_is_refused_at_the_limit_without_reading_the_rest() -> None:
    read_end, write_end = os.pipe()
    written = 0

    def feed() -> None:
        nonlocal written
        block = b"Der Minister sprach.\n" * 4096
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            try:
                while written < 64 * 1024 * 1024:
                    written += pipe.write(block)
            except BrokenPipeError:
                pass  # the reader stopped, as it should

    writer = threading.Thread(target=feed)
    writer.start()
    with os.fdopen(read_end, "rb") as pipe, pytest.raises(InputError) as refused:
        read_stream(pipe, "<stdin>", max_bytes=256 * 1024)
    writer.join()
    assert str(refused.value).startswith("<stdin> is larger than the 256 KB limit. Split it")
    # What was written is what the reader took plus one pipe buffer at most, not the 64 MB offered.
    assert written < 256 * 1024 + 4 * 1024 * 1024


def test_translate_refuses_a_huge_stdin_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["translate", "-"], input=b"Ein Satz.\n" * (MAX_BYTES // 9))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: <stdin> is larger than the 5.0 MB limit. Split it into smaller files "
        "(e.g. one article per file) and translate those.\n"
    )


# The child reports its own peak memory (VmHWM: this process image only; getrusage would also
# count the memory of the test process it was forked from) when it exits.
PEAK_REPORTING_WORKBENCH = [
    sys.executable,
    "-c",
    "import atexit, os\n"
    "def report():\n"
    "    peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "    open(os.environ['PEAK_FILE'], 'w').write(peak.split()[1])\n"
    "atexit.register(report)\n"
    "from workbench.cli import main\n"
    "main()\n",
]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_piping_300_mb_into_translate_does_not_hold_them_in_memory(tmp_path: Path) -> None:
    peak_file = tmp_path / "peak"
    producer = subprocess.Popen(["head", "-c", "300M", "/dev/zero"], stdout=subprocess.PIPE)
    text = subprocess.Popen(["tr", "\\0", "a"], stdin=producer.stdout, stdout=subprocess.PIPE)
    assert producer.stdout is not None and text.stdout is not None
    producer.stdout.close()
    child = subprocess.run(
        [*PEAK_REPORTING_WORKBENCH, "translate", "-"],
        stdin=text.stdout,
        capture_output=True,
        text=True,
        env={**os.environ, "PEAK_FILE": str(peak_file)},
    )
    text.stdout.close()
    text.wait()
    producer.wait()
    assert child.returncode == 1
    assert int(peak_file.read_text()) < 150 * 1024  # KiB: the interpreter and 5 MB, not 300 MB
    assert "<stdin> is larger than the 5.0 MB limit" in child.stderr and "Traceback" not in child.stderr


# -- app --address ----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["", "  "])
def test_app_refuses_an_empty_address_instead_of_listening_everywhere(address: str, db_path: Path) -> None:
    # A subprocess: without the check, `workbench app` would become a server listening on 0.0.0.0.
    try:
        done = subprocess.run(
            [*WORKBENCH, "app", "--address", address, "--port", "1"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`workbench app --address {address!r}` started a server instead of refusing")
    assert done.returncode == 2
    assert "Invalid value for '--address': is empty, which would listen on every interface." in done.stderr
    assert "Traceback" not in done.stderr


# -- long output names ------------------------------------------------------------------------------


def test_a_247_character_output_name_is_written(tmp_path: Path, db_path: Path) -> None:
    # The temp file's name is 14 bytes longer than the output's: it must still fit in 255.
    name = "g" * 243 + ".csv"
    result = CliRunner().invoke(cli, ["glossary", "export", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".db"] == [name]


def test_an_output_name_over_the_limit_says_so(tmp_path: Path) -> None:
    name = "ü" * 128 + ".txt"  # 132 characters, 260 bytes
    with pytest.raises(InputError) as refused:
        write_atomic(tmp_path / name, "x")
    assert str(refused.value) == (
        f"cannot write {tmp_path / name}: its name is 260 bytes long, more than the 255 this file "
        "system allows. Use a shorter file name."
    )


# -- leftovers of killed runs -----------------------------------------------------------------------

OLD = time.time() - 3600


def _leftover(path: Path, *, old: bool = True, size: int = 1024) -> Path:
    path.write_bytes(b"\0" * size)
    if old:
        os.utime(path, (OLD, OLD))
    return path


def test_a_killed_writes_temp_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    stale = _leftover(tmp_path / ".out.csv.0a1b2c3d.tmp", size=2 * 1024 * 1024)
    write_atomic(tmp_path / "out.csv", "new")
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_only_old_unlocked_temps_of_the_same_file_are_removed(tmp_path: Path) -> None:
    fresh = _leftover(tmp_path / ".out.csv.11111111.tmp", old=False)  # a writer may be about to lock it
    locked = _leftover(tmp_path / ".out.csv.22222222.tmp")
    other_target = _leftover(tmp_path / ".other.csv.33333333.tmp")
    not_ours = [_leftover(tmp_path / name) for name in (".out.csv.backup.tmp", "out.csv.44444444.tmp")]
    link = tmp_path / ".out.csv.55555555.tmp"
    link.symlink_to(_leftover(tmp_path / "precious.txt"))
    with locked.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a writer still at work
        write_atomic(tmp_path / "out.csv", "new")
    for kept in (fresh, locked, other_target, *not_ours, link, tmp_path / "precious.txt"):
        assert kept.exists(), kept
    assert (tmp_path / "out.csv").read_text() == "new"


def test_a_killed_write_leaves_a_temp_the_next_run_removes(tmp_path: Path) -> None:
    # A real kill -9 in the middle of a write: the child has written its temp and stops just
    # before the rename (os.replace made to wait), holding the temp's lock as a live writer does.
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            "from workbench import textio\n"
            "def stop(*args):\n"
            "    print('written', flush=True); time.sleep(600)\n"
            "os.replace = stop\n"
            f"textio.write_atomic({str(tmp_path / 'out.csv')!r}, b'x' * (8 * 1024 * 1024))\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "written\n"
    [temp] = [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")]
    write_atomic(tmp_path / "out.csv", "while it runs")
    assert temp.exists()  # its writer is alive and holds the lock
    child.kill()
    child.wait()
    os.utime(temp, (OLD, OLD))
    write_atomic(tmp_path / "out.csv", "after the kill")
    assert not temp.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def _partial(directory: Path, target_name: str, token: str) -> Path:
    folder = directory / f".{target_name}.{token}.partial"
    (folder / "model").mkdir(parents=True)
    _leftover(folder / "model" / "model.bin", size=4 * 1024 * 1024)
    os.utime(folder, (OLD, OLD))
    return folder


def test_a_killed_conversion_leaves_a_folder_the_next_load_removes(tiny_model: Path) -> None:
    # The child converts for real and is killed -9 in the middle (its converter made to wait).
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from workbench.engine import ct2, models\n"
            "def stop(ref, out, quantization):\n"
            "    out.mkdir(); (out / 'model.bin').write_bytes(b'half')\n"
            "    print('converting', flush=True); time.sleep(600)\n"
            "ct2._convert = stop\n"
            f"ct2.convert(models.resolve({str(tiny_model)!r}), 'int8')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "converting\n"
    target = ct2_engine.converted_dir(models.resolve(str(tiny_model)), "int8")
    [partial] = [p for p in target.parent.iterdir() if p.name.endswith(".partial")]
    child.kill()
    child.wait()
    os.utime(partial, (OLD, OLD))
    load_backend(str(tiny_model), backend="ctranslate2")
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_a_cached_conversion_still_removes_stale_partials_but_not_a_live_one(tiny_model: Path) -> None:
    target = load_backend(str(tiny_model), backend="ctranslate2").converted.path
    stale = _partial(target.parent, target.name, "abcd_123")
    live = _partial(target.parent, target.name, "live0001")
    other = _partial(target.parent, "0123456789abcdef-float32", "abcd_123")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a conversion still running in another process
        load_backend(str(tiny_model), backend="ctranslate2")
    finally:
        os.close(fd)
    assert not stale.exists()
    assert live.exists() and other.exists()


def test_a_killed_download_leaves_a_folder_the_next_download_removes(tmp_path: Path) -> None:
    target = tmp_path / "models" / "Helsinki-NLP--opus-mt-de-en"
    target.parent.mkdir()
    stale = _partial(target.parent, target.name, "k1lled_x")
    with pytest.raises(ModelLoadError, match="HF_HUB_OFFLINE is set"):  # offline: no download here
        models.download("Helsinki-NLP/opus-mt-de-en", target)
    assert list(target.parent.iterdir()) == []
    assert not stale.exists()


# -- setup: chromium while another apt runs ---------------------------------------------------------

# Stands in for Debian's apt-get (the test cannot take the real dpkg lock from the machine):
# the first LOCKED calls fail with apt's own lock message, the others succeed or fail as FAIL says.
APT_GET = """#!/usr/bin/env bash
calls="$STUB/calls"
echo "$*" >> "$calls"
if (( $(wc -l < "$calls") <= LOCKED )); then
    echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
    echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend)," \
        "is another process using it?" >&2
    exit 100
fi
if [[ -n "$FAIL" ]]; then echo "E: $FAIL" >&2; exit 100; fi
"""


def _install_chromium(tmp_path: Path, *, locked: int, timeout: int, fail: str = "") -> tuple[int, str, str]:
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "apt-get").write_text(APT_GET)
    (stub / "apt-get").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{stub}:{os.environ['PATH']}",
        "STUB": str(stub),
        "LOCKED": str(locked),
        "FAIL": fail,
        "APT_LOCK_TIMEOUT": str(timeout),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-chromium.sh")], env=env, capture_output=True, text=True
    )
    return done.returncode, done.stderr, (stub / "calls").read_text()


@pytest.mark.skipif(
    os.geteuid() != 0, reason="without root the script asks sudo, which the stub cannot answer"
)
def test_setup_waits_for_another_apt_and_names_it(tmp_path: Path) -> None:
    code, err, calls = _install_chromium(tmp_path, locked=1, timeout=60)
    assert code == 0, err
    assert "another package manager, process 4242 (unattended-upgr), holds the package lock" in err
    assert calls.splitlines() == ["-qq update", "-qq update", "-qq install -y chromium"]


@pytest.mark.skipif(
    os.geteuid() != 0, reason="without root the script asks sudo, which the stub cannot answer"
)
def test_setup_names_the_lock_holder_not_root_when_it_gives_up(tmp_path: Path) -> None:
    code, err, _ = _install_chromium(tmp_path, locked=99, timeout=0)
    assert code == 1
    assert "the package lock is still held by process 4242 (unattended-upgr) after 0s" in err
    assert "root" not in err


@pytest.mark.skipif(
    os.geteuid() != 0, reason="without root the script asks sudo, which the stub cannot answer"
)
def test_setup_passes_on_apts_own_reason(tmp_path: Path) -> None:
    code, err, _ = _install_chromium(tmp_path, locked=0, timeout=0, fail="Unable to locate package chromium")
    assert code == 1
    assert "could not install chromium (apt-get: E: Unable to locate package chromium)" in err
    assert "root" not in err
