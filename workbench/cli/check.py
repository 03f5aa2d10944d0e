"""`workbench check`: flag garbled names (and altered numbers) in line-aligned source and MT files."""

from __future__ import annotations

import json

import click

from workbench import names
from workbench.cli.inputs import read_lines
from workbench.errors import InputError
from workbench.names import kb as knowledge


def format_flag(flag: names.Flag) -> str:
    """One readable line: where, what, the suggestion and why."""
    return f'{flag.line:>4} {flag.side:<3} "{flag.text}" -> {flag.suggestion}  ({flag.kind}: {flag.reason})'


@click.command("check")
@click.option(
    "--src",
    "src_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="German source, one segment per line.",
)
@click.option("--mt", "mt_path", type=click.Path(dir_okay=False), help="English MT, line-aligned with --src.")
@click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(dir_okay=False),
    help="Glossary of known wrong forms (.csv or .tbx).",
)
@click.option(
    "--kb",
    "kb_path",
    type=click.Path(dir_okay=False),
    help="Names knowledge base CSV [default: corpus/names.csv].",
)
@click.option(
    "--corpus",
    "corpus_paths",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Other documents (one segment per line) in the checked text's language: English with "
    "--mt, else German. Spellings rare there next to a close, frequent one are flagged. Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the flags as a JSON list.")
def check(
    src_path: str,
    mt_path: str | None,
    glossary_path: str | None,
    kb_path: str | None,
    corpus_paths: tuple[str, ...],
    as_json: bool,
) -> None:
    """Flag garbled names: glossary hits, near-misses, German transliterations, inconsistent
    spellings (in the document or across --corpus) and source/MT mismatches. With only --src,
    the source side is checked."""
    src_name, src = read_lines(src_path)
    mt = None
    if mt_path:
        mt_name, mt = read_lines(mt_path)
        if len(mt) != len(src):
            raise InputError(
                f"{src_name} has {len(src)} lines but {mt_name} has {len(mt)}; the files must be "
                "line-aligned (one segment per line in both). Check for a missing or extra line."
            )
    glossary = []
    if glossary_path:
        from workbench.glossary_io import read_glossary

        glossary = read_glossary(glossary_path)
    kb = knowledge.load_kb(kb_path)
    corpus = None
    if corpus_paths:
        documents = ["\n".join(read_lines(path)[1]) for path in corpus_paths]
        corpus = names.spelling_counts(documents, kb, "en" if mt is not None else "de")
    flags = names.check_segments(src, mt, kb=kb, glossary=glossary, corpus_spellings=corpus)
    if as_json:
        click.echo(json.dumps([f.as_json() for f in flags], ensure_ascii=False, indent=2))
        return
    for flag in flags:
        click.echo(format_flag(flag))
    sides = "source and translation" if mt is not None else "source"
    click.echo(f"{len(flags)} flag(s) in {len(src)} line(s) of the {sides}.")
