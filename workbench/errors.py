"""One exception hierarchy for everything a user can get wrong.

Every message names the bad input, what is wrong with it and what to do next; the
CLI and the app print the message as it is, never a traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` is the whole message."""


class InputError(WorkbenchError):
    """An input file or text that cannot be used (missing, binary, empty, too large...)."""


class ModelLoadError(WorkbenchError):
    """A translation model that cannot be loaded."""


class TranslationError(WorkbenchError):
    """Decoding failed for a reason the user can act on (e.g. bad decoding options)."""


class ScoringError(WorkbenchError):
    """Hypotheses and references that cannot be scored together."""


class StoreError(WorkbenchError):
    """The workbench database cannot be opened or used."""


class NotFoundError(StoreError):
    """A document, segment, flag or glossary entry that does not exist."""


class ConflictError(StoreError):
    """A save based on a stale version: someone else changed the row first.

    Besides the message, it carries who changed it, when (ISO 8601 UTC) and, where there is
    one, the text they saved, so a front-end can show theirs beside the reviewer's own.
    """

    def __init__(self, message: str, *, who: str = "", when: str = "", theirs: str | None = None) -> None:
        super().__init__(message)
        self.who = who
        self.when = when
        self.theirs = theirs


class PermissionDenied(WorkbenchError):
    """An action the person's role does not allow (a reviewer editing the glossary...)."""


class GlossaryError(WorkbenchError):
    """A glossary file or entry that cannot be used."""


class FormatError(InputError):
    """A file in an exchange format (e.g. the WMT MQM TSV) that breaks the format's rules."""
