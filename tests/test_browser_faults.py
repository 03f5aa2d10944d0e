"""The app in a real browser over a database it cannot use: every page shows one line saying
so, under its title, with no traceback and no path of the server's code; and a post-edit saved
while another program holds the database's write lock is refused in one line ("busy"), stays
in the editor, and is saved by the next save once the lock is free.

Started and driven as in test_browser (Debian's chromium through Playwright).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dbfaults
import pytest
from browser import STRIKE, chromium, chromium_or_skip, db_state, new_reviewer, running_app, seed

from workbench.store import Store
from workbench.textio import TextFile
from workbench.workflows import documents

pytestmark = pytest.mark.browser

PAGES = [
    ("review", "Review"),
    ("documents", "Documents"),
    ("glossary", "Glossary"),
    ("scores", "Scores"),
    ("export", "Export"),
]
# What a traceback or a leaked exception would show: Python source paths and frames.
LEAKS = re.compile(r"Traceback|File \"|site-packages|\.py\b|sqlite3\.\w+Error")


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database\n", encoding="utf-8")
    return path


def _damaged(tmp_path: Path) -> Path:
    """A real workbench database with every page after the first zeroed."""
    path = tmp_path / "damaged.db"
    with Store.open(path) as db:
        documents.import_aligned(
            db, TextFile("a.de.txt", "Ein Satz.\nNoch einer.\n", "utf-8"), title="Soon damaged"
        )
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(b"\0" * (size - 4096))
    return path


def _refused(fault: str):
    """A reviewed database with one of dbfaults' faults that refuse it as a whole."""

    def make(tmp_path: Path) -> Path:
        path = dbfaults.reviewed_database(tmp_path)
        dbfaults.REFUSING[fault][0](path)
        return path

    return make


@pytest.fixture(
    params=[
        _not_a_database,
        _damaged,
        _refused("damaged-at-the-end"),
        _refused("newer"),
        _refused("renamed-column"),
    ],
    ids=["not-a-database", "damaged", "damaged-at-the-end", "newer", "renamed-column"],
)
def broken_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    chromium_or_skip()
    with running_app(request.param(tmp_path), tmp_path) as url:
        yield url


def test_every_page_shows_one_line_and_no_traceback(broken_app: str) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path, title in PAGES:
            page.goto(f"{broken_app}/{path}", wait_until="domcontentloaded")
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_role("heading", name=title, level=1)).to_be_visible(timeout=30_000)
            errors = main.locator('[data-testid="stAlertContentError"]')
            expect(errors).to_have_count(1, timeout=30_000)
            message = errors.inner_text().strip()
            assert "\n" not in message, (path, message)
            assert "database" in message, (path, message)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            text = page.locator("body").inner_text()
            assert not LEAKS.search(text), (path, LEAKS.search(text))


def test_a_post_edit_saved_while_the_database_is_locked_is_busy_and_kept(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    chromium_or_skip()
    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", "500")  # the app's writes give up after 0.5 s
    [doc] = seed(db_path, (STRIKE,))
    typed = "Commuters must expect crowded regional trains."
    with running_app(db_path, tmp_path) as url, chromium() as browser:
        reviewer = new_reviewer(browser, url)
        reviewer.open(f"doc={doc}&s=3")
        reviewer.expect_sentence(3)
        with dbfaults.held_write_lock(db_path):
            reviewer.type_in_editor(typed)
            reviewer.press("Control+s")
            errors = reviewer.page.get_by_test_id("stAlertContentError")
            expect(errors).to_have_count(1, timeout=30_000)
            message = errors.inner_text().strip()
            assert message.startswith(f"the database {db_path} is busy"), message
            assert "for more than 0.5 s" in message and "try again in a moment" in message
            assert "\n" not in message
            assert not LEAKS.search(message.replace(str(db_path), "")), message
            assert reviewer.page.get_by_test_id("stException").count() == 0
            reviewer.expect_editor(typed)
            assert db_state(db_path, doc)[2].reference is None  # nothing saved (reading still works)
        reviewer.press("Control+s")
        reviewer.expect_notice("saved")
        reviewer.expect_editor(typed)
        assert (db_state(db_path, doc)[2].status, db_state(db_path, doc)[2].reference) == ("draft", typed)
        reviewer.reload()
        reviewer.expect_editor(typed)
