"""Shared option types: a one-value option given twice is refused, not silently the last."""

from __future__ import annotations

import click
from click.testing import CliRunner

from workbench.cli.options import Once


@click.command()
@click.option("--src", cls=Once, required=True, type=click.Path())
@click.option("--metrics", cls=Once, default="bleu,chrf", show_default=True)
def _command(src: str, metrics: str) -> None:
    click.echo(f"{src} {metrics}")


def test_once_takes_one_value_and_keeps_its_default() -> None:
    result = CliRunner().invoke(_command, ["--src", "a.txt"])
    assert (result.exit_code, result.output) == (0, "a.txt bleu,chrf\n")


def test_once_refuses_a_repeated_option_naming_both_values() -> None:
    result = CliRunner().invoke(_command, ["--src", "a.txt", "--src", "b.txt"])
    assert result.exit_code == 2
    assert "Invalid value for '--src': given 2 times (a.txt, b.txt); give it once" in result.output


def test_once_help_shows_the_plain_default() -> None:
    result = CliRunner().invoke(_command, ["--help"])
    assert "[default: bleu,chrf]" in result.output
