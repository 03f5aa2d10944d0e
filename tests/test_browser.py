"""The review app in a real browser: Debian's chromium driven by Playwright (no browser download).

The app runs as `streamlit run` on a free loopback port against a temp database that holds a
document with imported MT, so no model is needed. The reviewer flags a garbled name, reloads
the page and still sees it; a screenshot goes to test-artifacts/review.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.store import Store
from workbench.textio import TextFile
from workbench.workflows import documents as review

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
REVIEWER = "Test Reviewer"
STARTUP_TIMEOUT_S = 60

GERMAN = [
    "Hochrangige Beamte des Pentagon haben seit Beginn der Invasion in der Ukraine nicht mehr mit ihren "
    "russischen Kollegen gesprochen.",
    "CNN berichtete zuvor, dass Verteidigungsminister Lloyd Austin zuletzt am 18. Februar mit dem russischen "
    "Verteidigungsminister Sergei Shoigu gesprochen hat.",
    "Der gemeinsame Stabschef General Mark Milli sprach zuletzt am 11. Februar mit Valerie Gerasimo.",
    "Minister Schoiku und General Gerasimov haben sich bisher geweigert, einzugreifen.",
    "Bundeskanzler Olaf Scholes traf Präsident Joe Biden in Washington.",
]
MT = [
    "Senior Pentagon officials have not spoken with their Russian counterparts since the start of the "
    "invasion of Ukraine.",
    "CNN previously reported that Defense Secretary Lloyd Austin last spoke with Russian Defense Minister "
    "Sergei Shoigu on February 18.",
    "Joint Chiefs of Staff General Mark Milli last spoke with Valerie Gerasimo on February 11.",
    "Minister Schoiku and General Gerasimov have so far refused to intervene.",
    "Chancellor Olaf Scholes met President Joe Biden in Washington.",
]


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser test"
    )
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (WORKBENCH_REQUIRE_BROWSER=1: the browser test must run here)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer at {url} within {STARTUP_TIMEOUT_S} s")


@pytest.fixture
def app_url(tmp_path: Path, db_path: Path) -> Iterator[str]:
    """A running app on a free loopback port over a database with one document and its MT."""
    _chromium_or_skip()
    with Store.open(db_path) as db:
        review.import_aligned(
            db,
            TextFile("pentagon.de.txt", "\n".join(GERMAN) + "\n", "utf-8"),
            mt=TextFile("pentagon.en.txt", "\n".join(MT) + "\n", "utf-8"),
            title="Pentagon: no talks with Russian counterparts",
        )
    port = _free_port()
    env = {
        **os.environ,
        "WORKBENCH_DB": str(db_path),
        "WORKBENCH_MODEL": str(tmp_path / "no-model"),  # review of imported MT needs no model
        "WORKBENCH_REVIEWER": REVIEWER,
        "HF_HUB_OFFLINE": "1",
    }
    log = (tmp_path / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "streamlit_app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_flag_a_name_reload_and_it_is_still_there(app_url: str, db_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1700})
            page.goto(f"{app_url}/?s=3", wait_until="domcontentloaded")
            pair = page.locator(".wb-pair")
            expect(pair).to_contain_text("General Mark Milli", timeout=30_000)
            expect(pair).to_contain_text("Der gemeinsame Stabschef")

            page.get_by_text("Flag a span as a garbled name or term").click()
            page.get_by_label("…or type the exact text").fill("Gerasimo")
            page.get_by_label("Correct spelling").fill("Gerasimov")
            page.get_by_label("Correct spelling").press("Tab")
            page.get_by_role("button", name="Flag", exact=True).click()
            expect(page.get_by_text("Flagged “Gerasimo” → “Gerasimov”").first).to_be_visible(timeout=30_000)

            page.reload(wait_until="domcontentloaded")
            flagged = page.locator(f'.wb-pair mark.wb-flag[title*="flagged by {REVIEWER}"]')
            expect(flagged).to_have_text("Gerasimo", timeout=30_000)
            expect(flagged).to_have_attribute(
                "title", f"Garbled name → Gerasimov (accepted, flagged by {REVIEWER})"
            )
            expect(page.locator(".wb-rows")).to_be_visible()
            page.wait_for_timeout(500)  # let the last paint settle before the screenshot
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        finally:
            browser.close()

    with Store.open(db_path) as db:
        flags = [f for f in db.flags() if f.origin == "reviewer"]
    assert [(f.text, f.correction, f.reviewer) for f in flags] == [("Gerasimo", "Gerasimov", REVIEWER)]
