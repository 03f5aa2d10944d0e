"""The articles of an archive and where their translations go.

INPUT... is expanded into files, folders (the .txt files in them), globs and tables of articles
(JSONL or Parquet with an `id` and a `text` per article); each text file is read and checked
exactly as the local `workbench translate` reads it. A text file's outputs are STEM.en.txt and
STEM.jsonl, as on the local path; a table's is one STEM.parquet of sentence rows: the local
path's JSONL rows of each article, with the article's `id` first. Ray is not needed here;
pyarrow only for tables.
"""

from __future__ import annotations

import glob
import io
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import service
from workbench.errors import InputError
from workbench.segment import Article, parse_article
from workbench.textio import read_text, write_atomic

logger = logging.getLogger("workbench")

TABLE_SUFFIXES = (".jsonl", ".parquet")
_GLOB = re.compile(r"[*?\[]")
_OUTPUT_SUFFIX = ".en.txt"  # our own English output: never an article to translate
_TABLE_FORMAT = "a table of articles has one row per article, with an `id` and a `text`"


@dataclass(frozen=True)
class Input:
    """One input after expansion: a text file (one article) or a table of articles."""

    name: str
    """The path as the user gave it, or as found in their folder or glob."""
    table: bool

    @property
    def stem(self) -> str:
        return service.output_stem(self.name)

    def outputs(self, outdir: Path) -> tuple[Path, ...]:
        if self.table:
            return (Path(outdir) / f"{self.stem}.parquet",)
        return service.output_paths(outdir, self.stem)


@dataclass(frozen=True)
class Document:
    """One article to translate: a text file, or one row of a table."""

    input: Input
    key: str | int | None
    """The table row's `id`; None for a text file."""
    name: str
    article: Article

    @property
    def sources(self) -> list[str]:
        return [segment.source for segment in self.article.segments]


def expand(names: Sequence[str], outdir: Path) -> tuple[list[Input], list[InputError]]:
    """The inputs named, in the order given (a folder's or glob's files sorted by name), and an
    error for each name that gives nothing usable or whose outputs would overwrite an input
    or another input's outputs."""
    found: list[Input] = []
    errors: list[InputError] = []
    for name in names:
        try:
            found.extend(_expand(name))
        except InputError as err:
            errors.append(err)
    inputs: dict[Path, str] = {Path(item.name).resolve(): item.name for item in found}
    owners: dict[Path, str] = {}
    kept: list[Input] = []
    for item in found:
        try:
            for output in item.outputs(outdir):
                if (other := owners.get(output)) is not None:
                    raise InputError(
                        f"{item.name} would overwrite the outputs of {other} ({output.name}): "
                        "rename one of them."
                    )
                if (clobbered := inputs.get(output.resolve())) is not None:
                    raise InputError(
                        f"the output {output} of {item.name} would overwrite the input {clobbered}. "
                        "Choose another -o OUTDIR or rename the file."
                    )
        except InputError as err:
            errors.append(err)
            continue
        owners.update((output, item.name) for output in item.outputs(outdir))
        kept.append(item)
    return kept, errors


def _expand(name: str) -> list[Input]:
    if name == "-":
        raise InputError(
            "stdin (-) cannot be translated with --ray: give files, folders or globs, or drop --ray."
        )
    path = Path(name)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".txt" and _article_file(p))
        if not files:
            raise InputError(
                f"{name} is a folder without .txt files. Give a folder of articles (one .txt file "
                "each), the files themselves, or a table of articles (.jsonl, .parquet)."
            )
        return [Input(str(p), table=False) for p in files]
    if not path.exists() and _GLOB.search(name):
        matches = sorted(Path(m) for m in glob.glob(name, recursive=True))
        files = [p for p in matches if p.is_file() and _article_file(p)]
        if not files:
            raise InputError(
                f"{name} matches no files. Check the pattern (and quote it, so that the shell "
                "leaves it to workbench)."
            )
        return [_input(str(p)) for p in files]
    return [_input(name)]


def _article_file(path: Path) -> bool:
    return not path.name.startswith(".") and not path.name.endswith(_OUTPUT_SUFFIX) and path.is_file()


