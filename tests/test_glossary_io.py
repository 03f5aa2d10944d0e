"""Glossary files: CSV (with formula neutralisation) and TBX, read and written by extension."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench.errors import GlossaryError, InputError
from workbench.glossary import GlossaryEntry
from workbench.glossary_io import read_glossary, to_csv_bytes, to_tbx_bytes, write_glossary

ENTRIES = [
    GlossaryEntry("Milli", "Milley", "name", "US general, seed article"),
    GlossaryEntry("Olaf Scholes", "Olaf Scholz", "name", ""),
    GlossaryEntry("Schoigu", "Shoigu", "name", "German spelling"),
    GlossaryEntry("deconfliction channel", "deconfliction line", "term", "Tom & Jerry <b>ü</b>"),
]


def test_reads_csv_with_header_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(
        "\ufeffwrong,right,kind,note\r\nMilli,Milley,name,US general\r\n\r\nLawrow,Lawrow-Lavrov,,\r\n"
        "Abstimmungslinie,deconfliction line,TERM,\r\n".encode()
    )
    assert read_glossary(path) == [
        GlossaryEntry("Milli", "Milley", "name", "US general"),
        GlossaryEntry("Lawrow", "Lawrow-Lavrov", "name", ""),
        GlossaryEntry("Abstimmungslinie", "deconfliction line", "term", ""),
    ]


def test_reads_csv_in_any_column_order(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Right,Wrong\nScholz,Scholes\n", encoding="utf-8")
    assert read_glossary(path) == [GlossaryEntry("Scholes", "Scholz")]


def test_reads_header_less_csv_with_two_or_three_columns(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Scholes,Scholz\nNaphtali,Naftali,name\nChannel,line,term\n", encoding="utf-8")
    assert read_glossary(path) == [
        GlossaryEntry("Scholes", "Scholz"),
        GlossaryEntry("Naphtali", "Naftali"),
        GlossaryEntry("Channel", "line", "term"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Milli,Milley,name,\n,Scholz,name,\n", r"g\.csv line 3: the 'wrong' form is empty"),
        ("Milli,Milley,name,\nScholes, ,name,\n", r"g\.csv line 3: the 'right' form is empty"),
        ("Milli,Milley,nmae,\n", r"g\.csv line 2: unknown kind 'nmae'; use name or term"),
        ("Milli,Milley,name,note,extra\n", r"g\.csv line 2: 5 columns"),
    ],
)
def test_bad_csv_row_names_file_and_line(tmp_path: Path, rows: str, message: str) -> None:
    path = tmp_path / "g.csv"
    path.write_text("wrong,right,kind,note\n" + rows, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        read_glossary(path)


def test_header_less_single_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Scholes,Scholz\nNaphtali\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv line 2: 1 columns"):
        read_glossary(path)


def test_csv_export_neutralises_formulas_and_reads_back_unchanged(tmp_path: Path) -> None:
    risky = [
        GlossaryEntry('=HYPERLINK("http://evil")', "Scholz", "name", "+1 cmd"),
        GlossaryEntry("-2+3", "@SUM(A1)", "term", "\tindented"),
        GlossaryEntry("Milli", "Milley", "name", "plain - dash inside is fine"),
    ]
    data = to_csv_bytes(risky)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show umlauts
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["wrong", "right", "kind", "note"]
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "Scholz", "name", "'+1 cmd"]
    assert rows[2] == ["'-2+3", "'@SUM(A1)", "term", "'\tindented"]
    assert rows[3] == ["Milli", "Milley", "name", "plain - dash inside is fine"]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    path = tmp_path / "out.csv"
    write_glossary(path, risky)
    assert path.read_bytes() == data
    # The neutralising apostrophes are removed, and with them nothing else.
    assert read_glossary(path) == risky


def test_tbx_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tbx"
    write_glossary(path, ENTRIES)
    assert read_glossary(path) == ENTRIES
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.tbx"]  # no temp file left behind


def test_tbx_is_tbx_basic(tmp_path: Path) -> None:
    root = ET.fromstring(to_tbx_bytes(ENTRIES))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    entries = root.findall("text/body/termEntry")
    assert len(entries) == len(ENTRIES)
    first = entries[0]
    assert first.findtext("note") == "US general, seed article"
    lang = first.find("langSet")
    assert lang.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    terms = {
        tig.findtext("term"): tig.findtext("termNote[@type='administrativeStatus']")
        for tig in lang.findall("tig")
    }
    assert terms == {"Milley": "preferredTerm-admn-sts", "Milli": "deprecatedTerm-admn-sts"}
    assert [tig.findtext("termNote[@type='partOfSpeech']") for tig in entries[3].iter("tig")] == [
        "noun",
        "noun",
    ]


def test_reads_tbx_v3_concept_entries(tmp_path: Path) -> None:
    path = tmp_path / "other-tool.tbx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="de"><termSec><term>Lawrow</term></termSec></langSec>
      <langSec xml:lang="en">
        <termSec><term>Lavrov</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>Lawrow</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
        <termSec><term>Lavrow</term>
          <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="en"><termSec><term>Pentagon</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
""",
        encoding="utf-8",
    )
    assert read_glossary(path) == [GlossaryEntry("Lawrow", "Lavrov"), GlossaryEntry("Lavrow", "Lavrov")]


def test_malformed_tbx_is_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.tbx"
    path.write_text("<martif><text><body><termEntry></body></text></martif>\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"broken\.tbx is not well-formed XML \(line 1, column \d+\)"):
        read_glossary(path)


def test_tbx_with_wrong_root_or_no_preferred_term_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.tbx"
    path.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"x\.tbx: root element is <html>"):
        read_glossary(path)
    path.write_text(
        '<martif><text><body><termEntry id="t7"><langSet xml:lang="en"><tig><term>Milli</term>'
        '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>'
        "</langSet></termEntry></body></text></martif>",
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError, match="termEntry t7 has a deprecated term but no preferred"):
        read_glossary(path)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        GlossaryError, match=r"unknown glossary format '\.xlsx'; name the file \.csv or \.tbx"
    ):
        write_glossary(tmp_path / "g.xlsx", ENTRIES)
    with pytest.raises(InputError, match="does not exist"):
        read_glossary(tmp_path / "missing.csv")
