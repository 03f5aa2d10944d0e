"""The Review page's annotation, correction, undo and no-lost-text features in a real browser
(issue 8): one item for a garble seen in source and MT, undo of apply-everywhere, a span
selected with the mouse, a correction carried into unsaved text, typed text kept across page
switches and reloads, and a conflict resolved by keeping one's own text.

The outcome is read back with `workbench show --json` (browser.db_state).
"""

from __future__ import annotations

import re

import pytest
from browser import (
    TIMEOUT_MS,
    Reviewer,
    db_state,
    new_reviewer,
)

pytestmark = pytest.mark.browser

PENTAGON_ID, STRIKE_ID, TALKS_ID = 1, 2, 3


def _items(person: Reviewer, text: str):
    """The annotation items of the sentence on screen about exactly ``text``."""
    about = person.page.locator("strong").filter(has_text=re.compile(rf"^{re.escape(text)}$"))
    return person.page.locator("[class*='st-key-item_']").filter(has=about)


def _open_flag_form(person: Reviewer) -> None:
    person.page.get_by_text("Flag an error: a garbled name, a term or any MQM error").click()


def test_a_garble_in_source_and_mt_is_one_item_and_one_accept_resolves_both(reviewer, db_path):
    from playwright.sync_api import expect

    reviewer.open(f"doc={PENTAGON_ID}&s=3")
    milli = _items(reviewer, "Milli")
    expect(milli).to_have_count(1, timeout=TIMEOUT_MS)
    expect(milli).to_contain_text("in MT and source")
    with reviewer.rerun():
        milli.get_by_role("button", name="Accept").click()
    reviewer.expect_notice("Accepted")

    [note] = [f for f in db_state(db_path, PENTAGON_ID)[2].flags if f.text == "Milli"]
    assert (note.side, note.src, note.status, note.correction) == ("mt", "Milli", "accepted", "Milley")
    expect(_items(reviewer, "Milli").get_by_role("button", name="Accept")).to_have_count(0)
    assert db_state(db_path, PENTAGON_ID)[2].reference.startswith(
        "Joint Chiefs of Staff General Mark Milley "
    )


def test_undo_after_apply_everywhere_restores_every_sentence_and_shows_changed_since_approval(
    reviewer, db_path
):
    from playwright.sync_api import expect

    talks = db_state(db_path, TALKS_ID)
    reviewer.open(f"doc={TALKS_ID}&s=4")
    reviewer.editor().click()
    reviewer.press("Control+Enter")  # approve sentence 4 as the MT has it, with "Gerasimow"
    reviewer.expect_notice("Approved")
    assert db_state(db_path, TALKS_ID)[3].status == "approved"

    reviewer.open(f"doc={TALKS_ID}&s=3")
    item = _items(reviewer, "Gerasimo")
    item.get_by_text("preview").click()
    expect(item).to_contain_text("Sentence 4", timeout=TIMEOUT_MS)  # the preview lists both sentences
    expect(item).to_contain_text("becomes “changed since approval”")
    with reviewer.rerun():
        item.get_by_role("button", name="Accept").click()
    reviewer.expect_notice("2 sentence(s) corrected")
    after = db_state(db_path, TALKS_ID)
    assert [(s.status, s.english) for s in after[2:4]] == [
        ("draft", "General Valery Gerasimov did not take part."),
        ("changed-since-approval", "A spokesman for Gerasimov declined to comment."),
    ]

    with reviewer.rerun():
        reviewer.page.locator(".st-key-filter button").filter(has_text="Changed since approval (1)").click()
    reviewer.expect_sentence(4)
    expect(reviewer.page.get_by_text("changed since approval", exact=False).first).to_be_visible()

    reviewer.click("undo")
    reviewer.expect_notice("Undid")
    restored = db_state(db_path, TALKS_ID)
    assert [(s.status, s.english) for s in restored[2:4]] == [
        ("untouched", talks[2].mt),
        ("approved", talks[3].mt),
    ]
    assert {(f.text, f.status) for s in restored for f in s.flags} == {
        ("Gerasimo", "open"),
        ("Gerasimow", "open"),
    }


