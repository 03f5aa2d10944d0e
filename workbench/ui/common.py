"""What every page shares: the session's database connection, the process-wide model,
who is acting (see access), save confirmations, error display, and the name-check adapters.

The model is a ``st.cache_resource`` shared by all sessions and only ever read. The
database connection is per session (SQLite connections must not run two sessions'
transactions at once), opened on first use and kept in session state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from workbench import config
from workbench.errors import ModelLoadError, WorkbenchError
from workbench.roles import Role
from workbench.store import Store
from workbench.ui import access, render
from workbench.workflows import detect, documents, translate

log = logging.getLogger("workbench.ui")

_STORE_KEY = "_wb_store"
_NOTICE_KEY = "_wb_notice"


# -- database -------------------------------------------------------------------------------


def store() -> Store:
    """This session's store on config.database() (reopened if the setting changed)."""
    location = config.database()
    current: Store | None = st.session_state.get(_STORE_KEY)
    if current is None or not current.is_at(location):
        current = Store.open(location)
        st.session_state[_STORE_KEY] = current
    return current


@dataclass(frozen=True)
class SeedResult:
    document_id: int
    title: str


def seed_path() -> Path | None:
    """The bundled seed article of this installation, if it has one."""
    return documents.seed_file(config.seeds_dir())


def import_seed_if_empty(db: Store) -> SeedResult | None:
    """The bundled seed article, imported on the database's first open (see review)."""
    document_id = documents.import_seed_if_empty(db, config.seeds_dir())
    if document_id is None:
        return None
    return SeedResult(document_id, db.document(document_id).title)


def import_seed(db: Store) -> SeedResult:
    """Open the bundled seed article as a new document (the Documents page button)."""
    result = documents.import_seed(db, config.seeds_dir(), created_by=reviewer(), role=role())
    return SeedResult(result.document_id, result.title)


# -- model -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelState:
    """The outcome of loading the configured model: a backend, or the message saying why not."""

    name: str
    backend: Any | None  # workbench.engine.Backend
    error: str | None


@st.cache_resource(show_spinner="Loading the translation model…")
def _load_model(name: str) -> ModelState:
    from workbench.engine import load_backend

    try:
        # lazy: the model is checked now, its weights read on the first translation only,
        # so opening the app to review stays fast.
        return ModelState(name, load_backend(name, lazy=True), None)
    except ModelLoadError as err:
        return ModelState(name, None, str(err))


def model_state() -> ModelState:
    """The configured model, loaded once per process and shared read-only by all sessions."""
    return _load_model(config.model_name())


def retry_model() -> None:
    """Forget a failed load so the next model_state() tries again (after a download)."""
    _load_model.clear()


def model_help(state: ModelState, key: str) -> None:
    """Say that no model is available, with the fix, and that reviewing still works."""
    st.warning(
        f"No translation model: {state.error}\n\n"
        "To translate in the app, run `workbench model download` once on a machine that can reach "
        "huggingface.co (the copy under models/ is then used offline), or set `WORKBENCH_MODEL` to a "
        "local Marian model folder; then press *Try loading the model again*.\n\n"
        "Meanwhile you can review, post-edit and approve translations already in the database "
        "(or imported with `workbench import DE --mt EN`).",
        icon=":material/warning:",
    )
    if st.button("Try loading the model again", key=f"{key}_model_retry", icon=":material/refresh:"):
        retry_model()
        st.rerun()


# A process-wide lock: two sessions translating at once would only compete for the same CPU.
_translate_lock = threading.Lock()


def translate_with_progress(
    db: Store, document_id: int, label: str = "Translating"
) -> translate.TranslateResult:
    """Translate a document with a progress bar; raises ModelLoadError when no model loads."""
    from workbench.engine import DecodeOptions

    state = model_state()
    if state.backend is None:
        raise ModelLoadError(state.error or "no model")
    total = max(len(db.segments(document_id)), 1)
    bar = st.progress(0.0, text=f"{label}: 0 of {total} sentences")
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        bar.progress(min(done / total, 1.0), text=f"{label}: {min(done, total)} of {total} sentences")

    with _translate_lock:
        result = translate.translate_document(db, document_id, state.backend, DecodeOptions(), progress)
    bar.progress(1.0, text=f"{label}: done ({result.n_segments} sentences, {result.n_cached} from cache)")
    return result


# -- session ----------------------------------------------------------------------------------


def reviewer() -> str:
    """The name recorded with this session's changes: the logged-in e-mail address under login,
    else the name typed in the sidebar."""
    return access.person().name


