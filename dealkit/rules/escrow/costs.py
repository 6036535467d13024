"""What the escrow costs and earns: the Escrow Agent's expenses (FEA §4.1(b)-(c)) and the two
readings of the interest clause (FEA §5.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dealkit.core.money import simple_interest_act_360, simple_interest_act_365, to_decimal
from dealkit.rules.escrow.terms import ZERO, InstructionError, money_field, term

__all__ = ["ExpenseSplit", "agent_expenses", "INTEREST_READINGS", "InterestReadings", "interest_readings"]


@dataclass(frozen=True, slots=True)
class ExpenseSplit:
    """Who bears the Escrow Agent's out-of-pocket expenses (FEA §4.1(b)-(c)).

    ``reimbursed_capped``: by the parties, jointly and severally, up to the cap (§4.1(c));
    ``indemnified``: within the §4.1(b) indemnity, not capped; ``borne_by_agent``: above the cap
    and outside the indemnity; ``cap``: the §4.1(c) cap used.
    """

    reimbursed_capped: Decimal
    indemnified: Decimal
    borne_by_agent: Decimal
    cap: Decimal

    @property
    def total(self) -> Decimal:
        """All the expenses: ``reimbursed_capped + indemnified + borne_by_agent``."""
        return self.reimbursed_capped + self.indemnified + self.borne_by_agent


def agent_expenses(
    ordinary: Decimal | str,
    indemnifiable: Decimal | str = ZERO,
    cap: Decimal | str | None = None,
    gross_negligence: bool = False,
) -> ExpenseSplit:
    """Split the agent's expenses (FEA §4.1(c), subject to §4.1(b)).

    .. math:: \\text{reimbursed} = \\min(\\text{ordinary}, \\text{cap}), \\quad
              \\text{borne} = \\text{ordinary} - \\text{reimbursed} + (\\text{indemnifiable} - \\text{indemnified})

    ``ordinary``: "reasonable out-of-pocket expenses ... incurred in connection with the
    performance of its duties" — the Purchaser and the Companies reimburse them jointly and
    severally up to ``cap`` (§4.1(c): "which shall not (subject to Section 4.1(b)) exceed
    $2,500"; the deal file's ``escrow.expense_cap``, default the embedded deal's).
    ``indemnifiable``: costs within the §4.1(b) indemnity — recoverable without the cap, "except
    for such claims ... incurred by reason of the Escrow Agent's gross negligence or willful
    misconduct" (``gross_negligence=True``: the agent bears them). ``total`` equals the inputs'
    sum; no rounding (whole cents in, whole cents out).

    Examples
    --------
    >>> split = agent_expenses("100.00", "40.00", cap="60.00")
    >>> split.reimbursed_capped, split.indemnified, split.borne_by_agent
    (Decimal('60.00'), Decimal('40.00'), Decimal('40.00'))
    """
    ordinary_amount = money_field(ordinary, "ordinary")
    indemnifiable_amount = money_field(indemnifiable, "indemnifiable")
    cap_amount = money_field(term(cap, "expense_cap"), "cap")
    capped = min(ordinary_amount, cap_amount)
    indemnified = ZERO if gross_negligence else indemnifiable_amount
    borne = ordinary_amount - capped + (indemnifiable_amount - indemnified)
    return ExpenseSplit(capped, indemnified, borne, cap_amount)


#: The two readings of FEA §5.3, both named; the default first.
INTEREST_READINGS = {
    "no_interest_payable": (
        '§5.3\'s operative words, "nor will interest be payable in connection therewith": whatever account holds the '
        "funds, no interest is paid to anyone (default)"
    ),
    "interest_follows_funds": (
        '§5.3\'s first words, "shall be held in an interest bearing account", read as the account earning interest '
        "that follows the funds to their recipients — against the second half"
    ),
}


@dataclass(frozen=True, slots=True)
class InterestReadings:
    """FEA §5.3 over one hold: ``days`` held, what an interest-bearing account would earn
    (``interest_earned``), what the parties receive under ``interest_follows_funds``
    (``to_parties_a``) and under ``no_interest_payable`` (``to_parties_b``, the default), and
    their ``difference``."""

    days: int
    interest_earned: Decimal
    to_parties_a: Decimal
    to_parties_b: Decimal
    difference: Decimal
    default_reading: str = "no_interest_payable"

    @property
    def to_parties(self) -> Decimal:
        """What the parties receive under the default reading (no interest payable)."""
        return self.to_parties_b if self.default_reading == "no_interest_payable" else self.to_parties_a


def _checked_rate(annual_rate: Decimal | str) -> Decimal:
    """An annual rate, a fraction between 0 and 1, or :class:`InstructionError`."""
    try:
        rate = to_decimal(annual_rate, "annual_rate")
    except ValueError as exc:
        raise InstructionError(f"annual_rate: {str(exc).split(': ', 1)[-1]}") from None
    if not rate.is_finite() or not (0 <= rate <= 1):
        raise InstructionError(f"annual_rate: a fraction between 0 and 1 (got {str(annual_rate)[:40]!r})")
    return rate


def interest_readings(
    amount: Decimal | str, annual_rate: Decimal | str, start: dt.date, end: dt.date, day_count: int = 360
) -> InterestReadings:
    """The two readings of FEA §5.3, "The Escrowed Payment shall be held in an interest bearing
    account nor will interest be payable in connection therewith", for a hold from ``start`` to
    ``end`` (:data:`INTEREST_READINGS`).

    - ``"no_interest_payable"`` (default): the clause ends "nor will interest be payable in
      connection therewith" — a flat statement that no interest is payable; the "nor" also marks
      the first half as a negative with a dropped "not" ("shall [not] be held in an interest
      bearing account nor ..."). The parties receive nothing: ``to_parties_b = 0``.
    - ``"interest_follows_funds"``: the first half as written, "shall be held in an interest
      bearing account", with the interest following the funds, simple interest rounded once
      half-up (ROUND_HALF_UP) to the cent by :func:`dealkit.core.money.simple_interest_act_360` (the
      U.S. money-market convention, the default) or, with ``day_count=365``,
      :func:`dealkit.core.money.simple_interest_act_365`:

      .. math:: I = \\operatorname{round}_{\\text{half-up}}\\left(P \\cdot r \\cdot \\frac{days}{360}\\right)

      It contradicts the second half, so it is not the default.

    ``difference = I − 0``: what the contradiction is worth.

    Raises
    ------
    InstructionError
        A negative amount, a rate outside 0..1, a day count other than 360 or 365, ``end``
        before ``start``.

    Examples
    --------
    >>> import datetime
    >>> readings = interest_readings("1000000.00", "0.036", datetime.date(2005, 9, 7), datetime.date(2005, 10, 7))
    >>> readings.days, readings.to_parties_a, readings.to_parties
    (30, Decimal('3000.00'), Decimal('0.00'))
    """
    principal = money_field(amount, "amount")
    rate = _checked_rate(annual_rate)
    if day_count not in (360, 365):
        raise InstructionError(f"day_count: 360 or 365 (got {str(day_count)[:40]!r})")
    days = (end - start).days
    if days < 0:
        raise InstructionError(f"end {end} is before start {start}")
    simple_interest = simple_interest_act_360 if day_count == 360 else simple_interest_act_365
    earned = simple_interest(principal, rate, start, end, rounding=ROUND_HALF_UP)  # once, half-up
    return InterestReadings(days, earned, earned, ZERO, earned)
