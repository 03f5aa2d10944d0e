"""benchmarks/load_review.py, small: 4 simulated reviewers for about 3 s on SQLite, and its check
that every acknowledged save is in the database (it must see a silent overwrite as a lost write)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import sqlalchemy as sa

from workbench.store import Store, schema
from workbench.textio import TextFile
from workbench.workflows import documents, review

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("load_review", ROOT / "benchmarks" / "load_review.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_review"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_four_reviewers_for_three_seconds_lose_no_write(tmp_path: Path, capsys) -> None:
    out = tmp_path / "load.json"
    code = _script().main(
        [
            "--reviewers",
            "4",
            "--contended",
            "2",
            "--duration",
            "3",
            "--databases",
            "sqlite",
            "--out",
            str(out),
        ]
    )
    [run] = json.loads(out.read_text())["runs"]
    assert code == 0, capsys.readouterr().out
    assert run["database"] == "sqlite" and run["reviewers"] == 4
    assert run["saves_acknowledged"] > 0
    assert run["writes_lost"] == 0, run["lost"]
    assert run["conflicts_without_a_name"] == 0
    assert run["other_errors"] == 0, run["first_errors"]
    assert run["save_ms_p50"] is not None and run["save_ms_p95"] >= run["save_ms_p50"]


def test_the_check_sees_a_save_overwritten_behind_the_version_check(db_path: Path) -> None:
    load = _script()
    with Store.open(db_path) as store:
        doc = documents.import_aligned(
            store,
            TextFile("a.de.txt", "Eins.\nZwei.\n", "utf-8"),
            mt=TextFile("a.en.txt", "One.\nTwo.\n", "utf-8"),
        ).document_id
        first, second = store.segments(doc)
        saved = review.save_post_edit(store, first.id, "One!", reviewer="anna", expected_version=None)
        other = review.save_post_edit(store, second.id, "Two!", reviewer="ben", expected_version=None)
    acks = [
        load.Ack("save", "anna", first.id, saved.id, saved.version, saved.text),
        load.Ack("save", "ben", second.id, other.id, other.version, other.text),
    ]
    assert load.verify(str(db_path), acks)["writes_lost"] == 0
    with Store.open(db_path) as store, store.transaction() as conn:
        # What a save without the version check would do: replace anna's text, same version.
        r = schema.segment_references
        conn.execute(sa.update(r).where(r.c.id == saved.id).values(text="One?", reviewer="carl"))
    checked = load.verify(str(db_path), acks)
    assert checked["writes_lost"] == 1
    assert checked["lost"] == [f"reference {saved.id} ends at (1, 'One?'), not the last acknowledged v1"]
    # Two saves acknowledged with one version: one of them overwrote the other.
    twice = [acks[1], load.Ack("save", "dora", second.id, other.id, other.version, "Two?")]
    lost = load.verify(str(db_path), twice)["lost"]
    assert lost == [
        f"save of segment {second.id} v1 by dora has no history",
        f"reference {other.id} v1 acknowledged to 2 saves (ben, dora): all but one were overwritten",
    ]
