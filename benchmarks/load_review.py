"""Many reviewers at once on one database: are acknowledged saves ever lost, and how long does a
save take? (issue 11: a team on one PostgreSQL, or one person's SQLite file.)

    .venv/bin/python benchmarks/load_review.py [--reviewers 20] [--duration 60]
        [--databases sqlite,postgresql] [--postgres postgresql://postgres@127.0.0.1:5432/test]
        [--contended 6] [--think-ms 0]

Bounded and local: it runs for --duration seconds per database, on a fresh SQLite file in a
temp folder and in a fresh database (dropped afterwards) of a PostgreSQL server on this machine
(a server elsewhere is refused; the user needs CREATEDB). Each simulated reviewer is a thread
with its own store (its own connections, as each app server has), doing what the Review page does through the
review workflows: open a sentence (the document's review rows), save a post-edit with the
version it opened, sometimes annotate an error, sometimes approve, go to the next sentence.
The first --contended reviewers all work on the same three sentences, so their saves collide:
a stale save must be refused with the name of who changed it (ConflictError), and then the
reviewer reopens the sentence and saves again ("keep mine"). The others each walk their own
sentences.

Every save the workflow acknowledged is checked afterwards against the database: its history
entry must hold exactly the text and version acknowledged, no two acknowledged saves of one
sentence may share a version (that would be a lost update), each sentence must end at its
highest acknowledged version and text, and every acknowledged annotation must exist. Writes
lost must be 0. Save latency (post-edit saves and approvals, as the workflow call takes them,
conflicts excluded) is reported as p50/p95/p99. Prints a table and writes
benchmarks/results/load_review.json; exits 1 if a write was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks._report import machine, write  # noqa: E402
from workbench.errors import ConflictError  # noqa: E402
from workbench.store import Store, schema  # noqa: E402
from workbench.textio import TextFile  # noqa: E402
from workbench.workflows import documents, review  # noqa: E402

POSTGRES_DEFAULT = os.environ.get("WORKBENCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GRACE_S = 120  # how long after --duration a reviewer may take to finish its last call
HOT_SENTENCES = 3  # the sentences every contended reviewer works on
WORDS = (
    "Regierung Ministerium Sprecher Gespräche Verhandlungen Treffen Woche Montag Berlin Brüssel "
    "Kommission Parlament Entscheidung Bericht Zahlen Haushalt Streik Bahn Pendler Ergebnis"
).split()


@dataclass
class Ack:
    """A write the workflow acknowledged (returned without an error)."""

    kind: str  # "save" | "approve" | "annotation"
    reviewer: str
    segment_id: int
    row_id: int  # the reference's or the annotation's id
    version: int = 0
    text: str = ""


@dataclass
class Tally:
    acks: list[Ack] = field(default_factory=list)
    save_seconds: list[float] = field(default_factory=list)
    conflicts: int = 0
    conflicts_unnamed: int = 0  # a refusal that did not say who changed the sentence
    errors: list[str] = field(default_factory=list)  # anything else that went wrong


# -- the database ---------------------------------------------------------------------------------


def _loopback_only(url: str) -> None:
    host = sa.make_url(url).host or "localhost"
    if host not in LOOPBACK:
        sys.exit(f"error: {url} is not on this machine ({host}); the load test only runs against 127.0.0.1.")


@dataclass
class Prepared:
    location: str
    documents: list[int]  # document ids; the first holds the hot sentences
    system_id: int
    cleanup: object  # called when done


def prepare(kind: str, postgres: str, folder: Path, n_documents: int, n_sentences: int) -> Prepared:
    """A fresh database with imported German articles and their MT (as `workbench import`)."""
    if kind == "sqlite":
        location = str(folder / "load.db")

        def cleanup() -> None:
            pass

    else:
        import psycopg

        _loopback_only(postgres)
        # A database of its own, as a team's workbench has: nothing else in the server's `test`
        # database (a test run) shares its tables, locks or cache with the simulated reviewers.
        name = f"wbload_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(postgres, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        location = sa.make_url(postgres).set(database=name).render_as_string(hide_password=False)

        def cleanup() -> None:
            with psycopg.connect(postgres, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name} WITH (FORCE)")

    rng = random.Random(7)
    ids = []
    with Store.open(location) as store:
        for d in range(n_documents):
            german, english = [], []
            for s in range(n_sentences):
                words = rng.sample(WORDS, 6)
                german.append(f"Die {words[0]} und der {words[1]} sprachen über {' '.join(words[2:])}.")
                english.append(f"Document {d + 1}, sentence {s + 1}: the {words[0]} spoke.")
            result = documents.import_aligned(
                store,
                TextFile(f"doc{d}.de.txt", "\n".join(german) + "\n", "utf-8"),
                mt=TextFile(f"doc{d}.en.txt", "\n".join(english) + "\n", "utf-8"),
                title=f"Load test {d + 1}",
            )
            ids.append(result.document_id)
        system_id = store.system("imported").id
    return Prepared(location, ids, system_id, cleanup)


# -- a reviewer -----------------------------------------------------------------------------------


def reviewer(
    number: int,
    prepared: Prepared,
    route: list[tuple[int, int]],  # (document id, segment id) in the order this reviewer works
    duration: float,
    think: float,
    tally: Tally,
    start: threading.Barrier,
) -> None:
    name = f"reviewer-{number:02d}"
    rng = random.Random(number)
    with Store.open(prepared.location) as store:
        start.wait()  # every store open: all reviewers begin together
        deadline = time.monotonic() + duration
        step = 0
        while time.monotonic() < deadline:
            document_id, segment_id = route[step % len(route)]
            step += 1
            try:
                _work_on(store, name, document_id, segment_id, prepared.system_id, rng, tally, step)
            except Exception as err:  # a load test reports every failure, whatever its kind
                tally.errors.append(f"{name}: {type(err).__name__}: {err}")
            if think:
                time.sleep(think)


def _open(store: Store, document_id: int, segment_id: int, system_id: int):
    """What the Review page loads to show a sentence: the document's review rows."""
    rows = store.review_rows(document_id, system_id)
    return next(r for r in rows if r.segment.id == segment_id)


