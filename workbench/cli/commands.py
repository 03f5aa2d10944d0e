"""Registry of subcommands; each module under workbench/cli/ adds its own."""

from __future__ import annotations

from workbench.cli import review
from workbench.cli.check import check
from workbench.cli.db import db_group
from workbench.cli.names import names_group
from workbench.cli.score import score
from workbench.cli.show import show
from workbench.cli.translate import model, translate

ALL: list = [check, score, *review.COMMANDS, show, names_group, translate, model, db_group]
