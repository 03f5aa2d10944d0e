"""Real-browser test harness: the app under `streamlit run`, Debian's chromium through Playwright,
seed documents of imported MT, and the database read back the way a test checks it.

- `running_app(db_path, tmp_path)` starts the app on a free loopback port over that database,
  with WORKBENCH_MODEL pointing at a missing folder: reviewing imported MT needs no model.
- `seed(db_path)` imports DOCUMENTS through the library; in a fresh database they get ids 1, 2, 3,
  so document 3 is the newest (the one the Review page opens by default).
- `db_state(db_path, document_id)` is the one place a test reads the result back: it runs
  `workbench show DOC --json`, as a script would.
- `Reviewer` wraps a page with what a person does on the Review page: open a URL, type into the
  post-edit editor (never leaving it), press a shortcut, click a button, reload; each action
  waits for the app run it starts to finish, never for a fixed time.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from workbench.names import kb as knowledge
from workbench.store import Store
from workbench.textio import TextFile
from workbench.workflows import detect
from workbench.workflows import documents as document_flows

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REVIEWER = "Test Reviewer"
STARTUP_TIMEOUT_S = 60
TIMEOUT_MS = 30_000  # two CPU cores shared with other jobs: waits are generous, never fixed sleeps
VIEWPORT = {"width": 1500, "height": 1700}


def chromium_or_skip() -> None:
    """Skip (or, with WORKBENCH_REQUIRE_BROWSER=1 as in CI, fail) when Debian's chromium is missing."""
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser test"
    )
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (WORKBENCH_REQUIRE_BROWSER=1: the browser test must run here)")
    pytest.skip(message)


# -- seed documents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedDocument:
    title: str
    pairs: tuple[tuple[str, str], ...]  # (German, imported MT), one sentence per line


PENTAGON = SeedDocument(
    "Pentagon: no talks with Russian counterparts",
    (
        (
            "Hochrangige Beamte des Pentagon haben seit Beginn der Invasion in der Ukraine nicht mehr mit "
            "ihren russischen Kollegen gesprochen.",
            "Senior Pentagon officials have not spoken with their Russian counterparts since the start of "
            "the invasion of Ukraine.",
        ),
        (
            "CNN berichtete zuvor, dass Verteidigungsminister Lloyd Austin zuletzt am 18. Februar mit dem "
            "russischen Verteidigungsminister Sergei Shoigu gesprochen hat.",
            "CNN previously reported that Defense Secretary Lloyd Austin last spoke with Russian Defense "
            "Minister Sergei Shoigu on February 18.",
        ),
        (
            "Der gemeinsame Stabschef General Mark Milli sprach zuletzt am 11. Februar mit Valerie Gerasimo.",
            "Joint Chiefs of Staff General Mark Milli last spoke with Valerie Gerasimo on February 11.",
        ),
        (
            "Minister Schoiku und General Gerasimov haben sich bisher geweigert, einzugreifen.",
            "Minister Schoiku and General Gerasimov have so far refused to intervene.",
        ),
        (
            "Bundeskanzler Olaf Scholes traf Präsident Joe Biden in Washington.",
            "Chancellor Olaf Scholes met President Joe Biden in Washington.",
        ),
    ),
)
STRIKE = SeedDocument(
    "Rail strike on Monday",
    (
        (
            "Die Lokführergewerkschaft hat für Montag einen bundesweiten Streik angekündigt.",
            "The train drivers' union has announced a nationwide strike for Monday.",
        ),
        (
            "Der Fernverkehr soll fast vollständig eingestellt werden.",
            "Long-distance traffic is to be almost completely stopped.",
        ),
        (
            "Pendler müssen sich auf volle Regionalzüge einstellen.",
            "Commuters have to prepare for full regional trains.",
        ),
        (
            "Die Bahn bietet an, Fahrkarten kostenlos zu erstatten.",
            "The railway offers to refund tickets free of charge.",
        ),
        (
            "Die Verhandlungen sollen am Donnerstag weitergehen.",
            "The negotiations are to continue on Thursday.",
        ),
        (
            "Ein Sprecher rief beide Seiten zur Einigung auf.",
            "A spokesman called on both sides to agree.",
        ),
    ),
)
# The newest document: two garbles of one name in sentences 3 and 4, which the name checks flag
# with the correction "Gerasimov" (seeded as open detector flags).
TALKS = SeedDocument(
    "Talks in Geneva",
    (
        ("Das Treffen fand am Dienstag in Genf statt.", "The meeting took place in Geneva on Tuesday."),
        ("Die Gespräche dauerten mehr als vier Stunden.", "The talks lasted more than four hours."),
        ("General Waleri Gerassimow nahm nicht teil.", "General Valery Gerasimo did not take part."),
        (
            "Ein Sprecher von Gerassimow wollte sich nicht äußern.",
            "A spokesman for Gerasimow declined to comment.",
        ),
        ("Beide Seiten wollen sich im März wieder treffen.", "Both sides want to meet again in March."),
        (
            "Die Ergebnisse sollen in Kürze veröffentlicht werden.",
            "The results are to be published shortly.",
        ),
    ),
)
DOCUMENTS = (PENTAGON, STRIKE, TALKS)


