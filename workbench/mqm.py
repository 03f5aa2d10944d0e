"""MQM error annotation: the typology WMT uses, severities, the published weighting, one error.

One model for the errors a reviewer marks on the Review page and the rows of the WMT MQM
files (Freitag et al. 2021, github.com/google/wmt-mqm-human-evaluation), so imported and
hand-made annotations are scored alike. Categories are written as in those files
("Accuracy/Mistranslation", "Non-translation!", "No-error"); a file may use finer
subcategories ("Terminology/Inappropriate for context"), so a category is valid when its
top level is one of WMT's. Pure: no storage, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from workbench.errors import InputError

ACCURACY_MISTRANSLATION = "Accuracy/Mistranslation"
ACCURACY_OMISSION = "Accuracy/Omission"
ACCURACY_ADDITION = "Accuracy/Addition"
ACCURACY_UNTRANSLATED = "Accuracy/Untranslated text"
FLUENCY_GRAMMAR = "Fluency/Grammar"
FLUENCY_SPELLING = "Fluency/Spelling"
FLUENCY_PUNCTUATION = "Fluency/Punctuation"
FLUENCY_REGISTER = "Fluency/Register"
FLUENCY_INCONSISTENCY = "Fluency/Inconsistency"
TERMINOLOGY = "Terminology"
STYLE_AWKWARD = "Style/Awkward"
LOCALE_CONVENTION = "Locale convention"
# WMT spells the whole-segment category with an exclamation mark, so it sorts apart.
NON_TRANSLATION = "Non-translation!"
OTHER = "Other"
# Rows the WMT files contain besides errors in the translation.
SOURCE_ERROR = "Source error"
NO_ERROR = "No-error"

# What a reviewer picks from, in this order (issue 8's typology).
CATEGORIES: tuple[str, ...] = (
    ACCURACY_MISTRANSLATION,
    ACCURACY_OMISSION,
    ACCURACY_ADDITION,
    ACCURACY_UNTRANSLATED,
    FLUENCY_GRAMMAR,
    FLUENCY_SPELLING,
    FLUENCY_PUNCTUATION,
    FLUENCY_REGISTER,
    FLUENCY_INCONSISTENCY,
    TERMINOLOGY,
    STYLE_AWKWARD,
    LOCALE_CONVENTION,
    NON_TRANSLATION,
    OTHER,
)
TOP_LEVELS: tuple[str, ...] = (
    "Accuracy",
    "Fluency",
    "Terminology",
    "Style",
    "Locale convention",
    NON_TRANSLATION,
    OTHER,
    SOURCE_ERROR,
    NO_ERROR,
)

GARBLED_NAME = "garbled-name"
# A garbled name is a mistranslation of the name, or a wrong term for it.
_GARBLED_NAME_TOPS = (ACCURACY_MISTRANSLATION, TERMINOLOGY)


class Severity(StrEnum):
    """Severities as the WMT files write them; No-error marks a segment a rater found clean."""

    MINOR = "Minor"
    MAJOR = "Major"
    CRITICAL = "Critical"
    NEUTRAL = "Neutral"
    NO_ERROR = "No-error"


_SEVERITY_BY_FOLDED = {s.value.casefold(): s for s in Severity}

# Freitag et al. 2021, section 3.3 and Table 2; the issue maps Critical onto Non-translation's weight.
WEIGHT_MAJOR = 5.0
WEIGHT_MINOR = 1.0
WEIGHT_MINOR_PUNCTUATION = 0.1
WEIGHT_NON_TRANSLATION = 25.0

Side = Literal["source", "target"]
SIDES: tuple[Side, ...] = ("source", "target")


def top_level(category: str) -> str:
    """The part before the first "/": "Accuracy" for "Accuracy/Omission"."""
    return category.split("/", 1)[0]


def parse_severity(text: str) -> Severity:
    """A severity as written in a file or form, in any case; InputError if it is none of WMT's."""
    try:
        return _SEVERITY_BY_FOLDED[text.strip().casefold()]
    except KeyError:
        raise InputError(
            f"unknown severity {text!r}; use one of {', '.join(s.value for s in Severity)}"
        ) from None


