"""A review finding: what differs between the documents (or is blank, or assumed), and where.

Shared by the checks of :mod:`dealkit.deal.review_compare` and :mod:`dealkit.deal.review_gaps`,
collected by :func:`dealkit.deal.review.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dealkit.deal.model import Cited, Deal

__all__ = ["Severity", "SEVERITIES", "Finding", "Check", "citation", "short_title"]

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One discrepancy, blank or assumption: what differs and where each side says so."""

    kind: str
    severity: Severity
    title: str
    detail: str
    citations: tuple[str, ...]
    fields: tuple[str, ...] = ()


#: What a check returns: its findings and the comparisons that passed.
Check = tuple[list[Finding], list[str]]


def citation(deal: Deal, cited: Cited) -> str:
    """The human citation of ``cited``'s source (``Funds Escrow Agreement §1.1(d)``)."""
    return deal.cite(cited.source)


def short_title(title: str) -> str:
    """'Secured Convertible Term Note B' -> 'Term Note B' (how the history names a note)."""
    words = title.split()
    return " ".join(words[-3:]) if len(words) >= 3 else title
