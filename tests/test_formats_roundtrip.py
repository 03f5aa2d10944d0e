"""Every export reads back as it was written, whatever the text: glossary CSV and TBX through
real files, the TMX, JSONL and TXT reference exports; and a bad glossary file is one clear line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import exchange
from workbench.cli import cli
from workbench.errors import GlossaryError
from workbench.glossary import KINDS, GlossaryEntry
from workbench.glossary_io import read_glossary, to_csv_bytes, to_tbx_bytes, write_glossary
from workbench.store import Store

# Any text, NUL aside: every way into the store refuses it (a file holding one is binary).
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"))
# Forms as the store keeps them: stripped, never empty.
FORM = TEXT.map(str.strip).filter(bool)
ENTRY = st.builds(GlossaryEntry, wrong=FORM, right=FORM, kind=st.sampled_from(KINDS), note=TEXT)
# A glossary has one entry per wrong form, in any case.
GLOSSARY = st.lists(ENTRY, max_size=6, unique_by=lambda e: e.wrong.casefold())
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _import(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["glossary", "import", *args])
    return result.exit_code, result.output


# -- glossary: examples ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".tbx"])
def test_control_characters_survive_both_glossary_formats(tmp_path: Path, suffix: str) -> None:
    entries = [
        GlossaryEntry("Sch\x0boles", "Scholz", "name", "vertical\x0btab, bell\x07, CR\r, ESC\x1b[2J"),
        GlossaryEntry("Milli", "Mil\x01ley", "term", "\x1f"),
    ]
    path = tmp_path / f"g{suffix}"
    write_glossary(path, entries)
    if suffix == ".tbx":
        ET.parse(path)  # well-formed
    assert read_glossary(path) == entries


@pytest.mark.parametrize(
    "value",
    ["'=HYPERLINK(1)", "''+1", "'\tindented", "\tindented", " padded ", "'-'", "'quoted'", "'", "=1"],
)
def test_csv_keeps_values_that_look_neutralised_or_padded(tmp_path: Path, value: str) -> None:
    entries = [GlossaryEntry("Scholes", "Scholz", "name", value), GlossaryEntry(value.strip() or "x", "y")]
    path = tmp_path / "g.csv"
    write_glossary(path, entries)
    assert read_glossary(path) == entries
    cells = [line.split(",")[-1] for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_hand_typed_csv_is_still_stripped_and_its_apostrophe_marks_removed(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        "wrong, right, kind, note\nScholes, \"Scholz\", name , seen twice \n'=1,'@x,term,'note\n",
        encoding="utf-8",
    )
    assert read_glossary(path) == [
        GlossaryEntry("Scholes", "Scholz", "name", "seen twice"),
        GlossaryEntry("=1", "@x", "term", "'note"),
    ]


def test_a_cell_over_the_csv_field_limit_is_one_clear_line(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("wrong,right\nScholes,Scholz\nMilli," + "y" * 200_000 + "\n", encoding="utf-8")
    code, out = _import(str(path))
    assert code == 1
    assert out.startswith(f"error: {path} line 3: a cell is longer than 128 KB")
    assert out.count("\n") == 1 and "Traceback" not in out


def test_an_unclosed_quote_is_reported_as_such_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text('wrong,right\nMilli,Milley\nScholes,"Scholz\nLawrow,Lavrov\n', encoding="utf-8")
    with pytest.raises(
        GlossaryError, match=r"g\.csv line 3: a quote \(\"\) opened in the row .* never closed"
    ):
        read_glossary(path)
    path.write_text('"Scholes,Scholz\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv line 1: a quote"):
        read_glossary(path)


def test_text_after_a_closing_quote_is_named(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text('wrong,right\n"Scholes" (sic),Scholz\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv line 2: text follows the closing quote"):
        read_glossary(path)


def test_two_corrections_of_one_wrong_form_are_refused_naming_both_lines(
    tmp_path: Path, db_path: Path
) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Scholes,Scholz\nMilli,Milley\nscholes,Scholtz\n", encoding="utf-8")
    code, out = _import(str(path))
    assert code == 1
    assert out == (
        f"error: {path}: line 1 ('Scholes' -> 'Scholz') and line 3 ('scholes' -> 'Scholtz') correct "
        "the same wrong form (the glossary matches it in any case). Keep one of them and import again.\n"
    )
    with Store.open(db_path) as db:
        assert db.glossary_entries() == []  # nothing imported


def test_two_tbx_entries_for_one_wrong_form_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_bytes(to_tbx_bytes([GlossaryEntry("Scholes", "Scholz"), GlossaryEntry("SCHOLES", "Scholtz")]))
    with pytest.raises(
        GlossaryError, match=r"termEntry e1 .* and termEntry e2 .* correct the same wrong form"
    ):
        read_glossary(path)


def test_a_note_holding_many_control_characters_is_not_taken_for_a_binary_file(tmp_path: Path) -> None:
    entries = [GlossaryEntry("A", "B", "name", "\x01\x02\x03\x04\x05\x06")]
    path = tmp_path / "g.csv"
    write_glossary(path, entries)
    assert read_glossary(path) == entries


def test_glossary_export_and_import_through_the_cli_keep_every_entry(tmp_path: Path, db_path: Path) -> None:
    entries = [
        GlossaryEntry("Sch\x0boles", "Scholz", "name", "\tindented"),
        GlossaryEntry("'=cmd", "Term", "term", "'@x "),
    ]
    with Store.open(db_path) as db:
        db.import_glossary(entries)
    for suffix in (".csv", ".tbx"):
        path = tmp_path / f"out{suffix}"
        assert CliRunner().invoke(cli, ["glossary", "export", str(path)]).exit_code == 0
        fresh = tmp_path / f"fresh{suffix}.db"
        code, out = _import(str(path), "--db", str(fresh))
        assert code == 0, out
        with Store.open(fresh) as db:
            assert [(e.wrong, e.right, e.kind, e.note) for e in db.glossary_entries()] == [
                (e.wrong, e.right, e.kind, e.note) for e in sorted(entries, key=lambda e: e.wrong.lower())
            ]


# -- glossary: every text ----------------------------------------------------------------------


@PROPERTY
@given(entries=GLOSSARY)
def test_csv_export_reads_back_the_same_entries(tmp_path: Path, entries: list[GlossaryEntry]) -> None:
    path = tmp_path / "g.csv"
    write_glossary(path, entries)
    assert read_glossary(path) == entries


@PROPERTY
@given(entries=GLOSSARY)
def test_tbx_export_is_well_formed_and_reads_back_the_same_entries(
    tmp_path: Path, entries: list[GlossaryEntry]
) -> None:
    path = tmp_path / "g.tbx"
    write_glossary(path, entries)
    ET.parse(path)
    assert read_glossary(path) == entries


@PROPERTY
@given(entries=GLOSSARY)
def test_csv_cells_never_start_a_formula(entries: list[GlossaryEntry]) -> None:
    import csv
    import io

    for row in csv.reader(io.StringIO(to_csv_bytes(entries).decode("utf-8-sig"), newline="")):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# -- references ----------------------------------------------------------------------------------

UNIT = st.builds(
    exchange.Unit,
    document_id=st.integers(1, 9),
    segment_id=st.integers(1, 999),
    source=TEXT,
    target=TEXT,
    reviewer=TEXT,
)


@settings(max_examples=200, deadline=None)
@given(units=st.lists(UNIT, max_size=5))
def test_tmx_is_well_formed_and_keeps_every_segment(units: list[exchange.Unit]) -> None:
    data = exchange.to_tmx(units)
    ET.fromstring(data)
    assert exchange.parse_tmx(data) == [(u.source, u.target) for u in units]


@settings(max_examples=200, deadline=None)
@given(units=st.lists(UNIT, max_size=5))
def test_jsonl_is_one_line_per_unit_for_any_line_splitter(units: list[exchange.Unit]) -> None:
    lines = exchange.to_jsonl(units).decode("utf-8").splitlines()
    assert [(r["source"], r["reference"], r["reviewer"]) for r in map(json.loads, lines)] == [
        (u.source, u.target, u.reviewer) for u in units
    ]


@settings(max_examples=200, deadline=None)
@given(units=st.lists(UNIT, max_size=5))
def test_txt_is_one_line_per_unit_for_any_line_splitter(units: list[exchange.Unit]) -> None:
    lines = exchange.to_txt(units).decode("utf-8").splitlines()
    assert lines == [" ".join(u.target.splitlines()) for u in units]