def _input(name: str) -> Input:
    return Input(name, table=Path(name).suffix.lower() in TABLE_SUFFIXES)


def read(item: Input) -> list[Document]:
    """The input's articles, segmented; InputError if the input cannot be used."""
    if not item.table:
        text_file = read_text(item.name)
        for warning in text_file.warnings:
            logger.warning(warning)
        return [Document(item, None, text_file.name, parse_article(text_file.text))]
    return [
        Document(item, key, f"{item.name} id {key}", parse_article(text))
        for key, text in read_table(item.name)
    ]


def read_table(name: str) -> list[tuple[str | int, str]]:
    """The (id, text) of each article in a JSONL or Parquet table, in order."""
    path = Path(name)
    if not path.exists():
        raise InputError(f"{name} does not exist. Check the path and the file name.")
    if not path.is_file():
        raise InputError(f"{name} is not a file: {_TABLE_FORMAT} (.jsonl or .parquet).")
    rows = _parquet_rows(path, name) if path.suffix.lower() == ".parquet" else _jsonl_rows(path, name)
    if not rows:
        raise InputError(f"{name} has no articles: {_TABLE_FORMAT}.")
    seen: set[str | int] = set()
    for number, (key, text) in enumerate(rows, start=1):
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise InputError(f"{name} row {number}: the id {key!r} is not a string or a whole number.")
        if type(key) is not type(rows[0][0]):
            raise InputError(f"{name} row {number}: ids must be all strings or all whole numbers.")
        if key in seen:
            raise InputError(
                f"{name} row {number}: the id {key!r} is used twice. Give each article its own id."
            )
        seen.add(key)
        if not isinstance(text, str):
            raise InputError(f"{name} row {number} (id {key!r}) has no text: {_TABLE_FORMAT}.")
    return rows


def _jsonl_rows(path: Path, name: str) -> list[tuple[Any, Any]]:
    rows: list[tuple[Any, Any]] = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(
                        f"{name} line {number} is not JSON ({err.msg}): {_TABLE_FORMAT}."
                    ) from None
                if not isinstance(record, dict) or "id" not in record or "text" not in record:
                    raise InputError(f"{name} line {number} has no `id` and `text`: {_TABLE_FORMAT}.")
                rows.append((record["id"], record["text"]))
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text. Save it as UTF-8 and try again.") from None
    except OSError as err:
        raise InputError(f"{name} cannot be read: {err.strerror}. Check the path.") from None
    return rows


def _parquet_rows(path: Path, name: str) -> list[tuple[Any, Any]]:
    import pyarrow
    import pyarrow.parquet as pq

    try:
        columns = pq.read_schema(path).names
        missing = [column for column in ("id", "text") if column not in columns]
        if missing:
            raise InputError(f"{name} has no {' or '.join(missing)} column: {_TABLE_FORMAT}.")
        table = pq.read_table(path, columns=["id", "text"])
    except (OSError, pyarrow.ArrowException) as err:
        cause = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"{name} cannot be read as Parquet ({cause}): {_TABLE_FORMAT}.") from None
    return list(zip(table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True))


def write_table(path: Path, articles: Sequence[tuple[str | int, service.ArticleTranslation]]) -> None:
    """One Parquet file of sentence rows, written atomically: each article's JSONL rows (as the
    local path writes them) with its `id` first."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    key_type = pa.int64() if articles and isinstance(articles[0][0], int) else pa.string()
    schema = pa.schema(
        [
            ("id", key_type),
            ("paragraph", pa.int64()),
            ("sentence", pa.int64()),
            ("source", pa.string()),
            ("translation", pa.string()),
            ("raw", pa.string()),
            ("model", pa.string()),
            ("boilerplate", pa.bool_()),
            ("cached", pa.bool_()),
            ("applied", pa.list_(pa.struct([("from", pa.string()), ("to", pa.string())]))),
        ]
    )
    rows = [{"id": key, **row} for key, result in articles for row in result.rows()]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), buffer)
    write_atomic(path, buffer.getvalue())
