"""Login and roles in a real browser: `workbench app --auth oidc` against a local OpenID provider
(the oidc-provider-mock package, on 127.0.0.1, started by the test), Debian's chromium through
Playwright.

Not logged in, only the login page renders; a reviewer who logs in at the provider sees the
glossary read-only (and the workflow refuses a direct change with their role); a lead changes it;
every history entry carries the e-mail address of the person logged in.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import (
    PENTAGON,
    TIMEOUT_MS,
    VIEWPORT,
    Reviewer,
    chromium,
    chromium_or_skip,
    free_port,
    seed,
    serving,
)

from workbench.errors import PermissionDenied
from workbench.roles import Role, load_roles
from workbench.store import Store
from workbench.workflows import glossary

pytestmark = pytest.mark.browser

LEAD = "ana@newsroom.example"
REVIEWER = "bo@newsroom.example"


@contextmanager
def openid_provider() -> Iterator[str]:
    """oidc-provider-mock on a free 127.0.0.1 port; yields its issuer URL. The lead is a lead by
    a group claim, the reviewer by e-mail address (see ROLES)."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    provider = app(
        user_claims=[
            User(sub=LEAD, claims={"email": LEAD, "groups": ["desk-leads"]}),
            User(sub=REVIEWER, claims={"email": REVIEWER, "groups": ["reporters"]}),
        ]
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


ROLES = f"""
[lead]
groups = ["desk-leads"]

[reviewer]
emails = ["{REVIEWER}"]
"""


@dataclass(frozen=True)
class LoginApp:
    url: str
    db_path: Path
    roles: Path


def provider_or_skip() -> None:
    """Skip (or, with WORKBENCH_REQUIRE_BROWSER=1 as in CI, fail) without oidc-provider-mock."""
    try:
        import oidc_provider_mock  # noqa: F401
    except ImportError:
        message = (
            "oidc-provider-mock is missing: install the test extra (pip install -e '.[test]') "
            "to run the login browser test"
        )
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (WORKBENCH_REQUIRE_BROWSER=1: the browser test must run here)")
        pytest.skip(message)


@pytest.fixture
def login_app(tmp_path: Path, db_path: Path) -> Iterator[LoginApp]:
    """`workbench app --auth oidc` on a free loopback port, logging in at a local provider, over
    a database with one document of imported MT."""
    chromium_or_skip()
    provider_or_skip()
    seed(db_path, (PENTAGON,))
    port = free_port()
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    with openid_provider() as issuer:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{os.urandom(24).hex()}"\n'
            'client_id = "workbench"\n'
            'client_secret = "workbench-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "WORKBENCH_MODEL": str(tmp_path / "no-model"),  # review of imported MT needs no model
            "WORKBENCH_MODELS": str(tmp_path / "models"),
            "HF_HUB_OFFLINE": "1",
            "STREAMLIT_SERVER_HEADLESS": "true",
        }
        env.pop("WORKBENCH_REVIEWER", None)
        log_path = tmp_path / "app.log"
        command = [
            sys.executable, "-m", "workbench", "app", "--auth", "oidc",
            "--roles", str(roles), "--secrets", str(secrets),
            "--port", str(port), "--db", str(db_path),
        ]  # fmt: skip
        with serving(command, env, port, log_path) as url:
            yield LoginApp(url, db_path, roles)


def _log_in(browser, app: LoginApp, email: str) -> Reviewer:
    """A fresh browser context that opens the app, presses Log in and, at the provider, picks
    ``email``'s account; back in the app it waits for the Review page."""
    from playwright.sync_api import expect

    person = Reviewer(browser.new_context(viewport=VIEWPORT).new_page(), app.url)
    page = person.page
    page.goto(app.url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: not url.startswith(app.url), timeout=TIMEOUT_MS)  # at the provider
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text(f"Logged in as {email}")).to_be_visible(timeout=TIMEOUT_MS)
    person.editor().wait_for(timeout=TIMEOUT_MS)
    return person


def _history(db_path: Path) -> list[tuple[str, str]]:
    with Store.open(db_path) as db:
        return [(e.actor, e.action) for e in db.history(limit=1000)]


def test_login_page_only_then_roles_decide_who_changes_the_glossary(login_app: LoginApp) -> None:
    from playwright.sync_api import expect

    app = login_app
    before = _history(app.db_path)
    with chromium() as browser:
        # Not logged in: the login page, nothing else; no other page reachable by its URL either.
        stranger = browser.new_context(viewport=VIEWPORT).new_page()
        for path in ("", "/glossary", "/documents?doc=1&s=3"):
            stranger.goto(f"{app.url}{path}", wait_until="domcontentloaded")
            expect(stranger.get_by_role("button", name="Log in")).to_be_visible(timeout=TIMEOUT_MS)
            stranger.wait_for_timeout(500)  # let the run finish painting: nothing more may appear
            text = stranger.locator("body").inner_text()
            for secret in ("Pentagon", "Milli", "Stabschef", "Glossary", "Documents", "Reviewer"):
                assert secret not in text, f"{secret!r} shows on the login page at {path or '/'}"
            expect(stranger.get_by_test_id("stSidebarNav")).to_have_count(0)

        # A reviewer: approves a sentence (recorded by e-mail), sees the glossary read-only.
        reviewer = _log_in(browser, app, REVIEWER)
        reviewer.open("s=3")
        reviewer.click("approve")
        reviewer.page.goto(f"{app.url}/glossary", wait_until="domcontentloaded")
        page = reviewer.page
        expect(page.get_by_text("Only leads change the glossary")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_role("button", name="Save glossary")).to_have_count(0)
        expect(page.get_by_role("textbox", name="Wrong form")).to_have_count(0)
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()

        # The same change by a direct workflow call, with the role the roles file gives them.
        role = load_roles(app.roles).role_for(REVIEWER, ["reporters"])
        assert role is Role.REVIEWER
        with Store.open(app.db_path) as db, pytest.raises(PermissionDenied, match="may not add"):
            glossary.add_to_glossary(db, "Milli", "Milley", added_by=REVIEWER, role=role)

        # Logging out ends the session at the provider too, and brings back the login page.
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="End session").click()
        expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=TIMEOUT_MS)
        page.goto(f"{app.url}/glossary", wait_until="domcontentloaded")
        expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=TIMEOUT_MS)

        # A lead (by group): adds a glossary entry in the page.
        lead = _log_in(browser, app, LEAD)
        page = lead.page
        page.goto(f"{app.url}/glossary", wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Wrong form").fill("Milli")
        page.get_by_role("textbox", name="Correct form").fill("Milley")
        page.get_by_role("textbox", name="Correct form").press("Tab")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text("Added “Milli” → “Milley” to the glossary.").first).to_be_visible(
            timeout=TIMEOUT_MS
        )

    with Store.open(app.db_path) as db:
        assert [(e.wrong, e.right, e.added_by) for e in db.glossary_entries()] == [("Milli", "Milley", LEAD)]
        approved = db.reference(db.segments(1)[2].id)
        assert (approved.status, approved.reviewer) == ("approved", REVIEWER)
    new = _history(app.db_path)[: len(_history(app.db_path)) - len(before)]
    assert sorted(new) == sorted([(REVIEWER, "approve"), (LEAD, "glossary")])
