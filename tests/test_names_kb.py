"""The names knowledge base: the one names.csv reader and writer, merging, and what a record's
names are (surnames with particles, regnal names, family name first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.names import kb as knowledge
from workbench.names.kb import NameRecord

HEADER = ",".join(knowledge.KB_HEADER)


def test_records_read_back_as_written(tmp_path: Path) -> None:
    records = [
        NameRecord(
            "Sergei Shoigu", "Sergej Schoigu|Sergei Schoigu", ("Sergey Shoygu", "Shoygu"), "person", "x", "RU"
        ),
        NameRecord("Olaf Scholz", "", (), "person", "German Chancellor 2021-2025", "DE"),
    ]
    path = tmp_path / "kb" / "names.csv"
    path.parent.mkdir()

    knowledge.write_records(path, records)

    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER
    back = knowledge.read_records(path)
    assert back[0] == records[0]
    assert back[1].german_forms == ("Olaf Scholz",)  # written out in full, as names.md asks
    assert [p.name for p in path.parent.iterdir()] == ["names.csv"]


def test_a_row_without_a_canonical_name_is_refused_naming_the_line() -> None:
    text = f"{HEADER}\nOlaf Scholz,Olaf Scholz,,person,,DE\n,Sergej Schoigu,,person,,RU\n"
    with pytest.raises(InputError, match=r"names.csv line 3: empty 'canonical' name"):
        knowledge.parse_records(text)


def test_blank_rows_a_bom_and_missing_optional_columns_are_fine() -> None:
    records = knowledge.parse_records("\ufeffcanonical,german\nOlaf Scholz,\n,\n")
    assert records == [NameRecord("Olaf Scholz")]


def test_a_malformed_csv_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="line 2"):
        knowledge.parse_records(f"{HEADER}\n" + "x" * 200_000 + ",a\n")


@pytest.mark.parametrize(
    ("record", "surname"),
    [
        (NameRecord("Olaf Scholz"), "Scholz"),
        (NameRecord("Ursula von der Leyen"), "von der Leyen"),
        (NameRecord("Lloyd Austin III"), "Austin"),
        (NameRecord("Ferdinand Marcos Jr."), "Marcos"),
        (NameRecord("Charles III"), ""),
        (NameRecord("Pope Leo XIV"), ""),
        (NameRecord("Neymar"), ""),
        (NameRecord("Xi Jinping", country="CN"), "Xi"),
        (NameRecord("Kim Jong Un", country="KP"), "Kim"),
    ],
)
def test_the_surname_a_text_uses_for_the_person_alone(record: NameRecord, surname: str) -> None:
    assert record.surname == surname


def test_a_family_name_first_is_known_as_the_family_name() -> None:
    kb = knowledge.build_kb(
        [NameRecord("Xi Jinping", country="CN"), NameRecord("Pope Francis", "Papst Franziskus")]
    )
    assert kb.people_with_family("Xi") and kb.people_with_family("Jinping")
    # A rank is no name: "Pope" stays a title for every other pope and bishop.
    assert not kb.people_with("Pope") and not kb.people_with("Papst")


def test_merging_adds_new_people_and_new_spellings_once() -> None:
    existing = [
        NameRecord(
            "Volodymyr Zelensky", "Wolodymyr Selenskyj", ("Zelenskyy",), role="President", country="UA"
        )
    ]
    new = [
        NameRecord("Volodymyr Zelenskyy", "Wolodymyr Selenskyj|Wladimir Selenski", ("Zelenskiy",)),
        NameRecord("Olaf Scholz"),
        NameRecord("Olaf Scholz"),
    ]

    merged, added, joined = knowledge.merge_records(existing, new)

    assert (added, joined) == (1, 1)
    zelensky = merged[0]
    assert zelensky.canonical == "Volodymyr Zelensky" and zelensky.role == "President"
    assert zelensky.german_forms == ("Wolodymyr Selenskyj", "Wladimir Selenski")
    assert zelensky.variants == ("Zelenskyy", "Volodymyr Zelenskyy", "Zelenskiy")
    assert [r.canonical for r in merged] == ["Volodymyr Zelensky", "Olaf Scholz"]


def test_the_project_knowledge_base_reads_with_the_one_reader() -> None:
    kb = knowledge.load_kb()
    assert len(kb) >= 2000
    assert kb.people_with_family("Shoigu") and kb.people_with("Schoigu")
