"""The Review page in a real browser, used the way reviewers use it (issue 8).

Each test starts the app over a fresh database seeded with three documents of imported MT
(ids 1, 2, 3; 3 is the newest, the one the page opens by default), acts as a person does
(types and presses the shortcut without leaving the field, reloads, switches documents, two
browser contexts as two reviewers) and reads the outcome back from the database with
browser.db_state. One test per defect listed in the issue, then the acceptance journeys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import (
    TALKS,
    TIMEOUT_MS,
    Reviewer,
    db_state,
    document_titles,
    new_reviewer,
    seed,
)

pytestmark = pytest.mark.browser

PENTAGON_ID, STRIKE_ID, TALKS_ID = 1, 2, 3


def _written(db_path: Path) -> dict[tuple[int, int], tuple[str, str]]:
    """Every post-edit in the database: (document, sentence) -> (status, text)."""
    return {
        (doc, s.number): (s.status, s.reference)
        for doc in (PENTAGON_ID, STRIKE_ID, TALKS_ID)
        for s in db_state(db_path, doc)
        if s.reference is not None
    }


def _sentence(db_path: Path, document_id: int, number: int):
    return db_state(db_path, document_id)[number - 1]


def _pick_document(person: Reviewer, title: str) -> None:
    """Choose a document in the selector with the mouse, as a person does."""
    with person.rerun():
        person.page.locator(".st-key-doc").click()
        person.page.get_by_role("option", name=re.compile(re.escape(title))).click()


def _open_flag_form(person: Reviewer) -> None:
    person.page.get_by_text("Flag an error: a garbled name, a term or any MQM error").click()


# -- the defects seen, one test each ------------------------------------------------------------


def test_defect1_approving_on_an_older_document_keeps_the_reviewer_in_it(reviewer, db_path):
    """Defect 1: the document selector is keyed by its label, which holds the live approved count.

    On document 2 (not the newest): Next, Next, Approve & next, Next, then type a draft and press
    Save draft. Asserts the draft is on document 2, sentence 5, nothing was written to another
    document, and the page and URL still show document 2, sentence 5. Today the Next after the
    approval lands on document 3 (the newest) and Save draft writes into it.
    """
    reviewer.open()
    _pick_document(reviewer, "Rail strike on Monday")
    for key in ("next", "next", "approve", "next"):
        reviewer.click(key)
    reviewer.type_in_editor("The talks continue on Thursday.")
    reviewer.click("save")
    reviewer.expect_notice("saved")

    assert _written(db_path) == {
        (STRIKE_ID, 3): ("approved", "Commuters have to prepare for full regional trains."),
        (STRIKE_ID, 5): ("draft", "The talks continue on Thursday."),
    }
    reviewer.expect_query(doc=str(STRIKE_ID), s="5")


@pytest.mark.parametrize("action", ["save draft", "go to sentence", "reload"])
def test_defect1_after_an_approval_the_next_action_stays_put(reviewer, db_path, action):
    """Defect 1: the first action after an approval on document 2 (picked in the selector).

    Approve sentence 3 with the button (the page moves to sentence 4), then: type and press Save
    draft / type 6 in "Go to sentence" / reload the page. Asserts the reviewer is still in
    document 2, on sentence 4 (6 after "go to"), by the editor's text, the URL and, for the
    save, the database. Today the stale label resets the selector: the save lands right but the
    page jumps to the newest document's sentence 1, "go to" is overridden to sentence 1, and the
    reload opens the newest document.
    """
    strike = db_state(db_path, STRIKE_ID)
    reviewer.open()
    _pick_document(reviewer, "Rail strike on Monday")
    go_to = reviewer.page.get_by_label("Go to sentence")
    go_to.fill("3")
    with reviewer.rerun():
        go_to.press("Enter")
    reviewer.expect_sentence(3)
    reviewer.click("approve")
    reviewer.expect_sentence(4)

    expected = 4
    if action == "save draft":
        reviewer.type_in_editor("The railway refunds tickets.")
        reviewer.click("save")
        reviewer.expect_notice("saved")
        assert _written(db_path) == {
            (STRIKE_ID, 3): ("approved", strike[2].mt),
            (STRIKE_ID, 4): ("draft", "The railway refunds tickets."),
        }
    elif action == "go to sentence":
        expected = 6
        go_to.fill("6")
        with reviewer.rerun():
            go_to.press("Enter")
    else:
        reviewer.reload()

    reviewer.expect_editor(
        "The railway refunds tickets." if action == "save draft" else strike[expected - 1].mt
    )
    reviewer.expect_query(doc=str(STRIKE_ID), s=str(expected))


def test_defect1_the_url_opens_the_document_by_its_id(reviewer, db_path):
    """Defect 1: `?doc=1` is ignored today (the URL holds the selector's label instead).

    Opens /?doc=1&s=2 and asserts the editor shows sentence 2 of document 1 and the URL keeps
    doc=1&s=2. Today the page opens the newest document and drops doc from the URL.
    """
    pentagon = db_state(db_path, PENTAGON_ID)
    reviewer.open(f"doc={PENTAGON_ID}&s=2")
    reviewer.expect_sentence(2)
    reviewer.expect_editor(pentagon[1].mt)
    reviewer.expect_query(doc=str(PENTAGON_ID), s="2")


def test_defect2_ctrl_s_in_the_editor_saves_exactly_what_was_typed(reviewer, db_path):
    """Defect 2: Ctrl+S pressed inside the editor right after typing.

    Asserts the draft in the database is exactly the typed text, and that it is still in the
    editor after a reload. Today the shortcut sends the text from before the typing: "Post-edit
    saved as draft" appears but the database holds the MT unchanged.
    """
    reviewer.open(f"doc={TALKS_ID}&s=2")
    reviewer.expect_sentence(2)
    reviewer.type_in_editor(" Nobody left early.", replace=False)
    reviewer.press("Control+s")
    reviewer.expect_notice("saved")

    typed = "The talks lasted more than four hours. Nobody left early."
    state = _sentence(db_path, TALKS_ID, 2)
    assert (state.status, state.reference) == ("draft", typed)
    reviewer.reload()
    reviewer.expect_editor(typed)


def test_a_shortcut_from_another_sentences_editor_changes_nothing_on_screen(reviewer, db_path):
    """The page moved on (Approve & next, Alt+Down) while a key press from the old sentence's
    editor was on its way: the text typed for that sentence must not land on the one now shown.

    The race is made deterministic by marking the editor on screen as another sentence's, which
    is what the page sees when the old editor is still in place after the move."""
    from playwright.sync_api import expect

    reviewer.open(f"doc={TALKS_ID}&s=2")
    reviewer.expect_sentence(2)
    reviewer.type_in_editor("Text typed for another sentence.")
    reviewer.page.evaluate("document.querySelector('.st-key-editor textarea').dataset.segment = '999999'")
    reviewer.press("Control+s")
    expect(reviewer.page.get_by_text("came from another sentence's editor")).to_be_visible(timeout=TIMEOUT_MS)
    assert _sentence(db_path, TALKS_ID, 2).reference is None


@pytest.mark.parametrize("away, back", [("Alt+ArrowDown", "Alt+ArrowUp"), ("Alt+ArrowUp", "Alt+ArrowDown")])
def test_defect3_alt_arrows_from_the_editor_keep_the_typed_text(reviewer, db_path, away, back):
    """Defect 3: Alt+Down / Alt+Up pressed inside the editor right after typing.

    Asserts the typed text is kept as a draft of the sentence left (in the database) and is in
    its editor on coming back. Today the text is dropped: no draft, the editor shows the MT.
    """
    reviewer.open(f"doc={TALKS_ID}&s=2")
    reviewer.expect_sentence(2)
    reviewer.type_in_editor("The talks went on for over four hours.")
    reviewer.press(away)
    reviewer.expect_sentence(3 if away == "Alt+ArrowDown" else 1)

    state = _sentence(db_path, TALKS_ID, 2)
    assert (state.status, state.reference) == ("draft", "The talks went on for over four hours.")
    reviewer.press(back)
    reviewer.expect_sentence(2)
    reviewer.expect_editor("The talks went on for over four hours.")


def test_defect4_ctrl_enter_in_the_flag_form_flags_and_does_not_approve(reviewer, db_path):
    """Defect 4: Ctrl+Enter pressed in the "Flag a span" form (in its correction field).

    Asserts a reviewer flag "talks" -> "negotiations" exists on sentence 2, the sentence is not
    approved, and the reviewer is still on sentence 2. Today the button shortcut approves the
    sentence and moves on; no flag is created.
    """
    reviewer.open(f"doc={TALKS_ID}&s=2")
    reviewer.expect_sentence(2)
    _open_flag_form(reviewer)
    reviewer.page.get_by_label("…or type the exact text").fill("talks")
    reviewer.page.get_by_label("Correct spelling or text").click()
    reviewer.page.keyboard.type("negotiations")
    reviewer.press("Control+Enter")

    state = _sentence(db_path, TALKS_ID, 2)
    flags = [(f.text, f.correction) for f in state.flags if f.origin == "reviewer"]
    assert (flags, state.status != "approved") == ([("talks", "negotiations")], True)
    reviewer.expect_sentence(2)
    reviewer.expect_query(s="2")


def test_defect5_accept_without_everywhere_corrects_this_sentence(reviewer, db_path):
    """Defect 5: accepting a flag with "correct every occurrence" off, then a variant with it on.

    Sentence 3 reads "Gerasimo", sentence 4 "Gerasimow"; the name checks flag both with the
    correction "Gerasimov". Accept on sentence 3 with the toggle off, then on sentence 4 with it
    on. Asserts sentence 3's English reads "Gerasimov" after the first accept, and after the
    second both read "Gerasimov". Today the first accept changes no English, and the second
    corrects only sentence 4: the accepted flag no longer counts as open, so "everywhere"
    skips sentence 3.
    """
    everywhere = "Accepting corrects every occurrence and variant in this document"
    reviewer.open(f"doc={TALKS_ID}&s=3")
    reviewer.expect_sentence(3)
    with reviewer.rerun():
        reviewer.page.get_by_text(everywhere).click()
    with reviewer.rerun():
        reviewer.page.get_by_role("button", name="Accept", exact=True).first.click()
    reviewer.expect_notice("Accepted")
    after_first = _sentence(db_path, TALKS_ID, 3).english

    reviewer.click("next")
    reviewer.expect_sentence(4)
    with reviewer.rerun():
        reviewer.page.get_by_text(everywhere).click()
    with reviewer.rerun():
        reviewer.page.get_by_role("button", name="Accept", exact=True).first.click()
    reviewer.expect_notice("Accepted")
    state = db_state(db_path, TALKS_ID)

    assert (after_first, state[2].english, state[3].english) == (
        "General Valery Gerasimov did not take part.",
        "General Valery Gerasimov did not take part.",
        "A spokesman for Gerasimov declined to comment.",
    )


def test_defect6_import_pasted_text_twice_imports_it_once(reviewer, db_path):
    """Defect 6 (Documents page): "Import pasted text" pressed twice.

    Asserts the article is imported once and the form is empty after the first import. Today the
    form keeps the text (the page pops its session keys, the browser keeps showing and sending
    the text) and the second press imports the same article again.
    """
    from playwright.sync_api import expect

    reviewer.open()
    with reviewer.rerun():
        reviewer.page.get_by_role("link", name="Documents").click()
    reviewer.page.get_by_label("Title (optional)").fill("Pasted article")
    article = reviewer.page.locator(".st-key-paste_text textarea")
    article.click()
    article.press_sequentially("Der Zug kam pünktlich an. Alle waren zufrieden.")
    import_button = reviewer.page.get_by_role("button", name="Import pasted text")
    with reviewer.rerun():
        import_button.click()
    reviewer.expect_notice("Imported")
    with reviewer.rerun():
        import_button.click()

    assert document_titles(db_path).count("Pasted article") == 1
    expect(article).to_have_value("", timeout=TIMEOUT_MS)
    expect(reviewer.page.get_by_label("Title (optional)")).to_have_value("", timeout=TIMEOUT_MS)


def test_defect6_the_flag_form_is_empty_after_flagging(reviewer, db_path):
    """Defect 6 (Review page): the flag form keeps the last name after Flag.

    Flags "Valery" -> "Valeriy" on sentence 3, opens the form again and presses Flag once more.
    Asserts there is one reviewer flag on "Valery" and the form's fields are empty. Today the form
    still holds "Valery" / "Valeriy" and the second press adds the same flag again.
    """
    from playwright.sync_api import expect

    reviewer.open(f"doc={TALKS_ID}&s=3")
    reviewer.expect_sentence(3)
    _open_flag_form(reviewer)
    typed = reviewer.page.get_by_label("…or type the exact text")
    correction = reviewer.page.get_by_label("Correct spelling or text")
    typed.fill("Valery")
    correction.fill("Valeriy")
    flag_button = reviewer.page.get_by_role("button", name="Flag", exact=True)
    with reviewer.rerun():
        flag_button.click()
    reviewer.expect_notice("Flagged")
    if not flag_button.is_visible():  # the expander may close on the rerun: open it again
        _open_flag_form(reviewer)
    with reviewer.rerun():
        flag_button.click()

    flags = [f for f in _sentence(db_path, TALKS_ID, 3).flags if f.origin == "reviewer"]
    assert [(f.text, f.correction) for f in flags] == [("Valery", "Valeriy")]
    expect(typed).to_have_value("", timeout=TIMEOUT_MS)
    expect(correction).to_have_value("", timeout=TIMEOUT_MS)


# -- acceptance journeys -----------------------------------------------------------------------


def test_open_by_url_save_with_ctrl_s_approve_with_ctrl_enter_then_save_the_next(reviewer, db_path):
    """The issue's acceptance journey, on document 2 (not the newest).

    Open /?doc=2&s=3, type without leaving the editor, Ctrl+S: the database has exactly the typed
    text as draft of sentence 3 of document 2, and the URL still says doc=2&s=3. Ctrl+Enter
    approves it and moves to sentence 4; typing there and Ctrl+S puts the draft on sentence 4 of
    document 2. Nothing is written anywhere else. Today ?doc=2 is ignored: the page opens the
    newest document, and Ctrl+S saves the text from before the typing.
    """
    reviewer.open(f"doc={STRIKE_ID}&s=3")
    reviewer.expect_sentence(3)
    reviewer.type_in_editor("Commuters must expect crowded regional trains.")
    reviewer.press("Control+s")
    reviewer.expect_notice("saved")
    assert _written(db_path) == {(STRIKE_ID, 3): ("draft", "Commuters must expect crowded regional trains.")}
    reviewer.expect_query(doc=str(STRIKE_ID), s="3")

    reviewer.press("Control+Enter")
    reviewer.expect_notice("Approved")
    reviewer.expect_sentence(4)
    reviewer.type_in_editor("Rail offers free refunds of tickets.")
    reviewer.press("Control+s")
    reviewer.expect_notice("saved")
    assert _written(db_path) == {
        (STRIKE_ID, 3): ("approved", "Commuters must expect crowded regional trains."),
        (STRIKE_ID, 4): ("draft", "Rail offers free refunds of tickets."),
    }
    reviewer.expect_query(doc=str(STRIKE_ID), s="4")


def test_two_documents_with_approvals_in_between_and_a_reload_after_each_action(reviewer, db_path):
    """Work on documents 2 and 1 in turn, reloading after every action.

    Each step checks the database and, after the reload, that the URL and the editor still show
    the same document and sentence. Today the first step already fails: ?doc=2 is ignored.
    """
    strike = db_state(db_path, STRIKE_ID)
    pentagon = db_state(db_path, PENTAGON_ID)

    def reload_and_expect(document_id: int, number: int, text: str) -> None:
        reviewer.reload()
        reviewer.expect_query(doc=str(document_id), s=str(number))
        reviewer.expect_sentence(number)
        reviewer.expect_editor(text)

    reviewer.open(f"doc={STRIKE_ID}&s=1")
    reviewer.type_in_editor("The drivers' union has called a nationwide strike for Monday.")
    reviewer.press("Control+Enter")
    reviewer.expect_notice("Approved")
    assert _written(db_path) == {
        (STRIKE_ID, 1): ("approved", "The drivers' union has called a nationwide strike for Monday.")
    }
    reload_and_expect(STRIKE_ID, 2, strike[1].mt)

    reviewer.type_in_editor("Long-distance trains will almost all stop.")
    reviewer.press("Alt+ArrowDown")
    reload_and_expect(STRIKE_ID, 3, strike[2].mt)
    assert _sentence(db_path, STRIKE_ID, 2).reference == "Long-distance trains will almost all stop."

    _pick_document(reviewer, "Pentagon")
    reload_and_expect(PENTAGON_ID, 1, pentagon[0].mt)

    reviewer.type_in_editor("Senior Pentagon officials have not talked to their Russian counterparts.")
    reviewer.press("Control+Enter")
    reviewer.expect_notice("Approved")
    reload_and_expect(PENTAGON_ID, 2, pentagon[1].mt)

    _pick_document(reviewer, "Rail strike")
    go_to = reviewer.page.get_by_label("Go to sentence")
    go_to.fill("4")
    with reviewer.rerun():
        go_to.press("Enter")
    reload_and_expect(STRIKE_ID, 4, strike[3].mt)

    reviewer.type_in_editor("Rail refunds tickets free of charge.")
    reviewer.press("Control+s")
    reviewer.expect_notice("saved")
    reload_and_expect(STRIKE_ID, 4, "Rail refunds tickets free of charge.")

    assert _written(db_path) == {
        (STRIKE_ID, 1): ("approved", "The drivers' union has called a nationwide strike for Monday."),
        (STRIKE_ID, 2): ("draft", "Long-distance trains will almost all stop."),
        (STRIKE_ID, 4): ("draft", "Rail refunds tickets free of charge."),
        (PENTAGON_ID, 1): (
            "approved",
            "Senior Pentagon officials have not talked to their Russian counterparts.",
        ),
    }


def test_two_reviewers_save_the_same_sentence_one_wins_the_other_is_told(browser, app, db_path):
    """Two browser contexts, Alice and Bob, on sentence 3 of document 2.

    Both open it; Alice types and saves with Ctrl+S, then Bob types and saves with Ctrl+S.
    Asserts Alice's text is the draft in the database, Bob sees a conflict message naming Alice,
    and Bob's typed text is still in his editor (nothing overwritten on either side). Today
    ?doc=2 is ignored and Ctrl+S saves the text from before the typing.
    """
    from playwright.sync_api import expect

    alice, bob = new_reviewer(browser, app), new_reviewer(browser, app)
    try:
        for person, name in ((alice, "Alice"), (bob, "Bob")):
            person.open(f"doc={STRIKE_ID}&s=3")
            person.expect_sentence(3)
            box = person.page.get_by_role("textbox", name="Reviewer", exact=True)
            box.fill(name)
            with person.rerun():
                box.press("Enter")

        alice.type_in_editor("Alice: commuters face crowded trains.")
        alice.press("Control+s")
        alice.expect_notice("saved")
        bob.type_in_editor("Bob: commuters should expect full trains.")
        bob.press("Control+s")

        state = _sentence(db_path, STRIKE_ID, 3)
        assert (state.status, state.reference, state.reviewer) == (
            "draft",
            "Alice: commuters face crowded trains.",
            "Alice",
        )
        conflict = bob.page.get_by_test_id("stAlertContentError")
        expect(conflict.first).to_contain_text("Alice", timeout=TIMEOUT_MS)
        bob.expect_editor("Bob: commuters should expect full trains.")
        assert _written(db_path) == {(STRIKE_ID, 3): ("draft", "Alice: commuters face crowded trains.")}
    finally:
        alice.page.context.close()
        bob.page.context.close()


def test_seed_documents_are_what_the_journeys_assume(db_path):
    """The journeys rely on the seed: three documents, the newest with two flagged garbles."""
    assert seed(db_path) == [PENTAGON_ID, STRIKE_ID, TALKS_ID]
    talks = db_state(db_path, TALKS_ID)
    assert [s.mt for s in talks] == [en for _, en in TALKS.pairs]
    assert [(f.text, f.correction, f.status) for s in talks for f in s.flags] == [
        ("Gerasimo", "Gerasimov", "open"),
        ("Gerasimow", "Gerasimov", "open"),
    ]
