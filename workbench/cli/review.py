"""`workbench import | export | documents | glossary | app`: the review store from the shell."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path

import click

from workbench import config, exchange, login
from workbench.cli.options import db_option
from workbench.errors import InputError
from workbench.glossary import KINDS, GlossaryEntry
from workbench.roles import Role
from workbench.store import IMPORTED_SYSTEM, Store
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json
from workbench.workflows import documents, glossary, scores

CLI_ROLE = Role.LEAD
"""Whoever runs the command line owns the machine (and the database file): a lead."""


def _open(db: str | None) -> Store:
    return Store.open(config.database(db))


@click.command("import")
@click.argument("source", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "mqm"]),
    default="text",
    show_default=True,
    help="text: a German article, or line-aligned files with --mt/--ref; mqm: a WMT MQM TSV "
    "(documents, systems, their MT and the raters' annotations).",
)
@click.option("--mt", type=click.Path(), help="Machine translation, one line per line of SOURCE.")
@click.option("--ref", type=click.Path(), help="Approved English references, one line per line of SOURCE.")
@click.option("--title", default="", help="Document title (default: the file name).")
@click.option(
    "--system",
    default=IMPORTED_SYSTEM,
    show_default=True,
    help="Name of the system that produced --mt (to compare systems on the same documents).",
)
@db_option
def import_command(
    source: str, fmt: str, mt: str | None, ref: str | None, title: str, system: str, db: str | None
) -> None:
    """Import a German article (segmented into sentences), line-aligned files with --mt/--ref,
    or a WMT MQM TSV (--format mqm)."""
    if fmt == "mqm":
        if mt or ref or title:
            raise click.UsageError(
                "--format mqm reads everything from SOURCE: give it without --mt, --ref, --title"
            )
        with _open(db) as store:
            found = scores.import_mqm(store, source, created_by=config.reviewer(), role=CLI_ROLE)
        click.echo(
            f"{shown(source)}: {found.rows} rows, {found.documents} documents, {found.segments} segments, "
            f"systems: {shown(', '.join(found.systems))}"
        )
        return
    with _open(db) as store:
        result = documents.import_files(
            store,
            source,
            mt=mt,
            ref=ref,
            title=title,
            created_by=config.reviewer(),
            system=system,
            role=CLI_ROLE,
        )
    for warning in result.warnings:
        click.echo(f"warning: {shown(warning)}", err=True)
    click.echo(
        f"document {result.document_id} ({shown(result.title)}): {result.n_segments} segments, "
        f"{result.n_translations} translations, {result.n_references} approved references"
    )


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*exchange.FORMATS, "mqm"]),
    required=True,
    help="tmx, jsonl, txt: the approved references; mqm: the MQM judgements as a WMT MQM TSV.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--document", type=int, default=None, help="Only this document (default: all).")
@db_option
def export_command(fmt: str, output: str, document: int | None, db: str | None) -> None:
    """Export approved references (TMX 1.4, JSONL, one per line) or MQM judgements (WMT TSV)."""
    with _open(db) as store:
        if fmt == "mqm":
            count = scores.export_mqm(store, output, document)
            click.echo(f"wrote {count} MQM rows to {shown(output)}")
            return
        count = documents.export_references(store, output, fmt, document)
    click.echo(f"wrote {count} approved references to {shown(output)}")


@click.command("documents")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@db_option
def documents_command(as_json: bool, db: str | None) -> None:
    """List documents with counts of segments translated, flagged and approved."""
    with _open(db) as store:
        docs = store.documents()
    if as_json:
        click.echo(terminal_json([asdict(doc) for doc in docs]))
        return
    if not docs:
        click.echo("no documents yet: import one with `workbench import FILE`")
        return
    click.echo(f"{'id':>4}  {'segments':>8}  {'translated':>10}  {'flagged':>7}  {'approved':>8}  title")
    for doc in docs:
        click.echo(
            f"{doc.id:>4}  {doc.n_segments:>8}  {doc.n_translated:>10}  {doc.n_flagged:>7}  "
            f"{doc.n_approved:>8}  {shown(doc.title)}"
        )


@click.group("glossary")
def glossary_group() -> None:
    """Known-wrong forms and their corrections, applied to every translation."""


@glossary_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {wrong, right, kind, note}.")
@db_option
def glossary_list(as_json: bool, db: str | None) -> None:
    """List the glossary."""
    with _open(db) as store:
        entries = store.glossary_entries()
    if as_json:
        rows = [{"wrong": e.wrong, "right": e.right, "kind": e.kind, "note": e.note} for e in entries]
        click.echo(terminal_json(rows))
        return
    for e in entries:
        click.echo(_entry_line(e) + (f"  {shown(e.note)}" if e.note else ""))


def _entry_line(entry: GlossaryEntry) -> str:
    return f"{shown(entry.wrong)} -> {shown(entry.right)} ({entry.kind})"


@glossary_group.command("add")
@click.argument("wrong")
@click.argument("right")
@click.option("--kind", type=click.Choice(KINDS), default="name", show_default=True)
@click.option("--note", default="", help="Why, or where it was seen.")
@click.option("--replace", is_flag=True, help="Replace an existing entry for WRONG.")
@db_option
def glossary_add(wrong: str, right: str, kind: str, note: str, replace: bool, db: str | None) -> None:
    """Add WRONG -> RIGHT."""
    with _open(db) as store:
        entry = glossary.add_to_glossary(
            store,
            wrong,
            right,
            kind=kind,
            note=note,
            added_by=config.reviewer(),
            replace=replace,
            role=CLI_ROLE,
        )
    click.echo(_entry_line(entry))


@glossary_group.command("remove")
@click.argument("wrong")
@db_option
def glossary_remove(wrong: str, db: str | None) -> None:
    """Remove the entry for WRONG."""
    with _open(db) as store:
        glossary.remove_from_glossary(store, wrong, actor=config.reviewer(), role=CLI_ROLE)
    click.echo(f"removed {shown(wrong)}")


@glossary_group.command("import")
@click.argument("file", type=click.Path())
@db_option
def glossary_import(file: str, db: str | None) -> None:
    """Add (or update) the entries of a .csv or .tbx file."""
    from workbench.glossary_io import read_glossary

    entries = read_glossary(file)
    with _open(db) as store:
        counts = glossary.import_glossary(store, entries, added_by=config.reviewer(), role=CLI_ROLE)
    click.echo(f"{shown(file)}: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged")


@glossary_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def glossary_export(file: str, db: str | None) -> None:
    """Write the glossary to a .csv or .tbx file."""
    from workbench.glossary_io import write_glossary

    with _open(db) as store:
        entries = store.glossary_entries()
    write_glossary(file, entries)
    click.echo(f"wrote {len(entries)} glossary entries to {shown(file)}")


def streamlit_command(
    root: Path | None, port: int, address: str, *, secrets: Path | None = None
) -> list[str]:
    """The command line that serves the review app of the checkout at ``root`` (reading the
    login settings from ``secrets`` when given)."""
    app = root / "streamlit_app.py" if root else None
    if app is None or not app.is_file():
        raise InputError(
            f"the review app {app or 'streamlit_app.py'} is not there: `workbench app` runs from a source "
            "checkout. Run it from a clone of the repository installed with `pip install -e .`."
        )
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", address,
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    if secrets is not None:
        command += ["--secrets.files", str(secrets)]
    return command


def _address(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # Streamlit takes an empty address for "every interface": the reviewers' drafts would be
    # open to the network because of a typo or an unset shell variable.
    if not value.strip():
        raise click.BadParameter(
            "is empty, which would listen on every interface. Give 127.0.0.1 (this machine only) "
            "or 0.0.0.0 (every interface, with --auth oidc) explicitly."
        )
    return value


@click.command("app")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    callback=_address,
    help="Interface to listen on (0.0.0.0 = all). Anything but loopback needs --auth oidc.",
)
@click.option(
    "--auth",
    type=click.Choice(login.AUTH_MODES),
    default="none",
    show_default=True,
    envvar="WORKBENCH_AUTH",
    help="none: one person on this machine, acting as lead, types a name; oidc: everyone logs in "
    "(Streamlit's st.login, OpenID Connect) and acts as the role the roles file gives them.",
)
@click.option(
    "--roles",
    type=click.Path(dir_okay=False),
    envvar="WORKBENCH_ROLES",
    help="With --auth oidc: the TOML file mapping e-mail addresses and OIDC groups to the roles "
    "lead and reviewer (default: WORKBENCH_ROLES; see README, Login and roles).",
)
@click.option(
    "--secrets",
    type=click.Path(dir_okay=False),
    envvar="WORKBENCH_SECRETS",
    help="With --auth oidc: the Streamlit secrets file whose [auth] section holds the OIDC settings "
    "(default: WORKBENCH_SECRETS, else .streamlit/secrets.toml of the checkout).",
)
@db_option
def app_command(
    port: int, address: str, auth: str, roles: str | None, secrets: str | None, db: str | None
) -> None:
    """Start the Streamlit review app."""
    login.check_address(address, auth)
    root = config.project_root()
    env = {**os.environ, "WORKBENCH_DB": config.database(db), "WORKBENCH_AUTH": auth}
    secrets_path = None
    if auth == "oidc":
        secrets_path = Path(secrets).expanduser() if secrets else config.secrets_file()
        login.check_secrets(secrets_path)
        login.check_roles(roles)
        env["WORKBENCH_ROLES"] = str(Path(roles).expanduser().resolve())
        secrets_path = secrets_path.resolve()
    command = streamlit_command(root, port, address, secrets=secrets_path)
    click.echo(
        f"review app on http://{shown(address)}:{port} (database {shown(env['WORKBENCH_DB'])}"
        f"{', login with OpenID Connect' if auth == 'oidc' else ''}); Ctrl+C stops it"
    )
    # Become the streamlit process, so Ctrl+C and kill reach the server itself (no orphan);
    # cwd = the checkout, so its .streamlit/config.toml applies.
    os.chdir(root)
    os.execve(command[0], command, env)


COMMANDS = [import_command, export_command, documents_command, glossary_group, app_command]
