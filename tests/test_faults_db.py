"""Database faults through every command that opens the database, on real SQLite files.

For each fault a user can meet (a damaged file, one made by a newer workbench, a renamed
column, a read-only file, a full disk, another program holding the write lock) every command
ends in one `error:` line that names the database and the fix, exits 1 and shows no traceback;
a damaged, newer or incomplete database is refused before anything touches it (its bytes stay
the same). Faults that only stop writes (read-only, full, busy) leave the reading commands
working: a reviewer can still list, show and export what is there.

The commands run in-process through click's CliRunner; only the lock holder is another process.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dbfaults
import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli
from workbench.store import Store
from workbench.store import db as store_db

TIMEOUT_MS = "300"  # how long a write waits for a held lock in these tests


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database as reviewers leave it (dbfaults.reviewed_database); each test gets a copy."""
    return dbfaults.reviewed_database(tmp_path_factory.mktemp("healthy"))


@pytest.fixture
def db_copy(healthy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db" / "workbench.db"
    path.parent.mkdir()
    shutil.copy2(healthy, path)
    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", TIMEOUT_MS)
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """Files the commands read; big enough that storing them needs new pages of the database
    (so a full disk stops them, as it would stop any write on a real full disk)."""
    long_german = [
        f"Absatz {n}: " + "Die Verhandlungen in Genf dauerten bis in die Nacht. " * 4 for n in range(40)
    ]
    return {
        "article": _write(tmp_path / "new.de.txt", long_german),
        "glossary": _write(
            tmp_path / "g.csv", ["wrong,right", *[f"Wrongname{n},Rightname{n}" for n in range(300)]]
        ),
        "translate": _write(
            tmp_path / "t.de.txt",
            [f"Der Minister {n} sprach mit dem General {n} in Moskau." for n in range(40)],
        ),
    }


@dataclass(frozen=True)
class Command:
    name: str
    args: Callable[[dict[str, Path], Path], list[str]]  # (inputs, output folder) -> arguments
    writes: bool  # changes the database (read-only, full and busy stop it)


COMMANDS = [
    Command("documents", lambda i, o: ["documents"], False),
    Command("import", lambda i, o: ["import", str(i["article"])], True),
    Command("export", lambda i, o: ["export", "--format", "tmx", "-o", str(o / "refs.tmx")], False),
    Command("show", lambda i, o: ["show", "1"], False),
    Command("glossary list", lambda i, o: ["glossary", "list"], False),
    Command(
        "glossary add", lambda i, o: ["glossary", "add", "Scholes", "Scholz", "--note", "x" * 6000], True
    ),
    Command("glossary remove", lambda i, o: ["glossary", "remove", "Millie"], True),
    Command("glossary import", lambda i, o: ["glossary", "import", str(i["glossary"])], True),
    Command("glossary export", lambda i, o: ["glossary", "export", str(o / "glossary.csv")], False),
    Command("names list", lambda i, o: ["names", "list"], False),
    Command("names export", lambda i, o: ["names", "export", str(o / "names.csv")], False),
    Command("score --system", lambda i, o: ["score", "--system", "imported", "--system", "online-b"], False),
    Command("score --mqm", lambda i, o: ["score", "--mqm"], False),
    Command("db check", lambda i, o: ["db", "check"], False),
    # The translation cache is read, then filled batch by batch: a write.
    Command(
        "translate",
        lambda i, o: [
            "translate",
            str(i["translate"]),
            "-o",
            str(o / "out"),
            "--backend",
            "transformers",
            "--beams",
            "1",
            "--max-new-tokens",
            "4",
        ],
        True,
    ),
]


def _run(command: Command, db: Path, inputs: dict[str, Path], out: Path, model: Path) -> Result:
    args = command.args(inputs, out)
    if command.name == "translate":
        args += ["--model", str(model)]
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_error_line(result: Result, db: Path | str, fix: str) -> None:
    """Exit 1, no traceback, and one `error:` line on stderr naming the database and the fix."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    others = [
        line for line in result.stderr.splitlines() if not line.startswith(("error:", "info:", "warning:"))
    ]
    assert len(errors) == 1 and not others, result.stderr
    assert str(db) in errors[0], errors[0]
    assert fix.lower() in errors[0].lower(), (fix, errors[0])


def test_every_command_works_on_the_healthy_database(db_copy, inputs, tiny_model, tmp_path) -> None:
    """The control: without a fault each command succeeds, so a failure below is the fault's."""
    for command in COMMANDS:
        result = _run(command, db_copy, inputs, tmp_path, tiny_model)
        assert result.exit_code == 0, (command.name, result.output, result.exception)


# -- faults that refuse the database as a whole --------------------------------------------------


@pytest.mark.parametrize("fault", dbfaults.REFUSING)
def test_a_refused_database_is_one_line_for_every_command_and_stays_as_it_was(
    fault: str, db_copy: Path, inputs, tiny_model, tmp_path: Path
) -> None:
    make, cause, fix = dbfaults.REFUSING[fault]
    make(db_copy)
    before = _digest(db_copy)
    for command in COMMANDS:
        result = _run(command, db_copy, inputs, tmp_path, tiny_model)
        assert_one_error_line(result, db_copy, fix)
        if command.name != "db check":  # db check lists what it found before its verdict
            assert cause in result.stderr, (command.name, result.stderr)
        assert _digest(db_copy) == before, f"{command.name} changed the {fault} database"


def test_db_check_reports_what_a_damaged_database_still_holds(db_copy: Path) -> None:
    dbfaults.damage_end(db_copy)
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(db_copy)])
    assert result.exit_code == 1
    assert f"database:  {db_copy} (sqlite)" in result.stdout
    assert "integrity: " in result.stdout and "integrity: ok" not in result.stdout
    assert "glossary             2 rows" in result.stdout  # the first tables are still readable