def role() -> Role:
    """This session's role, passed to every workflow that checks one (lead without login)."""
    return access.person().role


def is_lead() -> bool:
    return role() is Role.LEAD


NOTICE_SECONDS = 20


def notify(message: str) -> None:
    """Confirm an action: a toast, and a success line under the page title that stays for a
    while (a component's update can rerun the page right after the action; the line must
    outlive that, not flash by)."""
    st.session_state[_NOTICE_KEY] = (message, time.monotonic(), False)


def show_notice() -> None:
    notice = st.session_state.get(_NOTICE_KEY)
    if notice is None:
        return
    message, at, toasted = notice
    if time.monotonic() - at > NOTICE_SECONDS:
        st.session_state.pop(_NOTICE_KEY, None)
        return
    if not toasted:
        st.toast(message, icon=":material/check_circle:")
        st.session_state[_NOTICE_KEY] = (message, at, True)
    st.success(message)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a WorkbenchError's message (it names the fix) instead of a traceback."""
    try:
        yield
    except WorkbenchError as err:
        st.error(render.md(str(err)))  # messages quote user text: show it as typed


UNEXPECTED_ERROR = (
    "Something went wrong on the server, so this page stopped here; the details are in the "
    "server's log. What you typed is kept: reload the page or try again."
)


@contextmanager
def page_errors() -> Iterator[None]:
    """Every page's outermost error boundary: a WorkbenchError's message, or for anything
    else a short message (the traceback goes to the server's log), shown where the page
    stopped; never a traceback or a server path in the browser."""
    try:
        yield
    except WorkbenchError as err:
        st.error(render.md(str(err)))
    except Exception:  # the boundary of last resort: nothing may reach the browser raw
        log.exception("the review app failed on a page")
        st.error(UNEXPECTED_ERROR)
    else:
        return
    # End the run as an uncaught error would. A run that ends normally drops the state of
    # every widget it did not reach, which here would be the reviewer's unsaved text.
    st.stop()


# -- name checks -------------------------------------------------------------------------------

_DETECTED_KEY = "_wb_detected"


@st.cache_resource(show_spinner=False)
def _knowledge_base(extra: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Any:
    from workbench.names import kb as knowledge

    return knowledge.load_kb(extra=[knowledge.NameRecord(c, g, v) for c, g, v in extra])


def knowledge_base(db: Store) -> Any:
    """The names knowledge base plus the names reviewers accepted (cached per set of those)."""
    return _knowledge_base(tuple((k.canonical, k.german, k.variants) for k in db.known_names()))


@st.cache_resource(show_spinner=False)
def knowledge_name_forms() -> list[Any]:
    """The knowledge base as metrics.names.NameForm records, for name accuracy."""
    from workbench.metrics import names as name_metrics
    from workbench.names import kb as knowledge

    return name_metrics.load_name_forms_csv(knowledge.default_kb_path())


def ensure_detected(db: Store, document_id: int, system_id: int | None, *, force: bool = False) -> int:
    """Store the name checks' findings on a document's system as open annotations
    (detect.detect); returns how many were new. Runs once per session per set of that system's
    translations, or when forced after translating, so a rerun of the page does not check again."""
    translations = db.translations(document_id, system_id) if system_id is not None else {}
    fingerprint = (
        document_id,
        system_id,
        tuple(sorted((t.segment_id, t.id, t.created) for t in translations.values())),
    )
    checked: set[Any] = st.session_state.setdefault(_DETECTED_KEY, set())
    if fingerprint in checked and not force:
        return 0
    checked.add(fingerprint)
    return detect.detect(db, document_id, knowledge_base(db), system_id=system_id)


def translate_offer(db: Store, document_id: int, rows: Sequence[Any]) -> None:
    """Offer to translate a document some of whose sentences have no MT by the system shown."""
    if rows and all(r.translation is not None for r in rows):
        return
    state = model_state()
    if state.backend is None:
        model_help(state, "review")
        return
    missing = sum(r.translation is None for r in rows)
    st.info(f"{missing} of {len(rows)} sentences have no machine translation by this system yet.")
    if st.button("Translate this document", type="primary", key="translate_doc"):
        with user_errors():
            result = translate_with_progress(db, document_id)
            ensure_detected(db, document_id, db.system(result.system).id, force=True)
            notify(f"Translated {result.n_segments} sentences.")
            st.rerun()


def name_candidates(db: Store, row: Any) -> list[tuple[str, str]]:
    """(side, text) the reviewer may want to flag in one sentence (detect.name_candidates)."""
    return detect.name_candidates(row, knowledge_base(db))