def _timed_save(tally: Tally, call):
    began = time.perf_counter()
    try:
        result = call()
    except ConflictError as err:
        tally.conflicts += 1
        if not err.who or f"changed by {err.who}" not in str(err):
            tally.conflicts_unnamed += 1
        return None
    tally.save_seconds.append(time.perf_counter() - began)
    return result


def _work_on(
    store: Store,
    name: str,
    document_id: int,
    segment_id: int,
    system_id: int,
    rng: random.Random,
    tally: Tally,
    step: int,
) -> None:
    row = _open(store, document_id, segment_id, system_id)
    text = f"{row.translation.text} [{name} edit {step}]"
    # Save the post-edit with the version opened; refused as stale: reopen and keep mine.
    for _ in range(5):
        version = row.reference.version if row.reference else None
        saved = _timed_save(
            tally,
            lambda version=version: review.save_post_edit(
                store, segment_id, text, reviewer=name, expected_version=version
            ),
        )
        if saved is not None:
            tally.acks.append(Ack("save", name, segment_id, saved.id, saved.version, saved.text))
            break
        row = _open(store, document_id, segment_id, system_id)
    else:
        return
    if rng.random() < 0.3:
        note = review.annotate(
            store,
            segment_id,
            system_id=system_id,
            category="Fluency/Grammar",
            severity="Minor",
            reviewer=name,
            mt=(0, min(8, len(row.translation.text))),
            comment=f"{name} step {step}",
        )
        tally.acks.append(Ack("annotation", name, segment_id, note.id))
    if rng.random() < 0.3:
        approved = _timed_save(
            tally,
            lambda: review.approve(store, segment_id, reviewer=name, expected_version=saved.version),
        )
        if approved is not None:
            tally.acks.append(Ack("approve", name, segment_id, approved.id, approved.version, approved.text))


# -- checking afterwards --------------------------------------------------------------------------