def test_a_span_selected_with_the_mouse_is_flagged_on_its_side(reviewer, db_path):
    from playwright.sync_api import expect

    reviewer.open(f"doc={PENTAGON_ID}&s=3")
    reviewer.select_in_pair("mt", "Valerie")
    expect(reviewer.page.get_by_text("Selected in the MT: Valerie")).to_be_visible(timeout=TIMEOUT_MS)
    reviewer.page.get_by_label("Correct spelling or text").fill("Valery")
    reviewer.page.get_by_label("Correct spelling or text").press("Tab")
    with reviewer.rerun():
        reviewer.page.get_by_role("button", name="Flag", exact=True).click()
    reviewer.expect_notice("Flagged “Valerie” → “Valery”")
    state = db_state(db_path, PENTAGON_ID)[2]
    [flag] = [f for f in state.flags if f.origin == "reviewer"]
    assert (flag.side, flag.text, flag.correction, flag.status, flag.category) == (
        "mt",
        "Valerie",
        "Valery",
        "accepted",
        "Accuracy/Mistranslation",
    )
    assert "Valery Gerasimo" in state.english


def test_flagging_a_name_while_post_editing_carries_the_correction_into_the_typed_text(reviewer, db_path):
    reviewer.open(f"doc={PENTAGON_ID}&s=5")
    reviewer.type_in_editor("Chancellor Olaf Scholes met Joe Biden on Monday.")
    _open_flag_form(reviewer)
    reviewer.page.get_by_label("…or type the exact text").fill("Scholes")
    reviewer.page.get_by_label("Correct spelling or text").fill("Scholz")
    with reviewer.rerun():
        reviewer.page.get_by_role("button", name="Flag", exact=True).click()
    reviewer.expect_notice("Flagged “Scholes” → “Scholz”")
    reviewer.expect_editor("Chancellor Olaf Scholz met Joe Biden on Monday.")
    reviewer.editor().click()
    reviewer.press("Control+Enter")
    reviewer.expect_notice("Approved")
    state = db_state(db_path, PENTAGON_ID)[4]
    assert (state.status, state.reference) == ("approved", "Chancellor Olaf Scholz met Joe Biden on Monday.")


def test_typed_text_survives_a_page_switch_and_a_reload(reviewer, db_path):
    from playwright.sync_api import expect

    reviewer.open(f"doc={PENTAGON_ID}&s=2")
    reviewer.type_in_editor("Unsaved words, not yet a draft.")
    with reviewer.rerun():
        reviewer.page.get_by_role("link", name="Glossary").click()
    with reviewer.rerun():
        reviewer.page.get_by_role("link", name="Review").click()
    reviewer.expect_sentence(2)
    reviewer.expect_editor("Unsaved words, not yet a draft.")
    expect(reviewer.page.get_by_text("Unsaved changes")).to_be_visible()
    reviewer.reload()
    reviewer.expect_editor("Unsaved words, not yet a draft.")
    assert db_state(db_path, PENTAGON_ID)[1].status == "untouched"  # nothing saved behind their back
    reviewer.press("Control+s")
    reviewer.expect_notice("saved")
    assert db_state(db_path, PENTAGON_ID)[1].reference == "Unsaved words, not yet a draft."


def test_a_conflict_shows_both_texts_and_keep_mine_saves_mine(browser, app, db_path):
    from playwright.sync_api import expect

    alice, bob = new_reviewer(browser, app), new_reviewer(browser, app)
    try:
        for person, name in ((alice, "Alice"), (bob, "Bob")):
            person.open(f"doc={STRIKE_ID}&s=2")
            person.set_name(name)
        alice.type_in_editor("Alice's version.")
        alice.press("Control+s")
        alice.expect_notice("saved")
        bob.type_in_editor("Bob's version.")
        bob.press("Control+s")
        panel = bob.page.get_by_test_id("stAlertContentError").first
        expect(panel).to_contain_text("changed by Alice", timeout=TIMEOUT_MS)
        expect(bob.page.get_by_text("Alice's version.").first).to_be_visible()
        bob.click("keep_mine")
        bob.expect_notice("Saved your text over Alice's version")
        state = db_state(db_path, STRIKE_ID)[1]
        assert (state.reference, state.reviewer) == ("Bob's version.", "Bob")
    finally:
        alice.page.context.close()
        bob.page.context.close()
