"""The escrow as a transition table that reads like §3–§5 of the Funds Escrow Agreement.

:data:`AGREEMENT` lists, in the agreement's order, each event with the phases in which it is
allowed, who may cause it, the section that allows it, the phase it leads to and its handler (a
small function citing its clause, in :mod:`~dealkit.rules.escrow.release` for Articles II-III
and :mod:`~dealkit.rules.escrow.disputes` for Articles IV-V). :data:`TRANSITION_TABLE` maps
``(phase, event kind)`` to that entry; :func:`step` looks the event up there, applies the
guards every event shares, the handler, then §3.1(a)'s deemed release.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dealkit.rules.escrow import disputes, release
from dealkit.rules.escrow.refusals import need_actor, refuse
from dealkit.rules.escrow.state import (
    CONDITIONS,
    EVENT_KINDS,
    EscrowRun,
    EscrowState,
    Event,
    LedgerEntry,
    Phase,
    start,
)
from dealkit.rules.escrow.terms import AGENT, PARTIES, PURCHASER, EscrowTransitionError

__all__ = [
    "Handler",
    "Transition",
    "AGREEMENT",
    "TRANSITION_TABLE",
    "TRANSITIONS",
    "TARGETS",
    "RELEASES",
    "step",
    "run",
    "replay",
]

#: A handler: ``(state moved to the event's date, event, section) -> (new state, what happened)``.
Handler = Callable[[EscrowState, Event, str], tuple[EscrowState, str]]


@dataclass(frozen=True, slots=True)
class Transition:
    """One event of the agreement: where it may happen (``allowed``), who causes it (``actor``,
    ``None``: whoever the section names), its ``section``, the phase it leads to (``target``,
    ``None``: the handler decides or the phase stays) and its ``handler``."""

    kind: str
    allowed: frozenset[str]
    actor: str | None
    section: str
    target: str | None
    handler: Handler


HOLDING, RELEASED, DISPUTED = Phase.HOLDING, Phase.RELEASED, Phase.DISPUTED
INTERPLEADER, RESIGNING = Phase.INTERPLEADER, Phase.RESIGNING


def _allowed(*phases: str) -> frozenset[str]:
    return frozenset(set(phases))  # built like a set literal: the same iteration order as before the move


#: The agreement, clause by clause: event, allowed in, actor, section, leads to, handler.
# fmt: off
AGREEMENT: tuple[Transition, ...] = (
    # Article II: deliveries to the Escrow Agent; §3.1(a)(i)-(iv): the four release conditions
    Transition("deposit_documents", _allowed(HOLDING), PURCHASER, "FEA §2.2; §3.1(a)(i)",
               None, release.deliver_documents),
    Transition("deposit_payment", _allowed(HOLDING), PURCHASER, "FEA §2.3; §3.1(a)(ii)",
               None, release.deliver_payment),
    Transition("joint_instructions", _allowed(HOLDING, DISPUTED), PARTIES, "FEA §3.1(a)(iii); §4.2(a)(i)",
               None, release.give_joint_instructions),
    Transition("verbal_confirmation", _allowed(HOLDING), None, "FEA §3.1(a)(iv)",
               None, release.confirm_verbally),
    # §3.1(a): disbursement once released; §3.1(b): remittance under a Court Order
    Transition("disburse", _allowed(RELEASED), AGENT, "FEA §3.1(a); §5.1",
               Phase.DISBURSED, release.disburse_escrow),
    Transition("court_order", _allowed(HOLDING, RELEASED, DISPUTED, INTERPLEADER, RESIGNING), None,
               "FEA §3.1(b); §4.2(b)", Phase.REMITTED_BY_COURT_ORDER, release.remit_by_court_order),
    # §3.2 and §4.2(a): disputes
    Transition("dispute", _allowed(HOLDING, RELEASED, RESIGNING), None, "FEA §3.2; §4.2(a)",
               Phase.DISPUTED, disputes.raise_dispute),
    Transition("interpleader", _allowed(DISPUTED, RESIGNING), AGENT, "FEA §4.2(a)(ii); §4.1(d)",
               Phase.INTERPLEADER, disputes.commence_interpleader),
    Transition("deposit_with_court", _allowed(DISPUTED, INTERPLEADER, RESIGNING), AGENT, "FEA §4.2(a)(iii); §4.1(d)",
               Phase.DEPOSITED_WITH_COURT, disputes.deposit_with_court),
    Transition("dispute_resolved", _allowed(DISPUTED), PARTIES, "FEA §3.2 (written agreement)",
               Phase.HOLDING, disputes.resolve_dispute),
    # §4.1(d): resignation of the Escrow Agent
    Transition("resignation_notice", _allowed(HOLDING, RELEASED, DISPUTED), AGENT, "FEA §4.1(d)",
               Phase.RESIGNING, disputes.give_resignation_notice),
    Transition("successor_instruction", _allowed(RESIGNING), PARTIES, "FEA §4.1(d)",
               None, disputes.name_successor),
    Transition("deliver_to_successor", _allowed(RESIGNING), AGENT, "FEA §4.1(d); §5.1",
               Phase.TRANSFERRED_TO_SUCCESSOR, disputes.deliver_to_successor),
    # §5.1: termination by the parties' written agreement
    Transition("terminate_by_agreement", _allowed(HOLDING, RELEASED, DISPUTED), PARTIES, "FEA §5.1",
               Phase.TERMINATED_BY_AGREEMENT, disputes.terminate_by_agreement),
)
# fmt: on
assert tuple(entry.kind for entry in AGREEMENT) == EVENT_KINDS, "one entry per event kind, in the agreement's order"

BY_KIND: dict[str, Transition] = {entry.kind: entry for entry in AGREEMENT}
#: ``(phase, event kind) -> Transition``: what the agreement allows in each phase.
TRANSITION_TABLE: dict[tuple[str, str], Transition] = {
    (phase, entry.kind): entry for entry in AGREEMENT for phase in sorted(entry.allowed)
}
#: event -> (phases in which it is allowed, the actor it needs, its section): the table by event.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None, str]] = {
    entry.kind: (entry.allowed, entry.actor, entry.section) for entry in AGREEMENT
}
#: Where each event leads (for the state diagram); ``None``: the phase does not change.
TARGETS: dict[str, str | None] = {entry.kind: entry.target for entry in AGREEMENT}
#: The events that move money out of the escrow to its recipients (a "release").
RELEASES = frozenset({"disburse", "court_order", "terminate_by_agreement"})


def _transition_for(state: EscrowState, event: Event) -> Transition:
    """The table's entry for ``event`` in ``state``, after the guards every event shares: a known
    event, an escrow not ended (§5.1), events in date order, a phase the section allows, the
    section's actor, and no release once the resignation has taken effect (§4.1(d))."""
    if event.kind not in BY_KIND:
        raise EscrowTransitionError(
            f"unknown event {str(event.kind)[:40]!r} in state {state.phase!r}; known: {', '.join(BY_KIND)}"
        )
    section = BY_KIND[event.kind].section
    if state.terminal:
        raise refuse(state, event, "the escrow has ended (FEA §5.1); no event is allowed after it", section)
    if event.date < state.last_date:
        raise refuse(state, event, f"events must be in date order; the last was on {state.last_date}", section)
    entry = TRANSITION_TABLE.get((state.phase, event.kind))
    if entry is None:
        raise refuse(state, event, f"allowed only in {', '.join(sorted(BY_KIND[event.kind].allowed))}", section)
    need_actor(state, event, entry.actor, section)
    if event.kind in RELEASES and state.resigned_on(event.date):
        raise refuse(
            state,
            event,
            f"the Escrow Agent's resignation took effect on {state.resignation_effective} (§4.1(d)); nothing can be "
            "released after it — only delivery to a substitute Escrow Agent or a deposit with a New York court",
            f"{section}; FEA §4.1(d)",
        )
    return entry