def test_db_check_says_when_the_schema_itself_cannot_be_read(db_copy: Path) -> None:
    dbfaults.damage_middle(db_copy)
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(db_copy)])
    assert result.exit_code == 1
    assert "schema:    cannot be read (the file is damaged where the schema is kept)" in result.stdout
    assert result.stderr.startswith(f"error: the database {db_copy} is damaged: restore a backup.")


def test_db_check_names_a_renamed_column(db_copy: Path) -> None:
    dbfaults.renamed_column(db_copy)
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(db_copy)])
    assert result.exit_code == 1
    assert "but table glossary has no column note" in result.stdout
    assert result.stderr.startswith(f"error: the database {db_copy} lacks part of this workbench's schema")


def test_db_check_of_a_sound_database_is_ok(db_copy: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(db_copy)])
    assert result.exit_code == 0, result.output
    assert "integrity: ok" in result.stdout and result.stdout.rstrip().endswith("ok")
    assert "documents            1 rows" in result.stdout


def test_db_check_of_a_missing_file_does_not_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(missing)])
    assert_one_error_line(result, missing, "nothing to check")
    assert not missing.exists()


# -- faults that stop writes ----------------------------------------------------------------------


@pytest.mark.parametrize("fault", dbfaults.WRITES_STOPPED)
def test_a_write_the_database_refuses_is_one_line_and_reading_still_works(
    fault: str, db_copy: Path, inputs, tiny_model, tmp_path: Path
) -> None:
    make, cause, fix = dbfaults.WRITES_STOPPED[fault]
    with Store.open(db_copy) as db:
        glossary_before = db.glossary_entries()
        documents_before = db.documents()
    with make(db_copy):
        for command in COMMANDS:
            result = _run(command, db_copy, inputs, tmp_path, tiny_model)
            if command.writes and not (fault == "disk-full" and command.name == "glossary remove"):
                assert_one_error_line(result, db_copy, fix)
                assert cause in result.stderr, (command.name, result.stderr)
            else:
                # Reading needs no write; a removal frees space, so a full disk does not stop it.
                assert result.exit_code == 0, (command.name, result.output, result.exception)
                assert "error" not in result.stderr, (command.name, result.stderr)
    with Store.open(db_copy) as db:
        assert db.documents() == documents_before  # no document half imported
        added = {e.wrong for e in db.glossary_entries()} - {e.wrong for e in glossary_before}
        assert not added
    with sqlite3.connect(db_copy) as conn:
        assert conn.execute("SELECT count(*) FROM translation_cache").fetchone() == (0,)
    conn.close()