def seed(db_path: Path, documents: tuple[SeedDocument, ...] = DOCUMENTS) -> list[int]:
    """Import the documents with their MT (system "imported") and store the name checks'
    annotations, as the app would on first view; returns the document ids in order."""
    ids = []
    kb = knowledge.load_kb()
    with Store.open(db_path) as db:
        for doc in documents:
            stem = re.sub(r"\W+", "-", doc.title.lower()).strip("-")
            result = document_flows.import_aligned(
                db,
                TextFile(f"{stem}.de.txt", "".join(de + "\n" for de, _ in doc.pairs), "utf-8"),
                mt=TextFile(f"{stem}.en.txt", "".join(en + "\n" for _, en in doc.pairs), "utf-8"),
                title=doc.title,
            )
            detect.detect(db, result.document_id, kb)
            ids.append(result.document_id)
    return ids


# -- reading the result back -----------------------------------------------------------------------


@dataclass(frozen=True)
class FlagState:
    """An annotation as the tests compare it; ``side`` is where its text is (the MT span when
    it has one, else the source span)."""

    side: str  # "src" | "mt"
    text: str
    correction: str
    status: str  # "open" | "accepted" | "dismissed"
    origin: str  # "reviewer" | "detector"
    reviewer: str  # who made it
    category: str = ""
    severity: str = ""
    src: str = ""  # the source span's text when it has one besides the MT span


@dataclass(frozen=True)
class SentenceState:
    number: int  # 1-based, as the page and the URL count
    source: str
    mt: str | None
    reference: str | None  # the post-edit, None when nobody saved one
    status: str  # "untouched" | "draft" | "approved" | "changed-since-approval"
    reviewer: str  # who last changed the reference ("" when untouched)
    flags: tuple[FlagState, ...]

    @property
    def english(self) -> str | None:
        """What the sentence reads in English now: the post-edit, else the MT."""
        return self.reference if self.reference is not None else self.mt


def _flag(note: dict) -> FlagState:
    span, side = (note["mt_span"], "mt") if note["mt_span"] else (note["src_span"], "src")
    return FlagState(
        side,
        span["text"] if span else "",
        note["correction"],
        note["status"],
        note["origin"],
        note["rater"],
        note["category"],
        note["severity"],
        note["src_span"]["text"] if note["mt_span"] and note["src_span"] else "",
    )


def db_state(db_path: Path, document_id: int) -> list[SentenceState]:
    """Each sentence of a document as stored, read with `workbench show DOC --json`."""
    shown = subprocess.run(
        [sys.executable, "-m", "workbench", "show", str(document_id), "--json", "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        SentenceState(
            number=sentence["number"],
            source=sentence["source"],
            mt=sentence["mt"],
            reference=sentence["post_edit"],
            status=sentence["status"],
            reviewer=sentence["reviewer"] or "",
            flags=tuple(_flag(note) for note in sentence["annotations"]),
        )
        for sentence in json.loads(shown.stdout)["sentences"]
    ]


def document_titles(db_path: Path) -> list[str]:
    with Store.open(db_path) as db:
        return [d.title for d in reversed(db.documents())]


# -- the app -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the app server exited with code {server.returncode} before answering:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling the health endpoint: nothing to await but the socket
    raise RuntimeError(f"the app server did not answer at {url} within {STARTUP_TIMEOUT_S} s")


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """Run an app server (``command``, listening on loopback ``port``) until the block ends;
    yields its URL once it answers. Its output goes to log_path, shown if it fails to start."""
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, server, log_path)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def running_app(db_path: Path, tmp_path: Path) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free loopback port over db_path; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "WORKBENCH_DB": str(db_path),
        "WORKBENCH_MODEL": str(tmp_path / "no-model"),  # review of imported MT needs no model
        "WORKBENCH_MODELS": str(tmp_path / "models"),
        "WORKBENCH_REVIEWER": REVIEWER,
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    with serving(command, env, port, tmp_path / "streamlit.log") as url:
        yield url


# -- a reviewer in the browser ---------------------------------------------------------------------


