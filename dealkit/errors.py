"""Exception types of dealkit: every bad input becomes one of these, with a message that names
the file (or parameter), the field and the bad value."""

from __future__ import annotations

__all__ = ["DealkitError", "ParseError", "DealDataError", "ParameterError", "ReportError"]


class DealkitError(Exception):
    """The root of every error dealkit raises on purpose: catch this one to catch them all."""


class ParseError(DealkitError, ValueError):
    """A text is not the number or date it should be (:mod:`dealkit.core.parse`).

    ``str(error)`` reads ``"<what> <reason>"`` (e.g. ``"money must not be negative"``);
    ``reason`` is the part without the subject, for callers that name the subject themselves.
    """

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} {reason}")
        self.what = what
        self.reason = reason


class DealDataError(DealkitError, ValueError):
    """A deal file, or a data file beside it, is invalid.

    The message names the file, the field path and the bad value, e.g.
    ``data/deal.yaml: notes.term_b.face.value: money must not be negative (got '-5.00')``.
    """

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 value: object = None) -> None:
        super().__init__(message)
        self.file = file
        self.field = field
        self.value = value


class ParameterError(DealkitError, ValueError):
    """A notebook or report parameter has a bad name or value; the message names both."""


class ReportError(DealkitError, RuntimeError):
    """The report run could not start (e.g. no such notebook)."""
