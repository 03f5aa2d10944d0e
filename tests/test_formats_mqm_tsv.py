"""The WMT MQM TSV: spans from <v> markers, verbatim quotes, round trips, errors that point at the cell."""

from __future__ import annotations

import pytest

from workbench.errors import FormatError
from workbench.formats import mqm_tsv
from workbench.formats.mqm_tsv import MQMRow
from workbench.mqm import Annotation, Severity

HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\tcomment"


def _tsv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_spans_are_offsets_in_the_unmarked_text() -> None:
    rows = mqm_tsv.parse(
        _tsv(
            "sysA\tnews.1\t1\t7\trater1\tGeneral Milley sprach.\tGeneral <v>Millie</v> spoke.\t"
            "Accuracy/Mistranslation\tMajor\tname garbled",
            "sysA\tnews.1\t1\t7\trater2\tEr kam <v>gestern</v>.\tHe came.\tAccuracy/Omission\tMinor\t",
            "sysA\tnews.1\t2\t8\trater1\tGut.\tGood.\tNo-error\tNo-error\t",
        )
    )
    first, second, third = rows
    assert first.target == "General Millie spoke."
    a = first.annotation
    assert (a.side, a.start, a.end) == ("target", 8, 14)
    assert first.target[a.start : a.end] == "Millie"
    assert (a.category, a.severity, a.rater, a.comment) == (
        "Accuracy/Mistranslation",
        Severity.MAJOR,
        "rater1",
        "name garbled",
    )
    assert (first.system, first.doc, first.doc_id, first.seg_id, first.segment) == (
        "sysA",
        "news.1",
        "1",
        "7",
        ("news.1", "1", "7"),
    )
    b = second.annotation
    assert (b.side, second.source[b.start : b.end]) == ("source", "gestern")
    assert third.annotation == Annotation("No-error", Severity.NO_ERROR, rater="rater1")


def test_quotes_are_text_not_csv_quoting() -> None:
    # As in the published files: a field may start with a quotation mark, and quotes are never doubled.
    rows = mqm_tsv.parse(
        _tsv(
            'sysA\tted.1\t3\t3\trater1\t"Warum?", fragen Sie.\t"Why does it do this," <v>I hear you ask</v>.'
            '\tStyle/Awkward\tMinor\tWe say "Meter", not "Fuß".',
        )
    )
    row = rows[0]
    assert row.source == '"Warum?", fragen Sie.'
    assert row.target == '"Why does it do this," I hear you ask.'
    assert row.annotation.comment == 'We say "Meter", not "Fuß".'
    assert mqm_tsv.dumps(rows) == _tsv(
        'sysA\tted.1\t3\t3\trater1\t"Warum?", fragen Sie.\t"Why does it do this," <v>I hear you ask</v>.'
        '\tStyle/Awkward\tMinor\tWe say "Meter", not "Fuß".'
    )


def test_an_unclosed_marker_runs_to_the_end_as_in_two_published_rows() -> None:
    row = mqm_tsv.parse(_tsv("s\td\t1\t1\tr\tQuelle ?\tSocial mobility. <v>?\tFluency/Punctuation\tMinor\t"))[
        0
    ]
    a = row.annotation
    assert row.target == "Social mobility. ?"
    assert row.target[a.start : a.end] == "?"
    assert mqm_tsv.parse(mqm_tsv.dumps([row])) == [row]


def test_files_without_the_comment_column_and_with_line_ends_and_a_bom() -> None:
    header = "\ufeffsystem\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity"
    lines = [
        header + "\r\n",
        "s\td\t1\t1\tr\tQ\t<v>T</v>\tOther\tMinor\r\n",
        "\n",
        "s\td\t2\t2\tr\tQ\tT\tNo-error\tNo-error\n",
    ]
    rows = list(mqm_tsv.iter_rows(lines, "old.tsv"))
    assert [r.annotation.comment for r in rows] == ["", ""]
    assert [r.doc_id for r in rows] == ["1", "2"]  # the blank line is skipped
    # Written back without the comment column, the file is the same file.
    written = mqm_tsv.dumps(rows, with_comment=False)
    assert written == "".join(line.lstrip("\ufeff").replace("\r\n", "\n") for line in lines if line.strip())


