"""The `workbench` command: a thin click front-end over workbench.service.

Each subcommand lives in a module of its own; this module owns the group and turns
the library's WorkbenchError into a one-line message and exit code 1, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from workbench.errors import WorkbenchError
from workbench.textio import for_terminal


class _Group(click.Group):
    """The top-level group: loads a subcommand's module on first use (commands.LAZY) and turns
    a WorkbenchError into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from workbench.cli.commands import LAZY

        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from workbench.cli.commands import LAZY

        if cmd_name not in self.commands and cmd_name in LAZY:
            module, attribute = LAZY[cmd_name].split(":")
            command = getattr(importlib.import_module(f"workbench.cli.{module}"), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as err:
            click.secho(f"error: {for_terminal(str(err))}", fg="red", err=True)
            sys.exit(1)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (click's test runner swaps it per invocation)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {for_terminal(record.getMessage())}"

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        # A message written while `translate` shows its progress bar would continue the bar's
        # line: clear the bar, write the message, draw the bar again below it.
        with tqdm.external_write_mode(file=sys.stderr):
            super().emit(record)


@click.group(cls=_Group)
@click.version_option(package_name="workbench")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
def cli(quiet: bool) -> None:
    """Translate German news with MarianMT, review it, keep references and score it."""
    logger = logging.getLogger("workbench")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.ERROR if quiet else logging.INFO)


def main() -> None:
    cli()
