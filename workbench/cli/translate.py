"""`workbench translate` (files or stdin -> English text + JSONL) and `workbench model download`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from workbench import config, service
from workbench.cli.options import Once, db_option
from workbench.engine import BACKENDS, Backend, DecodeOptions, load_backend, models
from workbench.errors import InputError, ModelLoadError, WorkbenchError
from workbench.glossary import GlossaryEntry
from workbench.segment import parse_article
from workbench.store import Store
from workbench.textio import TextFile, for_terminal, read_stream, read_text

if TYPE_CHECKING:
    from workbench.workflows.ray_translate import Progress, RaySettings

logger = logging.getLogger("workbench")

_DEFAULTS = DecodeOptions()
_BAR_MIN_SENTENCES = 10  # below this a run takes a moment: no bar


@click.command("translate")
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for STEM.en.txt and STEM.jsonl (needed unless the only INPUT is -).",
)
@click.option(
    "--model", help=f"Hub id or model directory [default: WORKBENCH_MODEL or {config.DEFAULT_MODEL}]."
)
@click.option("--beams", type=click.IntRange(min=1), default=_DEFAULTS.beams, show_default=True)
@click.option(
    "--max-new-tokens", type=click.IntRange(min=1), default=_DEFAULTS.max_new_tokens, show_default=True
)
@click.option(
    "--batch-tokens",
    type=click.IntRange(min=1),
    default=_DEFAULTS.batch_tokens,
    show_default=True,
    help="Token budget per batch (longest sentence x batch size).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor fill the translation cache.")
@click.option("--no-glossary", is_flag=True, help="Do not apply the glossary's corrections.")
@click.option("--backend", "backend_name", type=click.Choice(BACKENDS), default="auto", show_default=True)
@click.option(
    "--precision",
    help="ctranslate2: int8 (CPU default), int8_float32, int8_float16 (CUDA default), float32, ...; "
    "transformers: float32 (default), float16, bfloat16.",
)
@db_option
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="local",
    metavar="[ADDRESS]",
    callback=lambda _ctx, _param, value: _ray_address(value),
    help="Translate on Ray: alone, a Ray inside this process; with ADDRESS (auto, HOST:PORT, "
    "ray://HOST:10001), that cluster. INPUT may then also be a folder (its .txt files), a quoted "
    "glob, or a .jsonl/.parquet table of articles (id, text) -> OUTDIR/STEM.parquet. "
    "Needs pip install 'workbench[ray]'.",
)
@click.option(
    "--actors", type=click.IntRange(min=1), help="With --ray: model copies [default: all that fit]."
)
@click.option(
    "--document",
    cls=Once,
    type=int,
    help="Translate this stored document instead of files: its MT is saved as a system (the raw "
    "output, and with the glossary applied as 'NAME +glossary'), to review and compare.",
)
@click.option(
    "--system",
    cls=Once,
    help="With --document: the system's name [default: the model's name and non-default options].",
)
@click.option(
    "--cpus-per-actor",
    type=click.IntRange(min=1),
    help="With --ray: CPUs (decoding threads) per actor [default: 2, 1 on one-CPU nodes].",
)
def translate(
    inputs: tuple[str, ...],
    outdir: Path | None,
    model: str | None,
    beams: int,
    max_new_tokens: int,
    batch_tokens: int,
    no_cache: bool,
    no_glossary: bool,
    backend_name: str,
    precision: str | None,
    db: str | None,
    ray_address: str | None,
    actors: int | None,
    cpus_per_actor: int | None,
    document: int | None,
    system: str | None,
) -> None:
    """Translate German articles (one paragraph per line) into English.

    Writes OUTDIR/STEM.en.txt (one English paragraph per German one) and OUTDIR/STEM.jsonl
    (one record per sentence). INPUT `-` reads stdin and prints the English text.
    Each input is handled on its own: a bad one is reported and the others still run.
    """
    options = DecodeOptions(beams=beams, max_new_tokens=max_new_tokens, batch_tokens=batch_tokens)
    if document is not None:
        if inputs or outdir or ray_address is not None:
            raise click.UsageError(
                "--document translates a stored document: give it without INPUT, -o and --ray"
            )
        _translate_document(document, system, model, backend_name, precision, options, no_glossary, db)
        return
    if system is not None:
        raise click.UsageError(
            "--system names the system a stored document is translated as: give --document ID"
        )
    if not inputs:
        raise click.UsageError("give INPUT files (- reads stdin), or --document ID for a stored document.")
    if ray_address is None and (actors or cpus_per_actor):
        raise click.UsageError("--actors and --cpus-per-actor go with --ray.")
    if ray_address is not None:
        from workbench.workflows.ray_translate import RaySettings

        settings = RaySettings(ray_address, actors, cpus_per_actor)
        if _translate_on_ray(
            inputs, outdir, options, model, backend_name, precision, not no_cache, db, no_glossary, settings
        ):
            sys.exit(1)
        return
    if outdir is None and any(name != "-" for name in inputs):
        raise click.UsageError("give -o OUTDIR for the outputs (only `-` writes to stdout).")
    if inputs.count("-") > 1:
        raise click.UsageError("give `-` (stdin) once: it can be read only once.")
    # Read every input before touching the model: a typo in a file name is reported at once,
    # and a run whose inputs all fail needs no model at all.
    stems: dict[str, str] = {}
    readable: list[tuple[str, TextFile]] = []
    failed = 0
    input_paths = {Path(name).resolve(): name for name in inputs if name not in ("-", "")}
    for name in inputs:
        try:
            readable.append((name, _read_input(name, stems, outdir, input_paths)))
        except WorkbenchError as err:
            click.secho(f"error: {for_terminal(str(err))}", fg="red", err=True)
            failed += 1
    if readable:
        backend = load_backend(model, backend=backend_name, precision=precision, lazy=True)
        if outdir is not None and any(name != "-" for name, _ in readable):
            service.make_outdir(outdir)
        store = None if no_cache and no_glossary else Store.open(config.database(db))
        try:
            glossary = [] if no_glossary or store is None else store.glossary_entries()
            cache = None if no_cache else store
            for name, text_file in readable:
                try:
                    _translate_one(name, text_file, outdir, backend, options, cache, glossary)
                except ModelLoadError:
                    raise  # the same for every input: stop here
                except WorkbenchError as err:
                    click.secho(f"error: {for_terminal(str(err))}", fg="red", err=True)
                    failed += 1
        finally:
            if store is not None:
                store.close()
    if failed:
        sys.exit(1)


def _translate_document(
    document: int,
    system: str | None,
    model: str | None,
    backend_name: str,
    precision: str | None,
    options: DecodeOptions,
    no_glossary: bool,
    db: str | None,
) -> None:
    from workbench.workflows.translate import translate_document

    with Store.open(config.database(db)) as store:
        total = store.document(document).n_segments  # NotFoundError names the fix
        backend = load_backend(model, backend=backend_name, precision=precision, lazy=True)
        with tqdm(total=total, unit="sentence", disable=total < _BAR_MIN_SENTENCES, file=sys.stderr) as bar:
            result = translate_document(
                store, document, backend, options, bar.update, use_glossary=not no_glossary, system=system
            )
    names = ", ".join(f"'{for_terminal(name)}'" for name in result.systems)
    click.echo(
        f"document {document}: {result.n_segments} sentences as {names} ({result.n_cached} from the cache)"
    )


def _ray_address(value: str | None) -> str | None:
    from workbench.workflows.ray_translate import check_address

    try:
        return None if value is None else check_address(value)
    except WorkbenchError as err:
        raise click.BadParameter(str(err)) from None


def _translate_on_ray(
    inputs: tuple[str, ...],
    outdir: Path | None,
    options: DecodeOptions,
    model: str | None,
    backend_name: str,
    precision: str | None,
    use_cache: bool,
    db: str | None,
    no_glossary: bool,
    settings: RaySettings,
) -> int:
    """Run the Ray path; returns how many inputs failed."""
    from workbench.workflows import ray_translate

    ray_translate.require_ray(settings.address)
    if outdir is None:
        raise click.UsageError("give -o OUTDIR: with --ray every output is a file.")
    failed = 0

    def report(err: WorkbenchError) -> None:
        nonlocal failed
        click.secho(f"error: {err}", fg="red", err=True)
        failed += 1

    store = None if not use_cache and no_glossary else Store.open(config.database(db))
    bar = _RayBar()
    try:
        ray_translate.translate_archive(
            inputs,
            outdir,
            options,
            model=model,
            backend=backend_name,
            precision=precision,
            store=store if use_cache else None,
            glossary=[] if no_glossary or store is None else store.glossary_entries(),
            settings=settings,
            on_error=report,
            progress=bar,
        )
    finally:
        bar.close()
        if store is not None:
            store.close()
    return failed


class _RayBar:
    """The Ray path's one progress bar: all sentences of the job, and source tokens/s.

    Drawn from the first translated batch on: Ray writes a line of its own to stderr while the
    actors start, which would break a bar drawn before it.
    """

    def __init__(self) -> None:
        self.bar: tqdm | None = None
        self.started_at = 0

    def __call__(self, progress: Progress) -> None:
        if progress.pid is None:  # before the first batch: the cache's share
            self.started_at = progress.done
            return
        if self.bar is None:
            quiet = (
                progress.total < _BAR_MIN_SENTENCES
                or not sys.stderr.isatty()
                or not logger.isEnabledFor(logging.INFO)
            )
            self.bar = tqdm(
                total=progress.total,
                initial=self.started_at,
                desc="translating on Ray",
                unit="sentence",
                file=sys.stderr,
                disable=quiet,
                leave=False,
            )
        self.bar.set_postfix_str(f"{progress.tokens / progress.seconds:,.0f} source tokens/s", refresh=False)
        self.bar.update(progress.done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _read_input(
    name: str, stems: dict[str, str], outdir: Path | None, input_paths: dict[Path, str]
) -> TextFile:
    if name == "-":
        with click.open_file("-", "rb") as stdin:
            text_file = read_stream(stdin, "<stdin>")
    else:
        text_file = read_text(name)
        stem = service.output_stem(name)
        if stem in stems:
            raise InputError(
                f"{name} would overwrite the outputs of {stems[stem]} ({stem}.en.txt): rename one of them."
            )
        if outdir is not None:
            for output in service.output_paths(outdir, stem):
                if (clobbered := input_paths.get(output.resolve())) is not None:
                    raise InputError(
                        f"the output {output} of {name} would overwrite the input {clobbered}. "
                        "Choose another -o OUTDIR or rename the file."
                    )
        stems[stem] = name
    for warning in text_file.warnings:
        logger.warning(warning)
    return text_file


def _translate_one(
    name: str,
    text_file: TextFile,
    outdir: Path | None,
    backend: Backend,
    options: DecodeOptions,
    store: Store | None,
    glossary: list[GlossaryEntry],
) -> None:
    stem = service.output_stem(name)
    article = parse_article(text_file.text)
    total = len(article.segments)
    quiet = total < _BAR_MIN_SENTENCES or not sys.stderr.isatty() or not logger.isEnabledFor(logging.INFO)
    with tqdm(
        total=total, desc=text_file.name, unit="sentence", file=sys.stderr, disable=quiet, leave=False
    ) as bar:
        result = service.translate_article(
            text_file, backend, options, store=store, glossary=glossary, progress=bar.update, article=article
        )
    if store is not None:
        logger.info("%s: %d of %d sentences from cache", text_file.name, result.from_cache, total)
    if name == "-":
        click.echo(result.text, nl=False)
        return
    assert outdir is not None  # checked by the command
    text_path, jsonl_path = service.write_outputs(result, outdir, stem)
    logger.info("%s -> %s, %s", name, text_path, jsonl_path)


@click.group("model")
def model() -> None:
    """Get translation models for offline use."""


@model.command("download")
@click.argument("model_id", default=config.DEFAULT_MODEL, metavar="[ID]")
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to save it in [default: models/ORG--NAME].",
)
@click.option("--force", is_flag=True, help="Replace the folder if it is not empty.")
def download(model_id: str, target: Path | None, force: bool) -> None:
    """Download hub model ID (default Helsinki-NLP/opus-mt-de-en) into a local folder."""
    path = models.download(model_id, target, force=force)
    click.echo(f"saved {model_id} to {path}; translate with --model {path}")
