"""Reading line-aligned input files for the CLI: decoding warnings go to the log."""

from __future__ import annotations

import logging

from workbench.textio import read_text

log = logging.getLogger("workbench")


def read_lines(path: str) -> tuple[str, list[str]]:
    """The file's name as given and its lines (see TextFile.lines)."""
    file = read_text(path)
    for warning in file.warnings:
        log.warning(warning)
    return file.name, file.lines
