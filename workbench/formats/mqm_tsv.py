"""The WMT MQM TSV format published with Freitag et al. 2021: parse and write, pure.

One row per judgement of one rater on one translated segment, with the columns
``system doc doc_id seg_id rater source target category severity`` and, in later files,
``comment``. The error's span is marked ``<v>…</v>`` in the source or the target; a
No-error row marks nothing. In the published files doc_id is the segment's position in
its document and seg_id its number in the whole test set.

Fields are taken verbatim. The published files are not CSV-quoted: a target may start with
a quotation mark and quotes inside text are never doubled (Python's csv module would join
such rows), so rows are split on tabs and nothing else, and a field can hold no tab or line
break. Two published rows leave a ``<v>`` open at the end of the text; such a span runs to
the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from workbench.errors import FormatError, InputError
from workbench.mqm import NO_ERROR, Annotation, Side, check_category, parse_severity

COLUMNS: tuple[str, ...] = (
    "system",
    "doc",
    "doc_id",
    "seg_id",
    "rater",
    "source",
    "target",
    "category",
    "severity",
)
COMMENT = "comment"
HEADER = "\t".join((*COLUMNS, COMMENT))
OPEN, CLOSE = "<v>", "</v>"

_REQUIRED = ("system", "doc", "doc_id", "seg_id", "rater", "category", "severity")
_COLUMN_NUMBER = {name: i + 1 for i, name in enumerate((*COLUMNS, COMMENT))}


@dataclass(frozen=True)
class MQMRow:
    """One row: the segment as the rater saw it (plain text, no markers) and their judgement."""

    system: str
    doc: str
    doc_id: str
    seg_id: str
    source: str
    target: str
    annotation: Annotation

    def __post_init__(self) -> None:
        self.annotation.check_span(self.source, self.target)

    @property
    def rater(self) -> str:
        return self.annotation.rater

    @property
    def segment(self) -> tuple[str, str, str]:
        """Identifies the segment within a system, whichever id convention the file follows."""
        return (self.doc, self.doc_id, self.seg_id)


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _unmark(text: str, column: str) -> tuple[str, tuple[int, int] | None]:
    """The text without its <v>…</v> markers, and the marked span's offsets in that text."""
    start = text.find(OPEN)
    if start < 0:
        if CLOSE in text:
            raise _RowError(column, f"{CLOSE} without a {OPEN} before it; mark a span as {OPEN}words{CLOSE}")
        return text, None
    if CLOSE in text[:start]:
        raise _RowError(column, f"{CLOSE} before {OPEN}; mark a span as {OPEN}words{CLOSE}")
    close = text.find(CLOSE, start + len(OPEN))
    if close < 0:
        plain = text[:start] + text[start + len(OPEN) :]
        span = (start, len(plain))
    else:
        plain = text[:start] + text[start + len(OPEN) : close] + text[close + len(CLOSE) :]
        span = (start, close - len(OPEN))
    if OPEN in plain or CLOSE in plain:
        raise _RowError(column, f"more than one {OPEN}…{CLOSE} span; one row is one error with one span")
    return plain, span


def _row(fields: list[str], has_comment: bool) -> MQMRow:
    values = dict(zip(COLUMNS, fields, strict=False))
    for name in _REQUIRED:
        if not values[name].strip():
            raise _RowError(name, f"{name} is empty; every row gives its {name}")
    source, source_span = _unmark(values["source"], "source")
    target, target_span = _unmark(values["target"], "target")
    if source_span and target_span:
        raise _RowError(
            "target", "spans marked in both source and target; one row is one error with one span"
        )
    side: Side | None = "source" if source_span else "target" if target_span else None
    start, end = source_span or target_span or (0, 0)
    try:
        check_category(values["category"])
    except InputError as err:
        raise _RowError("category", str(err)) from None
    try:
        severity = parse_severity(values["severity"])
    except InputError as err:
        raise _RowError("severity", str(err)) from None
    try:
        annotation = Annotation(
            category=values["category"],
            severity=severity,
            side=side,
            start=start,
            end=end,
            comment=fields[len(COLUMNS)] if has_comment and len(fields) > len(COLUMNS) else "",
            rater=values["rater"],
        )
    except InputError as err:
        column = "severity" if values["category"] == NO_ERROR else "category"
        raise _RowError(column, str(err)) from None
    return MQMRow(
        values["system"], values["doc"], values["doc_id"], values["seg_id"], source, target, annotation
    )


