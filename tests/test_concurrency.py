"""Several processes writing to one database at once lose nothing.

These run real processes against a real SQLite file: the CLI twice in parallel shell loops,
and two multiprocessing workers flagging, correcting and post-editing the same document,
including read-modify-write races on one shared reference.
"""

from __future__ import annotations

import json
import multiprocessing
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

from workbench.errors import ConflictError
from workbench.segment import Segment
from workbench.store import NewTranslation, Store
from workbench.workflows import review

N_SEGMENTS = 30
N_SHARED_EDITS = 15


def test_two_shell_loops_adding_25_glossary_entries_each_leave_50(db_url: str) -> None:
    workbench = shlex.join([sys.executable, "-m", "workbench"])
    loops = [
        subprocess.Popen(
            [
                "bash",
                "-c",
                f"for i in $(seq 1 25); do {workbench} -q glossary add {prefix}$i right$i || exit 1; done",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("Anna", "Ben")
    ]
    for loop in loops:
        out, err = loop.communicate(timeout=300)
        assert loop.returncode == 0, err
    listed = subprocess.run(
        [sys.executable, "-m", "workbench", "glossary", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    wrong = sorted(entry["wrong"] for entry in json.loads(listed.stdout))
    assert wrong == sorted(f"{prefix}{i}" for prefix in ("Anna", "Ben") for i in range(1, 26))


def _worker(db: str, reviewer: str, mine: list[int], shared: int, start: multiprocessing.Event) -> None:
    """Flag and correct my segments, and append my edits to the shared reference, retrying conflicts."""
    start.wait()
    with Store.open(db) as store:
        system = store.system("m").id
        for segment_id in mine:
            note = review.flag_text(
                store,
                segment_id,
                "Scholes",
                side="mt",
                system_id=system,
                reviewer=reviewer,
                correction="Scholz",
            )
            review.set_status(store, note.id, "accepted", reviewer=reviewer, expected_version=note.version)
            review.save_post_edit(
                store,
                segment_id,
                f"Scholz {segment_id} by {reviewer}.",
                reviewer=reviewer,
                expected_version=None,
            )
        for n in range(N_SHARED_EDITS):
            while True:  # what the app does on a conflict: reload, apply the change again
                current = store.reference(shared)
                text = f"{current.text} {reviewer}{n}" if current else f"{reviewer}{n}"
                try:
                    review.save_post_edit(
                        store,
                        shared,
                        text,
                        reviewer=reviewer,
                        expected_version=current.version if current else None,
                    )
                    break
                except ConflictError:
                    continue


def test_two_processes_writing_flags_and_corrections_lose_nothing(db_url: str) -> None:
    with Store.open(db_url) as store:
        segments = [Segment(n, 1, f"Olaf Scholz sagte {n}.") for n in range(1, N_SEGMENTS + 2)]
        doc, ids = store.add_document("race", segments)
        system = store.add_system("m")
        store.save_translations(system.id, [NewTranslation(i, f"Olaf Scholes said {i}.") for i in ids])
    shared, rest = ids[0], ids[1:]
    halves = {"anna": rest[0::2], "ben": rest[1::2]}

    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    with context.Pool(2) as pool:
        pending = [
            pool.apply_async(_worker, (db_url, who, mine, shared, start)) for who, mine in halves.items()
        ]
        start.set()
        for p in pending:
            p.get(timeout=300)  # re-raises a worker's exception here

    with Store.open(db_url) as store:
        notes = store.annotations(document_id=doc)
        assert sorted(a.segment_id for a in notes) == sorted(rest)
        assert {(a.status, a.version, a.correction) for a in notes} == {("accepted", 2, "Scholz")}
        # Every action of both reviewers is in the history, attributed.
        actions = Counter((e.actor, e.action) for e in store.history(document_id=doc, limit=1000))
        for who, mine in halves.items():
            assert actions[(who, "annotate")] == actions[(who, "accepted")] == len(mine)
        rows = {r.segment.id: r for r in store.review_rows(doc)}
        for who, mine in halves.items():
            assert [rows[i].reference.text for i in mine] == [f"Scholz {i} by {who}." for i in mine]
        edits = store.reference(shared).text.split()
        assert sorted(edits) == sorted(f"{who}{n}" for who in halves for n in range(N_SHARED_EDITS))
        assert store.reference(shared).version == 2 * N_SHARED_EDITS


def _open_and_close(path: str, start: multiprocessing.Event) -> None:
    start.wait()
    Store.open(path).close()


def test_processes_creating_the_same_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    # Switching a fresh file to WAL needs an exclusive lock that SQLite does not wait for.
    for round_ in range(5):
        path = str(tmp_path / f"new{round_}.db")
        start = multiprocessing.Event()
        openers = [multiprocessing.Process(target=_open_and_close, args=(path, start)) for _ in range(6)]
        for process in openers:
            process.start()
        start.set()
        for process in openers:
            process.join(timeout=60)
        assert [p.exitcode for p in openers] == [0] * 6