class RunWatch:
    """Follows one page's websocket to tell when the app runs its actions started are over.

    Every app run begins with a NewSession message and ends with ScriptFinished; a run cut
    short by a newer request (st.rerun, or a second widget change) ends "early for rerun" and
    another run follows. The app is settled after an action when a rerun request was sent since
    the action began, a run started after the last request sent, and that run finished.
    """

    def __init__(self, page) -> None:
        self.events = 0
        self.last_request = self.last_start = self.last_finish = 0
        page.on("websocket", self._follow)

    def _follow(self, ws) -> None:
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, payload: bytes | str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
            self.events += 1
            self.last_request = self.events

    def _received(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.events += 1
            self.last_start = self.events
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.events += 1
            self.last_finish = self.events

    def settled_since(self, mark: int) -> bool:
        return (
            self.last_request > mark
            and self.last_start > self.last_request
            and self.last_finish > self.last_start
        )


class Reviewer:
    """One person at one browser page of the app."""

    def __init__(self, page, base_url: str) -> None:  # page: playwright.sync_api.Page
        self.page = page
        self.base_url = base_url
        self.runs = RunWatch(page)

    # -- where the page is --

    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlparse(self.page.url).query).items()}

    def editor(self):
        """The post-edit editor: the text area inside the container keyed `editor`."""
        return self.page.locator(".st-key-editor textarea").first

    def button(self, key: str):
        return self.page.locator(f".st-key-{key} button").first

    def set_name(self, name: str) -> None:
        """Type a reviewer name into the sidebar (it lasts for this session)."""
        box = self.page.get_by_role("textbox", name="Reviewer", exact=True)
        box.fill(name)
        with self.rerun():
            box.press("Enter")

    def select_in_pair(self, side: str, text: str) -> None:
        """Select ``text`` in the source ("src") or the MT ("mt") with the mouse, as a person
        does: press at its first character, drag to its last, release."""
        box = self.page.evaluate(
            """([side, text]) => {
              const holder = document.querySelector(`.wb-text[data-side="${side}"]`);
              const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const r = range.getBoundingClientRect();
                return { x: r.left, y: r.top, width: r.width, height: r.height };
              }
              return null;
            }""",
            [side, text],
        )
        assert box is not None, f"{text!r} is not in the {side} text on the page"
        y = box["y"] + box["height"] / 2
        with self.rerun():
            self.page.mouse.move(box["x"] + 1, y)
            self.page.mouse.down()
            self.page.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
            self.page.mouse.up()

    def sentence_header(self):
        return self.page.get_by_text(re.compile(r"^Sentence \d+")).first

    def expect_sentence(self, number: int) -> None:
        from playwright.sync_api import expect

        expect(self.sentence_header()).to_contain_text(
            re.compile(rf"Sentence {number}\b"), timeout=TIMEOUT_MS
        )

    def expect_editor(self, text: str) -> None:
        """Wait until the editor shows exactly text (the page paints a little after each run)."""
        from playwright.sync_api import expect

        expect(self.editor()).to_have_value(text, timeout=TIMEOUT_MS)

    def expect_query(self, **params: str) -> None:
        """Wait until the URL's query has these parameters (it may have others, e.g. a filter)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.page.wait_for_function(
                """(want) => {
                  const query = new URLSearchParams(location.search);
                  return Object.entries(want).every(([k, v]) => query.get(k) === v);
                }""",
                arg=params,
                timeout=TIMEOUT_MS,
            )
        except PlaywrightTimeoutError:
            raise AssertionError(f"the URL {self.page.url} does not say {params}") from None

    def expect_notice(self, text: str | re.Pattern[str]) -> None:
        from playwright.sync_api import expect

        notice = self.page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)
        expect(notice.first).to_be_visible(timeout=TIMEOUT_MS)

    # -- what a person does --

    @contextmanager
    def rerun(self) -> Iterator[None]:
        """Wait, after the block, until the app runs it started are over (see RunWatch)."""
        mark = self.runs.events
        yield
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not self.runs.settled_since(mark):
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not finish a run within {TIMEOUT_MS // 1000} s")
            self.page.wait_for_timeout(20)  # lets Playwright deliver the websocket events

    def open(self, query: str = "") -> None:
        """Open the app at /?query and wait until the Review page shows a sentence."""
        with self.rerun():
            self.page.goto(f"{self.base_url}/{'?' + query if query else ''}", wait_until="domcontentloaded")
        self.editor().wait_for(timeout=TIMEOUT_MS)

    def reload(self) -> None:
        with self.rerun():
            self.page.reload(wait_until="domcontentloaded")
        self.editor().wait_for(timeout=TIMEOUT_MS)

    def type_in_editor(self, text: str, *, replace: bool = True) -> None:
        """Click into the editor and type, as a person does: key by key, the cursor stays there.

        With replace, the editor's text is selected first and typed over; else text is appended.
        """
        editor = self.editor()
        editor.click()
        editor.press("ControlOrMeta+a" if replace else "ControlOrMeta+End")
        editor.press_sequentially(text)

    def press(self, shortcut: str) -> None:
        """Press a shortcut where the focus is (in the editor, after typing) and wait for the run."""
        with self.rerun():
            self.page.keyboard.press(shortcut)

    def click(self, key: str) -> None:
        """Click the button keyed `key` and wait for the run it starts."""
        with self.rerun():
            self.button(key).click()


@contextmanager
def chromium() -> Iterator[object]:
    """Playwright with Debian's chromium; yields the Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_reviewer(browser, base_url: str, name: str | None = None) -> Reviewer:
    """A fresh browser context (its own Streamlit session) at the app's root, optionally with a
    reviewer name typed into the sidebar."""
    context = browser.new_context(viewport=VIEWPORT)
    reviewer = Reviewer(context.new_page(), base_url)
    if name is not None:
        reviewer.open()
        reviewer.set_name(name)
    return reviewer
