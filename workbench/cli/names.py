"""`workbench names list | export | import-wikidata`: the names reviewers accepted in the app,
and growing the names knowledge base from a Wikidata dump."""

from __future__ import annotations

from pathlib import Path

import click

from workbench import config
from workbench.cli.options import Once, db_option
from workbench.names import kb as knowledge
from workbench.names.wikidata import Dump
from workbench.store import Store
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json
from workbench.workflows import glossary


@click.group("names")
def names_group() -> None:
    """Names reviewers accepted in the review app (they extend the names knowledge base)."""


@names_group.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list of {canonical, german, variants, added_by}."
)
@db_option
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
@db_option
def names_export(file: str, db: str | None) -> None:
    """Write the accepted names to FILE as CSV in corpus/names.csv's format."""
    with Store.open(config.database(db)) as store:
        count = glossary.export_known_names(store, file)
    click.echo(f"wrote {count} known names to {shown(file)}")


@names_group.command("import-wikidata")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--into",
    cls=Once,
    type=click.Path(dir_okay=False),
    help="Knowledge base CSV to merge into [default: corpus/names.csv, the one `check` uses].",
)
def names_import_wikidata(file: str, into: str | None) -> None:
    """Add the people (instance of human, Q5) of a Wikidata JSON dump FILE to the names knowledge
    base: English label and aliases as the English spellings, German label and aliases as the
    German ones. A person already there gets the new spellings added. The dump is read as a
    stream (.gz and .bz2 too); the knowledge base is written atomically."""
    target = Path(into) if into else knowledge.default_kb_path()
    existing = knowledge.read_records(target) if target.exists() else []
    dump = Dump(file)
    records, added, merged = knowledge.merge_records(existing, dump)
    knowledge.write_records(target, records)
    click.echo(
        f"read {dump.entities} entities, {dump.humans} people: {added} added, {merged} merged into "
        f"{shown(str(target))} ({len(records)} people now)"
    )
