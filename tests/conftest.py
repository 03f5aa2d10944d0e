"""Shared fixtures: a tiny trained Marian model (built once per session) and temp databases.

``db_url`` runs a test on both databases the workbench supports: a SQLite file in the test's
temp folder, and a fresh schema on a PostgreSQL server (WORKBENCH_TEST_POSTGRES, default
postgresql://postgres@127.0.0.1:5432/test, trust auth). Without a reachable server the
PostgreSQL half skips with a message saying how to run it, except where
WORKBENCH_REQUIRE_POSTGRES=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tinymodel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a Marian model that translates tinymodel.PAIRS exactly."""
    return tinymodel.build(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server for the tests, checked once; skips (or fails in CI) without one."""
    url = os.environ.get("WORKBENCH_TEST_POSTGRES", POSTGRES_DEFAULT)
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as err:  # any reason it cannot be used: say which, once
        message = (
            f"PostgreSQL at {url} is not usable ({type(err).__name__}: {str(err).strip()[:200]}). "
            "Start a server with trust auth and a database `test` on 127.0.0.1:5432, or set "
            "WORKBENCH_TEST_POSTGRES to a postgresql:// URL, to run the PostgreSQL half of the tests."
        )
        if os.environ.get("WORKBENCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (WORKBENCH_REQUIRE_POSTGRES=1: they must run here)")
        pytest.skip(message)
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL to a fresh, empty schema on the test server, dropped after the test."""
    import psycopg

    schema = f"wbtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server else "?"
    try:
        yield f"{postgres_server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test's database on SQLite, then on PostgreSQL; WORKBENCH_DB points at it."""
    if request.param == "sqlite":
        url = str(tmp_path / "workbench.db")
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("WORKBENCH_DB", url)
    return url


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite file, for tests of SQLite itself (files made by older versions, damaged files)."""
    path = tmp_path / "workbench.db"
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real database or models folder from a test."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "workbench.db"))
    monkeypatch.setenv("WORKBENCH_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """The test's store, on SQLite and then on PostgreSQL (db_url)."""
    from workbench.store import Store

    with Store.open(db_url) as opened:
        yield opened


# -- the real-browser tests (tests/browser.py is their harness) ---------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One chromium per test module; every test opens its own contexts (sessions) in it."""
    from browser import chromium, chromium_or_skip

    chromium_or_skip()
    with chromium() as launched:
        yield launched


@pytest.fixture
def app(db_path: Path, tmp_path: Path) -> Iterator[str]:
    """The app running over a fresh database holding the seed documents of tests/browser.py
    (ids 1, 2, 3 in their order; about 1 s to start). A module may define its own."""
    from browser import DOCUMENTS, chromium_or_skip, running_app, seed

    chromium_or_skip()
    assert seed(db_path) == list(range(1, len(DOCUMENTS) + 1))
    with running_app(db_path, tmp_path) as url:
        yield url


@pytest.fixture
def reviewer(browser: object, app: str) -> Iterator[object]:
    """A reviewer in a browser context of their own, on the module's ``app``."""
    from browser import new_reviewer

    person = new_reviewer(browser, app)
    yield person
    person.page.context.close()
