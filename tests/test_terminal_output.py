"""Text from files and the database reaches the terminal with its control characters escaped:
a stored title or glossary entry cannot retitle the terminal, move the cursor or hide a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.store import Store
from workbench.textio import TextFile, for_terminal, terminal_json
from workbench.workflows import documents as review
from workbench.workflows import glossary

# An OSC sequence that retitles the terminal, a CSI that clears the screen (in its C1 form too),
# a right-to-left override that shows the rest of the line backwards, and a line break.
EVIL = "Evil\x1b]0;pwned\x07 \x1b[2J\x9b2J \u202egnp.exe\nsecond line"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\n")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _assert_no_raw_controls(text: str) -> None:
    # Only the newlines click itself writes between lines are allowed.
    for line in text.splitlines():
        assert not any(ch in line for ch in RAW), repr(line)


def test_for_terminal_escapes_control_and_format_characters() -> None:
    assert for_terminal(EVIL) == ("Evil\\x1b]0;pwned\\x07 \\x1b[2J\\x9b2J \\u202egnp.exe\\nsecond line")
    # Letters of every script, umlauts and emoji stay as they are.
    assert for_terminal("Müller · Шойгу · 習近平 · 🙂") == "Müller · Шойгу · 習近平 · 🙂"


def test_terminal_json_is_the_same_json_without_raw_controls() -> None:
    value = [{"title": EVIL + "\x7f\u2028\U000e0041", "n": 1}]
    text = terminal_json(value)
    assert json.loads(text) == value
    assert not any(ch in text for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\x7f", "\u2028", "\U000e0041"))


@pytest.fixture
def hostile_db(db_path: Path) -> Path:
    with Store.open(db_path) as db:
        review.import_aligned(db, TextFile("evil.de.txt", "Ein Satz.\n", "utf-8"), title=EVIL)
        glossary.add_to_glossary(db, EVIL, "Fine\x1b[31m", note="note\x07\rhidden")
        glossary.accept_name(db, "Evil\x1b]0;pwned\x07", variants=["Ev\x9bil"])
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ("documents",),
        ("documents", "--json"),
        ("glossary", "list"),
        ("glossary", "list", "--json"),
        ("names", "list"),
    ],
)
def test_listings_escape_stored_text(hostile_db: Path, args: tuple[str, ...]) -> None:
    code, out, err = _run(*args)
    assert code == 0, err
    _assert_no_raw_controls(out)
    if "--json" not in args:
        assert "Evil\\x1b]0;pwned\\x07" in out


def test_documents_table_keeps_one_line_per_document(hostile_db: Path) -> None:
    code, out, _ = _run("documents")
    assert code == 0
    assert len(out.splitlines()) == 2  # the header and the one document


def test_json_listing_still_round_trips_the_stored_text(hostile_db: Path) -> None:
    _, out, _ = _run("glossary", "list", "--json")
    assert json.loads(out)[0]["wrong"] == EVIL


def test_echoed_arguments_and_error_lines_are_escaped(db_path: Path, tmp_path: Path) -> None:
    code, out, err = _run("glossary", "add", "Scholes\x1b]0;x\x07", "Scholz")
    assert code == 0
    _assert_no_raw_controls(out)
    code, out, err = _run("glossary", "remove", "Nobody\x1b[2J")
    assert code == 1
    assert err.count("\n") == 1  # one line
    _assert_no_raw_controls(err)
    missing = tmp_path / "no\x1b]0;x\x07such.txt"
    code, out, err = _run("check", "--src", str(missing))
    assert code == 1
    _assert_no_raw_controls(err)


def test_an_imported_headline_is_escaped_in_the_summary(db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "evil.txt"
    body = "Der Minister sprach am Montag in Berlin mit seinen Kollegen über die Lage. " * 4
    source.write_text(f"Schlagzeile\x1b]0;pwned\x07 des Tages\n{body}\n", encoding="utf-8")
    code, out, err = _run("import", str(source))
    assert code == 0, err
    assert "Schlagzeile\\x1b]0;pwned\\x07 des Tages" in out
    _assert_no_raw_controls(out)
