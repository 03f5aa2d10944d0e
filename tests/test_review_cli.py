"""`workbench import | export | documents | glossary | app` through the click front-end."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cli.review import streamlit_command
from workbench.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GERMAN = [f"Satz {n}: Der Minister sprach mit General Nummer {n}." for n in range(1, 18)]
MT = [f"Sentence {n}: The minister spoke with general number {n}." for n in range(1, 18)]
REFS = [f'Sentence {n}: the minister talked to General No. {n} <ok> & "fine".' for n in range(1, 18)]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def aligned(tmp_path: Path) -> tuple[str, str, str]:
    return (
        _write(tmp_path / "de.txt", GERMAN),
        _write(tmp_path / "mt.txt", MT),
        _write(tmp_path / "ref.txt", REFS),
    )


def test_import_17_aligned_lines_then_export_tmx(aligned, tmp_path: Path, db_path: Path) -> None:
    de, mt, ref = aligned
    code, out = _run("import", de, "--mt", mt, "--ref", ref, "--title", "Seventeen")
    assert code == 0, out
    assert out == "document 1 (Seventeen): 17 segments, 17 translations, 17 approved references\n"
    tmx = tmp_path / "out" / "refs.tmx"
    code, out = _run("export", "--format", "tmx", "-o", str(tmx))
    assert code == 0, out
    assert out == f"wrote 17 approved references to {tmx}\n"
    root = ET.parse(tmx).getroot()
    assert root.get("version") == "1.4" and root.find("header").get("srclang") == "de-DE"
    tus = root.findall("body/tu")
    assert len(tus) == 17
    english = [tu.find(f"tuv[@{XML_LANG}='en-US']/seg").text for tu in tus]
    german = [tu.find(f"tuv[@{XML_LANG}='de-DE']/seg").text for tu in tus]
    assert english == REFS and german == GERMAN
    assert [p.name for p in tmx.parent.iterdir()] == ["refs.tmx"]  # no temp file left behind


def test_export_jsonl_and_txt_of_one_document(aligned, tmp_path: Path, db_path: Path) -> None:
    de, mt, ref = aligned
    _run("import", de, "--ref", ref)
    _run("import", de, "--mt", mt)
    code, out = _run("export", "--format", "txt", "-o", str(tmp_path / "r.txt"), "--document", "1")
    assert code == 0, out
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").splitlines() == REFS
    code, out = _run("export", "--format", "jsonl", "-o", str(tmp_path / "r.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["reference"] for r in rows] == REFS


def test_export_with_nothing_approved_is_a_clear_error(aligned, tmp_path: Path, db_path: Path) -> None:
    de, mt, _ = aligned
    _run("import", de, "--mt", mt)
    code, out = _run("export", "--format", "tmx", "-o", str(tmp_path / "x.tmx"))
    assert code == 1
    assert "has no approved references to export" in out
    assert not (tmp_path / "x.tmx").exists()
    code, out = _run("export", "--format", "tmx", "-o", str(tmp_path / "x.tmx"), "--document", "7")
    assert (code, "there is no document 7" in out) == (1, True)


def test_import_with_different_line_counts_names_the_files(aligned, tmp_path: Path, db_path: Path) -> None:
    de, _, _ = aligned
    short = _write(tmp_path / "short.txt", MT[:15])
    code, out = _run("import", de, "--mt", short)
    assert code == 1
    assert f"error: aligned files must have the same number of lines: {de} has 17, {short} has 15" in out
    assert "Traceback" not in out
    assert _run("documents")[1].startswith("no documents yet")


def test_import_article_segments_it(tmp_path: Path, db_path: Path) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text("Der Krieg dauert an. Die Lage ist ernst.\n\nWir danken Ihnen.\n", encoding="utf-8")
    code, out = _run("import", str(article))
    assert code == 0, out
    assert out == "document 1 (Der Krieg dauert an.): 3 segments, 0 translations, 0 approved references\n"
    code, out = _run("documents")
    assert out.splitlines()[1].split() == ["1", "3", "0", "0", "0", "Der", "Krieg", "dauert", "an."]
    code, out = _run("documents", "--json")
    assert [(d["id"], d["n_segments"]) for d in json.loads(out)] == [(1, 3)]


def test_import_of_a_binary_file_is_refused(tmp_path: Path, db_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    code, out = _run("import", str(pdf))
    assert code == 1 and "looks like a PDF document" in out


def test_db_option_wins_over_the_environment(aligned, tmp_path: Path, db_path: Path) -> None:
    de, _, ref = aligned
    other = tmp_path / "other.db"
    assert _run("import", de, "--ref", ref, "--db", str(other))[0] == 0
    assert _run("documents", "--db", str(other))[1].count("\n") == 2
    assert _run("documents")[1].startswith("no documents yet")


def test_glossary_add_list_remove(db_path: Path) -> None:
    assert _run("glossary", "add", "Scholes", "Scholz") == (0, "Scholes -> Scholz (name)\n")
    assert (
        _run(
            "glossary",
            "add",
            "Desintegrationslinie",
            "deconfliction line",
            "--kind",
            "term",
            "--note",
            "hotline",
        )[0]
        == 0
    )
    code, out = _run("glossary", "list", "--json")
    assert json.loads(out) == [
        {"wrong": "Desintegrationslinie", "right": "deconfliction line", "kind": "term", "note": "hotline"},
        {"wrong": "Scholes", "right": "Scholz", "kind": "name", "note": ""},
    ]
    code, out = _run("glossary", "add", "scholes", "Scholtz")
    assert code == 1 and "'Scholes' is already in the glossary" in out and "--replace" in out
    assert _run("glossary", "add", "scholes", "Scholtz", "--replace")[0] == 0
    assert "scholes -> Scholtz (name)" in _run("glossary", "list")[1]
    assert _run("glossary", "remove", "Scholes") == (0, "removed Scholes\n")
    code, out = _run("glossary", "remove", "Scholes")
    assert code == 1 and "'Scholes' is not in the glossary" in out
    assert _run("glossary", "add", "x", "y", "--kind", "verb")[0] == 2  # click refuses the choice


def test_glossary_export_and_import_round_trip_with_formulas_neutralised(
    tmp_path: Path, db_path: Path
) -> None:
    _run("glossary", "add", "Millie", "Milley", "--note", '=HYPERLINK("http://evil")')
    assert _run("glossary", "add", "--", "-Scholes", "+Scholz")[0] == 0
    csv_path = tmp_path / "g.csv"
    assert _run("glossary", "export", str(csv_path)) == (0, f"wrote 2 glossary entries to {csv_path}\n")
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'-Scholes" in text and "'+Scholz" in text
    before = json.loads(_run("glossary", "list", "--json")[1])
    for wrong in ("Millie", "-Scholes"):
        assert _run("glossary", "remove", "--", wrong)[0] == 0
    code, out = _run("glossary", "import", str(csv_path))
    assert (code, out) == (0, f"{csv_path}: 2 added, 0 updated, 0 unchanged\n")
    assert json.loads(_run("glossary", "list", "--json")[1]) == before
    tbx = tmp_path / "g.tbx"
    assert _run("glossary", "export", str(tbx))[0] == 0
    assert _run("glossary", "import", str(tbx))[1] == f"{tbx}: 0 added, 0 updated, 2 unchanged\n"


def test_glossary_import_of_a_bad_file_names_it(tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / "g.xlsx"
    bad.write_text("x", encoding="utf-8")
    code, out = _run("glossary", "import", str(bad))
    assert code == 1 and "g.xlsx" in out and ".csv or .tbx" in out


def test_app_command_serves_the_checkout_app_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "streamlit_app.py").write_text("", encoding="utf-8")
    command = streamlit_command(tmp_path, 8123, "127.0.0.1")
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4] == str(tmp_path / "streamlit_app.py")
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8123"


def test_app_command_without_the_app_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="streamlit_app.py is not there"):
        streamlit_command(tmp_path, 8501, "127.0.0.1")
    with pytest.raises(InputError, match="source checkout"):
        streamlit_command(None, 8501, "127.0.0.1")


def test_a_database_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    code, out = _run("documents", "--db", str(bogus))
    assert code == 1
    assert f"{bogus} is not a workbench database (not an SQLite file)" in out
    assert "WORKBENCH_DB or --db" in out
