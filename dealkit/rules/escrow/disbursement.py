"""The disbursement of FEA §3.1(a), to the cent: retained items first, then the Joint
Instructions; the rows always pay out exactly what the escrow holds."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dealkit.core.money import CENT
from dealkit.rules.escrow.instructions import Instruction, check_instructions, lists_closing_payment
from dealkit.rules.escrow.terms import ZERO, InstructionError, cents_half_up, escrow_terms, money_field, term

__all__ = ["Disbursement", "Disbursements", "allocate", "disburse", "disburse_deal"]


@dataclass(frozen=True, slots=True)
class Disbursement:
    """One payment out of the escrow: to ``payee``, ``amount`` dollars, on ``basis``, under
    ``section`` of the agreement."""

    payee: str
    amount: Decimal
    basis: str
    section: str


class Disbursements(list[Disbursement]):
    """The rows of a disbursement (a ``list`` of :class:`Disbursement`), with ``findings``: what
    was dropped from the Joint Instructions and why (e.g. the Closing Payment listed again)."""

    findings: tuple[str, ...] = ()

    def __init__(self, rows: Iterable[Disbursement] = (), findings: Iterable[str] = ()) -> None:
        super().__init__(rows)
        self.findings = tuple(findings)


def _odd_cents(
    base: Decimal, fixed_total: Decimal, exact: dict[int, Fraction], floor: dict[int, Decimal]
) -> dict[int, Decimal]:
    """The largest-remainder method: the cents the rounded-down percent shares leave, one each to
    the shares with the largest dropped fractions (ties: the earlier instruction)."""
    cents = int((base - fixed_total - sum(floor.values(), ZERO)) / CENT)
    order = sorted(floor, key=lambda index: (-(exact[index] - Fraction(floor[index])), index))
    return {index: (CENT if index in order[:cents] else Decimal(0)) for index in floor}


def _check_allocation(base: Decimal, allocated: Fraction, has_remainder: bool) -> None:
    """The instructions allocate at most ``base``, and all of it without a remainder payee."""
    if allocated > base:
        raise InstructionError(
            f"instructions: over-allocated by {cents_half_up(allocated - Fraction(base))}: they "
            f"allocate {cents_half_up(allocated)} of {base} left after the retained items"
        )
    if not has_remainder and allocated != base:
        raise InstructionError(
            f"instructions: {cents_half_up(Fraction(base) - allocated)} left unallocated and no "
            'remainder payee ({"payee": ..., "remainder": true})'
        )


def allocate(base: Decimal, parsed: list[Instruction], section: str = "FEA §3.1(a)(iii)") -> list[Disbursement]:
    """Allocate ``base`` among checked Joint Instructions (FEA §3.1(a)(iii)).

    Fixed amounts as given; each percent share ``floor(base × p / 100)`` to the cent (exactly,
    in ``Fraction``: no rounding at ``Decimal``'s 28 digits; ROUND_DOWN); the remainder payee
    takes ``base − Σ fixed − Σ shares``; without one the cents left go one each to the largest
    dropped fractions (:func:`_odd_cents`).

    Raises
    ------
    InstructionError
        Over-allocation, or money left unallocated without a remainder payee.
    """
    has_remainder = any(item.kind == "remainder" for item in parsed)
    fixed_total = sum((item.value for item in parsed if item.kind == "amount" and item.value is not None), ZERO)
    exact = {
        item.index: Fraction(base) * Fraction(item.value) / 100
        for item in parsed
        if item.kind == "percent" and item.value is not None
    }
    floor = {index: Decimal(math.floor(share * 100)).scaleb(-2) for index, share in exact.items()}
    _check_allocation(base, Fraction(fixed_total) + sum(exact.values(), Fraction(0)), has_remainder)
    odd = {index: Decimal(0) for index in floor} if has_remainder else _odd_cents(base, fixed_total, exact, floor)
    shares = {index: floor[index] + odd[index] for index in floor}
    remainder = base - fixed_total - sum(shares.values(), ZERO)
    rows = []
    for item in parsed:
        if item.kind == "amount" and item.value is not None:
            rows.append(Disbursement(item.payee, item.value, "fixed amount (Joint Instructions)", section))
        elif item.kind == "percent":
            extra = " + odd cent" if odd[item.index] else ""
            basis = f"{item.value}% of {base} after retained items, rounded down{extra}"
            rows.append(Disbursement(item.payee, shares[item.index], basis, section))
        else:
            rows.append(Disbursement(item.payee, remainder, "remainder (Joint Instructions)", section))
    return rows


def _drop_closing_payment(
    parsed: list[Instruction], schedule_a: Decimal, closing_payee: str
) -> tuple[list[Instruction], list[str]]:
    """The Closing Payment is retained once (FEA §3.1(a); §1.1(b); Schedule A): a line listing it
    again at Schedule A's amount is dropped with a finding; at any other amount, a percent or the
    remainder it is refused."""
    kept, findings = [], []
    for item in parsed:
        if not lists_closing_payment(item, closing_payee):
            kept.append(item)
        elif item.kind == "amount" and item.value == schedule_a:
            findings.append(
                f"instructions[{item.index}]: the Closing Payment of {schedule_a} to {item.payee} is listed again; it "
                "is retained once under FEA §3.1(a) (Schedule A), so this line is dropped, not paid twice"
            )
        else:
            shown = {"amount": str(item.value), "percent": f"{item.value}%", "remainder": "the remainder"}[item.kind]
            raise InstructionError(
                f"instructions[{item.index}]: the Closing Payment to {item.payee} is Schedule A's {schedule_a} "
                f"(FEA §1.1(b); Schedule A), retained once under §3.1(a); got {shown}"
            )
    return kept, findings


def _schedule_a_closing_payment(closing_payment: Decimal | str | None, schedule_a: Decimal | str | None) -> Decimal:
    """Schedule A's Closing Payment (FEA §1.1(b)); a ``closing_payment`` given otherwise is refused."""
    scheduled = money_field(term(schedule_a, "closing_payment"), "schedule_a")
    closing = scheduled if closing_payment is None else money_field(closing_payment, "closing_payment")
    if closing != scheduled:
        raise InstructionError(
            f"closing_payment: the Closing Payment is Schedule A's {scheduled} (FEA §1.1(b); Schedule A; "
            f"retained under §3.1(a)); got {str(closing_payment)[:40]}"
        )
    return scheduled


def _retained(
    escrowed: Decimal, fee: Decimal, closing: Decimal, closing_payee: str, agent: str
) -> tuple[list[Disbursement], Decimal]:
    """The items retained first (FEA §3.1(a)): the agent's fee and the Closing Payment; and the
    base left for the Joint Instructions, ``escrowed − fee − closing``."""
    rows = [
        Disbursement(agent, fee, "Escrow Agent's fee, retained", "FEA §3.1(a)"),
        Disbursement(closing_payee, closing, "Closing Payment, retained (Schedule A)", "FEA §3.1(a); §1.1(b)"),
    ]
    base = escrowed - fee - closing
    if base < 0:
        raise InstructionError(
            f"agent_fee: the fee {fee} and the Closing Payment {closing} exceed the Escrowed Payment {escrowed}"
        )
    return rows, base


def disburse(escrowed: Decimal | str, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str,
             closing_payment: Decimal | str | None = None, closing_payee: str | None = None, agent: str | None = None,
             *, schedule_a: Decimal | str | None = None) -> Disbursements:  # fmt: skip
    """Disburse the Escrowed Payment under the Joint Instructions (FEA §3.1(a)).

    .. math:: \\text{escrowed} = \\text{fee} + \\text{closing} + \\sum_i \\text{paid}_i

    The Joint Instructions "shall include ... Escrow Agent's authorization to retain from the
    Escrowed Payment Escrow Agent's fee ... and the Closing Payment for delivery to Laurus Capital
    Management, L.L.C." (§3.1(a)); the Closing Payment is "the closing payment to be paid to
    Laurus Capital Management, L.L.C. ... as set forth on Schedule A hereto" (§1.1(b)): Schedule
    A's amount (``schedule_a``, the deal file's ``escrow.closing_payment``; default the embedded
    deal's). Both are retained first, **once**: a ``closing_payment`` other than Schedule A's is
    refused; an instruction listing the Closing Payment again is dropped with a finding when it is
    Schedule A's amount and refused otherwise. Then the instructions in order (``amount``,
    ``percent`` of the base left after the retained items, one ``remainder``), allocated by
    :func:`allocate` (percent shares rounded down, ROUND_DOWN; the odd cents by largest
    remainder when there is no remainder payee).

    Returns
    -------
    Disbursements
        One row per payee, retained items first; ``sum(row.amount) == escrowed`` always.

    Raises
    ------
    InstructionError
        Over- or under-allocation, a negative amount, an unknown key, two remainder payees, a
        float, a missing payee, a Closing Payment other than Schedule A's.

    Examples
    --------
    >>> rows = disburse("2000000.00", [{"payee": "A", "percent": "50"}, {"payee": "B", "remainder": True}],
    ...                 "1000.00")
    >>> [str(row.amount) for row in rows]
    ['1000.00', '450000.00', '774500.00', '774500.00']
    >>> sum(row.amount for row in rows)
    Decimal('2000000.00')
    """
    escrowed_amount = money_field(escrowed, "escrowed")
    fee = money_field(agent_fee, "agent_fee")
    scheduled = _schedule_a_closing_payment(closing_payment, schedule_a)
    payee_name = term(closing_payee, "closing_payee")
    rows, base = _retained(escrowed_amount, fee, scheduled, payee_name, term(agent, "agent"))
    parsed, findings = _drop_closing_payment(check_instructions(instructions), scheduled, payee_name)
    result = Disbursements(rows + allocate(base, parsed), findings)
    total = sum((row.amount for row in result), ZERO)
    if total != escrowed_amount:  # an invariant, not an input check: it must never fire
        raise AssertionError(f"disbursement pays {total}, the escrow holds {escrowed_amount}")
    return result


def disburse_deal(deal: Any, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str) -> Disbursements:
    """:func:`disburse` with the deal's Escrowed Payment (FEA §1.1(d)), Schedule A's Closing
    Payment and its payee (§1.1(b)) and Escrow Agent (preamble).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.escrow.instructions import default_instructions
    >>> deal = load_deal()
    >>> rows = disburse_deal(deal, default_instructions(deal), "0.00")
    >>> sum(row.amount for row in rows) == deal.escrow.escrowed_payment.value
    True
    """
    terms = escrow_terms(deal)
    return disburse(
        terms["escrowed"],
        instructions,
        agent_fee,
        schedule_a=terms["closing_payment"],
        closing_payee=terms["closing_payee"],
        agent=terms["agent"],
    )
