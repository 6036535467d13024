"""The economics: who holds the Option, its value, the lender's and the borrower's dated cash
flows (:class:`dealkit.core.cashflows.CashFlow`) and their XIRR.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from dealkit.core.cashflows import CashFlow, xirr
from dealkit.errors import DealDataError, ParameterError
from dealkit.rules.notes.conversion import Market
from dealkit.rules.notes.schedule import Schedule
from dealkit.rules.notes.terms import ZERO, cents

__all__ = [
    "OPTION_HOLDERS",
    "default_option_holder",
    "parse_option_holder",
    "option_value",
    "lender_cash_flows",
    "borrower_cash_flows",
    "xirr",
    "CashFlow",
]

#: Who holds the Option, for whose economics its value enters (issue 10, item 4; deal-facts.md
#: "Parallel lender"): the choice is explicit and labelled in every flow table.
OPTION_HOLDERS = {
    "laurus": "in Laurus's flows (the escrow's Schedule A lists Laurus as the option recipient)",
    "gssf": "in GSSF's flows, not Laurus's (the Option names GSSF Master Fund, L.P. as Holder; GSSF is a "
    "Gryphon affiliate, the parallel lender's side)",
    "excluded": "in no lender's flows (the Option's value left out)",
}


def default_option_holder(deal: Any) -> str:
    """The default of the ``option_holder`` choice: the Holder *the Option itself names*
    (``option.holder``: GSSF Master Fund, L.P., preamble: "GSSF MASTER FUND, L.P., or assigns (the
    'Holder')"). Why not Laurus: the executed instrument governs who holds it; the escrow's
    Schedule A only lists the recipient, and deal-facts.md "Parallel lender" records that GSSF is a
    Gryphon affiliate named as a separate secured party (Exhibit 4.21) — so the Option most likely
    belongs to the parallel lender's side. Neither reading is certain: it stays a parameter."""
    holder = deal.option.holder.value
    return holder if holder in OPTION_HOLDERS else "excluded"


def parse_option_holder(value: object, deal: Any) -> str:
    """The ``option_holder`` parameter: ``laurus``, ``gssf``, ``excluded``, or ``deal`` for
    :func:`default_option_holder`.

    Raises
    ------
    ParameterError
        For anything else, naming the parameter and the value (cut short).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> parse_option_holder(" Laurus ", load_deal()), parse_option_holder("deal", load_deal())
    ('laurus', 'gssf')
    """
    text = value.strip().lower() if isinstance(value, str) else None
    if text == "deal":
        return default_option_holder(deal)
    if text in OPTION_HOLDERS:
        return text
    shown = repr(value)[:40] + ("…" if len(repr(value)) > 40 else "")
    raise ParameterError(f"parameter option_holder: one of {', '.join(OPTION_HOLDERS)} or deal (got {shown})")


def option_value(deal: Any, market: Market, day: dt.date | None = None) -> Decimal:
    """The Option's intrinsic value on ``day`` (default: its issue date): all its shares (§1.1)
    at the market close less the exercise price (definitions (c)), never negative, to the cent
    half-up. No time value is added (a penny-strike option: intrinsic value is nearly all of it).

    .. math:: V = \\mathrm{round}(N \\cdot \\max(0, S_t - K))
    """
    option = deal.option
    day = day or option.issue_date.value
    return cents(option.shares.value * max(Decimal(0), market.close(day) - option.exercise_price.value))


def _lent(schedule: Schedule, closing: dt.date) -> Iterable[CashFlow]:
    """What the lender paid out on a note: a term note's face on its issue date; each revolver draw
    (−) and repayment (+) on its own date, up to the date the schedule was cut."""
    if not (schedule.movements or schedule.initial == ZERO):
        yield CashFlow(schedule.issue or closing, -schedule.opening_balance, f"{schedule.note}: lent")
        return
    for when, amount in schedule.movements:
        if schedule.until is None or when <= schedule.until:
            yield CashFlow(when, -amount, f"{schedule.note}: draw" if amount > 0 else f"{schedule.note}: repayment")