def verify(location: str, acks: list[Ack]) -> dict[str, object]:
    """Each acknowledged write, looked up in the database: how many are not there as acknowledged."""
    h, r, a = schema.history, schema.segment_references, schema.annotations
    with Store.open(location) as store, store.database.read() as conn:
        written: dict[tuple[int, int], list[tuple[str, str, str]]] = defaultdict(list)
        for entry in conn.execute(sa.select(h.c.actor, h.c.action, h.c.changes)):
            for change in json.loads(entry.changes):
                if change["table"] == "segment_references" and change["after"]:
                    after = change["after"]
                    written[(after["id"], after["version"])].append(
                        (entry.actor, entry.action, after["text"])
                    )
        final = {
            row.id: (row.version, row.text) for row in conn.execute(sa.select(r.c.id, r.c.version, r.c.text))
        }
        notes = {row.id: row.rater for row in conn.execute(sa.select(a.c.id, a.c.rater))}
    lost: list[str] = []
    by_version: dict[tuple[int, int], list[Ack]] = defaultdict(list)
    newest: dict[int, Ack] = {}
    for ack in acks:
        if ack.kind == "annotation":
            if notes.get(ack.row_id) != ack.reviewer:
                lost.append(f"annotation {ack.row_id} by {ack.reviewer} is not in the database")
            continue
        by_version[(ack.row_id, ack.version)].append(ack)
        action = "post-edit" if ack.kind == "save" else "approve"
        if (ack.reviewer, action, ack.text) not in written.get((ack.row_id, ack.version), []):
            lost.append(
                f"{ack.kind} of segment {ack.segment_id} v{ack.version} by {ack.reviewer} has no history"
            )
        if ack.row_id not in newest or ack.version > newest[ack.row_id].version:
            newest[ack.row_id] = ack
    for (row_id, version), same in by_version.items():
        if len(same) > 1:
            lost.append(
                f"reference {row_id} v{version} acknowledged to {len(same)} saves "
                f"({', '.join(s.reviewer for s in same)}): all but one were overwritten"
            )
    for row_id, ack in newest.items():
        if final.get(row_id) != (ack.version, ack.text):
            lost.append(
                f"reference {row_id} ends at {final.get(row_id)}, not the last acknowledged v{ack.version}"
            )
    unacknowledged = sum(
        1
        for row_id, (version, _) in final.items()
        if row_id not in newest or version > newest[row_id].version
    )
    return {"writes_lost": len(lost), "lost": lost[:20], "references_ahead_of_acks": unacknowledged}


# -- one run --------------------------------------------------------------------------------------


