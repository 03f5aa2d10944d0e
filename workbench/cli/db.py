"""`workbench db`: look after the database itself: check it, copy it (SQLite <-> PostgreSQL)."""

from __future__ import annotations

import signal
import sys

import click

from workbench import config
from workbench.cli.options import db_option
from workbench.store import copy as copying
from workbench.store import health
from workbench.store.db import target
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


@db_group.command("copy")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
def copy(src: str, dst: str) -> None:
    """Copy every table of SRC into DST, e.g. a SQLite file into PostgreSQL.

    SRC and DST are each a SQLite file path or a postgresql://user@host/database URL. SRC is
    first brought to the current schema; DST must be new or empty. All or nothing: an
    interrupted copy leaves no DST. Ids are kept, so every reference stays valid.
    """
    # A stop (Ctrl+C, or kill's TERM) unwinds like an error: the destination's transaction
    # rolls back and a half-built SQLite copy is deleted.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = copying.copy_database(src, dst)
    except KeyboardInterrupt:
        where = target(dst).name  # a URL without the password it may hold
        click.secho(
            f"error: the copy was interrupted; nothing was written to {shown(where)}.", fg="red", err=True
        )
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"copied {shown(result.source)} -> {shown(result.destination)} (schema {result.revision}):")
    for table in result.tables:
        click.echo(f"  {table.table:<20} {table.rows:>9,} rows")
    click.echo(f"  {'total':<20} {result.rows:>9,} rows")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
