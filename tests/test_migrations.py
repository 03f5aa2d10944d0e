"""Schema migrations: a blank database and one at the previous version both reach the latest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench import migrations
from workbench.errors import ConflictError
from workbench.glossary import GlossaryEntry
from workbench.store import Store


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_blank_database_reaches_latest_version(db_path: Path) -> None:
    with Store.open(db_path) as store:
        assert migrations.current_version(store.db) == migrations.latest_version()
        applied = [
            row[0] for row in store.db.execute("SELECT version FROM schema_migrations ORDER BY version")
        ]
        assert applied == [version for version, _, _ in migrations.MIGRATIONS]
        assert {
            "documents",
            "segments",
            "translations",
            "flags",
            "segment_references",
            "known_names",
            "glossary",
            "translation_cache",
        } <= _tables(store.db)


def test_version_before_the_review_tables_with_data_upgrades_without_losing_it(db_path: Path) -> None:
    db = _connect(db_path)
    assert migrations.migrate(db, target=3) == 3
    assert "flags" not in _tables(db)
    db.execute("INSERT INTO glossary (wrong, right, kind) VALUES ('Scholes', 'Scholz', 'name')")
    db.execute(
        "INSERT INTO translation_cache (model, options, source, translation)"
        " VALUES ('m', 'o', 'Hallo', 'Hello')"
    )
    db.execute("INSERT INTO documents (title, source_name) VALUES ('Alt', 'alt.txt')")
    db.execute(
        "INSERT INTO segments (document_id, position, paragraph, sentence, source)"
        " VALUES (1, 0, 1, 1, 'Hallo.')"
    )
    db.execute(
        "INSERT INTO translations (segment_id, model, model_name, text, raw)"
        " VALUES (1, 'm', 'm', 'Hi.', 'Hi.')"
    )
    db.close()

    with Store.open(db_path) as store:
        assert migrations.current_version(store.db) == migrations.latest_version()
        assert store.glossary_entries() == [GlossaryEntry("Scholes", "Scholz", "name")]
        assert store.cached_translations("m", "o", ["Hallo"]) == {"Hallo": "Hello"}
        [doc] = store.documents()
        assert (doc.title, doc.n_segments, doc.n_translated) == ("Alt", 1, 1)
        # The old segment takes the new kinds of data.
        ref = store.save_reference(1, "Hello.", reviewer="anna", expected_version=None, status="approved")
        assert ref.version == 1
        assert store.document(1).n_approved == 1


def test_version_with_reviews_upgrades_and_gains_the_app_state(db_path: Path) -> None:
    previous = 4  # the review tables, before the app state
    db = _connect(db_path)
    assert migrations.migrate(db, target=previous) == previous
    assert "app_state" not in _tables(db)
    db.execute("INSERT INTO documents (title) VALUES ('Alt')")
    db.execute(
        "INSERT INTO segments (document_id, position, paragraph, sentence, source)"
        " VALUES (1, 0, 1, 1, 'Hallo.')"
    )
    db.execute(
        'INSERT INTO flags (segment_id, side, start, "end", text, kind)'
        " VALUES (1, 'src', 0, 5, 'Hallo', 'other')"
    )
    db.execute("INSERT INTO known_names (canonical, variants) VALUES ('Milley', '[\"Milli\"]')")
    db.close()

    with Store.open(db_path) as store:
        assert migrations.current_version(store.db) == migrations.latest_version()
        assert [f.text for f in store.flags(document_id=1)] == ["Hallo"]
        assert [(k.canonical, k.variants) for k in store.known_names()] == [("Milley", ("Milli",))]
        assert store.state("seed") is None
        store.set_state("seed", "1")
        store.set_state("seed", "")
        assert store.state("seed") == ""


def test_previous_version_upgrades_and_names_who_last_changed_a_glossary_entry(db_path: Path) -> None:
    previous = migrations.latest_version() - 1
    db = _connect(db_path)
    assert migrations.migrate(db, target=previous) == previous
    db.execute("INSERT INTO glossary (wrong, right, added_by) VALUES ('Millie', 'Milley', 'anna')")
    db.close()

    with Store.open(db_path) as store:
        assert migrations.current_version(store.db) == migrations.latest_version()
        loaded = store.glossary_entries()
        assert loaded == [GlossaryEntry("Millie", "Milley", added_by="anna")]
        store.save_glossary_edits(loaded, [GlossaryEntry("Millie", "Mark Milley")], changed_by="bob")
        with pytest.raises(ConflictError, match="changed by bob"):
            store.save_glossary_edits(loaded, [], changed_by="anna")


def test_migrating_again_changes_nothing(db_path: Path) -> None:
    Store.open(db_path).close()
    db = _connect(db_path)
    before = db.execute("SELECT version, applied FROM schema_migrations ORDER BY version").fetchall()
    assert migrations.migrate(db) == migrations.latest_version()
    after = db.execute("SELECT version, applied FROM schema_migrations ORDER BY version").fetchall()
    assert [tuple(r) for r in before] == [tuple(r) for r in after]


def test_failed_migration_leaves_the_previous_version(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk on fire")

    latest = migrations.latest_version()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (latest + 1, "broken", broken)])
    db = _connect(db_path)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(db)
    assert migrations.current_version(db) == latest
    assert "half_done" not in _tables(db)


def test_schema_refuses_unknown_flag_kinds_and_statuses(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.db.execute("INSERT INTO documents (title) VALUES ('t')")
        store.db.execute(
            "INSERT INTO segments (document_id, position, paragraph, sentence, source)"
            " VALUES (1, 0, 1, 1, 'x')"
        )
        for kind, status in (("typo", "open"), ("other", "maybe")):
            with pytest.raises(sqlite3.IntegrityError):
                store.db.execute(
                    'INSERT INTO flags (segment_id, side, start, "end", text, kind, status)'
                    " VALUES (1, ?, 0, 1, ?, ?, ?)",
                    ("src", "x", kind, status),
                )
