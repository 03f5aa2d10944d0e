"""`workbench names list | export`: the names reviewers accepted, from the shell."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli
from workbench.names import kb as knowledge
from workbench.store import Store
from workbench.workflows import glossary as review


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _accept_names(db_path: Path) -> None:
    with Store.open(db_path) as store:
        review.accept_name(store, "Mark Milley", variants=["Milli", "Millie"], added_by="anna")
        review.accept_name(
            store, "Sergei Shoigu", german="Sergej Schoigu", variants=["Schoiku"], added_by="ben"
        )


def test_list_says_how_names_get_there_when_there_are_none(db_path: Path) -> None:
    code, out = _run("names", "list")
    assert code == 0
    assert "no accepted names yet" in out and "workbench app" in out
    assert _run("names", "list", "--json") == (0, "[]\n")


def test_list_shows_each_name_with_its_misspellings(db_path: Path) -> None:
    _accept_names(db_path)
    code, out = _run("names", "list")
    assert code == 0
    assert out.splitlines() == [
        "Mark Milley  seen as: Milli, Millie",
        "Sergei Shoigu (German: Sergej Schoigu)  seen as: Schoiku",
    ]
    code, out = _run("names", "list", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"canonical": "Mark Milley", "german": "", "variants": ["Milli", "Millie"], "added_by": "anna"},
        {
            "canonical": "Sergei Shoigu",
            "german": "Sergej Schoigu",
            "variants": ["Schoiku"],
            "added_by": "ben",
        },
    ]


def test_export_writes_the_knowledge_base_format(db_path: Path, tmp_path: Path) -> None:
    _accept_names(db_path)
    out_file = tmp_path / "out" / "known.csv"
    code, out = _run("names", "export", str(out_file))
    assert code == 0, out
    assert out == f"wrote 2 known names to {out_file}\n"
    text = out_file.read_text(encoding="utf-8")
    corpus_header = (
        (Path(__file__).resolve().parent.parent / "corpus" / "names.csv").read_text().splitlines()[0]
    )
    assert text.splitlines()[0] == corpus_header
    assert knowledge.parse_records(text) == [
        knowledge.NameRecord("Mark Milley", "", ("Milli", "Millie")),
        knowledge.NameRecord("Sergei Shoigu", "Sergej Schoigu", ("Schoiku",)),
    ]
    # The file extends the knowledge base: the checks now know the accepted name.
    kb = knowledge.build_kb(knowledge.parse_records(text))
    assert kb.people_with("Milley")
    assert [p.name for p in out_file.parent.iterdir()] == ["known.csv"]  # no temp file left behind


def test_export_neutralises_formula_cells(db_path: Path, tmp_path: Path) -> None:
    with Store.open(db_path) as store:
        review.accept_name(store, "=cmd|' /C calc'!A0", variants=["+1", "-2", "@SUM(A1)"])
    out_file = tmp_path / "known.csv"
    assert _run("names", "export", str(out_file))[0] == 0
    row = out_file.read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith("'=cmd|")
    assert "'+1|-2|@SUM(A1)" in row


def test_export_to_an_unwritable_place_is_a_one_line_error(db_path: Path, tmp_path: Path) -> None:
    _accept_names(db_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out = _run("names", "export", str(blocker / "known.csv"))
    assert code == 1
    assert out.startswith("error: cannot write") and "Traceback" not in out
