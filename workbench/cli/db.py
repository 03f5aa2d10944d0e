"""`workbench db`: look after the database itself (check it; more subcommands join the group)."""

from __future__ import annotations

import sys

import click

from workbench import config
from workbench.cli.options import db_option
from workbench.store import health
from workbench.textio import for_terminal as shown


@click.group("db")
def db_group() -> None:
    """Look after the workbench database (SQLite file or PostgreSQL)."""


@db_group.command("check")
@db_option
def check(db: str | None) -> None:
    """Check the database without changing it: integrity, schema version, rows per table.

    Exits 1 when the database is damaged, made by a newer workbench, or has tables that
    cannot be read."""
    found = health.check(config.database(db))
    click.echo(f"database:  {shown(found.name)} ({found.dialect})")
    click.echo(f"schema:    {found.schema_line()}")
    click.echo(f"integrity: {shown(found.integrity)}")
    for table in found.tables:
        rows = f"{table.rows:,} rows" if table.rows is not None else f"cannot be read: {shown(table.problem)}"
        click.echo(f"  {table.table:<20} {rows}")
    if found.ok:
        click.echo("ok")
        return
    name = shown(found.name)
    if found.integrity != "ok":
        advice = (
            f"the database {name} is damaged: restore a backup. The tables listed with a row count can "
            "still be read; copy what you need from them before replacing the file."
        )
    elif found.newer:
        advice = (
            f"the database {name} was made by a newer workbench: upgrade the workbench (git pull, then "
            "bash scripts/setup.sh) to use it."
        )
    elif found.missing:
        advice = (
            f"the database {name} lacks part of this workbench's schema ({found.missing[0]}): restore a "
            "backup. The tables listed with a row count can still be read."
        )
    else:
        advice = f"some tables of the database {name} cannot be read: restore a backup."
    click.secho(f"error: {advice}", fg="red", err=True)
    sys.exit(1)