def _deemed_release(state: EscrowState, detail: str) -> tuple[EscrowState, str]:
    """FEA §3.1(a): once all four conditions hold (and no dispute), "the Escrowed Payment shall be
    deemed released from escrow"."""
    if state.phase == Phase.HOLDING and state.conditions >= set(CONDITIONS) and state.held:
        released = dataclasses.replace(state, phase=Phase.RELEASED)
        return released, detail + "; all four conditions of §3.1(a) met: the Escrowed Payment is deemed released"
    return state, detail


def step(state: EscrowState, event: Event) -> tuple[EscrowState, LedgerEntry]:
    """Apply one event through the transition table; return the new state and its ledger entry.

    Raises :class:`EscrowTransitionError` (naming the state, the event and the section) for an
    event the agreement does not allow in this state, by this actor, on this date, or with this
    data. Nothing is ever silently ignored. Beyond the table (:data:`AGREEMENT`):

    - Resignation (FEA §4.1(d)): from its effective date no release (:data:`RELEASES`: a
      disbursement, a remittance under a Court Order, a return under §5.1) is possible: only
      delivery to the substitute Escrow Agent or, "if no successor Escrow Agent is named", a
      deposit with a New York court or an interpleader. A dispute raised while resigning
      returns to the resignation when it ends (a dispute never resets it).
    - A release happens once: disbursement, Court Order remittance, deposit and delivery end the
      escrow (§5.1) and no event is accepted after.

    Conservation holds after every step: ``paid_out + held`` is the Escrowed Payment once it is
    deposited (zero before).

    Examples
    --------
    >>> state, entry = step(start(), Event("dispute", start().last_date, "Companies"))
    >>> entry.phase_before, entry.phase_after, entry.section
    ('holding', 'disputed', 'FEA §3.2; §4.2(a)')
    """
    entry = _transition_for(state, event)
    moved = dataclasses.replace(state, last_date=event.date)
    new, detail = _deemed_release(*entry.handler(moved, event, entry.section))
    recorded = LedgerEntry(
        0, event.date, event.actor, event.kind, state.phase, new.phase, entry.section, detail, dict(event.data)
    )
    return new, recorded


def run(events: Iterable[Event | Mapping[str, Any]], initial: EscrowState | None = None) -> EscrowRun:
    """Apply events in order from ``initial`` (default :func:`~dealkit.rules.escrow.state.start`);
    every transition is recorded. Raises on the first refused event.

    Examples
    --------
    >>> from dealkit.rules.escrow.scenarios import scenario_events
    >>> result = run(scenario_events("clean_release", [{"payee": "ATG", "remainder": True}]))
    >>> [entry.phase_after for entry in result.ledger][-2:], result.state.held
    (['released', 'disbursed'], Decimal('0.00'))
    """
    state = initial or start()
    first = state
    ledger: list[LedgerEntry] = []
    for number, raw in enumerate(events):
        event = raw if isinstance(raw, Event) else Event.from_mapping(raw, f"events[{number}]")
        state, entry = step(state, event)
        ledger.append(dataclasses.replace(entry, seq=number + 1))
    return EscrowRun(state, tuple(ledger), first)


def replay(ledger: Iterable[LedgerEntry], initial: EscrowState | None = None) -> EscrowRun:
    """Re-run a recorded ledger: the same events give the same state (and the same ledger)."""
    events = [Event(entry.event, entry.date, entry.actor, entry.data) for entry in ledger]
    return run(events, initial)
