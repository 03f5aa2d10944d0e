"""MQM scores from a WMT MQM TSV: per segment, document and system, worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.errors import ScoringError
from workbench.formats import mqm_tsv
from workbench.metrics import mqm
from workbench.mqm import Annotation, Severity

HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\tcomment"
S1 = "Kanzler Scholz traf Milley."
S2 = '"Wir bleiben", sagte er.'
S3 = "Die Gespräche dauerten eine Stunde."
# Three systems, two raters, every severity. The weight of each row is in the last column
# of the comment, so the hand computation below can be checked against the file.
ROWS = [
    # system A
    f"A\tn1\t1\t1\tr1\t{S1}\tChancellor Scholz met <v>Millie</v>.\tAccuracy/Mistranslation\tMajor\t5",
    f"A\tn1\t1\t1\tr1\t{S1}\tChancellor Scholz met Millie<v></v>\tFluency/Punctuation\tMinor\t0.1",
    f"A\tn1\t1\t1\tr2\t{S1}\tChancellor Scholz met <v>Millie</v>.\tAccuracy/Mistranslation\tMajor\t5",
    f'A\tn1\t2\t2\tr1\t{S2}\t"We stay", he said.\tNo-error\tNo-error\t0',
    f'A\tn1\t2\t2\tr2\t{S2}\t"We <v>stay</v>", he said.\tStyle/Awkward\tMinor\t1',
    f"A\tn2\t1\t3\tr1\t{S3}\tThe talks lasted an hour.\tNo-error\tNo-error\t0",
    f"A\tn2\t1\t3\tr2\t{S3}\tThe talks lasted an hour.\tNo-error\tNo-error\t0",
    # system B
    f"B\tn1\t1\t1\tr1\t{S1}\tKanzler Scholz traf Milley.\tNon-translation!\tMajor\t25",
    f"B\tn1\t1\t1\tr2\t<v>Kanzler</v> {S1[8:]}\tScholz met Milley.\tAccuracy/Omission\tCritical\t25",
    f'B\tn1\t2\t2\tr1\t{S2}\t"We <v>stays</v>", he said.\tFluency/Grammar\tMinor\t1',
    f'B\tn1\t2\t2\tr1\t{S2}\t"We stays", <v>he told</v>.\tTerminology/Inappropriate for context\tMajor\t5',
    f'B\tn1\t2\t2\tr2\t{S2}\t"We stays", he <v>told</v>.\tFluency/Spelling\tNeutral\t0',
    f"B\tn2\t1\t3\tr1\t{S3}\tThe talks lasted an hour<v></v>\tFluency/Punctuation\tMajor\t5",
    # system C
    f"C\tn1\t1\t1\tr1\t{S1}\tChancellor Scholz met Milley.\tNo-error\tNo-error\t0",
    f"C\tn1\t1\t1\tr2\t<v>Kanzler</v> {S1[8:]}\tChancellor Scholz met Milley.\tSource error\tMinor\t0",
    f'C\tn1\t2\t2\tr1\t{S2}\t"We stay," he said on <v>5/3</v>.\tLocale convention/Date format\tMinor\t1',
    f'C\tn1\t2\t2\tr2\t{S2}\t"We stay," he <v>said on</v> 5/3.\tOther\tMinor\t1',
    f"C\tn2\t1\t3\tr1\t{S3}\tThe talks <v>only</v> lasted an hour,,\tAccuracy/Addition\tMinor\t1",
    f"C\tn2\t1\t3\tr1\t{S3}\tThe talks only lasted an hour<v>,</v>,\tFluency/Punctuation\tMinor\t0.1",
    f"C\tn2\t1\t3\tr1\t{S3}\tThe talks only lasted an hour,<v>,</v>\tFluency/Punctuation\tMinor\t0.1",
    f"C\tn2\t1\t3\tr2\t{S3}\tThe talks only lasted an hour,,\tNo-error\tNo-error\t0",
]
TSV = "\n".join([HEADER, *ROWS]) + "\n"

# By hand: a segment is the mean over its raters of each rater's summed weights.
SEGMENTS = {
    "A": [(5 + 0.1 + 5) / 2, (0 + 1) / 2, (0 + 0) / 2],  # 5.05, 0.5, 0
    "B": [(25 + 25) / 2, (1 + 5 + 0) / 2, 5 / 1],  # 25, 3, 5 (segment 3: only r1 rated it)
    "C": [(0 + 0) / 2, (1 + 1) / 2, (1 + 0.1 + 0.1 + 0) / 2],  # 0, 1, 0.6
}
SYSTEMS = {name: sum(scores) / 3 for name, scores in SEGMENTS.items()}  # A 1.85, B 11, C 0.5333
DOCUMENTS = {name: {"n1": (s[0] + s[1]) / 2, "n2": s[2]} for name, s in SEGMENTS.items()}


@pytest.fixture
def mqm_file(tmp_path: Path) -> Path:
    path = tmp_path / "mqm_newstest_ende.tsv"
    path.write_text(TSV, encoding="utf-8")
    return path


def test_every_row_weighs_what_its_comment_says() -> None:
    for row in mqm_tsv.parse(TSV):
        assert row.annotation.weight == float(row.annotation.comment), row


def test_segment_document_and_system_scores_by_hand() -> None:
    segments = mqm.segment_scores(mqm_tsv.parse(TSV))
    got = {}
    for seg in segments:
        got.setdefault(seg.system, []).append(seg.score)
    for name, scores in SEGMENTS.items():
        assert got[name] == pytest.approx(scores)
    assert [s.raters for s in segments if s.system == "B"] == [2, 2, 1]
    assert [s.errors for s in segments if s.system == "C"] == [1, 2, 3]
    documents = mqm.document_scores(segments)
    for name, scores in DOCUMENTS.items():
        assert documents[name] == pytest.approx(scores)
    one = mqm.system_score([s for s in segments if s.system == "A"], n_bootstrap=200)
    assert one.metric == "MQM"
    assert one.score == pytest.approx(SYSTEMS["A"])
    assert one.ci_low <= one.score <= one.ci_high
    assert one.signature == "weights:freitag2021|raters:mean|unit:segment|bs:200|seed:12345"


def test_compare_systems_by_hand() -> None:
    comparison = mqm.compare_systems(mqm.segment_scores(mqm_tsv.parse(TSV)), n_samples=500)
    assert comparison.baseline == "A"
    (metric,) = comparison.metrics
    assert (metric.metric, metric.label, metric.higher_is_better) == ("mqm", "MQM", False)
    rows = {row.system: row for row in metric.systems}
    assert [row.system for row in metric.systems] == ["A", "B", "C"]
    for name, score in SYSTEMS.items():
        assert rows[name].score == pytest.approx(score)
        assert rows[name].segments == 3
        assert rows[name].ci_low <= rows[name].mean <= rows[name].ci_high
    assert rows["A"].delta is None and rows["A"].p_value is None
    assert rows["B"].delta == pytest.approx(11 - 1.85)
    assert rows["C"].delta == pytest.approx(0.6 / 3 + 1 / 3 - 1.85)
    for name in ("B", "C"):
        assert 0 < rows[name].p_value <= 1
    again = mqm.compare_systems(mqm.segment_scores(mqm_tsv.parse(TSV)), n_samples=500)
    assert again == comparison  # seeded: a rerun gives the same numbers


def _segments(system: str, scores: list[float]) -> list[mqm.SegmentScore]:
    return [mqm.SegmentScore(system, "d", i, score, 1, int(score > 0)) for i, score in enumerate(scores)]


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_p_values_mean_what_they_say(test: str) -> None:
    base = [0, 1, 5, 0, 0.1, 1, 0, 5, 1, 0] * 5
    # Systems that differ in one segment by one minor error: no evidence of a difference.
    one_error = base.copy()
    one_error[3] += 1
    # A system with a major error more in every segment: a difference beyond chance.
    worse = [s + 5 for s in base]
    segments = _segments("base", base) + _segments("same", base) + _segments("one", one_error)
    segments += _segments("worse", worse)
    rows = {
        row.system: row for row in mqm.compare_systems(segments, test=test, n_samples=1000).metrics[0].systems
    }
    assert rows["same"].delta == 0 and rows["same"].p_value == 1.0
    assert rows["one"].p_value > 0.2
    assert rows["worse"].p_value == pytest.approx(1 / 1001)


def test_pairs_only_the_segments_both_systems_have() -> None:
    segments = _segments("base", [1, 1, 1, 1]) + _segments("part", [2, 2])
    rows = mqm.compare_systems(segments, n_samples=100).metrics[0].systems
    assert rows[1].segments == 2
    assert rows[1].delta == pytest.approx(1.0)


def test_errors_say_what_to_do() -> None:
    segments = mqm.segment_scores(mqm_tsv.parse(TSV))
    with pytest.raises(
        ScoringError, match="baseline 'D' is not a system in the annotations; choose from A, B, C"
    ):
        mqm.compare_systems(segments, baseline="D")
    with pytest.raises(ScoringError, match="no rated segment"):
        mqm.compare_systems([])
    with pytest.raises(ScoringError, match="unknown paired test 'x'"):
        mqm.compare_systems(segments, test="x")


def test_error_counts_by_category_and_severity() -> None:
    counts = mqm.error_counts(mqm_tsv.parse(TSV))
    assert counts["A"] == {
        ("Accuracy/Mistranslation", Severity.MAJOR): 2,
        ("Fluency/Punctuation", Severity.MINOR): 1,
        ("Style/Awkward", Severity.MINOR): 1,
    }
    assert sum(counts["C"].values()) == 6


def test_stored_annotations_score_the_same_way() -> None:
    # What the store will hand over: any record with system, doc, segment and annotation.
    class Stored:
        def __init__(self, system: str, segment: int, annotation: Annotation) -> None:
            self.system, self.doc, self.segment, self.annotation = system, "doc", segment, annotation

    ratings = [
        Stored(
            "raw",
            1,
            Annotation(
                "Accuracy/Mistranslation", Severity.MAJOR, rater="anna", tags=frozenset({"garbled-name"})
            ),
        ),
        Stored("raw", 2, Annotation("No-error", Severity.NO_ERROR, rater="anna")),
        Stored("glossary", 1, Annotation("No-error", Severity.NO_ERROR, rater="anna")),
        Stored("glossary", 2, Annotation("No-error", Severity.NO_ERROR, rater="anna")),
    ]
    rows = mqm.compare_systems(mqm.segment_scores(ratings), n_samples=100).metrics[0].systems
    assert [(r.system, r.score) for r in rows] == [("raw", 2.5), ("glossary", 0.0)]


# --- CLI -----------------------------------------------------------------------------------


def test_cli_mqm_json_gives_the_scores_by_hand(mqm_file: Path) -> None:
    result = CliRunner().invoke(cli, ["score", "--mqm", str(mqm_file), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["test"], out["n_samples"], out["seed"], out["baseline"]) == ("paired-bs", 1000, "12345", "A")
    metric = out["metrics"]["mqm"]
    assert (metric["label"], metric["higher_is_better"]) == ("MQM", False)
    systems = {row["system"]: row for row in metric["systems"]}
    assert {name: row["score"] for name, row in systems.items()} == pytest.approx(SYSTEMS)
    assert systems["A"]["baseline"] and systems["A"]["p_value"] is None
    assert systems["B"]["delta"] == pytest.approx(SYSTEMS["B"] - SYSTEMS["A"])
    assert 0 < systems["C"]["p_value"] <= 1
    for name, scores in DOCUMENTS.items():
        assert out["documents"][name] == pytest.approx(scores)
    assert out["source"] == mqm_file.name


def test_cli_mqm_text_says_lower_is_better(mqm_file: Path) -> None:
    result = CliRunner().invoke(cli, ["score", "--mqm", str(mqm_file), "--baseline", "C", "--paired-ar"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"MQM from {mqm_file.name}: 3 systems, 9 rated segments")
    assert "lower is better" in lines[0]
    assert lines[1].startswith("Paired approximate randomization, 10000 trials, seed 12345; baseline: C")
    assert "MQM (lower is better)" in lines
    c_row = next(line for line in lines if line.strip().startswith("C "))
    assert c_row.endswith("(baseline)") and f"{SYSTEMS['C']:.2f}" in c_row
    b_row = next(line for line in lines if line.strip().startswith("B "))
    assert f"+{SYSTEMS['B'] - SYSTEMS['C']:.2f}" in b_row


def test_cli_export_then_import_round_trips_the_file(mqm_file: Path) -> None:
    rows = mqm_tsv.parse(mqm_file.read_text(encoding="utf-8"))
    assert mqm_tsv.parse(mqm_tsv.dumps(rows)) == rows
    assert mqm_tsv.dumps(rows) == TSV  # well-formed input comes back byte for byte


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--hyp", "x.txt"],
            2,
            "--mqm scores annotations: give it without --hyp, --ref, --system and --names",
        ),
        (["--baseline", "Z"], 1, "baseline 'Z' is not a system in the annotations; choose from A, B, C"),
        (["--mqm", "other.tsv"], 2, "given 2 times"),
    ],
)
def test_cli_mqm_errors(mqm_file: Path, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(cli, ["score", "--mqm", str(mqm_file), *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_bad_mqm_file_is_one_line_naming_the_cell(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(TSV.replace("\tNeutral\t", "\tNeutrl\t"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", "--mqm", str(bad)])
    assert result.exit_code == 1
    line = 1 + 1 + next(i for i, row in enumerate(ROWS) if "\tNeutral\t" in row)
    assert result.output.strip() == (
        f"error: {bad}, line {line}, column 9 (severity): unknown severity 'Neutrl'; "
        "use one of Minor, Major, Critical, Neutral, No-error"
    )
