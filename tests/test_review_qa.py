"""The Review page in a real browser, walked as a new reviewer does: defects found by exploring
it (links to documents that are gone, a document deleted under a reviewer's hands). One app for
the module; each test works on its own document, so they do not depend on their order.

The outcome is read back with `workbench show --json` (browser.db_state).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    DOCUMENTS,
    TIMEOUT_MS,
    Reviewer,
    SeedDocument,
    chromium_or_skip,
    db_state,
    running_app,
    seed,
)

from workbench.store import Store
from workbench.workflows import documents as document_flows

pytestmark = pytest.mark.browser

PENTAGON_ID, STRIKE_ID, TALKS_ID, DOOMED_ID, DOOMED_TOO_ID = 1, 2, 3, 4, 5
DOOMED = SeedDocument(
    "Weather on Sunday",
    (
        ("Am Sonntag regnet es im Norden.", "On Sunday it rains in the north."),
        ("Im Süden bleibt es trocken.", "In the south it stays dry."),
        ("Die Temperaturen steigen leicht.", "Temperatures rise slightly."),
    ),
)

DOOMED_TOO = SeedDocument(
    "Chancellor in Paris",
    (
        ("Olaf Scholz reiste nach Paris.", "Olaf Scholz travelled to Paris."),
        ("Bundeskanzler Scholz traf Macron.", "Chancellor Scholes met Macron."),
    ),
)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qa") / "workbench.db"


@pytest.fixture(scope="module")
def app(db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_or_skip()
    documents = (*DOCUMENTS, DOOMED, DOOMED_TOO)
    assert seed(db_path, documents) == [PENTAGON_ID, STRIKE_ID, TALKS_ID, DOOMED_ID, DOOMED_TOO_ID]
    with running_app(db_path, tmp_path_factory.mktemp("qa-app")) as url:
        yield url


def _warning(person: Reviewer, about: str = ""):
    return person.page.get_by_test_id("stAlertContentWarning").filter(has_text=about).first


@pytest.mark.parametrize(
    ("query", "named"),
    [("doc=99&s=2", "There is no document 99"), ("doc=abc&s=2", "There is no document “abc”")],
)
def test_a_link_to_a_document_that_is_not_there_says_so(reviewer, db_path, query, named):
    """Open `/?doc=99&s=2` (a deleted document, or a mistyped link). Today the page silently
    shows another document, and a reviewer works on it believing it is the linked one. Asserts
    a warning names the missing document and the one shown instead, and the URL says the
    document shown."""
    from playwright.sync_api import expect

    reviewer.open(query)
    warning = _warning(reviewer)
    expect(warning).to_contain_text(named, timeout=TIMEOUT_MS)
    shown = reviewer.query()["doc"]
    with Store.open(db_path) as db:
        title = db.document(int(shown)).title
    expect(warning).to_contain_text(f"showing “{title}”")
    reviewer.reload()  # said once, where it happened; the page is now where the URL says
    expect(reviewer.page.get_by_test_id("stAlertContentWarning")).to_have_count(0)


def test_a_document_deleted_while_a_reviewer_types_in_it_keeps_their_text_on_screen(reviewer, db_path):
    """A colleague deletes the document (Documents page) while a reviewer types in sentence 2 of
    it; the reviewer presses Ctrl+S. Today they read "there is no segment 17; reload the
    document." above sentence 1 of another document, and the text they typed is gone from
    view. Asserts the message names the document and the sentence, shows the typed text to
    copy, and nothing was written into any other document."""
    from playwright.sync_api import expect

    before = {doc: db_state(db_path, doc) for doc in (PENTAGON_ID, STRIKE_ID, TALKS_ID)}
    reviewer.open(f"doc={DOOMED_ID}&s=2")
    reviewer.type_in_editor("In the south it stays dry and sunny.")
    with Store.open(db_path) as db:
        document_flows.delete_document(db, DOOMED_ID, actor="Alice")
    reviewer.press("Control+s")

    warning = _warning(reviewer, "was deleted")
    expect(warning).to_contain_text(f"“{DOOMED.title}” was deleted", timeout=TIMEOUT_MS)
    expect(warning).to_contain_text("sentence 2")
    expect(warning).to_contain_text("In the south it stays dry and sunny.")
    expect(reviewer.page.get_by_text(re.compile(r"no segment \d+"))).to_have_count(0)
    assert {doc: db_state(db_path, doc) for doc in before} == before
    reviewer.expect_sentence(1)  # the other document opens at its own place, not at sentence 2
    where = reviewer.query()
    assert where["doc"] != str(DOOMED_ID)
    assert where["s"] == "1"  # the URL says what the page shows


@pytest.mark.parametrize(
    ("number", "key", "edge"), [(6, "Alt+ArrowDown", "last"), (1, "Alt+ArrowUp", "first")]
)
def test_alt_arrow_past_the_end_says_so_and_keeps_the_text(reviewer, db_path, number, key, edge):
    """Alt+Down on the last sentence (Alt+Up on the first) with text typed: today nothing on
    screen changes, the text is quietly saved as a draft and the reviewer presses again,
    wondering. Asserts a notice says the draft was saved and that this is the last (first)
    sentence, and the draft is what was typed."""
    typed = f"Sentence {number}, typed before {key}."
    reviewer.open(f"doc={STRIKE_ID}&s={number}")
    reviewer.type_in_editor(typed)
    reviewer.press(key)
    reviewer.expect_notice(f"Saved a draft of sentence {number}; it is the {edge} sentence in this view.")
    reviewer.expect_query(doc=str(STRIKE_ID), s=str(number))
    sentence = db_state(db_path, STRIKE_ID)[number - 1]
    assert (sentence.status, sentence.reference) == ("draft", typed)


def test_go_to_a_sentence_outside_the_filter_says_which_sentence_is_shown(reviewer, db_path):
    """With "Open issues" chosen (sentences 3 and 4 of the talks), type 6 in "Go to sentence".
    Today the page shows sentence 4 without a word, the box now saying 4, and a reviewer types
    their edit of sentence 6 into sentence 4. Asserts the page says sentence 6 is not in this
    view and which one it shows, and the URL matches the screen."""
    from playwright.sync_api import expect

    reviewer.open(f"doc={TALKS_ID}&s=3&filter=open")
    box = reviewer.page.locator(".st-key-s input")
    box.fill("6")
    with reviewer.rerun():
        box.press("Enter")
    reviewer.expect_sentence(4)
    reviewer.expect_query(doc=str(TALKS_ID), s="4", filter="open")
    note = reviewer.page.get_by_test_id("stAlertContentInfo").filter(has_text="does not hold sentence 6")
    expect(note).to_contain_text("showing sentence 4", timeout=TIMEOUT_MS)


def test_flagging_in_a_document_deleted_meanwhile_says_it_was_deleted(reviewer, db_path):
    """A reviewer fills in the flag form on sentence 2 (Scholes → Scholz) while a colleague
    deletes the document, then presses Flag. Today the message is "segment 9 has no translation
    by system 1; translate it first.": internal ids and the wrong advice. Asserts the message
    names the document and the sentence and says the flag was not saved."""
    from playwright.sync_api import expect

    reviewer.open(f"doc={DOOMED_TOO_ID}&s=2")
    reviewer.page.get_by_text("Flag an error: a garbled name, a term or any MQM error").click()
    reviewer.page.get_by_label("…or type the exact text").fill("Scholes")
    reviewer.page.get_by_label("Correct spelling or text").fill("Scholz")
    with reviewer.rerun():  # the field hands its text over when the cursor leaves it
        reviewer.page.get_by_label("Correct spelling or text").press("Tab")
    with Store.open(db_path) as db:
        document_flows.delete_document(db, DOOMED_TOO_ID, actor="Alice")
    with reviewer.rerun():
        reviewer.page.get_by_role("button", name="Flag", exact=True).click()

    warning = _warning(reviewer, "was deleted")
    expect(warning).to_contain_text(
        f"“{DOOMED_TOO.title}” was deleted while you had sentence 2 open", timeout=TIMEOUT_MS
    )
    expect(warning).to_contain_text("“Scholes” → “Scholz” was not saved")
    expect(reviewer.page.get_by_text("translate it first")).to_have_count(0)
