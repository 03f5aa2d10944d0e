"""The app's failures through AppTest: one message in place on every page, never a traceback,
and what the reviewer typed still there afterwards; plus the upload, glossary-table and
first-open fixes of issue 13."""

from __future__ import annotations

import logging
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import dbfaults
import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from workbench.store import Store
from workbench.textio import TextFile
from workbench.ui.common import UNEXPECTED_ERROR
from workbench.workflows import documents as review

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
TIMEOUT = 120
PAGES = [
    ("review", "Review"),
    ("documents", "Documents"),
    ("glossary", "Glossary"),
    ("scores", "Scores"),
    ("export", "Export"),
]


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _texts(elements) -> str:
    """The elements' text as the reviewer reads it (messages are Markdown with user text escaped)."""
    return "\n".join(re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements)


def _no_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", str(tmp_path / "no-such-model"))


def _in_order(node) -> Iterator:
    yield node
    for key in sorted(getattr(node, "children", {})):
        yield from _in_order(node.children[key])


def test_the_app_config_hides_error_details() -> None:
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    value = settings["client"]["showErrorDetails"]
    # "none" is the only setting that shows neither traceback nor message; false means "stacktrace".
    assert value == st_config.ShowErrorDetailsConfigOptions.NONE.value


# -- the boundary ---------------------------------------------------------------------------------

PAGE = """
import streamlit as st
from workbench.errors import StoreError
from workbench.ui import common

with common.page_errors():
    st.title("Page")
    fault = st.session_state.get("fault")
    if fault == "unexpected":
        raise RuntimeError("boom in /srv/workbench/secret.py")
    if fault == "user":
        raise StoreError("the database /data/wb.db is locked by another program: try again in a moment.")
    st.text_input("Draft", key="draft")
    st.caption("page end")
"""


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        ("unexpected", UNEXPECTED_ERROR),
        ("user", "the database /data/wb.db is locked by another program: try again in a moment."),
    ],
)
def test_a_failing_page_shows_one_message_and_keeps_the_typed_text(
    fault: str, shown: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="workbench.ui")
    at = AppTest.from_string(PAGE, default_timeout=TIMEOUT).run()
    at.text_input(key="draft").set_value("half a post-edit").run()
    at.session_state["fault"] = fault
    at.run()
    assert not at.exception
    assert _texts(at.error) == shown
    assert at.title[0].value == "Page"  # the message is in place, under what the page showed
    logged = [r for r in caplog.records if r.name == "workbench.ui"]
    assert [r.exc_info[1].args[0] for r in logged] == (
        ["boom in /srv/workbench/secret.py"] if fault == "unexpected" else []
    )
    at.session_state["fault"] = None
    at.run()
    assert at.text_input(key="draft").value == "half a post-edit"