def test_a_row_that_drops_its_empty_comment_is_read() -> None:
    rows = mqm_tsv.parse(_tsv("s\td\t1\t1\tr\tQ\tT\tNo-error\tNo-error"))
    assert rows[0].annotation.comment == ""


def test_write_then_parse_round_trips_every_row() -> None:
    rows = [
        MQMRow(
            "A",
            "doc 1",
            "1",
            "1",
            "Quelle eins.",
            "Source one.",
            Annotation("No-error", Severity.NO_ERROR, rater="r1"),
        ),
        MQMRow(
            "A",
            "doc 1",
            "2",
            "2",
            "Olaf Scholz sprach.",
            "Olaf Scholes spoke.",
            Annotation(
                "Accuracy/Mistranslation", Severity.MAJOR, "target", 5, 12, comment="name", rater="r1"
            ),
        ),
        MQMRow(
            "B",
            "doc 1",
            "2",
            "2",
            "Olaf Scholz sprach gestern.",
            "Olaf Scholz spoke.",
            Annotation("Accuracy/Omission", Severity.MINOR, "source", 19, 26, rater="r2"),
        ),
        MQMRow("B", "doc 2", "1", "3", "Ja.", "", Annotation("Non-translation!", Severity.MAJOR, rater="r2")),
        MQMRow(
            "B",
            "doc 2",
            "1",
            "3",
            "Ja.",
            "Yes",
            Annotation("Fluency/Punctuation", Severity.MINOR, "target", 3, 3, rater="r1"),
        ),
        MQMRow(
            "C",
            "doc 2",
            "1",
            "3",
            "Ja.",
            "Yes.",
            Annotation("Style/Awkward", Severity.NEUTRAL, "target", 0, 4, rater="r1"),
        ),
        MQMRow(
            "C",
            "doc 2",
            "1",
            "3",
            "Ja.",
            "Yes.",
            Annotation("Source error", Severity.MINOR, "source", 0, 2, rater="r2"),
        ),
        MQMRow(
            "C",
            "doc 3",
            "1",
            "4",
            "Nein.",
            "No.",
            Annotation("Other", Severity.CRITICAL, "target", 0, 3, rater="r1"),
        ),
    ]
    text = mqm_tsv.dumps(rows)
    assert mqm_tsv.parse(text) == rows
    assert mqm_tsv.dumps(mqm_tsv.parse(text)) == text
    assert text.splitlines()[5] == "B\tdoc 2\t1\t3\tr1\tJa.\tYes<v></v>\tFluency/Punctuation\tMinor\t"