def test_a_held_lock_once_released_lets_the_write_through(db_copy: Path) -> None:
    with dbfaults.held_write_lock(db_copy):
        result = CliRunner().invoke(cli, ["glossary", "add", "Scholes", "Scholz", "--db", str(db_copy)])
        assert_one_error_line(result, db_copy, "WORKBENCH_DB_TIMEOUT_MS")
        assert "for more than 0.3 s" in result.stderr
    result = CliRunner().invoke(cli, ["glossary", "add", "Scholes", "Scholz", "--db", str(db_copy)])
    assert result.exit_code == 0, result.output
    with Store.open(db_copy) as db:
        assert "Scholes" in {e.wrong for e in db.glossary_entries()}


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_a_bad_timeout_setting_is_one_line(
    value: str, db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", value)
    result = CliRunner().invoke(cli, ["glossary", "list", "--db", str(db_copy)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: WORKBENCH_DB_TIMEOUT_MS is set to {value!r}: give a whole number of milliseconds above 0 "
        "(default 30000).\n"
    )


# -- a held lock on PostgreSQL -------------------------------------------------------------------


def test_a_held_write_lock_on_postgresql_is_busy_after_the_timeout(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", TIMEOUT_MS)
    with Store.open(postgres_url):  # the schema, before the lock is taken
        pass
    holder = psycopg.connect(postgres_url)
    try:
        # Should the test itself hang, the server ends the holder's session and frees the lock for
        # every other user of the server, rather than leaving it held for good.
        holder.execute("SET idle_in_transaction_session_timeout = '20s'")
        # What a workbench writer that hangs mid-transaction holds (idle in transaction).
        holder.execute(store_db.PG_WRITE_LOCK_SQL.replace(":key", "%s"), (store_db._PG_WRITE_LOCK,))
        result = CliRunner().invoke(cli, ["glossary", "add", "Scholes", "Scholz", "--db", postgres_url])
        name = store_db.target(postgres_url).name
        assert_one_error_line(result, name, "try again in a moment")
        assert f"the database {name} is busy" in result.stderr
        listed = CliRunner().invoke(cli, ["glossary", "list", "--db", postgres_url])
        assert listed.exit_code == 0, listed.output  # reads never wait for the lock
    finally:
        holder.rollback()
        holder.close()
    result = CliRunner().invoke(cli, ["glossary", "add", "Scholes", "Scholz", "--db", postgres_url])
    assert result.exit_code == 0, result.output
    with Store.open(postgres_url) as db:
        assert [e.wrong for e in db.glossary_entries()] == ["Scholes"]


def test_a_writer_in_another_schema_of_the_server_does_not_hold_up_this_one(
    postgres_server: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Advisory locks belong to the server database; the write lock is taken per schema, so a
    second workbench database on the same server (a staging copy, another test run) never waits
    for this one's writers."""
    import psycopg

    monkeypatch.setenv("WORKBENCH_DB_TIMEOUT_MS", TIMEOUT_MS)
    with Store.open(postgres_url):
        pass
    holder = psycopg.connect(postgres_server)  # search_path: the server's default schema
    try:
        holder.execute("SET idle_in_transaction_session_timeout = '20s'")
        holder.execute(store_db.PG_WRITE_LOCK_SQL.replace(":key", "%s"), (store_db._PG_WRITE_LOCK,))
        result = CliRunner().invoke(cli, ["glossary", "add", "Scholes", "Scholz", "--db", postgres_url])
        assert result.exit_code == 0, result.output
    finally:
        holder.rollback()
        holder.close()
