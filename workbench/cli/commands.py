"""Registry of subcommands; each module under workbench/cli/ adds its own."""

from __future__ import annotations

ALL: list = []
