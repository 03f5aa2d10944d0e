"""`workbench db copy SRC DST` (issue 11): a SQLite database made by today's release, with real
review work in it, moves to PostgreSQL and back with every row and id; `workbench show` and
`workbench export` say the same from both. A destination holding data is refused, and an
interrupted copy leaves no destination."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from test_workflows_scores import TSV as MQM_TSV
from tinymodel import PAIRS

from workbench.cli import cli
from workbench.errors import ConflictError, StoreError
from workbench.store import Store, schema
from workbench.store.copy import copy_database
from workbench.textio import TextFile
from workbench.workflows import documents, review, scores, translate
from workbench.workflows import glossary as glossary_flow

DATA = Path(__file__).parent / "data"
EXPORTS = ("tmx", "jsonl", "txt", "mqm")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _reviewed_database(path: Path, tiny_model: Path, tmp_path: Path) -> None:
    """The checked-in database of an earlier release, opened (upgraded) by this one, then used:
    an article imported with one system's MT and translated by the model (raw and glossary
    systems, the translation cache), a WMT MQM file, annotations accepted and dismissed,
    post-edits, approvals, glossary entries, known names, an undo: history of all of it."""
    from workbench.engine import DecodeOptions, load_backend

    shutil.copy(DATA / "workbench-0.1.db", path)
    german = "".join(de + "\n" for de, _ in PAIRS)
    online = "".join(en.replace("Gerasimov", "Gerasimow") + "\n" for _, en in PAIRS)
    mqm_file = tmp_path / "mqm.tsv"
    mqm_file.write_text(MQM_TSV, encoding="utf-8")
    with Store.open(path) as store:
        doc = documents.import_aligned(
            store,
            TextFile("talks.de.txt", german, "utf-8"),
            mt=TextFile("talks.en.txt", online, "utf-8"),
            title="Talks",
            system="online-a",
            created_by="anna",
        ).document_id
        glossary_flow.add_to_glossary(store, "Pentagone", "Pentagon", kind="term", added_by="ben")
        backend = load_backend(str(tiny_model), backend="transformers")
        translate.translate_document(store, doc, backend, DecodeOptions(beams=1))
        scores.import_mqm(store, mqm_file, created_by="carl")
        online_a = store.system("online-a")
        segs = store.segments(doc)
        review.flag_and_accept(
            store,
            segs[7].id,
            "Gerasimow",
            side="mt",
            system_id=online_a.id,
            reviewer="anna",
            correction="Gerasimov",
            everywhere=True,
            add_to_glossary=True,
        )
        note = review.annotate(
            store,
            segs[1].id,
            system_id=online_a.id,
            category="Fluency/Grammar",
            severity="Minor",
            reviewer="ben",
            mt=(0, 3),
            comment="„Anführungszeichen“ & <tags>",
        )
        review.set_status(store, note.id, "dismissed", reviewer="anna", expected_version=note.version)
        draft = review.save_post_edit(
            store, segs[2].id, "The officials did not speak.", reviewer="ben", expected_version=None
        )
        review.approve(store, segs[2].id, reviewer="anna", expected_version=draft.version)
        review.approve(store, segs[3].id, reviewer="ben", expected_version=None, system_id=online_a.id)
        review.save_post_edit(store, segs[4].id, "Undone.", reviewer="ben", expected_version=None)
        review.undo_last(store, "ben", document_id=doc)
        glossary_flow.accept_name(store, "Olaf Scholz", german="Olaf Scholz", added_by="anna")


def _tables(location: str) -> dict[str, list[tuple]]:
    """Every row of every workbench table, in id order, as the store reads it."""
    with Store.open(location) as store, store.database.read() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in schema.metadata.sorted_tables
        }


def _outputs(location: str, tmp_path: Path) -> dict[str, bytes | str]:
    """What a user reads from a database: documents, each document shown (text and JSON, for
    each of its systems), every export format, the glossary and the known names."""
    out: dict[str, bytes | str] = {}
    code, listing = _run("documents", "--json", "--db", location)
    assert code == 0, listing
    out["documents"] = listing
    for doc in json.loads(listing):
        with Store.open(location) as store:
            systems = [s.name for s in store.systems(doc["id"])]
        for system in [None, *systems]:
            pick = ["--system", system] if system else []
            for fmt in ([], ["--json"]):
                code, shown = _run("show", str(doc["id"]), *pick, *fmt, "--db", location)
                assert code == 0, shown
                out[f"show {doc['id']} {system} {fmt}"] = shown
    for fmt in EXPORTS:
        target = tmp_path / f"export.{fmt}"
        code, said = _run("export", "--format", fmt, "-o", str(target), "--db", location)
        assert code == 0, said
        data = target.read_bytes()
        if fmt == "tmx":  # the header's creation date is the time of the export, nothing stored
            data = re.sub(rb'(<header [^>]*creationdate=")[0-9TZ]+"', rb'\1"', data)
        out[f"export {fmt}"] = data
    code, out["glossary"] = _run("glossary", "list", "--json", "--db", location)
    assert code == 0, out["glossary"]
    code, said = _run("names", "export", str(tmp_path / "names.csv"), "--db", location)
    assert code == 0, said
    out["names"] = (tmp_path / "names.csv").read_bytes()
    return out


def test_a_reviewed_sqlite_database_moves_to_postgresql_and_back_with_the_same_results(
    postgres_url: str, tiny_model: Path, tmp_path: Path
) -> None:
    sqlite_db = tmp_path / "team.db"
    _reviewed_database(sqlite_db, tiny_model, tmp_path)
    before = _tables(str(sqlite_db))
    assert all(before[t.name] for t in schema.metadata.sorted_tables), "every table holds rows"

    code, out = _run("db", "copy", str(sqlite_db), postgres_url)
    assert code == 0, out
    counts = {name: int(n.replace(",", "")) for name, n in re.findall(r"^  (\w+) +([\d,]+) rows$", out, re.M)}
    assert counts == {
        **{name: len(rows) for name, rows in before.items()},
        "total": sum(len(rows) for rows in before.values()),
    }
    assert _tables(postgres_url) == before
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _outputs(postgres_url, tmp_path / "a") == _outputs(str(sqlite_db), tmp_path / "b")

    # Back to a new SQLite file: the same rows again.
    back = tmp_path / "back" / "copy.db"
    code, out = _run("db", "copy", postgres_url, str(back))
    assert code == 0, out
    assert _tables(str(back)) == before

    # The server goes on from the highest copied ids: new rows do not collide, and the copied
    # versions still guard against stale saves.
    with Store.open(postgres_url) as store:
        [talks] = [d for d in store.documents() if d.title == "Talks"]
        segs = store.segments(talks.id)
        saved = review.save_post_edit(
            store, segs[5].id, "We thank you all.", reviewer="dora", expected_version=None
        )
        assert saved.id == max(r[0] for r in before["segment_references"]) + 1
        assert store.history(limit=1)[0].id == max(r[0] for r in before["history"]) + 1
        approved = store.reference(segs[2].id)
        with pytest.raises(ConflictError, match="changed by anna"):
            review.save_post_edit(
                store, segs[2].id, "Stale.", reviewer="dora", expected_version=approved.version - 1
            )


@pytest.mark.parametrize("old", ["workbench-0.1.db", "workbench-0.1-v4.db"])
def test_a_database_of_an_earlier_release_is_upgraded_then_copied(
    db_url: str, tmp_path: Path, old: str
) -> None:
    source = tmp_path / "old" / old
    source.parent.mkdir()
    shutil.copy(DATA / old, source)
    destination = db_url if "://" in db_url else str(tmp_path / "new" / "copy.db")
    code, out = _run("db", "copy", str(source), destination)
    assert code == 0, out
    assert _tables(destination) == _tables(str(source))
    assert _run("show", "1", "--json", "--db", destination) == _run(
        "show", "1", "--json", "--db", str(source)
    )


def test_a_destination_that_holds_data_is_refused_untouched(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    shutil.copy(DATA / "workbench-0.1.db", source)
    with Store.open(db_url) as store:
        glossary_flow.add_to_glossary(store, "Scholes", "Scholz", added_by="anna")
    held = _tables(db_url)

    code, out = _run("db", "copy", str(source), db_url)
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    assert re.fullmatch(
        r"error: the destination .+ already holds data \(\d+ rows: glossary 1, history 1\); nothing was "
        r"copied\. Give a new file or an empty database as DST\.",
        lines[0],
    ), lines[0]
    assert _tables(db_url) == held


def test_an_empty_destination_database_is_filled(db_url: str, tmp_path: Path) -> None:
    Store.open(
        db_url
    ).close()  # schema, no rows: what a team's fresh server looks like after `workbench db check`
    source = tmp_path / "source.db"
    shutil.copy(DATA / "workbench-0.1.db", source)
    code, out = _run("db", "copy", str(source), db_url)
    assert code == 0, out
    assert _tables(db_url) == _tables(str(source))


def test_refusals_name_the_input_and_the_fix(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    shutil.copy(DATA / "workbench-0.1.db", source)
    cases = {
        (str(tmp_path / "missing.db"), str(tmp_path / "x.db")): r"there is no database at .*missing\.db: "
        r"nothing to copy\. Check the path \(SRC\)\.",
        (str(source), str(source)): r".*source\.db is both the source and the destination: give a new file",
        (str(source), "mysql://u@h/db"): r"the database URL mysql://u@h/db is for mysql",
    }
    (tmp_path / "notes.txt").write_text("not a database\n")
    cases[(str(source), str(tmp_path / "notes.txt"))] = (
        r"the destination .*notes\.txt exists and is not a database; nothing was copied\. "
        r"Give a new file name"
    )
    for (src, dst), message in cases.items():
        code, out = _run("db", "copy", src, dst)
        assert code == 1, out
        assert re.fullmatch(f"error: {message}.*", out.strip()), out
        assert "Traceback" not in out
    assert not (tmp_path / "x.db").exists()
    assert (tmp_path / "notes.txt").read_text() == "not a database\n"


def _server_tables(url: str) -> list[str]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


class Interrupted(KeyboardInterrupt):
    """Ctrl+C, as the copy would meet it between two tables."""


def test_an_interrupted_copy_leaves_no_destination(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    shutil.copy(DATA / "workbench-0.1.db", source)
    folder = tmp_path / "dst"
    folder.mkdir()
    destination = db_url if "://" in db_url else str(folder / "copy.db")
    written = []

    def stop_after_segments(table) -> None:
        written.append(table.table)
        if table.table == "segments":
            raise Interrupted

    with pytest.raises(Interrupted):
        copy_database(str(source), destination, progress=stop_after_segments)
    assert "documents" in written and "translations" not in written
    if "://" in destination:
        with sa.create_engine(
            destination.replace("postgresql://", "postgresql+psycopg://")
        ).connect() as conn:
            assert sa.inspect(conn).get_table_names() == []  # not even the schema: one transaction
    else:
        assert list(folder.iterdir()) == []  # no destination, no temporary file
    # Nothing half-done stands in the way of the next try.
    assert copy_database(str(source), destination).rows == sum(len(r) for r in _tables(str(source)).values())


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_copy_stopped_from_outside_leaves_no_destination(tmp_path: Path, stop: signal.Signals) -> None:
    """Ctrl+C (or kill) while `workbench db copy` writes a large cache into a new SQLite file."""
    source = tmp_path / "source.db"
    with Store.open(source) as store:
        store.cache_translations("m@1", "beams=4", {f"Satz {n}.": f"Sentence {n}." for n in range(200_000)})
    folder = tmp_path / "dst"
    copying = subprocess.Popen(
        [sys.executable, "-m", "workbench", "db", "copy", str(source), str(folder / "copy.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not (folder.exists() and any(folder.iterdir())):  # the temporary file: the copy is under way
        assert copying.poll() is None, copying.communicate()
        time.sleep(0.01)
    copying.send_signal(stop)
    out, err = copying.communicate(timeout=120)
    assert copying.returncode == 130, (out, err)
    assert err.strip() == f"error: the copy was interrupted; nothing was written to {folder / 'copy.db'}."
    assert list(folder.iterdir()) == []


def test_a_failing_copy_names_the_table_and_leaves_no_destination(postgres_url: str, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    shutil.copy(DATA / "workbench-0.1.db", source)
    with Store.open(source) as store, store.transaction() as conn:
        # SQLite keeps a NUL character in text; PostgreSQL cannot store one.
        conn.execute(sa.update(schema.glossary).where(schema.glossary.c.id == 1).values(note="a\x00b"))
    with pytest.raises(
        StoreError, match=r"copying table glossary into .* failed \(.*NUL.*\); nothing was copied"
    ):
        copy_database(str(source), postgres_url)
    with sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