def routes(prepared: Prepared, location: str, reviewers: int, contended: int) -> list[list[tuple[int, int]]]:
    """Who works where: the first ``contended`` reviewers share the first document's first
    sentences; the others split the remaining sentences, each walking its own."""
    with Store.open(location) as store:
        segments = [(d, s.id) for d in prepared.documents for s in store.segments(d)]
    hot, rest = segments[:HOT_SENTENCES], segments[HOT_SENTENCES:]
    solo = max(reviewers - contended, 1)
    plans = []
    for number in range(reviewers):
        if number < contended:
            plans.append(hot[number % len(hot) :] + hot[: number % len(hot)])
        else:
            plans.append(rest[(number - contended) :: solo])
    return plans


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def run_one(kind: str, args: argparse.Namespace, folder: Path) -> dict[str, object]:
    prepared = prepare(kind, args.postgres, folder, args.documents, args.sentences)
    load_before = os.getloadavg()[0]
    try:
        plans = routes(prepared, prepared.location, args.reviewers, min(args.contended, args.reviewers))
        tallies = [Tally() for _ in range(args.reviewers)]
        start = threading.Barrier(args.reviewers + 1)
        threads = [
            threading.Thread(
                target=reviewer,
                args=(n + 1, prepared, plans[n], args.duration, args.think_ms / 1000, tallies[n], start),
                daemon=True,
            )
            for n in range(args.reviewers)
        ]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.monotonic()
        for thread in threads:
            # Bounded: a reviewer still inside a call long after the end is a hang to report.
            thread.join(timeout=max(0.0, began + args.duration + GRACE_S - time.monotonic()))
        elapsed = time.monotonic() - began
        stuck = sum(1 for thread in threads if thread.is_alive())
        if stuck:
            sys.exit(
                f"error: {stuck} reviewers were still waiting on the database {GRACE_S} s after the end."
            )
        load_after = os.getloadavg()[0]
        acks = [ack for t in tallies for ack in t.acks]
        latencies = [s for t in tallies for s in t.save_seconds]
        checked = verify(prepared.location, acks)
    finally:
        prepared.cleanup()
    return {
        "database": kind,
        "reviewers": args.reviewers,
        "contended_reviewers": min(args.contended, args.reviewers),
        "seconds": round(elapsed, 2),
        "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
        "saves_acknowledged": sum(1 for a in acks if a.kind == "save"),
        "approvals_acknowledged": sum(1 for a in acks if a.kind == "approve"),
        "annotations_acknowledged": sum(1 for a in acks if a.kind == "annotation"),
        "conflicts_reported": sum(t.conflicts for t in tallies),
        "conflicts_without_a_name": sum(t.conflicts_unnamed for t in tallies),
        "other_errors": sum(len(t.errors) for t in tallies),
        "first_errors": [e for t in tallies for e in t.errors][:10],
        "saves_per_second": round(len(latencies) / elapsed, 1) if elapsed else None,
        "save_ms_p50": _ms(percentile(latencies, 50)),
        "save_ms_p95": _ms(percentile(latencies, 95)),
        "save_ms_p99": _ms(percentile(latencies, 99)),
        "save_ms_max": _ms(max(latencies) if latencies else None),
        **checked,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per database")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--postgres", default=POSTGRES_DEFAULT, help="a server on 127.0.0.1 (trust auth)")
    parser.add_argument("--contended", type=int, default=6, help="reviewers sharing three sentences")
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause between sentences")
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--sentences", type=int, default=30, help="per document")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "load_review.json"))
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in ("sqlite", "postgresql")]
    if unknown or not kinds or args.reviewers < 1 or args.duration <= 0:
        parser.error(f"--databases takes sqlite and/or postgresql (got {args.databases!r}); "
                     "--reviewers and --duration must be positive")  # fmt: skip
    if "postgresql" in kinds:
        _loopback_only(args.postgres)
    results = []
    header = f"{'database':<11}{'saves':>7}{'approv.':>8}{'annot.':>7}{'conflicts':>10}{'saves/s':>8}"
    header += f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'lost':>6}{'errors':>7}"
    with tempfile.TemporaryDirectory(prefix="wb-load-") as folder:
        for kind in kinds:
            shared = min(args.contended, args.reviewers)
            print(f"{kind}: {args.reviewers} reviewers ({shared} on the same {HOT_SENTENCES} sentences) "
                  f"for {args.duration:g} s ...", flush=True)  # fmt: skip
            results.append(run_one(kind, args, Path(folder)))
    print("\n" + header)
    for r in results:
        print(
            f"{r['database']:<11}{r['saves_acknowledged']:>7}{r['approvals_acknowledged']:>8}"
            f"{r['annotations_acknowledged']:>7}{r['conflicts_reported']:>10}{r['saves_per_second']:>8}"
            f"{r['save_ms_p50']:>8}{r['save_ms_p95']:>8}{r['save_ms_p99']:>8}{r['writes_lost']:>6}"
            f"{r['other_errors']:>7}"
        )
        for problem in [*r["lost"], *r["first_errors"]]:
            print(f"  {problem}")
    report = {
        "what": "simulated reviewers driving the review workflows; every acknowledged write checked",
        "reviewers": args.reviewers,
        "duration_seconds": args.duration,
        "think_ms": args.think_ms,
        "documents": args.documents,
        "sentences_per_document": args.sentences,
        "latency": "one save_post_edit or approve call, acknowledged (conflicts excluded)",
        "machine": machine(),
        "runs": results,
    }
    write(report, args.out)
    return 1 if any(r["writes_lost"] or r["conflicts_without_a_name"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
