"""Two app servers, one PostgreSQL database (issue 11): what a team behind a load balancer sees.

Two `workbench app` processes on different ports share a fresh PostgreSQL schema; Alice's
browser talks to one, Bob's to the other. A draft saved on one server is on the other at the
next reload; when both save the same sentence from the versions they opened, the first save
wins, the second is refused with a message naming the first reviewer, and the database holds
exactly one save (read back with `workbench show` and the history).
Skips without chromium or PostgreSQL unless WORKBENCH_REQUIRE_BROWSER / _POSTGRES say they must run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from browser import (
    REVIEWER,
    TIMEOUT_MS,
    Reviewer,
    chromium,
    chromium_or_skip,
    db_state,
    free_port,
    new_reviewer,
    seed,
    serving,
)

from workbench.store import Store

pytestmark = pytest.mark.browser

STRIKE_ID = 2


@contextmanager
def workbench_app(db_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """`workbench app --port PORT --db URL`, as a team's server runs it; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "WORKBENCH_MODEL": str(tmp_path / "no-model"),  # reviewing imported MT needs no model
        "WORKBENCH_MODELS": str(tmp_path / "models"),
        "WORKBENCH_REVIEWER": REVIEWER,
        "HF_HUB_OFFLINE": "1",
    }
    command = [sys.executable, "-m", "workbench", "app", "--port", str(port), "--db", db_url]
    with serving(command, env, port, tmp_path / f"{name}.log") as url:
        yield url


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    chromium_or_skip()
    seed(postgres_url)
    with ExitStack() as stack:
        first = stack.enter_context(workbench_app(postgres_url, tmp_path, "server-a"))
        second = stack.enter_context(workbench_app(postgres_url, tmp_path, "server-b"))
        assert first != second
        yield first, second


def _sign(person: Reviewer, name: str) -> None:
    """Make sure the sidebar names this reviewer (a new page load may start a new session)."""
    box = person.page.get_by_role("textbox", name="Reviewer", exact=True)
    if box.input_value() != name:
        box.fill(name)
        with person.rerun():
            box.press("Enter")


def _open(person: Reviewer, name: str, number: int) -> None:
    person.open(f"doc={STRIKE_ID}&s={number}")
    person.expect_sentence(number)
    _sign(person, name)


def _post_edits(db_url: str, segment_number: int) -> list[tuple[str, str]]:
    """(reviewer, summary) of every saved post-edit of a sentence of the strike document."""
    with Store.open(db_url) as store:
        segment = store.segments(STRIKE_ID)[segment_number - 1]
        return [
            (entry.actor, entry.summary)
            for entry in reversed(store.history(document_id=STRIKE_ID))
            if entry.segment_id == segment.id and entry.action in ("post-edit", "approve")
        ]


def test_two_servers_share_edits_and_a_second_save_of_the_same_sentence_is_a_conflict(
    two_servers: tuple[str, str], postgres_url: str
) -> None:
    from playwright.sync_api import expect

    server_a, server_b = two_servers
    with chromium() as browser:
        alice, bob = new_reviewer(browser, server_a), new_reviewer(browser, server_b)
        try:
            # An edit saved through one server is what the other shows at its next run.
            _open(alice, "Alice", 2)
            _open(bob, "Bob", 2)
            original = db_state(postgres_url, STRIKE_ID)[1].mt
            bob.expect_editor(original)
            alice.type_in_editor("Long-distance trains will hardly run.")
            alice.press("Control+s")
            alice.expect_notice("saved")
            bob.reload()
            _sign(bob, "Bob")
            bob.expect_editor("Long-distance trains will hardly run.")
            expect(bob.page.get_by_text("Draft saved by Alice").first).to_be_visible(timeout=TIMEOUT_MS)

            # Both edit sentence 2 from that version; Alice saves first, then Bob: his save is
            # refused by the optimistic version check, his text stays in his editor.
            alice.type_in_editor("Alice: long-distance trains will hardly run.")
            bob.type_in_editor("Bob: almost no long-distance trains will run.")
            alice.press("Control+s")
            alice.expect_notice("saved")
            bob.press("Control+s")
            conflict = bob.page.get_by_test_id("stAlertContentError")
            expect(conflict.first).to_contain_text("Sentence 2 was changed by Alice", timeout=TIMEOUT_MS)
            bob.expect_editor("Bob: almost no long-distance trains will run.")

            # The same on a sentence nobody has saved yet: both open sentence 3, both type.
            _open(alice, "Alice", 3)
            _open(bob, "Bob", 3)
            alice.type_in_editor("Alice: commuters face crowded regional trains.")
            bob.type_in_editor("Bob: commuters should expect full regional trains.")
            alice.press("Control+s")
            alice.expect_notice("saved")
            bob.press("Control+s")
            conflict = bob.page.get_by_test_id("stAlertContentError")
            expect(conflict.first).to_contain_text("Sentence 3 was changed by Alice", timeout=TIMEOUT_MS)
            bob.expect_editor("Bob: commuters should expect full regional trains.")

            # The database: Alice's saves only, one per attempt; nothing of Bob's written.
            strike = db_state(postgres_url, STRIKE_ID)
            assert [(s.number, s.status, s.reference, s.reviewer) for s in strike if s.reference] == [
                (2, "draft", "Alice: long-distance trains will hardly run.", "Alice"),
                (3, "draft", "Alice: commuters face crowded regional trains.", "Alice"),
            ]
            assert _post_edits(postgres_url, 2) == [("Alice", "Saved a draft of sentence 2")] * 2
            assert _post_edits(postgres_url, 3) == [("Alice", "Saved a draft of sentence 3")]

            # Alice, on her server, sees nothing of Bob's attempt at her next reload either.
            alice.reload()
            alice.expect_editor("Alice: commuters face crowded regional trains.")
            assert all(s.reviewer != "Bob" for s in db_state(postgres_url, STRIKE_ID))
        finally:
            alice.page.context.close()
            bob.page.context.close()
