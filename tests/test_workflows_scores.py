"""Scores of stored systems (issue 9): MQM files imported, scored and exported again, the
raw and the glossary system of one document compared with a paired test, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tinymodel import PAIRS

from workbench.cli import cli
from workbench.errors import FormatError
from workbench.formats import mqm_tsv
from workbench.glossary import GlossaryEntry
from workbench.store import Store
from workbench.textio import TextFile
from workbench.workflows import documents, review, scores, translate

HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\tcomment"
S1, S2, S3 = "Kanzler Scholz traf Milley.", "Die Gespräche dauerten lange.", "Wir danken Ihnen."
A = ("Chancellor Scholz met Millie.", "The talks lasted long.", "We thank you.")
B = ("Kanzler Scholz traf Milley.", "The talks lasts long.", "We thank you.")
C = ("Chancellor Scholz met Milley.", "The talks took long,", "We thank you!")
# Three systems, two raters, every severity, one translation per system and segment as in
# the published files. The comment holds the row's weight, for the hand computation.
ROWS = [
    f"A\tnews1\t1\t11\tr1\t{S1}\tChancellor Scholz met <v>Millie</v>.\tAccuracy/Mistranslation\tMajor\t5",
    f"A\tnews1\t1\t11\tr2\t{S1}\tChancellor Scholz met <v>Millie</v>.\tAccuracy/Mistranslation\tCritical\t25",
    f"A\tnews1\t2\t12\tr1\t{S2}\t{A[1]}\tNo-error\tNo-error\t0",
    f"A\tnews1\t2\t12\tr2\t{S2}\tThe talks lasted <v>long</v>.\tStyle/Awkward\tMinor\t1",
    f"A\tnews2\t1\t21\tr1\t{S3}\t{A[2]}\tNo-error\tNo-error\t0",
    f"B\tnews1\t1\t11\tr1\t{S1}\t{B[0]}\tNon-translation!\tMajor\t25",
    f"B\tnews1\t1\t11\tr2\t<v>Kanzler</v> Scholz traf Milley.\t{B[0]}\tSource error\tMinor\t0",
    f"B\tnews1\t2\t12\tr1\t{S2}\tThe talks <v>lasts</v> long.\tFluency/Grammar\tMinor\t1",
    f"B\tnews1\t2\t12\tr2\t{S2}\tThe talks <v>lasts</v> long.\tFluency/Grammar\tNeutral\t0",
    f"B\tnews2\t1\t21\tr2\t{S3}\t{B[2]}\tNo-error\tNo-error\t0",
    f"C\tnews1\t1\t11\tr1\t{S1}\t{C[0]}\tNo-error\tNo-error\t0",
    f"C\tnews1\t2\t12\tr1\t{S2}\tThe talks took long<v>,</v>\tFluency/Punctuation\tMinor\t0.1",
    f"C\tnews1\t2\t12\tr2\t{S2}\tThe talks <v>took</v> long,\tAccuracy/Mistranslation\tMinor\t1",
    f"C\tnews2\t1\t21\tr1\t{S3}\tWe thank you<v>!</v>\tLocale convention\tMajor\t5",
    f"C\tnews2\t1\t21\tr2\t{S3}\tWe thank you!<v></v>\tAccuracy/Omission\tMinor\t1",
]
TSV = "\n".join([HEADER, *ROWS]) + "\n"
# By hand: a segment scores the mean over its raters of each rater's summed weights.
SEGMENTS = {
    "A": [(5 + 25) / 2, (0 + 1) / 2, 0],  # 15, 0.5, 0
    "B": [(25 + 0) / 2, (1 + 0) / 2, 0],  # 12.5, 0.5, 0
    "C": [0, (0.1 + 1) / 2, (5 + 1) / 2],  # 0, 0.55, 3
}
SYSTEMS = {name: sum(s) / 3 for name, s in SEGMENTS.items()}


@pytest.fixture
def mqm_file(tmp_path: Path) -> Path:
    path = tmp_path / "mqm_news_deen.tsv"
    path.write_text(TSV, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_an_mqm_file_imports_scores_by_hand_and_round_trips_every_row(
    db_url: str, mqm_file: Path, tmp_path: Path
) -> None:
    code, out = _run("import", "--format", "mqm", str(mqm_file), "--db", db_url)
    assert code == 0, out
    assert "15 rows, 2 documents, 3 segments, systems: A, B, C" in out
    with Store.open(db_url) as store:
        docs = sorted(store.documents(), key=lambda d: d.id)
        assert [(d.title, d.external_id, d.n_segments) for d in docs] == [
            ("news1", "news1", 2),
            ("news2", "news2", 1),
        ]
        assert [t.text for t in store.translations(docs[0].id, store.system("B").id).values()] == list(B[:2])

    code, out = _run("score", "--mqm", "--json", "--db", db_url)
    assert code == 0, out
    result = json.loads(out)
    metric = result["metrics"]["mqm"]
    got = {row["system"]: row["score"] for row in metric["systems"]}
    assert got == pytest.approx(SYSTEMS)
    assert metric["higher_is_better"] is False and result["baseline"] == "A"
    assert result["documents"]["C"] == pytest.approx({"news1": (0 + 0.55) / 2, "news2": 3})
    assert all(0 < row["p_value"] <= 1 for row in metric["systems"][1:])

    exported = tmp_path / "again.tsv"
    code, out = _run("export", "--format", "mqm", "-o", str(exported), "--db", db_url)
    assert (code, out) == (0, f"wrote 15 MQM rows to {exported}\n")
    assert sorted(exported.read_text(encoding="utf-8").splitlines()[1:]) == sorted(ROWS)
    assert exported.read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_a_file_giving_one_segment_two_translations_by_one_system_is_refused(
    store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join([HEADER, ROWS[0], ROWS[1].replace("Millie", "Milly")]) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="rater r2 saw another translation by A of doc news1, seg_id 11"):
        scores.import_mqm(store, bad)
    assert store.documents() == []


def test_the_review_pages_annotations_are_mqm_rows(store: Store) -> None:
    doc = documents.import_aligned(
        store,
        TextFile("d.de", f"{S1}\n{S2}\n", "utf-8"),
        mt=TextFile("d.en", f"{A[0]}\n{A[1]}\n", "utf-8"),
    ).document_id
    system = store.system("imported").id
    first, second = store.segments(doc)
    review.flag_text(
        store, first.id, "Millie", side="mt", system_id=system, reviewer="anna", correction="Milley"
    )
    review.approve(store, second.id, reviewer="ben", expected_version=None)
    rows = scores.rows(store)
    assert [
        (r.system, r.doc_id, r.seg_id, r.rater, r.annotation.category, r.annotation.severity.value)
        for r in rows
    ] == [
        ("imported", "1", str(first.id), "anna", "Accuracy/Mistranslation", "Major"),
        ("imported", "2", str(second.id), "ben", "No-error", "No-error"),  # approved, nothing marked
    ]
    assert mqm_tsv.parse(mqm_tsv.dumps(rows)) == rows


def test_raw_and_glossary_systems_of_a_document_get_a_p_value(db_url: str, tiny_model: Path) -> None:
    from workbench.engine import DecodeOptions, load_backend

    german = [de for de, _ in PAIRS]
    with Store.open(db_url) as store:
        doc = documents.import_aligned(
            store, TextFile("de.txt", "\n".join(german) + "\n", "utf-8")
        ).document_id
        store.add_glossary_entry(GlossaryEntry("Gerasimov", "Valery Gerasimov"))
        backend = load_backend(str(tiny_model), backend="transformers")
        result = translate.translate_document(store, doc, backend, DecodeOptions(beams=1))
        raw, glossed = result.systems
        for seg, (_, en) in zip(store.segments(doc), PAIRS, strict=True):
            review.approve(
                store,
                seg.id,
                reviewer="anna",
                expected_version=None,
                text=en.replace("Gerasimov", "Valery Gerasimov"),
            )
    code, out = _run(
        "score",
        "--document",
        str(doc),
        "--system",
        raw,
        "--system",
        glossed,
        "--paired-bs",
        "--metrics",
        "bleu,names",
        "--json",
        "--db",
        db_url,
    )
    assert code == 0, out
    report = json.loads(out)
    # Name accuracy is compared by the same paired test: the references say "Valery Gerasimov"
    # (the knowledge base's person), the raw MT only "Gerasimov".
    names = report["metrics"]["names"]
    assert [row["system"] for row in names["systems"]] == [raw, glossed]
    assert names["systems"][0]["score"] < names["systems"][1]["score"] == 100.0
    assert 0 < names["systems"][1]["p_value"] <= 1
    bleu = report["metrics"]["bleu"]
    assert [row["system"] for row in bleu["systems"]] == [raw, glossed]
    assert bleu["systems"][0]["p_value"] is None and 0 < bleu["systems"][1]["p_value"] <= 1
    assert bleu["systems"][1]["score"] > bleu["systems"][0]["score"]  # the glossary fixed the names
    assert report["sentences"] == len(PAIRS)