def _received(schedule: Schedule, market: Market) -> Iterable[CashFlow]:
    """What the lender received on a note's payment dates: interest, cash principal due and
    premiums, and conversion shares at the market close on the day (to the cent, half-up)."""
    for row in schedule.rows:
        principal_cash = row.principal_cash - row.get("repaid", ZERO)  # repayments are dated flows (:func:`_lent`)
        cash = row.interest + principal_cash + row.premium
        if cash:
            yield CashFlow(row.date, cash, f"{schedule.note}: interest, cash principal, premium")
        if row.shares:
            yield CashFlow(
                row.date,
                cents(row.shares * market.close(row.date)),
                f"{schedule.note}: {row.shares:,} shares at market",
            )


def lender_cash_flows(
    schedules: Sequence[Schedule],
    market: Market,
    funded: Decimal,
    closing: dt.date,
    closing_payment: Decimal,
    recovery: Decimal | None = None,
    recovery_date: dt.date | None = None,
    *,
    option_holder: str = "excluded",
    option: Decimal | None = None,
) -> list[CashFlow]:
    """Laurus's cash flows, each on its own date (issue 10, item 4): each note lent and each
    revolver draw and repayment on its own date (:func:`_lent`); the Closing Payment (+, FEA
    Schedule A) at ``closing``; what each payment date paid (:func:`_received`); the Option's value
    ``option`` (+, at ``closing``) **only when** ``option_holder == "laurus"`` (one of
    :data:`OPTION_HOLDERS`); optionally a default recovery (+) on ``recovery_date``.

    .. math:: \\text{lent at closing} \\le \\text{funded (FEA §1.1(d))}

    Raises
    ------
    ParameterError
        For an ``option_holder`` not in :data:`OPTION_HOLDERS`.
    DealDataError
        When the notes lend more at closing than ``funded`` (the Escrowed Payment), naming the field.
    """
    if option_holder not in OPTION_HOLDERS:
        raise ParameterError(
            f"option_holder must be one of {', '.join(OPTION_HOLDERS)} (got {str(option_holder)[:40]!r})"
        )
    flows = [CashFlow(closing, closing_payment, "Closing Payment (FEA Schedule A)")]
    for schedule in schedules:
        flows += [*_lent(schedule, closing), *_received(schedule, market)]
    lent_at_closing = -sum((flow.amount for flow in flows if flow.date == closing and flow.amount < 0), ZERO)
    if lent_at_closing > funded:
        raise DealDataError(
            f"deal file: escrow.escrowed_payment.value: the notes lend {lent_at_closing:,.2f} at "
            f"closing, more than the {funded:,.2f} escrowed (FEA §1.1(d); Schedule A)",
            field="escrow.escrowed_payment.value",
            value=str(funded),
        )
    if option_holder == "laurus" and option is not None:
        flows.append(CashFlow(closing, option, "the Option at intrinsic value (option_holder = laurus)"))
    if recovery is not None and recovery_date is not None:
        flows.append(CashFlow(recovery_date, recovery, "default recovery (scenario)"))
    return sorted(flows, key=lambda flow: flow.date)


def borrower_cash_flows(
    lender_flows: Sequence[CashFlow | tuple[dt.date, Decimal, str]], agent_fee: Decimal = ZERO
) -> list[CashFlow]:
    """ATG's side: the mirror of the lender's flows, less the agent's fee retained from the escrow.

    .. math:: CF^{ATG}_j = -CF^{L}_j, \\quad \\text{plus } -fee \\text{ at closing}

    Stock is a cost at its market value. With an agent fee of 0 the flows are exactly the negated
    lender flows, so ATG's all-in cost equals the lender's XIRR.
    """
    flows = [CashFlow(day, -amount, what) for day, amount, what in lender_flows]
    if agent_fee:
        closing = min(flow[0] for flow in lender_flows)
        flows.append(CashFlow(closing, -agent_fee, "Escrow Agent's fee (retained)"))
    return sorted(flows, key=lambda flow: flow.date)