def test_parsing_streams_row_by_row() -> None:
    lines = iter([HEADER, "s\td\t1\t1\tr\tQ\tT\tNo-error\tNo-error\t", "broken"])
    rows = mqm_tsv.iter_rows(lines, "big.tsv")
    assert next(rows).doc_id == "1"
    with pytest.raises(FormatError, match="big.tsv, line 3"):
        next(rows)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("s\td\t1\t1\tr\tQ\tT\tOther", "line 2: 8 tab-separated fields, the header has 10"),
        (
            "s\td\t1\t1\tr\tQ\tT\tOther\tMajr\t",
            "line 2, column 9 (severity): unknown severity 'Majr'; use one of",
        ),
        ("s\td\t1\t1\tr\tQ\tT\tAcuracy\tMajor\t", "line 2, column 8 (category): unknown category 'Acuracy'"),
        ("s\td\t1\t1\t\tQ\tT\tOther\tMajor\t", "line 2, column 5 (rater): rater is empty"),
        (
            "s\td\t1\t1\tr\tQ\tT</v>\tOther\tMajor\t",
            "line 2, column 7 (target): </v> without a <v> before it",
        ),
        ("s\td\t1\t1\tr\tQ\t</v>T<v>\tOther\tMajor\t", "line 2, column 7 (target): </v> before <v>"),
        (
            "s\td\t1\t1\tr\tQ\t<v>T</v> <v>U</v>\tOther\tMajor\t",
            "line 2, column 7 (target): more than one <v>…</v> span",
        ),
        (
            "s\td\t1\t1\tr\t<v>Q</v>\t<v>T</v>\tOther\tMajor\t",
            "line 2, column 7 (target): spans marked in both",
        ),
        (
            "s\td\t1\t1\tr\tQ\t<v>T</v>\tNo-error\tNo-error\t",
            "line 2, column 9 (severity): a No-error judgement has no span",
        ),
        (
            "s\td\t1\t1\tr\tQ\tT\tNo-error\tMajor\t",
            "line 2, column 9 (severity): category 'No-error' with severity 'Major'",
        ),
        (
            "s\td\t1\t1\tr\tQ\tT\tOther\tNo-error\t",
            "line 2, column 8 (category): category 'Other' with severity 'No-error'",
        ),
    ],
)
def test_bad_rows_name_file_line_and_column(row: str, message: str) -> None:
    with pytest.raises(FormatError) as err:
        mqm_tsv.parse(_tsv(row), "mqm.tsv")
    assert str(err.value).startswith(f"mqm.tsv, {message}"), str(err.value)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "line 1: no header; an MQM TSV starts with the tab-separated columns system\tdoc"),
        ("system,doc,doc_id", "line 1, column 1: the header is 'system,doc,doc_id', expected 'system'"),
        ("system\tdoc\tseg_id", "line 1, column 3: the header is 'seg_id', expected 'doc_id'"),
        ("system\tdoc\tdoc_id", "line 1: the header has 3 columns, missing seg_id, rater"),
        (HEADER + "\tnotes", "line 1, column 11: the header 'notes' is one column too many"),
    ],
)
def test_a_bad_header_is_refused(header: str, message: str) -> None:
    with pytest.raises(FormatError) as err:
        mqm_tsv.parse(header + "\n", "mqm.tsv")
    assert str(err.value).startswith(f"mqm.tsv, {message}")


def test_what_the_format_cannot_hold_is_refused_on_writing() -> None:
    def row(target: str, **kwargs: object) -> MQMRow:
        return MQMRow(
            "A", "d", "1", "1", "Q", target, Annotation("Other", Severity.MINOR, rater="r", **kwargs)
        )

    with pytest.raises(FormatError, match="system A, doc d, seg_id 1, rater r: its target contains a tab"):
        mqm_tsv.dumps([row("a\tb")])
    with pytest.raises(FormatError, match="its target contains <v> or </v>"):
        mqm_tsv.dumps([row("a <v> b")])
    with pytest.raises(FormatError, match="its comment is not empty; write the file with the comment column"):
        mqm_tsv.dumps([row("T", comment="note")], with_comment=False)
    with pytest.raises(FormatError, match="its system is empty"):
        mqm_tsv.dumps([MQMRow("", "d", "1", "1", "Q", "T", Annotation("Other", Severity.MINOR, rater="r"))])


def test_corrections_and_tags_have_no_column() -> None:
    annotation = Annotation(
        "Accuracy/Mistranslation",
        Severity.MAJOR,
        "target",
        0,
        5,
        correction="Scholz",
        rater="r",
        tags=frozenset({"garbled-name"}),
    )
    text = mqm_tsv.dumps([MQMRow("A", "d", "1", "1", "Scholz kam.", "Scholes came.", annotation)])
    assert (
        text.splitlines()[1]
        == "A\td\t1\t1\tr\tScholz kam.\t<v>Schol</v>es came.\tAccuracy/Mistranslation\tMajor\t"
    )
