"""Inputs and outputs at their limits: a huge pipe on stdin, an empty --address, a file name
near the file system's limit, and the leftovers of runs that were killed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.errors import InputError
from workbench.textio import MAX_BYTES, read_stream

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


def test_piping_300_mb_into_translate_does_not_hold_them_in_memory(tmp_path: Path) -> None:
    # A real pipe from a real producer; os.wait4 reports the peak memory of this child alone.
    producer = subprocess.Popen(["head", "-c", "300M", "/dev/zero"], stdout=subprocess.PIPE)
    text = subprocess.Popen(["tr", "\\0", "a"], stdin=producer.stdout, stdout=subprocess.PIPE)
    assert producer.stdout is not None and text.stdout is not None
    producer.stdout.close()
    child = subprocess.Popen([*WORKBENCH, "translate", "-"], stdin=text.stdout, stderr=subprocess.PIPE)
    text.stdout.close()
    assert child.stderr is not None
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    text.wait()
    producer.wait()
    assert child.returncode == 1
    assert usage.ru_maxrss < 150 * 1024  # KiB: the interpreter and 5 MB, not 300 MB
    assert "<stdin> is larger than the 5.0 MB limit" in err and "Traceback" not in err


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
