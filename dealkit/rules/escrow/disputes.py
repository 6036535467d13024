"""Articles IV and V of the Funds Escrow Agreement as transition handlers: disputes (§3.2,
§4.2(a)), the agent's resignation (§4.1(d), with the notice of §5.2) and termination by the
parties' written agreement (§5.1).

Each handler takes the state (already moved to the event's date), the event and the section
that allows it, and returns the new state and what happened (see
:mod:`dealkit.rules.escrow.release`).
"""

from __future__ import annotations

import dataclasses

from dealkit.rules.escrow.disbursement import Disbursement
from dealkit.rules.escrow.refusals import date_field, need_resignation_effective, refuse
from dealkit.rules.escrow.state import EscrowState, Event, Phase, notice_deemed_given, resignation_effective_date
from dealkit.rules.escrow.terms import PURCHASER, ZERO

__all__ = [
    "raise_dispute",
    "commence_interpleader",
    "deposit_with_court",
    "resolve_dispute",
    "give_resignation_notice",
    "name_successor",
    "deliver_to_successor",
    "terminate_by_agreement",
]


def _paid_whole(state: EscrowState, payee: str, basis: str, section: str) -> tuple[Disbursement, ...]:
    """Everything the escrow holds, to one payee (nothing when it holds nothing)."""
    return (Disbursement(payee, state.held, basis, section),) if state.held else ()


def raise_dispute(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.2: "Any dispute with respect to the release ... shall be resolved pursuant to
    Section 4.2"; §4.2(a)(i): the agent may "continue to hold ... pending receipt of a Joint
    Instruction". A dispute during a resignation returns to it when it ends: it never resets it."""
    new = dataclasses.replace(state, phase=Phase.DISPUTED, phase_before_dispute=state.phase)
    detail = f"dispute raised by {event.actor[:60]}: the agent may hold pending a Joint Instruction (§4.2(a)(i))"
    if state.phase == Phase.RESIGNING:
        detail += f"; the resignation effective {state.resignation_effective} stands (§4.1(d))"
    return new, detail


def commence_interpleader(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §4.2(a)(ii): "commence an interpleader or similar action"; on the §4.1(d) path ("If no
    successor Escrow Agent is named ... otherwise commence an interpleader") only once the
    resignation is effective."""
    if state.phase == Phase.RESIGNING:
        need_resignation_effective(state, event, section)
    return dataclasses.replace(
        state, phase=Phase.INTERPLEADER
    ), "interpleader commenced; funds held pending a Court Order"


def deposit_with_court(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §4.2(a)(iii): in a dispute, "deposit the Documents, the Escrowed Payment with any court
    of competent jurisdiction in the State of New York" (the agent is then "relieved and
    discharged"); §4.1(d): resigning, only if no successor is named and once the resignation is
    effective."""
    if state.phase == Phase.RESIGNING:
        if state.successor is not None:
            raise refuse(state, event, f"a successor ({state.successor[:60]}) was named: deliver to it", section)
        need_resignation_effective(state, event, section)
        why = "resignation effective with no successor named (§4.1(d))"
    else:
        why = "dispute: deposit with a court (§4.2(a)(iii))"
    paid = _paid_whole(state, "Clerk of a New York court", "deposited with the court", section)
    new = dataclasses.replace(state, phase=Phase.DEPOSITED_WITH_COURT, held=ZERO, disbursements=paid)
    return new, f"Documents and Escrowed Payment deposited with a New York court; agent discharged ({why})"


def resolve_dispute(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §3.2: a dispute may be "resolved ... by written agreement between the Companies and
    Purchaser"; the escrow returns to the phase the dispute interrupted."""
    new = dataclasses.replace(state, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
    return new, "dispute resolved by written agreement of the Companies and the Purchaser"


def give_resignation_notice(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §4.1(d): the agent "may at any time resign ... by giving five (5) business days prior
    written notice"; it takes effect on "the effective date of resignation as specified in such
    notice" (``effective``), never earlier than
    :func:`~dealkit.rules.escrow.state.resignation_effective_date` (the notice deemed given under
    §5.2), which is the date when the notice names none."""
    earliest = resignation_effective_date(event.date, state.notice_business_days, deemed_days=state.deemed_days)
    specified = date_field(state, event, "effective", section)
    if specified is not None and specified < earliest:
        raise refuse(
            state,
            event,
            f"the notice specifies {specified}, earlier than {state.notice_business_days} business days after it is "
            f"deemed given ({earliest})",
            section,
        )
    effective = specified or earliest
    new = dataclasses.replace(
        state,
        phase=Phase.RESIGNING,
        resignation_effective=effective,
        resignation_notice=event.date,
        phase_before_dispute=None,
    )
    how = "(as the notice specifies)" if specified else f"({state.notice_business_days} business days)"
    return (
        new,
        f"notice deemed given {notice_deemed_given(event.date, state.deemed_days)} (§5.2); effective {effective} {how}",
    )


def name_successor(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §4.1(d): "Prior to the effective date of resignation ... the Purchaser and Companies
    will issue to the Escrow Agent a Joint Instruction authorizing delivery ... to a substitute
    Escrow Agent" (``successor``)."""
    name = event.data.get("successor")
    if not isinstance(name, str) or not name.strip():
        raise refuse(state, event, "the Joint Instruction must name the substitute Escrow Agent", section)
    if state.resigned_on(event.date):
        raise refuse(
            state, event, f"it must come before the resignation's effective date {state.resignation_effective}", section
        )
    successor = name.strip()[:200]
    return dataclasses.replace(state, successor=successor), f"substitute Escrow Agent: {successor}"


def deliver_to_successor(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §4.1(d): "delivery of the Documents, the Escrowed Payment to a substitute Escrow Agent";
    the escrow ends for this agent (§5.1: on "resignation of the Escrow Agent")."""
    if state.successor is None:
        raise refuse(state, event, "no successor has been named by Joint Instruction", section)
    paid = _paid_whole(state, state.successor, "delivered to the substitute Escrow Agent", section)
    new = dataclasses.replace(state, phase=Phase.TRANSFERRED_TO_SUCCESSOR, held=ZERO, disbursements=paid)
    return new, f"Documents and {state.held} delivered to {state.successor}"


def terminate_by_agreement(state: EscrowState, event: Event, section: str) -> tuple[EscrowState, str]:
    """FEA §5.1: the escrow terminates "earlier upon the agreement in writing of the Purchaser and
    Companies"; what it holds goes back (``return_to``, default the Purchaser, who paid it in
    under §2.3)."""
    payee = str(event.data.get("return_to") or state.purchaser or PURCHASER)[:200]
    paid = _paid_whole(state, payee, "returned under the parties' written agreement", section)
    new = dataclasses.replace(state, phase=Phase.TERMINATED_BY_AGREEMENT, held=ZERO, disbursements=paid)
    return new, f"terminated by written agreement; {state.held} to {payee}"
