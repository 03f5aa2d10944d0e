"""The review app in a real browser: Debian's chromium driven by Playwright (no browser download).

The app runs as `streamlit run` on a free loopback port against a temp database that holds a
document with imported MT, so no model is needed (see tests/browser.py). The reviewer flags a
garbled name, reloads the page and still sees it; a screenshot goes to test-artifacts/review.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    PENTAGON,
    REVIEWER,
    ROOT,
    chromium,
    chromium_or_skip,
    db_state,
    new_reviewer,
    running_app,
    seed,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def app_url(tmp_path: Path, db_path: Path) -> Iterator[str]:
    """A running app on a free loopback port over a database with one document and its MT."""
    chromium_or_skip()
    seed(db_path, (PENTAGON,))
    with running_app(db_path, tmp_path) as url:
        yield url


def test_flag_a_name_reload_and_it_is_still_there(app_url: str, db_path: Path) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        reviewer = new_reviewer(browser, app_url)
        page = reviewer.page
        reviewer.open("s=3")
        pair = page.locator(".wb-pair")
        expect(pair).to_contain_text("General Mark Milli", timeout=30_000)
        expect(pair).to_contain_text("Der gemeinsame Stabschef")

        page.get_by_text("Flag an error: a garbled name, a term or any MQM error").click()
        page.get_by_label("…or type the exact text").fill("Gerasimo")
        page.get_by_label("Correct spelling or text").fill("Gerasimov")
        page.get_by_label("Correct spelling or text").press("Tab")
        page.get_by_role("button", name="Flag", exact=True).click()
        expect(page.get_by_text("Flagged “Gerasimo” → “Gerasimov”").first).to_be_visible(timeout=30_000)

        reviewer.reload()
        flagged = page.locator(f'.wb-pair mark.wb-flag[title*="flagged by {REVIEWER}"]')
        expect(flagged).to_have_text("Gerasimo", timeout=30_000)
        expect(flagged).to_have_attribute(
            "title",
            f"Accuracy/Mistranslation (garbled name), Major → Gerasimov (accepted, flagged by {REVIEWER})",
        )
        expect(page.locator(".wb-rows")).to_be_visible()
        page.wait_for_timeout(500)  # let the last paint settle before the screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)

    flags = [f for s in db_state(db_path, 1) for f in s.flags if f.origin == "reviewer"]
    assert [(f.text, f.correction, f.reviewer, f.status) for f in flags] == [
        ("Gerasimo", "Gerasimov", REVIEWER, "accepted")
    ]
