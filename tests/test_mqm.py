"""The MQM annotation model: typology, severities, the published weighting, one error."""

from __future__ import annotations

import pytest

from workbench import mqm
from workbench.errors import InputError
from workbench.mqm import Annotation, Severity


def test_the_typology_is_wmts() -> None:
    assert mqm.CATEGORIES == (
        "Accuracy/Mistranslation",
        "Accuracy/Omission",
        "Accuracy/Addition",
        "Accuracy/Untranslated text",
        "Fluency/Grammar",
        "Fluency/Spelling",
        "Fluency/Punctuation",
        "Fluency/Register",
        "Fluency/Inconsistency",
        "Terminology",
        "Style/Awkward",
        "Locale convention",
        "Non-translation!",
        "Other",
    )
    # Subcategories as the WMT files write them are accepted; unknown top levels are not.
    for category in (
        "Terminology/Inappropriate for context",
        "Source error/-",
        "Locale convention/Name format",
    ):
        mqm.check_category(category)
    for category in ("Acuracy/Mistranslation", "", "Fluency/", " Other"):
        with pytest.raises(InputError, match="unknown category"):
            mqm.check_category(category)


@pytest.mark.parametrize(
    ("category", "severity", "weight"),
    [
        ("Accuracy/Mistranslation", "Major", 5.0),
        ("Accuracy/Mistranslation", "Minor", 1.0),
        ("Fluency/Punctuation", "Minor", 0.1),
        ("Fluency/Punctuation", "Major", 5.0),  # a major punctuation error weighs like any major
        ("Non-translation!", "Major", 25.0),
        ("Non-translation!", "Minor", 25.0),
        ("Accuracy/Omission", "Critical", 25.0),
        ("Style/Awkward", "Neutral", 0.0),
        ("Non-translation!", "Neutral", 0.0),
        ("Source error", "Major", 0.0),
        ("Source error/-", "Minor", 0.0),
        ("No-error", "No-error", 0.0),
        ("Terminology/Inappropriate for context", "Major", 5.0),
    ],
)
def test_published_weights(category: str, severity: str, weight: float) -> None:
    assert mqm.weight(category, Severity(severity)) == weight
    assert Annotation(category, Severity(severity)).weight == weight


def test_severities_read_in_any_case() -> None:
    assert mqm.parse_severity("major") is Severity.MAJOR
    assert mqm.parse_severity(" No-error ") is Severity.NO_ERROR
    assert Annotation("Other", "minor").severity is Severity.MINOR  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown severity 'Trivial'; use one of Minor, Major, Critical"):
        mqm.parse_severity("Trivial")


def test_an_annotation_holds_what_a_reviewer_marks() -> None:
    a = Annotation(
        "Accuracy/Mistranslation",
        Severity.MAJOR,
        side="target",
        start=4,
        end=10,
        correction="Milley",
        comment="garbled surname",
        rater="anna",
        tags=frozenset({mqm.GARBLED_NAME}),
    )
    assert a.is_error and a.weight == 5.0
    a.check_span("Gen. Milli sprach.", "Gen. Millie spoke.")
    with pytest.raises(InputError, match="runs past the end of the target"):
        a.check_span("Gen. Milli sprach.", "Gen.")
    assert Annotation("Terminology", Severity.MINOR, tags=frozenset({mqm.GARBLED_NAME})).tags == {
        "garbled-name"
    }
    assert not Annotation("No-error", Severity.NO_ERROR, rater="anna").is_error


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"category": "No-error", "severity": Severity.MAJOR}, "No-error goes with No-error only"),
        ({"category": "Other", "severity": Severity.NO_ERROR}, "No-error goes with No-error only"),
        ({"category": "Other", "severity": Severity.MINOR, "start": 2, "end": 4}, "without a side"),
        ({"category": "Other", "severity": Severity.MINOR, "side": "mt", "end": 4}, "use source or target"),
        (
            {"category": "Other", "severity": Severity.MINOR, "side": "source", "start": 5, "end": 4},
            "not after",
        ),
        (
            {"category": "Fluency/Spelling", "severity": Severity.MINOR, "tags": frozenset({"garbled-name"})},
            "belongs on Accuracy/Mistranslation or Terminology",
        ),
        (
            {"category": "No-error", "severity": Severity.NO_ERROR, "side": "target", "end": 1},
            "no span, correction or tags",
        ),
    ],
)
def test_an_inconsistent_annotation_is_refused_with_a_reason(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Annotation(**kwargs)
