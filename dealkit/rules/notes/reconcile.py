"""The default scenario against the demand of record (``default_demand``: the Default Payment
demanded, cited to the public record), term by term (issue 10, item 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dealkit.core.calendar import add_months
from dealkit.core.daycount import interest_from_rate_days
from dealkit.deal.loader import PrimeSeries
from dealkit.rules.notes.default import (
    DefaultScenario,
    default_interest,
    default_payment,
    per_dollar_contract,
    per_dollar_default,
    solve_principal,
)
from dealkit.rules.notes.interest import interest_segments, rate_days
from dealkit.rules.notes.schedule import Schedule
from dealkit.rules.notes.terms import ZERO, NoteAssumptions, cents

__all__ = ["principal_variants", "ReconciliationRow", "scenario_row", "reconcile_rows"]


def principal_variants(
    scenario: DefaultScenario, schedules: Mapping[str, Schedule] | None = None
) -> dict[str, Decimal]:
    """Labelled principals at the default date: this run's, and what it would be had the term notes'
    principal paid before the default (in cash or stock) stayed outstanding — e.g. Term B, whose
    maturity was extended by waivers to dates not known, or Term A's Monthly Amounts deferred.

    .. math:: P' = P + \\sum_{k<default} (principal\\_cash_k + principal\\_stock_k - repaid_k)
    """
    variants = {"this run's schedules": scenario.principal}
    if not schedules:
        return variants
    paid = {
        key: s.principal_cash + s.principal_stock - sum((row.get("repaid", ZERO) for row in s.rows), ZERO)
        for key, s in schedules.items()
        if not s.movements
    }
    term_b, term_a = paid.get("term_b", ZERO), paid.get("term_a", ZERO)
    if term_b:
        variants["Term B still outstanding (not repaid before the default)"] = scenario.principal + term_b
    if term_a:
        variants["Term A's principal payments deferred"] = scenario.principal + term_a
    if term_a and term_b:
        variants["Term A and Term B both still outstanding"] = scenario.principal + term_a + term_b
    return variants


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    """One way to reach the demand: the ``principal`` at default (labelled), months of contract
    interest unpaid (``None``: since the last payment, the scenario itself), default interest from
    (``None``: none), the payment's parts, its ``difference`` from the demand, whether it
    ``reproduces`` it, and the principal that ``would`` on the same terms (``None`` for the scenario)."""

    label: str
    months_unpaid: int | None
    default_from: dt.date | None
    principal: Decimal
    multiple_part: Decimal
    contract_interest: Decimal
    default_interest: Decimal
    fees: Decimal
    payment: Decimal
    difference: Decimal
    reproduces: bool
    needed: Decimal | None = None

    @property
    def gap(self) -> Decimal | None:
        """``needed − principal``: how far the principal is from the one that reproduces the demand."""
        return None if self.needed is None else self.needed - self.principal


def scenario_row(
    demand: Decimal, a: NoteAssumptions, scenario: DefaultScenario, tolerance: Decimal
) -> ReconciliationRow:
    """The scenario itself as the first row: its payment against ``demand``."""
    return ReconciliationRow(
        "this run's default scenario",
        None,
        scenario.default_date,
        scenario.principal,
        cents(scenario.principal * a.default_multiple),
        scenario.accrued_interest,
        scenario.default_interest,
        scenario.fees,
        scenario.payment,
        demand - scenario.payment,
        abs(demand - scenario.payment) <= tolerance,
    )


def _combination(
    demand: Decimal,
    due: dt.date,
    a: NoteAssumptions,
    label: str,
    principal: Decimal,
    months: int,
    contract: Decimal,
    default_from: dt.date | None,
    tolerance: Decimal,
    prime: PrimeSeries | None,
) -> ReconciliationRow:
    """One combination: :math:`DP = \\mathrm{round}(1.30 P) + \\mathrm{round}(I_c) + I_d`, and the
    principal the back-solve (no fees) gives on the same terms."""
    penalty = (
        default_interest(principal, default_from, due, a.default_interest_monthly, day_count=a.day_count)
        if default_from
        else ZERO
    )
    payment = default_payment(principal, contract + penalty, ZERO, a.default_multiple)
    per_dollar = per_dollar_contract(due, due, months, a, prime)[1] + per_dollar_default(default_from, due, a)
    return ReconciliationRow(
        label,
        months,
        default_from,
        principal,
        cents(principal * a.default_multiple),
        contract,
        penalty,
        ZERO,
        payment,
        demand - payment,
        abs(demand - payment) <= tolerance,
        solve_principal(demand, a, per_dollar),
    )


def reconcile_rows(
    deal: Any,
    a: NoteAssumptions,
    scenario: DefaultScenario,
    schedules: Mapping[str, Schedule] | None = None,
    *,
    months_unpaid: Sequence[int] = (0, 1, 2, 3),
    default_from: Sequence[dt.date | None] | None = None,
    prime: PrimeSeries | None = None,
    tolerance: Decimal = Decimal("1.00"),
) -> tuple[ReconciliationRow, ...]:
    """The default scenario's payment against the demand of record, then every combination of the
    principal at default (:func:`principal_variants`), months of contract interest unpaid before
    the due date (month ends kept, :func:`dealkit.core.calendar.add_months`) and default interest from
    none, the default date or Term B's stated maturity:

    .. math:: DP = \\mathrm{round}(1.30\\,P) + \\mathrm{round}(I_c) + I_d

    its difference ``demand − DP``, whether ``|difference| ≤ tolerance`` (the demand is a round
    dollar figure), and the principal that reproduces the demand with no fees
    (:func:`~dealkit.rules.notes.default.solve_principal`). Rows after the first are sorted by
    the size of the difference, closest first.
    """
    demand = deal.default_demand.amount.value
    due = deal.default_demand.due_date.value
    if default_from is None:
        default_from = (None, scenario.default_date, deal.notes["term_b"].maturity.value)
    rows = []
    for label, principal in principal_variants(scenario, schedules).items():
        for months in months_unpaid:
            start = add_months(due, -months)
            segments = interest_segments(principal, start, due, a.margin, a.floor, prime, day_count=a.day_count)
            contract = cents(interest_from_rate_days(rate_days(principal, segments), a.day_count))
            rows += [
                _combination(demand, due, a, label, principal, months, contract, start_default, tolerance, prime)
                for start_default in default_from
                if start_default is None or start_default <= due
            ]
    rows.sort(key=lambda row: abs(row.difference))
    return (scenario_row(demand, a, scenario, tolerance), *rows)
