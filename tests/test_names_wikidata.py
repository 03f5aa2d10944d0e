"""`workbench names import-wikidata`: people from a Wikidata entity dump into a knowledge base."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.names import kb as knowledge

# Six entities in the dump's own format (a JSON array, one entity per line): three people
# (Q5), a city, an item without claims and a property.
SAMPLE = Path(__file__).resolve().parent / "data" / "wikidata_sample.json"
HEADER = ",".join(knowledge.KB_HEADER)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["names", "import-wikidata", *args])
    return result.exit_code, result.output


def _knowledge_base(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    path.write_text(
        f"{HEADER}\nVladimir Putin,Wladimir Putin,,person,President of Russia,RU\n"
        "Olaf Scholz,Olaf Scholz,,person,German Chancellor 2021-2025,DE\n",
        encoding="utf-8",
    )
    return path


def test_people_are_added_and_a_known_person_gains_the_new_spellings(tmp_path: Path) -> None:
    target = _knowledge_base(tmp_path)

    code, out = _run(str(SAMPLE), "--into", str(target))

    assert code == 0, out
    assert out == f"read 6 entities, 3 people: 2 added, 1 merged into {target} (4 people now)\n"
    records = {r.canonical: r for r in knowledge.read_records(target)}
    assert set(records) == {"Vladimir Putin", "Olaf Scholz", "Angela Merkel", "Jan Kowalski-Nowak"}
    putin = records["Vladimir Putin"]
    assert putin.german_forms == ("Wladimir Putin", "Wladimir Wladimirowitsch Putin")
    assert putin.variants == ("Vladimir Vladimirovich Putin", "Putin")
    assert (putin.role, putin.country) == ("President of Russia", "RU")  # kept as they were
    merkel = records["Angela Merkel"]
    # "Merkel (politician)" is a disambiguation, not a spelling; a German alias English uses
    # too is a variant (right in English), not a German form.
    assert merkel.variants == ("Angela Dorothea Merkel",) and merkel.german_forms == ("Angela Merkel",)
    assert merkel.role == "Chancellor of Germany from 2005 to 2021"
    # No English label: the German one is the canonical spelling.
    assert records["Jan Kowalski-Nowak"].variants == ("Jan Kowalski",)


def test_the_imported_people_are_known_to_the_checks(tmp_path: Path) -> None:
    target = _knowledge_base(tmp_path)
    assert _run(str(SAMPLE), "--into", str(target))[0] == 0

    kb = knowledge.load_kb(target)

    assert kb.people_with_family("Merkel") and kb.people_with("Wladimirowitsch")


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    target = _knowledge_base(tmp_path)
    _run(str(SAMPLE), "--into", str(target))
    first = target.read_text(encoding="utf-8")

    code, out = _run(str(SAMPLE), "--into", str(target))

    assert code == 0 and "0 added, 0 merged" in out
    assert target.read_text(encoding="utf-8") == first
    assert [p.name for p in tmp_path.iterdir()] == ["names.csv"]  # no temp file left behind


@pytest.mark.parametrize("suffix", [".json.gz", ".json.bz2", ".jsonl"])
def test_compressed_dumps_and_json_lines_read_the_same(tmp_path: Path, suffix: str) -> None:
    lines = [line.rstrip(",") for line in SAMPLE.read_text(encoding="utf-8").splitlines()[1:-1]]
    dump = tmp_path / f"dump{suffix}"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".bz2"):
        data = bz2.compress(data)
    dump.write_bytes(data)
    target = tmp_path / "kb.csv"  # does not exist yet: it is created

    code, out = _run(str(dump), "--into", str(target))

    assert code == 0, out
    assert "3 people: 3 added" in out
    assert len(knowledge.read_records(target)) == 3


def test_a_bad_file_is_one_clear_line_and_the_knowledge_base_is_untouched(tmp_path: Path) -> None:
    target = _knowledge_base(tmp_path)
    before = target.read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"type":"item","id":"Q1"},\n{"type": "item", "labels": \n]\n', encoding="utf-8")
    not_gzip = tmp_path / "dump.json.gz"
    not_gzip.write_text("not compressed", encoding="utf-8")

    for path, message in [
        (broken, "broken.json line 3: not a Wikidata entity"),
        (not_gzip, "dump.json.gz cannot be read as a gzip file"),
        (tmp_path / "missing.json", "missing.json does not exist"),
    ]:
        code, out = _run(str(path), "--into", str(target))
        assert code == 1, out
        assert message in out and "Wikidata's JSON dump" in out
        assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    assert target.read_text(encoding="utf-8") == before
