"""`workbench check`: flag garbled names (and altered numbers) in German sources and their MT.

Like a linter it exits 1 when something is flagged (--exit-zero turns that off), so a script
or CI step can stop on a garbled name; errors in the input exit 1 with one line, too.
"""

from __future__ import annotations

import sys

import click

from workbench import names
from workbench.cli.inputs import read_lines
from workbench.cli.options import Once
from workbench.errors import InputError
from workbench.names import kb as knowledge
from workbench.textio import for_terminal as shown
from workbench.textio import terminal_json


def format_flag(flag: names.Flag) -> str:
    """One readable line: where, what, the suggestion and why."""
    return f'{flag.line:>4} {flag.side:<3} "{flag.text}" -> {flag.suggestion}  ({flag.kind}: {flag.reason})'


@click.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--src",
    "src_path",
    cls=Once,
    type=click.Path(dir_okay=False),
    help="German source, one segment per line (the source of --mt).",
)
@click.option(
    "--mt",
    "mt_path",
    cls=Once,
    type=click.Path(dir_okay=False),
    help="English MT, line-aligned with the source.",
)
@click.option(
    "--glossary",
    "glossary_path",
    cls=Once,
    type=click.Path(dir_okay=False),
    help="Glossary of known wrong forms (.csv or .tbx).",
)
@click.option(
    "--kb",
    "kb_path",
    cls=Once,
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
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is flagged (default: exit 1).")
def check(
    files: tuple[str, ...],
    src_path: str | None,
    mt_path: str | None,
    glossary_path: str | None,
    kb_path: str | None,
    corpus_paths: tuple[str, ...],
    as_json: bool,
    exit_zero: bool,
) -> None:
    """Flag garbled names in FILE... (German sources, each checked alone) or in --src with its
    translation --mt: glossary hits, near-misses, German transliterations, inconsistent
    spellings (in the document or across --corpus), and names or numbers that the translation
    dropped or changed. Exits 1 when something is flagged."""
    sources = [*files, *([src_path] if src_path else [])]
    if not sources:
        raise InputError(
            "nothing to check: give German source files (workbench check FILE...) "
            "or a source and its translation (--src FILE --mt FILE)."
        )
    if mt_path and len(sources) > 1:
        raise InputError(
            f"--mt pairs with one source, but {len(sources)} were given ({', '.join(sources)}); "
            "check each source with its translation separately."
        )
    checked = [_read(path, mt_path) for path in sources]
    glossary = []
    if glossary_path:
        from workbench.glossary_io import read_glossary

        glossary = read_glossary(glossary_path)
    kb = knowledge.load_kb(kb_path)
    corpus = None
    if corpus_paths:
        documents = ["\n".join(read_lines(path)[1]) for path in corpus_paths]
        corpus = names.spelling_counts(documents, kb, "en" if mt_path else "de")
    results = [
        (name, src, names.check_segments(src, mt, kb=kb, glossary=glossary, corpus_spellings=corpus))
        for name, src, mt in checked
    ]
    if as_json:
        rows = [{"file": name, **f.as_json()} for name, _, flags in results for f in flags]
        click.echo(terminal_json(rows))
    else:
        _print_text(results, mt_path is not None)
    if any(flags for _, _, flags in results) and not exit_zero:
        sys.exit(1)


def _read(path: str, mt_path: str | None) -> tuple[str, list[str], list[str] | None]:
    src_name, src = read_lines(path)
    if not mt_path:
        return src_name, src, None
    mt_name, mt = read_lines(mt_path)
    if len(mt) != len(src):
        raise InputError(
            f"{src_name} has {len(src)} lines but {mt_name} has {len(mt)}; the files must be "
            "line-aligned (one segment per line in both). Check for a missing or extra line."
        )
    return src_name, src, mt


def _print_text(results: list[tuple[str, list[str], list[names.Flag]]], with_mt: bool) -> None:
    sides = "source and translation" if with_mt else "source"
    several = len(results) > 1
    for name, src, flags in results:
        for flag in flags:
            click.echo(shown(f"{name}: {format_flag(flag)}" if several else format_flag(flag)))
        where = f" of {name}" if several else ""
        click.echo(shown(f"{len(flags)} flag(s) in {len(src)} line(s) of the {sides}{where}."))
    if several:
        total = sum(len(flags) for _, _, flags in results)
        click.echo(f"{total} flag(s) in {len(results)} files.")
