"""Temporaries that a killed run left beside their target, and removing them safely.

Outputs and converted models are written under a temporary name first (a file
``.NAME.xxxxxxxx.tmp``, a model folder ``.NAME.xxxxxxxx.partial``) and renamed into place.
A run killed before the rename leaves its temporary behind, up to a whole model in size;
the next run writing the same target removes it. Only when that is safe: a writer holds an
exclusive flock on its temporary for as long as it exists, so a temporary whose lock can be
taken belongs to a run that has ended; and one changed in the last STALE_AFTER_S seconds is
left alone, as it may belong to a writer that has created it but not locked it yet.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

log = logging.getLogger("workbench")

STALE_AFTER_S = 60


def _fcntl() -> ModuleType | None:
    try:
        import fcntl
    except ImportError:  # not POSIX: no flock, so nothing is ever taken for stale
        return None
    return fcntl


def lock(fd: int) -> None:
    """Mark the open temporary ``fd`` as in use until ``fd`` is closed."""
    fcntl = _fcntl()
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Mark the temporary folder or file ``path`` as in use for the ``with`` block."""
    fd = os.open(path, os.O_RDONLY)
    try:
        lock(fd)
        yield
    finally:
        os.close(fd)


def partial_pattern(target: Path) -> re.Pattern[str]:
    """The names tempfile.mkdtemp(prefix=".NAME.", suffix=".partial") gives for ``target``."""
    return re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}\.partial")


def remove_stale(directory: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove the temporaries in ``directory`` whose names match ``pattern`` and whose
    writers have ended; returns what was removed."""
    fcntl = _fcntl()
    if fcntl is None:
        return []
    try:
        names = [entry.name for entry in os.scandir(directory) if pattern.fullmatch(entry.name)]
    except OSError:
        return []  # the write itself will say what is wrong with the folder
    removed = []
    for name in names:
        path = directory / name
        if _remove_if_stale(path, fcntl):
            log.info("removed %s, left behind by an interrupted run", path)
            removed.append(path)
    return removed


def _remove_if_stale(path: Path, fcntl: ModuleType) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False  # gone meanwhile, or a symbolic link: never ours
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer is still at work
        info = os.fstat(fd)
        if time.time() - info.st_mtime < STALE_AFTER_S:
            return False
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        elif stat.S_ISREG(info.st_mode):
            path.unlink(missing_ok=True)
        else:
            return False
        return True
    finally:
        os.close(fd)
