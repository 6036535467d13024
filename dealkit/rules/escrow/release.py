"""Articles II and III of the Funds Escrow Agreement as transition handlers: the deliveries to
the Escrow Agent (§2.2, §2.3), the four release conditions and the disbursement (§3.1(a)), and
the remittance under a Court Order (§3.1(b)).

Each handler takes the state (already moved to the event's date), the event and the section
that allows it, and returns the new state and what happened; it raises (through
:func:`~dealkit.rules.escrow.refusals.refuse`) when the event's data do not meet its clause.
The transition table (:mod:`dealkit.rules.escrow.transitions`) says in which phases, and by whom,
each event is allowed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from dealkit.rules.escrow.disbursement import Disbursements, allocate, disburse
from dealkit.rules.escrow.instructions import check_instructions
from dealkit.rules.escrow.refusals import refuse
from dealkit.rules.escrow.state import AUTHORIZED_CONFIRMERS, EscrowState, Event, Phase
from dealkit.rules.escrow.terms import ZERO, InstructionError, money_field

__all__ = [
    "disburse_state",
    "deliver_documents",
    "deliver_payment",
    "give_joint_instructions",
    "confirm_verbally",
    "disburse_escrow",
    "remit_by_court_order",
]


def disburse_state(state: EscrowState, amount: Decimal, instructions: Iterable[Mapping[str, Any]]) -> Disbursements:
    """:func:`~dealkit.rules.escrow.disbursement.disburse` of ``amount`` with the terms ``state``
    carries (the agent's fee, Schedule A's Closing Payment and payee, the agent)."""
    return disburse(
        amount,
        instructions,
        state.agent_fee,
        schedule_a=state.closing_payment,
        closing_payee=state.closing_payee,
        agent=state.agent,
    )


def deliver_documents(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §2.2: "the Purchaser shall deliver to the Escrow Agent copies of the Documents"; fully
    executed (``fully_executed``, default true), they meet condition (i) of §3.1(a)."""
    if state.documents:
        raise refuse(state, event, "the Documents were already delivered", section)
    fully = event.data.get("fully_executed", True) is True
    new = dataclasses.replace(state, documents=True, conditions=state.conditions | ({"i"} if fully else set()))
    return new, "copies of the Documents delivered" + ("" if fully else " (not fully executed: (i) not met)")


def deliver_payment(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §2.3: "the Purchaser shall deliver to the Escrow Agent the Escrowed Payment" — exactly
    §1.1(d)'s amount; in immediately available funds (``immediately_available``, default true)
    it meets condition (ii) of §3.1(a)."""
    if state.held or state.paid_out:
        raise refuse(state, event, "the Escrowed Payment was already delivered", section)
    try:
        amount = money_field(event.data.get("amount", state.escrowed), "amount")
    except InstructionError as exc:
        raise refuse(state, event, str(exc), section) from None
    if amount != state.escrowed:
        raise refuse(state, event, f"the Escrowed Payment is {state.escrowed} (§1.1(d)), not {amount}", section)
    available = event.data.get("immediately_available", True) is True
    new = dataclasses.replace(state, held=amount, conditions=state.conditions | ({"ii"} if available else set()))
    return new, f"{amount} received" + ("" if available else " (not immediately available funds: (ii) not met)")


def give_joint_instructions(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.1(a)(iii): Joint Instructions "setting forth the payment direction instructions",
    checked when given (a bad one is refused now, not at disbursement); in a dispute, §4.2(a)(i):
    the agent holds "pending receipt of a Joint Instruction", so one ends the hold."""
    instructions = event.data.get("instructions")
    if instructions is None:
        raise refuse(state, event, "Joint Instructions must set out the payment directions", section)
    try:
        rows = disburse_state(state, state.escrowed, instructions)
    except InstructionError as exc:
        raise refuse(state, event, str(exc), section) from None
    new = dataclasses.replace(state, instructions=tuple(instructions), conditions=state.conditions | {"iii"})
    dropped = f"; {'; '.join(rows.findings)}" if rows.findings else ""
    if state.phase == Phase.DISPUTED:
        new = dataclasses.replace(new, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
        return new, "Joint Instruction received: the dispute hold ends (§4.2(a)(i))" + dropped
    return new, f"Joint Instructions with {len(instructions)} payment direction(s)" + dropped


def confirm_verbally(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.1(a)(iv): "verbal instructions from David Grin and/or Eugene Grin (each of whom is
    a director of the Purchaser) indicating that all closing conditions ... have been satisfied"."""
    if event.actor not in AUTHORIZED_CONFIRMERS:
        raise refuse(state, event, f"verbal instructions must come from {' or '.join(AUTHORIZED_CONFIRMERS)}", section)
    new = dataclasses.replace(state, conditions=state.conditions | {"iv"})
    return new, f"{event.actor} confirms all closing conditions are satisfied"


def disburse_escrow(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.1(a): once released, the Escrowed Payment "shall be promptly disbursed in accordance
    with the Joint Instructions"; §5.1: "This escrow shall terminate upon disbursement"."""
    rows = disburse_state(state, state.held, state.instructions or ())
    new = dataclasses.replace(state, phase=Phase.DISBURSED, disbursements=tuple(rows), held=ZERO)
    detail = f"{len(rows)} payments totalling {sum((row.amount for row in rows), ZERO)}; the escrow terminates (§5.1)"
    return new, detail + ("; " + "; ".join(rows.findings) if rows.findings else "")


def remit_by_court_order(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.1(b): on "a final and non-appealable judgment ... (a "Court Order")", "accompanied
    by an opinion of counsel ... satisfactory to the Escrow Agent", the agent "shall remit the
    Escrowed Payment in accordance with the Court Order" (§4.2(b): it may obey it). The Court
    Order's own directions (``instructions``, or all to ``payee``); nothing is retained unless it
    says so."""
    if event.data.get("final_non_appealable") is not True:
        raise refuse(state, event, "a Court Order must be final and non-appealable", section)
    if event.data.get("opinion_of_counsel") is not True:
        raise refuse(
            state, event, "a Court Order must come with an opinion of counsel satisfactory to the Escrow Agent", section
        )
    payee = event.data.get("payee", "as the Court Order directs")
    directions = event.data.get("instructions", [{"payee": str(payee)[:200], "remainder": True}])
    try:
        rows = allocate(state.held, check_instructions(directions), "FEA §3.1(b)") if state.held else []
    except InstructionError as exc:
        raise refuse(state, event, str(exc), section) from None
    remitted = tuple(dataclasses.replace(row, basis="per the Court Order", section="FEA §3.1(b)") for row in rows)
    new = dataclasses.replace(state, phase=Phase.REMITTED_BY_COURT_ORDER, disbursements=remitted, held=ZERO)
    return new, f"remitted {state.held} per the Court Order"