@pytest.mark.parametrize(("page", "title"), PAGES)
def test_every_page_says_in_one_line_that_the_database_cannot_be_opened(
    page: str, title: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_model(monkeypatch, tmp_path)
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("this is not a database\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_DB", str(not_a_database))
    at = _app().run()
    at.switch_page(f"workbench/ui/{page}.py").run()
    assert not at.exception, _texts(at.exception)
    assert at.title[0].value == title
    assert len(at.error) == 1
    message = _texts(at.error)
    assert message.startswith(f"{not_a_database} is not a workbench database (not an SQLite file).")
    assert "\n" not in message


def test_text_typed_before_the_database_failed_is_there_when_it_works_again(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_model(monkeypatch, tmp_path)
    at = _app().run()
    at.switch_page("workbench/ui/glossary.py").run()
    at.text_input(key="glossary_add_wrong").set_value("Scholes").run()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"\0" * 4096)
    monkeypatch.setenv("WORKBENCH_DB", str(broken))
    at.run()
    assert not at.exception and len(at.error) == 1
    monkeypatch.setenv("WORKBENCH_DB", str(db_path))
    at.run()
    assert not at.exception and not at.error
    assert at.text_input(key="glossary_add_wrong").value == "Scholes"


# -- database faults on every page ------------------------------------------------------------------

# What a traceback or a leaked exception would show: Python source paths and frames.
LEAKS = re.compile(r"Traceback|File \"|site-packages|\.py\b|sqlite3\.\w+Error|OperationalError")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbfaults.reviewed_database(tmp_path_factory.mktemp("reviewed"))


@pytest.fixture
def faulty_copy(reviewed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of a reviewed database the app is pointed at, its writes waiting 0.3 s for a lock."""
    _no_model(monkeypatch, tmp_path)
    path = tmp_path / "db" / "workbench.db"
    path.parent.mkdir()
    shutil.copy2(reviewed, path)
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", "300")
    return path


def _pages_as_shown(at: AppTest) -> Iterator[tuple[str, str, list[str]]]:
    """Open each page in turn: (page, its title, the error messages on it)."""
    for page, _title in PAGES:
        at.switch_page(f"workbench/ui/{page}.py").run()
        assert not at.exception, (page, _texts(at.exception))
        yield page, at.title[0].value if at.title else "", [_texts([e]) for e in at.error]


@pytest.mark.parametrize("fault", dbfaults.REFUSING)
def test_every_page_shows_a_refused_database_in_one_line(fault: str, faulty_copy: Path) -> None:
    make, cause, fix = dbfaults.REFUSING[fault]
    make(faulty_copy)
    at = _app().run()
    for page, title, errors in _pages_as_shown(at):
        assert title == dict(PAGES)[page]
        assert len(errors) == 1, (page, errors)
        [message] = errors
        assert message.startswith(f"the database {faulty_copy} "), (page, message)
        assert cause in message and fix in message.lower(), (page, message)
        assert "\n" not in message
        assert not LEAKS.search(message), (page, message)


@pytest.mark.parametrize("fault", dbfaults.WRITES_STOPPED)
def test_every_page_opens_on_a_database_that_refuses_writes(fault: str, faulty_copy: Path) -> None:
    """Opening a page only reads: a read-only file, a full disk or a held lock shows the pages as
    usual, with nothing in them but what a reviewer can read."""
    make, _cause, _fix = dbfaults.WRITES_STOPPED[fault]
    with make(faulty_copy):
        at = _app().run()
        for page, title, errors in _pages_as_shown(at):
            assert title == dict(PAGES)[page]
            assert errors == [], (page, errors)


@pytest.mark.parametrize("fault", dbfaults.WRITES_STOPPED)
def test_a_glossary_entry_the_database_refuses_is_one_line_and_stays_typed(
    fault: str, faulty_copy: Path
) -> None:
    make, cause, fix = dbfaults.WRITES_STOPPED[fault]
    with make(faulty_copy):
        at = _app().run()
        at.switch_page("workbench/ui/glossary.py").run()
        at.text_input(key="glossary_add_wrong").set_value("Scholes").run()
        at.text_input(key="glossary_add_right").set_value("Scholz").run()
        # A note longer than a page of the file: a full disk stops it (see dbfaults.full_disk).
        at.text_input(key="glossary_add_note").set_value("seen in the seed " * 400).run()
        at.button(key="glossary_add_go").click().run()
        assert not at.exception, _texts(at.exception)
        [message] = [_texts([e]) for e in at.error]
        assert f"the database {faulty_copy} " in message, message
        assert cause in message and fix in message.lower(), message
        assert not LEAKS.search(message), message
        assert at.text_input(key="glossary_add_wrong").value == "Scholes"
        assert at.text_input(key="glossary_add_note").value == "seen in the seed " * 400
    with Store.open(faulty_copy) as db:
        assert "Scholz" not in {e.right for e in db.glossary_entries()}


# -- smaller app fixes ---------------------------------------------------------------------------


def test_the_latin1_warning_of_an_upload_outlives_the_rerun(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_model(monkeypatch, tmp_path)
    at = _app().run()
    at.switch_page("workbench/ui/documents.py").run()
    latin1 = "Der Präsident sprach mit dem Außenminister über die Lage.\n".encode("latin-1")
    at.file_uploader(key="upload_file").set_value(("alt.txt", latin1, "text/plain")).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert "alt.txt is not UTF-8; decoded as Windows-1252 (Latin-1)" in _texts(at.warning)
    with Store.open(db_path) as db:
        assert any(d.source_name == "alt.txt" for d in db.documents())


def test_an_empty_glossary_table_gets_its_first_row(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_model(monkeypatch, tmp_path)
    with Store.open(db_path) as db:
        review.import_aligned(db, TextFile("a.de.txt", "Ein Satz.\n", "utf-8"), title="One")
    at = _app().run()
    at.switch_page("workbench/ui/glossary.py").run()
    [table] = at.data_editor
    assert list(table.value.columns) == ["wrong", "right", "kind", "note"]
    # What the browser sends after the reviewer adds a row and types two cells.
    at.session_state["glossary_table_0"] = {
        "edited_rows": {},
        "added_rows": [{"wrong": "Scholes", "right": "Scholz"}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="glossary_save").click().run()
    assert not at.exception
    assert "Glossary saved: 1 added" in _texts(at.success)
    with Store.open(db_path) as db:
        assert [(e.wrong, e.right, e.kind, e.note) for e in db.glossary_entries()] == [
            ("Scholes", "Scholz", "name", "")
        ]


def test_the_first_open_progress_bar_is_not_above_the_page_title(
    tiny_model: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", str(tiny_model))
    at = _app().run()
    assert not at.exception
    assert "Opened and translated the bundled seed article" in _texts(at.success)
    kinds = [getattr(node, "type", None) for node in _in_order(at.main)]
    assert "title" in kinds
    assert "progress" not in kinds[: kinds.index("title")]
    with Store.open(db_path) as db:
        [doc] = db.documents()
        assert doc.n_translated == doc.n_segments
