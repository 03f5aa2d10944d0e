"""The names knowledge base (corpus/names.csv) and the name-check evaluation set are well formed.

Both files are hand-written data that other code trusts: the checker loads the knowledge base,
and the evaluation measures the checker on names_eval.jsonl. A broken row or a label that does
not occur in its sentence would silently skew what we measure.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMES_CSV = ROOT / "corpus" / "names.csv"
EVAL_JSONL = ROOT / "tests" / "data" / "names_eval.jsonl"
# Written without looking at the checker, for an honest measurement; same format and rules.
HELDOUT_JSONL = ROOT / "tests" / "data" / "names_heldout.jsonl"
# A second held-out set, written before the checker was rebuilt as a package (issue 10).
HELDOUT2_JSONL = ROOT / "tests" / "data" / "names_heldout2.jsonl"
EVAL_SETS = [EVAL_JSONL, HELDOUT_JSONL, HELDOUT2_JSONL]

HEADER = ["canonical", "german", "variants", "kind", "role", "country"]
EVAL_KINDS = {"glossary", "near-miss", "transliteration", "inconsistency", "mismatch"}

# Everyone named in the seed article, with the spellings the checker must treat as correct.
SEED_PEOPLE = {
    "Lloyd Austin": "Lloyd Austin",
    "Sergei Shoigu": "Sergej Schoigu",
    "Mark Milley": "Mark Milley",
    "Valery Gerasimov": "Waleri Gerassimow",
    "John Sullivan": "John Sullivan",
    "Joe Biden": "Joe Biden",
    "Vladimir Putin": "Wladimir Putin",
    "Jake Sullivan": "Jake Sullivan",
    "Emmanuel Macron": "Emmanuel Macron",
    "Olaf Scholz": "Olaf Scholz",
    "Naftali Bennett": "Naftali Bennett",
}

# Slavic names whose German press spelling differs from the English one.
GERMAN_SPELLINGS = {
    "Sergei Lavrov": "Sergej Lawrow",
    "Dmitry Peskov": "Dmitri Peskow",
    "Maria Zakharova": "Maria Sacharowa",
    "Dmitry Medvedev": "Dmitri Medwedew",
    "Alexei Navalny": "Alexej Nawalny",
    "Yevgeny Prigozhin": "Jewgeni Prigoschin",
    "Ramzan Kadyrov": "Ramsan Kadyrow",
    "Alexander Lukashenko": "Alexander Lukaschenko",
    "Volodymyr Zelensky": "Wolodymyr Selenskyj",
    "Valerii Zaluzhnyi": "Walerij Saluschnyj",
    "Oleksandr Syrskyi": "Olexander Syrskyj",
    "Sviatlana Tsikhanouskaya": "Swetlana Tichanowskaja",
}

# The seed's garbles: the checker must detect them, so no row may list them as a real spelling.
SEED_GARBLES = {"Millie", "Milli", "Gerasimo", "Schoiku", "Scholes", "Naphtali", "Valerie"}


def _rows() -> list[dict[str, str]]:
    with NAMES_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _variants(row: dict[str, str]) -> list[str]:
    return row["variants"].split("|") if row["variants"] else []


def _records(path: Path = EVAL_JSONL) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", text))


# ---- corpus/names.csv ----


def test_header_is_exact() -> None:
    with NAMES_CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER


def test_every_row_has_six_fields_and_a_person() -> None:
    with NAMES_CSV.open(encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh))[1:]
    assert all(len(r) == len(HEADER) for r in raw), [r for r in raw if len(r) != len(HEADER)]
    for row in _rows():
        assert row["kind"] == "person", row
        for field in ("canonical", "german", "role", "country"):
            assert row[field] and row[field] == row[field].strip(), (field, row)


def test_at_least_300_people() -> None:
    assert len(_rows()) >= 300


def test_canonical_names_are_unique() -> None:
    names = [r["canonical"].casefold() for r in _rows()]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_variants_split_cleanly() -> None:
    for row in _rows():
        variants = _variants(row)
        assert all(v and v == v.strip() for v in variants), row
        assert len(variants) == len(set(variants)), row
        # German forms live only in `german`, so a checker can treat every variant as good English.
        assert row["canonical"] not in variants and row["german"] not in variants, row


def test_each_full_spelling_points_to_one_person() -> None:
    """A lookup by any full spelling must be unambiguous, or suggestions would name the wrong person."""
    owner: dict[str, str] = {}
    for row in _rows():
        for form in {row["canonical"], row["german"], *_variants(row)}:
            if " " not in form:
                continue  # a lone surname may be shared; full names may not
            previous = owner.setdefault(form.casefold(), row["canonical"])
            assert previous == row["canonical"], (form, previous, row["canonical"])


def test_seed_people_present_with_canonical_and_german_forms() -> None:
    by_name = {r["canonical"]: r for r in _rows()}
    for canonical, german in SEED_PEOPLE.items():
        assert canonical in by_name, canonical
        assert by_name[canonical]["german"] == german, canonical


def test_slavic_names_carry_their_german_press_spelling() -> None:
    by_name = {r["canonical"]: r for r in _rows()}
    for canonical, german in GERMAN_SPELLINGS.items():
        assert by_name[canonical]["german"] == german, canonical


def test_seed_garbles_are_not_listed_as_real_spellings() -> None:
    for row in _rows():
        words = set()
        for form in (row["canonical"], row["german"], *_variants(row)):
            words |= _words(form)
        assert not words & SEED_GARBLES, row


def test_file_is_utf8_without_bom() -> None:
    data = NAMES_CSV.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")


# ---- tests/data/names_eval.jsonl ----


@pytest.mark.parametrize("path", EVAL_SETS, ids=lambda p: p.stem)
def test_eval_set_parses_with_required_fields(path: Path) -> None:
    records = _records(path)
    assert len(records) >= 40
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert {"id", "src", "mt", "expected", "must_not_flag"} <= r.keys(), r["id"]
        assert r["src"].strip() and r["mt"].strip(), r["id"]
        for e in r["expected"]:
            assert set(e) == {"side", "text", "suggestion", "kind"}, r["id"]


@pytest.mark.parametrize("record", [r for p in EVAL_SETS for r in _records(p)], ids=lambda r: r["id"])
def test_labels_occur_in_their_sentence(record: dict) -> None:
    for e in record["expected"]:
        assert e["side"] in ("src", "mt")
        assert e["kind"] in EVAL_KINDS
        assert e["text"] in record[e["side"]], e
        assert e["suggestion"].strip(), e
        if e["kind"] != "mismatch":  # a name dropped from the MT is reported with its own spelling
            assert e["suggestion"] != e["text"], e
    for text in record["must_not_flag"]:
        assert text in record["src"] or text in record["mt"], text
        assert all(text != e["text"] for e in record["expected"]), text


@pytest.mark.parametrize("path", EVAL_SETS, ids=lambda p: p.stem)
def test_eval_set_covers_every_kind_and_clean_pairs(path: Path) -> None:
    records = _records(path)
    kinds = {e["kind"] for r in records for e in r["expected"]}
    assert kinds == EVAL_KINDS
    assert sum(1 for r in records if not r["expected"]) >= 15
    assert any(e["side"] == "src" for r in records for e in r["expected"])


@pytest.mark.parametrize("path", EVAL_SETS, ids=lambda p: p.stem)
def test_glossary_records_carry_their_glossary(path: Path) -> None:
    for r in _records(path):
        wrong_forms = {(g["wrong"], g["right"]) for g in r.get("glossary", [])}
        for e in r["expected"]:
            if e["kind"] == "glossary":
                assert (e["text"], e["suggestion"]) in wrong_forms, r["id"]


def test_name_suggestions_agree_with_the_knowledge_base() -> None:
    """Near-miss, transliteration and glossary labels must point at a spelling the knowledge base holds.

    Only names_eval.jsonl: the held-out set deliberately also garbles people the knowledge base lacks.
    """
    english: set[str] = set()
    german: set[str] = set()
    for row in _rows():
        for form in (row["canonical"], *_variants(row)):
            english |= {form} | _words(form)
        german |= {row["german"]} | _words(row["german"])
    for r in _records():
        for e in r["expected"]:
            if e["kind"] in ("near-miss", "transliteration", "glossary"):
                assert e["suggestion"] in english, (r["id"], e)
            if e["kind"] == "transliteration":
                assert e["text"] in german, (r["id"], e)


def test_common_surnames_are_no_seed_garble():
    # A listed surname no known person bears is never taken for a misspelling without the
    # person's given name (one a known person bears is simply known); a seed garble listed
    # there would go unflagged.
    from workbench.names.kb import load_lexicons

    surnames = load_lexicons().surnames
    assert len(surnames) > 200
    assert not surnames & {g.casefold() for g in SEED_GARBLES}
