"""Schema migrations: a blank database on either backend, and databases made by workbench 0.1
(checked in under tests/data/), reach the newest schema with nothing lost; a failed upgrade
leaves the previous schema; a database from a newer workbench is refused untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from workbench.errors import ConflictError, StoreError
from workbench.glossary import GlossaryEntry
from workbench.segment import Segment
from workbench.store import Store, db, migrate, schema

DATA = Path(__file__).parent / "data"


def _columns(store: Store) -> dict[str, set[str]]:
    with store.database.read() as conn:
        inspector = sa.inspect(conn)
        return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def _revision(store: Store) -> str | None:
    with store.database.read() as conn:
        return migrate.current(conn)


def test_blank_database_has_exactly_the_schema_the_store_queries(db_url: str) -> None:
    with Store.open(db_url) as store:
        assert _revision(store) == migrate.head()
        tables = _columns(store)
    expected = {table.name: {c.name for c in table.columns} for table in schema.metadata.tables.values()}
    assert {name: cols for name, cols in tables.items() if name != "alembic_version"} == expected


def test_a_database_made_by_workbench_0_1_upgrades_in_place_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(DATA / "workbench-0.1.db", path)
    with Store.open(path) as store:
        assert _revision(store) == migrate.head()
        assert "schema_migrations" not in _columns(store)
        docs = {d.id: d for d in store.documents()}
        assert [
            (d.title, d.n_segments, d.n_translated, d.n_flagged, d.n_approved) for d in docs.values()
        ] == [
            ("Ministerin Anna Lührmann sprach in Berlin.", 3, 0, 0, 0),
            ("Pentagon", 3, 3, 1, 1),
        ]
        # A model's translation became two systems: its raw output, and with the glossary applied.
        assert [(x.name, x.model, x.glossary) for x in store.systems()] == [
            ("tiny +glossary", "tiny@abc123", True),
            ("tiny", "tiny@abc123", False),
            ("imported", "", False),
        ]
        glossed, raw, imported = store.systems()
        rows = store.review_rows(1, glossed.id)
        assert rows[0].translation.text == "General Mark Milley spoke with Gerasimov."
        assert rows[0].translation.applied == (
            {"from": "Milli", "to": "Milley"},
            {"from": "Gerasimo", "to": "Gerasimov"},
        )
        assert store.review_rows(1, raw.id)[0].translation.text == "General Mark Milli spoke with Gerasimo."
        assert [r.translation.text for r in store.review_rows(1, imported.id)] == [
            "General Mark Milli spoke with Gerasimo.",
            "Olaf Scholes met Joe Biden.",
            "The war continues.",
        ]
        # Flags became MQM annotations, on the same spans, with who and how they were decided.
        notes = store.annotations(document_id=1)
        assert [
            (
                a.system_id,
                a.mt and a.mt.text,
                a.src and a.src.text,
                a.category,
                a.severity,
                a.tags,
                a.status,
                a.correction,
                a.changed_by,
                a.origin,
                a.version,
            )
            for a in notes
        ] == [
            (
                imported.id,
                "Milli",
                None,
                "Accuracy/Mistranslation",
                "Major",
                ("garbled-name",),
                "accepted",
                "Milley",
                "ben",
                "reviewer",
                2,
            ),
            (
                None,
                None,
                "Gerasimo",
                "Accuracy/Mistranslation",
                "Major",
                ("garbled-name",),
                "open",
                "Gerasimov",
                "detector",
                "detector",
                1,
            ),
            (imported.id, "war", None, "Other", "Minor", (), "dismissed", "", "ben", "reviewer", 1),
        ]
        assert notes[1].comment == "near-miss of Gerasimov" and notes[1].detector_kind == "near-miss"
        refs = [store.reference(s.id) for s in store.segments(1)]
        assert [(r.text, r.status, r.reviewer, r.approved_by) if r else None for r in refs] == [
            None,
            ("Olaf Scholz met Joe Biden.", "draft", "anna", ""),
            ("The war continues.", "approved", "ben", "ben"),
        ]
        assert store.document_text(2).startswith("Ministerin Anna Lührmann")
        assert store.glossary_entries() == [
            GlossaryEntry("contradictory telephone connection", "deconfliction line", "term", "", "ben"),
            GlossaryEntry("Scholes", "Olaf Scholz", "name", "seen in the seed", "anna", 1),
        ]
        assert [(k.canonical, k.german, k.variants) for k in store.known_names()] == [
            ("Mark Milley", "Mark Milley", ("Milli", "Millie")),
            ("Ärzte Ohne Grenzen", "", ()),
        ]
        assert store.cached_translations(
            "tiny@abc123", "beams=4", ["Der Krieg dauert an.", "Hallo.", "x"]
        ) == {
            "Der Krieg dauert an.": "The war continues.",
            "Hallo.": "Hello.",
        }
        assert store.state("seed") == ""
        # Who last changed an entry survives too: a stale save names them.
        loaded = store.glossary_entries()
        with pytest.raises(ConflictError, match="changed by carl"):
            store.save_glossary_edits(
                [GlossaryEntry("Scholes", "Scholz", "name", "seen in the seed", "anna", 1)],
                loaded[:1],
                changed_by="x",
            )
        # The upgraded keys are case-insensitive as before.
        with pytest.raises(Exception, match="already in the glossary"):
            store.add_glossary_entry(GlossaryEntry("SCHOLES", "Scholz"))


def test_an_older_0_1_schema_gains_what_it_lacked(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"  # workbench 0.1 at its migration 4: no app state, no changed_by
    shutil.copy(DATA / "workbench-0.1-v4.db", path)
    with Store.open(path) as store:
        assert _revision(store) == migrate.head()
        assert [(a.src.text, a.category, a.system_id) for a in store.annotations(document_id=1)] == [
            ("Hallo", "Other", None)
        ]
        assert [x.name for x in store.systems()] == ["m +glossary", "m"]
        assert [(k.canonical, k.variants) for k in store.known_names()] == [("Milley", ("Milli",))]
        assert store.state("seed") is None
        store.set_state("seed", "1")
        assert store.state("seed") == "1"
        loaded = store.glossary_entries()
        assert loaded == [GlossaryEntry("Scholes", "Scholz", added_by="anna")]
        store.save_glossary_edits(loaded, [GlossaryEntry("Scholes", "Olaf Scholz")], changed_by="bob")
        with pytest.raises(ConflictError, match="changed by bob"):
            store.save_glossary_edits(loaded, [], changed_by="anna")


def test_opening_again_changes_nothing(db_url: str) -> None:
    Store.open(db_url).close()
    with Store.open(db_url) as store:
        assert _revision(store) == migrate.head()
        with store.database.read() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_a_failed_upgrade_leaves_the_previous_schema(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(db_url).close()
    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, scripts)
    (scripts / "versions" / "9999_broken.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '9999'\ndown_revision = '{migrate.head()}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('x', sa.Integer))\n"
        "    op.execute('UPDATE glossary SET note = 1')\n"
        "    raise RuntimeError('disk on fire')\n"
    )
    before = migrate.head()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    migrate._script.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="disk on fire"):
            Store.open(db_url)
    finally:
        migrate._script.cache_clear()
    monkeypatch.undo()
    with Store.open(db_url) as store:
        assert _revision(store) == before
        assert "half_done" not in _columns(store)


def test_a_database_from_a_newer_workbench_is_refused_untouched(db_url: str) -> None:
    with Store.open(db_url) as store:
        with store.transaction() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0042'"))
    with pytest.raises(StoreError, match=r"made by a newer workbench \(schema 0042 > 0\d\d\d\): upgrade"):
        Store.open(db_url)
    with Store.open(db_url, migrate_schema=False) as store:
        assert _revision(store) == "0042"


def test_schema_refuses_unknown_statuses_and_bad_spans(db_url: str) -> None:
    with Store.open(db_url) as store:
        _, [segment] = store.add_document("t", [Segment(1, 1, "x")])
        for span, status, origin in (
            ((0, 1), "maybe", "reviewer"),
            ((1, 0), "open", "reviewer"),
            ((0, 1), "open", "oracle"),
        ):
            with pytest.raises(sa.exc.IntegrityError), store.transaction() as conn:
                conn.execute(
                    sa.insert(schema.annotations).values(
                        segment_id=segment,
                        src_start=span[0],
                        src_end=span[1],
                        src_text="x",
                        mt_text="",
                        category="Other",
                        severity="Minor",
                        tags="[]",
                        correction="",
                        comment="",
                        origin=origin,
                        detector_kind="",
                        status=status,
                        rater="",
                        changed_by="",
                        created="",
                        updated="",
                        version=1,
                    )
                )
