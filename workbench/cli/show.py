"""`workbench show DOC`: a document as its reviewers left it, for people and for scripts."""

from __future__ import annotations

import click

from workbench import config
from workbench.cli.options import Once, db_option
from workbench.store import Store
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json
from workbench.workflows import documents


@click.command("show")
@click.argument("document", type=int)
@click.option("--system", cls=Once, help="Whose MT to show (default: the document's newest system).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: every sentence with its annotations.")
@db_option
def show(document: int, system: str | None, as_json: bool, db: str | None) -> None:
    """Each sentence of DOCUMENT with its source, raw MT, MT, post-edit, status and annotations."""
    with Store.open(config.database(db)) as store:
        view = documents.show(store, document, system)
    if as_json:
        click.echo(terminal_json(view))
        return
    click.echo(f"document {view['id']}: {shown(view['title'])} (system: {shown(view['system'] or 'none')})")
    for sentence in view["sentences"]:
        click.echo(f"\n{sentence['number']:>3} [{sentence['status']}] {shown(sentence['source'])}")
        if sentence["raw_mt"] is not None and sentence["raw_mt"] != sentence["mt"]:
            click.echo(f"    raw MT:    {shown(sentence['raw_mt'])}")
        click.echo(f"    MT:        {shown(sentence['mt'] or '(not translated)')}")
        if sentence["post_edit"] is not None:
            click.echo(f"    post-edit: {shown(sentence['post_edit'])}")
        for note in sentence["annotations"]:
            span = note["mt_span"] or note["src_span"]
            where = f"“{shown(span['text'])}”" if span else "the sentence"
            fix = f" -> {shown(note['correction'])}" if note["correction"] else ""
            click.echo(
                f"    {note['status']:<9} {shown(note['category'])} ({note['severity']}) on {where}{fix}"
                f"  [{shown(note['rater'])}]"
            )
