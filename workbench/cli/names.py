"""`workbench names list | export`: the names reviewers accepted in the app, from the shell."""

from __future__ import annotations

import click

from workbench import config
from workbench.store import Store
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json
from workbench.workflows import glossary

_db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database (default: WORKBENCH_DB, else ~/.local/share/workbench/workbench.db).",
)


@click.group("names")
def names_group() -> None:
    """Names reviewers accepted in the review app (they extend the names knowledge base)."""


@names_group.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list of {canonical, german, variants, added_by}."
)
@_db_option
def names_list(as_json: bool, db: str | None) -> None:
    """List the accepted names with the misspellings seen."""
    with Store.open(config.database(db)) as store:
        known = store.known_names()
    if as_json:
        rows = [
            {
                "canonical": k.canonical,
                "german": k.german,
                "variants": list(k.variants),
                "added_by": k.added_by,
            }
            for k in known
        ]
        click.echo(terminal_json(rows))
        return
    if not known:
        click.echo(
            "no accepted names yet: accept a garbled-name correction in the review app (`workbench app`)"
        )
        return
    for k in known:
        german = f" (German: {shown(k.german)})" if k.german else ""
        variants = f"  seen as: {shown(', '.join(k.variants))}" if k.variants else ""
        click.echo(f"{shown(k.canonical)}{german}{variants}")


@names_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@_db_option
def names_export(file: str, db: str | None) -> None:
    """Write the accepted names to FILE as CSV in corpus/names.csv's format."""
    with Store.open(config.database(db)) as store:
        count = glossary.export_known_names(store, file)
    click.echo(f"wrote {count} known names to {shown(file)}")
