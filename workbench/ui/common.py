"""What every page shares: the session's database connection, the process-wide model,
the reviewer's name, save confirmations, error display, and the name-check adapters.

The model is a ``st.cache_resource`` shared by all sessions and only ever read. The
database connection is per session (SQLite connections must not run two sessions'
transactions at once), opened on first use and kept in session state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from workbench import config, review
from workbench.errors import ModelLoadError, WorkbenchError
from workbench.store import Store

_STORE_KEY = "_wb_store"
_NOTICE_KEY = "_wb_notice"
REVIEWER_KEY = "wb_reviewer"


# -- database -------------------------------------------------------------------------------


def store() -> Store:
    """This session's store on config.db_path() (reopened if the path changed)."""
    path = config.db_path()
    current: Store | None = st.session_state.get(_STORE_KEY)
    if current is None or current.path != path:
        current = Store.open(path)
        st.session_state[_STORE_KEY] = current
    return current


@dataclass(frozen=True)
class SeedResult:
    document_id: int
    title: str


def seed_path() -> Path | None:
    """The bundled seed article (first .txt in seeds/), if this checkout has one."""
    folder = config.seeds_dir()
    found = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return found[0] if found else None


def import_seed_if_empty(db: Store) -> SeedResult | None:
    """Import the bundled seed article when the database has no documents yet.

    Adapter over review.import_article (review.py has no "seed if empty" use case): the
    emptiness check and the import share one BEGIN IMMEDIATE transaction, so two sessions
    (or processes) opening a fresh database at once import it once.
    """
    path = seed_path()
    if path is None:
        return None
    from workbench.textio import read_text

    text = read_text(path).text
    with db.transaction() as conn:
        if conn.execute("SELECT count(*) FROM documents").fetchone()[0]:
            return None
        result = review.import_article(db, text, source_name=path.name, created_by="seed")
    return SeedResult(result.document_id, result.title)


def import_seed(db: Store) -> SeedResult:
    """Open the bundled seed article as a new document (the Documents page button)."""
    path = seed_path()
    if path is None:
        raise WorkbenchError(
            f"no seed article found in {config.seeds_dir()}; paste or upload a German article instead."
        )
    from workbench.textio import read_text

    result = review.import_article(
        db,
        read_text(path).text,
        source_name=path.name,
        created_by=reviewer(),
    )
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
) -> review.TranslateResult:
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
        result = review.translate_document(db, document_id, state.backend, DecodeOptions(), progress)
    bar.progress(1.0, text=f"{label}: done ({result.n_segments} sentences, {result.n_cached} from cache)")
    return result


# -- session ----------------------------------------------------------------------------------


def reviewer() -> str:
    name = st.session_state.get(REVIEWER_KEY, "").strip()
    return name or review.default_reviewer()


def reviewer_box() -> None:
    """The reviewer's name in the sidebar, kept for the whole session."""
    if not st.session_state.get(REVIEWER_KEY):
        st.session_state[REVIEWER_KEY] = review.default_reviewer()
    st.sidebar.text_input(
        "Reviewer",
        key=REVIEWER_KEY,
        persist_state="session",
        help="Recorded with every flag, post-edit and approval.",
    )


def notify(message: str) -> None:
    """Confirm a save: a toast now, and a success line that survives the rerun that follows."""
    st.session_state[_NOTICE_KEY] = message


def show_notice() -> None:
    message = st.session_state.pop(_NOTICE_KEY, None)
    if message:
        st.toast(message, icon=":material/check_circle:")
        st.success(message)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a WorkbenchError's message (it names the fix) instead of a traceback."""
    try:
        yield
    except WorkbenchError as err:
        st.error(str(err))


# -- name checks -------------------------------------------------------------------------------

_DETECTED_KEY = "_wb_detected"


@st.cache_resource(show_spinner=False)
def _knowledge_base(extra: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Any:
    from workbench import knowledge

    return knowledge.load_kb(extra=[knowledge.NameRecord(c, g, v) for c, g, v in extra])


def knowledge_base(db: Store) -> Any:
    """The names knowledge base plus the names reviewers accepted (cached per set of those)."""
    return _knowledge_base(tuple((k.canonical, k.german, k.variants) for k in db.known_names()))


@st.cache_resource(show_spinner=False)
def knowledge_name_forms() -> list[Any]:
    """The knowledge base as scoring.NameForm records, for name accuracy."""
    from workbench import knowledge, scoring

    return scoring.load_name_forms_csv(knowledge.default_kb_path())


def _reviewer_kind(text: str) -> str:
    # The store knows the reviewer's three kinds; a mismatched number or date is not a name.
    return "other" if any(ch.isdigit() for ch in text) else "garbled-name"


def ensure_detected(db: Store, document_id: int, *, force: bool = False) -> int:
    """Run the name checks over a document's current translations and store new findings as
    open detector flags (with suggestion and reason); returns how many were added.

    Adapter: review.py has no "detect" use case. Runs once per session per set of translations
    (or when forced after translating); a finding already stored, dismissed ones included, is
    not added again, checked inside the write transaction so two sessions cannot double it.
    """
    rows = db.review_rows(document_id)
    fingerprint = (document_id, tuple((r.segment.id, r.translation.id if r.translation else 0) for r in rows))
    checked: set[Any] = st.session_state.setdefault(_DETECTED_KEY, set())
    if fingerprint in checked and not force:
        return 0
    checked.add(fingerprint)
    from workbench import names

    found = names.check_segments(
        [r.segment.source for r in rows],
        [r.translation.text if r.translation else "" for r in rows],
        kb=knowledge_base(db),
        glossary=db.glossary_entries(),
    )
    added = 0
    with db.transaction():
        existing = {(f.segment_id, f.side, f.start, f.end, f.text) for f in db.flags(document_id=document_id)}
        for flag in found:
            row = rows[flag.line - 1]
            if flag.side == "mt" and row.translation is None:
                continue
            if (row.segment.id, flag.side, flag.start, flag.end, flag.text) in existing:
                continue
            db.add_flag(
                row.segment.id,
                side=flag.side,
                start=flag.start,
                end=flag.end,
                text=flag.text,
                kind=_reviewer_kind(flag.text),
                reviewer="detector",
                correction=flag.suggestion or "",
                reason=flag.reason,
                origin="detector",
                detector_kind=flag.kind,
                model=row.translation.model if flag.side == "mt" and row.translation else "",
            )
            added += 1
    return added


def name_candidates(db: Store, row: Any) -> list[tuple[str, str]]:
    """(side, text) the reviewer may want to flag in one sentence: detector findings first,
    then the names the name checks see in the MT and in the source."""
    from workbench import names

    kb = knowledge_base(db)
    seen: dict[tuple[str, str], None] = {(flag.side, flag.text): None for flag in row.flags}
    sides = [("mt", "en", row.translation.text if row.translation else ""), ("src", "de", row.segment.source)]
    for side, lang, text in sides:
        for candidate in names.candidates(text, lang, kb=kb):
            seen[(side, candidate.text)] = None
    return list(seen)
