"""Where the reviewer is: document, sentence (1-based), system, filter, search, boilerplate
switch. It is shown in the URL, ``?doc=<document id>&s=<sentence>&...``, so a reload, a
bookmark or a shared link opens exactly that place.

Within a session the session's own record is the truth and the URL its mirror, read only on
a session's first run (a reload, a bookmark, a link typed into the address bar). A rerun the
browser sends while the server's last URL change is still on its way carries the old query
string; trusting it bounced reviewers back to the sentence they had just left.
Session state keys live here too, so they are named once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import streamlit as st

from workbench.store import Document, ReviewRow, Store, System

FILTERS = {
    "all": "All",
    "open": "Open issues",
    "todo": "Not yet approved",
    "changed": "Changed since approval",
}

# Widget keys (stable: browser tests and automation find them as .st-key-<key>).
DOC, SYSTEM, FILTER, SENTENCE, SEARCH, HIDE_BOILERPLATE = "doc", "system", "filter", "s", "q", "hide"
EDITOR = "editor"
KEYS = "review_keys"
# Session keys of the page's own state.
WHERE = "_wb_where"  # the reviewer's location: (document id, sentence, system, filter, search, hide)
POSITIONS = "_wb_positions"  # document id -> the sentence last open there
CONFLICT = "_wb_conflict"  # segment id -> the conflict to resolve
REPLACE = "_wb_replace"  # segment id -> (text, nonce): put this text into the editor once
ERROR = "_wb_review_error"
GONE_DOCUMENTS = "_wb_gone_documents"  # ids of documents already said to be deleted
GONE = "_wb_gone"  # message -> when: about a place that is not there (any more), shown above the page
LEFT = "_wb_left"  # (document id, sentence, when): the sentence an action just moved away from
STALE_SECONDS = 5.0
ON_SCREEN = "_wb_on_screen"  # (row, location, previous, following) of the sentence drawn last
LAST_KEY = "_wb_last_key"  # the nonce of the last key press acted on
ASKED = "_wb_asked"  # the sentence number typed into "Go to sentence", to say if it is not in view
FOCUS = "_wb_focus_editor"  # put the cursor in the next editor drawn (reached by keyboard)


@dataclass(frozen=True)
class Location:
    document: Document
    number: int  # 1-based sentence number
    system: System | None  # None: the document has no translation yet
    filter: str = "all"
    search: str = ""
    hide_boilerplate: bool = False

    def params(self) -> dict[str, str]:
        out = {DOC: str(self.document.id), SENTENCE: str(self.number)}
        if self.system is not None:
            out[SYSTEM] = self.system.name
        if self.filter != "all":
            out[FILTER] = self.filter
        if self.search:
            out[SEARCH] = self.search
        if self.hide_boilerplate:
            out[HIDE_BOILERPLATE] = "1"
        return out


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def current(db: Store) -> Location | None:
    """The reviewer's location, made valid: an unknown document falls back to the newest, a
    sentence out of range to the nearest, an unknown system to the document's default.
    None when there are no documents at all."""
    docs = db.documents()
    if not docs:
        return None
    where = st.session_state.get(WHERE)
    asked: object = None  # the document the URL or the session names, as given
    if where is None:  # the session's first run: the URL says where
        query = st.query_params
        asked = query.get(DOC) or None
        where = (
            _number(query.get(DOC)),
            _number(query.get(SENTENCE)),
            query.get(SYSTEM),
            query.get(FILTER, "all"),
            query.get(SEARCH, ""),
            query.get(HIDE_BOILERPLATE) == "1",
        )
    doc_id, number, system_name, filter_, search, hide = where
    by_id = {d.id: d for d in docs}
    document = by_id.get(doc_id or -1, docs[0])
    if asked is None:
        asked = doc_id
    if asked is not None and document.id != doc_id and doc_id not in st.session_state.get(GONE_DOCUMENTS, ()):
        # A deleted document, or a mistyped link: say so, never let another document pass
        # for the one the reviewer asked for.
        named = asked if doc_id is not None else f"“{asked}”"
        say(
            f"There is no document {named} (it was deleted, or the link is wrong); "
            f"showing “{document.title}” instead."
        )
    positions: dict[int, int] = st.session_state.setdefault(POSITIONS, {})
    if not number or doc_id not in (None, document.id):
        if number and doc_id not in (None, document.id):
            # The browser's "Go to sentence" box still holds the number it had in the missing
            # document and may send it back: that echo must not move the reviewer here.
            st.session_state[LEFT] = (document.id, number, time.monotonic())
        number = positions.get(document.id, 1)
    number = min(max(number, 1), max(document.n_segments, 1))
    systems = db.systems(document.id)
    system = next((s for s in systems if s.name == system_name), systems[0] if systems else None)
    location = Location(
        document, number, system, filter_ if filter_ in FILTERS else "all", search or "", bool(hide)
    )
    go(location)
    return location


def gone(db: Store, row: ReviewRow, lost: str) -> bool:
    """Whether the document of ``row`` (the sentence on screen) was deleted meanwhile; if so,
    say it above the page (which moves to a document that exists), with what was ``lost``."""
    document_id = row.segment.document_id
    if any(d.id == document_id for d in db.documents()):
        return False
    screen = st.session_state.get(ON_SCREEN)
    title = screen[1].document.title if screen and screen[1].document.id == document_id else ""
    named = f"“{title}”" if title else f"Document {document_id}"
    say(f"{named} was deleted while you had sentence {row.segment.position + 1} open. {lost}".strip())
    st.session_state.setdefault(GONE_DOCUMENTS, set()).add(document_id)
    return True


def say(message: str) -> None:
    """A message about where the reviewer is (not about the sentence on screen), shown above
    the page for a while: a component's update can redraw the page right after it is said."""
    st.session_state.setdefault(GONE, {}).setdefault(message, time.monotonic())


def said(seconds: float) -> list[str]:
    """The messages said in the last ``seconds``."""
    gone: dict[str, float] = st.session_state.get(GONE, {})
    now = time.monotonic()
    for message in [m for m, at in gone.items() if now - at > seconds]:
        del gone[message]
    return list(gone)


def go(location: Location) -> None:
    """Make ``location`` the reviewer's, and the URL say so (remembering the sentence per document)."""
    st.session_state.setdefault(POSITIONS, {})[location.document.id] = location.number
    st.session_state[WHERE] = (
        location.document.id,
        location.number,
        location.system.name if location.system else None,
        location.filter,
        location.search,
        location.hide_boilerplate,
    )
    wanted = location.params()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def open_document(document_id: int, number: int = 1) -> None:
    """Where the Review page opens next (from another page of the app)."""
    st.session_state[WHERE] = (document_id, number, None, "all", "", False)


def move(location: Location, **changes: object) -> Location:
    """Go from ``location`` to a changed one."""
    moved = replace(location, **changes)
    go(moved)
    return moved


def step(location: Location, number: int) -> None:
    """Go to another sentence by an action (a button, a shortcut), not by "Go to sentence"."""
    st.session_state[LEFT] = (location.document.id, location.number, time.monotonic())
    move(location, number=number)


def stale(document_id: int, number: int) -> bool:
    """Whether a "Go to sentence" change to ``number`` is the browser echoing the sentence an
    action just left (a rerun it sent before the move reached it), not the reviewer's choice."""
    left = st.session_state.get(LEFT)
    return (
        left is not None and left[:2] == (document_id, number) and time.monotonic() - left[2] < STALE_SECONDS
    )
