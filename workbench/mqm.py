"""The MQM error typology WMT uses (Freitag et al. 2021), its severities and weights.

Pure: what an error category or severity may be, and what an error costs. The review page
offers these; imported MQM files may carry finer categories ("Terminology/Inappropriate for
context"), which count by their top-level part.
"""

from __future__ import annotations

CATEGORIES = (
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
    "Non-translation",
    "Other",
)
SEVERITIES = ("Minor", "Major", "Critical", "Neutral")
NO_ERROR = "No-error"
"""The category (and severity) of a rater's row that found nothing wrong in a segment."""

# Published weighting: Major 5, Minor 1, a minor punctuation error 0.1, a non-translation 25
# (whatever severity the rater gave it), Neutral 0. Critical is weighted as a non-translation.
MAJOR, MINOR, MINOR_PUNCTUATION, NON_TRANSLATION, NEUTRAL = 5.0, 1.0, 0.1, 25.0, 0.0


def weight(category: str, severity: str) -> float:
    """What one error costs in the MQM score (lower is better)."""
    top = category.rstrip("!").strip()
    if top == NO_ERROR or severity in (NO_ERROR, "Neutral"):
        return NEUTRAL
    if top == "Non-translation" or severity == "Critical":
        return NON_TRANSLATION
    if severity == "Major":
        return MAJOR
    if severity == "Minor":
        return MINOR_PUNCTUATION if top == "Fluency/Punctuation" else MINOR
    return NEUTRAL