def _header(line: str | None, source: str) -> bool:
    """Check the header line; True when the file has the comment column."""
    if line is None or not line.strip():
        raise FormatError(
            f"{source}, line 1: no header; an MQM TSV starts with the tab-separated columns {HEADER}"
        )
    names = line.lstrip("\ufeff").rstrip("\r\n").split("\t")
    if tuple(names) == COLUMNS or tuple(names) == (*COLUMNS, COMMENT):
        return len(names) > len(COLUMNS)
    expected = ", ".join(COLUMNS)
    for i, name in enumerate(names):
        wanted = COLUMNS[i] if i < len(COLUMNS) else COMMENT if i == len(COLUMNS) else None
        if name != wanted:
            problem = f"is {name!r}, expected {wanted!r}" if wanted else f"{name!r} is one column too many"
            raise FormatError(
                f"{source}, line 1, column {i + 1}: the header {problem}; an MQM TSV has the "
                f"tab-separated columns {expected} and optionally {COMMENT}, in this order"
            )
    raise FormatError(
        f"{source}, line 1: the header has {len(names)} columns, missing "
        f"{', '.join(COLUMNS[len(names) :])}; an MQM TSV has the tab-separated columns {expected} "
        f"and optionally {COMMENT}"
    )


def iter_rows(lines: Iterable[str], source: str = "MQM file") -> Iterator[MQMRow]:
    """Rows of an MQM TSV, one at a time; FormatError names the file, line and column at fault.

    ``lines`` may keep their line ends (an open file) or not (str.split). Blank lines are
    skipped. ``source`` only labels messages.
    """
    lines = iter(lines)
    has_comment = _header(next(lines, None), source)
    width = len(COLUMNS) + has_comment
    for number, line in enumerate(lines, start=2):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        # A writer that drops the empty comment at the end of a row leaves one field fewer.
        if len(fields) != width and not (has_comment and len(fields) == len(COLUMNS)):
            raise FormatError(
                f"{source}, line {number}: {len(fields)} tab-separated fields, the header has {width}; "
                "every row needs one field per column (a tab inside a sentence splits it: "
                "replace it with a space)"
            )
        try:
            yield _row(fields, has_comment)
        except _RowError as err:
            raise FormatError(
                f"{source}, line {number}, column {_COLUMN_NUMBER[err.column]} ({err.column}): {err.message}"
            ) from None


def parse(text: str, source: str = "MQM file") -> list[MQMRow]:
    """Every row of an MQM TSV given as one string (see iter_rows)."""
    return list(iter_rows(text.split("\n"), source))


def _mark(text: str, start: int, end: int) -> str:
    return f"{text[:start]}{OPEN}{text[start:end]}{CLOSE}{text[end:]}"


def _refuse(row: MQMRow, column: str, problem: str, fix: str) -> FormatError:
    where = f"system {row.system}, doc {row.doc}, seg_id {row.seg_id}, rater {row.rater}"
    return FormatError(f"cannot write the row of {where}: its {column} {problem}; {fix}")


def format_row(row: MQMRow, *, with_comment: bool = True) -> str:
    """One row as a line of the TSV (no line end); FormatError for what the format cannot hold.

    Corrections and tags have no column in the WMT format and are left out. Without the
    comment column (as in the 2020 files) a row with a comment is refused, not cut short.
    """
    a = row.annotation
    fields = {
        "system": row.system,
        "doc": row.doc,
        "doc_id": row.doc_id,
        "seg_id": row.seg_id,
        "rater": a.rater,
        "source": row.source,
        "target": row.target,
        "category": a.category,
        "severity": a.severity.value,
        COMMENT: a.comment,
    }
    for column, value in fields.items():
        if "\t" in value or "\n" in value or "\r" in value:
            raise _refuse(
                row,
                column,
                "contains a tab or line break",
                "the MQM TSV cannot quote one: replace it with a space",
            )
        if column in _REQUIRED and not value.strip():
            raise _refuse(row, column, "is empty", f"give every row its {column}")
    for column in ("source", "target"):
        if OPEN in fields[column] or CLOSE in fields[column]:
            raise _refuse(
                row,
                column,
                f"contains {OPEN} or {CLOSE}",
                "the format keeps these for spans: reword the text",
            )
    if not with_comment:
        if fields.pop(COMMENT):
            raise _refuse(row, COMMENT, "is not empty", "write the file with the comment column")
    if a.side is not None:
        fields[a.side] = _mark(fields[a.side], a.start, a.end)
    return "\t".join(fields.values())


def iter_lines(rows: Iterable[MQMRow], *, with_comment: bool = True) -> Iterator[str]:
    """The header and one line per row, without line ends, for streaming to a file."""
    yield HEADER if with_comment else "\t".join(COLUMNS)
    for row in rows:
        yield format_row(row, with_comment=with_comment)


def dumps(rows: Iterable[MQMRow], *, with_comment: bool = True) -> str:
    """The whole TSV as one string, ending in a newline."""
    return "\n".join(iter_lines(rows, with_comment=with_comment)) + "\n"
