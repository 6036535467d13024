"""Review findings: what the documents say about the same thing, compared.

Every finding is computed from the loaded :class:`~dealkit.deal.model.Deal`, so editing the data
changes the findings. Each carries the citations on each side. Checks that pass are listed too,
so a reader sees what was compared, not only what failed. The checks live in
:mod:`dealkit.deal.review_compare` and :mod:`dealkit.deal.review_gaps`; a finding is
:class:`dealkit.deal.findings.Finding` (importable from here).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from dealkit.deal.findings import SEVERITIES, Finding, Severity
from dealkit.deal.model import Deal
from dealkit.deal.review_compare import COMPARISONS
from dealkit.deal.review_gaps import GAP_CHECKS, LIST_CHECKS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Finding", "Review", "review", "SEVERITIES", "Severity"]


@dataclass(frozen=True, slots=True)
class Review:
    """The findings of :func:`review`, most severe first, and the comparisons that passed."""

    findings: tuple[Finding, ...]
    passed: tuple[str, ...] = field(default=())

    def by_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind (``"jurisdiction"``, ``"blank"``, ...)."""
        return [finding for finding in self.findings if finding.kind == kind]

    def counts(self) -> dict[str, int]:
        """How many findings of each severity, every severity listed."""
        out: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            out[finding.severity] += 1
        return out

    def to_json(self) -> str:
        """The findings, the passed comparisons and the counts as JSON."""
        return json.dumps(
            {
                "findings": [asdict(finding) for finding in self.findings],
                "passed": list(self.passed),
                "counts": self.counts(),
            },
            indent=2,
            default=str,
        )

    def to_frame(self) -> pd.DataFrame:
        """The findings as a table (pandas is imported lazily: the CLI does not need it)."""
        import pandas as pd

        rows = [
            {
                "severity": finding.severity,
                "kind": finding.kind,
                "finding": finding.title,
                "detail": finding.detail,
                "citations": "; ".join(finding.citations),
            }
            for finding in self.findings
        ]
        return pd.DataFrame(rows, columns=["severity", "kind", "finding", "detail", "citations"])


def review(deal: Deal) -> Review:
    """Compare what the documents say and list the findings, most severe first.

    Kinds: ``jurisdiction``, ``holder``, ``option_holder`` (whose economics the Option belongs in),
    ``totals``, ``dates``, ``blank``, ``naming``,
    ``contradiction``, ``cross_reference`` and ``assumption`` (every assumed term a report uses).
    The order within a severity is the order of the checks (the sort is stable).

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> result = review(load_deal())
    >>> [finding.severity for finding in result.findings][:1]
    ['high']
    >>> set(result.counts()) == set(SEVERITIES)
    True
    """
    findings: list[Finding] = []
    passed: list[str] = []
    for check in (*COMPARISONS, *GAP_CHECKS):
        found, held = check(deal)
        findings += found
        passed += held
    for list_check in LIST_CHECKS:
        findings += list_check(deal)
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    findings.sort(key=lambda finding: order[finding.severity])  # stable: the check order stays within a severity
    return Review(tuple(findings), tuple(passed))