def check_category(category: str) -> None:
    """InputError unless the category's top level is one of WMT's (subcategories are free)."""
    if top_level(category) not in TOP_LEVELS or category != category.strip() or category.endswith("/"):
        raise InputError(
            f"unknown category {category!r}; a category is one of {', '.join(TOP_LEVELS)}, "
            "optionally followed by /subcategory (e.g. Accuracy/Mistranslation)"
        )


def weight(category: str, severity: Severity) -> float:
    """The published MQM weight of one error (lower total is better).

    Major 5, Minor 1, Minor Fluency/Punctuation 0.1, Non-translation 25, Neutral 0. Critical
    counts as a Non-translation (25). Source errors are the source's fault, not the
    translation's, and weigh 0, as in Google's Marot viewer for these files.
    """
    top = top_level(category)
    if severity in (Severity.NEUTRAL, Severity.NO_ERROR) or top in (SOURCE_ERROR, NO_ERROR):
        return 0.0
    if top == NON_TRANSLATION or severity is Severity.CRITICAL:
        return WEIGHT_NON_TRANSLATION
    if severity is Severity.MAJOR:
        return WEIGHT_MAJOR
    if category.casefold() == FLUENCY_PUNCTUATION.casefold():
        return WEIGHT_MINOR_PUNCTUATION
    return WEIGHT_MINOR


@dataclass(frozen=True)
class Annotation:
    """One rater's judgement of one translated segment: an error, or No-error.

    The span is on the source or the target (``side``), as character offsets [start, end)
    into the plain text (no markers). An error without a span (an omission the rater did
    not locate, a whole-segment Non-translation) has side None. Tags refine a category
    without changing its weight; GARBLED_NAME marks a misspelt name and belongs on
    Accuracy/Mistranslation or Terminology.
    """

    category: str
    severity: Severity
    side: Side | None = None
    start: int = 0
    end: int = 0
    correction: str = ""
    comment: str = ""
    rater: str = ""
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        check_category(self.category)
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", parse_severity(str(self.severity)))
        if (self.category == NO_ERROR) != (self.severity is Severity.NO_ERROR):
            raise InputError(
                f"category {self.category!r} with severity {self.severity.value!r}: No-error goes with "
                "No-error only (a segment without errors), every other category with "
                "Minor, Major, Critical or Neutral"
            )
        if self.side is None:
            if self.start or self.end:
                raise InputError(f"span {self.start}-{self.end} without a side; say source or target")
        elif self.side not in SIDES:
            raise InputError(f"span side {self.side!r}; use source or target")
        elif not 0 <= self.start <= self.end:
            raise InputError(
                f"span {self.start}-{self.end}: the start must be 0 or more and not after the end"
            )
        if self.category == NO_ERROR and (self.side is not None or self.correction or self.tags):
            raise InputError("a No-error judgement has no span, correction or tags")
        object.__setattr__(self, "tags", frozenset(self.tags))
        if GARBLED_NAME in self.tags and not self.category.startswith(_GARBLED_NAME_TOPS):
            raise InputError(
                f"the {GARBLED_NAME} tag belongs on {' or '.join(_GARBLED_NAME_TOPS)}, not on {self.category}"
            )

    @property
    def is_error(self) -> bool:
        return self.category != NO_ERROR

    @property
    def weight(self) -> float:
        return weight(self.category, self.severity)

    def check_span(self, source: str, target: str) -> None:
        """InputError unless the span lies inside the text of its side."""
        if self.side is None:
            return
        text = source if self.side == "source" else target
        if self.end > len(text):
            raise InputError(
                f"span {self.start}-{self.end} runs past the end of the {self.side} ({len(text)} characters)"
            )
